"""The attribution component: who (source) says (cue) what (content), direct and indirect speech.

Runs the attribution model (:mod:`unspun.whosays.attribution_model`, trained on PolNeAR) over
the spaCy parse the entity component left on the article (or parses the article itself), and
links each source to the entity one of whose mentions lies inside it (a person's before any
other's, then the last such mention: in "White House spokesman Josh Earnest" and "Tom Reyes, an
economist at the Institute" the person, not the White House or the Institute), a pronoun source
("She added") to the entity it refers to (:func:`antecedent`), a relative pronoun ("Donald Trump,
who said") to the name right before it (:func:`named_before`). A headline reports no speech
unless it quotes someone: an attribution whose cue lies in the text's title line, or in a second
headline or subheading right after it (:func:`headline_end`), is left out unless it is a
quotation with its speaker ('"We will not back down," says minister', 'Mayor: "The bridge will
reopen"': :mod:`unspun.whosays.headline`), and so is one that reports no
statement (:func:`quotes_something`: "declined to comment", "defended the plan"). A content its
own source and cue interrupt ('"X," he said. "Y."', one range as PolNeAR marks it) carries the
words either side of them as ``attrs["content_parts"]`` (:func:`unspun.whosays.shown.content_parts`),
which the text view and the page show as “X … Y”. A quotation the sentence before it introduces
("Leo Park agreed. “...”", "Raj Patel was more cautious: “...”") is a quote of that sentence's
speaker (:mod:`unspun.whosays.introduced`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unspun.document import Article, Attribution, Entity, ModelInfo, TextRange
from unspun.models.packaged import folder_model_info, model_folder
from unspun.pipeline.base import Component
from unspun.pipeline.country import country_of_adjective
from unspun.registry import register
from unspun.sentences import reads_as_headline, title_end
from unspun.whosays.attribution_model import DEFAULT_MODEL, AttributionModel, find_in_chunks
from unspun.whosays.attribution_rules import Found
from unspun.whosays.gender import titled_pronouns
from unspun.whosays.headline import quotes_in_headline, titled_person
from unspun.whosays.interview import ANSWER_RULE, interview_answers, interviewee, with_answers
from unspun.whosays.introduced import with_introduced
from unspun.whosays.parsing import DEFAULT_SPACY_MODEL, load_spacy, parse_articles
from unspun.whosays.shown import content_parts, source_shown
from unspun.whosays.speech import says_something

PERSON_PRONOUNS = frozenset({"he", "she"})
GROUP_PRONOUNS = frozenset({"they"})
# A relative pronoun is the source PolNeAR marks in "Donald Trump, who had said ..." (617 train
# and dev sources); it stands for the name right before it.
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
GROUP_TYPES = frozenset({"ORG", "NORP"})


@dataclass(slots=True)
class Told:
    """What the attributions before one tell about its pronoun source: the source of the one just
    before (:func:`unnamed_speaker_between`), and the pronoun ("he" / "she") each entity has
    already been referred to by, so that a person once "she" is no candidate for "he"."""

    previous: TextRange | None = None
    pronoun_of: dict[str, str] = field(default_factory=dict)


def source_entity(
    source: TextRange | None,
    entities: Sequence[Entity],
    text: str = "",
    told: Told | None = None,
    asides: Sequence[tuple[int, int]] = (),
) -> str | None:
    """The id of the entity the source refers to: a person named first and then described
    (:func:`_opens_apposition`), else the one with the last mention inside ``source``
    (else one overlapping it), a person's before any other's, leaving out mentions inside
    ``asides``, the stretches that describe who speaks rather than name them ("Economists polled by Reuters" are not Reuters; see
    :func:`unspun.whosays.attribution_rules.source_asides`); for a pronoun source, the entity of
    the nearest mention before it (see :func:`antecedent`; ``told``: what the attributions before
    this one say)."""
    if source is None:
        return None
    inside: list[tuple[bool, int, str]] = []
    overlapping: list[tuple[bool, int, str]] = []
    opening: list[tuple[bool, int, str]] = []
    for entity in entities:
        for m in entity.mentions:
            if any(start <= m.start and m.end <= end for start, end in asides):
                continue
            # A person named in the source speaks, not the body in their description ("Tom Reyes,
            # an economist at the Institute"; "White House spokesman Josh Earnest").
            key = (entity.type == "PERSON", m.end, entity.id)
            if source.start <= m.start and m.end <= source.end:
                inside.append(key)
                if entity.type == "PERSON" and _opens_apposition(text, source, m):
                    opening.append(key)
            elif m.start < source.end and source.start < m.end:
                overlapping.append(key)
    found = opening or inside or overlapping
    if found:
        return max(found)[2]
    return antecedent(text, source, entities, told) if text else None


def _opens_apposition(text: str, source: TextRange, mention: TextRange) -> bool:
    """Whether ``mention`` opens ``source`` and a comma follows it: the person named first and
    then described ("Mark Hill, a lawyer for the family of Jane Doe") speaks, not one named in
    the description; a name that modifies ("Trump adviser Kellyanne Conway") or possesses
    ("Donald Trump's lawyer, Jane Doe") is followed by no comma."""
    return mention.start == source.start and text[mention.end : mention.end + 1] == ","


def antecedent(
    text: str, source: TextRange, entities: Sequence[Entity], told: Told | None = None
) -> str | None:
    """The entity a pronoun source refers to, or ``None``: for "he" / "she" the nearest PERSON
    mention before it ("Maria Lopez said ... She added" -> Maria Lopez), unless another person is
    named between the start of that mention's paragraph and the pronoun ("Maria Lopez said ...
    John Park disagreed. She added": the rule knows no gender, so it names no one rather than
    maybe the wrong one); for "they" the nearest organisation or group (ORG / NORP) mention before
    it in the same paragraph. With ``told``, a person already linked to the other pronoun is no
    candidate ("Maria Lopez said ... She added ... John Park disagreed ... he said": Park), and a
    pronoun that goes on from an unnamed speaker is linked to no one
    (:func:`unnamed_speaker_between`). A rule, not a learnt resolver: PolNeAR marks sources, not
    what they refer to."""
    word = text[source.start : source.end].strip().lower()
    if word in RELATIVE_PRONOUNS:
        return named_before(text, source.start, entities)
    if word in PERSON_PRONOUNS:
        types, since = frozenset({"PERSON"}), 0
    elif word in GROUP_PRONOUNS:
        types, since = GROUP_TYPES, text.rfind("\n", 0, source.start) + 1
    else:
        return None
    other = {"he": "she", "she": "he"}.get(word)
    known = told.pronoun_of if told is not None else {}
    before = [
        (m.end, m.start, entity.id)
        for entity in entities
        if other is None or known.get(entity.id) != other
        for m in entity.mentions
        if since <= m.start and m.end <= source.start and _of_type(entity, text[m.start : m.end], types)
    ]
    if not before:
        return None
    nearest_end, nearest_start, nearest = max(before)
    if word in PERSON_PRONOUNS:
        paragraph = text.rfind("\n", 0, nearest_start) + 1
        if any(start >= paragraph and entity_id != nearest for _, start, entity_id in before):
            return None
        previous = told.previous if told is not None else None
        if previous is not None and unnamed_speaker_between(text, previous, nearest_end, source, entities):
            return None
    return nearest


def _of_type(entity: Entity, mention: str, types: frozenset[str]) -> bool:
    """Whether a mention of ``entity`` reading ``mention`` counts as one of ``types``: the entity's
    type, or, for a group type, a nationality adjective that joined its country ("British
    officials said ... They added": the country, as the entity step groups it)."""
    if entity.type in types:
        return True
    return bool(types & GROUP_TYPES) and country_of_adjective(mention) is not None


def named_before(text: str, at: int, entities: Sequence[Entity]) -> str | None:
    """The entity with a mention ending right before ``at`` (a space or a comma between: "Donald
    Trump, who said"), the antecedent of a relative pronoun; ``None`` when the word before is no
    entity's ("residents who say", "a lawyer who said")."""
    gap = len(text[:at]) - len(text[:at].rstrip(" ,\u00a0"))
    if gap > 3:
        return None
    return next((e.id for e in entities for m in e.mentions if m.end == at - gap), None)


def unnamed_speaker_between(
    text: str, previous: TextRange, after: int, pronoun: TextRange, entities: Sequence[Entity]
) -> bool:
    """Whether ``previous`` (the source of the attribution before a pronoun's) names a speaker no
    entity stands for ("one diplomat", "officials") between the nearest named person (ending at
    ``after``) and the pronoun: "Pruitt said ... One diplomat said ... He added" continues the
    diplomat, not Pruitt, so the pronoun is linked to no one rather than the wrong one. A pronoun
    source in between carries the chain on and is no such speaker."""
    if not (after <= previous.start and previous.end <= pronoun.start):
        return False
    if text[previous.start : previous.end].strip().lower() in PERSON_PRONOUNS | GROUP_PRONOUNS:
        return False
    return not any(
        m.start < previous.end and previous.start < m.end for entity in entities for m in entity.mentions
    )


HEADLINE_LINES = 3  # a headline, a second headline or subheading, a kicker: no more


def headline_end(text: str, title: str | None = None) -> int:
    """Where the headlines opening the text end: its title line
    (:func:`unspun.sentences.title_end`) and the lines right after it that read as headlines too
    (:func:`unspun.sentences.reads_as_headline`: a second headline or a subheading, "Area Man
    Immediately Regrets Asking Coworker How Weekend Was"), at most :data:`HEADLINE_LINES` lines
    in all and only when a line that reads as a paragraph follows them; 0 when there is no title
    line."""
    end = title_end(text, title)
    if end == 0:
        return 0
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text, end)]
    for k, (start, stop) in enumerate(lines[:HEADLINE_LINES]):
        if not reads_as_headline(text[start:stop]):
            return lines[k - 1][1] if k > 0 else end
    return end


_LINE = re.compile(r"[^\n]*\S[^\n]*")


def quotes_something(head: Any, found: Found) -> bool:
    """Whether a found attribution is a quote to show: it reports something said
    (:func:`unspun.whosays.speech.says_something`: not "declined to comment", "defended the
    plan", "backed the bill"; PolNeAR marks those, and ``unspun predict attributions`` still
    writes them)."""
    return says_something(head, found.content_rule)


def cites(text: str, attribution: Attribution) -> bool:
    """Whether the text cites the source for what it says itself, rather than reporting what the
    source says: *according to X*, *as X revealed*. Naming a source one relies on casts it in no
    role (:mod:`unspun.pipeline.portrayal`)."""
    if attribution.source is None or attribution.cue is None:
        return False
    cue = text[attribution.cue.start : attribution.cue.end].lower()
    before = text[max(0, attribution.source.start - 3) : attribution.source.start].lower()
    return cue.startswith("according") or before == "as "


# What may close a source's range without naming the speaker ("The opposition leader, James Hart,").
_SOURCE_TAIL = ",;:-\u2013\u2014 \t\n\u00a0"


def trimmed(text: str, source: tuple[int, int]) -> tuple[int, int]:
    """``source`` without the commas, dashes and white space that end it. PolNeAR's sources
    keep the comma closing an apposition (its scorer reads the rows of
    :func:`unspun.training.train_attributions.prediction_rows`, untrimmed), a record shown to a
    reader does not; ``text`` empty leaves the range as it is."""
    start, end = source
    if not text:
        return source
    while end > start + 1 and text[end - 1] in _SOURCE_TAIL:
        end -= 1
    return start, end


def without_marks(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """``span`` without the invisible format characters at its edges (a byte order mark opening
    the text, a zero-width space: Unicode category Cf), which the parse keeps inside the first
    word; a range shown or stored starts at the first visible character."""
    start, end = span
    while start < end - 1 and unicodedata.category(text[start]) == "Cf":
        start += 1
    while end > start + 1 and unicodedata.category(text[end - 1]) == "Cf":
        end -= 1
    return start, end


def attribution_records(
    found: Sequence[tuple[Found, float]], entities: Sequence[Entity], text: str = "", *, headline: int = 0
) -> list[Attribution]:
    """:class:`Attribution` records (ids ``A1``, ``A2``, ... in text order) for found attributions;
    ``text`` (the article's) lets a pronoun source be linked to the entity it refers to, knowing
    which people the text calls "he" or "she": by a title ("Mrs Ortiz",
    :func:`unspun.whosays.gender.titled_pronouns`) or by a pronoun source linked to them anywhere
    in the text (a first pass: '"...," she said' after "Helen Ortiz met David Lang" is Ortiz when a
    later "he said" is Lang's with no one else to choose from). A quote before ``headline`` (the
    headline's end) whose source names no one is linked to the person the article names with its
    words as a title ('Mayor: "..."' -> "Mayor Helen Ortiz": :func:`unspun.whosays.headline.titled_person`);
    an interview's answers to the person the questions address (:mod:`unspun.whosays.interview`)."""
    linking = _Linking(entities, text, headline)
    if any(f.content_rule == ANSWER_RULE for f, _ in found):
        linking.answerer = interviewee(text, entities)
    known = titled_pronouns(text, entities) if text else {}
    records, learnt = _records(found, linking, known)
    if learnt != known:
        records, _ = _records(found, linking, learnt)
    return records


@dataclass(slots=True)
class _Linking:
    """What links a record's source to an entity besides the source's words: the entities, the
    text, the headline's end and an interview's answerer."""

    entities: Sequence[Entity]
    text: str
    headline: int = 0
    answerer: str | None = None

    def entity(self, f: Found, source: TextRange | None, told: Told) -> str | None:
        """The entity id of a record's ``source`` (:func:`source_entity`, then the rules above)."""
        if f.content_rule == ANSWER_RULE:
            return self.answerer
        linked = source_entity(source, self.entities, self.text, told, f.source_asides)
        if linked is None and source is not None and f.cue[0] < self.headline:
            return titled_person(self.text, (source.start, source.end), self.entities, self.headline)
        return linked


def _records(
    found: Sequence[tuple[Found, float]], linking: _Linking, known: dict[str, str]
) -> tuple[list[Attribution], dict[str, str]]:
    """The records of :func:`attribution_records` with the people's pronouns ``known`` before,
    and those known after (``known`` and the pronoun sources linked on the way)."""
    text = linking.text
    records: list[Attribution] = []
    told = Told(pronoun_of=dict(known))
    for f, p in found:
        if f.content is None:
            continue
        source = (
            TextRange(*without_marks(text, trimmed(text, source_shown(text, f.source, f.source_asides))))
            if f.source
            else None
        )
        content = without_marks(text, f.content) if text else f.content
        parts = content_parts(text, content, (f.source, f.cue)) if text else []
        records.append(
            Attribution(
                id=f"A{len(records) + 1}",
                content=TextRange(*content),
                source=source,
                cue=TextRange(*(without_marks(text, f.cue) if text else f.cue)),
                kind=f.kind,
                source_entity=linking.entity(f, source, told),
                score=round(p, 4),
                attrs={"content_parts": parts} if parts else {},
            )
        )
        linked = records[-1].source_entity
        if source is not None:
            told.previous = source
            word = text[source.start : source.end].strip().lower()
            if linked is not None and word in PERSON_PRONOUNS:
                told.pronoun_of.setdefault(linked, word)
    return records, told.pronoun_of


@register("unspun.AttributionTagger.v1")
class AttributionTagger(Component):
    """Write ``article.attributions`` (see the module docstring).

    ``model`` is an :class:`AttributionModel`, a model folder or the name of a shipped one
    (``None``: ``attribution-polnear``); ``spacy_model`` the spaCy pipeline used when no parse is
    on the article. Articles not in ``languages`` (known and not English) get none.
    """

    name = "attributions"
    needs = ("language", "entities")
    writes = ("attributions",)

    def __init__(
        self,
        *,
        model: AttributionModel | str | Path | None = None,
        spacy_model: str | Path | Any = DEFAULT_SPACY_MODEL,
        languages: tuple[str, ...] = ("en",),
        max_chars: int = 3000,
    ) -> None:
        super().__init__()
        self._model = model if isinstance(model, AttributionModel) else None
        self._folder = None if isinstance(model, AttributionModel) else model_folder(model or DEFAULT_MODEL)
        self._nlp = None if isinstance(spacy_model, str | Path) else spacy_model
        self._spacy_name = spacy_model if isinstance(spacy_model, str | Path) else None
        self.languages = languages
        self.max_chars = max_chars

    @property
    def model(self) -> AttributionModel:
        """The attribution model, loaded on first use (raises :class:`unspun.errors.ModelError`)."""
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    assert self._folder is not None
                    self._model = AttributionModel.from_disk(self._folder)
        return self._model

    @property
    def nlp(self) -> Any:
        """The spaCy pipeline, loaded on first use."""
        if self._nlp is None:
            with self._load_lock:
                if self._nlp is None:
                    assert self._spacy_name is not None
                    self._nlp = load_spacy(self._spacy_name)
        return self._nlp

    def load(self) -> None:
        """Load the model and the spaCy pipeline now."""
        self.model  # noqa: B018 - the properties load them
        self.nlp  # noqa: B018

    def model_info(self) -> list[ModelInfo]:
        """The attribution model folder's name, version and digest (none for an in-memory model)."""
        return [folder_model_info(self.name, self._folder)] if self._folder is not None else []

    def covers(self, article: Article) -> bool:
        """Whether the article's language is read (unknown counts as English)."""
        return article.language is None or article.language in self.languages

    def predict(self, articles: Sequence[Article]) -> list[list[Attribution] | None]:
        """Per article, its attributions (``None`` for another language); changes nothing."""
        covered = [a for a in articles if self.covers(a)]
        parses = iter(parse_articles(covered, self.nlp, max_chars=self.max_chars) if covered else [])
        outputs: list[list[Attribution] | None] = []
        for article in articles:
            if not self.covers(article):
                outputs.append(None)
                continue
            headline = headline_end(article.text, article.title)
            chunks = next(parses)
            kept = find_in_chunks(self.model, chunks, keep=quotes_something, distinct=True)
            kept = with_introduced(kept, chunks, self.model.include, start=headline)
            found = quotes_in_headline(article.text, headline, kept)
            found = with_answers(found, interview_answers(article.text, article.entities, headline))
            outputs.append(attribution_records(found, article.entities, article.text, headline=headline))
        return outputs

    def set_annotations(self, articles: Sequence[Article], outputs: list[list[Attribution] | None]) -> None:
        """Write the attributions."""
        for article, records in zip(articles, outputs, strict=True):
            if records is not None:
                article.attributions = records


def whosays_components() -> list[Component]:
    """The entity and attribution components of the default pipeline, in order."""
    from unspun.pipeline.entities import EntityRecognizer

    return [EntityRecognizer(), AttributionTagger()]
