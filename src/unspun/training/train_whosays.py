"""Training of the check-worthiness, target-sentiment and entity-role heads (``unspun train
checkworthy|target-sentiment|entity-roles``), each from a TOML config in ``unspun/configs``.

Every task: encode the corpus once with the span model (features cached in
``$UNSPUN_CACHE/whosays`` by corpus file and encoder digest), cross-validate the heads on the
training data (folds grouped by sentence or article), fit them on all of it, write the model
folder (:class:`~unspun.whosays.heads.HeadModel`) and return the measured figures, which also go
to ``training.json`` in the folder.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from unspun.errors import ConfigError, ModelError
from unspun.models.linear_head import LinearHead, fit_linear_head, sigmoid
from unspun.tasks.checkthat import NO, THRESHOLDS, YES, best_threshold, debate_groups, f1_yes, read_checkthat
from unspun.tasks.entity_roles import ALL_FINE_ROLES, MAIN_ROLES, RoleMention, read_documents, read_roles
from unspun.tasks.newsmtsc import SENTIMENTS, TargetRow, iter_targets, read_rows
from unspun.tasks.whosays_scorer import score_entity_roles, score_target_sentiment
from unspun.training.calibration import fit_platt_logits, reliability_report, top_class_ece
from unspun.whosays.encoding import TokenStates, block_rows, default_encoder, encode_texts, sentence_states
from unspun.whosays.heads import HeadModel

Say = Callable[[str], None]


def _quiet(_: str) -> None:
    """The default log: say nothing."""


def load_config(path: str | Path) -> dict[str, Any]:
    """Read a training config (TOML); raise :class:`ConfigError` for a missing or bad file."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read the training config {path} ({exc}); check the file") from exc


def _data_file(data_dir: Path, relative: str) -> Path:
    path = data_dir / relative
    if not path.exists():
        raise ConfigError(
            f"training data {path} not found; pass --data (the whosays/ folder) or fix the config"
        )
    return path


def _encoder_digest() -> str:
    model = default_encoder()
    if model.path is None:
        return "memory"
    from unspun.models.packaged import folder_digest

    return folder_digest(Path(model.path))


def cached_features(
    name: str, sources: Sequence[Path], compute: Callable[[], np.ndarray], *, cache: Path | None
) -> np.ndarray:
    """``compute()``, or its cached result for the same source files and encoder."""
    if cache is None:
        return compute()
    digest = hashlib.sha256(_encoder_digest().encode())
    for source in sources:
        digest.update(
            source.read_bytes()
            if source.is_file()
            else str(sorted(p.name for p in source.iterdir())).encode()
        )
    path = cache / "whosays" / f"{name}-{digest.hexdigest()[:16]}.npy"
    if path.is_file():
        return np.load(path)
    features = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, features)
    return features


def _chunks(texts: Sequence[str], size: int, log: Say, what: str) -> list[TokenStates]:
    out: list[TokenStates] = []
    for start in range(0, len(texts), size):
        out.extend(encode_texts(texts[start : start + size]))
        if (start // size) % 20 == 0:
            log(f"encoded {min(start + size, len(texts))}/{len(texts)} {what}")
    return out


def _folds(groups: Sequence[Any], k: int, seed: int) -> list[np.ndarray]:
    """``k`` folds of row indices; rows of one group stay together (groups shuffled by ``seed``)."""
    unique = sorted(set(groups), key=str)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(unique))
    fold_of = {unique[j]: i % k for i, j in enumerate(order)}
    assignment = np.array([fold_of[g] for g in groups])
    return [np.flatnonzero(assignment == f) for f in range(k)]


def head_config(config: dict[str, Any]) -> tuple[list[str], float, int, int]:
    model = config.get("model", {})
    try:
        return (
            list(model["blocks"]),
            float(model.get("c", 1.0)),
            int(model.get("folds", 5)),
            int(model.get("seed", 13)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"the config's [model] section needs blocks, c, folds and seed ({exc})") from exc


def _write(out_dir: Path, model: HeadModel, report: dict[str, Any]) -> dict[str, Any]:
    model.to_disk(out_dir)
    (Path(out_dir) / "training.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


# -- check-worthiness -----------------------------------------------------------------------------

# Platt scaling of the held-out Yes logits all but unregularised (thousands of sentences, two parameters).
_PLATT_C = 1e6


def _yes_logits(head: LinearHead, x: np.ndarray) -> np.ndarray:
    scores = np.clip(head.scores(x), 1e-7, 1 - 1e-7)
    yes = scores[:, head.labels.index(YES)]
    return np.log(yes / (1 - yes))


def _calibrated_head(head: LinearHead, a: float, b: float) -> LinearHead:
    """The head with Platt scaling folded in: the Yes column's logit becomes ``a * logit + b``."""
    yes, no = head.labels.index(YES), head.labels.index(NO)
    weights, bias = head.weights.copy(), head.bias.copy()
    # Two-class softmax: logit = (w_yes - w_no) x + (b_yes - b_no); keep No at zero.
    weights[:, yes] = a * (head.weights[:, yes] - head.weights[:, no])
    bias[yes] = a * (head.bias[yes] - head.bias[no]) + b
    weights[:, no], bias[no] = 0.0, 0.0
    return LinearHead(head.labels, weights, bias, head.mean, head.scale, multi_label=False)


def _f1_at(y: np.ndarray, p: np.ndarray, thresholds: Sequence[float]) -> dict[str, float]:
    return {f"{t:.2f}": f1_yes(y, p, t) for t in thresholds}


def _oof_logits(x: np.ndarray, y: np.ndarray, folds: Sequence[np.ndarray], c: float, seed: int) -> np.ndarray:
    """The Yes logit of each row from the head fitted without its fold."""
    labels = [NO, YES]
    oof = np.zeros(len(y))
    for fold in folds:
        train = np.setdiff1d(np.arange(len(y)), fold)
        head = fit_linear_head(
            x[train], [labels[v] for v in y[train]], labels, multi_label=False, c=c, seed=seed
        )
        oof[fold] = _yes_logits(head, x[fold])
    return oof


def train_checkworthy(
    config_path: Path,
    data_dir: Path,
    out_dir: Path,
    *,
    seed: int | None = None,
    cache: Path | None = None,
    log: Say = _quiet,
) -> dict[str, Any]:
    """Train the check-worthiness head on CheckThat! 2024 English; returns the measured figures.

    Validation follows the config's ``[validation] split``: ``"debate"`` (the default) keeps each
    debate's sentences in one fold (:func:`~unspun.tasks.checkthat.debate_groups`: other debates,
    other topics and years, as the official test comes), ``"random"`` cuts single sentences into
    folds (the earlier protocol, which the dev set shares and which overrates the head). The Platt
    calibration and, with ``threshold = "auto"``, the decision threshold (best F1 of the Yes class)
    come from that split's out-of-fold scores. Also measured: the last ``late_debates`` debates by
    id scored by a head fitted (and calibrated, its threshold chosen) on the earlier ones only, the
    random-sentence CV for comparison, and dev / dev-test with the head fitted on all of train."""
    config = load_config(config_path)
    blocks, c, k, config_seed = head_config(config)
    seed = config_seed if seed is None else seed
    files = {name: _data_file(data_dir, rel) for name, rel in config["data"].items()}
    validation = config.get("validation", {})
    split = str(validation.get("split", "debate"))
    if split not in ("debate", "random"):
        raise ConfigError(f"[validation] split must be 'debate' or 'random', got {split!r}")
    late_debates = int(validation.get("late_debates", 3))
    configured = config["model"].get("threshold", "auto")
    sets, ids = {}, {}
    for name, path in files.items():
        rows = read_checkthat(path)
        texts = [r.text for r in rows]

        def compute(texts: list[str] = texts) -> np.ndarray:
            states = _chunks(texts, 64, log, "sentences")
            return np.stack(
                [block_rows(s, [(0, len(t))], blocks)[0] for s, t in zip(states, texts, strict=True)]
            )

        x = cached_features(f"checkthat-{name}-{'-'.join(blocks)}", [path], compute, cache=cache)
        sets[name] = (x, np.array([r.label == YES for r in rows], dtype=int))
        ids[name] = [r.id for r in rows]
    x, y = sets["train"]
    debates = debate_groups(ids["train"])
    groups: Sequence[Any] = debates if split == "debate" else list(range(len(y)))
    log(f"validation: {split} folds over {len(set(debates))} debates")
    oof = _oof_logits(x, y, _folds(groups, k, seed), c, seed)
    a, b = fit_platt_logits(oof, y, c=_PLATT_C)
    calibrated_oof = sigmoid(a * oof + b)
    threshold = best_threshold(y, calibrated_oof) if configured == "auto" else float(configured)
    labels = [NO, YES]
    head = _calibrated_head(
        fit_linear_head(x, [labels[v] for v in y], labels, multi_label=False, c=c, seed=seed), a, b
    )
    report: dict[str, Any] = {
        "task": "checkworthy",
        "train_sentences": int(len(y)),
        "debates": len(set(debates)),
        "split": split,
        "folds": k,
        "threshold": threshold,
        "threshold_from": f"best F1 over {split} folds" if configured == "auto" else "config",
        "calibration": {"a": a, "b": b},
        "cv_f1_by_threshold": _f1_at(y, calibrated_oof, THRESHOLDS),
        "cv_reliability": reliability_report(calibrated_oof, y),
    }
    report["cv_f1"] = _f1_at(y, calibrated_oof, [threshold])[f"{threshold:.2f}"]
    other = "random" if split == "debate" else "debate"
    other_groups: Sequence[Any] = debates if other == "debate" else list(range(len(y)))
    other_oof = sigmoid(a * _oof_logits(x, y, _folds(other_groups, k, seed), c, seed) + b)
    report[f"{other}_cv_f1"] = _f1_at(y, other_oof, [threshold])[f"{threshold:.2f}"]
    late = np.array(debates) >= max(debates) + 1 - late_debates
    if late_debates and late.any() and (~late).any():
        early_x, early_y = x[~late], y[~late]
        early_groups = [g for g, is_late in zip(debates, late, strict=True) if not is_late]
        early_oof = _oof_logits(early_x, early_y, _folds(early_groups, k, seed), c, seed)
        ea, eb = fit_platt_logits(early_oof, early_y, c=_PLATT_C)
        early_t = best_threshold(early_y, sigmoid(ea * early_oof + eb)) if configured == "auto" else threshold
        early_head = fit_linear_head(
            early_x, [labels[v] for v in early_y], labels, multi_label=False, c=c, seed=seed
        )
        p_late = sigmoid(ea * _yes_logits(early_head, x[late]) + eb)
        report["late"] = {
            "debates": late_debates,
            "sentences": int(late.sum()),
            "threshold": early_t,
            "f1": _f1_at(y[late], p_late, [early_t])[f"{early_t:.2f}"],
            "f1_by_threshold": _f1_at(y[late], p_late, THRESHOLDS),
            "reliability": reliability_report(p_late, y[late]),
        }
    for name in ("dev", "dev_test"):
        if name in sets:
            xs, ys = sets[name]
            p = head.scores(xs)[:, 1]
            report[f"{name}_f1_by_threshold"] = _f1_at(ys, p, THRESHOLDS)
            report[f"{name}_f1"] = _f1_at(ys, p, [threshold])[f"{threshold:.2f}"]
            report[f"{name}_ece"] = reliability_report(p, ys)["ece"]
    report["all_yes_cv_f1"] = _f1_at(y, np.ones(len(y)), [0.5])["0.50"]
    model = HeadModel(
        config={
            "task": "checkworthy",
            "blocks": blocks,
            "threshold": threshold,
            "encoder": "ptc-minilm",
            "c": c,
            "validation": split,
        },
        heads={"checkworthy": head},
    )
    return _write(out_dir, model, report)


# -- target sentiment -----------------------------------------------------------------------------


def sentiment_features(
    path: Path,
    rows: Sequence[dict[str, Any]],
    targets: Sequence[TargetRow],
    blocks: Sequence[str],
    *,
    cache: Path | None,
    log: Say = _quiet,
) -> np.ndarray:
    """The head's feature rows of NewsMTSC ``targets`` (of ``rows``, read from ``path``): ``blocks``
    of the span model's states of each sentence encoded alone (cached by file and encoder)."""

    def compute() -> np.ndarray:
        states = _chunks([r["sentence_normalized"] for r in rows], 64, log, "sentences")
        return np.concatenate([block_rows(states[t.row], [(t.start, t.end)], blocks) for t in targets])

    return cached_features(f"newsmtsc-{'-'.join(blocks)}", [path], compute, cache=cache)


def train_target_sentiment(
    config_path: Path,
    data_dir: Path,
    out_dir: Path,
    *,
    seed: int | None = None,
    cache: Path | None = None,
    log: Say = _quiet,
) -> dict[str, Any]:
    """Train the target-sentiment head on NewsMTSC train (folds grouped by sentence)."""
    config = load_config(config_path)
    blocks, c, k, config_seed = head_config(config)
    seed = config_seed if seed is None else seed
    path = _data_file(data_dir, config["data"]["train"])
    rows = read_rows(path)
    targets = list(iter_targets(rows, labelled=True))
    x = sentiment_features(path, rows, targets, blocks, cache=cache, log=log)
    y = [t.sentiment or "" for t in targets]
    groups = [t.row for t in targets]
    oof: dict[str, str] = {}
    for fold in _folds(groups, k, seed):
        train = np.setdiff1d(np.arange(len(y)), fold)
        head = fit_linear_head(x[train], [y[i] for i in train], SENTIMENTS, multi_label=False, c=c, seed=seed)
        for i, row in zip(fold, head.scores(x[fold]), strict=True):
            oof[str(i)] = SENTIMENTS[int(np.argmax(row))]
    gold = {str(i): label for i, label in enumerate(y)}
    cv = score_target_sentiment(gold, oof)
    majority = max(SENTIMENTS, key=y.count)
    head = fit_linear_head(x, y, SENTIMENTS, multi_label=False, c=c, seed=seed)
    report = {
        "task": "target-sentiment",
        "train_targets": len(y),
        "folds": k,
        "cv": cv,
        "cv_macro_f1": cv["sentiment_macro_f1"],
        "majority_cv_macro_f1": score_target_sentiment(gold, {key: majority for key in gold})[
            "sentiment_macro_f1"
        ],
    }
    model = HeadModel(
        config={"task": "target-sentiment", "blocks": blocks, "encoder": "ptc-minilm", "c": c},
        heads={"sentiment": head},
    )
    return _write(out_dir, model, report)


# -- entity roles ---------------------------------------------------------------------------------


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return np.asarray(z - np.log(np.exp(z).sum(axis=1, keepdims=True)))


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Temperature and per-class bias ``(a, c)`` minimising the log loss of
    ``softmax(a * logits + c)`` on held-out ``logits`` ``(n, k)`` with class indices ``y``."""
    from scipy.optimize import minimize

    k = logits.shape[1]

    def loss(params: np.ndarray) -> float:
        z = _log_softmax(params[0] * logits + params[1:])
        return float(-z[np.arange(len(y)), y].mean())

    found = minimize(loss, np.r_[1.0, np.zeros(k)], method="L-BFGS-B")
    return float(found.x[0]), np.asarray(found.x[1:])


def _tempered_head(head: LinearHead, a: float, c: np.ndarray) -> LinearHead:
    """The head with its logits ``a * logit + c`` (temperature and bias folded into the weights)."""
    return LinearHead(
        head.labels, a * head.weights, a * head.bias + c, head.mean, head.scale, multi_label=False
    )


ROLE_THRESHOLDS = [round(0.3 + 0.025 * i, 3) for i in range(27)]


def role_thresholds(p: np.ndarray, y: np.ndarray, prior: np.ndarray) -> list[float]:
    """Per main role ``r``, the probability from which the role is given: the threshold on
    ``p[:, r]`` (where ``r`` is the most probable role) maximising the sum over the mentions given
    ``r`` of (1 if right) - ``prior[r]``, i.e. giving ``r`` only where it is right more often than
    the class prior says; 1.01 (never) where no threshold gains."""
    best = p.argmax(axis=1)
    out = []
    for r in range(p.shape[1]):
        gain, chosen = 0.0, 1.01
        for t in ROLE_THRESHOLDS:
            chosen_rows = (best == r) & (p[:, r] >= t)
            total = float(((y[chosen_rows] == r) - prior[r]).sum())
            if total > gain + 1e-9:
                gain, chosen = total, t
        out.append(chosen)
    return out


def _given(p: np.ndarray, thresholds: Sequence[float]) -> np.ndarray:
    """The role index given per row (-1: none) under per-role ``thresholds``."""
    best = p.argmax(axis=1)
    return np.where(p[np.arange(len(p)), best] >= np.asarray(thresholds)[best], best, -1)


def _role_sentiments(
    mentions: Sequence[RoleMention],
    texts: dict[str, str],
    annotations: Path,
    documents: Path,
    cache: Path | None,
    log: Say,
) -> np.ndarray:
    """``(n, 3)``: the target sentiment towards each mention's entity (the shipped sentiment model;
    :func:`unspun.training.whosays_predictions.role_sentiments`), cached by the data files and
    that model's digest."""
    from unspun.models.packaged import folder_digest, model_folder
    from unspun.pipeline.portrayal import SENTIMENT_MODEL
    from unspun.training.whosays_predictions import role_sentiments

    def compute() -> np.ndarray:
        log("target sentiment of the mentions")
        return role_sentiments(texts, mentions)

    digest = folder_digest(Path(model_folder(SENTIMENT_MODEL)))[:12]
    return cached_features(f"entity-roles-sentiment-{digest}", [annotations, documents], compute, cache=cache)


def train_entity_roles(
    config_path: Path,
    data_dir: Path,
    out_dir: Path,
    *,
    seed: int | None = None,
    cache: Path | None = None,
    log: Say = _quiet,
) -> dict[str, Any]:
    """Train the main-role and fine-role heads on SemEval-2025 Task 10 subtask 1 English (folds
    grouped by article; the config's ``context`` says whether a mention is seen in the whole
    article or in its sentence encoded alone); the fine head learns each mention's first fine role."""
    from unspun.pipeline.portrayal import ACTOR_DEPS, CAST_LEVEL, decide_roles
    from unspun.training.role_casting import abstention_figures, casting, entity_means, passing_given
    from unspun.training.role_features import (
        block_columns,
        fine_head,
        other_topic_figures,
    )
    from unspun.training.role_mix import as_prior, mix_figures, rule_figures, shift_folds, target_prior

    config = load_config(config_path)
    blocks, c, k, config_seed = head_config(config)
    seed = config_seed if seed is None else seed
    annotations = _data_file(data_dir, config["data"]["annotations"])
    documents = _data_file(data_dir, config["data"]["documents"])
    mentions = read_roles(annotations)
    texts = read_documents(documents, [m.article_id for m in mentions])
    ids = sorted(texts)

    context = str(config["model"].get("context", "sentence"))

    def compute() -> np.ndarray:
        rows = []
        for n, article_id in enumerate(ids):
            mine = [(m.start, m.end + 1) for m in mentions if m.article_id == article_id]
            if context == "article":
                rows.append(block_rows(encode_texts([texts[article_id]])[0], mine, blocks))
            else:
                rows.append(sentence_states([texts[article_id]])[0].rows(mine, blocks))
            if n % 50 == 0:
                log(f"encoded {n + 1}/{len(ids)} articles")
        by_article = dict(zip(ids, rows, strict=True))
        position = {article_id: 0 for article_id in ids}
        out = []
        for m in mentions:
            out.append(by_article[m.article_id][position[m.article_id]])
            position[m.article_id] += 1
        return np.stack(out)

    name = f"entity-roles-{context}-{'-'.join(blocks)}"
    x = cached_features(name, [annotations, documents], compute, cache=cache)
    # The heads may also read the target sentiment towards each mention's entity (three columns
    # after the blocks, weighted: sentiment_weight) and the fine head only some blocks (fine_blocks).
    width = x.shape[1]
    sentiment_weight = float(config["model"].get("sentiment_weight", 0.0))
    if sentiment_weight:
        x = np.hstack([x, _role_sentiments(mentions, texts, annotations, documents, cache, log)])
    column_weight = np.r_[np.ones(width), np.full(x.shape[1] - width, sentiment_weight)]
    fine_blocks = list(config["model"].get("fine_blocks", blocks))
    fine_c = float(config["model"].get("fine_c", c))
    fine_columns = block_columns(blocks, fine_blocks, width // len(blocks))
    main_y = [m.main_role or "" for m in mentions]
    fine_y = [m.fine_roles[0] for m in mentions]
    gold = {(m.article_id, m.start, m.end): (m.main_role, m.fine_roles) for m in mentions}
    report: dict[str, Any] = {"task": "entity-roles", "train_mentions": len(mentions), "folds": k}
    folds = _folds([m.article_id for m in mentions], k, seed)
    main_logits = np.zeros((len(mentions), len(MAIN_ROLES)))
    fine_oof = np.zeros((len(mentions), len(ALL_FINE_ROLES)))
    fold_heads: list[dict[str, LinearHead]] = []
    for fold in folds:
        train = np.setdiff1d(np.arange(len(mentions)), fold)
        fold_heads.append(
            {
                "main": fit_linear_head(
                    x[train],
                    [main_y[i] for i in train],
                    MAIN_ROLES,
                    multi_label=False,
                    c=c,
                    column_weight=column_weight,
                    seed=seed,
                ),
                "fine": fine_head(x[train], [fine_y[i] for i in train], fine_columns, fine_c, seed),
            }
        )
    for main_from in ("main", "fine"):
        pred = {}
        for fold, heads in zip(folds, fold_heads, strict=True):
            fold_model = HeadModel({"blocks": blocks, "main_from": main_from, "context": context}, heads)
            main_scores, fine_scores = heads["main"].scores(x[fold]), heads["fine"].scores(x[fold])
            main_logits[fold] = np.log(np.clip(main_scores, 1e-9, 1.0))
            fine_oof[fold] = fine_scores
            for i, ms, fs in zip(fold, main_scores, fine_scores, strict=True):
                roles = decide_roles(fold_model, ms, fs)
                m = mentions[i]
                pred[(m.article_id, m.start, m.end)] = (roles.main.name, [f.name for f in roles.fine])
        report[f"cv_main_from_{main_from}"] = score_entity_roles(gold, pred)
    main_from = str(config["model"].get("main_from", "main"))
    report["main_from"] = main_from
    report["cv_emr"] = report[f"cv_main_from_{main_from}"]["roles_emr"]
    majority_fine = max(set(fine_y), key=fine_y.count)
    majority_main = max(set(main_y), key=main_y.count)
    report["majority_cv_emr"] = score_entity_roles(
        gold, {key: (majority_main, [majority_fine]) for key in gold}
    )["roles_emr"]
    # Calibration and the decision rule, on the grouped folds' out-of-fold main-role scores
    # (main_logits hold the log-probabilities: a temperature and biases on them are a softmax of
    # the tempered head's logits). Measured cross-fitted: for each fold, the calibration and the
    # thresholds come from the other folds' out-of-fold scores.
    y = np.array([MAIN_ROLES.index(v) for v in main_y])
    majority = int(np.bincount(y, minlength=len(MAIN_ROLES)).argmax())
    decision = config.get("decision", {})
    passing: dict[str, Any] = {
        "min_mentions": int(decision.get("min_mentions", 1)),
        "types": list(decision.get("passing_types", ["GPE", "NORP", "LOC"])),
        "margin": float(decision.get("margin", 0.0)),
    }
    if decision.get("actor_deps"):
        passing["actor_deps"] = list(decision["actor_deps"])
    if decision.get("fewer_mentions"):
        passing["fewer_mentions"] = dict(decision["fewer_mentions"])
    if decision.get("against_tone"):
        passing["against_tone"] = dict(decision["against_tone"])
    if decision.get("needs_side"):
        passing["needs_side"] = dict(decision["needs_side"])
        passing["side_level"] = float(decision.get("side_level", CAST_LEVEL))
    raw = np.exp(_log_softmax(main_logits))
    calibrated, given = np.zeros_like(raw), np.full(len(y), -1)
    fold_thresholds = []
    for fold in folds:
        rest = np.setdiff1d(np.arange(len(y)), fold)
        a_rest, c_rest = fit_temperature(main_logits[rest], y[rest])
        p_rest = np.exp(_log_softmax(a_rest * main_logits[rest] + c_rest))
        prior = np.bincount(y[rest], minlength=len(MAIN_ROLES)) / len(rest)
        calibrated[fold] = np.exp(_log_softmax(a_rest * main_logits[fold] + c_rest))
        fold_thresholds.append(role_thresholds(p_rest, y[rest], prior))
        given[fold] = _given(calibrated[fold], fold_thresholds[-1])
    cast = casting(mentions, texts, passing.get("actor_deps", ACTOR_DEPS))
    given_rule = passing_given(calibrated, cast, fold_thresholds, folds, passing)
    report["main_role"] = {
        "prior": {
            r: round(float(v), 4)
            for r, v in zip(MAIN_ROLES, np.bincount(y, minlength=len(MAIN_ROLES)) / len(y), strict=True)
        },
        "majority_accuracy": round(float((y == majority).mean()), 4),
        "accuracy_raw": round(float((raw.argmax(axis=1) == y).mean()), 4),
        "accuracy_calibrated": round(float((calibrated.argmax(axis=1) == y).mean()), 4),
        "ece_raw": round(top_class_ece(raw, y), 4),
        "ece_calibrated": round(top_class_ece(calibrated, y), 4),
        "thresholds_rule": abstention_figures(y, given, majority),
        "thresholds_and_passing": abstention_figures(y, given_rule, majority),
        "given_by_role": {r: int((given == i).sum()) for i, r in enumerate(MAIN_ROLES)},
        "precision_by_role": {
            r: round(float((y[given == i] == i).mean()), 4) if (given == i).any() else None
            for i, r in enumerate(MAIN_ROLES)
        },
        "measured": "cross-fitted on the grouped folds (calibration and thresholds from the other folds)",
        "passing_measured": "role_given on the pipeline entity step's entities, probabilities averaged per entity",
    }
    # The main roles as scored on a test set with the target's mix (role_mix): the calibrated
    # probabilities as they are and moved to that mix (what `predict entity-roles` writes).
    train_prior = np.bincount(y, minlength=len(MAIN_ROLES)) / len(y)
    target = decision.get("target_prior") or dict(
        zip(MAIN_ROLES, target_prior(train_prior, 0.8).tolist(), strict=True)
    )
    report["mix"] = mix_figures(calibrated, fine_oof, y, [m.fine_roles for m in mentions], folds, target)
    moved = shift_folds(entity_means(calibrated, cast), y, folds, as_prior(target))
    report["mix"]["pipeline_rule"] = rule_figures(given_rule, moved, y, as_prior(target))
    report["mix"]["other_topic"] = other_topic_figures(
        x, y, [m.article_id for m in mentions], c, column_weight, seed, as_prior(target)
    )
    a_all, c_all = fit_temperature(main_logits, y)
    p_all = np.exp(_log_softmax(a_all * main_logits + c_all))
    thresholds = role_thresholds(p_all, y, np.bincount(y, minlength=len(MAIN_ROLES)) / len(y))
    report["calibration"] = {"temperature": a_all, "bias": [float(v) for v in c_all]}
    report["role_thresholds"] = dict(zip(MAIN_ROLES, thresholds, strict=True))
    heads = {
        "main": _tempered_head(
            fit_linear_head(
                x, main_y, MAIN_ROLES, multi_label=False, c=c, column_weight=column_weight, seed=seed
            ),
            a_all,
            c_all,
        ),
        "fine": fine_head(x, fine_y, fine_columns, fine_c, seed),
    }
    model = HeadModel(
        config={
            "task": "entity-roles",
            "blocks": blocks,
            "context": context,
            "main_from": main_from,
            "encoder": "ptc-minilm",
            "c": c,
            "sentiment_features": bool(sentiment_weight),
            "fine_blocks": fine_blocks,
            "role_thresholds": report["role_thresholds"],
            "passing": passing,
            "train_prior": report["mix"]["train_prior"],
            "target_prior": report["mix"]["target_prior"],
        },
        heads=heads,
    )
    return _write(out_dir, model, report)


TRAINERS: dict[str, Callable[..., dict[str, Any]]] = {
    "checkworthy": train_checkworthy,
    "target-sentiment": train_target_sentiment,
    "entity-roles": train_entity_roles,
}


def train_whosays(
    task: str, config_path: Path, data_dir: Path, out_dir: Path, **options: Any
) -> dict[str, Any]:
    """Train the model of ``task`` (a key of :data:`TRAINERS`). Raises ConfigError / ModelError."""
    if task not in TRAINERS:
        raise ConfigError(f"unknown task {task!r}; use one of {', '.join(TRAINERS)}")
    if "cache" not in options:
        from unspun.training.defaults import cache_dir

        options["cache"] = cache_dir()
    try:
        return TRAINERS[task](config_path, data_dir, out_dir, **options)
    except ImportError as exc:
        raise ModelError("training needs scikit-learn: pip install 'unspun[train]'") from exc
