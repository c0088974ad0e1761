"""Run the store's named Alembic migrations programmatically (on every open).

The migration scripts ship inside the package (``unspun/store/migrations/versions``), so a
plain ``pip install`` can create and upgrade a store; no ``alembic.ini`` is needed. On
PostgreSQL an advisory lock makes concurrent opens (several workers of a server) migrate once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text

from unspun.errors import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")
# An arbitrary constant: the PostgreSQL advisory lock the store's migrations hold.
_LOCK_ID = 0x756E7370


def _config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest migration this unspun knows."""
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(connection: Connection) -> str | None:
    """The migration a database is at (None: an empty database)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the database to :func:`head`.

    Raises :class:`StoreError` when the database was made by a newer unspun (an unknown
    migration) or a migration fails."""
    from alembic import command
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(_config())
    known = {script.revision for script in scripts.walk_revisions()}
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        at = current(connection)
        if at is not None and at not in known:
            raise StoreError(
                f"the database {engine.url.render_as_string(hide_password=True)} is at migration {at!r}, "
                "which this unspun does not know (made by a newer version); upgrade unspun"
            )
        if at == scripts.get_current_head():
            return
        try:
            command.upgrade(_config(connection), "head")
        except Exception as error:
            raise StoreError(
                f"cannot migrate the database {engine.url.render_as_string(hide_password=True)}: {error}"
            ) from error
