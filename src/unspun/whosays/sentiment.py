"""Reading the sentiment a text takes towards the mentions of its entities.

The target-sentiment model (:data:`SENTIMENT_MODEL`) is either the shipped fine-tuned sentence
classifier (:class:`~unspun.models.sentence_classifier.SentenceClassifier`), which reads a mention's
sentence with the mention marked, one run per distinct sentence and entity
(:func:`target_inputs`), in an entity's first :data:`MAX_SENTENCES` sentences; or a logistic head
over the span model's view of the mention (a ``unspun.whosays-heads/1`` folder), which reads every
mention. :func:`read_sentiments` gives the probabilities of the mentions read;
:mod:`unspun.whosays.stance` turns them into the side the text takes towards each entity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspun.document import Article, Label
from unspun.models.sentence_classifier import SentenceClassifier, load_classifier_or
from unspun.sentences import split_sentences
from unspun.tasks.newsmtsc import SENTIMENTS
from unspun.whosays.encoding import SentenceStates, sentences_at
from unspun.whosays.heads import HeadModel, load_heads, mean_scores

SENTIMENT_MODEL = "target-sentiment-en"
SentimentModel = SentenceClassifier | HeadModel


def sentiment_scores(model: HeadModel, features: np.ndarray) -> np.ndarray:
    """``(n, 3)`` probabilities of negative / neutral / positive per mention feature row."""
    head = model.head("sentiment")
    if not len(features):
        return np.zeros((0, len(head.labels)), dtype=np.float32)
    return head.scores(features)


def load_sentiment_model(model: str | Path | SentimentModel | None = None) -> SentimentModel:
    """The target-sentiment model as given, or loaded (once per process) from a folder or a shipped
    name: a fine-tuned classifier or a head folder, as its ``config.json`` says. Raises
    :class:`unspun.errors.ModelError`."""
    if isinstance(model, SentenceClassifier | HeadModel):
        return model
    return load_classifier_or(
        model, SENTIMENT_MODEL, lambda name: load_heads(name, SENTIMENT_MODEL), labels=SENTIMENTS
    )


def target_scores(
    model: SentenceClassifier, sentences: Sequence[str], ranges: Sequence[tuple[int, int]]
) -> np.ndarray:
    """``(n, 3)`` probabilities of negative / neutral / positive of each target: the character
    range ``ranges[i]`` of ``sentences[i]`` (the same target in the same sentence is run once; a
    sentence too long for the model is read around its target:
    :meth:`~unspun.models.sentence_classifier.SentenceClassifier.target_logits`)."""
    inputs = [(text, start, end) for text, (start, end) in zip(sentences, ranges, strict=True)]
    distinct = list(dict.fromkeys(inputs))
    if not distinct:
        return np.zeros((0, len(model.labels)), dtype=np.float32)
    probabilities = model.target_probabilities([t for t, _, _ in distinct], [(a, b) for _, a, b in distinct])
    scores = dict(zip(distinct, probabilities, strict=True))
    return np.stack([scores[key] for key in inputs])


def sentiment_labels(model: SentimentModel) -> tuple[str, ...]:
    """The sentiment names in the order of the model's score columns."""
    return model.labels if isinstance(model, SentenceClassifier) else tuple(model.head("sentiment").labels)


@dataclass(frozen=True, slots=True)
class TargetInputs:
    """What the sentiment classifier reads for an article's mentions: each input a sentence and
    its target (a character range of the sentence), and per mention the input it takes its score
    from."""

    sentences: list[str]
    targets: list[tuple[int, int]]
    of_mention: list[int]


Cuts = Sequence[Sequence[tuple[int, int]]]


def target_inputs(
    text: str,
    states: SentenceStates,
    ranges: Sequence[tuple[int, int]],
    groups: Sequence[int] | None = None,
    cuts: Cuts | None = None,
) -> TargetInputs:
    """The classifier inputs of the character ranges of an article of ``text``, each read in the
    sentence it starts in (``states``); with ``groups`` (the entity of each range), one input per
    entity and sentence, at its first mention there. With ``cuts`` (per range, character ranges
    of ``text``: the same for the ranges of one entity in one sentence), the sentence is read
    without them (:func:`cut_out`)."""
    at = [states.locate(start) if states.sentences else -1 for start, _ in ranges]
    keys = [(k, i if groups is None else groups[i]) for i, k in enumerate(at)]
    first = {key: i for i, key in reversed(list(enumerate(keys)))}  # each key's first range
    read = sorted(first.values())
    sentences, local = [], []
    for i in read:
        start, end = ranges[i]
        sentence = states.sentences[at[i]] if at[i] >= 0 else None
        base, stop = (sentence.start, sentence.end) if sentence is not None else (0, len(text))
        read_text, target = cut_out(text, (base, stop), (start, min(end, stop)), cuts[i] if cuts else ())
        sentences.append(read_text)
        local.append(target)
    index = {i: j for j, i in enumerate(read)}
    return TargetInputs(sentences, local, [index[first[key]] for key in keys])


def cut_out(
    text: str, sentence: tuple[int, int], target: tuple[int, int], cuts: Sequence[tuple[int, int]]
) -> tuple[str, tuple[int, int]]:
    """The ``sentence`` (a character range of ``text``) without the parts of it that ``cuts``
    cover (those that overlap the ``target`` are kept), and the target's range in what is left.
    The words a speaker is quoted saying are cut from the sentence their sentiment is read in:
    they say nothing about the speaker."""
    base, stop = sentence
    start, end = target
    parts = sorted(
        (max(a, base), min(b, stop)) for a, b in cuts if a < stop and b > base and (b <= start or a >= end)
    )
    pieces, at, shift = [], base, 0
    for a, b in parts:
        a = max(a, at)
        if b <= a:
            continue
        pieces.append(text[at:a])
        if b <= start:
            shift += b - a
        at = b
    pieces.append(text[at:stop])
    return "".join(pieces), (start - base - shift, end - base - shift)


def mention_sentiments(
    model: SentimentModel,
    text: str,
    states: SentenceStates,
    ranges: Sequence[tuple[int, int]],
    groups: Sequence[int] | None = None,
    cuts: Cuts | None = None,
) -> np.ndarray:
    """``(n, 3)`` sentiment probabilities of the character ranges of an article of ``text``, each
    read in the sentence it starts in (``states``: :func:`unspun.whosays.encoding.sentences_at`).
    With ``groups`` (the entity of each range), the classifier reads each entity once a sentence,
    at its first mention there, and gives that score to its other mentions in the sentence
    (:func:`target_inputs`); with ``cuts`` (per range), it reads the sentence without them. Heads
    read the encoded sentence as it is (``cuts`` do not apply)."""
    if isinstance(model, HeadModel):
        return sentiment_scores(model, states.rows(ranges, model.blocks))
    inputs = target_inputs(text, states, ranges, groups, cuts)
    if not inputs.of_mention:
        return np.zeros((0, len(model.labels)), dtype=np.float32)
    return target_scores(model, inputs.sentences, inputs.targets)[inputs.of_mention]


# The sentences of an entity the fine-tuned sentiment classifier reads: its first ones. Over the
# 1,993 entities of 80 PTC articles, reading an entity's first 6 sentences rather than all left
# 99.0% of the entity labels as they were, with 18% fewer classifier runs (the classifier was a
# fifth of the full analysis' CPU): `python benchmarks/speed.py --sentiment-only`.
MAX_SENTENCES = 6


def first_sentences(
    states: SentenceStates, ranges: Sequence[tuple[int, int]], groups: Sequence[int], limit: int
) -> list[int]:
    """The indices of the character ranges (mentions; ``groups[i]`` the entity of ``ranges[i]``)
    that lie in one of the first ``limit`` sentences (``states``, :meth:`SentenceStates.locate`)
    that their entity is named in; every range when there are no sentences."""
    if not states.sentences:
        return list(range(len(ranges)))
    at = [states.locate(start) for start, _ in ranges]
    read: dict[int, set[int]] = {}
    for group, k in sorted(zip(groups, at, strict=True), key=lambda pair: pair[1]):
        seen = read.setdefault(group, set())
        if len(seen) < limit:
            seen.add(k)
    return [i for i, (group, k) in enumerate(zip(groups, at, strict=True)) if k in read[group]]


def read_sentiments(
    model: SentimentModel,
    text: str,
    states: SentenceStates,
    ranges: Sequence[tuple[int, int]],
    groups: Sequence[int],
    max_sentences: int | None = MAX_SENTENCES,
    cuts: Cuts | None = None,
) -> tuple[np.ndarray, list[tuple[int, int]], list[int]]:
    """The sentiment probabilities ``(k, 3)`` of the mentions (``ranges``, the entity of each in
    ``groups``) that the model reads (:func:`mention_sentiments`, with ``cuts`` per range), with
    the range and the entity of each: a fine-tuned classifier reads only the mentions in an
    entity's first ``max_sentences`` sentences (None: all of them); the heads, which cost next to
    nothing, read all."""
    kept = reading(model, states, ranges, groups, max_sentences)
    ranges, groups = [ranges[i] for i in kept], [groups[i] for i in kept]
    if not cuts:
        return mention_sentiments(model, text, states, ranges, groups), ranges, groups
    kept_cuts = [cuts[i] for i in kept]
    return mention_sentiments(model, text, states, ranges, groups, kept_cuts), ranges, groups


def entity_sentiments(
    model: SentimentModel,
    text: str,
    states: SentenceStates,
    ranges: Sequence[tuple[int, int]],
    groups: Sequence[int],
    n: int,
    max_sentences: int | None = MAX_SENTENCES,
) -> np.ndarray:
    """``(n, 3)``: per entity, the mean sentiment probabilities of the mentions the model reads
    (:func:`read_sentiments`)."""
    scores, _, read = read_sentiments(model, text, states, ranges, groups, max_sentences)
    return mean_scores(scores, read, n)


def reading(
    model: SentimentModel,
    states: SentenceStates,
    ranges: Sequence[tuple[int, int]],
    groups: Sequence[int],
    max_sentences: int | None = MAX_SENTENCES,
) -> list[int]:
    """The indices of the mentions (``ranges``, the entity of each in ``groups``) that ``model``
    reads (:func:`read_sentiments`)."""
    if max_sentences is not None and isinstance(model, SentenceClassifier):
        return first_sentences(states, ranges, groups, max_sentences)
    return list(range(len(ranges)))


def sentence_keys(states: SentenceStates, ranges: Sequence[tuple[int, int]]) -> list[int]:
    """The sentence each range starts in (``states``); each its own start without sentences."""
    if not states.sentences:
        return [start for start, _ in ranges]
    return [states.locate(start) for start, _ in ranges]


def sentiment_states(model: SentimentModel, articles: Sequence[Article]) -> list[SentenceStates]:
    """Per article, the sentence states :func:`entity_sentiment` reads with ``model``: heads the
    encoded sentences of every mention; a fine-tuned classifier none (it reads the text's
    sentences, :func:`text_sentences`)."""
    if isinstance(model, HeadModel):
        return sentences_at(articles, [[m.start for e in a.entities for m in e.mentions] for a in articles])
    return [SentenceStates(hash(a.text), (), ()) for a in articles]


def text_sentences(text: str, states: SentenceStates) -> SentenceStates:
    """All the sentences of ``text`` (:func:`unspun.sentences.split_sentences`, as
    :func:`unspun.whosays.encoding.sentences_at` splits it), without token states: what the
    fine-tuned sentiment classifier locates a mention in. ``states`` when it already holds them."""
    sentences = tuple(split_sentences(text))
    return states if states.sentences == sentences else SentenceStates(hash(text), sentences, ())


def sentiment_label(model: SentimentModel, scores: np.ndarray) -> Label:
    """The best sentiment of one score row (or of a mean of rows)."""
    return best_label(sentiment_labels(model), scores)


def best_label(labels: Sequence[str], scores: np.ndarray) -> Label:
    """The label of the highest of ``scores`` (columns in ``labels`` order), with its score."""
    best = int(np.argmax(scores))
    return Label(labels[best], round(float(scores[best]), 4))
