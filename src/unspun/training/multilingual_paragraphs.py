"""Do the paragraph techniques of fr, de, it, pl and ru gain from the multilingual span model's evidence?

The English paragraph head mixes in what the PTC span model finds in each paragraph
(:mod:`unspun.models.span_evidence`). This module measures the same for the other five
languages, with the multilingual span model (:mod:`unspun.models.multilingual_spans`):

1. the out-of-fold token probabilities its cross-validation kept (one ``fold<k>.npz`` per grouped
   fold in its run folder, :func:`unspun.training.multilingual_spans.cv_run_folder`) are decoded
   into spans as that cross-validation decodes them, with the sentence head and the technique head
   fitted on the other folds too;
2. each paragraph of a subtask-3 article gets
   :func:`unspun.models.multilingual_evidence.paragraph_span_features` (token
   probabilities, decoded spans, the technique head's probabilities of those spans) and the span
   model's paragraph vector (:func:`unspun.models.span_evidence.paragraph_vectors` over the e5
   layer-6 states);
3. the shipped paragraph recipe (``semeval2023.toml``, all six languages pooled) is
   cross-validated on the span model's grouped folds (English articles, which the span model
   never saw, keep the recipe's hash folds) and its out-of-fold scores are scored (a) alone,
   (b) with a span evidence head over the features mixed in at ``[paragraphs.spans] share``,
   (c) with the paragraph vectors mixed in after that at ``vector_share``, as the English head
   mixes them. Thresholds of fold k are tuned on the other folds, per language.

With ``--out FOLDER`` it also ships the evidence head (c): fitted on the out-of-fold evidence of
every fr / de / it / pl / ru paragraph, with the thresholds of the mixed scores tuned on their
out-of-fold mixed scores, written as ``paragraphs-spans-multilingual.npz`` (the paragraph
component reads it; :mod:`unspun.models.multilingual_evidence`).

Run: ``python -m unspun.training.multilingual_paragraphs [--work DIR] [--out FOLDER] [--report FILE]``.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from unspun.document import split_paragraphs
from unspun.models.multilingual_evidence import (
    FILE_NAME,
    N_SPAN_FEATURES,
    DecodedSpan,
    decoded_spans,
    paragraph_evidence,
)
from unspun.models.span_evidence import SpanEvidenceHead, blend, fit_span_evidence_head
from unspun.pipeline.persuasion import Standing
from unspun.techniques import SEMEVAL23_LABELS
from unspun.training.persuasion_fit import density_target, fit_standing, span_density, spearman

LANGUAGES = ("fr", "de", "it", "pl", "ru")


def out_of_fold_evidence(
    prepared: Sequence[Any],
    folds: Sequence[Sequence[int]],
    probabilities: Sequence[np.ndarray],
    run_folder: Path,
    *,
    threshold: float,
    trim: float,
    log: Callable[[str], None] = print,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{"lang/id": (span features, paragraph vectors)}`` for every prepared article, from the
    out-of-fold token ``probabilities``, a sentence head and a technique head fitted on the other
    folds (:mod:`unspun.training.multilingual_spans`), decoded at ``threshold`` / ``trim``."""
    from unspun.models.multilingual_spans import sentence_spans, span_features
    from unspun.training import multilingual_spans as ms

    table = ms.sentence_table(prepared, run_folder)  # the kept USE vectors of every sentence
    sentence_probability = ms.fold_sentence_scores(table, folds)
    technique_of: dict[int, Any] = {}
    for held_out, technique_head in zip(
        folds, ms.fold_technique_heads(ms.technique_rows(prepared), folds), strict=True
    ):
        for i in held_out:
            technique_of[i] = technique_head
    log(f"evidence: sentence and technique heads fitted on the other folds of {len(folds)}")
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for i, p in enumerate(prepared):
        text = p.item.article.text
        rows = np.flatnonzero(table.article == i)
        found = sentence_spans(
            text, p.offsets, probabilities[i], p.sentence_of, threshold, trim, sentence_probability[rows]
        )
        spans: list[DecodedSpan] = []
        if found:
            head = technique_of[i]
            x = np.stack([span_features(p.hidden, p.offsets, a, b, p.sentence_of) for a, b, _ in found])
            spans = decoded_spans(found, head.scores(x), head.labels)
        # The function the run-time tagger calls (MultilingualSpanTagger.read): the same rows.
        found_evidence = paragraph_evidence(
            text, split_paragraphs(text), p.offsets, p.hidden, probabilities[i], p.sentences, spans
        )
        out[f"{p.item.language}/{p.item.article.id}"] = (found_evidence.features, found_evidence.vectors)
    return out


def _score(table: Any, decisions: np.ndarray, lang: str) -> float:
    from unspun.tasks.semeval2023_scorer import score_paragraph_labels

    rows = np.flatnonzero(np.array(table.langs) == lang)

    def sets(matrix: np.ndarray) -> dict[str, list[str]]:
        return {
            f"{table.keys[i][0]}_{table.keys[i][1]}": [SEMEVAL23_LABELS[j] for j in np.flatnonzero(matrix[i])]
            for i in rows
        }

    return round(float(score_paragraph_labels(sets(table.y), sets(decisions))[0]), 4)


def article_shares(
    table: Any, scores: np.ndarray, decisions: np.ndarray, lang: str, span_share: dict[str, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Over ``lang``'s articles with span files (sorted keys): the persuasion score's paragraph
    part ``P`` from these paragraph ``scores``/``decisions`` (the mean over paragraphs of the
    highest score among the techniques decided, 0 for none, as
    :func:`unspun.pipeline.persuasion.paragraph_share` reads an analysed article), the share of
    paragraphs with a gold technique, and the share of characters in gold spans."""
    best = np.where(decisions.astype(bool), scores, 0.0).max(axis=1)
    gold_any = table.y.astype(bool).any(axis=1)
    rows_of: dict[str, list[int]] = {}
    for row, (article, row_lang) in enumerate(zip(table.articles, table.langs, strict=True)):
        if row_lang == lang and article in span_share:
            rows_of.setdefault(article, []).append(row)
    keys = sorted(rows_of)
    return (
        np.array([best[rows_of[a]].mean() for a in keys]),
        np.array([gold_any[rows_of[a]].mean() for a in keys]),
        np.array([span_share[a] for a in keys]),
    )


SCALE_BINS = 8  # points of each language's map (quantiles of P)


def paragraph_scale(
    share: np.ndarray, paragraph_gold: np.ndarray, span_gold: np.ndarray
) -> dict[str, list[float]]:
    """A monotone map from ``P`` to the English score's target (the mean percentile rank of an
    article's two gold densities among its language's articles): the mean ``P`` and mean target of
    :data:`SCALE_BINS` quantile bins of ``P``, made non-decreasing by pooling adjacent bins that
    violate it, and carried on to ``P`` = 0 and 1 along its first and last segment."""
    target = density_target(paragraph_gold, span_gold)
    order = np.argsort(share, kind="stable")
    bins = [b for b in np.array_split(order, SCALE_BINS) if len(b)]
    blocks = [[float(share[b].mean()), float(target[b].mean()), len(b)] for b in bins]
    pooled: list[list[float]] = []
    for block in blocks:  # pool adjacent violators
        pooled.append(block)
        while len(pooled) > 1 and pooled[-2][1] > pooled[-1][1]:
            (x1, y1, n1), (x2, y2, n2) = pooled[-2], pooled[-1]
            pooled[-2:] = [[(x1 * n1 + x2 * n2) / (n1 + n2), (y1 * n1 + y2 * n2) / (n1 + n2), n1 + n2]]
    x, y = [b[0] for b in pooled], [b[1] for b in pooled]
    if len(x) > 1:  # to P = 0 and P = 1 along the first and the last segment, within [0, 1]
        if x[0] > 0:
            y.insert(0, max(0.0, y[0] - x[0] * (y[1] - y[0]) / max(x[1] - x[0], 1e-9)))
            x.insert(0, 0.0)
        if x[-1] < 1:
            y.append(min(1.0, y[-1] + (1 - x[-1]) * (y[-1] - y[-2]) / max(x[-1] - x[-2], 1e-9)))
            x.append(1.0)
    return {"x": [round(v, 4) for v in x], "y": [round(v, 4) for v in y]}


def paragraph_standing(share: np.ndarray) -> dict[str, list[float]]:
    """The persuasion score's map (v3) from ``P`` to its standing among a language's annotated
    articles: the share of them whose out-of-fold ``P`` (``share``) is lower, as the English score
    maps its linear score (:func:`unspun.training.persuasion_fit.fit_standing`, every 5%): from
    ``(0, 0)``, a text with no technique decided, to ``(1, 1)``, strictly increasing, so it keeps
    the order of any two texts of the language."""
    return fit_standing(np.asarray(share, float), 0.0).to_dict()


def rank_correlations(
    score: np.ndarray, paragraph_gold: np.ndarray, span_gold: np.ndarray
) -> dict[str, float]:
    """Spearman rank correlations of the persuasion score's paragraph part ``P`` of some articles
    with their gold densities (:func:`article_shares`): the share of paragraphs with a gold
    technique, and the share of characters in gold spans."""
    return {
        "articles": len(score),
        "spearman_paragraph_share": round(spearman(score, paragraph_gold), 4),
        "spearman_span_share": round(spearman(score, span_gold), 4),
    }


def measure(
    data_dir: Path,
    *,
    config: Path,
    onnx: Path,
    vectors: Path,
    seed: int = 13,
    work: Path | None = None,
    out: Path | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Paragraph micro-F1 per language of the shipped recipe alone and with the multilingual span
    evidence mixed in, on the span model's grouped folds (see the module docstring). ``work``: a
    folder that keeps the span evidence and the out-of-fold paragraph scores, reused by a rerun
    (default: beside the span model's cross-validation run folder). ``out``: a model folder to
    write the evidence head into (:func:`fit_head`, ``paragraphs-spans-multilingual.npz``)."""
    from unspun.models.multilingual_spans import MultilingualSpanTagger
    from unspun.models.sentence_encoder import load_encoder
    from unspun.training import multilingual_spans as ms
    from unspun.training import train_semeval2023 as ts
    from unspun.training.article_tables import VectorCache, build_dataset

    started = time.perf_counter()
    model = MultilingualSpanTagger.from_disk(onnx.parent)
    layer, k = model.layer, 5
    prepared = ms.prepare(data_dir, LANGUAGES, layer=layer, log=log, onnx=onnx)
    folder = ms.cv_run_folder(LANGUAGES, k=k, seed=seed, layer=layer, encoder=ms.encoder_digest(layer, onnx))
    folds = ms.language_folds(prepared, k, seed)
    work = work if work is not None else folder.parent / f"{folder.name}-paragraphs"
    probabilities: list[np.ndarray] = [np.zeros(0)] * len(prepared)
    for number, held_out in enumerate(folds):
        with np.load(folder / f"fold{number}.npz") as saved:
            for i in held_out:
                probabilities[i] = saved[str(i)]
    kept = work / "evidence.npz"
    if kept.is_file():
        with np.load(kept) as saved:
            evidence = {
                key[2:]: (saved[key], saved[f"v:{key[2:]}"]) for key in saved.files if key[:2] == "e:"
            }
        log(f"span evidence read from {kept}")
    else:
        evidence = out_of_fold_evidence(
            prepared,
            folds,
            probabilities,
            folder,
            threshold=model.threshold,
            trim=model.trim,
            log=log,
        )
        kept.parent.mkdir(parents=True, exist_ok=True)
        arrays = {f"e:{a}": e for a, (e, _) in evidence.items()}
        arrays.update({f"v:{a}": v.astype(np.float16) for a, (_, v) in evidence.items()})
        np.savez(kept, **arrays)  # type: ignore[arg-type]
    cfg = ts.load_config(config)
    spans_cfg = cfg["paragraphs"].pop("spans", {})  # the English evidence: not in the rows scored here
    cache = VectorCache(load_encoder(cfg["encoder"]["name"], threads=2), vectors)
    data = build_dataset(data_dir, cfg["data"]["languages"], cache)
    table = data.paragraphs
    span_fold = {
        f"{prepared[i].item.language}/{prepared[i].item.article.id}": f
        for f, ids in enumerate(folds)
        for i in ids
    }
    fold = np.array([span_fold.get(a, ts.fold_of(a, k)) for a in table.articles])
    texts = {f"{p.item.language}/{p.item.article.id}": p.item.article.text for p in prepared}
    span_share = {
        f"{p.item.language}/{p.item.article.id}": span_density(
            p.item.article.text, ((s.start, s.end) for s in p.item.spans)
        )
        for p in prepared
    }
    width = N_SPAN_FEATURES
    vector_width = next(iter(evidence.values()))[1].shape[1]
    x_e = np.zeros((len(table.articles), width), np.float32)
    x_v = np.zeros((len(table.articles), vector_width), np.float32)
    covered = np.zeros(len(table.articles), dtype=bool)
    rows_of: dict[str, list[int]] = {}
    for row, article in enumerate(table.articles):
        rows_of.setdefault(article, []).append(row)
    for article, rows in rows_of.items():
        if article not in evidence:
            continue
        features, paragraph_rows = evidence[article]
        if len(rows) != len(features):
            raise ValueError(f"{article}: {len(rows)} paragraph rows against {len(features)} evidence rows")
        x_e[rows], x_v[rows], covered[rows] = features, paragraph_rows, True
    log(f"{int(covered.sum())} paragraphs of {len(texts)} span articles have evidence")
    kept = work / "paragraph-scores.npz"
    recipe = np.frombuffer(json.dumps(cfg["paragraphs"], sort_keys=True).encode(), np.uint8)
    saved = dict(np.load(kept)) if kept.is_file() else {}
    if (
        saved
        and np.array_equal(saved["fold"], fold)
        and np.array_equal(saved.get("recipe", np.zeros(0, np.uint8)), recipe)
    ):
        scores = saved["scores"]
        log(f"out-of-fold paragraph scores read from {kept}")
    else:  # the recipe's paragraph head on these folds: the scores the evidence head is mixed into
        scores, _ = ts.cross_validate(table, "paragraphs", cfg, seed, progress=False, fold=fold)
        np.savez(kept, scores=scores, fold=fold, recipe=recipe)
    share, c = float(spans_cfg.get("share", 0.5)), float(spans_cfg.get("c", 0.1))
    vector_share, vector_c = float(spans_cfg.get("vector_share", 0.3)), float(spans_cfg.get("vector_c", 0.01))
    with_features, with_vectors = scores.copy(), scores.copy()
    for number in range(k):
        train, test = covered & (fold != number), covered & (fold == number)
        head = fit_span_evidence_head(
            x_e[train], table.y[train], SEMEVAL23_LABELS, c=c, share=share, languages=LANGUAGES, seed=seed,
            vectors=x_v[train], vector_c=vector_c, vector_share=vector_share,
        )  # fmt: skip
        with_features[test] = blend(scores[test], head.head.scores(x_e[test]), share)
        with_vectors[test] = head.mix(scores[test], x_e[test], x_v[test])
    minimum = int(cfg["paragraphs"]["min_positives"])
    variants = {
        "paragraph_head": scores,
        "with_span_features": with_features,
        "with_span_features_and_vectors": with_vectors,
    }
    decisions = {
        name: ts.decide_out_of_fold(table, s, k, min_positives=minimum, fold=fold)
        for name, s in variants.items()
    }
    report: dict[str, Any] = {
        "persuasion": "per language, Spearman rank correlation over the articles with span files of the "
        "persuasion score these languages get (P: the mean over paragraphs of the highest technique "
        "score decided, out of fold) with the share of paragraphs with a gold technique and the share "
        "of characters in gold spans; for the paragraph head alone and with the shipped evidence",
        "folds": "the span model's grouped folds (multilingual_spans.language_folds, k=5, seed 13) for "
        "fr/de/it/pl/ru; English rows (training only) keep train_semeval2023.fold_of",
        "recipe": str(config),
        "evidence": {"share": share, "c": c, "vector_share": vector_share, "vector_c": vector_c},
        "span_model": {"threshold": model.threshold, "trim": model.trim, "layer": layer},
        "languages": {},
    }
    scale: dict[str, dict[str, list[float]]] = {}
    standing: dict[str, dict[str, list[float]]] = {}
    for lang in LANGUAGES:
        rows = np.array(table.langs) == lang
        figures: dict[str, Any] = {"paragraphs": int(rows.sum()), "with_evidence": int(covered[rows].sum())}
        figures.update({name: _score(table, d, lang) for name, d in decisions.items()})
        figures["gain_span_features"] = round(figures["with_span_features"] - figures["paragraph_head"], 4)
        figures["gain_span_features_and_vectors"] = round(
            figures["with_span_features_and_vectors"] - figures["paragraph_head"], 4
        )
        shares = {
            name: article_shares(table, variants[name], decisions[name], lang, span_share)
            for name in ("paragraph_head", "with_span_features_and_vectors")
        }
        figures["persuasion"] = {name: rank_correlations(*found) for name, found in shares.items()}
        scale[lang] = paragraph_scale(*shares["with_span_features_and_vectors"])
        found = shares["with_span_features_and_vectors"]
        standing[lang] = paragraph_standing(found[0])
        stood = Standing.from_dict(standing[lang])(found[0])  # as the v3 scorer maps P
        figures["persuasion"]["standing"] = rank_correlations(stood, *found[1:])  # the same order
        report["languages"][lang] = figures
        log(f"{lang}: {json.dumps(figures)}")
    if out is not None:
        head = fit_head(
            x_e[covered],
            x_v[covered],
            table.y[covered],
            with_vectors,
            table,
            settings=report["evidence"],
            min_positives=minimum,
            seed=seed,
        )
        head.to_disk(out / FILE_NAME)
        report["shipped"] = {
            "file": str(out / FILE_NAME),
            "paragraphs": int(covered.sum()),
            "thresholds": sorted(head.thresholds),
        }
        log(f"evidence head written to {out / FILE_NAME} ({int(covered.sum())} paragraphs)")
    report["persuasion_scale"] = scale
    report["persuasion_standing"] = standing
    report["wall_s"] = round(time.perf_counter() - started, 1)
    report["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return report


def fit_head(
    features: np.ndarray,
    vectors: np.ndarray,
    targets: np.ndarray,
    mixed: np.ndarray,
    table: Any,
    *,
    settings: dict[str, float],
    min_positives: int,
    seed: int,
) -> SpanEvidenceHead:
    """The shipped evidence head: fitted on the out-of-fold ``features`` and ``vectors`` of every
    covered paragraph (``targets`` their techniques), with the thresholds of the mixed scores
    (``"fr+spans"``, ...) tuned for micro-F1 on the out-of-fold ``mixed`` scores of every row of
    ``table`` (the plain scores where a row has no evidence), as the paragraph head's are."""
    from unspun.models.span_evidence import THRESHOLD_SUFFIX
    from unspun.training.thresholds import tune_thresholds

    head = fit_span_evidence_head(
        features,
        targets,
        SEMEVAL23_LABELS,
        c=settings["c"],
        share=settings["share"],
        languages=LANGUAGES,
        seed=seed,
        vectors=vectors,
        vector_c=settings["vector_c"],
        vector_share=settings["vector_share"],
    )
    head.span_labels = SEMEVAL23_LABELS
    limits = tune_thresholds(mixed, table.y, table.langs, min_positives=min_positives)
    head.thresholds = {f"{lang}{THRESHOLD_SUFFIX}": limits[lang] for lang in LANGUAGES if lang in limits}
    return head


def _write_map_card(path: Path, languages: object, target: str, binning: str, command: str) -> None:
    """A persuasion map file (``paragraph-scale.json`` or ``paragraph-standing.json``): each
    language's map, what it maps to, what it was fitted on (``binning`` says how) and the command."""
    card = {
        "languages": languages,
        "target": target,
        "fitted_on": "out-of-fold paragraph techniques (the shipped recipe with the multilingual span "
        "evidence) of the fr/de/it/pl/ru articles with span files, the span model's grouped folds; "
        + binning,
        "command": command,
    }
    path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    from unspun.paths import cache_dir, shared_data_dir
    from unspun.training.defaults import default_train_config

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the semeval2023 folder")
    parser.add_argument("--config", type=Path, default=default_train_config("article"))
    parser.add_argument(
        "--onnx",
        type=Path,
        default=Path(__file__).parents[1] / "data/models/spans-multilingual/e5-encoder-int8.onnx",
        help="the span model's encoder file (its folder's config.json gives layer and threshold)",
    )
    parser.add_argument(
        "--vectors",
        type=Path,
        default=None,
        help="the paragraph USE vector cache (default: in $UNSPUN_CACHE)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="keep intermediate results here (reused; default: beside the span model's CV run folder)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="write the evidence head into this model folder"
    )
    parser.add_argument("--report", type=Path, default=Path("reports/multilingual-paragraph-evidence.json"))
    parser.add_argument(
        "--scale-out",
        type=Path,
        default=None,
        help="write v2's per-language paragraph scale here "
        "(the shipped one: src/unspun/data/models/persuasion/paragraph-scale.json)",
    )
    parser.add_argument(
        "--standing-out",
        type=Path,
        default=None,
        help="write v3's per-language paragraph standing here "
        "(the shipped one: src/unspun/data/models/persuasion/paragraph-standing.json)",
    )
    args = parser.parse_args(argv)
    given = list(argv) if argv is not None else sys.argv[1:]
    command = " ".join(["python -m unspun.training.multilingual_paragraphs", *given])
    load = [round(x, 2) for x in os.getloadavg()]
    report = measure(
        args.data or shared_data_dir() / "semeval2023",
        config=args.config,
        onnx=args.onnx,
        vectors=args.vectors or cache_dir() / "semeval2023-usem3-vectors.npz",
        work=args.work,
        out=args.out,
    )
    report = {"command": command, "load_before": load, **report}
    if args.scale_out is not None:
        _write_map_card(
            args.scale_out,
            report["persuasion_scale"],
            "mean percentile rank of an article's gold paragraph share (SemEval-2023 subtask 3) "
            "and gold span share (subtask 3 span files) among its language's training articles, the "
            "English fit's target",
            f"{SCALE_BINS} quantile bins of P, adjacent violators pooled",
            command,
        )
    if args.standing_out is not None:
        _write_map_card(
            args.standing_out,
            report["persuasion_standing"],
            "the standing of an article's P among its language's annotated articles: the share "
            "of them whose out-of-fold P is lower, as the English score's standing map "
            "(unspun.PersuasionScorer.v3); (0, 0) for no technique decided, (1, 1) at the top",
            "quantiles of P every 5% (unspun.training.persuasion_fit.fit_standing)",
            command,
        )
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(copy.deepcopy(report), indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
