"""How far apart two pieces of one technique span may be and still be joined as one phrase.

Reads the out-of-fold spans of the PTC training articles (each through the fold model of the
grouped span cross-validation that did not train on it; ``benchmarks/ptc.py`` makes them) and, for
each gap (-1: never joined, 0: across punctuation only, 1, 2, 3 words), applies
:func:`unspun.models.phrases.whole_phrases` with that ``max_gap_words`` and prints SI F1 (per fold
and their mean), the share of spans ending on a function word, the number of spans, and for the
pieces joined across exactly that many words how many lie in one gold span, touch gold on one
piece only, or touch no gold at all. Writes ``reports/phrase-join.json``.

    python benchmarks/phrase_join.py
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from unspun.document import Span
from unspun.models.letters import WORD
from unspun.models.phrases import boundary_figures, whole_phrases
from unspun.paths import shared_data_dir
from unspun.tasks.ptc import read_ptc, si_gold
from unspun.tasks.ptc_scorer import score_si_rows
from unspun.training.folds import plan_folds
from unspun.training.out_of_fold import out_of_fold_spans

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "src" / "unspun" / "configs" / "ptc-minilm.toml"
GAPS = (-1, 0, 1, 2, 3)


def joins(text: str, apart: list[Span], joined: list[Span], gold: list[Span], gap: int) -> list[str]:
    """Per pair of pieces of ``apart`` that ``joined`` holds as one span and that lie exactly ``gap``
    words apart: ``"one"`` (one gold span overlaps both), ``"part"`` (gold overlaps one piece
    only) or ``"none"``."""
    out = []
    for span in joined:
        pieces = [p for p in apart if p.label == span.label and span.start <= p.start and p.end <= span.end]
        for a, b in zip(pieces, pieces[1:], strict=False):
            if len(WORD.findall(text[a.end : b.start])) != gap:
                continue
            over = [any(g.start < p.end and g.end > p.start for p in (a, b)) for g in gold]
            both = [g.start < a.end and g.end > a.start and g.start < b.end and g.end > b.start for g in gold]
            out.append("one" if any(both) else "part" if any(over) else "none")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "phrase-join.json")
    args = parser.parse_args()
    ptc_dir = (args.data or shared_data_dir()) / "ptc" / "train"
    plan = plan_folds(CONFIG, ptc_dir)
    articles = {a.id: a for a in read_ptc(ptc_dir)}
    found = out_of_fold_spans(plan, {i: a.text for i, a in articles.items()}, name="ptc-train")
    ids = sorted(found)
    apart = {i: whole_phrases(articles[i].text, found[i], max_gap_words=-1) for i in ids}
    rows: list[dict[str, Any]] = []
    for gap in GAPS:
        whole = {i: whole_phrases(articles[i].text, found[i], max_gap_words=gap) for i in ids}
        folds = []
        for held_out in plan.held_out:
            fold = [i for i in held_out if i in whole]
            pred = [(i, s.start, s.end) for i in fold for s in whole[i]]
            folds.append(score_si_rows(si_gold(articles[i] for i in fold), pred).f1)
        kinds = [
            kind
            for i in ids
            for kind in joins(articles[i].text, apart[i], whole[i], articles[i].layer("technique"), gap)
        ]
        figures = boundary_figures([articles[i].text for i in ids], [whole[i] for i in ids])
        row = {
            "max_gap_words": gap,
            "si_f1": sum(folds) / len(folds),
            "si_f1_per_fold": folds,
            **figures,
            "joined_here": {k: kinds.count(k) for k in ("one", "part", "none")},
        }
        rows.append(row)
        print(
            f"max_gap_words {gap:2d}: SI F1 {row['si_f1']:.4f} (folds {', '.join(f'{f:.4f}' for f in folds)}) | "
            f"function-word ends {figures['function_word_end_share']:.4f} | spans {figures['spans']} | "
            f"joined across {gap} words: in one gold span {kinds.count('one')}, gold on one piece "
            f"{kinds.count('part')}, no gold {kinds.count('none')}"
        )
    report = {
        "task": "joining pieces of one technique span (PTC train, out-of-fold spans of the grouped folds)",
        "command": "python benchmarks/phrase_join.py",
        "raw": boundary_figures([articles[i].text for i in ids], [found[i] for i in ids]),
        "gaps": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
