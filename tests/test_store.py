"""The storage suite: every test runs on SQLite and on a real PostgreSQL server (a fresh schema each)."""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from urllib.parse import quote

import pytest
from sqlalchemy import text

from extras import need
from store_analyses import NEWER, TRICKY, find, make_analysis
from unspun.document import SEMEVAL23, TECHNIQUE_LAYER, Analysis, Article, ModelInfo, Span
from unspun.errors import AnalysisError, FormatError, MetadataConflictError, NotFoundError, StoreError
from unspun.store import Feedback, SearchQuery, open_store
from unspun.store.feedback import apply_feedback
from unspun.store.sql import SqlStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    server = request.getfixturevalue("postgres_url")  # skips (fails under CI) without psycopg
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    joiner = "&" if "?" in server else "?"
    yield f"{server}{joiner}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def store(store_url: str) -> Iterator[SqlStore]:
    opened = open_store(store_url)
    assert isinstance(opened, SqlStore)
    yield opened
    opened.close()


SPANS = [
    ("radical extremists", "Name_Calling,Labeling", 0.9),
    ("destroy everything we love", "Loaded_Language", 0.7),
]


def corpus() -> list[Analysis]:
    """Six articles from two outlets over three months, hand-counted in the tests below."""
    rows = [
        ("d1", "The Daily Example", dt.date(2024, 1, 10), "Radical extremists attack our values again.", 0.2),
        ("d2", "The Daily Example", dt.date(2024, 1, 20), "Economy grows while radical voices shout.", 0.4),
        (
            "d3",
            "The Daily Example",
            dt.date(2024, 2, 3),
            "A calm report about the harbour and the weather.",
            0.6,
        ),
        ("d4", "The Daily Example", None, "Undated radical piece about everything and nothing.", 0.8),
        ("w1", "Weekly Sample", dt.date(2024, 3, 1), "The harbour reopens; the mayor praises workers.", 0.1),
        ("w2", "Weekly Sample", dt.date(2024, 3, 2), "Radical plans for the harbour, critics say.", 0.3),
    ]
    out = []
    for id, outlet, published, body, score in rows:
        spans = [("adical", "Name_Calling,Labeling", 0.8)] if "adical" in body else []
        if id == "d1":
            spans.append(("attack our values", "Loaded_Language", 0.6))
        out.append(
            make_analysis(
                body,
                id=id,
                title=f"Title {id}",
                outlet=outlet,
                published=published,
                spans=spans,
                genre="opinion" if id in ("d1", "d2", "w2") else "reporting",
                frames=("Political",) if id.startswith("d") else ("Economic", "Political"),
                persuasion=score,
                language="en" if id != "w1" else "fr",
            )
        )
    return out


def test_store_keeps_text_byte_exact_and_analysis_whole(store: SqlStore) -> None:
    analysis = make_analysis(TRICKY, spans=SPANS, quotes=[("First line", "with an emoji", "here")])
    ref = store.add(analysis)
    assert ref.new_article and ref.new_analysis
    assert ref.content_hash == analysis.article.content_hash and ref.article_id == ref.content_hash[:16]
    stored = store.get(ref.article_id)
    assert stored.analysis.text == TRICKY
    assert stored.analysis.text.encode("utf-8") == TRICKY.encode("utf-8")
    assert stored.analysis.to_dict() == analysis.to_dict()
    assert store.get(ref.content_hash).article_id == ref.article_id
    data = stored.to_dict()
    assert data["article_id"] == ref.article_id and data["content_hash"] == ref.content_hash
    assert [s["text"] for s in data["spans"]] == ["radical extremists", "destroy everything we love"]


def test_add_is_idempotent_by_content_hash(store: SqlStore) -> None:
    first = make_analysis("Same text, twice.", id="one", outlet="A")
    again = make_analysis("Same text, twice.", id="two", outlet="B")
    refs = [store.add(first), store.add(first)]
    assert len({r.article_id for r in refs}) == 1
    assert [r.new_article for r in refs] == [True, False]
    assert [r.new_analysis for r in refs] == [True, False]
    # another outlet: the same text and analysis, published there too (wire copy)
    assert (store.add(again).new_article, store.add(again).new_analysis) == (False, False)
    # the outlet in another case or spacing is the stored one, as every read takes it (QA s47)
    assert store.add(make_analysis("Same text, twice.", id="three", outlet=" a ")).new_article is False
    assert store.get(refs[0].article_id).summary.outlet == "A"
    assert [p.outlet for p in store.get(refs[0].article_id).appearances] == ["A", "B"]
    counts = store.counts()
    assert (counts.articles, counts.analyses, counts.outlets) == (1, 1, 2)
    assert store.get(refs[0].article_id).summary.outlet == "A"
    assert store.has(first.article.content_hash) and not store.has("0" * 64)


def test_newer_models_add_an_analysis_and_queries_read_the_newest(store: SqlStore) -> None:
    old = make_analysis(TRICKY, spans=SPANS, persuasion=0.9)
    new = make_analysis(TRICKY, spans=SPANS[:1], models=NEWER, persuasion=0.3)
    first, second = store.add(old), store.add(new)
    assert second.new_analysis and not second.new_article and second.analysis_id != first.analysis_id
    stored = store.get(first.article_id)
    assert stored.analysis_id == second.analysis_id
    assert stored.analysis.to_dict() == new.to_dict()
    assert [h.analysis_id for h in stored.history] == [second.analysis_id, first.analysis_id]
    assert store.get(first.article_id, analysis_id=first.analysis_id).analysis.to_dict() == old.to_dict()
    assert store.search(SearchQuery(technique="Loaded_Language")).total == 0
    assert store.search(SearchQuery(technique="Loaded_Language", analysis="all")).total == 1
    assert store.search(SearchQuery(min_score=0.8)).total == 0
    assert store.profile("The Daily Example").technique_counts == {"Name_Calling,Labeling": 1}
    with pytest.raises(NotFoundError):
        store.get(first.article_id, analysis_id=10_000)


def test_failed_analysis_is_refused(store: SqlStore) -> None:
    from unspun.document import ComponentError

    analysis = make_analysis("Text that failed.")
    analysis.article.errors.append(ComponentError("spans", "model broke", "model_error"))
    with pytest.raises(AnalysisError, match="not stored"):
        store.add(analysis)
    assert store.counts().articles == 0


def test_add_many_is_all_or_nothing(store: SqlStore) -> None:
    from unspun.document import ComponentError

    bad = make_analysis("A failed one.", id="bad")
    bad.article.errors.append(ComponentError("spans", "boom"))
    with pytest.raises(AnalysisError):
        store.add_many([make_analysis("A good one.", id="good"), bad])
    assert store.counts().articles == 0
    assert len(store.add_many(corpus())) == 6
    assert store.counts().articles == 6


def test_article_without_analysis(store: SqlStore) -> None:
    ref = store.add_article(Article(id="plain", text="Just text.\r\n", outlet="X"))
    assert ref.analysis_id is None and ref.new_article
    stored = store.get(ref.article_id)
    assert stored.analysis_id is None and stored.analysis.text == "Just text.\r\n"
    assert stored.summary.spans == 0 and stored.summary.persuasion_score is None
    assert store.add(make_analysis("Just text.\r\n", outlet="X")).new_analysis


def test_search_text_and_filters(store: SqlStore) -> None:
    store.add_many(corpus())

    def ids(**filters: object) -> list[str]:
        page = store.search(SearchQuery(**filters))  # type: ignore[arg-type]
        assert page.total == len(page.items)
        return [item.source_id or "" for item in page.items]

    assert ids() == ["w2", "w1", "d3", "d2", "d1", "d4"]  # newest first, undated last
    assert ids(text="radical") == ["w2", "d2", "d1", "d4"]
    assert ids(text="RADICAL harbour") == ["w2"]
    assert ids(text="Title d3") == ["d3"]  # titles are searched too
    assert ids(outlet="Weekly Sample") == ["w2", "w1"]
    assert ids(date_from=dt.date(2024, 1, 15), date_to=dt.date(2024, 2, 28)) == ["d3", "d2"]
    assert ids(technique="Loaded_Language") == ["d1"]
    assert ids(genre="opinion") == ["w2", "d2", "d1"]
    assert ids(frame="Economic") == ["w2", "w1"]
    assert ids(language="fr") == ["w1"]
    assert ids(language="French") == ids(language="FR") == ["w1"]  # a name or capitals, as readers take
    # QA (s46): --genre Opinion was refused while --language French was taken: a genre or frame
    # is taken by its id or display name in any case too
    assert ids(genre="Opinion") == ids(genre=" OPINION ") == ["w2", "d2", "d1"]
    assert ids(frame="economic") == ["w2", "w1"]
    assert ids(min_score=0.3, max_score=0.6) == ["w2", "d3", "d2"]
    assert ids(text="radical", outlet="The Daily Example", min_score=0.3) == ["d2", "d4"]
    assert ids(text="nothingmatches") == []
    # FTS syntax in the query is not obeyed, and quotes are harmless.
    assert ids(text='radical" OR NEAR(x') == []
    assert ids(text="'; DROP TABLE articles; --") == []
    assert store.counts().articles == 6
    hit = store.search(SearchQuery(text="attack")).items[0]
    assert hit.techniques == {"Loaded_Language": 1, "Name_Calling,Labeling": 1}
    assert hit.genre == "opinion" and hit.persuasion_score == 0.2 and hit.words == 6
    with pytest.raises(FormatError):
        store.search(SearchQuery(text="!!!"))


def test_search_pages_with_next_tokens(store: SqlStore) -> None:
    store.add_many(corpus())
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        page = store.search(SearchQuery(limit=4 if pages == 0 else 1, next=token))
        assert page.total == 6
        seen += [item.article_id for item in page.items]
        pages += 1
        token = page.next
        if token is None:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 6
    with pytest.raises(FormatError, match="paging token"):
        store.search(SearchQuery(next="not-a-token"))
    with pytest.raises(FormatError):
        store.search(SearchQuery(limit=0))
    with pytest.raises(FormatError, match="min_score must be between 0 and 1"):
        SearchQuery(min_score=2)
    with pytest.raises(FormatError, match="unknown genre"):
        SearchQuery(genre="news")


def test_outlet_profile_counts_rates_and_trend(store: SqlStore) -> None:
    store.add_many(corpus())
    outlets = store.outlets()
    assert [(o.outlet, o.articles) for o in outlets] == [("The Daily Example", 4), ("Weekly Sample", 2)]
    assert outlets[0].first_published == dt.date(2024, 1, 10) and outlets[0].last_published == dt.date(
        2024, 2, 3
    )
    profile = store.profile("The Daily Example")
    assert profile.articles == 4
    assert profile.words == 6 + 6 + 9 + 7
    assert profile.technique_counts == {"Name_Calling,Labeling": 3, "Loaded_Language": 1}
    assert profile.technique_rates["Name_Calling,Labeling"] == round(3000 / 28, 4)
    assert profile.genres == {"opinion": 2, "reporting": 2}
    assert profile.frames == {"Political": 4}
    assert (profile.persuasion.n, profile.persuasion.median) == (4, 0.5)
    assert (profile.persuasion.q1, profile.persuasion.q3) == (0.35, 0.65)
    assert [(m.month, m.articles, m.spans, m.persuasion_median) for m in profile.trend] == [
        ("2024-01", 2, 3, 0.3),
        ("2024-02", 1, 0, 0.6),
    ]
    data = profile.to_dict()
    assert data["outlet"] == "The Daily Example" and data["technique_counts"]["Loaded_Language"] == 1
    comparison = store.compare("The Daily Example", "Weekly Sample")
    assert comparison.b.articles == 2
    assert comparison.rate_difference["Loaded_Language"] == profile.technique_rates["Loaded_Language"]
    with pytest.raises(NotFoundError, match="unspun outlets"):
        store.profile("Nobody")


def test_an_outlet_is_found_by_its_name_in_any_case_and_a_misspelt_one_is_named(store: SqlStore) -> None:
    # QA (s46): --outlet 'qa times' answered "0 of 0 matching articles" for an outlet stored as
    # "QA Times", and `unspun profile "qa times"` gave no did-you-mean.
    store.add_many(
        [
            make_analysis(
                "Karzai said one thing.", id="q1", outlet="QA Times", quotes=[("Karzai", "said", "one thing")]
            ),
            make_analysis("Other one.", id="o1", outlet="Other Paper"),
        ]
    )
    for given in ("QA Times", "qa times", " QA  TIMES "):
        found = store.search(SearchQuery(outlet=given))
        assert [item.source_id for item in found.items] == ["q1"], given
        assert found.total == 1
        assert store.profile(given).outlet == "QA Times"
        assert store.profile(given).articles == 1
        assert [s.outlet for s in store.quoted_sources(outlet=given)] == ["QA Times"]
    assert store.compare("qa times", "other paper").b.outlet == "Other Paper"
    assert store.search(SearchQuery(outlet="QA Tims")).total == 0
    with pytest.raises(NotFoundError, match="did you mean 'QA Times'.*unspun outlets"):
        store.profile("QA Tims")


def test_a_span_corrected_to_its_second_technique_no_longer_lists_it_as_also_possible(
    store: SqlStore,
) -> None:
    # The page's tooltip read 'Appeal to authority ... Also possible: Appeal to authority'.
    from unspun.document import Label

    analysis = make_analysis(TRICKY, spans=SPANS)
    first = analysis.spans[0]
    also = [Label("Appeal_to_Authority", 0.34), Label("Doubt", 0.31)]
    analysis.article.set_layer(TECHNIQUE_LAYER, [replace(first, also=also), *analysis.spans[1:]])
    ref = store.add(analysis)
    store.add_feedback(
        ref.article_id,
        Feedback(kind="corrected", start=first.start, end=first.end, technique="Appeal_to_Authority"),
    )
    shown = apply_feedback(store.get(ref.article_id).analysis, store.feedback(ref.article_id))
    (span,) = [s for s in shown.spans if (s.start, s.end) == (first.start, first.end)]
    assert span.label == "Appeal_to_Authority" and [a.name for a in span.also] == ["Doubt"]
    record = next(r for r in shown.to_dict()["spans"] if r["start"] == first.start)
    assert record["also"] == ["Doubt"] and record["also_scores"] == {"Doubt": 0.31}


def test_feedback_kept_applied_and_exported(store: SqlStore) -> None:
    analysis = make_analysis(TRICKY, spans=SPANS)
    ref = store.add(analysis)
    wrong = store.add_feedback(
        ref.article_id, Feedback(kind="wrong", start=0, end=1, span_id="T1", author="ana")
    )
    assert (wrong.start, wrong.end, wrong.original) == (*_find("radical extremists"), "Name_Calling,Labeling")
    assert wrong.created_at is not None and wrong.id is not None and wrong.analysis_id == ref.analysis_id
    start, end = _find("destroy everything we love")
    corrected = store.add_feedback(
        ref.article_id,
        Feedback(kind="corrected", start=start, end=end, technique="Exaggeration,Minimisation"),
    )
    assert corrected.original == "Loaded_Language" and corrected.span_id == "T2"
    added = store.add_feedback(
        ref.article_id,
        Feedback(kind="added", start=TRICKY.index("emoji"), end=TRICKY.index("emoji") + 5, technique="Doubt"),
    )
    for bad in (
        Feedback(kind="added", start=0, end=10_000, technique="Doubt"),
        Feedback(kind="added", start=3, end=5),
        Feedback(kind="added", start=3, end=5, technique="NotATechnique"),  # a typo is refused
        Feedback(kind="corrected", start=0, end=1, span_id="T1", technique="loaded language"),
        Feedback(kind="wrong", start=3, end=5),
        Feedback(kind="bogus", start=3, end=5),  # type: ignore[arg-type]
        Feedback(kind="wrong", start=0, end=1, span_id="T99"),
    ):
        with pytest.raises(FormatError):
            store.add_feedback(ref.article_id, bad)
    with pytest.raises(NotFoundError):
        store.add_feedback("0" * 16, Feedback(kind="wrong", start=0, end=1))
    # sent twice (a double click, a retried request): kept once, the first record answered (QA s47)
    again = store.add_feedback(
        ref.article_id, Feedback(kind="wrong", start=0, end=1, span_id="T1", author="ana")
    )
    assert again == wrong
    kept = store.feedback(ref.article_id)
    assert [f.kind for f in kept] == ["wrong", "corrected", "added"]
    assert kept[0].author == "ana" and kept[-1] == added
    shown = apply_feedback(store.get(ref.article_id).analysis, kept)
    marks = {(s.text_in(TRICKY), s.label): s.attrs.get("feedback") for s in shown.spans}
    assert marks == {
        ("radical extremists", "Name_Calling,Labeling"): "wrong",
        ("destroy everything we love", "Exaggeration,Minimisation"): "corrected",
        ("emoji", "Doubt"): "added",
    }
    assert store.get(ref.article_id).analysis.to_dict() == analysis.to_dict()  # stored one unchanged
    exported = list(store.export())
    assert [f.kind for f in exported[0].feedback] == ["wrong", "corrected", "added"]
    assert [f.id for f in store.export_feedback()] == [f.id for f in kept]
    assert store.counts().feedback == 3


def _find(part: str) -> tuple[int, int]:
    start = TRICKY.index(part)
    return start, start + len(part)


def test_who_is_quoted_and_how_entities_are_portrayed(store: SqlStore) -> None:
    text = "Karzai said the plan failed. Brown told reporters it works. Karzai added more."
    store.add(
        make_analysis(
            text,
            id="q1",
            quotes=[("Karzai", "said", "the plan failed"), ("Brown", "told", "it works")],
        )
    )
    store.add(
        make_analysis("Karzai insisted all is well.", id="q2", quotes=[("Karzai", "insisted", "all is well")])
    )
    store.add(
        make_analysis(
            "Karzai warned of trouble.", id="q3", outlet="Other", quotes=[("Karzai", "warned", "trouble")]
        )
    )
    sources = store.quoted_sources()
    assert [(s.outlet, s.source, s.quotes, s.articles) for s in sources] == [
        ("Other", "Karzai", 1, 1),
        ("The Daily Example", "Karzai", 2, 2),
        ("The Daily Example", "Brown", 1, 1),
    ]
    assert [s.source for s in store.quoted_sources(outlet="The Daily Example", limit=1)] == ["Karzai"]
    portrayals = store.entity_portrayals(entity="karzai")
    assert [(p.outlet, p.articles, p.sentiments, p.roles) for p in portrayals] == [
        ("The Daily Example", 2, {"negative": 2}, {"Antagonist": 2}),
        ("Other", 1, {"negative": 1}, {"Antagonist": 1}),
    ]


def test_export_streams_every_article_in_order(store: SqlStore) -> None:
    analyses = corpus()
    store.add_many(analyses)
    exported = list(store.export())
    assert [e.analysis.id for e in exported] == [a.id for a in analyses]
    for e, original in zip(exported, analyses, strict=True):
        assert e.analysis.to_dict() == original.to_dict()
        assert e.to_dict()["content_hash"] == original.article.content_hash
    assert [e.analysis.id for e in store.export(SearchQuery(outlet="Weekly Sample"))] == ["w1", "w2"]


class NewerModels:
    """An analyser (the protocol Pipeline satisfies) that gives each article the NEWER models."""

    def __init__(self, persuasion: float = 0.99) -> None:
        self.calls = 0
        self.persuasion = persuasion

    def pipe(self, articles: Iterable[Article], *, batch_size: int = 8) -> Iterator[Analysis]:
        for article in articles:
            self.calls += 1
            yield make_analysis(
                article.text,
                id=article.id,
                title=article.title,
                outlet=article.outlet,
                published=article.published,
                models=NEWER,
                persuasion=self.persuasion,
            )


def test_reanalyze_adds_analyses_and_never_overwrites(store: SqlStore) -> None:
    store.add_many(corpus())
    analyser = NewerModels()
    summary = store.reanalyze(analyser, query=SearchQuery(outlet="Weekly Sample"))
    assert (summary.seen, summary.added, summary.failed) == (2, 2, [])
    assert store.counts().analyses == 8
    assert store.search(SearchQuery(min_score=0.99)).total == 2
    again = store.reanalyze(analyser, query=SearchQuery(outlet="Weekly Sample"))
    assert (again.added, again.current) == (0, 2)
    assert store.counts().analyses == 8
    hit = store.search(SearchQuery(outlet="Weekly Sample")).items[0]
    assert len(store.get(hit.article_id).history) == 2


def test_reanalyze_force_replaces_the_analysis_by_the_same_models(store: SqlStore) -> None:
    # Forced, the models ran and nothing was stored ("0 analyses added, 2 already current"): the
    # store keeps one analysis per article and models, and a changed model kept its key.
    store.add_many(corpus())
    weekly = SearchQuery(outlet="Weekly Sample")
    store.reanalyze(NewerModels(), query=weekly)
    hit = store.search(weekly).items[0]
    before = store.get(hit.article_id).history
    unforced = store.reanalyze(NewerModels(persuasion=0.42), query=weekly)
    assert (unforced.added, unforced.replaced, unforced.current) == (0, 0, 2)
    assert store.get(hit.article_id).analysis.persuasion_score == pytest.approx(0.99)
    forced = store.reanalyze(NewerModels(persuasion=0.42), query=weekly, force=True)
    assert (forced.seen, forced.added, forced.replaced, forced.current) == (2, 0, 2, 0)
    assert store.counts().analyses == 8  # replaced, not added beside
    after = store.get(hit.article_id)
    assert after.analysis.persuasion_score == pytest.approx(0.42)  # the newest is read
    assert [h.model_key for h in after.history] == [h.model_key for h in before]
    assert after.history[0].persuasion_score == pytest.approx(0.42)
    assert after.history[1].analysis_id == before[1].analysis_id  # the older models' analysis kept
    assert store.search(SearchQuery(min_score=0.99, outlet="Weekly Sample")).total == 0


def test_reanalyze_keeps_a_failed_article_as_one_failure_under_its_stored_id(store: SqlStore) -> None:
    from unspun.analysis import Pipeline
    from unspun.errors import LanguageNotSupportedError
    from unspun.pipeline.base import Component

    refs = store.add_many(corpus())
    refused = store.get(refs[0].article_id).analysis.text

    class Refuser(Component):
        name = "refuser"

        def predict(self, articles: Sequence[Article]) -> None:
            if any(article.text == refused for article in articles):
                raise LanguageNotSupportedError("no language the refuser reads")

        def set_annotations(self, articles: Sequence[Article], outputs: object) -> None:
            pass

    summary = store.reanalyze(Pipeline([Refuser()]), force=True, batch_size=2)
    assert [(f.where, f.component, f.code) for f in summary.failed] == [
        (refs[0].article_id, "refuser", "language_not_supported")
    ]
    assert summary.added + summary.replaced + summary.current == summary.seen - 1 == len(refs) - 1
    assert summary.to_dict()["failed"][0]["message"] == "no language the refuser reads"


def test_a_stored_text_with_other_metadata_is_refused_and_empty_fields_filled(store: SqlStore) -> None:
    ref = store.add(make_analysis(TRICKY, outlet="Alpha", published=dt.date(2024, 1, 2)))
    for change in ({"published": dt.date(2025, 1, 1)}, {"title": "Another"}):
        other = make_analysis(TRICKY, **{"outlet": "Alpha", "published": dt.date(2024, 1, 2), **change})
        with pytest.raises(MetadataConflictError, match=f"article {ref.article_id} is already stored with"):
            store.add(other)
        with pytest.raises(MetadataConflictError):
            store.merge_metadata(other.article)
        with pytest.raises(MetadataConflictError):  # all or nothing: the new text is not kept either
            store.add_many([make_analysis("A new text.", id="n"), other])
    assert store.counts().articles == 1
    # Fields left out mean "as stored"; a field stored empty (the url) is filled in, and the
    # stored analysis (made without it) is read with it.
    same = make_analysis(TRICKY, outlet=None, published=None, title=None)
    same.article.url = "https://alpha.example/1"
    assert store.merge_metadata(same.article) is not None
    assert (same.article.outlet, same.article.published) == ("Alpha", dt.date(2024, 1, 2))  # as stored
    assert store.merge_metadata(make_analysis("Not stored.").article) is None
    kept = store.get(ref.article_id)
    assert (kept.summary.outlet, kept.summary.url) == ("Alpha", "https://alpha.example/1")
    assert (kept.analysis.article.outlet, kept.analysis.article.url) == ("Alpha", "https://alpha.example/1")
    assert next(store.export()).analysis.article.url == "https://alpha.example/1"
    twice = [make_analysis("Twice.", id="a", title="T"), make_analysis("Twice.", id="b", title="U")]
    with pytest.raises(MetadataConflictError, match="title 'T', not title 'U'"):
        store.add_many(twice)
    store.add_many([make_analysis("Once.", id="a", outlet=None), make_analysis("Once.", id="b", outlet="B")])
    assert store.search(SearchQuery(outlet="B")).total == 1


def test_a_search_snippet_leaves_out_the_title_line(store: SqlStore) -> None:
    """QA s48: the snippet opened with the title line that a result's title already shows (the
    page took it off, the CLI and the API did not). It is the text after a first line that is the
    title, still up to 200 characters of it; an untitled text or one not opening with its title
    keeps its opening."""
    body = "The council met on Monday. " * 10
    store.add(make_analysis("\ufeffHarbour plan \r\n\n" + body, id="a", title="Harbour plan"))
    store.add(make_analysis("Harbour planning starts.\nMore.", id="b", title="Harbour plan", outlet="B"))
    store.add(make_analysis("No title here.\nMore.", id="c", title=None, outlet="C"))
    store.add(make_analysis("Only the title", id="d", title="Only the title", outlet="D"))
    snippets = {item.outlet: item.snippet for item in store.search(SearchQuery()).items}
    assert snippets["The Daily Example"] == body[:200]
    assert snippets["B"] == "Harbour planning starts.\nMore."  # opens with the title's words only
    assert snippets["C"] == "No title here.\nMore."
    assert snippets["D"] == ""


WIRE = "Wire copy: the harbour council voted to close the old pier, officials said on Monday."


def test_the_jsonl_export_lists_every_appearance_of_a_text(store: SqlStore) -> None:
    """An export record carries ``appearances`` (outlet, url, published, title, added_at), as GET
    /api/articles/{id} does: wire copy exported as one record named its first outlet only. The
    record still validates against ``unspun schema`` and reads back as an analysis."""
    import json

    import jsonschema

    from unspun.document import json_schema
    from unspun.store.export import export_chunks

    store.add(make_analysis(WIRE, id="a", outlet="Alpha", published=dt.date(2024, 1, 2)))
    again = make_analysis(WIRE, id="b", outlet="Beta", published=dt.date(2024, 2, 3), title="Pier to close")
    again.article.url = "https://beta.example/pier"
    store.add(again)
    store.add(make_analysis("Only once.", id="c", outlet="Gamma"))
    records = [json.loads(line) for line in "".join(export_chunks(store, "jsonl")).splitlines()]
    by_text = {r["text"]: r for r in records}
    wire = by_text[WIRE]["appearances"]
    assert [(p["outlet"], p["url"], p["published"], p["title"]) for p in wire] == [
        ("Alpha", None, "2024-01-02", "A title"),
        ("Beta", "https://beta.example/pier", "2024-02-03", "Pier to close"),
    ]
    assert all(p["added_at"] for p in wire)
    assert [p["outlet"] for p in by_text["Only once."]["appearances"]] == ["Gamma"]
    for record in records:
        jsonschema.validate(record, json_schema(), cls=jsonschema.Draft202012Validator)
        assert Analysis.from_dict(record).text == record["text"]
    # by outlet, each article as that outlet published it, with all its appearances still listed
    [beta] = [json.loads(line) for line in export_chunks(store, "jsonl", query=SearchQuery(outlet="Beta"))]
    assert beta["outlet"] == "Beta" and len(beta["appearances"]) == 2


def test_wire_copy_from_two_outlets_is_one_article_with_an_appearance_in_each(store: SqlStore) -> None:
    """The same words from a wire service on two sites: one text and one analysis, two
    appearances; every per-outlet count and trend counts the appearance (it was refused as a
    metadata conflict, so the second outlet's counts missed it)."""
    first = store.add(
        make_analysis(
            WIRE,
            id="a",
            outlet="Alpha",
            published=dt.date(2024, 1, 2),
            spans=[("pier", "Loaded_Language", 0.7)],
        )
    )
    again = make_analysis(WIRE, id="b", outlet="Beta", published=dt.date(2024, 2, 3), title="Pier to close")
    again.article.url = "https://beta.example/pier"
    second = store.add(again)
    assert second.article_id == first.article_id and not second.new_article and not second.new_analysis
    assert (first.new_appearance, second.new_appearance, store.add(again).new_appearance) == (
        True,
        True,
        False,
    )
    assert (store.counts().articles, store.counts().analyses, store.counts().outlets) == (1, 1, 2)
    assert [(o.outlet, o.articles, o.first_published) for o in store.outlets()] == [
        ("Alpha", 1, dt.date(2024, 1, 2)),
        ("Beta", 1, dt.date(2024, 2, 3)),
    ]
    beta = store.profile("Beta")
    assert (beta.articles, beta.technique_counts, [m.month for m in beta.trend]) == (
        1,
        {"Loaded_Language": 1},
        ["2024-02"],
    )
    assert store.search(SearchQuery(outlet="beta")).total == 1
    # listed by an outlet, the article reads as it appeared there (its url, date and title)
    [listed] = store.search(SearchQuery(outlet="beta")).items
    assert (listed.outlet, listed.url, listed.published, listed.title) == (
        "Beta",
        "https://beta.example/pier",
        dt.date(2024, 2, 3),
        "Pier to close",
    )
    assert store.search(SearchQuery(outlet="Beta", date_to=dt.date(2024, 1, 31))).total == 0
    assert store.search(SearchQuery(date_from=dt.date(2024, 2, 1))).total == 1  # Beta's date
    [exported] = store.export(SearchQuery(outlet="Beta"))  # and exported so
    assert (exported.summary.outlet, exported.analysis.article.outlet, exported.analysis.article.url) == (
        "Beta",
        "Beta",
        "https://beta.example/pier",
    )
    kept = store.get(first.article_id)
    assert kept.summary.outlet == "Alpha"  # the article reads as first stored
    assert [(p.outlet, p.url, p.published, p.title) for p in kept.appearances] == [
        ("Alpha", None, dt.date(2024, 1, 2), "A title"),
        ("Beta", "https://beta.example/pier", dt.date(2024, 2, 3), "Pier to close"),
    ]
    assert [p["outlet"] for p in kept.to_dict()["appearances"]] == ["Alpha", "Beta"]
    # the same outlet and url again add nothing; the same url with another date is a conflict
    store.add(again)
    assert len(store.get(first.article_id).appearances) == 2
    moved = make_analysis(WIRE, id="b", outlet="Beta", published=dt.date(2025, 1, 1), title="Pier to close")
    moved.article.url = "https://beta.example/pier"
    with pytest.raises(MetadataConflictError, match="published '2024-02-03', not published '2025-01-01'"):
        store.add(moved)
    taken = make_analysis(WIRE, id="b", outlet="Gamma", published=None, title=None)
    taken.article.url = "https://beta.example/pier"  # one page is one outlet's
    with pytest.raises(MetadataConflictError, match="outlet 'Beta', not outlet 'Gamma'"):
        store.add(taken)
    # a text met twice in one batch, from two outlets, is stored once with both appearances
    store.add_many(
        [
            make_analysis("Twice from the wire.", id="x", outlet="Alpha"),
            make_analysis("Twice from the wire.", id="y", outlet="Gamma"),
        ]
    )
    assert [o.outlet for o in store.outlets()] == ["Alpha", "Beta", "Gamma"]
    assert store.profile("Alpha").articles == 2 and store.counts().articles == 2
    assert [s.analysis.article.outlet for s in store.export()] == ["Alpha", "Alpha"]
    assert [len(s.appearances) for s in store.export()] == [2, 2]


def test_a_stored_text_given_another_language_is_refused_and_one_left_out_read_as_stored(
    store: SqlStore,
) -> None:
    # POST /api/analyze with store and lang "en" for a text stored as "de" answered the English
    # analysis under the stored article_id, while the store kept only the German one.
    ref = store.add(make_analysis(TRICKY, language="de"))
    with pytest.raises(MetadataConflictError, match="already stored in language 'de', not 'en'"):
        store.merge_metadata(Article(id="a1", text=TRICKY, language="en"))
    same = Article(id="a1", text=TRICKY)  # no lang given: analysed in the stored language
    assert store.merge_metadata(same) is not None and same.language == "de"
    assert store.get(ref.article_id).analysis.article.language == "de" and store.counts().analyses == 1


def test_reanalyze_loads_no_model_when_no_article_matches(store: SqlStore) -> None:
    from unspun.store.reanalysis import LazyAnalyser

    def load() -> NewerModels:
        raise AssertionError("a model was loaded with nothing to analyse")

    lazy = LazyAnalyser(load)
    assert store.reanalyze(lazy).seen == 0  # an empty store
    store.add_many(corpus())
    assert store.reanalyze(lazy, query=SearchQuery(outlet="Nobody")).seen == 0
    assert not lazy.loaded
    loaded = LazyAnalyser(NewerModels)
    assert store.reanalyze(loaded, query=SearchQuery(outlet="Weekly Sample")).added == 2
    assert loaded.loaded


class _Says:
    """A component that only says which models it runs."""

    def model_info(self) -> list[ModelInfo]:
        return NEWER


class LoadedNewerModels(NewerModels):
    """NewerModels built as a pipeline is: it says its models before it is loaded."""

    components = (_Says(),)

    def __init__(self, *, refuse_load: bool = False) -> None:
        super().__init__()
        self.refuse_load = refuse_load
        self.loads = 0

    def load(self) -> None:
        if self.refuse_load:
            raise AssertionError("the models were loaded with every article current")
        self.loads += 1


def test_reanalyze_loads_no_model_when_every_article_is_current(store: SqlStore) -> None:
    from unspun.store.reanalysis import LazyAnalyser

    store.add_many(corpus())
    weekly = SearchQuery(outlet="Weekly Sample")
    first = LazyAnalyser(LoadedNewerModels)
    assert store.reanalyze(first, query=weekly).added == 2 and first.loaded
    current = LazyAnalyser(lambda: LoadedNewerModels(refuse_load=True))
    summary = store.reanalyze(current, query=weekly)
    assert (summary.seen, summary.current, summary.added) == (2, 2, 0)
    assert not current.loaded


def test_concurrent_writers_from_threads(store: SqlStore) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(5):
                store.add(make_analysis(f"Thread {n} article {i} text.", id=f"t{n}-{i}"))
                store.add(make_analysis("Shared text every thread adds.", id=f"s{n}"))
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert store.counts().articles == 21


def test_store_reopens_at_head_and_refuses_a_newer_schema(store_url: str) -> None:
    from unspun.store.migrate import head

    with open_store(store_url) as first:
        first.add(make_analysis("Kept across opens."))
        assert isinstance(first, SqlStore)
        with first.engine.begin() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head()
    with open_store(store_url) as second:
        assert second.counts().articles == 1
        assert isinstance(second, SqlStore)
        with second.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(StoreError, match="newer version"):
        open_store(store_url)


def test_bad_urls_and_missing_things() -> None:
    with pytest.raises(StoreError, match="unknown database URL scheme"):
        open_store("mysql://localhost/x")
    need("psycopg")  # without it: a MissingExtraError (tests/test_extras.py)
    with pytest.raises(StoreError, match="cannot"):
        open_store("postgresql://nobody@127.0.0.1:1/none")


def test_default_store_is_sqlite_in_the_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from unspun.store import default_url

    monkeypatch.delenv("UNSPUN_DB")
    monkeypatch.setenv("UNSPUN_DATA_DIR", str(tmp_path / "data"))
    assert default_url() == f"sqlite:///{tmp_path / 'data' / 'unspun.db'}"
    with open_store() as store:
        store.add(make_analysis("In the default store."))
    assert (tmp_path / "data" / "unspun.db").is_file()
    with open_store(str(tmp_path / "plain.db")) as store:  # a plain path is a SQLite file
        assert store.counts().articles == 0


def test_search_refuses_unknown_technique_genre_and_frame(store: SqlStore) -> None:
    # A typo matched nothing and answered 0 articles.
    store.add(make_analysis(TRICKY))
    for filters in (
        {"technique": "Loaded langage"},
        {"technique": "Nope"},
        {"genre": "Opinions"},
        {"frame": "politics"},
    ):
        with pytest.raises(FormatError, match="unknown"):  # refused as the query is made
            store.search(SearchQuery(**filters))  # type: ignore[arg-type]
    assert store.search(SearchQuery(genre="opinion", frame="Political")).total == 1
    # a genre's or frame's display name, in any case, is that id (QA s46), as a language's name is
    assert store.search(SearchQuery(genre="Opinion", frame="political")).total == 1


def test_search_takes_a_techniques_display_name_in_any_case(store: SqlStore) -> None:
    # `unspun search --technique "loaded language"` (and ?technique=) was refused, while --frame
    # and --genre took a display name in any case; the error named the id it meant.
    french = make_analysis("Vive la patrie éternelle!", id="fr", outlet="Le Monde", language="fr")
    french.article.set_layer(TECHNIQUE_LAYER, [Span(0, 24, "Flag_Waving", 0.8, taxonomy=SEMEVAL23)])
    store.add_many(
        [
            french,
            make_analysis(TRICKY, spans=[("radical extremists", "Loaded_Language", 0.9)]),
            make_analysis("For our great nation!", id="en", spans=[("our great nation", "Flag-Waving", 0.9)]),
        ]
    )

    def found(technique: str) -> list[str]:
        return sorted(item.source_id for item in store.search(SearchQuery(technique=technique)).items)

    for given in ("loaded language", "Loaded Language", "LOADED_LANGUAGE", " loaded  language "):
        assert SearchQuery(technique=given).technique == "Loaded_Language", given
        assert found(given) == ["a1"], given
    # a name both taxonomies share finds both ids, as the id does; a SemEval-2023 name its id
    assert found("flag-waving") == found("Flag_Waving") == ["en", "fr"]
    assert SearchQuery(technique="slogan").technique == "Slogans"
    assert SearchQuery(technique="questioning the reputation").technique == "Questioning_the_Reputation"
    assert SearchQuery(technique="Appeal_to_Fear-Prejudice").technique == "Appeal_to_Fear-Prejudice"


def test_search_finds_a_semeval2023_technique_as_stored(store: SqlStore) -> None:
    # A French article's spans (the multilingual model) are stored with SemEval-2023 ids, shown
    # in search results and profiles; `unspun search --technique Questioning_the_Reputation`
    # and the API's ?technique= refused that id as unknown (only PTC-14 ids were known).
    french = make_analysis("Ces traîtres corrompus mentent aux citoyens.", id="fr", language="fr")
    french.article.set_layer(
        TECHNIQUE_LAYER,
        [Span(4, 22, "Questioning_the_Reputation", 0.8, taxonomy=SEMEVAL23)],
    )
    store.add_many(
        [french, make_analysis(TRICKY, spans=[("radical extremists", "Name_Calling,Labeling", 0.9)])]
    )
    page = store.search(SearchQuery(technique="Questioning_the_Reputation"))
    assert [item.source_id for item in page.items] == ["fr"]
    assert page.items[0].techniques == {"Questioning_the_Reputation": 1}
    # a technique renamed in the other taxonomy is the same (the profiles count them as one)
    assert [
        item.source_id for item in store.search(SearchQuery(technique="Name_Calling-Labeling")).items
    ] == ["a1"]
    assert store.search(SearchQuery(technique="Name_Calling,Labeling")).total == 1
    with pytest.raises(FormatError, match="`unspun techniques`") as refused:
        SearchQuery(technique="Questioning reputation")
    assert "\n" not in str(refused.value)


def test_outlet_profiles_count_a_semeval2023_technique_as_its_ptc14_twin(store: SqlStore) -> None:
    # QA (s45): comparing an English outlet with a French one listed "Flag-waving" twice (10.99
    # and 8.13), once per taxonomy. A SemEval-2023 id that is one PTC-14 technique renamed counts
    # as it; one that is part of a PTC-14 class or has no twin keeps its own row.
    french = make_analysis(
        "Vive la patrie éternelle! Ces menteurs et ces pantins.", id="fr", outlet="Le Monde", language="fr"
    )
    french.article.set_layer(
        TECHNIQUE_LAYER,
        [
            Span(0, 24, "Flag_Waving", 0.8, taxonomy=SEMEVAL23),
            Span(30, 37, "Straw_Man", 0.7, taxonomy=SEMEVAL23),
            Span(44, 51, "Questioning_the_Reputation", 0.7, taxonomy=SEMEVAL23),
        ],
    )
    english = make_analysis(
        "For our great nation! The plan failed.", id="en", spans=[("our great nation", "Flag-Waving", 0.9)]
    )
    store.add_many([french, english])
    assert store.profile("Le Monde").technique_counts == {
        "Flag-Waving": 1,
        "Questioning_the_Reputation": 1,
        "Straw_Man": 1,
    }
    comparison = store.compare("The Daily Example", "Le Monde")
    assert "Flag_Waving" not in comparison.rate_difference
    assert comparison.rate_difference["Flag-Waving"] == round(
        comparison.a.technique_rates["Flag-Waving"] - comparison.b.technique_rates["Flag-Waving"], 4
    )
    # a search for either id finds both, as the profiles count them: the profile's row is no
    # figure search cannot find
    for technique in ("Flag_Waving", "Flag-Waving"):
        found = store.search(SearchQuery(technique=technique, outlet="Le Monde"))
        assert [item.source_id for item in found.items] == ["fr"], technique
    assert store.search(SearchQuery(technique="Straw_Man")).total == 1


def test_a_technique_search_finds_the_ids_it_corresponds_to_in_the_other_taxonomy(store: SqlStore) -> None:
    # QA (s46): --technique Whataboutism found the French article (SemEval-2023 Whataboutism) but
    # not the English one, whose span is the PTC-14 class Whataboutism,Straw_Men,Red_Herring that
    # holds it; only one-to-one renames (Flag_Waving) were matched.
    french = make_analysis("Et vous, alors? Vous faites pire.", id="fr", outlet="Le Monde", language="fr")
    french.article.set_layer(TECHNIQUE_LAYER, [Span(0, 15, "Whataboutism", 0.8, taxonomy=SEMEVAL23)])
    english = make_analysis(
        "What about your own record? The plan failed.",
        id="en",
        spans=[("What about your own record?", "Whataboutism,Straw_Men,Red_Herring", 0.9)],
    )
    other = make_analysis("A straw man, at last.", id="sm", outlet="Le Monde", language="fr")
    other.article.set_layer(TECHNIQUE_LAYER, [Span(2, 11, "Straw_Man", 0.7, taxonomy=SEMEVAL23)])
    store.add_many([french, english, other])

    def found(technique: str) -> set[str]:
        return {item.source_id or "" for item in store.search(SearchQuery(technique=technique)).items}

    # a SemEval-2023 id finds itself and the PTC-14 class it is part of, not that class's other parts
    assert found("Whataboutism") == {"fr", "en"}
    assert found("Straw_Man") == {"sm", "en"}
    # a PTC-14 class finds every SemEval-2023 id it holds
    assert found("Whataboutism,Straw_Men,Red_Herring") == {"fr", "en", "sm"}
    # the profile keeps a row per stored id: each row's id finds the articles that hold it
    assert store.profile("Le Monde").technique_counts == {"Straw_Man": 1, "Whataboutism": 1}


def test_the_ptc_export_writes_ptc14_ids_only(store: SqlStore) -> None:
    # A German article's SemEval-2023 spans were exported as 'Flag_Waving' and 'Appeal_to_Values'
    # in the PTC TC format, ids a PTC scorer does not know.
    from unspun.store.export import export_chunks

    german = make_analysis("Unser Vaterland zuerst! Das ist eine Frage der Werte.", id="de", language="de")
    german.article.set_layer(
        TECHNIQUE_LAYER,
        [
            Span(0, 23, "Flag_Waving", 0.8, taxonomy=SEMEVAL23),
            Span(24, 52, "Appeal_to_Values", 0.7, taxonomy=SEMEVAL23),
        ],
    )
    (ref,) = store.add_many([german])
    english = make_analysis(TRICKY, spans=[("radical extremists", "Name_Calling,Labeling", 0.9)])
    (other,) = store.add_many([english])
    rows = sorted(line.split("\t") for line in "".join(export_chunks(store, "ptc")).splitlines())
    found = find(TRICKY, "radical extremists")
    assert rows == sorted(
        [
            [ref.article_id, "Flag-Waving", "0", "23"],
            [other.article_id, "Name_Calling,Labeling", *map(str, found)],
        ]
    )


def test_an_empty_search_filter_is_no_filter(store: SqlStore) -> None:
    # `unspun search --genre ""` (or --outlet, --language, ...) answered 0 articles, silently,
    # while the API's ?genre= is no filter: both now mean no filter, in SearchQuery itself.
    store.add(make_analysis(TRICKY))
    for field in ("text", "outlet", "technique", "genre", "frame", "language", "next"):
        query = SearchQuery(**{field: ""})  # type: ignore[arg-type]
        assert getattr(query, field) is None
        assert store.search(query).total == 1, field


def test_outlet_profile_averages_the_authors_and_the_quoted_voices(store: SqlStore) -> None:
    from unspun.pipeline.voice import VoiceScorer

    texts = {
        # The author's loaded phrase, a quote without one.
        "v1": ('Shameless elites ruin us. The mayor said "we will see."', ["Shameless elites"]),
        # A loaded phrase in quotes only.
        "v2": ('Critics called it "a reckless gamble" on Monday.', ["reckless gamble"]),
        # No quotes at all: counted for the author only.
        "v3": ("A calm report about the harbour.", []),
    }
    analyses = []
    for id, (body, loaded) in texts.items():
        analysis = make_analysis(
            body, id=id, outlet="Voices Daily", spans=[(p, "Loaded_Language", 0.7) for p in loaded]
        )
        VoiceScorer()([analysis.article])
        analyses.append(analysis)
    store.add_many(analyses)
    store.add(make_analysis("Stored before the voices were counted.", id="old", outlet="Voices Daily"))
    voices = store.profile("Voices Daily").voices
    expected = [a.article.scores for a in analyses]
    assert (voices.n, voices.quoted_n) == (3, 2)
    assert voices.author_span_share == pytest.approx(
        sum(s["author_span_share"] for s in expected) / 3, abs=1e-4
    )
    assert voices.quoted_span_share == pytest.approx((0.0 + len("reckless gamble") / 19) / 2, abs=1e-4)
    assert (voices.author_spans, voices.quoted_spans) == (1, 1)
    assert store.profile("Voices Daily").to_dict()["voices"]["n"] == 3


def test_model_key_changes_with_the_unspun_version() -> None:
    # An upgrade of unspun is new models for `unspun reanalyze`, though no model file changed.
    from unspun.store.rows import model_key

    models = [{"component": "spans", "name": "ptc-minilm", "version": "1", "digest": "abc"}]
    key = model_key({"unspun_version": "0.2.0", "models": models})
    assert key == model_key({"unspun_version": "0.2.0", "models": list(models)})
    assert key != model_key({"unspun_version": "0.2.1", "models": models})


@pytest.mark.parametrize(
    ("filters", "says"),
    [
        (  # "loaded_language" is taken since technique names are (a typo still is not)
            {"technique": "loaded_languag"},
            "unknown technique 'loaded_languag'; did you mean Loaded_Language?",
        ),
        ({"technique": "Name calling, labeling"}, "did you mean Name_Calling,Labeling?"),
        ({"technique": "Loaded_Langauge"}, "did you mean Loaded_Language?"),
        ({"genre": "Opnion"}, "unknown genre 'Opnion'; did you mean opinion?"),
        ({"frame": "Economc"}, "did you mean Economic?"),
        # QA: --technique loaded gave no hint; the one id starting with or holding the letters
        ({"technique": "loaded"}, "unknown technique 'loaded'; did you mean Loaded_Language?"),
        ({"technique": "fear"}, "did you mean Appeal_to_fear-prejudice?"),  # PTC-14's, listed first
        ({"frame": "econ"}, "did you mean Economic?"),
    ],
)
def test_a_filter_id_in_another_case_or_misspelt_names_the_id_meant(
    filters: dict[str, str], says: str
) -> None:
    # QA: --technique loaded_language answered only "e.g. Loaded_Language"
    from unspun.store.base import check_search_query

    with pytest.raises(FormatError, match=re.escape(says)):
        check_search_query(SearchQuery(**filters))  # type: ignore[arg-type]


def test_a_genre_or_frame_filter_takes_its_display_name_in_any_case() -> None:
    assert SearchQuery(genre="Satire").genre == "satire"
    assert SearchQuery(frame="Security and defence").frame == "Security_and_defense"
    assert SearchQuery(frame="security_and_defense").frame == "Security_and_defense"
    assert SearchQuery(frame="Legality, constitutionality and jurisprudence").frame == (
        "Legality_Constitutionality_and_jurisprudence"
    )


def test_a_filter_id_far_from_any_names_none() -> None:
    from unspun.store.base import check_search_query

    with pytest.raises(FormatError) as raised:
        check_search_query(SearchQuery(technique="Propaganda"))
    assert "did you mean" not in raised.value.message and "e.g. Loaded_Language" in raised.value.message


def test_feedback_with_a_technique_in_another_case_names_the_id_meant() -> None:
    # QA: POST /api/articles/{id}/feedback with "doubt" listed all 14 ids without pointing at Doubt.
    from unspun.store.feedback import check_feedback

    analysis = make_analysis("These reckless politicians will destroy everything.")
    with pytest.raises(
        FormatError, match=re.escape("unknown technique 'doubt'; did you mean Doubt? give a PTC-14")
    ):
        check_feedback(Feedback(kind="added", start=0, end=5, technique="doubt"), analysis)


def test_unknown_id_is_the_one_did_you_mean() -> None:
    """The store's filters and feedback build their "did you mean" through one helper."""
    from unspun.store.base import unknown_id

    labels = ("Loaded_Language", "Doubt")
    near = unknown_id("technique", "loaded language", labels, "give an id", example="Doubt")
    assert (
        near.message
        == "unknown technique 'loaded language'; did you mean Loaded_Language? give an id, e.g. Loaded_Language"
    )
    far = unknown_id("technique", "Propaganda", labels, "give an id", example="Doubt")
    assert far.message == "unknown technique 'Propaganda'; give an id, e.g. Doubt"
    assert unknown_id("genre", "Opinon", ("opinion",), "give a genre id: opinion").message == (
        "unknown genre 'Opinon'; did you mean opinion? give a genre id: opinion"
    )


def test_a_span_added_in_a_paragraph_of_another_language_takes_that_languages_taxonomy() -> None:
    # QA (s46): an English article with a German paragraph (its spans SemEval-2023) read every
    # added span in one taxonomy; the page now offers the paragraph's, and the store reads it so.
    from dataclasses import replace as replaced

    from unspun.store.feedback import check_feedback

    english, german = "The summit ended without doubt.", "Ohne Zweifel ein schwarzer Tag."
    mixed = make_analysis(f"{english}\n\n{german}", id="mixed")
    at = mixed.text.index(german)
    paragraphs = mixed.article.paragraphs
    mixed.article.paragraphs = [paragraphs[0], replaced(paragraphs[-1], language="de")]
    mixed.article.set_layer(TECHNIQUE_LAYER, [Span(at, at + 12, "Loaded_Language", 0.8, taxonomy=SEMEVAL23)])
    doubt_de = check_feedback(Feedback(kind="added", start=at + 5, end=at + 12, technique="Doubt"), mixed)
    doubt_en = check_feedback(Feedback(kind="added", start=4, end=10, technique="Doubt"), mixed)
    shown = apply_feedback(mixed, [doubt_de, doubt_en]).spans
    assert sorted((s.start, s.label, s.taxonomy) for s in shown if s.attrs.get("feedback") == "added") == [
        (4, "Doubt", "ptc14"),
        (at + 5, "Doubt", SEMEVAL23),
    ]
    with pytest.raises(FormatError, match="give a SemEval-2023"):
        check_feedback(Feedback(kind="added", start=at, end=at + 4, technique="Propaganda"), mixed)
    with pytest.raises(FormatError, match="give a PTC-14"):
        check_feedback(Feedback(kind="added", start=0, end=3, technique="Propaganda"), mixed)


def test_feedback_on_a_semeval2023_article_takes_its_taxonomy() -> None:
    # QA (s45): feedback on a French article (SemEval-2023 spans) refused every SemEval-2023 id
    # ("unknown technique 'Flag_Waving'; did you mean Flag-Waving? give a PTC-14 technique id"),
    # while the page offers the span's own taxonomy for a correction.
    from unspun.store.feedback import check_feedback

    french = make_analysis("Ces traîtres corrompus mentent aux citoyens.", id="fr", language="fr")
    french.article.set_layer(
        TECHNIQUE_LAYER, [Span(4, 22, "Questioning_the_Reputation", 0.8, taxonomy=SEMEVAL23)]
    )
    span_id = french.spans[0].id
    corrected = check_feedback(
        Feedback(kind="corrected", start=4, end=22, technique="Name_Calling-Labeling"), french
    )
    assert (corrected.span_id, corrected.original) == (span_id, "Questioning_the_Reputation")
    added = check_feedback(Feedback(kind="added", start=23, end=30, technique="Flag_Waving"), french)
    shown = apply_feedback(french, [corrected, added]).spans
    assert [(s.label, s.taxonomy) for s in shown] == [
        ("Name_Calling-Labeling", SEMEVAL23),
        ("Flag_Waving", SEMEVAL23),
    ]
    with pytest.raises(FormatError, match="unknown technique 'Propaganda'"):
        check_feedback(Feedback(kind="added", start=0, end=3, technique="Propaganda"), french)


def test_delete_removes_an_article_with_its_analyses_and_feedback(store: SqlStore) -> None:
    """QA s47 (Q2): an article stored under a misspelt outlet could never be put right (its
    metadata are never overwritten) nor taken out of the corpus."""
    wrong = store.add(make_analysis(TRICKY, id="w", outlet="Harbor Herald", spans=SPANS))
    kept = store.add(make_analysis("Calm harbour news.", id="k", outlet="The Harbour Herald"))
    store.add(make_analysis(TRICKY, id="w", outlet="Harbor Herald", spans=SPANS, models=NEWER))
    store.add_feedback(wrong.article_id, Feedback(kind="wrong", start=0, end=1, span_id="T1"))
    gone = store.delete(wrong.article_id)
    assert (gone.article_id, gone.outlet, gone.title) == (wrong.article_id, "Harbor Herald", "A title")
    with pytest.raises(NotFoundError):
        store.get(wrong.article_id)
    assert [o.outlet for o in store.outlets()] == ["The Harbour Herald"]
    assert store.search(SearchQuery(text="emoji")).total == 0  # gone from the full-text index too
    counts = store.counts()
    assert (counts.articles, counts.analyses, counts.feedback) == (1, 1, 0)
    with store._connect() as connection:
        for table in ("spans", "labels", "entities", "attributions", "paragraph_techniques"):
            ids = {row[0] for row in connection.execute(text(f"SELECT DISTINCT analysis_id FROM {table}"))}
            assert ids <= {kept.analysis_id}, table
    with pytest.raises(NotFoundError, match="no stored article"):
        store.delete(wrong.article_id)
    # the same text can be stored again, now under the right outlet
    again = store.add(make_analysis(TRICKY, id="w", outlet="The Harbour Herald", spans=SPANS))
    assert (
        again.article_id == wrong.article_id
        and store.get(again.article_id).summary.outlet == "The Harbour Herald"
    )


def test_the_python_example_of_docs_store_md_runs() -> None:
    """QA s47 (Q2): the example stored an article without an outlet and then asked for the
    profile of "The Daily Example", which raised NotFoundError; it is run here as written (the
    default store is in this test's temporary data folder)."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "store.md").read_text(encoding="utf-8")
    block = doc.split("## Python", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(block, "docs/store.md", "exec"), {})


def test_the_appearances_migration_moves_each_article_to_one_appearance_and_goes_back(
    store_url: str,
) -> None:
    """Migration 0004: every article stored before becomes one appearance (its outlet, url,
    date, title); the downgrade drops the table and leaves the articles as they were."""
    from alembic import command
    from sqlalchemy import create_engine

    from unspun.store.migrate import _config, head
    from unspun.store.sql import engine_url

    digest = Article(id="o", text="Old text.").content_hash
    engine = create_engine(engine_url(store_url))
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0003_covering_indexes")
        connection.execute(
            text(
                "INSERT INTO articles (id, content_hash, title, outlet, url, published, words, added_at, text) "
                "VALUES (:id, :hash, 'Old', 'Alpha', 'https://alpha.example/1', :day, 2, :now, 'Old text.')"
            ),
            {
                "id": digest[:16],
                "hash": digest,
                "day": dt.date(2024, 1, 2),
                "now": dt.datetime(2024, 1, 3, tzinfo=dt.UTC),
            },
        )
    engine.dispose()
    with open_store(store_url) as opened:  # migrates to head
        assert isinstance(opened, SqlStore)
        [stored] = list(opened.export())
        assert [(p.outlet, p.url, p.published, p.title) for p in stored.appearances] == [
            ("Alpha", "https://alpha.example/1", dt.date(2024, 1, 2), "Old")
        ]
        opened.add(make_analysis("Old text.", id="o", outlet="Beta", title="Old"))  # wire copy
        assert [(o.outlet, o.articles) for o in opened.outlets()] == [("Alpha", 1), ("Beta", 1)]
    engine = create_engine(engine_url(store_url))
    with engine.begin() as connection:
        command.downgrade(_config(connection), "0003_covering_indexes")
        names = set(connection.execute(text("SELECT id, outlet FROM articles")).all())
        assert names == {(digest[:16], "Alpha")}
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            "0003_covering_indexes"
        )
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head()
        assert connection.execute(text("SELECT count(*) FROM appearances")).scalar() == 1
    engine.dispose()


BETA_PIER = "https://beta.example/pier"


@pytest.mark.parametrize(
    ("stored_before", "url", "b_url"),
    [
        (False, BETA_PIER, BETA_PIER),
        (True, BETA_PIER, BETA_PIER),
        (True, None, None),
        (False, BETA_PIER, None),
        (True, BETA_PIER, None),
    ],
    ids=["new-text", "stored-text", "stored-text-no-url", "new-text-b-no-url", "stored-text-b-no-url"],
)
def test_two_writers_of_one_appearance_at_once_store_it_once(
    store_url: str, stored_before: bool, url: str | None, b_url: str | None
) -> None:
    """note-s48: two ingests of one text under the same outlet and url at once each looked the
    appearance up, found none and inserted it: the outlet counted the text twice. Writer A has
    written it and not committed when writer B looks it up; B's insert meets A's (unique keys of
    migration 0006), and B ends with A's appearance, without an error. So too where B gives the
    outlet without A's url (QA s49: no unique key tells that apart; B added its own appearance),
    as B would have, one after the other."""
    from sqlalchemy import event

    from unspun.store.writer import write_articles

    first, second = open_store(store_url), open_store(store_url)
    assert isinstance(first, SqlStore) and isinstance(second, SqlStore)
    if stored_before:
        first.add_article(Article(id="w0", text=WIRE, outlet="Alpha", url="https://alpha.example/pier"))
    article = Article(id="w", text=WIRE, outlet="Beta", url=url)
    inserting = threading.Event()

    @event.listens_for(second.engine, "before_cursor_execute")
    def _seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        said = statement.lstrip().upper()
        if said.startswith("INSERT") or "FOR UPDATE" in said:
            inserting.set()  # B has looked everything up

    outcome: list[object] = []

    def write_b() -> None:
        try:
            outcome.append(second.add_article(replace_article(article, url=b_url)))
        except Exception as error:  # noqa: BLE001 - the test shows it
            outcome.append(error)

    with first.engine.begin() as connection:
        [written] = write_articles(connection, first.dialect, [(article, None)])
        other = threading.Thread(target=write_b)
        other.start()
        assert inserting.wait(30), "writer B never reached its inserts"
    other.join(60)
    assert not other.is_alive()
    [ref] = outcome
    assert not isinstance(ref, Exception), ref
    assert written.new_appearance and not ref.new_appearance  # type: ignore[union-attr]
    kept = first.get(ref.article_id).appearances  # type: ignore[union-attr]
    expected = [("Beta", url)]
    if stored_before:
        expected.insert(0, ("Alpha", "https://alpha.example/pier"))
    assert [(p.outlet, p.url) for p in kept] == expected
    assert [(o.outlet, o.articles) for o in first.outlets() if o.outlet == "Beta"] == [("Beta", 1)]
    first.close()
    second.close()


def replace_article(article: Article, *, url: str | None) -> Article:
    """Another writer's copy of ``article`` (the same text and outlet) at ``url``."""
    return Article(id=article.id, text=article.text, outlet=article.outlet, url=url)


def test_the_unique_appearances_migration_drops_duplicates_and_goes_back(store_url: str) -> None:
    """Migration 0006: the appearances a race stored twice (the same url, or the same outlet
    without a url) are kept once, the first; then a second insert of one is refused. The
    downgrade drops the two unique indexes (a duplicate can be stored again)."""
    from alembic import command
    from sqlalchemy import create_engine
    from sqlalchemy.exc import IntegrityError

    from unspun.store.migrate import _config
    from unspun.store.sql import engine_url

    digest = Article(id="o", text="Old text.").content_hash
    insert = text(
        "INSERT INTO appearances (article_pk, outlet, url, added_at) VALUES (1, :outlet, :url, :now)"
    )
    now = dt.datetime(2024, 1, 3, tzinfo=dt.UTC)
    engine = create_engine(engine_url(store_url))
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0005_appearance_outlets")
        connection.execute(
            text(
                "INSERT INTO articles (pk, id, content_hash, outlet, url, words, added_at, text) "
                "VALUES (1, :id, :hash, 'Alpha', 'https://alpha.example/1', 2, :now, 'Old text.')"
            ),
            {"id": digest[:16], "hash": digest, "now": now},
        )
        for outlet, url in [
            ("Alpha", "https://alpha.example/1"),
            ("Alpha", "https://alpha.example/1"),
            ("Beta", None),
            ("Beta", None),
            ("Gamma", None),
            (None, None),
            (None, None),
        ]:
            connection.execute(insert, {"outlet": outlet, "url": url, "now": now})
        command.upgrade(_config(connection), "0006_unique_appearances")
        kept = connection.execute(text("SELECT id, outlet, url FROM appearances ORDER BY id")).all()
        assert [tuple(row) for row in kept] == [
            (1, "Alpha", "https://alpha.example/1"),
            (3, "Beta", None),
            (5, "Gamma", None),
            (6, None, None),
            (7, None, None),
        ]
    for outlet, url in [("Zeta", "https://alpha.example/1"), ("Beta", None)]:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(insert, {"outlet": outlet, "url": url, "now": now})
    with engine.begin() as connection:
        command.downgrade(_config(connection), "0005_appearance_outlets")
        connection.execute(insert, {"outlet": "Beta", "url": None, "now": now})
        assert connection.execute(text("SELECT count(*) FROM appearances")).scalar() == 6
        connection.execute(text("DELETE FROM appearances WHERE id = 8"))
        command.upgrade(_config(connection), "head")
    engine.dispose()
    with open_store(store_url) as opened:
        assert [o.outlet for o in opened.outlets()] == ["Alpha", "Beta", "Gamma"]


def test_an_outlet_that_published_one_text_at_two_urls_counts_it_once(store: SqlStore) -> None:
    """note-s48: the same text at two urls of one outlet (a moved page, a section copy) is two
    appearances, and every per-outlet figure counted it twice. An outlet counts texts (its first
    appearance of each); the article lists both urls."""
    for url, published in (
        ("https://alpha.example/1", dt.date(2024, 1, 2)),
        ("https://alpha.example/2", None),
    ):
        analysis = make_analysis(
            WIRE,
            id="a",
            outlet="Alpha",
            published=published,
            spans=[("pier", "Loaded_Language", 0.7)],
            quotes=[("officials", "said", "the harbour council voted to close the old pier")],
        )
        analysis.article.url = url
        ref = store.add(analysis)
    store.add(make_analysis("Another Alpha text about the harbour.", id="b", outlet="Alpha"))
    assert [(p.outlet, p.url) for p in store.get(ref.article_id).appearances] == [
        ("Alpha", "https://alpha.example/1"),
        ("Alpha", "https://alpha.example/2"),
    ]
    assert [(o.outlet, o.articles) for o in store.outlets()] == [("Alpha", 2)]
    alpha = store.profile("Alpha")
    assert (alpha.articles, alpha.technique_counts, alpha.genres) == (
        2,
        {"Loaded_Language": 1},
        {"opinion": 2},
    )
    assert [(m.month, m.articles) for m in alpha.trend] == [("2024-01", 1), ("2024-03", 1)]
    assert [(q.source, q.quotes, q.articles) for q in store.quoted_sources(outlet="Alpha")] == [
        ("officials", 1, 1)
    ]
    assert store.search(SearchQuery(outlet="Alpha")).total == 2


def test_an_uncertain_genre_is_counted_apart_in_the_mix_and_the_genre_filter(store: SqlStore) -> None:
    """s48: a genre under even odds (``Analysis.genre_uncertain``, its probability kept in the
    genre label's score) is the likeliest, not a finding, but the outlet's genre mix and
    ``search --genre`` counted it as the genre. The mix counts it apart, by its likeliest genre;
    ``--genre opinion`` finds the sure ones and ``--genre uncertain`` the others. A label stored
    without a score (an older analysis: 1.0) reads as sure."""
    from unspun.document import Label

    made = []
    for id, genre, score in (("s", "opinion", 0.9), ("u", "opinion", 0.3), ("r", "reporting", 0.8)):
        analysis = make_analysis(f"Text {id} about the harbour and the pier.", id=id, outlet="Alpha")
        analysis.article.labels["genre"] = [Label(genre, score)]
        made.append(analysis)
    assert [a.genre_uncertain for a in made] == [False, True, False]
    store.add_many(made)
    alpha = store.profile("Alpha")
    assert (alpha.genres, alpha.genres_uncertain) == ({"opinion": 1, "reporting": 1}, {"opinion": 1})
    assert alpha.to_dict()["genres_uncertain"] == {"opinion": 1}
    assert store.search(SearchQuery(genre="opinion")).total == 1
    assert store.search(SearchQuery(genre="Uncertain")).total == 1
    [uncertain] = store.search(SearchQuery(genre="uncertain")).items
    assert uncertain.title == "A title" and store.get(uncertain.article_id).analysis.genre_uncertain
    # and a listed article says so beside its genre, as its analysis does
    listed = {item.snippet.split()[1]: item.genre_uncertain for item in store.search(SearchQuery()).items}
    assert listed == {"s": False, "u": True, "r": False}
    assert store.search(SearchQuery(genre="reporting")).total == 1


def test_an_outlet_stored_in_two_spellings_is_one_outlet_counting_a_text_once(store: SqlStore) -> None:
    """QA s49: the same text stored under "QA Times" (one url) and "qa times" (another) was two
    outlets in the list, each counting it, and a third spelling ("Qa Times") counted it twice. The
    writer takes one spelling for the other (a conflict check, an appearance's match), so the
    reads do too: one outlet, named as first stored, a text counted once."""
    for outlet, url in (("QA Times", "https://qa.example/1"), ("qa times", "https://qa.example/2")):
        analysis = make_analysis(WIRE, id="a", outlet=outlet, spans=[("pier", "Loaded_Language", 0.7)])
        analysis.article.url = url
        store.add(analysis)
    store.add(make_analysis("Another text about the harbour.", id="b", outlet="qa  times"))
    store.add(make_analysis("A text of another outlet.", id="c", outlet="Beta"))
    assert [(o.outlet, o.articles) for o in store.outlets()] == [("Beta", 1), ("QA Times", 2)]
    for spelling in ("QA Times", "qa times", "Qa Times"):
        profile = store.profile(spelling)
        assert (profile.outlet, profile.articles, profile.technique_counts) == (
            "QA Times",
            2,
            {"Loaded_Language": 1},
        ), spelling
        assert store.search(SearchQuery(outlet=spelling)).total == 2, spelling
    assert store.compare("qa times", "Beta").a.articles == 2
