"""Where an attribution's content starts and ends, learnt from PolNeAR: a ranker over candidate spans.

The rules of :mod:`unspun.whosays.attribution_rules` find one content per cue; where PolNeAR draws
its edges varies more than rules say (a trailing ", officials said", "of" after "accused", a
quotation that runs on, an aside). :func:`propose` lists candidate spans around an accepted cue:
the rule's content and every pair of a start and an end taken from it, from the cue's dependents
and the phrases inside the content, from the sentence around the clause and its neighbours, from
nearby quotations and from the commas of the sentence. :func:`span_features` describes a span
(how it differs from the rule's, which edge kinds made it, the words at and beyond its edges, how
it sits in the parse and how the words beyond its edges hang there, whether it holds the source or
cue); a linear scorer whose weights are fit
by logistic regression on the gold contents of the training cues picks the best
(:class:`unspun.whosays.content_ranker.ContentRanker`, which sums the same weights without a
feature dict per span). Pure functions over a spaCy parse; the weights live in the attribution
model's JSON.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from unspun.whosays.attribution_rules import Found
from unspun.whosays.boundary import strip_edges
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
        tokens = list(doc)  # spaCy makes a Token per access: once per token, not once per list
        table = doc.user_data[_TABLE_KEY] = TokenTable(
            starts=[t.idx for t in tokens],
            ends=[t.idx + len(t) for t in tokens],
            lower=[t.lower_ for t in tokens],
            pos=[t.pos_ for t in tokens],
            dep=[t.dep_ for t in tokens],
            head=[t.head.i for t in tokens],
            left=[t.left_edge.i for t in tokens],
            right=[t.right_edge.i for t in tokens],
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
    start_tags = {s: frozenset(tags) for s, tags in starts.items()}
    end_tags = {e: frozenset(tags) for e, tags in ends.items()}
    return {
        (s, e): (st, et)
        for s, st in start_tags.items()
        for e, et in end_tags.items()
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


def sign(x: int) -> str:
    """``x``'s sign as ``0``, ``-`` or ``+`` (in feature names)."""
    return "0" if x == 0 else "-" if x < 0 else "+"


def within(char: int, r: Range | None) -> bool:
    """Whether ``char`` lies in ``r`` (never in ``None``)."""
    return r is not None and r[0] <= char < r[1]


def span_features(doc: Any, found: Found, span: Range, tags: Tags) -> dict[str, float]:
    """Sparse features of one candidate content span of ``found`` (see the module docstring).
    Prediction sums their weights without this dict (:func:`unspun.whosays.content_ranker.score_spans`):
    a feature changed here is changed there too (a test in tests/test_attribution.py holds the
    two scores equal)."""
    text = doc_text(doc)
    table = token_table(doc)
    s, e = span
    rule_name = found.content_rule
    feats = {"bias": 1.0}
    if found.content is not None:
        rs, re_ = sign(s - found.content[0]), sign(e - found.content[1])
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
    sent_start, sent_end, verbs = cue_context(doc, found.head)
    feats[f"in_sent={sent_start <= s and e <= sent_end}"] = 1.0
    for name in (*start_attachment(table, found, verbs, s), *end_attachment(table, found, verbs, e)):
        feats[name] = 1.0
    _parse_features(table, found, verbs, s, e, feats)
    return feats


STOPS = frozenset(".!?")
_ATTACH_STEPS = 12


def end_attachment(table: TokenTable, found: Found, verbs: frozenset[int], end: int) -> tuple[str, ...]:
    """Feature names for what follows a span ending at ``end``: the first word after the punctuation
    there and how its phrase hangs (its dependency and whether its head is the cue, the source or a
    word before the end): PolNeAR's contents often stop before ", a charge that ..." (an apposition
    of a word inside them), ", pointing to ..." (a clause of their verb) or "and tells the crowd"
    (a verb coordinated with the cue), and the ranker learns how often."""
    n = len(table.starts)
    j = bisect.bisect_left(table.starts, end)
    marks = ""
    while j < n and table.pos[j] == "PUNCT" and len(marks) < 3:
        marks += table.lower[j][:1]
        j += 1
    mark = "stop" if any(c in STOPS for c in marks) else marks[:1] if marks else "-"
    if mark == "stop" or j >= n:
        return (f"eatt={mark}",)
    a, where = j, "root"
    for _ in range(_ATTACH_STEPS):  # up from the word after the end to the first head outside what follows
        where = _hangs_on(table, found, verbs, a, before=j)
        if where != "right":
            break
        a = table.head[a]
    else:
        where = "root"
    dep = table.dep[a]
    return (
        f"eatt={mark}|{dep}|{where}",
        f"eatt_dep={dep}|{where}",
        f"eatt_word={mark}|{table.word(j)}",
        f"rule|eatt={found.content_rule}|{dep}|{where}",
    )


def _hangs_on(table: TokenTable, found: Found, verbs: frozenset[int], token: int, before: int) -> str:
    """Where ``token``'s head lies: nowhere (``root``), the cue's verbs, another cue word, the
    source, before token ``before`` (``left``) or not (``right``)."""
    h = table.head[token]
    if h == token:
        return "root"
    if h in verbs:
        return "cue"
    if within(table.starts[h], found.cue):
        return "cueword"
    if within(table.starts[h], found.source):
        return "src"
    return "left" if h < before else "right"


def start_attachment(table: TokenTable, found: Found, verbs: frozenset[int], start: int) -> tuple[str, ...]:
    """Feature names for the edge at a span starting at ``start``: the punctuation before it, the
    word before that and where its head lies, the first word and where its head lies ("[the
    latter] a reference to ...": an apposition hanging on a word before)."""
    i0 = bisect.bisect_left(table.starts, start)
    k = i0 - 1
    marks = ""
    while k >= 0 and table.pos[k] == "PUNCT" and len(marks) < 3:
        marks += table.lower[k][:1]
        k -= 1
    mark = "stop" if any(c in STOPS for c in marks) else marks[:1] if marks else "-"
    names = [f"satt_mark={mark}"]
    if k >= 0 and mark != "stop":
        names.append(f"satt_prev={mark}|{table.dep[k]}|{_hangs_on(table, found, verbs, k, before=k)}")
    if i0 < len(table.starts):
        first = f"{table.dep[i0]}|{_hangs_on(table, found, verbs, i0, before=i0)}"
        names += [f"satt_first={first}", f"rule|satt_first={found.content_rule}|{first}"]
    return tuple(names)


def cue_context(doc: Any, head: int) -> tuple[int, int, frozenset[int]]:
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
            inside = within(table.starts[j], found.cue) or within(table.starts[j], found.source)
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
