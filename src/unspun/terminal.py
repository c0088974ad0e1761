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
