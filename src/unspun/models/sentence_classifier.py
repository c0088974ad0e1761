"""A fine-tuned sentence classifier run with ONNX Runtime and ``tokenizers`` (no torch).

A model folder holds ``model.onnx`` (inputs ``input_ids``, ``attention_mask``; output ``logits``
of the classes No, Yes), ``tokenizer.json`` and ``config.json`` (``format``
``unspun.sentence-classifier/1``, ``threshold``, ``calibration`` ``{a, b}``, ``max_length``). The
probability of Yes is ``sigmoid(a * (logit_yes - logit_no) + b)``, Platt-calibrated on sentences
the model did not train on.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from unspun.errors import ModelError
from unspun.models.cpus import available_cpus, map_on_workers
from unspun.models.linear_head import sigmoid

FORMAT = "unspun.sentence-classifier/1"


def is_sentence_classifier(folder: str | Path) -> bool:
    """Whether ``folder`` holds a model of this format (its ``config.json`` says so)."""
    try:
        config = json.loads((Path(folder) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(config.get("format") == FORMAT)


@dataclass(slots=True)
class SentenceClassifier:
    """A loaded folder: its ``config``, ONNX ``session`` and ``tokenizer``."""

    config: dict[str, Any]
    session: Any
    tokenizer: Any
    path: Path | None = None
    workers: int = 1  # sentences run concurrently on this many threads (one ONNX thread each)

    @property
    def threshold(self) -> float:
        return float(self.config.get("threshold", 0.5))

    @property
    def max_length(self) -> int:
        return int(self.config.get("max_length", 128))

    @property
    def calibration(self) -> tuple[float, float]:
        cal = self.config.get("calibration", {})
        return float(cal.get("a", 1.0)), float(cal.get("b", 0.0))

    @classmethod
    def from_disk(cls, folder: str | Path, threads: int | None = None) -> SentenceClassifier:
        """Load ``folder``; raise :class:`ModelError` saying what to do when a file is missing or
        unreadable. ``threads``: the sentences run at once (default: every CPU the process may run
        on), each on a single-threaded ONNX run: a sentence is too small to share out over
        threads (over 204 sentences on 2 cores, one thread per run was 2.2x faster than two)."""
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(folder)
        try:
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except (OSError, ValueError, Exception) as exc:  # tokenizers raises its own untyped errors
            raise ModelError(
                f"cannot read the model in {folder} ({exc}); give a folder from `unspun train checkworthy`"
            ) from exc
        if config.get("format") != FORMAT:
            raise ModelError(
                f"{folder} is not a {FORMAT} model; give a folder from `unspun train checkworthy`"
            )
        tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.log_severity_level = 3
        try:
            session = ort.InferenceSession(
                str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelError(
                f"cannot load {folder / 'model.onnx'} ({exc}); retrain with `unspun train`"
            ) from exc
        workers = threads or available_cpus()
        model = cls(
            config=config, session=session, tokenizer=tokenizer, path=folder.resolve(), workers=workers
        )
        tokenizer.enable_truncation(model.max_length)
        return model

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """The Yes-minus-No logit of each text, each text run on its own: the int8 model quantises
        its activations with ranges taken over the whole input, so a padded batch would make a
        sentence's score depend on the sentences beside it (and an article's claims on the
        articles batched with it)."""
        encoded = [e.ids for e in self.tokenizer.encode_batch(list(texts))] if texts else []

        def run(ids: list[int]) -> float:
            row = np.asarray([ids], dtype=np.int64)
            (logits,) = self.session.run(["logits"], {"input_ids": row, "attention_mask": np.ones_like(row)})
            return float(logits[0, 1] - logits[0, 0])

        return np.asarray(map_on_workers(run, encoded, self.workers), dtype=np.float32)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """The calibrated probability that each text is of the Yes class."""
        a, b = self.calibration
        return np.asarray(sigmoid(a * self.logits(texts) + b), dtype=np.float32)


_loaded: dict[str, SentenceClassifier] = {}
_lock = threading.Lock()


def load_sentence_classifier(folder: str | Path) -> SentenceClassifier:
    """:meth:`SentenceClassifier.from_disk`, once per process and folder."""
    key = str(Path(folder).resolve())
    with _lock:
        if key not in _loaded:
            _loaded[key] = SentenceClassifier.from_disk(folder)
        return _loaded[key]
