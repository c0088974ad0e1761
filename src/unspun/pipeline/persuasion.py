"""An article-level persuasion score in [0, 1], from the span and paragraph analyses.

Three registered versions (docs/persuasion-score.md): ``unspun.PersuasionScorer.v3``, the default,
is v2's linear fit put on the annotated articles' scale by a strictly increasing map (the share of
them whose out-of-fold evidence is weaker; a text with no span scores 0), and in the other
languages the paragraph part ``P`` put on its language's scale the same way; ``v2`` is the linear fit
of gold persuasion density on :data:`SPAN_FEATURES`; ``v1`` is the set formula below.

The formula (v1). Let ``words`` be the number of
whitespace-separated tokens of ``article.text`` and ``W = max(1, words / 100)``.

* **Span density** (only if the ``"technique"`` span layer was written, even empty):
  ``I = sum(span.score for span in article.layer("technique")) / W``, the expected number of
  technique spans per 100 words, and ``S = 1 - exp(-I / span_scale)``. ``span_scale`` = 0.5
  is set for the shipped span model, whose span scores (detection x technique probability)
  mostly lie between 0.05 and 0.4: with it the median PTC training article (news from outlets
  known for propaganda) gets S = 0.52 and the median unlabelled OpenWebText article 0.37.
* **Paragraph share** (only if ``article.paragraphs`` is not empty):
  ``P = mean over paragraphs of (the highest technique score in the paragraph, 0 if none)``.
* **Score**: ``1 - sqrt((1 - S) * (1 - P))`` when both are available, ``S`` or ``P`` alone when
  only one is, and no score at all (``article.scores`` untouched) when neither is.

Properties (tested): the score lies in [0, 1]; adding a span, raising a span's score, adding a
technique to a paragraph or raising its score never lowers it; the same spans in a longer text
never raise it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from unspun.document import PTC14, TECHNIQUE_LAYER, Article, ModelInfo, split_paragraphs
from unspun.errors import ModelError
from unspun.pipeline.base import Component
from unspun.pipeline.language import ranges_outside
from unspun.registry import register
from unspun.whosays.quoted import article_quoted_mask, mostly_quoted, range_mask

SPAN_SCALE = 0.5
WEIGHTS = Path(__file__).resolve().parents[1] / "data" / "models" / "persuasion" / "weights.json"

# The learnt score (v2) reads the span evidence only. Each feature grows or stays when a span is
# added or its score raised, and shrinks or stays when the same spans sit in a longer text; with
# non-negative weights the score keeps both properties.
SPAN_FEATURES = (
    "span_share",  # share of the text's code points inside predicted spans (+ PSEUDO_CHARS unmarked)
    "log_spans_per_100_words",  # log(1 + spans per 100 words)
    "log_score_per_100_words",  # log(1 + summed span scores per 100 words)
    "paragraph_share",  # share of paragraphs holding a span (+ PSEUDO_PARAGRAPHS without one)
    "paragraph_top_score",  # mean over paragraphs (the same) of the highest span score in it
)


# A short text shows little: its shares are taken as if it had one more paragraph and 600 more
# characters (about 100 words) without a span, so that one weak span in a one-line text is not
# "denser than every annotated article" (a 6-word sentence with one span scored 1.00; now 0.53).
# The training articles are long, so the fit barely moves (out-of-fold Spearman 0.710 -> 0.707,
# 0.576 -> 0.575); of the priors tried (0-4 paragraphs, 0-1,500 characters) the smallest that
# does this.
PSEUDO_PARAGRAPHS = 1.0
PSEUDO_CHARS = 600.0


def span_features(
    text: str,
    spans: Sequence[tuple[int, int, float]],
    *,
    quoted: np.ndarray | None = None,
    quoted_weight: float = 1.0,
    left_out: Sequence[tuple[int, int]] = (),
) -> np.ndarray:
    """:data:`SPAN_FEATURES` of ``text`` with predicted spans ``(start, end, score)``.

    ``left_out``: the ranges of paragraphs the span model did not read (another language,
    :func:`unspun.pipeline.language.ranges_outside`). Their characters, words and paragraphs are
    not counted, so a text's density is that of what was read: an English op-ed with a German
    paragraph quoted in it is not made to look milder by the paragraph no span could be found in.

    ``quoted`` (a boolean per code point, :func:`unspun.whosays.quoted.quoted_mask`) marks the
    quoted voice: a span mostly inside it (:func:`unspun.whosays.quoted.mostly_quoted`) counts
    ``quoted_weight`` (in [0, 1]) of a span in the author's text, in every feature: its
    characters, its count, its score, and the paragraph it is in (a paragraph whose only spans
    are quoted holds ``quoted_weight`` of a span). Without ``quoted``, or with a weight of 1,
    every span counts whole."""
    unread = range_mask(len(text), left_out)
    read_text = (
        "".join(" " if gone else ch for ch, gone in zip(text, unread, strict=True)) if left_out else text
    )
    per_100 = max(1.0, len(read_text.split()) / 100)
    covered = np.zeros(len(text), dtype=np.float64)
    paragraphs = [p for p in split_paragraphs(text) if not unread[p.start : p.end].all()]
    held, tops = np.zeros(len(paragraphs)), np.zeros(len(paragraphs))
    starts = np.array([p.start for p in paragraphs], dtype=np.int64)
    ends = np.array([p.end for p in paragraphs], dtype=np.int64)
    counted, scores = 0.0, 0.0
    for start, end, score in spans:
        clipped = min(1.0, max(0.0, score))
        weight = 1.0
        if quoted is not None and quoted_weight != 1.0 and mostly_quoted(quoted, start, end):
            weight = min(1.0, max(0.0, quoted_weight))
        counted += weight
        scores += weight * clipped
        inside = covered[max(start, 0) : min(end, len(text))]
        inside[:] = np.maximum(inside, weight)
        touched = (starts < end) & (ends > start)
        held[touched] = np.maximum(held[touched], weight if clipped > 0 else 0.0)
        tops[touched] = np.maximum(tops[touched], weight * clipped)
    chars, n = len(text) - int(unread.sum()) + PSEUDO_CHARS, len(tops) + PSEUDO_PARAGRAPHS
    return np.array(
        [
            covered.sum() / chars if chars else 0.0,
            np.log1p(counted / per_100),
            np.log1p(scores / per_100),
            float(held.sum() / n) if n else 0.0,
            float(tops.sum() / n) if n else 0.0,
        ],
        dtype=np.float64,
    )


@dataclass(frozen=True, slots=True)
class Standing:
    """A strictly increasing map from the linear score to the article's standing among the
    annotated articles (v3): ``x`` the linear scores at which ``y`` of them score lower out of
    fold, from ``(floor, 0)``, the linear score of a text with no span, to ``(1, 1)``; straight
    lines between, flat outside. Strictly increasing, so it keeps the order of any two texts."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    def __call__(self, linear: np.ndarray) -> np.ndarray:
        return np.asarray(np.interp(linear, self.x, self.y))

    def to_dict(self) -> dict[str, list[float]]:
        return {"x": list(self.x), "y": list(self.y)}

    @classmethod
    def from_dict(cls, data: object) -> Standing:
        """The map in ``{"x": [...], "y": [...]}``. Raises ``ValueError`` for one that is not
        strictly increasing within [0, 1], from y = 0 to y = 1."""
        if not isinstance(data, dict):
            raise ValueError(f"a standing map is {{'x': [...], 'y': [...]}}, not {data!r}")
        x = tuple(float(v) for v in data["x"])
        y = tuple(float(v) for v in data["y"])
        if (
            len(x) != len(y)
            or len(x) < 2
            or not all(0.0 <= v <= 1.0 for v in x + y)
            or np.any(np.diff(x) <= 0)
            or np.any(np.diff(y) <= 0)
            or (y[0], y[-1]) != (0.0, 1.0)
        ):
            raise ValueError("the standing map is not strictly increasing from 0 to 1")
        return cls(x, y)


@dataclass(frozen=True, slots=True)
class LinearScore:
    """``clip(intercept + sum(weights * (x - mean) / scale), 0, 1)`` over :data:`SPAN_FEATURES`,
    the features taken with a span in the quoted voice counting ``quoted_weight`` of one in the
    author's text (:func:`span_features`; 1: every span whole). With a ``standing``,
    :meth:`score` puts that linear score on the annotated articles' scale (v3); without one
    :meth:`score` is the linear score (v2)."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    intercept: float
    quoted_weight: float = 1.0
    standing: Standing | None = None

    def __call__(self, features: np.ndarray) -> np.ndarray:
        """The linear score of each row of ``features`` (v2's score)."""
        z = (np.atleast_2d(features) - self.mean) / self.scale
        return np.asarray(np.clip(z @ self.weights + self.intercept, 0.0, 1.0))

    def score(self, features: np.ndarray) -> np.ndarray:
        """The score of each row: the linear score through the standing map when there is one."""
        linear = self(features)
        return self.standing(linear) if self.standing is not None else linear

    def to_dict(self) -> dict[str, object]:
        """The fields as JSON values (the shipped ``weights.json``)."""
        return {
            "features": list(SPAN_FEATURES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "weights": self.weights.tolist(),
            "intercept": self.intercept,
            **({"quoted_weight": self.quoted_weight} if self.quoted_weight != 1.0 else {}),
            **({"standing": self.standing.to_dict()} if self.standing is not None else {}),
        }

    @classmethod
    def from_file(cls, path: Path) -> LinearScore:
        """Read ``weights.json``; raises :class:`ModelError` for a missing or foreign file."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read the persuasion weights {path}: {exc}; reinstall unspun") from exc
        foreign = ModelError(f"{path} is not a persuasion fit of this version; reinstall unspun")
        try:
            # a field missing or of the wrong type ("quoted_weight": "high") is a foreign file too,
            # not a bare KeyError / TypeError from the loader
            quoted_weight = float(data.get("quoted_weight", 1.0))
            standing = Standing.from_dict(data["standing"]) if "standing" in data else None
            fit = cls(
                np.asarray(data["mean"], float),
                np.asarray(data["scale"], float),
                np.asarray(data["weights"], float),
                float(data["intercept"]),
                quoted_weight,
                standing,
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise foreign from exc
        shape = (len(SPAN_FEATURES),)
        arrays = (fit.mean, fit.scale, fit.weights)
        if (
            data.get("features") != list(SPAN_FEATURES)
            or any(a.shape != shape or not np.isfinite(a).all() for a in arrays)
            or fit.weights.min() < 0
            or not 0 <= quoted_weight <= 1
        ):
            raise foreign
        return fit


PARAGRAPH_SCALE = WEIGHTS.with_name("paragraph-scale.json")
# v3's maps for the other languages: each language's standing, as English's (v2 keeps the file above)
PARAGRAPH_STANDING = WEIGHTS.with_name("paragraph-standing.json")


@dataclass(frozen=True, slots=True)
class ParagraphScale:
    """Per language, a monotone map from the paragraph part ``P`` to the score's scale
    (``P`` at ``x`` -> ``y``, straight lines between, flat outside): in ``paragraph-scale.json``
    (v2) the mean percentile rank of gold persuasion density among that language's annotated
    articles at each ``P``; in ``paragraph-standing.json`` (v3) the standing, the share of them
    whose out-of-fold ``P`` is lower (a :class:`Standing` per language, from ``(0, 0)``)."""

    points: dict[str, tuple[tuple[float, ...], tuple[float, ...]]]
    # standings: a language with no map of its own (Spanish, Greek, ...) is read by the mean of the
    # maps, its standing among the annotated articles of the mapped languages (each counting alike),
    # so that the score reads as a standing whatever the language; otherwise it keeps ``P`` itself
    pooled: bool = False

    def __call__(self, value: float, language: str | None) -> float:
        if language in self.points:
            x, y = self.points[language]
            return float(np.interp(value, x, y))
        if not self.pooled or not self.points:
            return value
        return float(np.mean([np.interp(value, x, y) for x, y in self.points.values()]))

    def to_dict(self) -> dict[str, object]:
        return {lang: {"x": list(x), "y": list(y)} for lang, (x, y) in sorted(self.points.items())}

    @classmethod
    def from_file(cls, path: Path, *, standing: bool = False) -> ParagraphScale | None:
        """The scale in ``path``, or ``None`` when there is no such file. Raises
        :class:`ModelError` for a file that cannot be read or whose maps are not monotone; with
        ``standing``, for a map that is not a standing (:meth:`Standing.from_dict`: strictly
        increasing from y = 0 to y = 1)."""
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            points = {
                lang: (tuple(float(v) for v in m["x"]), tuple(float(v) for v in m["y"]))
                for lang, m in data["languages"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"cannot read the persuasion scale {path}: {exc}; reinstall unspun") from exc
        for lang, (x, y) in points.items():
            if len(x) != len(y) or not x or np.any(np.diff(x) < 0) or np.any(np.diff(y) < 0):
                raise ModelError(f"{path}: the map of {lang} is not monotone; reinstall unspun")
            if standing:
                try:
                    Standing.from_dict({"x": x, "y": y})
                except ValueError as exc:
                    raise ModelError(f"{path}: the map of {lang}: {exc}; reinstall unspun") from exc
        return cls(points, pooled=standing)


@lru_cache(maxsize=4)
def shipped_scale(path: Path = PARAGRAPH_SCALE, *, standing: bool = False) -> ParagraphScale | None:
    """The shipped paragraph scale (read once), or ``None`` without one; ``standing``: read it as
    standings (:meth:`ParagraphScale.from_file`)."""
    return ParagraphScale.from_file(path, standing=standing)


@lru_cache(maxsize=4)
def shipped_fit(path: Path = WEIGHTS) -> LinearScore:
    """The shipped fit (read once)."""
    return LinearScore.from_file(path)


def span_density(article: Article, *, layer: str = TECHNIQUE_LAYER, span_scale: float = SPAN_SCALE) -> float:
    """``S = 1 - exp(-I / span_scale)`` with ``I`` the score-weighted spans per 100 words."""
    hundreds = max(1.0, len(article.text.split()) / 100)
    intensity = sum(max(0.0, min(1.0, s.score)) for s in article.layer(layer)) / hundreds
    return 1.0 - math.exp(-intensity / span_scale)


def paragraph_share(article: Article) -> float:
    """``P``: the mean over paragraphs of their highest technique score (0 for none)."""
    if not article.paragraphs:
        return 0.0
    best = [max((max(0.0, min(1.0, t.score)) for t in p.techniques), default=0.0) for p in article.paragraphs]
    return sum(best) / len(best)


def persuasion_score(
    article: Article, *, layer: str = TECHNIQUE_LAYER, span_scale: float = SPAN_SCALE
) -> float | None:
    """The persuasion score of an analysed article, or ``None`` if neither analysis ran."""
    parts = []
    if layer in article.spans:
        parts.append(span_density(article, layer=layer, span_scale=span_scale))
    if article.paragraphs:
        parts.append(paragraph_share(article))
    if not parts:
        return None
    remaining = math.prod(1.0 - part for part in parts) ** (1.0 / len(parts))
    return min(1.0, max(0.0, 1.0 - remaining))


def learnt_persuasion_score(
    article: Article,
    fit: LinearScore,
    *,
    layer: str = TECHNIQUE_LAYER,
    scale: ParagraphScale | None = None,
) -> float | None:
    """The learnt score (v2, or v3 with ``fit.standing``): ``fit.score`` over
    :data:`SPAN_FEATURES` of the English span model's spans
    (PTC-14, what it was fitted on) when that model read the article, over its English paragraphs
    only (a paragraph in another language is left out of the counts, not read as one without a
    span: its spans, if any, are the multilingual model's, a taxonomy the fit never saw), a span in the quoted voice
    counting ``fit.quoted_weight`` of one (the voice of :mod:`unspun.whosays.quoted`: the
    attributions' contents when the who-says-what layer ran, and the quotation marks; the
    quotation marks alone without it); otherwise the paragraph part
    ``P`` of the formula (another language: the multilingual spans mark whole sentences, a density
    the fit never saw), put on the English score's scale by ``scale`` for the languages it maps;
    ``None`` when neither analysis ran."""
    if layer in article.spans and article.language in (None, "en"):
        spans = [(s.start, s.end, s.score) for s in article.layer(layer) if s.taxonomy == PTC14]
        quoted = article_quoted_mask(article) if fit.quoted_weight != 1.0 else None
        features = span_features(
            article.text,
            spans,
            quoted=quoted,
            quoted_weight=fit.quoted_weight,
            left_out=ranges_outside(article, ("en",)),
        )
        return float(fit.score(features)[0])
    if article.paragraphs:
        share = paragraph_share(article)
        return scale(share, article.language) if scale is not None else share
    return None


class PersuasionScorer(Component):
    """Writes ``article.scores["persuasion"]`` after the span and paragraph components: with a
    ``fit`` the learnt score (:func:`learnt_persuasion_score`: ``unspun.PersuasionScorer.v3``, the
    default pipeline's, with the fit's standing map; v2 without it), without one the formula
    (:func:`persuasion_score`, v1). The learnt score
    reads ``article.attributions`` too when a component before it wrote them (the default
    pipeline's who-says-what layer runs first); they are not a need: without them the quotation
    marks alone tell the quoted voice."""

    name = "persuasion"
    needs = ("spans", "paragraphs")
    writes = ("scores",)

    def __init__(
        self,
        *,
        layer: str = TECHNIQUE_LAYER,
        span_scale: float = SPAN_SCALE,
        fit: LinearScore | None = None,
        scale: ParagraphScale | None = None,
    ) -> None:
        super().__init__()
        self.layer = layer
        self.span_scale = span_scale
        self.fit = fit
        self.scale = scale

    def model_info(self) -> list[ModelInfo]:
        """The formula's or the fit's name and version."""
        if self.fit is None:
            return [ModelInfo(component=self.name, name="persuasion-formula", version="1")]
        digest = _digest(self.fit, self.scale)
        version = "3" if self.fit.standing is not None else "2"
        return [ModelInfo(component=self.name, name="persuasion-fit", version=version, digest=digest)]

    def predict(self, articles: Sequence[Article]) -> list[float | None]:
        """The score of each article (``None`` where nothing was analysed)."""
        if self.fit is not None:
            return [
                learnt_persuasion_score(a, self.fit, layer=self.layer, scale=self.scale) for a in articles
            ]
        return [persuasion_score(a, layer=self.layer, span_scale=self.span_scale) for a in articles]

    def set_annotations(self, articles: Sequence[Article], outputs: list[float | None]) -> None:
        for article, score in zip(articles, outputs, strict=True):
            if score is not None:
                article.scores["persuasion"] = score


def _digest(fit: LinearScore, scale: ParagraphScale | None = None) -> str:
    import hashlib

    parts = {"fit": fit.to_dict(), "scale": scale.to_dict() if scale is not None else None}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()[:12]


@register("unspun.PersuasionScorer.v1")
def make_persuasion_scorer(
    *, layer: str = TECHNIQUE_LAYER, span_scale: float = SPAN_SCALE
) -> PersuasionScorer:
    """Factory registered as ``unspun.PersuasionScorer.v1`` (the set formula)."""
    return PersuasionScorer(layer=layer, span_scale=span_scale)


@register("unspun.PersuasionScorer.v2")
def make_learnt_persuasion_scorer(
    *, layer: str = TECHNIQUE_LAYER, weights: str | None = None
) -> PersuasionScorer:
    """Factory registered as ``unspun.PersuasionScorer.v2`` (the learnt linear score; ``weights``
    a ``weights.json`` of ``benchmarks/persuasion.py``, the shipped one by default, its standing
    map left out, with the ``paragraph-scale.json`` beside it if there is one)."""
    path = Path(weights) if weights else WEIGHTS
    fit = replace(shipped_fit(path), standing=None)
    return PersuasionScorer(layer=layer, fit=fit, scale=shipped_scale(path.with_name(PARAGRAPH_SCALE.name)))


@register("unspun.PersuasionScorer.v3")
def make_standing_persuasion_scorer(
    *, layer: str = TECHNIQUE_LAYER, weights: str | None = None
) -> PersuasionScorer:
    """Factory registered as ``unspun.PersuasionScorer.v3``: v2's linear score put on the
    annotated articles' scale by the standing map of ``weights`` (a text with no span scores 0);
    another language's paragraph part ``P`` by its standing in the ``paragraph-standing.json``
    beside it (``P`` = 0 scores 0), if there is one. Raises :class:`ModelError` for weights without a standing map."""
    path = Path(weights) if weights else WEIGHTS
    fit = shipped_fit(path)
    if fit.standing is None:
        raise ModelError(
            f"{path} has no standing map (a v2 fit): run benchmarks/persuasion.py --write, "
            "or use unspun.PersuasionScorer.v2"
        )
    scale = shipped_scale(path.with_name(PARAGRAPH_STANDING.name), standing=True)
    return PersuasionScorer(layer=layer, fit=fit, scale=scale)
