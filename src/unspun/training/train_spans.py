"""Train the span model (SI + TC multi-task) on a PTC folder and write a runtime model folder.

One shared MiniLM-style encoder feeds two heads: a token head tagging O/B/I over the merged gold
spans (SI) and a span head classifying each gold span from ``[h_start; h_end; mean(span);
features]`` (TC). The result is exported to ONNX (int8 if configured), with the TC head as numpy
weights, so that the runtime (:mod:`unspun.models.span_model`) needs no torch. Needs ``unspun[train]``.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from unspun.config import read_toml
from unspun.document import TECHNIQUE_LAYER, Article
from unspun.errors import ConfigError, ModelError
from unspun.models.decoding import char_to_tokens, span_features
from unspun.models.span_model import CHECKPOINT_CONFIG, FORMAT
from unspun.models.span_ngrams import FILE_NAME as NGRAMS_FILE
from unspun.models.span_ngrams import SpanNgramHead, fit_span_ngram_head
from unspun.models.span_words import FILE_NAME as WORDS_FILE
from unspun.models.span_words import WordTagHead, fit_word_tag_head
from unspun.models.windowing import make_windows
from unspun.tasks.ptc import read_ptc
from unspun.techniques import PTC14_LABELS
from unspun.training.distill import SoftTargets, soft_targets
from unspun.training.recipes import SpanRecipe, check_recipe
from unspun.training.runs import Run, atomic_file, data_identity, run_folder, train_once

IGNORE = -100
log = logging.getLogger(__name__)


@dataclass(slots=True)
class Window:
    """One training window: token ids, O/B/I tags, and the gold TC spans inside it."""

    ids: list[int]  # with [CLS] and [SEP]
    tags: list[int]  # IGNORE on [CLS] / [SEP]
    spans: list[tuple[int, int, int]]  # (first token, end token, label index or -1), window positions
    features: list[np.ndarray]
    soft_tags: np.ndarray | None = None  # (len(ids), 3) teacher O/B/I targets; zero rows on [CLS]/[SEP]
    soft_spans: list[np.ndarray | None] = field(default_factory=list)  # teacher TC targets per span


def _read_toml(config_path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """A config file, with the file its top-level ``base`` names (relative to it) read first and
    overridden key by key within each section."""
    config = read_toml(config_path, "training config")
    base = config.pop("base", None)
    if base is None:
        return config
    base_path = (Path(config_path).parent / base).resolve()
    if base_path in seen:
        raise ConfigError(f"{config_path}: `base = {base!r}` leads back to itself; remove the loop")
    merged = _read_toml(base_path, (*seen, base_path))
    for section, values in config.items():
        if isinstance(values, dict) and isinstance(merged.get(section), dict):
            merged[section] = {**merged[section], **values}
        else:
            merged[section] = values
    return merged


def parse_overrides(pairs: Sequence[str]) -> dict[str, Any]:
    """``SECTION.KEY=VALUE`` pairs -> dotted overrides (VALUE read as JSON when it parses, else
    kept as a string). Raises :class:`ConfigError` for a pair of another shape."""
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or "." not in key:
            raise ConfigError(f"--set wants SECTION.KEY=VALUE (e.g. training.epochs=2), got {pair!r}")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    return overrides


def load_config(config_path: Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Read a TOML training config; ``overrides`` maps dotted keys (``"training.epochs"``) to values.

    A config may start from another one: a top-level ``base = "ptc-minilm.toml"`` (relative to
    the file) reads that file first, and this file's keys replace its keys section by section.
    The result is checked against :class:`unspun.training.recipes.SpanRecipe` (an unknown or
    mistyped key, in the file or an override, raises :class:`ConfigError` naming it).
    """
    config = _read_toml(Path(config_path), (Path(config_path).resolve(),))
    for key, value in (overrides or {}).items():
        section, _, name = key.partition(".")
        config.setdefault(section, {})[name] = value
    return check_recipe(SpanRecipe, config, Path(config_path))


def tag_tokens(text: str, offsets: np.ndarray, spans: Sequence[tuple[int, int]]) -> list[int]:
    """O/B/I tags (0/1/2) of tokens over the union of ``spans`` (overlapping spans merged as in SI)."""
    inside = np.zeros(len(text) + 1, dtype=bool)
    begins = np.zeros(len(text) + 1, dtype=bool)
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in merged:
        inside[start:end] = True
        begins[start] = True
    tags: list[int] = []
    for s, e in offsets.tolist():
        if not inside[s:e].any():
            tags.append(0)
        elif not tags or tags[-1] == 0 or begins[s:e].any():
            tags.append(1)
        else:
            tags.append(2)
    return tags


def special_token_ids(tokenizer: Any) -> tuple[int, int]:
    """The ids that open and close a window: ``[CLS]``/``[SEP]`` (BERT-style tokenizers) or
    ``<s>``/``</s>`` (RoBERTa, MPNet). Raises :class:`ModelError` when the tokenizer has neither."""
    for first, last in (("[CLS]", "[SEP]"), ("<s>", "</s>")):
        cls_id, sep_id = tokenizer.token_to_id(first), tokenizer.token_to_id(last)
        if cls_id is not None and sep_id is not None:
            return int(cls_id), int(sep_id)
    raise ModelError(
        "the base model's tokenizer has neither [CLS]/[SEP] nor <s>/</s>; use a BERT- or RoBERTa-style encoder"
    )


def build_windows(
    articles: Sequence[Article],
    tokenizer: Any,
    config: dict[str, Any],
    *,
    soft: Mapping[str, SoftTargets] | None = None,
    unlabeled: frozenset[str] = frozenset(),
) -> list[Window]:
    """Cut each tokenised article into training windows with tags and gold TC spans.

    ``soft`` (article id -> teacher targets) adds distillation targets; articles whose id is in
    ``unlabeled`` get no hard tags and train TC only on the teacher's spans (label ``-1``).
    """
    size = int(config["model"]["max_tokens"]) - 2
    stride = int(config["training"]["train_stride"])
    cls_id, sep_id = special_token_ids(tokenizer)
    label_index = {label: i for i, label in enumerate(PTC14_LABELS)}
    windows: list[Window] = []
    for article in articles:
        enc = tokenizer.encode(article.text, add_special_tokens=False)
        if not enc.ids:
            continue
        offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
        targets = (soft or {}).get(article.id)
        if article.id in unlabeled:
            tags = [IGNORE] * len(enc.ids)
            spans = [(s, e, -1) for s, e in (targets.spans if targets else {})]
        else:
            gold = article.spans.get(TECHNIQUE_LAYER, [])
            tags = tag_tokens(article.text, offsets, [(s.start, s.end) for s in gold])
            spans = [(s.start, s.end, label_index[s.label]) for s in gold]
        ranges = make_windows(len(enc.ids), size, stride)
        mine: list[Window] = [
            Window([cls_id, *enc.ids[a:b], sep_id], [IGNORE, *tags[a:b], IGNORE], [], []) for a, b in ranges
        ]
        if targets is not None:
            for window, (a, b) in zip(mine, ranges, strict=True):
                window.soft_tags = np.zeros((b - a + 2, 3), dtype=np.float32)
                window.soft_tags[1:-1] = targets.tags[a:b]
        for start, end, label in spans:
            ta, tb = char_to_tokens(offsets, start, end)
            best = max(range(len(ranges)), key=lambda w: min(tb, ranges[w][1]) - max(ta, ranges[w][0]))
            a, b = ranges[best]
            lo, hi = max(ta, a), min(tb, b)
            if hi <= lo:
                continue
            mine[best].spans.append((lo - a + 1, hi - a + 1, label))
            mine[best].features.append(span_features(article.text, start, end))
            mine[best].soft_spans.append(targets.spans.get((start, end)) if targets is not None else None)
        windows.extend(mine)
    return windows


def train_span_model(
    config_path: Path,
    data_dir: Path,
    out_dir: Path,
    *,
    seed: int | None = None,
    articles: list[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    progress: bool = True,
    run: Run | None = None,
    unit: str = "",
) -> Path:
    """Train on the PTC folder ``data_dir`` (optionally only the article ids ``articles``) and write
    a runtime model folder to ``out_dir`` (config.json, tokenizer.json, model.onnx, tc_head.npz,
    MODEL_CARD.md, and the fp32 torch ``checkpoint/``). Returns ``out_dir``.

    With ``run`` (a locked :class:`unspun.training.runs.Run`), each finished epoch leaves a
    checkpoint ``<unit>checkpoint.pt`` (network, optimiser, schedule, every random state) and a
    marker ``<unit>epoch<k>`` in the run folder, and a call that finds them resumes after the last
    finished epoch, with the same result as a run that was never stopped (the caller removes the
    checkpoint once it has recorded the model as finished). ``seed`` overrides the config's seed. Raises
    :class:`ConfigError` for a bad config and :class:`ModelError` when the base model cannot be
    loaded or no training text is found.
    """
    import torch

    from unspun.models.span_torch import SpanNetwork, load_encoder, resolve_base_model

    config = load_config(Path(config_path), overrides)
    train_cfg = config["training"]
    seed = int(train_cfg.get("seed", 0) if seed is None else seed)
    train_cfg["seed"] = seed
    _seed_everything(seed)
    torch.set_num_threads(int(train_cfg.get("threads", 2)))

    docs = read_ptc(Path(data_dir), ids=articles)
    tokenizer = _load_tokenizer(resolve_base_model(config["model"]["base_model"]))
    soft, unlabeled = _teacher_targets(docs, tokenizer, config)
    windows = build_windows(
        docs + unlabeled, tokenizer, config, soft=soft, unlabeled=frozenset(a.id for a in unlabeled)
    )
    if not windows:
        raise ModelError(f"no training text found in {data_dir}; point to a PTC folder with articles")
    network = SpanNetwork(
        load_encoder(config["model"]["base_model"]), len(PTC14_LABELS), train_cfg["dropout"]
    )
    freeze_lower_layers(network, int(train_cfg.get("freeze_layers", 0)))
    _fit(network, windows, train_cfg, progress, distill=config.get("distill", {}), run=run, unit=unit)
    ngrams = fit_tc_ngrams(docs, config.get("tc_ngrams", {}))
    words = fit_si_words(docs, config.get("si_words", {}))
    return _write_model(
        network, tokenizer, config, Path(out_dir), n_articles=len(docs), ngrams=ngrams, words=words
    )


def fit_tc_ngrams(docs: Sequence[Article], settings: Mapping[str, Any]) -> SpanNgramHead | None:
    """The lexical TC head (``[tc_ngrams]``) trained on the gold spans of ``docs``; ``None`` when
    ``share`` is 0 or the spans hold fewer than two techniques."""
    share = float(settings.get("share", 0.0))
    spans = [(a.text[s.start : s.end], s.label) for a in docs for s in a.spans.get(TECHNIQUE_LAYER, [])]
    if share <= 0 or len({label for _, label in spans}) < 2:
        return None
    return fit_span_ngram_head(
        [text for text, _ in spans],
        [label for _, label in spans],
        PTC14_LABELS,
        c=float(settings.get("c", 16.0)),
        share=share,
    )


def fit_si_words(docs: Sequence[Article], settings: Mapping[str, Any]) -> WordTagHead | None:
    """The lexical SI head (``[si_words]``) trained on the gold spans of ``docs``; ``None`` when
    ``share`` is 0 or ``docs`` have no gold span."""
    share = float(settings.get("share", 0.0))
    spans = [[(s.start, s.end) for s in a.spans.get(TECHNIQUE_LAYER, [])] for a in docs]
    if share <= 0 or not any(spans):
        return None
    return fit_word_tag_head(
        [a.text for a in docs],
        spans,
        c=float(settings.get("c", 0.3)),
        min_count=int(settings.get("min_count", 2)),
        share=share,
    )


def read_unlabeled(folder: Path, limit: int = 0) -> list[Article]:
    """Articles ``article<ID>.txt`` of a folder without labels (ids prefixed ``unlabeled:``), in
    numeric id order; ``limit`` > 0 keeps the first ``limit``. Raises :class:`ConfigError` if none."""
    paths = sorted(Path(folder).glob("article*.txt"), key=lambda p: (len(p.stem), p.stem))
    if limit > 0:
        paths = paths[:limit]
    if not paths:
        raise ConfigError(
            f"no article<ID>.txt files in {folder}; set distill.unlabeled to a folder of articles"
        )
    out = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        if text.strip():
            out.append(
                Article(id=f"unlabeled:{path.stem[len('article') :]}", text=text, source_path=str(path))
            )
    return out


def _teacher_targets(
    docs: list[Article], tokenizer: Any, config: dict[str, Any]
) -> tuple[dict[str, SoftTargets] | None, list[Article]]:
    """Soft targets of the configured teacher for the labelled and unlabelled articles
    (``[distill]`` section); ``(None, [])`` when no teacher is configured."""
    distill = config.get("distill", {})
    if not distill.get("teacher"):
        if distill.get("unlabeled"):
            raise ConfigError("distill.unlabeled needs distill.teacher: a model that labels those articles")
        return None, []
    from unspun.models.span_model import load_span_model

    teacher = load_span_model(str(distill["teacher"]), threads=int(config["training"].get("threads", 2)))
    unlabeled = (
        read_unlabeled(Path(distill["unlabeled"]), int(distill.get("unlabeled_limit", 0)))
        if distill.get("unlabeled")
        else []
    )
    everything = docs + unlabeled
    unlabeled_ids = {a.id for a in unlabeled}
    started = time.perf_counter()
    soft: dict[str, SoftTargets] = {}
    chunk = 32
    for first in range(0, len(everything), chunk):
        part = everything[first : first + chunk]
        offsets = [_token_offsets(tokenizer, a.text) for a in part]
        gold = [
            None if a.id in unlabeled_ids else [(s.start, s.end) for s in a.spans.get(TECHNIQUE_LAYER, [])]
            for a in part
        ]
        for article, targets in zip(
            part,
            soft_targets(teacher, [a.text for a in part], offsets, PTC14_LABELS, gold_spans=gold),
            strict=True,
        ):
            soft[article.id] = targets
    log.info(
        "teacher %s: soft targets for %d labelled and %d unlabelled articles in %.0f s",
        distill["teacher"],
        len(docs),
        len(unlabeled),
        time.perf_counter() - started,
    )
    return soft, unlabeled


def _token_offsets(tokenizer: Any, text: str) -> np.ndarray:
    return np.asarray(tokenizer.encode(text, add_special_tokens=False).offsets, dtype=np.int64).reshape(-1, 2)


def freeze_lower_layers(network: Any, n_layers: int) -> None:
    """Freeze the embeddings and the first ``n_layers`` encoder layers (``0`` freezes nothing).

    On a CPU budget this skips their backward pass and optimiser updates (the embeddings hold
    about half of MiniLM's weights) while the upper layers and heads still adapt.
    """
    if n_layers <= 0:
        return
    encoder = network.encoder
    try:
        frozen = [encoder.embeddings, *encoder.encoder.layer[:n_layers]]
    except AttributeError as exc:
        raise ConfigError("freeze_layers needs a BERT-style encoder; set training.freeze_layers = 0") from exc
    for module in frozen:
        for parameter in module.parameters():
            parameter.requires_grad = False


def _fit(
    network: Any,
    windows: list[Window],
    cfg: dict[str, Any],
    progress: bool,
    *,
    distill: Mapping[str, Any],
    run: Run | None = None,
    unit: str = "",
) -> None:
    import torch
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
    from torch import nn

    epochs, batch_size = int(cfg["epochs"]), int(cfg["batch_size"])
    steps = epochs * ((len(windows) + batch_size - 1) // batch_size)
    heads = [p for n, p in network.named_parameters() if not n.startswith("encoder.")]
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for p in network.encoder.parameters() if p.requires_grad], "lr": float(cfg["lr"])},
            {"params": heads, "lr": float(cfg["head_lr"])},
        ],
        weight_decay=float(cfg["weight_decay"]),
    )
    warmup = max(1, int(float(cfg["warmup"]) * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / max(1, steps - warmup)))
    )
    device = training_device(str(cfg.get("device", "auto")))
    network.to(device)
    tag_loss = nn.CrossEntropyLoss(
        weight=torch.tensor(cfg["tag_weights"], dtype=torch.float32, device=device), ignore_index=IGNORE
    )
    tc_loss = nn.CrossEntropyLoss()
    tc_weight = float(cfg["tc_weight"])
    soft_weight = float(distill.get("soft_weight", 1.0))
    temperature = float(distill.get("temperature", 1.0))
    rng = random.Random(int(cfg["seed"]))
    first_epoch = 0
    if run is not None:
        first_epoch = _resume(run, unit, epochs, network, optimizer, schedule, rng)
    network.train()
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
    with Progress(*columns, TimeRemainingColumn(), disable=not progress) as bar:
        task = bar.add_task("training span model", total=steps, completed=first_epoch * (steps // epochs))
        started = time.perf_counter()
        for epoch in range(first_epoch, epochs):
            order = list(range(len(windows)))
            rng.shuffle(order)
            for first in range(0, len(order), batch_size):
                batch = [windows[i] for i in order[first : first + batch_size]]
                ids, mask, tags, spans, labels, feats, soft_tags, soft_spans = _on_device(
                    _collate(batch), device
                )
                logits, hidden = network(ids, mask)
                loss = logits.sum() * 0.0
                if (tags != IGNORE).any():
                    loss = loss + tag_loss(logits.reshape(-1, logits.shape[-1]), tags.reshape(-1))
                span_logits = network.span_logits(hidden, spans, feats) if len(labels) else None
                hard = labels >= 0
                if span_logits is not None and hard.any():
                    loss = loss + tc_weight * tc_loss(span_logits[hard], labels[hard])
                if soft_tags is not None:
                    loss = loss + soft_weight * soft_cross_entropy(logits, soft_tags, temperature)
                if span_logits is not None and soft_spans is not None:
                    loss = loss + soft_weight * tc_weight * soft_cross_entropy(
                        span_logits, soft_spans, temperature
                    )
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                bar.update(task, advance=1, description=f"epoch {epoch + 1}/{epochs} loss {loss.item():.3f}")
            log.info(
                "epoch %d/%d done at %.0f s, last loss %.3f",
                epoch + 1,
                epochs,
                time.perf_counter() - started,
                loss.item(),
            )
            if run is not None:
                _save_epoch(run, unit, epoch, order, network, optimizer, schedule, rng)
                run.tell(
                    f"{unit}epochs",
                    epoch + 1,
                    epochs,
                    (time.perf_counter() - started) / (epoch + 1 - first_epoch),
                )
    network.to("cpu")
    network.eval()


def _save_epoch(
    run: Run, unit: str, epoch: int, order: list[int], network: Any, optimizer: Any, schedule: Any, rng: Any
) -> None:
    """Checkpoint the end of ``epoch`` (0-based) atomically, then mark ``<unit>epoch<k>`` (1-based)
    done: everything a resumed run needs to go on as if never stopped."""
    import torch

    state = {
        "epoch": epoch,
        "order": order,
        "network": network.state_dict(),
        "optimizer": optimizer.state_dict(),
        "schedule": schedule.state_dict(),
        "rng": rng.getstate(),
        "python_rng": random.getstate(),
        "numpy_rng": np.random.get_state(),
        "torch_rng": torch.get_rng_state(),
        "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None,
    }
    with atomic_file(run.path(f"{unit}checkpoint.pt")) as handle:
        torch.save(state, handle)
    run.mark_done(f"{unit}epoch{epoch + 1}")


def _resume(run: Run, unit: str, epochs: int, network: Any, optimizer: Any, schedule: Any, rng: Any) -> int:
    """Load the checkpoint of the last finished epoch of ``unit`` into the training state; return
    the epoch to start from (0 when none is finished). Raises :class:`ModelError` when a marker
    says an epoch is done but its checkpoint is missing or of another epoch (use ``--fresh``)."""
    import torch

    done = [k for k in range(1, epochs + 1) if run.is_done(f"{unit}epoch{k}")]
    if not done:
        return 0
    path = run.path(f"{unit}checkpoint.pt")
    if not path.is_file():  # dropped once its model was finished, and that model is gone since
        run.log(f"{unit}no checkpoint of epoch {done[-1]} in {run.folder}; training from the first epoch")
        return 0
    try:
        state = torch.load(path, map_location="cpu", weights_only=False)
    except (OSError, RuntimeError) as exc:
        raise ModelError(f"cannot read the checkpoint {path} ({exc}); start over with --fresh") from exc
    if state["epoch"] + 1 != done[-1]:
        raise ModelError(
            f"the checkpoint {path} is of epoch {state['epoch'] + 1}, the run folder says {done[-1]}; "
            "start over with --fresh"
        )
    network.load_state_dict(state["network"])
    optimizer.load_state_dict(state["optimizer"])
    schedule.load_state_dict(state["schedule"])
    rng.setstate(state["rng"])
    random.setstate(state["python_rng"])
    np.random.set_state(state["numpy_rng"])
    torch.set_rng_state(state["torch_rng"])
    if state["cuda_rng"] is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda_rng"])
    run.log(f"{unit}resuming after epoch {done[-1]} of {epochs} (checkpoint {path})")
    return done[-1]


def training_device(name: str) -> str:
    """``"auto"``: ``"cuda"`` when torch sees a GPU, else ``"cpu"``; any other name as given."""
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f'training.device = {name!r} but torch sees no GPU; use "auto" or "cpu"')
    return name


def soft_cross_entropy(logits: Any, targets: Any, temperature: float = 1.0) -> Any:
    """Mean cross-entropy of ``logits`` (..., C) against teacher distributions ``targets`` (..., C),
    over the rows whose targets are not all zero, scaled by ``temperature**2`` (Hinton et al.)."""
    import torch

    logits = logits.reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1, targets.shape[-1])
    rows = targets.sum(dim=1) > 0
    if not rows.any():
        return logits.sum() * 0.0
    log_probs = torch.log_softmax(logits[rows] / temperature, dim=-1)
    return -(targets[rows] * log_probs).sum(dim=1).mean() * temperature**2


def _on_device(tensors: Sequence[Any], device: Any) -> tuple[Any, ...]:
    """The tensors moved to ``device`` (``None`` entries stay ``None``)."""
    return tuple(t.to(device) if t is not None else None for t in tensors)


def _collate(batch: Sequence[Window]) -> tuple[Any, ...]:
    """Tensors of a batch: ids, mask, tags, spans, labels, span features, and the teacher's soft
    tag and span targets (``None`` when no window of the batch has any)."""
    import torch

    width = max(len(w.ids) for w in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    tags = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    soft_tags = torch.zeros((len(batch), width, 3)) if any(w.soft_tags is not None for w in batch) else None
    spans, labels, feats, soft_spans = [], [], [], []
    for row, window in enumerate(batch):
        n = len(window.ids)
        ids[row, :n] = torch.tensor(window.ids)
        mask[row, :n] = 1
        tags[row, :n] = torch.tensor(window.tags)
        if soft_tags is not None and window.soft_tags is not None:
            soft_tags[row, :n] = torch.from_numpy(window.soft_tags)
        targets = window.soft_spans or [None] * len(window.spans)
        for (a, b, label), f, target in zip(window.spans, window.features, targets, strict=True):
            spans.append((row, a, b))
            labels.append(label)
            feats.append(f)
            soft_spans.append(target)
    span_t = torch.tensor(spans, dtype=torch.long).reshape(-1, 3)
    feat_t = torch.from_numpy(np.stack(feats)) if feats else torch.zeros((0, 1))
    soft_span_t = None
    if any(t is not None for t in soft_spans):
        width_tc = next(len(t) for t in soft_spans if t is not None)
        soft_span_t = torch.from_numpy(
            np.stack([t if t is not None else np.zeros(width_tc, dtype=np.float32) for t in soft_spans])
        )
    return ids, mask, tags, span_t, torch.tensor(labels, dtype=torch.long), feat_t, soft_tags, soft_span_t


def _write_model(
    network: Any,
    tokenizer: Any,
    config: dict[str, Any],
    out: Path,
    *,
    n_articles: int,
    ngrams: SpanNgramHead | None = None,
    words: WordTagHead | None = None,
) -> Path:
    from unspun.models.span_torch import save_checkpoint

    out.mkdir(parents=True, exist_ok=True)
    export = config.get("export", {})
    cls_id, sep_id = special_token_ids(tokenizer)
    runtime = {
        "format": FORMAT,
        "labels": list(PTC14_LABELS),
        "tags": ["O", "B", "I"],
        "base_model": config["model"]["base_model"],
        "max_tokens": int(config["model"]["max_tokens"]),
        "stride": int(config["model"]["stride"]),
        "batch_size": int(config["model"].get("batch_size", 16)),
        "threshold": float(config["decoding"]["threshold"]),
        "peak_threshold": float(config["decoding"].get("peak_threshold", config["decoding"]["threshold"])),
        "join_gap": int(config["decoding"]["join_gap"]),
        "min_chars": int(config["decoding"]["min_chars"]),
        "cls_id": cls_id,
        "sep_id": sep_id,
        "onnx": "model.onnx",
        "quantized": bool(export.get("quantize", True)),
        "trained_on_articles": n_articles,
        "training": dict(config["training"]),
        "distill": dict(config.get("distill", {})),
    }
    tokenizer.save(str(out / "tokenizer.json"))
    np.savez(out / "tc_head.npz", **network.tc_head_arrays())
    if ngrams is not None:
        ngrams.to_disk(out / NGRAMS_FILE)
    if words is not None:
        words.to_disk(out / WORDS_FILE)
    with open(out / "config.json", "w", encoding="utf-8") as handle:
        json.dump(runtime, handle, indent=2)
    # The fp32 checkpoint first: it is the training result, the ONNX files are derived from it.
    checkpoint = out / "checkpoint"
    save_checkpoint(network, checkpoint)
    shutil.copy(out / "tokenizer.json", checkpoint / "tokenizer.json")
    shutil.copy(out / "tc_head.npz", checkpoint / "tc_head.npz")
    if ngrams is not None:
        shutil.copy(out / NGRAMS_FILE, checkpoint / NGRAMS_FILE)
    if words is not None:
        shutil.copy(out / WORDS_FILE, checkpoint / WORDS_FILE)
    shutil.copy(out / "config.json", checkpoint / CHECKPOINT_CONFIG)
    _write_onnx(network, out, quantized=runtime["quantized"], keep_fp32=bool(export.get("keep_fp32", False)))
    (out / "MODEL_CARD.md").write_text(_model_card(config, runtime), encoding="utf-8")
    return out


def _write_onnx(network: Any, out: Path, *, quantized: bool, keep_fp32: bool) -> None:
    """``out/model.onnx`` from ``network`` (int8 when ``quantized``; the fp32 graph is kept beside
    it as ``model-fp32.onnx`` when ``keep_fp32``)."""
    from unspun.models.span_torch import export_onnx, quantize_onnx

    fp32 = out / "model-fp32.onnx"
    export_onnx(network, fp32)
    if quantized:
        quantize_onnx(fp32, out / "model.onnx")
        if not keep_fp32:
            fp32.unlink()
    else:
        fp32.replace(out / "model.onnx")


def export_span_model(folder: Path, *, keep_fp32: bool = False) -> Path:
    """Rebuild the ONNX model of the runtime folder ``folder`` from its fp32 ``checkpoint/``, with
    this version's export (graph fusion, int8 when the folder's config says ``quantized``).

    Everything else in the folder (heads, thresholds, card) is left as it is. Raises
    :class:`ModelError` when the folder has no readable config or checkpoint.
    """
    from unspun.models.span_torch import load_checkpoint

    folder = Path(folder)
    try:
        runtime = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"{folder} has no usable config.json ({exc}); retrain it with `unspun train`"
        ) from exc
    network = load_checkpoint(folder / "checkpoint", len(runtime["labels"]))
    _write_onnx(network, folder, quantized=bool(runtime.get("quantized", True)), keep_fp32=keep_fp32)
    return folder


def _model_card(config: dict[str, Any], runtime: dict[str, Any]) -> str:
    card = config.get("card", {})
    hyper = "\n".join(f"- `{k}` = {v!r}" for k, v in sorted(config["training"].items()))
    distill = config.get("distill", {})
    if distill.get("teacher"):
        hyper += "\n" + "\n".join(f"- `distill.{k}` = {v!r}" for k, v in sorted(distill.items()))
    share = float(config.get("tc_ngrams", {}).get("share", 0.0))
    lexical = (
        "\n- Lexical TC head (`tc_ngrams.npz`): multinomial logistic regression over word 1-2-grams and"
        " character 2-5-grams\n  of the span text, trained on the gold spans, blended with the neural"
        f" TC head as p_neural^{1 - share:g} * p_ngrams^{share:g}.\n  It stores n-grams seen in at least 2"
        " (words) or 3 (characters) training spans, not the span texts."
        if share > 0
        else ""
    )
    word_share = float(config.get("si_words", {}).get("share", 0.0))
    if word_share > 0:
        lexical += (
            "\n- Lexical SI head (`si_words.npz`): logistic regression giving each word the probability of"
            " lying inside a propaganda span\n  (the word, its neighbours, word pairs, suffix,"
            " capitals, inside quotes), trained on the gold spans and mixed into\n  the inside"
            f" probability in log-odds with weight {word_share:g}. It stores feature names seen in at"
            f" least {int(config['si_words'].get('min_count', 2))} training words."
        )
    one_call = (
        ", one window per ONNX call (int8 activation scales are per call)" if runtime["quantized"] else ""
    )
    return f"""# {card.get("name", "ptc-minilm")}: propaganda span model (SI + TC)

{card.get("summary", "")}

## Model
- Base encoder: `{runtime["base_model"]}`, fine-tuned; token head O/B/I for span identification,
  span head over `[h_start; h_end; mean(span); 4 features]` for the 14 PTC techniques.{lexical}
- Runtime: ONNX ({"int8 dynamic quantisation, per-channel 7-bit weights" if runtime["quantized"] else "fp32"}) + numpy; windows of
  {runtime["max_tokens"]} tokens every {runtime["stride"]} tokens{one_call}; SI: runs of tokens with inside-probability
  >= {runtime["threshold"]} kept when their peak reaches {runtime["peak_threshold"]},
  gaps of <= {runtime["join_gap"]} non-word characters joined, spans snapped to words and trimmed.

## Training data
Trained on the {runtime["trained_on_articles"]} articles of the PTC v2 training split (SemEval-2020 Task 11):
G. Da San Martino, S. Yu, A. Barrón-Cedeño, R. Petrov, P. Nakov, "Fine-Grained Analysis of Propaganda
in News Articles", EMNLP-IJCNLP 2019. Licence: the PTC README states none; use for research.

## Procedure and hyper-parameters
{hyper}

## Evaluation
{card.get("evaluation", "Not evaluated yet.")}

## Reproduce
`unspun train` with `src/unspun/configs/ptc-minilm.toml` (calls `unspun.training.train_spans.train_span_model`).
"""


def _load_tokenizer(folder: str) -> Any:
    from transformers import AutoTokenizer

    try:
        fast = AutoTokenizer.from_pretrained(folder)
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"cannot load the tokenizer of {folder!r} ({exc}); give a folder with tokenizer files"
        ) from exc
    backend = fast.backend_tokenizer
    backend.no_truncation()
    backend.no_padding()
    return backend


def _seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train_span_run(
    config_path: Path,
    data_dir: Path,
    out_dir: Path,
    *,
    seed: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    fresh: bool = False,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> Path:
    """:func:`train_span_model` in its run folder (:mod:`unspun.training.runs`), then the model
    copied to ``out_dir``; returns ``out_dir``.

    The run folder is ``$UNSPUN_CACHE/runs/<recipe>-<digest>`` (digest of the resolved recipe, the
    seed and the content of ``data_dir``). Stopped, the same call resumes after the last finished
    epoch; once the model is finished it is only copied again; ``fresh`` starts over. Raises
    :class:`unspun.errors.RunLockedError` when another process trains in that folder, and what
    :func:`train_span_model` raises.
    """
    config = load_config(Path(config_path), overrides)
    seed = int(config["training"].get("seed", 0) if seed is None else seed)
    identity = {"recipe": config, "seed": seed, "data": data_identity(Path(data_dir))}
    folder = run_folder(Path(config_path).stem, identity)
    about = {"job": "unspun train spans", "recipe": str(config_path), "data": str(data_dir), "seed": seed}

    def train(temp: Path, run: Run) -> None:
        train_span_model(
            config_path, data_dir, temp, seed=seed, overrides=overrides, progress=progress, run=run
        )

    train_once(folder, Path(out_dir), train, what="span", fresh=fresh, about=about, log=log)
    (folder / "checkpoint.pt").unlink(
        missing_ok=True
    )  # the model is finished: the epochs' state is not needed
    return Path(out_dir)
