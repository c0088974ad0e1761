"""Portrayal: how the text treats each entity (the sentiment it takes towards it, and its role).

Reads the entities the entity component wrote (``article.entities``) and, for each, scores every
mention in its sentence (the fine-tuned sentiment classifier: those in the entity's first
:data:`MAX_SENTENCES` sentences), then averages the mention scores:

* ``entity.sentiment``: negative / neutral / positive (NewsMTSC) with its mean probability, from
  the shipped ``target-sentiment-en``, a fine-tuned sentence classifier
  (:class:`~unspun.models.sentence_classifier.SentenceClassifier`) that reads the mention's
  sentence with the mention marked (one run per distinct sentence and entity), or from a
  logistic head over the span model's view of the mention (a ``unspun.whosays-heads/1`` folder).
  Where the entity is the source of an attribution, the classifier reads the sentence without
  the words the entity is quoted saying (:func:`speaking_sentences`,
  :func:`unspun.whosays.sentiment.cut_out`): a speaker is portrayed by what the text says about
  them ("Union leader Paul Novak called the plan"), not by the tone of their own words. The
  sentences that go on about a person with "he" / "she" are read for that person too
  (:func:`pronoun_mentions`: "Nurse Amira Khan has worked ... She deserves our gratitude");
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
  is a reading of how the text treats the entity, and a neutral report treats no one; an
  Antagonist needs a sentence against it (the config's ``needs_side``, :func:`sided_enough`: one
  mention's negative probability reaches its ``side_level``; a praised chief executive is none).
  Otherwise both stay empty.

The roles given here are the calibrated most probable ones, without the shift to the target's mix of
main roles (:func:`shift_prior`) that ``unspun predict entity-roles`` applies where every mention
must get a role: on the mentions this rule gives a role to, out of fold, the shift lowers the
share right under the training mix and gains within noise under the target's (model card).

This module is the component that ties the parts together; each part has one job:
:mod:`unspun.whosays.sentiment` reads the sentiment of the mentions (the classifier calls),
:mod:`unspun.whosays.stance` sums it up per entity (the side the text takes, the tone), and
:mod:`unspun.whosays.casting` decides the roles. Their public names are importable from here too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from unspun.document import Article, Label, ModelInfo, TextRange
from unspun.pipeline.attribution import antecedent, cites
from unspun.pipeline.base import Component
from unspun.registry import register
from unspun.whosays.casting import (
    ACTOR_DEPS,
    PLACE_TYPES,
    ROLES_MODEL,
    Range,
    Roles,
    cast_as_actor,
    castable,
    decide_roles,
    mention_rows,
    prior_ratio,
    role_features,
    role_given,
    role_possible,
    role_scores,
    shift_prior,
    sided_enough,
    uses_article,
)
from unspun.whosays.encoding import SentenceStates, TokenStates, article_states, sentences_at
from unspun.whosays.heads import HeadModel, load_heads, mean_scores
from unspun.whosays.parsing import PARSE_KEY
from unspun.whosays.sentiment import (
    MAX_SENTENCES,
    SENTIMENT_MODEL,
    SentimentModel,
    TargetInputs,
    best_label,
    entity_sentiments,
    first_sentences,
    load_sentiment_model,
    mention_sentiments,
    read_sentiments,
    reading,
    sentence_keys,
    sentiment_label,
    sentiment_labels,
    sentiment_scores,
    sentiment_states,
    target_inputs,
    target_scores,
    text_sentences,
)
from unspun.whosays.stance import (
    CAST_LEVEL,
    EntitySentiment,
    entity_sentiment,
    sentiment_cast,
    side_maxima,
    speaking_sentences,
)

__all__ = [
    "ACTOR_DEPS",
    "CAST_LEVEL",
    "MAX_SENTENCES",
    "PLACE_TYPES",
    "ROLES_MODEL",
    "SENTIMENT_MODEL",
    "EntitySentiment",
    "PortrayalTagger",
    "Range",
    "Roles",
    "SentimentModel",
    "TargetInputs",
    "best_label",
    "cast_as_actor",
    "castable",
    "decide_roles",
    "entity_sentiment",
    "entity_sentiments",
    "first_sentences",
    "load_sentiment_model",
    "mention_rows",
    "mention_sentiments",
    "prior_ratio",
    "pronoun_mentions",
    "read_sentiments",
    "reading",
    "role_features",
    "role_given",
    "role_possible",
    "role_scores",
    "sentence_keys",
    "sentiment_cast",
    "sentiment_label",
    "sentiment_labels",
    "sentiment_scores",
    "sentiment_states",
    "shift_prior",
    "side_maxima",
    "sided_enough",
    "speaking_ranges",
    "speaking_sentences",
    "target_inputs",
    "target_scores",
    "text_sentences",
    "uses_article",
]


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


_PERSON_PRONOUN = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)


def pronoun_mentions(article: Article) -> list[tuple[int, int, int]]:
    """``(start, end, entity index)`` of each "he" / "she" of ``article`` that refers to a person
    named before it (:func:`unspun.pipeline.attribution.antecedent`: the nearest person, and
    none where another person is named in between, within the paragraph), outside the words
    someone is quoted saying (the content of an attribution: their "she" is theirs). A rule, not
    a resolver: the sentiment a text takes towards a person named once is often in the sentences
    that go on about them."""
    index = {e.id: i for i, e in enumerate(article.entities)}
    said = [(a.content.start, a.content.end) for a in article.attributions]
    out = []
    for match in _PERSON_PRONOUN.finditer(article.text):
        start, end = match.span()
        if any(s <= start < e for s, e in said):
            continue
        who = antecedent(article.text, TextRange(start, end), article.entities)
        if who in index:
            out.append((start, end, index[str(who)]))
    return out


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
            model,
            article,
            states,
            max_sentences=self.max_sentences,
            cast_level=self.cast_level,
            pronouns=pronoun_mentions(article),
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
                sides = towards.side(i)
                given = (
                    decided
                    if role_given(roles, decided, entity, actor, speaker, cast[i], tones[i], sides)
                    else None
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
