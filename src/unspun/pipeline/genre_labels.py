"""The genre an outlet declares in a headline: "Opinion: ...", "... | Editorial", "Satire - ...".

Outlets label their opinion and satire pieces in the headline or the page title, in a segment of
its own ("Opinion:", "OPINION |", "| Commentary |", "Kommentar:"). Such a label says the genre
more surely than the text's style can: a short op-ed reads like reporting to the genre heads
(QA: an HTML op-ed titled "Opinion: The city's budget is a missed chance" was Reporting 0.51).
:func:`declared_genre` finds it in the title, or in a text's first line when it has no title,
or on a line of its own that opens the text (the kicker above a copied page's headline);
a word inside a headline ("Opinion polls show ...", "The editorial board resigns") is no label.
"""

from __future__ import annotations

import re

# The section labels of the six languages' outlets, by genre (lower case).
LABELS: dict[str, tuple[str, ...]] = {
    "opinion": (
        "opinion", "op-ed", "op ed", "oped", "editorial", "commentary", "column", "comment",
        "letters", "letter to the editor", "viewpoint", "perspective",
        "tribune", "éditorial", "point de vue", "chronique",  # fr
        "meinung", "kommentar", "gastbeitrag", "leitartikel", "kolumne",  # de
        "opinione", "opinioni", "editoriale", "commento", "l'editoriale",  # it
        "opinia", "opinie", "komentarz", "felieton",  # pl
        "мнение", "мнения", "колонка", "комментарий", "колумнист",  # ru
    ),
    "satire": ("satire", "satira", "сатира"),
}  # fmt: skip
_GENRE_OF = {label: genre for genre, labels in LABELS.items() for label in labels}
# A label segment: the title's start up to ":" or a bar/dash set off by spaces, or a segment
# between such bars ("Budget | Opinion | The Guardian").
_SEPARATOR = re.compile(r"\s+[|–—-]\s+|\s*\|\s*|:\s+")


def _segments(title: str) -> list[str]:
    # a typographic apostrophe reads as the plain one of LABELS ("L’editoriale")
    parts = _SEPARATOR.split(title.strip().replace("’", "'"))
    return [part.strip().strip("[]()").strip().lower() for part in parts]


def declared_genre(title: str | None, text: str = "") -> str | None:
    """``"opinion"`` or ``"satire"`` when the title (else the text's first non-blank line) has a
    segment of its own that is one of :data:`LABELS` and more besides it (a label alone is a
    section page, not a headline), or when the text opens with such a label on a line of its own
    with more text after it (a page's kicker above its headline: "Opinion", then the headline);
    otherwise ``None``."""
    lines = [s for s in text.splitlines() if s.strip()]
    line = title if title and title.strip() else (lines[0] if lines else "")
    segments = [s for s in _segments(line) if s]
    if len(segments) >= 2:
        for segment in segments:
            genre = _GENRE_OF.get(segment)
            if genre is not None:
                return genre
    if len(lines) >= 2:
        kicker = [s for s in _segments(lines[0]) if s]
        if len(kicker) == 1:
            return _GENRE_OF.get(kicker[0])
    return None
