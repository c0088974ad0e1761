"""A missing optional extra is one error naming the extra to install: in the library, the CLI
(exit status 2, one line) and the API (503, the one error shape).

A missing package is simulated with ``sys.modules[name] = None``, which makes its import fail as
if it were not installed; the modules of ours that import it are dropped from ``sys.modules`` for
the test, so that they are imported again (``monkeypatch`` puts everything back afterwards).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extras import need
from unspun.cli import app
from unspun.errors import ConfigError, MissingExtraError
from unspun.extras import extra_of, needs_extra

POSTGRES = "postgresql://nobody@127.0.0.1:1/none"


def without(monkeypatch: pytest.MonkeyPatch, module: str, *ours: str) -> None:
    """Make ``import module`` fail, and forget the modules of ours under ``ours``."""
    monkeypatch.setitem(sys.modules, module, None)
    for name in [n for n in sys.modules if n in ours or n.startswith(tuple(f"{o}." for o in ours))]:
        monkeypatch.delitem(sys.modules, name)


def one_line_error(result: object, *needles: str) -> str:
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    message = result.stderr.strip()  # type: ignore[attr-defined]
    assert message.startswith("error:") and len(message.splitlines()) == 1, message
    assert "internal error" not in message and "Traceback" not in message
    for needle in needles:
        assert needle in message, message
    return message


def test_needs_extra_names_the_extra_and_lets_other_errors_pass() -> None:
    assert extra_of("psycopg") == "postgres" and extra_of("torch.nn") == "train" and extra_of("numpy") is None
    message = r"^x needs the \[scale\] extra: pip install 'unspun\[scale\]'$"
    with pytest.raises(MissingExtraError, match=message), needs_extra("x", "scale"):
        raise ModuleNotFoundError("No module named 'pyarrow'", name="pyarrow")
    with pytest.raises(ModuleNotFoundError), needs_extra("x", "scale"):  # another extra's module
        raise ModuleNotFoundError("No module named 'torch'", name="torch")
    with pytest.raises(ModuleNotFoundError), needs_extra("x"):  # not an extra's at all
        raise ModuleNotFoundError("No module named 'numpy'", name="numpy")
    assert issubclass(MissingExtraError, ConfigError)


def test_postgres_store_without_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    from unspun.store import open_store

    without(monkeypatch, "psycopg")
    with pytest.raises(MissingExtraError, match=r"PostgreSQL store needs the \[postgres\] extra"):
        open_store(POSTGRES)
    result = CliRunner().invoke(app, ["search", "anything", "--db", POSTGRES])
    one_line_error(result, "needs the [postgres] extra: pip install 'unspun[postgres]'")


def test_batch_without_pyarrow(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    without(monkeypatch, "pyarrow", "unspun.scale")
    result = CliRunner().invoke(app, ["batch", str(tmp_path), f"{tmp_path}/out"])
    one_line_error(result, "unspun batch needs the [scale] extra: pip install 'unspun[scale]'")


def test_serve_without_the_server_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    without(monkeypatch, "fastapi", "unspun.server")
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    one_line_error(result, "unspun serve needs the [server] extra: pip install 'unspun[server]'")


def test_command_hitting_a_missing_training_package(monkeypatch: pytest.MonkeyPatch, repo_root: Path) -> None:
    import unspun.training.train_spans as train_spans

    def no_torch(*args: object, **kwargs: object) -> None:
        raise ModuleNotFoundError("No module named 'torch'", name="torch")

    monkeypatch.setattr(train_spans, "train_span_model", no_torch)
    result = CliRunner().invoke(app, ["train", "spans", "--data", str(repo_root / "examples")])
    one_line_error(result, "(torch) needs the [train] extra: pip install 'unspun[train]'")


def test_api_answers_503_with_the_error_shape_without_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    need("fastapi")
    from fastapi.testclient import TestClient

    from unspun.server import ServerSettings, create_app

    without(monkeypatch, "psycopg")
    app_ = create_app(settings=ServerSettings(db=POSTGRES), load_models=False)
    with TestClient(app_, raise_server_exceptions=False) as client:
        response = client.get("/api/articles")
    assert response.status_code == 503, response.text
    assert response.json() == {
        "ok": False,
        "status": 503,
        "error": "a PostgreSQL store needs the [postgres] extra: pip install 'unspun[postgres]'",
        "code": "missing_extra",
    }
