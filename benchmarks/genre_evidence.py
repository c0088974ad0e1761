"""English genre: does the span evidence separate reporting from opinion beyond the genre head?

A stacked logistic regression decides reporting against opinion from the genre head's
out-of-fold log-probabilities (``z = log p(reporting) - log p(opinion)`` under the shipped English
offsets) plus one or two features of the article's technique spans; satire stays the head's call
(a row the head calls satire keeps it, so satire recall cannot move). Scored on the checks of
``benchmarks/genre_validation.py``, each stacker fitted on rows its check holds out:

* ``grouped``: the news-weighted grouped folds (stacker fitted on the other folds' out-of-fold
  scores);
* ``topic_shift``: one story's news rows scored by a head trained on everything else, the
  stacker fitted on the other English rows' grouped out-of-fold scores;
* ``news_free``: the news rows scored by a head trained on the SemEval-2023 rows alone, the
  stacker fitted on those rows' out-of-fold scores of heads trained without news rows.

The span evidence: SemEval-2023 English rows from the span recipe's out-of-fold spans
(``oof-semeval2023-en-st3.jsonl`` beside the fold models; whole phrases and the shipped
calibration, as ``benchmarks/persuasion.py``), the hand-labelled news rows (and the 7 satire
articles the span folds do not cover) through the shipped span tagger, which never trained on
them. Features (:func:`unspun.pipeline.persuasion.span_features`): the share of characters in
spans, log spans per 100 words, the same share counting only spans outside quotation marks
(``author_share``), and the shipped persuasion score (v3).

The stacker's two classes are weighted ``--reporting-weight`` : ``0.95 - w`` (0.75 the news mix,
0.475 equal); because a threshold trades reporting against opinion, each variant is also given
threshold-free: the AUC of its reporting score on the news rows, and the opinion recall at the
reporting recall the head alone reaches on that check (``op_at_head_rr``).

Run: ``python benchmarks/genre_evidence.py [--features e5|use] [--out reports/genre-evidence.json]``
(about 2 minutes, 2.5 with ``--features use``, on two loaded cores once the e5 article states are cached).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
import genre_validation as gv  # noqa: E402
from persuasion import CONFIG, _as_tagged  # noqa: E402
from unspun.document import TECHNIQUE_LAYER, Article, Span  # noqa: E402
from unspun.paths import shared_data_dir  # noqa: E402
from unspun.pipeline.persuasion import shipped_fit, span_features  # noqa: E402
from unspun.pipeline.spans import SpanTagger  # noqa: E402
from unspun.training.article_tables import Table, is_extra  # noqa: E402
from unspun.training.defaults import default_train_config, default_train_data  # noqa: E402
from unspun.training.folds import plan_folds  # noqa: E402
from unspun.training.genre_validation import (  # noqa: E402
    combined_rates,
    confusion_rates,
    mix_macro_f1,
    topic_of,
)
from unspun.training.train_semeval2023 import (  # noqa: E402
    article_texts,
    genre_shift,
    grouped_fold_of,
    load_config,
    prepare,
    shift_rows,
)
from unspun.whosays.quoted import quoted_mask  # noqa: E402

REP, OPI, SAT = gv.REP, gv.OPI, gv.SAT
EVIDENCE = ("span_share", "log_spans_100", "author_share", "persuasion")
VARIANTS: dict[str, tuple[bool, tuple[str, ...]]] = {
    "heads, shipped offsets": (False, ()),
    "stack: z": (True, ()),
    "stack: z + persuasion": (True, ("persuasion",)),
    "stack: z + span_share": (True, ("span_share",)),
    "stack: z + log_spans_100": (True, ("log_spans_100",)),
    "stack: z + author_share": (True, ("author_share",)),
    "stack: z + span_share + log_spans_100": (True, ("span_share", "log_spans_100")),
    "stack: z + persuasion + author_share": (True, ("persuasion", "author_share")),
    "evidence alone: persuasion": (False, ("persuasion",)),
}


def evidence(texts: dict[str, str], spans: dict[str, list[Span]]) -> dict[str, list[float]]:
    """:data:`EVIDENCE` of each text from its spans."""
    fit = shipped_fit()
    out = {}
    for key, found in spans.items():
        text, tri = texts[key], [(s.start, s.end, s.score) for s in found]
        marks = quoted_mask(text, [])
        every = span_features(text, tri)
        author = span_features(text, tri, quoted=marks, quoted_weight=0.0)
        shipped = span_features(text, tri, quoted=marks, quoted_weight=fit.quoted_weight)
        out[key] = [every[0], every[1], author[0], float(fit.score(shipped)[0])]
    return out


def english_spans(table: Table, texts: dict[str, str]) -> dict[str, list[Span]]:
    """Every English row's spans: out of fold for the SemEval-2023 rows the span folds cover, the
    shipped tagger's for the rest (news rows, satire articles outside the span folds)."""
    # Read as it stands: remaking it (out_of_fold_spans) runs the three fold models over 371
    # articles whenever the decoder's code has changed since the file was made.
    path = plan_folds(CONFIG, shared_data_dir() / "ptc" / "train").work / "oof-semeval2023-en-st3.jsonl"
    if not path.is_file():
        raise SystemExit(f"{path} is missing: run benchmarks/persuasion.py first")
    found: dict[str, list[Span]] = {}
    with open(path, encoding="utf-8") as handle:
        handle.readline()
        for row in map(json.loads, handle):
            key = f"en/{row['id']}"
            if key in texts:
                found[key] = [Span(s["start"], s["end"], s["label"], s["score"]) for s in row["spans"]]
    found = _as_tagged({k: texts[k] for k in found}, found)
    english = [a for a, lang in zip(table.articles, table.langs, strict=True) if lang == "en"]
    rest = [a for a in english if a not in found]
    tagger = SpanTagger(candidates=False, reasons=False)
    for key in rest:
        article = Article(id=key, text=texts[key], language="en")
        tagger([article])
        found[key] = list(article.spans.get(TECHNIQUE_LAYER, []))
    return found


class Stack:
    """The rows, the head's scores under each check and the evidence, with the shipped offsets."""

    def __init__(
        self,
        table: Table,
        checks: dict[str, np.ndarray],
        ev: np.ndarray,
        fold: np.ndarray,
        offset: np.ndarray,
    ):
        self.y, self.checks, self.ev, self.fold, self.offset = table.y, checks, ev, fold, offset
        self.en = np.array(table.langs) == "en"
        self.extra = np.array([is_extra(a) for a in table.articles])
        self.topics = np.array([topic_of(a) for a in table.articles])

    def log_p(self, scores: np.ndarray) -> np.ndarray:
        return np.log(np.nan_to_num(scores) + 1e-12) + self.offset

    def design(self, scores: np.ndarray, rows: np.ndarray, head: bool, evs: tuple[str, ...]) -> np.ndarray:
        lp = self.log_p(scores[rows])
        cols = [lp[:, REP] - lp[:, OPI]] if head else []
        cols += [self.ev[rows, EVIDENCE.index(f)] for f in evs]
        return np.stack(cols, axis=1)

    def fit_predict(
        self,
        train_scores: np.ndarray,
        train: np.ndarray,
        test_scores: np.ndarray,
        test: np.ndarray,
        head: bool,
        evs: tuple[str, ...],
        reporting_weight: float,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Genre ids and reporting scores of the ``test`` rows (the head's own where no stacker)."""
        lp = self.log_p(test_scores[test])
        base = lp.argmax(axis=1)
        if not head and not evs:
            return base, lp[:, REP] - lp[:, OPI]
        rows = train & ((self.y == REP) | (self.y == OPI))
        x, t = self.design(train_scores, rows, head, evs), (self.y[rows] == REP).astype(int)
        w = np.where(t == 1, reporting_weight / t.sum(), (0.95 - reporting_weight) / (1 - t).sum())
        mean, scale = x.mean(0), x.std(0) + 1e-9
        model = LogisticRegression(max_iter=1000).fit((x - mean) / scale, t, sample_weight=w * len(t))
        p = model.predict_proba((self.design(test_scores, test, head, evs) - mean) / scale)[:, 1]
        return np.where(base == SAT, SAT, np.where(p > 0.5, REP, OPI)), p

    def run(self, head: bool, evs: tuple[str, ...], weight: float, match: dict[str, float]) -> dict[str, Any]:
        n, en, extra, c = len(self.y), self.en, self.extra, self.checks
        pred = {k: np.full(n, -1) for k in ("grouped", "topic_shift", "news_free")}
        score = {k: np.full(n, np.nan) for k in pred}
        for k in sorted(set(self.fold[en].tolist())):
            test = en & (self.fold == k)
            pred["grouped"][test], score["grouped"][test] = self.fit_predict(
                c["grouped"], en & (self.fold != k), c["grouped"], test, head, evs, weight
            )
        for topic in sorted(set(self.topics) - {""}):
            test = self.topics == topic
            pred["topic_shift"][test], score["topic_shift"][test] = self.fit_predict(
                c["grouped"], en & ~test, c["topic_shift"], test, head, evs, weight
            )
        pred["news_free"][extra], score["news_free"][extra] = self.fit_predict(
            c["news_free_oof"], en & ~extra, c["news_free"], extra, head, evs, weight
        )
        y = self.y
        out: dict[str, Any] = {
            "grouped_news_weighted_macro_f1": round(
                gv.news_weighted_folds(y[en], pred["grouped"][en], self.fold[en]), 4
            ),
            "satire_recall_grouped_en": round(float((pred["grouped"][en & (y == SAT)] == SAT).mean()), 3),
        }
        by_language = c["by_language"]
        scored = ~np.isnan(by_language).any(axis=1) & ~extra
        satire_rates = confusion_rates(y[scored], gv.decide(by_language[scored], self.offset))
        news = extra & ((y == REP) | (y == OPI))
        for name, p in pred.items():
            r = confusion_rates(y[extra], p[extra])
            f1, _ = mix_macro_f1(combined_rates([(r, (REP, OPI)), (satire_rates, (SAT,))]), gv.MIX)
            s, reps = score[name], np.sort(score[name][news & (y == REP)])
            cut = reps[int(np.floor((1 - match.get(name, r[REP, REP])) * len(reps)))]
            out[name] = {
                "reporting_recall": round(float(r[REP, REP]), 3),
                "opinion_recall": round(float(r[OPI, OPI]), 3),
                "news_mix_macro_f1_with_satire_by_language": round(f1, 4),
                "auc": round(float(roc_auc_score(y[news] == REP, s[news])), 3),
                "op_at_head_rr": round(float((s[news & (y == OPI)] < cut).mean()), 3),
            }
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", choices=["use", "e5"], default="e5")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--reporting-weight", type=float, nargs="+", default=[0.75, 0.475])
    parser.add_argument("--out", type=Path, default=Path("reports/genre-evidence.json"))
    args = parser.parse_args()
    started = time.perf_counter()
    data_dir = default_train_data("article")
    cfg = load_config(default_train_config("article"))
    cfg["paragraphs"].pop("spans", None)
    texts = article_texts(data_dir, cfg)
    table = prepare(data_dir, cfg).genre
    if args.features == "e5":
        from unspun.training.genre_e5 import e5_genre_table

        table, _ = e5_genre_table(data_dir, cfg, log=lambda line: None)
    fold = grouped_fold_of(table.articles, texts, int(cfg["data"]["folds"]))
    checks = gv.held_out_scores(table, cfg, args.seed, fold)
    extra = np.array([is_extra(a) for a in table.articles])
    free = np.full_like(checks["grouped"], np.nan)  # SemEval rows, heads fitted without news rows
    for k in sorted(set(fold.tolist())):
        test = (fold == k) & ~extra
        free[test] = gv.scored(table, (fold != k) & ~extra, test, cfg, args.seed)
    checks["news_free_oof"] = free
    by_key = evidence(texts, english_spans(table, texts))
    ev = np.array([by_key.get(a, [np.nan] * len(EVIDENCE)) for a in table.articles])
    stack = Stack(table, checks, ev, fold, shift_rows(genre_shift(cfg), ["en"])[0])
    report: dict[str, Any] = {
        "command": " ".join(["python", *sys.argv]),
        "features": args.features,
        "weights": {},
    }
    base = stack.run(False, (), 0.75, {})
    match = {k: base[k]["reporting_recall"] for k in ("grouped", "topic_shift", "news_free")}
    for weight in args.reporting_weight:
        rows = report["weights"][str(weight)] = {}
        for name, (head, evs) in VARIANTS.items():
            rows[name] = r = stack.run(head, evs, weight, match)
            print(f"w {weight} {name:40s} grouped {r['grouped_news_weighted_macro_f1']:.4f} | " + " | ".join(
                f"{k} rr {r[k]['reporting_recall']:.3f} oo {r[k]['opinion_recall']:.3f} auc {r[k]['auc']:.3f} "
                f"op@rr {r[k]['op_at_head_rr']:.3f}" for k in ("topic_shift", "news_free")), flush=True)  # fmt: skip
    medians = {}
    for genre, c in (("reporting", REP), ("opinion", OPI)):
        for source, rows_of in (("semeval", ~extra), ("news", extra)):
            sel = stack.en & rows_of & (table.y == c)
            medians[f"{source}_{genre}"] = {
                f: round(float(np.median(ev[sel, i])), 3) for i, f in enumerate(EVIDENCE)
            }
    report["evidence_medians"] = medians
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["load_average"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out} in {report['seconds']} s")


if __name__ == "__main__":
    main()
