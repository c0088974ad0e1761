"""TF-IDF features as scikit-learn computes them, in plain Python + numpy, and the ``.npz`` file
format (a JSON header beside the arrays, no pickles) that the linear heads are stored in."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from unspun.errors import ModelError

_WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
_SPACES = re.compile(r"\s\s+")


def word_ngrams(text: str, ngram_range: tuple[int, int] = (1, 1)) -> list[str]:
    """Word n-grams as scikit-learn's ``analyzer="word"`` makes them (lower-cased)."""
    tokens = _WORD.findall(text.lower())
    grams: list[str] = []
    low, high = ngram_range
    for n in range(low, high + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_wb_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams inside space-padded words, as scikit-learn's ``analyzer="char_wb"``."""
    low, high = ngram_range
    grams: list[str] = []
    for word in _SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < len(padded):
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # a word shorter than n is counted once
                break
    return grams


def tfidf_row(
    grams: list[str], vocabulary: Mapping[str, int], idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sparse ``TfidfVectorizer(sublinear_tf=True)`` row of ``grams``: (term indices, L2-normalised
    ``(1 + log tf) * idf`` values); empty arrays when no gram is in ``vocabulary``."""
    counts: dict[int, int] = {}
    for gram in grams:
        index = vocabulary.get(gram)
        if index is not None:
            counts[index] = counts.get(index, 0) + 1
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    indices = np.fromiter(counts, dtype=np.int64, count=len(counts))
    values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * idf[indices]
    return indices, values / np.linalg.norm(values)


def write_head_file(path: str | Path, header: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
    """One compressed ``.npz``: ``header`` as UTF-8 JSON bytes beside ``arrays``."""
    encoded = np.frombuffer(json.dumps(header, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(Path(path), allow_pickle=False, header=encoded, **arrays)


@contextmanager
def read_head_file(path: Path) -> Iterator[tuple[dict[str, Any], Any]]:
    """Open a head file written by :func:`write_head_file`: its JSON header and its arrays.

    Raises :class:`ModelError` if the file is missing, or if it (or what is built from it
    inside the ``with`` block) turns out malformed.
    """
    if not path.is_file():
        raise ModelError(f"no model file at {path}; train the models or reinstall unspun")
    try:
        with np.load(path, allow_pickle=False) as data:
            yield json.loads(bytes(data["header"]).decode("utf-8")), data
    except (KeyError, ValueError, OSError) as exc:
        raise ModelError(f"the model file {path} is damaged ({exc}); retrain or reinstall unspun") from exc
