"""Writing batches of articles and analyses: a few statements per batch, not per article.

Within one transaction: the articles already stored are looked up by id in chunks, the new
ones inserted at once (``INSERT ... ON CONFLICT DO NOTHING ... RETURNING``: a concurrent
writer of the same text meets the unique key, and its row is then read back), then their new
appearances the same way (unique per url, or per outlet without a url: an input whose article or
appearance another writer stored meanwhile is placed again among what that writer stored; so is
one whose stored article gained any appearance meanwhile, looked at once this writer holds the
article, :meth:`_Placing._unforeseen`), then
the same for the analyses (unique per article and model key), then every relational row of every new
analysis in one ``executemany`` per table, and finally each article's newest-analysis pointer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from unspun.document import Analysis, Article
from unspun.errors import AnalysisError, MetadataConflictError, StoreError
from unspun.store import tables as t
from unspun.store.appearance import appearance_of
from unspun.store.base import StoredRef, outlet_key
from unspun.store.rows import METADATA, analysis_row, article_row, child_rows, now

CHUNK = 500


def insert_new(dialect: str, table: Any) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` in the dialect's own construct."""
    from sqlalchemy.dialects import postgresql, sqlite

    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def metadata_conflict(stored: Any, given: Article) -> MetadataConflictError | None:
    """The error for a text stored with other metadata than ``given`` carries, else None.

    ``stored`` is the stored article's row (or a mapping) with ``id`` and the :data:`METADATA`
    fields. Only a field stored with another value conflicts: one ``given`` leaves empty (None)
    means "as stored", and one stored empty is filled in (:func:`write_articles`)."""
    row = stored if isinstance(stored, dict) else stored._mapping
    differs = [
        name
        for name in METADATA
        if getattr(given, name) is not None
        and row[name] is not None
        and not _same_value(name, getattr(given, name), row[name])
    ]
    if not differs:
        return None
    kept = ", ".join(f"{name} {str(row[name])!r}" for name in differs)
    asked = ", ".join(f"{name} {str(getattr(given, name))!r}" for name in differs)
    fields = {name: (str(row[name]), str(getattr(given, name))) for name in differs}
    return MetadataConflictError(
        f"article {row['id']} is already stored with {kept}, not {asked}{partial_date_note(fields)}: "
        "a stored text's metadata "
        "are never overwritten (another outlet or url is kept as a further appearance of the text); "
        "leave out these fields (or give the stored values) to store it again, "
        f"or, if the stored ones are wrong, take it out first (unspun delete {row['id']}, "
        f"DELETE /api/articles/{row['id']})",
        article_id=str(row["id"]),
        fields=fields,
    )


def partial_date_note(fields: dict[str, tuple[str, str]]) -> str:
    """A note for a published date in conflict (``fields``: name to stored and given value) that
    may have been given as a month or a year alone, which the readers store as its first day
    (``2026-05`` as 2026-05-01): `` (2026-05-01 may be the month 2026-05 given alone, which is
    stored as its first day)``; else ``""``. The stored date never says its precision."""
    if "published" not in fields:
        return ""
    stored, given = fields["published"]
    for first, other in ((stored, given), (given, stored)):
        if first.endswith("-01-01") and other[:4] == first[:4]:
            part, size = first[:4], "year"
        elif first.endswith("-01") and other[:7] == first[:7]:
            part, size = first[:7], "month"
        else:
            continue
        return f" ({first} may be the {size} {part} given alone, which is stored as its first day)"
    return ""


def _same_value(name: str, given: Any, stored: Any) -> bool:
    """Whether a metadata field given again is the stored one: an outlet in another case or
    spacing is (``outlet_key``: every read finds "Valley Ledger" by "valley ledger"; QA s47)."""
    if name == "outlet":
        return bool(outlet_key(str(given)) == outlet_key(str(stored)))
    return bool(given == stored)


class Written(NamedTuple):
    """What :func:`write_articles` did with one input: the article's row pk, whether this call
    added the article, and the metadata of the appearance the input is (stored or added)."""

    pk: int
    new: bool
    appearance: dict[str, Any]
    new_appearance: bool = False


def write_articles(
    connection: Connection, dialect: str, articles: Sequence[tuple[Article, str | None]]
) -> list[Written]:
    """Store the articles not stored yet and the appearances not stored yet (see
    :func:`appearance_of`); per input, what was done (:class:`Written`).

    Metadata are merged, never overwritten: a field of a stored appearance (or of one given
    twice) that is empty is filled in from the input, one that holds another value raises
    :class:`MetadataConflictError` (:func:`metadata_conflict`) and nothing is written. The
    article row keeps the metadata of its first appearance.

    Another writer may store the same text or appearance between this call's reads and its
    inserts (two ingests of one feed): the unique keys of ``articles`` and ``appearances``
    (migration 0006) make such an insert do nothing, and the inputs it was for are placed again
    among what the other writer stored, as if they had come after it. Raises
    :class:`StoreError` if that keeps happening (:data:`ROUNDS` times)."""
    rows = [article_row(article, source_id=source_id) for article, source_id in articles]
    state = _Placing(connection, dialect)
    state.look_up(list(dict.fromkeys(row["id"] for row in rows)))
    chosen: list[dict[str, Any]] = [{} for _ in rows]
    pending = list(range(len(rows)))
    for _ in range(ROUNDS):
        for index in pending:
            chosen[index] = state.place(rows[index]["id"], articles[index][0])
        state.fill()
        lost = state.insert_articles([rows[index] for index in pending])
        lost |= state.insert_appearances({rows[index]["id"] for index in pending} - lost)
        if not lost:
            break
        state.look_up(sorted(lost))  # what the other writer stored, committed by now
        pending = [index for index in pending if rows[index]["id"] in lost]
    else:
        raise StoreError(
            "other writers kept storing the same articles while this batch was written; run the command again"
        )
    out: list[Written] = []
    reported: set[int] = set()
    for row, app in zip(rows, chosen, strict=True):
        pk, digest = state.found[row["id"]]
        if digest != row["content_hash"]:
            raise StoreError(f"two different texts share the article id {row['id']}; report this as a bug")
        metadata = {name: app[name] for name in METADATA}
        new_appearance = app["id"] in state.ours and app["id"] not in reported
        reported.add(app["id"])  # a repeat within the batch is not new again
        out.append(Written(pk, row["id"] in state.added, metadata, new_appearance))
        state.added.discard(row["id"])
    return out


ROUNDS = 3


class _Placing:
    """What :func:`write_articles` knows while it writes: the stored articles (``found``: id to
    pk and content hash) and appearances (``shown``: id to its appearances, stored ones with
    their row ``id``, new ones with ``id`` None), the fields to fill in, and what it added."""

    def __init__(self, connection: Connection, dialect: str) -> None:
        self.connection = connection
        self.dialect = dialect
        self.found: dict[str, tuple[int, str]] = {}
        self.shown: dict[str, list[dict[str, Any]]] = {}
        self.filled: dict[int, dict[str, Any]] = {}  # stored appearance id -> the fields to fill in
        self.firsts: dict[str, dict[str, Any]] = {}  # stored article id -> its first appearance's fills
        self.added: set[str] = set()  # the articles this call inserted
        self.ours: set[int] = set()  # the appearances this call inserted
        self.stamp = now()

    def look_up(self, wanted: Sequence[str]) -> None:
        """Read the stored articles ``wanted`` and their appearances (afresh)."""
        ap = t.appearances
        columns = [t.articles.c[name] for name in METADATA]
        for chunk in _chunks(wanted):
            for article_id in chunk:
                self.shown.pop(article_id, None)
            query = select(t.articles.c.pk, t.articles.c.id, t.articles.c.content_hash, *columns).where(
                t.articles.c.id.in_(chunk)
            )
            rows_of: dict[str, dict[str, Any]] = {}
            for row in self.connection.execute(query):
                self.found[row.id] = (row.pk, row.content_hash)
                rows_of[row.id] = {name: row._mapping[name] for name in METADATA}
            if not rows_of:
                continue
            listed = (
                select(ap.c.id, t.articles.c.id.label("article_id"), *[ap.c[name] for name in METADATA])
                .join(t.articles, t.articles.c.pk == ap.c.article_pk)
                .where(t.articles.c.id.in_(list(rows_of)))
                .order_by(ap.c.id)
            )
            for app in self.connection.execute(listed):
                self.shown.setdefault(app.article_id, []).append(
                    {"id": app.id, **{name: app._mapping[name] for name in METADATA}}
                )
            for article_id, metadata in rows_of.items():  # none kept (made by an older store)
                self.shown.setdefault(article_id, [{"id": None, **metadata}])

    def place(self, article_id: str, article: Article) -> dict[str, Any]:
        """The appearance ``article`` is (a stored one, checked and filled in, or a new one);
        raises :class:`MetadataConflictError` (:func:`metadata_conflict`)."""
        apps = self.shown.setdefault(article_id, [])
        app = appearance_of(apps, article)
        if app is None:
            app = {"id": None, **{name: getattr(article, name) for name in METADATA}}
            apps.append(app)
            return app
        conflict = metadata_conflict({**app, "id": article_id}, article)
        if conflict is not None:
            raise conflict
        for name in METADATA:
            if app[name] is None and getattr(article, name) is not None:
                app[name] = getattr(article, name)  # a text given twice: the first row gets it
                if app["id"] is not None:
                    self.filled.setdefault(app["id"], {})[name] = app[name]
                if app is apps[0] and article_id in self.found:
                    self.firsts.setdefault(article_id, {})[name] = app[name]
        return app

    def fill(self) -> None:
        """Write the fields :meth:`place` filled in on stored rows."""
        ap = t.appearances
        for appearance_id, values in self.filled.items():
            self.connection.execute(update(ap).where(ap.c.id == appearance_id).values(**values))
        for article_id, values in self.firsts.items():
            self.connection.execute(update(t.articles).where(t.articles.c.id == article_id).values(**values))
        self.filled.clear()
        self.firsts.clear()

    def insert_articles(self, rows: Sequence[dict[str, Any]]) -> set[str]:
        """Insert those of ``rows`` not stored, with their first appearance's metadata; the ids
        another writer stored meanwhile (their inserts did nothing)."""
        fresh: dict[str, dict[str, Any]] = {}
        for row in rows:
            if row["id"] not in self.found and row["id"] not in fresh:
                if self.dialect == "postgresql" and "\x00" in row["text"]:
                    raise StoreError(
                        f"article {row['source_id']} holds a NUL character, which PostgreSQL cannot store"
                    )
                first = self.shown[row["id"]][0]
                fresh[row["id"]] = {**row, **{name: first[name] for name in METADATA}}
        if not fresh:
            return set()
        result = self.connection.execute(
            insert_new(self.dialect, t.articles).returning(t.articles.c.pk, t.articles.c.id),
            [{**row, "added_at": self.stamp} for row in fresh.values()],
        )
        for pk, article_id in result:
            self.found[article_id] = (pk, fresh[article_id]["content_hash"])
            self.added.add(article_id)
        return set(fresh) - self.added

    def insert_appearances(self, ids: set[str]) -> set[str]:
        """Insert the new appearances of the articles ``ids``; the ids of those whose appearance
        another writer stored meanwhile (the same url, or outlet without a url: its insert did
        nothing under the unique keys of migration 0006)."""
        ap = t.appearances
        new = [(i, app) for i in sorted(ids) for app in self.shown.get(i, []) if app["id"] is None]
        if not new:
            return set()
        stored_before = sorted({self.found[i][0] for i, _ in new if i not in self.added})
        if stored_before and self.dialect == "postgresql":
            # Another writer adding an appearance to one of these articles now waits for this
            # transaction (and this one for it), so each sees what the other stored (_unforeseen).
            self.connection.execute(
                select(t.articles.c.pk)
                .where(t.articles.c.pk.in_(stored_before))
                .order_by(t.articles.c.pk)
                .with_for_update()
            )
        made = self.connection.execute(
            insert_new(self.dialect, ap).returning(ap.c.id, ap.c.article_pk, ap.c.url, ap.c.outlet),
            [
                {"article_pk": self.found[i][0], "added_at": self.stamp, **{n: app[n] for n in METADATA}}
                for i, app in new
            ],
        )
        stored = {_named(pk, url, outlet): appearance_id for appearance_id, pk, url, outlet in made}
        lost: set[str] = set()
        for article_id, app in new:
            appearance_id = stored.get(_named(self.found[article_id][0], app["url"], app["outlet"]))
            if appearance_id is None:
                lost.add(article_id)
            else:
                app["id"] = appearance_id
                self.ours.add(appearance_id)
        return lost | self._unforeseen(stored_before, {i for i, _ in new} - lost)

    def _unforeseen(self, pks: Sequence[int], ids: set[str]) -> set[str]:
        """The ids of the articles (among ``ids``, stored before this call: ``pks``) to which
        another writer added an appearance since they were looked up; this call's new
        appearances of them are taken back, to be placed again among the other writer's.

        The unique keys tell the same url, or the same outlet without a url, apart, but not an
        appearance given without a url that is one with a url ("X" beside "X" at url 1, which
        :func:`appearance_of` takes for it): two such writers each added their own. Both look
        again once they hold the article (SQLite: the write lock; PostgreSQL: its row)."""
        if not pks:
            return set()
        ap = t.appearances
        of_pk = {self.found[i][0]: i for i in ids if self.found[i][0] in set(pks)}
        known = {app["id"] for i in of_pk.values() for app in self.shown.get(i, []) if app["id"] is not None}
        rows = self.connection.execute(
            select(ap.c.id, ap.c.article_pk).where(ap.c.article_pk.in_(list(of_pk)))
        )
        changed = {of_pk[pk] for appearance_id, pk in rows if appearance_id not in known}
        if not changed:
            return set()
        taken: list[int] = []
        for article_id in changed:
            for app in self.shown.get(article_id, []):
                if app["id"] in self.ours:
                    taken.append(app["id"])
                    self.ours.discard(app["id"])
                    app["id"] = None
        self.connection.execute(delete(ap).where(ap.c.id.in_(taken)))
        return changed


def _named(article_pk: int, url: str | None, outlet: str | None) -> tuple[int, str, str | None]:
    """What names an appearance of an article (its url, else its outlet): the unique keys."""
    return (article_pk, "url", url) if url is not None else (article_pk, "outlet", outlet)


def write_analyses(
    connection: Connection,
    dialect: str,
    items: Sequence[tuple[Analysis, str | None]],
    *,
    replace: bool = False,
) -> list[StoredRef]:
    """Store analyses (and their articles); see the module docstring. With ``replace``, an
    analysis whose article already has one by the same models (model key) replaces it: the old
    row and its spans, labels, entities and attributions are deleted (feedback given on it is
    kept, without its analysis), and the new one is added as the article's newest (``unspun
    reanalyze --force``: the key cannot tell a changed model that kept its name and version).
    Raises :class:`AnalysisError` when one of them failed: failed analyses are not stored."""
    for analysis, _ in items:
        if not analysis.ok:
            first = analysis.errors[0]
            raise AnalysisError(
                f"the analysis of {analysis.id} failed ({first.component}: {first.message}); "
                "failed analyses are not stored"
            )
    written = write_articles(connection, dialect, [(a.article, s) for a, s in items])
    articles = [(w.pk, w.new) for w in written]
    data = [analysis.to_dict() for analysis, _ in items]
    rows = [analysis_row(d) for d in data]
    keys = [(pk, row["model_key"]) for (pk, _), row in zip(articles, rows, strict=True)]
    known: dict[tuple[int, str], int] = {}

    def look_up(pks: Sequence[int]) -> None:
        for chunk in _chunks(pks):
            query = select(t.analyses.c.id, t.analyses.c.article_pk, t.analyses.c.model_key).where(
                t.analyses.c.article_pk.in_(chunk)
            )
            for analysis_id, article_pk, key in connection.execute(query):
                known[(article_pk, key)] = analysis_id

    look_up(list(dict.fromkeys(pk for pk, _ in keys)))
    replaced: set[tuple[int, str]] = set()
    if replace:
        replaced = {key for key in keys if key in known}
        old = [known.pop(key) for key in replaced]
        for chunk in _chunks(old):
            connection.execute(delete(t.analyses).where(t.analyses.c.id.in_(chunk)))
    fresh: dict[tuple[int, str], int] = {}
    for index, key in enumerate(keys):
        if key not in known and key not in fresh:
            fresh[key] = index
    made: set[tuple[int, str]] = set()
    if fresh:
        stamp = now()
        result = connection.execute(
            insert_new(dialect, t.analyses).returning(
                t.analyses.c.id, t.analyses.c.article_pk, t.analyses.c.model_key
            ),
            [{**rows[index], "article_pk": key[0], "created_at": stamp} for key, index in fresh.items()],
        )
        for analysis_id, article_pk, key in result:
            known[(article_pk, key)] = analysis_id
            made.add((article_pk, key))
        look_up([pk for pk, _ in fresh if (pk, _) not in made])
        children: dict[str, list[dict[str, Any]]] = {}
        newest: dict[int, int] = {}
        for key in made:
            analysis_id = known[key]
            for table, table_rows in child_rows(analysis_id, data[fresh[key]]).items():
                children.setdefault(table, []).extend(table_rows)
            newest[key[0]] = max(newest.get(key[0], 0), analysis_id)
        for table, table_rows in children.items():
            if table_rows:
                connection.execute(insert(t.metadata.tables[table]), table_rows)
        if newest:
            connection.execute(
                update(t.articles)
                .where(t.articles.c.pk == bindparam("target_pk"))
                .values(newest_analysis_id=bindparam("target_analysis")),
                [{"target_pk": pk, "target_analysis": aid} for pk, aid in newest.items()],
            )
    refs = []
    for (analysis, _), (_, new_article), key, shown in zip(items, articles, keys, written, strict=True):
        digest = analysis.article.content_hash
        new_analysis = key in made and key not in replaced
        was_replaced = key in made and key in replaced
        made.discard(key)  # a repeat within the batch is neither new nor a replacement again
        refs.append(
            StoredRef(
                digest[:16], digest, known[key], new_article, new_analysis, was_replaced, shown.new_appearance
            )
        )
    return refs
