"""The entity component: people, organisations, places and groups, their mentions grouped.

spaCy's English NER (PERSON / ORG / GPE / LOC / NORP) finds the mentions; :func:`group_mentions`
groups them into entities without pronouns:

- the title and the article go ("President Karzai" -> "Karzai", "the Taleban" -> "Taleban"),
  as does a possessive ending;
- a person's surname alone, or with a title, joins the person ("Karzai" -> "Hamid Karzai"), and
  an organisation's last word its organisation ("the Telegraph"), unless generic ("the Party");
- "the Karzai government" (a surname before government / administration / regime / campaign
  / ...) joins the person it names;
- an acronym joins the organisation whose initials it spells ("FBI" -> "Federal Bureau of
  Investigation"), as does an exact repeat;
- simple coreference: a later occurrence of an entity's key words that NER missed, on word
  boundaries, becomes a mention too;
- a one- or two-word name that NER typed an organisation, place or group right after a person's
  title ("US Secretary of State Gates", "Mr Rice") is a person's (:func:`after_person_title`);
- a country is one entity by all its names ("UK", "Britain": :mod:`unspun.pipeline.country`), and
  a nationality adjective joins its country where it qualifies the state, its forces or its
  officials ("British troops", "the British government", "British diplomatic efforts") and the
  article names the country: the text then speaks of the state as an actor. Where the adjective
  stands for the people ("British workers", "the British public") or as a noun ("the British",
  which may be either), it stays a group (NORP) of its own: what the text says of a nation's
  workers is not what it says of its government (:func:`unspun.pipeline.country.state_use`).

The entity's ``name`` is its longest proper mention (title and article removed; a country's is
one of its names, never its adjective); its ``type`` the most frequent type of its mentions (the
person's, for a surname group; GPE for a country). Articles in another
language than English get no entities (and no error).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from unspun.document import Article, Entity, ModelInfo, TextRange
from unspun.pipeline.base import Component
from unspun.pipeline.country import country_named, country_of_adjective, state_use
from unspun.pipeline.headline_entities import headline_opening, title_case_headline, without_headline_only
from unspun.pipeline.language import ranges_outside
from unspun.registry import register
from unspun.titles import PERSON_TITLES, PORTFOLIOS, TITLES
from unspun.whosays.boundary import CAPITAL, DATELINE_AFTER_PLACE
from unspun.whosays.parsing import (
    DEFAULT_SPACY_MODEL,
    Chunks,
    keep_parse,
    load_spacy,
    parse_articles,
    spacy_model_info,
)
from unspun.whosays.quotation import QUOTE_PAIRS

ENTITY_TYPES: tuple[str, ...] = ("PERSON", "ORG", "GPE", "LOC", "NORP")
GROUP_NOUNS = frozenset(
    [
        "government",
        "administration",
        "regime",
        "cabinet",
        "campaign",
        "camp",
        "family",
        "team",
        "presidency",
        "people",
        "allies",
        "supporters",
        "aides",
    ]
)
# Nouns that make the name they stand in apposition to a place (see mention_type).
PLACE_NOUNS = frozenset(
    {
        "town",
        "city",
        "village",
        "hamlet",
        "district",
        "province",
        "region",
        "county",
        "capital",
        "suburb",
        "neighbourhood",
        "neighborhood",
        "island",
        "valley",
        "port",
        "state",
        "country",
    }
)
# Capitalised last words of a street's name (QA s49: the small model read "Harbour Road" as an
# organisation).
STREET_WORDS = frozenset(
    {"Road", "Street", "Avenue", "Lane", "Boulevard", "Drive", "Way", "Square", "Terrace", "Crescent"}
    | {"Rd", "St", "Ave", "Blvd"}
)
# Last words that do not name an organisation on their own ("the Party", "the House").
GENERIC_LAST = frozenset(
    [
        "party",
        "department",
        "house",
        "committee",
        "council",
        "court",
        "association",
        "union",
        "bank",
        "university",
        "office",
        "agency",
        "service",
        "group",
        "company",
        "corporation",
        "institute",
        "foundation",
        "center",
        "centre",
        "school",
        "army",
        "force",
        "forces",
        "ministry",
        "commission",
        "board",
        "league",
        "news",
        "network",
    ]
)
_STRIP_END = re.compile(r"(?:['’]s|['’])$")
_WORD = re.compile(r"[\w.&'’-]+")


@dataclass(slots=True)
class Mention:
    """One NER mention: its range, type, the words that identify it (no title, no article, no
    possessive ending) and its ``name`` as written (no title, no article: "King's Fund")."""

    start: int
    end: int
    type: str
    words: tuple[str, ...]
    text: str
    name: str = ""
    country: str = ""  # the country it names, or stands for (a nationality adjective): see the module

    @property
    def shown(self) -> str:
        """The name as written, or its words when it was not kept."""
        return self.name or " ".join(self.words)


@dataclass(slots=True)
class _Group:
    mentions: list[Mention] = field(default_factory=list)

    @property
    def proper(self) -> list[Mention]:
        return [m for m in self.mentions if m.words]


def _titles(raw: Sequence[str]) -> int:
    """How many of the words ``raw`` open with are titles ("President", "Detective Inspector");
    a possessive is no title ("King's Fund", "the Queen's Gallery" keep the word), nor a
    country's name that ends the words ("US" alone is the country, "US Secretary" a title), nor
    are words before a last generic one (:data:`GENERIC_LAST`: "State Department" is not
    "Department")."""
    count = 0
    while count < len(raw) and raw[count].lower().rstrip(".") in TITLES:
        if count == len(raw) - 1 and country_named(raw[count]):
            break
        count += 1
    if count and len(raw) - count == 1 and raw[-1].lower() in GENERIC_LAST:
        return 0  # the words name an organisation: "State Department", "Foreign Office", "US Army"
    return count


def _named(text: str) -> tuple[tuple[str, ...], str]:
    """The identifying words of a mention's text and its name as written, titles left out."""
    found = list(_WORD.finditer(text))
    titles = _titles([m.group(0) for m in found])
    kept = found[titles:]
    words = tuple(w for w in (_STRIP_END.sub("", m.group(0)) for m in kept) if w)
    name = " ".join(text[kept[0].start() :].split()) if words else ""
    return words, name


def mention_of(text: str, start: int, end: int, label: str) -> Mention | None:
    """The :class:`Mention` for ``text[start:end]`` (trailing possessive and punctuation cut), or
    ``None`` when nothing but a title is left."""
    while end > start and not (text[end - 1].isalnum() or text[end - 1] == "."):
        end -= 1
    span = text[start:end]
    cut = _STRIP_END.search(span)
    if cut:
        end -= len(cut.group(0))
        span = text[start:end]
    if span.lower().startswith("the "):
        start += 4
        span = span[4:]
    words, name = _named(span)
    if not words:
        return None
    country = (country_named(name) or "") if label in ("GPE", "LOC") else ""
    return Mention(start, end, label, words, span, name, country)


def _acronym(name: str) -> bool:
    return " " not in name and len(name) >= 2 and name.upper() == name and any(c.isalpha() for c in name)


def _initials(words: Sequence[str]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper())


def _naming(group: _Group) -> list[Mention]:
    """The mentions that name the entity itself ("Karzai", not "the Karzai government"; a
    country's names, not its adjective)."""
    naming = [
        m
        for m in group.proper
        if (m.words[-1].lower() not in GROUP_NOUNS or len(m.words) == 1)
        and not (m.country and m.type == "NORP")
    ]
    return naming or group.proper


def _key(group: _Group) -> tuple[str, ...]:
    return max((m.words for m in _naming(group)), key=lambda w: (len(" ".join(w)), w))


def _short_form(m: Mention, words: tuple[str, ...]) -> bool:
    """Whether the last word alone names the entity: a person's surname ("Karzai"), an
    organisation's last name word ("the Telegraph"), not a generic one ("the Party") nor a number
    (a headline's "Inbox 400" took every later "400")."""
    if len(words) < 2 or not any(c.isalpha() for c in words[-1]):
        return False
    return m.type == "PERSON" or (m.type == "ORG" and words[-1] not in GENERIC_LAST)


def group_mentions(mentions: Sequence[Mention]) -> list[_Group]:
    """Group mentions into entities with the rules of the module docstring (text order kept)."""
    groups: list[_Group] = []
    by_words: dict[tuple[str, ...], _Group] = {}
    by_country: dict[str, _Group] = {}
    surnames: dict[str, _Group] = {}
    for m in sorted(_countries_named(mentions), key=lambda m: (-len(m.words), m.start)):
        words = tuple(w.lower() for w in m.words)
        if m.country:
            target = by_country.get(m.country)
            if target is None:
                target = by_country[m.country] = _Group()
                groups.append(target)
            target.mentions.append(m)
            continue
        target = by_words.get(words)
        if target is None and len(words) == 1 and words[0] in surnames:
            target = surnames[words[0]]
        if target is None and len(words) >= 2 and words[-1] in GROUP_NOUNS:
            owner = words[:-1]
            target = by_words.get(owner) or (surnames.get(owner[-1]) if len(owner) == 1 else None)
        if target is None and len(m.words) == 1 and m.words[0].isupper() and len(m.words[0]) >= 2:
            target = next((g for g in groups if len(_key(g)) >= 2 and _initials(_key(g)) == m.words[0]), None)
        if target is None:
            target = _Group()
            groups.append(target)
        target.mentions.append(m)
        by_words.setdefault(words, target)
        if _short_form(m, words) and words[-1] not in surnames:
            surnames[words[-1]] = target
    return groups


def _countries_named(mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions``, a nationality adjective's country dropped where no place mention names the
    country (the adjective then stays a group: "Turkish army" in an article that never names
    Turkey)."""
    named = {m.country for m in mentions if m.country and m.type != "NORP"}
    return [m if m.type != "NORP" or m.country in named else replace(m, country="") for m in mentions]


def _extra_mentions(text: str, groups: Sequence[_Group]) -> None:
    """Add later repeats of each group's key words (the full name, a person's surname) that NER
    missed, where they do not overlap a mention already found (a person's, after a person's
    title: :func:`after_person_title`)."""
    taken = sorted((m.start, m.end) for g in groups for m in g.mentions)
    for group in groups:
        key = _key(group)
        first = max(group.proper, key=lambda m: len(m.words))
        short = _short_form(first, tuple(w.lower() for w in key))
        forms = {" ".join(m.words) for m in _naming(group)} | ({key[-1]} if short else set())
        # Longest first, so that a full name takes its place before the surname inside it (a set's
        # order changes with the interpreter's string hashing: the mentions did too, run to run).
        for form in sorted(forms, key=lambda f: (-len(f), f)):
            if len(form) < 3:
                continue
            for match in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text):
                s, e = match.span()
                if any(s < te and ts < e for ts, te in taken):
                    continue
                kind = "PERSON" if after_person_title(text, s) else group.mentions[0].type
                group.mentions.append(Mention(s, e, kind, (form,), form))
                taken.append((s, e))


def entities_from_mentions(text: str, mentions: Sequence[Mention], *, repeats: bool = True) -> list[Entity]:
    """Group ``mentions`` of ``text`` into :class:`Entity` records (ids ``E1``, ``E2`` ... in order
    of first mention); ``repeats`` adds the missed repeats (see :func:`_extra_mentions`)."""
    groups = group_mentions(mentions)
    if repeats:
        _extra_mentions(text, groups)
    groups.sort(key=lambda g: min(m.start for m in g.mentions))
    entities: list[Entity] = []
    for number, group in enumerate(groups, start=1):
        ordered = sorted(group.mentions, key=lambda m: (m.start, m.end))
        counts = Counter(m.type for m in ordered)
        name = max((m.shown for m in _naming(group)), key=lambda n: (len(n), n))
        # A person's surname typed otherwise ("Gates" an ORG) takes the person's type: where a
        # full name is among the mentions, or no other type is more frequent.
        kind = (
            "PERSON"
            if counts["PERSON"]
            and (
                any(len(m.words) >= 2 for m in ordered if m.type == "PERSON")
                or (counts["PERSON"] >= max(counts.values()) and not _acronym(name))
            )
            else None
        )
        if kind is None and counts.most_common(1)[0][0] == "PERSON" and _acronym(name):
            kind = "ORG"  # "MI6", "NATO": an acronym names no person
        if kind is None and any(m.country and m.type == "GPE" for m in ordered):
            kind = "GPE"  # a country, however often its adjective stood for it
        entities.append(
            Entity(
                id=f"E{number}",
                name=name,
                type=kind or counts.most_common(1)[0][0],
                mentions=[TextRange(m.start, m.end) for m in ordered],
            )
        )
    return entities


def outside_ranges(mentions: list[Mention], ranges: Sequence[tuple[int, int]]) -> list[Mention]:
    """``mentions`` without those starting in one of ``ranges`` (the paragraphs in a language the
    NER model does not read, :func:`~unspun.pipeline.language.ranges_outside`: a French quotation
    in an English article, where the English model's "Cette" is no organisation)."""
    return [m for m in mentions if not any(start <= m.start < end for start, end in ranges)]


def mentions_from_parse(text: str, chunks: Chunks, types: Sequence[str] = ENTITY_TYPES) -> list[Mention]:
    """The NER mentions of an article's parse (see :mod:`unspun.whosays.parsing`), as offsets into
    ``text``; a mention without a capital letter is none (an English name is capitalised: the small
    model read "bin" in "missed bin collections" as a person), unless the whole text is in lower case."""
    found: list[Mention] = []
    places = dateline_places(text)
    cased = any(c.isupper() for c in text)
    for offset, doc in chunks:
        for ent in doc.ents:
            if cased and not any(c.isupper() for c in ent.text):
                continue  # no name: "missed bin collections" gave the PERSON "bin" (QA s47)
            label = mention_type(ent)
            start, end = offset + ent.start_char, offset + ent.end_char
            if label == "ORG" and ent.text.lower() in PORTFOLIOS and _OFFICE_AFTER.match(text, end):
                continue  # "Health Secretary Paul Graves": "Health" names his office, no organisation
            if any(p_start <= start and end <= p_end for p_start, p_end in places):
                label = "GPE"  # "OAKHAVEN, March 3 (Reuters) -": the small model read ORG
            if label in ("ORG", "GPE", "NORP", "LOC") and len(ent) <= 2 and after_person_title(text, start):
                label = "PERSON"  # "US Secretary of State Gates": the small model read ORG
            if label in ("GPE", "LOC") and country_of_adjective(ent.text):
                label = "NORP"  # "Ukrainian officials": the small model read GPE
            if label in types:
                m = mention_of(text, offset + ent.start_char, offset + ent.end_char, label)
                if m is not None and m.type == "NORP" and state_use(ent):
                    m.country = country_of_adjective(m.name) or ""
                if m is not None:
                    found.append(m)
        if cased and "PERSON" in types:
            found.extend(unnamed_speakers(text, offset, doc))
    return found


def unnamed_speakers(text: str, offset: int, doc: Any) -> list[Mention]:
    """The names the small model left untyped as the subject of a verb that reports a quote
    ('"...," said Pritchard.', '"...," Draper adds'): whoever is quoted so is a person, and the
    quote's source then has an entity to link to. Not a word in capitals ("BOLZANO", "WMD"), with
    a digit, after "the" ("The Railways said"), in a sentence without a quotation mark or a clause
    said, nor one the text also writes in lower case (a common noun: "Story continues")."""
    found: list[Mention] = []
    lowered = set(re.findall(r"\b[a-z][\w'’-]*", text))
    for token in doc:
        head = token.head
        if not (
            token.pos_ == "PROPN"
            and token.dep_ == "nsubj"
            and head.pos_ == "VERB"
            and head.lemma_.lower() in QUOTING
            and not token.ent_type_
            and token.text[:1].isupper()
            and not token.text.isupper()
            and not any(c.isdigit() for c in token.text)
            and token.text.lower() not in lowered
            and (
                not _QUOTE_MARKS.isdisjoint(token.sent.text) or any(c.dep_ == "ccomp" for c in head.children)
            )
        ):
            continue
        first = token
        while first.i > 0 and (left := doc[first.i - 1]).pos_ == "PROPN" and left.head == token:
            if left.ent_type_ or left.text.isupper() or left.text.lower() in lowered:
                break
            first = left
        if first.i > 0 and doc[first.i - 1].lower_ == "the":
            continue
        mention = mention_of(text, offset + first.idx, offset + token.idx + len(token.text), "PERSON")
        if mention is not None:
            found.append(mention)
    return found


# Verbs that report a quote with a person as their subject (a narrow part of whosays.speech.SAYING).
QUOTING = frozenset(
    {"say", "tell", "add", "write", "explain", "admit", "tweet", "note", "insist", "argue", "recall"}
    | {"warn", "reply", "acknowledge", "concede", "joke", "complain", "declare", "claim", "recount"}
)
# The marks that open or close a quotation (double marks and guillemets; no apostrophe).
_QUOTE_MARKS = frozenset(QUOTE_PAIRS).union(*QUOTE_PAIRS.values())


_WORD_BEFORE = re.compile(r"([\w.]+)[ \t]+$")
# The office a portfolio word (:data:`unspun.titles.PORTFOLIOS`) names right before it.
_OFFICE_AFTER = re.compile(r"[ \t]+(?:Secretary|Minister|Commissioner|Spokes(?:man|woman|person))\b")


def after_person_title(text: str, start: int) -> bool:
    """Whether the words right before ``start`` (on its line) are titles (:data:`TITLES`), one
    of them a title only a person bears (:data:`PERSON_TITLES`: "US Secretary of State", "Mr"),
    the last of them no "of" or "the" ("the President of Russia", "Secretary of the Treasury")."""
    # The last 100 characters hold any run of titles; the regex, anchored at the end, would
    # otherwise scan the whole text before every mention.
    before, person, first = text[max(0, start - 100) : start], False, True
    while (match := _WORD_BEFORE.search(before)) is not None:
        word = match.group(1).lower().rstrip(".")
        if word not in TITLES or (first and word in ("of", "the")):
            break  # "the President of Russia": the name after "of" is the office's, no person's
        person, first = person or word in PERSON_TITLES, False
        before = before[: match.start()]
    return person


# The place a news dateline opens a paragraph with, in capitals of any script ("OAKHAVEN", "NEW
# YORK", "ST. LOUIS", "SÃO PAULO", "MÜNCHEN"), when a date, an agency in brackets or a dash follows
# (the rest of the dateline of unspun.whosays.boundary.DATELINE, which reads the same capitals).
_DATELINE_PLACE = re.compile(
    rf"(?m)^[ \t]*({CAPITAL}{{3}}(?:{CAPITAL}|[.'’ ])*(?:{CAPITAL}|\.))(?=" + DATELINE_AFTER_PLACE + ")"
)


def dateline_places(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of the place of each news dateline opening a paragraph of ``text``."""
    return [m.span(1) for m in _DATELINE_PLACE.finditer(text)]


def mention_type(ent: Any) -> str:
    """The NER label of a spaCy entity span, but a "person" that an apposition says is a place
    ("Musa Qala, the town that ...", "Ross Hill, a village near the coast") is a GPE: the small
    model takes an unfamiliar two-word place name for a person's; and a name ending on a street
    word ("Harbour Road", "Mill Lane": :data:`STREET_WORDS`) is a place (LOC), whatever it was read as."""
    label = str(ent.label_)
    if len(ent) > 1 and ent[-1].text in STREET_WORDS and label in ("ORG", "PERSON", "GPE", "FAC"):
        return "LOC"
    if label == "PERSON" and any(
        child.dep_ == "appos" and child.lemma_.lower() in PLACE_NOUNS for child in ent.root.children
    ):
        return "GPE"
    return label


@register("unspun.EntityRecognizer.v1")
class EntityRecognizer(Component):
    """Write ``article.entities``: named people, organisations, places and groups with their
    mentions grouped (see the module docstring).

    ``model`` is a spaCy package name or model folder (loaded on first use), or a loaded
    ``Language``. Only articles in ``languages`` (or of unknown language) are read; long texts are
    parsed in paragraph chunks of at most ``max_chars`` characters. The parse is kept on the
    article for the attribution component.
    """

    name = "entities"
    needs = ("language",)
    writes = ("entities",)

    def __init__(
        self,
        *,
        model: str | Path | Any = DEFAULT_SPACY_MODEL,
        types: tuple[str, ...] = ENTITY_TYPES,
        languages: tuple[str, ...] = ("en",),
        max_chars: int = 3000,
    ) -> None:
        super().__init__()
        self._nlp = None if isinstance(model, str | Path) else model
        self._model_name = model if isinstance(model, str | Path) else None
        self.types = types
        self.languages = languages
        self.max_chars = max_chars
        # Parses made ahead (prefetch), by article object, until its predict takes them.
        self._ahead = PrefetchedParses()

    @property
    def nlp(self) -> Any:
        """The spaCy pipeline, loaded on first use (raises :class:`unspun.errors.ModelError`)."""
        if self._nlp is None:
            with self._load_lock:
                if self._nlp is None:
                    assert self._model_name is not None
                    self._nlp = load_spacy(self._model_name)
        return self._nlp

    def load(self) -> None:
        """Load the spaCy pipeline now."""
        self.nlp  # noqa: B018 - the property loads it

    def model_info(self) -> list[ModelInfo]:
        """The spaCy pipeline's name and version."""
        return [spacy_model_info(self.name, self.nlp)]

    def covers(self, article: Article) -> bool:
        """Whether the article's language is read (unknown counts as English)."""
        return article.language is None or article.language in self.languages

    def prefetch(self, articles: Sequence[Article]) -> None:
        """Parse the articles this component may read (their language not known yet, or read)
        and keep the parses until :meth:`predict` meets the same articles."""
        wanted = [a for a in articles if self.covers(a) and not self._ahead.has(a)]
        if wanted:
            self._ahead.put(wanted, parse_articles(wanted, self.nlp, max_chars=self.max_chars))

    def forget(self, articles: Sequence[Article]) -> None:
        """Drop the parses made ahead for ``articles`` that :meth:`predict` did not take."""
        self._ahead.drop(articles)

    def predict(self, articles: Sequence[Article]) -> list[tuple[Chunks, list[Entity]] | None]:
        """Per article, its parse (the one made ahead by :meth:`prefetch`, else made now) and
        entities (``None`` for another language); changes nothing."""
        ahead = self._ahead.take(articles)
        covered = [a for a in articles if self.covers(a)]
        missing = iter(
            parse_articles([a for a in covered if id(a) not in ahead], self.nlp, max_chars=self.max_chars)
        )
        parses = iter([ahead[id(a)] if id(a) in ahead else next(missing) for a in covered])
        outputs: list[tuple[Chunks, list[Entity]] | None] = []
        for article in articles:
            if not self.covers(article):
                outputs.append(None)
                continue
            chunks = next(parses)
            found = mentions_from_parse(article.text, chunks, self.types)
            mentions = outside_ranges(found, ranges_outside(article, self.languages))
            entities = entities_from_mentions(article.text, mentions)
            # a title-case headline's names, or a sentence-case headline's first word, named
            # nowhere else are no entities
            headline = title_case_headline(article.text, article.title) or headline_opening(
                article.text, article.title
            )
            outputs.append((chunks, without_headline_only(entities, headline) if headline else entities))
        return outputs

    def set_annotations(
        self, articles: Sequence[Article], outputs: list[tuple[Chunks, list[Entity]] | None]
    ) -> None:
        """Write the entities and keep the parse on each article."""
        for article, output in zip(articles, outputs, strict=True):
            if output is None:
                continue
            chunks, entities = output
            keep_parse(article, chunks)
            article.entities = entities


class PrefetchedParses:
    """Parses made ahead of their articles' turn, held by article object (and its text, so that a
    changed text is parsed again), thread-safe, at most ``limit`` articles' worth (the oldest
    dropped). :meth:`unspun.analysis.Pipeline.pipe` drops those no predict took (:meth:`drop`:
    an article that failed before the entity step, a batch after the run was closed)."""

    def __init__(self, limit: int = 64) -> None:
        self._held: dict[int, tuple[Article, int, Chunks]] = {}
        self._lock = threading.Lock()
        self.limit = limit

    def has(self, article: Article) -> bool:
        """Whether a parse of ``article`` (as its text is now) is held."""
        with self._lock:
            held = self._held.get(id(article))
        return _current(held, article)

    def put(self, articles: Sequence[Article], parses: Sequence[Chunks]) -> None:
        """Hold the ``parses`` of ``articles`` (one each, in order)."""
        with self._lock:
            for article, chunks in zip(articles, parses, strict=True):
                self._held[id(article)] = (article, hash(article.text), chunks)
            while len(self._held) > self.limit:
                self._held.pop(next(iter(self._held)))

    def take(self, articles: Sequence[Article]) -> dict[int, Chunks]:
        """The held parses of ``articles`` by ``id(article)``, no longer held (a parse of a text
        changed since is dropped)."""
        out = {}
        with self._lock:
            for article in articles:
                held = self._held.pop(id(article), None)
                if held is not None and _current(held, article):
                    out[id(article)] = held[2]
        return out

    def drop(self, articles: Sequence[Article]) -> None:
        """Hold no parse of ``articles`` any more (those no predict will take)."""
        with self._lock:
            for article in articles:
                held = self._held.get(id(article))
                if held is not None and held[0] is article:
                    del self._held[id(article)]


def _current(held: tuple[Article, int, Chunks] | None, article: Article) -> bool:
    """Whether ``held`` (an article, the hash of its text when parsed, the parse) is a parse of
    ``article`` as its text is now: the same object (an id may be reused) and the same text."""
    return held is not None and held[0] is article and held[1] == hash(article.text)
