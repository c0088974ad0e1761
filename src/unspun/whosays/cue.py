"""The cue span of an attribution: its head token and the words around it that PolNeAR puts in
the cue ("has said", "called for", "said in a statement", "is equally passionate about").

Which children of the head join is learnt: :func:`inclusion_keys` names the rates that
:func:`unspun.whosays.attribution_model.learn_lexicon_and_rates` reads off the gold cues, and
:func:`cue_tokens` applies them to a parse (a contiguous run of tokens around the head).
"""

from __future__ import annotations

from typing import Any

Token = Any  # spacy.tokens.Token


def cue_tokens(head: Token, include: dict[str, float], threshold: float = 0.5) -> list[Token]:
    """The head and the children that belong to its cue: a child joins when its learnt inclusion
    rate (see :func:`inclusion_keys`: the most specific key known) is above ``threshold``; only
    a contiguous run is kept."""
    chosen = {head.i: head}
    for child in head.children:
        keys = inclusion_keys(head, child)
        rate = next((include[k] for k in keys if k in include), 0.0)
        if head.lower_ == "according" and child.lower_ == "to":
            rate = 1.0  # the guidelines' cue is "according to" as a whole
        if rate > threshold:
            chosen[child.i] = child
            whole = next((include[TREE + k] for k in keys if TREE + k in include), 0.0)
            if whole > threshold and child.dep_ in PHRASES:  # "said in a statement", "issued a report"
                # not the clause the parser hung in the phrase: "said in a statement | that ..."
                cut = {u.i for t in child.subtree if reported_clause(child, t) for u in t.subtree}
                chosen.update({t.i: t for t in child.subtree if t.i not in cut})
            if child.dep_ == "xcomp":
                for grand in child.children:
                    if grand.dep_ in ("aux", "neg"):
                        chosen[grand.i] = grand
    run = [head]
    doc = head.doc
    i = head.i - 1
    while i >= 0 and i in chosen:
        run.insert(0, doc[i])
        i -= 1
    i = head.i + 1
    while i < len(doc) and i in chosen:
        run.append(doc[i])
        i += 1
    return with_adjective(head, without_when(head, run))


def reported_clause(prep: Token, token: Token) -> bool:
    """Whether ``token`` heads a that-clause with a subject of its own that the parser hung inside
    the phrase of ``prep`` though it is what the verb before the phrase reports: a relative clause
    (it has no gap for "that" to fill: "claimed in a televised debate that the economy had
    grown"), or a noun's clause after "in", which names where something was said, not what ("said
    in a statement that the council held four meetings"; "responded to accusations that he lied"
    keeps the noun's)."""
    if prep.dep_ != "prep" or token.i == prep.i:
        return False
    said_in = (
        token.dep_ == "acl"
        and prep.lower_ == "in"
        and token.head.dep_ == "pobj"
        and token.head.head.i == prep.i
    )
    if token.dep_ != "relcl" and not said_in:
        return False
    opener = token.left_edge
    return (
        opener.dep_ == "mark"
        and opener.lower_ == "that"
        and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)
    )


WHEN = frozenset({"DATE", "TIME"})


def without_when(head: Token, run: list[Token]) -> list[Token]:
    """The cue ``run`` without the date or time that ends it, with its preposition and comma:
    'announced Tuesday', 'said in a statement Sunday', 'said on Monday' give 'announced', 'said
    in a statement', 'said'. PolNeAR's train gold leaves the time out more often than it keeps it
    (175 gold cues followed by a day or 'last week', 120 ending on one); in 3-fold CV over the
    840 train articles, of 58 predicted cues ending on one 23 were gold, 28 gold without it."""
    end = len(run)
    while end > 1 and run[end - 1].i > head.i and run[end - 1].ent_type_ in WHEN:
        end -= 1
    if end == len(run):
        return run
    while end > 1 and run[end - 1].i > head.i and (run[end - 1].dep_ == "prep" or run[end - 1].is_punct):
        end -= 1
    return run[:end]


def with_adjective(head: Token, run: list[Token]) -> list[Token]:
    """The cue ``run`` grown over the head's adjective complement, its adverbs and the preposition
    after it ("is equally passionate about X", "has been critical of X"), as PolNeAR marks such
    cues; the preposition's object is then the content. With the adjective's lemma as a feature
    and a refit: 200 held-out train articles (fit on the other 640) cue F1 0.6496 -> 0.6512,
    PolNeAR dev 0.6820 -> 0.6837 (source and content up too)."""
    adjective = next((c for c in head.children if c.dep_ == "acomp" and c.i > head.i), None)
    if adjective is None:
        return run
    modifiers = {t.i for t in adjective.lefts if t.dep_ in ("advmod", "neg")} | {adjective.i}
    if any(t.i not in modifiers for t in head.doc[run[-1].i + 1 : adjective.i + 1]):
        return run
    prep = next(
        (
            c
            for c in adjective.rights
            if c.dep_ == "prep" and any(g.dep_ in ("pobj", "pcomp") for g in c.children)
        ),
        None,
    )
    if prep is not None:
        modifiers.add(prep.i)
    grown, i = list(run), run[-1].i + 1
    while i < len(head.doc) and i in modifiers:
        grown.append(head.doc[i])
        i += 1
    return grown


TREE = "tree|"  # prefix of the rates at which a child's whole phrase lies inside the cue
# Children whose whole phrase may join a cue (an auxiliary's "subtree" is a misparse's subject).
PHRASES = frozenset({"prep", "dobj"})


def inclusion_keys(head: Token, child: Token) -> tuple[str, ...]:
    """Keys of the cue inclusion rates, most specific first: for a preposition, head lemma with
    the preposition and its object's lemma (``say>prep:in>statement``) and without the head
    (``prep:in>interview``); the head lemma with the child's relation and word (``call>prep:for``),
    the relation and word (``punct::``), the relation alone. The same keys prefixed with
    :data:`TREE` give the rate at which the child's whole phrase lies inside the cue."""
    lemma = head.lemma_.lower()
    keys = (f"{lemma}>{child.dep_}:{child.lower_}", f"{child.dep_}:{child.lower_}", child.dep_)
    if child.dep_ == "prep":
        obj = next((g for g in child.children if g.dep_ == "pobj"), None)
        if obj is not None:
            phrase = f"prep:{child.lower_}>{obj.lemma_.lower()}"
            return (f"{lemma}>{phrase}", phrase, *keys)
    return keys
