"""English span identification on the SemEval-2023 span files, out of fold (issue 29's third figure).

The English span model is trained on PTC (SemEval-2020 Task 11); SemEval-2023 Task 3 annotated the
same 371 training articles again, in its 23-technique taxonomy (``train-labels-subtask-3-spans/``).
This scores the spans each article gets from the fold model of the grouped span cross-validation
that did not train on it (``benchmarks/ptc.py`` makes the fold models, the out-of-fold spans are
kept beside them), finished as the span tagger finishes them (whole phrases, calibrated scores),
against those files with the SemEval-2020 span-identification definition, techniques ignored
(``../shared/data/SCORING.md``; an article with no gold span is left out, as the SemEval-2020
scorer does). Beside it: every sentence as a span (the baseline of issue 32), and the model's
spans at or over each shown-score threshold. The issue's target (0.47) is on the SemEval-2023
English dev articles (2022 news), which this machine does not have: these are the training
articles, other years, other annotators' idea of a span.

    python benchmarks/semeval2023_en_spans.py [--out reports/semeval2023-en-spans.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from unspun.document import Span
from unspun.models.phrases import whole_phrases
from unspun.models.score_calibration import SpanCalibration
from unspun.paths import shared_data_dir
from unspun.sentences import split_sentences
from unspun.tasks.ptc_scorer import score_si_rows
from unspun.tasks.semeval2023_spans import SpanArticle, load_span_articles
from unspun.training.folds import plan_folds
from unspun.training.out_of_fold import out_of_fold_spans

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "src" / "unspun" / "configs" / "ptc-minilm.toml"
SPAN_MODEL = ROOT / "src" / "unspun" / "data" / "models" / "ptc-minilm"
THRESHOLDS = (0.1, 0.2, 0.3)


def si_figures(articles: list[SpanArticle], predicted: dict[str, list[tuple[int, int]]]) -> dict[str, float]:
    """Precision, recall and F1 of ``predicted`` (by article id) against the articles' gold
    spans, techniques ignored, over the articles with at least one gold span."""
    gold = [(a.article.id, s.start, s.end) for a in articles for s in a.spans]
    with_gold = {a.article.id for a in articles if a.spans}
    pred = [(i, start, end) for i, spans in predicted.items() if i in with_gold for start, end in spans]
    score = score_si_rows(gold, pred)
    return {
        "precision": round(score.precision, 4),
        "recall": round(score.recall, 4),
        "f1": round(score.f1, 4),
        "predicted_spans": len(pred),
    }


def tagged_spans(articles: list[SpanArticle], found: dict[str, list[Span]]) -> dict[str, list[Span]]:
    """The fold models' spans as the shipped span tagger finishes them: whole phrases, scores
    through the shipped calibration when it has one."""
    calibration = SpanCalibration.from_folder(SPAN_MODEL)
    out = {}
    for item in articles:
        text = item.article.text
        spans = whole_phrases(text, found.get(item.article.id, []))
        out[item.article.id] = calibration.apply(text, spans) if calibration is not None else spans
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "semeval2023-en-spans.json")
    args = parser.parse_args()
    started = time.perf_counter()
    data = args.data or shared_data_dir()
    plan = plan_folds(CONFIG, data / "ptc" / "train")
    if plan.missing():
        raise SystemExit(
            f"fold models {plan.missing()} are not trained yet in {plan.work}: run benchmarks/ptc.py first"
        )
    articles = load_span_articles(data / "semeval2023", "en")
    texts = {a.article.id: a.article.text for a in articles}
    # the same name as benchmarks/persuasion.py's: the kept file serves both
    spans = tagged_spans(articles, out_of_fold_spans(plan, texts, name="semeval2023-en-st3"))
    sentences = {i: [(r.start, r.end) for r in split_sentences(text)] for i, text in texts.items()}
    model = si_figures(articles, {i: [(s.start, s.end) for s in found] for i, found in spans.items()})
    baseline = si_figures(articles, sentences)
    report: dict[str, object] = {
        "task": "English span identification, SemEval-2023 Task 3 span files of the 371 training "
        "articles, out of fold (grouped folds of the PTC span cross-validation), techniques ignored",
        "articles": len(articles),
        "articles_with_spans": sum(1 for a in articles if a.spans),
        "gold_spans": sum(len(a.spans) for a in articles),
        "model": model,
        "model_at_score": {
            f"{t:.1f}": si_figures(
                articles, {i: [(s.start, s.end) for s in found if s.score >= t] for i, found in spans.items()}
            )
            for t in THRESHOLDS
        },
        "every_sentence": baseline,
        "target_note": "issue 29 asks >= 0.47 on the SemEval-2023 English dev articles (2022 news), not these",
        "command": " ".join(["python", *sys.argv]),
        "wall_s": round(time.perf_counter() - started, 1),
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }
    print(
        f"SemEval-2023 en spans, out of fold: model F1 {model['f1']:.4f} (P {model['precision']:.4f},"
        f" R {model['recall']:.4f}); every sentence {baseline['f1']:.4f}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
