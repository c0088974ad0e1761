"""The content ranker: picks an attribution's content among the candidate spans of
:func:`unspun.whosays.content_span.propose`, scoring them all without a feature dict per span.

:func:`unspun.whosays.content_span.span_features` describes one span as some forty named
features, and a cue has about a hundred candidate spans: building those dicts was three quarters
of the attribution step. The score is linear, and most features depend on the span's start alone
(its edge kinds, the words before it) or on its end alone, so :func:`score_spans` sums the weights
of those once per start and once per end, and per span only adds the weights of the features that
need both edges (length, quotes inside, parse roots, where it lies against the cue and source),
looked up from small tables. The sum is that of ``ContentRanker.score(span_features(...))`` up to
float rounding (a test holds them equal); training still reads :func:`span_features`.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from unspun.whosays.attribution_rules import Found, act_of, reported_aside, tells_when
from unspun.whosays.boundary import without_dateline
from unspun.whosays.content_span import (
    Range,
    Tags,
    TokenTable,
    cue_context,
    end_attachment,
    propose,
    sign,
    start_attachment,
    token_table,
    within,
)
from unspun.whosays.parsing import doc_text

RELATIVE_TAGS = frozenset({"WDT", "WP", "WP$"})
_COUNTS_KEY = "unspun.content_ranker.counts"
_MARKS = ('"', "“", "”", "\n", ". ", ".” ")


def _prefix(text: str, mark: str) -> list[int]:
    flags = [0] * (len(text) + 1)
    for match in re.finditer(re.escape(mark), text):  # none of the marks overlaps itself
        flags[match.start() + 1] = 1
    return list(accumulate(flags))


def _text_counts(doc: Any) -> dict[str, list[int]]:
    """Prefix counts over ``doc``'s text of the characters and sentence marks the span features
    count, made once per parse (``counts[k][i]``: occurrences starting before ``i``)."""
    counts = doc.user_data.get(_COUNTS_KEY)
    if counts is None:
        text = doc_text(doc)
        counts = doc.user_data[_COUNTS_KEY] = {mark: _prefix(text, mark) for mark in _MARKS}
    return counts


def score_spans(
    weights: Mapping[str, float], doc: Any, found: Found, spans: Mapping[Range, Tags]
) -> dict[Range, float]:
    """The linear score under ``weights`` of every span of ``spans`` (candidate contents of
    ``found`` with their edge tags, as :func:`~unspun.whosays.content_span.propose` gives them):
    ``sum(weights[f] * v for f, v in span_features(doc, found, span, tags).items())``."""
    text = doc_text(doc)
    table = token_table(doc)
    counts = _text_counts(doc)
    w = weights.get
    rule = found.content_rule
    content, cue, src = found.content, found.cue, found.source
    sent_start, sent_end, verbs = cue_context(doc, found.head)
    start_tags = {s: tags[0] for (s, _), tags in spans.items()}  # a start has one set of tags
    end_tags = {e: tags[1] for (_, e), tags in spans.items()}
    starts = {s: _start_part(w, text, table, found, s, tags, verbs) for s, tags in start_tags.items()}
    ends = {e: _end_part(w, text, table, found, e, tags, verbs) for e, tags in end_tags.items()}
    pair = _PairWeights(w, rule)
    q, lq, rq, nl, d2, d3 = (counts[k] for k in ('"', "“", "”", "\n", ". ", ".” "))
    top_memo: dict[int, float] = {}
    is_rule = w("is_rule", 0.0)
    scores: dict[Range, float] = {}
    for span in spans:
        s, e = span
        s_score, s_rel, i0, start_word = starts[s]
        e_score, e_rel, i1 = ends[e]
        total = s_score + e_score + pair.bias
        if content is not None:
            total += pair.both[s_rel + e_rel] + (is_rule if span == content else 0.0)
        total += pair.where["before" if e <= cue[0] else "after" if s >= cue[1] else "over"]
        if src is not None:
            holds = "in" if s <= src[0] and src[1] <= e else "ovl" if s < src[1] and src[0] < e else "out"
            total += pair.src[holds]
        unbalanced = (q[e] - q[s]) % 2 + abs(lq[e] - lq[s] - rq[e] + rq[s])
        marks = nl[e] - nl[s] + d2[e - 1] - d2[s] + (d3[e - 2] - d3[s] if e - 2 > s else 0)
        total += pair.qbal[min(unbalanced, 2)] + pair.nsent[min(marks, 3)]
        total += pair.size[min(int(math.log2(e - s + 1)), 11)]
        total += pair.in_sent[sent_start <= s and e <= sent_end]
        total += _roots_part(pair, top_memo, _roots(table, i0, i1), table, found, verbs)
        if i0 < i1:
            total += start_word
        scores[span] = total
    return scores


class _PairWeights:
    """The weights of the features that need both edges of a span, by value (a few each)."""

    def __init__(self, w: Callable[[str, float], float], rule: str | None) -> None:
        signs = ("0", "-", "+")
        self.w = w
        self.rule = rule
        self.bias = w("bias", 0.0)
        self.both = {a + b: w(f"rule|both={rule}|{a}{b}", 0.0) for a in signs for b in signs}
        self.where = {k: w(f"pos_vs_cue={k}", 0.0) for k in ("before", "after", "over")}
        self.src = {k: w(f"has_src={k}", 0.0) for k in ("in", "ovl", "out")}
        self.qbal = [w(f"qbal={k}", 0.0) for k in range(3)]
        self.nsent = [w(f"nsent={k}", 0.0) for k in range(4)]
        self.size = [w(f"len={k}", 0.0) + w(f"rule|len={rule}|{k}", 0.0) for k in range(12)]
        self.in_sent = {b: w(f"in_sent={b}", 0.0) for b in (True, False)}
        self.nroots = [w(f"nroots={k}", 0.0) + w(f"rule|nroots={rule}|{k}", 0.0) for k in range(5)]
        self.whole = {b: w(f"whole_subtree={b}", 0.0) for b in (True, False)}
        self.exact = {b: w(f"exact_subtree={b}", 0.0) for b in (True, False)}


def _start_part(
    w: Callable[[str, float], float],
    text: str,
    table: TokenTable,
    found: Found,
    s: int,
    tags: frozenset[str],
    verbs: frozenset[int],
) -> tuple[float, str, int, float]:
    """The summed weights of the features of a span that depend on its start alone, the start's
    sign against the rule's content, its first token index and the weight of its first word
    (counted when the span holds a token)."""
    rule = found.content_rule
    names = []
    rel = ""
    if found.content is not None:
        rel = sign(s - found.content[0])
        names += [f"s_rel={rel}", f"rule|s_rel={rule}|{rel}"]
    for name in tags:
        names += [f"st={name}", f"rule|st={rule}|{name}"]
    first = text[s]
    names.append(f"c0={'a' if first.isalnum() else first}")
    names.append(f"before={text[s - 1] if s > 0 and not text[s - 1].isalnum() else 'a'}")
    names.append(f"tstart={table.word(table.at(s))}")
    names.append(f"tbefore={table.word(table.at(s - 2) if s >= 2 else None)}")
    i0 = bisect.bisect_left(table.starts, s)
    if 0 <= i0 - 1 < len(table.starts):
        inside = within(table.starts[i0 - 1], found.cue) or within(table.starts[i0 - 1], found.source)
        names.append(f"prev_in_clause={inside}")
    if i0 > 0:
        prev = i0 - 1
        pos = table.pos[prev]
        word = table.lower[prev] if pos in ("ADP", "SCONJ", "PUNCT", "PART", "VERB", "AUX") else pos
        names.append(f"prevword={word}")
    names += start_attachment(table, found, verbs, s)
    start_word = 0.0
    if i0 < len(table.starts):
        pos = table.pos[i0]
        word = table.lower[i0] if pos in ("ADP", "SCONJ", "PART", "DET", "PRON", "PUNCT") else "x"
        start_word = w(f"startword={word}", 0.0)
    return sum(w(name, 0.0) for name in names), rel, i0, start_word


def _end_part(
    w: Callable[[str, float], float],
    text: str,
    table: TokenTable,
    found: Found,
    e: int,
    tags: frozenset[str],
    verbs: frozenset[int],
) -> tuple[float, str, int]:
    """The summed weights of the features of a span that depend on its end alone, the end's sign
    against the rule's content and the index of the first token at or after it."""
    rule = found.content_rule
    names = []
    rel = ""
    if found.content is not None:
        rel = sign(e - found.content[1])
        names += [f"e_rel={rel}", f"rule|e_rel={rule}|{rel}"]
    for name in tags:
        names += [f"et={name}", f"rule|et={rule}|{name}"]
    last = text[e - 1]
    names.append(f"cl={'a' if last.isalnum() else last}")
    names.append(f"after={text[e] if e < len(text) and not text[e].isalnum() else 'a'}")
    names.append(f"tend={table.word(table.at(e - 1))}")
    names.append(f"tafter={table.word(table.at(e + 1) if e + 1 < len(text) else None)}")
    i1 = bisect.bisect_left(table.starts, e)
    for name, j in (("next", i1), ("next2", i1 + 1)):
        if 0 <= j < len(table.starts):
            inside = within(table.starts[j], found.cue) or within(table.starts[j], found.source)
            names.append(f"{name}_in_clause={inside}")
    names += end_attachment(table, found, verbs, e)
    return sum(w(name, 0.0) for name in names), rel, i1


def _roots(table: TokenTable, i0: int, i1: int) -> tuple[int, int | None, bool, bool]:
    """How tokens ``i0:i1`` sit in the parse: how many roots (tokens whose head lies outside),
    the root with the widest subtree, whether that subtree is the span give or take a token at
    its start, and whether it is exactly inside the span as its only root."""
    head = table.head
    roots = [j for j in range(i0, i1) if not i0 <= head[j] < i1 or head[j] == j]
    if not roots:
        return (0, None, False, False)
    top = max(roots, key=lambda j: table.right[j] - table.left[j])
    whole = table.left[top] >= i0 - 1 and table.right[top] <= i1
    exact = table.left[top] >= i0 and table.right[top] < i1 and len(roots) == 1
    return (len(roots), top, whole, exact)


def _roots_part(
    pair: _PairWeights,
    top_memo: dict[int, float],
    roots: tuple[int, int | None, bool, bool],
    table: TokenTable,
    found: Found,
    verbs: frozenset[int],
) -> float:
    """The summed weights of the parse features of a span with ``roots`` (:func:`_roots`; see
    :func:`unspun.whosays.content_span.span_features`); ``top_memo`` keeps those of each top root."""
    count, top, whole, exact = roots
    total = pair.nroots[min(count, 4)]
    if top is not None:
        if top not in top_memo:
            dep = table.dep[top]
            on_cue = table.head[top] in verbs
            names = [
                f"rootdep={dep}",
                f"rootpos={table.pos[top]}",
                f"root_on_cue={on_cue}",
                f"root_on_cue|dep={on_cue}|{dep}",
                f"rule|rootdep={pair.rule}|{dep}",
            ]
            if top == found.head:
                names.append("root_is_cue")
            top_memo[top] = sum(pair.w(name, 0.0) for name in names)
        total += top_memo[top] + pair.whole[whole] + pair.exact[exact]
    return total


@dataclass
class ContentRanker:
    """Linear weights over :func:`~unspun.whosays.content_span.span_features`; :meth:`choose` keeps
    the best-scored span."""

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
        proposed = propose(doc, found, quotes)
        cut = {s: _cuts_noun_complement(doc, s, found.content) for s in {s for s, _ in proposed}}
        acts = next_acts(doc, found)
        spans = {
            r: tags
            for r, tags in proposed.items()
            if r == found.content or (_allowed_other(doc, found, r, cut) and not _holds(r, acts))
        }
        if not spans:
            return found.content
        scores = score_spans(self.weights, doc, found, spans)
        best = max(spans, key=lambda r: (scores[r], r == found.content))
        return without_dateline(doc_text(doc), best) or found.content


def allowed(doc: Any, found: Found, span: Range) -> bool:
    """Whether the ranker may pick ``span``: the rules' content always; another span never over
    the source or cue (only the rules draw a split "X, he said, Y"), never one relative pronoun
    (:func:`_lone_relative`), never a "that" clause cut from the noun it completes inside the
    rules' content (:func:`_cuts_noun_complement`), never one opening with a time adverbial of
    the cue (:func:`_opens_with_when`), never over the source's next act or an "according to X"
    that the rules cut from the clause reported (:func:`next_acts`)."""
    if span == found.content:
        return True
    cut = {span[0]: _cuts_noun_complement(doc, span[0], found.content)}
    return _allowed_other(doc, found, span, cut) and not _holds(span, next_acts(doc, found))


def next_acts(doc: Any, found: Found) -> tuple[int, ...]:
    """Where the words start that the rules cut from the end of the cue's clause reported: its
    source's next act that the parser hung inside that clause
    (:func:`~unspun.whosays.attribution_rules.speakers_act`: 'Cho said the city "had no choice"
    and called the project ...') and an "according to X" after it
    (:func:`~unspun.whosays.attribution_rules.reported_aside`). No span but the rules' may run
    over them."""
    verbs = cue_context(doc, found.head)[2]
    return tuple(
        token.idx
        for verb in verbs
        for clause in doc[verb].children
        if clause.dep_ == "ccomp"
        for token in clause.children
        if act_of(token) == verb or reported_aside(token, clause)
    )


def _holds(span: Range, starts: Sequence[int]) -> bool:
    return any(span[0] <= char < span[1] for char in starts)


def _allowed_other(doc: Any, found: Found, span: Range, cut: Mapping[int, bool]) -> bool:
    """:func:`allowed` for a span other than the rules' content; ``cut`` maps its start to
    :func:`_cuts_noun_complement` (which reads the start alone, asked once per start)."""
    return not (
        _overlaps(span, found.cue)
        or _overlaps(span, found.source)
        or cut[span[0]]
        or _lone_relative(doc, span)
        or _opens_with_when(doc, found, span)
        or _cuts_infinitive(doc, found, span)
    )


def _cuts_infinitive(doc: Any, found: Found, span: Range) -> bool:
    """Whether ``span`` starts inside the rules' open-complement content on a dependent of its
    verb, leaving the verb out, where a time adverbial of the cue stands before that content:
    "vowed Tuesday to block *the nomination*" says what was vowed only with "to block" (QA s47;
    the word before the content, a date rather than the cue, made the ranker cut it there).
    Without the time adverbial the ranker decides (on PolNeAR a few gold contents are such inner
    spans: the constraint everywhere lowered dev content F1 0.5696 -> 0.5691)."""
    rule = found.content
    if found.content_rule != "xcomp" or rule is None or not (rule[0] < span[0] and span[1] <= rule[1]):
        return False
    table = token_table(doc)
    i = table.at(span[0])
    first = table.at(rule[0])
    if i is None or first is None or first == 0 or not _tells_when_of(doc, found, first - 1):
        return False
    token = doc[i]
    while token.head.i != token.i and span[0] <= token.head.idx < span[1]:
        token = token.head
    head = token.head
    return head.dep_ == "xcomp" and head.i < i and rule[0] <= head.idx


def _opens_with_when(doc: Any, found: Found, span: Range) -> bool:
    """Whether ``span`` opens with a time adverbial of the cue's word (a date or time noun, "vowed
    *last week* to build a wall", or a preposition with one for its object, "vowed *on Wednesday*
    to press ahead"): it tells when the source spoke, not what was said (QA s47)."""
    i = token_table(doc).at(span[0])
    return i is not None and _tells_when_of(doc, found, i, opens=True)


def _tells_when_of(doc: Any, found: Found, i: int, *, opens: bool = False) -> bool:
    """Whether token ``i`` lies in a time adverbial of the cue's word (see :func:`_opens_with_when`);
    with ``opens``, only as its first word."""
    if found.head < 0:
        return False
    token = doc[i]
    while token.head.i != token.i and token.head.i != found.head:
        token = token.head
    if token.head.i != found.head or token.i == found.head or (opens and token.left_edge.i != i):
        return False
    when = token.dep_ == "npadvmod" and token.ent_type_ in ("DATE", "TIME")
    return when or (token.dep_ == "prep" and tells_when(token))


def _cuts_noun_complement(doc: Any, start: int, rule: Range | None) -> bool:
    """Whether a span starting at ``start`` opens with the "that" of a clause completing a noun of the rules' content
    before it ("responded to accusations that he exaggerated": PolNeAR train, such a noun after a
    cue is in the content 9 times of 9)."""
    table = token_table(doc)
    i = table.at(start)
    if rule is None or i is None or table.lower[i] != "that" or table.dep[i] != "mark":
        return False
    noun = table.head[table.head[i]]
    return table.pos[noun] in ("NOUN", "PROPN") and rule[0] <= table.starts[noun] < start


def _lone_relative(doc: Any, span: Range) -> bool:
    """Whether ``span`` is one relative pronoun ("which the mayor described as X"): the content is
    what it stands for, never the pronoun itself."""
    table = token_table(doc)
    i = table.at(span[0])
    return i is not None and table.ends[i] == span[1] and doc[i].tag_ in RELATIVE_TAGS


def _overlaps(a: Range, b: Range | None) -> bool:
    return b is not None and a[0] < b[1] and b[0] < a[1]
