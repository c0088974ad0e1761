"""A learnt cue span: which words around a cue head PolNeAR puts in the cue.

:func:`unspun.whosays.cue.cue_tokens` joins the head's children by learnt inclusion rates, one
child at a time; PolNeAR's cues are often longer ("told Reuters in a rare interview", "said in a
statement", "has made several controversial statements on") or shorter ("said Tuesday" is
"said"). :class:`CueSpanRanker` instead scores every start (up to :data:`LEFT` tokens before the
head) and every end (up to :data:`RIGHT` tokens after it) of the cue with two linear models over
the words the span takes in and the word after it (:func:`end_features`, :func:`start_features`),
and keeps the best start and the best end. A span never runs over the source or over a content
before the head; a content after it may lose its first words to the cue, and then starts after
it (:func:`bounds`, :func:`without_cue`). Fit by :func:`unspun.whosays.attribution_model.fit_cue_span` on the gold cues
whose head the rules find.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from unspun.whosays.attribution_rules import Found
from unspun.whosays.cue import without_when

Range = tuple[int, int]
Token = Any  # spacy.tokens.Token
LEFT = 3
RIGHT = 8
INTO_CONTENT = True  # whether a cue may take the first words of a content after it
# Words kept as themselves in the features; other tokens are named by their part of speech.
_OPEN_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})


def word(token: Token) -> str:
    """The token as a feature names it: function words as themselves, others by part of speech."""
    return token.pos_ if token.pos_ in _OPEN_POS else token.lower_


def token_span(doc: Any, r: Range) -> tuple[int, int] | None:
    """The first and last token index of the character range ``r``, or ``None`` when it holds no
    token."""
    span = doc.char_span(r[0], r[1], alignment_mode="expand")
    return (span.start, span.end - 1) if span is not None and len(span) else None


def bounds(doc: Any, found: Found) -> tuple[int, int]:
    """The first and last token a cue of ``found`` may hold: within the head's sentence, at most
    :data:`LEFT` before and :data:`RIGHT` after the head, never over the source nor over a content
    before the head (nor the first and last tokens of the rules' cue cut off). A content after the
    head may lose its first words to the cue ("has made several statements on | the matter"), but
    never all of them."""
    head = doc[found.head]
    low, high = max(head.sent.start, head.i - LEFT), min(head.sent.end - 1, head.i + RIGHT)
    for part, into in ((found.source, False), (found.content, INTO_CONTENT)):
        if part is None:
            continue
        span = token_span(doc, part)
        if span is None:
            continue
        if span[1] < head.i:
            low = max(low, span[1] + 1)
        elif span[0] > head.i:
            high = min(high, span[1] - 1 if into else span[0] - 1)
    rule = token_span(doc, found.cue)
    if rule is not None:
        low, high = min(low, rule[0]), max(high, rule[1])
    return low, high


def content_after(doc: Any, found: Found) -> int | None:
    """The first token of a content that starts after the cue head, else ``None``."""
    span = None if found.content is None else token_span(doc, found.content)
    return span[0] if span is not None and span[0] > found.head else None


def without_cue(doc: Any, content: Range | None, end: int) -> Range | None:
    """``content`` starting after the cue's last token ``end`` (and the punctuation after it) when
    the cue runs into it; ``None`` when nothing is left."""
    if content is None or doc[end].idx + len(doc[end]) <= content[0]:
        return content
    i = end + 1
    while i < len(doc) and doc[i].is_punct and doc[i].idx < content[1]:
        i += 1
    if i >= len(doc) or doc[i].idx >= content[1]:
        return None
    return doc[i].idx, content[1]


def _cut(doc: Any, inside: range, outside: Token) -> bool:
    """Whether ``outside`` (a word just past the span) hangs on a word inside it: a phrase cut."""
    return not outside.is_punct and outside.head.i in inside


def end_features(
    doc: Any, head: Token, end: int, rule_end: int, start: int, content: int | None
) -> dict[str, float]:
    """Features of a cue ending on token ``end`` (the words it takes in after the head, the word
    after it, against the rules' end and the first token ``content`` of a content after it)."""
    lemma = head.lemma_.lower()
    last = doc[end]
    side = "after" if content is not None else "other"
    into = 0 if content is None else max(end - content + 1, 0)
    feats = {
        f"into={min(into, 4)}": 1.0,
        f"side|last={side}|{last.dep_}|{word(last)}": 1.0,
        f"side|len={side}|{min(end - head.i, 6)}": 1.0,
        "end_bias": 1.0,
        f"end_rule={end == rule_end}": 1.0,
        f"end_len={min(end - head.i, 6)}": 1.0,
        f"end_vs_rule={max(min(end - rule_end, 3), -3)}": 1.0,
        f"last={last.dep_}|{word(last)}": 1.0,
        f"lemma|last={lemma}|{last.dep_}|{word(last)}": 1.0,
        f"lastpos={last.pos_}": 1.0,
    }
    for t in doc[head.i + 1 : end + 1]:
        feats[f"in={t.dep_}|{word(t)}"] = 1.0
        feats[f"in_on_head={t.head.i == head.i}|{t.dep_}"] = 1.0
        if t.head.i == head.i:
            feats[f"lemma|in={lemma}|{t.dep_}|{word(t)}"] = 1.0
        if t.ent_type_:
            feats[f"in_ent={t.ent_type_}"] = 1.0
    if end + 1 < len(doc):
        after = doc[end + 1]
        feats[f"after={after.dep_}|{word(after)}"] = 1.0
        feats[f"after_ent={after.ent_type_}"] = 1.0
        feats[f"after_cut={_cut(doc, range(start, end + 1), after)}"] = 1.0
        feats[f"lemma|after={lemma}|{word(after)}"] = 1.0
    else:
        feats["after=</s>"] = 1.0
    return feats


def start_features(doc: Any, head: Token, start: int, rule_start: int, end: int) -> dict[str, float]:
    """Features of a cue starting on token ``start`` (the words it takes in before the head, the
    word before it, against the rules' start)."""
    lemma = head.lemma_.lower()
    first = doc[start]
    feats = {
        "start_bias": 1.0,
        f"start_rule={start == rule_start}": 1.0,
        f"start_len={head.i - start}": 1.0,
        f"first={first.dep_}|{word(first)}": 1.0,
        f"lemma|first={lemma}|{first.dep_}|{word(first)}": 1.0,
    }
    for t in doc[start : head.i]:
        feats[f"pre={t.dep_}|{word(t)}"] = 1.0
    if start > 0:
        before = doc[start - 1]
        feats[f"before={before.dep_}|{word(before)}"] = 1.0
        feats[f"before_cut={_cut(doc, range(start, end + 1), before)}"] = 1.0
    return feats


@dataclass
class CueSpanRanker:
    """Weights over :func:`start_features` and :func:`end_features`; :meth:`choose` applies them."""

    weights: dict[str, float] = field(default_factory=dict)

    def score(self, feats: dict[str, float]) -> float:
        """The linear score of one start or end."""
        return sum(self.weights.get(name, 0.0) * value for name, value in feats.items())

    def choose(self, doc: Any, found: Found) -> Found:
        """``found`` with the best-scored cue span (its own when the ranker has no weights or the
        cue holds no token)."""
        rule = token_span(doc, found.cue)
        if not self.weights or rule is None:
            return found
        head = doc[found.head]
        low, high = bounds(doc, found)
        after = content_after(doc, found)
        end = max(
            range(head.i, high + 1),
            key=lambda e: (self.score(end_features(doc, head, e, rule[1], rule[0], after)), e == rule[1]),
        )
        start = max(
            range(low, head.i + 1),
            key=lambda s: (self.score(start_features(doc, head, s, rule[0], end)), s == rule[0]),
        )
        # PolNeAR's gold leaves the day out of a cue more often than it keeps it ("announced
        # Tuesday"), as the rules do (cue.without_when); the ranker learnt to keep it.
        end = without_when(head, list(doc[start : end + 1]))[-1].i
        cue = (doc[start].idx, doc[end].idx + len(doc[end]))
        if cue == found.cue:
            return found
        return replace(found, cue=cue, content=without_cue(doc, found.content, end))


def training_rows(
    doc: Any, found: Found, gold: Range
) -> tuple[list[dict[str, float]], list[int], list[dict[str, float]], list[int]]:
    """End rows and labels, start rows and labels of one candidate whose head heads the gold cue
    ``gold`` (none when the gold start or end lies outside :func:`bounds`)."""
    rule, span = token_span(doc, found.cue), token_span(doc, gold)
    if rule is None or span is None:
        return [], [], [], []
    head = doc[found.head]
    low, high = bounds(doc, found)
    ends: list[dict[str, float]] = []
    end_labels: list[int] = []
    after = content_after(doc, found)
    if head.i <= span[1] <= high:
        for e in range(head.i, high + 1):
            ends.append(end_features(doc, head, e, rule[1], rule[0], after))
            end_labels.append(int(e == span[1]))
    starts: list[dict[str, float]] = []
    start_labels: list[int] = []
    if low <= span[0] <= head.i:
        for s in range(low, head.i + 1):
            starts.append(start_features(doc, head, s, rule[0], span[1]))
            start_labels.append(int(s == span[0]))
    return ends, end_labels, starts, start_labels
