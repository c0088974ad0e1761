"""What the target-sentiment model costs in the analysis: portrayal with the fine-tuned classifier
(the shipped ``target-sentiment-en``) beside portrayal with the frozen-feature head that shipped
before it (``--head FOLDER``), in one run, over the same analysed PTC articles.

The default pipeline analyses the articles once (timed: the whole analysis, the classifier
included, or the head if that ships); then each portrayal variant runs on the analysed articles, in turns, ``--rounds``
times (the best round counts). Prints seconds per article for each, the whole analysis's, and
how much the classifier adds to it; writes ``reports/portrayal-speed.json``.

    python benchmarks/portrayal_speed.py --head /tmp/target-sentiment-head [--articles 20] [--threads 2]
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--head", required=True, help="Folder of the frozen-feature sentiment head.")
    parser.add_argument("--model", default=None, help="The classifier's folder (default: the shipped one).")
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))

    from unspun.analysis import build_pipeline
    from unspun.document import Article
    from unspun.pipeline.portrayal import PortrayalTagger, load_sentiment_model
    from unspun.sentences import split_sentences
    from unspun.whosays.heads import HeadModel

    files = sorted((args.data / "ptc" / "train" / "articles").glob("article*.txt"))[: args.articles]
    texts = [path.read_text(encoding="utf-8") for path in files]
    pipeline = build_pipeline()
    pipeline.load()
    list(pipeline.pipe([Article(id="w", text=t) for t in texts[:2]]))  # warm-up
    articles = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    started = time.perf_counter()
    analysed = [analysis.article for analysis in pipeline.pipe(articles, batch_size=8)]
    whole = time.perf_counter() - started

    variants = {
        "head": PortrayalTagger(sentiment_model=args.head),
        "classifier": PortrayalTagger(sentiment_model=args.model),
    }
    best = {name: float("inf") for name in variants}
    for tagger in variants.values():
        tagger.load()
        tagger(analysed[:2])  # warm-up
    for _ in range(args.rounds):
        for name, tagger in variants.items():
            started = time.perf_counter()
            for first in range(0, len(analysed), 8):
                tagger(analysed[first : first + 8])
            best[name] = min(best[name], time.perf_counter() - started)
    n = len(analysed)
    mentions = sum(len(e.mentions) for a in analysed for e in a.entities)
    pairs = capped = 0  # distinct (sentence, entity): the classifier's runs; at most 4 an entity
    for article in analysed:
        starts = [s.start for s in split_sentences(article.text)]
        for entity in article.entities:
            read = len({bisect.bisect_right(starts, m.start) for m in entity.mentions})
            pairs, capped = pairs + read, capped + min(read, 4)
    extra = best["classifier"] - best["head"]
    # the analysis ran with the shipped model: without the classifier it takes ``whole - extra``
    shipped_head = isinstance(load_sentiment_model(), HeadModel)
    base = whole if shipped_head else whole - extra
    report = {
        "articles": n,
        "entity_mentions": mentions,
        "sentence_entity_pairs": pairs,
        "pairs_at_most_4_an_entity": capped,
        "threads": args.threads,
        "classifier": args.model or "shipped",
        "whole_analysis_with_head_s_per_article": round(base / n, 4),
        "portrayal_head_s_per_article": round(best["head"] / n, 4),
        "portrayal_classifier_s_per_article": round(best["classifier"] / n, 4),
        "classifier_extra_s_per_article": round(extra / n, 4),
        "analysis_slowdown": round(extra / base, 4),
    }
    for key, value in report.items():
        print(f"{key:38} {value}")
    out = ROOT / "reports" / "portrayal-speed.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
