"""Reliability tables, calibrators, and the genre score as the probability of the label shown."""

from __future__ import annotations

import numpy as np
import pytest

from unspun.models.linear_head import LinearHead
from unspun.training.calibration import (
    apply_platt,
    expected_calibration_error,
    fit_platt,
    fit_platt_logits,
    fit_temperature,
    reliability_report,
    reliability_table,
    softmax_with_temperature,
    top_class_ece,
)


def test_a_calibrated_forecaster_has_a_small_ece_and_an_overconfident_one_a_large_one() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 1, 20000)
    honest = rng.uniform(0, 1, p.size) < p
    assert expected_calibration_error(reliability_table(p, honest)) < 0.02
    loud = np.where(p > 0.5, 0.99, 0.01)  # says 99% where the truth is ~75%
    assert expected_calibration_error(reliability_table(loud, honest)) > 0.2


def test_reliability_bins_and_weights() -> None:
    table = reliability_table(np.array([0.05, 0.15, 0.95, 1.0]), np.array([0, 1, 1, 0]), bins=10)
    assert [(b.low, b.count) for b in table] == [(0.0, 1), (0.1, 1), (0.9, 2)]  # 1.0 in the last bin
    assert table[2].accuracy == 0.5 and table[2].confidence == pytest.approx(0.975)
    weighted = reliability_table(np.array([0.9, 0.9]), np.array([1, 0]), weights=np.array([3.0, 1.0]))
    assert weighted[0].accuracy == pytest.approx(0.75)
    with pytest.raises(ValueError):
        reliability_table(np.array([0.1, 0.2]), np.array([1]))


def test_reliability_report_is_the_table_as_a_training_report_writes_it() -> None:
    report = reliability_report(np.array([0.05, 0.15, 0.95, 1.0]), np.array([0, 1, 1, 0]))
    # hand-counted: |0.05-0| + |0.15-1| + 2 * |0.975-0.5| over 4 items
    assert report["ece"] == pytest.approx((0.05 + 0.85 + 2 * 0.475) / 4, abs=1e-4)
    assert report["bins"] == [[0.0, 0.1, 1, 0.05, 0.0], [0.1, 0.2, 1, 0.15, 1.0], [0.9, 1.0, 2, 0.975, 0.5]]


def test_top_class_ece_weighs_each_row() -> None:
    rows = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]])
    # hand-counted: bin 0.9 right (gap 0.1), bin 0.8 wrong (gap 0.8), bin 0.7 right (gap 0.3)
    assert top_class_ece(rows, np.array([0, 1, 1])) == pytest.approx((0.1 + 0.8 + 0.3) / 3)
    weighted = top_class_ece(rows, np.array([0, 1, 1]), weights=np.array([2.0, 1.0, 1.0]))
    assert weighted == pytest.approx((2 * 0.1 + 0.8 + 0.3) / 4)


def test_temperature_recovers_overconfidence_and_keeps_the_argmax() -> None:
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 1.5, (4000, 3))
    truth = np.array([rng.choice(3, p=np.exp(row) / np.exp(row).sum()) for row in logits])
    sharp = softmax_with_temperature(np.exp(logits) / np.exp(logits).sum(1, keepdims=True), 1 / 3)
    t = fit_temperature(sharp, truth)
    assert 2.4 < t < 3.8  # undoes the sharpening by 3
    fixed = softmax_with_temperature(sharp, t)
    assert (fixed.argmax(1) == sharp.argmax(1)).all()
    before = expected_calibration_error(reliability_table(sharp.max(1), sharp.argmax(1) == truth))
    after = expected_calibration_error(reliability_table(fixed.max(1), fixed.argmax(1) == truth))
    assert after < before / 2


def test_platt_is_monotonic_and_fixes_a_shifted_score() -> None:
    rng = np.random.default_rng(2)
    true_p = rng.uniform(0.02, 0.98, 20000)
    y = rng.uniform(0, 1, true_p.size) < true_p
    skewed = true_p**3  # systematically too low
    a, b = fit_platt(skewed, y)
    fixed = apply_platt(skewed, a, b)
    assert np.all(np.diff(fixed[np.argsort(skewed)]) >= -1e-12)
    assert expected_calibration_error(reliability_table(fixed, y)) < 0.03
    assert fit_platt(np.array([0.2, 0.7]), np.array([1, 1])) == (1.0, 0.0)


def test_the_genre_score_is_the_probability_of_the_label_shown_after_the_offset() -> None:
    head = LinearHead(
        labels=("opinion", "reporting", "satire"),
        weights=np.eye(3, dtype=np.float32),
        bias=np.zeros(3, np.float32),
        mean=np.zeros(3, np.float32),
        scale=np.ones(3, np.float32),
        multi_label=False,
        offsets={"en": np.array([0.0, 1.0, -3.0], np.float32)},
    )
    scores = head.scores(np.array([[1.0, 0.5, 0.0], [0.0, 0.0, 3.0]], np.float32))
    for lang in ("en", "fr"):
        shown = head.decide(scores, lang)
        probabilities = head.shifted(scores, lang)
        for (label, score), row in zip((r[0] for r in shown), probabilities, strict=True):
            assert label == head.labels[int(row.argmax())] and score == pytest.approx(float(row.max()))
    assert head.decide(scores, "en")[0][0][0] == "reporting"  # the offset moved the decision
    assert head.decide(scores, "fr")[0][0][0] == "opinion"


def test_a_head_keeps_its_temperature_on_disk_and_it_never_moves_the_label(tmp_path) -> None:  # type: ignore[no-untyped-def]
    head = LinearHead(
        labels=("opinion", "reporting", "satire"),
        weights=np.eye(3, dtype=np.float32),
        bias=np.zeros(3, np.float32),
        mean=np.zeros(3, np.float32),
        scale=np.ones(3, np.float32),
        multi_label=False,
        offsets={"en": np.array([0.0, 1.0, -3.0], np.float32)},
        temperature=2.0,
    )
    head.to_disk(tmp_path / "genre.npz")
    again = LinearHead.from_disk(tmp_path / "genre.npz")
    assert again.temperature == 2.0
    scores = head.scores(np.array([[1.0, 0.5, 0.0], [0.2, 0.1, 2.0]], np.float32))
    plain = LinearHead(**{**{f: getattr(head, f) for f in head.__slots__}, "temperature": 1.0})  # type: ignore[arg-type]
    for lang in ("en", None):
        cooled, hot = again.decide(scores, lang), plain.decide(scores, lang)
        assert [r[0][0] for r in cooled] == [r[0][0] for r in hot]
        assert all(c[0][1] < h[0][1] for c, h in zip(cooled, hot, strict=True))  # T > 1: less sure


def test_genre_temperature_is_fitted_on_english_rows_weighted_to_news() -> None:
    from unspun.training.article_tables import Table
    from unspun.training.train_semeval2023 import NEWS_MIX, genre_temperature, news_weights

    rng = np.random.default_rng(3)
    truth = rng.choice(3, size=3000, p=[0.8, 0.15, 0.05])  # opinion-heavy, as the training set
    weights = news_weights(truth)
    assert weights.mean() == pytest.approx(1.0)
    share = {
        g: weights[truth == i].sum() / weights.sum() for i, g in enumerate(("opinion", "reporting", "satire"))
    }
    assert share == pytest.approx(NEWS_MIX)
    logits = rng.normal(0, 1, (3000, 3))
    logits[np.arange(3000), truth] += 1.0
    honest = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    sharp = softmax_with_temperature(honest, 0.25)  # four times too sure
    table = Table(np.zeros((3000, 1)), truth, ["en"] * 3000, [str(i) for i in range(3000)])
    cfg = {"genre": {}}
    assert genre_temperature(table, sharp, cfg) > 2.0
    assert genre_temperature(Table(table.x, truth, ["fr"] * 3000, table.articles), sharp, cfg) == 1.0


def test_gold_densities_and_evidence_features() -> None:
    from unspun.document import TECHNIQUE_LAYER, Article, Label, Paragraph, Span
    from unspun.training.persuasion_fit import (
        FEATURES,
        evidence_features,
        paragraph_density,
        span_density,
    )

    assert span_density("abcdefghij", [(0, 4), (2, 6), (8, 20)]) == pytest.approx(0.8)  # union
    assert span_density("", [(0, 1)]) == 0.0
    assert paragraph_density([["Loaded_Language"], [], ["Doubt", "Repetition"], []]) == 0.5
    text = "one two three four five six seven eight nine ten"
    article = Article(id="a", text=text)
    article.set_layer(TECHNIQUE_LAYER, [Span(0, 7, "Loaded_Language", 0.4), Span(8, 13, "Doubt", 0.2)])
    article.paragraphs = [Paragraph(1, 0, len(text), [Label("Doubt", 0.7), Label("Repetition", 0.3)])]
    row = dict(zip(FEATURES, evidence_features(article), strict=True))
    assert row["span_share"] == pytest.approx(12 / len(text))
    assert row["spans_per_100_words"] == 2.0 and row["span_score_per_100_words"] == pytest.approx(0.6)
    assert row["paragraph_share"] == 1.0 and row["paragraph_top_score"] == pytest.approx(0.7)


@pytest.mark.needs("sklearn", "scipy")
def test_a_density_fit_ranks_held_out_articles_on_grouped_folds() -> None:
    from unspun.training.grouping import fold_map, grouped_folds
    from unspun.training.persuasion_fit import cross_validated_fit, spearman

    rng = np.random.default_rng(4)
    n = 300
    density = rng.beta(2, 5, n)  # synthetic gold density
    features = np.column_stack([density + rng.normal(0, 0.05, n), rng.normal(0, 1, n), density**2])
    ids = [str(i) for i in range(n)]
    groups = [ids[i : i + 3] for i in range(0, 60, 3)]  # 20 near-duplicate triples
    where = fold_map(grouped_folds(ids, 5, 13, groups))
    fold = np.array([where[i] for i in ids])
    fit = cross_validated_fit(features, density, fold)
    assert fit.spearman > 0.85 and min(fit.per_fold) > 0.7
    assert spearman(np.arange(5.0), np.array([1.0, 2, 3, 4, 9])) == pytest.approx(1.0)
    noise = cross_validated_fit(rng.normal(0, 1, (n, 3)), density, fold)
    assert abs(noise.spearman) < 0.25
    with pytest.raises(ValueError):
        cross_validated_fit(features, density, np.zeros(n))


def test_platt_on_logits_recovers_the_slope_and_intercept() -> None:
    """A head's raw logits are calibrated as they are (no clipping to a probability first)."""
    rng = np.random.default_rng(3)
    z = rng.normal(0, 4, 20000)
    y = rng.uniform(0, 1, z.size) < 1 / (1 + np.exp(-(0.5 * z - 1.0)))
    a, b = fit_platt_logits(z, y, c=1e6)
    assert a == pytest.approx(0.5, abs=0.03) and b == pytest.approx(-1.0, abs=0.06)
    inside = np.abs(z) < 10  # where logit(sigmoid(z)) is z, fit_platt on the probabilities agrees
    assert fit_platt(1 / (1 + np.exp(-z[inside])), y[inside], c=1e6) == pytest.approx(
        fit_platt_logits(z[inside], y[inside], c=1e6), abs=1e-4
    )
    assert fit_platt_logits(np.array([1.0, -2.0]), np.array([0, 0])) == (1.0, 0.0)


@pytest.mark.needs("sklearn")
def test_the_one_platt_fit_is_scikit_learns_logistic_regression_solved_exactly() -> None:
    """fit_platt_logits (the trainers') is LogisticRegression(C=c) with weights, to solver
    precision; the frames' calibration is the same Newton fit with its own penalty."""
    from sklearn.linear_model import LogisticRegression

    from unspun.models.frame_calibration import fit_platt_rows
    from unspun.models.linear_head import fit_platt_newton, logit

    rng = np.random.default_rng(5)
    z = rng.normal(0, 3, 800)
    y = (rng.uniform(size=z.size) < 1 / (1 + np.exp(-(0.7 * z + 0.3)))).astype(int)
    w = rng.uniform(0.5, 2.0, z.size)
    reference = LogisticRegression(C=100.0, max_iter=1000, tol=1e-12).fit(z[:, None], y, sample_weight=w)
    a, b = fit_platt_logits(z, y, weights=w, c=100.0)
    assert a == pytest.approx(reference.coef_[0, 0], abs=1e-6)
    assert b == pytest.approx(reference.intercept_[0], abs=1e-6)
    p = 1 / (1 + np.exp(-z))
    assert fit_platt_rows(p, y) == fit_platt_newton(logit(p), y, l2=(1e-3, 1e-3), steps=50)
