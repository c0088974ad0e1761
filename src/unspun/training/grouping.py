"""Near-duplicate articles kept in one cross-validation fold, and the other leaks between folds.

Random article folds leak: the same story re-published or updated sits on both sides of a fold,
and a model is scored on text it was trained on. Two articles are *near-duplicates* when more than
``threshold`` (0.3) of the shorter article's 8-word shingles (runs of 8 consecutive lower-cased
words) also occur in the other; each connected group of near-duplicates goes into one fold
(:func:`grouped_folds`). :func:`leak_report` checks a split for what is left: near-duplicate
pairs across folds, lines repeated across articles (an outlet's boilerplate) and, given gold
spans, span texts that recur in several folds.

Print the groups of the PTC training articles and of the SemEval-2023 articles::

    python -m unspun.training.grouping [--ptc <shared>/data/ptc/train] [--semeval <shared>/data/semeval2023]
"""

from __future__ import annotations

import argparse
import random
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SHINGLE_WORDS = 8
THRESHOLD = 0.3
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    """Two articles and the share of the shorter one's shingles also found in the other."""

    a: str
    b: str
    share: float


def shingles(text: str, n: int = SHINGLE_WORDS) -> set[int]:
    """The set of ``n``-word shingles of ``text`` (lower-cased ``\\w+`` words), as CRC-32 hashes.

    A text of fewer than ``n`` words has no shingles."""
    words = _WORD.findall(text.lower())
    return {zlib.crc32(" ".join(words[i : i + n]).encode("utf-8")) for i in range(len(words) - n + 1)}


def near_duplicates(
    texts: Mapping[str, str], *, n: int = SHINGLE_WORDS, threshold: float = THRESHOLD
) -> list[NearDuplicate]:
    """Every pair of ``texts`` (id -> text) where more than ``threshold`` of the shorter
    article's ``n``-word shingles (the one with fewer shingles) occur in the other, sorted by
    share, highest first. Articles without shingles pair with nothing."""
    sets = {i: shingles(t, n) for i, t in texts.items()}
    index: dict[int, list[str]] = defaultdict(list)
    for i, s in sets.items():
        for h in s:
            index[h].append(i)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for owners in index.values():
        if len(owners) < 2 or len(owners) > 50:  # a shingle in 50+ articles is boilerplate, not a story
            continue
        for x in range(len(owners)):
            for y in range(x + 1, len(owners)):
                a, b = sorted((owners[x], owners[y]))
                shared[(a, b)] += 1
    pairs = []
    for a, b in shared:  # the exact share, shingles of 50+ articles counted back in
        share = len(sets[a] & sets[b]) / min(len(sets[a]), len(sets[b]))
        if share > threshold:
            pairs.append(NearDuplicate(a, b, round(share, 4)))
    return sorted(pairs, key=lambda p: (-p.share, p.a, p.b))


def duplicate_groups(ids: Iterable[str], pairs: Iterable[NearDuplicate]) -> list[list[str]]:
    """The connected groups (two articles or more) that ``pairs`` link among ``ids``; each
    group sorted, groups sorted by their first member. Pairs naming an unknown id are ignored."""
    parent = {i: i for i in ids}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for p in pairs:
        if p.a in parent and p.b in parent:
            ra, rb = root(p.a), root(p.b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = defaultdict(list)
    for i in parent:
        members[root(i)].append(i)
    groups = [sorted(m, key=_sort_key) for m in members.values() if len(m) > 1]
    return sorted(groups, key=lambda g: _sort_key(g[0]))


def _sort_key(article_id: str) -> tuple[int, int | str]:
    return (0, int(article_id)) if article_id.isdigit() else (1, article_id)


def grouped_folds(
    ids: Sequence[str], k: int, seed: int, groups: Iterable[Sequence[str]] = ()
) -> list[list[str]]:
    """``k`` disjoint folds of ``ids`` with each group of ``groups`` inside one fold.

    The ids are sorted (numerically where they are numbers), shuffled with ``seed`` and dealt in
    that order: when an id comes up, it and the rest of its group go to the fold with the fewest
    articles so far (the lowest index on a tie). Without groups this is the round-robin deal of
    :func:`unspun.tasks.ptc.make_folds`, fold for fold. Each fold is returned sorted.
    Raises :class:`ValueError` if ``k`` < 1.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    order = sorted(ids, key=_sort_key)
    random.Random(seed).shuffle(order)
    present = set(order)
    group_of: dict[str, list[str]] = {}
    for g in groups:
        members = [i for i in g if i in present]
        for i in members:
            group_of[i] = members
    folds: list[list[str]] = [[] for _ in range(k)]
    placed: set[str] = set()
    for i in order:
        if i in placed:
            continue
        members = group_of.get(i, [i])
        target = min(range(k), key=lambda j: (len(folds[j]), j))
        folds[target].extend(members)
        placed.update(members)
    return [sorted(f, key=_sort_key) for f in folds]


def fold_map(folds: Sequence[Sequence[str]]) -> dict[str, int]:
    """``{id: fold index}`` of a split."""
    return {i: k for k, fold in enumerate(folds) for i in fold}


def repeated_lines(
    texts: Mapping[str, str], *, min_words: int = 5, min_articles: int = 3
) -> dict[str, list[str]]:
    """Lines (whitespace-normalised, lower-cased) of at least ``min_words`` words that occur in
    ``min_articles`` articles or more: an outlet's boilerplate ("Follow us on ..."), a byline
    template. ``{line: sorted ids}``, most widespread first."""
    owners: dict[str, set[str]] = defaultdict(set)
    for i, text in texts.items():
        for line in text.splitlines():
            norm = " ".join(line.lower().split())
            if len(norm.split()) >= min_words:
                owners[norm].add(i)
    found = {line: sorted(ids, key=_sort_key) for line, ids in owners.items() if len(ids) >= min_articles}
    return dict(sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def leak_report(
    folds: Sequence[Sequence[str]],
    texts: Mapping[str, str],
    *,
    spans: Mapping[str, Sequence[str]] | None = None,
    pairs: Sequence[NearDuplicate] | None = None,
    min_span_words: int = 4,
) -> dict[str, Any]:
    """What still crosses the folds of a split of ``texts``.

    - ``near_duplicate_pairs`` / ``pairs_across_folds``: near-duplicates (``pairs``, or found
      here), and those whose articles lie in different folds (0 for :func:`grouped_folds`);
    - ``boilerplate_lines`` / ``boilerplate_lines_across_folds``: :func:`repeated_lines`, and
      those found in more than one fold, with the most widespread few as ``boilerplate_examples``;
    - with ``spans`` (id -> gold span texts): ``repeated_span_texts`` (texts of ``min_span_words``
      words or more, lower-cased, in two articles or more) and ``span_texts_across_folds``.
    """
    where = fold_map(folds)
    found = list(pairs) if pairs is not None else near_duplicates(texts)
    across = [p for p in found if where.get(p.a) != where.get(p.b)]
    lines = repeated_lines(texts)
    lines_across = {line: ids for line, ids in lines.items() if len({where.get(i) for i in ids}) > 1}
    report: dict[str, Any] = {
        "articles": len(texts),
        "near_duplicate_pairs": len(found),
        "pairs_across_folds": len(across),
        "boilerplate_lines": len(lines),
        "boilerplate_lines_across_folds": len(lines_across),
        "boilerplate_examples": [
            {"line": line[:100], "articles": len(ids)} for line, ids in list(lines_across.items())[:5]
        ],
    }
    if spans is not None:
        owners: dict[str, set[str]] = defaultdict(set)
        for i, items in spans.items():
            for s in items:
                norm = " ".join(s.lower().split())
                if len(norm.split()) >= min_span_words:
                    owners[norm].add(i)
        repeated = {s: ids for s, ids in owners.items() if len(ids) > 1}
        report["repeated_span_texts"] = len(repeated)
        report["span_texts_across_folds"] = sum(
            1 for ids in repeated.values() if len({where.get(i) for i in ids}) > 1
        )
        report["span_examples"] = [
            s[:80] for s, ids in sorted(repeated.items(), key=lambda kv: -len(kv[1]))[:5]
        ]
    return report


def ptc_groups(data_dir: Path) -> tuple[dict[str, str], list[NearDuplicate], list[list[str]]]:
    """The texts (id -> text), near-duplicate pairs and groups of a PTC folder's articles.
    Raises ``InputNotFoundError`` for a missing folder."""
    from unspun.tasks.ptc import list_article_ids, read_article_text

    texts = {i: read_article_text(Path(data_dir), i) for i in list_article_ids(Path(data_dir))}
    pairs = near_duplicates(texts)
    return texts, pairs, duplicate_groups(texts, pairs)


def ptc_grouped_folds(data_dir: Path, k: int, seed: int) -> list[list[str]]:
    """The grouped folds of a PTC folder (:func:`grouped_folds` over :func:`ptc_groups`)."""
    texts, _, groups = ptc_groups(data_dir)
    return grouped_folds(list(texts), k, seed, groups)


def _print_groups(name: str, texts: Mapping[str, str], pairs: Sequence[NearDuplicate]) -> None:
    groups = duplicate_groups(texts, pairs)
    sizes = sorted((len(g) for g in groups), reverse=True)
    print(
        f"{name}: {len(texts)} articles, {len(pairs)} near-duplicate pairs, {len(groups)} groups "
        f"({sum(sizes)} articles; sizes {sizes})"
    )
    for p in pairs[:40]:
        print(f"  {p.a} ~ {p.b}  share {p.share:.2f}")
    if len(pairs) > 40:
        print(f"  ... {len(pairs) - 40} more")


def main(argv: Sequence[str] | None = None) -> None:
    from unspun.paths import shared_data_dir

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ptc", type=Path, default=shared_data_dir() / "ptc" / "train")
    parser.add_argument("--semeval", type=Path, default=shared_data_dir() / "semeval2023")
    parser.add_argument("--folds", type=int, default=3, help="PTC folds to check for leaks")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    if args.ptc.is_dir():
        from unspun.tasks.ptc import list_article_ids, make_folds

        texts, pairs, groups = ptc_groups(args.ptc)
        _print_groups("PTC train", texts, pairs)
        for label, folds in (
            ("random folds", make_folds(list_article_ids(args.ptc), args.folds, args.seed)),
            ("grouped folds", grouped_folds(list(texts), args.folds, args.seed, groups)),
        ):
            print(f"  {label}: {leak_report(folds, texts, pairs=pairs)}")
    if args.semeval.is_dir():
        from unspun.tasks.semeval2023 import FOLDER_TO_ISO, folder_for, load_subtask

        every: dict[str, str] = {}
        for lang in ("en", "fr", "ge", "it", "po", "ru"):
            iso = FOLDER_TO_ISO[folder_for(lang)]
            for subtask in (1, 2, 3):
                for item in load_subtask(args.semeval, lang, subtask):
                    every[f"{iso}/{item.article.id}"] = item.article.text
        pairs = near_duplicates(every)
        _print_groups("SemEval-2023 train (all languages)", every, pairs)
        lines = repeated_lines(every)
        print(f"  lines repeated in 3+ articles: {len(lines)}")
        for line, ids in list(lines.items())[:8]:
            print(f"    {len(ids)} articles: {line[:90]}")


if __name__ == "__main__":
    main()


def fold_keys(fold: Any, **named: Any) -> list[Any]:
    """The sorted fold keys of ``fold`` (one per row), after checking that every array in
    ``named`` has as many rows. Raises ``ValueError`` for rows that differ or fewer than 2 folds."""
    import numpy as np

    rows = len(fold)
    if any(len(v) != rows for v in named.values()):
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in named.items())
        raise ValueError(f"{shapes} and fold {np.shape(fold)} differ in rows")
    keys = sorted(set(np.asarray(fold).tolist()))
    if len(keys) < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    return keys
