from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from unspun.training.code_digest import code_digest, project_modules


def test_the_span_decoder_reads_its_own_code_and_not_the_rest() -> None:
    modules = project_modules("unspun.models.span_model")
    assert {"unspun.models.span_model", "unspun.models.decoding", "unspun.sentences"} <= set(modules)
    assert "unspun.pipeline.genre" not in modules and "unspun.cli" not in modules
    assert all(m == "unspun" or m.startswith("unspun.") for m in modules)


def _package(root: Path, decoder: str) -> None:
    package = root / "unspun_digest_probe"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "decoder.py").write_text(decoder, encoding="utf-8")
    (package / "model.py").write_text("from unspun_digest_probe.decoder import cut\n", encoding="utf-8")


@pytest.fixture
def probe_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A throw-away package on the path, read as the project's; its digests and module forgotten after."""
    from unspun.training import code_digest as module

    monkeypatch.setattr(module, "PACKAGE", "unspun_digest_probe")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    module.code_digest.cache_clear()
    for name in [m for m in sys.modules if m.startswith("unspun_digest_probe")]:
        del sys.modules[name]


def test_a_change_in_imported_code_changes_the_digest(probe_package: Path) -> None:
    from unspun.training import code_digest as module

    _package(probe_package, "def cut(x):\n    return x[:3]\n")
    assert module.project_modules("unspun_digest_probe.model") == [
        "unspun_digest_probe.decoder",
        "unspun_digest_probe.model",
    ]
    before = module.code_digest("unspun_digest_probe.model")
    module.code_digest.cache_clear()
    _package(probe_package, "def cut(x):\n    return x[:4]\n")
    assert module.code_digest("unspun_digest_probe.model") != before


def test_the_digest_is_short_and_stable() -> None:
    first = code_digest("unspun.models.span_model")
    assert len(first) == 16 and first == code_digest("unspun.models.span_model")
