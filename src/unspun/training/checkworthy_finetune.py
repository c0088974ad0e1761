"""Check-worthiness by a fine-tuned sentence encoder (``[finetune]`` in the checkworthy recipe).

A small encoder (MiniLM-L6 by default) with a two-class head is fine-tuned on CheckThat! 2024
English sentences, each sentence alone (dynamic padding, batches grouped by length). The run
works in a run folder (:mod:`unspun.training.runs`) with a checkpoint per epoch, so a stopped
run resumes after its last finished epoch.

Validation first (:func:`validate`): the last ``late_debates`` debates by id are held out (they
behave like the official test: other topics, later years); the ``inner_debates`` debates before
them choose the epoch, the Platt calibration and the threshold; the encoder is fitted on the
debates before those. The shipped model (:func:`fine_tune_checkworthy`) is then fitted on every
training debate for the chosen number of epochs, calibrated and thresholded on the validation
model's scores of the held-out debates, exported to int8 ONNX and checked against its fp32 scores.
"""

from __future__ import annotations

import json
import random
import shutil
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from unspun.errors import ConfigError, ModelError
from unspun.models.linear_head import sigmoid
from unspun.models.sentence_classifier import FORMAT, SentenceClassifier
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
from unspun.training.runs import Run, atomic_dir, atomic_file, atomic_write_json, open_run, run_folder

Say = Callable[[str], None]
MINILM = "sentence-transformers/all-MiniLM-L6-v2"


@dataclass(frozen=True, slots=True)
class Recipe:
    """The ``[finetune]`` section of the checkworthy recipe (every key optional)."""

    encoder: str = MINILM  # a hub name or a local HF folder
    epochs: int = 2
    batch_size: int = 32
    max_length: int = 96
    lr: float = 5e-5
    warmup: float = 0.1
    weight_decay: float = 0.01
    seed: int = 13
    threads: int = 2
    late_debates: int = 3
    inner_debates: int = 3
    quantize: bool = True

    @classmethod
    def from_config(cls, section: Mapping[str, Any]) -> Recipe:
        """The recipe of a ``[finetune]`` table; :class:`ConfigError` names an unknown key."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(section) - known)
        if unknown:
            raise ConfigError(f"[finetune] has unknown key(s) {unknown}; known: {sorted(known)}")
        return cls(**dict(section))


@dataclass(frozen=True, slots=True)
class Labelled:
    """Sentences with 0/1 labels (1: check-worthy)."""

    texts: list[str]
    labels: np.ndarray

    @classmethod
    def of(cls, rows: Sequence[CheckworthyRow]) -> Labelled:
        return cls([r.text for r in rows], np.array([r.label == YES for r in rows], dtype=int))


def _torch(threads: int) -> Any:
    import torch

    if threads:
        torch.set_num_threads(threads)
    return torch


def load_base(encoder: str) -> tuple[Any, Any]:
    """The tokenizer and a fresh two-class sequence classifier over ``encoder``."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from unspun.models.span_torch import resolve_base_model

    path = resolve_base_model(encoder)
    hf_logging.set_verbosity_error()  # "newly initialized classifier weights" is the point here
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        network = AutoModelForSequenceClassification.from_pretrained(path, num_labels=2)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load the encoder {encoder!r} ({exc}); give a local HF folder") from exc
    return tokenizer, network


def _encode(tokenizer: Any, texts: Sequence[str], max_length: int) -> list[list[int]]:
    return list(tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"])


def _pad(rows: Sequence[Sequence[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for k, row in enumerate(rows):
        ids[k, : len(row)] = row
        mask[k, : len(row)] = 1
    return ids, mask


def length_batches(lengths: Sequence[int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of row indices, each cut from a sorted pool of 50 batches' rows, so that
    a batch pads to about its own length (sentences vary from 3 to 90 word pieces)."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = size * 50
    out: list[list[int]] = []
    for first in range(0, len(order), pool):
        chunk = sorted(order[first : first + pool], key=lambda k: lengths[k])
        out += [chunk[j : j + size] for j in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


def yes_logits(
    network: Any, encoded: Sequence[Sequence[int]], pad_id: int, batch_size: int = 64
) -> np.ndarray:
    """The Yes-minus-No logit of each encoded sentence (the network in eval mode)."""
    import torch

    network.eval()
    order = sorted(range(len(encoded)), key=lambda k: len(encoded[k]))
    out = np.zeros(len(encoded), dtype=np.float32)
    with torch.no_grad():
        for first in range(0, len(order), batch_size):
            rows = order[first : first + batch_size]
            ids, mask = _pad([encoded[k] for k in rows], pad_id)
            logits = network(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits
            out[rows] = (logits[:, 1] - logits[:, 0]).numpy()
    return out


def fit(
    data: Labelled,
    recipe: Recipe,
    run: Run,
    unit: str,
    *,
    evals: Mapping[str, Sequence[str]] | None = None,
    epochs: int | None = None,
    stop_after: int | None = None,
) -> tuple[Any, Any]:
    """Fine-tune on ``data`` for ``epochs`` (the recipe's by default) in ``run``; return the
    tokenizer and the network. Each finished epoch leaves ``<unit>checkpoint.pt`` and, scored by
    the network of that epoch, ``<unit>scores-epoch<k>.npz`` (Yes logits of each of ``evals``);
    a call that finds them goes on after the last finished epoch, as if never stopped.
    ``stop_after`` stops after that many epochs (of a schedule still made for ``epochs``)."""
    torch = _torch(recipe.threads)
    epochs = recipe.epochs if epochs is None else epochs
    random.seed(recipe.seed)
    np.random.seed(recipe.seed)
    torch.manual_seed(recipe.seed)
    tokenizer, network = load_base(recipe.encoder)
    pad_id = int(tokenizer.pad_token_id or 0)
    encoded = _encode(tokenizer, data.texts, recipe.max_length)
    lengths = [len(r) for r in encoded]
    evals_encoded = {
        name: _encode(tokenizer, texts, recipe.max_length) for name, texts in (evals or {}).items()
    }
    per_epoch = (len(encoded) + recipe.batch_size - 1) // recipe.batch_size
    steps = max(1, epochs * per_epoch)
    warmup = max(1, int(recipe.warmup * steps))
    optimizer = torch.optim.AdamW(network.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup)))
    )
    rng = random.Random(recipe.seed)
    first = _resume(run, unit, epochs, network, optimizer, schedule, rng)
    labels = torch.from_numpy(np.asarray(data.labels, dtype=np.int64))
    loss_fn = torch.nn.CrossEntropyLoss()
    started = time.perf_counter()
    for epoch in range(first, min(epochs, stop_after or epochs)):
        network.train()
        batches = length_batches(lengths, recipe.batch_size, rng)
        for step, batch in enumerate(batches, start=1):
            ids, mask = _pad([encoded[k] for k in batch], pad_id)
            logits = network(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits
            loss = loss_fn(logits, labels[batch])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            if step % 100 == 0:
                run.log(f"{unit}epoch {epoch + 1}: step {step}/{len(batches)}, loss {loss.item():.3f}")
        scores = {name: yes_logits(network, rows, pad_id) for name, rows in evals_encoded.items()}
        with atomic_file(run.path(f"{unit}scores-epoch{epoch + 1}.npz")) as handle:
            np.savez(handle, **scores)  # type: ignore[arg-type]  # numpy types **kwds as allow_pickle
        _save_epoch(run, unit, epoch, network, optimizer, schedule, rng)
        run.tell(f"{unit}epochs", epoch + 1, epochs, (time.perf_counter() - started) / (epoch + 1 - first))
    network.eval()
    return tokenizer, network


def _save_epoch(
    run: Run, unit: str, epoch: int, network: Any, optimizer: Any, schedule: Any, rng: Any
) -> None:
    import torch

    state = {
        "epoch": epoch,
        "network": network.state_dict(),
        "optimizer": optimizer.state_dict(),
        "schedule": schedule.state_dict(),
        "rng": rng.getstate(),
        "torch_rng": torch.get_rng_state(),
    }
    with atomic_file(run.path(f"{unit}checkpoint.pt")) as handle:
        torch.save(state, handle)
    run.mark_done(f"{unit}epoch{epoch + 1}")


def _resume(run: Run, unit: str, epochs: int, network: Any, optimizer: Any, schedule: Any, rng: Any) -> int:
    """Load the last finished epoch's checkpoint; return the epoch to start from (0: none)."""
    import torch

    done = [k for k in range(1, epochs + 1) if run.is_done(f"{unit}epoch{k}")]
    if not done:
        return 0
    path = run.path(f"{unit}checkpoint.pt")
    try:
        state = torch.load(path, map_location="cpu", weights_only=False)
    except (OSError, RuntimeError) as exc:
        raise ModelError(f"cannot read the checkpoint {path} ({exc}); start over with --fresh") from exc
    if state["epoch"] + 1 != done[-1]:
        raise ModelError(f"the checkpoint {path} is not of epoch {done[-1]}; start over with --fresh")
    network.load_state_dict(state["network"])
    optimizer.load_state_dict(state["optimizer"])
    schedule.load_state_dict(state["schedule"])
    rng.setstate(state["rng"])
    torch.set_rng_state(state["torch_rng"])
    run.log(f"{unit}resuming after epoch {done[-1]} of {epochs} ({path})")
    return done[-1]


def _scores(run: Run, unit: str, epoch: int) -> dict[str, np.ndarray]:
    with np.load(run.path(f"{unit}scores-epoch{epoch}.npz")) as data:
        return {name: data[name] for name in data.files}


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
    sets = {name: Labelled.of(rows) for name, rows in {**parts, **extra}.items()}
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
    y = np.concatenate([Labelled.of(parts["inner"]).labels, Labelled.of(parts["late"]).labels])
    a, b = fit_platt(sigmoid(z), y)
    return a, b, best_threshold(y, sigmoid(a * z + b))


def export(
    network: Any, tokenizer: Any, out: Path, config: Mapping[str, Any], *, quantize: bool = True
) -> None:
    """Write ``model.onnx`` (int8 when ``quantize``), ``tokenizer.json`` and ``config.json``."""
    import torch

    from unspun.models.span_torch import FUSABLE_MODEL_TYPES, fuse_onnx, quantize_onnx

    network.eval()
    dummy = torch.ones((1, 8), dtype=torch.long)
    fp32 = out / "model-fp32.onnx"

    class _Logits(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).logits

    attention = network.config._attn_implementation
    network.set_attn_implementation("eager")
    # The TorchScript exporter warns that it is the legacy one, and tracing warns about
    # shape-dependent branches in transformers; batch and sequence stay dynamic in the graph.
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Logits(network),
                (dummy, torch.ones_like(dummy)),
                str(fp32),
                input_names=["input_ids", "attention_mask"],
                output_names=["logits"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "sequence"},
                    "attention_mask": {0: "batch", 1: "sequence"},
                },
                opset_version=17,
                dynamo=False,
            )
    finally:
        network.set_attn_implementation(attention)
    if getattr(network.config, "model_type", "") in FUSABLE_MODEL_TYPES:  # one Attention node a layer
        fuse_onnx(
            fp32, fp32, heads=int(network.config.num_attention_heads), width=int(network.config.hidden_size)
        )
    if quantize:
        quantize_onnx(fp32, out / "model.onnx")
        fp32.unlink()
    else:
        fp32.replace(out / "model.onnx")
    tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))
    (out / "config.json").write_text(
        json.dumps({**config, "format": FORMAT}, indent=2) + "\n", encoding="utf-8"
    )


def agreement(
    network: Any, tokenizer: Any, folder: Path, texts: Sequence[str], threshold: float
) -> dict[str, Any]:
    """How the exported model in ``folder`` agrees with the torch network on ``texts``: the largest
    probability gap and the share of same decisions at ``threshold``."""
    model = SentenceClassifier.from_disk(folder)
    encoded = _encode(tokenizer, texts, model.max_length)
    a, b = model.calibration
    torch_p = sigmoid(a * yes_logits(network, encoded, int(tokenizer.pad_token_id or 0)) + b)
    onnx_p = model.probabilities(texts)
    return {
        "sentences": len(texts),
        "max_abs_diff": round(float(np.abs(torch_p - onnx_p).max()), 4),
        "mean_abs_diff": round(float(np.abs(torch_p - onnx_p).mean()), 4),
        "decision_agreement": round(float(((torch_p >= threshold) == (onnx_p >= threshold)).mean()), 4),
    }


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
        tokenizer, network = fit(Labelled.of(rows["train"]), recipe, run, f"final{epochs}/", epochs=epochs)
        runtime = {
            "task": "checkworthy",
            "encoder": recipe.encoder,
            "max_length": recipe.max_length,
            "threshold": threshold,
            "calibration": {"a": a, "b": b},
            "epochs": epochs,
        }
        report.update(threshold=threshold, calibration={"a": a, "b": b}, epochs=epochs)
        with atomic_dir(run.path("model")) as temp:
            export(network, tokenizer, temp, runtime, quantize=recipe.quantize)
            check = [
                r.text for r in (*rows.get("dev_test", []), *split_debates(rows["train"], recipe)["late"])
            ]
            report["int8_agreement"] = agreement(network, tokenizer, temp, check, threshold)
            if "dev_test" in rows:
                model = SentenceClassifier.from_disk(temp)
                y = Labelled.of(rows["dev_test"]).labels
                report["dev_test_f1"] = round(
                    f1_yes(y, model.probabilities([r.text for r in rows["dev_test"]]), threshold), 4
                )
            atomic_write_json(temp / "training.json", report)
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copytree(run.path("model"), out_dir, dirs_exist_ok=True)
    return report


def is_finetune_recipe(config_path: Path) -> bool:
    """Whether the checkworthy recipe at ``config_path`` has a ``[finetune]`` table."""
    from unspun.training.train_whosays import load_config

    return "finetune" in load_config(config_path)


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
