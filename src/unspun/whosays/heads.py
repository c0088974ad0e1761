"""The model folders of the claim and portrayal components: linear heads over span-model features.

A folder holds ``config.json`` (``format`` ``unspun.whosays-heads/1``, the task, the feature
``blocks`` the heads read, the decision ``threshold`` and what training measured) and one
:class:`~unspun.models.linear_head.LinearHead` file per head (``<head>.npz``). The heads are tiny;
the encoder is the shipped span model (:mod:`unspun.whosays.encoding`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from unspun.document import ModelInfo
from unspun.errors import ModelError
from unspun.models.linear_head import LinearHead
from unspun.models.packaged import folder_model_info, model_folder

FORMAT = "unspun.whosays-heads/1"


@dataclass(slots=True)
class HeadModel:
    """A loaded model folder: its ``config``, its ``heads`` by name and where it came from."""

    config: dict[str, Any]
    heads: dict[str, LinearHead]
    path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def blocks(self) -> tuple[str, ...]:
        return tuple(self.config["blocks"])

    @property
    def threshold(self) -> float:
        return float(self.config.get("threshold", 0.5))

    def head(self, name: str) -> LinearHead:
        """The head ``name``; raise :class:`ModelError` if the folder has none."""
        try:
            return self.heads[name]
        except KeyError:
            raise ModelError(
                f"the model in {self.path} has no {name!r} head; retrain it with `unspun train`"
            ) from None

    def model_info(self, component: str) -> ModelInfo:
        """The folder's name, version and digest (an in-memory model: its task, ``local``)."""
        if self.path is not None:
            return folder_model_info(component, self.path)
        return ModelInfo(component=component, name=str(self.config.get("task", component)), version="local")

    def to_disk(self, folder: str | Path) -> None:
        """Write ``config.json`` and one ``<head>.npz`` per head into ``folder`` (made if needed)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        config = {**self.config, "format": FORMAT, "heads": sorted(self.heads)}
        (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        for name, head in self.heads.items():
            head.to_disk(folder / f"{name}.npz")

    @classmethod
    def from_disk(cls, folder: str | Path) -> HeadModel:
        """Read a folder written by :meth:`to_disk`; raise :class:`ModelError` saying what to do."""
        folder = Path(folder)
        config_path = folder / "config.json"
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"no readable model config at {config_path} ({exc}); give a folder from `unspun train` "
                "or a shipped model name"
            ) from exc
        if config.get("format") != FORMAT:
            raise ModelError(f"{config_path} is not a {FORMAT} model; give a folder from `unspun train`")
        heads = {name: LinearHead.from_disk(folder / f"{name}.npz") for name in config.get("heads", [])}
        return cls(config=config, heads=heads, path=folder.resolve())


_loaded: dict[str, HeadModel] = {}
_lock = threading.Lock()


def load_heads(name_or_path: str | Path | HeadModel, default: str) -> HeadModel:
    """A :class:`HeadModel` as given, or loaded (once per process) from a folder path or the name of
    a shipped model (``default`` when ``None``). Raises :class:`ModelError`."""
    if isinstance(name_or_path, HeadModel):
        return name_or_path
    folder = model_folder(name_or_path or default)
    key = str(Path(folder).resolve())
    with _lock:
        if key not in _loaded:
            if not Path(folder).is_dir():
                raise ModelError(
                    f"model {str(name_or_path or default)!r} not found; give a folder from `unspun train` "
                    f"or a shipped name ({default})"
                )
            _loaded[key] = HeadModel.from_disk(folder)
        return _loaded[key]


def mean_scores(scores: np.ndarray, groups: Sequence[int], n_groups: int) -> np.ndarray:
    """Average score rows per group (``groups[i]`` = the group of row ``i``) -> ``(n_groups, k)``."""
    out = np.zeros((n_groups, scores.shape[1]), dtype=np.float32)
    counts = np.zeros(n_groups)
    for row, group in zip(scores, groups, strict=True):
        out[group] += row
        counts[group] += 1
    return out / np.maximum(counts, 1)[:, None]
