"""The side a text takes towards each of its entities, and the tone it shows.

:func:`entity_sentiment` reads the mentions of every entity of an article with the
target-sentiment model (:func:`unspun.whosays.sentiment.read_sentiments`) and sums them up per
entity (:class:`EntitySentiment`): whether some sentence that names the entity takes a side
towards it (:func:`sentiment_cast`, the evidence a role needs) and its tone, both read outside
the sentences where the entity is the source of an attribution (:func:`speaking_sentences`): a
speaker is portrayed by what the text says about them, not by the tone of their own words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from unspun.document import Article
from unspun.whosays.encoding import SentenceStates
from unspun.whosays.heads import HeadModel, mean_scores
from unspun.whosays.parsing import PARSE_KEY, Chunks, doc_text
from unspun.whosays.sentiment import (
    MAX_SENTENCES,
    SentimentModel,
    best_label,
    read_sentiments,
    sentence_keys,
    sentiment_labels,
    text_sentences,
)

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
    if not len(scores):
        return [False] * n
    read = set(groups)
    sides = side_maxima(scores, groups, n)[:, sided].max(axis=1)
    return [i in read and bool(side >= level) for i, side in enumerate(sides)]


def side_maxima(scores: np.ndarray, groups: Sequence[int], n: int) -> np.ndarray:
    """Per entity (``n``), the largest probability of each label (``scores``' columns) among its
    mention rows (``groups[i]`` the entity of row ``i``): how far the most damning and the most
    praising sentence that names it go. Zeros for an entity with no row."""
    scores = np.asarray(scores, dtype=np.float64)
    width = scores.shape[1] if scores.ndim == 2 else 0
    out = np.zeros((n, width))
    for group, row in zip(groups, scores, strict=True):
        out[group] = np.maximum(out[group], row)
    return out


@dataclass(frozen=True, slots=True)
class EntitySentiment:
    """The sentiment an article takes towards each of its entities: ``means`` ``(n, 3)`` (the mean
    probabilities of the mentions read, where the entity speaks without its quoted words: the
    sentiment shown; columns in ``labels`` order), ``cast`` (per entity, whether some mention's
    sentence takes a side towards it, :func:`sentiment_cast`; ``None`` each where no level is
    asked), ``heard`` (the means of the mentions read outside the sentences where the entity
    speaks) and ``sides`` (per entity, the largest probability of each label among those
    mentions: :func:`side_maxima`, what :meth:`side` gives :func:`role_given`)."""

    means: np.ndarray
    cast: list[bool | None]
    labels: tuple[str, ...]
    heard: np.ndarray | None = None
    sides: np.ndarray | None = None

    def side(self, index: int) -> dict[str, float] | None:
        """The entity ``index``'s :attr:`sides` by label (``negative``: the most damning of the
        sentences that name it, outside those where it speaks); ``None`` where not read."""
        if self.sides is None or not len(self.sides[index]):
            return None
        return {label: float(v) for label, v in zip(self.labels, self.sides[index], strict=True)}

    @property
    def tones(self) -> list[str]:
        """Per entity, the best sentiment of the mean of its mentions read outside the sentences
        where it speaks (``heard``; :attr:`means` where not given): ``neutral`` for an entity
        none of whose mentions was read there."""
        rows = self.means if self.heard is None else self.heard
        return [best_label(self.labels, row).name if row.any() else "neutral" for row in rows]


def entity_sentiment(
    model: SentimentModel,
    article: Article,
    states: SentenceStates,
    *,
    max_sentences: int | None = MAX_SENTENCES,
    cast_level: float | None = CAST_LEVEL,
    pronouns: Sequence[tuple[int, int, int]] = (),
) -> EntitySentiment:
    """The sentiment towards each entity of ``article`` (``article.entities``) as the portrayal
    component reads it: a fine-tuned classifier reads every mention in its sentence among all the
    article's sentences (``states`` may hold only some; :func:`text_sentences`), in the entity's
    first ``max_sentences`` sentences (:func:`read_sentiments`); heads read the rows of
    ``states``. With ``cast_level``, whether the text takes a side towards each entity
    (:func:`sentiment_cast`): what :func:`role_given` asks, here and where training measures the
    rule (:mod:`unspun.training.role_casting`). ``pronouns``: ``(start, end, entity index)`` of
    the pronouns that refer to an entity (:func:`unspun.pipeline.portrayal.pronoun_mentions`),
    whose sentences are read for it too."""
    entities = article.entities
    # The sentences that go on with "he" / "she" after a person is named are read for that person
    # too ("Nurse Amira Khan has worked ... She deserves our gratitude").
    ranges = [(m.start, m.end) for e in entities for m in e.mentions] + [(s, e) for s, e, _ in pronouns]
    groups = [i for i, e in enumerate(entities) for _ in e.mentions] + [g for _, _, g in pronouns]
    n = len(entities)
    read = states if isinstance(model, HeadModel) else text_sentences(article.text, states)
    # A speaker is portrayed by what the text says about them, not by the tone of their own words:
    # where an entity is the source of an attribution, its sentence is read without the words it
    # is quoted saying (the tone shown), and does not count towards its tone or the side the text
    # takes ("'It's a disgrace,' said shopkeeper Maria Costa").
    said = speaking_sentences(article, read, ranges, groups)
    keys = sentence_keys(read, ranges)
    cuts = [said.get(key, ()) for key in zip(groups, keys, strict=True)]
    scores, ranges, groups = read_sentiments(
        model, article.text, read, ranges, groups, max_sentences, cuts if said else None
    )
    labels = tuple(sentiment_labels(model))
    heard = [
        i for i, key in enumerate(zip(groups, sentence_keys(read, ranges), strict=True)) if key not in said
    ]
    gate, gate_groups = scores[heard], [groups[i] for i in heard]
    cast: list[bool | None] = [None] * n
    if cast_level is not None:
        cast = list(sentiment_cast(gate, gate_groups, n, labels, cast_level))
    return EntitySentiment(
        mean_scores(scores, groups, n),
        cast,
        labels,
        mean_scores(gate, gate_groups, n),
        side_maxima(gate, gate_groups, n) if len(gate) else np.zeros((n, len(labels))),
    )


def speaking_sentences(
    article: Article, states: SentenceStates, ranges: Sequence[tuple[int, int]], groups: Sequence[int]
) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """The (entity, sentence) pairs (``groups``: indices into ``article.entities``;
    :func:`sentence_keys`) where a mention (``ranges``) of the entity lies inside the source of one
    of ``article.attributions`` whose ``source_entity`` it is, or is the subject of its cue in the
    article's parse (:func:`speaks_at`: "Its chair, David Okafor, called the mayor's position
    ...", an attribution found without its source): the entity is speaking there, not being
    described (not an entity merely named inside a source: "EDL" in "EDL leader Tommy Robinson",
    or one with no source entity: "a lawyer hired by Minnesota Democrats"). Each with the content
    ranges of those attributions: what the entity is quoted saying."""
    ids = [e.id for e in article.entities]
    chunks = article.vectors.get(PARSE_KEY)
    said: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for (start, end), group, key in zip(ranges, groups, sentence_keys(states, ranges), strict=True):
        for a in article.attributions:
            source = a.source
            named = source is not None and source.start <= start and end <= source.end
            if (named and a.source_entity == ids[group]) or (
                not named and a.cue is not None and speaks_at(chunks, (start, end), (a.cue.start, a.cue.end))
            ):
                contents = said.setdefault((group, key), [])
                if (a.content.start, a.content.end) not in contents:
                    contents.append((a.content.start, a.content.end))
    return said


# The dependencies by which a speaker hangs on the verb that quotes them ("Okafor called ...",
# "... said Okafor"), and those by which the small parser hangs that verb on a speaker it misreads
# as a noun phrase ("Its chair, David Okafor, called the mayor's position": "called" an acl of
# "chair"). Not a relative clause: "Graves, who claimed ..., is either deluded or dishonest" is
# said of Graves.
SPEAKER_DEPS: tuple[str, ...] = ("nsubj",)
MISREAD_CUE_DEPS: tuple[str, ...] = ("acl",)


def speaks_at(chunks: Chunks | None, mention: tuple[int, int], cue: tuple[int, int]) -> bool:
    """Whether the mention ``[start, end)`` is the subject of the cue (a verb of speech) in the
    article's parse ``chunks``: its head, followed through ``conj`` and ``appos`` to the phrase
    they join ("Its chair, David Okafor"), is the cue's ``nsubj``, or the cue hangs on it as a
    clause the parser misread as a modifier (``acl``). ``False`` without a parse."""
    if chunks is None:
        return False
    for offset, doc in chunks:
        length = len(doc_text(doc))
        if not offset <= mention[0] < offset + length:
            continue
        span = doc.char_span(
            mention[0] - offset, min(mention[1], offset + length) - offset, alignment_mode="expand"
        )
        verb = doc.char_span(cue[0] - offset, min(cue[1], offset + length) - offset, alignment_mode="expand")
        if span is None or verb is None or not len(span) or not len(verb):
            return False
        head = span.root
        while head.dep_ in ("conj", "appos") and head.head.i != head.i:
            head = head.head
        cue_root = verb.root
        return (head.dep_ in SPEAKER_DEPS and head.head.i == cue_root.i) or (
            cue_root.dep_ in MISREAD_CUE_DEPS and cue_root.head.i == head.i
        )
    return False
