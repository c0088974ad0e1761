"""Genre of short texts: does the first n words' genre agree with the whole article's?

The genre heads learnt from whole articles (hundreds of words). A news brief of 16 words came out
satire 0.92 (QA): the USE head is sure of itself on texts unlike anything it learnt from. Short
texts carry little evidence, so their genre should lean on the prior the project targets (the
news mix, reporting 0.75 / opinion 0.20 / satire 0.05) and move to the head's view as the text
grows: :func:`unspun.pipeline.genre.lean_on_prior` (``p^w * prior^(1-w)``, renormalised, with
``w = min(1, words / prior_words)``).

Measured here without labels: over the unlabelled English news articles of
``../shared/data/unlabeled/openwebtext`` (400, none a training article), the genre the shipped
component gives the **whole** article is the reference, and the genre shown for the article's
**first n words** (n = 15 ... 120, the title line included) is scored against it: agreement, the
mean negative log-likelihood of the reference genre, the share called satire and the share of the
opinion articles whose beginning stays opinion (the prior is reporting-heavy: leaning on it must
not make every short op-ed a report), for each
``prior_words`` of a grid (0: no leaning, the component before). This is a consistency check, not
an accuracy: it says which ``prior_words`` makes a short text's genre most often the genre its
whole article gets.

The component itself is scored the same way on the beginnings (``component``: both heads below
150 words for English, satire only where both see it, :mod:`unspun.pipeline.genre_mix`), next to
the component before that rule (``component_use_only``: the USE head alone below 150 words),
each against its own whole-article genres.

Run: ``python benchmarks/genre_short_texts.py [--articles 400] [--out reports/genre-short-texts.json]``
(about 3 minutes on two cores: the e5 states of the whole articles, then the USE head only).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from unspun.article_level import load_article_components
from unspun.document import Article
from unspun.paths import shared_data_dir
from unspun.pipeline.genre import NEWS_MIX, GenreClassifier, lean_on_prior

LENGTHS = (15, 25, 40, 60, 90, 120)
GRID = (0, 40, 60, 90, 120, 150, 200, 300)


def prefix(text: str, words: int) -> str:
    """The first ``words`` words of ``text`` (line breaks kept)."""
    cut, seen = len(text), 0
    for index, char in enumerate(text):
        if not char.isspace() and (index == 0 or text[index - 1].isspace()):
            seen += 1
            if seen > words:
                cut = index
                break
    return text[:cut].rstrip()


def use_shown(genre: GenreClassifier, texts: list[str]) -> np.ndarray:
    """The USE head's shown probabilities (the English offsets applied) of each text."""
    articles = [Article(id=str(i), text=t, language="en") for i, t in enumerate(texts)]
    return genre.head.shifted(genre.head.scores(genre.features(articles)), "en")


def component_rows(
    genre: GenreClassifier, texts: list[str], reference: np.ndarray, words: int
) -> dict[str, Any]:
    """Agreement with ``reference``, satire share and opinion kept of the component's genre of the
    first ``words`` words of the articles kept (longer than 1.5 times ``words``)."""
    labels = list(genre.head.labels)
    kept = [i for i, t in enumerate(texts) if len(t.split()) > words * 1.5]
    got = genre.predict([Article(id=str(i), text=prefix(texts[i], words), language="en") for i in kept])
    shown, truth = np.array([labels.index(g) for g, _ in got]), reference[kept]
    opinions = truth == labels.index("opinion")
    return {
        "articles": len(kept),
        "agreement": round(float((shown == truth).mean()), 4),
        "satire_share": round(float((shown == labels.index("satire")).mean()), 4),
        "opinion_kept": round(float((shown[opinions] == truth[opinions]).mean()), 4)
        if opinions.any()
        else None,
    }


def component_check(genre: GenreClassifier, texts: list[str]) -> dict[str, Any]:
    """The component's beginnings against its whole articles, with the short-text rule of its e5
    head (``component``) and without it (``component_use_only``)."""
    out: dict[str, Any] = {}
    e5 = genre.e5_head
    rule = (e5.short_weight, e5.short_languages) if e5 is not None else (0.0, ())
    for name, languages in (("component", rule[1]), ("component_use_only", ())):
        if e5 is not None:
            e5.short_languages = tuple(languages)
        labels = list(genre.head.labels)
        whole = genre.predict([Article(id=str(i), text=t, language="en") for i, t in enumerate(texts)])
        reference = np.array([labels.index(g) for g, _ in whole])
        out[name] = {str(w): component_rows(genre, texts, reference, w) for w in LENGTHS}
        print(name, {w: (r["agreement"], r["satire_share"], r["opinion_kept"]) for w, r in out[name].items()})
    if e5 is not None:
        e5.short_languages = tuple(rule[1])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--out", type=Path, default=Path("reports/genre-short-texts.json"))
    args = parser.parse_args()
    started, load_start = time.perf_counter(), os.getloadavg()[0]
    folder = shared_data_dir() / "unlabeled" / "openwebtext"
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("article*.txt"))][: args.articles]
    genre = next(c for c in load_article_components() if isinstance(c, GenreClassifier))
    labels = list(genre.head.labels)
    whole = genre.predict([Article(id=str(i), text=t, language="en") for i, t in enumerate(texts)])
    reference = np.array([labels.index(g) for g, _ in whole])
    prior = np.array([NEWS_MIX[label] for label in labels])
    sat, opi = labels.index("satire"), labels.index("opinion")
    report: dict[str, Any] = {
        "articles": len(texts),
        "whole_article_genres": {label: int((reference == j).sum()) for j, label in enumerate(labels)},
        "prior": dict(zip(labels, prior.tolist(), strict=True)),
        "lengths": {},
    }
    totals = {n0: [0.0, 0.0, 0] for n0 in GRID}
    for words in LENGTHS:
        kept = [i for i, t in enumerate(texts) if len(t.split()) > words * 1.5]
        shown = use_shown(genre, [prefix(texts[i], words) for i in kept])
        truth = reference[kept]
        row: dict[str, Any] = {"articles": len(kept)}
        for n0 in GRID:
            p = shown if n0 == 0 else np.stack([lean_on_prior(s, words, n0, prior) for s in shown])
            agree = float((p.argmax(axis=1) == truth).mean())
            nll = float(-np.log(p[np.arange(len(kept)), truth] + 1e-12).mean())
            satire = float((p.argmax(axis=1) == sat).mean())
            opinions = truth == opi
            kept_opinion = (
                float((p.argmax(axis=1)[opinions] == opi).mean()) if opinions.any() else float("nan")
            )
            row[str(n0)] = {
                "agreement": round(agree, 4),
                "nll": round(nll, 4),
                "satire_share": round(satire, 4),
                "opinion_kept": round(kept_opinion, 4),
            }
            totals[n0][0] += agree * len(kept)
            totals[n0][1] += nll * len(kept)
            totals[n0][2] += len(kept)
        report["lengths"][str(words)] = row
        print(
            f"{words:>4} words ({len(kept)} articles): "
            + "  ".join(
                f"{n0}: {row[str(n0)]['agreement']:.3f}/{row[str(n0)]['satire_share']:.3f}/{row[str(n0)]['opinion_kept']:.2f}"
                for n0 in GRID
            )
        )
    report["pooled"] = {
        str(n0): {"agreement": round(a / n, 4), "nll": round(nll / n, 4)}
        for n0, (a, nll, n) in totals.items()
    }
    best = min(GRID, key=lambda n0: totals[n0][1] / totals[n0][2])
    report["best_prior_words_by_nll"] = best
    report["components"] = component_check(genre, texts)
    print("pooled agreement / NLL:", {k: (v["agreement"], v["nll"]) for k, v in report["pooled"].items()})
    print("prior_words with the lowest NLL:", best)
    report.update(
        command="python " + " ".join(sys.argv),
        wall_s=round(time.perf_counter() - started, 1),
        load_average_at_start=round(load_start, 2),
        load_average_at_end=round(os.getloadavg()[0], 2),
        machine=platform.machine(),
    )
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
