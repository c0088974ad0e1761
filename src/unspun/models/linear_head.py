"""Linear classification heads stored as plain numpy arrays (``.npz``): inference needs numpy only.

A :class:`LinearHead` maps feature rows ``X`` to label scores with ``(X - mean) / scale @ W + b``:

* ``multi_label=False``: softmax over the labels, one label per row (a genre);
* ``multi_label=True``: an independent sigmoid per label, and a label is predicted where its
  score reaches its threshold. Thresholds can differ per language (``thresholds[lang]``, with
  ``"default"`` for any other language), because they are tuned by cross-validation per language.

:func:`fit_linear_head` trains one with scikit-learn (the ``train`` extra), imported lazily.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from unspun.errors import ModelError
from unspun.models.packaged import model_folder
from unspun.models.tfidf import read_head_file, tfidf_row, word_ngrams, write_head_file

DEFAULT_THRESHOLD = 0.5


def sigmoid(logits: np.ndarray) -> np.ndarray:
    """The logistic function, with logits clipped to +-50 so that ``exp`` never overflows."""
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))


def logit(p: np.ndarray) -> np.ndarray:
    """The inverse of :func:`sigmoid`, with probabilities clipped to [1e-6, 1 - 1e-6]."""
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


def fit_platt_newton(
    logits: np.ndarray,
    truth: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    l2: tuple[float, float] = (1e-3, 1e-3),
    steps: int = 100,
) -> tuple[float, float]:
    """``(a, b)`` maximising the (weighted) likelihood of 0/1 ``truth`` under
    ``sigmoid(a * logits + b)``, with an L2 penalty of ``l2[0]`` on ``a`` and ``l2[1]`` on ``b``,
    by Newton steps until a step is below 1e-9 (a two-parameter fit converges in about ten);
    ``(1, 0)`` if ``truth`` has one class only. The one Platt fit of the project: the frames'
    calibration and every trainer's (:func:`unspun.training.calibration.fit_platt`)."""
    y = np.asarray(truth, dtype=np.float64).ravel()
    if y.min() == y.max():
        return 1.0, 0.0
    x = np.stack([np.asarray(logits, dtype=np.float64).ravel(), np.ones(len(y))], axis=1)
    v = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    w = fit_logistic_newton(x, y, np.diag(np.asarray(l2, dtype=np.float64)), weights=v, steps=steps)
    return float(w[0]), float(w[1])


def fit_logistic_newton(
    x: np.ndarray,
    y: np.ndarray,
    penalty: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    steps: int = 100,
) -> np.ndarray:
    """Coefficients ``w`` maximising the (weighted) likelihood of 0/1 ``y`` under
    ``sigmoid(x @ w)`` with the quadratic penalty ``0.5 * w @ penalty @ w``, by Newton steps from
    ``w = (1, 0, ..., 0)`` (the identity mapping when ``x``'s first column is a logit), each step
    halved while it does not lower the loss (a plain Newton step can overshoot when the start is far
    from the optimum and the scores saturate), until a step is below 1e-9. The solver of every
    Platt fit of the project (:func:`fit_platt_newton`, the span calibration's one-word term)."""
    v = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    sign = 2 * y - 1
    ridge = 1e-12 * np.eye(x.shape[1])

    def loss(w: np.ndarray) -> float:
        return float(v @ np.logaddexp(0.0, -sign * (x @ w)) + 0.5 * w @ penalty @ w)

    w = np.zeros(x.shape[1])
    w[0] = 1.0
    current = loss(w)
    for _ in range(steps):
        p = sigmoid(x @ w)
        gradient = x.T @ (v * (p - y)) + penalty @ w
        hessian = (x * (v * p * (1 - p))[:, None]).T @ x + penalty + ridge
        step = np.linalg.solve(hessian, gradient)
        for _ in range(40):
            if loss(w - step) <= current:
                break
            step = step / 2
        w -= step
        current = loss(w)
        if np.abs(step).max() < 1e-9:
            break
    return w


@dataclass(slots=True)
class LinearHead:
    """A trained linear head: ``labels``, weights ``(n_features, n_labels)`` and per-label thresholds."""

    labels: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    multi_label: bool
    thresholds: dict[str, np.ndarray] = field(default_factory=dict)
    # Multi-class only: per-language log-probability offsets added before the arg-max (a prior
    # shift, e.g. towards "reporting" where training and real-world genre mixes differ).
    offsets: dict[str, np.ndarray] = field(default_factory=dict)
    # Multi-class only: a calibration temperature applied after the offsets, softmax((log p +
    # offset) / temperature), fitted on out-of-fold scores; 1.0 changes nothing. It never moves
    # the arg-max, only the probability printed beside the label.
    temperature: float = 1.0

    @property
    def n_features(self) -> int:
        return int(self.weights.shape[0])

    def scores(self, features: np.ndarray) -> np.ndarray:
        """Scores ``(n_rows, n_labels)`` in [0, 1]: softmax rows, or per-label sigmoids if multi-label.

        Raises :class:`ModelError` if the feature width does not match the head.
        """
        features = np.atleast_2d(np.asarray(features, dtype=np.float32))
        if features.shape[1] != self.n_features:
            raise ModelError(
                f"the head expects {self.n_features} features per row, got {features.shape[1]}; "
                "the model and the sentence encoder do not match: retrain or reinstall the models"
            )
        logits = ((features - self.mean) / self.scale) @ self.weights + self.bias
        if self.multi_label:
            return sigmoid(logits)
        logits = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def threshold_for(self, lang: str | None) -> np.ndarray:
        """Per-label thresholds of ``lang`` (``"default"``, else 0.5 everywhere)."""
        if lang is not None and lang in self.thresholds:
            return self.thresholds[lang]
        default = self.thresholds.get("default")
        return default if default is not None else np.full(len(self.labels), DEFAULT_THRESHOLD)

    def predict(self, features: np.ndarray, lang: str | None = None) -> list[list[tuple[str, float]]]:
        """Per row, the predicted ``(label, score)`` pairs, highest score first.

        Multi-class: exactly one pair per row. Multi-label: every label at or over its threshold.
        """
        return self.decide(self.scores(features), lang)

    def decide(self, scores: np.ndarray, lang: str | None = None) -> list[list[tuple[str, float]]]:
        """Turn score rows (from :meth:`scores`, possibly mixed with an n-gram head) into labels."""
        if not self.multi_label:
            probabilities = self.shifted(scores, lang)
            best = probabilities.argmax(axis=1)
            return [[(self.labels[j], float(row[j]))] for j, row in zip(best, probabilities, strict=True)]
        limits = self.threshold_for(lang)
        out: list[list[tuple[str, float]]] = []
        for row in scores:
            hits = [(self.labels[j], float(row[j])) for j in np.flatnonzero(row >= limits)]
            out.append(sorted(hits, key=lambda pair: -pair[1]))
        return out

    def shifted(self, scores: np.ndarray, lang: str | None = None) -> np.ndarray:
        """Multi-class score rows under ``lang``'s prior offsets and the head's calibration
        temperature: ``softmax((log p + offset) / temperature)``.

        The offset moves the decision (e.g. towards "reporting"), so the probability printed for
        the chosen label must move with it: the label shown and its number come from these rows.
        Rows without an offset (and a temperature of 1) are returned unchanged.
        """
        offset = self.offsets.get(lang) if lang in self.offsets else self.offsets.get("default")
        if offset is None and self.temperature == 1.0:
            return np.asarray(scores)
        logits = np.log(np.asarray(scores) + 1e-12) + (offset if offset is not None else 0.0)
        logits = logits / self.temperature
        logits = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def parameter_arrays(self) -> dict[str, np.ndarray]:
        """The learnt arrays (``weights``, ``bias``, ``mean``, ``scale``) as float32, for a head file."""
        return {name: getattr(self, name).astype(np.float32) for name in ("weights", "bias", "mean", "scale")}

    @classmethod
    def from_parameter_arrays(
        cls,
        labels: Sequence[str],
        data: Mapping[str, np.ndarray],
        *,
        multi_label: bool,
        thresholds: dict[str, np.ndarray] | None = None,
        offsets: dict[str, np.ndarray] | None = None,
        temperature: float = 1.0,
    ) -> LinearHead:
        """A head from the arrays :meth:`parameter_arrays` wrote (``data`` maps their names)."""
        return cls(
            labels=tuple(labels),
            weights=data["weights"],
            bias=data["bias"],
            mean=data["mean"],
            scale=data["scale"],
            multi_label=multi_label,
            thresholds=thresholds or {},
            offsets=offsets or {},
            temperature=temperature,
        )

    def to_disk(self, path: str | Path) -> None:
        """Write the head to one ``.npz`` file (arrays and a JSON header; no pickles)."""
        languages = sorted(self.thresholds)
        offset_languages = sorted(self.offsets)
        header = {
            "labels": list(self.labels),
            "multi_label": self.multi_label,
            "languages": languages,
            "offset_languages": offset_languages,
        }
        if self.temperature != 1.0:
            header["temperature"] = float(self.temperature)
        arrays = self.parameter_arrays()
        for i, lang in enumerate(languages):
            arrays[f"threshold_{i}"] = np.asarray(self.thresholds[lang], dtype=np.float32)
        for i, lang in enumerate(offset_languages):
            arrays[f"offset_{i}"] = np.asarray(self.offsets[lang], dtype=np.float32)
        write_head_file(path, header, arrays)

    @classmethod
    def from_disk(cls, path: str | Path) -> LinearHead:
        """Read a head written by :meth:`to_disk`; raise :class:`ModelError` if missing or malformed."""
        with read_head_file(Path(path)) as (header, data):
            thresholds = {lang: data[f"threshold_{i}"] for i, lang in enumerate(header["languages"])}
            offsets = {lang: data[f"offset_{i}"] for i, lang in enumerate(header.get("offset_languages", []))}
            return cls.from_parameter_arrays(
                header["labels"],
                data,
                multi_label=bool(header["multi_label"]),
                thresholds=thresholds,
                offsets=offsets,
                temperature=float(header.get("temperature", 1.0)),
            )


def fit_linear_head(
    features: np.ndarray,
    targets: Sequence[str] | np.ndarray,
    labels: Sequence[str],
    *,
    multi_label: bool,
    c: float = 1.0,
    class_weight: str | None = None,
    sample_weight: np.ndarray | None = None,
    column_weight: np.ndarray | None = None,
    seed: int = 0,
) -> LinearHead:
    """Train a logistic-regression head on standardised ``features``.

    ``column_weight``: a multiplier per column of the standardised features (a column weighted
    ``w`` is penalised as if its coefficient were ``1 / w`` as large: a few informative columns
    beside thousands of embedding ones), folded into the head's ``scale``.

    ``targets``: one label per row (multi-class) or a 0/1 matrix ``(n_rows, len(labels))``
    (multi-label; a label with no positive row gets a head that never fires).
    Raises :class:`ModelError` if scikit-learn is not installed.
    """
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:
        raise ModelError("training needs scikit-learn: pip install 'unspun[train]'") from exc
    x = np.asarray(features, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    if column_weight is not None:
        scale = scale / np.asarray(column_weight, dtype=np.float64)
    z = (x - mean) / scale
    weights = np.zeros((x.shape[1], len(labels)))
    bias = np.zeros(len(labels))
    if multi_label:
        matrix = np.asarray(targets)
        for j in range(len(labels)):
            column = matrix[:, j]
            if column.min() == column.max():
                bias[j] = 20.0 if column.min() else -20.0
                continue
            model = LogisticRegression(C=c, class_weight=class_weight, max_iter=300, random_state=seed)
            model.fit(z, column, sample_weight=sample_weight)
            weights[:, j], bias[j] = model.coef_[0], model.intercept_[0]
    else:
        y = np.array([labels.index(t) for t in targets])
        model = LogisticRegression(C=c, class_weight=class_weight, max_iter=500, random_state=seed)
        model.fit(z, y, sample_weight=sample_weight)
        classes = list(model.classes_)
        if len(classes) == 2:  # sklearn keeps one row for two classes: softmax([0, z]) == sigmoid(z)
            weights[:, classes[1]], bias[classes[1]] = model.coef_[0], model.intercept_[0]
        else:
            for row, cls in enumerate(classes):
                weights[:, cls], bias[cls] = model.coef_[row], model.intercept_[row]
        for missing in set(range(len(labels))) - set(classes):
            bias[missing] = -50.0
    return LinearHead(
        labels=tuple(labels),
        weights=weights.astype(np.float32),
        bias=bias.astype(np.float32),
        mean=mean.astype(np.float32),
        scale=scale.astype(np.float32),
        multi_label=multi_label,
    )


DEFAULT_ARTICLE_MODEL = "semeval2023"


def article_model_dir(name_or_path: str | Path | None = None) -> Path:
    """Where the article-level heads of ``name_or_path`` live: ``None`` = the packaged default, a
    folder path, or the name of a packaged model folder (``"semeval2023"``) when no such path
    exists. Raises ``ModelError`` when there is no such folder; whether it holds usable heads is
    checked when they are read."""
    path = model_folder(DEFAULT_ARTICLE_MODEL if name_or_path is None else name_or_path)
    if not path.is_dir():
        raise ModelError(
            f"article model {str(name_or_path)!r} not found; give a folder of genre/frames/paragraphs "
            "models (from `unspun train article`) or a shipped name (semeval2023)"
        )
    return path


@dataclass(slots=True)
class NgramHead:
    """A multi-label logistic head over TF-IDF word n-grams, computed with plain Python + numpy.

    Features reproduce scikit-learn's ``TfidfVectorizer(lowercase=True, ngram_range=(1, ngram_max),
    sublinear_tf=True, norm="l2")``: ``(1 + log tf) * idf``, L2-normalised per text. Scores are
    per-label sigmoids; thresholds live with the head it is mixed into.
    """

    labels: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray  # (n_terms, n_labels)
    bias: np.ndarray
    ngram_max: int = 2
    share: float = 0.5  # weight of this head's scores when mixed with a LinearHead's

    def mix(self, linear_scores: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """``(1 - share) * linear_scores + share * self.scores(texts)``."""
        return (1.0 - self.share) * linear_scores + self.share * self.scores(texts)

    def terms(self, text: str) -> list[str]:
        """The word n-grams of ``text`` (lower-cased tokens of two or more word characters)."""
        return word_ngrams(text, (1, self.ngram_max))

    def vectorise(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Sparse TF-IDF row of ``text``: (term indices, L2-normalised values)."""
        return tfidf_row(self.terms(text), self.vocabulary, self.idf)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Per-label sigmoid scores ``(len(texts), n_labels)``."""
        out = np.zeros((len(texts), len(self.labels)))
        for row, text in enumerate(texts):
            indices, values = self.vectorise(text)
            out[row] = values @ self.weights[indices] if len(indices) else 0.0
        logits = out + self.bias
        return sigmoid(logits)

    def to_disk(self, path: str | Path) -> None:
        """One ``.npz``: the vocabulary in a JSON header (term order = index), float16 weights."""
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        header = {
            "labels": list(self.labels),
            "ngram_max": self.ngram_max,
            "share": self.share,
            "terms": terms,
        }
        write_head_file(
            path,
            header,
            {
                "idf": self.idf.astype(np.float32),
                "weights": self.weights.astype(np.float16),
                "bias": self.bias.astype(np.float32),
            },
        )

    @classmethod
    def from_disk(cls, path: str | Path) -> NgramHead:
        """Read a head written by :meth:`to_disk`; raise :class:`ModelError` if missing or malformed."""
        with read_head_file(Path(path)) as (header, data):
            return cls(
                labels=tuple(header["labels"]),
                vocabulary={term: i for i, term in enumerate(header["terms"])},
                idf=data["idf"].astype(np.float64),
                weights=data["weights"].astype(np.float32),
                bias=data["bias"],
                ngram_max=int(header["ngram_max"]),
                share=float(header["share"]),
            )


def fit_ngram_head(
    texts: Sequence[str],
    targets: np.ndarray,
    labels: Sequence[str],
    *,
    c: float = 4.0,
    max_features: int = 40000,
    min_df: int = 3,
    ngram_max: int = 2,
    share: float = 0.5,
    seed: int = 0,
) -> NgramHead:
    """Train an :class:`NgramHead` (scikit-learn TF-IDF + one logistic regression per label).

    ``targets``: 0/1 matrix ``(len(texts), len(labels))``. Raises :class:`ModelError` without
    scikit-learn.
    """
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:
        raise ModelError("training needs scikit-learn: pip install 'unspun[train]'") from exc
    vectoriser = TfidfVectorizer(
        ngram_range=(1, ngram_max),
        min_df=min(min_df, len(texts)),
        max_features=max_features,
        sublinear_tf=True,
    )
    x = vectoriser.fit_transform(texts)
    matrix = np.asarray(targets)
    weights = np.zeros((x.shape[1], len(labels)))
    bias = np.zeros(len(labels))
    for j in range(len(labels)):
        column = matrix[:, j]
        if column.min() == column.max():
            bias[j] = 20.0 if column.min() else -20.0
            continue
        model = LogisticRegression(C=c, solver="liblinear", max_iter=300, random_state=seed).fit(x, column)
        weights[:, j], bias[j] = model.coef_[0], model.intercept_[0]
    return NgramHead(
        labels=tuple(labels),
        vocabulary={term: int(i) for term, i in vectoriser.vocabulary_.items()},
        idf=vectoriser.idf_.astype(np.float64),
        weights=weights.astype(np.float32),
        bias=bias.astype(np.float32),
        ngram_max=ngram_max,
        share=share,
    )
