from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from article_fixtures import HashEncoder, blank_head
from unspun.document import Article
from unspun.errors import ModelError
from unspun.models.frame_calibration import FILE_NAME, FrameCalibration, fit_frame_calibration
from unspun.models.linear_head import fit_linear_head
from unspun.models.sentence_encoder import ParagraphEmbedder
from unspun.pipeline.framing import FrameClassifier
from unspun.techniques import FRAME_LABELS

FIXTURE = Path(__file__).parent / "fixtures" / "frames-news.json"
# Content errors of the head that no prior correction within the folds' budget clears (MODEL_CARD.md,
# "Frames on general news"): the weather report reads like the security articles it learnt from.
KNOWN_WRONG = {
    "rainfall-report": "Security and defence from the embedding head's content (about 0.7)",
    "marathon-result": "Security and defence about 0.47, at its English training share (0.45)",
}


def _identity(priors: dict[str, list[float]], floors: dict[str, tuple[str, ...]]) -> FrameCalibration:
    return FrameCalibration(
        labels=("A", "B"),
        slope=np.ones(2),
        intercept=np.zeros(2),
        priors={lang: np.array(p) for lang, p in priors.items()},
        floors=floors,
    )


def test_fit_recovers_a_known_platt_map_and_the_shares() -> None:
    rng = np.random.default_rng(0)
    scores = rng.uniform(0.02, 0.98, size=(4000, 2))
    logits = np.log(scores / (1 - scores))
    truth = (rng.uniform(size=scores.shape) < 1 / (1 + np.exp(-(2.0 * logits - 0.5)))).astype(int)
    langs = ["en"] * 1000 + ["fr"] * 3000
    fitted = fit_frame_calibration(scores, truth, langs, ("A", "B"), {"en": ("B",)})
    assert np.allclose(fitted.slope, 2.0, atol=0.3) and np.allclose(fitted.intercept, -0.5, atol=0.3)
    assert np.allclose(fitted.prior("en"), truth[:1000].mean(axis=0))
    assert np.allclose(fitted.prior("xx"), truth.mean(axis=0))  # another language: the pooled shares
    low, high = fitted.calibrate(np.array([[0.3, 0.3], [0.6, 0.6]]))
    assert (high > low).all()  # monotonic: a raw threshold is the same decision on this scale
    with pytest.raises(ValueError, match="unknown frames"):
        fit_frame_calibration(scores, truth, langs, ("A", "B"), {"en": ("C",)})


def test_a_floored_frame_below_its_share_is_hidden_and_the_largest_rise_is_kept() -> None:
    calibration = _identity({"default": [0.1, 0.5], "en": [0.1, 0.5]}, {"en": ("B",)})
    scores, thresholds = np.array([0.2, 0.45]), np.array([0.3, 0.3])
    # B passes its threshold but not its training share; nothing passes, so the frame that rises
    # most above its share (A: 0.2 against 0.1) is kept, not the highest score (B)
    assert [j for j, _ in calibration.choose(scores, thresholds, "en")] == [0]
    assert [j for j, _ in calibration.choose(scores, thresholds, "fr")] == [1]  # no floor in French
    assert [j for j, _ in calibration.choose(np.array([0.2, 0.7]), thresholds, "en")] == [1]
    both = calibration.choose(np.array([0.35, 0.7]), thresholds, "en", min_frames=1)
    assert [j for j, _ in both] == [1, 0]  # highest probability first


def test_round_trip_and_malformed_files(tmp_path: Path) -> None:
    assert FrameCalibration.from_disk(tmp_path) is None
    calibration = _identity({"default": [0.1, 0.5]}, {"en": ("B",)})
    calibration.to_disk(tmp_path)
    again = FrameCalibration.from_disk(tmp_path)
    assert again is not None and again.floors == {"en": ("B",)}
    assert np.allclose(again.calibrate(np.array([0.2, 0.9])), calibration.calibrate(np.array([0.2, 0.9])))
    data = json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))
    data["floors"] = {"en": ["Z"]}
    (tmp_path / FILE_NAME).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="refit it"):
        FrameCalibration.from_disk(tmp_path)
    (tmp_path / FILE_NAME).write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match="not a frame calibration"):
        FrameCalibration.from_disk(tmp_path)


@pytest.mark.needs("sklearn")
def test_frame_classifier_prints_calibrated_probabilities_and_keeps_them_on_disk(tmp_path: Path) -> None:
    embedder = ParagraphEmbedder(HashEncoder())
    articles = [
        Article(id="1", text="Outrage!\n\nThis shameful plan is a disgrace.", language="en"),
        Article(id="2", text="Budget\n\nThe council approved the budget on Monday.", language="en"),
    ]
    frames = FrameClassifier(head=blank_head(FRAME_LABELS, 1, True), embedder=embedder)
    targets = np.zeros((2, len(FRAME_LABELS)), dtype=int)
    targets[0, FRAME_LABELS.index("Morality")] = targets[1, FRAME_LABELS.index("Economic")] = 1
    frames.head = fit_linear_head(frames.features(articles), targets, FRAME_LABELS, multi_label=True, c=100)
    raw = frames.predict(articles)
    frames.calibration = FrameCalibration(
        labels=FRAME_LABELS,
        slope=np.full(len(FRAME_LABELS), 0.5),  # pulls every probability towards 0.5
        intercept=np.zeros(len(FRAME_LABELS)),
        priors={"default": np.full(len(FRAME_LABELS), 0.2)},
    )
    calibrated = frames.predict(articles)
    assert [[n for n, _ in row] for row in calibrated] == [[n for n, _ in row] for row in raw]
    assert all(
        abs(p - 0.5) < abs(q - 0.5)
        for a, b in zip(raw, calibrated, strict=True)
        for (_, q), (_, p) in zip(a, b, strict=True)
    )
    frames.to_disk(tmp_path)
    assert FrameClassifier(model_dir=tmp_path, embedder=embedder).predict(articles) == calibrated


def _fixture() -> list[dict[str, object]]:
    return list(json.loads(FIXTURE.read_text(encoding="utf-8"))["articles"])


@pytest.fixture(scope="module")
def packaged_frames() -> FrameClassifier:
    from unspun.models.sentence_encoder import load_encoder

    return FrameClassifier(embedder=ParagraphEmbedder(load_encoder()))


@pytest.mark.parametrize("case", _fixture(), ids=lambda case: str(case["id"]))
def test_packaged_frames_fit_short_news(
    packaged_frames: FrameClassifier, case: dict, request: pytest.FixtureRequest
) -> None:
    if case["id"] in KNOWN_WRONG:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_WRONG[str(case["id"])], strict=False))
    (row,) = packaged_frames.predict([Article(id=str(case["id"]), text=str(case["text"]), language="en")])
    names = [name for name, _ in row]
    assert not set(names) & set(case.get("never", [])), names
    if "among_top" in case:
        assert case["among_top"] in names[:2], names
    assert all(0.0 < p < 1.0 for _, p in row)
