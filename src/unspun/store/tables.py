"""The store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

The migrations under ``unspun/store/migrations/versions`` create exactly these; the queries
read them. A text is one ``articles`` row (its analyses hang on it); each place it was
published (outlet, url, date, title: wire copy on two sites) is an ``appearances`` row, and
the per-outlet counts and trends count appearances. The article's own title, outlet, url and
published date are those of its first appearance (search orders and pages by them).
``articles.newest_analysis_id`` points at each article's newest analysis, so that
every "newest analysis" filter is one indexed join. Full-text search is dialect-specific and
lives outside these tables: an FTS5 table ``articles_fts`` on SQLite, a generated ``tsv``
column with a GIN index on PostgreSQL (both made by the first migration).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

# JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
Json = JSON().with_variant(JSONB(), "postgresql")

articles = Table(
    "articles",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", String(16), nullable=False, unique=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("source_id", Text),
    Column("title", Text),
    Column("outlet", Text),
    Column("url", Text),
    Column("published", Date),
    Column("language", String(16)),
    Column("source_path", Text),
    Column("words", Integer, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("newest_analysis_id", Integer),
    # Last: SQLite reads a row's columns in order, and a long text spills to overflow pages;
    # every column a query filters on comes before it.
    Column("text", Text, nullable=False),
    Index("ix_articles_published_pk", "published", "pk"),
    Index("ix_articles_newest", "newest_analysis_id"),
    # PostgreSQL also has ix_articles_newest_first (published DESC NULLS LAST, pk DESC): migration 0002.
)

appearances = Table(
    "appearances",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_pk", Integer, ForeignKey("articles.pk", ondelete="CASCADE"), nullable=False),
    Column("outlet", Text),
    Column("url", Text),
    Column("published", Date),
    Column("title", Text),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Index("ix_appearances_outlet", "outlet", "published", "article_pk"),
    Index("ix_appearances_article", "article_pk", "published"),
    Index("ix_appearances_url", "url"),
    # One appearance per url of a text, and per outlet among those without a url (migration
    # 0006): a second writer's insert of the same appearance does nothing (writer.py).
    Index("uq_appearances_article_url", "article_pk", "url", unique=True),
    Index(
        "uq_appearances_article_outlet",
        "article_pk",
        "outlet",
        unique=True,
        sqlite_where=text("url IS NULL"),
        postgresql_where=text("url IS NULL"),
    ),
)

analyses = Table(
    "analyses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_pk", Integer, ForeignKey("articles.pk", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("unspun_version", String(32)),
    Column("model_key", String(64), nullable=False),
    Column("language", String(16)),
    Column("genre", Text),
    Column("persuasion_score", Float),
    Column("spans", Integer, nullable=False),
    Column("models", Json, nullable=False),
    # The serialised analysis (Analysis.to_dict()) without its "text": the text is articles.text.
    # Last, as articles.text is.
    Column("data", Json, nullable=False),
    UniqueConstraint("article_pk", "model_key", name="uq_analyses_article_models"),
    Index("ix_analyses_article", "article_pk"),
    Index("ix_analyses_score", "persuasion_score"),
    Index("ix_analyses_headline", "id", "persuasion_score", "spans", "genre"),
    Index("ix_analyses_genre", "genre"),
)

spans = Table(
    "spans",
    metadata,
    Column("analysis_id", Integer, ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
    Column("span_id", String(64), nullable=False),
    Column("technique", String(128), nullable=False),
    Column("taxonomy", String(32), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Index("ix_spans_analysis_technique", "analysis_id", "technique"),
    Index("ix_spans_technique", "technique", "analysis_id"),
)

labels = Table(
    "labels",
    metadata,
    Column("analysis_id", Integer, ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
    Column("task", String(32), nullable=False),
    Column("name", String(128), nullable=False),
    Column("score", Float, nullable=False),
    Index("ix_labels_analysis_task", "analysis_id", "task", "name"),
    Index("ix_labels_task_name", "task", "name", "analysis_id"),
)

paragraph_techniques = Table(
    "paragraph_techniques",
    metadata,
    Column("analysis_id", Integer, ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
    Column("paragraph_index", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("technique", String(128), nullable=False),
    Column("score", Float, nullable=False),
    Index("ix_paragraph_techniques_analysis", "analysis_id"),
)

entities = Table(
    "entities",
    metadata,
    Column("analysis_id", Integer, ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("type", String(32), nullable=False),
    Column("mentions", Integer, nullable=False),
    Column("sentiment", String(32)),
    Column("sentiment_score", Float),
    Column("role", String(64)),
    Column("role_score", Float),
    Index("ix_entities_analysis", "analysis_id"),
    Index("ix_entities_name", "name"),
)

attributions = Table(
    "attributions",
    metadata,
    Column("analysis_id", Integer, ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
    Column("attribution_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("source_text", Text),
    Column("source_entity", String(64)),
    # The linked entity's name (else None): "who is quoted" groups by it.
    Column("source_name", Text),
    Column("source_type", String(32)),
    Column("cue_text", Text),
    Column("content_start", Integer, nullable=False),
    Column("content_end", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Index("ix_attributions_analysis", "analysis_id"),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_pk", Integer, ForeignKey("articles.pk", ondelete="CASCADE"), nullable=False),
    Column("analysis_id", Integer, ForeignKey("analyses.id", ondelete="SET NULL")),
    Column("kind", String(16), nullable=False),
    Column("span_id", String(64)),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("technique", String(128)),
    Column("original", String(128)),
    Column("author", Text),
    Column("note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_feedback_article", "article_pk"),
)
