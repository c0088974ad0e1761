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
from unspun.models.linear_head import LinearHead, fit_linear_head
from unspun.whosays.checkthat import NO, YES, read_checkthat
from unspun.whosays.encoding import TokenStates, default_encoder, encode_texts, sentence_states
from unspun.whosays.entity_roles import ALL_FINE_ROLES, MAIN_ROLES, read_documents, read_roles
from unspun.whosays.heads import HeadModel, block_rows
from unspun.whosays.newsmtsc import SENTIMENTS, iter_targets, read_rows
from unspun.whosays.scorers import score_checkworthy, score_entity_roles, score_target_sentiment

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


def _head_config(config: dict[str, Any]) -> tuple[list[str], float, int, int]:
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


def _calibrate(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling: ``a, b`` with ``P(yes) = sigmoid(a * logit + b)`` fitted on held-out logits."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1e6, max_iter=1000).fit(logits[:, None], y)
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])


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
    ids = [str(i) for i in range(len(y))]
    gold = {i: YES if t else NO for i, t in zip(ids, y, strict=True)}
    out = {}
    for t in thresholds:
        scores = score_checkworthy(gold, {i: YES if q >= t else NO for i, q in zip(ids, p, strict=True)})
        out[f"{t:.2f}"] = float(scores["checkworthy_f1"])  # type: ignore[arg-type]
    return out


def train_checkworthy(
    config_path: Path,
    data_dir: Path,
    out_dir: Path,
    *,
    seed: int | None = None,
    cache: Path | None = None,
    log: Say = _quiet,
) -> dict[str, Any]:
    """Train the check-worthiness head on CheckThat! 2024 English; returns the measured figures
    (k-fold CV on train, and dev / dev-test with the head fitted on all of train)."""
    config = load_config(config_path)
    blocks, c, k, config_seed = _head_config(config)
    seed = config_seed if seed is None else seed
    files = {name: _data_file(data_dir, rel) for name, rel in config["data"].items()}
    threshold = float(config["model"].get("threshold", 0.5))
    sets = {}
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
    x, y = sets["train"]
    labels = [NO, YES]
    oof = np.zeros(len(y))
    for fold in _folds(list(range(len(y))), k, seed):
        train = np.setdiff1d(np.arange(len(y)), fold)
        head = fit_linear_head(
            x[train], [labels[v] for v in y[train]], labels, multi_label=False, c=c, seed=seed
        )
        oof[fold] = _yes_logits(head, x[fold])
    a, b = _calibrate(oof, y)
    calibrated_oof = 1 / (1 + np.exp(-(a * oof + b)))
    grid = [round(0.2 + 0.05 * i, 2) for i in range(9)]
    head = _calibrated_head(
        fit_linear_head(x, [labels[v] for v in y], labels, multi_label=False, c=c, seed=seed), a, b
    )
    report: dict[str, Any] = {
        "task": "checkworthy",
        "train_sentences": int(len(y)),
        "folds": k,
        "threshold": threshold,
        "calibration": {"a": a, "b": b},
        "cv_f1_by_threshold": _f1_at(y, calibrated_oof, grid),
    }
    report["cv_f1"] = _f1_at(y, calibrated_oof, [threshold])[f"{threshold:.2f}"]
    for name in ("dev", "dev_test"):
        if name in sets:
            xs, ys = sets[name]
            p = head.scores(xs)[:, 1]
            report[f"{name}_f1_by_threshold"] = _f1_at(ys, p, grid)
            report[f"{name}_f1"] = _f1_at(ys, p, [threshold])[f"{threshold:.2f}"]
    report["all_yes_cv_f1"] = _f1_at(y, np.ones(len(y)), [0.5])["0.50"]
    model = HeadModel(
        config={
            "task": "checkworthy",
            "blocks": blocks,
            "threshold": threshold,
            "encoder": "ptc-minilm",
            "c": c,
        },
        heads={"checkworthy": head},
    )
    return _write(out_dir, model, report)


# -- target sentiment -----------------------------------------------------------------------------


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
    blocks, c, k, config_seed = _head_config(config)
    seed = config_seed if seed is None else seed
    path = _data_file(data_dir, config["data"]["train"])
    rows = read_rows(path)
    targets = list(iter_targets(rows, labelled=True))

    def compute() -> np.ndarray:
        states = _chunks([r["sentence_normalized"] for r in rows], 64, log, "sentences")
        return np.concatenate([block_rows(states[t.row], [(t.start, t.end)], blocks) for t in targets])

    x = cached_features(f"newsmtsc-{'-'.join(blocks)}", [path], compute, cache=cache)
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
    from unspun.pipeline.portrayal import decide_roles

    config = load_config(config_path)
    blocks, c, k, config_seed = _head_config(config)
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
    main_y = [m.main_role or "" for m in mentions]
    fine_y = [m.fine_roles[0] for m in mentions]
    gold = {(m.article_id, m.start, m.end): (m.main_role, m.fine_roles) for m in mentions}
    report: dict[str, Any] = {"task": "entity-roles", "train_mentions": len(mentions), "folds": k}
    for main_from in ("main", "fine"):
        pred = {}
        for fold in _folds([m.article_id for m in mentions], k, seed):
            train = np.setdiff1d(np.arange(len(mentions)), fold)
            heads = {
                "main": fit_linear_head(
                    x[train], [main_y[i] for i in train], MAIN_ROLES, multi_label=False, c=c, seed=seed
                ),
                "fine": fit_linear_head(
                    x[train], [fine_y[i] for i in train], ALL_FINE_ROLES, multi_label=False, c=c, seed=seed
                ),
            }
            fold_model = HeadModel({"blocks": blocks, "main_from": main_from, "context": context}, heads)
            main_scores, fine_scores = heads["main"].scores(x[fold]), heads["fine"].scores(x[fold])
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
    heads = {
        "main": fit_linear_head(x, main_y, MAIN_ROLES, multi_label=False, c=c, seed=seed),
        "fine": fit_linear_head(x, fine_y, ALL_FINE_ROLES, multi_label=False, c=c, seed=seed),
    }
    model = HeadModel(
        config={
            "task": "entity-roles",
            "blocks": blocks,
            "context": context,
            "main_from": main_from,
            "encoder": "ptc-minilm",
            "c": c,
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
