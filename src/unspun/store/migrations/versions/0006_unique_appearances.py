"""One appearance per url of a text, and per outlet among its appearances without a url: two
writers that store the same appearance at once (two ingests of one feed) each looked it up,
found none and inserted it, so the text counted twice in its outlet. With these unique keys the
second insert does nothing (``INSERT ... ON CONFLICT DO NOTHING``, :mod:`unspun.store.writer`).

Duplicates such a race already left are removed first (the first stored of each is kept; it is
the article's first appearance when it was one). The downgrade drops the two indexes.

Revision ID: 0006_unique_appearances
Revises: 0005_appearance_outlets
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_unique_appearances"
down_revision = "0005_appearance_outlets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM appearances WHERE url IS NOT NULL AND EXISTS (SELECT 1 FROM appearances AS earlier "
        "WHERE earlier.article_pk = appearances.article_pk AND earlier.url = appearances.url "
        "AND earlier.id < appearances.id)"
    )
    op.execute(
        "DELETE FROM appearances WHERE url IS NULL AND outlet IS NOT NULL AND EXISTS (SELECT 1 FROM "
        "appearances AS earlier WHERE earlier.article_pk = appearances.article_pk "
        "AND earlier.url IS NULL AND earlier.outlet = appearances.outlet AND earlier.id < appearances.id)"
    )
    op.create_index("uq_appearances_article_url", "appearances", ["article_pk", "url"], unique=True)
    op.create_index(
        "uq_appearances_article_outlet",
        "appearances",
        ["article_pk", "outlet"],
        unique=True,
        sqlite_where=sa.text("url IS NULL"),
        postgresql_where=sa.text("url IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_appearances_article_outlet", table_name="appearances")
    op.drop_index("uq_appearances_article_url", table_name="appearances")
