"""From an :class:`Analysis` to the store's rows, and back to the analysis.

The serialised form (:meth:`Analysis.to_dict`) is kept whole in ``analyses.data`` (without its
text, which is ``articles.text``); the relational rows repeat what queries count and filter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from unspun.document import Analysis, Article

ID_LENGTH = 16


def now() -> dt.datetime:
    """The time the store writes (UTC)."""
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    """``value`` with a time zone: SQLite keeps none, and every time the store writes is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def article_id(content_hash: str) -> str:
    """The store's id of an article: the first 16 hex digits of its content hash."""
    return content_hash[:ID_LENGTH]


def word_count(text: str) -> int:
    """White-space separated words (the unit of the per-1,000-word rates)."""
    return len(text.split())


def model_key(data: dict[str, Any]) -> str:
    """What makes two analyses of one article the same run: unspun's version and the models
    (component, name, version, digest). SHA-256 of their canonical JSON."""
    models = sorted(
        (m["component"], m["name"], m["version"], m.get("digest") or "") for m in data.get("models", [])
    )
    canonical = json.dumps({"unspun": data.get("unspun_version"), "models": models}, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def article_row(article: Article, *, source_id: str | None) -> dict[str, Any]:
    """The ``articles`` row of an article (without pk, added_at and newest_analysis_id)."""
    digest = article.content_hash
    return {
        "id": article_id(digest),
        "content_hash": digest,
        "source_id": source_id if source_id is not None else article.id,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published": article.published,
        "language": article.language,
        "source_path": article.source_path,
        "text": article.text,
        "words": word_count(article.text),
    }


def analysis_row(data: dict[str, Any]) -> dict[str, Any]:
    """The ``analyses`` row of a serialised analysis (without id, article_pk and created_at)."""
    stored = {k: v for k, v in data.items() if k != "text"}
    return {
        "unspun_version": data.get("unspun_version"),
        "model_key": model_key(data),
        "models": data.get("models", []),
        "data": stored,
        "language": data.get("language"),
        "genre": data.get("genre"),
        "persuasion_score": data.get("persuasion_score"),
        "spans": len(data.get("spans", [])),
    }


def child_rows(analysis_id: int, data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The relational rows of a serialised analysis, per table name."""
    spans = [
        {
            "analysis_id": analysis_id,
            "span_id": s["id"],
            "technique": s["technique"],
            "taxonomy": s["taxonomy"],
            "start": s["start"],
            "end": s["end"],
            "score": s["score"],
        }
        for s in data.get("spans", [])
    ]
    labels: list[dict[str, Any]] = []
    if data.get("genre") is not None:
        score = data.get("genre_score")
        labels.append(
            {
                "analysis_id": analysis_id,
                "task": "genre",
                "name": data["genre"],
                "score": 1.0 if score is None else score,
            }
        )
    frame_scores = data.get("frame_scores") or {}
    for frame in data.get("frames") or []:
        labels.append(
            {
                "analysis_id": analysis_id,
                "task": "frames",
                "name": frame,
                "score": frame_scores.get(frame, 1.0),
            }
        )
    paragraphs = [
        {
            "analysis_id": analysis_id,
            "paragraph_index": p["index"],
            "start": p["start"],
            "end": p["end"],
            "technique": technique,
            "score": p.get("technique_scores", {}).get(technique, 1.0),
        }
        for p in data.get("paragraphs", [])
        for technique in p.get("techniques", [])
    ]
    entity_by_id = {e["id"]: e for e in data.get("entities", [])}
    entities = [
        {
            "analysis_id": analysis_id,
            "entity_id": e["id"],
            "name": e["name"],
            "type": e["type"],
            "mentions": len(e.get("mentions", [])),
            "sentiment": e.get("sentiment"),
            "sentiment_score": e.get("sentiment_score"),
            "role": e.get("role"),
            "role_score": e.get("role_score"),
        }
        for e in data.get("entities", [])
    ]
    attributions = []
    for r in data.get("attributions", []):
        entity = entity_by_id.get(r.get("source_entity") or "")
        attributions.append(
            {
                "analysis_id": analysis_id,
                "attribution_id": r["id"],
                "kind": r["kind"],
                "source_text": r.get("source_text"),
                "source_entity": r.get("source_entity"),
                "source_name": entity["name"] if entity else None,
                "source_type": entity["type"] if entity else None,
                "cue_text": r.get("cue_text"),
                "content_start": r["content"]["start"],
                "content_end": r["content"]["end"],
                "score": r["score"],
            }
        )
    return {
        "spans": spans,
        "labels": labels,
        "paragraph_techniques": paragraphs,
        "entities": entities,
        "attributions": attributions,
    }


METADATA = ("title", "outlet", "url", "published")


def analysis_from_row(data: dict[str, Any], text: str, article: Any = None) -> Analysis:
    """The stored analysis, rebuilt exactly (``to_dict()`` gives back what was added), with the
    metadata of the ``articles`` row ``article`` when given: a field the analysis was made
    without and that was filled in later (:func:`unspun.store.writer.metadata_conflict`)."""
    if isinstance(data, str):  # a JSON column read raw (never on the supported drivers)
        data = json.loads(data)
    analysis = Analysis.from_dict({**data, "text": text})
    if article is not None:
        for name in METADATA:
            if getattr(analysis.article, name) is None and getattr(article, name) is not None:
                setattr(analysis.article, name, getattr(article, name))
    return analysis


def bare_analysis(row: Any) -> Analysis:
    """An :class:`Analysis` of a stored article that has no analysis (nothing but its metadata)."""
    return Analysis(
        Article(
            id=row.source_id or row.id,
            text=row.text,
            title=row.title,
            outlet=row.outlet,
            url=row.url,
            published=row.published,
            language=row.language,
            source_path=row.source_path,
        )
    )
