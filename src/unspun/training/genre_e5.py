"""Train the genre head over multilingual-e5 article vectors (:mod:`unspun.models.article_e5`).

The rows are the genre table of ``unspun train article`` (the SemEval-2023 articles of all six
languages and the config's hand-labelled English news rows), their features the mean e5 state of
each article (cached in the state cache, so a second run takes seconds). The head is fitted as the
USE genre head is (:func:`unspun.training.train_semeval2023.fit_task`), with the config's
per-language offsets and a temperature fitted out of fold on folds with near-duplicates together.

Run: ``python -m unspun.training.genre_e5 --out DIR`` (about 6 min of encoding on two cores the
first time, then under a minute); the shipped head is ``semeval2023/genre-e5.npz``, read by
:class:`unspun.models.article_e5.E5GenreHead` for English articles of at least :data:`MIN_WORDS`
words, mixed with the USE head up to :data:`FULL_WORDS` (``docs/training.md``, "Genre over e5
article vectors"). Validation:
``python benchmarks/genre_validation.py --features e5 --out reports/genre-validation-e5.json``.
"""

from __future__ import annotations

import argparse
import copy
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from unspun.models.article_e5 import (
    CONFIG_FILE,
    ENCODER_MODEL,
    HEAD_FILE,
    MAX_CHARS,
    article_piece,
    mean_state,
    packaged_encoder,
)
from unspun.models.linear_head import LinearHead
from unspun.tasks.semeval2023 import GENRES
from unspun.training.article_tables import Table
from unspun.training.calibration import expected_calibration_error, reliability_table
from unspun.training.defaults import default_train_config, default_train_data
from unspun.training.multilingual_spans import WIDTH
from unspun.training.multilingual_states import encoded_texts
from unspun.training.train_semeval2023 import (
    article_texts,
    cross_validate,
    fit_task,
    genre_shift,
    genre_temperature,
    grouped_fold_of,
    load_config,
    news_weights,
    prepare,
)

# The head decides the genre of English, German, Italian, Polish and Russian texts (English: the
# news-like checks of docs/training.md; the others: each language's articles scored by a head
# trained on the other languages, macro-F1 de 0.618 / 0.585 for the USE head, it 0.569 / 0.464,
# pl 0.651 / 0.474, ru 0.577 / 0.392; French keeps the USE head, fr 0.480 / 0.540) and only for
# texts of at least MIN_WORDS words: the
# training articles are longer (English: 90% above 320 words), and shorter first-person op-eds
# read as satire to it (docs/training.md).
APPLIES_TO = ("en", "de", "it", "pl", "ru")
MIN_WORDS = 150  # below: the USE head alone
FULL_WORDS = 250  # from here: the e5 head alone; between, both mixed (E5GenreHead.weight)
# Below MIN_WORDS, English only: both heads, this one at SHORT_WEIGHT, satire only as far as both
# see it (unspun.pipeline.genre_mix; docs/training.md, "Short texts: both heads, satire only where
# both see it": validated on the short beginnings of the English news rows only)
SHORT_WEIGHT = 0.5
SHORT_LANGUAGES = ("en",)


def e5_genre_table(
    data_dir: Path, cfg: dict[str, Any], log: Callable[[str], None] = print
) -> tuple[Table, dict[str, str]]:
    """The genre table of ``cfg`` with each row's features replaced by its e5 article vector;
    the texts by article key."""
    plain = copy.deepcopy(cfg)
    plain["paragraphs"].pop("spans", None)  # genre needs no span evidence
    table = prepare(data_dir, plain).genre
    texts = article_texts(data_dir, plain)
    encoder = packaged_encoder(ENCODER_MODEL)
    states = encoded_texts(encoder, [article_piece(texts[a]) for a in table.articles], log=log)
    table.x = np.stack([mean_state(s.hidden, WIDTH * len(encoder.layers)) for s in states])
    return table, texts


def english_reliability(head: LinearHead, table: Table, scores: np.ndarray) -> dict[str, Any]:
    """The reliability of the genre shown (label and probability under the head's English offsets
    and temperature) on the English rows' out-of-fold ``scores``, weighted to the news mix
    (:data:`NEWS_MIX`) and unweighted: ECE and the table's bins. The temperature was fitted on
    these same scores (one parameter), so the weighted ECE is slightly optimistic."""
    english = np.flatnonzero(np.array(table.langs) == "en")
    shown = [head.decide(scores[i : i + 1], "en")[0][0] for i in english]
    confidence = np.array([p for _, p in shown])
    correct = np.array([GENRES.index(g) == table.y[i] for (g, _), i in zip(shown, english, strict=True)])
    out: dict[str, Any] = {"rows": len(english)}
    for name, weights in (("news_mix", news_weights(table.y[english])), ("unweighted", None)):
        bins = reliability_table(confidence, correct, weights=weights)
        out[name] = {
            "ece": round(expected_calibration_error(bins), 4),
            "bins": [{k: round(v, 4) for k, v in b.as_dict().items()} for b in bins],
        }
    return out


def train_genre_e5(
    data_dir: Path,
    out_dir: Path,
    *,
    config: Path | None = None,
    seed: int = 13,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Fit the head, write ``genre-e5.npz`` and ``genre-e5.json`` into ``out_dir``; the report."""
    cfg = load_config(config or default_train_config("article"))
    table, texts = e5_genre_table(data_dir, cfg, log)
    fold = grouped_fold_of(table.articles, texts, int(cfg["data"]["folds"]))
    scores, decisions = cross_validate(table, "genre", cfg, seed, progress=False, fold=fold)
    head, _, _ = fit_task(table, np.ones(len(table.articles), dtype=bool), "genre", cfg, seed)
    head.offsets = {lang: shift.astype(np.float32) for lang, shift in genre_shift(cfg).items()}
    head.temperature = genre_temperature(table, scores, cfg)
    reliability = english_reliability(head, table, scores)
    out_dir.mkdir(parents=True, exist_ok=True)
    head.to_disk(out_dir / HEAD_FILE)
    encoder = packaged_encoder(ENCODER_MODEL)
    about = {
        "features": "mean multilingual-e5-small state (layer 6, the int8 ONNX layers of "
        f"{ENCODER_MODEL}) of the article's first {MAX_CHARS:,} characters",
        "encoder_model": ENCODER_MODEL,
        "layer": encoder.layers[0],
        "max_chars": MAX_CHARS,
        "applies_to": list(APPLIES_TO),
        "min_words": MIN_WORDS,
        "full_words": FULL_WORDS,
        "short_weight": SHORT_WEIGHT,
        "short_languages": list(SHORT_LANGUAGES),
        "english_reliability": reliability,
        "rows": len(table.articles),
        "grouped_cv_accuracy": round(float((decisions == table.y).mean()), 4),
        "temperature": head.temperature,
        "seed": seed,
    }
    (out_dir / CONFIG_FILE).write_text(json.dumps(about, indent=2) + "\n", encoding="utf-8")
    log(f"genre over e5: {about}")
    return about


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the semeval2023 data folder")
    parser.add_argument("--out", type=Path, required=True, help="the article model folder to write into")
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    train_genre_e5(args.data or default_train_data("article"), args.out, config=args.config, seed=args.seed)


if __name__ == "__main__":
    main()
