"""The span model runtime: propaganda span identification (SI) and technique classification (TC).

A model folder (written by :func:`unspun.training.train_spans.train_span_model`) holds::

    config.json      labels, decoding threshold, window settings, base model name
    tokenizer.json   the encoder's tokenizer (``tokenizers`` library)
    model.onnx       encoder + token head: outputs token logits (O/B/I) and last hidden states
    tc_head.npz      the TC head over [h_start; h_end; mean(span); features]
    tc_ngrams.npz    (optional) a lexical TC head over the span's words, blended with tc_head
    si_words.npz     (optional) a lexical SI head over each word, blended with the O/B/I probabilities
    tc_context.npz   (optional) a correction of the TC probabilities from the article around a span
    checkpoint/      (optional, not shipped) the fp32 torch "teacher": load it with torch installed

The runtime needs numpy, tokenizers and onnxruntime only; torch is imported solely to run a
checkpoint folder. Texts are tokenised once, cut into overlapping windows (never truncated),
and the windows of all texts are run together on worker threads: in batches for an fp32 model,
one per call for an int8 model (whose activation scales would otherwise mix windows).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from unspun.document import CANDIDATE_LAYER, Label, Paragraph, Span, split_paragraphs
from unspun.errors import ModelError
from unspun.models.cpus import available_cpus, map_on_workers
from unspun.models.decoding import (
    RELATIVE_EXTENT,
    char_to_tokens,
    decode_spans,
    rank_for_duplicates,
    softmax,
    span_features,
    span_vector,
)
from unspun.models.onnx_graph import disabled_optimizers
from unspun.models.packaged import model_folder
from unspun.models.phrase_joins import TECHNIQUE_PROBABILITY
from unspun.models.phrase_pieces import exclamation_pieces
from unspun.models.span_candidates import candidates, whole_recurring
from unspun.models.span_context import FILE_NAME as CONTEXT_FILE
from unspun.models.span_context import SpanContextHead
from unspun.models.span_evidence import paragraph_vectors
from unspun.models.span_ngrams import FILE_NAME as NGRAMS_FILE
from unspun.models.span_ngrams import SpanNgramHead
from unspun.models.span_words import FILE_NAME as WORDS_FILE
from unspun.models.span_words import WordTagHead
from unspun.models.windowing import make_windows, stitch

DEFAULT_MODEL = "ptc-minilm"
FORMAT = "unspun.span-model/1"
CHECKPOINT_CONFIG = "span_config.json"
# Candidate spans: a second, permissive decoding (weak evidence for the paragraph techniques head).
CANDIDATE_THRESHOLD = 0.1
CANDIDATE_PEAK = 0.15
MIN_CANDIDATE_SCORE = 0.01

# (input_ids, attention_mask) -> (token logits (B, L, 3), hidden states (B, L, H))
Encoder = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(slots=True)
class SpanFindings:
    """What the span tagger writes for one text: its spans, its candidate spans and, per paragraph
    of the official rule, the span model's pooled view of it (:func:`paragraph_vectors`)."""

    spans: list[Span]
    candidates: list[Span]
    paragraph_vectors: np.ndarray


@dataclass(slots=True)
class Encoded:
    """One text run through the encoder: per-token offsets, tag probabilities and hidden states."""

    offsets: np.ndarray  # (n_tokens, 2) character offsets
    probs: np.ndarray  # (n_tokens, 3) over O/B/I
    hidden: np.ndarray  # (n_tokens, H)


class SpanModel:
    """SI + TC over raw texts. Build it with :meth:`from_disk` or :func:`load_span_model`."""

    def __init__(
        self,
        encoder: Encoder,
        tokenizer: Any,
        config: dict[str, Any],
        tc_head: dict[str, np.ndarray],
        ngrams: SpanNgramHead | None = None,
        words: WordTagHead | None = None,
        workers: int = 1,
    ):
        self.encoder = encoder
        self.workers = max(1, workers)  # encoder calls run concurrently on this many threads
        self.tokenizer = tokenizer
        self.config = config
        self.labels: list[str] = list(config["labels"])
        self.threshold = float(config["threshold"])
        self.peak = float(config.get("peak_threshold", self.threshold))
        self.join_gap = int(config.get("join_gap", 1))
        self.min_chars = int(config.get("min_chars", 2))
        # each run narrowed to its core (decoding.RELATIVE_EXTENT; null in config.json: whole runs)
        relative = config.get("relative_extent", RELATIVE_EXTENT)
        self.relative: float | None = None if relative is None else float(relative)
        self.max_tokens = int(config["max_tokens"])
        self.stride = int(config["stride"])
        self.batch_size = int(config.get("batch_size", 16))
        self.tc_weight = tc_head["weight"]  # (n_labels, D)
        self.tc_bias = tc_head["bias"]
        self.ngrams = ngrams
        self.words = words
        self.context: SpanContextHead | None = None  # tc_context.npz, when the folder has one
        self.path: Path | None = None  # the folder it was loaded from (None when built in memory)

    @classmethod
    def from_disk(
        cls, path: str | Path, *, onnx_file: str | None = None, threads: int | None = None
    ) -> SpanModel:
        """Load a model folder (ONNX runtime) or a training ``checkpoint/`` folder (torch teacher).

        Raises :class:`ModelError` saying what to do when the folder is missing or broken.
        """
        path = Path(path)
        if not path.is_dir():
            raise ModelError(f"no span model at {path}; train one with `unspun train` or pass a model folder")
        try:
            workers = 1
            if (path / CHECKPOINT_CONFIG).exists():
                config = _read_json(path / CHECKPOINT_CONFIG)
                from unspun.models.span_torch import torch_encoder

                encoder = torch_encoder(path, threads=threads)
            else:
                config = _read_json(path / "config.json")
                if config.get("format") != FORMAT:
                    raise ModelError(f"{path}/config.json is not an unspun span model ({FORMAT})")
                # One single-threaded ONNX run per worker thread: on 2 cores, two windows at a time
                # on one thread each ran 1.3x faster than one window on two threads.
                workers = threads or available_cpus()
                # a graph whose skip layer norms were split stays split (unspun.models.onnx_graph)
                encoder = _onnx_encoder(path / (onnx_file or config["onnx"]), 1, disabled_optimizers(config))
                if config.get("quantized") and onnx_file in (None, config["onnx"]):
                    # int8 dynamic quantisation scales activations over the whole input tensor, so
                    # a window's output would depend on the windows batched with it (up to 0.18 in
                    # a tag probability): one window per call keeps every text's result its own
                    # (as fast on 2 cores, measured at batch sizes 1, 4 and 16).
                    config = {**config, "batch_size": 1}
            tokenizer = _read_tokenizer(path / "tokenizer.json")
            with np.load(path / "tc_head.npz") as npz:
                tc_head = {k: npz[k] for k in npz.files}
            ngrams = SpanNgramHead.from_disk(path / NGRAMS_FILE) if (path / NGRAMS_FILE).exists() else None
            words = WordTagHead.from_disk(path / WORDS_FILE) if (path / WORDS_FILE).exists() else None
        except ModelError:
            raise
        except ImportError as exc:
            raise ModelError(
                f"{path} is a torch checkpoint; install the extra `unspun[train]` to run it"
            ) from exc
        except (OSError, KeyError, ValueError, RuntimeError) as exc:
            raise ModelError(
                f"the span model in {path} is incomplete or broken ({exc}); retrain it with `unspun train`"
            ) from exc
        model = cls(encoder, tokenizer, config, tc_head, ngrams, words, workers=workers)
        model.path = path
        if (path / CONTEXT_FILE).exists():
            model.context = SpanContextHead.from_disk(path / CONTEXT_FILE)
        return model

    # -- encoding ---------------------------------------------------------------------------------

    def encode(self, texts: Sequence[str], *, blend_words: bool = True) -> list[Encoded]:
        """Tokenise each text once, run all windows of all texts in batches (``workers`` batches at a
        time, each on its own thread), stitch per text. ``blend_words=False`` leaves the tag
        probabilities the network's alone (for a caller that reads the hidden states only)."""
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        cls_id, sep_id = int(self.config["cls_id"]), int(self.config["sep_id"])
        jobs: list[tuple[int, int, int]] = []  # (text index, window start, window end)
        windows_of: list[list[tuple[int, int]]] = []
        for t, enc in enumerate(encodings):
            windows = make_windows(len(enc.ids), self.max_tokens - 2, self.stride)
            windows_of.append(windows)
            jobs.extend((t, a, b) for a, b in windows)
        ids_of = [np.asarray(enc.ids, dtype=np.int64) for enc in encodings]
        results: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        order = sorted(range(len(jobs)), key=lambda j: jobs[j][2] - jobs[j][1])
        batches = [
            [jobs[j] for j in order[i : i + self.batch_size]] for i in range(0, len(order), self.batch_size)
        ]

        def run(batch: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray]:
            width = max(b - a for _, a, b in batch) + 2
            input_ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, (t, a, b) in enumerate(batch):
                input_ids[row, : b - a + 2] = [cls_id, *ids_of[t][a:b], sep_id]
                mask[row, : b - a + 2] = 1
            return self.encoder(input_ids, mask)

        outputs = map_on_workers(run, batches, self.workers)
        for batch, (logits, hidden) in zip(batches, outputs, strict=True):
            probs = softmax(logits.astype(np.float32))
            for row, (t, a, b) in enumerate(batch):
                results[(t, a)] = (probs[row, 1 : b - a + 1], hidden[row, 1 : b - a + 1].astype(np.float32))
        out = []
        for t, enc in enumerate(encodings):
            windows = windows_of[t]
            n = len(enc.ids)
            probs = stitch(windows, [results[(t, a)][0] for a, _ in windows], n) if n else np.zeros((0, 3))
            hidden = stitch(windows, [results[(t, a)][1] for a, _ in windows], n) if n else np.zeros((0, 1))
            offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
            if self.words is not None and blend_words:
                probs = self.words.blend(texts[t], probs, offsets)
            out.append(Encoded(offsets=offsets, probs=probs.astype(np.float32), hidden=hidden))
        return out

    # -- SI ---------------------------------------------------------------------------------------

    def decode(
        self,
        text: str,
        encoded: Encoded,
        *,
        threshold: float | None = None,
        peak: float | None = None,
        join_gap: int | None = None,
        core: bool = True,
    ) -> list[tuple[int, int, float]]:
        """SI spans ``(start, end, score)`` of one encoded text (see :func:`decode_spans`);
        ``threshold``, ``peak`` and ``join_gap`` default to the model's config; ``core=False``
        keeps whole runs (the candidate spans, read by heads fitted on them)."""
        if len(encoded.offsets) == 0:
            return []
        return decode_spans(
            text,
            encoded.probs,
            encoded.offsets,
            threshold=self.threshold if threshold is None else threshold,
            peak=self.peak if peak is None else peak,
            join_gap=self.join_gap if join_gap is None else join_gap,
            min_chars=self.min_chars,
            relative=self.relative if core else None,
        )

    def detect_spans(self, texts: Sequence[str]) -> list[list[tuple[int, int, float]]]:
        """SI only: propaganda spans ``(start, end, score)`` per text, sorted, disjoint, trimmed."""
        return [self.decode(text, enc) for text, enc in zip(texts, self.encode(texts), strict=True)]

    # -- TC ---------------------------------------------------------------------------------------

    def technique_probs(
        self,
        text: str,
        encoded: Encoded,
        spans: Sequence[tuple[int, int]],
        *,
        title_end: int | None = None,
    ) -> np.ndarray:
        """``(n_spans, n_labels)`` technique probabilities for character spans of an encoded text
        (``title_end``: see :func:`span_features`, for a piece of a longer text)."""
        if not spans:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        if len(encoded.offsets) == 0:
            raise ModelError("cannot classify spans of a text without tokens; pass non-blank text")
        rows = []
        lowered = text.lower()  # once per text: a lowering per span made long texts quadratic
        for start, end in spans:
            a, b = char_to_tokens(encoded.offsets, start, end)
            features = span_features(text, start, end, lowered=lowered, title_end=title_end)
            rows.append(span_vector(encoded.hidden, a, b, features))
        logits = np.stack(rows) @ self.tc_weight.T + self.tc_bias
        probs = softmax(logits.astype(np.float32))
        if self.ngrams is not None:
            probs = self.ngrams.blend(probs, [text[start:end] for start, end in spans], self.labels)
        if self.context is not None:
            probs = self.context.adjust(probs, text, spans, self.labels, title_end=title_end)
        return probs

    def classify_spans(self, text: str, spans: Sequence[tuple[int, int]]) -> list[list[tuple[str, float]]]:
        """Ranked ``(technique, probability)`` lists, one per given span (for TC templates).

        The k-th copy of an identical span starts with the k-th best technique, so that a span listed
        k times receives k distinct labels, best first. Raises :class:`ModelError` for offsets
        outside the text.
        """
        for start, end in spans:
            if not 0 <= start < end <= len(text):
                raise ModelError(f"span ({start}, {end}) is outside a text of {len(text)} characters")
        if not spans:
            return []
        probs = self.technique_probs(text, self.encode([text])[0], spans)
        return rank_for_duplicates(spans, probs, self.labels)

    # -- SI + TC ----------------------------------------------------------------------------------

    def predict_spans(self, texts: Sequence[str]) -> list[list[Span]]:
        """SI + TC end to end: one :class:`Span` per detected span, labelled with its best technique.

        ``score`` is the span's SI probability times its technique probability, in [0, 1]. A whole
        sentence the tagger left unmarked (a short one recurring word for word, a short
        exclamation) or a "what about ...?" question is a span too where the technique head ranks
        its kind's technique high enough (:func:`unspun.models.span_candidates.candidates`).
        """
        return [self.labelled_spans(text, enc) for text, enc in zip(texts, self.encode(texts), strict=True)]

    def find(
        self,
        texts: Sequence[str],
        *,
        skip: Sequence[Sequence[tuple[int, int]]] | None = None,
        progress: Progress | None = None,
        title_ends: Sequence[int | None] | None = None,
    ) -> list[SpanFindings]:
        """Per text, from one encoding: the spans of :meth:`predict_spans`, the *candidate* spans,
        and the :func:`paragraph_vectors` of its paragraphs (official rule).

        Candidates come from a permissive decoding (threshold ``CANDIDATE_THRESHOLD``, peak
        ``CANDIDATE_PEAK``): one :class:`Span` in the ``CANDIDATE_LAYER`` per candidate and
        technique whose score (SI probability x technique probability) reaches
        ``MIN_CANDIDATE_SCORE``. They are weak evidence, not findings: the paragraph techniques
        head reads them; nothing shows them to a reader.

        ``skip[i]`` lists character ranges of ``texts[i]`` to leave out (paragraphs in another
        language): no span is found there and their paragraphs get zero vectors. A text longer
        than :data:`PIECE_CHARS` is read in pieces (see :func:`text_pieces`), at most
        :data:`GROUP_CHARS` characters at a time, so time and memory grow linearly with it;
        ``progress(done, total)`` is told the characters read after each group (when there are
        several). Offsets are
        always those of the whole text. ``title_ends[i]`` is where the title of ``texts[i]`` ends
        (``0``: it has none, see :func:`~unspun.models.decoding.separate_title_end`; ``None``, the
        default: its first line).
        """
        jobs = [
            (t, a, b)
            for t, text in enumerate(texts)
            for a, b in text_pieces(text, skip=skip[t] if skip else ())
        ]
        joins = [_Join(text) for text in texts]
        total, done = sum(b - a for _, a, b in jobs), 0
        for group in _groups(jobs, GROUP_CHARS):
            pieces = [texts[t][a:b] for t, a, b in group]
            for (t, a, b), piece, enc in zip(group, pieces, self.encode(pieces), strict=True):
                title_end = title_ends[t] if title_ends else None
                joins[t].add(a, b, self._find_in_piece(texts[t], a, piece, enc, title_end))
                done += b - a
            if progress is not None and total > GROUP_CHARS:  # long work only
                progress(done, total)
        return [join.result() for join in joins]

    def _find_in_piece(
        self, text: str, offset: int, piece: str, enc: Encoded, title_end: int | None = None
    ) -> _PieceFindings:
        """Spans, candidates (offsets of the piece) and the pooled paragraphs of one piece of ``text``
        that starts at ``offset`` (``title_end``: where the title of ``text`` ends, ``None``: its
        first line)."""
        if title_end is not None:  # a given end, in the piece's offsets
            title_end = max(title_end - offset, 0)
        elif offset or len(piece) < len(text):  # the title is the first line of the whole text
            first_line_end = text.find("\n")
            title_end = max(first_line_end - offset, 0) if first_line_end >= 0 else -1
        found = self.decode(piece, enc, threshold=CANDIDATE_THRESHOLD, peak=CANDIDATE_PEAK, core=False)
        probs = self.technique_probs(piece, enc, [(s, e) for s, e, _ in found], title_end=title_end)
        candidates = [
            Span(start, end, self.labels[j], float(score), layer=CANDIDATE_LAYER)
            for (start, end, si_score), row in zip(found, probs, strict=True)
            for j, score in enumerate(np.clip(si_score * row, 0.0, 1.0))
            if score >= MIN_CANDIDATE_SCORE
        ]
        paragraphs = split_paragraphs(piece)
        vectors = paragraph_vectors(enc.offsets, enc.hidden, enc.probs, paragraphs)
        # tokens pooled per line, to pool a line cut between pieces (not needed for a whole text)
        whole = not offset and len(piece) == len(text)
        counts = (
            [0] * len(paragraphs)
            if whole
            else [_token_count(enc.offsets, p.start, p.end) for p in paragraphs]
        )
        spans = self.labelled_spans(piece, enc, title_end=title_end)
        return _PieceFindings(spans, candidates, paragraphs, vectors, counts)

    def labelled_spans(self, text: str, enc: Encoded, *, title_end: int | None = None) -> list[Span]:
        """The technique spans of one encoded text at the model's thresholds, before the whole-phrase
        rules: the tagger's spans (cut after a short exclamation) and the candidates the head
        confirms, each labelled by the technique head."""
        # a span running on past a short exclamation is cut there, each piece labelled by the head
        # on its own ('Enough is enough!' a slogan, 'The council must act' as the head reads it)
        found = [(a, b, si) for s, e, si in self.decode(text, enc) for a, b in exclamation_pieces(text, s, e)]
        found = whole_recurring(text, found)  # "Take" of a "Take back control." said thrice: the sentence
        # whole sentences the tagger may leave unmarked (a repeated one, a short exclamation, a
        # "what about ...?" question): spans where the head ranks their technique so
        offered = candidates(text, [(s, e) for s, e, _ in found])
        ranges = found + [(c.start, c.end, c.si) for c in offered]
        probs = self.technique_probs(text, enc, [(s, e) for s, e, _ in ranges], title_end=title_end)
        spans = []
        for k, ((start, end, si_score), row) in enumerate(zip(ranges, probs, strict=True)):
            best = (
                int(np.argmax(row)) if k < len(found) else offered[k - len(found)].technique(row, self.labels)
            )
            if best is None:
                continue
            score = float(min(max(si_score * row[best], 0.0), 1.0))
            also = second_techniques(row, self.labels, first=best)
            # the head's probability of the technique, for a piece that whole_phrases joins to another
            # of a different technique (it goes into also with it); the span tagger removes it
            attrs = {TECHNIQUE_PROBABILITY: float(row[best])}
            spans.append(Span(start, end, self.labels[best], score, also=also, attrs=attrs))
        return sorted(spans, key=lambda span: (span.start, span.end))


# A span gets its second-best technique as well (Span.also) when the TC head gives it at least this
# probability: on the gold spans of the grouped folds (benchmarks/second_technique.py), a span
# predicted with two labels counting as two predictions, TC micro-F1 0.6405 -> 0.6444 with the
# threshold chosen on the other folds (0.30, 0.35, 0.30); 180 of 486 second labels were right.
# Nearly all of those stood where the first label was wrong (205 of 207 pooled): gold spans with
# two labels are rare (41 of 6,087), so the second label is the alternative the head nearly chose,
# not a claim that both apply.
SECOND_TECHNIQUE_MIN = 0.3


def second_techniques(
    probs: np.ndarray,
    labels: Sequence[str],
    *,
    min_prob: float | None = SECOND_TECHNIQUE_MIN,
    first: int | None = None,
) -> list[Label]:
    """The second-ranked technique of one span's TC probabilities (over ``labels``) with its
    probability, when that reaches ``min_prob``; else (or with ``min_prob`` None) none. ``first``:
    the index of the span's technique when it is not the likeliest (a candidate labelled as its
    kind: the likeliest other technique is then its second)."""
    if min_prob is None or len(probs) < 2:
        return []
    ranked = [int(j) for j in np.argsort(-probs, kind="stable")]
    first = ranked[0] if first is None else first
    second = next(j for j in ranked if j != first)
    return [Label(labels[second], float(probs[second]))] if probs[second] >= min_prob else []


# -- long texts ------------------------------------------------------------------------------------

# A text longer than this is read in pieces of whole lines of at most this many characters (a
# longer line is cut at a space): every cost of a piece is then bounded, and a text's time and
# memory grow linearly with its length (a 5 MB text read whole took 5 GB: the hidden states of all
# its tokens at once, and span features that rescanned the whole text per span). Articles up to
# this size (news articles by far) are read whole, exactly as before.
PIECE_CHARS = 50_000
# Characters encoded at once (windows of several pieces or texts run together on the workers).
GROUP_CHARS = 200_000

# progress(characters done, characters in all)
Progress = Callable[[int, int], None]


@dataclass(slots=True)
class _PieceFindings:
    spans: list[Span]
    candidates: list[Span]
    paragraphs: list[Paragraph]  # the piece's lines, offsets in the piece
    vectors: np.ndarray  # (len(paragraphs), D)
    counts: list[int]  # tokens pooled per paragraph


def text_pieces(
    text: str, *, skip: Sequence[tuple[int, int]] = (), size: int | None = None
) -> list[tuple[int, int]]:
    """Ranges ``[a, b)`` of ``text`` to read on their own: the text without the ``skip`` ranges,
    cut at line breaks into pieces of at most ``size`` characters (a longer line at a space, or,
    without one, anywhere). The whole text, ``[(0, len(text))]``, when nothing is skipped and it
    is short enough; pieces holding only white space are left out. ``size`` defaults to
    :data:`PIECE_CHARS`."""
    size = PIECE_CHARS if size is None else size
    if not skip and len(text) <= size:
        return [(0, len(text))]
    segments: list[tuple[int, int]] = []
    cursor = 0
    for start, end in sorted(skip):
        if start > cursor:
            segments.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < len(text):
        segments.append((cursor, len(text)))
    pieces: list[tuple[int, int]] = []
    for start, end in segments:
        while end - start > size:
            limit = start + size
            cut = text.rfind("\n", start, limit) + 1
            if cut <= start:
                cut = text.rfind(" ", start, limit) + 1
            if cut <= start:
                cut = limit
            pieces.append((start, cut))
            start = cut
        pieces.append((start, end))
    return [(a, b) for a, b in pieces if not text[a:b].isspace() and b > a]


def _groups(jobs: list[tuple[int, int, int]], budget: int) -> Iterator[list[tuple[int, int, int]]]:
    """``jobs`` in order, in groups of at most ``budget`` characters (at least one job each)."""
    group: list[tuple[int, int, int]] = []
    size = 0
    for job in jobs:
        if group and size + job[2] - job[1] > budget:
            yield group
            group, size = [], 0
        group.append(job)
        size += job[2] - job[1]
    if group:
        yield group


def _token_count(offsets: np.ndarray, start: int, end: int) -> int:
    if not len(offsets):
        return 0
    return int(np.count_nonzero((offsets[:, 0] < end) & (offsets[:, 1] > start)))


def _shifted(spans: list[Span], offset: int) -> list[Span]:
    return spans if not offset else [replace(s, start=s.start + offset, end=s.end + offset) for s in spans]


class _Join:
    """One text's findings, gathered from its pieces as they are read (in text order): offsets
    shifted back into the text; each paragraph's vector from the piece that holds it, pooled over
    pieces when a line was cut between them (pooling is associative, so a line is pooled as it
    arrives and no piece's vectors are kept); zeros for a paragraph in no piece. A text read whole,
    in one piece, keeps that piece's findings as they are."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.whole: _PieceFindings | None = None
        self.spans: list[Span] = []
        self.candidates: list[Span] = []
        self.vectors: np.ndarray | None = None
        self.counts: np.ndarray | None = None  # tokens pooled so far per paragraph; -1: none yet
        self.starts: np.ndarray | None = None

    def add(self, start: int, end: int, piece: _PieceFindings) -> None:
        if start == 0 and end == len(self.text) and self.vectors is None and not self.spans:
            self.whole = piece
            return
        self.spans += _shifted(piece.spans, start)
        self.candidates += _shifted(piece.candidates, start)
        width = piece.vectors.shape[1] if piece.vectors.ndim == 2 and len(piece.vectors) else 0
        if self.starts is None:
            self.starts = np.asarray([p.start for p in split_paragraphs(self.text)], dtype=np.int64)
        if self.vectors is None or (width and not self.vectors.shape[1]):
            self.vectors = np.zeros((len(self.starts), width), dtype=np.float32)
            self.counts = np.full(len(self.starts), -1, dtype=np.int64)
        assert self.counts is not None
        for paragraph, row, count in zip(piece.paragraphs, piece.vectors, piece.counts, strict=True):
            # the text's paragraph (line) that holds this line of the piece
            index = int(np.searchsorted(self.starts, start + paragraph.start, side="right")) - 1
            if index < 0 or not width or not self.vectors.shape[1]:
                continue
            seen = int(self.counts[index])
            if seen < 0:
                self.vectors[index] = row
                self.counts[index] = count
            else:
                self.vectors[index] = _pool([(self.vectors[index], seen), (row, count)], width)
                self.counts[index] = seen + count

    def result(self) -> SpanFindings:
        if self.whole is not None:
            return SpanFindings(self.whole.spans, self.whole.candidates, self.whole.vectors)
        if self.vectors is None:  # no piece at all (a text of white space, or all skipped)
            self.starts = np.asarray([p.start for p in split_paragraphs(self.text)], dtype=np.int64)
            self.vectors = np.zeros((len(self.starts), 0), dtype=np.float32)
        return SpanFindings(self.spans, self.candidates, self.vectors)


def _pool(rows: list[tuple[np.ndarray, int]], width: int) -> np.ndarray:
    """The :func:`paragraph_vectors` row of a line cut into pieces, from the pieces' rows: means
    weighted by the tokens each pooled, maxima of maxima."""
    hidden = (width - 2) // 2
    weights = np.asarray([count for _, count in rows], dtype=np.float64)
    stack = np.stack([row for row, _ in rows]).astype(np.float64)
    used = weights > 0
    if not used.any():
        return np.zeros(width, dtype=np.float32)
    stack, weights = stack[used], weights[used]
    out = np.empty(width, dtype=np.float64)
    out[:hidden] = weights @ stack[:, :hidden] / weights.sum()
    out[hidden : 2 * hidden] = stack[:, hidden : 2 * hidden].max(axis=0)
    out[2 * hidden] = stack[:, 2 * hidden].max()
    out[2 * hidden + 1] = weights @ stack[:, 2 * hidden + 1] / weights.sum()
    return out.astype(np.float32)


def load_span_model(name_or_path: str | Path | None = None, *, threads: int | None = None) -> SpanModel:
    """Load a span model: ``None`` = the packaged default, a packaged model name, or a folder path
    (a runtime folder, or a training ``checkpoint/`` folder for the slower fp32 teacher).

    ``threads``: CPU threads to use (default: every CPU the process may run on). An ONNX model
    runs that many windows at a time, one thread each; a torch checkpoint uses them inside torch.
    Raises :class:`ModelError` saying what to do when nothing usable is found.
    """
    if name_or_path is None:
        name_or_path = DEFAULT_MODEL
    path = model_folder(name_or_path)
    if not path.exists():
        raise ModelError(
            f"span model {str(name_or_path)!r} not found; give a model folder, or run `unspun train` to build one"
        )
    return SpanModel.from_disk(path, threads=threads)


def _read_json(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise ModelError(f"{path} should hold a JSON object; retrain the model with `unspun train`")
    return data


def _read_tokenizer(path: Path) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    # Set once here and never changed: threads sharing the model encode with the same tokenizer
    # (its encode methods read these settings and change nothing), as they share one ONNX session,
    # whose run() is thread-safe.
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def _onnx_encoder(path: Path, threads: int | None, disabled: Sequence[str] = ()) -> Encoder:
    """The ONNX encoder at ``path``, its session built without the graph transformers named in
    ``disabled`` (:func:`unspun.models.onnx_graph.disabled_optimizers` of the folder's config)."""
    import onnxruntime as ort

    if not path.exists():
        raise ModelError(f"{path} is missing; retrain the model with `unspun train`")
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"], disabled_optimizers=list(disabled)
        )
    except Exception as exc:  # onnxruntime raises its own untyped errors for unreadable graphs
        raise ModelError(f"cannot load {path} ({exc}); retrain the model with `unspun train`") from exc

    def run(input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        logits, hidden = session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask})
        return logits, hidden

    return run
