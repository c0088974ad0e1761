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

Quotations (finding them, continuing them, balancing their marks) are in
:mod:`unspun.whosays.quotation`; which cues report speech, and which subjects are no speakers, in
:mod:`unspun.whosays.speech`; where a source or content ends as PolNeAR draws it, in
:mod:`unspun.whosays.boundary`; the cue's words around its head, in :mod:`unspun.whosays.cue`. Every range is a pair of offsets into the parsed text
(``doc.text``), end exclusive.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from unspun.whosays.boundary import (
    DATELINE,
    EDGE_PUNCT,
    NEXT_STATEMENT_LEMMAS,
    before_next_statement,
    closed_source,
    outside_parts,
    with_fronted_part,
    without_dateline,
)
from unspun.whosays.cue import cue_tokens, reported_clause
from unspun.whosays.parsing import doc_text
from unspun.whosays.quotation import (
    OPEN_QUOTES,
    close_open_quote,
    continued_quote,
    ends_sentence,
    next_sentence_quote,
    quote_for,
    whole_quotation,
    with_lead_in,
)
from unspun.whosays.speech import SAYING, SUBJECTS, unsaid_subject

Range = tuple[int, int]
Token = Any  # spacy.tokens.Token
CANDIDATE_POS = frozenset({"VERB", "NOUN", "AUX", "ADP", "ADJ", "PROPN"})
EXTENDABLE = frozenset({"ccomp", "dobj", "xcomp", "attr", "oprd", "acl", "prep"})


@dataclass(frozen=True, slots=True)
class Found:
    """One attribution found in a parse: its cue head's index and the three ranges."""

    head: int
    cue: Range
    source: Range | None
    content: Range | None
    kind: str  # "direct" (a quotation) or "indirect"
    content_rule: str
    # Stretches of the source that describe who speaks rather than name them (source_asides).
    source_asides: tuple[Range, ...] = ()


def token_range(tokens: Sequence[Token]) -> Range:
    """The character range from the first token's start to the last token's end."""
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def first_token_from(doc: Any, start: int) -> int:
    """The index of the first token of ``doc`` that starts at or after character ``start``
    (``len(doc)`` when none does): a binary search over the tokens' starts, which rise with their
    index, where a scan of the whole parse for each candidate cue made the attribution rules
    quadratic in a chunk's length (three quarters of the component's time on PTC articles)."""
    return bisect.bisect_left(doc, start, key=lambda token: token.idx)


def tokens_within(doc: Any, start: int, end: int) -> list[Token]:
    """The tokens of ``doc`` wholly inside the characters ``[start, end)``, in order (the same as
    ``[t for t in doc if start <= t.idx and t.idx + len(t) <= end]``): spaCy's ``char_span`` with
    the span contracted to whole tokens, where a scan of the whole parse for each candidate cue made
    the attribution rules quadratic in a chunk's length."""
    start, end = max(start, 0), min(end, len(doc_text(doc)))
    span = doc.char_span(start, end, alignment_mode="contract") if start < end else None
    return list(span) if span is not None else []


def trimmed(tokens: Sequence[Token]) -> list[Token]:
    """``tokens`` in order without leading and trailing punctuation (quotes are kept), nor a
    conjunction left at the end ("the members will still meet for drinks and speakers, but": no
    PolNeAR train content or source ends on "and", "but" or "or")."""
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and (toks[0].text in EDGE_PUNCT or toks[0].is_space):
        toks.pop(0)
    while toks and (toks[-1].text in EDGE_PUNCT or toks[-1].is_space or _dangling(toks[-1])):
        toks.pop()
    return toks


def _dangling(token: Token) -> bool:
    """Whether ``token`` is a coordinating "and", "but", "or" or "nor" (not "so" or "yet", which
    end PolNeAR contents as adverbs: "do so", "not yet")."""
    return token.dep_ == "cc" and token.lower_ in ("and", "but", "or", "nor")


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


# Dependents in a source that say something about who speaks rather than name them: a
# participle or relative clause, on the source's head or lower in it ("Economists polled by
# Reuters", "a doctor who spoke to the BBC", "a caller to the show who says he knew Paddock"),
# an adjective phrase after the head ("sources close to the White House").
ASIDE_DEPS = frozenset({"acl", "relcl"})
# Prepositions after a noun in a source that name whom the speaker serves or speaks to, not for:
# "a caller to the Michael Savage radio show", "an adviser to President Obama".
ASIDE_PREPOSITIONS = frozenset({"to"})


def source_asides(doc: Any, source: Range | None) -> tuple[Range, ...]:
    """The ranges inside ``source`` that describe who speaks rather than name them (see
    :data:`ASIDE_DEPS`, :data:`ASIDE_PREPOSITIONS`); an entity named only there is not the
    source's (a pollster, a publisher, the one spoken to). A "for", "of" or "at" phrase is no
    aside: "a spokesman for the King's Fund" speaks for it."""
    if source is None:
        return ()
    tokens = tokens_within(doc, source[0], source[1])
    inside = {t.i for t in tokens}
    asides: list[Range] = []
    for root in (t for t in tokens if t.head.i not in inside or t.head.i == t.i):
        for child in root.children:
            after = child.dep_ == "amod" and child.i > root.i and len(list(child.subtree)) > 1
            if child.i in inside and after:
                asides.append(_subtree_span(child))
    for token in tokens:
        if token.head.i not in inside or token.head.i == token.i:
            continue
        to = token.dep_ == "prep" and token.lower_ in ASIDE_PREPOSITIONS and token.head.pos_ == "NOUN"
        if token.dep_ in ASIDE_DEPS or (to and token.i > token.head.i):
            asides.append(_subtree_span(token))
    return tuple(asides)


def _subtree_span(token: Token) -> Range:
    """The characters from the first to the last token of ``token``'s subtree."""
    return token_range([token.left_edge, token.right_edge])


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
    pobj = prepositional_object(head)
    if pobj is not None:
        return source_range(pobj)  # "In a Fox News poll, X", "To them, X"
    inside = {t.i for t in cue}
    # A verb with an active subject has no agent: the parser's "agent" there is a by-phrase of
    # means ("the Senate passed the bill by a vote of 51 to 49").
    active = any(child.dep_ == "nsubj" for child in head.children)
    for child in head.children:
        if child.dep_ == "agent" and not active:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return source_range(pobj)
    for tok in (head, verb_for_content(head, cue)):
        subjects = [child for child in tok.children if child.dep_ in SUBJECTS and child.i not in inside]
        if len(subjects) > 1 and opens_dateline(subjects[0]):
            subjects = subjects[1:]
        if subjects:
            return source_range(subjects[0])
    for child in head.children:
        # "according to X", "by X"; the object of another preposition in the cue is what is
        # said ("criticism of X"), not who says it (with the refit: PolNeAR dev cue F1 0.675 ->
        # 0.677, content 0.523 -> 0.526, together with cue.PHRASES)
        if child.dep_ in ("prep", "agent") and child.lower_ in ("to", "by"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return source_range(pobj)
        if child.dep_ == "poss":
            toks = [t for t in child.subtree if t.dep_ != "case"]
            toks = trimmed(toks)
            return token_range(toks) if toks else None
    speaker = speakers_act(head)
    if speaker is not None:  # 'Cho said the city "had no choice" and called the project ...': Cho
        return source_of(speaker, cue_tokens(speaker, {}))
    inverted = inverted_subject(head, inside)
    if inverted is not None:  # '"...," said Pritchard, visibly shaken.'
        return source_range(inverted)
    clause = clause_before(head)
    if clause is not None:  # 'A said ..., while B questioned ..., noting that ...': B
        return source_of(clause, cue_tokens(clause, {}))
    named = apposition_before(head)
    if named is not None:  # "Its chair, David Okafor, called ..."
        return named
    if head.dep_ in ("xcomp", "conj", "advcl") and head.head.i != head.i:
        for child in head.head.children:
            if child.dep_ in SUBJECTS:
                return source_range(child)
    if head.dep_ == "acl" and head.head.pos_ in ("PROPN", "NOUN", "PRON"):
        return None
    return None


def inverted_subject(head: Token, inside: set[int]) -> Token | None:
    """The speaker named right after a cue that follows a quotation, where the parser made it the
    subject of the words describing them ('"...," said Pritchard, visibly shaken': "Pritchard"
    the subject of "shaken", a clause of "said", which had no source; QA s48), or ``None``. Only
    a subject closed by a comma, of a clause with no auxiliary or copula ("clearly moved", often
    tagged a past tense), so 'said the report was wrong' keeps "the report" in what was said."""
    if any(child.dep_ in SUBJECTS for child in head.children) or not inside:
        return None
    doc = head.doc
    before = doc_text(doc)[: min(doc[i].idx for i in inside)].rstrip()
    if not before.endswith(('"', "”", "’", "»")):
        return None
    after = max(inside) + 1
    if after >= len(doc):
        return None
    subject = doc[after]
    while subject.dep_ not in SUBJECTS and subject.head.i > subject.i:  # "Nadia" of "Nadia Petrov"
        subject = subject.head
    if subject.pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    clause = subject.head
    ends = (
        max((t.i for t in subject.subtree if not t.is_punct), default=subject.i) + 1
    )  # its comma may hang from it
    return (
        subject
        if subject.dep_ in SUBJECTS
        and subject.left_edge.i == after
        and clause.head.i == head.i
        and clause.i > subject.i
        and clause.pos_ != "AUX"
        and not any(c.dep_ in ("aux", "auxpass") for c in clause.children)
        and ends < len(doc)
        and doc[ends].text == ","
        else None
    )


def clause_before(head: Token) -> Token | None:
    """The verb of speech of the clause a participle after a comma goes on from, where the parser
    hung the participle from the sentence's first verb ("Anne Doyle said she was relieved, while
    Martin Osei questioned whether ..., noting that ...": Osei notes, not Doyle; QA s48), or
    ``None``: a clause of its parent's between them, with a subject of its own, a verb of saying
    (:data:`~unspun.whosays.speech.SAYING`) and its last word right before the comma, hung
    from the parent or lower ("while Osei questioned" may hang from the clause "she was
    relieved"). What a verb reports (``ccomp``) is no such clause."""
    if head.tag_ != "VBG" or head.dep_ != "advcl" or head.i < 2 or head.doc[head.i - 1].text != ",":
        return None
    parent = head.head
    for child in parent.doc[parent.i + 1 : head.i]:
        if (
            child.head.i != child.i
            and child.dep_ in ("advcl", "conj")
            and child.right_edge.i == head.i - 2
            and child.lemma_.lower() in SAYING
            and any(c.dep_ in SUBJECTS for c in child.children)
        ):
            return child
    return None


def apposition_before(head: Token) -> Range | None:
    """The source of a finite verb the parser made a clause of the sentence's subject, the noun
    then the root ("Its chair, David Okafor, called the mayor's position ...": "called" an ``acl``
    of "chair", which left it without a source; QA s48): the noun's words before the verb, or
    ``None``."""
    noun = head.head
    if (
        head.dep_ != "acl"
        or head.tag_ not in FINITE
        or noun.dep_ != "ROOT"
        or noun.pos_ not in ("NOUN", "PROPN")
    ):
        return None
    if any(child.dep_ in SUBJECTS for child in head.children) or head.doc[head.i - 1].text != ",":
        return None
    return subtree_range(noun, exclude=[t.i for t in head.subtree])


def source_range(token: Token) -> Range | None:
    """:func:`subtree_range` of a source's head without a time phrase that ends it: a preposition
    whose object is a date or time (:func:`tells_when`, "The mayor on Monday branded ...") or a
    date or time noun ("The minister Tuesday said") that the parser hung from the head, not from
    the verb, tells when the speaker spoke, not who speaks."""
    whole = subtree_range(token)
    if whole is None:
        return None
    when = [
        child
        for child in token.children
        if child.i > token.i
        and (
            (child.dep_ == "prep" and tells_when(child))
            or (child.dep_ == "npadvmod" and child.ent_type_ in ("DATE", "TIME"))
        )
    ]
    for child in when:
        if child.idx < whole[1] <= child.right_edge.idx + len(child.right_edge.text):  # it ends the source
            return subtree_range(token, exclude=(t.i for t in child.subtree)) or whole
    return whole


def opens_dateline(token: Token) -> bool:
    """Whether ``token`` is the place of a news dateline opening its paragraph ("DAYTON, OH —
    Describing the effort as ..., local accountant Greg Pulaski confirmed"): the parse makes it
    a subject of the main verb beside the real one, which it hid (the source read "Describing
    the effort as ..." once the dateline was cut). A dateline subject holding the only subject
    ("WASHINGTON -- President Obama, ..., said") stays, cut by :func:`closed_source`."""
    text = doc_text(token.doc)
    if token.idx != 0 and text[token.idx - 1] != "\n":
        return False
    dateline = DATELINE.match(text, token.idx)
    return dateline is not None and token.idx + len(token.text) <= dateline.end()


def prepositional_object(head: Token) -> Token | None:
    """The object of a preposition that is itself the cue head, or ``None``: PolNeAR marks "In a
    new Fox News poll, Trump achieved 45 percent" with the cue "In", the poll as the source and
    the clause as the content (as "according to"); which prepositions are cues is the
    classifier's to say (it reads the object's lemma, :mod:`unspun.whosays.attribution_model`).
    With the object's lemma as a feature and a refit (c = 0.3, nested 0.7): 200 held-out train
    articles (fit on the other 640) cue F1 0.6474 -> 0.6495, PolNeAR dev 0.6798 -> 0.6828."""
    if head.pos_ != "ADP" or head.dep_ != "prep":
        return None
    return next((child for child in head.children if child.dep_ == "pobj"), None)


def interrupts(head: Token) -> bool:
    """Whether the cue's clause sits inside the content's: *according to X*, *X, he said, Y*
    (parataxis), *as the Telegraph revealed, X* (an ``as`` clause), *in a poll, X* (a preposition
    as the cue, :func:`prepositional_object`)."""
    if head.head.i == head.i:
        return False
    if head.lower_ == "according" or head.dep_ == "parataxis" or prepositional_object(head) is not None:
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
            acts = [
                t.i
                for c in child.children
                if act_of(c) == verb.i or reported_aside(c, child)
                for t in c.subtree
            ]
            if acts:  # 'said the city "had no choice" and called ...': what was said ends there
                return subtree_range(child, exclude=acts), "ccomp"
            return _extended(verb, child, inside, extend), "ccomp"
    stray = stray_complement(verb, inside)
    if stray is not None:
        return subtree_range(stray), "ccomp"
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
        if child.dep_ == "prep" and child.i not in inside and child.i > verb.i and not tells_when(child):
            for pobj in child.children:
                if pobj.dep_ in ("pobj", "pcomp"):
                    return _extended(verb, pobj, inside, extend, first=child), "prep"
    return _of_cue_word(verb, cue, inside)


def tells_when(prep: Token) -> bool:
    """Whether a preposition's object is a date or time ("responded on Sunday to accusations
    that ...", "spoke at 9 a.m. about ..."): when something was said, never what."""
    return any(c.dep_ == "pobj" and c.ent_type_ in ("DATE", "TIME") for c in prep.children)


def stray_complement(verb: Token, inside: set[int]) -> Token | None:
    """The verb's that-clause that the parser hung from the object of a phrase between them as a
    relative clause, or ``None``: in "Reed claimed in a televised debate that the economy had
    grown" the clause is parsed as a ``relcl`` of "debate", the content then read "a televised
    debate that the economy ...". A relative clause opened by "that" as a conjunction (``mark``)
    and with a subject of its own is no relative clause (it has no gap for "that" to fill), so it
    is the complement of the verb before the phrase, as PolNeAR marks it ("claimed in an
    interview with Breitbart News | that he's not backing any particular candidate"). A noun's own
    complement ("responded to accusations that he exaggerated", parsed ``acl``) stays the noun's,
    except after "in", which names where something was said, not what ("said in a statement that
    the council held four meetings", parsed ``acl`` of "statement": the verb's; see
    :func:`unspun.whosays.cue.reported_clause`). So is an indirect question the parser made an
    adverbial clause of the verb (:func:`_asks`: "asked Trump on Wednesday | if the project was
    still in his plans")."""
    for child in verb.children:
        if child.dep_ == "advcl" and child.i > verb.i and child.i not in inside and _asks(child):
            return child
        if child.dep_ != "prep" or child.i < verb.i:
            continue
        for token in child.subtree:
            if token.i not in inside and reported_clause(child, token):
                return token
    return None


def _asks(clause: Token) -> bool:
    """Whether a clause is an indirect question ("whether the deal was dead", "if he would endorse
    Trump", with a subject of its own), which the parser sometimes hangs from a cue as an adverbial
    clause ("asked in May if he would endorse Trump")."""
    opener = clause.left_edge
    return (
        opener.dep_ == "mark"
        and opener.lower_ in ("if", "whether")
        and any(c.dep_ in SUBJECTS for c in clause.children)
    )


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
    """The verb's dependents after ``anchor``'s subtree, in order (not in the cue), up to a verb
    joined to it without a subject of its own: that is the source's next act, not what it said
    ("said the members would meet, but declined to say where"; "said he was not ready, and
    suggested that ...", where PolNeAR's content stops before "and")."""
    last = max(t.i for t in anchor.subtree)
    out: list[Token] = []
    for child in verb.children:
        if child.i <= last or child.i in inside:
            continue
        if _next_act(verb, child):
            break
        out.append(child)
    return out


FINITE = frozenset({"VBD", "VBZ", "VBP"})


def _next_act(verb: Token, child: Token) -> bool:
    """Whether ``child`` is a verb joined to ``verb``, finite or in the same form, and without a
    subject of its own: the source's next act ("said ..., and suggested that", "blamed the
    incident on hackers but later fessed up", "has disputed both critiques, but says that"), not
    a clause of what was said that the parser hung from the cue ("announced that Clinton was
    careless and in the normal course ... would face": "face" follows a modal; "admits X is ...,
    but is a person he can admire": a copula)."""
    return (
        child.dep_ == "conj"
        and child.pos_ == "VERB"
        and (child.tag_ == verb.tag_ or child.tag_ in FINITE)
        and not any(c.dep_ in (*SUBJECTS, "expl", "csubj") for c in child.children)
    )


def speakers_act(token: Token) -> Token | None:
    """The cue verb whose source ``token`` is the next act of, where the parser hung it from the
    clause reported: 'Cho said the city "had no choice" and called the project "a ... investment"'
    parses "called" as a conjunct of "had", which made the content run on over it and the city
    the source of "called". Only after a quotation closes before the conjunction (what was said
    ends at its mark) and for a verb the source's next act could be (:func:`_next_act`); also a
    participle of speech after a comma that the parser hung from the clause reported
    (:func:`next_statement`: "said the government would not intervene, adding that ..."); the
    verb or ``None``."""
    clause = token.head
    if clause.dep_ != "ccomp" or clause.head.i == clause.i:
        return None
    verb = clause.head
    if token.dep_ == "advcl":
        return verb if next_statement(token) else None
    if token.dep_ != "conj":
        return None
    if not _next_act(verb, token):
        return None
    before = token.i - 1
    while before > clause.i and (token.doc[before].dep_ == "cc" or token.doc[before].text == ","):
        before -= 1
    mark = token.doc[before]
    closes = mark.text in CLOSING_MARKS and before > 0 and not token.doc[before - 1].whitespace_
    return verb if closes and before > clause.i else None


CLOSING_MARKS = frozenset({'"', "”", "’", "»"})


def next_statement(token: Token) -> bool:
    """Whether ``token`` is a participle of speech (:data:`~unspun.whosays.boundary.NEXT_STATEMENT_LEMMAS`) after a comma, without a subject of its own
    ("said the government would not intervene, adding that ..."): the source's next statement,
    though the parser hung it from the clause reported (which made the content run on over it and
    the clause's subject its source)."""
    return (
        token.tag_ == "VBG"
        and token.lemma_.lower() in NEXT_STATEMENT_LEMMAS
        and token.i > 0
        and token.doc[token.i - 1].text == ","
        and not any(c.dep_ in (*SUBJECTS, "expl", "csubj") for c in token.children)
    )


def reported_aside(token: Token, clause: Token) -> bool:
    """Whether ``token`` is an *according to X* after a comma that ends ``clause`` ("said the tax
    would hurt families, according to a poll"): an attribution of the clause of its own, not part
    of what the cue's source said."""
    return (
        token.lower_ == "according"
        and token.i > clause.i
        and token.doc[token.i - 1].text == ","
        and max(t.i for t in token.subtree) >= max(t.i for t in clause.subtree if not t.is_punct)
    )


def act_of(token: Token) -> int | None:
    """The index of the cue verb whose source ``token`` is the next act of (:func:`speakers_act`), or ``None``."""
    verb = speakers_act(token)
    return None if verb is None else verb.i


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
    at = first_token_from(doc, content[0])
    first = doc[at] if at < len(doc) else None
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
        if own is not None and own[0] >= clause[1] and (ends_sentence(text, quote) or rule in OWN_CONTENT):
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
        return Found(head.i, cue_range, source, quote, "direct", "quote", source_asides(head.doc, source))
    content, rule = content_of(head, cue, extend)
    around = interrupted(head, clause) if rule == "parent" else None
    if around is not None:
        content = around
    elif content is not None and not relative_around(head.doc, content, clause):
        content = outside_parts(text, close_open_quote(text, content), (cue_range, source))
        content = before_next_statement(text, content)
        if content is not None:
            content = _opened_quotation(text, quotes, content, clause)
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
    content = without_dateline(text, content)  # "BERLIN (Reuters) - Germany's economy grew ..."
    kind = "direct" if content and text[content[0]] in OPEN_QUOTES else "indirect"
    return Found(head.i, cue_range, source, content, kind, rule, source_asides(head.doc, source))


def _opened_quotation(text: str, quotes: Sequence[Range], content: Range, clause: Range) -> Range:
    """:func:`whole_quotation` of a content, unless the quotation holds the source or cue."""
    grown = whole_quotation(text, quotes, content)
    return content if grown[0] < clause[1] and clause[0] < grown[1] else grown


# Content rules whose content, after the cue, wins over a quotation before it.
OWN_CONTENT = frozenset({"ccomp", "dobj", "xcomp"})


def candidate_heads(doc: Any, lexicon: frozenset[str]) -> list[Token]:
    """Tokens that may head a cue: a content part of speech and a lemma the training data saw heading
    cues."""
    return [t for t in doc if t.pos_ in CANDIDATE_POS and t.lemma_.lower() in lexicon]
