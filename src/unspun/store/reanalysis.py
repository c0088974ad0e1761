"""``unspun reanalyze``: analyse stored articles again with the current models, adding analyses.

A new analysis is added beside the older ones and becomes the newest (the one queries read).
Articles already analysed by the same models and unspun version are skipped unless forced;
forced, an analysis by the same models replaces the stored one (the store keeps one analysis per
article and models), and is the newest. Work is committed per batch, so an interrupted run keeps
what it did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any, Protocol

from unspun.document import Analysis, Article
from unspun.runner import Analyser, run
from unspun.store.base import ReanalyzeSummary, SearchQuery, StoredAnalysis, StoredRef


class ReanalysisStore(Protocol):
    """What :func:`reanalyze` needs of a store (:class:`unspun.store.sql.SqlStore` has it): typed
    by what it does, so this module need not import the SQL store that calls it."""

    def export(self, query: SearchQuery | None = None) -> Iterator[StoredAnalysis]: ...

    def add_many(self, analyses: Iterable[Analysis], *, replace: bool = False) -> list[StoredRef]: ...

    def expected_model_key(self, analyser: Analyser) -> str | None: ...

    def newest_model_key(self, article_id: str) -> str | None: ...


def reanalyze(
    store: ReanalysisStore,
    analyser: Analyser,
    *,
    query: SearchQuery | None = None,
    force: bool = False,
    batch_size: int = 8,
    on_progress: Callable[[int], None] | None = None,
) -> ReanalyzeSummary:
    """See :meth:`unspun.store.base.Store.reanalyze`."""
    summary = ReanalyzeSummary()
    # Read the work list first: the export stream must not hold a read open while batches commit.
    stream = store.export(query)
    first = next(stream, None)
    if first is None:
        return summary  # nothing to analyse: no model is loaded (a LazyAnalyser stays unbuilt)
    expected = store.expected_model_key(analyser)
    todo: list[Article] = []
    for stored in chain([first], stream):
        summary.seen += 1
        history_key = store.newest_model_key(stored.article_id) if expected is not None else None
        if not force and expected is not None and history_key == expected:
            summary.current += 1
            if on_progress:
                on_progress(1)
            continue
        todo.append(_fresh(stored))
    pending: list[Analysis] = []

    def commit() -> None:
        # Forced, an analysis by the same models replaces the stored one: without it, a changed
        # model that kept its name and version would be run and then stored nowhere.
        for ref in store.add_many(pending, replace=force):
            if ref.new_analysis:
                summary.added += 1
            elif ref.replaced:
                summary.replaced += 1
            else:
                summary.current += 1
        pending.clear()

    def keep(analysis: Analysis) -> None:
        pending.append(analysis)
        if len(pending) >= batch_size:
            commit()

    # A failure is placed by the store's id of its article: its content hash's first 16 digits.
    if not todo:
        return summary  # every article current: the analyser is not loaded (a LazyAnalyser)
    report = run(
        todo,
        analyser,
        keep,
        batch_size=batch_size,
        on_progress=on_progress,
        place=lambda a: a.content_hash[:16],
    )
    if pending:
        commit()
    summary.failed = report.failures
    return summary


class LazyAnalyser:
    """An :class:`Analyser` made by ``build()`` on first use and loaded (its ``load()``, when it
    has one) only when an article is to be analysed: ``unspun reanalyze`` loads no model when no
    stored article matches, and when every one is current it only builds the pipeline to read
    which models it runs (``build`` is called at most once, ``load`` at most once)."""

    def __init__(self, build: Callable[[], Analyser]) -> None:
        self._build = build
        self._analyser: Analyser | None = None
        self._loaded = False

    @property
    def loaded(self) -> bool:
        """Whether the analyser was loaded to analyse (built, and its ``load()`` called)."""
        return self._loaded

    def _get(self) -> Analyser:
        if self._analyser is None:
            self._analyser = self._build()
        return self._analyser

    @property
    def components(self) -> Any:
        """The built analyser's components, which say which models it runs (builds it, loads no
        more than saying so needs)."""
        return getattr(self._get(), "components", None)

    def pipe(self, articles: Iterable[Article], *, batch_size: int = 8) -> Iterator[Analysis]:
        """The analyser's :meth:`pipe`, loaded first (a model that cannot load fails once, here)."""
        analyser = self._get()
        if not self._loaded:
            load = getattr(analyser, "load", None)
            if load is not None:
                load()
            self._loaded = True
        return analyser.pipe(articles, batch_size=batch_size)


def _fresh(stored: StoredAnalysis) -> Article:
    """The stored article without any analysis on it, ready for the pipeline."""
    old = stored.analysis.article
    return Article(
        id=old.id,
        text=old.text,
        title=old.title,
        outlet=old.outlet,
        url=old.url,
        published=old.published,
        source_path=old.source_path,
    )
