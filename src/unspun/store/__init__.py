"""The corpus store: articles and their analyses in a real database (SQLite or PostgreSQL).

    from unspun.store import open_store
    with open_store() as store:              # $UNSPUN_DB, else a SQLite file in the data folder
        ref = store.add(analysis)
        store.profile("The Daily Example").technique_counts

The protocol and its records are in :mod:`unspun.store.base`; the SQL implementation (one code
path for both databases) in :mod:`unspun.store.sql`; named Alembic migrations under
``unspun/store/migrations`` run on open.
"""

from __future__ import annotations

import os
from pathlib import Path

from unspun.store.base import (
    AnalysisInfo,
    Appearance,
    ArticleSummary,
    Comparison,
    EntityPortrayal,
    Feedback,
    MonthTrend,
    OutletProfile,
    OutletSummary,
    Page,
    QuotedSource,
    ReanalyzeSummary,
    ScoreDistribution,
    SearchQuery,
    Store,
    StoreCounts,
    StoredAnalysis,
    StoredRef,
    VoiceMeans,
)

__all__ = [
    "AnalysisInfo",
    "Appearance",
    "ArticleSummary",
    "Comparison",
    "EntityPortrayal",
    "Feedback",
    "MonthTrend",
    "OutletProfile",
    "OutletSummary",
    "Page",
    "QuotedSource",
    "ReanalyzeSummary",
    "ScoreDistribution",
    "SearchQuery",
    "Store",
    "StoreCounts",
    "StoredAnalysis",
    "StoredRef",
    "VoiceMeans",
    "data_dir",
    "default_url",
    "open_store",
]


def data_dir() -> Path:
    """The user's unspun data folder: ``$UNSPUN_DATA_DIR``, else platformdirs' user data dir."""
    try:
        from unspun.paths import data_dir as shared_data_dir  # type: ignore[import-not-found,unused-ignore]

        return Path(shared_data_dir())
    except ImportError:
        pass
    configured = os.environ.get("UNSPUN_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("unspun", appauthor=False))


def default_url() -> str:
    """``$UNSPUN_DB``, else ``sqlite:///<data folder>/unspun.db``."""
    configured = os.environ.get("UNSPUN_DB")
    if configured:
        return configured
    return f"sqlite:///{data_dir() / 'unspun.db'}"


def open_store(url: str | None = None, *, migrate: bool = True, create: bool = True) -> Store:
    """Open (creating and migrating as needed) the store at ``url``.

    ``url``: ``sqlite:///path/to/file.db``, a plain file path (SQLite), ``postgresql://...``
    (psycopg 3); None: :func:`default_url`. ``create=False`` (for readers: search, export, ...)
    refuses a SQLite file that does not exist instead of creating an empty store there (a
    mistyped path would otherwise answer "0 articles"). Raises :class:`unspun.errors.StoreError`
    when the database cannot be reached, is of an unknown kind, does not exist and ``create`` is
    false, or holds a newer schema than this unspun.
    """
    from unspun.errors import StoreError
    from unspun.store.sql import SqlStore, sqlite_file

    target = url or default_url()
    if not create:
        path = sqlite_file(target)
        if path is not None and not path.exists():
            raise StoreError(
                f"there is no store at {path}; check --db (or UNSPUN_DB), or put articles in it first "
                "with unspun ingest PATH --db ..."
            )
    return SqlStore(target, migrate=migrate)
