"""Deciding the roles the text casts its entities in (SemEval-2025 Task 10 entity framing).

The role heads (:data:`ROLES_MODEL`) score each mention (:func:`role_scores`, over
:func:`role_features`); :func:`decide_roles` picks the main role and its best fine role; and
:func:`role_given` says whether the text casts the entity in that role at all: the main role's
calibrated probability clears its threshold, the entity is not one mentioned in passing (named
often enough, an actor of its clause somewhere: :func:`cast_as_actor`; a place, group or mere
speaker only with stronger evidence) and some sentence that names it takes a side towards it
(:func:`unspun.whosays.stance.sentiment_cast`): for an Antagonist, a sentence against it
(:func:`sided_enough`). :func:`castable` says which entities may get a
role at all, before their role scores are read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from unspun.document import Entity, Label
from unspun.tasks.entity_roles import FINE_ROLES, MAIN_OF
from unspun.tasks.newsmtsc import SENTIMENTS
from unspun.whosays.encoding import TokenStates, block_rows
from unspun.whosays.heads import HeadModel
from unspun.whosays.parsing import Chunks, mention_dependency
from unspun.whosays.stance import CAST_LEVEL, EntitySentiment

ROLES_MODEL = "entity-roles-en"


@dataclass(frozen=True, slots=True)
class Roles:
    """A main role and its fine-grained roles, each with a probability."""

    main: Label
    fine: tuple[Label, ...]


def mention_rows(model: HeadModel, states: TokenStates, ranges: Sequence[tuple[int, int]]) -> np.ndarray:
    """The feature rows ``model`` reads for character ranges of one encoded sentence."""
    return block_rows(states, ranges, model.blocks)


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


def role_given(
    model: HeadModel,
    roles: Roles,
    entity: Entity | None = None,
    actor: bool | None = None,
    speaker: bool = False,
    cast: bool | None = None,
    tone: str | None = None,
    sides: Mapping[str, float] | None = None,
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
    casts them as an Antagonist, not one that praises them), and no entity gets a main role that
    the rule's ``against_tone`` maps to its tone (a text that praises someone does not cast them
    as an Antagonist, whatever the heads read in their sentence). Where the rule's ``needs_side``
    names a sentiment for the main role, some sentence that names the entity must read at least
    ``side_level`` (default :data:`CAST_LEVEL`) that way towards it (``sides``, the largest
    probability per label among its mentions: :meth:`EntitySentiment.side`; ``None``: not asked):
    an Antagonist needs a sentence against it, not one that praises it."""
    if cast is False:
        return False
    threshold = float(model.config.get("role_thresholds", {}).get(roles.main.name, 0.0))
    if roles.main.score < threshold or not sided_enough(model, roles.main.name, sides):
        return False
    if entity is None:
        return True
    if not role_possible(model, entity, actor, tone):
        return False
    passing = model.config.get("passing", {})
    if tone is not None and passing.get("against_tone", {}).get(roles.main.name) == tone:
        return False
    fewer = len(entity.mentions) < int(passing.get("min_mentions", 1))
    if fewer and passing.get("fewer_mentions", {}).get(roles.main.name) != tone:
        return False
    if speaker or entity.type in tuple(passing.get("types", PLACE_TYPES)):
        return roles.main.score >= threshold + float(passing.get("margin", 0.0))
    return True


def sided_enough(model: HeadModel, role: str, sides: Mapping[str, float] | None) -> bool:
    """Whether ``role`` has the side it needs (the ``passing`` rule's ``needs_side``, e.g.
    Antagonist: negative): some sentence that names the entity reads at least ``side_level`` that
    way (``sides``: the largest probability per label among its mentions). True where the rule
    names none for the role, or ``sides`` is ``None`` (not read)."""
    passing = model.config.get("passing", {})
    needed = passing.get("needs_side", {}).get(role)
    if not needed or sides is None:
        return True
    return float(sides.get(str(needed), 0.0)) >= float(passing.get("side_level", CAST_LEVEL))


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
