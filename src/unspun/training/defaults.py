"""Where training looks when no config or data folder is given.

The configs that reproduce the shipped models ship inside the package
(``unspun/configs``). Training data is looked up in ``$UNSPUN_SHARED_DATA`` or the
``shared/data`` folder beside the source checkout (or beside the working directory).
"""

from __future__ import annotations

import os
from pathlib import Path

from unspun.errors import ConfigError

_PACKAGE = Path(__file__).resolve().parents[1]
_CHECKOUT = _PACKAGE.parents[1]

_CONFIGS = {"spans": "ptc-minilm.toml", "article": "semeval2023.toml"}
_DATA = {"spans": Path("ptc/train"), "article": Path("semeval2023")}


def default_train_config(task: str) -> Path:
    """The config file that reproduces the shipped model of ``task`` ("spans" or "article")."""
    path = _PACKAGE / "configs" / _CONFIGS[task]
    if not path.is_file():
        raise ConfigError(f"no training config {path} found; pass one with --train-config")
    return path


def cache_dir() -> Path:
    """Where training keeps what it can recompute: ``$UNSPUN_CACHE``, else ``~/.cache/unspun``."""
    return Path(os.environ.get("UNSPUN_CACHE", Path.home() / ".cache" / "unspun"))


def mpnet_dir() -> Path:
    """Where ``scripts/get_mpnet.py`` assembles MPNet-base from its PyPI parts (a folder
    ``all-mpnet-base-v2`` inside), and where its hub name resolves in training."""
    return cache_dir() / "mpnet"


def shared_data_dir() -> Path:
    """``$UNSPUN_SHARED_DATA``; else ``shared/data`` beside the source checkout the package runs
    from (an editable install), or beside the working directory (a checkout with unspun installed
    into a virtual environment), the first that exists; else the first, for the error message."""
    if "UNSPUN_SHARED_DATA" in os.environ:
        return Path(os.environ["UNSPUN_SHARED_DATA"])
    candidates = [_CHECKOUT.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    return next((path for path in candidates if path.is_dir()), candidates[0])


def default_train_data(task: str) -> Path:
    """The training data folder of ``task``; raise :class:`ConfigError` if it is not there."""
    path = shared_data_dir() / _DATA[task]
    if not path.is_dir():
        raise ConfigError(
            f"training data not found at {path}; pass --data or set UNSPUN_SHARED_DATA to the data folder"
        )
    return path
