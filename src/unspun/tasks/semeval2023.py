"""Readers for the SemEval-2023 Task 3 data (subtasks 1-3), one language folder at a time.

Layout (see the data's SOURCES.md): ``<data_dir>/<folder>/<split>/`` with ``folder`` in
``en fr ge it po ru`` (German and Polish are ``ge`` / ``po``), holding
``<split>-articles-subtask-{1,2,3}/article<ID>.txt``, ``<split>-labels-subtask-1.txt``
(``id<TAB>genre``), ``<split>-labels-subtask-2.txt`` (``id<TAB>frame,frame``),
``<split>-labels-subtask-3.txt`` (``id<TAB>paragraph_no<TAB>tech,tech``) and per-article
templates in ``<split>-labels-subtask-3/article<ID>-labels-subtask-3.txt.template``.

Articles are read with ``newline=""`` so that CR characters are kept and every offset
and paragraph number matches the organisers'. The submission lines of the three subtasks are
written here and nowhere else (:func:`genre_line`, :func:`frames_line`, :func:`paragraph_line`
and the ``write_*`` functions over them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from unspun.document import Article
from unspun.errors import FormatError, InputNotFoundError

FOLDERS: tuple[str, ...] = ("en", "fr", "ge", "it", "po", "ru")
FOLDER_TO_ISO: dict[str, str] = {"en": "en", "fr": "fr", "ge": "de", "it": "it", "po": "pl", "ru": "ru"}
ISO_TO_FOLDER: dict[str, str] = {iso: folder for folder, iso in FOLDER_TO_ISO.items()}
GENRES: tuple[str, ...] = ("opinion", "reporting", "satire")

ParagraphKey = tuple[str, int]


@dataclass(slots=True)
class LabelledArticle:
    """One training article with whatever labels its subtask provides."""

    article: Article
    genre: str | None = None
    frames: list[str] = field(default_factory=list)
    paragraphs: dict[int, list[str]] = field(default_factory=dict)


def folder_for(lang: str) -> str:
    """The data folder of a language given as ISO 639-1 (``de``) or folder name (``ge``)."""
    if lang in FOLDER_TO_ISO:
        return lang
    if lang in ISO_TO_FOLDER:
        return ISO_TO_FOLDER[lang]
    raise FormatError(f"unknown SemEval-2023 language {lang!r}; use one of {', '.join(FOLDERS)}")


def read_article(path: Path, *, language: str | None = None) -> Article:
    """Read ``article<ID>.txt`` exactly (UTF-8, CR kept); the title is its first non-blank line."""
    if not path.is_file():
        raise InputNotFoundError(f"article file {path} does not exist; check the data directory")
    with open(path, encoding="utf-8", newline="") as handle:
        text = handle.read()
    article_id = path.stem.removeprefix("article")
    title = next((line.strip() for line in text.split("\n") if line.strip()), None)
    return Article(id=article_id, text=text, title=title, language=language, source_path=str(path))


def read_articles(folder: Path, *, language: str | None = None) -> dict[str, Article]:
    """All ``article*.txt`` files of a folder, keyed by ID, in sorted file-name order."""
    if not folder.is_dir():
        raise InputNotFoundError(f"article folder {folder} does not exist; check the data directory")
    articles = (read_article(p, language=language) for p in sorted(folder.glob("article*.txt")))
    return {a.id: a for a in articles}


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise InputNotFoundError(f"label file {path} does not exist; check the data directory")
    with open(path, encoding="utf-8", newline="") as handle:
        return [line.rstrip("\r\n") for line in handle.read().split("\n") if line.strip()]


def read_genre_labels(path: Path) -> dict[str, str]:
    """Subtask 1 labels ``id<TAB>genre`` -> ``{id: genre}`` (a repeated ID keeps the last)."""
    labels: dict[str, str] = {}
    for number, line in enumerate(_lines(path), start=1):
        fields = line.rstrip().split("\t")
        if len(fields) != 2 or fields[1] not in GENRES:
            raise FormatError(f"{path}:{number}: expected 'id<TAB>genre' with a genre in {GENRES}")
        labels[fields[0]] = fields[1]
    return labels


def read_frame_labels(path: Path) -> dict[str, list[str]]:
    """Subtask 2 labels ``id<TAB>frame,frame`` -> ``{id: [frames]}`` (an empty list is allowed)."""
    labels: dict[str, list[str]] = {}
    for number, line in enumerate(_lines(path), start=1):
        article_id, tab, rest = line.partition("\t")
        if not tab:
            raise FormatError(f"{path}:{number}: expected 'id<TAB>frame,frame,...'")
        labels[article_id] = [f for f in rest.strip().split(",") if f]
    return labels


def read_paragraph_labels(path: Path) -> dict[ParagraphKey, list[str]]:
    """Subtask 3 labels ``id<TAB>p<TAB>tech,tech`` -> ``{(id, p): [techniques]}``, in file order."""
    labels: dict[ParagraphKey, list[str]] = {}
    for number, line in enumerate(_lines(path), start=1):
        fields = line.rstrip().split("\t")
        if len(fields) not in (2, 3) or not fields[1].isdigit():
            raise FormatError(f"{path}:{number}: expected 'id<TAB>paragraph_no<TAB>tech,tech,...'")
        techniques = [t for t in fields[2].split(",") if t] if len(fields) == 3 else []
        labels[(fields[0], int(fields[1]))] = techniques
    return labels


def read_template(path: Path) -> list[ParagraphKey]:
    """The ``(id, paragraph_no)`` keys of a subtask-3 ``.template`` file, in file order.

    Read one article's template: the organisers' concatenated non-English templates glue
    some lines together.
    """
    keys: list[ParagraphKey] = []
    for number, line in enumerate(_lines(path), start=1):
        fields = line.split("\t", 2)
        if len(fields) < 2 or not fields[1].isdigit():
            raise FormatError(f"{path}:{number}: expected 'id<TAB>paragraph_no<TAB>text' template lines")
        keys.append((fields[0], int(fields[1])))
    return keys


def read_article_templates(folder: Path) -> dict[str, list[int]]:
    """Per-article templates of a ``<split>-labels-subtask-3/`` folder -> ``{id: [paragraph_no]}``."""
    if not folder.is_dir():
        raise InputNotFoundError(f"template folder {folder} does not exist; check the data directory")
    templates: dict[str, list[int]] = {}
    for path in sorted(folder.glob("*.template")):
        for article_id, paragraph in read_template(path):
            templates.setdefault(article_id, []).append(paragraph)
    return templates


def load_subtask(data_dir: Path, lang: str, subtask: int, *, split: str = "train") -> list[LabelledArticle]:
    """Articles of one language and subtask with their gold labels, sorted by ID.

    ``subtask`` 1 fills ``genre``, 2 fills ``frames``, 3 fills ``paragraphs``
    (``{paragraph_no: [techniques]}``, exactly the gold keys). Articles without a label
    line are skipped. Raises :class:`InputNotFoundError` or :class:`FormatError`.
    """
    folder = folder_for(lang)
    base = Path(data_dir) / folder / split
    language = FOLDER_TO_ISO[folder]
    articles = read_articles(base / f"{split}-articles-subtask-{subtask}", language=language)
    labels_path = base / f"{split}-labels-subtask-{subtask}.txt"
    out: list[LabelledArticle] = []
    if subtask == 1:
        genres = read_genre_labels(labels_path)
        out = [LabelledArticle(a, genre=genres[i]) for i, a in articles.items() if i in genres]
    elif subtask == 2:
        frames = read_frame_labels(labels_path)
        out = [LabelledArticle(a, frames=frames[i]) for i, a in articles.items() if i in frames]
    elif subtask == 3:
        by_article: dict[str, dict[int, list[str]]] = {}
        for (article_id, paragraph), techniques in read_paragraph_labels(labels_path).items():
            by_article.setdefault(article_id, {})[paragraph] = techniques
        out = [LabelledArticle(a, paragraphs=by_article[i]) for i, a in articles.items() if i in by_article]
    else:
        raise FormatError(f"unknown subtask {subtask}; SemEval-2023 Task 3 has subtasks 1, 2 and 3")
    return sorted(out, key=lambda item: item.article.id)


GenreRow = tuple[str, str]
FramesRow = tuple[str, list[str]]
ParagraphRow = tuple[str, int, list[str]]


def genre_line(row: GenreRow) -> str:
    """The official subtask-1 line of a row: ``id<TAB>genre``."""
    article_id, genre = row
    return f"{article_id}\t{genre}"


def frames_line(row: FramesRow) -> str:
    """The official subtask-2 line of a row: ``id<TAB>frame,frame`` (``id<TAB>`` when empty)."""
    article_id, frames = row
    return f"{article_id}\t{','.join(frames)}"


def paragraph_line(row: ParagraphRow) -> str:
    """The official subtask-3 line of a row: ``id<TAB>paragraph_no<TAB>tech,tech`` (the third
    field may be empty)."""
    article_id, paragraph, techniques = row
    return f"{article_id}\t{paragraph}\t{','.join(techniques)}"


def write_genre(rows: Iterable[GenreRow], out: TextIO) -> None:
    """Official subtask-1 lines (:func:`genre_line`), each newline-ended."""
    out.writelines(genre_line(row) + "\n" for row in rows)


def write_frames(rows: Iterable[FramesRow], out: TextIO) -> None:
    """Official subtask-2 lines (:func:`frames_line`), each newline-ended."""
    out.writelines(frames_line(row) + "\n" for row in rows)


def write_paragraphs(rows: Iterable[ParagraphRow], out: TextIO) -> None:
    """Official subtask-3 lines (:func:`paragraph_line`), each newline-ended."""
    out.writelines(paragraph_line(row) + "\n" for row in rows)
