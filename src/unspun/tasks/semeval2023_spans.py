"""The span annotations of SemEval-2023 Task 3 (``train-labels-subtask-3-spans/``).

Each language folder's ``<split>/<split>-labels-subtask-3-spans/`` holds one file per article,
``article<ID>-labels-subtask-3.txt``, with lines ``id<TAB>technique<TAB>start<TAB>end``: character
offsets into ``<split>-articles-subtask-3/article<ID>.txt`` read exactly (UTF-8, CR kept), in the
23-technique taxonomy of the task, in its official ids (``Name_Calling-Labeling``). The organisers' scorers do not read these files; the project scores them with the
SemEval-2020 span-identification definition (``../shared/data/SCORING.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from unspun.document import Article
from unspun.errors import FormatError, InputNotFoundError
from unspun.tasks.semeval2023 import FOLDER_TO_ISO, folder_for, read_articles
from unspun.techniques import SEMEVAL23_LABELS


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """One annotated span: ``[start, end)`` in the article's text, and its technique."""

    start: int
    end: int
    technique: str


@dataclass(slots=True)
class SpanArticle:
    """An article with its gold spans (possibly none) and its ISO language."""

    article: Article
    language: str
    spans: list[GoldSpan] = field(default_factory=list)


def read_span_file(path: Path, text_length: int) -> list[GoldSpan]:
    """The spans of one labels file, sorted; raises :class:`FormatError` on a bad line."""
    spans: list[GoldSpan] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            fields = line.rstrip("\r\n").split("\t")
            try:
                _, technique, start, end = fields
                span = GoldSpan(int(start), int(end), technique)
            except ValueError:
                raise FormatError(
                    f"{path}:{number}: expected id, technique, start, end separated by tabs"
                ) from None
            if span.technique not in SEMEVAL23_LABELS:
                raise FormatError(f"{path}:{number}: unknown technique {span.technique!r}")
            if not 0 <= span.start < span.end <= text_length:
                raise FormatError(f"{path}:{number}: span {span.start}-{span.end} lies outside the article")
            spans.append(span)
    return sorted(spans, key=lambda s: (s.start, s.end, s.technique))


def load_span_articles(data_dir: Path, lang: str, *, split: str = "train") -> list[SpanArticle]:
    """Every subtask-3 article of one language with its spans, sorted by id.

    Raises :class:`InputNotFoundError` when the language's folders are missing.
    """
    folder = folder_for(lang)
    base = Path(data_dir) / folder / split
    language = FOLDER_TO_ISO[folder]
    labels = base / f"{split}-labels-subtask-3-spans"
    if not labels.is_dir():
        raise InputNotFoundError(f"span labels folder {labels} does not exist; check the data directory")
    articles = read_articles(base / f"{split}-articles-subtask-3", language=language)
    out: list[SpanArticle] = []
    for article_id, article in sorted(articles.items()):
        path = labels / f"article{article_id}-labels-subtask-3.txt"
        spans = read_span_file(path, len(article.text)) if path.is_file() else []
        out.append(SpanArticle(article=article, language=language, spans=spans))
    return out
