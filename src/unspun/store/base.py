"""The ``Store`` protocol and its plain record types: what every front-end codes against.

A store keeps articles (text byte-exact, identified by the SHA-256 of their text) and their
analyses (the one serialised form, :meth:`unspun.document.Analysis.to_dict`, plus relational
rows for spans, labels, paragraphs, entities and attributions so that counts and filters run
in SQL). An article may have several analyses: re-analysing with other models *adds* one;
every query reads each article's newest analysis unless told otherwise. Feedback (a span
marked wrong, a missing span added, a technique corrected) is kept beside the analyses.

Open one with :func:`unspun.store.open_store`. The SQL implementation is
:class:`unspun.store.sql.SqlStore` (SQLite by default, PostgreSQL for a shared server).

Errors: :class:`unspun.errors.StoreError` (cannot open, migrate or query) and its subclass
:class:`unspun.errors.NotFoundError` (no article, analysis or outlet by that id or name);
:class:`unspun.errors.FormatError` for a bad paging token or bad feedback offsets.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Generic, Literal, Protocol, TypeVar, get_type_hints

from unspun.document import Analysis, Article
from unspun.errors import FormatError, NotFoundError
from unspun.runner import Analyser, Failure

T = TypeVar("T")

DEFAULT_PAGE = 50  # articles per search page, in the CLI, the API and Python alike

FeedbackKind = Literal["wrong", "added", "corrected"]
FEEDBACK_KINDS: tuple[str, ...] = ("wrong", "added", "corrected")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class _Record:
    """Mixin: ``to_dict()`` gives a JSON-ready dict (dates as ISO strings)."""

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True)
class StoredRef(_Record):
    """What :meth:`Store.add` returns: where the article and its analysis are kept.

    ``article_id`` is the store's id of the article (the first 16 hex digits of its content
    hash: the same text gives the same id in every store); ``analysis_id`` the id of the
    analysis row (None for an article stored without analysis); ``new_article`` and
    ``new_analysis`` say whether this call added them (False: they were there already);
    ``replaced`` that this call's analysis replaced one by the same models (``replace=True``);
    ``new_appearance`` that this call added an :class:`Appearance` (a new article's first, or
    a stored text's under another outlet or url: wire copy).
    """

    article_id: str
    content_hash: str
    analysis_id: int | None
    new_article: bool
    new_analysis: bool
    replaced: bool = False
    new_appearance: bool = False


@dataclass(frozen=True, slots=True)
class AnalysisInfo(_Record):
    """One analysis of an article, without its content: id, when, which models and version."""

    analysis_id: int
    article_id: str
    created_at: dt.datetime
    unspun_version: str | None
    models: list[dict[str, Any]]
    model_key: str
    persuasion_score: float | None
    spans: int


@dataclass(frozen=True, slots=True)
class ArticleSummary(_Record):
    """An article as listed by :meth:`Store.search`: its metadata and its newest analysis' headline.

    ``words`` counts white-space separated words; ``techniques`` maps technique id to span count
    in the newest analysis; ``snippet`` is the first characters of the text after its title line
    (:func:`unspun.store.queries.snippet`); ``genre_uncertain``: whether ``genre`` is under even
    odds (``Analysis.genre_uncertain``; None without a genre).
    """

    article_id: str
    content_hash: str
    source_id: str | None
    title: str | None
    outlet: str | None
    url: str | None
    published: dt.date | None
    language: str | None
    words: int
    added_at: dt.datetime
    analysis_id: int | None
    genre: str | None
    persuasion_score: float | None
    spans: int
    techniques: dict[str, int] = field(default_factory=dict)
    snippet: str = ""
    genre_uncertain: bool | None = None


@dataclass(frozen=True, slots=True)
class Appearance(_Record):
    """One place an article's text was published: its outlet, url, published date and title.

    A text is stored once; the same words from two outlets (wire copy) are one article with
    two appearances, and the per-outlet counts and trends count each appearance. ``added_at``
    says when the store first met it."""

    outlet: str | None
    url: str | None
    published: dt.date | None
    title: str | None
    added_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredAnalysis:
    """What :meth:`Store.get` returns: the article's summary and one analysis of it.

    ``analysis`` is the stored :class:`Analysis` exactly as added (for an article stored
    without analysis, an :class:`Analysis` of the bare article and ``analysis_id`` None);
    ``history`` lists every analysis of the article, newest first; ``feedback`` the feedback
    on the article, oldest first; ``appearances`` every outlet and url its text was published
    at, first stored first (the summary's metadata are the first's). Use
    :func:`unspun.store.feedback.apply_feedback` to show the analysis as corrected.
    """

    summary: ArticleSummary
    analysis: Analysis
    analysis_id: int | None
    history: list[AnalysisInfo]
    feedback: list[Feedback]
    appearances: list[Appearance] = field(default_factory=list)

    @property
    def article_id(self) -> str:
        return self.summary.article_id

    def to_dict(self) -> dict[str, Any]:
        """The ``unspun analyze --format json`` object plus ``article_id`` and ``content_hash``
        (already in it), ``analysis_id``, ``added_at``, ``history``, ``feedback`` and
        ``appearances``."""
        data = self.analysis.to_dict()
        data["article_id"] = self.summary.article_id
        data["analysis_id"] = self.analysis_id
        data["added_at"] = self.summary.added_at.isoformat()
        data["history"] = [h.to_dict() for h in self.history]
        data["feedback"] = [f.to_dict() for f in self.feedback]
        data["appearances"] = [p.to_dict() for p in self.appearances]
        return data


@dataclass(frozen=True, slots=True)
class Feedback(_Record):
    """A reader's correction of an analysis.

    ``kind``: ``"wrong"`` (the span ``span_id`` / ``[start, end)`` is not a technique),
    ``"added"`` (``[start, end)`` is a missed span of ``technique``) or ``"corrected"`` (the span
    is right but its technique is ``technique``). ``start``/``end`` are code-point offsets into
    the article's text; ``original`` is the technique the analysis gave (wrong / corrected).
    ``author`` and ``created_at`` say who and when (``created_at`` None: the store sets now);
    ``id``, ``article_id`` and ``analysis_id`` are set by :meth:`Store.add_feedback`
    (``analysis_id`` None: the newest analysis at that time).
    """

    kind: FeedbackKind
    start: int
    end: int
    technique: str | None = None
    span_id: str | None = None
    original: str | None = None
    author: str | None = None
    note: str | None = None
    created_at: dt.datetime | None = None
    id: int | None = None
    article_id: str | None = None
    analysis_id: int | None = None


def _filter(help: str, default: Any = None) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What :meth:`Store.search` looks for; every field is optional (None: no filter).

    ``text``: full-text query (words, all of which must occur; SQLite FTS5 / PostgreSQL
    tsvector); ``outlet``: outlet name, in any case (:func:`same_outlets`); ``date_from`` / ``date_to``: published date range,
    inclusive; ``technique``: at least one span of that technique id; ``genre``; ``frame``: the
    frame among the article's frames; ``language``; ``min_score`` / ``max_score``: persuasion
    score range, inclusive. An empty string is no filter, as an empty form field means (the
    CLI's ``--genre ""`` and the API's ``?genre=`` alike; it matched no article). All filters
    read the newest analysis of each article (or
    ``analysis="all"``: any analysis). ``limit`` is the page size (1-1000); ``next`` the
    opaque token of the previous page's :attr:`Page.next`. Results are ordered by published
    date, newest first (undated last), then by when they were added.

    This is the one declaration of the search: the CLI's options (``unspun search``) and the
    API's query parameters (``/api/articles``, ``/api/search``) are derived from its fields, their
    types, defaults and help (:func:`search_fields`).
    """

    text: str | None = _filter("Words to find (all of them), in titles and texts.")
    outlet: str | None = _filter(
        "Only this outlet's articles (its name, in any case: qa times finds QA Times)."
    )
    date_from: dt.date | None = _filter(
        "Published on or after this day, month or year (YYYY-MM-DD, YYYY-MM, YYYY: from its first day)."
    )
    date_to: dt.date | None = _filter(
        "Published on or before this day, month or year (YYYY-MM-DD, YYYY-MM, YYYY: to its last day)."
    )
    technique: str | None = _filter(
        "Has a span of this technique (its id, PTC-14 or SemEval-2023, or its name, in any case: "
        "loaded language) or of an id it corresponds to in "
        "the other taxonomy: Flag-Waving finds Flag_Waving, Whataboutism finds "
        "Whataboutism,Straw_Men,Red_Herring and that finds Whataboutism, Straw_Man, Red_Herring."
    )
    genre: str | None = _filter(
        "Of this genre (opinion, reporting, satire; its name in any case: Opinion), at even odds "
        "or better; uncertain: the articles whose likeliest genre is under even odds."
    )
    frame: str | None = _filter(
        "Has this frame among its frames (its id or name, in any case: Economic, security and defence)."
    )
    language: str | None = _filter("In this language (en, fr, de, it, pl, ru, or its name: French).")
    min_score: float | None = _filter("Persuasion score at least (0-1).")
    max_score: float | None = _filter("Persuasion score at most (0-1).")
    limit: int = _filter("Articles per page (1-1000).", DEFAULT_PAGE)
    next: str | None = _filter("The page token (`next`) of the previous page.")
    analysis: Literal["newest", "all"] = _filter(
        "Filter on the newest analysis of each article, or on any.", "newest"
    )

    def __post_init__(self) -> None:
        for name in _TEXT_FILTERS:
            if getattr(self, name) == "":
                object.__setattr__(self, name, None)
        # Dates come as text from the CLI and the API: one parser for both (date_bound).
        for name, end in (("date_from", False), ("date_to", True)):
            value: Any = getattr(self, name)
            if isinstance(value, str | dt.datetime):
                object.__setattr__(self, name, date_bound(value, end=end, name=name))
        if self.language is not None:
            # "English", "EN", "ge" are read as the code they name (unspun.languages), as every
            # reader takes them; an unknown one is left to the check below, which names the codes.
            from unspun.languages import ALIASES

            given = self.language.strip().lower()
            object.__setattr__(self, "language", ALIASES.get(given, given))
        # A technique, genre or frame by its display name or in other capitals ("loaded
        # language", "Opinion"), as the language is; one that names none is left to the check
        # below, which says which it was near.
        from unspun.techniques import FRAME_INFO, GENRE_INFO, category_id, technique_id

        if self.technique is not None:
            object.__setattr__(self, "technique", technique_id(self.technique) or self.technique)

        if self.genre is not None and self.genre.strip().casefold() == UNCERTAIN_GENRE:
            object.__setattr__(self, "genre", UNCERTAIN_GENRE)
        for name, categories in (("genre", GENRE_INFO), ("frame", FRAME_INFO)):
            value = getattr(self, name)
            if value is not None and value != UNCERTAIN_GENRE:
                object.__setattr__(self, name, category_id(value, categories) or value)
        # One check for every front-end (CLI, API, page, Python): a filter that can match
        # nothing by construction is the user's mistake, said in one line, not an empty page.
        check_search_query(self)


_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?")


def date_bound(value: str | dt.date | None, *, end: bool = False, name: str = "date") -> dt.date | None:
    """A date filter as given: ``YYYY-MM-DD``, or a month ``YYYY-MM`` or a year ``YYYY``, which
    stand for their first day (``end`` False: a lower bound) or their last (``end`` True: an upper
    bound, so that ``--until 2026-05`` takes in May 31st). None or an empty text is no filter.
    Raises :class:`unspun.errors.FormatError` naming ``name`` (the CLI's ``--since``, the API's
    ``date_from``) for anything else. The one reader of date filters, for every front-end."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    given = value.strip()
    if not given:
        return None
    partial = _PARTIAL_DATE.fullmatch(given)
    try:
        if partial is None:
            return dt.date.fromisoformat(given) if len(given) == 10 else _not_a_date(name, value)
        year, month = int(partial.group(1)), partial.group(2)
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        first = dt.date(year, int(month), 1)
    except ValueError:
        return _not_a_date(name, value)
    if not end:
        return first
    following = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _not_a_date(name: str, value: str) -> dt.date:
    raise FormatError(f"{name} {value!r} is not a date; write it as YYYY-MM-DD, YYYY-MM or YYYY")


MAX_PAGE = 1000
# The genre filter's value for the articles whose likeliest genre is under even odds
# (``Analysis.genre_uncertain``); a genre's id finds the others.
UNCERTAIN_GENRE = "uncertain"
_TEXT_FILTERS = ("text", "outlet", "technique", "genre", "frame", "language", "next")


def search_fields() -> list[tuple[str, Any, Any, str]]:
    """``(name, type, default, help)`` of every :class:`SearchQuery` field, in order: what the
    CLI's options and the API's query parameters are derived from."""
    hints = get_type_hints(SearchQuery)
    return [(f.name, hints[f.name], f.default, f.metadata["help"]) for f in fields(SearchQuery)]


def check_search_query(query: SearchQuery) -> None:
    """Raise :class:`unspun.errors.FormatError` (one line) for a filter no article could match:
    a score outside [0, 1], a lower bound above the upper one, an unknown technique, genre,
    frame or language code, a page size outside 1-1000, an unknown ``analysis`` choice."""
    from unspun.techniques import FRAME_LABELS, GENRE_INFO, PTC14_LABELS, SEMEVAL23_LABELS

    for name, value in (("min_score", query.min_score), ("max_score", query.max_score)):
        if value is not None and not 0 <= value <= 1:
            raise FormatError(f"{name} must be between 0 and 1 (persuasion scores are), got {value:g}")
    if query.min_score is not None and query.max_score is not None and query.min_score > query.max_score:
        raise FormatError(
            f"min_score {query.min_score:g} is above max_score {query.max_score:g}; no article can match"
        )
    if query.date_from is not None and query.date_to is not None and query.date_from > query.date_to:
        raise FormatError(
            f"the start date {query.date_from} is after the end date {query.date_to}; no article can match"
        )
    from unspun.languages import SUPPORTED_LANGUAGES

    # A typo would match nothing, silently (a technique, language, genre or frame name was read
    # as its id or code in __post_init__). A technique is an id of either taxonomy: the multilingual spans (a French article's) are
    # stored with SemEval-2023 ids, and search, profiles and the page show them as they are.
    techniques = PTC14_LABELS + tuple(t for t in SEMEVAL23_LABELS if t not in PTC14_LABELS)
    known: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
        ("technique", query.technique, techniques),
        ("genre", query.genre, (*(g.id for g in GENRE_INFO), UNCERTAIN_GENRE)),
        ("frame", query.frame, FRAME_LABELS),
        ("language", query.language, SUPPORTED_LANGUAGES),
    )
    for kind, given, labels in known:
        if given and given not in labels:
            if kind == "technique":  # ids hold commas (Name_Calling,Labeling): a list of them misleads
                raise unknown_id(
                    kind,
                    given,
                    labels,
                    "give a technique id or name as `unspun techniques` lists it (PTC-14 or SemEval-2023)",
                    example="Loaded_Language",
                )
            raise unknown_id(kind, given, labels, f"give a {kind} id: {', '.join(labels)}")
    if isinstance(query.limit, bool) or not 1 <= query.limit <= MAX_PAGE:
        raise FormatError(f"the page size (limit) must be between 1 and {MAX_PAGE}, got {query.limit}")
    if query.analysis not in ("newest", "all"):
        raise FormatError(f"analysis must be 'newest' or 'all', got {query.analysis!r}")


def unknown_id(
    kind: str, given: str, labels: Sequence[str], advice: str, *, example: str | None = None
) -> FormatError:
    """The one-line error for an id ``given`` that is none of ``labels``: ``unknown <kind>
    '<given>'; did you mean <id>? <advice>``, the hint only when an id is near
    (:func:`closest_id`), and ``, e.g. <id>`` after the advice when an ``example`` is given (the
    near id, else ``example``). The one "did you mean" of the store's filters and feedback."""
    from unspun.errors import FormatError

    near = closest_id(given, labels)
    hint = f"did you mean {near}? " if near else ""
    tail = f", e.g. {near or example}" if example is not None else ""
    return FormatError(f"unknown {kind} {given!r}; {hint}{advice}{tail}")


def outlet_key(name: str) -> str:
    """An outlet's name as names are compared: case folded, runs of spaces as one, no space at
    the ends ("QA Times", "qa times" and " QA  TIMES " are one outlet)."""
    return " ".join(name.split()).casefold()


def same_outlets(given: str, stored: Iterable[str]) -> list[str]:
    """The ``stored`` outlet names that are ``given``: every name of the same :func:`outlet_key`,
    itself among them when stored so. An outlet stored in two spellings ("QA Times", "qa times":
    the writer takes one for the other, ``writer.metadata_conflict``) is one outlet, found and
    counted as one by either spelling."""
    return [name for name in stored if outlet_key(name) == outlet_key(given)]


def unknown_outlet(given: str, stored: Sequence[str]) -> NotFoundError:
    """The one-line error for an outlet no stored article has, naming the near one if any."""
    near = closest_id(given, stored)
    hint = f"did you mean {near!r}? " if near else ""
    return NotFoundError(
        f"no stored article from outlet {given!r}; {hint}list the outlets with unspun outlets or GET /api/outlets"
    )


def closest_id(given: str, labels: Sequence[str]) -> str | None:
    """The id ``given`` was meant to be: the same letters in another case or with other separators
    ("loaded language", "name-calling labeling"), else the one id that starts with them, else the
    one that holds them ("loaded" for Loaded_Language, "fear" for Appeal_to_fear-prejudice: three
    letters at least; an id both taxonomies spell alike counts once, the first given), else the
    nearest spelling; ``None`` if none is near."""
    import difflib

    def key(label: str) -> str:
        return "".join(c for c in label.casefold() if c.isalnum())

    wanted = key(given)
    same = [label for label in labels if key(label) == wanted]
    if same:
        return same[0]
    if len(wanted) >= 3:
        for part_of in (str.startswith, str.__contains__):
            holding = [label for label in labels if part_of(key(label), wanted)]
            if len({key(label) for label in holding}) == 1:  # one technique, maybe in both taxonomies
                return holding[0]
    near = difflib.get_close_matches(wanted, [key(label) for label in labels], n=1, cutoff=0.8)
    return next((label for label in labels if near and key(label) == near[0]), None)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of results: ``items``, and ``next``, the token of the following page (None on
    the last page, as datasette does); ``total`` is the number of matches over all pages."""

    items: list[T]
    next: str | None
    total: int | None = None


@dataclass(frozen=True, slots=True)
class OutletSummary(_Record):
    """An outlet of the store: how many articles, the first and last published dates."""

    outlet: str
    articles: int
    first_published: dt.date | None
    last_published: dt.date | None


@dataclass(frozen=True, slots=True)
class MonthTrend(_Record):
    """One month of an outlet's articles (by published date, ``"YYYY-MM"``)."""

    month: str
    articles: int
    words: int
    spans: int
    spans_per_1000_words: float
    persuasion_median: float | None


@dataclass(frozen=True, slots=True)
class ScoreDistribution(_Record):
    """Persuasion scores of an outlet's articles: how many, quartiles, median, range, mean."""

    n: int
    min: float | None = None
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    max: float | None = None
    mean: float | None = None


@dataclass(frozen=True, slots=True)
class VoiceMeans(_Record):
    """The persuasion in the author's text apart from the quotes (:mod:`unspun.pipeline.voice`),
    over the ``n`` articles of an outlet whose analysis counted it (one stored before has not):
    ``author_span_share``, the mean share of the author's characters inside technique spans;
    ``quoted_span_share``, the same in quoted text, over the ``quoted_n`` articles that quote
    anyone; ``author_spans`` / ``quoted_spans``, the spans counted in each voice, all articles."""

    n: int = 0
    author_span_share: float | None = None
    quoted_n: int = 0
    quoted_span_share: float | None = None
    author_spans: int = 0
    quoted_spans: int = 0


@dataclass(frozen=True, slots=True)
class OutletProfile(_Record):
    """How one outlet persuades, over its stored articles (newest analysis of each).

    ``technique_counts``: technique id to number of spans; ``technique_rates``: spans per 1,000
    words; ``genres`` / ``frames``: label to number of articles, ``genres`` the articles whose
    genre is sure (probability :data:`unspun.document.GENRE_SURE_FROM` or more);
    ``genres_uncertain``: the others, by their likeliest genre (``Analysis.genre_uncertain``:
    the other genres together are likelier); ``trend``: one row per month; ``voices``: the
    persuasion in the author's text and in quotes (:class:`VoiceMeans`).
    """

    outlet: str
    articles: int
    words: int
    spans: int
    technique_counts: dict[str, int]
    technique_rates: dict[str, float]
    genres: dict[str, int]
    frames: dict[str, int]
    persuasion: ScoreDistribution
    trend: list[MonthTrend]
    first_published: dt.date | None
    last_published: dt.date | None
    voices: VoiceMeans = field(default_factory=VoiceMeans)
    genres_uncertain: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Comparison(_Record):
    """Two outlet profiles side by side, and per technique the difference in rate (a - b)."""

    a: OutletProfile
    b: OutletProfile
    rate_difference: dict[str, float]


@dataclass(frozen=True, slots=True)
class QuotedSource(_Record):
    """Who an outlet quotes: a source (its entity's name when linked, else the source text) and
    how often it is quoted, in how many articles."""

    outlet: str | None
    source: str
    entity_type: str | None
    quotes: int
    articles: int


@dataclass(frozen=True, slots=True)
class EntityPortrayal(_Record):
    """How an outlet portrays an entity: in how many articles, and the counts of the sentiments
    and the main roles the analyses gave it."""

    outlet: str | None
    entity: str
    entity_type: str | None
    articles: int
    sentiments: dict[str, int]
    roles: dict[str, int]


@dataclass(frozen=True, slots=True)
class StoreCounts(_Record):
    """Sizes of a store."""

    articles: int
    analyses: int
    feedback: int
    outlets: int


@dataclass(slots=True)
class ReanalyzeSummary(_Record):
    """What :meth:`Store.reanalyze` did: articles seen, analyses added, analyses replaced (by
    the same models: ``force``), up to date, failures (:class:`unspun.runner.Failure` records,
    each ``where`` the stored article's id)."""

    seen: int = 0
    added: int = 0
    replaced: int = 0
    current: int = 0
    failed: list[Failure] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seen": self.seen,
            "added": self.added,
            "replaced": self.replaced,
            "current": self.current,
            "failed": [f.to_dict() for f in self.failed],
        }


class Store(Protocol):
    """A corpus of articles and their analyses. Every method may raise :class:`StoreError`."""

    url: str
    """The database URL, password hidden."""

    def add(self, analysis: Analysis, *, source_id: str | None = None) -> StoredRef:
        """Keep ``analysis`` (and its article, added if new; idempotent by content hash).

        A text is stored once, with one :class:`Appearance` per outlet and url it was published
        at: the same text given another outlet or URL (wire copy) adds an appearance
        (:func:`unspun.store.writer.appearance_of`), the same outlet and URL again adds nothing.
        An appearance's metadata are never overwritten: the same text at a stored outlet and
        URL given another title or published date is refused
        (:class:`unspun.errors.MetadataConflictError`, naming what is stored), never answered
        with values the store does not keep; a field given where the stored one is empty is
        filled in (it replaces nothing); a field left empty (None) means "as stored".

        An analysis with the same models and unspun version as one already kept for the
        article is not added again (``new_analysis`` False); one with other models is added
        beside the older ones, never over them. ``source_id`` is the article's id in its
        source (default: ``analysis.id``). An analysis with errors is refused
        (:class:`unspun.errors.AnalysisError`): failed analyses are reported, not stored.
        """
        ...

    def add_many(self, analyses: Iterable[Analysis], *, replace: bool = False) -> list[StoredRef]:
        """:meth:`add` each, all in one transaction (all or nothing); with ``replace``, an
        analysis by the same models as one stored replaces it (see ``StoredRef.replaced``)."""
        ...

    def add_article(self, article: Article, *, source_id: str | None = None) -> StoredRef:
        """Keep an article without analysis (idempotent by content hash)."""
        ...

    def has(self, content_hash: str) -> bool:
        """Whether an article with this content hash is stored."""
        ...

    def merge_metadata(self, article: Article) -> StoredRef | None:
        """Where ``article``'s text is stored (None: it is not); if it is, the metadata it gives
        are merged as :meth:`add` merges them (another outlet or URL is kept as a new appearance; the fields
        below are then that appearance's): a field stored empty is filled in, one stored with another
        value raises :class:`unspun.errors.MetadataConflictError` (nothing is changed), and the
        fields ``article`` leaves empty are set on it from the store (so its analysis reads as
        stored); the same for its language: another one than stored raises, none given becomes
        the stored one. Adds nothing when the text is not stored. The ref's ``analysis_id`` is
        the newest analysis' and ``new_appearance`` says whether an appearance was added."""
        ...

    def get(self, article_id: str, *, analysis_id: int | None = None) -> StoredAnalysis:
        """The article and its newest analysis (or analysis ``analysis_id``).

        Raises :class:`NotFoundError` for an unknown article or analysis id."""
        ...

    def delete(self, article_id: str, *, url: str | None = None) -> ArticleSummary:
        """Remove the article (by its id or content hash) with every appearance, every analysis
        of it and the feedback on it, and return what it was (its metadata were never to be
        overwritten, so an article stored under a wrong outlet or date is deleted and ingested
        again). With ``url``, remove only its appearance at that url (the text, its analyses and
        its other appearances stay; the last appearance goes with the article), and return the
        article as it now reads.

        Raises :class:`NotFoundError` for an unknown article, or one with no appearance at ``url``."""
        ...

    def search(self, query: SearchQuery) -> Page[ArticleSummary]:
        """The articles matching ``query``, one page at a time (see :class:`SearchQuery`)."""
        ...

    def outlets(self) -> list[OutletSummary]:
        """Every outlet with at least one article, by name."""
        ...

    def profile(self, outlet: str) -> OutletProfile:
        """The profile of ``outlet``; raises :class:`NotFoundError` when it has no article."""
        ...

    def compare(self, a: str, b: str) -> Comparison:
        """Profiles of outlets ``a`` and ``b`` side by side (:class:`NotFoundError` as profile)."""
        ...

    def quoted_sources(self, *, outlet: str | None = None, limit: int = 20) -> list[QuotedSource]:
        """Who is quoted most (per outlet; only ``outlet`` when given), most quoted first."""
        ...

    def entity_portrayals(
        self, *, entity: str | None = None, outlet: str | None = None, limit: int = 50
    ) -> list[EntityPortrayal]:
        """How each outlet portrays each entity (or the one named ``entity``), most articles first."""
        ...

    def add_feedback(self, article_id: str, feedback: Feedback) -> Feedback:
        """Keep ``feedback`` on the article and return it with ``id``, ``article_id``,
        ``analysis_id`` and ``created_at`` set. Raises :class:`NotFoundError` (article) and
        :class:`unspun.errors.FormatError` (offsets outside the text, unknown kind, a missing
        technique for ``added`` / ``corrected``)."""
        ...

    def feedback(self, article_id: str) -> list[Feedback]:
        """The feedback kept on the article, oldest first (:class:`NotFoundError` if unknown)."""
        ...

    def export(self, query: SearchQuery | None = None) -> Iterator[StoredAnalysis]:
        """Every stored article matching ``query`` (default: all) with its newest analysis and
        its feedback, streamed in a stable order (oldest added first)."""
        ...

    def export_feedback(self) -> Iterator[Feedback]:
        """All feedback, oldest first."""
        ...

    def reanalyze(
        self,
        analyser: Analyser,
        *,
        query: SearchQuery | None = None,
        force: bool = False,
        batch_size: int = 8,
        on_progress: Callable[[int], None] | None = None,
    ) -> ReanalyzeSummary:
        """Analyse stored articles again and add the new analyses (committed per batch).

        Articles whose newest analysis already comes from the same models and unspun version
        are left alone unless ``force`` (and even then nothing is overwritten: an identical
        analysis is not added twice). ``on_progress(n)`` is called as articles are done."""
        ...

    def counts(self) -> StoreCounts:
        """How many articles, analyses, feedback records and outlets the store holds."""
        ...

    def close(self) -> None:
        """Release the connections."""
        ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...
