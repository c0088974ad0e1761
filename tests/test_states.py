"""Encoder states computed once: stored by text and model digest, read back memory-mapped, and the
out-of-fold span predictions reading them (a second pass encodes nothing)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from article_fixtures import tiny_bert, write_semeval_data
from unspun.paths import cache_dir
from unspun.training.states import cached_states, model_digest, states_dir

pytestmark = [pytest.mark.torch, pytest.mark.slow]

TEXTS = [
    "The corrupt traitors lied again. The weather was mild today.\n",
    "Rain fell in the north. Make our nation great again!\n",
]
RECIPE = """base = "{base}"
[model]
base_model = "{bert}"
max_tokens = 16
stride = 8
[training]
epochs = 2
threads = 1
train_stride = 10
[export]
quantize = false
"""


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A span model of a 2-layer, 32-wide BERT trained for two epochs on two articles."""
    from unspun.training.train_spans import train_span_model

    root = tmp_path_factory.mktemp("states")
    tiny_bert(root / "bert")
    (root / "ptc" / "articles").mkdir(parents=True)
    for i, text in enumerate(TEXTS, 1):
        (root / "ptc" / "articles" / f"article{i}.txt").write_text(text, encoding="utf-8")
    (root / "ptc" / "labels-tc.tsv").write_text("1\tName_Calling,Labeling\t4\t20\n", encoding="utf-8")
    base = Path(__file__).resolve().parents[1] / "src" / "unspun" / "configs" / "ptc-minilm.toml"
    recipe = root / "tiny.toml"
    recipe.write_text(RECIPE.format(base=base, bert=root / "bert"), encoding="utf-8")
    return train_span_model(recipe, root / "ptc", root / "model", progress=False)


class Counting:
    """A span model's ``encode``, counting the texts it encodes."""

    def __init__(self, model: Any) -> None:
        self.model, self.texts = model, 0

    def encode(self, texts: list[str]) -> list[Any]:
        self.texts += len(texts)
        return self.model.encode(texts)


def test_states_are_encoded_once_and_read_back_memory_mapped(tiny_model: Path) -> None:
    from unspun.models.span_model import SpanModel

    model = SpanModel.from_disk(tiny_model)
    counting, digest = Counting(model), model_digest(tiny_model)
    first = cached_states(counting, TEXTS, digest)
    assert counting.texts == 2
    again = cached_states(counting, [TEXTS[1], TEXTS[0], TEXTS[1]], digest)
    assert counting.texts == 2  # nothing encoded the second time
    assert all(isinstance(e.hidden, np.memmap) for e in again)
    for got, want in zip(first, model.encode(TEXTS), strict=True):
        np.testing.assert_array_equal(got.offsets, want.offsets)
        np.testing.assert_array_equal(got.probs, want.probs)
        np.testing.assert_array_equal(got.hidden, want.hidden)
    np.testing.assert_array_equal(again[1].hidden, first[0].hidden)
    cached_states(counting, [*TEXTS, "A new text."], digest)
    assert counting.texts == 3  # only the missing one
    assert (
        len(list(states_dir(digest).glob("*.hidden.npy"))) == 3
        and (states_dir(digest) / "index.json").is_file()
    )
    assert cached_states(counting, TEXTS[:1], "another-model") and counting.texts == 4  # keyed by model


def test_out_of_fold_span_predictions_read_the_cached_states(
    tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unspun.models.span_model import SpanModel
    from unspun.training.span_predictions import cross_fitted_findings

    semeval = tmp_path / "semeval2023"
    write_semeval_data(semeval)
    articles = semeval / "en" / "train" / "train-articles-subtask-3"
    (tmp_path / "ptc" / "articles").mkdir(parents=True)
    for path in sorted(articles.glob("article*.txt")):
        shutil.copy(path, tmp_path / "ptc" / "articles" / path.name)
    models = tmp_path / "models"
    for k in (0, 1):
        shutil.copytree(tiny_model, models / f"fold{k}", ignore=shutil.ignore_patterns("checkpoint"))
    encoded: list[int] = []
    encode = SpanModel.encode

    def counting(self: SpanModel, texts: Any) -> Any:
        encoded.append(len(texts))
        return encode(self, texts)

    monkeypatch.setattr(SpanModel, "encode", counting)
    plain = cross_fitted_findings(tmp_path / "ptc", semeval, models, folds=2, progress=False)
    first = cross_fitted_findings(
        tmp_path / "ptc", semeval, models, folds=2, progress=False, cache_states=True
    )
    assert sum(encoded) > 0 and list((cache_dir() / "states").iterdir())
    encoded.clear()
    again = cross_fitted_findings(
        tmp_path / "ptc", semeval, models, folds=2, progress=False, cache_states=True
    )
    assert sum(encoded) == 0  # every state read from the cache
    assert plain.keys() == first.keys() == again.keys() and plain
    for i in plain:
        assert plain[i].spans == first[i].spans == again[i].spans
        assert plain[i].candidates == again[i].candidates
        np.testing.assert_array_equal(plain[i].paragraph_vectors, again[i].paragraph_vectors)
