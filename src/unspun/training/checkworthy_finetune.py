"""Check-worthiness by a fine-tuned sentence encoder (``[finetune]`` in the checkworthy recipe).

A small encoder (MiniLM-L6 by default) with a two-class head is fine-tuned on CheckThat! 2024
English sentences, each sentence alone, by :mod:`unspun.training.finetune` (a checkpoint per epoch
in a run folder, so a stopped run resumes after its last finished epoch).

Validation first (:func:`validate`): the last ``late_debates`` debates by id are held out (they
behave like the official test: other topics, later years); the ``inner_debates`` debates before
them choose the epoch, the Platt calibration and the threshold; the encoder is fitted on the
debates before those. The shipped model (:func:`fine_tune_checkworthy`) is then fitted on every
training debate for the chosen number of epochs, calibrated and thresholded on the validation
model's scores of the held-out debates, exported to int8 ONNX and checked against its fp32 scores.

With ``validate_on = "dev_test"`` the later debates the data has are learnt from too: the
validation model is fitted on every file of ``[data]`` but dev-test (train and dev: the 33 training
debates) and dev-test (later debates, like the official test) chooses its epoch, calibration and
threshold (:func:`validate_on_dev_test`); the shipped model is then fitted on all of them, dev-test
included (each of its sentences ``later_weight`` times), with that calibration and threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from unspun.errors import ConfigError
from unspun.models.linear_head import sigmoid
from unspun.models.sentence_classifier import SentenceClassifier
from unspun.tasks.checkthat import (
    THRESHOLDS,
    YES,
    CheckworthyRow,
    best_threshold,
    debate_groups,
    f1_yes,
    read_checkthat,
)
from unspun.training.calibration import fit_platt
from unspun.training.finetune import Labelled, Tuning, epoch_scores, fit, ship
from unspun.training.runs import Run, atomic_write_json, open_run, run_folder

Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Recipe(Tuning):
    """The ``[finetune]`` section of the checkworthy recipe (every key optional): the shared
    fine-tuning keys (:class:`~unspun.training.finetune.Tuning`) and the validation split's."""

    late_debates: int = 3
    inner_debates: int = 3
    # "late_debates": validate on the last training debates, ship a model of train alone;
    # "dev_test": validate on dev-test, ship a model of every [data] file (dev-test included).
    validate_on: str = "late_debates"
    later_weight: int = 1  # times the shipped model sees each dev-test sentence ("dev_test" only)

    def __post_init__(self) -> None:
        if self.validate_on not in VALIDATIONS:
            raise ConfigError(
                f"[finetune] validate_on is {self.validate_on!r}; use one of {list(VALIDATIONS)}"
            )
        if self.later_weight < 1:
            raise ConfigError(f"[finetune] later_weight is {self.later_weight}; use a whole number >= 1")


VALIDATIONS = ("late_debates", "dev_test")


def labelled(rows: Sequence[CheckworthyRow]) -> Labelled:
    """Sentences with 0/1 labels (1: check-worthy)."""
    return Labelled([r.text for r in rows], np.array([r.label == YES for r in rows], dtype=int))


def _scores(run: Run, unit: str, epoch: int) -> dict[str, np.ndarray]:
    """The Yes-minus-No logits kept after ``epoch`` (runs before the n-class fit kept them as such)."""
    return {n: z[:, 1] - z[:, 0] if z.ndim == 2 else z for n, z in epoch_scores(run, unit, epoch).items()}


def split_debates(rows: Sequence[CheckworthyRow], recipe: Recipe) -> dict[str, list[CheckworthyRow]]:
    """``fit`` / ``inner`` / ``late`` rows: the last ``late_debates`` debates by id, the
    ``inner_debates`` before them, and the earlier ones."""
    debates = np.array(debate_groups([r.id for r in rows]))
    last = int(debates.max())
    late_from = last + 1 - recipe.late_debates
    inner_from = late_from - recipe.inner_debates
    parts: dict[str, list[CheckworthyRow]] = {"fit": [], "inner": [], "late": []}
    for row, d in zip(rows, debates, strict=True):
        parts["late" if d >= late_from else "inner" if d >= inner_from else "fit"].append(row)
    if not all(parts.values()):
        raise ConfigError("too few debates for the late / inner split; lower late_debates or inner_debates")
    return parts


def validate(
    train: Sequence[CheckworthyRow],
    recipe: Recipe,
    run: Run,
    extra: Mapping[str, Sequence[CheckworthyRow]],
    epochs: int | None = None,
) -> dict[str, Any]:
    """Fit on the early debates; per epoch, calibrate and threshold on the inner debates and score
    the late ones (and each of ``extra``, e.g. dev-test). The chosen epoch is the best on inner;
    ``epochs`` validates only the first that many of the recipe's epochs."""
    parts = split_debates(train, recipe)
    sets = {name: labelled(rows) for name, rows in {**parts, **extra}.items()}
    scored = [name for name in sets if name != "fit"]
    epochs = recipe.epochs if epochs is None else min(epochs, recipe.epochs)
    fit(sets["fit"], recipe, run, "validate/", evals={n: sets[n].texts for n in scored}, stop_after=epochs)
    per_epoch = []
    for epoch in range(1, epochs + 1):
        logits = _scores(run, "validate/", epoch)
        y_inner = sets["inner"].labels
        a, b = fit_platt(sigmoid(logits["inner"]), y_inner)
        p = {n: sigmoid(a * logits[n] + b) for n in scored}
        t = best_threshold(y_inner, p["inner"])
        row: dict[str, Any] = {"epoch": epoch, "calibration": {"a": a, "b": b}, "threshold": t}
        for n in scored:
            row[f"{n}_f1"] = round(f1_yes(sets[n].labels, p[n], t), 4)
            row[f"{n}_f1_by_threshold"] = {
                f"{u:.2f}": round(f1_yes(sets[n].labels, p[n], u), 4) for u in THRESHOLDS
            }
        per_epoch.append(row)
    chosen = max(per_epoch, key=lambda r: r["inner_f1"])
    return {
        "sentences": {n: len(s.texts) for n, s in sets.items()},
        "epochs": per_epoch,
        "chosen_epoch": chosen["epoch"],
        "late_f1": chosen["late_f1"],
    }


def cross_fitted_f1(ids: Sequence[str], logits: np.ndarray, y: np.ndarray) -> float:
    """F1(Yes) of ``logits`` where each half of the sentences (the earlier and the later ids) is
    calibrated and thresholded on the other half: a figure of a split that also chose the
    calibration and the threshold, without scoring a sentence by a choice made on it."""
    order = np.argsort([int(i) if i.strip().isdigit() else 0 for i in ids], kind="stable")
    halves = (order[: len(order) // 2], order[len(order) // 2 :])
    decided = np.zeros(len(y), dtype=float)
    for mine, other in (halves, halves[::-1]):
        a, b = fit_platt(sigmoid(logits[other]), y[other])
        t = best_threshold(y[other], sigmoid(a * logits[other] + b))
        decided[mine] = sigmoid(a * logits[mine] + b) >= t
    return f1_yes(y, decided, 0.5)


def validate_on_dev_test(
    rows: Mapping[str, Sequence[CheckworthyRow]], recipe: Recipe, run: Run, epochs: int | None = None
) -> dict[str, Any]:
    """Fit on every set of ``rows`` but ``dev_test`` (the training debates); per epoch, calibrate
    and threshold on dev-test (later debates) and score it there (``dev_test_f1``, the choice made
    on the same sentences) and cross-fitted (``dev_test_cross_f1``: :func:`cross_fitted_f1`, the
    figure to believe). The chosen epoch is the best cross-fitted one."""
    if "dev_test" not in rows:
        raise ConfigError('validate_on = "dev_test" needs a dev_test file in [data]')
    fitted = [r for name, part in rows.items() if name != "dev_test" for r in part]
    held = labelled(rows["dev_test"])
    ids = [r.id for r in rows["dev_test"]]
    epochs = recipe.epochs if epochs is None else min(epochs, recipe.epochs)
    fit(labelled(fitted), recipe, run, "validate/", evals={"dev_test": held.texts}, stop_after=epochs)
    per_epoch = []
    for epoch in range(1, epochs + 1):
        z = _scores(run, "validate/", epoch)["dev_test"]
        a, b = fit_platt(sigmoid(z), held.labels)
        p = sigmoid(a * z + b)
        t = best_threshold(held.labels, p)
        per_epoch.append(
            {
                "epoch": epoch,
                "calibration": {"a": a, "b": b},
                "threshold": t,
                "dev_test_f1": round(f1_yes(held.labels, p, t), 4),
                "dev_test_cross_f1": round(cross_fitted_f1(ids, z, held.labels), 4),
                "dev_test_f1_by_threshold": {
                    f"{u:.2f}": round(f1_yes(held.labels, p, u), 4) for u in THRESHOLDS
                },
            }
        )
    chosen = max(per_epoch, key=lambda r: (r["dev_test_cross_f1"], r["dev_test_f1"]))
    return {
        "held_out": "dev_test",
        "sentences": {"fit": len(fitted), "dev_test": len(held.texts)},
        "epochs": per_epoch,
        "chosen_epoch": chosen["epoch"],
        "dev_test_f1": chosen["dev_test_f1"],
        "dev_test_cross_f1": chosen["dev_test_cross_f1"],
    }


def held_out_calibration(
    train: Sequence[CheckworthyRow], recipe: Recipe, run: Run, epoch: int
) -> tuple[float, float, float]:
    """Platt ``(a, b)`` and threshold from the validation model's scores (epoch ``epoch``) of the
    inner and late debates together: sentences no model of the run trained on."""
    parts = split_debates(train, recipe)
    logits = _scores(run, "validate/", epoch)
    z = np.concatenate([logits["inner"], logits["late"]])
    y = np.concatenate([labelled(parts["inner"]).labels, labelled(parts["late"]).labels])
    a, b = fit_platt(sigmoid(z), y)
    return a, b, best_threshold(y, sigmoid(a * z + b))


def fine_tune_checkworthy(
    config: Mapping[str, Any],
    files: Mapping[str, Path],
    out_dir: Path,
    *,
    seed: int | None = None,
    fresh: bool = False,
    validate_only: bool = False,
    validate_epochs: int | None = None,
    log: Say = print,
) -> dict[str, Any]:
    """The ``[finetune]`` recipe of ``unspun train checkworthy``: validate, then fit the shipped
    model on every training sentence and write it (ONNX, tokenizer, config, ``training.json``) to
    ``out_dir``; return the report. ``files`` maps ``train`` (and ``dev``, ``dev_test``) to
    CheckThat! files; with ``validate_on = "dev_test"`` the shipped model is fitted on all of them.

    Works in ``$UNSPUN_CACHE/runs/checkworthy-finetune-<digest>`` (recipe, seed, data); a stopped
    run resumes after its last finished epoch; ``fresh`` starts over. ``validate_epochs`` validates
    only the first that many of the recipe's epochs (a shorter run; the final model is trained for
    the best of them). Raises :class:`unspun.errors.RunLockedError`, :class:`ConfigError`,
    :class:`ModelError`."""
    recipe = Recipe.from_config(config.get("finetune", {}))
    if seed is not None:
        recipe = replace(recipe, seed=seed)
    rows = {name: read_checkthat(path) for name, path in files.items()}
    if "dev" in rows and recipe.validate_on != "dev_test":
        raise ConfigError('[data] names dev, which only validate_on = "dev_test" trains on; remove it')
    folder = run_folder("checkworthy-finetune", _identity(recipe, rows))
    with open_run(
        folder, fresh=fresh, about={"job": "unspun train checkworthy", "recipe": asdict(recipe)}, log=log
    ) as run:
        report: dict[str, Any] = {"task": "checkworthy", "recipe": asdict(recipe)}
        if recipe.validate_on == "dev_test":
            report["validation"] = validate_on_dev_test(rows, recipe, run, validate_epochs)
            said = f"dev-test F1(Yes) cross-fitted {report['validation']['dev_test_cross_f1']}"
        else:
            extra = {n: rs for n, rs in rows.items() if n == "dev_test"}
            report["validation"] = validate(rows["train"], recipe, run, extra, validate_epochs)
            said = f"later debates F1(Yes) {report['validation']['late_f1']}"
        atomic_write_json(run.path("validation.json"), report["validation"])
        log(f"{said} (epoch {report['validation']['chosen_epoch']})")
        if validate_only:
            return report
        epochs = int(report["validation"]["chosen_epoch"])
        if recipe.validate_on == "dev_test":
            chosen = report["validation"]["epochs"][epochs - 1]
            a, b = chosen["calibration"]["a"], chosen["calibration"]["b"]
            threshold = chosen["threshold"]
            training = [
                r
                for n, part in rows.items()
                for r in (list(part) * (recipe.later_weight if n == "dev_test" else 1))
            ]
            check = [r.text for r in rows["dev_test"]]
            report["dev_test_seen"] = True  # the shipped model trained on dev-test: not a held-out figure
        else:
            a, b, threshold = held_out_calibration(rows["train"], recipe, run, epochs)
            training = list(rows["train"])
            check = [
                r.text for r in (*rows.get("dev_test", []), *split_debates(rows["train"], recipe)["late"])
            ]
        # One unit per schedule: a final model of 1 epoch is not the first epoch of one of 2 (the
        # learning rate decays over the whole schedule), so it is never resumed as that.
        tokenizer, network = fit(labelled(training), recipe, run, f"final{epochs}/", epochs=epochs)
        runtime = {
            "task": "checkworthy",
            "encoder": recipe.encoder,
            "max_length": recipe.max_length,
            "threshold": threshold,
            "calibration": {"a": a, "b": b},
            "epochs": epochs,
        }
        report.update(threshold=threshold, calibration={"a": a, "b": b}, epochs=epochs)

        def dev_test(model: SentenceClassifier) -> dict[str, float]:
            y = labelled(rows["dev_test"]).labels
            return {
                "dev_test_f1": round(
                    f1_yes(y, model.probabilities([r.text for r in rows["dev_test"]]), threshold), 4
                )
            }

        ship(
            run,
            network,
            tokenizer,
            runtime,
            report,
            out_dir,
            quantize=recipe.quantize,
            check=check,
            score=dev_test if "dev_test" in rows else None,
        )
    return report


def _identity(recipe: Recipe, rows: Mapping[str, Sequence[CheckworthyRow]]) -> dict[str, Any]:
    """What names the run folder: the recipe and the data. The keys added with ``validate_on``
    are left out at their defaults, so the run folders of earlier recipes keep their digest."""
    kept = asdict(recipe)
    if recipe.validate_on == "late_debates" and recipe.later_weight == 1:
        del kept["validate_on"], kept["later_weight"]
    return {
        "recipe": kept,
        "data": {n: [r.id + r.text + str(r.label) for r in rs] for n, rs in sorted(rows.items())},
    }


def train_checkworthy_finetune(
    config_path: Path,
    data_dir: Path,
    out_dir: Path,
    *,
    seed: int | None = None,
    fresh: bool = False,
    validate_only: bool = False,
    validate_epochs: int | None = None,
    log: Say = print,
) -> dict[str, Any]:
    """:func:`fine_tune_checkworthy` of the recipe file ``config_path`` over the CheckThat! files
    its ``[data]`` table names under ``data_dir`` (``train``; ``dev`` and ``dev_test`` when given)."""
    from unspun.training.train_whosays import _data_file, load_config

    config = load_config(config_path)
    files = {
        n: _data_file(Path(data_dir), rel)
        for n, rel in config["data"].items()
        if n in ("train", "dev", "dev_test")
    }
    return fine_tune_checkworthy(
        config,
        files,
        Path(out_dir),
        seed=seed,
        fresh=fresh,
        validate_only=validate_only,
        validate_epochs=validate_epochs,
        log=log,
    )
