"""Plain text to an :class:`Article`: the title rule and article ids from file names.

The text is kept exactly as given (a UTF-8 BOM stays as character 0), because every span
offset counts code points of the original text.
"""

from __future__ import annotations

import re
from pathlib import Path

from unspun.document import Article
from unspun.errors import EmptyInputError
from unspun.input_bytes import BOM

_PTC_NAME = re.compile(r"article(\d+)\.txt")


def read_text(text: str, *, id: str = "text", source_path: str | Path | None = None) -> Article:
    """An :class:`Article` whose text is ``text``, unchanged.

    Title rule: the first line is the title when the second line is blank; the title is
    that line stripped, while ``Article.text`` still starts with it (offsets count it).

    Raises:
        EmptyInputError: ``text`` is empty or only whitespace.
    """
    if not text.replace(BOM, "").strip():
        where = f"{source_path}" if source_path is not None else f"input {id!r}"
        raise EmptyInputError(f"{where} is empty or only whitespace; give it some article text")
    lines = text.split("\n", 2)
    title = None
    if len(lines) >= 2 and lines[0].replace(BOM, "").strip() and not lines[1].strip():
        title = lines[0].replace(BOM, "").strip()
    return Article(
        id=id, text=text, title=title, source_path=str(source_path) if source_path is not None else None
    )


def article_id(path: Path) -> str:
    """``"111111111"`` for ``article111111111.txt`` (PTC layout), else the file stem."""
    match = _PTC_NAME.fullmatch(Path(path).name)
    return match.group(1) if match else Path(path).stem
