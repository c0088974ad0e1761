"""Every folder unspun reads or writes outside the text it is given, looked up in one place.

- :func:`cache_dir`: ``$UNSPUN_CACHE``, else the user cache folder (``~/.cache/unspun`` on Linux);
- :func:`data_dir`: ``$UNSPUN_DATA_DIR``, else the user data folder (``~/.local/share/unspun``);
- :func:`shared_data_dir`: ``$UNSPUN_SHARED_DATA``, else ``shared/data`` beside the checkout or
  beside the working directory;
- :func:`packaged_models_dir` and :func:`packaged_configs_dir`: inside the package.

The cache holds what can be recomputed (sentence vectors, fold models, out-of-fold span
predictions, an assembled MPNet); the data folder holds what a user keeps (the default corpus
store). An empty variable counts as unset. Nothing here creates a folder: the writer does, when
it writes. Tests point every variable at a temporary folder (``tests/conftest.py``), so no file a
developer has cached can make a test pass that would fail on a fresh machine.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "unspun"
PACKAGE_DIR = Path(__file__).resolve().parent
# The source checkout the package runs from, when it is an editable install (src/unspun -> repo).
CHECKOUT_DIR = PACKAGE_DIR.parents[1]


def _from_env(name: str) -> Path | None:
    value = os.environ.get(name, "")
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """Where unspun keeps what it can recompute: ``$UNSPUN_CACHE``, else the user cache folder."""
    return _from_env("UNSPUN_CACHE") or platformdirs.user_cache_path(APP_NAME)


def data_dir() -> Path:
    """Where unspun keeps a user's own data (the default store): ``$UNSPUN_DATA_DIR``, else the
    user data folder."""
    return _from_env("UNSPUN_DATA_DIR") or platformdirs.user_data_path(APP_NAME)


def shared_data_dir() -> Path:
    """The research corpora (PTC, SemEval-2023, ...): ``$UNSPUN_SHARED_DATA``; else ``shared/data``
    beside the source checkout the package runs from (an editable install), or beside the working
    directory (a checkout with unspun installed into a virtual environment), the first that
    exists; else the first, for the error message."""
    given = _from_env("UNSPUN_SHARED_DATA")
    if given is not None:
        return given
    candidates = [CHECKOUT_DIR.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    return next((path for path in candidates if path.is_dir()), candidates[0])


def packaged_models_dir() -> Path:
    """The folder of the models shipped inside the package (one folder per model)."""
    return PACKAGE_DIR / "data" / "models"


def packaged_configs_dir() -> Path:
    """The folder of the training configs shipped inside the package."""
    return PACKAGE_DIR / "configs"


def mpnet_dir() -> Path:
    """Where ``scripts/get_mpnet.py`` assembles MPNet-base from its PyPI parts (a folder
    ``all-mpnet-base-v2`` inside), and where its hub name resolves in training."""
    return cache_dir() / "mpnet"
