"""Shared fixtures: the repository root and the shared data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout (the folder holding pyproject.toml)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder: $UNSPUN_SHARED_DATA, else ``../shared/data`` beside the checkout.

    Fails (does not skip) when the folder is missing, so that CI notices lost data.
    """
    path = Path(os.environ.get("UNSPUN_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
    if not path.is_dir():
        pytest.fail(f"shared data folder {path} not found; set UNSPUN_SHARED_DATA to its path")
    return path
