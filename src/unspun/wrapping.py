"""Hard-wrapped plain text: telling it apart, and its real paragraphs.

A plain text file is often hard-wrapped: running text broken into lines of about the same width
(70-80 characters), with a blank line between paragraphs. The SemEval-2023 paragraph rule
(:func:`unspun.document.split_paragraphs`) takes every line for a paragraph, so such a text's
paragraph techniques would be read line by line. :func:`wrapped_blocks` finds the paragraphs the
wrapping hides: the runs of lines between blank lines, when the text reads as hard-wrapped.
"""

from __future__ import annotations

from collections.abc import Sequence

from unspun.document import Paragraph

# A text is hard-wrapped when its lines are at most this wide ...
MAX_WIDTH = 100
# ... and most lines followed by another line (not by a blank one or the end) fill most of it:
# the lines a paragraph wraps, not the last line of each.
FULL_SHARE = 0.8
FULL_WIDTH = 0.6
# ... and at least this share of them stop mid-sentence (a wrap falls where the width runs out; a
# text of one short paragraph a line ends its lines on a full stop).
MID_SENTENCE_SHARE = 0.5
SENTENCE_ENDS = tuple(".!?:;\"'\u201d\u2019)]")


def is_hard_wrapped(text: str, paragraphs: Sequence[Paragraph]) -> bool:
    """Whether ``text`` (with its official ``paragraphs``, one per non-blank line) reads as
    hard-wrapped: some lines follow one another without a blank line, every line is at most
    :data:`MAX_WIDTH` characters, and of the lines followed by another line at least
    :data:`FULL_SHARE` fill :data:`FULL_WIDTH` of the widest and at least
    :data:`MID_SENTENCE_SHARE` stop mid-sentence."""
    if len(paragraphs) < 3:
        return False
    lines = [text[p.start : p.end].rstrip() for p in paragraphs]
    widest = max(len(line) for line in lines)
    if widest > MAX_WIDTH:
        return False
    # the lines another line follows without a blank one between them
    going_on = [lines[i] for i in range(len(paragraphs) - 1) if goes_on(paragraphs, i + 1)]
    if not going_on:
        return False
    full = sum(1 for line in going_on if len(line) >= FULL_WIDTH * widest)
    cut = sum(1 for line in going_on if not line.endswith(SENTENCE_ENDS))
    return full >= FULL_SHARE * len(going_on) and cut >= MID_SENTENCE_SHARE * len(going_on)


def goes_on(paragraphs: Sequence[Paragraph], i: int) -> bool:
    """Whether ``paragraphs[i]`` is the line right after ``paragraphs[i - 1]`` (no blank line)."""
    return i > 0 and paragraphs[i].index == paragraphs[i - 1].index + 1


def wrapped_blocks(text: str, paragraphs: Sequence[Paragraph]) -> list[list[int]]:
    """The positions in ``paragraphs`` grouped into the text's real paragraphs: runs of lines
    with no blank line between them, when the text is hard-wrapped (:func:`is_hard_wrapped`);
    else each line alone."""
    if not is_hard_wrapped(text, paragraphs):
        return [[i] for i in range(len(paragraphs))]
    blocks: list[list[int]] = []
    for i in range(len(paragraphs)):
        if goes_on(paragraphs, i):
            blocks[-1].append(i)
        else:
            blocks.append([i])
    return blocks
