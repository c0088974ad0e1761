"""Fine-tune the top layers of the e5 encoder with the multilingual token head, resumably.

The span head of :mod:`unspun.training.multilingual_spans` reads frozen layer-6 e5 states. This
trains layers ``from_layer + 1`` to ``to_layer`` of the encoder together with that head's shape
(two dense layers over each token's state beside its sentence's mean state), on two cores:

- the states of layer ``from_layer`` of every window of every article are computed once into the
  state cache (:func:`window_states`: ``$UNSPUN_CACHE/states/e5-windows-<digest>/``, float16,
  memory-mapped, keyed by the text's content hash and the encoder's digest), so an epoch runs the
  trained layers only;
- each fold trains in the run folder (:mod:`unspun.training.runs`): a checkpoint (the trained
  layers, the head, the optimiser, the random state and the place in the epoch) is written every
  few minutes, at the end of each epoch (unit ``fold<k>/epoch<e>``) and when the time budget is
  spent, so the same command after a ``kill -9`` or a budget stop goes on from the last one; a
  finished fold keeps its held-out articles' token probabilities (``fold<k>.npz``, unit
  ``fold<k>``) and is never trained again.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from unspun.training.runs import Run, atomic_file, atomic_write_json
from unspun.training.states import states_dir, text_hash

CHECKPOINT = "last.pt"
SAVE_EVERY_S = 180.0  # seconds between mid-epoch checkpoints


@dataclass(frozen=True)
class FinetuneRecipe:
    """What decides a fine-tuning run's result (its run folder is keyed by it)."""

    from_layer: int = 4  # the cached layer; the layers above it, up to to_layer, are trained
    to_layer: int = 6
    epochs: int = 2
    seed: int = 13
    lr: float = 5e-5  # the encoder layers'
    head_lr: float = 1e-3
    hidden_units: int = 64
    articles_per_step: int = 1
    stats_articles: int = 32  # training articles whose frozen features set the head's scaling


@dataclass
class Example:
    """One article for fine-tuning: its windows' cached states, token labels and sentences."""

    key: str  # "<language>/<article id>"
    windows: np.ndarray  # (rows, width): every window's states, <s> prefix ... </s>, one after another
    ranges: np.ndarray  # (w, 2): each window's token range in the text
    head: int  # rows before a window's first text token (<s> and the prefix)
    sentence_of: np.ndarray  # (n,) sentence index per token, -1 outside any
    inside: np.ndarray  # (n,) bool: the token overlaps a gold span


def window_states(
    run_window: Callable[[list[int]], np.ndarray],
    windows_of: Callable[[str], list[list[int]]],
    texts: Sequence[str],
    digest: str,
    log: Callable[[str], None] = print,
) -> list[np.ndarray]:
    """Each text's window states (``run_window`` of each of ``windows_of(text)``, stacked; float16,
    memory-mapped), read from ``states_dir(digest)`` where kept and computed (then kept) where not;
    a stopped call keeps every text it finished."""
    folder = states_dir(digest)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    started = time.perf_counter()
    for number, text in enumerate(texts):
        path = folder / f"{text_hash(text)}.windows.npy"
        if not path.is_file():
            states = [run_window(window) for window in windows_of(text)]
            with atomic_file(path) as handle:
                np.save(handle, np.concatenate(states).astype(np.float16))
            if (number + 1) % 20 == 0:
                log(f"window states {number + 1}/{len(texts)}, {time.perf_counter() - started:.0f} s")
        out.append(np.load(path, mmap_mode="r"))
    return out


def _layer_out(output: Any) -> Any:
    return output[0] if isinstance(output, tuple) else output


def make_tagger(layers: Sequence[Any], width: int, hidden_units: int) -> Any:
    """A torch module: ``layers`` (BERT layers, deep-copied) over a window's states, then the token
    head over each token's state beside its sentence's mean state (scaled by the buffers
    ``mean``/``scale``, set by :func:`set_scaling`). ``forward(example)`` gives the logits of the
    example's tokens."""
    import torch

    class Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(copy.deepcopy(list(layers)))
            self.register_buffer("mean", torch.zeros(2 * width))
            self.register_buffer("scale", torch.ones(2 * width))
            self.head = torch.nn.Sequential(
                torch.nn.Linear(2 * width, hidden_units),
                torch.nn.ReLU(),
                torch.nn.Dropout(0.2),
                torch.nn.Linear(hidden_units, 1),
            )

        def features(self, example: Example) -> Any:
            from unspun.models.windowing import owners

            n = len(example.sentence_of)
            owner = torch.from_numpy(owners([tuple(r) for r in example.ranges.tolist()], n))
            states = torch.zeros(n, width)
            first = 0
            for index, (a, b) in enumerate(example.ranges.tolist()):
                rows = (b - a) + example.head + 1
                hidden = torch.from_numpy(np.asarray(example.windows[first : first + rows], np.float32))[None]
                first += rows
                for layer in self.layers:
                    hidden = _layer_out(layer(hidden))
                mine = (owner[a:b] == index).nonzero().reshape(-1)
                states = states.index_copy(0, mine + a, hidden[0, example.head : example.head + b - a][mine])
            sentence = torch.from_numpy(example.sentence_of.astype(np.int64))
            inside = sentence >= 0
            context = states
            if bool(inside.any()):
                count = int(sentence.max()) + 1
                sums = torch.zeros(count, width).index_add(0, sentence[inside], states[inside])
                sizes = torch.bincount(sentence[inside], minlength=count).clamp(min=1).to(states.dtype)
                means = sums / sizes[:, None]
                context = torch.where(inside[:, None], means[sentence.clamp(min=0)], states)
            return torch.cat([states, context], dim=1)

        def forward(self, example: Example) -> Any:
            return self.head((self.features(example) - self.mean) / self.scale).reshape(-1)

    return Tagger()


def set_scaling(tagger: Any, examples: Sequence[Example]) -> None:
    """Set the head's scaling to the mean and spread of the (untrained) features of ``examples``."""
    import torch

    with torch.no_grad():
        rows = torch.cat([tagger.features(e) for e in examples])
        tagger.mean.copy_(rows.mean(dim=0))
        tagger.scale.copy_(rows.std(dim=0) + 1e-4)


def _optimiser(tagger: Any, recipe: FinetuneRecipe) -> Any:
    import torch

    return torch.optim.AdamW(
        [
            {"params": tagger.layers.parameters(), "lr": recipe.lr},
            {"params": tagger.head.parameters(), "lr": recipe.head_lr},
        ],
        weight_decay=1e-4,
    )


def _save(path: Path, state: dict[str, Any]) -> None:
    import torch

    with atomic_file(path) as handle:
        torch.save(state, handle)


def _order(recipe: FinetuneRecipe, fold: int, epoch: int, count: int) -> list[int]:
    return [int(i) for i in np.random.default_rng((recipe.seed, fold, epoch)).permutation(count)]


class OutOfTime(Exception):
    """The time budget was spent; the run folder holds a checkpoint to go on from."""


def train_fold(
    run: Run,
    fold: int,
    base: Any,
    train: Sequence[Example],
    recipe: FinetuneRecipe,
    *,
    deadline: float,
    log: Callable[[str], None] = print,
) -> Any:
    """The tagger of fold ``fold``, trained on ``train`` from ``base`` (a fresh :func:`make_tagger`)
    or from the fold's checkpoint in ``run``. Raises :class:`OutOfTime` (after a checkpoint) once
    ``time.monotonic()`` passes ``deadline``."""
    import torch

    tagger = base
    optimiser = _optimiser(tagger, recipe)
    checkpoint = run.path(f"fold{fold}", CHECKPOINT)
    epoch, position = 0, 0
    if checkpoint.is_file():
        state = torch.load(checkpoint, weights_only=False)
        tagger.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimiser"])
        torch.set_rng_state(state["rng"])
        epoch, position = state["epoch"], state["position"]
        log(f"fold {fold + 1}: resuming at epoch {epoch + 1}, article {position}")
    else:
        torch.manual_seed(recipe.seed + fold)
        set_scaling(tagger, train[: recipe.stats_articles])
    positive = float(np.mean(np.concatenate([e.inside for e in train])))
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - positive) / max(positive, 1e-6)))

    def save(epoch: int, position: int) -> None:
        state = {"model": tagger.state_dict(), "optimiser": optimiser.state_dict()}
        state.update(rng=torch.get_rng_state(), epoch=epoch, position=position)
        _save(checkpoint, state)

    saved = time.monotonic()
    started = time.monotonic()
    while epoch < recipe.epochs:
        order = _order(recipe, fold, epoch, len(train))
        tagger.train()
        while position < len(order):
            if time.monotonic() > deadline:
                save(epoch, position)
                raise OutOfTime(f"fold {fold + 1}: stopped at epoch {epoch + 1}, article {position}")
            optimiser.zero_grad()
            batch = order[position : position + recipe.articles_per_step]
            for i in batch:
                example = train[i]
                target = torch.from_numpy(example.inside.astype(np.float32))
                (loss_fn(tagger(example), target) / len(batch)).backward()
            torch.nn.utils.clip_grad_norm_(tagger.parameters(), 1.0)
            optimiser.step()
            position += len(batch)
            if time.monotonic() - saved > SAVE_EVERY_S:
                save(epoch, position)
                saved = time.monotonic()
                seconds = (time.monotonic() - started) / max(position, 1)
                run.tell(f"fold {fold + 1} epoch {epoch + 1}", position, len(order), seconds)
        epoch, position = epoch + 1, 0
        save(epoch, position)
        run.mark_done(f"fold{fold}/epoch{epoch - 1}")
        log(f"fold {fold + 1}: epoch {epoch} done")
    return tagger


def probabilities(tagger: Any, examples: Sequence[Example]) -> dict[str, np.ndarray]:
    """Each example's token probabilities (by its key) from ``tagger``."""
    import torch

    tagger.eval()
    with torch.no_grad():
        return {e.key: torch.sigmoid(tagger(e)).numpy().astype(np.float32) for e in examples}


def run_folds(
    run: Run,
    make_base: Callable[[], Any],
    examples: Sequence[Example],
    folds: Sequence[Sequence[int]],
    recipe: FinetuneRecipe,
    *,
    max_minutes: float | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, np.ndarray] | None:
    """Train each fold's tagger on the other folds' ``examples`` and keep its held-out articles'
    token probabilities (``fold<k>.npz``); return them all by key, or ``None`` when
    ``max_minutes`` ran out first (the next call goes on)."""
    deadline = time.monotonic() + (max_minutes * 60 if max_minutes is not None else float("inf"))
    atomic_write_json(run.path("recipe.json"), asdict(recipe))
    out: dict[str, np.ndarray] = {}
    for fold, held_out in enumerate(folds):
        kept = run.path(f"fold{fold}.npz")
        if not run.is_done(f"fold{fold}"):
            held = set(held_out)
            train = [e for i, e in enumerate(examples) if i not in held]
            import torch

            torch.manual_seed(recipe.seed + fold)  # the head's first weights
            try:
                tagger = train_fold(run, fold, make_base(), train, recipe, deadline=deadline, log=log)
            except OutOfTime as stop:
                log(f"{stop}; run the same command again to go on")
                return None
            found = probabilities(tagger, [examples[i] for i in held_out])
            with atomic_file(kept) as handle:
                np.savez(handle, **found)  # type: ignore[arg-type]
            run.mark_done(f"fold{fold}")
            log(f"fold {fold + 1}/{len(folds)} done")
        with np.load(kept) as saved:
            out.update({key: saved[key] for key in saved.files})
    return out


def finished_folds(run: Run, count: int) -> dict[str, np.ndarray]:
    """The held-out token probabilities (by key) of the folds of ``run`` finished so far."""
    out: dict[str, np.ndarray] = {}
    for fold in range(count):
        if run.is_done(f"fold{fold}"):
            with np.load(run.path(f"fold{fold}.npz")) as saved:
                out.update({key: saved[key] for key in saved.files})
    return out
