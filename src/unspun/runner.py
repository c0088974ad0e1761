"""What a run over user input read, analysed, skipped and why: the bookkeeping every front-end shares.

:func:`unspun.readers.dispatch.iter_articles` tells a :class:`ReadReport` what it left out of a folder
(``report.skip``: a subfolder, a file of another type, the output being written) and which
files or lines it could not read (``report.on_error``, the reader's error handler); the caller
tells it which analyses succeeded or failed (``report.analysed`` / ``report.failed``). At the end
:meth:`ReadReport.summary` gives the lines to show (``unspun analyze`` prints them on stderr) and
:meth:`ReadReport.failure` the one error to raise when nothing could be analysed. Everything is
keyed by the FILE path an article came from (a JSONL line by ``path:line`` or ``path (id)``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from unspun.document import Article
from unspun.errors import UnspunError

# Up to this many analysed files are listed one by one in the summary; more are counted.
LISTED_FILES = 20


@dataclass(frozen=True, slots=True)
class Skip:
    """An input left out: where (a file path, ``path:line`` or ``path (id)``) and why."""

    where: str
    reason: str


def where(article: Article) -> str:
    """The file an article came from, for messages: its path (with its id for one record of a
    JSONL file), or its id when it was not read from a file (stdin, a string)."""
    if article.source_path is None:
        return article.id
    if str(article.source_path).lower().endswith(".jsonl"):
        return f"{article.source_path} ({article.id})"
    return str(article.source_path)


@dataclass
class ReadReport:
    """The running account of one read-and-analyse run.

    ``notify(kind, message)`` is told each unreadable input and failed analysis as it happens
    (``kind`` is ``"skipped"``: it is left out of the output); the first failed analysis is held back until a second
    article is seen, because when it is the run's only article it is the run's error instead.
    """

    notify: Callable[[str, str], None] | None = None
    skipped: list[Skip] = field(default_factory=list)
    failures: list[Skip] = field(default_factory=list)
    analysed_from: Counter[str] = field(default_factory=Counter)
    seen: int = 0
    _held: Skip | None = None

    # -- told by the reader ---------------------------------------------------------------------

    def skip(self, path: Path | str, reason: str) -> None:
        """Note an entry of a folder that is not read (no notice: it is listed in the summary)."""
        self.skipped.append(Skip(str(path), reason))

    def on_error(self, path: Path, error: UnspunError) -> None:
        """The reader's error handler: a file or line that could not be read (its message already
        names it)."""
        self.skipped.append(Skip(str(path), error.message))
        self._tell("skipped", error.message)

    # -- told by the caller ---------------------------------------------------------------------

    def analysed(self, article: Article) -> None:
        """Note an article analysed."""
        self._next()
        self.analysed_from[str(article.source_path or article.id)] += 1

    def failed(self, article: Article, message: str) -> None:
        """Note an article whose analysis failed, with the reason."""
        self._next()
        failure = Skip(where(article), message)
        self.failures.append(failure)
        if self.seen == 1:
            self._held = failure
        else:
            self._tell("skipped", f"{failure.where}: {message}")

    @property
    def analysed_count(self) -> int:
        return sum(self.analysed_from.values())

    def failure(self) -> str | None:
        """The run's one error message when no article was analysed (``None`` otherwise): the
        reason itself for one article or one shared reason, else a count."""
        if self.analysed_count or not self.failures:
            return None
        reasons = list(dict.fromkeys(f.reason for f in self.failures))
        if self.seen == 1:
            return f"{self.failures[0].where}: {reasons[0]}"
        if len(reasons) == 1:
            return reasons[0]
        return f"none of the {self.seen} articles could be analysed (see the messages above)"

    def summary(self) -> list[str]:
        """The lines of the end-of-run summary: the counts, then each file analysed (up to
        :data:`LISTED_FILES`, else their number), each failure and each skipped entry with why."""
        files = len(self.analysed_from)
        lines = [
            f"summary: {self.analysed_count} analysed from {files} file{'s' if files != 1 else ''}, "
            f"{len(self.failures)} failed, {len(self.skipped)} left out"
        ]
        if files <= LISTED_FILES:
            for path, count in self.analysed_from.items():
                lines.append(f"  analysed {path}" + (f" ({count} articles)" if count > 1 else ""))
        lines += [f"  failed   {f.where}: {f.reason}" for f in self.failures]
        lines += [f"  left out {s.where}: {s.reason}" for s in self.skipped]
        return lines

    def worth_summarising(self) -> bool:
        """Whether the run read more than one article or left something out (a single article
        read and analysed needs no summary)."""
        return self.seen > 1 or bool(self.skipped)

    def _next(self) -> None:
        self.seen += 1
        if self.seen == 2 and self._held is not None:
            self._tell("skipped", f"{self._held.where}: {self._held.reason}")

    def _tell(self, kind: str, message: str) -> None:
        if self.notify is not None:
            self.notify(kind, message)
