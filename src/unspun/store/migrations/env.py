"""Alembic environment of the store: run on the connection that :mod:`unspun.store.migrate` passes."""

from __future__ import annotations

from alembic import context

from unspun.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through unspun.store.migrate
    raise RuntimeError("the unspun store migrations run through unspun.store.migrate.upgrade()")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
