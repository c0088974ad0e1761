"""Turn token probabilities into clean character spans, and score spans with the TC head.

Pure numpy and string functions, shared by the runtime and the trainer so that both see
exactly the same spans and span features.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from unspun.models.letters import PLAIN_WORD
from unspun.models.letters import WORD as WHOLE_WORD
from unspun.sentences import TITLE_WORDS, reads_as_headline, split_sentences

# The PTC v2 gold never starts or ends a span on these characters.
TRIM_CHARS = " \n\t\r\ufeff\u00a0.,:;"
# Tags of the token head, in output order.
TAGS = ("O", "B", "I")
# A span made of these words only ("The", "They", "in the") is decoding noise: PTC gold has 20 such
# spans in 6,128, and dropping them raised SI F1 on every fold of the 3-fold CV (+0.001 on average).
# fmt: off
FUNCTION_WORDS = frozenset({
    "the", "a", "an", "this", "that", "these", "those",
    "i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them",
    "our", "their", "his", "its", "there", "here",
    "in", "on", "of", "at", "by", "to", "for", "with", "from", "as",
    "and", "or", "but", "so", "if", "then", "not", "no", "yes",
})
# fmt: on
# Two line breaks with nothing but white space between (Windows line ends, spaces, no-break spaces).
BLANK_LINE = re.compile(r"\r?\n[^\S\n]*\n")
WORD = PLAIN_WORD  # a run of letters, combining accents included
N_SPAN_FEATURES = 4
# The core of a run (:func:`token_runs`): its tokens at or above this share of the run's highest
# inside-probability, each word read as its best token (:func:`word_inside`). On the out-of-fold
# token probabilities of the grouped folds (371 PTC training articles through the fold model that
# held each out, thresholds 0.15 / 0.35, spans made whole by unspun.models.phrases) SI F1, mean
# of the folds, 0.4275 -> 0.4317, higher on each fold (0.4201 / 0.4194 / 0.4429 -> 0.4251 /
# 0.4224 / 0.4475); 0.30: 0.4306, 0.40: 0.4307, 0.50: 0.4204; chosen on two folds, 0.35 for each
# third; without word_inside 0.4308. Spans 7,312 -> 7,629; "These spineless globalist traitors in
# Parliament have sold out our country once again" is two spans, not one; spans ending on a
# function word 0.08% -> 0.03% after the whole-phrase rules (12.4% -> 13.0% before them).
# decode_spans applies it only when asked (``relative=RELATIVE_EXTENT``).
RELATIVE_EXTENT = 0.35
# A run's core is cut after a sentence's end (:func:`split_sentences`) whose end mark the tagger
# scores below this share of the core's highest inside-probability: 'The corrupt mayor has
# betrayed us all. Save our harbour!' rose to 0.65 on both sentences and dipped to 0.26 on the full
# stop, one span of two sentences. A run carried through the mark at half its height or more stays
# whole (PTC gold spans cross a sentence end 318 times in 6,128). On the grouped folds SI F1 stays
# 0.4340 (whole phrases 0.4362) with the other span changes of 2026-12-07; 0.5 was not tuned.
SENTENCE_EXTENT = 0.5


_APOSTROPHES = "'\u2019"


def _in_word(text: str, i: int) -> bool:
    """Whether ``text[i]`` belongs to a word: a letter or digit, a combining mark (the accent of a
    decomposed "\u00fc", "u" and U+0308; an Indic vowel sign), or an apostrophe between two (so
    that "Ba\u2019athist" and "don't" are one word each)."""
    char = text[i]
    if char.isalnum() or unicodedata.category(char)[0] == "M":
        return True
    return char in _APOSTROPHES and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` so that it neither starts nor ends inside a word."""
    while start > 0 and _in_word(text, start - 1) and _in_word(text, start):
        start -= 1
    while end < len(text) and _in_word(text, end) and _in_word(text, end - 1):
        end += 1
    return start, end


def split_at_blank_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut wherever it crosses a blank line (no PTC gold span does), each piece
    trimmed; ``\r\n`` line ends count as ``\n``."""
    pieces: list[tuple[int, int]] = []
    cursor = start
    for blank in BLANK_LINE.finditer(text, start, end):
        pieces.append(trim(text, cursor, blank.start()))
        cursor = blank.end()
    pieces.append(trim(text, cursor, end))
    return [(a, b) for a, b in pieces if b > a]


def trim(text: str, start: int, end: int, chars: str = TRIM_CHARS) -> tuple[int, int]:
    """Narrow ``[start, end)`` past leading/trailing whitespace and ``chars``; may return an empty range."""
    while start < end and (text[start] in chars or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in chars or text[end - 1].isspace()):
        end -= 1
    return start, end


def join_gaps(
    text: str, spans: Sequence[tuple[int, int, float]], max_gap: int
) -> list[tuple[int, int, float]]:
    """Merge consecutive spans separated by at most ``max_gap`` characters that hold no letter or digit.

    Input spans must be sorted and disjoint; a merged span keeps the length-weighted mean score.
    """
    out: list[tuple[int, int, float]] = []
    for start, end, score in spans:
        if out:
            p_start, p_end, p_score = out[-1]
            gap = text[p_end:start]
            if start - p_end <= max_gap and not any(c.isalnum() for c in gap):
                a, b = p_end - p_start, end - start
                out[-1] = (p_start, end, (p_score * a + score * b) / max(a + b, 1))
                continue
        out.append((start, end, score))
    return out


def token_runs(
    probs: np.ndarray,
    threshold: float,
    peak: float | None = None,
    *,
    relative: float | None = None,
    inside: np.ndarray | None = None,
) -> list[tuple[int, int, float]]:
    """Token ranges ``[a, b)`` tagged inside a span, with their mean inside-probability.

    ``probs`` is ``(n_tokens, 3)`` over :data:`TAGS`; a token's inside-probability is ``1 - p(O)``
    (or ``inside[i]`` when given, e.g. :func:`word_inside`).
    Runs of tokens at or above ``threshold`` are kept when their highest inside-probability
    reaches ``peak`` (hysteresis: a low threshold finds the extent, a higher peak decides).
    With ``relative``, a kept run is narrowed to its core: the stretches of tokens at or above
    ``relative`` times the run's highest probability that themselves reach ``peak`` (a run that
    rose to 0.77 on "spineless globalist traitors" and dipped to 0.22 on "Parliament" is two
    phrases, not one sentence; see :data:`RELATIVE_EXTENT`).
    """
    inside = 1.0 - probs[:, 0] if inside is None else inside
    peak = threshold if peak is None else max(peak, threshold)
    runs: list[tuple[int, int, float]] = []
    for a, b in _stretches(inside >= threshold):
        top = float(inside[a:b].max())
        if top < peak:
            continue
        if relative is None:
            runs.append((a, b, float(inside[a:b].mean())))
            continue
        core = inside[a:b] >= max(threshold, relative * top)
        for x, y in _stretches(core):
            if inside[a + x : a + y].max() >= peak:
                runs.append((a + x, a + y, float(inside[a + x : a + y].mean())))
    return runs


def _stretches(on: np.ndarray) -> list[tuple[int, int]]:
    """The ranges ``[a, b)`` where the boolean array ``on`` is true."""
    edges = np.flatnonzero(np.diff(np.concatenate([[False], on, [False]]).astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


# A word with inner hyphens or apostrophes ("so-called", "don't") is one word for decoding, its
# combining accents in it (decomposed text), as for the phrase rules.
_WHOLE_WORD = WHOLE_WORD


def word_inside(text: str, probs: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per token, the highest inside-probability (``1 - p(O)``) among the tokens of the word it
    belongs to (a hyphenated word or one with an apostrophe is one word): a word is in a span or
    out of it as a whole, and the hyphen token of "so-called" (0.13 beside 0.41 on "so") no longer
    ends a run inside the word. ``offsets`` are the tokens' character offsets in ``text``."""
    inside = 1.0 - probs[:, 0]
    if len(offsets) < 2:
        return inside
    bounds = np.array([m.span() for m in _WHOLE_WORD.finditer(text)], dtype=np.int64).reshape(-1, 2)
    first = np.searchsorted(offsets[:, 0], bounds[:, 0], side="left")
    last = np.searchsorted(offsets[:, 0], bounds[:, 1], side="left")  # one past the word's tokens
    several = np.flatnonzero(last - first > 1)
    if not len(several):
        return inside
    first, lengths = first[several], (last - first)[several]
    # the tokens of those words, word after word (words are disjoint, so are their tokens)
    opens = np.cumsum(lengths) - lengths
    tokens = np.repeat(first - opens, lengths) + np.arange(lengths.sum())
    best = np.maximum.reduceat(inside[tokens], opens)
    out = inside.copy()
    out[tokens] = np.repeat(best, lengths)
    return out


def decode_spans(
    text: str,
    probs: np.ndarray,
    offsets: np.ndarray,
    *,
    threshold: float,
    peak: float | None = None,
    join_gap: int = 1,
    min_chars: int = 2,
    relative: float | None = None,
) -> list[tuple[int, int, float]]:
    """Character spans ``(start, end, score)`` from token probabilities ``(n_tokens, 3)``.

    ``offsets`` is ``(n_tokens, 2)`` character offsets into ``text``. Spans are snapped to word
    boundaries, trimmed, joined across tiny gaps, disjoint, sorted, at least ``min_chars`` long,
    and hold at least one word that is not one of the :data:`FUNCTION_WORDS` (punctuation alone is
    no span either). With ``relative`` (e.g. :data:`RELATIVE_EXTENT`) each word takes the highest
    probability of its tokens (:func:`word_inside`) and each run is narrowed to its core
    (:func:`token_runs`); without, the tokens' own probabilities and whole runs, as before.
    """
    inside = word_inside(text, probs, offsets) if relative is not None else None
    runs = token_runs(probs, threshold, peak, relative=relative, inside=inside)
    if inside is not None and len(runs):
        floor = threshold if peak is None else max(peak, threshold)
        runs = split_at_sentence_ends(runs, sentence_cuts(text, offsets), inside, floor)
    spans: list[tuple[int, int, float]] = []
    for a, b, score in runs:
        snapped = snap_to_words(text, int(offsets[a, 0]), int(offsets[b - 1, 1]))
        for start, end in split_at_blank_lines(text, *snapped):
            if end - start < max(min_chars, 1):
                continue
            if spans and start < spans[-1][1]:  # snapping made two runs touch or overlap
                p_start, p_end, p_score = spans[-1]
                spans[-1] = (p_start, max(p_end, end), max(p_score, score))
                continue
            spans.append((start, end, score))
    return [span for span in join_gaps(text, spans, join_gap) if has_content_word(text[span[0] : span[1]])]


def sentence_cuts(text: str, offsets: np.ndarray) -> list[tuple[int, int]]:
    """Per sentence end inside ``text`` (:func:`~unspun.sentences.split_sentences`: not after
    "Mr." or "U."), the token range ``[a, b)`` of its end mark: from the first token after the
    sentence's last word to the first token of the next sentence. ``offsets`` are the tokens'
    character offsets, in order."""
    sentences = split_sentences(text)
    if len(sentences) < 2 or len(offsets) == 0:
        return []
    cuts = []
    for sentence, following in itertools.pairwise(sentences):
        last_word = sentence.end
        while last_word > sentence.start and not text[last_word - 1].isalnum():
            last_word -= 1
        a = int(np.searchsorted(offsets[:, 0], last_word, side="left"))
        b = int(np.searchsorted(offsets[:, 0], following.start, side="left"))
        if a < b:
            cuts.append((a, b))
    return cuts


def split_at_sentence_ends(
    runs: Sequence[tuple[int, int, float]],
    cuts: Sequence[tuple[int, int]],
    inside: np.ndarray,
    peak: float,
) -> list[tuple[int, int, float]]:
    """``runs`` (token ranges with their mean inside-probability) cut after each sentence end of
    ``cuts`` (:func:`sentence_cuts`) that lies inside one and whose end mark scores below
    :data:`SENTENCE_EXTENT` times the run's highest ``inside``; each piece kept when it still
    reaches ``peak``, scored by its own mean."""
    marks = [mark for mark, _ in cuts]
    out: list[tuple[int, int, float]] = []
    for a, b, score in runs:
        top = float(inside[a:b].max())
        starts = [
            end
            for mark, end in cuts[bisect.bisect_right(marks, a) : bisect.bisect_left(marks, b)]
            if end < b and float(inside[mark:end].max()) < SENTENCE_EXTENT * top
        ]
        if not starts:
            out.append((a, b, score))
            continue
        for x, y in itertools.pairwise([a, *starts, b]):
            if inside[x:y].max() >= peak:
                out.append((x, y, float(inside[x:y].mean())))
    return out


def has_content_word(text: str) -> bool:
    """Whether ``text`` holds a word (letters or digits) that is not one of the :data:`FUNCTION_WORDS`."""
    return any(word.lower() not in FUNCTION_WORDS for word in WORD.findall(text))


def char_to_tokens(offsets: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """The token range ``[a, b)`` overlapping characters ``[start, end)``; the nearest token if none."""
    if len(offsets) == 0:
        raise ValueError("the text has no tokens")
    hit = np.nonzero((offsets[:, 0] < end) & (offsets[:, 1] > start))[0]
    if len(hit):
        return int(hit[0]), int(hit[-1]) + 1
    nearest = int(np.argmin(np.abs(offsets[:, 0] - start)))
    return nearest, nearest + 1


def span_features(
    text: str, start: int, end: int, *, lowered: str | None = None, title_end: int | None = None
) -> np.ndarray:
    """Hand-made features of a span: repeats elsewhere in the text, length, in the title, a question.

    ``lowered`` is ``text.lower()`` when the caller has it (one lowering per text, not per span);
    ``title_end`` is where the title (the first line) ends, when ``text`` is a piece of a longer
    text whose first line is not the piece's (default: the first line of ``text``; no line
    break: all of it).
    """
    covered = text[start:end].strip().lower()
    lowered = text.lower() if lowered is None else lowered
    repeats = lowered.count(covered) - 1 if covered else 0
    first_line_end = text.find("\n") if title_end is None else title_end
    in_title = 1.0 if first_line_end < 0 or start < first_line_end else 0.0
    question = 1.0 if "?" in text[start : min(len(text), end + 2)] else 0.0
    return np.array(
        [np.log1p(max(repeats, 0)), np.log1p(end - start) / 5.0, in_title, question], dtype=np.float32
    )


def separate_title_end(text: str, title: str | None) -> int | None:
    """The ``title_end`` of :func:`span_features` for an article's ``text`` and ``title``:
    ``None`` (the first line is the title, as in the training corpora, whose texts open with their
    title) unless the text is one line that reads as a paragraph, not a headline
    (:func:`unspun.sentences.reads_as_headline`: a pasted paragraph, whatever title a reader took
    from it), its first line is a paragraph (:func:`reads_as_paragraph`: a text with no
    headline), or a ``title`` is given that the text does not open with (its first line is neither
    the title nor the title's start); then ``0``, no part of the text is the title (it is body, not
    the headline).

    The training texts all open with a title line; a text of one line was read as all title, and
    its spans labelled as title spans: on the bodies of 40 PTC training articles, each made one
    line, the technique of the spans overlapping a gold span is right 320 of 443 times read as a
    title, 333 of 442 read as body (span identification F1 0.541 both ways)."""
    stripped = text.strip("\ufeff \t\r\n")
    if stripped and "\n" not in stripped and not reads_as_headline(stripped):
        return 0
    if reads_as_paragraph(stripped.split("\n", 1)[0]):
        return 0
    if not title or not title.strip():
        return None
    first = text.lstrip("\ufeff \t\r\n").split("\n", 1)[0].split()  # white space and a BOM aside
    # a page's <title> often adds the site's name after the headline ("Headline | Site")
    return None if first and title.split()[: len(first)] == first else 0


# A sentence's end inside a line: a full stop or question mark after two small letters or figures
# (an exclamation may repeat in a headline, "Wait! Wait! ..."; not an initial,
# "Patrick J. Buchanan", nor "Mr."), closing quotes, white space, a capital or a quote.
_SENTENCE_INSIDE = re.compile(r"[a-z0-9]{2}[.?][\"'\u201d\u2019)\]]*\s+[A-Z\"\u201c]")


def reads_as_paragraph(line: str) -> bool:
    """Whether a first line is a paragraph, no headline, whatever title a reader took from it: it
    ends like a sentence (possibly inside closing quotes) and holds more than one sentence or more
    than :data:`~unspun.sentences.TITLE_WORDS` words. A text opening with its first paragraph had
    each span of that paragraph explained (and scored) as 'in the title'. No first line of the 371
    PTC training texts nor of the English SemEval-2023 texts reads so ("... against Sen. Al
    Franken", "Dallas Police Dept.", "Wait! Wait! It's all a MISTRANSLATION!" are headlines)."""
    line = line.strip()
    if not line.rstrip("\"'\u201d\u2019)]").endswith((".", "!", "?", "\u2026")):
        return False
    return len(line.split()) > TITLE_WORDS or _SENTENCE_INSIDE.search(line) is not None


def span_vector(hidden: np.ndarray, a: int, b: int, features: np.ndarray) -> np.ndarray:
    """``[h_start; h_end; mean(h[a:b]); features]`` for token range ``[a, b)`` of ``hidden``."""
    return np.concatenate([hidden[a], hidden[b - 1], hidden[a:b].mean(axis=0), features])


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax."""
    z = x - x.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def rank_for_duplicates(
    spans: Sequence[tuple[int, int]], probs: np.ndarray, labels: Sequence[str]
) -> list[list[tuple[str, float]]]:
    """Ranked ``(label, prob)`` lists, one per span; the k-th copy of an identical span gets the k-th
    best label first, so that k copies receive k distinct labels, best first."""
    seen: dict[tuple[int, int], int] = {}
    out: list[list[tuple[str, float]]] = []
    for (start, end), row in zip(spans, probs, strict=True):
        order = [int(i) for i in np.argsort(-row, kind="stable")]
        k = seen.get((start, end), 0) % len(order)
        seen[(start, end)] = k + 1
        order = [order[k], *order[:k], *order[k + 1 :]]
        out.append([(labels[i], float(row[i])) for i in order])
    return out
