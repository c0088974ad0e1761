"""The attribution model: a cue lexicon, cue-span inclusion rates and a linear cue classifier.

Training (:func:`fit`) reads parsed articles with gold attributions: the **lexicon** is every
lemma that heads a gold cue at least ``min_count`` times; the **inclusion rates** say how often
each kind of child (``aux``, ``neg``, ``punct::``, ...) of a gold cue head lies inside the cue; the
**classifier** (logistic regression over sparse features of the candidate head and of the
attribution the rules build from it, see :mod:`unspun.whosays.attribution_rules`) says which
candidates are cues. Prediction (:meth:`AttributionModel.find`) keeps the candidates above the
threshold (never a head that can head no attribution,
:func:`~unspun.whosays.speech.can_attribute`, nor one whose source is a quoted "I",
:func:`quoted_first_person`, nor a cue inside a quotation, :func:`inside_quotation`) and then
drops those overlapping a more likely one, except a cue inside a more likely attribution's
content that is itself at least as likely as ``nested`` (:func:`select`). The content of each kept
cue is the best of the candidate spans :mod:`unspun.whosays.content_span` proposes, scored by a
second linear model fit on the gold contents of the training cues (``content_weights``; without
them, the rules' content).

Saved as one JSON file (``attribution.json``: lexicon, rates, weights, content weights; no pickle).
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from unspun.errors import ModelError
from unspun.models.packaged import model_folder
from unspun.whosays.attribution_rules import (
    EXTENDABLE,
    Found,
    attribution_at,
    candidate_heads,
    content_of,
    extension_keys,
    later_dependents,
    verb_for_content,
)
from unspun.whosays.content_ranker import ContentRanker
from unspun.whosays.content_span import propose, span_features
from unspun.whosays.cue import TREE, cue_tokens, inclusion_keys
from unspun.whosays.cue_context import CueRescorer, Row, context_rows, fit_rescorer
from unspun.whosays.cue_span import CueSpanRanker
from unspun.whosays.cue_span import training_rows as cue_span_rows
from unspun.whosays.parsing import Chunks, doc_text
from unspun.whosays.quotation import OPEN_QUOTES, quotations
from unspun.whosays.speech import can_attribute

DEFAULT_MODEL = "attribution-polnear"
MODEL_FILE = "attribution.json"
FORMAT = "unspun.attribution.v1"
Range = tuple[int, int]


def cue_head_indices(doc: Any, cue: Range) -> int | None:
    """The token index heading the tokens of ``cue`` (the first such root), or ``None``."""
    toks = [t for t in doc if t.idx < cue[1] and t.idx + len(t) > cue[0]]
    inside = {t.i for t in toks}
    roots = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    return roots[0].i if roots else None


def features(head: Any, found: Found) -> dict[str, float]:
    """Sparse features of a candidate cue head and the attribution built from it."""
    lemma = head.lemma_.lower()
    feats = {
        "bias": 1.0,
        f"lemma={lemma}": 1.0,
        f"lower={head.lower_}": 1.0,
        f"tag={head.tag_}": 1.0,
        f"dep={head.dep_}": 1.0,
        f"lemma|dep={lemma}|{head.dep_}": 1.0,
        f"lemma|tag={lemma}|{head.tag_}": 1.0,
        f"head={head.head.lemma_.lower()}": 1.0,
        f"headpos|dep={head.head.pos_}|{head.dep_}": 1.0,
        f"rule={found.content_rule}": 1.0,
        f"lemma|rule={lemma}|{found.content_rule}": 1.0,
        f"kind={found.kind}": 1.0,
        f"src={found.source is not None}": 1.0,
        f"lemma|src={lemma}|{found.source is not None}": 1.0,
        f"prev={head.nbor(-1).lower_ if head.i > 0 else '<s>'}": 1.0,
        f"next={head.nbor(1).lower_ if head.i + 1 < len(head.doc) else '</s>'}": 1.0,
    }
    for child in head.children:
        feats[f"child={child.dep_}"] = 1.0
        feats[f"lemma|child={lemma}|{child.dep_}"] = 1.0
        if child.dep_ in ("prep", "agent", "prt"):
            feats[f"childword={child.lower_}"] = 1.0
        if child.dep_ in ("nsubj", "nsubjpass"):
            feats[f"subj_ent={child.ent_type_ or child.pos_}"] = 1.0
        if child.dep_ == "acomp":  # "is worried about", not "is popular in"
            feats[f"acomp={child.lemma_.lower()}"] = 1.0
    if found.content is not None:
        length = found.content[1] - found.content[0]
        feats[f"clen={min(int(math.log2(length + 1)), 10)}"] = 1.0
    if head.pos_ == "ADP":
        # a preposition is a cue by its object: "in a poll", not "in the House"
        for child in head.children:
            if child.dep_ == "pobj":
                feats[f"pobj={child.lemma_.lower()}"] = 1.0
                feats[f"lemma|pobj={lemma}|{child.lemma_.lower()}"] = 1.0
                feats[f"pobj_ent={child.ent_type_ or child.pos_}"] = 1.0
        feats[f"adp_first={head.i == head.sent.start}"] = 1.0
    return feats


@dataclass
class AttributionModel:
    """Lexicon, cue inclusion rates and classifier weights; :meth:`find` applies them to a parse."""

    lexicon: frozenset[str] = frozenset()
    include: dict[str, float] = field(default_factory=dict)
    extend: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.5
    nested: float | None = None  # see select(); None: a cue inside a kept content never stays
    content_weights: dict[str, float] = field(default_factory=dict)  # content_span features
    rescorer: CueRescorer | None = None  # cue_context: the candidates' second probability
    cue_span: CueSpanRanker | None = None  # cue_span: the words around the head in the cue

    def probability(self, feats: dict[str, float]) -> float:
        """The classifier's probability that the candidate is a cue."""
        z = sum(self.weights.get(name, 0.0) * value for name, value in feats.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def candidates(self, doc: Any) -> list[tuple[Found, dict[str, float]]]:
        """Every candidate attribution of a parse with its features (before the classifier)."""
        quotes = quotations(doc_text(doc))
        out = []
        for head in candidate_heads(doc, self.lexicon):
            found = attribution_at(head, self.include, quotes, self.extend)
            if found.content is None:
                continue
            out.append((found, features(head, found)))
        return out

    def find(
        self, doc: Any, *, distinct: bool = False, keep: Callable[[Any, Found], bool] | None = None
    ) -> list[tuple[Found, float]]:
        """The attributions of a parse with their probabilities, in text order (see the module
        docstring for the selection); with ``keep``, only those for which ``keep(cue head token,
        found)`` holds, left out before the selection so that one left out takes no other's place
        ("Everyone knows the mayor said ...": the belief is no quote, the statement is); with
        ``distinct``, one per content (:func:`select`), an
        addressed cue yielding to its twin (:func:`without_addressed_twins`): what a reader is
        shown. PolNeAR marks some contents twice ('said ... talking about'), so its rows are not
        distinct: in 3-fold CV over its 840 train articles, one per content dropped 22 cues, 10
        of them gold (cue F1 0.6557 -> 0.6555), addressed twins alone 2, 1 gold."""
        quotes = quotations(doc_text(doc))
        scored = [(f, self.probability(x)) for f, x in self.candidates(doc) if usable(doc, f, quotes)]
        if self.rescorer is not None:
            second = self.rescorer.probabilities(doc, scored)
            scored = [(f, q) for (f, _), q in zip(scored, second, strict=True)]
        kept = [(self.with_learnt_parts(doc, f, quotes), p) for f, p in scored if p >= self.threshold]
        if keep is not None:
            kept = [(f, p) for f, p in kept if keep(doc[f.head], f)]
        if distinct:
            kept = without_addressed_twins(doc, kept)
        return select(kept, nested=self.nested, distinct=distinct)

    def with_learnt_parts(self, doc: Any, found: Found, quotes: Sequence[Range]) -> Found:
        """``found`` with the content the content ranker picks, then the cue span the cue span
        ranker picks around it (each as it is without its weights)."""
        found = self.with_learnt_content(doc, found, quotes)
        return found if self.cue_span is None else self.cue_span.choose(doc, found)

    def with_learnt_content(self, doc: Any, found: Found, quotes: Sequence[Range]) -> Found:
        """``found`` with the content the content ranker picks (as it is without content weights)."""
        if not self.content_weights:
            return found
        content = ContentRanker(self.content_weights).choose(doc, found, quotes)
        if content == found.content:
            return found
        text = doc_text(doc)
        kind = "direct" if content is not None and text[content[0]] in OPEN_QUOTES else "indirect"
        return replace(found, content=content, kind=kind)

    def to_disk(self, folder: Path) -> None:
        """Write ``attribution.json`` into ``folder`` (made if missing)."""
        folder.mkdir(parents=True, exist_ok=True)
        data = {
            "format": FORMAT,
            "threshold": self.threshold,
            "nested": self.nested,
            "lexicon": sorted(self.lexicon),
            "include": dict(sorted(self.include.items())),
            "extend": dict(sorted(self.extend.items())),
            "weights": {k: round(v, 4) for k, v in sorted(self.weights.items()) if abs(v) >= 1e-3},
            "content_weights": {
                k: round(v, 4) for k, v in sorted(self.content_weights.items()) if abs(v) >= 1e-3
            },
            "rescorer": None if self.rescorer is None else self.rescorer.to_json(),
            "cue_span": None
            if self.cue_span is None
            else {k: round(v, 4) for k, v in sorted(self.cue_span.weights.items()) if abs(v) >= 1e-3},
        }
        (folder / MODEL_FILE).write_text(
            json.dumps(data, indent=0, ensure_ascii=False) + "\n", encoding="utf-8"
        )

    @classmethod
    def from_disk(cls, folder: Path) -> AttributionModel:
        """Read a model folder written by :meth:`to_disk`; raise :class:`ModelError` otherwise."""
        path = Path(folder) / MODEL_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"cannot read the attribution model {path} ({exc}); retrain it with 'unspun train attributions'"
            ) from exc
        if data.get("format") != FORMAT:
            raise ModelError(
                f"{path} is not an attribution model ({FORMAT}); retrain it with 'unspun train attributions'"
            )
        return cls(
            lexicon=frozenset(data["lexicon"]),
            include={k: float(v) for k, v in data["include"].items()},
            extend={k: float(v) for k, v in data["extend"].items()},
            weights={k: float(v) for k, v in data["weights"].items()},
            threshold=float(data["threshold"]),
            nested=None if data.get("nested") is None else float(data["nested"]),
            content_weights={k: float(v) for k, v in data.get("content_weights", {}).items()},
            rescorer=None if data.get("rescorer") is None else CueRescorer.from_json(data["rescorer"]),
            cue_span=None
            if data.get("cue_span") is None
            else CueSpanRanker({k: float(v) for k, v in data["cue_span"].items()}),
        )


FIRST_PERSON = frozenset({"i", "we"})


def quoted_first_person(text: str, found: Found, quotes: Sequence[Range]) -> bool:
    """Whether the source is "I" or "we" inside a quotation: the speaker of the quote is its
    source, never the "I" it quotes ("“I said no,” she told them")."""
    if found.source is None or text[found.source[0] : found.source[1]].strip().lower() not in FIRST_PERSON:
        return False
    return any(q0 <= found.source[0] and found.source[1] <= q1 for q0, q1 in quotes)


def inside_quotation(cue: Range, quotes: Sequence[Range]) -> bool:
    """Whether ``cue`` lies inside a quotation: what a quoted speaker says someone said is part of
    the quotation ("“Obama said in his speech that ...”"), and PolNeAR marks only the outermost
    attribution (3-fold CV on the 840 train articles: 288 such predictions, 5 with a gold cue)."""
    return any(q0 < cue[0] and cue[1] < q1 for q0, q1 in quotes)


def addressed(head: Any) -> bool:
    """Whether a cue head is a bare past participle, with no subject or auxiliary of its own
    ("asked about", "when asked"): its subject
    is who was addressed, and the answer is another cue's ("A spokesperson, asked about it,
    replied: ..."). Only a tie-break between cues of the same content."""
    own = ("aux", "auxpass", "nsubj", "nsubjpass")
    bare = not any(c.dep_ in own for c in head.children)
    return bool(bare and (head.tag_ == "VBN" or head.dep_ == "acl"))  # "acl": often tagged VBD


def without_addressed_twins(doc: Any, scored: Sequence[tuple[Found, float]]) -> list[tuple[Found, float]]:
    """``scored`` without the attributions whose content another one has too and whose cue head
    is :func:`addressed`: one content has one attribution, the one whose cue reports speech."""
    shared = Counter(f.content for f, _ in scored)
    return [(f, p) for f, p in scored if shared[f.content] < 2 or not addressed(doc[f.head])]


def _overlaps(a: Range | None, b: Range | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def select(
    scored: Sequence[tuple[Found, float]], *, nested: float | None = None, distinct: bool = False
) -> list[tuple[Found, float]]:
    """Keep the most likely attributions whose cues do not overlap a kept one's parts, in text
    order (with ``distinct``, one attribution of a content, the most likely); a cue inside a kept attribution's content stays when its probability is at least
    ``nested`` ("“X,” she said, adding that Y, he wrote": the content found for the outer cue
    often runs over a later attribution, and a likely cue there is more often right than that
    content; 0.7 chosen on 200 train articles, where 0.6 to 0.8 score within 0.001: with the
    model fit before it, c = 1.0, cue F1 there 0.709 -> 0.714, PolNeAR dev 0.677 -> 0.681; fit on
    the other 640 with c = 0.2, held out 0.647 -> 0.650, dev 0.677 -> 0.682)."""
    kept: list[tuple[Found, float]] = []
    for found, p in sorted(scored, key=lambda fp: -fp[1]):
        inside_ok = nested is not None and p >= nested
        if any(
            _overlaps(found.cue, other.cue)
            or (_overlaps(found.cue, other.content) and not inside_ok)
            or _overlaps(found.cue, other.source)
            or (distinct and found.content is not None and found.content == other.content)
            for other, _ in kept
        ):
            continue
        kept.append((found, p))
    return sorted(kept, key=lambda fp: fp[0].cue)


def learn_lexicon_and_rates(
    docs: Sequence[Any], golds: Sequence[Sequence[Any]], *, min_count: int = 2
) -> tuple[frozenset[str], dict[str, float]]:
    """The cue lexicon and child inclusion rates of gold attributions (``GoldAttribution`` rows)."""
    lemmas: Counter[str] = Counter()
    seen: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for doc, gold in zip(docs, golds, strict=True):
        for g in gold:
            if g.cue is None:
                continue
            i = cue_head_indices(doc, g.cue)
            if i is None:
                continue
            head = doc[i]
            lemmas[head.lemma_.lower()] += 1
            for child in head.children:
                if abs(child.i - head.i) > 3:  # only near children can join the cue
                    continue
                inside = g.cue[0] <= child.idx < g.cue[1]
                whole = all(g.cue[0] <= t.idx < g.cue[1] for t in child.subtree)
                for key in inclusion_keys(head, child):
                    seen[key][0] += inside
                    seen[key][1] += 1
                    seen[TREE + key][0] += whole
                    seen[TREE + key][1] += 1
    lexicon = frozenset(lemma for lemma, n in lemmas.items() if n >= min_count)
    rates = {key: hit / n for key, (hit, n) in seen.items() if n >= 3}
    return lexicon, rates


def learn_extension(
    docs: Sequence[Any], golds: Sequence[Sequence[Any]], include: dict[str, float]
) -> dict[str, float]:
    """How often each later dependent of the verb lies inside the gold content, over the gold
    attributions whose content the rules start where the gold starts (rates of
    :func:`extension_keys`, seen at least three times)."""
    seen: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for doc, gold in zip(docs, golds, strict=True):
        for g in gold:
            if g.cue is None:
                continue
            i = cue_head_indices(doc, g.cue)
            if i is None:
                continue
            head = doc[i]
            cue = cue_tokens(head, include)
            content, rule = content_of(head, cue)
            if content is None or content[0] != g.content[0] or rule not in EXTENDABLE:
                continue
            verb = verb_for_content(head, cue)
            anchor = next((t for t in doc if t.idx == content[0]), None)
            while anchor is not None and anchor.head.i != verb.i and anchor.head.i != anchor.i:
                anchor = anchor.head
            if anchor is None or anchor.head.i != verb.i:
                continue
            for child in later_dependents(verb, anchor, {t.i for t in cue}):
                inside = child.idx < g.content[1]
                for key in extension_keys(verb, child):
                    seen[key][0] += inside
                    seen[key][1] += 1
                if not inside:
                    break
    return {key: hit / n for key, (hit, n) in seen.items() if n >= 3}


def training_rows(
    model: AttributionModel, docs: Sequence[Any], golds: Sequence[Sequence[Any]]
) -> tuple[list[dict[str, float]], list[int]]:
    """Features and labels of every candidate (label 1: its head heads a gold cue)."""
    rows: list[dict[str, float]] = []
    labels: list[int] = []
    for doc, gold in zip(docs, golds, strict=True):
        heads = {cue_head_indices(doc, g.cue) for g in gold if g.cue is not None}
        for found, feats in model.candidates(doc):
            rows.append(feats)
            labels.append(int(found.head in heads))
    return rows, labels


def content_rows(
    model: AttributionModel,
    docs: Sequence[Any],
    golds: Sequence[Sequence[Any]],
    *,
    negatives: int = 60,
) -> tuple[list[dict[str, float]], list[int]]:
    """Features and labels of the candidate content spans of every candidate whose head heads a
    gold cue and that prediction would consider (label 1: the span is that cue's gold content);
    cues whose gold content no candidate matches are left out, and of each cue's other spans at
    most ``negatives`` are kept, drawn with a fixed seed (deterministic)."""
    rng = random.Random(0)
    rows: list[dict[str, float]] = []
    labels: list[int] = []
    for doc, gold in zip(docs, golds, strict=True):
        contents: defaultdict[int | None, set[Range]] = defaultdict(set)
        for g in gold:
            if g.cue is not None:
                contents[cue_head_indices(doc, g.cue)].add(tuple(g.content))
        text = doc_text(doc)
        quotes = quotations(text)
        for found, _ in model.candidates(doc):
            right = contents.get(found.head)
            if not right or not usable(doc, found, quotes):
                continue
            spans = propose(doc, found, quotes)
            if not right & spans.keys():
                continue
            chosen = [r for r in spans if r in right or r == found.content]
            others = [r for r in spans if r not in right and r != found.content]
            chosen += rng.sample(others, min(negatives, len(others)))
            for r in chosen:
                rows.append(span_features(doc, found, r, spans[r]))
                labels.append(int(r in right))
    return rows, labels


def usable(doc: Any, found: Found, quotes: Sequence[Range]) -> bool:
    """Whether prediction considers a candidate at all (see :meth:`AttributionModel.find`)."""
    return (
        can_attribute(doc[found.head])
        and not quoted_first_person(doc_text(doc), found, quotes)
        and not inside_quotation(found.cue, quotes)
    )


def fit(
    docs: Sequence[Any],
    golds: Sequence[Sequence[Any]],
    *,
    min_count: int = 2,
    c: float = 1.0,
    threshold: float = 0.5,
    nested: float | None = None,
    max_iter: int = 2000,
    content_c: float | None = None,
    rescore_threshold: float | None = None,
    groups: Sequence[int] | None = None,
    cue_span_c: float | None = None,
) -> AttributionModel:
    """Train an :class:`AttributionModel` on parsed documents and their gold attributions; with
    ``content_c`` (inverse L2 strength) also its content ranker (:func:`content_rows`); with
    ``rescore_threshold`` also its cue rescorer (:func:`rescorer_rows`, the documents' ``groups``
    (their articles) kept together in its inner folds), whose probability is then kept from that
    threshold rather than ``threshold``; with ``cue_span_c`` (inverse L2 strength) also its cue
    span ranker (:func:`fit_cue_span`, after the content ranker, whose content bounds the cue)."""

    lexicon, rates = learn_lexicon_and_rates(docs, golds, min_count=min_count)
    extend = learn_extension(docs, golds, rates)
    model = AttributionModel(
        lexicon=lexicon, include=rates, extend=extend, threshold=threshold, nested=nested
    )
    rows, labels = training_rows(model, docs, golds)
    if len(set(labels)) < 2:
        raise ModelError("the training data gives no positive and negative cue candidates; add articles")
    model.weights = logistic_weights(rows, labels, c=c, max_iter=max_iter)
    if rescore_threshold is not None:
        doc_groups = list(groups) if groups is not None else list(range(len(docs)))
        context, context_labels = rescorer_rows(model, docs, golds, doc_groups, c=c, max_iter=max_iter)
        model.rescorer = fit_rescorer(context, context_labels)
        model.threshold = rescore_threshold
    if content_c is not None:
        model.content_weights = fit_content(model, docs, golds, c=content_c, max_iter=max_iter)
    if cue_span_c is not None:
        model.cue_span = CueSpanRanker(fit_cue_span(model, docs, golds, c=cue_span_c, max_iter=max_iter))
    return model


def rescorer_rows(
    model: AttributionModel,
    docs: Sequence[Any],
    golds: Sequence[Sequence[Any]],
    groups: Sequence[int],
    *,
    c: float,
    max_iter: int = 2000,
    folds: int = 3,
) -> tuple[list[Row], list[int]]:
    """Context rows (:func:`~unspun.whosays.cue_context.context_rows`) and labels of the
    candidates that prediction considers, each with the first probability of a cue classifier fit
    without its group (``group % folds``: out of fold, as the rescorer sees it at prediction)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    per_doc = [model.candidates(doc) for doc in docs]
    heads = [
        {cue_head_indices(doc, g.cue) for g in gold if g.cue is not None}
        for doc, gold in zip(docs, golds, strict=True)
    ]
    first: list[list[float]] = [[0.0] * len(found) for found in per_doc]
    for fold in range(folds):
        inside = [k for k, g in enumerate(groups) if g % folds != fold]
        outside = [k for k, g in enumerate(groups) if g % folds == fold]
        rows = [x for k in inside for _, x in per_doc[k]]
        labels = [int(f.head in heads[k]) for k in inside for f, _ in per_doc[k]]
        if not outside or len(set(labels)) < 2:
            continue
        vectorizer = DictVectorizer()
        classifier = LogisticRegression(C=c, max_iter=max_iter, fit_intercept=False)
        classifier.fit(vectorizer.fit_transform(rows), labels)
        for k in outside:
            if per_doc[k]:
                x = vectorizer.transform([x for _, x in per_doc[k]])
                first[k] = [float(p) for p in classifier.predict_proba(x)[:, 1]]
    out: list[Row] = []
    out_labels: list[int] = []
    for k, doc in enumerate(docs):
        quotes = quotations(doc_text(doc))
        scored = [(f, p) for (f, _), p in zip(per_doc[k], first[k], strict=True) if usable(doc, f, quotes)]
        out += [row for row in context_rows(doc, scored) if row is not None]
        out_labels += [int(f.head in heads[k]) for f, _ in scored]
    return out, out_labels


def logistic_weights(
    rows: Sequence[dict[str, float]], labels: Sequence[int], *, c: float, max_iter: int
) -> dict[str, float]:
    """The feature weights of an L2 logistic regression without intercept over feature-dict
    ``rows`` (the cue classifier, the content ranker and the cue span ranker are such models)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(rows)
    model = LogisticRegression(C=c, max_iter=max_iter, fit_intercept=False).fit(x, labels)
    names = vectorizer.get_feature_names_out()
    return {str(n): float(w) for n, w in zip(names, model.coef_[0], strict=True)}


def fit_content(
    model: AttributionModel,
    docs: Sequence[Any],
    golds: Sequence[Sequence[Any]],
    *,
    c: float = 1.0,
    max_iter: int = 2000,
) -> dict[str, float]:
    """Weights of the content ranker: logistic regression over :func:`content_rows` (a span is
    its cue's gold content or not); at prediction the best-scored span is kept."""

    rows, labels = content_rows(model, docs, golds)
    if len(set(labels)) < 2:
        raise ModelError("the training data gives no gold and other content spans; add articles")
    return logistic_weights(rows, labels, c=c, max_iter=max_iter)


def fit_cue_span(
    model: AttributionModel,
    docs: Sequence[Any],
    golds: Sequence[Sequence[Any]],
    *,
    c: float = 1.0,
    max_iter: int = 2000,
) -> dict[str, float]:
    """Weights of the cue span ranker (:mod:`unspun.whosays.cue_span`): one logistic regression
    over the start and end rows of every candidate that prediction would consider whose head heads
    a gold cue (a start or end is the gold one or not), each with the content the model gives it;
    at prediction the best-scored start and end are kept."""

    rows: list[dict[str, float]] = []
    labels: list[int] = []
    for doc, gold in zip(docs, golds, strict=True):
        cues = {cue_head_indices(doc, g.cue): tuple(g.cue) for g in gold if g.cue is not None}
        quotes = quotations(doc_text(doc))
        for found, _ in model.candidates(doc):
            if found.head not in cues or not usable(doc, found, quotes):
                continue
            ends, end_labels, starts, start_labels = cue_span_rows(
                doc, model.with_learnt_content(doc, found, quotes), cues[found.head]
            )
            rows += ends + starts
            labels += end_labels + start_labels
    if len(set(labels)) < 2:
        raise ModelError("the training data gives no gold and other cue spans; add articles")
    return logistic_weights(rows, labels, c=c, max_iter=max_iter)


def load_attribution_model(name: str | Path | None = None) -> AttributionModel:
    """The attribution model in a folder, or the shipped one (``None`` or its name).

    Raises :class:`unspun.errors.ModelError` when the folder holds no attribution model.
    """
    return AttributionModel.from_disk(model_folder(name or DEFAULT_MODEL))


def shift_range(r: Range | None, by: int) -> Range | None:
    """``r`` moved ``by`` characters (None stays None)."""
    return None if r is None else (r[0] + by, r[1] + by)


def find_in_chunks(
    model: AttributionModel,
    chunks: Chunks,
    *,
    start: int = 0,
    keep: Callable[[Any, Found], bool] | None = None,
    distinct: bool = False,
) -> list[tuple[Found, float]]:
    """The attributions of a parsed text with offsets into the whole text, in text order; those
    whose cue starts before ``start`` are left out (the headline, :func:`unspun.sentences.title_end`:
    "City council approves budget" reports no speech), and, with ``keep``, those for which
    ``keep(cue head token, found)`` is false (the pipeline's quotes keep only what says something:
    :func:`unspun.whosays.speech.says_something`); ``distinct`` as :meth:`AttributionModel.find`."""
    found: list[tuple[Found, float]] = []
    for offset, doc in chunks:
        for f, p in model.find(doc, distinct=distinct, keep=keep):
            if f.cue[0] + offset < start:
                continue
            shifted = replace(
                f,
                cue=(f.cue[0] + offset, f.cue[1] + offset),
                source=shift_range(f.source, offset),
                content=shift_range(f.content, offset),
                source_asides=tuple((a + offset, b + offset) for a, b in f.source_asides),
            )
            found.append((shifted, p))
    return found
