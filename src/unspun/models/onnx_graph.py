"""Rewrites of an exported ONNX graph, and the ONNX Runtime session options that go with them.

ONNX Runtime's transformer optimizer (:func:`unspun.models.span_torch.fuse_onnx`) fuses each
residual sum and layer norm of a BERT layer into one ``SkipLayerNormalization`` node of its own
(``com.microsoft``) domain. On the CPUs measured here that fused kernel is the slow part of a small
int8 model: on an int8 MiniLM sentence classifier the twelve Skip nodes took ~22% of a run, and the
same graph with each one split back into ``Add`` + ``LayerNormalization`` ran in 16% less CPU
(``target-sentiment-en``) and 12% less (``checkworthy-en``), the labels of 5 of 4,874 target
sentiment inputs changing (float rounding of a differently ordered sum). ONNX Runtime would fuse
them again when it loads the graph (its ``SkipLayerNormFusion``), so a model folder whose graph
was split says so in its ``config.json`` (:data:`UNFUSED_KEY`) and its session is built without
that fusion (:func:`disabled_optimizers`). A folder without the key loads as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

# The config.json key of a model whose graph went through :func:`unfuse_skip_layer_norm`.
UNFUSED_KEY = "unfused_skip_layer_norm"
# ONNX Runtime's name of the graph transformer that fuses Add + LayerNormalization.
SKIP_LAYER_NORM_FUSION = "SkipLayerNormFusion"
_SKIP = "SkipLayerNormalization"
_LAYER_NORM_OPSET = 17  # LayerNormalization is a standard op from opset 17


def disabled_optimizers(config: Mapping[str, Any]) -> list[str]:
    """The ONNX Runtime graph transformers to disable (``InferenceSession(...,
    disabled_optimizers=...)``) for a model of this ``config.json``: :data:`SKIP_LAYER_NORM_FUSION`
    when its graph was unfused (:data:`UNFUSED_KEY`), else none."""
    return [SKIP_LAYER_NORM_FUSION] if config.get(UNFUSED_KEY) else []


def unfuse_skip_layer_norm(model: Any) -> int:
    """Split every ``SkipLayerNormalization`` node of an ONNX ``model`` (``onnx.ModelProto``,
    changed in place) into ``Add`` nodes and a standard ``LayerNormalization``; return how many.

    A Skip node computes ``s = input + skip (+ bias)`` and layer-normalises ``s`` over the last
    axis with ``gamma`` and the optional ``beta``; its optional outputs are the mean and inverse
    standard deviation of that normalisation (those of ``LayerNormalization``) and ``s`` itself
    (``input_skip_bias_sum``, then the output of the last ``Add``). Raises :class:`ValueError` for a
    graph of an opset below 17 (no ``LayerNormalization``) that has Skip nodes."""
    from onnx import helper

    nodes: list[Any] = []
    count = 0
    for node in model.graph.node:
        if node.op_type != _SKIP:
            nodes.append(node)
            continue
        count += 1
        nodes.extend(_split(node, helper))
    if count:
        opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=0)
        if opset < _LAYER_NORM_OPSET:
            raise ValueError(f"the graph's opset {opset} has no LayerNormalization (opset 17 and later)")
        del model.graph.node[:]
        model.graph.node.extend(nodes)
    return count


def _split(node: Any, helper: Any) -> list[Any]:
    inputs = list(node.input) + [""] * (5 - len(node.input))
    x, skip, gamma, beta, bias = inputs[:5]
    outputs = list(node.output) + [""] * (4 - len(node.output))
    output, mean, inv_std, total = outputs[:4]
    epsilon = next((a.f for a in node.attribute if a.name == "epsilon"), 1e-12)
    name = node.name or output
    adds = [(x, skip)] + ([(f"{name}/skip_sum", bias)] if bias else [])
    out: list[Any] = []
    for i, (a, b) in enumerate(adds):
        last = i == len(adds) - 1
        result = (total or f"{name}/sum") if last else f"{name}/skip_sum"
        out.append(helper.make_node("Add", [a, b], [result], name=f"{name}/add{i}"))
    norm_inputs = [out[-1].output[0], gamma] + ([beta] if beta else [])
    norm_outputs = [output] + ([mean, inv_std] if (mean or inv_std) else [])
    out.append(
        helper.make_node(
            "LayerNormalization", norm_inputs, norm_outputs, name=f"{name}/norm", axis=-1, epsilon=epsilon
        )
    )
    return out


def unfuse_skip_layer_norm_file(source: Path, target: Path) -> int:
    """:func:`unfuse_skip_layer_norm` on the ONNX file ``source``, written to ``target`` (may be
    the same path); return the number of nodes split."""
    import onnx

    model = onnx.load(str(source))
    count = unfuse_skip_layer_norm(model)
    onnx.save(model, str(target))
    return count
