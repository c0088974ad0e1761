"""The portrayal component's role-or-none rule measured on annotated mentions, as the pipeline
applies it (:func:`unspun.whosays.casting.role_given`).

SemEval-2025 Task 10 annotates mentions; the pipeline gives roles to entities. :func:`casting`
runs the pipeline's entity and attribution steps on each training article and gives each
annotated mention the entity it overlaps (its type, its number of mentions, whether some mention
is an actor, whether only as the source of attributions, and whether some sentence that names it
takes a side towards it: :func:`unspun.whosays.stance.entity_sentiment`, the component's own
reading with the shipped target-sentiment classifier), and
:func:`passing_figures` scores the rule on out-of-fold main-role probabilities averaged per
entity, as the component averages its mentions' scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from unspun.document import Article, Entity, Label
from unspun.pipeline.portrayal import pronoun_mentions, speaking_ranges
from unspun.tasks.entity_roles import MAIN_ROLES, RoleMention
from unspun.whosays.casting import ACTOR_DEPS, Roles, cast_as_actor, role_given
from unspun.whosays.heads import HeadModel
from unspun.whosays.parsing import PARSE_KEY
from unspun.whosays.sentiment import SentimentModel, load_sentiment_model, sentiment_states
from unspun.whosays.stance import CAST_LEVEL, entity_sentiment


@dataclass(frozen=True, slots=True)
class Casting:
    """The pipeline entity an annotated mention belongs to (``None``: the entity step missed it),
    whether some mention of it is an actor of its clause (mentions as a cited source left out),
    whether only as the source of attributions (``speaker``) and whether some sentence that names
    it takes a side towards it (``cast``, :func:`unspun.whosays.stance.sentiment_cast`;
    ``None``: not asked), its ``tone`` (the best sentiment towards it) and ``sides`` (the largest
    probability per label among its mentions: :meth:`EntitySentiment.side`; ``None``: not read)."""

    entity: Entity | None
    actor: bool
    speaker: bool = False
    cast: bool | None = None
    tone: str | None = None
    sides: Mapping[str, float] | None = None


def casting(
    mentions: Sequence[RoleMention],
    texts: Mapping[str, str],
    deps: Sequence[str] = ACTOR_DEPS,
    *,
    sentiment: str | SentimentModel | None = None,
    cast_level: float | None = CAST_LEVEL,
) -> list[Casting]:
    """Per annotated mention (inclusive ends), the entity of the pipeline's entity step that
    overlaps it, in its article (``texts`` by article id). With ``cast_level`` (default the
    component's), whether the text takes a side towards that entity, read by ``sentiment`` (the
    shipped target-sentiment model when ``None``) as the component reads it."""
    from unspun.pipeline.attribution import AttributionTagger
    from unspun.pipeline.entities import EntityRecognizer

    ids = sorted({m.article_id for m in mentions})
    articles = EntityRecognizer()([Article(id=i, text=texts[i], language="en") for i in ids])
    articles = AttributionTagger()(articles)
    by_id = {a.id: a for a in articles}
    speaking = {a.id: speaking_ranges(a) for a in articles}
    sided = _sided(articles, sentiment, cast_level)
    out = []
    for m in mentions:
        article = by_id[m.article_id]
        sources, cited = speaking[m.article_id]
        chunks = article.vectors.get(PARSE_KEY)
        index = next(
            (
                k
                for k, e in enumerate(article.entities)
                if any(r.start <= m.end and m.start < r.end for r in e.mentions)
            ),
            None,
        )
        if index is None:
            out.append(Casting(None, False))
            continue
        entity = article.entities[index]
        actor = bool(cast_as_actor(chunks, entity, deps, cited))
        speaker = actor and not cast_as_actor(chunks, entity, deps, sources)
        cast, tone, sides = sided[m.article_id]
        out.append(Casting(entity, actor, speaker, cast[index], tone[index], sides[index]))
    return out


Sided = tuple[list[bool | None], list[str | None], list[dict[str, float] | None]]


def _sided(
    articles: Sequence[Article], sentiment: str | SentimentModel | None, cast_level: float | None
) -> dict[str, Sided]:
    """Per article id, per entity, whether the text takes a side towards it, its tone and its
    sides (:func:`unspun.whosays.stance.entity_sentiment`; ``None`` each without ``cast_level``)."""
    if cast_level is None:
        return {
            a.id: ([None] * len(a.entities), [None] * len(a.entities), [None] * len(a.entities))
            for a in articles
        }
    model = load_sentiment_model(sentiment)
    states = sentiment_states(model, articles)  # as the component reads them
    out: dict[str, Sided] = {}
    for a, s in zip(articles, states, strict=True):
        towards = entity_sentiment(model, a, s, cast_level=cast_level, pronouns=pronoun_mentions(a))
        out[a.id] = (towards.cast, list(towards.tones), [towards.side(i) for i in range(len(a.entities))])
    return out


def entity_means(probabilities: np.ndarray, cast: Sequence[Casting]) -> np.ndarray:
    """Each annotated mention's ``probabilities`` row replaced by the mean over the annotated
    mentions of its pipeline entity (as the component averages its mentions' scores)."""
    groups: dict[Any, list[int]] = {}
    for i, c in enumerate(cast):
        groups.setdefault((id(c.entity) if c.entity is not None else ("mention", i)), []).append(i)
    mean = probabilities.copy()
    for rows in groups.values():
        mean[rows] = probabilities[rows].mean(axis=0)
    return mean


def passing_given(
    probabilities: np.ndarray,
    cast: Sequence[Casting],
    thresholds: Sequence[Sequence[float]],
    folds: Sequence[np.ndarray],
    passing: dict[str, Any],
) -> np.ndarray:
    """Per annotated mention, the main-role index the rule gives its entity (-1: none): main-role
    ``probabilities`` (out of fold, calibrated) averaged per entity, each fold's ``thresholds``
    and the ``passing`` config."""
    mean = entity_means(probabilities, cast)
    given = np.full(len(probabilities), -1)
    for fold, fold_thresholds in zip(folds, thresholds, strict=True):
        model = HeadModel(
            {"role_thresholds": dict(zip(MAIN_ROLES, fold_thresholds, strict=True)), "passing": passing}, {}
        )
        for i in fold:
            entity = cast[i].entity
            best = int(mean[i].argmax())
            roles = Roles(Label(MAIN_ROLES[best], float(mean[i, best])), ())
            c = cast[i]
            if entity is not None and role_given(
                model, roles, entity, c.actor, c.speaker, c.cast, c.tone, c.sides
            ):
                given[i] = best
    return given


def passing_figures(
    probabilities: np.ndarray,
    y: np.ndarray,
    cast: Sequence[Casting],
    thresholds: Sequence[Sequence[float]],
    folds: Sequence[np.ndarray],
    passing: dict[str, Any],
) -> dict[str, float]:
    """Coverage, accuracy where given and all-Antagonist accuracy on the same mentions of the
    rule (:func:`passing_given`)."""
    given = passing_given(probabilities, cast, thresholds, folds, passing)
    return abstention_figures(y, given, MAIN_ROLES.index("Antagonist"))


def abstention_figures(
    y: np.ndarray, given: np.ndarray, majority: int, weights: np.ndarray | None = None
) -> dict[str, float]:
    """Where a role is given (``given`` >= 0): the share of mentions given one, how often it is
    right, and how often the ``majority`` role would be right on the same mentions (each mention
    counted with its ``weights``, default 1: :func:`unspun.training.role_mix.mix_weights`)."""
    covered = given >= 0
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    return {
        "coverage": round(float(w[covered].sum() / w.sum()), 4),
        "accuracy_given": round(float(np.average(given[covered] == y[covered], weights=w[covered])), 4)
        if covered.any()
        else 0.0,
        "majority_accuracy_same_mentions": round(
            float(np.average(y[covered] == majority, weights=w[covered])), 4
        )
        if covered.any()
        else 0.0,
    }
