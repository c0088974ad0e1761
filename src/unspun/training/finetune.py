"""Fine-tuning a small encoder as an n-class sentence classifier, in a resumable run folder.

The shared part of the fine-tuned recipes (check-worthiness: :mod:`.checkworthy_finetune`, two
classes; target sentiment: :mod:`.target_sentiment_finetune`, three): a hub or local encoder
(MiniLM-L6 by default) with a fresh classification head, fine-tuned on texts alone (dynamic
padding, batches grouped by length). The run works in a run folder (:mod:`unspun.training.runs`)
with a checkpoint per epoch, so a stopped run resumes after its last finished epoch; each epoch's
logits of the evaluation texts are kept beside it. :func:`export` writes the ONNX folder that
:class:`~unspun.models.sentence_classifier.SentenceClassifier` runs without torch, and
:func:`agreement` checks it against the torch network.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Self

import numpy as np

from unspun.errors import ConfigError, ModelError
from unspun.models.sentence_classifier import FORMAT, SentenceClassifier
from unspun.training.runs import Run, atomic_dir, atomic_file, atomic_write_json

MINILM = "sentence-transformers/all-MiniLM-L6-v2"


@dataclass(frozen=True, slots=True)
class Tuning:
    """The ``[finetune]`` keys every fine-tuned recipe shares (every key optional)."""

    encoder: str = MINILM  # a hub name or a local HF folder
    epochs: int = 2
    batch_size: int = 32
    max_length: int = 96
    lr: float = 5e-5
    warmup: float = 0.1
    weight_decay: float = 0.01
    seed: int = 13
    threads: int = 2
    quantize: bool = True

    @classmethod
    def from_config(cls, section: Mapping[str, Any]) -> Self:
        """The recipe of a ``[finetune]`` table; :class:`ConfigError` names an unknown key."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(section) - known)
        if unknown:
            raise ConfigError(f"[finetune] has unknown key(s) {unknown}; known: {sorted(known)}")
        return cls(**dict(section))


@dataclass(frozen=True, slots=True)
class Labelled:
    """Texts with class indices as labels."""

    texts: list[str]
    labels: np.ndarray


def _torch(threads: int) -> Any:
    # Before OpenMP starts (torch's import): threads that sleep while they wait, not spin. On a
    # shared 2-core machine a spinning thread burns the core its partner needs: 4.92 against 1.35
    # CPU s a MiniLM batch of 32 at load 8 (same threads, same numbers). OMP_WAIT_POLICY overrides.
    if "torch" not in sys.modules:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    if threads:
        torch.set_num_threads(threads)
    return torch


def load_base(encoder: str, num_labels: int = 2) -> tuple[Any, Any]:
    """The tokenizer and a fresh ``num_labels``-class sequence classifier over ``encoder``."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from unspun.models.span_torch import resolve_base_model

    path = resolve_base_model(encoder)
    hf_logging.set_verbosity_error()  # "newly initialized classifier weights" is the point here
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        network = AutoModelForSequenceClassification.from_pretrained(path, num_labels=num_labels)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load the encoder {encoder!r} ({exc}); give a local HF folder") from exc
    return tokenizer, network


def encode(tokenizer: Any, texts: Sequence[str], max_length: int) -> list[list[int]]:
    """The word-piece ids of each text, truncated to ``max_length``."""
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


def class_logits(
    network: Any, encoded: Sequence[Sequence[int]], pad_id: int, batch_size: int = 64
) -> np.ndarray:
    """``(n, classes)`` logits of each encoded text (the network in eval mode)."""
    import torch

    network.eval()
    order = sorted(range(len(encoded)), key=lambda k: len(encoded[k]))
    out = np.zeros((len(encoded), int(network.config.num_labels)), dtype=np.float32)
    with torch.no_grad():
        for first in range(0, len(order), batch_size):
            rows = order[first : first + batch_size]
            ids, mask = _pad([encoded[k] for k in rows], pad_id)
            logits = network(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits
            out[rows] = logits.numpy()
    return out


def fit(
    data: Labelled,
    recipe: Tuning,
    run: Run,
    unit: str,
    *,
    classes: int = 2,
    evals: Mapping[str, Sequence[str]] | None = None,
    epochs: int | None = None,
    stop_after: int | None = None,
    keep_epochs: bool = False,
) -> tuple[Any, Any]:
    """Fine-tune a ``classes``-class classifier on ``data`` for ``epochs`` (the recipe's by default)
    in ``run``; return the tokenizer and the network. Each finished epoch leaves
    ``<unit>checkpoint.pt`` and, by the network of that epoch, ``<unit>scores-epoch<k>.npz``
    (the ``(n, classes)`` logits of each of ``evals``); a call that finds them goes on after the
    last finished epoch, as if never stopped. ``stop_after`` stops after that many epochs (of a
    schedule still made for ``epochs``). ``keep_epochs`` also keeps each epoch's checkpoint
    (``<unit>checkpoint-epoch<k>.pt``, for :func:`load_epoch`). Raises :class:`ModelError`."""
    torch = _torch(recipe.threads)
    epochs = recipe.epochs if epochs is None else epochs
    random.seed(recipe.seed)
    np.random.seed(recipe.seed)
    torch.manual_seed(recipe.seed)
    tokenizer, network = load_base(recipe.encoder, classes)
    pad_id = int(tokenizer.pad_token_id or 0)
    encoded = encode(tokenizer, data.texts, recipe.max_length)
    lengths = [len(r) for r in encoded]
    evals_encoded = {
        name: encode(tokenizer, texts, recipe.max_length) for name, texts in (evals or {}).items()
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
        scores = {name: class_logits(network, rows, pad_id) for name, rows in evals_encoded.items()}
        with atomic_file(run.path(f"{unit}scores-epoch{epoch + 1}.npz")) as handle:
            np.savez(handle, **scores)  # type: ignore[arg-type]  # numpy types **kwds as allow_pickle
        _save_epoch(run, unit, epoch, network, optimizer, schedule, rng, keep=keep_epochs)
        run.tell(f"{unit}epochs", epoch + 1, epochs, (time.perf_counter() - started) / (epoch + 1 - first))
    network.eval()
    return tokenizer, network


def _save_epoch(
    run: Run,
    unit: str,
    epoch: int,
    network: Any,
    optimizer: Any,
    schedule: Any,
    rng: Any,
    *,
    keep: bool = False,
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
    for name in (f"checkpoint-epoch{epoch + 1}.pt", "checkpoint.pt") if keep else ("checkpoint.pt",):
        with atomic_file(run.path(unit + name)) as handle:
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


def load_epoch(recipe: Tuning, run: Run, unit: str, epoch: int, classes: int = 2) -> tuple[Any, Any]:
    """The tokenizer and the network of epoch ``epoch`` of ``unit``, kept by :func:`fit` with
    ``keep_epochs``. Raises :class:`ModelError` when that checkpoint is missing or unreadable."""
    import torch

    _torch(recipe.threads)
    tokenizer, network = load_base(recipe.encoder, classes)
    path = run.path(f"{unit}checkpoint-epoch{epoch}.pt")
    try:
        state = torch.load(path, map_location="cpu", weights_only=False)
    except (OSError, RuntimeError) as exc:
        raise ModelError(f"cannot read the checkpoint {path} ({exc}); start over with --fresh") from exc
    network.load_state_dict(state["network"])
    network.eval()
    return tokenizer, network


def epoch_scores(run: Run, unit: str, epoch: int) -> dict[str, np.ndarray]:
    """The logits :func:`fit` kept for each evaluation set after epoch ``epoch`` of ``unit``."""
    with np.load(run.path(f"{unit}scores-epoch{epoch}.npz")) as data:
        return {name: data[name] for name in data.files}


def export(
    network: Any, tokenizer: Any, out: Path, config: Mapping[str, Any], *, quantize: bool = True
) -> None:
    """Write ``model.onnx`` (int8 when ``quantize``), ``tokenizer.json`` and ``config.json``.

    A BERT-style graph is fused (:func:`~unspun.models.span_torch.fuse_onnx`), then its skip layer
    norms are split back into ``Add`` + ``LayerNormalization`` and ``config.json`` says so
    (:mod:`unspun.models.onnx_graph`: the fused kernel is the slower one on CPU)."""
    import torch

    from unspun.models.onnx_graph import UNFUSED_KEY, unfuse_skip_layer_norm_file
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
    written = dict(config)
    if getattr(network.config, "model_type", "") in FUSABLE_MODEL_TYPES:  # one Attention node a layer
        fuse_onnx(
            fp32, fp32, heads=int(network.config.num_attention_heads), width=int(network.config.hidden_size)
        )
        # the fused skip layer norm is the slow kernel on CPU: split back (16% less CPU a sentence)
        if unfuse_skip_layer_norm_file(fp32, fp32):
            written[UNFUSED_KEY] = True
    if quantize:
        quantize_onnx(fp32, out / "model.onnx")
        fp32.unlink()
    else:
        fp32.replace(out / "model.onnx")
    tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))
    (out / "config.json").write_text(
        json.dumps({**written, "format": FORMAT}, indent=2) + "\n", encoding="utf-8"
    )


def ship(
    run: Run,
    network: Any,
    tokenizer: Any,
    runtime: Mapping[str, Any],
    report: dict[str, Any],
    out_dir: Path,
    *,
    quantize: bool,
    check: Sequence[str],
    score: Callable[[SentenceClassifier], Mapping[str, Any]] | None = None,
) -> None:
    """Export the final ``network`` with its ``runtime`` config into the run's ``model/`` unit
    (written whole or not at all), add to ``report`` the int8 / fp32 :func:`agreement` on the
    ``check`` texts and what ``score`` says of the exported model, write it there as
    ``training.json``, and copy the unit to ``out_dir``."""
    with atomic_dir(run.path("model")) as temp:
        export(network, tokenizer, temp, runtime, quantize=quantize)
        report["int8_agreement"] = agreement(network, tokenizer, temp, check)
        if score is not None:
            report.update(score(SentenceClassifier.from_disk(temp)))
        atomic_write_json(temp / "training.json", report)
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(run.path("model"), out_dir, dirs_exist_ok=True)


def agreement(network: Any, tokenizer: Any, folder: Path, texts: Sequence[str]) -> dict[str, Any]:
    """How the exported model in ``folder`` agrees with the torch network on ``texts``: the largest
    and mean gap of the calibrated probabilities, and the share of same decisions (by the
    folder's own rule: :meth:`SentenceClassifier.decide`)."""
    model = SentenceClassifier.from_disk(folder)
    encoded = encode(tokenizer, texts, model.max_length)
    torch_p = model.calibrated(class_logits(network, encoded, int(tokenizer.pad_token_id or 0)))
    onnx_p = model.calibrated(model.class_logits(texts))
    return {
        "sentences": len(texts),
        "max_abs_diff": round(float(np.abs(torch_p - onnx_p).max()), 4),
        "mean_abs_diff": round(float(np.abs(torch_p - onnx_p).mean()), 4),
        "decision_agreement": round(float((model.decide(torch_p) == model.decide(onnx_p)).mean()), 4),
    }


# The tasks with a fine-tuned recipe: their trainer's module and function.
TRAINERS = {
    "checkworthy": ("unspun.training.checkworthy_finetune", "train_checkworthy_finetune"),
    "target-sentiment": ("unspun.training.target_sentiment_finetune", "train_target_sentiment_finetune"),
}


def finetune_trainer(task: str, config_path: Path) -> Callable[..., dict[str, Any]] | None:
    """The trainer of ``unspun train TASK`` when ``task`` has a fine-tuned recipe and the recipe at
    ``config_path`` has a ``[finetune]`` table (``None`` otherwise: e.g. the frozen-feature heads
    of :mod:`.train_whosays`). Each is called ``(config_path, data_dir, out_dir, *, seed, fresh,
    log)`` and works in its own run folder. Raises :class:`ConfigError` for an unreadable recipe."""
    import importlib

    from unspun.training.train_whosays import load_config

    if task not in TRAINERS or "finetune" not in load_config(config_path):
        return None
    module, function = TRAINERS[task]
    trainer: Callable[..., dict[str, Any]] = getattr(importlib.import_module(module), function)
    return trainer
