"""The analysis worker pool: analyses run in threads, never on the event loop.

All workers share the one loaded pipeline (:func:`unspun.analysis.shared_pipeline`, thread-safe:
a call changes nothing shared). The pool is bounded twice: ``workers`` threads run analyses,
at most ``max_queue`` more wait (a request beyond that gets 503 at once, rather than a growing
backlog), and a request waits at most ``timeout`` seconds for its analysis (504). A thread
cannot be stopped from outside, so an analysis past its time limit still finishes in the
background; its result is dropped, and the queue bound keeps such leftovers from piling up.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from unspun.document import Analysis, Article
from unspun.server.errors import AnalysisTimeoutError, ServerBusyError


class AnalysisPool:
    """Run the shared pipeline on articles from async code, bounded in threads, queue and time."""

    def __init__(
        self,
        *,
        workers: int = 2,
        max_queue: int = 256,
        timeout: float = 60.0,
        model: str | None = None,
        article_model: str | None = None,
    ) -> None:
        self.workers = workers
        self.max_queue = max_queue
        self.timeout = timeout
        self.model = model
        self.article_model = article_model
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._in_flight = 0  # running plus waiting

    @property
    def in_flight(self) -> int:
        """Analyses running or waiting now."""
        return self._in_flight

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="unspun-analysis")
            return self._executor

    def load(self) -> None:
        """Load the pipeline now (blocking), so the first request does not pay for it.

        Raises :class:`unspun.errors.ModelError` when a model cannot be loaded."""
        from unspun.analysis import shared_pipeline

        shared_pipeline(self.model, self.article_model)

    def _run(self, article: Article) -> Analysis:
        from unspun.analysis import shared_pipeline

        pipeline = shared_pipeline(self.model, self.article_model)
        return next(pipeline.pipe([article], batch_size=1))

    def _done(self, future: object) -> None:
        with self._lock:  # run, failed or cancelled before it started: it holds no place now
            self._in_flight -= 1

    async def analyze(self, article: Article) -> Analysis:
        """The analysis of ``article`` (carrying its own errors, as :meth:`Pipeline.pipe` gives).

        Raises:
            ServerBusyError: ``max_queue`` analyses are already waiting (503).
            AnalysisTimeoutError: the analysis took longer than ``timeout`` seconds (504).
        """
        with self._lock:
            if self._in_flight >= self.workers + self.max_queue:
                raise ServerBusyError(
                    f"the server is analysing {self._in_flight} articles already; retry in a few seconds"
                )
            self._in_flight += 1
        try:
            future = self._pool().submit(self._run, article)
            future.add_done_callback(self._done)
        except BaseException:
            with self._lock:
                self._in_flight -= 1
            raise
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            future.cancel()  # still waiting for a thread: it never starts
            raise AnalysisTimeoutError(
                f"the analysis took longer than the server's limit of {self.timeout:g} s; send a shorter "
                "text, or raise UNSPUN_ANALYSIS_TIMEOUT"
            ) from None

    def close(self) -> None:
        """Stop the threads (waiting analyses are cancelled; running ones finish)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
