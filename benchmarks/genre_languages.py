"""Genre per language: the USE head against the e5 head, on grouped folds and with the language held out.

For each language's SemEval-2023 articles (the hand-labelled English news rows left out), the
macro-F1 of the genre decided under that language's offsets, from out-of-fold scores of

* ``grouped``: the grouped folds of ``unspun train article`` (near-duplicates in one fold);
* ``language_held_out``: a head trained on the other five languages only (unseen sources, as a
  new outlet's articles are).

The e5 head decides the genre of the languages where it holds better with the language held out
(``unspun.training.genre_e5.APPLIES_TO``). Run: ``python benchmarks/genre_languages.py [--out
reports/genre-languages.json]`` (about a minute once the e5 states are cached).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
import genre_validation as gv  # noqa: E402
from unspun.training.article_tables import is_extra  # noqa: E402
from unspun.training.defaults import default_train_config, default_train_data  # noqa: E402
from unspun.training.genre_e5 import APPLIES_TO, e5_genre_table  # noqa: E402
from unspun.training.train_semeval2023 import (  # noqa: E402
    article_texts,
    genre_shift,
    grouped_fold_of,
    load_config,
    prepare,
    shift_rows,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=Path("reports/genre-languages.json"))
    args = parser.parse_args()
    started, load = time.perf_counter(), [round(x, 2) for x in os.getloadavg()]
    data_dir = default_train_data("article")
    cfg = load_config(default_train_config("article"))
    cfg["paragraphs"].pop("spans", None)
    tables = {
        "use": prepare(data_dir, cfg).genre,
        "e5": e5_genre_table(data_dir, cfg, log=lambda line: None)[0],
    }
    first = tables["use"]
    fold = grouped_fold_of(first.articles, article_texts(data_dir, cfg), int(cfg["data"]["folds"]))
    langs = np.array(first.langs)
    extra = np.array([is_extra(a) for a in first.articles])
    figures: dict[str, dict[str, dict[str, float]]] = {}
    for name, table in tables.items():
        grouped = gv.out_of_fold(table, cfg, args.seed, fold)
        held = np.full_like(grouped, np.nan)
        for lang in sorted(set(table.langs)):
            test = langs == lang
            held[test & ~extra] = gv.scored(table, ~test, test & ~extra, cfg, args.seed)
        for lang in sorted(set(table.langs)):
            offset = shift_rows(genre_shift(cfg), [lang])[0]
            rows = (langs == lang) & ~extra
            figures.setdefault(lang, {})[name] = {
                check: round(
                    float(
                        f1_score(table.y[rows], gv.decide(s[rows], offset), average="macro", labels=[0, 1, 2])
                    ),
                    4,
                )
                for check, s in (("grouped", grouped), ("language_held_out", held))
            }
    for lang, row in figures.items():
        print(lang, json.dumps(row))
    report = {
        "command": " ".join(["python", *sys.argv]),
        "metric": "genre macro-F1 of each language's SemEval-2023 articles, its offsets",
        "languages": figures,
        "e5_head_applies_to": list(APPLIES_TO),
        "wall_s": round(time.perf_counter() - started, 1),
        "load_average_at_start": load,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
