"""The one runner of every front-end: analyse a stream of articles, account for what failed.

:func:`run` takes the articles a reader yields (:func:`unspun.readers.dispatch.iter_articles`, given a
:class:`RunReport`'s :meth:`~RunReport.on_error` and :meth:`~RunReport.skip` as its handlers), a
loaded pipeline (:func:`unspun.analysis.load_pipeline`) and a sink; it hands each analysis that
succeeded to the sink, keeps each that failed as a :class:`Failure` and returns the
:class:`RunReport`. ``unspun analyze``, ``ingest``, ``reanalyze`` and the batch workers all run it,
so that a failure is one record everywhere: where (the article's file, ``path (id)`` for one record
of a JSONL file, else its id), the component that failed (None: the input could not be read), the
error's code and its message.

:meth:`RunReport.summary` gives the lines to show at the end, the same for every front-end (its
first line, :func:`headline`, with the front-end's own counts: ``unspun ingest`` says what is new and
what was stored already), and :meth:`RunReport.failure` the one error to raise when nothing could be
analysed.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from unspun.document import Analysis, Article, web_address
from unspun.errors import InputWarning, UnspunError

# Up to this many analysed files are listed one by one in the summary; more are counted.
LISTED_FILES = 20
# Where an article not read from a file or a URL came from, in the summary (what the readers call
# stdin): the articles of a JSONL dump or a feed piped in are one source, not one file each.
STDIN = "standard input"


class Analyser(Protocol):
    """What :func:`run` runs: :class:`unspun.analysis.Pipeline` satisfies it."""

    def pipe(self, articles: Iterable[Article], *, batch_size: int = 8) -> Iterator[Analysis]: ...


@dataclass(frozen=True, slots=True)
class Skip:
    """An entry of a folder left out (a subfolder, a file of another type): where and why, and
    whether it is a ``folder`` (the summary counts folders apart from files)."""

    where: str
    reason: str
    folder: bool = False

    def to_dict(self) -> dict[str, Any]:
        """In a failure's shape (:meth:`Failure.to_dict`), so that every entry left out reads alike."""
        return {"where": self.where, "component": None, "code": "not_read", "message": self.reason}


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that was not analysed: ``where`` it came from (see :func:`where`), the
    ``component`` that failed on it (None when it could not be read), the error's ``code``
    (:attr:`unspun.errors.UnspunError.code`, ``internal_error`` for a bug) and its ``message``.

    ``exception`` is the original exception (for re-raising in-process) and ``article`` the
    article that failed (None when it could not be read); neither is serialised."""

    where: str
    component: str | None
    code: str
    message: str
    exception: BaseException | None = field(default=None, compare=False, repr=False)
    article: Article | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of_read(cls, where: Path | str, error: UnspunError) -> Failure:
        """The failure to read ``where`` (a file, ``path:line``, a URL)."""
        return cls(str(where), None, error.code, error.message, error)

    @classmethod
    def of_analysis(cls, analysis: Analysis, at: str | None = None) -> Failure:
        """The first error of a failed analysis, placed ``at`` (by default by :func:`where`)."""
        error = analysis.errors[0]
        place = at if at is not None else where(analysis.article)
        return cls(place, error.component, error.code, error.message, error.exception, analysis.article)

    @property
    def reason(self) -> str:
        """Why, in one phrase: ``component: message`` (the message alone for a read failure)."""
        return f"{self.component}: {self.message}" if self.component else self.message

    @property
    def line(self) -> str:
        """The failure on one line: ``where: reason`` (the reason alone when it names ``where``
        already, as a reader's messages name their file and line; "a.txt: it is empty ..." for
        "a.txt is empty ...", as :class:`RunReport` tells it)."""
        reason = self.reason
        return (
            _about_file(self.where, reason)
            if self.where.split(":")[0] in reason
            else f"{self.where}: {reason}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.where, "component": self.component, "code": self.code, "message": self.message}


def where(article: Article) -> str:
    """The file an article came from, for messages: its path (with its id for one record of a
    JSONL file or one entry of a feed: any article whose id is not its file's name), or its id
    when it was not read from a file (stdin, a string)."""
    return place(article.source_path, article.id)


def place(source_path: Path | str | None, id: str) -> str:
    """:func:`where` for an article known by its ``source_path`` and ``id`` alone (a batch's
    output row)."""
    if source_path is None:
        return id
    path = str(source_path)
    if path.lower().endswith(".jsonl") or id != Path(path).stem:
        return f"{path} ({id})"
    return path


@dataclass
class RunReport:
    """The running account of one read-and-analyse run.

    ``notify(kind, message)`` is told each unreadable input and failed analysis as it happens
    (``kind`` is ``"skipped"``: it is left out of the output); the first failed analysis is held back until a second
    article is seen, because when it is the run's only article it is the run's error instead.
    ``failures`` holds both kinds (a read failure has no component); ``skips`` the folder entries
    not read; ``seen`` the articles analysed or failed; ``elapsed`` the seconds :func:`run` took.
    """

    notify: Callable[[str, str], None] | None = None
    failures: list[Failure] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    analysed_from: Counter[str] = field(default_factory=Counter)
    seen: int = 0
    elapsed: float = 0.0
    _held: Failure | None = None

    # -- told by the reader ---------------------------------------------------------------------

    def skip(self, path: Path | str, reason: str) -> None:
        """Note an entry of a folder that is not read (no notice: it is listed in the summary)."""
        self.skips.append(Skip(str(path), reason, folder=Path(path).is_dir()))

    def on_error(self, path: Path | str, error: UnspunError) -> None:
        """The reader's error handler: a file or line that could not be read (its message already
        names it)."""
        self.failures.append(Failure.of_read(path, error))
        self._tell("skipped", _about_file(str(path), error.message))

    # -- told by the runner ---------------------------------------------------------------------

    def analysed(self, article: Article) -> None:
        """Note an article analysed."""
        self._next()
        self.analysed_from[str(article.source_path) if article.source_path else STDIN] += 1

    def failed(self, failure: Failure) -> None:
        """Note an article whose analysis failed."""
        self._next()
        self.failures.append(failure)
        if self.seen == 1:
            self._held = failure
        else:
            self._tell("skipped", f"{failure.where}: {failure.reason}")

    @property
    def analysed_count(self) -> int:
        return sum(self.analysed_from.values())

    @property
    def unread(self) -> list[Failure]:
        """The inputs that could not be read."""
        return [f for f in self.failures if f.component is None]

    @property
    def unanalysed(self) -> list[Failure]:
        """The articles read whose analysis failed."""
        return [f for f in self.failures if f.component is not None]

    def failure(self) -> str | None:
        """The run's one error message when no article was analysed (``None`` otherwise): the
        reason itself for one article or one shared reason, else a count."""
        failed = self.unanalysed
        if self.analysed_count or not failed:
            return None
        reasons = list(dict.fromkeys(f.reason for f in failed))
        if self.seen == 1:
            return f"{failed[0].where}: {reasons[0]}"
        if len(reasons) == 1:
            return reasons[0]
        return f"none of the {self.seen} articles could be analysed (see the messages above)"

    def failure_lines(self) -> list[str]:
        """Each failure (analysis, then read) and each entry left out, one line each."""
        lines = [f"  failed   {f.where}: {f.reason}" for f in self.unanalysed]
        lines += [f"  left out {f.where}: {_without_file(f.where, f.reason)}" for f in self.unread]
        lines += [f"  left out {s.where}: {s.reason}" for s in self.skips]
        return lines

    def summary(self, counts: str | None = None) -> list[str]:
        """The lines of the end-of-run summary: the :func:`headline` (``counts`` said by the
        front-end, by default how many inputs the run met (files, subfolders, URLs, standard
        input: see :meth:`inputs` and :func:`sources`), then the articles read and how many of
        them were analysed, ``from 3 files and 1 folder: 4 articles, 3 analysed, 1 failed, 2 left
        out`` (the articles are those analysed and failed; the inputs, those read and left out),
        the files analysed then listed up to :data:`LISTED_FILES`), then each failure and each
        entry left out, with why."""
        lines = [
            headline(
                counts or self._analysed_counts(), len(self.unanalysed), len(self.unread) + len(self.skips)
            )
        ]
        if counts is None and len(self.analysed_from) <= LISTED_FILES:
            for path, count in self.analysed_from.items():
                lines.append(f"  analysed {path}" + (f" ({count} articles)" if count > 1 else ""))
        return lines + self.failure_lines()

    def _analysed_counts(self) -> str:
        # Every input counted, not only those analysed ("2 analysed from 2 files, 0 failed, 1 left
        # out" was said of a folder of 3 files), a subfolder as a folder, and the articles apart
        # from the files ("from 8 files: 6 analysed" was said of 7 files, 1 folder, 2 feed entries).
        articles = self.analysed_count + len(self.unanalysed)
        folders = sum(1 for skip in self.skips if skip.folder)
        return (
            f"from {sources(self.inputs(), folders=folders)}: "
            f"{articles} article{'s' if articles != 1 else ''}, {self.analysed_count} analysed"
        )

    def inputs(self) -> list[str]:
        """Every input the run met, once each, in the order met: the files (URLs, standard input)
        articles were analysed from, failed from or left out of, and the entries left out (a
        JSONL line or a feed's entry counts as its file)."""
        names = list(self.analysed_from)
        for failure in self.failures:
            article = failure.article
            if article is not None:
                names.append(str(article.source_path) if article.source_path else STDIN)
            else:
                names.append(_file_of(failure.where))
        names += [skip.where for skip in self.skips]
        return list(dict.fromkeys(names))

    def outcomes(self) -> dict[str, list[dict[str, Any]]]:
        """The summary's failures as data, split as its :func:`headline` counts them: ``failed``,
        the articles read but not analysed or kept; ``left_out``, the inputs not read (unreadable
        files and lines, then a folder's entries of another kind), each as :meth:`Failure.to_dict`."""
        return {
            "failed": [f.to_dict() for f in self.unanalysed],
            "left_out": [f.to_dict() for f in self.unread] + [s.to_dict() for s in self.skips],
        }

    def rows(self) -> list[dict[str, Any]]:
        """:meth:`outcomes` as one table (a CSV): each row's ``outcome`` is ``failed`` or ``left out``."""
        return [
            {"outcome": outcome.replace("_", " "), **row}
            for outcome, rows in self.outcomes().items()
            for row in rows
        ]

    def worth_summarising(self) -> bool:
        """Whether the run read more than one article or left something out (a single article
        read and analysed needs no summary)."""
        return self.seen > 1 or bool(self.skips) or bool(self.unread)

    def _next(self) -> None:
        self.seen += 1
        if self.seen == 2 and self._held is not None:
            self._tell("skipped", f"{self._held.where}: {self._held.reason}")

    def _tell(self, kind: str, message: str) -> None:
        if self.notify is not None:
            self.notify(kind, message)


@contextmanager
def told_warnings(tell: Callable[[str], None]) -> Iterator[None]:
    """Within the block, each :class:`unspun.errors.InputWarning` a reader warns (an input read
    in part: a record's date left out) is handed to ``tell(message)``, every time, instead of
    Python's warning display; other warnings pass as before."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", InputWarning)
        shown = warnings.showwarning

        def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
            if issubclass(category, InputWarning):
                tell(str(message))
            else:
                shown(message, category, *args, **kwargs)

        warnings.showwarning = show
        yield


def sources(names: list[str], *, folders: int = 0) -> str:
    """The sources articles came from, counted as they are: ``2 files``, ``1 URL``,
    ``standard input``, or several joined (``1 file and standard input``); ``0 files`` for none.
    ``folders`` of the ``names`` are folders (a folder's subfolders, left out): ``2 files and
    1 folder``."""
    urls = sum(1 for n in names if web_address(n) is not None)
    stdin = STDIN in names
    files = len(names) - urls - stdin - folders
    parts = [f"{files} file{'s' if files != 1 else ''}"] if files or not (urls or stdin or folders) else []
    parts += [f"{folders} folder{'s' if folders != 1 else ''}"] if folders else []
    parts += [f"{urls} URL{'s' if urls != 1 else ''}"] if urls else []
    parts += [STDIN] if stdin else []
    return " and ".join(parts)


def _file_of(where: str) -> str:
    """The file (URL, standard input) of a failure's ``where``: ``path:line`` is ``path``."""
    head, _, tail = where.rpartition(":")
    return head if head and tail.isdigit() else where


def _without_file(where: str, reason: str) -> str:
    """``reason`` without the file it starts with (a reader's messages name their file, and
    ``where`` is that file or ``file:line``), so that a line ``where: reason`` names it (and its
    line) once."""
    file, line = _file_and_line(where)
    if reason.startswith(file) and len(reason) > len(file):
        rest = reason[len(file) :]
        reason = rest.lstrip(":, ")
        if rest.startswith(" "):  # "a.txt is empty ...": a sentence whose subject was the file
            reason = f"it {reason}"
        if line and reason.startswith(f"line {line}:"):  # a JSONL reader's "FILE, line N: ..."
            reason = reason[len(f"line {line}:") :].lstrip()
    return reason


def _about_file(where: str, message: str) -> str:
    """A reader's message as a line about its file, as the other notices read ("b.md: no text
    found ..."): "a.txt is empty ..." becomes "a.txt: it is empty ..."; a message that does not
    open with its file as a sentence's subject ("a.jsonl, line 2: ...") is kept as it is."""
    file, _ = _file_and_line(where)
    if message.startswith(f"{file} "):
        return f"{file}: it {message[len(file) + 1 :]}"
    return message


def _file_and_line(where: str) -> tuple[str, str | None]:
    """``where`` (a file, or ``file:line`` for a JSONL line or a feed entry) split in two."""
    head, _, tail = where.rpartition(":")
    return (head, tail) if head and tail.isdigit() else (where, None)


def headline(counts: str, failed: int, left_out: int | None = None) -> str:
    """The first line of every front-end's summary: ``summary: COUNTS, F failed, L left out``
    (``failed``: articles read but not analysed or kept; ``left_out``: inputs not read, not said
    when None)."""
    tail = f", {left_out} left out" if left_out is not None else ""
    return f"summary: {counts}, {failed} failed{tail}"


def run(
    source: Iterable[Article],
    pipeline: Analyser,
    sink: Callable[[Analysis], None],
    *,
    report: RunReport | None = None,
    batch_size: int = 8,
    on_progress: Callable[[int], None] | None = None,
    on_failure: Callable[[Failure], None] | None = None,
    place: Callable[[Article], str] = where,
) -> RunReport:
    """Analyse every article of ``source`` with ``pipeline``, ``batch_size`` at a time, and hand
    each analysis that succeeded to ``sink``, in input order; return the run's report.

    A failed analysis never stops the run: it is kept as a :class:`Failure` (placed by
    ``place(article)``, by default :func:`where`) and told to ``on_failure`` first, which may
    raise to stop the run (``unspun analyze --debug`` re-raises ``failure.exception``).
    ``on_progress(1)`` is called after each article. ``report`` is the report to add to (one
    whose handlers the reader of ``source`` was given), else a new one.

    Raises what ``pipeline``, ``sink``, ``on_failure`` or the reading of ``source`` raise.
    """
    report = report if report is not None else RunReport()
    started = time.perf_counter()
    try:
        for analysis in pipeline.pipe(source, batch_size=batch_size):
            if analysis.ok:
                report.analysed(analysis.article)
                sink(analysis)
            else:
                failure = Failure.of_analysis(analysis, place(analysis.article))
                if on_failure is not None:
                    on_failure(failure)
                report.failed(failure)
            if on_progress is not None:
                on_progress(1)
    finally:
        report.elapsed += time.perf_counter() - started
    return report
