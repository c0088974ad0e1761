"""The store's commands: ``ingest``, ``search``, ``outlets``, ``profile``, ``export``, ``reanalyze``
and ``feedback import`` / ``feedback list``. Each opens the store (``--db``), calls one library
function and renders its result as text, JSON or CSV."""

from __future__ import annotations

import csv
import datetime as dt
import inspect
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, get_args

import typer

from unspun.cli.common import (
    ArticleModelOption,
    LangOption,
    MaxInputOption,
    ModelOption,
    cli_settings,
    counted,
    err,
    fail,
    long_work,
    out,
    progress,
    say,
    user_errors,
    write,
)
from unspun.errors import FormatError, NotFoundError
from unspun.store.base import SearchQuery, Store, same_outlets, search_fields, unknown_outlet
from unspun.techniques import FRAME_INFO, GENRE_INFO, category_id, display_name, technique_id

feedback_app = typer.Typer(
    help="Feedback on stored analyses: import a Label Studio review, list what is kept.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class TableFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    ptc = "ptc"
    labelstudio = "labelstudio"


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL: sqlite:///FILE, a file path, or postgresql://USER@HOST/DB. "
        "Default: $UNSPUN_DB, else unspun.db in the user data folder.",
    ),
]
FormatOption = Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")]


@contextmanager
def opened(db: str | None, *, create: bool = False) -> Iterator[Store]:
    """The store of ``--db``; only ``ingest`` (``create=True``) makes a new one, the readers
    refuse a SQLite file that does not exist (a mistyped path is not an empty corpus)."""
    from unspun.store import open_store

    store = open_store(db, create=create)
    try:
        yield store
    finally:
        store.close()


def _date(value: str | None, option: str, *, end: bool = False) -> dt.date | None:
    """A date option read by the store's one date parser (a month or a year taken too)."""
    from unspun.store.base import date_bound

    return date_bound(value, end=end, name=option)


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in row.items()})
    return buffer.getvalue().rstrip("\n")


# The columns of a failure in CSV output (the fields of unspun.runner.Failure).
FAILURE_COLUMNS = ["outcome", "where", "component", "code", "message"]  # RunReport.rows


def _json(data: Any) -> None:
    write(json.dumps(data, ensure_ascii=False, indent=2))


def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(help="Text, HTML, Markdown, JSONL or RSS/Atom files, folders, http(s) URLs, or -."),
    ],
    db: DbOption = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="Set this outlet on every article.")] = None,
    model: ModelOption = None,
    article_model: ArticleModelOption = None,
    lang: LangOption = None,
    max_input_mb: MaxInputOption = None,
    format: Annotated[
        TableFormat,
        typer.Option("--format", "-f", help="Summary format (csv: one line per failure or input left out)."),
    ] = TableFormat.text,
) -> None:
    """Read, analyse and keep articles in the store.

    The same text is the same article: ingesting again adds nothing, and after an interruption
    completes the rest (work is committed per batch). The exit status is 2 when nothing could be
    ingested."""
    from unspun.runner import Failure, told_warnings
    from unspun.store.ingest import count_sources
    from unspun.store.ingest import ingest as run_ingest

    # A record read in part (a date that is none) is one warning line; the article is stored.
    with user_errors(), told_warnings(lambda message: say("warning:", "yellow", message)):
        settings = cli_settings(model=model, article_model=article_model, max_input_mb=max_input_mb)

        def load() -> Any:
            from unspun.analysis import load_pipeline

            return load_pipeline(settings, lang=lang)

        # The first failure waits, as unspun analyze's does: when it is the run's one input, the
        # error line says it alone (it was said 'skipped', '  failed' and 'error:', three times).
        held: list[Failure] = []

        def tell(failure: Failure) -> None:
            # "skipped", as unspun analyze says: the summary then counts it failed or left out
            say("skipped", "yellow", failure.line)

        def report(failure: Failure) -> None:
            if format is not TableFormat.text:
                return
            if not held:
                held.append(failure)
                return
            if len(held) == 1:
                tell(held[0])
                held.append(failure)  # told: the next ones are said at once
            tell(failure)

        with (
            opened(db, create=True) as store,
            progress(count_sources(paths), "ingesting") as advance,
            long_work(advance),
        ):
            summary = run_ingest(
                paths,
                store,
                load_analyser=load,
                outlet=outlet,
                batch_size=settings.batch_size,
                max_bytes=settings.max_input_bytes,
                on_progress=advance,
                on_failure=report,
            )
            where = store.url
        if format is TableFormat.json:
            _json({**summary.to_dict(), "db": where})
        elif format is TableFormat.csv:
            write(_csv(summary.report.rows(), FAILURE_COLUMNS))
        else:
            alone = not summary.ingested and len(summary.failed) == 1 and not summary.left_out
            if len(held) == 1 and not alone:
                tell(held[0])
            first, *details = summary.report.summary(
                f"ingested {summary.new} new article{'s' if summary.new != 1 else ''}, "
                f"{summary.duplicate} already stored"
                + (
                    f" ({summary.appearances} as a new appearance: another outlet or url)"
                    if summary.appearances
                    else ""
                )
            )
            write(f"{first} (store: {where})")
            for line in [] if alone else details:  # alone, the error below says it
                err.print(line)
        if not summary.ingested:
            reasons = list(dict.fromkeys(f.reason for f in summary.failed))
            if len(summary.failed) == 1:
                raise fail(summary.failed[0].line)  # where and why, said only here
            raise fail(
                reasons[0] if len(reasons) == 1 else "nothing could be ingested (see the messages above)"
            )


# The options are SearchQuery's fields (their types, defaults and help), as the API's query
# parameters are: declared once. ``text`` is the argument QUERY; dates are read by date_bound.
CLI_NAMES = {"text": "query", "date_from": "since", "date_to": "until"}


def search(db: DbOption = None, format: FormatOption = TableFormat.text, **given: Any) -> None:
    """Find stored articles: full text and filters, newest first, a page at a time."""
    with user_errors():
        filters = _search_query(given, [name for name, *_ in search_fields()])
        with opened(db) as store:
            page = store.search(filters)
            missing = _unknown_outlet(store, filters.outlet) if not page.total and filters.outlet else None
        if missing is not None:  # "0 of 0 matching articles" alone did not say the outlet was the miss
            say("note:", "yellow", missing.message)
        rows = [item.to_dict() for item in page.items]
        if format is TableFormat.json:
            _json({"total": page.total, "next": page.next, "articles": rows})
            return
        columns = [
            "article_id",
            "published",
            "outlet",
            "title",
            "persuasion_score",
            "genre",
            "genre_uncertain",
            "spans",
            "url",
        ]
        if format is TableFormat.csv:
            write(_csv(rows, columns))
            if page.next:  # on stderr, so that `> hits.csv` keeps the table alone, but said
                say("more:", "yellow", f"{len(rows)} of {page.total} rows; next page: --next {page.next}")
            return
        # the outlet column as wide as the page's longest name, so that the titles line up
        wide = max([len("outlet"), *(len(item.outlet or "-") for item in page.items)])
        if page.items:  # the columns named: a bare "0.72" did not say it was the persuasion score
            write(f"{'article':<16}  {'published':<10}  persuasion  {'outlet':<{wide}}  title")
        for item in page.items:
            score = f"{item.persuasion_score:.2f}" if item.persuasion_score is not None else "-"
            write(
                f"{item.article_id:<16}  {item.published or '----------'}  {score:>10}  "
                f"{item.outlet or '-':<{wide}}  {_quoted(item.title or item.snippet)}"
            )
        shown = len(page.items)
        write(f"{shown} of {page.total} matching article{'s' if page.total != 1 else ''}")
        if page.next:
            write(f"next page: --next {page.next}")


def _search_query(given: dict[str, Any], fields: list[str]) -> SearchQuery:
    """The :class:`SearchQuery` of the filter options ``given`` (by their CLI names) for the
    ``fields`` a command takes, dates read as YYYY-MM-DD, YYYY-MM or YYYY (date_bound).

    Raises:
        FormatError: a filter no article can match, said with the CLI's option names.
    """
    values = {name: given[CLI_NAMES.get(name, name)] for name in fields}
    for name, kind, *_ in search_fields():
        if name in values and dt.date in get_args(kind):
            values[name] = _date(values[name], _flag(name), end=name == "date_to")
    try:
        return SearchQuery(**values)
    except FormatError as error:  # its message names the API's parameters (min_score)
        raise FormatError(_as_flags(error.message)) from error


# A double quotation mark inside a quoted title: an opening one (“, „, or " at the start or after a
# space or bracket), else a closing one.
_INNER_OPEN = re.compile(r'[“„]|(?:^|(?<=[\s(\[]))"')
_INNER_CLOSE = re.compile(r'[”"]')


def _quoted(title: str, most: int = 60) -> str:
    """A title (or the text's opening, for an article without one) on one line between quotation
    marks, cut at ``most`` characters: Python's repr had quoted one title '...' and the next "..."
    (any with an apostrophe), and shown a line break as \\n. Double quotes of its own become
    single, as quotes within quotes are written: a title opening with a quote read “"We cannot
    wait": an interview”."""
    words = _INNER_CLOSE.sub("’", _INNER_OPEN.sub("‘", " ".join(title.split())))
    if len(words) > most:
        words = words[: most - 1].rstrip() + "…"
    return f"“{words}”"


def _unknown_outlet(store: Store, outlet: str) -> NotFoundError | None:
    """The error naming the near outlet when no stored article has ``outlet`` (in any case:
    :func:`unspun.store.base.same_outlets`), else None."""
    stored = [o.outlet for o in store.outlets()]
    return None if same_outlets(outlet, stored) else unknown_outlet(outlet, stored)


def _as_flags(message: str) -> str:
    """A search filter's error said with the CLI's option names (``--min-score``), not the
    parameter names the library and the API share (``min_score``)."""
    for name, *_ in search_fields():
        # a parameter's name, not the word (an "unknown technique" is no "unknown --technique")
        named = rf"(?<![\w-]){name}(?!\w)" if "_" in name else rf"(?<=\(){name}(?=\))|^{name}(?= must)"
        message = re.sub(named, _flag(name), message)
    return message


def _flag(name: str) -> str:
    return "--" + CLI_NAMES.get(name, name).replace("_", "-")


def _search_parameter(
    name: str, kind: Any, default: Any, help_text: str, *, text_option: bool = False
) -> inspect.Parameter:
    if name == "text" and not text_option:
        info: Any = typer.Argument(help=help_text)
    else:
        info = typer.Option(_flag(name), help=help_text)
    if dt.date in get_args(kind):
        kind = str | None  # parsed by _date, whose message says the format
    return inspect.Parameter(
        CLI_NAMES.get(name, name),
        inspect.Parameter.KEYWORD_ONLY,
        default=default,
        annotation=Annotated[kind, info],
    )


_own = inspect.signature(search, eval_str=True).parameters
search.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [_own["db"].replace(kind=inspect.Parameter.KEYWORD_ONLY)]
    + [_search_parameter(*described) for described in search_fields()]
    + [_own["format"].replace(kind=inspect.Parameter.KEYWORD_ONLY)]
)


def outlets(db: DbOption = None, format: FormatOption = TableFormat.text) -> None:
    """List the outlets of the store with their number of articles and dates."""
    with user_errors(), opened(db) as store:
        rows = [o.to_dict() for o in store.outlets()]
        if format is TableFormat.json:
            _json(rows)
        elif format is TableFormat.csv:
            write(_csv(rows, ["outlet", "articles", "first_published", "last_published"]))
        else:
            if not rows:  # on stderr: stdout stays empty for a script
                say(
                    "none:",
                    "yellow",
                    "no stored article names its outlet; set one with unspun ingest --outlet NAME",
                )
            else:
                write(f"{'articles':>8}  {'published':<24}  outlet")
            for row in rows:
                dates = _published(row["first_published"], row["last_published"])
                write(f"{row['articles']:>8}  {dates:<24}  {row['outlet']}")


def _profile_text(profile: dict[str, Any]) -> list[str]:
    p = profile["persuasion"]
    lines = [
        f"{profile['outlet']}: "
        + ", ".join(counted(profile[key], key[:-1]) for key in ("articles", "words", "spans")),
        f"published: {_published(profile['first_published'], profile['last_published'])}",
        "persuasion score (the share of the annotated news articles, a propaganda-rich set, an article is "
        "denser in techniques than): "
        + (
            f"median {p['median']:.2f}, quartiles {p['q1']:.2f} .. {p['q3']:.2f} (n={p['n']})"
            if p["n"]
            else "none"
        ),
        _voices_line(profile.get("voices") or {}),
        "techniques (spans, per 1,000 words; unspun search --technique takes these names):",
    ]
    for name, count in profile["technique_counts"].items():
        lines.append(f"  {count:>6}  {profile['technique_rates'][name]:>8.2f}  {_label(name)}")
    if not profile["technique_counts"]:  # the heading alone read as a list that failed to print
        lines.append("  none found")
    for kind in ("genre", "frame"):
        mix = ", ".join(f"{_label(k, kind)} {v}" for k, v in profile[f"{kind}s"].items())
        lines.append(f"{kind}s: {mix or '-'}")
        unsure = profile.get(f"{kind}s_uncertain") or {}
        if unsure:  # a genre under even odds is the likeliest, not a finding: counted apart
            likeliest = ", ".join(f"{_label(k, kind)} {v}" for k, v in unsure.items())
            lines[-1] += f"; uncertain (under even odds; likeliest {likeliest})"
    lines.append("by month (articles, spans per 1,000 words, median persuasion):")
    for month in profile["trend"]:
        lines.append(
            f"  {month['month']}  {month['articles']:>5}  {month['spans_per_1000_words']:>8.2f}  "
            f"{'-' if month['persuasion_median'] is None else format(month['persuasion_median'], '.2f')}"
        )
    # The months count dated articles only: without this line 3 articles showed 1 in their months.
    undated = profile["articles"] - sum(month["articles"] for month in profile["trend"])
    if undated > 0:
        lines.append(f"  undated  {undated:>5}")
    return lines


def _label(id: str, kind: str = "technique") -> str:
    """The name the text view gives a technique, frame or genre ("Exaggeration / minimisation",
    "Security and defence", "Crime and punishment"), and nothing beside it: ``unspun search
    --technique`` (``--frame``, ``--genre``) takes the name as it takes the id, and the JSON and
    CSV keep the ids. Some frames were shown with their id in brackets and others not. An id this
    version does not know is shown as itself, as search takes it."""
    categories = {"frame": FRAME_INFO, "genre": GENRE_INFO}.get(kind)
    known = technique_id(id) if categories is None else category_id(id, categories)
    return display_name(id, kind) if known else id


def _published(first: str | None, last: str | None) -> str:
    """``2026-11-02 .. 2026-11-03``; ``no dates`` when no article has one (it read "- .. -")."""
    if first is None and last is None:
        return "no dates"
    return f"{first or '?'} .. {last or '?'}"


def _voices_line(v: dict[str, Any]) -> str:
    if not v.get("n"):
        return "by voice: not counted"
    line = f"by voice (mean share of characters in spans): the author's text {v['author_span_share']:.0%} (n={v['n']})"
    if not v.get("quoted_n"):
        return line + ", no quotes"
    return line + f", quotes {v['quoted_span_share']:.0%} (n={v['quoted_n']})"


def profile(
    outlet: Annotated[str, typer.Argument(help="The outlet's name, as `unspun outlets` lists it.")],
    db: DbOption = None,
    compare: Annotated[str | None, typer.Option("--compare", help="A second outlet, side by side.")] = None,
    format: FormatOption = TableFormat.text,
) -> None:
    """How an outlet persuades: technique counts and rates, genre and frame mix, score distribution,
    trend by month; with --compare, two outlets side by side."""
    with user_errors(), opened(db) as store:
        if compare is not None:
            comparison = store.compare(outlet, compare).to_dict()
            if format is TableFormat.json:
                _json(comparison)
                return
            if format is TableFormat.csv:
                names = sorted(comparison["rate_difference"])
                rows = [
                    {
                        "technique": n,
                        "a_rate": comparison["a"]["technique_rates"].get(n, 0.0),
                        "b_rate": comparison["b"]["technique_rates"].get(n, 0.0),
                        "difference": comparison["rate_difference"][n],
                    }
                    for n in names
                ]
                write(_csv(rows, ["technique", "a_rate", "b_rate", "difference"]))
                return
            for line in [*_profile_text(comparison["a"]), "", *_profile_text(comparison["b"]), ""]:
                write(line)
            # the outlets as stored (either may be named in another case)
            write(f"per 1,000 words ({comparison['a']['outlet']} minus {comparison['b']['outlet']}):")
            for name, difference in sorted(comparison["rate_difference"].items(), key=lambda kv: -abs(kv[1])):
                write(f"  {difference:>+8.2f}  {_label(name)}")
            return
        data = store.profile(outlet).to_dict()
        if format is TableFormat.json:
            _json(data)
        elif format is TableFormat.csv:
            rows = [
                {"technique": k, "spans": v, "per_1000_words": data["technique_rates"][k]}
                for k, v in data["technique_counts"].items()
            ]
            write(_csv(rows, ["technique", "spans", "per_1000_words"]))
        else:
            for line in _profile_text(data):
                write(line)


def export(
    db: DbOption = None,
    format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="Export format.")
    ] = ExportFormat.jsonl,
    with_feedback: Annotated[
        bool, typer.Option("--with-feedback", help="jsonl: add each article's feedback records.")
    ] = False,
    label_config: Annotated[
        Path | None,
        typer.Option("--label-config", help="labelstudio: also write the labelling config XML to this file."),
    ] = None,
    **given: Any,
) -> None:
    """Print every stored article matching the filters (search's, every match: no paging): jsonl
    (the analyze --format json object plus article_id and content_hash), ptc (article_id, technique, start, end; PTC-14 ids: another language's span under
    the PTC-14 id that corresponds, left out where none does) or labelstudio (tasks with
    predictions)."""
    from unspun.store.export import export_chunks

    with user_errors(), opened(db) as store:
        query = _search_query(given, [name for name, *_ in EXPORT_FILTERS])
        # an outlet no article has (a misspelt name) is an error, not an empty export
        missing = _unknown_outlet(store, query.outlet) if query.outlet else None
        if missing is not None:
            raise missing
        if label_config is not None:
            from unspun.store.labelstudio import labelling_config

            try:
                label_config.write_text(labelling_config(), encoding="utf-8")
            except OSError as error:
                raise FormatError(f"cannot write {label_config}: {error.strerror}") from None
        try:
            for chunk in export_chunks(store, format.value, query=query, with_feedback=with_feedback):
                out.file.write(chunk)
            out.file.flush()
        except BrokenPipeError:  # | head: stop quietly
            out.on_broken_pipe()


# The export takes search's filters (the same options, declared once), not its paging: it
# prints every match. The words to find are --query here (search's argument).
EXPORT_FILTERS = [described for described in search_fields() if described[0] not in ("limit", "next")]
_export_own = inspect.signature(export, eval_str=True).parameters
export.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [_export_own[name].replace(kind=inspect.Parameter.KEYWORD_ONLY) for name in ("db", "format")]
    + [_search_parameter(*described, text_option=True) for described in EXPORT_FILTERS]
    + [
        _export_own[name].replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for name in ("with_feedback", "label_config")
    ]
)


def delete(
    article_ids: Annotated[
        list[str], typer.Argument(help="Article ids (as unspun search lists them) or content hashes.")
    ],
    db: DbOption = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="Only the article's appearance at this url (wire copy published by several outlets): "
            "its text, analyses and other appearances stay.",
        ),
    ] = None,
) -> None:
    """Take articles out of the store, with every appearance, their analyses and feedback (to
    store one again with other metadata: a stored appearance's outlet, title, url and date are
    never overwritten). With --url, take out only that appearance of each (the article goes with
    its last one). Every id is checked first: an unknown one deletes nothing."""
    with user_errors(), opened(db) as store:
        for article_id in article_ids:
            stored = store.get(article_id)  # NotFoundError before anything is deleted
            if url is not None and url not in [p.url for p in stored.appearances]:
                from unspun.store.appearance import no_appearance

                raise no_appearance(stored.article_id, url, [p.url for p in stored.appearances])
        for article_id in article_ids:
            gone = store.delete(article_id, url=url)
            about = ", ".join(str(v) for v in (gone.outlet, gone.published) if v)
            title = f" {_quoted(gone.title or gone.snippet)}" if gone.title or gone.snippet else ""
            what = f"the appearance at {url} of " if url is not None else ""
            write(f"deleted {what}{gone.article_id}{title}{f' ({about})' if about else ''}")


def reanalyze(
    db: DbOption = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="Only this outlet's articles.")] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Analyse even articles the current models already analysed (their analysis is replaced).",
        ),
    ] = False,
    model: ModelOption = None,
    article_model: ArticleModelOption = None,
    lang: LangOption = None,
    format: FormatOption = TableFormat.text,
) -> None:
    """Analyse stored articles again with the current models, adding analyses; queries then read
    the newest. With --force an analysis by the same models is replaced by the new one."""
    from unspun.store.reanalysis import LazyAnalyser

    with user_errors(), opened(db) as store:
        settings = cli_settings(model=model, article_model=article_model)

        def build() -> Any:
            from unspun.analysis import load_pipeline

            return load_pipeline(settings, lang=lang, load=False)

        # Built only when a stored article matches, loaded only when one is to be analysed.
        pipeline = LazyAnalyser(build)
        missing = _unknown_outlet(store, outlet) if outlet is not None else None
        if missing is not None:
            raise missing
        query = SearchQuery(outlet=outlet) if outlet is not None else None
        with progress(store.counts().articles, "reanalysing") as advance, long_work(advance):
            summary = store.reanalyze(
                pipeline, query=query, force=force, batch_size=settings.batch_size, on_progress=advance
            )
        data = summary.to_dict()
        if format is TableFormat.json:
            _json(data)
        elif format is TableFormat.csv:
            from unspun.runner import RunReport

            write(_csv(RunReport(failures=summary.failed).rows(), FAILURE_COLUMNS))
        else:
            from unspun.runner import RunReport

            if summary.seen and summary.current == summary.seen and not summary.failed:
                them = "it" if summary.current == 1 else "them"
                write(
                    f"nothing to reanalyse: {counted(summary.current, 'article')} current "
                    f"(--force analyses {them} again)"
                )
                return
            added = f"{summary.added:,} analys{'is' if summary.added == 1 else 'es'} added"
            first, *details = RunReport(failures=summary.failed).summary(
                f"{added}, {summary.replaced:,} replaced, "
                f"{summary.current:,} already current of {counted(summary.seen, 'article')}"
            )
            write(first)
            for line in details:
                err.print(line)


@feedback_app.command("import", short_help="Keep a Label Studio review as feedback.")
def feedback_import(
    path: Annotated[Path, typer.Argument(help="A Label Studio JSON export of tasks made by unspun export.")],
    db: DbOption = None,
    format: FormatOption = TableFormat.text,
) -> None:
    """Keep a Label Studio review as feedback: removed spans are wrong, relabelled ones corrected,
    new regions added (each region's text checked against the article)."""
    from unspun.store.labelstudio import import_feedback

    with user_errors(), opened(db) as store:
        summary = import_feedback(store, path)
        if format is TableFormat.json:
            _json(summary.to_dict())
            return
        if format is TableFormat.csv:
            write(_csv([{"where": w, "reason": r} for w, r in summary.failed], ["where", "reason"]))
            return
        for where, reason in summary.failed:
            say("failed", "yellow", f"{where}: {reason}")
        write(
            f"{counted(summary.added, 'feedback record')} added from "
            f"{counted(summary.annotations, 'annotation')} of {counted(summary.tasks, 'task')} "
            f"({summary.unchanged} unchanged, {len(summary.failed)} failed)"
        )


@feedback_app.command("list")
def feedback_list(
    article_id: Annotated[
        str | None, typer.Argument(help="One article's id (default: all feedback).")
    ] = None,
    db: DbOption = None,
    format: FormatOption = TableFormat.text,
) -> None:
    """Print the feedback kept in the store."""
    with user_errors(), opened(db) as store:
        records = store.feedback(article_id) if article_id else list(store.export_feedback())
        rows = [f.to_dict() for f in records]
        columns = [
            "id",
            "article_id",
            "analysis_id",
            "kind",
            "start",
            "end",
            "technique",
            "original",
            "author",
            "created_at",
        ]
        if format is TableFormat.json:
            _json(rows)
        elif format is TableFormat.csv:
            write(_csv(rows, columns))
        else:
            if not records:  # on stderr: stdout stays empty for a script
                where = f"on article {article_id}" if article_id else "in the store"
                say(
                    "none:",
                    "yellow",
                    f"no feedback {where}; add some on the web page or with unspun feedback import",
                )
            texts: dict[str, str] = {}
            lines = []
            for f in records:
                # The words marked, not only their offsets: a reviewer reads back what was flagged.
                if f.article_id and f.article_id not in texts:
                    texts[f.article_id] = store.get(f.article_id).analysis.text
                lines.append(
                    (
                        f.article_id or "-",
                        f"[{f.start}, {f.end})",
                        f.kind,
                        f"{f.original or '-'} -> {f.technique or '-'}",
                        f.author or "-",
                        f.created_at.strftime("%Y-%m-%d %H:%M:%S") if f.created_at else "-",
                        _quoted(texts.get(f.article_id or "", "")[f.start : f.end]),
                    )
                )
            # each column as wide as its widest entry (the header's included), so the words line up
            header = ("article", "span", "kind", "technique (was -> now)", "author", "when", "text")
            widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header) - 1)]
            for row in [header, *lines] if lines else []:  # no header over no rows
                cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
                write("  ".join([*cells, row[-1]]))
