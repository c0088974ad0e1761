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
    ``out_dir``; return the report. ``files`` maps ``train`` (and ``dev_test``) to CheckThat! files.

    Works in ``$UNSPUN_CACHE/runs/checkworthy-finetune-<digest>`` (recipe, seed, data); a stopped
    run resumes after its last finished epoch; ``fresh`` starts over. ``validate_epochs`` validates
    only the first that many of the recipe's epochs (a shorter run; the final model is trained for
    the best of them). Raises :class:`unspun.errors.RunLockedError`, :class:`ConfigError`,
    :class:`ModelError`."""
    recipe = Recipe.from_config(config.get("finetune", {}))
    if seed is not None:
        recipe = replace(recipe, seed=seed)
    rows = {name: read_checkthat(path) for name, path in files.items()}
    identity = {
        "recipe": asdict(recipe),
        "data": {n: [r.id + r.text + str(r.label) for r in rs] for n, rs in sorted(rows.items())},
    }
    folder = run_folder("checkworthy-finetune", identity)
    extra = {n: rs for n, rs in rows.items() if n == "dev_test"}
    with open_run(
        folder, fresh=fresh, about={"job": "unspun train checkworthy", "recipe": asdict(recipe)}, log=log
    ) as run:
        report: dict[str, Any] = {"task": "checkworthy", "recipe": asdict(recipe)}
        report["validation"] = validate(rows["train"], recipe, run, extra, validate_epochs)
        atomic_write_json(run.path("validation.json"), report["validation"])
        log(
            f"later debates F1(Yes) {report['validation']['late_f1']} (epoch {report['validation']['chosen_epoch']})"
        )
        if validate_only:
            return report
        epochs = int(report["validation"]["chosen_epoch"])
        a, b, threshold = held_out_calibration(rows["train"], recipe, run, epochs)
        # One unit per schedule: a final model of 1 epoch is not the first epoch of one of 2 (the
        # learning rate decays over the whole schedule), so it is never resumed as that.
        tokenizer, network = fit(labelled(rows["train"]), recipe, run, f"final{epochs}/", epochs=epochs)
        runtime = {
            "task": "checkworthy",
            "encoder": recipe.encoder,
            "max_length": recipe.max_length,
            "threshold": threshold,
            "calibration": {"a": a, "b": b},
            "epochs": epochs,
        }
        report.update(threshold=threshold, calibration={"a": a, "b": b}, epochs=epochs)
        check = [r.text for r in (*rows.get("dev_test", []), *split_debates(rows["train"], recipe)["late"])]

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
    its ``[data]`` table names under ``data_dir`` (``train``; ``dev_test`` when given)."""
    from unspun.training.train_whosays import _data_file, load_config

    config = load_config(config_path)
    files = {
        n: _data_file(Path(data_dir), rel) for n, rel in config["data"].items() if n in ("train", "dev_test")
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
