"""Frames of an article (SemEval-2023 subtask 2): which of the 14 frames it uses (multi-label).

Writes ``article.labels["frames"] = [Label(frame, probability), ...]``, highest first. A frame
is kept when its score reaches its threshold, tuned per language by cross-validation;
every training article has a frame, so at least ``min_frames`` frames are returned, but none for a
text under :data:`FRAMES_MIN_WORDS` words (a headline alone).
With a ``frames-calibration.json`` in the model folder
(:class:`~unspun.models.frame_calibration.FrameCalibration`) the probability written is calibrated,
the frames it names are shown only at or above their training share, and the frame kept when
none passes is the one that rises most above its share.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from unspun.document import Article, Label
from unspun.models.frame_calibration import FrameCalibration
from unspun.models.linear_head import LinearHead, NgramHead
from unspun.models.sentence_encoder import ParagraphEmbedder
from unspun.pipeline.genre import ArticleHeadComponent
from unspun.registry import register

HEAD_FILE = "frames.npz"
# The fewest words a text needs for a frame. The heads were trained on whole articles (SemEval-2023:
# hundreds of words each) and always name one: a headline alone ("Just a headline", QA s48) was
# given Security and defence at 0.75. Under this many words no frame is given, not even the one
# ``min_frames`` would force; the text view says "none found".
FRAMES_MIN_WORDS = 20
_WORD = re.compile(r"\w+")


class FrameClassifier(ArticleHeadComponent):
    """Predicts the frames of each article with their probabilities."""

    name = "framing"
    needs = ("language",)
    writes = ("frames",)
    head_file = HEAD_FILE

    def __init__(
        self,
        *,
        head: LinearHead | None = None,
        ngram_head: NgramHead | None = None,
        model_dir: str | Path | None = None,
        embedder: ParagraphEmbedder | None = None,
        min_frames: int = 1,
        calibration: FrameCalibration | None = None,
    ) -> None:
        self.calibration = calibration  # a model folder's own replaces it (from_disk)
        super().__init__(
            head=head,
            ngram_head=ngram_head,
            model_dir=model_dir,
            embedder=embedder,
        )
        self.min_frames = min_frames
        self.min_words = FRAMES_MIN_WORDS  # a text under this many words gets no frame

    def predict(self, articles: Sequence[Article]) -> list[list[tuple[str, float]]]:
        """Per article, the ``(frame, probability)`` pairs kept, highest first."""
        if not articles:
            return []
        out: list[list[tuple[str, float]]] = []
        scores = self.mixed_scores(self.features(articles), [a.text for a in articles])
        for article, row in zip(articles, scores, strict=True):
            if len(_WORD.findall(article.text)) < self.min_words:
                out.append([])  # a headline alone: too few words to tell a frame
                continue
            limits = self.head.threshold_for(article.language)
            if self.calibration is not None:
                chosen = self.calibration.choose(row, limits, article.language, min_frames=self.min_frames)
                out.append([(self.head.labels[j], p) for j, p in chosen])
                continue
            order = [int(j) for j in np.argsort(-row, kind="stable")]
            kept = [j for j in order if row[j] >= limits[j]]
            if len(kept) < self.min_frames:
                kept = order[: self.min_frames]
            out.append([(self.head.labels[j], float(row[j])) for j in kept])
        return out

    def to_disk(self, folder: str | Path) -> None:
        """Save the heads, and the calibration if there is one."""
        super().to_disk(folder)
        if self.calibration is not None:
            self.calibration.to_disk(folder)

    def from_disk(self, folder: str | Path) -> FrameClassifier:
        """Load the heads and the folder's calibration (None without one); returns ``self``."""
        super().from_disk(folder)
        self.calibration = FrameCalibration.from_disk(folder)
        return self

    def set_annotations(self, articles: Sequence[Article], outputs: list[list[tuple[str, float]]]) -> None:
        for article, frames in zip(articles, outputs, strict=True):
            article.labels["frames"] = [Label(name, score) for name, score in frames]


@register("unspun.FrameClassifier.v1")
def make_frame_classifier(
    *, model_dir: str | Path | None = None, embedder: ParagraphEmbedder | None = None, min_frames: int = 1
) -> FrameClassifier:
    """Factory registered as ``unspun.FrameClassifier.v1`` (packaged model by default)."""
    return FrameClassifier(model_dir=model_dir, embedder=embedder, min_frames=min_frames)
