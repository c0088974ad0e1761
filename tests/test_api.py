"""The store-backed REST API routes, in-process, against SQLite and a real PostgreSQL server.

One module-scoped app per database: a handful of short articles are analysed and stored
through ``POST /api/analyze`` once (the one loaded pipeline is shared), and every test reads
them back through the other routes; no test changes how many articles are stored.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from extras import need

TestClient = need("fastapi.testclient").TestClient  # the [server] extra

from unspun.analysis import shared_pipeline  # noqa: E402
from unspun.document import AnalysisRecord  # noqa: E402
from unspun.server import ServerSettings, create_app  # noqa: E402
from unspun.store import open_store  # noqa: E402
from unspun.store.base import DEFAULT_PAGE, SearchQuery, search_fields  # noqa: E402
from unspun.techniques import display_name  # noqa: E402

ARTICLES = [
    {
        "text": "Betrayal at the Harbour\n\nThe corrupt, evil council will destroy our great harbour unless "
        "every patriot acts now! They lie and they cheat.",
        "outlet": "The Daily Example",
        "published": "2024-01-15",
        "url": "https://daily.example/1",
    },
    {
        "text": "Council Meets\n\nThe council met on Tuesday to discuss the harbour budget. The vote was "
        "postponed to March, a spokesperson said.",
        "outlet": "The Daily Example",
        "published": "2024-02-03",
    },
    {
        "text": "Shame!\n\nOnly a fool would trust these shameless crooks with our children's future. "
        "Wake up, before it is too late! Zanzibarite.",
        "outlet": "AC/DC News & Views",
        "published": "2024-02-20",
    },
    {
        "text": "Weather\n\nRain is expected on Friday across the region, with sunshine returning at the "
        "weekend, forecasters said.",
        "outlet": "AC/DC News & Views",
        "published": "2023-12-01",
    },
    {"text": "Undated\n\nA plain note with no outlet and no date, about the harbour and its boats."},
]


def _postgres_database(base_url: str) -> Iterator[str]:
    import psycopg

    name = f"unspun_api_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(base_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('api') / 'api.db'}"
    else:
        yield from _postgres_database(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="module")
def seeded(database_url: str) -> Iterator[tuple[TestClient, list[dict[str, Any]], Any]]:
    shared_pipeline()
    store = open_store(database_url)
    app = create_app(store=store, settings=ServerSettings(), load_models=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        stored = []
        for record in ARTICLES:
            response = client.post("/api/analyze", json={**record, "store": True})
            assert response.status_code == 200, response.text
            stored.append(response.json())
        yield client, stored, store
    store.close()


@pytest.fixture
def client(seeded: tuple[TestClient, list[dict[str, Any]], Any]) -> TestClient:
    return seeded[0]


@pytest.fixture
def stored(seeded: tuple[TestClient, list[dict[str, Any]], Any]) -> list[dict[str, Any]]:
    return seeded[1]


def assert_error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body == {"ok": False, "error": body["error"], "code": body["code"], "status": status}
    assert body["code"] and body["code"].isidentifier()
    return str(body["error"])


def test_search_parameters_are_the_search_query_fields(client: TestClient) -> None:
    parameters = client.get("/openapi.json").json()["paths"]["/api/articles"]["get"]["parameters"]
    described = {p["name"]: p for p in parameters}
    fields = {
        ("q" if name == "text" else name): (default, help_text)
        for name, _, default, help_text in search_fields()
    }
    assert set(described) == set(fields)
    for name, (default, help_text) in fields.items():
        assert described[name]["description"] == help_text
        assert described[name]["schema"].get("default") == default, name
    assert described["limit"]["schema"]["default"] == DEFAULT_PAGE


def test_an_unknown_query_parameter_is_a_422_naming_it(
    client: TestClient, stored: list[dict[str, Any]]
) -> None:
    """``?since=`` (the CLI's name of ``date_from``) and misspelt filters were ignored: every
    article came back as if the filter had matched them all."""
    message = assert_error(client.get("/api/articles", params={"since": "2030-01-01"}), 422)
    assert "unknown query parameter 'since' for /api/articles" in message and "date_from" in message
    assert "'outlt'" in assert_error(client.get("/api/search", params={"q": "harbour", "outlt": "X"}), 422)
    assert "'compre'" in assert_error(client.get("/api/outlets/The Daily Example/profile?compre=X"), 422)
    article_id = stored[0]["article_id"]
    assert "it takes analysis_id, corrected" in assert_error(
        client.get(f"/api/articles/{article_id}", params={"correct": "true"}), 422
    )
    assert "it takes none" in assert_error(client.get("/api/outlets", params={"x": "1"}), 422)
    # what the routes take still works: filters, paging, the export's own parameters
    assert client.get("/api/articles", params={"date_from": "2030-01-01", "limit": 5}).json()["total"] == 0
    first = client.get("/api/articles", params={"limit": 1}).json()
    assert client.get(first["next_url"]).status_code == 200
    assert client.get("/api/export", params={"format": "ptc", "with_feedback": "false"}).status_code == 200
    assert client.get(f"/api/articles/{article_id}", params={"corrected": "true"}).status_code == 200


def test_api_errors_are_the_library_errors_to_dict_with_the_status(
    seeded: tuple[TestClient, list[dict[str, Any]], Any],
) -> None:
    from unspun.errors import FormatError, NotFoundError

    client, _, store = seeded
    with pytest.raises(NotFoundError) as missing:
        store.profile("nowhere")
    with pytest.raises(FormatError) as bad_filter:
        SearchQuery(min_score=2.0)
    answers = [
        (client.get("/api/outlets/nowhere/profile"), missing.value, 404),
        (client.get("/api/articles", params={"min_score": 2}), bad_filter.value, 422),
    ]
    for response, error, status in answers:
        assert response.status_code == status
        assert response.json() == {**error.to_dict(), "status": status}
    assert client.get("/api/no-such-route").json()["code"] == "not_found"
    assert client.post("/api/analyze", json={}).json()["code"] == "invalid_request"


def test_analyze_with_store_adds_the_article_id(stored: list[dict[str, Any]]) -> None:
    for record, data in zip(ARTICLES, stored, strict=True):
        assert data["article_id"] == data["content_hash"][:16]
        assert data["text"] == record["text"] and data["outlet"] == record.get("outlet")
        # the analyze object plus article_id and appearances (the schema's optional store
        # fields: feedback is only in exports made with_feedback; spans_hidden only in an answer
        # made with a min_score)
        assert set(data) == set(AnalysisRecord.model_fields) - {"feedback", "spans_hidden"}


def test_analyze_store_is_idempotent(client: TestClient, stored: list[dict[str, Any]]) -> None:
    again = client.post("/api/analyze", json={**ARTICLES[0], "store": True}).json()
    assert again["article_id"] == stored[0]["article_id"]
    assert client.get("/api/articles").json()["total"] == len(ARTICLES)


def test_restoring_a_text_with_other_metadata_is_409(
    client: TestClient, stored: list[dict[str, Any]]
) -> None:
    first = stored[0]
    # the same outlet and url (another outlet or url is another appearance: wire copy)
    for change in ({"published": "2025-06-01"}, {"published": "2025-06-01", "outlet": "the daily example"}):
        message = assert_error(
            client.post("/api/analyze", json={**ARTICLES[0], **change, "store": True}), 409
        )
        assert f"article {first['article_id']} is already stored with" in message
        assert "leave out these fields" in message
        # QA s47 (Q2): and, when the stored values are the wrong ones, how to put them right
        assert f"DELETE /api/articles/{first['article_id']}" in message
    assert "published '2024-01-15', not published '2025-06-01'" in assert_error(
        client.post("/api/analyze", json={**ARTICLES[0], "published": "2025-06-01", "store": True}), 409
    )
    # A lang other than the stored language: refused before any analysis (it was answered in
    # that language under the stored article_id, while the store kept the first analysis only).
    assert f"article {first['article_id']} is already stored in language 'en', not 'fr'" in assert_error(
        client.post("/api/analyze", json={**ARTICLES[0], "lang": "fr", "store": True}), 409
    )
    # Nothing changed; the fields left out mean "as stored", and an analysis without store is free.
    kept = client.get(f"/api/articles/{first['article_id']}").json()
    assert (kept["outlet"], kept["published"]) == ("The Daily Example", "2024-01-15")
    bare = client.post("/api/analyze", json={"text": ARTICLES[0]["text"], "store": True}).json()
    assert bare["article_id"] == first["article_id"]
    # The answer reads as stored: the fields the request left out are the stored ones.
    assert (bare["outlet"], bare["published"], bare["url"]) == (
        "The Daily Example",
        "2024-01-15",
        "https://daily.example/1",
    )
    free = client.post("/api/analyze", json={**ARTICLES[0], "outlet": "Another Outlet"})
    assert free.status_code == 200 and free.json()["outlet"] == "Another Outlet"


def test_get_article_gives_the_stored_analysis(client: TestClient, stored: list[dict[str, Any]]) -> None:
    first = stored[0]
    data = client.get(f"/api/articles/{first['article_id']}").json()
    assert {k: data[k] for k in first} == first
    assert data["analysis_id"] == data["history"][0]["analysis_id"]
    assert isinstance(data["feedback"], list)
    assert_error(client.get(f"/api/articles/{first['article_id']}", params={"analysis_id": 99_999}), 404)
    assert_error(client.get("/api/articles/does-not-exist"), 404)


def test_articles_page_by_next_url_until_null(client: TestClient, stored: list[dict[str, Any]]) -> None:
    seen: list[str] = []
    url: str | None = "/api/articles?limit=2"
    pages = 0
    while url is not None:
        body = client.get(url).json()
        assert body["ok"] is True and body["total"] == len(ARTICLES)
        assert len(body["articles"]) <= 2
        seen += [a["article_id"] for a in body["articles"]]
        assert (body["next"] is None) == (body["next_url"] is None)
        if body["next"] is not None:
            assert f"next={body['next']}" in body["next_url"] and "limit=2" in body["next_url"]
        url = body["next_url"]
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(a["article_id"] for a in stored) and len(set(seen)) == len(seen)
    published = [a["published"] for a in client.get("/api/articles").json()["articles"]]
    dated = [p for p in published if p]
    assert dated == sorted(dated, reverse=True) and published[-1] is None  # newest first, undated last


def test_articles_filters(client: TestClient, stored: list[dict[str, Any]]) -> None:
    def ids(**params: Any) -> set[str]:
        response = client.get("/api/articles", params=params)
        assert response.status_code == 200, response.text
        return {a["article_id"] for a in response.json()["articles"]}

    by_index = [s["article_id"] for s in stored]
    assert ids(outlet="The Daily Example") == {by_index[0], by_index[1]}
    assert ids(outlet="AC/DC News & Views") == {by_index[2], by_index[3]}
    assert ids(date_from="2024-02-01", date_to="2024-02-28") == {by_index[1], by_index[2]}
    assert ids(date_from="2024-02", date_to="2024-02") == {by_index[1], by_index[2]}  # a month, as the CLI
    technique = next(s["spans"][0]["technique"] for s in stored if s["spans"])
    with_technique = {s["article_id"] for s in stored if any(x["technique"] == technique for x in s["spans"])}
    assert ids(technique=technique) == with_technique
    # a technique's display name in any case is its id, as a genre's and a frame's are
    assert ids(technique=display_name(technique).upper()) == with_technique
    scores = {s["article_id"]: s["persuasion_score"] for s in stored}
    cut = sorted(v for v in scores.values() if v is not None)[2]
    assert ids(min_score=cut) == {k for k, v in scores.items() if v is not None and v >= cut}
    genre = stored[0]["genre"]
    # a genre under even odds is the likeliest, not a finding: ?genre=uncertain finds it (s48)
    sure = {s["article_id"] for s in stored if s["genre"] == genre and not s["genre_uncertain"]}
    assert ids(genre=genre) == sure
    assert ids(genre="uncertain") == {s["article_id"] for s in stored if s["genre_uncertain"]}
    # QA (s46): a genre's display name (?genre=Opinion) and an outlet in other capitals are taken
    assert ids(genre=genre.title()) == ids(genre=genre)
    assert ids(outlet="the daily example") == {by_index[0], by_index[1]}
    assert ids(language="en") == {s["article_id"] for s in stored if s["language"] == "en"}
    assert ids(outlet="", genre="", language="") == {s["article_id"] for s in stored}  # empty: no filter
    # A code no article can have is an error, not an empty page (it answered nothing before).
    message = assert_error(client.get("/api/articles", params={"language": "xx"}), 422)
    assert "unknown language 'xx'" in message


def test_search_finds_the_words(client: TestClient, stored: list[dict[str, Any]]) -> None:
    body = client.get("/api/search", params={"q": "zanzibarite"}).json()
    assert [a["article_id"] for a in body["articles"]] == [stored[2]["article_id"]]
    assert body["next"] is None and body["next_url"] is None
    harbour = client.get("/api/search", params={"q": "harbour", "outlet": "The Daily Example"}).json()
    assert {a["article_id"] for a in harbour["articles"]} == {
        stored[0]["article_id"],
        stored[1]["article_id"],
    }
    # With no q (or an empty one) it lists every article, as `unspun search` with no query and
    # /api/articles do (QA: it was a 422, "q: Field required").
    listed = client.get("/api/articles").json()
    for params in ({}, {"q": ""}):
        every = client.get("/api/search", params=params).json()
        assert every["articles"] == listed["articles"] and every["total"] == len(stored)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "harbour'; DROP TABLE articles; --"},
        {"q": 'harbour" OR 1=1 OR "'},
        {"outlet": "x' OR '1'='1"},
        {"technique": "x') OR 1=1 --"},
        {"genre": "'; DELETE FROM analyses; --"},
    ],
)
def test_injection_attempts_match_nothing_and_break_nothing(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get("/api/articles", params=params)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert response.json()["articles"] == []
    assert client.get("/api/articles").json()["total"] == len(ARTICLES)
    assert_error(client.get("/api/articles/" + quote("x' OR '1'='1")), 404)


def test_bad_query_parameters_are_422(client: TestClient) -> None:
    for url in (
        "/api/articles?outlet=%00",
        "/api/search?q=a%00b",
        "/api/articles/%00",
        "/api/outlets/%00/profile",
    ):
        assert "NUL" in assert_error(client.get(url), 422), url
    assert "next" in assert_error(client.get("/api/articles", params={"next": "garbage"}), 422)
    assert "limit" in assert_error(client.get("/api/articles", params={"limit": 0}), 422)
    assert "date_from" in assert_error(client.get("/api/articles", params={"date_from": "yesterday"}), 422)
    # The ranges are SearchQuery's own check: the same one-line message as the CLI's.
    assert "min_score must be between 0 and 1" in assert_error(
        client.get("/api/articles", params={"min_score": 2}), 422
    )
    for params, words in (
        ({"min_score": 0.8, "max_score": 0.2}, "is above max_score"),
        ({"date_from": "2024-05-01", "date_to": "2024-01-01"}, "is after the end date"),
        ({"technique": "Propaganda"}, "unknown technique 'Propaganda'"),
        ({"genre": "news"}, "unknown genre 'news'"),
        ({"frame": "Sports"}, "unknown frame 'Sports'"),
        ({"limit": 5000}, "between 1 and 1000"),
    ):
        message = assert_error(client.get("/api/search", params={"q": "x", **params}), 422)
        assert words in message and "\n" not in message, (params, message)


def test_outlets_and_profiles(client: TestClient, stored: list[dict[str, Any]]) -> None:
    outlets = client.get("/api/outlets").json()["outlets"]
    assert [(o["outlet"], o["articles"]) for o in outlets] == [
        ("AC/DC News & Views", 2),
        ("The Daily Example", 2),
    ]
    name = "AC/DC News & Views"
    profile = client.get(f"/api/outlets/{quote(name, safe='')}/profile").json()
    assert profile["ok"] is True and profile["outlet"] == name and profile["articles"] == 2
    expected = Counter(s["technique"] for a in stored if a["outlet"] == name for s in a["spans"])
    assert profile["technique_counts"] == dict(expected)
    assert set(profile) >= {"technique_rates", "genres", "frames", "persuasion", "trend", "words"}
    both = client.get("/api/outlets/The Daily Example/profile", params={"compare": name}).json()
    assert both["a"]["outlet"] == "The Daily Example" and both["b"]["outlet"] == name
    assert set(both["rate_difference"]) >= set(expected)
    # the message names the API's route too, not only the CLI command (it named unspun outlets alone)
    nowhere = assert_error(client.get("/api/outlets/nowhere/profile"), 404)
    assert "nowhere" in nowhere and "GET /api/outlets" in nowhere
    assert_error(client.get("/api/outlets/The Daily Example/profile", params={"compare": "nowhere"}), 404)


def test_feedback_is_kept_and_shown_as_corrected(client: TestClient, stored: list[dict[str, Any]]) -> None:
    article = stored[3]
    article_id = article["article_id"]
    body = {"kind": "added", "start": 0, "end": 7, "technique": "Loaded_Language", "author": "tester"}
    response = client.post(f"/api/articles/{article_id}/feedback", json=body)
    assert response.status_code == 201, response.text
    kept = response.json()["feedback"]
    assert kept["id"] and kept["article_id"] == article_id and kept["created_at"]
    listed = client.get(f"/api/articles/{article_id}/feedback").json()["feedback"]
    assert [f["id"] for f in listed][-1] == kept["id"]
    corrected = client.get(f"/api/articles/{article_id}", params={"corrected": True}).json()
    added = [s for s in corrected["spans"] if s["attrs"].get("feedback") == "added"]
    assert [(s["start"], s["end"], s["technique"]) for s in added] == [(0, 7, "Loaded_Language")]
    plain = client.get(f"/api/articles/{article_id}").json()
    assert plain["spans"] == article["spans"] and plain["feedback"][-1]["id"] == kept["id"]


def test_feedback_names_a_span_by_its_id_alone(client: TestClient, stored: list[dict[str, Any]]) -> None:
    # QA (s45): docs/api.md says `wrong` marks the span [start, end) "(or span_id)", and the store
    # fills the offsets from the id, but the request refused a body without start and end (422).
    article = next(a for a in stored if a["spans"])
    span = article["spans"][0]
    url = f"/api/articles/{article['article_id']}/feedback"
    response = client.post(url, json={"kind": "wrong", "span_id": span["id"]})
    assert response.status_code == 201, response.text
    assert (response.json()["feedback"]["start"], response.json()["feedback"]["end"]) == (
        span["start"],
        span["end"],
    )
    message = assert_error(client.post(url, json={"kind": "wrong"}), 422)
    assert "start" in message and "span_id" in message


def test_a_feedback_refused_by_its_own_rule_reads_without_pydantics_prefix(
    client: TestClient, stored: list[dict[str, Any]]
) -> None:
    # QA s47: {"kind": "wrong"} read "invalid request: the request body: Value error, give the
    # span's start and end ...": pydantic's "Value error, " before the model's own words.
    url = f"/api/articles/{stored[0]['article_id']}/feedback"
    message = assert_error(client.post(url, json={"kind": "wrong"}), 422)
    assert message.startswith("invalid request: the request body: give the span's start and end"), message


def test_bad_feedback_is_422_and_unknown_article_404(
    client: TestClient, stored: list[dict[str, Any]]
) -> None:
    article_id = stored[0]["article_id"]
    url = f"/api/articles/{article_id}/feedback"
    assert_error(
        client.post(url, json={"kind": "added", "start": 0, "end": 10_000, "technique": "Slogans"}), 422
    )
    assert_error(client.post(url, json={"kind": "nonsense", "start": 0, "end": 3}), 422)
    wrong_with_technique = {"kind": "wrong", "start": 0, "end": 3, "technique": "Slogans"}
    assert "send kind 'corrected'" in assert_error(client.post(url, json=wrong_with_technique), 422)
    backwards = {"kind": "added", "start": 9, "end": 3, "technique": "Slogans"}
    message = assert_error(client.post(url, json=backwards), 422)
    assert "start 9 must be before its end 3" in message and "outside" not in message
    assert_error(client.post(url, json={"kind": "added", "start": 0, "end": 3}), 422)  # no technique
    missing = assert_error(
        client.post("/api/articles/nope/feedback", json={"kind": "wrong", "start": 0, "end": 3}), 404
    )
    assert "'nope'" in missing and "GET /api/articles" in missing


def test_writes_to_the_store_need_the_token(seeded: tuple[TestClient, list[dict[str, Any]], Any]) -> None:
    _, stored, store = seeded
    app = create_app(store=store, settings=ServerSettings(token="t0ken"), load_models=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        url = f"/api/articles/{stored[1]['article_id']}/feedback"
        body = {"kind": "added", "start": 0, "end": 5, "technique": "Slogans"}
        assert_error(c.post(url, json=body), 401)
        assert_error(c.post("/api/analyze", json={**ARTICLES[1], "store": True}), 401)
        assert c.get("/api/articles").status_code == 200
        before = len(c.get(f"/api/articles/{stored[1]['article_id']}/feedback").json()["feedback"])
        assert c.post(url, json=body, headers={"Authorization": "Bearer t0ken"}).status_code == 201
        after = len(c.get(f"/api/articles/{stored[1]['article_id']}/feedback").json()["feedback"])
        assert after == before + 1


def test_export_jsonl_streams_every_article(client: TestClient, stored: list[dict[str, Any]]) -> None:
    with client.stream("GET", "/api/export", params={"format": "jsonl"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        assert "content-length" not in response.headers  # streamed as read, not built whole first
        lines = [json.loads(line) for line in response.iter_lines() if line]
    assert sorted(r["article_id"] for r in lines) == sorted(s["article_id"] for s in stored)
    by_id = {s["article_id"]: s for s in stored}
    for record in lines:
        assert record["content_hash"] == by_id[record["article_id"]]["content_hash"]
        assert record["text"] == by_id[record["article_id"]]["text"]
    only = client.get("/api/export", params={"format": "jsonl", "outlet": "The Daily Example"}).text
    assert len([line for line in only.splitlines() if line]) == 2


def test_export_ptc_and_labelstudio(client: TestClient, stored: list[dict[str, Any]]) -> None:
    ptc = client.get("/api/export", params={"format": "ptc"})
    assert ptc.status_code == 200, ptc.text
    rows = [line.split("\t") for line in ptc.text.splitlines() if line]
    spans = sum(len(s["spans"]) for s in stored)
    assert len(rows) >= spans
    tasks = client.get("/api/export", params={"format": "labelstudio"})
    assert tasks.status_code == 200, tasks.text
    data = tasks.json()
    assert isinstance(data, list) and len(data) == len(stored)
    for task in data:
        text = task["data"]["text"]
        for prediction in task["predictions"]:
            assert "model_version" in prediction
            for item in prediction["result"]:
                value = item["value"]
                assert text[value["start"] : value["end"]] == value["text"]
    assert_error(client.get("/api/export", params={"format": "csv"}), 422)
    config = client.get("/api/export/labelstudio-config")
    assert config.headers["content-type"].startswith("application/xml")
    assert "<Labels" in config.text and 'value="$text"' in config.text


def test_export_with_feedback(client: TestClient, stored: list[dict[str, Any]]) -> None:
    lines = client.get("/api/export", params={"format": "jsonl", "with_feedback": True}).text.splitlines()
    records = [json.loads(line) for line in lines if line]
    assert all(isinstance(r["feedback"], list) for r in records) and len(records) == len(stored)


def test_export_refuses_paging_parameters_it_would_ignore(client: TestClient) -> None:
    """The export streams every match: ``?limit=2`` gave every article and ``?next=`` was
    accepted unread, while the error of an unknown parameter listed both as taken."""
    for name, value in (("limit", "2"), ("next", "abc")):
        message = assert_error(client.get("/api/export", params={"format": "jsonl", name: value}), 422)
        assert f"unknown query parameter {name!r} for /api/export" in message
        assert "limit" not in message.split("; it takes ")[1].split(", ")
    parameters = client.get("/openapi.json").json()["paths"]["/api/export"]["get"]["parameters"]
    assert {"limit", "next"}.isdisjoint(p["name"] for p in parameters)
    assert {"q", "outlet", "date_from", "technique", "format", "with_feedback"} <= {
        p["name"] for p in parameters
    }


def test_openapi_describes_what_the_analysis_routes_answer(
    client: TestClient, stored: list[dict[str, Any]]
) -> None:
    """QA s47 (Q2): /openapi.json gave no schema for any answer (a client generated from it
    typed the analysis as nothing), and said the export answers application/json whatever its
    format. The analysis routes now name the analysis record, which their answers follow."""
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = client.get("/openapi.json").json()
    registry = Registry().with_resource("urn:openapi", Resource(document, specification=DRAFT202012))
    article = client.get(f"/api/articles/{stored[0]['article_id']}", params={"corrected": "true"}).json()
    for path, method, answer, record in (
        ("/api/analyze", "post", stored[0], "AnalysisRecord"),
        ("/api/articles/{article_id}", "get", article, "StoredAnalysisRecord"),
    ):
        content = document["paths"][path][method]["responses"]["200"]["content"]["application/json"]
        assert content["schema"]["$ref"] == f"#/components/schemas/{record}", path
        schema = {"$ref": "urn:openapi" + content["schema"]["$ref"]}
        jsonschema.Draft202012Validator(schema, registry=registry).validate(answer)
    assert "spans" in document["components"]["schemas"]["AnalysisRecord"]["properties"]
    export = document["paths"]["/api/export"]["get"]["responses"]["200"]["content"]
    assert set(export) == {"application/x-ndjson", "text/tab-separated-values", "application/json"}


def test_the_analyze_route_says_plainly_what_storing_a_stored_text_does(client: TestClient) -> None:
    # QA s48: its description read "one the text is stored without is filled in", and said another
    # outlet or url was 409, where it is another appearance of the text (wire copy).
    described = client.get("/openapi.json").json()["paths"]["/api/analyze"]["post"]["description"]
    words = " ".join(described.split())
    assert "one the text is stored without" not in words
    assert "another appearance" in words and "409" in words
    assert "A field the stored text was kept without (a title, a date) is filled in" in words


def test_delete_an_article_needs_the_token_and_takes_it_out(
    seeded: tuple[TestClient, list[dict[str, Any]], Any],
) -> None:
    """QA s47 (Q2): the store could not take an article out (DELETE was 405), so one stored with
    a wrong outlet stayed so for good."""
    _, _, store = seeded
    app = create_app(store=store, settings=ServerSettings(token="t0ken"), load_models=False)
    auth = {"Authorization": "Bearer t0ken"}
    with TestClient(app, raise_server_exceptions=False) as c:
        text = "Deleted daily\n\nThe harbour board met on Monday and approved the dredging plan."
        made = c.post("/api/analyze", json={"text": text, "outlet": "Typo Tmes", "store": True}, headers=auth)
        assert made.status_code == 200, made.text
        url = f"/api/articles/{made.json()['article_id']}"
        assert_error(c.delete(url), 401)
        gone = c.delete(url, headers=auth)
        assert gone.status_code == 200, gone.text
        assert gone.json()["ok"] is True and gone.json()["deleted"]["outlet"] == "Typo Tmes"
        assert "no stored article" in assert_error(c.get(url), 404)
        assert "no stored article" in assert_error(c.delete(url, headers=auth), 404)
        assert "Typo Tmes" not in {o["outlet"] for o in c.get("/api/outlets").json()["outlets"]}


def test_openapi_describes_what_the_list_and_profile_routes_answer(
    client: TestClient, stored: list[dict[str, Any]]
) -> None:
    """QA s47 (Q2): the pages of articles, the outlets and the profiles had no schema in
    /openapi.json either; each real answer now follows the one the document gives."""
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = client.get("/openapi.json").json()
    registry = Registry().with_resource("urn:openapi", Resource(document, specification=DRAFT202012))
    outlet = quote("The Daily Example")
    for path, url in (
        ("/api/articles", "/api/articles?limit=1"),
        ("/api/search", "/api/search?q=harbour"),
        ("/api/outlets", "/api/outlets"),
        ("/api/outlets/{name}/profile", f"/api/outlets/{outlet}/profile"),
        ("/api/outlets/{name}/profile", f"/api/outlets/{outlet}/profile?compare={outlet}"),
    ):
        content = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        schema = json.loads(
            json.dumps(content["schema"]).replace('"#/components', '"urn:openapi#/components')
        )
        answer = client.get(url)
        assert answer.status_code == 200, answer.text
        jsonschema.Draft202012Validator(schema, registry=registry).validate(answer.json())
        assert "$ref" in json.dumps(schema), path


def test_wire_copy_is_counted_in_each_outlet_and_one_appearance_deleted_by_its_url(tmp_path: Any) -> None:
    """The same text from two outlets is one article with two appearances: both outlets count it,
    GET answers both appearances, and DELETE with ?url= takes out one of them only."""
    from store_analyses import make_analysis

    store = open_store(f"sqlite:///{tmp_path / 'wire.db'}")
    text = "Wire copy: the harbour board approved the dredging plan on Monday, officials said."
    for outlet, url in (("Alpha", "https://alpha.example/a"), ("Beta", "https://beta.example/b")):
        analysis = make_analysis(text, id=outlet, outlet=outlet)
        analysis.article.url = url
        store.add(analysis)
    app = create_app(store=store, settings=ServerSettings(), load_models=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        outlets = c.get("/api/outlets").json()["outlets"]
        assert [(o["outlet"], o["articles"]) for o in outlets] == [("Alpha", 1), ("Beta", 1)]
        [listed] = c.get("/api/articles", params={"outlet": "Beta"}).json()["articles"]
        path = f"/api/articles/{listed['article_id']}"
        assert [p["url"] for p in c.get(path).json()["appearances"]] == [
            "https://alpha.example/a",
            "https://beta.example/b",
        ]
        assert "no appearance at" in assert_error(c.delete(path, params={"url": "https://x.example"}), 404)
        gone = c.delete(path, params={"url": "https://alpha.example/a"})
        assert gone.status_code == 200, gone.text
        assert gone.json()["deleted"]["outlet"] == "Beta"  # the article now reads as its one appearance
        assert [o["outlet"] for o in c.get("/api/outlets").json()["outlets"]] == ["Beta"]
        assert c.delete(path, params={"url": "https://beta.example/b"}).status_code == 200  # the last one
        assert "no stored article" in assert_error(c.get(path), 404)
    store.close()


def test_head_on_a_get_route_answers_as_get_without_a_body(
    client: TestClient, stored: list[dict[str, Any]]
) -> None:
    """QA: HEAD /api/outlets (a link checker's, a monitor's request) answered 405: HEAD is GET's
    status and headers without the body."""
    path = f"/api/articles/{stored[0]['article_id']}"
    for url in ("/api/outlets", path, "/api/articles?outlet=AC%2FDC+News+%26+Views", "/"):
        got, head = client.get(url), client.head(url)
        assert (head.status_code, head.content) == (200, b""), url
        assert head.headers["content-type"] == got.headers["content-type"], url
        assert head.headers["content-length"] == got.headers["content-length"], url
        assert head.headers["content-security-policy"] == got.headers["content-security-policy"]
    missing = client.head("/api/articles/0123456789abcdef")
    assert (missing.status_code, missing.content) == (404, b"")
    assert client.head("/api/analyze").status_code == 405  # a POST route, as GET on it is


def test_analyze_with_store_answers_the_appearances_as_get_does(
    client: TestClient, stored: list[dict[str, Any]]
) -> None:
    """s48: ``POST /api/analyze`` with ``store`` answered ``article_id`` but not where the text
    was published, which GET /api/articles/{id} lists (a client had to read the article back)."""
    for answer in stored:
        read = client.get(f"/api/articles/{answer['article_id']}").json()
        assert answer["appearances"] == read["appearances"], answer["article_id"]
    first = stored[0]["appearances"]
    assert [(p["outlet"], p["url"], p["published"]) for p in first] == [
        ("The Daily Example", "https://daily.example/1", "2024-01-15")
    ]
