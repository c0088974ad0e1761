"""Text made safe to print in a terminal, character for character (the text views of
:mod:`unspun.render` and :mod:`unspun.render_whosays` print article text through it)."""

from __future__ import annotations

# Control characters are shown, not obeyed: an escape sequence in an article must not recolour or
# retitle the terminal, and Rich would drop a carriage return and shift every highlight after it.
# Each becomes one visible character, so offsets into the text still hold.
_VISIBLE = {code: "\N{REPLACEMENT CHARACTER}" for code in [*range(0x20), *range(0x7F, 0xA0)]}
_VISIBLE.update({ord("\n"): "\n", ord("\t"): "\t", ord("\r"): " "})


def printable(text: str) -> str:
    """``text`` with control characters replaced one for one (a carriage return by a space, the
    others by U+FFFD); line breaks and tabs kept."""
    return text.translate(_VISIBLE)


def one_line(text: str) -> str:
    """``text`` as an excerpt on one line: :func:`printable`, its runs of whitespace as one space,
    and no byte order mark (a file's BOM is character 0 of its text, so a quote, claim or span at
    its start holds it; shown, the invisible character was copied with the words)."""
    return " ".join(printable(text).replace("\ufeff", "").split())


# A cut that would fall further back than this share of the limit keeps the word cut instead
# (a long URL or a run of letters with no space would otherwise shrink to nothing).
_WORD_BACKOFF = 0.6


def shortened(text: str, limit: int) -> str:
    """``text`` whole when it has at most ``limit`` characters, else cut to fewer than ``limit``
    at the last space before the limit (so that no word is shown half: "the Ba’athist governm…"
    read as a different word) and ended with "…"; a text with no space in the last part of the
    limit is cut at the limit."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if text[limit - 1] != " " and space >= limit * _WORD_BACKOFF:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"
