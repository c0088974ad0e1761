"""Portrayal: how the text treats each entity (the sentiment it takes towards it, and its role).

Reads the entities the entity component wrote (``article.entities``) and, for each, scores every
mention in its sentence (the fine-tuned sentiment classifier: those in the entity's first
:data:`MAX_SENTENCES` sentences), then averages the mention scores:

* ``entity.sentiment``: negative / neutral / positive (NewsMTSC) with its mean probability, from
  the shipped ``target-sentiment-en``, a fine-tuned sentence classifier
  (:class:`~unspun.models.sentence_classifier.SentenceClassifier`) that reads the mention's
  sentence with the mention marked (one run per distinct sentence and mention), or from a
  logistic head over the span model's view of the mention (a ``unspun.whosays-heads/1`` folder);
* ``entity.role``: Protagonist / Antagonist / Innocent and ``entity.fine_roles``: the best
  fine-grained role of that main role (SemEval-2025 Task 10 entity framing), with probabilities,
  from logistic heads over the span model's view of the mention in its sentence (encoded alone, as
  the training sentences were: :mod:`unspun.whosays.encoding`) and the entity's sentiment above
  (:func:`role_features`, where the heads' config says so), only where the text casts the entity
  in a role (:func:`role_given`): the main role's calibrated
  probability clears that role's threshold (chosen on folds by article so that a role given beats
  the class prior out of fold), and the entity is not one mentioned in passing: named the
  config's ``min_mentions`` times (the shipped model: twice, or once for the role its tone maps
  to: a damning sentence an Antagonist, a praising one a Protagonist), at least once as an actor
  in its clause (subject, object, possessor, the agent of a passive: :func:`cast_as_actor`, not
  only inside a prepositional phrase or as a modifier), and a place or group only with stronger
  evidence. Who the text cites for what it says itself ("as the Daily Telegraph revealed", "according to a city estimate") is not cast by that mention, and an
  entity cast as an actor only as the source of attributions (officials quoted in a report) needs
  the same stronger evidence as a place (:func:`speaking_ranges`). And some sentence that names
  the entity must take a side towards it (:func:`sentiment_cast`: the sentiment classifier's
  negative or positive probability of one of its mentions reaches :data:`CAST_LEVEL`, outside the
  sentences where the entity is the source of an attribution, :func:`speaking_sentences`: a
  speaker is cast by what the text says about them, not by the tone of their own words): a role
  is a reading of how the text treats the entity, and a neutral report treats no one. Otherwise
  both stay empty.

The roles given here are the calibrated most probable ones, without the shift to the target's mix of
main roles (:func:`shift_prior`) that ``unspun predict entity-roles`` applies where every mention
must get a role: on the mentions this rule gives a role to, the shift lowered the share right out
of fold under both mixes (model card).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspun.document import Article, Entity, Label, ModelInfo
from unspun.models.sentence_classifier import SentenceClassifier, load_classifier_or
from unspun.pipeline.attribution import cites
from unspun.pipeline.base import Component
from unspun.registry import register
from unspun.sentences import split_sentences
from unspun.tasks.entity_roles import FINE_ROLES, MAIN_OF
from unspun.tasks.newsmtsc import SENTIMENTS
from unspun.whosays.encoding import SentenceStates, TokenStates, article_states, block_rows, sentences_at
from unspun.whosays.heads import HeadModel, load_heads, mean_scores
from unspun.whosays.parsing import PARSE_KEY, Chunks, mention_dependency

SENTIMENT_MODEL = "target-sentiment-en"
ROLES_MODEL = "entity-roles-en"
SentimentModel = SentenceClassifier | HeadModel


@dataclass(frozen=True, slots=True)
class Roles:
    """A main role and its fine-grained roles, each with a probability."""

    main: Label
    fine: tuple[Label, ...]


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


def target_inputs(
    text: str, states: SentenceStates, ranges: Sequence[tuple[int, int]], groups: Sequence[int] | None = None
) -> TargetInputs:
    """The classifier inputs of the character ranges of an article of ``text``, each read in the
    sentence it starts in (``states``); with ``groups`` (the entity of each range), one input per
    entity and sentence, at its first mention there."""
    at = [states.locate(start) if states.sentences else -1 for start, _ in ranges]
    keys = [(k, i if groups is None else groups[i]) for i, k in enumerate(at)]
    first = {key: i for i, key in reversed(list(enumerate(keys)))}  # each key's first range
    read = sorted(first.values())
    sentences, local = [], []
    for i in read:
        start, end = ranges[i]
        sentence = states.sentences[at[i]] if at[i] >= 0 else None
        base, stop = (sentence.start, sentence.end) if sentence is not None else (0, len(text))
        sentences.append(text[base:stop])
        local.append((start - base, min(end, stop) - base))
    index = {i: j for j, i in enumerate(read)}
    return TargetInputs(sentences, local, [index[first[key]] for key in keys])


def mention_sentiments(
    model: SentimentModel,
    text: str,
    states: SentenceStates,
    ranges: Sequence[tuple[int, int]],
    groups: Sequence[int] | None = None,
) -> np.ndarray:
    """``(n, 3)`` sentiment probabilities of the character ranges of an article of ``text``, each
    read in the sentence it starts in (``states``: :func:`unspun.whosays.encoding.sentences_at`).
    With ``groups`` (the entity of each range), the classifier reads each entity once a sentence,
    at its first mention there, and gives that score to its other mentions in the sentence
    (:func:`target_inputs`)."""
    if isinstance(model, HeadModel):
        return sentiment_scores(model, states.rows(ranges, model.blocks))
    inputs = target_inputs(text, states, ranges, groups)
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
) -> tuple[np.ndarray, list[tuple[int, int]], list[int]]:
    """The sentiment probabilities ``(k, 3)`` of the mentions (``ranges``, the entity of each in
    ``groups``) that the model reads (:func:`mention_sentiments`), with the range and the entity of
    each: a fine-tuned classifier reads only the mentions in an entity's first ``max_sentences``
    sentences (None: all of them); the heads, which cost next to nothing, read all."""
    kept = reading(model, states, ranges, groups, max_sentences)
    ranges, groups = [ranges[i] for i in kept], [groups[i] for i in kept]
    return mention_sentiments(model, text, states, ranges, groups), ranges, groups


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


# The evidence a role needs in the text: some sentence that names the entity takes a side towards
# it (the target-sentiment classifier's negative or positive probability of one of its mentions
# reaches CAST_LEVEL). The role heads, trained on SemEval-2025 articles where nearly every
# annotated entity has a role, never learnt "no role": in neutral wire reports they gave roles to
# quoted officials and experts ("Tom Reyes" a Rebel for "The terms are ordinary"). The level and
# what it costs: docs/whosays.md (Portrayal, "The evidence a role needs").
CAST_LEVEL = 0.65


def sentiment_cast(
    scores: np.ndarray, groups: Sequence[int], n: int, labels: Sequence[str], level: float = CAST_LEVEL
) -> list[bool]:
    """Per entity (``n``), whether some mention's sentence takes a side towards it: the larger of
    the negative and positive probabilities of one of its mention rows (``scores``, columns in
    ``labels`` order; ``groups[i]`` the entity of row ``i``) reaches ``level``."""
    sided = [j for j, label in enumerate(labels) if label != "neutral"]
    cast = [False] * n
    if len(scores):
        for group, side in zip(groups, np.asarray(scores)[:, sided].max(axis=1), strict=True):
            cast[group] = cast[group] or bool(side >= level)
    return cast


@dataclass(frozen=True, slots=True)
class EntitySentiment:
    """The sentiment an article takes towards each of its entities: ``means`` ``(n, 3)`` (the mean
    probabilities of the mentions read, columns in ``labels`` order) and ``cast`` (per entity,
    whether some mention's sentence takes a side towards it, :func:`sentiment_cast`; ``None``
    each where no level is asked)."""

    means: np.ndarray
    cast: list[bool | None]
    labels: tuple[str, ...]
    spoken: np.ndarray | None = None

    @property
    def tones(self) -> list[str]:
        """Per entity, the best sentiment of the mean of its mentions read outside the sentences
        where it speaks (``spoken``; :attr:`means` where not given): ``neutral`` for an entity
        none of whose mentions was read there."""
        rows = self.means if self.spoken is None else self.spoken
        return [best_label(self.labels, row).name if row.any() else "neutral" for row in rows]


def entity_sentiment(
    model: SentimentModel,
    article: Article,
    states: SentenceStates,
    *,
    max_sentences: int | None = MAX_SENTENCES,
    cast_level: float | None = CAST_LEVEL,
) -> EntitySentiment:
    """The sentiment towards each entity of ``article`` (``article.entities``) as the portrayal
    component reads it: a fine-tuned classifier reads every mention in its sentence among all the
    article's sentences (``states`` may hold only some; :func:`text_sentences`), in the entity's
    first ``max_sentences`` sentences (:func:`read_sentiments`); heads read the rows of
    ``states``. With ``cast_level``, whether the text takes a side towards each entity
    (:func:`sentiment_cast`): what :func:`role_given` asks, here and where training measures the
    rule (:mod:`unspun.training.role_casting`)."""
    entities = article.entities
    ranges = [(m.start, m.end) for e in entities for m in e.mentions]
    groups = [i for i, e in enumerate(entities) for _ in e.mentions]
    n = len(entities)
    read = states if isinstance(model, HeadModel) else text_sentences(article.text, states)
    scores, ranges, groups = read_sentiments(model, article.text, read, ranges, groups, max_sentences)
    labels = tuple(sentiment_labels(model))
    # A speaker is cast only by what the text says about them, not by the tone of their own words:
    # the sentences where an entity is the source of an attribution do not count towards its tone
    # or the side the text takes ("'It's a disgrace,' said shopkeeper Maria Costa").
    said = speaking_sentences(article, read, ranges, groups)
    heard = [
        i for i, key in enumerate(zip(groups, sentence_keys(read, ranges), strict=True)) if key not in said
    ]
    gate, gate_groups = scores[heard], [groups[i] for i in heard]
    cast: list[bool | None] = [None] * n
    if cast_level is not None:
        cast = list(sentiment_cast(gate, gate_groups, n, labels, cast_level))
    return EntitySentiment(mean_scores(scores, groups, n), cast, labels, mean_scores(gate, gate_groups, n))


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


def speaking_sentences(
    article: Article, states: SentenceStates, ranges: Sequence[tuple[int, int]], groups: Sequence[int]
) -> set[tuple[int, int]]:
    """The (entity, sentence) pairs (``groups``: indices into ``article.entities``;
    :func:`sentence_keys`) where a mention (``ranges``) of the entity lies inside the source of one
    of ``article.attributions`` whose ``source_entity`` it is: the entity is speaking there, not
    being described (not an entity merely named inside a source: "EDL" in "EDL leader Tommy
    Robinson", or one with no source entity: "a lawyer hired by Minnesota Democrats")."""
    ids = [e.id for e in article.entities]
    sources = [
        (a.source.start, a.source.end, a.source_entity)
        for a in article.attributions
        if a.source is not None and a.source_entity is not None
    ]
    return {
        (group, key)
        for (start, end), group, key in zip(ranges, groups, sentence_keys(states, ranges), strict=True)
        if any(s <= start and end <= e and who == ids[group] for s, e, who in sources)
    }


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


def mention_rows(model: HeadModel, states: TokenStates, ranges: Sequence[tuple[int, int]]) -> np.ndarray:
    """The feature rows ``model`` reads for character ranges of one encoded sentence."""
    return block_rows(states, ranges, model.blocks)


def sentiment_label(model: SentimentModel, scores: np.ndarray) -> Label:
    """The best sentiment of one score row (or of a mean of rows)."""
    return best_label(sentiment_labels(model), scores)


def best_label(labels: Sequence[str], scores: np.ndarray) -> Label:
    """The label of the highest of ``scores`` (columns in ``labels`` order), with its score."""
    best = int(np.argmax(scores))
    return Label(labels[best], round(float(scores[best]), 4))


def role_scores(model: HeadModel, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per mention feature row, the main-role probabilities ``(n, 3)`` and fine-role ones ``(n, 22)``."""
    main, fine = model.head("main"), model.head("fine")
    if not len(features):
        return np.zeros((0, len(main.labels)), np.float32), np.zeros((0, len(fine.labels)), np.float32)
    return main.scores(features), fine.scores(features)


def role_features(
    model: HeadModel, rows: np.ndarray, sentiment: np.ndarray, labels: Sequence[str] = SENTIMENTS
) -> np.ndarray:
    """The role heads' input: the span-model feature ``rows`` of the mentions, followed, where the
    config says ``"sentiment_features"``, by the negative / neutral / positive probabilities of the
    target sentiment towards each mention's entity (``sentiment`` ``(n, 3)``, columns in
    ``labels`` order; averaged over the entity's mentions): a text that speaks ill of an entity
    tends to cast it as an antagonist."""
    if not model.config.get("sentiment_features"):
        return rows
    ordered = np.asarray(sentiment, dtype=np.float32)[:, [list(labels).index(s) for s in SENTIMENTS]]
    return np.hstack([rows, ordered])


def uses_article(model: HeadModel) -> bool:
    """Whether the heads read a mention in the whole article (``"context": "article"``) rather than
    in its sentence encoded alone."""
    return model.config.get("context", "sentence") == "article"


def prior_ratio(target: Sequence[float] | np.ndarray, train: Sequence[float] | np.ndarray) -> np.ndarray:
    """Per role, ``target / train`` (1 for a role the training mix lacks: nothing to move)."""
    target, train = np.asarray(target, dtype=np.float64), np.asarray(train, dtype=np.float64)
    return np.asarray(np.where(train > 0, target / np.where(train > 0, train, 1.0), 1.0))


def shift_prior(model: HeadModel, main_scores: np.ndarray) -> np.ndarray:
    """Calibrated main-role probabilities (a row ``(3,)`` or rows ``(n, 3)``) moved from the
    training mix of main roles to the mix expected where the model is used (Saerens et al. 2002):
    multiplied by the config's ``target_prior`` over its ``train_prior`` per role and renormalised.
    Unchanged where the config names no ``target_prior``."""
    target, train = model.config.get("target_prior"), model.config.get("train_prior")
    if not target or not train:
        return main_scores
    labels = model.head("main").labels
    ratio = prior_ratio([float(target[r]) for r in labels], [float(train[r]) for r in labels])
    shifted = np.asarray(main_scores, dtype=np.float64) * ratio
    return np.asarray(shifted / shifted.sum(axis=-1, keepdims=True), dtype=np.asarray(main_scores).dtype)


def decide_roles(
    model: HeadModel, main_scores: np.ndarray, fine_scores: np.ndarray, *, target_mix: bool = False
) -> Roles:
    """One mention's (or entity's mean) roles: the main role (from the main head, or the summed
    fine roles when the config says ``"main_from": "fine"``), then its best fine role. With
    ``target_mix`` the main-role probabilities are first moved to the config's ``target_prior``
    (:func:`shift_prior`): where every mention must get a role (``unspun predict entity-roles``)."""
    main_labels, fine_labels = model.head("main").labels, model.head("fine").labels
    if target_mix:
        main_scores = shift_prior(model, main_scores)
    if model.config.get("main_from") == "fine":
        totals = {
            m: sum(float(fine_scores[j]) for j, f in enumerate(fine_labels) if MAIN_OF[f] == m)
            for m in FINE_ROLES
        }
        main = max(totals, key=lambda m: totals[m])
        main_p = totals[main]
    else:
        best = int(np.argmax(main_scores))
        main, main_p = main_labels[best], float(main_scores[best])
    allowed = [j for j, f in enumerate(fine_labels) if MAIN_OF[f] == main]
    best_fine = max(allowed, key=lambda j: fine_scores[j])
    return Roles(
        Label(main, round(main_p, 4)),
        (Label(fine_labels[best_fine], round(float(fine_scores[best_fine]), 4)),),
    )


PLACE_TYPES: tuple[str, ...] = ("GPE", "NORP", "LOC")

# The dependencies by which a mention is an actor of its clause (spaCy's English labels, after
# cast_as_actor follows conj / appos to the phrase they join): a subject, an object, a possessor
# ("Russia's invasion"), the agent of a passive, a predicate noun, or a fragment's root (a
# headline). A mention only inside a prepositional phrase ("the fighting in Musa Qala") or as a
# modifier ("the Afghanistan war") names the entity in passing.
ACTOR_DEPS: tuple[str, ...] = (
    "nsubj",
    "nsubjpass",
    "csubj",
    "csubjpass",
    "agent",
    "dobj",
    "iobj",
    "dative",
    "poss",
    "attr",
    "oprd",
    "ROOT",
)


Range = tuple[int, int]


def cast_as_actor(
    chunks: Chunks | None,
    entity: Entity,
    deps: Sequence[str] = ACTOR_DEPS,
    outside: Sequence[Range] = (),
) -> bool | None:
    """Whether some mention of ``entity`` that lies in none of the ranges ``outside`` hangs in its
    sentence by one of ``deps`` (:func:`unspun.whosays.parsing.mention_dependency`) in the
    article's parse ``chunks``; ``None`` when there is no parse (entities made by hand): the rule
    is then not applied."""
    if chunks is None:
        return None
    return any(
        mention_dependency(chunks, m.start, m.end) in deps
        for m in entity.mentions
        if not any(start <= m.start and m.end <= end for start, end in outside)
    )


def speaking_ranges(article: Article) -> tuple[list[Range], list[Range]]:
    """The source ranges of the article's attributions, and those of the sources it cites for what
    it says itself (:func:`unspun.pipeline.attribution.cites`)."""
    sources = [(a.source.start, a.source.end) for a in article.attributions if a.source is not None]
    cited = [
        (a.source.start, a.source.end)
        for a in article.attributions
        if a.source is not None and cites(article.text, a)
    ]
    return sources, cited


def role_given(
    model: HeadModel,
    roles: Roles,
    entity: Entity | None = None,
    actor: bool | None = None,
    speaker: bool = False,
    cast: bool | None = None,
    tone: str | None = None,
) -> bool:
    """Whether the main role of ``roles`` is given (to ``entity``, when one is named): its
    probability reaches the model's ``role_thresholds`` for it (none in the config: always), and,
    per the config's ``passing`` rule, the entity has at least ``min_mentions`` mentions, is cast
    as an actor somewhere (``actor``, from :func:`cast_as_actor`; required where the rule names
    ``actor_deps``, unless ``actor`` is ``None``: no parse) and, for a place or group (``types``,
    default GPE / NORP / LOC) or a ``speaker`` (cast as an actor only as the source of
    attributions), the probability clears the threshold by ``margin`` more (role evidence beyond
    being named or quoted). ``cast`` False (no sentence that names the entity takes a side towards
    it: :func:`sentiment_cast`) gives no role; ``None``: not asked. An entity named fewer than
    ``min_mentions`` times may still get a main role that the rule's ``fewer_mentions`` maps to
    its ``tone`` (the best sentiment towards it: a text that names someone once and damns them
    casts them as an Antagonist, not one that praises them)."""
    if cast is False:
        return False
    threshold = float(model.config.get("role_thresholds", {}).get(roles.main.name, 0.0))
    if roles.main.score < threshold:
        return False
    if entity is None:
        return True
    if not role_possible(model, entity, actor, tone):
        return False
    passing = model.config.get("passing", {})
    fewer = len(entity.mentions) < int(passing.get("min_mentions", 1))
    if fewer and passing.get("fewer_mentions", {}).get(roles.main.name) != tone:
        return False
    if speaker or entity.type in tuple(passing.get("types", PLACE_TYPES)):
        return roles.main.score >= threshold + float(passing.get("margin", 0.0))
    return True


def castable(
    model: HeadModel, entities: Sequence[Entity], actors: Sequence[bool | None], towards: EntitySentiment
) -> list[bool]:
    """Per entity, whether :func:`role_given` may give it a role whatever its role scores: it is
    possible (:func:`role_possible`, with its tone) and some sentence takes a side towards it
    (``towards.cast`` not False): the entities whose mentions the role heads read."""
    return [
        role_possible(model, e, actor, tone) and cast is not False
        for e, actor, cast, tone in zip(entities, actors, towards.cast, towards.tones, strict=True)
    ]


def role_possible(model: HeadModel, entity: Entity, actor: bool | None, tone: str | None = None) -> bool:
    """Whether :func:`role_given` may give ``entity`` a role at all, whatever its role scores: it
    has the ``passing`` rule's ``min_mentions`` (or fewer, with a ``tone`` that the rule's
    ``fewer_mentions`` maps some role to) and, where the rule names ``actor_deps``, is cast as an
    actor (``actor`` not ``False``). The role heads need not read the others' mentions."""
    passing = model.config.get("passing", {})
    fewer = len(entity.mentions) < int(passing.get("min_mentions", 1))
    if fewer and tone not in passing.get("fewer_mentions", {}).values():
        return False
    return not (passing.get("actor_deps") and actor is False)


@register("unspun.PortrayalTagger.v1")
class PortrayalTagger(Component):
    """Writes ``sentiment``, ``role`` and ``fine_roles`` on the entities of each article."""

    name = "portrayal"
    needs = ("language", "entities")
    writes = ("portrayal",)

    def __init__(
        self,
        *,
        sentiment_model: str | Path | SentimentModel | None = None,
        roles_model: str | Path | HeadModel | None = None,
        languages: tuple[str, ...] = ("en",),
        max_sentences: int | None = MAX_SENTENCES,
        cast_level: float | None = CAST_LEVEL,
    ) -> None:
        super().__init__()
        self._args = (sentiment_model, roles_model)
        self.max_sentences = max_sentences  # of an entity's, read by a fine-tuned sentiment classifier
        self.cast_level = cast_level  # the sided sentiment a role needs (sentiment_cast); None: none
        self._models: tuple[SentimentModel, HeadModel] | None = None
        self.languages = languages

    @property
    def models(self) -> tuple[SentimentModel, HeadModel]:
        """The sentiment model and the role heads, loaded on first use (raises
        :class:`unspun.errors.ModelError`)."""
        if self._models is None:
            with self._load_lock:
                if self._models is None:
                    self._models = (
                        load_sentiment_model(self._args[0]),
                        load_heads(self._args[1] or ROLES_MODEL, ROLES_MODEL),
                    )
        return self._models

    def load(self) -> None:
        self.models  # noqa: B018 - the property loads them

    def model_info(self) -> list[ModelInfo]:
        return [model.model_info(self.name) for model in self.models]

    def covers(self, article: Article) -> bool:
        return (article.language is None or article.language in self.languages) and bool(article.entities)

    def predict(self, articles: Sequence[Article]) -> list[list[tuple[Label, Roles | None]] | None]:
        """Per article, per entity (in order), its sentiment and roles (``None``: nothing to do;
        roles ``None``: no role given, :func:`role_given`)."""
        sentiment, roles = self.models
        covered = [a for a in articles if self.covers(a)]
        actors = [self._actors(roles, a) for a in covered]
        # Only the sentences the role heads read are encoded: those a mention of an entity that
        # may get a role starts in (castable: role_possible, and some sentence takes a side towards it:
        # sentiment_cast). A fine-tuned sentiment classifier reads the sentences as text, first;
        # heads read the encoded sentences of every mention. On PTC articles most entities are
        # named once, and few of the others are cast: a fifth of the encoding.
        sentences = sentiment_states(sentiment, covered)
        towards = [self._sentiment(sentiment, a, s) for a, s in zip(covered, sentences, strict=True)]
        if not isinstance(sentiment, HeadModel):
            starts = [
                [
                    m.start
                    for e, may in zip(a.entities, castable(roles, a.entities, acts, t), strict=True)
                    if may
                    for m in e.mentions
                ]
                for a, acts, t in zip(covered, actors, towards, strict=True)
            ]
            sentences = sentences_at(covered, starts)
        whole = article_states(covered) if uses_article(roles) else [None] * len(covered)
        done = iter(zip(sentences, whole, actors, towards, strict=True))
        out: list[list[tuple[Label, Roles | None]] | None] = []
        for article in articles:
            if not self.covers(article):
                out.append(None)
                continue
            states, states_whole, acts, toward = next(done)
            out.append(self._portray(roles, states, states_whole, article, acts, toward))
        return out

    def _sentiment(self, model: SentimentModel, article: Article, states: SentenceStates) -> EntitySentiment:
        return entity_sentiment(
            model, article, states, max_sentences=self.max_sentences, cast_level=self.cast_level
        )

    @staticmethod
    def _actors(roles: HeadModel, article: Article) -> list[bool | None]:
        """Per entity, whether the article casts it as an actor (:func:`cast_as_actor`, outside
        the sources it cites); ``None`` where the heads' config names no ``actor_deps``."""
        deps = tuple(roles.config.get("passing", {}).get("actor_deps", ()))
        if not deps:
            return [None] * len(article.entities)
        chunks = article.vectors.get(PARSE_KEY)
        _, cited = speaking_ranges(article)
        return [cast_as_actor(chunks, entity, deps, cited) for entity in article.entities]

    def _portray(
        self,
        roles: HeadModel,
        states: SentenceStates,
        whole: TokenStates | None,
        article: Article,
        actors: Sequence[bool | None],
        towards: EntitySentiment,
    ) -> list[tuple[Label, Roles | None]]:
        entities = article.entities
        ranges = [(m.start, m.end) for e in entities for m in e.mentions]
        groups = [i for i, e in enumerate(entities) for _ in e.mentions]
        n = len(entities)
        senti, cast, labels = towards.means, towards.cast, towards.labels
        tones = towards.tones
        possible = castable(roles, entities, actors, towards)
        role_ranges = [r for r, g in zip(ranges, groups, strict=True) if possible[g]]
        role_groups = [g for g in groups if possible[g]]
        role_rows = (
            mention_rows(roles, whole, role_ranges)
            if whole is not None
            else states.rows(role_ranges, roles.blocks)
        )
        role_rows = role_features(roles, role_rows, senti[role_groups], labels)
        main, fine = role_scores(roles, role_rows)
        main, fine = mean_scores(main, role_groups, n), mean_scores(fine, role_groups, n)
        deps = tuple(roles.config.get("passing", {}).get("actor_deps", ()))
        chunks = article.vectors.get(PARSE_KEY)
        sources, _ = speaking_ranges(article)
        out: list[tuple[Label, Roles | None]] = []
        for i, entity in enumerate(entities):
            given: Roles | None = None
            if possible[i]:
                decided = decide_roles(roles, main[i], fine[i])
                actor = actors[i]
                speaker = bool(actor) and not cast_as_actor(chunks, entity, deps, sources)
                given = (
                    decided if role_given(roles, decided, entity, actor, speaker, cast[i], tones[i]) else None
                )
            out.append((best_label(labels, senti[i]), given))
        return out

    def set_annotations(
        self, articles: Sequence[Article], outputs: list[list[tuple[Label, Roles | None]] | None]
    ) -> None:
        for article, portrayals in zip(articles, outputs, strict=True):
            if portrayals is None:
                continue
            for entity, (label, roles) in zip(article.entities, portrayals, strict=True):
                if not entity.mentions:
                    continue
                entity.sentiment = label
                entity.role = roles.main if roles is not None else None
                entity.fine_roles = list(roles.fine) if roles is not None else []
