"""Splitting ONNX Runtime's fused skip layer norms back into standard nodes: the same outputs (all
four, the optional ones included) on a hand-made graph, a session that keeps the split graph split,
and the shipped fine-tuned classifiers that load that way."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from unspun.models.onnx_graph import (
    SKIP_LAYER_NORM_FUSION,
    UNFUSED_KEY,
    disabled_optimizers,
    unfuse_skip_layer_norm,
    unfuse_skip_layer_norm_file,
)
from unspun.models.packaged import packaged_model_dir
from unspun.models.sentence_classifier import SentenceClassifier

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
WIDTH = 8
EPSILON = 1e-5
OUTPUTS = ("y", "mean", "inv_std", "sum")


def _skip_graph(inputs: list[str], outputs: list[str], opset: int = 17) -> object:
    """A graph of one SkipLayerNormalization over ``x`` and ``skip`` (1, 3, WIDTH) and two more
    (the first's output and ``x``), with ``gamma``, ``beta``, ``bias`` as initialisers."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(7)
    weights = [
        numpy_helper.from_array(
            (rng.normal(size=WIDTH) + (1.0 if n == "gamma" else 0.0)).astype(np.float32), n
        )
        for n in ("gamma", "beta", "bias")
    ]
    nodes = [
        helper.make_node(
            "SkipLayerNormalization", inputs, outputs, name="skip0", domain="com.microsoft", epsilon=EPSILON
        ),
        helper.make_node(
            "SkipLayerNormalization",
            ["y", "x", "gamma", "beta"],
            ["z"],
            domain="com.microsoft",
            epsilon=EPSILON,
        ),
    ]
    shape = [1, 3, WIDTH]
    graph = helper.make_graph(
        nodes,
        "skip",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, shape) for n in ("x", "skip")],
        [
            helper.make_tensor_value_info(
                n, TensorProto.FLOAT, [1, 3, 1] if n in ("mean", "inv_std") else shape
            )
            for n in [*outputs, "z"]
            if n
        ],
        weights,
    )
    opsets = [helper.make_opsetid("", opset), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets, ir_version=8)


def _run(model: object, disabled: list[str] | None = None) -> dict[str, np.ndarray]:
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(
        model.SerializeToString(),  # type: ignore[attr-defined]
        options,
        providers=["CPUExecutionProvider"],
        disabled_optimizers=disabled or [],
    )
    rng = np.random.default_rng(3)
    feed = {n: rng.normal(size=(1, 3, WIDTH)).astype(np.float32) for n in ("x", "skip")}
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, feed), strict=True)) | {"x": feed["x"], "skip": feed["skip"]}


def _ops(model: object) -> list[str]:
    return [n.op_type for n in model.graph.node]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("inputs", "outputs"),
    [
        (["x", "skip", "gamma", "beta", "bias"], list(OUTPUTS)),  # every optional input and output
        (["x", "skip", "gamma", "", "bias"], ["y", "", "", "sum"]),  # no beta; the residual sum only
        (["x", "skip", "gamma"], ["y"]),  # the bare node
    ],
)
def test_unfuse_skip_layer_norm_keeps_every_output(inputs: list[str], outputs: list[str]) -> None:
    fused = _skip_graph(inputs, outputs)
    expected = _run(fused)
    split = _skip_graph(inputs, outputs)
    assert unfuse_skip_layer_norm(split) == 2
    assert "SkipLayerNormalization" not in _ops(split)
    assert _ops(split).count("LayerNormalization") == 2
    onnx.checker.check_model(split)
    got = _run(split, [SKIP_LAYER_NORM_FUSION])
    for name in [*outputs, "z"]:
        if name:
            np.testing.assert_allclose(got[name], expected[name], atol=1e-5, err_msg=name)
    # and against the definition: s = x + skip (+ bias), normalised over the last axis
    bias = onnx.numpy_helper.to_array(next(i for i in split.graph.initializer if i.name == "bias"))
    total = got["x"] + got["skip"] + (bias if "bias" in inputs else 0.0)
    if "sum" in outputs:
        np.testing.assert_allclose(got["sum"], total, atol=1e-5)
    if "mean" in outputs:
        np.testing.assert_allclose(got["mean"][..., 0], total.mean(-1), atol=1e-5)
        np.testing.assert_allclose(got["inv_std"][..., 0], 1 / np.sqrt(total.var(-1) + EPSILON), rtol=1e-4)


def test_split_graph_round_trips_through_a_file(tmp_path: Path) -> None:
    path = tmp_path / "model.onnx"
    onnx.save(_skip_graph(["x", "skip", "gamma", "beta", "bias"], ["y"]), str(path))
    assert unfuse_skip_layer_norm_file(path, path) == 2
    assert unfuse_skip_layer_norm_file(path, path) == 0  # nothing left to split
    assert "SkipLayerNormalization" not in _ops(onnx.load(str(path)))


def test_a_graph_without_layer_normalization_is_refused() -> None:
    with pytest.raises(ValueError, match="opset 16"):
        unfuse_skip_layer_norm(_skip_graph(["x", "skip", "gamma"], ["y"], opset=16))


def test_the_session_keeps_a_split_graph_split(tmp_path: Path) -> None:
    split = _skip_graph(["x", "skip", "gamma", "beta", "bias"], ["y"])
    unfuse_skip_layer_norm(split)

    def loaded_ops(disabled: list[str]) -> list[str]:
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = str(tmp_path / "loaded.onnx")
        ort.InferenceSession(
            split.SerializeToString(),
            options,
            providers=["CPUExecutionProvider"],
            disabled_optimizers=disabled,
        )
        return _ops(onnx.load(str(tmp_path / "loaded.onnx")))

    assert "SkipLayerNormalization" in loaded_ops([])  # ONNX Runtime would fuse it again
    assert "SkipLayerNormalization" not in loaded_ops(disabled_optimizers({UNFUSED_KEY: True}))


def test_only_a_split_model_loads_without_the_fusion() -> None:
    assert disabled_optimizers({}) == []
    assert disabled_optimizers({UNFUSED_KEY: False}) == []
    assert disabled_optimizers({UNFUSED_KEY: True}) == [SKIP_LAYER_NORM_FUSION]


@pytest.mark.parametrize("name", ["checkworthy-en", "target-sentiment-en"])
def test_shipped_classifiers_are_split_and_load(name: str) -> None:
    folder = packaged_model_dir(name)
    config = json.loads((folder / "config.json").read_text("utf-8"))
    assert config[UNFUSED_KEY] is True
    ops = _ops(onnx.load(str(folder / "model.onnx")))
    assert "SkipLayerNormalization" not in ops and ops.count("LayerNormalization") == 12
    model = SentenceClassifier.from_disk(folder, threads=1)
    p = model.probabilities(["The unemployment rate fell to 3.9 percent in May.", "lol ok"])
    assert p.shape[0] == 2 and np.all((p >= 0) & (p <= 1))


@pytest.mark.parametrize("split", [True, False])
def test_a_span_model_folder_says_whether_its_session_fuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split: bool
) -> None:
    """The span model's session is built as its folder's config says (as a sentence classifier's
    is): without the Skip fusion for a split graph, with every fusion otherwise."""
    from unspun.models.span_model import SpanModel

    shipped = packaged_model_dir("ptc-minilm")
    folder = tmp_path / "spans"
    folder.mkdir()
    for path in shipped.iterdir():
        (folder / path.name).symlink_to(path)
    config = json.loads((shipped / "config.json").read_text("utf-8")) | {UNFUSED_KEY: split}
    (folder / "config.json").unlink()
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    asked: list[list[str]] = []

    real = ort.InferenceSession

    def recorded(*args: object, **kwargs: object) -> object:
        asked.append(list(kwargs.get("disabled_optimizers") or []))  # type: ignore[call-overload]
        return real(*args, **kwargs)

    monkeypatch.setattr(ort, "InferenceSession", recorded)
    model = SpanModel.from_disk(folder, threads=1)
    assert asked == [[SKIP_LAYER_NORM_FUSION] if split else []]
    assert model.predict_spans(["They are traitors who hate this country."])[0] is not None
