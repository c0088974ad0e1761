"""Appearances: where an article's text was published (outlet, url, date, title).

A text is one article, analysed once; the same words from several outlets (wire copy) are its
appearances, one row each in ``appearances``. Which stored appearance an input is
(:func:`appearance_of`), reading them (:func:`appearances_of`) and taking one out
(:func:`delete_appearance`). Writing them is :func:`unspun.store.writer.write_articles`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, select, update

from unspun.document import Article
from unspun.errors import NotFoundError
from unspun.store import tables as t
from unspun.store.base import Appearance, outlet_key
from unspun.store.rows import METADATA, aware


def appearance_of(appearances: Sequence[dict[str, Any]], article: Article) -> dict[str, Any] | None:
    """The stored appearance that ``article`` is, else None (a new appearance of its text).

    An appearance is named by its url, else by its outlet: ``article`` is the one at its url;
    without one there, the first whose outlet and url it does not contradict (a field empty on
    either side contradicts nothing). Its other fields must then agree
    (:func:`unspun.store.writer.metadata_conflict`: the same url under another outlet or date
    is a conflict); the same text under another outlet or url is another appearance (wire
    copy), not a conflict."""
    if article.url is not None:
        for app in appearances:
            if app["url"] == article.url:
                return app
    for app in appearances:
        if all(
            getattr(article, name) is None
            or app[name] is None
            or _key(name, getattr(article, name)) == _key(name, app[name])
            for name in ("outlet", "url")
        ):
            return app
    return None


def _key(name: str, value: Any) -> Any:
    """An outlet as names are compared (:func:`outlet_key`: "QA Times" is "qa times"); a url as is."""
    return outlet_key(str(value)) if name == "outlet" else value


def appearances_of(connection: Connection, pks: list[int]) -> dict[int, list[Appearance]]:
    """The appearances of the articles ``pks``, per article pk, first stored first."""
    ap = t.appearances
    out: dict[int, list[Appearance]] = {}
    rows = connection.execute(select(ap).where(ap.c.article_pk.in_(pks)).order_by(ap.c.id))
    for r in rows:
        out.setdefault(r.article_pk, []).append(
            Appearance(r.outlet, r.url, r.published, r.title, aware(r.added_at))
        )
    return out


def delete_appearance(connection: Connection, content_hash: str, url: str) -> bool:
    """Remove the appearance at ``url`` of the article with ``content_hash``; whether it has
    others left (if not, the caller removes the article). When it was the first, the article row
    takes the metadata of the next. Raises :class:`NotFoundError` when no appearance is at ``url``."""
    ap = t.appearances
    article = connection.execute(
        select(t.articles.c.pk, t.articles.c.id).where(t.articles.c.content_hash == content_hash)
    ).one()
    listed = connection.execute(select(ap).where(ap.c.article_pk == article.pk).order_by(ap.c.id)).all()
    gone = [row for row in listed if row.url == url]
    if not gone:
        raise no_appearance(article.id, url, [row.url for row in listed])
    connection.execute(delete(ap).where(ap.c.id.in_([row.id for row in gone])))
    left = [row for row in listed if row.url != url]
    if left and listed[0].url == url:
        first = left[0]
        connection.execute(
            update(t.articles)
            .where(t.articles.c.pk == article.pk)
            .values(**{name: getattr(first, name) for name in METADATA})
        )
    return bool(left)


def no_appearance(article_id: str, url: str, urls: Sequence[str | None]) -> NotFoundError:
    """The error for a url the article has no appearance at, naming the urls it has."""
    known = ", ".join(repr(u) for u in urls if u is not None) or "none"
    return NotFoundError(
        f"article {article_id} has no appearance at {url!r} (its urls: {known}); leave out the url "
        "to delete the article with all its appearances"
    )
