"""The REST API routes (``/api/...``): thin glue over the library and the store.

Each route parses its input, calls one library or :class:`unspun.store.Store` function and
returns JSON. Store calls block, so the routes that make them are plain ``def`` functions,
which FastAPI runs in its thread pool; analyses go to the bounded
:class:`unspun.server.worker.AnalysisPool`. Errors are raised, never returned: the handlers of
:mod:`unspun.server.errors` answer them in the one shape.

Analysis-shaped answers (``POST /api/analyze``, ``GET /api/articles/{id}``) are the
``unspun analyze --format json`` object itself (plus ``article_id`` and the stored extras);
every other answer is an object with ``"ok": true``. Lists are paged as datasette pages: the
answer carries ``next`` (an opaque token; pass it back as ``?next=``) and ``next_url`` (this
request's URL with that token), both null on the last page.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterator
from dataclasses import replace
from typing import Annotated, Any, Literal, get_args

import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from unspun.document import Analysis, AnalysisRecord, Article, web_address
from unspun.errors import FormatError
from unspun.server.errors import error_body
from unspun.store.base import (
    ArticleSummary,
    Comparison,
    Feedback,
    OutletProfile,
    OutletSummary,
    SearchQuery,
    Store,
    search_fields,
)


def _query_names(dependant: Any) -> set[str]:
    """The query parameters a route takes: its own and those of its dependencies."""
    names = {param.alias for param in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _query_names(dependency)
    return names


def known_parameters(request: Request) -> None:
    """Refuse a query parameter the route does not take: a misspelt or CLI-named filter
    (``?since=``, ``?outlt=``) was ignored, answering every article as if it had filtered them.

    Raises:
        FormatError: an unknown parameter (a 422 naming it and the parameters the route takes).
    """
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return
    known = _query_names(dependant)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        takes = f"it takes {', '.join(sorted(known))}" if known else "it takes none"
        raise FormatError(f"unknown query parameter {unknown[0]!r} for {request.url.path}; {takes}")


router = APIRouter(prefix="/api", dependencies=[Depends(known_parameters)])

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": reason, "content": {"application/json": {"example": error_body(status)}}}
    for status, reason in (
        (401, "A write without the server's bearer token"),
        (404, "No such article, outlet or route"),
        (409, "The text is stored with other metadata (title, outlet, url, published)"),
        (413, "Request body over the limit"),
        (422, "Invalid request"),
        (500, "Internal error (details in the server log only)"),
        (503, "Busy, or the store is unavailable"),
    )
}

# What the analysis routes answer, for /openapi.json (a client generated from it gets the
# analysis typed): the analysis record, the JSON Schema `unspun schema` prints; a stored one
# adds what StoredAnalysis.to_dict adds.
ANALYSIS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": AnalysisRecord,
        "description": "The `unspun analyze --format json` object (JSON Schema: `unspun schema`)",
    },
    **ERROR_RESPONSES,
}
StoredAnalysisRecord = create_model(
    "StoredAnalysisRecord",
    __base__=AnalysisRecord,
    __doc__="A stored article's analysis: the analysis record and where it is in the store.",
    analysis_id=(int, Field(description="The analysis shown (its id in the store).")),
    added_at=(str, Field(description="When the article was stored (ISO date-time).")),
    history=(list[dict[str, Any]], Field(description="Every analysis of the article, newest first.")),
    feedback=(list[dict[str, Any]], Field(description="The feedback given on the article, oldest first.")),
    appearances=(
        list[dict[str, Any]],
        Field(description="Every outlet and url the text was published at, first stored first."),
    ),
)
ArticlePage = create_model(
    "ArticlePage",
    __doc__="A page of stored articles (datasette's paging: request next_url for the next page).",
    ok=(bool, ...),
    articles=(list[ArticleSummary], ...),
    total=(int, Field(description="How many articles match in all.")),
    next=(str | None, Field(description="The token of the next page; null on the last.")),
    next_url=(str | None, Field(description="This URL with next set; null on the last page.")),
)
Outlets = create_model(
    "Outlets", __doc__="Every outlet of the store.", ok=(bool, ...), outlets=(list[OutletSummary], ...)
)


def _answers(model: Any, description: str) -> dict[int | str, dict[str, Any]]:
    """A route's responses for /openapi.json: ``model`` answered with 200, and the errors."""
    return {200: {"model": model, "description": description}, **ERROR_RESPONSES}


STORED_ANALYSIS_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ANALYSIS_RESPONSES,
    200: {"model": StoredAnalysisRecord, "description": "The stored analysis"},
}


class _Request(BaseModel):
    """A JSON request body: unknown fields refused, every string valid Unicode without NUL."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _valid_text(cls, value: Any) -> Any:
        # JSON may escape half a UTF-16 pair ("\ud800") or a NUL ("\u0000"): no article holds
        # one, the answer (UTF-8) could not carry the first, and PostgreSQL cannot store the second.
        if isinstance(value, str):
            if "\x00" in value:
                raise ValueError("holds a NUL character (\\u0000); remove it")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(
                    "holds an unpaired UTF-16 surrogate (a \\ud800-\\udfff escape); send valid Unicode"
                ) from None
        return value


class AnalyzeRequest(_Request):
    """An article to analyse (and, with ``store``, keep)."""

    text: str = Field(description="The article text, or an HTML page (its main text is extracted).")
    title: str | None = Field(
        None,
        description="Title (default: the first line when a blank line follows and it reads as a headline: "
        "25 words at most, one sentence, no full stop at its end).",
    )
    outlet: str | None = None
    url: str | None = Field(None, description="The article's web address (http or https).")
    published: str | None = Field(
        None, description="Publication date: YYYY-MM-DD, YYYY-MM, an ISO date-time."
    )
    id: str | None = Field(None, description="The article's id in its source (default: 'text').")
    lang: str | None = Field(
        None,
        description="The text's language (en, fr, de, it, pl, ru), instead of detecting it; "
        "unset or empty: detect.",
    )
    store: bool = Field(False, description="Keep the article and its analysis in the store.")
    markdown: bool = Field(
        False,
        description="Read the text as Markdown, as unspun analyze reads a .md file (its prose: "
        "markup and code blocks left out), whatever it opens with; unset: Markdown only when it "
        "opens with front matter or a # heading.",
    )
    min_score: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Leave out the technique spans scoring below this, as unspun analyze --min-score "
        "(the persuasion score counts them all; a stored analysis keeps them all).",
    )

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        # Only a web address: a page linking the article must never get javascript: or data:.
        if value is None or not value.strip():
            return None
        address = web_address(value)
        if address is None:
            raise ValueError("must be a web address starting with http:// or https://")
        return address


class FeedbackRequest(_Request):
    """A reader's correction of an article's newest (or a given) analysis."""

    kind: Literal["wrong", "added", "corrected"]
    start: int | None = Field(
        None, ge=0, description="Code-point offset of the span's start in the article text (or give span_id)."
    )
    end: int | None = Field(
        None, gt=0, description="Code-point offset of the span's end, exclusive (or give span_id)."
    )
    technique: str | None = Field(None, description="The technique id (added / corrected).")
    span_id: str | None = Field(
        None, description="The analysed span's id (wrong / corrected): its offsets are the span's."
    )
    original: str | None = Field(None, description="The technique the analysis gave.")
    author: str | None = None
    note: str | None = None
    analysis_id: int | None = None

    @model_validator(mode="after")
    def _offsets_or_span_id(self) -> FeedbackRequest:
        # The store reads a span's offsets from its id (docs/api.md: "[start, end) (or span_id)").
        if (self.start is None or self.end is None) and self.span_id is None:
            raise ValueError("give the span's start and end (code-point offsets), or its span_id")
        return self

    def to_feedback(self) -> Feedback:
        """The store's record; offsets left out are the named span's (set by the store)."""
        data = self.model_dump()
        data["start"] = 0 if self.start is None else self.start
        data["end"] = 0 if self.end is None else self.end
        return Feedback(**data)


def get_store(request: Request) -> Store:
    """The app's store (opened on first use)."""
    store: Store = request.app.state.unspun.store()
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def make_article(body: AnalyzeRequest) -> Article:
    """The :class:`Article` of a request, read as :func:`unspun.analyze` reads a string.

    With ``markdown`` the text is read as Markdown whatever it opens with.

    Raises :class:`unspun.errors.EmptyInputError` (blank text, Markdown with no prose),
    :class:`unspun.errors.FormatError` (a bad ``published`` date) and
    :class:`unspun.errors.LanguageNotSupportedError` (a ``lang`` unspun has no model for)."""
    from unspun.languages import normalise_language
    from unspun.readers.dispatch import read_string
    from unspun.readers.text import parse_published

    # Checked first: a language no model reads is refused before the text is read.
    language = normalise_language(body.lang) if body.lang and body.lang.strip() else None
    # markdown: a .md file that opens with prose ("The **deal** is ..."), which the sniffing rule
    # of read_string would read as plain text, its markup and code blocks analysed as words.
    article = read_string(body.text, id=body.id or "text", markdown=body.markdown)
    if language is not None:
        # The shared pipeline's language detector keeps a language set on the article (as
        # --lang does), so no pipeline per language is loaded.
        article.language = language
    if body.title is not None:
        article.title = body.title
    article.outlet = body.outlet if body.outlet is not None else article.outlet
    article.url = body.url if body.url is not None else article.url
    if body.published is not None:
        article.published = parse_published(body.published, where="field 'published'")
    return article


@router.post("/analyze", responses=ANALYSIS_RESPONSES, summary="Analyse an article (and keep it)")
async def analyze(body: AnalyzeRequest, request: Request) -> JSONResponse:
    """The ``unspun analyze --format json`` object of the text, plus ``article_id``
    and ``appearances`` (as GET /api/articles/{id} lists them) when ``store``
    is true. Runs in the analysis worker pool (503 when busy, 504 past the limit).

    Storing a text that is already stored never overwrites its metadata. From another outlet or
    url it is kept as another appearance of the text (wire copy). At a stored appearance (its
    url, or its outlet) with another ``title`` or ``published`` date, or at a stored url under
    another outlet, it is 409: leave those fields out, or give the stored values. A field the
    stored text was kept without (a title, a date) is filled in."""
    state = request.app.state.unspun
    # Reading (HTML extraction), serialising and storing are CPU or I/O work: off the event loop.
    article = await anyio.to_thread.run_sync(make_article, body)
    check_text_length(article, state.settings.max_text_chars, state.settings.analysis_timeout)
    # An unreachable store, or a stored text given other metadata (409), fails the request
    # before any analysis work is spent on it; Store.add checks the metadata again.
    store = await anyio.to_thread.run_sync(state.store) if body.store else None
    if store is not None:
        await anyio.to_thread.run_sync(store.merge_metadata, article)
    analysis: Analysis = await state.pool.analyze(article)
    return await anyio.to_thread.run_sync(_analysis_answer, analysis, store, body.min_score)


def check_text_length(article: Article, limit: int, timeout: float) -> None:
    """Raise :class:`unspun.errors.InputTooLargeError` (413) for an article text over ``limit``
    characters: its analysis could not finish within the ``timeout`` seconds."""
    from unspun.errors import InputTooLargeError

    if len(article.text) > limit:
        raise InputTooLargeError(
            f"the article text is {len(article.text):,} characters, over the {limit:,} this server "
            f"analyses within its {timeout:.0f} s time limit; send a shorter text, or use "
            "unspun analyze / unspun batch, which have no time limit"
        )


def _analysis_answer(analysis: Analysis, store: Store | None, min_score: float = 0.0) -> JSONResponse:
    analysis.raise_for_errors()
    data = analysis.above(min_score).to_dict()
    if store is not None:
        ref = store.add(analysis)
        data["article_id"] = ref.article_id
        # where the text was published, as GET /api/articles/{id} lists it (this appearance and
        # any other outlet's or url's: wire copy)
        data["appearances"] = [p.to_dict() for p in store.get(ref.article_id).appearances]
    return JSONResponse(data)


# The query parameters are SearchQuery's fields (their types, defaults and help), as the CLI's
# options are: declared once; ``text`` is ``q``. Their ranges are checked by SearchQuery itself
# (the CLI's check, the same message, a 422 in one line). An empty parameter is no filter, as an
# empty form field means (``?outlet=`` matched no article).
API_NAMES = {"text": "q"}


def search_query(**given: Any) -> SearchQuery:
    """The :class:`SearchQuery` of a request's query parameters (its signature is derived from
    :func:`unspun.store.base.search_fields` below)."""
    return SearchQuery(**{name: given[API_NAMES.get(name, name)] for name, *_ in search_fields()})


search_query.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        inspect.Parameter(
            API_NAMES.get(name, name),
            inspect.Parameter.KEYWORD_ONLY,
            default=default,
            # a date as text: SearchQuery reads it (date_bound, the CLI's reader: a month or a year too)
            annotation=Annotated[
                str | None if dt.date in get_args(kind) else kind, Query(description=help_text)
            ],
        )
        for name, kind, default, help_text in search_fields()
    ]
)


QueryDep = Annotated[SearchQuery, Depends(search_query)]

# The export streams every match: it takes the filters, not the paging (a ``limit`` or ``next``
# it would not read is refused as unknown, never ignored).
PAGING = ("limit", "next")


def export_query(**given: Any) -> SearchQuery:
    """The :class:`SearchQuery` of an export's filters (every match: no page size or token)."""
    return SearchQuery(
        **{name: given[API_NAMES.get(name, name)] for name, *_ in search_fields() if name not in PAGING}
    )


export_query.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [p for p in search_query.__signature__.parameters.values() if p.name not in PAGING]  # type: ignore[attr-defined]
)
ExportQueryDep = Annotated[SearchQuery, Depends(export_query)]


def _page(store: Store, query: SearchQuery, request: Request) -> JSONResponse:
    page = store.search(query)
    next_url = str(request.url.include_query_params(next=page.next)) if page.next else None
    return JSONResponse(
        {
            "ok": True,
            "articles": [item.to_dict() for item in page.items],
            "total": page.total,
            "next": page.next,
            "next_url": next_url,
        }
    )


@router.get(
    "/articles",
    responses=_answers(ArticlePage, "A page of articles"),
    summary="List stored articles (paged, filtered)",
)
def list_articles(store: StoreDep, query: QueryDep, request: Request) -> JSONResponse:
    """Stored articles, newest published first, with the filters given; ``q`` searches the text."""
    return _page(store, query, request)


@router.get(
    "/search",
    responses=_answers(ArticlePage, "A page of articles"),
    summary="Full-text search of the stored articles",
)
def search(store: StoreDep, query: QueryDep, request: Request) -> JSONResponse:
    """The stored articles whose text holds every word of ``q``, with the filters of
    ``/api/articles``; every article when ``q`` is not given, as ``unspun search`` lists them with
    no query (both are :meth:`unspun.store.base.Store.search` of the same :class:`SearchQuery`)."""
    return _page(store, query, request)


ArticleId = Annotated[str, Path(description="The store's article id (16 hex digits).")]


@router.get(
    "/articles/{article_id}",
    responses=STORED_ANALYSIS_RESPONSES,
    summary="One stored article and its analysis",
)
def get_article(
    article_id: ArticleId,
    store: StoreDep,
    analysis_id: Annotated[int | None, Query(description="An older analysis (default: the newest).")] = None,
    corrected: Annotated[bool, Query(description="Apply the feedback to the spans.")] = False,
) -> JSONResponse:
    """The ``unspun analyze --format json`` object of the article's analysis, plus
    ``article_id``, ``analysis_id``, ``added_at``, ``history``, ``feedback`` and ``appearances``."""
    stored = store.get(article_id, analysis_id=analysis_id)
    if corrected:
        from unspun.store.feedback import apply_feedback

        stored = _with_analysis(stored, apply_feedback(stored.analysis, stored.feedback))
    return JSONResponse(stored.to_dict())


def _with_analysis(stored: Any, analysis: Analysis) -> Any:
    return replace(stored, analysis=analysis)


@router.delete("/articles/{article_id}", responses=ERROR_RESPONSES, summary="Delete a stored article")
def delete_article(
    article_id: ArticleId,
    store: StoreDep,
    url: Annotated[
        str | None,
        Query(
            description="Only the article's appearance at this url (its text, analyses and other "
            "appearances stay; the article goes with its last appearance)."
        ),
    ] = None,
) -> JSONResponse:
    """Take the article out of the store, with every appearance, every analysis of it and its
    feedback (as ``unspun delete``); answers what it was (``deleted``: its metadata, as listed by
    search). With ``url``, only that appearance (as ``unspun delete --url``); answers the
    article as it now reads."""
    return JSONResponse({"ok": True, "deleted": store.delete(article_id, url=url).to_dict()})


@router.post(
    "/articles/{article_id}/feedback",
    status_code=201,
    responses=ERROR_RESPONSES,
    summary="Correct a stored article's analysis",
)
def add_feedback(article_id: ArticleId, body: FeedbackRequest, store: StoreDep) -> JSONResponse:
    """Keep a span marked wrong, a missing span added or a technique corrected; answers the
    kept feedback (with its ``id``, ``analysis_id`` and ``created_at``)."""
    kept = store.add_feedback(article_id, body.to_feedback())
    return JSONResponse({"ok": True, "feedback": kept.to_dict()}, status_code=201)


@router.get("/articles/{article_id}/feedback", responses=ERROR_RESPONSES, summary="Feedback on an article")
def list_feedback(article_id: ArticleId, store: StoreDep) -> JSONResponse:
    """The feedback kept on the article, oldest first."""
    return JSONResponse({"ok": True, "feedback": [f.to_dict() for f in store.feedback(article_id)]})


@router.get("/outlets", responses=_answers(Outlets, "The outlets"), summary="The outlets of the store")
def outlets(store: StoreDep) -> JSONResponse:
    """Every outlet with at least one stored article, by name."""
    return JSONResponse({"ok": True, "outlets": [o.to_dict() for o in store.outlets()]})


@router.get(
    "/outlets/{name:path}/profile",
    responses=_answers(OutletProfile | Comparison, "The profile, or with compare the two side by side"),
    summary="How an outlet persuades",
)
def profile(
    name: Annotated[str, Path(description="The outlet's name, as in /api/outlets (URL-encoded).")],
    store: StoreDep,
    compare: Annotated[str | None, Query(description="Another outlet to compare side by side.")] = None,
) -> JSONResponse:
    """The outlet's profile (articles, words, technique counts and rates per 1,000 words, genre
    and frame mix, persuasion score distribution, trend by month); with ``compare``, both
    profiles as ``a`` and ``b`` and per technique the rate difference (a - b)."""
    if compare:
        return JSONResponse({"ok": True, **store.compare(name, compare).to_dict()})
    return JSONResponse({"ok": True, **store.profile(name).to_dict()})


EXPORT_FILES = {"jsonl": "unspun.jsonl", "ptc": "unspun-ptc.tsv", "labelstudio": "unspun-labelstudio.json"}
EXPORT_MEDIA = {
    "jsonl": "application/x-ndjson",
    "ptc": "text/tab-separated-values; charset=utf-8",
    "labelstudio": "application/json",
}


@router.get(
    "/export",
    responses={
        200: {
            "description": "jsonl: one analysis object a line; ptc: a TSV; labelstudio: a JSON list of tasks",
            "content": {media.split(";")[0]: {} for media in EXPORT_MEDIA.values()},
        },
        **ERROR_RESPONSES,
    },
    summary="Export the stored articles (streamed)",
)
def export(
    store: StoreDep,
    query: ExportQueryDep,
    format: Annotated[Literal["jsonl", "ptc", "labelstudio"], Query(description="Export format.")] = "jsonl",
    with_feedback: Annotated[bool, Query(description="jsonl: add each article's feedback.")] = False,
) -> StreamingResponse:
    """Every stored article matching the filters, streamed as it is read
    (:func:`unspun.store.export.export_chunks`): ``jsonl`` (one ``unspun analyze --format json``
    object per line, plus ``article_id`` and ``content_hash``), ``ptc`` (the PTC
    technique-classification TSV: article id, technique, start, end) or ``labelstudio`` (a JSON
    list of Label Studio tasks with pre-annotations; the labelling config is
    ``/api/export/labelstudio-config``)."""
    from unspun.store.export import export_chunks

    chunks = _first(export_chunks(store, format, query=query, with_feedback=with_feedback))
    return StreamingResponse(
        chunks,
        media_type=EXPORT_MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{EXPORT_FILES[format]}"'},
    )


@router.get(
    "/export/labelstudio-config",
    responses=ERROR_RESPONSES,
    summary="The Label Studio labelling config of the export",
    response_class=Response,
)
def labelstudio_config() -> Response:
    """The labelling config (XML) to create a Label Studio project for ``format=labelstudio``."""
    from unspun.store.labelstudio import labelling_config

    return Response(labelling_config(), media_type="application/xml")


def _first(chunks: Iterator[str]) -> Iterator[str]:
    """``chunks`` with the first one computed now (raising now), the rest lazily."""
    try:
        head = next(chunks)
    except StopIteration:
        return iter(())

    def rest() -> Iterator[str]:
        yield head
        yield from chunks

    return rest()
