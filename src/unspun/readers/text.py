"""Plain text to an :class:`Article`: the title rule and article ids from file names.

The text is kept exactly as given (a UTF-8 BOM stays as character 0), because every span
offset counts code points of the original text.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import warnings
from pathlib import Path

from unspun.document import Article
from unspun.errors import EmptyInputError, FormatError, InputWarning
from unspun.readers.encoding import BOM, reject_controls
from unspun.sentences import reads_as_headline

_YEAR_MONTH = re.compile(r"(\d{4})(?:-(\d{2}))?")
# "2026/03/05", "2026.03.05 10:00": the year first, so the order of month and day is never in doubt
_YEAR_FIRST = re.compile(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_PTC_NAME = re.compile(r"article(\d+)\.txt")


def read_text(
    text: str, *, id: str = "text", source_path: str | Path | None = None, where: str | None = None
) -> Article:
    """An :class:`Article` whose text is ``text``, unchanged; ``where`` names it in messages
    (default: the source path, else the id).

    Title rule: the first line with text is the title when the next line is blank, text follows and the
    line reads as a headline (:func:`unspun.sentences.reads_as_headline`: at most 25 words, one
    sentence, no full stop at its end); a line alone, with or without line breaks after it, is
    the body (a pasted paragraph is no headline). The title is that line stripped, while
    ``Article.text`` still starts with it (offsets count it).

    Raises:
        EmptyInputError: ``text`` is empty or only whitespace.
        EncodingError: ``text`` holds a control character (binary data, or a wrong decoding).
    """
    if where is None:
        where = f"{source_path}" if source_path is not None else f"input {id!r}"
    if not text.replace(BOM, "").strip():
        raise EmptyInputError(f"{where} is empty or only whitespace; give it some article text")
    reject_controls(text, where)
    # Blank lines above the headline (a pasted story) are skipped: the title is the first line
    # with text.
    opening = text.replace(BOM, "", 1).lstrip(" \t\r\n")
    lines = opening.split("\n", 2)
    title = None
    first = lines[0].strip()
    # A first line that reads as a paragraph (a full stop at its end, two sentences, over 25
    # words) is none: a story pasted without its headline took its first paragraph as the title,
    # and the quote in it was left out as a headline's.
    if len(lines) == 3 and first and not lines[1].strip() and lines[2].strip() and reads_as_headline(first):
        title = first
    return Article(
        id=id, text=text, title=title, source_path=str(source_path) if source_path is not None else None
    )


def article_id(path: Path) -> str:
    """``"111111111"`` for ``article111111111.txt`` (PTC layout), else the file stem."""
    match = _PTC_NAME.fullmatch(Path(path).name)
    return match.group(1) if match else Path(path).stem


def parse_published(value: object, *, where: str = "the article") -> dt.date | None:
    """A publication date from what feeds and pages give: a ``date``/``datetime``, an ISO date
    or date-time (``2024-05-01``, ``2024-05-01T09:30:00Z``) or an RFC 2822 date (RSS's
    ``Wed, 01 May 2024 09:30:00 GMT``), a year-first date with slashes or dots (``2024/05/01``)
    or a date written with the month's English name
    (``January 5, 2026``, ``Jan. 5, 2026``, ``5 January 2026``); ``None`` and blank strings give
    ``None``.

    Raises:
        FormatError: a value that is not a date, naming ``where`` and the value.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    if not raw:
        return None
    partial = _YEAR_MONTH.fullmatch(raw)
    if partial:  # "2020" or "2020-05": the first day of that year or month
        return dt.date(int(partial.group(1)), int(partial.group(2) or 1), 1)
    year_first = _YEAR_FIRST.fullmatch(raw)
    if year_first:
        try:
            return dt.date(int(year_first.group(1)), int(year_first.group(3)), int(year_first.group(4)))
        except ValueError:  # "2026/13/05": no such month, said below
            pass
    try:
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError):
        pass
    written = _written_out(raw)
    if written is not None:
        return written
    raise FormatError(f"{where}: published {raw!r} is not a date; write it as YYYY-MM-DD")


def published_or_none(value: object, *, where: str) -> dt.date | None:
    """:func:`parse_published`, for a file's record or a feed's entry: a value that is no date
    (``"yesterday"``) warns (:class:`unspun.errors.InputWarning`, naming ``where`` and the value)
    and gives ``None``, so that the article is read without a date instead of left out; an API
    caller, who can fix the request, is refused instead (422)."""
    try:
        return parse_published(value, where=where)
    except FormatError:
        warnings.warn(
            f"{where}: published {str(value).strip()!r} is not a date, so the article is read without one; "
            "write it as YYYY-MM-DD",
            InputWarning,
            stacklevel=2,
        )
        return None


# A date written out with the month's English name, as pages and scraped dumps give it ("January
# 5, 2026", "Jan. 5, 2026", "5 January 2026", "Monday, January 5, 2026"): an article of a JSONL
# dump had been left out for it. A date in figures alone (05/01/2026) stays refused: day or month?
_WRITTEN_FORMATS = ("%B %d, %Y", "%B %d %Y", "%d %B %Y", "%d %B, %Y")


def _written_out(raw: str) -> dt.date | None:
    words = re.sub(
        r"^(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)[a-z]*\.?,?\s+", "", raw, flags=re.I
    )
    words = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", words)  # "January 5th, 2026"
    words = re.sub(r"\b([A-Za-z]+)\.?(?=\s)", lambda m: _MONTHS.get(m.group(1).lower(), m.group(0)), words)
    for pattern in _WRITTEN_FORMATS:
        try:
            return dt.datetime.strptime(words, pattern).date()
        except ValueError:
            continue
    return None


_MONTHS = {
    name.lower()[:size]: name
    for name in (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )
    for size in (3, len(name))
} | {"sept": "September"}
