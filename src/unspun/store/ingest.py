"""Ingest: read articles from files, folders, JSONL, HTML, RSS/Atom feeds and URLs (through
:func:`unspun.readers.dispatch.iter_articles`, as ``unspun analyze`` reads them), analyse them,
and keep them in a store. The library function behind ``unspun ingest``.

Idempotent and resumable: an article whose content hash is already stored is a duplicate and
is not analysed again, so running the same ingest twice adds nothing, and running it after an
interruption completes the rest. Analyses are committed per batch in one transaction: a
``kill -9`` loses at most the batch being written and never leaves half an article (an
article and its analysis are written together). Articles that cannot be read, fetched or
analysed are reported with their reason and never stored.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from unspun.document import Analysis, Article
from unspun.errors import EmptyInputError, MetadataConflictError, UnspunError
from unspun.readers.encoding import DEFAULT_MAX_BYTES
from unspun.runner import Analyser, Failure, RunReport, Skip, run, where
from unspun.store.base import Store


@dataclass(slots=True)
class IngestSummary:
    """What an ingest did: articles read, new ones stored, duplicates skipped, and the run's
    :class:`unspun.runner.RunReport` (its failures: unreadable inputs, texts met again with other
    metadata, failed analyses; and the entries of a folder that were not read)."""

    read: int = 0
    new: int = 0
    duplicate: int = 0
    appearances: int = 0  # of the duplicates, those stored as a new appearance (wire copy)
    article_ids: list[str] = field(default_factory=list)
    report: RunReport = field(default_factory=RunReport)

    @property
    def failed(self) -> list[Failure]:
        """Every input not stored, and why."""
        return self.report.failures

    @property
    def left_out(self) -> list[Skip]:
        """The entries of a folder that were not read (a subfolder, a file of another type), and why."""
        return self.report.skips

    @property
    def ingested(self) -> bool:
        """Whether anything is in the store now from these inputs (new or already there)."""
        return bool(self.new or self.duplicate)

    def to_dict(self) -> dict[str, Any]:
        """The summary as data, counted as the text summary counts (:meth:`RunReport.outcomes`):
        ``failed``, the articles read but not stored; ``left_out``, the inputs not read."""
        return {
            "read": self.read,
            "new": self.new,
            "duplicate": self.duplicate,
            "appearances": self.appearances,
            **self.report.outcomes(),
            "article_ids": self.article_ids,
        }


def count_sources(sources: Iterable[str | Path]) -> int | None:
    """How many articles the sources hold, for a progress bar (None when unknown): each counted
    by :func:`unspun.readers.folder.count_inputs`, as ``unspun analyze`` counts its input."""
    from unspun.readers.folder import count_inputs

    total = 0
    for source in sources:
        counted = count_inputs(source)
        if counted is None:
            return None
        total += counted
    return total


def read_sources(
    sources: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_failure: Callable[[Failure], None],
    fetch_timeout: float | None = None,
    on_left_out: Callable[[Path | str, str], None] | None = None,
) -> Iterator[Article]:
    """Every article of ``sources`` (paths, ``-``, URLs), in order; what cannot be read goes to
    ``on_failure`` and the rest goes on; a folder's entries that are not read (a subfolder, a
    file of another type) go to ``on_left_out``."""
    for source in sources:
        yield from _read_one(source, max_bytes, on_failure, fetch_timeout, on_left_out)


def _read_one(
    source: str | Path,
    max_bytes: int,
    on_failure: Callable[[Failure], None],
    fetch_timeout: float | None,
    on_left_out: Callable[[Path | str, str], None] | None,
) -> Iterator[Article]:
    told: list[Path | str] = []

    def failed(failure: Failure) -> None:
        told.append(failure.where)
        on_failure(failure)

    def left_out(where: Path | str, reason: str) -> None:
        told.append(where)
        if on_left_out is not None:
            on_left_out(where, reason)

    try:
        yield from _read_source(source, max_bytes, failed, fetch_timeout, left_out)
    except EmptyInputError as error:
        # A folder with nothing readable: when its entries were each told already, the folder is
        # no further input left out (the summary would count one too many).
        if not told:
            on_failure(Failure.of_read(source, error))
    except UnspunError as error:
        on_failure(Failure.of_read(source, error))


def _read_source(
    source: str | Path,
    max_bytes: int,
    on_failure: Callable[[Failure], None],
    fetch_timeout: float | None,
    on_left_out: Callable[[Path | str, str], None] | None = None,
) -> Iterator[Article]:
    from unspun.readers.dispatch import iter_articles

    def skipped(where: Path | str, error: UnspunError) -> None:
        on_failure(Failure.of_read(where, error))

    def left_out(where: Path, reason: str) -> None:
        if on_left_out is not None:
            on_left_out(where, reason)

    yield from iter_articles(
        str(source),
        max_bytes=max_bytes,
        on_error=skipped,
        on_skip=left_out,
        fetch_timeout=fetch_timeout,
    )


def ingest(
    sources: Iterable[str | Path],
    store: Store,
    *,
    analyser: Analyser | None = None,
    load_analyser: Callable[[], Analyser] | None = None,
    outlet: str | None = None,
    batch_size: int = 8,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fetch_timeout: float | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_failure: Callable[[Failure], None] | None = None,
) -> IngestSummary:
    """Read, analyse and store the articles of ``sources``; return what was done.

    ``analyser`` analyses the new articles (a :class:`unspun.analysis.Pipeline`); without one,
    ``load_analyser()`` is called once, when the first new article is met (so a run that finds
    only duplicates loads no model), else the default pipeline is built. ``outlet`` overrides
    every article's outlet. Every ``batch_size`` analyses are committed together. ``on_failure``
    hears each failure as it happens (they are also in the summary).

    Raises :class:`unspun.errors.StoreError` when the store fails, and what loading the analyser
    raises (:class:`unspun.errors.ModelError`); input and analysis failures are reported instead.
    """
    summary = IngestSummary()

    def failed(failure: Failure) -> None:
        summary.failed.append(failure)
        if on_failure is not None:
            on_failure(failure)

    seen: dict[str, list[Article]] = {}  # content hash -> this run's appearances of that text
    later: list[Article] = []  # further appearances of a text this run met: stored at the end

    def new_articles() -> Iterator[Article]:
        for article in read_sources(
            sources,
            max_bytes=max_bytes,
            on_failure=failed,
            fetch_timeout=fetch_timeout,
            on_left_out=summary.report.skip,
        ):
            summary.read += 1
            if outlet is not None:
                article.outlet = outlet
            digest = article.content_hash
            try:
                duplicate = _seen_as(seen, article, later) or _merged(store, article, summary)
            except MetadataConflictError as error:
                told = _from_the_input(error)
                failed(Failure(where(article), "store", told.code, told.message, told))
                if on_progress is not None:
                    on_progress(1)
                continue
            if duplicate:
                summary.duplicate += 1
                summary.article_ids.append(digest[:16])
                seen.setdefault(digest, [article])
                if on_progress is not None:
                    on_progress(1)
                continue
            seen[digest] = [article]
            yield article

    def store_later() -> None:
        """The appearances of a text under another outlet or url, met in this run after it:
        stored once the text is (wire copy)."""
        for article in later:
            try:
                _merged(store, article, summary)
            except MetadataConflictError as error:
                told = _from_the_input(error)
                failed(Failure(where(article), "store", told.code, told.message, told))

    articles = new_articles()
    first = next(articles, None)
    if first is None:
        store_later()
        return summary
    if analyser is None:
        from unspun.analysis import load_pipeline

        analyser = load_analyser() if load_analyser is not None else load_pipeline()
    pending: list[Analysis] = []

    def commit() -> None:
        for ref in store.add_many(pending):
            summary.article_ids.append(ref.article_id)
            if ref.new_article:
                summary.new += 1
            else:  # another writer stored it meanwhile
                summary.duplicate += 1
        pending.clear()

    def keep(analysis: Analysis) -> None:
        pending.append(analysis)
        if len(pending) >= batch_size:
            commit()

    run(
        chain([first], articles),
        analyser,
        keep,
        report=summary.report,
        batch_size=batch_size,
        on_progress=on_progress,
        on_failure=on_failure,
    )
    if pending:
        commit()
    store_later()
    return summary


def _merged(store: Store, article: Article, summary: IngestSummary) -> bool:
    """Whether ``article``'s text is stored (its metadata merged: :meth:`Store.merge_metadata`),
    counting it in ``summary.appearances`` when it was stored as a new appearance."""
    ref = store.merge_metadata(article)
    if ref is not None and ref.new_appearance:
        summary.appearances += 1
    return ref is not None


def _from_the_input(error: MetadataConflictError) -> MetadataConflictError:
    """The store's refusal of a stored text met with other metadata, said for an input whose
    fields the user cannot leave out (a feed's entry, a page): which value to give instead, the
    outlet by the ``outlet`` override (``unspun ingest --outlet``), the others in the input."""
    if not error.fields:
        return error
    kept = ", ".join(f"{name} {stored!r}" for name, (stored, _) in error.fields.items())
    asked = ", ".join(f"{name} {given!r}" for name, (_, given) in error.fields.items())
    advice = []
    if "outlet" in error.fields:
        stored_outlet = error.fields["outlet"][0]
        advice.append(
            f"give the outlet it was stored with (unspun ingest --outlet {shlex.quote(stored_outlet)})"
        )
    others = [name for name in error.fields if name != "outlet"]
    if others:
        advice.append(f"give the stored {' and '.join(others)} in the input")
    from unspun.store.writer import partial_date_note

    return MetadataConflictError(
        f"article {error.article_id} is already stored with {kept}, not {asked}"
        f"{partial_date_note(error.fields)}: a stored text's metadata are "
        f"never overwritten; to store it again, {', and '.join(advice)}, or, if the stored ones are "
        f"wrong, take it out first (unspun delete {error.article_id}) and ingest it again",
        article_id=error.article_id,
        fields=error.fields,
    )


def _seen_as(seen: dict[str, list[Article]], article: Article, later: list[Article]) -> bool:
    """Whether this run met the text already; raises :class:`MetadataConflictError` when it
    came then at the same outlet and url with other metadata (as the store refuses a stored
    text). Met under another outlet or url (wire copy), it is put on ``later``, to be stored as
    a further appearance of the text."""
    from unspun.store.appearance import appearance_of
    from unspun.store.writer import metadata_conflict

    met = seen.get(article.content_hash)
    if met is None:
        return False
    app = appearance_of([_metadata(other) for other in met], article)
    if app is None:
        met.append(article)
        later.append(article)
        return True
    conflict = metadata_conflict({**app, "id": article.content_hash[:16]}, article)
    if conflict is not None:
        raise conflict
    return True


def _metadata(article: Article) -> dict[str, Any]:
    from unspun.store.rows import METADATA

    return {name: getattr(article, name) for name in METADATA}
