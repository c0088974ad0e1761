"""SemEval-2025 Task 10 subtask 1 (entity framing) files and taxonomy.

* articles: ``<article_id>.txt`` in a folder (``raw-documents/``); offsets count code points of the
  text as read (``newline=""``: the CRLF line ends count two characters);
* mentions: ``article_id<TAB>mention<TAB>start<TAB>end``, ``end`` *inclusive* (the mention is
  ``text[start:end + 1]``);
* annotations / predictions: the mention fields, then ``main_role<TAB>fine_role[<TAB>fine_role...]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from unspun.errors import FormatError, InputNotFoundError

FINE_ROLES: dict[str, tuple[str, ...]] = {
    "Protagonist": ("Guardian", "Martyr", "Peacemaker", "Rebel", "Underdog", "Virtuous"),
    "Antagonist": (
        "Instigator",
        "Conspirator",
        "Tyrant",
        "Foreign Adversary",
        "Traitor",
        "Spy",
        "Saboteur",
        "Corrupt",
        "Incompetent",
        "Terrorist",
        "Deceiver",
        "Bigot",
    ),
    "Innocent": ("Forgotten", "Exploited", "Victim", "Scapegoat"),
}
MAIN_ROLES: tuple[str, ...] = tuple(FINE_ROLES)
ALL_FINE_ROLES: tuple[str, ...] = tuple(role for roles in FINE_ROLES.values() for role in roles)
MAIN_OF: dict[str, str] = {role: main for main, roles in FINE_ROLES.items() for role in roles}


@dataclass(frozen=True, slots=True)
class RoleMention:
    """One entity mention: its article, its text and inclusive ``start``/``end``, and (in gold or
    predictions) its main role and fine-grained roles; ``where`` it was read (``file, line N``),
    for messages."""

    article_id: str
    mention: str
    start: int
    end: int
    main_role: str | None = None
    fine_roles: tuple[str, ...] = field(default_factory=tuple)
    where: str = field(default="", compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str, int, int]:
        """What the official scorer pairs gold and predictions by."""
        return (self.article_id, self.mention, self.start, self.end)


def _lines(path: Path) -> list[tuple[int, str]]:
    """The lines with text, each with its number in the file (blank lines counted, not kept)."""
    if not path.is_file():
        raise InputNotFoundError(f"file {path} does not exist; check the path and try again")
    with open(path, encoding="utf-8-sig") as handle:
        return [(number, line.rstrip("\r\n")) for number, line in enumerate(handle, start=1) if line.strip()]


def _mention(fields: Sequence[str], where: str) -> RoleMention:
    try:
        start, end = int(fields[2]), int(fields[3])
    except ValueError:
        raise FormatError(
            f"{where}: start and end must be integers, got {fields[2]!r}, {fields[3]!r}"
        ) from None
    if start < 0 or end < start:
        raise FormatError(f"{where}: bad offsets {start}-{end}")
    return RoleMention(fields[0].strip(), fields[1], start, end, where=where)


def read_mentions(path: str | Path) -> list[RoleMention]:
    """Read a mentions file (``article_id<TAB>mention<TAB>start<TAB>end``; extra role fields ignored).

    Raises InputNotFoundError and FormatError (file and line).
    """
    path = Path(path)
    out = []
    for number, line in _lines(path):
        fields = line.split("\t")
        if len(fields) < 4:
            raise FormatError(f"{path}, line {number}: expected 'article_id<TAB>mention<TAB>start<TAB>end'")
        out.append(_mention(fields, f"{path}, line {number}"))
    return out


def check_roles(main_role: str, fine_roles: Sequence[str], where: str) -> None:
    """Raise FormatError unless ``main_role`` is a main role and every fine role belongs to it."""
    if main_role not in FINE_ROLES:
        raise FormatError(f"{where}: unknown main role {main_role!r}; use one of {', '.join(MAIN_ROLES)}")
    if not fine_roles:
        raise FormatError(f"{where}: at least one fine-grained role is needed")
    for role in fine_roles:
        if role not in FINE_ROLES[main_role]:
            raise FormatError(
                f"{where}: {role!r} is not a fine-grained role of {main_role} "
                f"({', '.join(FINE_ROLES[main_role])})"
            )


def read_roles(path: str | Path) -> list[RoleMention]:
    """Read an annotations or predictions file (mention fields, main role, fine roles).

    Raises InputNotFoundError and FormatError (file and line) for a short line, an unknown role
    or a fine role of another main role.
    """
    path = Path(path)
    out = []
    for number, line in _lines(path):
        fields = [f.strip() if i >= 4 else f for i, f in enumerate(line.split("\t"))]
        where = f"{path}, line {number}"
        if len(fields) < 6:
            raise FormatError(
                f"{where}: expected 'article_id<TAB>mention<TAB>start<TAB>end<TAB>main_role<TAB>fine_role...'"
            )
        base = _mention(fields, where)
        fine = tuple(dict.fromkeys(f for f in fields[5:] if f))
        check_roles(fields[4], fine, where)
        out.append(RoleMention(base.article_id, base.mention, base.start, base.end, fields[4], fine, where))
    return out


def read_documents(folder: str | Path, ids: Iterable[str] | None = None) -> dict[str, str]:
    """``{article_id: text}`` of the ``.txt`` files of ``folder`` (only ``ids`` if given), read with
    ``newline=""`` so that offsets match. Raises InputNotFoundError for a missing folder or article."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputNotFoundError(f"folder {folder} does not exist; give the folder of the raw documents")
    names = sorted(set(ids)) if ids is not None else sorted(p.name for p in folder.glob("*.txt"))
    texts = {}
    for name in names:
        path = folder / name
        if not path.is_file():
            raise InputNotFoundError(
                f"article {name} is not in {folder}; check the mentions file and the folder"
            )
        with open(path, encoding="utf-8", newline="") as handle:
            texts[name] = handle.read()
    return texts


def offset_mismatches(mentions: Iterable[RoleMention], texts: Mapping[str, str]) -> list[str]:
    """A warning for each mention whose offsets do not cover its text in its article (``texts``
    as :func:`read_documents` reads them): where it was read, the mention and what the offsets
    cover. Such a mention is a warning, not an error: the official files hold a few (offsets one
    or two characters off) and the official scorer pairs mentions by those very offsets.

    Raises FormatError for a mention that ends past its article's end (nothing to classify),
    InputNotFoundError for one whose article is not in ``texts``.
    """
    warnings = []
    for m in mentions:
        where = m.where or m.article_id
        text = texts.get(m.article_id)
        if text is None:
            raise InputNotFoundError(
                f"{where}: article {m.article_id} is not among the {len(texts)} articles read; "
                "read its text with read_documents (the folder of the raw documents)"
            )
        if m.end >= len(text):
            raise FormatError(
                f"{where}: the offsets {m.start}-{m.end} of {m.mention!r} end past {m.article_id} "
                f"({len(text)} characters); the offsets count characters from 0, the end included "
                "(CRLF line ends count two): fix them"
            )
        covered = text[m.start : m.end + 1]
        if covered != m.mention:
            warnings.append(
                f"{where}: the offsets {m.start}-{m.end} of {m.mention!r} cover {covered!r} in "
                f"{m.article_id}, not the mention, and its role is predicted for what they cover; "
                "the offsets count characters from 0, the end included (CRLF line ends count two): "
                "fix them or the mention"
            )
    return warnings


def role_lines(mentions: Iterable[RoleMention]) -> list[str]:
    """The official output lines of ``mentions`` (each must carry its roles)."""
    lines = []
    for m in mentions:
        if m.main_role is None or not m.fine_roles:
            raise FormatError(f"mention {m.mention!r} of {m.article_id} has no roles to write")
        lines.append(
            "\t".join([m.article_id, m.mention, str(m.start), str(m.end), m.main_role, *m.fine_roles])
        )
    return lines
