"""Shared fixtures: the repository root, the shared data folder, and the services some tests claim.

The suite is hermetic: every test runs with ``HOME``, ``UNSPUN_CACHE``, ``UNSPUN_DATA_DIR`` and
``UNSPUN_DB`` pointing into a temporary folder, so nothing a developer has cached (models,
span predictions, a database) can make a test pass that would fail on a fresh machine.

Services: ``postgres_url`` (a real PostgreSQL server, ``$UNSPUN_TEST_POSTGRES``, started by
``scripts/test-services.sh`` and ``.ci/run``), ``chromium_path`` (Debian's headless Chromium)
and ``ray_local`` (a local Ray with 2 CPUs). Outside CI a missing service skips its tests;
with ``CI=true`` it fails them, so that CI never passes by skipping what it claims to test.

Optional packages follow the same rule (:mod:`extras`): ``need("pyarrow")`` at the top of a
module, or the ``needs("sklearn", ...)`` / ``torch`` markers on a test, skip it without the extra
(naming the extra to install) and fail it under CI.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from extras import missing, need

# Property tests check behaviour, not speed: on a loaded or slow machine Hypothesis's timing checks
# (inputs drawn slowly, a slow example) failed a test whose every example passed.
settings.register_profile("unspun", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("unspun")

REPO_ROOT = Path(__file__).resolve().parents[1]
TORCH_MODULES = ("torch", "transformers")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs(*modules): imports these optional modules, else skips")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``needs(...)`` or ``torch`` skips without its modules (fails under CI)."""
    modules = [m for mark in item.iter_markers("needs") for m in mark.args]
    if item.get_closest_marker("torch") is not None:
        modules += TORCH_MODULES
    for module in modules:
        need(module)


@pytest.fixture(autouse=True)
def hermetic_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty HOME, cache, data folder and default database for every test."""
    root = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(root))
    monkeypatch.setenv("UNSPUN_CACHE", str(root / "cache"))
    monkeypatch.setenv("UNSPUN_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("UNSPUN_DB", f"sqlite:///{root / 'data' / 'unspun.db'}")
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(root / ".local" / "share"))


def missing_service(what: str) -> None:
    """Skip the test (fail it under CI) because ``what`` is not available."""
    missing(what, "run `. scripts/test-services.sh` first")


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


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The URL of a real PostgreSQL server (``$UNSPUN_TEST_POSTGRES``)."""
    url = os.environ.get("UNSPUN_TEST_POSTGRES")
    if not url:
        missing_service("PostgreSQL ($UNSPUN_TEST_POSTGRES)")
    assert url is not None
    psycopg = need("psycopg")
    try:
        with psycopg.connect(url, connect_timeout=5):
            pass
    except Exception as error:  # noqa: BLE001 - any failure means the server is not there
        missing_service(f"PostgreSQL at {url} ({error})")
    return url


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (``$UNSPUN_TEST_CHROMIUM``, default /usr/bin/chromium)."""
    path = os.environ.get("UNSPUN_TEST_CHROMIUM", "/usr/bin/chromium")
    if not (Path(path).is_file() or shutil.which(path)):
        missing_service(f"Chromium ({path})")
    return path


@pytest.fixture(scope="session")
def ray_local() -> Iterator[Any]:
    """A local Ray with 2 CPUs and no dashboard, shut down after the session's tests."""
    ray = need("ray")
    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()
