"""Attribution candidates and spans from a spaCy dependency parse (pure functions over a ``Doc``).

An attribution is found from its cue's head token (a verb like *said*, a noun like *report*, the
*according* of *according to*). Given a head, the rules here give:

- the **cue** span: the head plus the children that the training data puts inside cues
  (``cue_children``: auxiliaries, negation, particles, a colon, ...; learnt as inclusion rates);
- the **source** span: the subject's subtree (``nsubj`` / ``nsubjpass``), the object of *according
  to* or of a passive's *by*, a possessor (*Clinton's statement*), or the subject of the verb the
  cue hangs from (*appeared to suggest*, *and said*);
- the **content** span: an adjacent quotation (``“...,” he said`` / ``he said: “...”``), else the
  clausal complement (``ccomp``), the clause the cue interrupts (``X, he said, Y`` / ``as the
  Telegraph revealed, X``), the object, or an open complement.

Every range is a pair of offsets into the parsed text (``doc.text``), end exclusive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from unspun.whosays.parsing import doc_text

Range = tuple[int, int]
Token = Any  # spacy.tokens.Token
CANDIDATE_POS = frozenset({"VERB", "NOUN", "AUX", "ADP", "ADJ", "PROPN"})
OPEN_QUOTES = '“"‘'
CLOSE_QUOTES = '”"’'
SUBJECTS = ("nsubj", "nsubjpass")
EXTENDABLE = frozenset({"ccomp", "dobj", "xcomp", "attr", "oprd", "acl", "prep"})
_EDGE_PUNCT = frozenset(",.;:-–—()")


@dataclass(frozen=True, slots=True)
class Found:
    """One attribution found in a parse: its cue head's index and the three ranges."""

    head: int
    cue: Range
    source: Range | None
    content: Range | None
    kind: str  # "direct" (a quotation) or "indirect"
    content_rule: str


def token_range(tokens: Sequence[Token]) -> Range:
    """The character range from the first token's start to the last token's end."""
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def trimmed(tokens: Sequence[Token]) -> list[Token]:
    """``tokens`` in order without leading and trailing punctuation (quotes are kept)."""
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and (toks[0].text in _EDGE_PUNCT or toks[0].is_space):
        toks.pop(0)
    while toks and (toks[-1].text in _EDGE_PUNCT or toks[-1].is_space):
        toks.pop()
    return toks


def subtree_range(token: Token, exclude: Iterable[int] = ()) -> Range | None:
    """The trimmed, contiguous part of ``token``'s subtree holding ``token`` (tokens in ``exclude``
    cut it: the side that holds ``token`` is kept)."""
    skip = set(exclude)
    toks = [t for t in token.subtree if t.i not in skip]
    if skip:
        left = [t for t in toks if t.i <= token.i]
        right = [t for t in toks if t.i > token.i]
        while left and any(s in skip for s in range(left[0].i, token.i)):
            left.pop(0)
        while right and any(s in skip for s in range(token.i + 1, right[-1].i + 1)):
            right.pop()
        toks = left + right
    toks = trimmed(toks)
    return token_range(toks) if toks else None


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
                chosen.update({t.i: t for t in child.subtree})
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
    return run


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


def verb_for_content(head: Token, cue: Sequence[Token]) -> Token:
    """The cue token whose dependents carry the content: the last verb of an ``xcomp`` chain."""
    inside = {t.i for t in cue}
    last = head
    for t in cue:
        if t.dep_ == "xcomp" and t.head.i in inside:
            last = t
    return last


def source_of(head: Token, cue: Sequence[Token]) -> Range | None:
    """The source range for a cue (see the module docstring), or ``None``."""
    inside = {t.i for t in cue}
    # A verb with an active subject has no agent: the parser's "agent" there is a by-phrase of
    # means ("the Senate passed the bill by a vote of 51 to 49").
    active = any(child.dep_ == "nsubj" for child in head.children)
    for child in head.children:
        if child.dep_ == "agent" and not active:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return subtree_range(pobj)
    for tok in (head, verb_for_content(head, cue)):
        for child in tok.children:
            if child.dep_ in SUBJECTS and child.i not in inside:
                return subtree_range(child)
    for child in head.children:
        # "according to X", "by X"; the object of another preposition in the cue is what is
        # said ("criticism of X"), not who says it (with the refit: PolNeAR dev cue F1 0.675 ->
        # 0.677, content 0.523 -> 0.526, together with PHRASES)
        if child.dep_ in ("prep", "agent") and child.lower_ in ("to", "by"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return subtree_range(pobj)
        if child.dep_ == "poss":
            toks = [t for t in child.subtree if t.dep_ != "case"]
            toks = trimmed(toks)
            return token_range(toks) if toks else None
    if head.dep_ in ("xcomp", "conj", "advcl") and head.head.i != head.i:
        for child in head.head.children:
            if child.dep_ in SUBJECTS:
                return subtree_range(child)
    if head.dep_ == "acl" and head.head.pos_ in ("PROPN", "NOUN", "PRON"):
        return None
    return None


# Each opening quotation mark and the marks that close it: English “...” and "..." (either closing
# the other, as typed text mixes them), German „...“ (or „...”) and »...«, French « ... ». “ opens
# in English and closes in German: it closes only a quotation „ opened.
QUOTE_PAIRS = {"“": '”"', '"': '”"', "„": "“”", "«": "»", "»": "«"}


def quotations(text: str) -> list[Range]:
    """Quoted stretches of ``text`` with their marks (“...”, "...", „...“, « ... », »...«), not
    nested. A quotation left open at a paragraph's end goes on when the next paragraph opens with a
    quotation mark (the newspaper convention for long quotes); otherwise it is dropped."""
    found: list[Range] = []
    opened: int | None = None
    closers = ""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if text.startswith("''", i) or text.startswith("``", i):  # typewriter quotes: '' ... '' or `` ... ''
            if opened is None:
                opened, closers = i, '”"'
            else:
                found.append((opened, i + 2))
                opened = None
            i += 2
            continue
        if ch == "\n" and opened is not None:
            j = i
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] in QUOTE_PAIRS:
                i = j + 1
                continue
            opened = None
        elif opened is not None and ch in closers:
            found.append((opened, i + 1))
            opened = None
        elif ch in QUOTE_PAIRS and (opened is None or ch == "“"):
            opened, closers = i, QUOTE_PAIRS[ch]
        i += 1
    return found


def continued_quote(text: str, quotes: Sequence[Range], after: int, gap: str = " ") -> int | None:
    """The end of a quotation that opens right after ``after`` (only characters of ``gap``
    between, at most two, same paragraph): the second half of ``“X,” she said. “Y.”``. A
    quotation that closes on a comma (``“Y,” he added``) has a cue of its own after it and
    continues nothing (PolNeAR train sample, 200 articles: content F1 0.514 -> 0.525; dev 0.491 ->
    0.498)."""
    for q_start, q_end in quotes:
        if q_start >= after:
            between = text[after:q_start]
            if len(between) > 2 or not all(ch in gap for ch in between):
                return None
            return None if closes_on_comma(text, (q_start, q_end)) else q_end
    return None


# What may lie between a cue and the quotation that continues its content in the next sentence:
# the rest of the cue's sentence, then its end and at most two spaces (same paragraph).
_NEXT_SENTENCE_GAP = re.compile(r"[^\n“”\"]{0,200}[.!?]['’”\"]?[ \u00a0]{0,2}")


def next_sentence_quote(text: str, quotes: Sequence[Range], after: int) -> int | None:
    """The end of the quotation that opens the sentence after the one ending past ``after`` (the
    cue's), in the same paragraph, unless it closes on a comma: ``“X,” he said, referring to Y.
    “Z.”`` (typewriter quotes too: ``''X,'' he said. ''Z.''``). PolNeAR train sample: content F1
    0.540 -> 0.556; dev 0.510 -> 0.519."""
    quote = next((q for q in quotes if q[0] >= after), None)
    if quote is None or "''" in text[after : quote[0]]:
        return None
    if _NEXT_SENTENCE_GAP.fullmatch(text, after, quote[0]) is None or closes_on_comma(text, quote):
        return None
    return quote[1]


def closes_on_comma(text: str, quote: Range) -> bool:
    """Whether a quotation's last character before its closing mark(s) is a comma (``“X,”``)."""
    j = quote[1]
    while j > quote[0] and text[j - 1] in CLOSE_QUOTES + "'":
        j -= 1
    return j > quote[0] and text[j - 1] == ","


def close_open_quote(text: str, content: Range) -> Range:
    """``content`` grown to balance its quotation marks and brackets: over a closing mark (and the
    punctuation before it) when it opens a quotation it does not close (``as “true,”``, ``is
    ''not just the Americans.''``), over an opening mark right before it when it closes one it did
    not open, over a ``)`` closing a ``(`` it holds (``Sen. Marco Rubio (R-Fla.)``). PolNeAR
    marks the whole quotation (typewriter quotes and brackets: train sample content F1 0.557 ->
    0.564; dev 0.519 -> 0.523)."""
    start, end = content
    piece = text[start:end]
    doubled = piece.count("''") % 2 == 1
    opened_before = doubled and piece.endswith("''") and not piece.startswith("''")
    if piece.count("“") > piece.count("”") or piece.count('"') % 2 == 1 or (doubled and not opened_before):
        j = end
        while j < len(text) and j - end <= 2 and text[j] in ".,!?;:":
            j += 1
        closer = "''" if doubled else None
        if closer and text.startswith(closer, j):
            return start, j + 2
        if j < len(text) and text[j] in '”"':
            return start, j + 1
    if piece.count("”") > piece.count("“") or opened_before:
        i = start
        while i > 0 and text[i - 1] == " " and start - i < 1:
            i -= 1
        mark = "''" if doubled else "“"
        if text[:i].endswith(mark):
            return i - len(mark), end
    if piece.count("(") > piece.count(")") and text[end : end + 1] == ")":
        return start, end + 1
    return content


def _ends_sentence(text: str, quote: Range) -> bool:
    """Whether a quotation closes on a full stop (``“X.”``), ending its sentence (``“X,”`` does not)."""
    return quote[1] >= 2 and text[quote[1] - 2] == "."


def with_lead_in(text: str, sentence_start: int, quote: Range) -> Range:
    """A quotation before its cue that its sentence leads into (``But the benefit of free trade is
    “10 times the size of the losses,” he said``): the content starts where the sentence does, as
    PolNeAR marks a mixed quotation; a quotation that opens its sentence, follows a colon or another
    quotation is kept as it is (PolNeAR train sample: content F1 0.525 -> 0.529; dev 0.498 ->
    0.501)."""
    if sentence_start >= quote[0]:
        return quote
    lead = text[sentence_start : quote[0]]
    if not lead.strip() or lead.rstrip().endswith(":") or any(q in lead for q in OPEN_QUOTES + CLOSE_QUOTES):
        return quote
    start = _strip_edges(text, sentence_start, quote[1])
    return (start[0], quote[1]) if start is not None else quote


def _gap_ok(text: str, start: int, end: int) -> bool:
    return end - start <= 3 and all(ch in " ,:;\u00a0" for ch in text[start:end])


def quote_for(text: str, quotes: Sequence[Range], clause: Range) -> Range | None:
    """A quotation right before ``clause`` (``“...,” she said``) or right after it (``she said: “...``)."""
    for q_start, q_end in quotes:
        if q_end <= clause[0] and _gap_ok(text, q_end, clause[0]):
            return q_start, q_end
        if q_start >= clause[1] and _gap_ok(text, clause[1], q_start):
            return q_start, q_end
    return None


def interrupts(head: Token) -> bool:
    """Whether the cue's clause sits inside the content's: *according to X*, *X, he said, Y*
    (parataxis), *as the Telegraph revealed, X* (an ``as`` clause)."""
    if head.head.i == head.i:
        return False
    if head.lower_ == "according" or head.dep_ == "parataxis":
        return True
    return head.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in head.children)


SENTENCE_ENDS = frozenset(".!?")


def ended_before(child: Token, verb: Token) -> bool:
    """Whether ``child`` comes before ``verb`` with a full stop between them: a sentence the parser
    ran into the next one ("The measure passed 7-2. Lopez said the plant would open" parsed as
    one, "passed" a ``ccomp`` of "said"), so it is not what ``verb`` reports."""
    last = max(t.i for t in child.subtree)
    return last < verb.i and any(t.text in SENTENCE_ENDS for t in verb.doc[last + 1 : verb.i])


def content_of(
    head: Token, cue: Sequence[Token], extend: dict[str, float] | None = None
) -> tuple[Range | None, str]:
    """The content range of a cue and the rule that found it (``"ccomp"``, ``"parent"``, ...).

    A content found as one dependent of the verb grows over the verb's later dependents whose
    learnt rate in ``extend`` (see :func:`extension_keys`) is above one half (*accused X* **of
    Y**, *called X* **a champion**)."""
    verb = verb_for_content(head, cue)
    inside = {t.i for t in cue}
    agent = any(child.dep_ == "agent" for child in head.children)
    for child in verb.children:
        if child.dep_ == "ccomp" and child.i not in inside and not ended_before(child, verb):
            return _extended(verb, child, inside, extend), "ccomp"
    if agent:
        for child in head.children:
            if child.dep_ == "nsubjpass":
                return subtree_range(child), "passive"
    if interrupts(head):
        return subtree_range(head.head, exclude=[t.i for t in head.subtree]), "parent"
    deps = (
        ("dobj", "xcomp", "attr", "oprd", "acl")
        if head.pos_ in ("NOUN", "PROPN")
        else ("dobj", "xcomp", "attr", "oprd")
    )
    for dep in deps:
        for child in verb.children:
            if child.dep_ == dep and child.i not in inside and child.i > verb.i:
                return _extended(verb, child, inside, extend), dep
    for child in verb.children:
        if child.dep_ in ("prep", "prt") and child.i in inside:
            # the preposition belongs to the cue ("called for", "accused ... of"): its object is the content
            for pobj in child.children:
                if pobj.dep_ in ("pobj", "pcomp") and pobj.i not in inside:
                    return subtree_range(pobj), "cue-prep"
    for child in verb.children:
        if child.dep_ == "prep" and child.i not in inside and child.i > verb.i:
            for pobj in child.children:
                if pobj.dep_ in ("pobj", "pcomp"):
                    return _extended(verb, pobj, inside, extend, first=child), "prep"
    return _of_cue_word(verb, cue, inside)


def _of_cue_word(verb: Token, cue: Sequence[Token], inside: set[int]) -> tuple[Range | None, str]:
    """The content hanging from another word of the cue than its verb ("was critical **of X**",
    "is confident **that X**"): its clausal complement, or the object of its preposition. Shipped
    model: PolNeAR dev exact-match cue F1 0.6770 -> 0.6774, content 0.5291 -> 0.5295; 200 train
    articles content 0.5689 -> 0.5691."""
    for tok in cue:
        if tok.i == verb.i or tok.i < verb.i:
            continue
        for child in tok.children:
            if child.i in inside and child.dep_ == "prep":
                for pobj in child.children:
                    if pobj.dep_ in ("pobj", "pcomp") and pobj.i not in inside:
                        return subtree_range(pobj), "cue-word"
            elif child.i not in inside and child.i > tok.i and child.dep_ in ("ccomp", "xcomp"):
                return subtree_range(child), "cue-word"
    return None, "none"


def extension_keys(verb: Token, child: Token) -> tuple[str, ...]:
    """Keys of the content extension rates, most specific first (``accuse>prep:of``, ``prep:of``,
    ``prep``)."""
    return (f"{verb.lemma_.lower()}>{child.dep_}:{child.lower_}", f"{child.dep_}:{child.lower_}", child.dep_)


def later_dependents(verb: Token, anchor: Token, inside: set[int]) -> list[Token]:
    """The verb's dependents after ``anchor``'s subtree, in order (not in the cue)."""
    last = max(t.i for t in anchor.subtree)
    return [c for c in verb.children if c.i > last and c.i not in inside]


def _extended(
    verb: Token,
    anchor: Token,
    inside: set[int],
    extend: dict[str, float] | None,
    first: Token | None = None,
) -> Range | None:
    tokens = list((first or anchor).subtree) if first is not None else list(anchor.subtree)
    if extend:
        for child in later_dependents(verb, anchor, inside):
            rate = next((extend[k] for k in extension_keys(verb, child) if k in extend), 0.0)
            if rate <= 0.5:
                break
            tokens += list(child.subtree)
    if first is not None:
        tokens = [t for t in tokens if t.i != first.i]
    toks = trimmed(tokens)
    return token_range(toks) if toks else None


def _strip_edges(text: str, start: int, end: int) -> Range | None:
    while start < end and (text[start] in _EDGE_PUNCT or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in _EDGE_PUNCT or text[end - 1].isspace()):
        end -= 1
    return (start, end) if end > start else None


def with_fronted_part(text: str, sentence_start: int, clause: Range, content: Range) -> Range:
    """``X, he said, Y``: the content found after the interrupting source and cue (``Y``) also
    covers what the sentence says before them (``X``), as PolNeAR marks a split content (one range
    over both, the source and cue inside it); other contents are returned as they are. On PolNeAR
    dev exact-match content F1 0.4852 -> 0.4909 (250 train articles: 0.5090 -> 0.5134)."""
    low, high = clause
    if content[0] < high or text[high : content[0]].strip() != ",":
        return content
    if not text[sentence_start:low].rstrip().endswith(","):
        return content
    fronted = _strip_edges(text, sentence_start, low)
    return (fronted[0], content[1]) if fronted is not None else content


def outside_parts(text: str, content: Range | None, parts: Sequence[Range | None]) -> Range | None:
    """``content`` cut so that it overlaps none of ``parts`` (the cue and the source): when it does,
    the longer of its pieces before and after the stretch the parts cover, edge punctuation
    trimmed ("X, officials" of "X, officials said" becomes "X"); ``None`` when nothing is left."""
    spans = [p for p in parts if p is not None]
    if content is None or not any(p[0] < content[1] and content[0] < p[1] for p in spans):
        return content
    low, high = min(p[0] for p in spans), max(p[1] for p in spans)
    pieces = [
        r
        for r in (
            _strip_edges(text, content[0], min(low, content[1])),
            _strip_edges(text, max(high, content[0]), content[1]),
        )
        if r is not None
    ]
    return max(pieces, key=lambda r: r[1] - r[0]) if pieces else None


def closed_source(text: str, source: Range | None) -> Range | None:
    """``source`` with the comma that closes its parenthetical pair (``Chris Brownell, an audience
    member, said``) and the ``)`` that closes a ``(`` it holds (``Gov. Pat McCrory (R)``), as
    PolNeAR marks them (train sample: source F1 0.679 -> 0.719, the bracket alone 0.683; dev 0.685
    -> 0.724, the bracket alone 0.695)."""
    if source is None:
        return None
    start, end = source
    piece = text[start:end]
    closes = text[end : end + 1]
    if (closes == ")" and piece.count("(") > piece.count(")")) or (closes == "," and "," in piece):
        end += 1
    return start, end


RELATIVE_TAGS = frozenset({"WDT", "WP"})


def interrupted(head: Token, clause: Range) -> Range | None:
    """The whole clause a cue interrupts when it goes on on both sides of the source and cue
    ("states are called alphabetically, he noted, so it may already be clear ...", "His
    criticism, according to an interview, was ..."): PolNeAR marks it whole, or ``None``. Only
    where a conjunction follows them ("..., he said, and ..."; with "according to" too, or any
    such clause, train and dev went down): shipped model, content F1 200 train articles 0.5686 ->
    0.5689, dev 0.5279 -> 0.5291."""
    whole = subtree_range(head.head)
    if whole is None or not (whole[0] < clause[0] and clause[1] < whole[1]):
        return None
    after = doc_text(head.doc)[clause[1] : clause[1] + 6].lower()
    return whole if re.match(r",? (and|but|so|or) ", after) else None


def relative_around(doc: Any, content: Range, clause: Range) -> bool:
    """Whether ``content`` opens with a relative pronoun before the source and cue and goes on
    after them ("which the campaign says includes 2.7 million contributors"): PolNeAR marks it
    whole, the source and cue inside it (PolNeAR content F1, shipped model: 200 train articles
    0.567 -> 0.569, dev 0.526 -> 0.528)."""
    if not (content[0] < clause[0] and clause[1] < content[1]):
        return False
    first = next((t for t in doc if t.idx >= content[0]), None)
    return first is not None and first.idx == content[0] and first.tag_ in RELATIVE_TAGS


def attribution_at(
    head: Token, include: dict[str, float], quotes: Sequence[Range], extend: dict[str, float] | None = None
) -> Found:
    """The attribution whose cue head is ``head`` (its parts may be missing)."""
    cue = cue_tokens(head, include)
    text = doc_text(head.doc)
    cue_range = token_range(cue)
    source = closed_source(text, source_of(head, cue))
    clause = cue_range if source is None else (min(cue_range[0], source[0]), max(cue_range[1], source[1]))
    quote = quote_for(text, quotes, clause)
    if quote is not None and quote[1] <= clause[0]:
        # “X.” He said Y: a quotation that ends its sentence is not the content of a cue that has one
        # of its own after it (the quotation's speaker is named before it); nor is any quotation
        # before a cue whose complement or object follows it ("“eminent domain!” A TV ad accuses
        # Trump of ..."; PolNeAR train sample: content F1 0.529 -> 0.534, dev 0.501 -> 0.507).
        own, rule = content_of(head, cue, extend)
        if own is not None and own[0] >= clause[1] and (_ends_sentence(text, quote) or rule in OWN_CONTENT):
            quote = None
    if quote is not None:
        if quote[1] <= clause[0]:
            quote = with_lead_in(text, head.sent.start_char, quote)
            # “X,” she said, “Y.” and “X,” she said. “Y.”: the content runs to the end of Y.
            more = continued_quote(text, quotes, clause[1], gap=" ,")
            if more is None:
                sentence_end = head.sent.end_char
                tail = text[clause[1] : sentence_end]
                if "“" not in tail and '"' not in tail:
                    more = continued_quote(text, quotes, sentence_end)
            if more is None:
                more = next_sentence_quote(text, quotes, clause[1])
            if more is not None:
                quote = (quote[0], more)
        return Found(head.i, cue_range, source, quote, "direct", "quote")
    content, rule = content_of(head, cue, extend)
    around = interrupted(head, clause) if rule == "parent" else None
    if around is not None:
        content = around
    elif content is not None and not relative_around(head.doc, content, clause):
        content = outside_parts(text, close_open_quote(text, content), (cue_range, source))
    if content is not None:
        content = with_fronted_part(text, head.sent.start_char, clause, content)
    subject = unsaid_subject(head)
    if subject is not None:
        # "Two marches are planned", "Sanders appears to have a slight lead": no source, and the
        # subject is part of what is attributed (the content's range runs over the cue)
        subject_range = subtree_range(subject)
        if subject_range is not None and (content is None or content == subject_range):
            source, content = None, subject_range
        elif subject_range is not None and content is not None and content[0] >= cue_range[1]:
            source, content = None, (subject_range[0], content[1])
    kind = "direct" if content and text[content[0]] in OPEN_QUOTES else "indirect"
    return Found(head.i, cue_range, source, content, kind, rule)


# Content rules whose content, after the cue, wins over a quotation before it.
OWN_CONTENT = frozenset({"ccomp", "dobj", "xcomp"})
# Verbs whose subject is not who speaks but part of what is reported ("X appears to Y").
RAISING = frozenset({"appear"})


def unsaid_subject(head: Token) -> Token | None:
    """The subject of a cue that reports it rather than names who speaks, or ``None``: that of an
    agentless passive ("Two marches along routes the city has not authorized are planned") or of
    a raising verb (:data:`RAISING`: "Sanders appears to have a slight lead"), before the cue.
    PolNeAR marks such a subject inside the content and no source (300 train articles: 105 of 162
    agentless passive cues with a subject, appear 26 of 35); as the source, as before, it is wrong
    (PolNeAR train sample: content F1 0.534 -> 0.539, source 0.675 -> 0.679; dev content 0.507
    -> 0.509, source 0.682 -> 0.685)."""
    deps = {child.dep_ for child in head.children}
    passive = "auxpass" in deps and "agent" not in deps
    if not (passive or (head.lemma_.lower() in RAISING and "nsubj" in deps)):
        return None
    subject = next((c for c in head.children if c.dep_ in SUBJECTS), None)
    return subject if subject is not None and subject.i < head.i else None


# Verbs PolNeAR marks as cues (it counts beliefs, wishes and votes as attributions: "knows",
# "seems", "want", "voted") that report no one saying anything, so the data cannot teach that they
# are no quotes. On PolNeAR dev the shipped model keeps 26 of them, 17 gold (know 1/4, want 6/7,
# vote 2/4, seem 8/11), and 9 agentless passives with an open complement, 4 gold; leaving both
# out moves exact-match F1 source +0.0015, cue -0.0037, content +0.0025 there.
NOT_SPEECH = frozenset({"know", "seem", "want", "vote"})


# Verbs that report speech only with an object that is something said ("raised concerns", "raised
# the question"), not otherwise ("the central bank raised rates"). On PolNeAR dev leaving the other
# uses of "raise" out changes no figure; the QA's "The European Central Bank | raised" goes.
SPEECH_ONLY_WITH = {
    "raise": frozenset(
        {"concern", "question", "doubt", "issue", "objection", "possibility", "alarm", "point", "prospect"}
    ),
}


def reports_speech(head: Token) -> bool:
    """Whether a candidate cue head can report speech: not a :data:`NOT_SPEECH` verb, and not a
    passive without an agent whose subject is asked or told to do something ("Hollis had been
    asked to accept"): its subject is who is addressed, not who speaks."""
    lemma = head.lemma_.lower()
    if lemma in NOT_SPEECH:
        return False
    if lemma in SPEECH_ONLY_WITH and not any(
        child.dep_ in ("dobj", "nsubjpass") and child.lemma_.lower() in SPEECH_ONLY_WITH[lemma]
        for child in head.children
    ):
        return False
    deps = {child.dep_ for child in head.children}
    return not ("auxpass" in deps and "agent" not in deps and "xcomp" in deps)


def candidate_heads(doc: Any, lexicon: frozenset[str]) -> list[Token]:
    """Tokens that may head a cue: a content part of speech and a lemma the training data saw heading
    cues."""
    return [t for t in doc if t.pos_ in CANDIDATE_POS and t.lemma_.lower() in lexicon]
