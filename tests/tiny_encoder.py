"""A tiny randomly initialised BERT with a WordPiece tokenizer over given words: the encoder the
fine-tuning tests train in seconds (no download)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest


def tiny_wordpiece_bert(folder: Path, words: Iterable[str]) -> Path:
    """A 2-layer, 32-wide BERT in ``folder`` whose vocabulary is ``words``, the digits and the
    special tokens (other text falls to ``[UNK]`` or to single characters it lists)."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder.mkdir(parents=True, exist_ok=True)
    digits = [str(d) for d in range(10)] + [f"##{d}" for d in range(10)]
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted(set(words)), *digits]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizerFast(str(folder / "vocab.txt"), do_lower_case=True)
    tokenizer.save_pretrained(str(folder))
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
    )
    transformers.BertModel(config).save_pretrained(str(folder))
    return folder
