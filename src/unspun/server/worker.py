"""The analysis worker pool: analyses run in threads, never on the event loop.

All workers share the one loaded pipeline (:func:`unspun.analysis.shared_pipeline`, thread-safe:
a call changes nothing shared). Requests that arrive together are analysed together: a worker
takes up to ``batch_size`` waiting articles at once and runs them as one
batch of :func:`unspun.runner.run` (each article's result does not depend on its
batch-mates; the models simply run fewer, larger calls), which is what makes concurrent
clients faster than one at a time.

The pool is bounded three ways: ``workers`` threads run analyses; at most ``max_queue`` more
wait (a request beyond that gets 503 at once, rather than a growing backlog); and a request
waits at most ``timeout`` seconds for its analysis (504). One that has not started yet is never
started. One already running is stopped cooperatively: a thread cannot be stopped from outside,
so the worker checks between components and at every progress report inside one (the span
model reports every group of pieces, the paragraph encoder every step) whether every request of
its batch has given up, and then drops the batch's work there. A timed-out request therefore
frees its worker within one component step (a few seconds), not after the whole analysis.
"""

from __future__ import annotations

import asyncio
import copy
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, cast

from unspun.document import Analysis, Article
from unspun.server.errors import AnalysisTimeoutError, ServerBusyError


@dataclass(slots=True)
class _Job:
    article: Article
    future: Future[Analysis]
    given_up: threading.Event = field(default_factory=threading.Event)


class _Stopped(BaseException):
    """Raised inside a batch's analysis once every request of the batch has given up.

    A BaseException, so that a component's error handler (which records an ``Exception`` on the
    article and goes on) lets it through: the whole batch stops."""


class _Checked:
    """A pipeline component that first checks whether its batch is still wanted."""

    def __init__(self, component: Any, check: Callable[[], None]) -> None:
        self.component = component
        self.check = check
        self.name = component.name
        self.needs, self.writes = component.needs, component.writes

    def __call__(self, articles: Sequence[Article], **kwargs: Any) -> Any:
        self.check()
        return self.component(articles, **kwargs)

    def model_info(self) -> Any:
        return self.component.model_info()

    def load(self) -> None:
        self.component.load()

    def warm_up(self) -> None:
        self.component.warm_up()


def _checked(component: Any, check: Callable[[], None]) -> _Checked:
    """``component`` checked before it runs; a layer of components (the who-says-what layer,
    the longest step) is copied with each of its own components checked too."""
    inner = getattr(component, "components", None)
    if isinstance(inner, list):
        component = copy.copy(component)  # the shared layer keeps its own list
        component.components = [_checked(c, check) for c in inner]
    return _Checked(component, check)


class AnalysisPool:
    """Run the shared pipeline on articles from async code, bounded in threads, queue and time."""

    def __init__(
        self,
        *,
        workers: int = 2,
        max_queue: int = 256,
        timeout: float = 60.0,
        batch_size: int = 8,
        model: str | None = None,
        article_model: str | None = None,
        extra_components: Sequence[str] = (),
        spacy_model: str | None = None,
    ) -> None:
        self.workers = workers
        self.max_queue = max_queue
        self.timeout = timeout
        self.batch_size = batch_size
        self.model = model
        self.article_model = article_model
        self.extra_components = tuple(extra_components)
        self.spacy_model = spacy_model
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._in_flight = 0  # running plus waiting
        self._running = 0
        self.stopped = 0  # batches stopped because every request of theirs had given up

    @property
    def in_flight(self) -> int:
        """Analyses running or waiting now."""
        return self._in_flight

    @property
    def running(self) -> int:
        """Analyses a worker is running now (a timed-out one counts until its worker stops it)."""
        return self._running

    def load(self) -> None:
        """Load the pipeline now (blocking), every model any article could use included
        (:meth:`unspun.analysis.Pipeline.warm_up`), so that no request pays for loading one.

        Raises :class:`unspun.errors.ModelError` when a model cannot be loaded."""
        from unspun.analysis import shared_pipeline

        shared_pipeline(
            self.model,
            self.article_model,
            extra_components=self.extra_components,
            spacy_model=self.spacy_model,
        ).warm_up()

    def _start(self) -> None:
        # Called with the lock held: threads start with the first analysis, not at import.
        while len(self._threads) < self.workers:
            thread = threading.Thread(
                target=self._work, name=f"unspun-analysis-{len(self._threads)}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _take(self) -> list[_Job] | None:
        """The next batch: one job (waiting for it), plus those already waiting, up to batch_size."""
        first = self._jobs.get()
        if first is None:
            return None
        batch = [first]
        while len(batch) < self.batch_size:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is None:
                self._jobs.put(None)  # keep the stop signal for the loop
                break
            batch.append(job)
        return batch

    def _work(self) -> None:
        from unspun.analysis import shared_pipeline

        while (batch := self._take()) is not None:
            live = [job for job in batch if job.future.set_running_or_notify_cancel()]
            if not live:
                continue
            with self._lock:
                self._running += len(live)
            try:
                pipeline = shared_pipeline(
                    self.model,
                    self.article_model,
                    extra_components=self.extra_components,
                    spacy_model=self.spacy_model,
                )
                results = self._run(pipeline, live)
            except _Stopped:
                with self._lock:
                    self.stopped += 1
                for job in live:
                    job.future.set_exception(
                        AnalysisTimeoutError("the analysis was stopped past its time limit")
                    )
                continue
            except BaseException as error:  # noqa: BLE001 - handed to every waiting request
                for job in live:
                    job.future.set_exception(error)
                continue
            finally:
                with self._lock:
                    self._running -= len(live)
            for job, analysis in zip(live, results, strict=True):
                job.future.set_result(analysis)

    @staticmethod
    def _run(pipeline: Any, live: list[_Job]) -> list[Analysis]:
        """The batch's analyses; raises :class:`_Stopped` at the first check after every request
        of the batch gave up (between components, and at each progress report within one)."""
        from unspun.analysis import Pipeline
        from unspun.progress import listening
        from unspun.runner import Failure, run

        def check(*_: object) -> None:
            if all(job.given_up.is_set() for job in live):
                raise _Stopped

        # The shared pipeline is never changed: a per-batch list of the same (loaded) components.
        checked = Pipeline(cast(Any, [_checked(c, check) for c in pipeline.components]))
        analyses: list[Analysis] = []

        def failed(failure: Failure) -> None:
            # Each request gets its own analysis, a failed one with its errors (the API answers them).
            assert failure.article is not None  # the runner's analysis failures carry their article
            analyses.append(Analysis(failure.article))

        with listening(check):
            run(
                [job.article for job in live],
                checked,
                analyses.append,
                batch_size=len(live),
                on_failure=failed,
            )
        return analyses

    def _done(self, future: Future[Analysis]) -> None:
        with self._lock:  # run, failed or cancelled before it started: it holds no place now
            self._in_flight -= 1

    async def analyze(self, article: Article) -> Analysis:
        """The analysis of ``article`` (carrying its own errors, as :meth:`Pipeline.pipe` gives).

        Raises:
            ServerBusyError: ``max_queue`` analyses are already waiting (503).
            AnalysisTimeoutError: the analysis took longer than ``timeout`` seconds (504).
        """
        future: Future[Analysis] = Future()
        with self._lock:
            if self._in_flight >= self.workers + self.max_queue:
                raise ServerBusyError(
                    f"the server is analysing {self._in_flight} articles already; retry in a few seconds"
                )
            self._in_flight += 1
            self._start()
        future.add_done_callback(self._done)
        job = _Job(article, future)
        self._jobs.put(job)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            future.cancel()  # still waiting for a worker: it never starts
            job.given_up.set()  # running: its worker stops at its next check
            raise AnalysisTimeoutError(
                f"the analysis took longer than the server's limit of {self.timeout:g} s; send a shorter "
                "text, or raise UNSPUN_ANALYSIS_TIMEOUT"
            ) from None

    def close(self) -> None:
        """Stop the workers once they finish their batch; waiting analyses are cancelled (a later
        :meth:`analyze` starts new workers)."""
        with self._lock:
            threads, self._threads = self._threads, []
        pending = []
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                pending.append(job)
        for job in pending:
            job.future.cancel()
        for _ in threads:
            self._jobs.put(None)
