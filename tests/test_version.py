"""The version an analysis records names the code that made it, so a store redoes stale ones."""

from __future__ import annotations

from pathlib import Path

from unspun import Article, __version__
from unspun.analysis import Pipeline
from unspun.version import analysis_version, code_digest


def _package(root: Path) -> Path:
    (root / "pipeline").mkdir(parents=True)
    (root / "training").mkdir()
    (root / "configs").mkdir()
    (root / "__init__.py").write_text("", encoding="utf-8")
    (root / "pipeline" / "claims.py").write_text("THRESHOLD = 0.5\n", encoding="utf-8")
    (root / "training" / "recipe.py").write_text("EPOCHS = 2\n", encoding="utf-8")
    (root / "configs" / "claims.toml").write_text("threshold = 0.35\n", encoding="utf-8")
    return root


def test_the_digest_changes_with_analysis_code(tmp_path: Path) -> None:
    root = _package(tmp_path / "unspun")
    before = code_digest(root)
    assert before is not None and len(before) == 12
    assert code_digest(root) == before
    (root / "pipeline" / "claims.py").write_text("THRESHOLD = 0.6\n", encoding="utf-8")
    assert code_digest(root) != before


def test_training_code_recipes_and_bytecode_leave_the_digest_alone(tmp_path: Path) -> None:
    # configs/ holds training recipes only (read by unspun.training.defaults); an analysis reads
    # its thresholds from the model folders, so a recipe edit must not make stored analyses stale
    root = _package(tmp_path / "unspun")
    before = code_digest(root)
    (root / "training" / "recipe.py").write_text("EPOCHS = 4\n", encoding="utf-8")
    (root / "configs" / "claims.toml").write_text("threshold = 0.30\n", encoding="utf-8")
    (root / "pipeline" / "__pycache__").mkdir()
    (root / "pipeline" / "__pycache__" / "claims.cpython-311.pyc").write_bytes(b"\0\1")
    assert code_digest(root) == before


def test_a_renamed_module_changes_the_digest(tmp_path: Path) -> None:
    root = _package(tmp_path / "unspun")
    before = code_digest(root)
    (root / "pipeline" / "claims.py").rename(root / "pipeline" / "claim_filter.py")
    assert code_digest(root) != before


def test_no_python_source_means_the_release_alone(tmp_path: Path) -> None:
    (tmp_path / "unspun").mkdir()
    assert code_digest(tmp_path / "unspun") is None


def test_an_analysis_records_the_release_and_the_code_digest() -> None:
    version = analysis_version()
    release, _, digest = version.partition("+")
    assert release == __version__
    assert digest == code_digest()
    [article] = Pipeline([])([Article(id="a1", text="The council met on Tuesday.")])
    assert article.unspun_version == version


def test_front_ends_leave_the_digest_alone(tmp_path: Path) -> None:
    # Review (s44): an edit to the text view or the web server made every stored analysis stale.
    root = _package(tmp_path / "unspun")
    before = code_digest(root)
    (root / "render.py").write_text("WIDTH = 80\n", encoding="utf-8")
    (root / "server").mkdir()
    (root / "server" / "app.py").write_text("PORT = 8000\n", encoding="utf-8")
    assert code_digest(root) == before
    (root / "readers").mkdir()
    (root / "readers" / "html.py").write_text("KEEP = 'main'\n", encoding="utf-8")
    assert code_digest(root) != before  # a reader makes the text analysed
