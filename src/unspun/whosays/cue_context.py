"""A second look at the cue candidates: each one among the others of its parse.

The cue classifier of :mod:`unspun.whosays.attribution_model` scores every candidate on its own
(its head, its children, the attribution the rules build from it). Whether a candidate is a cue
also depends on its neighbours: a likelier cue in the same sentence, a likelier attribution whose
content holds it ("“X,” she said, adding that Y"), one whose cue lies inside its own content, a
sentence without end punctuation (a headline, a caption). :func:`context_rows` writes those facts
down for every candidate of a parse, and :class:`CueRescorer` (gradient-boosted trees fit by
``attribution_model.fit``, stored as plain lists in the model's JSON) turns them, with the first
probability, into the probability kept at prediction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from unspun.errors import ModelError
from unspun.whosays.attribution_rules import Found

Range = tuple[int, int]
Row = tuple[list[float], list[str]]  # numeric features, categorical features
NUMERIC = (
    "logit",
    "p",
    "best_same_sentence",
    "inside_content_of",
    "holds_cue_of",
    "overlaps_parts_of",
    "same_content_as",
    "candidates_in_sentence",
    "rank_in_sentence",
    "log_content_chars",
    "log_source_words",
    "no_source",
    "direct",
    "sentence_closed",
    "head_title_case",
    "head_place_in_sentence",
    "sentence_words",
    "quote_in_sentence",
    "title_case_share",
)
CATEGORICAL = ("source_type", "source_root", "rule", "pos", "tag", "dep", "lemma", "subject_type")
CLOSING = frozenset('.?!"”’:)')
QUOTE_MARKS = frozenset('"“”')


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _overlaps(a: Range | None, b: Range | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _inside(a: Range | None, b: Range | None) -> bool:
    return a is not None and b is not None and b[0] <= a[0] and a[1] <= b[1]


def _source_facts(doc: Any, source: Range | None) -> tuple[int, str, str]:
    """Words of the source, its entity type (else its first word's part of speech) and root lemma."""
    if source is None:
        return 0, "-", "-"
    span = doc.char_span(source[0], source[1], alignment_mode="expand")
    tokens = [t for t in span if t.idx >= source[0]] if span is not None else []
    if not tokens:
        return 0, "-", "-"
    kind = next((t.ent_type_ for t in tokens if t.ent_type_), tokens[0].pos_)
    root = next((t for t in tokens if t.head.i == t.i or not source[0] <= t.head.idx < source[1]), tokens[0])
    return len(tokens), kind, root.lemma_.lower()


def _sentence_facts(sentence: Any) -> tuple[float, float, float, float]:
    """Whether the sentence ends on closing punctuation, its words, a quotation mark in it, and
    the share of capitalised words that are no proper nouns (headline case)."""
    text = sentence.text.strip()
    capitalised = sum(1 for t in sentence if t.is_title and not t.is_sent_start and t.pos_ != "PROPN")
    return (
        float(text[-1:] in CLOSING),
        float(len(sentence)),
        float(any(ch in QUOTE_MARKS for ch in text)),
        capitalised / max(len(sentence), 1),
    )


def context_rows(doc: Any, scored: Sequence[tuple[Found, float]], floor: float = 0.0) -> list[Row | None]:
    """One row of :data:`NUMERIC` and :data:`CATEGORICAL` features per ``(found, probability)``
    of ``scored`` (the candidates of one parse that prediction considers, with the first
    classifier's probabilities), in the same order; ``None`` for one below ``floor``."""
    sentences = [doc[f.head].sent for f, _ in scored]
    facts: dict[int, tuple[float, float, float, float]] = {}
    rows: list[Row | None] = []
    for n, ((found, p), sentence) in enumerate(zip(scored, sentences, strict=True)):
        if p < floor:
            rows.append(None)
            continue
        if sentence.start not in facts:
            facts[sentence.start] = _sentence_facts(sentence)
        head = doc[found.head]
        others = [(o, q) for m, (o, q) in enumerate(scored) if m != n]
        same = [
            q
            for m, ((_, q), s) in enumerate(zip(scored, sentences, strict=True))
            if m != n and s.start == sentence.start
        ]
        words, source_type, source_root = _source_facts(doc, found.source)
        subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        closed, length, quoted, title_share = facts[sentence.start]
        numeric = [
            _logit(p),
            p,
            max(same, default=0.0),
            max((q for o, q in others if _inside(found.cue, o.content)), default=0.0),
            max((q for o, q in others if _inside(o.cue, found.content)), default=0.0),
            max(
                (q for o, q in others if _overlaps(found.cue, o.cue) or _overlaps(found.cue, o.source)),
                default=0.0,
            ),
            max((q for o, q in others if o.content == found.content), default=0.0),
            float(len(same)),
            float(sum(q > p for q in same)),
            math.log1p(found.content[1] - found.content[0]) if found.content else -1.0,
            math.log1p(words),
            float(found.source is None),
            float(found.kind == "direct"),
            closed,
            float(head.is_title and head.i != sentence.start),
            (head.i - sentence.start) / max(len(sentence), 1),
            length,
            quoted,
            title_share,
        ]
        categorical = [
            source_type,
            source_root,
            found.content_rule,
            head.pos_,
            head.tag_,
            head.dep_,
            head.lemma_.lower(),
            (subject.ent_type_ or subject.pos_) if subject is not None else "-",
        ]
        rows.append((numeric, categorical))
    return rows


@dataclass
class CueRescorer:
    """Gradient-boosted trees over :func:`context_rows` (binary log-loss), as plain lists.

    ``categories`` lists the known values of each :data:`CATEGORICAL` feature (a value's code is
    its place; an unknown value is missing); each tree is a dict of node lists: ``feature``,
    ``threshold`` (numeric: left when at most it), ``left``, ``right``, ``value`` (a leaf's),
    ``leaf``, ``missing_left`` and ``bitset`` (categorical: left when the code's bit is set).
    Candidates below ``floor`` keep probability 0 (the trees never see them)."""

    categories: list[list[str]] = field(default_factory=list)
    trees: list[dict[str, list[Any]]] = field(default_factory=list)
    baseline: float = 0.0
    floor: float = 0.05

    def encode(self, row: Row) -> list[float]:
        """The feature vector of a row: category codes (NaN: unknown), then numeric values (the
        order in which scikit-learn's trees number them: categorical features first)."""
        numeric, categorical = row
        codes = [
            float(known.index(value)) if value in known else math.nan
            for value, known in zip(categorical, self.categories, strict=True)
        ]
        return [*codes, *numeric]

    def score(self, x: Sequence[float]) -> float:
        """The probability of one encoded row."""
        z = self.baseline
        for tree in self.trees:
            node = 0
            while not tree["leaf"][node]:
                value = x[tree["feature"][node]]
                bitset = tree["bitset"][node]
                if math.isnan(value):
                    left = bool(tree["missing_left"][node])
                elif bitset is not None:
                    code = int(value)
                    left = bool(bitset[code >> 5] >> (code & 31) & 1)
                else:
                    left = value <= tree["threshold"][node]
                node = tree["left"][node] if left else tree["right"][node]
            z += tree["value"][node]
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def probabilities(self, doc: Any, scored: Sequence[tuple[Found, float]]) -> list[float]:
        """The second probability of each ``(found, first probability)`` of one parse."""
        rows = context_rows(doc, scored, self.floor)
        return [0.0 if row is None else self.score(self.encode(row)) for row in rows]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (read back by :meth:`from_json`)."""
        return {
            "floor": self.floor,
            "baseline": self.baseline,
            "categories": self.categories,
            "trees": self.trees,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CueRescorer:
        """The rescorer of a :meth:`to_json` dict."""
        return cls(
            categories=[list(c) for c in data["categories"]],
            trees=list(data["trees"]),
            baseline=float(data["baseline"]),
            floor=float(data["floor"]),
        )

    @classmethod
    def from_sklearn(cls, booster: Any, categories: list[list[str]], floor: float) -> CueRescorer:
        """The trees of a fitted scikit-learn ``HistGradientBoostingClassifier`` (binary)."""
        trees: list[dict[str, list[Any]]] = []
        for (predictor,) in booster._predictors:
            nodes = predictor.nodes
            raw = predictor.raw_left_cat_bitsets
            trees.append(
                {
                    "feature": [int(v) for v in nodes["feature_idx"]],
                    "threshold": [round(float(v), 6) for v in nodes["num_threshold"]],
                    "left": [int(v) for v in nodes["left"]],
                    "right": [int(v) for v in nodes["right"]],
                    "value": [round(float(v), 6) for v in nodes["value"]],
                    "leaf": [int(v) for v in nodes["is_leaf"]],
                    "missing_left": [int(v) for v in nodes["missing_go_to_left"]],
                    "bitset": [
                        [int(b) for b in raw[int(node["bitset_idx"])]]
                        if node["is_categorical"] and not node["is_leaf"]
                        else None
                        for node in nodes
                    ],
                }
            )
        return cls(
            categories=categories,
            trees=trees,
            baseline=float(booster._baseline_prediction.ravel()[0]),
            floor=floor,
        )


def fit_rescorer(
    rows: Sequence[Row], labels: Sequence[int], *, floor: float = 0.05, trees: int = 100, leaves: int = 31
) -> CueRescorer:
    """Fit a :class:`CueRescorer` on :func:`context_rows` rows (their first probabilities out of
    fold) and labels (1: the candidate heads a gold cue); rows below ``floor`` are left out, as at
    prediction. Deterministic (no early stopping, no sampling)."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    kept = [(row, y) for row, y in zip(rows, labels, strict=True) if row[0][1] >= floor]
    counts: list[dict[str, int]] = [{} for _ in CATEGORICAL]
    for (_, categorical), _ in kept:
        for seen, value in zip(counts, categorical, strict=True):
            seen[value] = seen.get(value, 0) + 1
    # at most 250 values a feature (the trees' bins), each seen at least 5 times, most frequent first
    categories = [
        sorted((v for v, n in seen.items() if n >= 5), key=lambda v: (-seen[v], v))[:250] for seen in counts
    ]
    rescorer = CueRescorer(categories=categories, floor=floor)
    if not kept:
        raise ModelError(
            "the cue rescorer has no candidate above its floor to learn from (its inner folds need"
            " three articles or more); add articles or leave rescore_threshold out of the recipe"
        )
    x = np.array([rescorer.encode(row) for row, _ in kept], dtype=float)
    y = np.array([label for _, label in kept])
    if len(set(y.tolist())) < 2:  # all above the floor alike (tiny data): all kept or all lost
        rescorer.baseline = 10.0 if y[0] else -10.0
        return rescorer
    mask = np.zeros(x.shape[1], dtype=bool)
    mask[: len(CATEGORICAL)] = True
    booster = HistGradientBoostingClassifier(
        max_iter=trees,
        learning_rate=0.1,
        max_leaf_nodes=leaves,
        l2_regularization=1.0,
        min_samples_leaf=max(1, min(20, len(kept) // 10)),  # scikit-learn's 20, less on tiny data
        categorical_features=mask,
        early_stopping=False,
        random_state=0,
    ).fit(x, y)
    return CueRescorer.from_sklearn(booster, categories, floor)
