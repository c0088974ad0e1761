"""Official-format prediction files that need more than one model call.

The SemEval-2020 TC task gives a template of spans (``id<TAB>?<TAB>start<TAB>end``);
a span annotated with k techniques appears k times. :func:`fill_tc_template` keeps
the template's line order and gives identical spans k distinct techniques, best first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from unspun.errors import FormatError, InputNotFoundError
from unspun.tasks.ptc import tc_line

Classifier = Callable[[str, Sequence[tuple[int, int]]], list[list[tuple[str, float]]]]


def read_tc_template(path: Path) -> list[tuple[str, int, int]]:
    """Parse a TC template into ``(article_id, start, end)`` rows, in file order."""
    if not path.is_file():
        raise InputNotFoundError(f"TC template {path} does not exist; pass the template with --spans")
    rows: list[tuple[str, int, int]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.rstrip("\r\n").split("\t")
        try:
            article_id, _, start, end = fields
            row = (article_id, int(start), int(end))
        except ValueError:
            raise FormatError(
                f"{path}:{number}: expected 'id<TAB>?<TAB>start<TAB>end', got {line[:80]!r}"
            ) from None
        if not 0 <= row[1] < row[2]:
            raise FormatError(f"{path}:{number}: span [{row[1]}, {row[2]}) is empty or negative")
        rows.append(row)
    return rows


def fill_tc_template(template: Path, texts: Mapping[str, str], classify: Classifier) -> list[str]:
    """Technique-labelled template lines (``id<TAB>technique<TAB>start<TAB>end``) in template order.

    ``texts`` maps article ids to their text; ``classify(text, spans)`` returns the
    ranked ``(technique, score)`` list of each span. Raises :class:`FormatError` when
    the template names an article that is not in ``texts`` or a span outside its text.
    """
    rows = read_tc_template(template)
    by_article: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for article_id, start, end in rows:
        if article_id not in texts:
            raise FormatError(f"the template names article {article_id}, which is not in the article folder")
        if end > len(texts[article_id]):
            raise FormatError(f"span [{start}, {end}) lies outside article {article_id}")
        if (start, end) not in by_article[article_id]:
            by_article[article_id].append((start, end))
    ranked: dict[tuple[str, int, int], list[str]] = {}
    for article_id, spans in by_article.items():
        for span, labels in zip(spans, classify(texts[article_id], spans), strict=True):
            ranked[(article_id, *span)] = [label for label, _ in labels]
    used: dict[tuple[str, int, int], int] = defaultdict(int)
    lines = []
    for row in rows:
        choices = ranked[row]
        label = choices[min(used[row], len(choices) - 1)]
        used[row] += 1
        lines.append(tc_line((row[0], label, row[1], row[2])))
    return lines
