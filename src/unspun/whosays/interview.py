"""Interview answers: in a text set as questions and answers ("Q: ..." / "A: ..."), each answer
is what the interviewee says, not the author's voice, when the text is an interview
(:func:`interview_answers`: a question names the interviewee, or the headline says "interview";
an explainer's answers are the author's).

:func:`answers` gives each answer as a direct attribution (the label "A" as its source, the mark
after it as its cue, the answer up to the next question as its content); :func:`interviewee` the
person the questions address by name ("Q: Mayor Lindqvist, rents rose ..."), or else the one
person the standfirst names ("Dr. Helen Marsh has studied ..."), whom the attribution component
links the answers' source to. Pure functions over the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from unspun.document import Entity
from unspun.whosays.attribution_rules import Found
from unspun.whosays.quotation import OPEN_QUOTES

Range = tuple[int, int]
ANSWER_RULE = "interview_answer"
# A paragraph opening with a one-letter label: "Q:" or "A:" (also "Q." / "A.").
_LABEL = re.compile(r"^[ \t]*(?P<label>[QA])(?P<mark>[:.])[ \t]+(?=\S)", re.MULTILINE)
# A vocative naming the interviewee: up to two words before the name ("Mayor", "Ms"), then a comma.
_LEAD = re.compile(r"^(?:[A-Z][\w.'-]*\s+){0,2}$")


def answers(text: str) -> list[Found]:
    """The answers of a question-and-answer text as direct attributions, in text order; none
    unless the text holds both a "Q:" and an "A:" paragraph (a lone "A:" is a list item or a
    heading, not an interview). An answer runs to the next label or the end of the text, a quoted
    one to the end of its quoted paragraphs (:func:`quoted_answer`)."""
    labels = list(_LABEL.finditer(text))
    if {m.group("label") for m in labels} != {"Q", "A"}:
        return []
    found = []
    for k, match in enumerate(labels):
        if match.group("label") != "A":
            continue
        end = labels[k + 1].start() if k + 1 < len(labels) else len(text)
        body = quoted_answer(text[match.end() : end]).rstrip()
        if not body:
            continue
        found.append(
            Found(
                head=-1,
                cue=match.span("mark"),
                source=match.span("label"),
                content=(match.end(), match.end() + len(body)),
                kind="direct",
                content_rule=ANSWER_RULE,
            )
        )
    return found


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def quoted_answer(body: str) -> str:
    """``body``, an answer's text up to the next label, ending with the last of its paragraphs that
    open with a quotation mark when the first does: a quoted answer's paragraphs each open with
    one, and the text after them is the author's ('A: "We were never asked."' and then "Linda Osei,
    the transport chair, said ...")."""
    if not body[:1] or body[0] not in OPEN_QUOTES:
        return body
    for brk in _PARAGRAPH_BREAK.finditer(body):
        if body[brk.end() : brk.end() + 1] not in tuple(OPEN_QUOTES):
            return body[: brk.start()]
    return body


def interviewee(text: str, entities: Sequence[Entity]) -> str | None:
    """The id of the person a question addresses by name at its start ("Q: Mayor Lindqvist,
    rents rose ..."), the first such; else the one person the text names in full before its
    first question (:func:`introduced`); ``None`` when neither names one."""
    return addressed(text, entities) or introduced(text, entities)


def introduced(text: str, entities: Sequence[Entity]) -> str | None:
    """The id of the one person named in full (two words or more) before the text's first
    label: an interview's standfirst introduces whom it spoke to ("Dr. Helen Marsh has studied
    bees for twenty years. We spoke to her ..."); ``None`` when it names no one or two people
    (who answers is then unknown). A one-word name there is left out: a surname the full name
    already gave, or a place the entity step took for a person ("in Yorkshire")."""
    first = _LABEL.search(text)
    if first is None:
        return None
    named = {
        entity.id
        for entity in entities
        if entity.type == "PERSON"
        for m in entity.mentions
        if m.end <= first.start() and len(text[m.start : m.end].split()) > 1
    }
    return named.pop() if len(named) == 1 else None


def addressed(text: str, entities: Sequence[Entity]) -> str | None:
    """The id of the person a question addresses by name at its start ("Q: Mayor Lindqvist,
    rents rose ..."), the first such; ``None`` when no question does."""
    for match in _LABEL.finditer(text):
        if match.group("label") != "Q":
            continue
        opening = match.end()
        for entity in entities:
            if entity.type != "PERSON":
                continue
            for m in entity.mentions:
                if (
                    opening <= m.start < opening + 40
                    and _LEAD.match(text[opening : m.start])
                    and text[m.end : m.end + 1] == ","
                ):
                    return entity.id
    return None


def interview_answers(text: str, entities: Sequence[Entity], headline: int = 0) -> list[Found]:
    """:func:`answers` when the text is an interview: a question addresses a person by name
    (:func:`addressed`; a person the standfirst names makes no interview of an explainer), the
    headline (the text before ``headline``) says "interview", or the answers are quoted
    (:func:`quoted`) and the standfirst introduces one person. An
    explainer set as questions and answers ("Q: What does the new law change? A: ...") answers in
    the author's voice and gives none."""
    found = answers(text)
    if found and (
        addressed(text, entities) is not None
        or "interview" in text[:headline].lower()
        or (quoted(text, found) and introduced(text, entities) is not None)
    ):
        return found
    return []


def quoted(text: str, found: Sequence[Found]) -> bool:
    """Whether every answer opens with a quotation mark: quoted answers are someone's words, not
    the author's ('A: "Badly. Half my customers drive in."'), an interview when the standfirst
    introduces whom (:func:`introduced`)."""
    return all(f.content is not None and text[f.content[0]] in OPEN_QUOTES for f in found)


def with_answers(
    found: Sequence[tuple[Found, float]], answered: Sequence[Found]
) -> list[tuple[Found, float]]:
    """``found`` with the interview's ``answered`` attributions (probability 1), in text order."""
    return sorted([*found, *((a, 1.0) for a in answered)], key=lambda fp: fp[0].cue)
