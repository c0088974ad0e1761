"""The multilingual span tagger: which characters of a text use a persuasion technique.

A light head over the frozen token states of multilingual-e5-small
(:mod:`unspun.models.e5_encoder`): for each token, its own state and the mean state of its
sentence go through a small two-layer network (numpy at run time) that gives the probability the
token lies inside a technique span. A sentence is a span when the mean of its tokens'
probabilities, averaged with a sentence classifier's (a logistic regression over the sentence's
multilingual USE vector), reaches the threshold, from its first to its last token that is fairly sure (:func:`sentence_spans`;
on the grouped folds whole-sentence decisions scored above runs of single tokens), widened to
whole words and trimmed of surrounding white space and punctuation. With the sentence stacker
(``stack.npz``) a sentence kept first loses its leading and trailing clauses that the token head
finds weak (:func:`clause_core`). A multinomial logistic
regression over the span's states names its technique in the 23 of SemEval-2023 Task 3. With
``calibration.json`` (:class:`ScoreCalibration`) a span's score is the probability that it is
right as the English span scores are: that it overlaps a gold span of the technique it names.
Trained on the span annotations of SemEval-2023 Task 3 (:mod:`unspun.training.multilingual_spans`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from unspun.document import Paragraph
from unspun.errors import ModelError
from unspun.models.linear_head import LinearHead, logit, sigmoid
from unspun.models.multilingual_evidence import ParagraphEvidence, decoded_spans, paragraph_evidence
from unspun.models.phrase_bounds import reversed_guillemets

HEAD_FILE = "head.npz"
CONFIG_FILE = "config.json"
ENCODER_ONNX_FILE = "e5-encoder-int8.onnx"  # the e5 layers the heads read, when the folder has them
CALIBRATION_FILE = "calibration.json"  # the span scores' calibration, when the folder has one
_LINE_BREAK = re.compile(r"\n\s*")
_EDGE = " \t\r\n.,;:!?\"'«»“”„‘’()[]-–—…"
_QUOTE_PAIRS = (("«", "»"), ("„", "“"), ("“", "”"))
# A text quoting German-style, »...« (phrase_bounds.reversed_guillemets), pairs its guillemets so.
_REVERSED_QUOTE_PAIRS = (("»", "«"), *_QUOTE_PAIRS[1:])
# What ends a clause inside a sentence, for :func:`clause_core` (a hyphen joins words: not here).
_CLAUSE_MARK = re.compile(r"[,;:()«»“”„\"–—]")


def sentence_ranges(text: str) -> list[tuple[int, int]]:
    """Sentences as trimmed ``[start, end)`` ranges: every line is cut into sentences
    (:func:`unspun.sentences.split_sentences`); a line break always ends a sentence."""
    from unspun.sentences import split_sentences

    ranges: list[tuple[int, int]] = []
    start = 0
    for match in [*_LINE_BREAK.finditer(text), None]:
        end = match.start() if match is not None else len(text)
        line = text[start:end]
        ranges.extend((start + piece.start, start + piece.end) for piece in split_sentences(line))
        if match is not None:
            start = match.end()
    return ranges


def sentence_index(offsets: np.ndarray, sentences: Sequence[tuple[int, int]]) -> np.ndarray:
    """For each token, the index of the sentence its first character lies in (-1: none)."""
    index = np.full(len(offsets), -1, dtype=np.int64)
    if not len(offsets) or not sentences:
        return index
    starts = np.asarray([a for a, _ in sentences])
    ends = np.asarray([b for _, b in sentences])
    at = np.searchsorted(starts, offsets[:, 0], side="right") - 1
    inside = (at >= 0) & (offsets[:, 0] < ends[np.clip(at, 0, None)])
    index[inside] = at[inside]
    return index


def token_features(hidden: np.ndarray, sentence_of: np.ndarray) -> np.ndarray:
    """Each token's state beside the mean state of its sentence (its own state where it is in no
    sentence): ``(n, 2 * width)`` float32."""
    hidden = np.asarray(hidden, dtype=np.float32)
    context = hidden.copy()
    if len(hidden):
        count = int(sentence_of.max()) + 1
        if count > 0:
            inside = sentence_of >= 0
            sums = np.zeros((count, hidden.shape[1]), np.float32)
            np.add.at(sums, sentence_of[inside], hidden[inside])
            sizes = np.bincount(sentence_of[inside], minlength=count).astype(np.float32)
            means = sums / np.maximum(sizes, 1)[:, None]
            context[inside] = means[sentence_of[inside]]
    return np.concatenate([hidden, context], axis=1)


@dataclass
class SpanHead:
    """Two dense layers: ``relu(x @ w1 + b1) @ w2 + b2`` after standardising ``x``."""

    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """The probability of each row being inside a span."""
        x = (np.asarray(features, np.float32) - self.mean) / self.scale
        hidden = np.maximum(x @ self.w1 + self.b1, 0.0)
        return sigmoid((hidden @ self.w2 + self.b2).reshape(-1))

    def save(self, path: Path) -> None:
        np.savez(path, **{name: getattr(self, name).astype(np.float32) for name in HEAD_FIELDS})

    @classmethod
    def load(cls, path: Path) -> SpanHead:
        try:
            with np.load(path) as data:
                return cls(**{name: np.asarray(data[name], np.float32) for name in HEAD_FIELDS})
        except (OSError, KeyError, ValueError) as error:
            raise ModelError(
                f"cannot read the multilingual span head {path} ({error}); reinstall unspun"
            ) from None


HEAD_FIELDS = ("mean", "scale", "w1", "b1", "w2", "b2")
# Two logistic regressions, stored as the project's linear heads (models.linear_head):
# over the 23 SemEval-2023 techniques (softmax), and over a sentence's USE vector (one sigmoid).
TECHNIQUE_FILE = "techniques.npz"
SENTENCE_FILE = "sentences.npz"
SENTENCE_LABEL = "span"  # the sentence head's one label: the sentence overlaps a technique span


def span_features(
    hidden: np.ndarray, offsets: np.ndarray, start: int, end: int, sentence_of: np.ndarray
) -> np.ndarray:
    """A span's features for the technique head: the mean state of its tokens beside the mean
    state of the sentences they lie in (``2 * width``)."""
    inside = (offsets[:, 0] < end) & (offsets[:, 1] > start)
    if not inside.any():
        inside = np.zeros(len(offsets), dtype=bool)
        inside[np.clip(np.searchsorted(offsets[:, 0], start), 0, len(offsets) - 1)] = True
    states = np.asarray(hidden[inside], np.float32)
    sentences = np.unique(sentence_of[inside])
    around = np.isin(sentence_of, sentences[sentences >= 0]) if (sentences >= 0).any() else inside
    return np.concatenate([states.mean(axis=0), np.asarray(hidden[around], np.float32).mean(axis=0)])


def _whole_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    # isspace: the no-break spaces of French typography ("«\u00a0Assez\u00a0!\u00a0»") too.
    while start < end and (text[start] in _EDGE or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in _EDGE or text[end - 1].isspace()):
        end -= 1
    if end <= start:
        return None
    return _within_quotes(text, start, end)


def _within_quotes(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A span that starts inside a quotation and runs past its closing mark (« Assez » a-t-il
    dit) starts at the opening mark: a span holds both marks of a pair or neither. Guillemets pair
    in the text's direction (»...« in German: an opening » inside the span is no closing mark, and
    the span does not go back to the closing « of an earlier quotation)."""
    piece = text[start:end]
    guillemets = "«" in piece or "»" in piece
    pairs = _REVERSED_QUOTE_PAIRS if guillemets and reversed_guillemets(text) else _QUOTE_PAIRS
    for opening, closing in pairs:
        depth = 0
        for at in range(start, end):
            if text[at] == opening:
                depth += 1
            elif text[at] == closing:
                if depth == 0:
                    before = text.rfind(opening, 0, start)
                    between = text[before + 1 : start]
                    if before >= 0 and closing not in between and "\n" not in between:  # same line
                        start = before
                    break
                depth -= 1
    return start, end


# The sentence stacker's features, in order (:func:`stack_rows`).
STACK_FEATURES = (
    "token_mean",
    "token_max",
    "sentence_head",
    "article_token_mean",
    "article_sentence_head",
    "neighbours_token_mean",
    "neighbours_sentence_head",
    "position",
    "log_sentences",
    "article_token_max",
    "first",
)
STACK_FILE = "stack.npz"  # the sentence stacker, when the folder has one


def stack_rows(
    probabilities: np.ndarray, sentence_of: np.ndarray, sentence_scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The sentences holding a token (their indexes, in text order) and per sentence the
    :data:`STACK_FEATURES`: its tokens' mean and highest probability, the sentence head's
    probability, the same two means over the whole text and over the sentences either side, its
    relative position, the log of the number of sentences, the text's highest token mean, and
    whether it comes first (the title)."""
    ids = np.unique(sentence_of[sentence_of >= 0])
    if not len(ids):
        return ids, np.zeros((0, len(STACK_FEATURES)), np.float32)
    inside = sentence_of >= 0
    width = int(ids.max()) + 1
    probabilities = np.asarray(probabilities, np.float64)
    sums = np.bincount(sentence_of[inside], weights=probabilities[inside], minlength=width)
    sizes = np.bincount(sentence_of[inside], minlength=width)
    highest = np.zeros(width)
    np.maximum.at(highest, sentence_of[inside], probabilities[inside])
    token_mean = sums[ids] / sizes[ids]
    said = np.asarray(sentence_scores, np.float64)[ids]
    n = len(ids)

    def neighbours(values: np.ndarray) -> np.ndarray:
        return (np.r_[values[:1], values[:-1]] + np.r_[values[1:], values[-1:]]) / 2

    rows = np.stack(
        [
            token_mean,
            highest[ids],
            said,
            np.full(n, token_mean.mean()),
            np.full(n, said.mean()),
            neighbours(token_mean),
            neighbours(said),
            np.arange(n) / max(n - 1, 1),
            np.full(n, np.log(n)),
            np.full(n, token_mean.max()),
            (np.arange(n) == 0).astype(np.float64),
        ],
        axis=1,
    )
    return ids, rows.astype(np.float32)


def clause_core(
    text: str, offsets: np.ndarray, probabilities: np.ndarray, tokens: np.ndarray, share: float
) -> np.ndarray:
    """The ``tokens`` of one sentence (indexes, in text order) less its leading and trailing
    clauses whose mean token probability is below ``share`` times the highest clause mean: a
    sentence is cut into clauses after every token followed by a comma, semicolon, colon,
    bracket, quotation mark or dash, and what is left runs from the first clause kept to the last
    (a middle clause is never dropped). On the grouped folds the annotations of 45% of the
    sentences the stacker keeps cover only part of them, most often all but a leading clause
    ("En matière d'écologie, ...")."""
    if len(tokens) < 2:
        return tokens
    between = [
        text[int(offsets[t, 0]) : int(offsets[u, 0])] for t, u in zip(tokens[:-1], tokens[1:], strict=True)
    ]
    cuts = [j + 1 for j, gap in enumerate(between) if _CLAUSE_MARK.search(gap)]
    if not cuts:
        return tokens
    pieces = np.split(np.arange(len(tokens)), cuts)
    means = np.asarray([float(probabilities[tokens[piece]].mean()) for piece in pieces])
    kept = np.flatnonzero(means >= share * means.max())
    return tokens[pieces[kept[0]][0] : pieces[kept[-1]][-1] + 1]


def sentence_spans(
    text: str,
    offsets: np.ndarray,
    probabilities: np.ndarray,
    sentence_of: np.ndarray,
    threshold: float,
    trim: float,
    sentence_scores: np.ndarray | None = None,
    *,
    stack: LinearHead | None = None,
    clause_share: float | None = None,
) -> list[tuple[int, int, float]]:
    """Spans ``(start, end, score)``, one per sentence whose score is at least ``threshold``: the
    mean of its tokens' probabilities, averaged with ``sentence_scores[sentence]`` when given (the
    sentence classifier's probability); with ``stack`` (which needs ``sentence_scores``), the
    stacker's probability over the sentence's :func:`stack_rows` instead. With ``clause_share``
    the sentence first loses its weak leading and trailing clauses (:func:`clause_core`). A span
    runs from the first to the last token left at or above ``trim`` (all of them when none is),
    widened to whole words."""
    spans: list[tuple[int, int, float]] = []
    if not len(offsets):
        return spans
    if stack is not None and sentence_scores is not None:
        ids, rows = stack_rows(probabilities, sentence_of, sentence_scores)
        scores = stack.scores(rows)[:, 0] if len(ids) else np.zeros(0)
    else:
        ids = np.unique(sentence_of[sentence_of >= 0])
        scores = np.asarray([float(probabilities[sentence_of == i].mean()) for i in ids])
        if sentence_scores is not None:
            scores = (scores + np.asarray(sentence_scores, np.float64)[ids]) / 2
    for sentence, score in zip(ids, scores, strict=True):
        if score < threshold:
            continue
        tokens = np.nonzero(sentence_of == sentence)[0]
        if clause_share is not None:
            tokens = clause_core(text, offsets, probabilities, tokens, clause_share)
        sure = tokens[probabilities[tokens] >= trim]
        first, last = (sure[0], sure[-1]) if len(sure) else (tokens[0], tokens[-1])
        span = _whole_words(text, int(offsets[first, 0]), int(offsets[last, 1]))
        if span is not None:
            spans.append((span[0], span[1], float(score)))
    return spans


@dataclass(frozen=True)
class ScoreCalibration:
    """``sigmoid(a * logit(score) + b + c * logit(technique))``: a span's sentence score (the
    stacker's probability that the sentence overlaps some technique span) as the probability that
    the span is right, in the sense of the English span calibration
    (:mod:`unspun.models.score_calibration`): it overlaps a gold span of the technique it names,
    whose probability from the technique head is ``technique``. ``a > 0`` keeps it monotonic in the
    score, so it changes no decision taken on the raw score (the stack threshold). ``intercepts``
    holds an intercept per language fitted on (the share of right spans differs by language); a
    text in another language, or of no language given, takes the shared ``b``. Fitted on the
    grouped folds' out-of-fold spans (:mod:`unspun.training.multilingual_calibration`)."""

    a: float
    b: float
    c: float = 0.0
    intercepts: Mapping[str, float] = field(default_factory=dict)

    def intercept(self, language: str | None) -> float:
        """The intercept of a text in ``language`` (the shared one for a language not fitted on)."""
        return self.intercepts.get(language, self.b) if language is not None else self.b

    def probabilities(
        self, scores: np.ndarray, techniques: np.ndarray, language: str | None = None
    ) -> np.ndarray:
        """The calibrated probability of each raw ``score`` whose span names a technique of
        probability ``techniques`` (the same shape), in a text in ``language``."""
        return sigmoid(self.a * logit(scores) + self.intercept(language) + self.c * logit(techniques))

    @classmethod
    def from_file(cls, path: Path) -> ScoreCalibration | None:
        """The calibration in ``path`` (``None`` when there is no such file; a file without
        ``intercepts`` has the shared intercept alone); raises :class:`ModelError` for a broken
        one, or one that is not increasing in the score."""
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            intercepts = {str(lang): float(b) for lang, b in data.get("intercepts", {}).items()}
            found = cls(float(data["a"]), float(data["b"]), float(data.get("c", 0.0)), intercepts)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise ModelError(f"cannot read the span calibration {path} ({error}); reinstall unspun") from None
        if not found.a > 0:
            raise ModelError(
                f"the span calibration {path} is not increasing in the score (a = {found.a}); reinstall unspun"
            )
        return found


@dataclass(frozen=True)
class TaggedSpan:
    """A span found by :class:`MultilingualSpanTagger`: where, how sure, and its most likely
    SemEval-2023 techniques with their probabilities (best first)."""

    start: int
    end: int
    score: float
    techniques: tuple[tuple[str, float], ...]


@dataclass
class MultilingualSpanTagger:
    """The span head, the technique head, how spans are decoded, and the languages trained on
    (a model folder: ``head.npz``, ``techniques.npz``, ``config.json``)."""

    head: SpanHead
    techniques: LinearHead
    sentences: LinearHead
    threshold: float
    trim: float
    languages: tuple[str, ...]
    layer: int
    encoder_onnx: str | None = None  # a file of the folder: the e5 encoder to run (int8 ONNX)
    # The sentence stacker (stack.npz) and its threshold: when the folder has them, the spans are
    # its decisions; the paragraph evidence keeps the plain decoding at ``threshold``, which the
    # paragraph evidence head was fitted on.
    stack: LinearHead | None = None
    stack_threshold: float | None = None
    # The stacker's spans lose their weak leading and trailing clauses (clause_core) when the
    # folder's config has a ``clause_share``; a folder without one decodes as before.
    clause_share: float | None = None
    # The stacker's span scores as the probability that a span is right (calibration.json); a
    # folder without one gives the raw scores.
    calibration: ScoreCalibration | None = None

    @classmethod
    def from_disk(cls, folder: Path) -> MultilingualSpanTagger:
        """Read a model folder; raises :class:`ModelError` when a file is missing or broken."""
        try:
            config = json.loads((Path(folder) / CONFIG_FILE).read_text(encoding="utf-8"))
            stacked = config.get("stack_threshold") is not None
            return cls(
                head=SpanHead.load(Path(folder) / HEAD_FILE),
                techniques=LinearHead.from_disk(Path(folder) / TECHNIQUE_FILE),
                sentences=LinearHead.from_disk(Path(folder) / SENTENCE_FILE),
                threshold=float(config["threshold"]),
                trim=float(config["trim"]),
                languages=tuple(config["languages"]),
                layer=int(config["layer"]),
                encoder_onnx=config.get("encoder_onnx"),
                stack=LinearHead.from_disk(Path(folder) / STACK_FILE) if stacked else None,
                stack_threshold=float(config["stack_threshold"]) if stacked else None,
                clause_share=float(config["clause_share"]) if stacked and "clause_share" in config else None,
                calibration=ScoreCalibration.from_file(Path(folder) / CALIBRATION_FILE) if stacked else None,
            )
        except (OSError, ValueError, KeyError) as error:
            raise ModelError(
                f"cannot read the multilingual span model in {folder} ({error}); reinstall unspun"
            ) from None

    def spans(
        self,
        text: str,
        offsets: np.ndarray,
        hidden: np.ndarray,
        sentence_vectors: Callable[[list[str]], np.ndarray],
        *,
        language: str | None = None,
        top: int = 2,
    ) -> list[TaggedSpan]:
        """The spans of ``text`` (in ``language``) from its e5 token ``offsets`` and states (of
        :attr:`layer`); ``sentence_vectors`` gives the USE vectors of a list of sentences."""
        return self.read(text, offsets, hidden, sentence_vectors, language=language, top=top).spans

    def read(
        self,
        text: str,
        offsets: np.ndarray,
        hidden: np.ndarray,
        sentence_vectors: Callable[[list[str]], np.ndarray],
        *,
        paragraphs: Sequence[Paragraph] | None = None,
        language: str | None = None,
        top: int = 2,
    ) -> Reading:
        """The :meth:`spans` of ``text`` (their scores calibrated with the intercept of
        ``language``, the shared one when it is ``None`` or not fitted on) and, for ``paragraphs``
        (ranges of ``text``), the evidence the paragraph techniques head reads
        (:func:`unspun.models.multilingual_evidence.paragraph_evidence`: the technique head's
        whole distribution over the 23 techniques, not only the ``top`` kept on a span)."""
        ranges = sentence_ranges(text)
        sentence_of = sentence_index(offsets, ranges)
        probabilities = self.head.probabilities(token_features(hidden, sentence_of))
        scores = (
            self.sentences.scores(sentence_vectors([text[a:b] for a, b in ranges]))[:, 0] if ranges else None
        )
        plain = sentence_spans(text, offsets, probabilities, sentence_of, self.threshold, self.trim, scores)
        found = plain
        if self.stack is not None and self.stack_threshold is not None:
            threshold = self.stack_threshold
            found = sentence_spans(
                text,
                offsets,
                probabilities,
                sentence_of,
                threshold,
                self.trim,
                scores,
                stack=self.stack,
                clause_share=self.clause_share,
            )
        label_probabilities = self._technique_scores(found, offsets, hidden, sentence_of)
        scores = np.asarray([score for _, _, score in found], np.float64)
        if self.calibration is not None and found is not plain:  # after the decisions on the raw score
            scores = self.calibration.probabilities(scores, label_probabilities.max(axis=1), language)
        out = []
        for (start, end, _), score, row in zip(found, scores, label_probabilities, strict=True):
            best = np.argsort(-row)[:top]
            ranked = tuple((self.techniques.labels[i], float(row[i])) for i in best)
            out.append(TaggedSpan(start, end, float(score), ranked))
        if paragraphs is None:
            return Reading(out, None)
        if found is not plain:
            label_probabilities = self._technique_scores(plain, offsets, hidden, sentence_of)
        decoded = decoded_spans(plain, label_probabilities, self.techniques.labels)
        evidence = paragraph_evidence(text, paragraphs, offsets, hidden, probabilities, ranges, decoded)
        return Reading(out, evidence)

    def _technique_scores(
        self,
        found: Sequence[tuple[int, int, float]],
        offsets: np.ndarray,
        hidden: np.ndarray,
        sentence_of: np.ndarray,
    ) -> np.ndarray:
        if not found:
            return np.zeros((0, len(self.techniques.labels)), np.float32)
        features = np.stack([span_features(hidden, offsets, a, b, sentence_of) for a, b, _ in found])
        return self.techniques.scores(features)


@dataclass(frozen=True)
class Reading:
    """What :meth:`MultilingualSpanTagger.read` found in a text: its spans, and the evidence of
    the paragraphs asked for (``None`` when none were)."""

    spans: list[TaggedSpan]
    evidence: ParagraphEvidence | None
