"""The store's read queries: search, outlets, outlet profiles, who is quoted, how entities are portrayed.

Counts, filters and groupings run in SQL over the relational rows of each article's newest
analysis (``articles.newest_analysis_id``). Everything per outlet or per month counts
appearances (``appearances``: a text published by two outlets counts once in each, at each
one's date), and the outlet and date filters of a search match any appearance; only medians and quartiles of the persuasion score
are computed in Python, from one column. Full-text search is the one dialect-specific part:
FTS5 ``MATCH`` on SQLite, ``tsv @@ plainto_tsquery('simple', ...)`` on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    and_,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
)

from unspun.document import GENRE_SURE_FROM
from unspun.errors import FormatError
from unspun.store import paging
from unspun.store import tables as t
from unspun.store.base import (
    UNCERTAIN_GENRE,
    ArticleSummary,
    Comparison,
    EntityPortrayal,
    MonthTrend,
    OutletProfile,
    OutletSummary,
    Page,
    QuotedSource,
    ScoreDistribution,
    SearchQuery,
    VoiceMeans,
    outlet_key,
    same_outlets,
    unknown_outlet,
)
from unspun.store.rows import aware
from unspun.techniques import corresponding, renamed_ptc14

a = t.articles
an = t.analyses
ap = t.appearances
SNIPPET = 200
_WORD = re.compile(r"\w+", re.UNICODE)
_LINE_END = re.compile(r"\s*(\n|$)")
_earlier = ap.alias("earlier")


def once_per_outlet(names: list[str] | None = None) -> ColumnElement[bool]:
    """The appearances an outlet's figures count: its first stored appearance of each text. The
    same text at two urls of one outlet (a moved page, a copy in another section) is one text
    there, not two; another outlet's appearance counts in that outlet (wire copy). ``names``: the
    spellings of one outlet (:func:`outlet_names`), which count a text once among them all ("QA
    Times" at one url, "qa times" at another); without them each stored name is its own. Each
    appearance probes the few others of its article (``ix_appearances_article``)."""
    return ~exists().where(
        _earlier.c.article_pk == ap.c.article_pk,
        _earlier.c.outlet.in_(names) if names is not None else _earlier.c.outlet == ap.c.outlet,
        _earlier.c.id < ap.c.id,
    )


def snippet(text: str, title: str | None) -> str:
    """The first :data:`SNIPPET` characters of ``text`` after its title line: a first line that is
    ``title`` (white space and a byte order mark aside) is left out, since a result shows its
    title already and each read "Title / Title Body..." (QA s48); the CLI, the API and the page
    all show this one. An untitled text, or one whose first line is not its title, keeps it."""
    head = text.removeprefix("\ufeff")
    name = (title or "").strip()
    if name and head.startswith(name) and _LINE_END.match(head, len(name)):
        head = head[len(name) :].lstrip()
    return head[:SNIPPET]


def _fts5_query(query: str) -> str:
    """A user's words as an FTS5 query: every word must occur (each quoted, so no operator of
    the FTS5 syntax in the input is ever obeyed)."""
    words = _WORD.findall(query)
    if not words:
        raise FormatError(f"search text {query!r} has no word to look for")
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def _analysis_ids(query: SearchQuery) -> Any:
    """The analyses a filter reads: the newest of each article, or any of its analyses."""
    if query.analysis == "all":
        return select(an.c.id).where(an.c.article_pk == a.c.pk)
    return None


def _in_scope(column: Any, query: SearchQuery) -> ColumnElement[bool]:
    scope = _analysis_ids(query)
    if scope is None:
        return column == a.c.newest_analysis_id
    return column.in_(scope)


def conditions(connection: Connection, query: SearchQuery) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a :class:`SearchQuery` on ``articles`` (parameterised). Its ids
    and ranges were checked when it was made (:func:`unspun.store.base.check_search_query`)."""
    where: list[ColumnElement[bool]] = []
    if query.text:
        if connection.dialect.name == "postgresql":
            if not _WORD.search(query.text):
                raise FormatError(f"search text {query.text!r} has no word to look for")
            where.append(
                literal_column("articles.tsv").op("@@", return_type=Boolean)(
                    func.plainto_tsquery(literal_column("'simple'::regconfig"), query.text)
                )
            )
        else:
            match: Any = (
                select(literal_column("rowid"))
                .select_from(text("articles_fts"))
                .where(text("articles_fts MATCH :fts_query").bindparams(fts_query=_fts5_query(query.text)))
            )
            # pk + 0: the page is read in date order from its index and each row probed in the
            # match list, instead of every match's row being visited and sorted (0.08 s against
            # 0.9 s for a word in every one of 100,000 articles).
            where.append((a.c.pk + 0).in_(match))
    shown: list[ColumnElement[bool]] = []  # one appearance has the outlet and the dates
    if query.outlet is not None:
        shown.append(ap.c.outlet.in_(outlet_names(connection, query.outlet)))
    if query.date_from is not None:
        shown.append(ap.c.published >= query.date_from)
    if query.date_to is not None:
        shown.append(ap.c.published <= query.date_to)
    if shown:
        # IN, not a correlated EXISTS: the outlet's appearances are read from their index once,
        # not probed for every article of the store.
        where.append(a.c.pk.in_(select(ap.c.article_pk).where(*shown)))
    if query.language is not None:
        where.append(a.c.language == query.language)
    if query.technique is not None:
        s = t.spans
        named = s.c.technique.in_(corresponding(query.technique))  # either taxonomy's ids
        where.append(exists().where(_in_scope(s.c.analysis_id, query), named))
    for task, name in (("genre", query.genre), ("frames", query.frame)):
        if name is not None:
            lab = t.labels.alias(f"label_{task}")
            # a genre at even odds or better; "uncertain": a likeliest genre under even odds
            if task == "genre" and name == UNCERTAIN_GENRE:
                matched: list[ColumnElement[bool]] = [lab.c.score < GENRE_SURE_FROM]
            elif task == "genre":
                matched = [lab.c.name == name, lab.c.score >= GENRE_SURE_FROM]
            else:
                matched = [lab.c.name == name]
            where.append(exists().where(_in_scope(lab.c.analysis_id, query), lab.c.task == task, *matched))
    if query.min_score is not None or query.max_score is not None:
        x = an.alias("scored")
        score = [_in_scope(x.c.id, query)]
        if query.min_score is not None:
            score.append(x.c.persuasion_score >= query.min_score)
        if query.max_score is not None:
            score.append(x.c.persuasion_score <= query.max_score)
        where.append(exists().where(*score))
    return where


def outlet_names(connection: Connection, outlet: str) -> list[str]:
    """The stored outlet names ``outlet`` stands for (:func:`unspun.store.base.same_outlets`):
    those equal to it ignoring case and spacing ("QA Times" and "qa times" for either), the
    spelling first stored first; none when no article has it."""
    names = same_outlets(outlet, _stored_outlets(connection))  # DISTINCT: read off the index
    if len(names) > 1:
        first = {
            name: id
            for name, id in connection.execute(
                select(ap.c.outlet, func.min(ap.c.id)).where(ap.c.outlet.in_(names)).group_by(ap.c.outlet)
            )
        }
        names.sort(key=lambda name: first[name])
    return names


def _stored_outlets(connection: Connection) -> list[str]:
    return list(connection.execute(select(ap.c.outlet).where(ap.c.outlet.is_not(None)).distinct()).scalars())


def newest_first(connection: Connection) -> list[Any]:
    """ORDER BY published date, newest first, undated last, then pk: an index scan on both
    (SQLite sorts NULL lowest, so a plain DESC puts it last; PostgreSQL needs NULLS LAST)."""
    if connection.dialect.name == "postgresql":
        return [a.c.published.desc().nulls_last(), a.c.pk.desc()]
    return [a.c.published.desc(), a.c.pk.desc()]


def _count(connection: Connection, query: SearchQuery, where: list[ColumnElement[bool]]) -> int:
    """The number of matches. A text-only search on SQLite counts in the FTS index alone, without
    visiting one article row per match (the difference between 2 s and 0.1 s for a common word
    in 100,000 articles)."""
    only_text = query.text and len(where) == 1
    if only_text and connection.dialect.name == "sqlite":
        counted = connection.execute(
            select(func.count())
            .select_from(text("articles_fts"))
            .where(text("articles_fts MATCH :fts_query").bindparams(fts_query=_fts5_query(query.text or "")))
        )
        return int(counted.scalar_one())
    return int(connection.execute(select(func.count()).select_from(a).where(*where)).scalar_one())


def search(connection: Connection, query: SearchQuery) -> Page[ArticleSummary]:
    """One page of the articles matching ``query`` (see :class:`SearchQuery`)."""
    where = conditions(connection, query)
    total = _count(connection, query, where)
    page_where = list(where)
    if query.next:
        published, pk = paging.decode(query.next)
        if published is not None:
            page_where.append(
                or_(
                    a.c.published < published,
                    and_(a.c.published == published, a.c.pk < pk),
                    a.c.published.is_(None),
                )
            )
        else:
            page_where.append(and_(a.c.published.is_(None), a.c.pk < pk))
    rows: list[Any] = list(
        connection.execute(
            select(a).where(*page_where).order_by(*newest_first(connection)).limit(query.limit + 1)
        ).all()
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    token = paging.encode(rows[-1].published, rows[-1].pk) if more and rows else None
    items = summaries(connection, rows)
    if query.outlet is not None:
        items = as_shown_by(connection, items, rows, outlet_names(connection, query.outlet))
    return Page(items=items, next=token, total=total)


def as_shown_by(
    connection: Connection, items: list[ArticleSummary], rows: list[Any], names: list[str]
) -> list[ArticleSummary]:
    """``items`` as the outlets ``names`` published them: a wire text found by its second
    outlet is listed with that outlet's url, date and title (its first appearance there), not
    the first outlet's. A title the appearance lacks stays the article's."""
    shown: dict[int, Any] = {}
    if rows and names:
        for found in connection.execute(
            select(ap)
            .where(ap.c.article_pk.in_([r.pk for r in rows]), ap.c.outlet.in_(names))
            .order_by(ap.c.id.desc())
        ):
            shown[found.article_pk] = found  # the first appearance wins: read last
    out = []
    for item, row in zip(items, rows, strict=True):
        app = shown.get(row.pk)
        if app is not None:
            item = replace(
                item, outlet=app.outlet, url=app.url, published=app.published, title=app.title or item.title
            )
        out.append(item)
    return out


def export_chunk(connection: Connection, query: SearchQuery | None, *, after: int, limit: int) -> list[Any]:
    """Up to ``limit`` article rows matching ``query``, after row ``after``, in the order added."""
    where = conditions(connection, query) if query is not None else []
    statement = select(a).where(a.c.pk > after, *where).order_by(a.c.pk).limit(limit)
    return list(connection.execute(statement).all())


def summaries(connection: Connection, rows: list[Any]) -> list[ArticleSummary]:
    """:class:`ArticleSummary` records of article rows, with their newest analysis' headline."""
    newest = [r.newest_analysis_id for r in rows if r.newest_analysis_id is not None]
    heads: dict[int, Any] = {}
    techniques: dict[int, dict[str, int]] = defaultdict(dict)
    unsure: dict[int, bool] = {}  # analysis id -> whether its genre is under even odds
    if newest:
        for h in connection.execute(
            select(an.c.id, an.c.genre, an.c.persuasion_score, an.c.spans).where(an.c.id.in_(newest))
        ):
            heads[h.id] = h
        s = t.spans
        for analysis_id, technique, count in connection.execute(
            select(s.c.analysis_id, s.c.technique, func.count())
            .where(s.c.analysis_id.in_(newest))
            .group_by(s.c.analysis_id, s.c.technique)
            .order_by(s.c.analysis_id, func.count().desc(), s.c.technique)
        ):
            techniques[analysis_id][technique] = int(count)
        lab = t.labels
        for analysis_id, score in connection.execute(
            select(lab.c.analysis_id, lab.c.score).where(lab.c.analysis_id.in_(newest), lab.c.task == "genre")
        ):
            unsure[analysis_id] = score < GENRE_SURE_FROM
    out = []
    for r in rows:
        head = heads.get(r.newest_analysis_id) if r.newest_analysis_id is not None else None
        out.append(
            ArticleSummary(
                article_id=r.id,
                content_hash=r.content_hash,
                source_id=r.source_id,
                title=r.title,
                outlet=r.outlet,
                url=r.url,
                published=r.published,
                language=r.language,
                words=r.words,
                added_at=aware(r.added_at),
                analysis_id=r.newest_analysis_id,
                genre=head.genre if head else None,
                persuasion_score=head.persuasion_score if head else None,
                spans=head.spans if head else 0,
                techniques=dict(techniques.get(r.newest_analysis_id, {})),
                snippet=snippet(r.text, r.title),
                genre_uncertain=unsure.get(r.newest_analysis_id) if head and head.genre else None,
            )
        )
    return out


def outlets(connection: Connection) -> list[OutletSummary]:
    """Every outlet with its number of articles (texts: wire copy counts in each outlet, a text
    at two urls of one outlet once, :func:`once_per_outlet`) and first / last published date
    (of those counted), by name. An outlet stored in several spellings (:func:`outlet_names`) is
    one row, under the spelling first stored, its texts counted once (a second query for it)."""
    figures = (func.count(), func.min(ap.c.published), func.max(ap.c.published))
    rows = connection.execute(
        select(ap.c.outlet, *figures, func.min(ap.c.id))
        .where(ap.c.outlet.is_not(None), once_per_outlet())
        .group_by(ap.c.outlet)
        .order_by(ap.c.outlet)
    ).all()
    spellings: dict[str, list[Any]] = {}
    for row in rows:
        spellings.setdefault(outlet_key(row[0]), []).append(row)
    out = []
    for group in spellings.values():
        outlet, n, first, last, _ = min(group, key=lambda row: row[4])
        if len(group) > 1:
            names = [row[0] for row in group]
            n, first, last = connection.execute(
                select(*figures).where(ap.c.outlet.in_(names), once_per_outlet(names))
            ).one()
        out.append(
            OutletSummary(
                outlet,
                int(n),
                _as_date(first) if first is not None else None,
                _as_date(last) if last is not None else None,
            )
        )
    return out


def _month(connection: Connection) -> Any:
    if connection.dialect.name == "postgresql":
        return func.to_char(ap.c.published, "YYYY-MM")
    return func.strftime("%Y-%m", ap.c.published)


def _distribution(scores: list[float]) -> ScoreDistribution:
    if not scores:
        return ScoreDistribution(n=0)
    ordered = sorted(scores)
    if len(ordered) == 1:
        q1 = median = q3 = ordered[0]
    else:
        q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return ScoreDistribution(
        n=len(ordered),
        min=round(ordered[0], 4),
        q1=round(q1, 4),
        median=round(median, 4),
        q3=round(q3, 4),
        max=round(ordered[-1], 4),
        mean=round(statistics.fmean(ordered), 4),
    )


def _rate(count: int, words: int) -> float:
    return round(1000.0 * count / words, 4) if words else 0.0


def profile(connection: Connection, outlet: str) -> OutletProfile:
    """How ``outlet`` persuades (see :class:`OutletProfile`); ``outlet`` is matched as
    :func:`outlet_names` says, and :class:`unspun.errors.NotFoundError` (naming a near outlet) is
    raised if it has no article.

    Four queries, each one pass over the outlet's appearances, a text once
    (:func:`once_per_outlet`: a text the outlet published at two urls, or under two spellings
    of its name, counts once, in the month of its first appearance there): per month (articles, words, spans,
    dates; undated articles as one group), the persuasion scores with their month (medians and
    quartiles are computed from them), span counts per technique, label counts per task and name.
    """
    names = outlet_names(connection, outlet)
    if not names:
        raise unknown_outlet(outlet, sorted(_stored_outlets(connection)))
    mine = and_(ap.c.outlet.in_(names), once_per_outlet(names))
    month = _month(connection)
    shown = ap.join(a, a.c.pk == ap.c.article_pk)
    joined = shown.outerjoin(an, an.c.id == a.c.newest_analysis_id)
    groups = connection.execute(
        select(
            month,
            func.count(),
            func.sum(a.c.words),
            func.sum(func.coalesce(an.c.spans, 0)),
            func.min(ap.c.published),
            func.max(ap.c.published),
        )
        .select_from(joined)
        .where(mine)
        .group_by(month)
        .order_by(month)
    ).all()
    if not groups:  # removed between the two reads
        raise unknown_outlet(outlet, [])
    scores_by_month: dict[str | None, list[float]] = defaultdict(list)
    for key, score in connection.execute(
        select(month, an.c.persuasion_score)
        .select_from(shown.join(an, an.c.id == a.c.newest_analysis_id))
        .where(mine, an.c.persuasion_score.is_not(None))
    ):
        scores_by_month[key].append(float(score))
    s, lab = t.spans, t.labels
    technique_counts = _as_ptc14(
        (technique, int(count))
        for technique, count in connection.execute(
            select(s.c.technique, func.count())
            .select_from(
                s.join(a, s.c.analysis_id == a.c.newest_analysis_id).join(ap, ap.c.article_pk == a.c.pk)
            )
            .where(mine)
            .group_by(s.c.technique)
        )
    )
    mixes: dict[str, dict[str, int]] = {"genre": {}, "frames": {}, "genre_uncertain": {}}
    # a genre under even odds (Analysis.genre_uncertain) is counted apart, by its likeliest genre
    uncertain = case((and_(lab.c.task == "genre", lab.c.score < GENRE_SURE_FROM), 1), else_=0)
    for task, name, unsure, count in connection.execute(
        select(lab.c.task, lab.c.name, uncertain, func.count())
        .select_from(
            lab.join(a, lab.c.analysis_id == a.c.newest_analysis_id).join(ap, ap.c.article_pk == a.c.pk)
        )
        .where(mine)
        .group_by(lab.c.task, lab.c.name, uncertain)
        .order_by(lab.c.task, func.count().desc(), lab.c.name)
    ):
        mixes.setdefault(f"{task}_uncertain" if unsure else task, {})[name] = int(count)
    trend = [
        MonthTrend(
            month=key,
            articles=int(count),
            words=int(month_words or 0),
            spans=int(month_spans or 0),
            spans_per_1000_words=_rate(int(month_spans or 0), int(month_words or 0)),
            persuasion_median=_distribution(scores_by_month.get(key, [])).median,
        )
        for key, count, month_words, month_spans, _, _ in groups
        if key is not None
    ]
    words = sum(int(g[2] or 0) for g in groups)
    dated = [g for g in groups if g[0] is not None]
    voices = _voices(connection, mine)
    return OutletProfile(
        outlet=names[0],  # the spelling first stored, as the outlets list names it
        articles=sum(int(g[1]) for g in groups),
        words=words,
        spans=sum(technique_counts.values()),
        technique_counts=technique_counts,
        technique_rates={k: _rate(v, words) for k, v in technique_counts.items()},
        genres=mixes["genre"],
        genres_uncertain=mixes["genre_uncertain"],
        frames=mixes["frames"],
        persuasion=_distribution([x for scores in scores_by_month.values() for x in scores]),
        trend=trend,
        first_published=_as_date(min(g[4] for g in dated)) if dated else None,
        last_published=_as_date(max(g[5] for g in dated)) if dated else None,
        voices=voices,
    )


def _as_ptc14(counts: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Span counts per technique with each SemEval-2023 id that is one PTC-14 technique renamed
    (``Flag_Waving``, ``Name_Calling-Labeling``, ``Conversation_Killer``: the multilingual
    model's, a French article's) counted as that PTC-14 id, most first then by id.

    An outlet's English and French articles (or two outlets compared) had "Flag-waving" twice,
    once per taxonomy, and the ids both taxonomies share (``Loaded_Language``) were already one
    row: naming the twins by one id keeps every row one technique. Only one-to-one twins are
    merged, so no figure changes meaning; a SemEval-2023 id that is a part of a PTC-14 class
    (``Straw_Man`` of ``Whataboutism,Straw_Men,Red_Herring``) or has no twin
    (``Appeal_to_Values``) keeps its own row: merging ``Straw_Man`` into the class would lose the
    French article's finer id, and the rows would no longer add up to one count per span. A search
    for a row's id finds the articles that hold it, and those holding an id it corresponds to
    (:func:`unspun.techniques.corresponding`: ``Whataboutism`` finds the English class, the class finds its parts)."""
    twins = renamed_ptc14()
    merged: dict[str, int] = defaultdict(int)
    for technique, count in counts:
        merged[twins.get(technique, technique)] += count
    return dict(sorted(merged.items(), key=lambda item: (-item[1], item[0])))


def _voices(connection: Connection, mine: ColumnElement[bool]) -> VoiceMeans:
    """The means of the voice scores (:mod:`unspun.pipeline.voice`) that the outlet's newest
    analyses hold in their stored JSON (``analyses.data``), in one pass; a mean over no article
    is ``None``. Read from the JSON, so analyses stored before the voices were counted need no
    migration: they are left out (``n``)."""

    def score(name: str) -> ColumnElement[float]:
        return an.c.data[("scores", name)].as_float()

    author, quoted, quoted_chars = (
        score("author_span_share"),
        score("quoted_span_share"),
        score("quoted_chars"),
    )
    in_quotes = case((quoted_chars > 0, quoted), else_=None)
    row = connection.execute(
        select(
            func.count(author),
            func.avg(author),
            func.count(in_quotes),
            func.avg(in_quotes),
            func.sum(score("author_spans")),
            func.sum(score("quoted_spans")),
        )
        .select_from(ap.join(a, a.c.pk == ap.c.article_pk).join(an, an.c.id == a.c.newest_analysis_id))
        .where(mine)
    ).one()
    n, author_mean, quoted_n, quoted_mean, author_spans, quoted_spans = row
    return VoiceMeans(
        n=int(n),
        author_span_share=None if author_mean is None else round(float(author_mean), 4),
        quoted_n=int(quoted_n),
        quoted_span_share=None if quoted_mean is None else round(float(quoted_mean), 4),
        author_spans=int(author_spans or 0),
        quoted_spans=int(quoted_spans or 0),
    )


def _as_date(value: Any) -> dt.date:
    # min()/max() of a date column come back as text from SQLite.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def compare(first: OutletProfile, second: OutletProfile) -> Comparison:
    """Two profiles side by side, with the per-technique difference of rates (first - second)."""
    names = sorted(set(first.technique_rates) | set(second.technique_rates))
    difference = {
        name: round(first.technique_rates.get(name, 0.0) - second.technique_rates.get(name, 0.0), 4)
        for name in names
    }
    return Comparison(a=first, b=second, rate_difference=difference)


def quoted_sources(connection: Connection, *, outlet: str | None, limit: int) -> list[QuotedSource]:
    """Who each outlet quotes most (its ``limit`` most quoted sources), from the attributions;
    an article published by several outlets counts in each (its appearances)."""
    r = t.attributions
    who = func.coalesce(r.c.source_name, r.c.source_text)
    quotes = func.count()
    grouped = (
        select(
            ap.c.outlet.label("outlet"),
            who.label("source"),
            func.max(r.c.source_type).label("source_type"),
            quotes.label("quotes"),
            func.count(func.distinct(ap.c.id)).label("articles"),
            func.row_number().over(partition_by=ap.c.outlet, order_by=(quotes.desc(), who)).label("rank"),
        )
        .select_from(r.join(a, r.c.analysis_id == a.c.newest_analysis_id).join(ap, ap.c.article_pk == a.c.pk))
        .where(
            r.c.source_text.is_not(None),
            once_per_outlet(),
            *([ap.c.outlet.in_(outlet_names(connection, outlet))] if outlet is not None else []),
        )
        .group_by(ap.c.outlet, who)
        .subquery()
    )
    rows = connection.execute(
        select(grouped)
        .where(grouped.c.rank <= limit)
        .order_by(grouped.c.outlet, grouped.c.quotes.desc(), grouped.c.source)
    )
    return [
        QuotedSource(row.outlet, row.source, row.source_type, int(row.quotes), int(row.articles))
        for row in rows
    ]


def entity_portrayals(
    connection: Connection, *, entity: str | None, outlet: str | None, limit: int
) -> list[EntityPortrayal]:
    """Per outlet and entity: the articles naming it and the sentiments and roles it was given."""
    e = t.entities
    where: list[ColumnElement[bool]] = [once_per_outlet()]
    if entity is not None:
        where.append(func.lower(e.c.name) == entity.lower())
    if outlet is not None:
        where.append(ap.c.outlet.in_(outlet_names(connection, outlet)))
    joined = e.join(a, e.c.analysis_id == a.c.newest_analysis_id).join(ap, ap.c.article_pk == a.c.pk)
    heads = connection.execute(
        select(ap.c.outlet, e.c.name, func.max(e.c.type), func.count(func.distinct(ap.c.id)))
        .select_from(joined)
        .where(*where)
        .group_by(ap.c.outlet, e.c.name)
        .order_by(func.count(func.distinct(ap.c.id)).desc(), e.c.name)
        .limit(limit)
    ).all()
    counts: dict[str, dict[tuple[str | None, str], Counter[str]]] = {"sentiment": {}, "role": {}}
    for column in ("sentiment", "role"):
        for row_outlet, name, value, count in connection.execute(
            select(ap.c.outlet, e.c.name, e.c[column], func.count())
            .select_from(joined)
            .where(*where, e.c[column].is_not(None))
            .group_by(ap.c.outlet, e.c.name, e.c[column])
        ):
            counts[column].setdefault((row_outlet, name), Counter())[value] = int(count)
    return [
        EntityPortrayal(
            outlet=row_outlet,
            entity=name,
            entity_type=entity_type,
            articles=int(n),
            sentiments=dict(counts["sentiment"].get((row_outlet, name), Counter()).most_common()),
            roles=dict(counts["role"].get((row_outlet, name), Counter()).most_common()),
        )
        for row_outlet, name, entity_type, n in heads
    ]
