"""Where an attribution's content starts and ends, learnt from PolNeAR: a ranker over candidate spans.

The rules of :mod:`unspun.whosays.attribution_rules` find one content per cue; where PolNeAR draws
its edges varies more than rules say (a trailing ", officials said", "of" after "accused", a
quotation that runs on, an aside). :func:`propose` lists candidate spans around an accepted cue:
the rule's content and every pair of a start and an end taken from it, from the cue's dependents
and the phrases inside the content, from the sentence around the clause and its neighbours, from
nearby quotations and from the commas of the sentence. :func:`span_features` describes a span
(how it differs from the rule's, which edge kinds made it, the words at and beyond its edges, how
it sits in the parse, whether it holds the source or cue); a linear scorer whose weights are fit
by logistic regression on the gold contents of the training cues picks the best
(:meth:`ContentRanker.choose`). Pure functions over a spaCy parse; the weights live in the
attribution model's JSON.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from unspun.whosays.attribution_rules import Found
from unspun.whosays.boundary import strip_edges, without_dateline
from unspun.whosays.parsing import doc_text

Range = tuple[int, int]
Tags = tuple[frozenset[str], frozenset[str]]
MAX_CHARS = 1500  # no PolNeAR train content is longer
QUOTE_CHARS = frozenset("“”\"'‘’")
FUNCTION_POS = frozenset({"PUNCT", "ADP", "SCONJ", "CCONJ", "PRON", "DET", "PART", "AUX"})
# Phrases inside the rule's content whose edges may be the content's.
INNER = frozenset(
    {"pobj", "pcomp", "ccomp", "xcomp", "dobj", "advcl", "conj", "prep", "mark", "relcl", "acl", "nsubj"}
)
_TABLE_KEY = "unspun.content_span.table"
_CUE_KEY = "unspun.content_span.cues"


@dataclass(frozen=True)
class TokenTable:
    """Per-token attributes of a parse as plain lists (spaCy makes a new object per ``doc[i]``)."""

    starts: list[int]
    ends: list[int]
    lower: list[str]
    pos: list[str]
    dep: list[str]
    head: list[int]
    left: list[int]
    right: list[int]

    def at(self, char: int) -> int | None:
        """The index of the token covering character ``char``, or ``None``."""
        k = bisect.bisect_right(self.starts, char) - 1
        return k if k >= 0 and char < self.ends[k] else None

    def word(self, i: int | None) -> str:
        """A function word as itself, any other token as its part of speech."""
        if i is None:
            return "<none>"
        return self.lower[i] if self.pos[i] in FUNCTION_POS else self.pos[i]


def token_table(doc: Any) -> TokenTable:
    """The :class:`TokenTable` of ``doc``, made once and kept in ``doc.user_data``."""
    table = doc.user_data.get(_TABLE_KEY)
    if table is None:
        table = doc.user_data[_TABLE_KEY] = TokenTable(
            starts=[t.idx for t in doc],
            ends=[t.idx + len(t) for t in doc],
            lower=[t.lower_ for t in doc],
            pos=[t.pos_ for t in doc],
            dep=[t.dep_ for t in doc],
            head=[t.head.i for t in doc],
            left=[t.left_edge.i for t in doc],
            right=[t.right_edge.i for t in doc],
        )
    return table


def _clause(found: Found) -> Range:
    src = found.source
    return found.cue if src is None else (min(found.cue[0], src[0]), max(found.cue[1], src[1]))


def _trim_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def propose(doc: Any, found: Found, quotes: Sequence[Range]) -> dict[Range, Tags]:
    """Candidate content spans of ``found`` (offsets into ``doc``'s text) with the kinds of edge
    that made their start and end (the rule's content among them, tagged ``rule``)."""
    text = doc_text(doc)
    head = doc[found.head]
    starts: dict[int, set[str]] = {}
    ends: dict[int, set[str]] = {}

    def add_range(r: Range | None, tag: str) -> None:
        stripped = None if r is None else strip_edges(text, r[0], r[1])
        if stripped is not None:
            starts.setdefault(stripped[0], set()).add(tag)
            ends.setdefault(stripped[1], set()).add(tag)

    rule = found.content
    add_range(rule, "rule")
    if rule is not None:
        starts.setdefault(rule[0], set()).add("rule_raw")
        ends.setdefault(rule[1], set()).add("rule_raw")
    clause = _clause(found)
    sent = head.sent
    add_range((sent.start_char, clause[0]), "sent_before")
    add_range((clause[1], sent.end_char), "sent_after")
    ends.setdefault(sent.end_char, set()).add("sent_end_raw")
    ends.setdefault(_trim_end(text, sent.end_char), set()).add("sent_end_ws")
    before = doc[sent.start - 1].sent if sent.start > 0 else None
    after = doc[sent.end].sent if sent.end < len(doc) else None
    for name, other in (("prev_sent", before), ("next_sent", after)):
        if other is not None:
            add_range((other.start_char, other.end_char), name)
            ends.setdefault(_trim_end(text, other.end_char), set()).add(f"{name}_ws")
    for verb in (head, *(t for t in head.children if t.dep_ == "xcomp")):
        for child in verb.children:
            r = (child.left_edge.idx, child.right_edge.idx + len(child.right_edge))
            if r[0] < clause[1] and clause[0] < r[1]:
                continue
            add_range(r, f"child:{child.dep_}")
            if child.dep_ in ("prep", "agent"):
                for obj in child.children:
                    if obj.dep_ in ("pobj", "pcomp"):  # "accused X of doing Y": the content is "doing Y"
                        add_range((obj.left_edge.idx, obj.right_edge.idx + len(obj.right_edge)), obj.dep_)
    if rule is not None:
        _inner_edges(doc, rule, clause, add_range, starts)
    for q0, q1 in quotes:
        if (q1 <= clause[0] and clause[0] - q1 < 400) or (q0 >= clause[1] and q0 - clause[1] < 400):
            starts.setdefault(q0, set()).add("quote")
            ends.setdefault(q1, set()).add("quote")
    for t in sent:
        if t.text in (",", ";", "--", "—") and t.idx > sent.start_char:
            ends.setdefault(_trim_end(text, t.idx), set()).add("comma")
            s = t.idx + len(t)
            while s < len(text) and text[s].isspace():
                s += 1
            starts.setdefault(s, set()).add("comma")
    return {
        (s, e): (frozenset(st), frozenset(et))
        for s, st in starts.items()
        for e, et in ends.items()
        if s < e <= s + MAX_CHARS
    }


def _inner_edges(doc: Any, rule: Range, clause: Range, add_range: Any, starts: dict[int, set[str]]) -> None:
    """Edges of the phrases inside the rule's content (:data:`INNER`), and the part before a
    conjunct ("X and said Y" keeps X)."""
    table = token_table(doc)
    lo = bisect.bisect_left(table.starts, rule[0])
    hi = bisect.bisect_left(table.starts, rule[1])
    for i in range(lo, hi):
        if table.dep[i] not in INNER or clause[0] <= table.starts[i] < clause[1]:
            continue
        r = (table.starts[table.left[i]], table.ends[table.right[i]])
        if not (rule[0] <= r[0] and r[1] <= rule[1] + 1):
            continue
        add_range(r, f"inner:{table.dep[i]}")
        starts.setdefault(table.starts[i], set()).add(f"innerhead:{table.dep[i]}")
        if table.dep[i] == "conj":
            cc = [c.idx for c in doc[i].head.children if c.dep_ == "cc" and c.i < i]
            add_range((rule[0], cc[-1] if cc else r[0]), "before_conj")


def _sign(x: int) -> str:
    return "0" if x == 0 else "-" if x < 0 else "+"


def _within(char: int, r: Range | None) -> bool:
    return r is not None and r[0] <= char < r[1]


def span_features(doc: Any, found: Found, span: Range, tags: Tags) -> dict[str, float]:
    """Sparse features of one candidate content span of ``found`` (see the module docstring)."""
    text = doc_text(doc)
    table = token_table(doc)
    s, e = span
    rule_name = found.content_rule
    feats = {"bias": 1.0}
    if found.content is not None:
        rs, re_ = _sign(s - found.content[0]), _sign(e - found.content[1])
        feats["is_rule"] = float(span == found.content)
        feats[f"s_rel={rs}"] = feats[f"e_rel={re_}"] = 1.0
        feats[f"rule|s_rel={rule_name}|{rs}"] = feats[f"rule|e_rel={rule_name}|{re_}"] = 1.0
        feats[f"rule|both={rule_name}|{rs}{re_}"] = 1.0
    for side, names in (("st", tags[0]), ("et", tags[1])):
        for name in names:
            feats[f"{side}={name}"] = feats[f"rule|{side}={rule_name}|{name}"] = 1.0
    cue, src = found.cue, found.source
    where = "before" if e <= cue[0] else "after" if s >= cue[1] else "over"
    feats[f"pos_vs_cue={where}"] = 1.0
    if src is not None:
        holds = "in" if s <= src[0] and src[1] <= e else "ovl" if s < src[1] and src[0] < e else "out"
        feats[f"has_src={holds}"] = 1.0
    first, last = text[s], text[e - 1]
    feats[f"c0={'a' if first.isalnum() else first}"] = 1.0
    feats[f"cl={'a' if last.isalnum() else last}"] = 1.0
    feats[f"after={text[e] if e < len(text) and not text[e].isalnum() else 'a'}"] = 1.0
    feats[f"before={text[s - 1] if s > 0 and not text[s - 1].isalnum() else 'a'}"] = 1.0
    feats[f"tstart={table.word(table.at(s))}"] = 1.0
    feats[f"tend={table.word(table.at(e - 1))}"] = 1.0
    feats[f"tafter={table.word(table.at(e + 1) if e + 1 < len(text) else None)}"] = 1.0
    feats[f"tbefore={table.word(table.at(s - 2) if s >= 2 else None)}"] = 1.0
    piece = text[s:e]
    unbalanced = piece.count('"') % 2 + abs(piece.count("“") - piece.count("”"))
    feats[f"qbal={min(unbalanced, 2)}"] = 1.0
    feats[f"nsent={min(piece.count('. ') + piece.count('.” ') + piece.count(chr(10)), 3)}"] = 1.0
    size = min(int(math.log2(e - s + 1)), 11)
    feats[f"len={size}"] = feats[f"rule|len={rule_name}|{size}"] = 1.0
    sent_start, sent_end, verbs = _cue_context(doc, found.head)
    feats[f"in_sent={sent_start <= s and e <= sent_end}"] = 1.0
    _parse_features(table, found, verbs, s, e, feats)
    return feats


def _cue_context(doc: Any, head: int) -> tuple[int, int, frozenset[int]]:
    """The cue head's sentence bounds and the verbs whose dependents carry its content, kept in
    ``doc.user_data`` (asked once per candidate span)."""
    memo = doc.user_data.setdefault(_CUE_KEY, {})
    if head not in memo:
        token = doc[head]
        verbs = frozenset({head} | {t.i for t in token.children if t.dep_ == "xcomp"})
        memo[head] = (token.sent.start_char, token.sent.end_char, verbs)
    return memo[head]


def _parse_features(
    table: TokenTable, found: Found, verbs: frozenset[int], s: int, e: int, feats: dict[str, float]
) -> None:
    """How the span sits in the parse: its roots (tokens whose head lies outside it), whether it is
    a whole phrase hanging from the cue, the words just outside it and whether they are the
    source's or cue's."""
    rule_name = found.content_rule
    i0 = bisect.bisect_left(table.starts, s)
    i1 = bisect.bisect_left(table.starts, e)
    roots = [j for j in range(i0, i1) if not i0 <= table.head[j] < i1 or table.head[j] == j]
    feats[f"nroots={min(len(roots), 4)}"] = feats[f"rule|nroots={rule_name}|{min(len(roots), 4)}"] = 1.0
    if roots:
        top = max(roots, key=lambda j: table.right[j] - table.left[j])
        dep = table.dep[top]
        on_cue = table.head[top] in verbs
        feats[f"rootdep={dep}"] = feats[f"rootpos={table.pos[top]}"] = 1.0
        feats[f"root_on_cue={on_cue}"] = feats[f"root_on_cue|dep={on_cue}|{dep}"] = 1.0
        feats[f"rule|rootdep={rule_name}|{dep}"] = 1.0
        feats[f"whole_subtree={table.left[top] >= i0 - 1 and table.right[top] <= i1}"] = 1.0
        feats[f"exact_subtree={table.left[top] >= i0 and table.right[top] < i1 and len(roots) == 1}"] = 1.0
        if top == found.head:
            feats["root_is_cue"] = 1.0
    n = len(table.starts)
    for name, j in (("next", i1), ("next2", i1 + 1), ("prev", i0 - 1)):
        if 0 <= j < n:
            inside = _within(table.starts[j], found.cue) or _within(table.starts[j], found.source)
            feats[f"{name}_in_clause={inside}"] = 1.0
    if i0 > 0:
        prev = i0 - 1
        word = (
            table.lower[prev]
            if table.pos[prev] in ("ADP", "SCONJ", "PUNCT", "PART", "VERB", "AUX")
            else table.pos[prev]
        )
        feats[f"prevword={word}"] = 1.0
    if i0 < i1:
        word = table.lower[i0] if table.pos[i0] in ("ADP", "SCONJ", "PART", "DET", "PRON", "PUNCT") else "x"
        feats[f"startword={word}"] = 1.0


@dataclass
class ContentRanker:
    """Linear weights over :func:`span_features`; :meth:`choose` keeps the best-scored span."""

    weights: dict[str, float] = field(default_factory=dict)

    def score(self, feats: dict[str, float]) -> float:
        """The linear score of one candidate span."""
        return sum(self.weights.get(name, 0.0) * value for name, value in feats.items())

    def choose(self, doc: Any, found: Found, quotes: Sequence[Range]) -> Range | None:
        """The best-scored candidate content of ``found`` (see :func:`allowed`), without a news
        dateline (:func:`~unspun.whosays.boundary.without_dateline`); the rules' content when no
        span is left or the ranker has no weights."""
        if not self.weights:
            return found.content
        spans = {r: tags for r, tags in propose(doc, found, quotes).items() if allowed(doc, found, r)}
        if not spans:
            return found.content
        best = max(
            spans, key=lambda r: (self.score(span_features(doc, found, r, spans[r])), r == found.content)
        )
        return without_dateline(doc_text(doc), best) or found.content


def allowed(doc: Any, found: Found, span: Range) -> bool:
    """Whether the ranker may pick ``span``: the rules' content always; another span never over
    the source or cue (only the rules draw a split "X, he said, Y"), never one relative pronoun
    (:func:`_lone_relative`), never a "that" clause cut from the noun it completes inside the
    rules' content (:func:`_cuts_noun_complement`)."""
    if span == found.content:
        return True
    return not (
        _overlaps(span, found.cue)
        or _overlaps(span, found.source)
        or _lone_relative(doc, span)
        or _cuts_noun_complement(doc, span, found.content)
    )


def _cuts_noun_complement(doc: Any, span: Range, rule: Range | None) -> bool:
    """Whether ``span`` opens with the "that" of a clause completing a noun of the rules' content
    before it ("responded to accusations that he exaggerated": PolNeAR train, such a noun after a
    cue is in the content 9 times of 9)."""
    table = token_table(doc)
    i = table.at(span[0])
    if rule is None or i is None or table.lower[i] != "that" or table.dep[i] != "mark":
        return False
    noun = table.head[table.head[i]]
    return table.pos[noun] in ("NOUN", "PROPN") and rule[0] <= table.starts[noun] < span[0]


RELATIVE_TAGS = frozenset({"WDT", "WP", "WP$"})


def _lone_relative(doc: Any, span: Range) -> bool:
    """Whether ``span`` is one relative pronoun ("which the mayor described as X"): the content is
    what it stands for, never the pronoun itself."""
    table = token_table(doc)
    i = table.at(span[0])
    return i is not None and table.ends[i] == span[1] and doc[i].tag_ in RELATIVE_TAGS


def _overlaps(a: Range, b: Range | None) -> bool:
    return b is not None and a[0] < b[1] and b[0] < a[1]
