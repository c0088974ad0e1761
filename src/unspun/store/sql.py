"""The SQL store: one code path for SQLite and PostgreSQL (SQLAlchemy 2 Core).

Dialect-specific only where it must be: JSONB instead of JSON and full-text search (FTS5 /
tsvector, see :mod:`unspun.store.queries`). Every statement is parameterised. Each public
method runs in its own transaction, so one :class:`SqlStore` can be shared by the threads
of a server; :meth:`SqlStore.add_many` commits a whole batch at once or nothing of it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, event, func, insert, select, text
from sqlalchemy import delete as sql_delete
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError

from unspun.document import Analysis, Article
from unspun.errors import MetadataConflictError, NotFoundError, StoreError
from unspun.extras import needs_extra
from unspun.store import queries
from unspun.store import tables as t
from unspun.store.appearance import appearances_of
from unspun.store.base import (
    Analyser,
    AnalysisInfo,
    ArticleSummary,
    Comparison,
    EntityPortrayal,
    Feedback,
    OutletProfile,
    OutletSummary,
    Page,
    QuotedSource,
    ReanalyzeSummary,
    SearchQuery,
    StoreCounts,
    StoredAnalysis,
    StoredRef,
)
from unspun.store.feedback import check_feedback
from unspun.store.rows import (
    ID_LENGTH,
    METADATA,
    analysis_from_row,
    aware,
    bare_analysis,
    model_key,
    now,
)
from unspun.store.writer import write_analyses, write_articles

EXPORT_CHUNK = 200


def engine_url(url: str) -> str:
    """The SQLAlchemy URL of a store URL: a plain path is a SQLite file; ``postgresql://`` and
    ``postgres://`` use psycopg 3. Raises :class:`StoreError` for any other kind."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser()}"
    scheme, rest = url.split("://", 1)
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return f"postgresql+psycopg://{rest}"
    if scheme == "sqlite":
        return url
    raise StoreError(
        f"unknown database URL scheme {scheme!r}; use sqlite:///path/to/file.db or postgresql://user@host/db"
    )


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite store URL (None for another database or an in-memory SQLite).
    Raises :class:`StoreError` as :func:`engine_url` does."""
    try:
        parsed = make_url(engine_url(url))
    except ArgumentError as error:
        raise StoreError(f"database URL {url!r} is not valid: {error}") from error
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).expanduser()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the writer; a kill -9 loses nothing committed.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class SqlStore:
    """A :class:`unspun.store.base.Store` on a SQL database (see the module docstring)."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        target = engine_url(url)
        try:
            parsed = make_url(target)
        except ArgumentError as error:
            raise StoreError(f"database URL {url!r} is not valid: {error}") from error
        self.url = parsed.render_as_string(hide_password=True)
        if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
            try:
                Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"cannot create the folder of {parsed.database}: {error.strerror}"
                ) from error
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if parsed.get_backend_name() == "postgresql":
            kwargs["connect_args"] = {"connect_timeout": 10}
        with needs_extra("a PostgreSQL store", "postgres"):  # psycopg is imported here
            self.engine = create_engine(parsed, **kwargs)
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._write_lock = threading.Lock()
        if migrate:
            from unspun.store.migrate import upgrade

            try:
                upgrade(self.engine)
            except StoreError:
                self.engine.dispose()
                raise
            except SQLAlchemyError as error:
                self.engine.dispose()
                raise StoreError(f"cannot open the store {self.url}: {_reason(error)}") from error

    # -- context and lifetime -------------------------------------------------------------

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"SqlStore({self.url!r})"

    def _begin(self) -> Any:
        return _Transaction(self)

    def _connect(self) -> Any:
        return _Transaction(self, write=False)

    # -- writing ----------------------------------------------------------------------------

    def add(self, analysis: Analysis, *, source_id: str | None = None) -> StoredRef:
        with self._begin() as connection:
            ref = write_analyses(connection, self.dialect, [(analysis, source_id)])[0]
        self._keep_statistics()
        return ref

    def add_many(self, analyses: Iterable[Analysis], *, replace: bool = False) -> list[StoredRef]:
        items = [(analysis, None) for analysis in analyses]
        if not items:
            return []
        with self._begin() as connection:
            refs = write_analyses(connection, self.dialect, items, replace=replace)
        self._keep_statistics()
        return refs

    def _keep_statistics(self) -> None:
        """Query plans come from table statistics that ANALYZE makes: without them SQLite reads
        every label of the store for one outlet's profile, and PostgreSQL (whose autovacuum lags a
        bulk load) picks a nested loop for filtered searches. Refreshed each time the store has
        doubled since the last ANALYZE (from 1,000 articles on): O(log n) runs in all."""
        with self._begin() as connection:
            size = connection.execute(select(func.max(t.articles.c.pk))).scalar() or 0
            if size < 1000:
                return
            if self.dialect == "sqlite":
                has_stats = connection.execute(
                    text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
                ).scalar()
                stat = (
                    connection.execute(
                        text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'articles' LIMIT 1")
                    ).scalar()
                    if has_stats
                    else None
                )
                analysed = int(str(stat).split()[0]) if stat else 0
            elif self.dialect == "postgresql":
                # reltuples: the row count the last ANALYZE saw (-1 or 0 before the first).
                tuples = connection.execute(
                    text("SELECT reltuples FROM pg_class WHERE oid = to_regclass('articles')")
                ).scalar()
                analysed = max(0, int(tuples or 0))
            else:
                return
            if size > 2 * analysed:
                tables = ", ".join(t.metadata.tables) if self.dialect == "postgresql" else ""
                connection.execute(text(f"ANALYZE {tables}".strip()))

    def add_article(self, article: Article, *, source_id: str | None = None) -> StoredRef:
        with self._begin() as connection:
            [written] = write_articles(connection, self.dialect, [(article, source_id)])
            digest = article.content_hash
            return StoredRef(
                digest[:ID_LENGTH], digest, None, written.new, False, new_appearance=written.new_appearance
            )

    # -- reading ----------------------------------------------------------------------------

    def has(self, content_hash: str) -> bool:
        with self._connect() as connection:
            found = connection.execute(
                select(t.articles.c.pk).where(t.articles.c.content_hash == content_hash)
            ).first()
            return found is not None

    def merge_metadata(self, article: Article) -> StoredRef | None:
        with self._begin() as connection:
            found = connection.execute(
                select(
                    t.articles.c.pk, t.articles.c.id, t.articles.c.language, t.articles.c.newest_analysis_id
                ).where(t.articles.c.content_hash == article.content_hash)
            ).first()
            if found is None:
                return None
            # A language given (the API's lang) other than the stored one would be analysed and
            # answered, but not kept (one analysis per text and models): refused as metadata are.
            if article.language is not None and found.language not in (None, article.language):
                raise MetadataConflictError(
                    f"article {found.id} is already stored in language {found.language!r}, not "
                    f"{article.language!r}: a stored text is analysed in the language it was stored "
                    f"with; leave out lang (or give {found.language!r}) to store it again"
                )
            if article.language is None:
                article.language = found.language
            # checks, fills, adds at most an appearance (another outlet or url: wire copy)
            [written] = write_articles(connection, self.dialect, [(article, None)])
        for name in METADATA:  # and the article gets what it left out: it reads as stored
            if getattr(article, name) is None:
                setattr(article, name, written.appearance[name])
        digest = article.content_hash
        return StoredRef(
            found.id, digest, found.newest_analysis_id, False, False, new_appearance=written.new_appearance
        )

    def _article_by_id(self, connection: Connection, article_id: str) -> Any:
        column = t.articles.c.content_hash if len(article_id) == 64 else t.articles.c.id
        row = connection.execute(select(t.articles).where(column == article_id)).first()
        if row is None:
            raise NotFoundError(
                f"no stored article {article_id!r}; list them with unspun search or GET /api/articles"
            )
        return row

    def get(self, article_id: str, *, analysis_id: int | None = None) -> StoredAnalysis:
        with self._connect() as connection:
            article = self._article_by_id(connection, article_id)
            wanted = analysis_id if analysis_id is not None else article.newest_analysis_id
            analysis: Analysis
            if wanted is None:
                analysis = bare_analysis(article)
            else:
                found = connection.execute(
                    select(t.analyses.c.data).where(
                        t.analyses.c.id == wanted, t.analyses.c.article_pk == article.pk
                    )
                ).first()
                if found is None:
                    raise NotFoundError(
                        f"article {article.id} has no analysis {wanted}; see its history for the ids"
                    )
                analysis = analysis_from_row(found.data, article.text, article)
            summary = queries.summaries(connection, [article])[0]
            return StoredAnalysis(
                summary=summary,
                analysis=analysis,
                analysis_id=wanted,
                history=self._history(connection, article.pk, article.id),
                feedback=self._feedback(connection, article.pk, article.id),
                appearances=appearances_of(connection, [article.pk]).get(article.pk, []),
            )

    def delete(self, article_id: str, *, url: str | None = None) -> ArticleSummary:
        summary = self.get(article_id).summary  # NotFoundError, said as get says it
        if url is not None:
            from unspun.store.appearance import delete_appearance

            with self._begin() as connection:
                left = delete_appearance(connection, summary.content_hash, url)
            if left:
                return self.get(article_id).summary
        with self._begin() as connection:
            # the analyses (and their spans, labels, entities, ...) and the feedback go with it:
            # ON DELETE CASCADE; SQLite's full-text index by its delete trigger
            connection.execute(
                sql_delete(t.articles).where(t.articles.c.content_hash == summary.content_hash)
            )
        return summary

    def _history(self, connection: Connection, article_pk: int, article_id: str) -> list[AnalysisInfo]:
        rows = connection.execute(
            select(
                t.analyses.c.id,
                t.analyses.c.created_at,
                t.analyses.c.unspun_version,
                t.analyses.c.models,
                t.analyses.c.model_key,
                t.analyses.c.persuasion_score,
                t.analyses.c.spans,
            )
            .where(t.analyses.c.article_pk == article_pk)
            .order_by(t.analyses.c.id.desc())
        )
        return [
            AnalysisInfo(
                analysis_id=r.id,
                article_id=article_id,
                created_at=aware(r.created_at),
                unspun_version=r.unspun_version,
                models=list(r.models),
                model_key=r.model_key,
                persuasion_score=r.persuasion_score,
                spans=r.spans,
            )
            for r in rows
        ]

    def search(self, query: SearchQuery) -> Page[ArticleSummary]:
        with self._connect() as connection:
            return queries.search(connection, query)

    def outlets(self) -> list[OutletSummary]:
        with self._connect() as connection:
            return queries.outlets(connection)

    def profile(self, outlet: str) -> OutletProfile:
        with self._connect() as connection:
            return queries.profile(connection, outlet)

    def compare(self, a: str, b: str) -> Comparison:
        with self._connect() as connection:
            return queries.compare(queries.profile(connection, a), queries.profile(connection, b))

    def quoted_sources(self, *, outlet: str | None = None, limit: int = 20) -> list[QuotedSource]:
        with self._connect() as connection:
            return queries.quoted_sources(connection, outlet=outlet, limit=limit)

    def entity_portrayals(
        self, *, entity: str | None = None, outlet: str | None = None, limit: int = 50
    ) -> list[EntityPortrayal]:
        with self._connect() as connection:
            return queries.entity_portrayals(connection, entity=entity, outlet=outlet, limit=limit)

    def counts(self) -> StoreCounts:
        with self._connect() as connection:

            def count(table: Any) -> int:
                return int(connection.execute(select(func.count()).select_from(table)).scalar_one())

            outlets = connection.execute(
                select(func.count(func.distinct(t.appearances.c.outlet)))
            ).scalar_one()
            return StoreCounts(count(t.articles), count(t.analyses), count(t.feedback), int(outlets))

    # -- feedback ---------------------------------------------------------------------------

    def add_feedback(self, article_id: str, feedback: Feedback) -> Feedback:
        with self._begin() as connection:
            article = self._article_by_id(connection, article_id)
            analysis_id = feedback.analysis_id or article.newest_analysis_id
            if analysis_id is None:
                analysis = bare_analysis(article)
            else:
                found = connection.execute(
                    select(t.analyses.c.data).where(
                        t.analyses.c.id == analysis_id, t.analyses.c.article_pk == article.pk
                    )
                ).first()
                if found is None:
                    raise NotFoundError(f"article {article.id} has no analysis {analysis_id}")
                analysis = analysis_from_row(found.data, article.text, article)
            checked = check_feedback(feedback, analysis)
            same = self._same_feedback(connection, article.pk, analysis_id, checked)
            if same is not None:
                return same  # sent twice (a double click, a retried request): kept once
            created = checked.created_at or now()
            values = {
                "article_pk": article.pk,
                "analysis_id": analysis_id,
                "kind": checked.kind,
                "span_id": checked.span_id,
                "start": checked.start,
                "end": checked.end,
                "technique": checked.technique,
                "original": checked.original,
                "author": checked.author,
                "note": checked.note,
                "created_at": created,
            }
            new_id = connection.execute(insert(t.feedback).values(**values).returning(t.feedback.c.id))
            return Feedback(
                kind=checked.kind,
                start=checked.start,
                end=checked.end,
                technique=checked.technique,
                span_id=checked.span_id,
                original=checked.original,
                author=checked.author,
                note=checked.note,
                created_at=aware(created),
                id=int(new_id.scalar_one()),
                article_id=article.id,
                analysis_id=analysis_id,
            )

    def _same_feedback(
        self, connection: Connection, article_pk: int, analysis_id: int | None, feedback: Feedback
    ) -> Feedback | None:
        """The feedback already kept on the analysis with the same kind, span, technique, author
        and note, if any."""
        fields = {
            "kind": feedback.kind,
            "span_id": feedback.span_id,
            "start": feedback.start,
            "end": feedback.end,
            "technique": feedback.technique,
            "author": feedback.author,
            "note": feedback.note,
        }
        statement = (
            select(t.feedback, t.articles.c.id.label("article_id"))
            .join(t.articles, t.articles.c.pk == t.feedback.c.article_pk)
            .where(
                t.feedback.c.article_pk == article_pk,
                t.feedback.c.analysis_id.is_not_distinct_from(analysis_id),
            )
            .where(*(t.feedback.c[name].is_not_distinct_from(value) for name, value in fields.items()))
            .order_by(t.feedback.c.id)
        )
        row = connection.execute(statement).first()
        return _feedback_record(row) if row is not None else None

    def feedback(self, article_id: str) -> list[Feedback]:
        with self._connect() as connection:
            article = self._article_by_id(connection, article_id)
            return self._feedback(connection, article.pk, article.id)

    def _feedback(
        self, connection: Connection, article_pk: int | None, article_id: str | None
    ) -> list[Feedback]:
        statement = select(t.feedback, t.articles.c.id.label("article_id")).join(
            t.articles, t.articles.c.pk == t.feedback.c.article_pk
        )
        if article_pk is not None:
            statement = statement.where(t.feedback.c.article_pk == article_pk)
        rows = connection.execute(statement.order_by(t.feedback.c.id))
        return [_feedback_record(r) for r in rows]

    def export_feedback(self) -> Iterator[Feedback]:
        with self._connect() as connection:
            records = self._feedback(connection, None, None)
        yield from records

    # -- export and reanalysis --------------------------------------------------------------

    def export(self, query: SearchQuery | None = None) -> Iterator[StoredAnalysis]:
        after = 0
        while True:
            with self._connect() as connection:
                rows = queries.export_chunk(connection, query, after=after, limit=EXPORT_CHUNK)
                if not rows:
                    return
                summaries = queries.summaries(connection, rows)
                if query is not None and query.outlet is not None:  # as that outlet published them
                    names = queries.outlet_names(connection, query.outlet)
                    summaries = queries.as_shown_by(connection, summaries, rows, names)
                feedback: dict[int, list[Feedback]] = {}
                pks = [r.pk for r in rows]
                statement = (
                    select(t.feedback, t.articles.c.id.label("article_id"))
                    .join(t.articles, t.articles.c.pk == t.feedback.c.article_pk)
                    .where(t.feedback.c.article_pk.in_(pks))
                    .order_by(t.feedback.c.id)
                )
                for f in connection.execute(statement):
                    feedback.setdefault(f.article_pk, []).append(_feedback_record(f))
                appearances = appearances_of(connection, pks)
                newest = {r.newest_analysis_id for r in rows if r.newest_analysis_id is not None}
                data = dict(
                    connection.execute(
                        select(t.analyses.c.id, t.analyses.c.data).where(t.analyses.c.id.in_(newest))
                    ).all()
                )
            for row, summary in zip(rows, summaries, strict=True):
                wanted = row.newest_analysis_id
                analysis = (
                    bare_analysis(row) if wanted is None else analysis_from_row(data[wanted], row.text, row)
                )
                if summary.outlet != row.outlet:  # shown as another appearance (as_shown_by)
                    for name in METADATA:
                        setattr(analysis.article, name, getattr(summary, name))
                yield StoredAnalysis(
                    summary, analysis, wanted, [], feedback.get(row.pk, []), appearances.get(row.pk, [])
                )
            after = rows[-1].pk

    def newest_model_key(self, article_id: str) -> str | None:
        """The model key of an article's newest analysis (None: not analysed)."""
        with self._connect() as connection:
            article = self._article_by_id(connection, article_id)
            if article.newest_analysis_id is None:
                return None
            key = connection.execute(
                select(t.analyses.c.model_key).where(t.analyses.c.id == article.newest_analysis_id)
            ).scalar()
            return str(key) if key is not None else None

    def reanalyze(
        self,
        analyser: Analyser,
        *,
        query: SearchQuery | None = None,
        force: bool = False,
        batch_size: int = 8,
        on_progress: Callable[[int], None] | None = None,
    ) -> ReanalyzeSummary:
        from unspun.store.reanalysis import reanalyze

        return reanalyze(
            self, analyser, query=query, force=force, batch_size=batch_size, on_progress=on_progress
        )

    def expected_model_key(self, analyser: Analyser) -> str | None:
        """The model key the analyser's analyses will have, when it says which models it runs."""
        components = getattr(analyser, "components", None)
        if components is None:
            return None
        from unspun.version import analysis_version

        models: list[dict[str, Any]] = []
        for component in components:
            for info in component.model_info():
                record = {
                    "component": info.component,
                    "name": info.name,
                    "version": info.version,
                    "digest": info.digest,
                }
                if record not in models:
                    models.append(record)
        return model_key({"unspun_version": analysis_version(), "models": models})


def _feedback_record(row: Any) -> Feedback:
    return Feedback(
        kind=row.kind,
        start=row.start,
        end=row.end,
        technique=row.technique,
        span_id=row.span_id,
        original=row.original,
        author=row.author,
        note=row.note,
        created_at=aware(row.created_at),
        id=row.id,
        article_id=row.article_id,
        analysis_id=row.analysis_id,
    )


def _reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip().splitlines()
    return text[0] if text else type(error).__name__


class _Transaction:
    """A connection in a transaction; database errors become :class:`StoreError` once, here.

    Writes to SQLite are serialised in-process (SQLite has one writer; waiting on a lock in
    Python is kinder than SQLITE_BUSY)."""

    def __init__(self, store: SqlStore, *, write: bool = True) -> None:
        self.store = store
        self.lock = store._write_lock if write and store.dialect == "sqlite" else None

    def __enter__(self) -> Connection:
        if self.lock is not None:
            self.lock.acquire()
        try:
            self.context = self.store.engine.begin()
            return self.context.__enter__()
        except SQLAlchemyError as error:
            if self.lock is not None:
                self.lock.release()
            raise StoreError(f"cannot reach the store {self.store.url}: {_reason(error)}") from error
        except BaseException:
            if self.lock is not None:
                self.lock.release()
            raise

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        try:
            self.context.__exit__(kind, error, traceback)
        except IntegrityError as failure:
            raise StoreError(
                f"the store {self.store.url} refused a write ({_reason(failure)}); "
                "another process may have written the same article: run the command again"
            ) from failure
        except SQLAlchemyError as failure:
            raise StoreError(f"the store {self.store.url} failed: {_reason(failure)}") from failure
        finally:
            if self.lock is not None:
                self.lock.release()
        if isinstance(error, IntegrityError):
            raise StoreError(
                f"the store {self.store.url} refused a write ({_reason(error)}); "
                "another process may have written the same article: run the command again"
            ) from error
        if isinstance(error, SQLAlchemyError):
            raise StoreError(f"the store {self.store.url} failed: {_reason(error)}") from error
