"""A fine-tuned sentence classifier run with ONNX Runtime and ``tokenizers`` (no torch).

A model folder holds ``model.onnx`` (inputs ``input_ids``, ``attention_mask``; output ``logits``
of the classes), ``tokenizer.json`` and ``config.json`` (``format``
``unspun.sentence-classifier/1``, ``max_length``, ``unfused_skip_layer_norm`` when the graph's
skip layer norms were split for speed (:mod:`unspun.models.onnx_graph`; the session then keeps
them split), and):

* two classes No, Yes (no ``labels``; check-worthiness): ``threshold`` and ``calibration``
  ``{a, b}``; the probability of Yes is ``sigmoid(a * (logit_yes - logit_no) + b)``,
  Platt-calibrated on sentences the model did not train on;
* n classes (``labels``; target sentiment): ``temperature``; the probabilities are
  ``softmax(logits / temperature)``, the temperature fitted on texts the model did not train on.
  A model of one target in its sentence names its ``target_markers``: the target is wrapped in them
  (:meth:`SentenceClassifier.mark`), as in training; a sentence over ``max_length`` tokens is read
  in a window of that many tokens around its target (:meth:`SentenceClassifier.target_logits`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from unspun.document import ModelInfo
from unspun.errors import ModelError
from unspun.models.cpus import available_cpus, map_on_workers
from unspun.models.linear_head import sigmoid
from unspun.models.onnx_graph import disabled_optimizers
from unspun.models.packaged import folder_model_info

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
    whole: Any = None  # the tokenizer without truncation (targets are windowed instead), or None

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

    @property
    def labels(self) -> tuple[str, ...]:
        """The class names (No, Yes for a two-class model without ``labels``)."""
        return tuple(self.config.get("labels", ("No", "Yes")))

    @property
    def binary(self) -> bool:
        """Whether the model decides Yes / No at a threshold (else: the most probable class)."""
        return "labels" not in self.config

    def model_info(self, component: str) -> ModelInfo:
        """The folder's name, version and digest (an in-memory model: its task, ``local``), as
        :meth:`unspun.whosays.heads.HeadModel.model_info` says it of a head folder."""
        if self.path is not None:
            return folder_model_info(component, self.path)
        return ModelInfo(component=component, name=str(self.config.get("task", component)), version="local")

    def mark(self, text: str, start: int, end: int) -> str:
        """``text`` with its characters ``[start, end)`` (the target) wrapped in the model's
        ``target_markers`` (unchanged when it has none)."""
        markers = self.config.get("target_markers")
        if not markers:
            return text
        return mark_target(text, start, end, (str(markers[0]), str(markers[1])))

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
                f"cannot read the model in {folder} ({exc}); give a folder from `unspun train checkworthy` or `target-sentiment`"
            ) from exc
        if config.get("format") != FORMAT:
            raise ModelError(
                f"{folder} is not a {FORMAT} model; give a folder from `unspun train checkworthy` or `target-sentiment`"
            )
        tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.log_severity_level = 3
        try:
            # a graph whose skip layer norms were split stays split (unspun.models.onnx_graph)
            session = ort.InferenceSession(
                str(folder / "model.onnx"),
                options,
                providers=["CPUExecutionProvider"],
                disabled_optimizers=disabled_optimizers(config),
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelError(
                f"cannot load {folder / 'model.onnx'} ({exc}); retrain with `unspun train`"
            ) from exc
        workers = threads or available_cpus()
        model = cls(
            config=config, session=session, tokenizer=tokenizer, path=folder.resolve(), workers=workers
        )
        model.whole = Tokenizer.from_str(tokenizer.to_str())
        model.whole.no_truncation()
        tokenizer.enable_truncation(model.max_length)
        return model

    def class_logits(self, texts: Sequence[str]) -> np.ndarray:
        """``(n, classes)`` logits of the texts, each text run on its own: the int8 model quantises
        its activations with ranges taken over the whole input, so a padded batch would make a
        sentence's score depend on the sentences beside it (and an article's claims on the
        articles batched with it)."""
        encoded = [e.ids for e in self.tokenizer.encode_batch(list(texts))] if texts else []
        return self._run_each(encoded)

    def target_logits(self, texts: Sequence[str], targets: Sequence[tuple[int, int]]) -> np.ndarray:
        """``(n, classes)`` logits of the target ``targets[i]`` (a character range) of each of
        ``texts``, marked (:meth:`mark`) and run alone as in :meth:`class_logits`. A text over
        ``max_length`` tokens is read in a window of that many tokens around its target (the
        truncation of :meth:`class_logits` keeps the start, and would cut off a late target)."""
        marked = [self.mark(text, start, end) for text, (start, end) in zip(texts, targets, strict=True)]
        tokenizer = self.whole if self.whole is not None else self.tokenizer
        encoded = tokenizer.encode_batch(marked) if marked else []
        ranges = [self.marked_range(start, end) for start, end in targets]
        return self._run_each(
            [target_window(e, a, b, self.max_length) for e, (a, b) in zip(encoded, ranges, strict=True)]
        )

    def marked_range(self, start: int, end: int) -> tuple[int, int]:
        """The character range ``[start, end)`` of a target in its text as :meth:`mark` gives it,
        the markers included."""
        markers = self.config.get("target_markers")
        if not markers:
            return start, end
        return start, end + len(str(markers[0])) + len(str(markers[1])) + 2

    def _run_each(self, encoded: Sequence[list[int]]) -> np.ndarray:
        def run(ids: list[int]) -> np.ndarray:
            row = np.asarray([ids], dtype=np.int64)
            (logits,) = self.session.run(["logits"], {"input_ids": row, "attention_mask": np.ones_like(row)})
            return np.asarray(logits[0], dtype=np.float32)

        rows = map_on_workers(run, encoded, self.workers)
        return np.stack(rows) if rows else np.zeros((0, len(self.labels)), dtype=np.float32)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """The Yes-minus-No logit of each text (a two-class model)."""
        z = self.class_logits(texts)
        return np.asarray(z[:, 1] - z[:, 0], dtype=np.float32)

    def calibrated(self, logits: np.ndarray) -> np.ndarray:
        """The calibrated probabilities of ``(n, classes)`` logits: of Yes ``(n,)`` for a two-class
        model, of each class ``(n, classes)`` otherwise."""
        z = np.asarray(logits, dtype=np.float64)
        if self.binary:
            a, b = self.calibration
            return np.asarray(sigmoid(a * (z[:, 1] - z[:, 0]) + b), dtype=np.float32)
        z = z / float(self.config.get("temperature", 1.0))
        z -= z.max(axis=1, keepdims=True) if len(z) else 0.0
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float32)

    def decide(self, probabilities: np.ndarray) -> np.ndarray:
        """Per text, the decision of :meth:`calibrated` probabilities: Yes (over the threshold)
        for a two-class model, the index of the most probable class otherwise."""
        if self.binary:
            return np.asarray(probabilities >= self.threshold)
        return np.asarray(np.argmax(probabilities, axis=1))

    def target_probabilities(self, texts: Sequence[str], targets: Sequence[tuple[int, int]]) -> np.ndarray:
        """The calibrated probabilities ``(n, classes)`` of one target in each text
        (:meth:`target_logits`)."""
        return self.calibrated(self.target_logits(texts, targets))

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """The calibrated probabilities of ``texts`` (:meth:`calibrated`): of the Yes class for a
        two-class model, ``(n, classes)`` otherwise."""
        return self.calibrated(self.class_logits(texts))


def target_window(encoding: Any, start: int, end: int, length: int) -> list[int]:
    """The token ids of a tokenizer ``encoding`` (untruncated, special tokens added), cut to
    ``length`` tokens around the characters ``[start, end)`` (the marked target) when longer: its
    leading and trailing special tokens kept, the target's tokens centred in the rest (from the
    target's first token where the target alone is longer than that)."""
    ids, special = list(encoding.ids), list(encoding.special_tokens_mask)
    if len(ids) <= length:
        return ids
    lead = next((i for i, s in enumerate(special) if not s), len(ids))
    trail = next((i for i, s in enumerate(reversed(special)) if not s), 0)
    room = length - lead - trail
    first, last = encoding.char_to_token(start), encoding.char_to_token(max(end - 1, start))
    if first is None or last is None or room <= 0:  # not found: keep the start, as truncation does
        return ids[: length - trail] + ids[len(ids) - trail :]
    low = first - max(room - (last - first + 1), 0) // 2
    low = max(lead, min(low, len(ids) - trail - room))
    return ids[:lead] + ids[low : low + room] + ids[len(ids) - trail :]


def mark_target(text: str, start: int, end: int, markers: tuple[str, str]) -> str:
    """``text`` with ``[start, end)`` wrapped in ``markers`` (each set off by a space)."""
    return f"{text[:start]}{markers[0]} {text[start:end]} {markers[1]}{text[end:]}"


_loaded: dict[str, SentenceClassifier] = {}
_lock = threading.Lock()


def load_sentence_classifier(folder: str | Path) -> SentenceClassifier:
    """:meth:`SentenceClassifier.from_disk`, once per process and folder."""
    key = str(Path(folder).resolve())
    with _lock:
        if key not in _loaded:
            _loaded[key] = SentenceClassifier.from_disk(folder)
        return _loaded[key]


Other = TypeVar("Other")


def load_classifier_or(
    model: str | Path | None,
    default: str,
    other: Callable[[str | Path], Other],
    labels: Sequence[str] | None = None,
) -> SentenceClassifier | Other:
    """The model in the folder or shipped name ``model`` (``default`` when ``None``), loaded once
    per process: a :class:`SentenceClassifier` when its ``config.json`` says so, else
    ``other(name_or_folder)`` (the frozen-feature heads a task shipped before). Raises
    :class:`unspun.errors.ModelError`, also for a classifier of other ``labels`` than the task's
    (another task's model: ``checkworthy-en`` given for target sentiment)."""
    from unspun.models.packaged import model_folder

    folder = model_folder(model or default)
    if not is_sentence_classifier(folder):
        return other(model or default)
    classifier = load_sentence_classifier(folder)
    if labels is not None and tuple(classifier.labels) != tuple(labels):
        raise ModelError(
            f"model {str(model or default)!r} classifies {' / '.join(classifier.labels)}, not "
            f"{' / '.join(labels)}: it is another task's model; give a {default} model or folder"
        )
    return classifier
