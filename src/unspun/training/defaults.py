"""Where training looks when no config or data folder is given.

The configs that reproduce the shipped models ship inside the package
(:func:`unspun.paths.packaged_configs_dir`); training data is looked up in the shared data folder
(:func:`unspun.paths.shared_data_dir`). Every folder comes from :mod:`unspun.paths`.
"""

from __future__ import annotations

from pathlib import Path

from unspun.errors import ConfigError
from unspun.paths import cache_dir, mpnet_dir, packaged_configs_dir, shared_data_dir

__all__ = ["cache_dir", "default_train_config", "default_train_data", "mpnet_dir", "shared_data_dir"]

_CONFIGS = {
    "spans": "ptc-minilm.toml",
    "article": "semeval2023.toml",
    "attributions": "attributions-polnear.toml",
    "checkworthy": "checkworthy-finetune.toml",
    "target-sentiment": "target-sentiment.toml",
    "entity-roles": "entity-roles.toml",
}
_DATA = {
    "spans": Path("ptc/train"),
    "article": Path("semeval2023"),
    "attributions": Path("whosays"),
    **{task: Path("whosays") for task in ("checkworthy", "target-sentiment", "entity-roles")},
}


def default_train_config(task: str) -> Path:
    """The config file that reproduces the shipped model of ``task`` ("spans" or "article")."""
    path = packaged_configs_dir() / _CONFIGS[task]
    if not path.is_file():
        raise ConfigError(f"no training config {path} found; pass one with --train-config")
    return path


def default_train_data(task: str) -> Path:
    """The training data folder of ``task``; raise :class:`ConfigError` if it is not there."""
    path = shared_data_dir() / _DATA[task]
    if not path.is_dir():
        raise ConfigError(
            f"training data not found at {path}; pass --data or set UNSPUN_SHARED_DATA to the data folder"
        )
    return path
