"""The store's CLI contract: ingest -> export jsonl is the analyze JSON plus article_id and
content_hash; profile / search JSON; CSV; one-line errors. On SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest
import typer
from typer.testing import CliRunner

from store_analyses import make_analysis
from unspun.cli import app
from unspun.document import Analysis, json_schema
from unspun.store import open_store
from unspun.store.base import SearchQuery

runner = CliRunner()

RECORDS = [
    {
        "id": "n1",
        "text": "The corrupt elite will destroy everything we love! Everyone knows it.",
        "title": "One",
        "outlet": "Daily Contract",
        "url": "https://d.example/1",
        "published": "2024-01-05",
    },
    {
        "id": "n2",
        "text": "Radical extremists are taking over the harbour, the mayor warned.",
        "outlet": "Daily Contract",
        "published": "2024-02-07",
    },
    {"id": "n3", "text": "The harbour reopened on Monday after repairs.", "outlet": "Weekly Contract"},
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cli.db'}"
        return
    server = request.getfixturevalue("postgres_url")  # skips (fails under CI) without psycopg
    import psycopg

    schema = f"cli_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{server}{'&' if '?' in server else '?'}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def run(*args: str):
    return runner.invoke(app, list(args))


def test_ingest_export_profile_search_contract(db: str, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    ingested = run("ingest", str(feed), "--db", db)
    assert ingested.exit_code == 0, ingested.output
    analysed = run("analyze", str(feed), "--format", "json")
    assert analysed.exit_code == 0, analysed.output
    expected = {a["id"]: a for a in json.loads(analysed.stdout)}
    exported = run("export", "--db", db, "--format", "jsonl")
    assert exported.exit_code == 0, exported.output
    lines = [json.loads(line) for line in exported.stdout.splitlines() if line]
    assert len(lines) == 3
    # The export records validate against `unspun schema` and read back (they were refused:
    # "Additional properties are not allowed ('article_id' was unexpected)").
    validator = jsonschema.Draft202012Validator(json_schema())
    for record in lines:
        assert not list(validator.iter_errors(record)), record["id"]
        assert Analysis.from_dict(record).to_dict() == expected[record["id"]]
    with_feedback = run("export", "--db", db, "--format", "jsonl", "--with-feedback")
    for line in with_feedback.stdout.splitlines():
        assert not list(validator.iter_errors(json.loads(line)))
    for record in lines:
        article_id = record.pop("article_id")
        assert article_id == record["content_hash"][:16]
        [appearance] = record.pop("appearances")  # where the text was published: here, once
        assert {k: appearance[k] for k in ("outlet", "url", "published", "title")} == {
            k: record[k] for k in ("outlet", "url", "published", "title")
        }
        # exactly the analyze object, plus article_id and appearances
        assert record == expected[record["id"]]
    spans = Counter(s["technique"] for r in lines if r["outlet"] == "Daily Contract" for s in r["spans"])
    profile = run("profile", "Daily Contract", "--db", db, "--format", "json")
    assert profile.exit_code == 0, profile.output
    data = json.loads(profile.stdout)
    assert data["outlet"] == "Daily Contract" and data["articles"] == 2
    assert data["technique_counts"] == dict(spans)
    found = run("search", "harbour", "--db", db, "--format", "json")
    assert found.exit_code == 0, found.output
    hits = json.loads(found.stdout)
    assert {a["source_id"] for a in hits["articles"]} == {"n2", "n3"} and hits["total"] == 2
    ptc = run("export", "--db", db, "--format", "ptc")
    rows = [line.split("\t") for line in ptc.stdout.splitlines()]
    assert len(rows) == sum(len(r["spans"]) for r in lines)
    assert all(len(row) == 4 and row[2].isdigit() and row[3].isdigit() for row in rows)


@pytest.fixture
def filled(db: str) -> str:
    with open_store(db) as store:
        store.add(
            make_analysis(
                "Radical plans, critics say.",
                id="a",
                outlet="Alpha",
                spans=[("Radical", "Loaded_Language", 0.9)],
            )
        )
        store.add(make_analysis("Calm harbour news.", id="b", outlet="Beta", persuasion=0.1))
    return db


def test_search_options_are_the_search_query_fields(filled: str) -> None:
    import typer

    from unspun.store.base import DEFAULT_PAGE, search_fields

    params = {p.name: p for p in typer.main.get_command(app).commands["search"].params}  # type: ignore[attr-defined]
    names = {"text": "query", "date_from": "since", "date_to": "until"}
    assert set(params) == {names.get(name, name) for name, *_ in search_fields()} | {"db", "format"}
    for name, _, default, help_text in search_fields():
        param = params[names.get(name, name)]
        assert (param.default, getattr(param, "help", None)) == (default, help_text), name
    assert params["limit"].default == DEFAULT_PAGE
    every = json.loads(run("search", "--db", filled, "--format", "json", "--analysis", "all").stdout)
    newest = json.loads(run("search", "--db", filled, "--format", "json").stdout)
    assert every["total"] == newest["total"] > 0  # one analysis per article here


def test_outlets_search_profile_formats(filled: str) -> None:
    db = filled
    outlets = run("outlets", "--db", db, "--format", "csv")
    assert outlets.exit_code == 0, outlets.output
    assert [r["outlet"] for r in csv.DictReader(io.StringIO(outlets.stdout))] == ["Alpha", "Beta"]
    assert "Alpha" in run("outlets", "--db", db).stdout
    text = run("search", "radical", "--db", db)
    assert text.exit_code == 0 and "1 of 1 matching article" in text.stdout
    rows = list(
        csv.DictReader(io.StringIO(run("search", "--db", db, "--format", "csv", "--max-score", "0.2").stdout))
    )
    assert [r["outlet"] for r in rows] == ["Beta"]
    # A CSV of the first page (50 by default) said nothing of the rest: `> hits.csv` lost it.
    first = run("search", "--db", db, "--format", "csv", "--limit", "1")
    token = json.loads(run("search", "--db", db, "--format", "json", "--limit", "1").stdout)["next"]
    assert len(list(csv.DictReader(io.StringIO(first.stdout)))) == 1 and f"--next {token}" in first.stderr
    assert "--next" not in run("search", "--db", db, "--format", "csv").stderr  # the last page
    page = json.loads(run("search", "--db", db, "--format", "json", "--limit", "1").stdout)
    assert page["next"] and len(page["articles"]) == 1
    rest = json.loads(run("search", "--db", db, "--format", "json", "--next", page["next"]).stdout)
    assert rest["next"] is None and rest["articles"][0]["article_id"] != page["articles"][0]["article_id"]
    both = json.loads(run("profile", "Alpha", "--compare", "Beta", "--db", db, "--format", "json").stdout)
    assert both["a"]["outlet"] == "Alpha" and both["rate_difference"] == {"Loaded_Language": 250.0}
    compared = run("profile", "Alpha", "--compare", "Beta", "--db", db).stdout
    assert "minus" in compared and "+250.00  Loaded language\n" in compared
    # QA s47 (Q2): outlets named in another case were compared under the names as typed
    # ("per 1,000 words (alpha minus BETA):") beside their profiles headed "Alpha" and "Beta"
    typed = run("profile", "alpha", "--compare", "BETA", "--db", db).stdout
    assert "per 1,000 words (Alpha minus Beta):" in typed, typed
    alpha = run("profile", "Alpha", "--db", db).stdout
    # The name the text view gives elsewhere, which unspun search --technique takes (QA:
    # "Loaded_Language" alone, "Exaggeration,Minimisation" for "Exaggeration / minimisation"), and
    # every name alike: "Security and defence (Security_and_defense)" had its id in brackets beside
    # "Political" and "Crime and punishment" without.
    assert "  Loaded language\n" in alpha and "--technique" in alpha and "(Loaded_Language)" not in alpha
    assert "frames: Political 1, Security and defence 1" in alpha.splitlines(), alpha
    first = alpha.splitlines()[0]  # was "Alpha: 1 articles, 4 words, 1 spans"
    assert first.startswith("Alpha: 1 article, ") and first.endswith(" words, 1 span"), first
    table = run("profile", "Alpha", "--db", db, "--format", "csv").stdout
    assert next(csv.DictReader(io.StringIO(table)))["technique"] == "Loaded_Language"
    # QA (s46): an outlet's name in another case found nothing ("0 of 0 matching articles")
    assert run("profile", "alpha", "--db", db).stdout == alpha
    lower = json.loads(run("search", "--outlet", "ALPHA", "--db", db, "--format", "json").stdout)
    assert [a["outlet"] for a in lower["articles"]] == ["Alpha"]
    misspelt = run("profile", "Alpah", "--db", db)
    assert misspelt.exit_code == 2 and "did you mean 'Alpha'?" in misspelt.stderr
    # QA (s46): a search for a misspelt outlet answered "0 of 0 matching articles" with no hint
    found = run("search", "--outlet", "Alpah", "--db", db)
    assert found.exit_code == 0 and "0 of 0 matching articles" in found.stdout
    assert "did you mean 'Alpha'?" in found.stderr
    assert "did you mean" not in run("search", "--outlet", "alpha", "--db", db).stderr


def test_store_cli_errors_are_one_line(filled: str) -> None:
    for args, needle in [
        (["profile", "Nobody", "--db", filled], "unspun outlets"),
        (["search", "--since", "yesterday", "--db", filled], "YYYY-MM-DD"),
        (["search", "--next", "garbage", "--db", filled], "paging token"),
        (["outlets", "--db", "mysql://x/y"], "unknown database URL scheme"),
    ]:
        result = run(*args)
        assert result.exit_code == 2, result.output
        message = result.stderr.strip()
        assert message.startswith("error:") and len(message.splitlines()) == 1 and needle in message, message


def test_feedback_list_names_its_columns_and_shows_the_words_marked(filled: str) -> None:
    # QA (s46): `unspun feedback list` printed "57af48632561cf24  [0, 12)  added  - -> Slogans  -
    # 2026-12-07 19:30:21.300378+00:00": no header, offsets a teacher cannot read back to the words
    # marked, the time to the microsecond.
    from unspun.store.base import Feedback

    with open_store(filled) as store:
        article_id = store.search(SearchQuery(outlet="Alpha")).items[0].article_id
        store.add_feedback(
            article_id, Feedback(kind="added", start=0, end=13, technique="Doubt", author="ana")
        )
    result = run("feedback", "list", "--db", filled)
    assert result.exit_code == 0, result.output
    header, row = result.stdout.splitlines()
    assert header.split() == [
        "article",
        "span",
        "kind",
        "technique",
        "(was",
        "->",
        "now)",
        "author",
        "when",
        "text",
    ]
    assert row.startswith(article_id) and "- -> Doubt" in row and "ana" in row
    assert row.rstrip().endswith("“Radical plans”"), row
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", row) and "+00:00" not in row, row


def test_feedback_list_lines_up_its_columns(filled: str) -> None:
    # QA s47 (Q2): the technique and author columns were not padded, so the words marked began
    # wherever a row's change and author ended ("Exaggeration,Minimisation -> Doubt  labelstudio:
    # ana@example.org  ..." beside "- -> Flag-Waving  labelstudio:...").
    from unspun.store.base import Feedback

    with open_store(filled) as store:
        article_id = store.search(SearchQuery(outlet="Alpha")).items[0].article_id
        store.add_feedback(
            article_id, Feedback(kind="added", start=0, end=7, technique="Doubt", author="ana")
        )
        store.add_feedback(
            article_id,
            Feedback(
                kind="added", start=8, end=13, technique="Exaggeration,Minimisation", author="labelstudio:b"
            ),
        )
    header, *rows = run("feedback", "list", "--db", filled).stdout.splitlines()
    assert len(rows) == 2 and len({row.index("“") for row in rows}) == 1, rows
    when = re.search(r"\d{4}-\d\d-\d\d ", rows[0])
    assert when and header.index("when") == when.start(), header
    assert header.index("text") == rows[0].index("“"), header


def test_delete_takes_articles_out_of_the_store(filled: str) -> None:
    # QA s47 (Q2): there was no way to take an article out of the corpus (one ingested under a
    # misspelt outlet keeps it: stored metadata are never overwritten).
    ids = {
        a["source_id"]: a["article_id"]
        for a in json.loads(run("search", "--db", filled, "--format", "json").stdout)["articles"]
    }
    unknown = run("delete", ids["a"], "0123456789abcdef", "--db", filled)
    assert unknown.exit_code == 2 and "no stored article '0123456789abcdef'" in unknown.stderr, unknown.output
    assert (
        run("search", "--db", filled, "--format", "json").stdout.count('"article_id"') == 2
    )  # nothing deleted
    done = run("delete", ids["a"], "--db", filled)
    assert done.exit_code == 0, done.output
    assert f"deleted {ids['a']} “A title” (Alpha, 2024-03-05)" in done.stdout, done.stdout
    left = json.loads(run("search", "--db", filled, "--format", "json").stdout)["articles"]
    assert [a["source_id"] for a in left] == ["b"]
    assert [o["outlet"] for o in json.loads(run("outlets", "--db", filled, "--format", "json").stdout)] == [
        "Beta"
    ]


def test_export_help_says_ptc_leaves_out_spans_without_a_ptc14_id() -> None:
    # QA (s46): a stored French article with 7 spans exported 5 PTC lines (Questioning_the_Reputation
    # and Consequential_Oversimplification have no PTC-14 id), and --help said nothing of it.
    help_text = " ".join(run("export", "--help").stdout.split())
    assert "PTC-14 ids" in help_text and "left out" in help_text, help_text


def test_profile_of_an_outlet_without_spans_says_none(filled: str) -> None:
    # QA s47 (Q2): an outlet of plain reporting showed the heading "techniques (spans, per 1,000
    # words; ...):" with nothing under it, as if the list had failed to print.
    lines = run("profile", "Beta", "--db", filled).stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("techniques"))
    assert lines[at + 1] == "  none found", lines


def test_search_takes_a_techniques_name(filled: str) -> None:
    # `unspun search --technique "loaded language"` was refused ("did you mean Loaded_Language?")
    # while --genre Opinion and --frame 'security and defence' were taken.
    for given in ("loaded language", "Loaded_Language"):
        result = run("search", "--db", filled, "--technique", given, "--format", "json")
        assert result.exit_code == 0, result.output
        assert [a["source_id"] for a in json.loads(result.stdout)["articles"]] == ["a"], given
    typo = run("search", "--db", filled, "--technique", "loaded langage")
    assert typo.exit_code == 2 and "did you mean Loaded_Language?" in typo.stderr, typo.output


def test_search_table_lines_up_the_titles(filled: str) -> None:
    # QA s47 (Q2): the outlet column was not padded, so each title began where its outlet's name
    # ended ("Le Courrier du Port  “Le budget...”" beside "Valley Ledger  “Ferry costs...”").
    lines = run("search", "--db", filled).stdout.splitlines()
    rows = [line for line in lines if "“" in line]
    assert len(rows) == 2 and len({row.index("“") for row in rows}) == 1, lines
    assert lines[0].index("title") == rows[0].index("“"), lines


def test_export_of_an_outlet_no_article_has_says_so(filled: str) -> None:
    # QA s47 (Q2): `unspun export --outlet "Harbour Herald"` (stored as "The Harbour Herald")
    # wrote nothing and exited 0, so `> corpus.jsonl` made an empty file without a word, while
    # search, profile and reanalyze name the near outlet.
    for format in ("jsonl", "ptc", "labelstudio"):
        result = run("export", "--db", filled, "--outlet", "Alph", "--format", format)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert "no stored article from outlet 'Alph'; did you mean 'Alpha'?" in result.stderr
    found = run("export", "--db", filled, "--outlet", "alpha")  # another case is the same outlet
    assert found.exit_code == 0 and len(found.stdout.splitlines()) == 1


def test_export_takes_the_search_filters(filled: str) -> None:
    # QA s47 (Q2): GET /api/export takes every search filter, unspun export --outlet alone: a
    # researcher's "Loaded_Language articles of January" could be exported over HTTP only.
    def ids(*args: str) -> list[str]:
        result = run("export", "--db", filled, *args)
        assert result.exit_code == 0, result.output
        return [json.loads(line)["id"] for line in result.stdout.splitlines()]

    assert sorted(ids()) == ["a", "b"]
    assert ids("--technique", "Loaded_Language") == ["a"]
    assert ids("--max-score", "0.2") == ["b"]
    assert ids("--query", "harbour") == ["b"]
    assert ids("--outlet", "beta", "--genre", "") == ["b"]
    assert ids("--since", "2999-01-01") == []
    assert ids("--since", "2999-01") == ids("--since", "2999") == []  # a month, a year
    bad = run("export", "--db", filled, "--since", "2026-02-30")
    assert bad.exit_code == 2 and "--since '2026-02-30' is not a date" in bad.stderr, bad.output
    bad = run("export", "--db", filled, "--min-score", "2")
    assert bad.exit_code == 2 and "--min-score" in bad.stderr and "min_score" not in bad.stderr, bad.output
    # the options and their help are search's, but the paging (an export is every match)
    search = {p.name: p for p in typer.main.get_command(app).commands["search"].params}  # type: ignore[attr-defined]
    export = {p.name: p for p in typer.main.get_command(app).commands["export"].params}  # type: ignore[attr-defined]
    assert {"limit", "next"}.isdisjoint(export)
    for name in (
        "outlet",
        "since",
        "until",
        "technique",
        "genre",
        "frame",
        "language",
        "min_score",
        "analysis",
    ):
        assert export[name].help == search[name].help, name
    assert export["query"].opts == ["--query"]


def test_readers_refuse_a_store_that_does_not_exist(tmp_path: Path) -> None:
    # A mistyped --db answered "0 of 0 matching articles" and left an empty store (and its
    # folders) behind; only ingest creates a store.
    missing = tmp_path / "typo" / "corpus.db"
    for args in (
        ["search", "harbour"],
        ["outlets"],
        ["profile", "Alpha"],
        ["export", "--format", "jsonl"],
        ["reanalyze"],
        ["feedback", "list"],
    ):
        result = run(*args, "--db", str(missing))
        assert result.exit_code == 2, (args, result.output)
        message = result.stderr.strip()
        assert message.startswith("error: there is no store at") and len(message.splitlines()) == 1, message
        assert not missing.parent.exists()
    assert run("outlets", "--db", f"sqlite:///{missing}").exit_code == 2
    assert not missing.parent.exists()


def _refuse_to_load(self: object) -> None:
    raise AssertionError("reanalyze loaded the models with every article current")


def test_reanalyze_adds_nothing_when_models_are_current(
    filled: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unspun.analysis

    feed = tmp_path / "one.jsonl"
    feed.write_text(
        json.dumps({"id": "r1", "text": "The corrupt elite lies.", "outlet": "Gamma"}) + "\n",
        encoding="utf-8",
    )
    assert run("ingest", str(feed), "--db", filled).exit_code == 0
    with monkeypatch.context() as patched:  # every article current: the models are not loaded
        patched.setattr(unspun.analysis.Pipeline, "load", _refuse_to_load)
        result = run("reanalyze", "--db", filled, "--outlet", "Gamma", "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"seen": 1, "added": 0, "replaced": 0, "current": 1, "failed": []}
        said = run("reanalyze", "--db", filled, "--outlet", "gamma")
        assert said.stdout.splitlines() == [
            "nothing to reanalyse: 1 article current (--force analyses it again)"
        ]
    unknown = run("reanalyze", "--db", filled, "--outlet", "Nope")
    assert unknown.exit_code == 2 and "no stored article from outlet 'Nope'" in unknown.output
    # The hand-made analyses came from other models: reanalysing adds an analysis to each.
    beta = run("reanalyze", "--db", filled, "--outlet", "Beta")
    assert beta.stdout.startswith("summary: 1 analysis added, 0 replaced, 0 already current of 1 article,")
    result = run("reanalyze", "--db", filled, "--format", "json")
    summary = json.loads(result.stdout)
    assert (summary["seen"], summary["added"], summary["current"]) == (3, 1, 2)
    with open_store(filled) as store:
        assert store.counts().analyses == 5


def test_reanalyze_force_stores_the_new_analysis(tmp_path: Path) -> None:
    # `reanalyze --force` ran the models and stored nothing: "0 analyses added, 1 already current".
    url = f"sqlite:///{tmp_path / 'force.db'}"
    feed = tmp_path / "one.jsonl"
    feed.write_text(
        json.dumps({"id": "f1", "text": "The corrupt elite lies to you."}) + "\n", encoding="utf-8"
    )
    assert run("ingest", str(feed), "--db", url).exit_code == 0
    with open_store(url) as store:
        (stored,) = store.export()
        (before,) = store.get(stored.article_id).history
    result = run("reanalyze", "--db", url, "--force")
    assert result.exit_code == 0, result.output
    assert "summary: 0 analyses added, 1 replaced, 0 already current of 1 article," in result.output
    with open_store(url) as store:
        (after,) = store.get(stored.article_id).history
        assert store.counts().analyses == 1
    assert after.model_key == before.model_key and after.created_at > before.created_at


def test_reanalyze_of_an_empty_store_loads_no_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import unspun.analysis

    def refuse(**_: object) -> None:
        raise AssertionError("reanalyze built the pipeline with nothing to analyse")

    monkeypatch.setattr(unspun.analysis, "build_pipeline", refuse)
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    open_store(url).close()
    result = run("reanalyze", "--db", url, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"seen": 0, "added": 0, "replaced": 0, "current": 0, "failed": []}


def test_search_filters_no_article_can_match_are_one_line_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'checked.db'}"
    open_store(url).close()
    for args, words in (
        # the option's name, not the API's parameter (min_score)
        (["--min-score", "2"], "--min-score must be between 0 and 1"),
        (["--min-score", "0.9", "--max-score", "0.1"], "--min-score 0.9 is above --max-score 0.1"),
        (["--limit", "0"], "(--limit) must be between 1 and 1000"),
        (["--since", "2024-05-01", "--until", "2024-01-01"], "is after the end date"),
        (["--technique", "Propaganda"], "unknown technique 'Propaganda'"),
        (["--limit", "0"], "between 1 and 1000"),
        (["--language", "klingon"], "unknown language 'klingon'; give a language id: en, fr"),
    ):
        result = run("search", "--db", url, *args)
        message = result.stderr.strip()
        assert result.exit_code == 2 and words in message and len(message.splitlines()) == 1, (args, message)


def test_an_unknown_lang_is_refused_even_with_nothing_to_analyse(tmp_path: Path) -> None:
    # --lang xx was checked only when an article was analysed: ingesting a stored text again,
    # reanalysing an empty store or rerunning a finished batch took it silently (exit 0).
    url = f"sqlite:///{tmp_path / 'lang.db'}"
    open_store(url).close()
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(RECORDS[0]) + "\n", encoding="utf-8")
    for args in (["reanalyze", "--db", url], ["ingest", str(feed), "--db", url]):
        result = run(*args, "--lang", "xx")
        message = result.stderr.strip()
        assert result.exit_code == 2 and len(message.splitlines()) == 1, (args, result.output)
        assert message.startswith("error: the text's language is 'xx' (given)"), message
        assert "supported languages: en (English)" in message
    assert open_store(url).counts().articles == 0  # refused before anything was read or stored


def test_ingest_of_a_stored_text_from_another_outlet_adds_an_appearance(tmp_path: Path) -> None:
    """Wire copy: the same text from a second outlet was refused as a metadata conflict, so the
    second outlet's counts missed it; it is one article with an appearance in each outlet."""
    url = f"sqlite:///{tmp_path / 'meta.db'}"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(RECORDS[2]) + "\n", encoding="utf-8")
    assert run("ingest", str(feed), "--db", url).exit_code == 0
    again = run("ingest", str(feed), "--db", url, "--outlet", "Other Outlet")
    assert again.exit_code == 0, again.output
    assert (
        "ingested 0 new articles, 1 already stored (1 as a new appearance: another outlet or url), 0 failed"
        in (again.stdout)
    )
    same = run("ingest", str(feed), "--db", url, "--format", "json")
    assert same.exit_code == 0 and json.loads(same.stdout)["duplicate"] == 1
    assert json.loads(same.stdout)["appearances"] == 0
    with open_store(url) as store:
        assert [(o.outlet, o.articles) for o in store.outlets()] == [
            ("Other Outlet", 1),
            ("Weekly Contract", 1),
        ]
        assert store.counts().articles == 1
    # one run that meets the text from two outlets stores both appearances
    both = tmp_path / "both.jsonl"
    rows = [{**RECORDS[0], "outlet": f"Wire {n}", "url": f"https://wire{n}.example/1"} for n in (1, 2)]
    both.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    once = run("ingest", str(both), "--db", url, "--format", "json")
    assert once.exit_code == 0 and (
        json.loads(once.stdout)["new"],
        json.loads(once.stdout)["appearances"],
    ) == (1, 1)
    with open_store(url) as store:
        assert {o.outlet for o in store.outlets()} >= {"Wire 1", "Wire 2"}
        assert store.counts().articles == 2


def test_delete_with_a_url_takes_out_one_appearance_of_a_wire_text(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wire.db'}"
    feed = tmp_path / "feed.jsonl"
    rows = [
        {**RECORDS[2], "outlet": name, "url": f"https://{name.lower()}.example/harbour"}
        for name in ("Alpha", "Beta")
    ]
    feed.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    assert run("ingest", str(feed), "--db", url).exit_code == 0
    [listed] = json.loads(run("search", "--db", url, "--format", "json").stdout)["articles"]
    article_id = listed["article_id"]
    done = run("delete", article_id, "--url", "https://alpha.example/harbour", "--db", url)
    assert done.exit_code == 0, done.output
    assert f"deleted the appearance at https://alpha.example/harbour of {article_id}" in done.stdout
    with open_store(url) as store:
        assert [o.outlet for o in store.outlets()] == ["Beta"]
        assert store.get(article_id).summary.outlet == "Beta"
    missing = run("delete", article_id, "--url", "https://alpha.example/harbour", "--db", url)
    assert missing.exit_code == 2 and "has no appearance at" in missing.stderr, missing.output
    assert "its urls: 'https://beta.example/harbour'" in missing.stderr
    # every id is checked first: one without an appearance at the url deletes nothing
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({**RECORDS[0], "url": "https://gamma.example/1"}) + "\n", encoding="utf-8")
    assert run("ingest", str(other), "--db", url).exit_code == 0
    [second] = [
        a["article_id"]
        for a in json.loads(run("search", "--db", url, "--format", "json").stdout)["articles"]
        if a["article_id"] != article_id
    ]
    both = run("delete", article_id, second, "--url", "https://beta.example/harbour", "--db", url)
    assert both.exit_code == 2 and f"article {second} has no appearance at" in both.stderr, both.output
    with open_store(url) as store:
        assert store.counts().articles == 2 and [o.outlet for o in store.outlets()] == [
            "Beta",
            "Daily Contract",
        ]


def test_ingest_of_a_stored_text_at_its_outlet_with_another_date_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'meta.db'}"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({**RECORDS[2], "published": "2024-03-01"}) + "\n", encoding="utf-8")
    assert run("ingest", str(feed), "--db", url).exit_code == 0
    feed.write_text(json.dumps({**RECORDS[2], "published": "2024-03-02"}) + "\n", encoding="utf-8")
    again = run("ingest", str(feed), "--db", url)
    assert again.exit_code == 2
    said = "already stored with published '2024-03-01', not published '2024-03-02'"
    assert said in again.stderr
    # said once, as the error: it was also said 'skipped' and '  failed' before it
    assert again.output.count(said) == 1 and again.stderr.strip().startswith("error: "), again.output
    assert "give the stored published in the input" in again.stderr
    assert "ingested 0 new articles, 0 already stored, 1 failed" in again.stdout


def test_ingest_keeps_a_record_whose_date_is_no_date_without_one_and_warns_once(tmp_path: Path) -> None:
    # QA (s46): {"published": "yesterday"} left the article out of the store; it is stored
    # without a date, and the date is named once on a warning line.
    url = f"sqlite:///{tmp_path / 'dated.db'}"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({**RECORDS[2], "published": "yesterday"}) + "\n", encoding="utf-8")
    result = run("ingest", str(feed), "--db", url)
    assert result.exit_code == 0, result.output
    assert "ingested 1 new article, 0 already stored, 0 failed" in result.stdout
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warned == [
        f"warning: {feed}, line 1: published 'yesterday' is not a date, so the article is read without "
        "one; write it as YYYY-MM-DD"
    ]
    with open_store(url) as store:
        stored = list(store.export())
    assert [(s.analysis.article.id, s.analysis.article.published) for s in stored] == [
        (RECORDS[2]["id"], None)
    ]


def test_profile_says_the_persuasion_in_the_authors_text_and_in_quotes(filled: str) -> None:
    from unspun.pipeline.voice import VoiceScorer

    quoting = make_analysis(
        'Critics called it "a reckless gamble". Calm words here.',
        id="q",
        outlet="Alpha",
        spans=[("reckless gamble", "Loaded_Language", 0.7)],
    )
    VoiceScorer()([quoting.article])
    with open_store(filled) as store:
        store.add(quoting)
    # Alpha's other article was stored before the voices were counted: it is left out (n=1).
    text = run("profile", "Alpha", "--db", filled).stdout
    assert (
        "by voice (mean share of characters in spans): the author's text 0% (n=1), quotes 79% (n=1)" in text
    )
    data = json.loads(run("profile", "Alpha", "--db", filled, "--format", "json").stdout)
    assert data["voices"]["quoted_spans"] == 1 and data["voices"]["author_spans"] == 0
    assert "by voice: not counted" in run("profile", "Beta", "--db", filled).stdout


def test_analyze_and_ingest_end_with_the_same_summary_of_what_was_left_out(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(RECORDS[2]["text"] + "\n", encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    analysed = run("analyze", str(folder), "--format", "jsonl")
    ingested = run("ingest", str(folder), "--db", f"sqlite:///{tmp_path / 'same.db'}")
    assert analysed.exit_code == 0 and ingested.exit_code == 0, analysed.stderr + ingested.stderr
    assert (
        "summary: from 2 files: 1 article, 1 analysed, 0 failed, 1 left out" in analysed.stderr.splitlines()
    )
    assert "summary: ingested 1 new article, 0 already stored, 0 failed, 1 left out" in ingested.stdout
    left_out = [line for line in analysed.stderr.splitlines() if line.startswith("  left out ")]
    assert len(left_out) == 1 and str(folder / "empty.txt") in left_out[0]
    assert left_out == [line for line in ingested.stderr.splitlines() if line.startswith("  left out ")]
    # Told as it happens in the same words too: an unreadable file is skipped, never "failed"
    # (the summary counts 0 failed).
    told = [line for line in ingested.stderr.splitlines() if "empty.txt" in line and not line.startswith(" ")]
    assert told == [
        line for line in analysed.stderr.splitlines() if "empty.txt" in line and not line.startswith(" ")
    ]
    assert len(told) == 1 and told[0].startswith("skipped "), told


def test_empty_lists_say_so_on_stderr_and_leave_stdout_empty(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    with open_store(db) as store:
        store.add(make_analysis("The harbour reopened on Monday after repairs.", id="no-outlet", outlet=None))
    # both printed nothing at all: a new user could not tell an empty list from a broken command
    for args, said in (
        (["outlets"], "no stored article names its outlet"),
        (["feedback", "list"], "no feedback in the store"),
    ):
        result = run(*args, "--db", db)
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        assert result.stderr.startswith("none:") and said in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        as_json = run(*args, "--db", db, "--format", "json")
        assert json.loads(as_json.stdout) == [] and as_json.stderr == ""


def test_ingest_summary_counts_alike_in_every_format(tmp_path: Path) -> None:
    # json and csv put unreadable files under "failed" (2) while the text said "0 failed, 3 left
    # out", and csv had no entry left out at all.
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "blob.txt").write_bytes(b"text\x00\x01\x02 binary")
    (folder / "readme.md").write_text("# notes", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'bad.db'}"
    text = run("ingest", str(folder), "--db", db)
    assert text.stdout.startswith("summary: ingested 0 new articles, 0 already stored, 0 failed, 3 left out")
    data = json.loads(run("ingest", str(folder), "--db", db, "--format", "json").stdout)
    assert data["failed"] == [] and len(data["left_out"]) == 3
    assert {Path(entry["where"]).name for entry in data["left_out"]} == {"empty.txt", "blob.txt", "readme.md"}
    assert {entry["code"] for entry in data["left_out"]} == {"empty_input", "bad_encoding", "not_read"}
    rows = list(csv.DictReader(io.StringIO(run("ingest", str(folder), "--db", db, "--format", "csv").stdout)))
    assert [row["outcome"] for row in rows] == ["left out"] * 3
    assert {Path(row["where"]).name for row in rows} == {"empty.txt", "blob.txt", "readme.md"}


def test_profile_counts_the_undated_articles_beside_the_months(tmp_path: Path) -> None:
    # QA: an outlet of 3 articles, 2 without a date, showed one article in its months and no word
    # of the other two.
    db = f"sqlite:///{tmp_path / 'undated.db'}"
    with open_store(db) as store:
        store.add(make_analysis("The harbour reopened on Monday.", id="d", outlet="Gamma"))
        for n in (1, 2):
            store.add(
                make_analysis(f"Undated story number {n} here.", id=f"u{n}", outlet="Gamma", published=None)
            )
    lines = run("profile", "Gamma", "--db", db).stdout.splitlines()
    months = lines[lines.index("by month (articles, spans per 1,000 words, median persuasion):") + 1 :]
    assert [line.split()[:2] for line in months] == [["2024-03", "1"], ["undated", "2"]]


def test_profile_names_a_frame_as_the_text_view_does_not_by_its_underscored_id(tmp_path: Path) -> None:
    # QA s47: "frames: ..., Political 2, Crime_and_punishment 1, Economic 1, Policy_prescription_and_evaluation 1"
    # beside "Security and defence (Security_and_defense) 1"; the text view says "Crime and
    # punishment", and --frame takes the name as it takes the id.
    db = f"sqlite:///{tmp_path / 'frames.db'}"
    with open_store(db) as store:
        store.add(
            make_analysis(
                "The court jailed the mayor.", id="c", outlet="Delta", frames=("Crime_and_punishment",)
            )
        )
    profile = run("profile", "Delta", "--db", db).stdout
    assert "frames: Crime and punishment 1" in profile.splitlines(), profile
    found = json.loads(
        run("search", "--frame", "Crime and punishment", "--db", db, "--format", "json").stdout
    )
    assert found["total"] == 1


def test_an_outlet_without_dates_says_so(tmp_path: Path) -> None:
    # QA: an outlet whose articles have no date read "published - .. -" in its profile and
    # "2  - .. -  Weekly Sample" in the outlets list.
    db = f"sqlite:///{tmp_path / 'nodates.db'}"
    with open_store(db) as store:
        for n in (1, 2):
            store.add(
                make_analysis(f"Undated story number {n} here.", id=f"u{n}", outlet="Weekly", published=None)
            )
    profile = run("profile", "Weekly", "--db", db).stdout.splitlines()
    assert "published: no dates" in profile
    outlets = run("outlets", "--db", db).stdout
    assert "no dates" in outlets and "- .. -" not in outlets


def test_search_and_outlets_text_name_their_columns(filled: str) -> None:
    # QA (s43): `unspun search` printed '631798f0012b2406  2026-12-02  0.72  The Daily Example ...'
    # and `unspun outlets` '      2  2026-12-01 .. 2026-12-02  The Daily Example': a researcher
    # could not tell that 0.72 was the persuasion score, or 2 the number of articles.
    header, row, *_ = run("search", "radical", "--db", filled).stdout.splitlines()
    assert header.split() == ["article", "published", "persuasion", "outlet", "title"]
    stored = json.loads(run("search", "radical", "--db", filled, "--format", "json").stdout)["articles"][0]
    at = header.index("persuasion")
    assert row[at : at + 10].strip() == f"{stored['persuasion_score']:.2f}"
    header, *rows = run("outlets", "--db", filled).stdout.splitlines()
    assert header.split() == ["articles", "published", "outlet"] and len(rows) == 2
    assert rows[0][header.index("outlet") :] == "Alpha"


def test_profile_says_what_its_persuasion_figures_read_as(filled: str) -> None:
    # QA (s43): 'persuasion score: median 0.3605, quartiles 0.1802 .. 0.5407 (n=2)': four digits the
    # score does not hold, and no word that it is a standing among annotated articles.
    text = run("profile", "Alpha", "--db", filled).stdout
    line = next(line for line in text.splitlines() if line.startswith("persuasion score"))
    assert (
        line.startswith("persuasion score (the share of the annotated news articles")
        and "median 0.50," in line
    )


def test_search_text_quotes_titles_alike_without_python_escapes(db: str) -> None:
    # QA (s44): `unspun search budget` showed Python's repr of each title, so one row read
    # 'City council approves budget ...' and the next "Opinion: The city's budget is a missed chance",
    # and a snippet's line break read '\n'.
    with open_store(db) as store:
        store.add(make_analysis("The city's budget is small.", id="a", title="Opinion: The city's budget"))
        store.add(make_analysis("Budget news.\nMore budget lines here.", id="b", title=None))
    rows = run("search", "budget", "--db", db).stdout.splitlines()[1:3]
    titles = sorted(row.split("The Daily Example  ", 1)[1] for row in rows)
    assert titles == ["“Budget news. More budget lines here.”", "“Opinion: The city's budget”"]


def test_a_quoted_title_is_not_put_in_a_second_pair_of_double_quotes(db: str) -> None:
    # QA s48: a title opening with a quote read “"We cannot wait": an interview”; quotes within
    # the marks are single, as quotes within quotes are written.
    with open_store(db) as store:
        title = '"We cannot wait": an interview with the “harbour” mayor'
        store.add(make_analysis("The mayor spoke.", id="a", title=title))
    [row] = run("search", "mayor", "--db", db).stdout.splitlines()[1:2]
    assert row.endswith("“‘We cannot wait’: an interview with the ‘harbour’ mayor”"), row


def test_search_dates_take_a_month_or_a_year(filled: str) -> None:
    """QA: --since 2026-05 was refused ("not a date; write it as YYYY-MM-DD"); a month or a year
    is its first day for --since and its last for --until, the API's date_from / date_to alike."""

    def total(*args: str) -> int:
        result = run("search", "--db", filled, "--format", "json", *args)
        assert result.exit_code == 0, result.output
        return int(json.loads(result.stdout)["total"])

    assert total("--since", "2024-03", "--until", "2024-03") == 2  # published 2024-03-05
    assert total("--since", "2024", "--until", "2024") == 2
    assert total("--until", "2024-02") == total("--since", "2024-04") == total("--since", "2025") == 0
    refused = run("search", "--since", "2024-13", "--db", filled)
    assert refused.exit_code == 2 and "--since '2024-13' is not a date" in refused.stderr, refused.output
    assert "YYYY-MM-DD, YYYY-MM or YYYY" in refused.stderr


def test_a_month_given_alone_is_named_so_in_a_conflict(tmp_path: Path) -> None:
    """QA: a feed's "published": "2026-05" is stored as 2026-05-01, and the same text dated
    2026-05-14 later was refused as "stored with published '2026-05-01'", a date never given."""
    url = f"sqlite:///{tmp_path / 'month.db'}"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({**RECORDS[2], "published": "2026-05"}) + "\n", encoding="utf-8")
    assert run("ingest", str(feed), "--db", url).exit_code == 0
    assert run("ingest", str(feed), "--db", url).exit_code == 0  # the same month again: stored
    feed.write_text(json.dumps({**RECORDS[2], "published": "2026-05-14"}) + "\n", encoding="utf-8")
    again = run("ingest", str(feed), "--db", url)
    assert again.exit_code == 2
    assert "published '2026-05-01', not published '2026-05-14'" in again.stderr
    assert "the month 2026-05 given alone" in again.stderr, again.stderr


def test_profile_counts_an_uncertain_genre_apart_and_search_finds_it(tmp_path: Path) -> None:
    # s48: the genre mix said "genres: opinion 2" for a sure opinion and one at 0.3 (the text view
    # says "uncertain (likeliest Opinion, 0.30 ...)" of the second).
    from unspun.document import Label

    db = f"sqlite:///{tmp_path / 'genres.db'}"
    with open_store(db) as store:
        for id, score in (("s", 0.9), ("u", 0.3)):
            analysis = make_analysis(f"Opinion text {id} about the harbour.", id=id, outlet="Epsilon")
            analysis.article.labels["genre"] = [Label("opinion", score)]
            store.add(analysis)
    profile = run("profile", "Epsilon", "--db", db).stdout.splitlines()
    assert "genres: Opinion 1; uncertain (under even odds; likeliest Opinion 1)" in profile, profile
    found = json.loads(run("search", "--genre", "uncertain", "--db", db, "--format", "json").stdout)
    assert found["total"] == 1
    assert (
        json.loads(run("search", "--genre", "Opinion", "--db", db, "--format", "json").stdout)["total"] == 1
    )
