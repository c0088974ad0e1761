"""Cross-validation fold models of a span recipe, trained once into the cache and reused.

The folds are those of ``benchmarks/ptc.py`` (:func:`fold_split`): by default grouped, so that
near-duplicate articles (the same story re-published: :mod:`unspun.training.grouping`) share a
fold, otherwise dealt as :func:`unspun.tasks.ptc.make_folds` deals them (article ids sorted
numerically, shuffled with the fold seed, dealt round-robin; ``grouping="random"`` gives exactly
that, the split of fold caches made before grouping); fold ``k``'s model is trained with the
recipe on every other fold.

The models live in a run folder (:mod:`unspun.training.runs`),
``$UNSPUN_CACHE/runs/<recipe>-folds-<key>/fold<k>``, where the key is a digest of the resolved
recipe, the fold split and the corpus's content, so a changed recipe or corpus never reuses a
stale model. A fold model counts as trained once its stamp (``fold.json``) is in its folder, which
is renamed into place whole; a run stopped halfway keeps the finished folds, and the fold it was
training resumes from its last epoch checkpoint. Fold models of the earlier layout,
``$UNSPUN_CACHE/ptc-folds/<recipe>-<key>/fold<k>`` (key: recipe and split), are read where they
are: a stamped fold there counts as trained and is not trained again.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unspun.errors import ConfigError
from unspun.paths import cache_dir
from unspun.tasks.ptc import list_article_ids, make_folds
from unspun.training.runs import Run, atomic_dir, atomic_write_json, data_identity, open_run

GROUPINGS = ("near-duplicates", "random")
DEFAULT_GROUPING = "near-duplicates"
STAMP = "fold.json"
# Measured: the shipped 4-epoch MiniLM recipe trains a fold (247 articles) in about 20 minutes on
# 2 CPU cores, about 1.2 s per article and epoch. An estimate, said as one.
SECONDS_PER_ARTICLE_EPOCH_CPU = 1.2


@dataclass(frozen=True, slots=True)
class FoldPlan:
    """The fold models of one recipe on one corpus: where they go and what each trains on."""

    config_path: Path
    data_dir: Path
    held_out: list[list[str]]  # article ids held out of fold k's training
    overrides: dict[str, Any]
    work: Path
    legacy: Path | None = None  # the same folds' folder in the earlier layout (ptc-folds/), read only

    def model_dir(self, k: int) -> Path:
        """Fold ``k``'s model folder: in the run folder, or in the earlier layout where it was
        trained there (and not here)."""
        mine = self.work / f"fold{k}"
        if self.legacy is not None and not (mine / STAMP).is_file():
            old = self.legacy / f"fold{k}"
            if (old / STAMP).is_file():
                return old
        return mine

    def train_ids(self, k: int) -> list[str]:
        return [i for j, fold in enumerate(self.held_out) if j != k for i in fold]

    def is_trained(self, k: int) -> bool:
        return (self.model_dir(k) / STAMP).is_file()

    def missing(self) -> list[int]:
        """The folds whose model is not trained yet."""
        return [k for k in range(len(self.held_out)) if not self.is_trained(k)]

    def estimate_seconds(self, k: int) -> float:
        """A rough CPU estimate of training fold ``k`` (articles x epochs x a measured rate)."""
        from unspun.training.train_spans import load_config

        epochs = int(load_config(self.config_path, self.overrides)["training"].get("epochs", 1))
        return SECONDS_PER_ARTICLE_EPOCH_CPU * len(self.train_ids(k)) * epochs


def fold_split(data_dir: Path, folds: int, seed: int, grouping: str = DEFAULT_GROUPING) -> list[list[str]]:
    """The held-out article ids of each fold of the PTC folder ``data_dir``.

    ``"near-duplicates"`` (the default): :func:`unspun.training.grouping.ptc_grouped_folds`, each
    group of near-duplicates in one fold (the same deal as ``"random"`` when there are none);
    ``"random"``: :func:`unspun.tasks.ptc.make_folds`. Raises :class:`ConfigError` for another
    ``grouping`` and ``InputNotFoundError`` for a missing folder.
    """
    if grouping == "random":
        return make_folds(list_article_ids(Path(data_dir)), folds, seed)
    if grouping == "near-duplicates":
        from unspun.training.grouping import ptc_grouped_folds

        return ptc_grouped_folds(Path(data_dir), folds, seed)
    raise ConfigError(f"fold grouping {grouping!r} is unknown; use one of {', '.join(GROUPINGS)}")


def plan_folds(
    config_path: Path,
    data_dir: Path,
    *,
    folds: int = 3,
    seed: int = 13,
    overrides: Mapping[str, Any] | None = None,
    work: Path | None = None,
    grouping: str = DEFAULT_GROUPING,
) -> FoldPlan:
    """The :class:`FoldPlan` of ``config_path`` (+ ``overrides``) on the PTC folder ``data_dir``,
    its folds cut by :func:`fold_split` with ``grouping``.

    ``work`` defaults to a folder of the cache keyed by the recipe and the split. Raises
    :class:`ConfigError` for an unreadable recipe and ``InputNotFoundError`` for a missing folder.
    """
    from unspun.training.train_spans import load_config

    overrides = dict(overrides or {})
    held_out = fold_split(Path(data_dir), folds, seed, grouping)
    legacy = None
    if work is None:
        recipe = load_config(Path(config_path), overrides)
        key = json.dumps({"recipe": recipe, "folds": held_out}, sort_keys=True, default=str)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
        legacy = cache_dir() / "ptc-folds" / f"{Path(config_path).stem}-{digest}"
        key = json.dumps({"key": key, "data": data_identity(Path(data_dir))}, sort_keys=True)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
        work = cache_dir() / "runs" / f"{Path(config_path).stem}-folds-{digest}"
    return FoldPlan(Path(config_path), Path(data_dir), held_out, overrides, Path(work), legacy)


def train_fold_models(
    plan: FoldPlan,
    *,
    progress: bool = True,
    fresh: bool = False,
    log: Callable[[str], None] = print,
) -> list[Path]:
    """Train every fold model of ``plan`` that is not trained yet; return the fold folders.

    Works in the run folder ``plan.work`` under its lock: finished folds are kept, a fold stopped
    halfway resumes from its last epoch; ``fresh`` starts over (fold models of the earlier layout
    are then ignored too). Raises :class:`unspun.errors.RunLockedError` when another process
    trains there, and what :func:`unspun.training.train_spans.train_span_model` raises.
    """
    if fresh:
        plan = FoldPlan(plan.config_path, plan.data_dir, plan.held_out, plan.overrides, plan.work)
    with open_run(plan.work, fresh=fresh, about=_about(plan), log=log) as run:
        for k in range(len(plan.held_out)):
            if plan.is_trained(k):
                log(f"fold {k}: reusing the span model in {plan.model_dir(k)}")
                continue
            train_fold(plan, run, k, progress=progress, log=log)
            done = sum(plan.is_trained(j) for j in range(len(plan.held_out)))
            run.tell("folds", done, len(plan.held_out), seconds_per_unit=run.info(f"fold{k}").get("seconds"))
    return [plan.model_dir(k) for k in range(len(plan.held_out))]


def _about(plan: FoldPlan) -> dict[str, Any]:
    return {
        "job": "span fold models",
        "recipe": str(plan.config_path),
        "data": str(plan.data_dir),
        "overrides": plan.overrides,
        "held_out": plan.held_out,
    }


def train_fold(
    plan: FoldPlan,
    run: Run,
    k: int,
    *,
    overrides: Mapping[str, Any] | None = None,
    progress: bool = False,
    log: Callable[[str], None] = print,
) -> Path:
    """Train fold ``k``'s model of ``plan`` in the locked ``run`` (resuming from its last epoch
    checkpoint), write it whole into ``plan.work/fold<k>`` with its stamp, mark the unit
    ``fold<k>`` done and drop the epoch checkpoint. ``overrides`` replace the plan's for this
    training only (the benchmark keeps fold 0's fp32 export); the stamp records the plan's."""
    from unspun.training.train_spans import train_span_model

    target = plan.work / f"fold{k}"
    left = plan.estimate_seconds(k)
    log(
        f"fold {k} of {len(plan.held_out)}: training the span model on {len(plan.train_ids(k))} "
        f"articles (about {left / 60:.0f} min on 2 CPU cores, less on a GPU)"
    )
    started = time.perf_counter()
    with atomic_dir(target) as temp:
        train_span_model(
            plan.config_path,
            plan.data_dir,
            temp,
            articles=plan.train_ids(k),
            overrides=plan.overrides if overrides is None else overrides,
            progress=progress,
            run=run,
            unit=f"fold{k}-",
        )
        seconds = time.perf_counter() - started
        _write_stamp_in(temp, plan, k, seconds)
    run.mark_done(f"fold{k}", seconds=seconds)
    run.path(f"fold{k}-checkpoint.pt").unlink(missing_ok=True)
    log(f"fold {k}: trained in {seconds / 60:.1f} min")
    return target


def _write_stamp_in(folder: Path, plan: FoldPlan, k: int, seconds: float) -> None:
    stamp = {"fold": k, "held_out": plan.held_out[k], "overrides": plan.overrides, "seconds": seconds}
    atomic_write_json(folder / STAMP, stamp)


def write_stamp(plan: FoldPlan, k: int, seconds: float) -> None:
    """Mark fold ``k``'s model as trained (after the model itself is written): what it held out,
    the overrides and how long it took."""
    _write_stamp_in(plan.model_dir(k), plan, k, seconds)
