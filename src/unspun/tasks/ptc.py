"""Read the Propaganda Techniques Corpus (PTC v2, SemEval-2020 Task 11) into :class:`Article` objects.

A PTC folder holds ``articles/article<ID>.txt`` and the label files ``labels-tc.tsv``
(``id<TAB>technique<TAB>start<TAB>end``) and, optionally, ``labels-si.tsv`` (``id<TAB>start<TAB>end``).
Articles are read with ``newline=""`` and without ``utf-8-sig`` so that offsets count a leading BOM
exactly as the official offsets do. Gold spans land on the ``"technique"`` layer, one :class:`Span`
per label line (a span with two techniques appears twice). The official SI and TC lines are
written here and nowhere else (:func:`si_line`, :func:`tc_line`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from unspun.document import TECHNIQUE_LAYER, Article, Span
from unspun.errors import FormatError, InputNotFoundError
from unspun.techniques import PTC14_LABELS

_ARTICLE_NAME = re.compile(r"^article(?P<id>\d+)\.txt$")


def list_article_ids(folder: Path) -> list[str]:
    """Sorted article ids found in ``folder/articles`` (numeric order).

    Raises :class:`InputNotFoundError` if the folder has no ``articles`` sub-folder.
    """
    articles_dir = Path(folder) / "articles"
    if not articles_dir.is_dir():
        raise InputNotFoundError(
            f"no 'articles' folder in {folder}; point to a PTC split such as data/ptc/train"
        )
    ids = [m["id"] for p in articles_dir.iterdir() if (m := _ARTICLE_NAME.match(p.name))]
    return sorted(ids, key=int)


def make_folds(ids: Sequence[str], k: int, seed: int) -> list[list[str]]:
    """``k`` disjoint folds of ``ids`` (sorted numerically, shuffled with ``seed``, dealt round-robin).

    The cross-validation folds of ``benchmarks/ptc.py``: the same ids, ``k`` and ``seed`` give
    the same folds on every run.
    """
    order = sorted(ids, key=int)
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k], key=int) for i in range(k)]


def read_article_text(folder: Path, article_id: str) -> str:
    """The exact text of ``article<ID>.txt`` (BOM and line endings kept)."""
    path = Path(folder) / "articles" / f"article{article_id}.txt"
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError as exc:
        raise InputNotFoundError(f"PTC article {path} is missing; check the article id") from exc


def read_tc_labels(path: Path) -> list[tuple[str, str, int, int]]:
    """Parse a TC label file into ``(id, technique, start, end)`` tuples, in file order.

    Raises :class:`FormatError` naming the line when a line is malformed or a technique unknown.
    """
    rows: list[tuple[str, str, int, int]] = []
    known = set(PTC14_LABELS)
    for number, line in enumerate(_lines(path), start=1):
        fields = line.split("\t")
        if len(fields) != 4:
            raise FormatError(f"{path}:{number}: expected 4 TAB-separated fields, got {len(fields)}")
        article_id, technique, start, end = fields
        if technique not in known:
            raise FormatError(f"{path}:{number}: unknown technique {technique!r}; use a PTC-14 label")
        rows.append((article_id, technique, *_offsets(path, number, start, end)))
    return rows


def read_si_labels(path: Path) -> list[tuple[str, int, int]]:
    """Parse an SI label file into ``(id, start, end)`` tuples, in file order."""
    rows: list[tuple[str, int, int]] = []
    for number, line in enumerate(_lines(path), start=1):
        fields = line.split("\t")
        if len(fields) != 3:
            raise FormatError(f"{path}:{number}: expected 3 TAB-separated fields, got {len(fields)}")
        rows.append((fields[0], *_offsets(path, number, fields[1], fields[2])))
    return rows


def read_ptc(folder: Path, *, ids: Sequence[str] | None = None) -> list[Article]:
    """Read a PTC split into articles carrying their gold technique spans.

    ``ids`` restricts (and orders) the articles; by default all articles, in numeric id order.
    Articles without a label line get an empty ``"technique"`` layer. Raises
    :class:`InputNotFoundError` for a missing folder or article and :class:`FormatError` for a bad
    label file or a span outside its article.
    """
    folder = Path(folder)
    wanted = list(ids) if ids is not None else list_article_ids(folder)
    labels_path = folder / "labels-tc.tsv"
    by_id: dict[str, list[Span]] = {i: [] for i in wanted}
    if labels_path.exists():
        for article_id, technique, start, end in read_tc_labels(labels_path):
            if article_id in by_id:
                by_id[article_id].append(Span(start, end, technique))
    articles = []
    for article_id in wanted:
        text = read_article_text(folder, article_id)
        article = Article(id=article_id, text=text, source_path=str(folder / "articles"))
        try:
            article.set_layer(TECHNIQUE_LAYER, by_id[article_id])
        except ValueError as exc:
            raise FormatError(
                f"{labels_path}: article {article_id}: {exc}; is this the right folder?"
            ) from exc
        articles.append(article)
    return articles


def si_gold(articles: Iterable[Article]) -> list[tuple[str, int, int]]:
    """SI gold tuples ``(id, start, end)``: one per distinct span of the technique layer."""
    out: list[tuple[str, int, int]] = []
    for article in articles:
        seen = sorted({(s.start, s.end) for s in article.spans.get(TECHNIQUE_LAYER, [])})
        out.extend((article.id, start, end) for start, end in seen)
    return out


def tc_gold(articles: Iterable[Article]) -> list[tuple[str, str, int, int]]:
    """TC gold tuples ``(id, technique, start, end)``, sorted by position within each article."""
    return [
        (article.id, s.label, s.start, s.end) for article in articles for s in article.layer(TECHNIQUE_LAYER)
    ]


def _lines(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return [line.rstrip("\r\n") for line in handle if line.strip()]
    except FileNotFoundError as exc:
        raise InputNotFoundError(f"label file {path} is missing; check the PTC folder") from exc


def _offsets(path: Path, number: int, start: str, end: str) -> tuple[int, int]:
    try:
        a, b = int(start), int(end)
    except ValueError as exc:
        raise FormatError(f"{path}:{number}: offsets must be integers, got {start!r} {end!r}") from exc
    if a < 0 or b <= a:
        raise FormatError(f"{path}:{number}: need 0 <= start < end, got {a} {b}")
    return a, b


SIRow = tuple[str, int, int]
TCRow = tuple[str, str, int, int]


def si_line(row: SIRow) -> str:
    """The official SI line of a span: ``id<TAB>start<TAB>end``."""
    article_id, start, end = row
    return f"{article_id}\t{start}\t{end}"


def tc_line(row: TCRow) -> str:
    """The official TC line of a labelled span: ``id<TAB>technique<TAB>start<TAB>end``."""
    article_id, technique, start, end = row
    return f"{article_id}\t{technique}\t{start}\t{end}"
