"""The web page's server side, in-process (no browser): routes, CSP, escaping, offline assets."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from extras import need, run_node

fastapi_testclient = need("fastapi.testclient")  # the [server] extra

from unspun.server import web  # noqa: E402
from unspun.techniques import PTC14_LABELS, SEMEVAL23_LABELS  # noqa: E402

PAGES = ["/", "/articles", "/articles/0123456789abcdef", "/outlets", "/outlets/Daily%20Clarion?compare=Other"]
PAYLOAD = '<script>alert(1)</script><img src=x onerror="alert(2)">'


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from unspun.server import create_app, load_server_settings
    from unspun.store import open_store

    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'pages.db'}"
    store = open_store(url)
    app = create_app(store=store, settings=load_server_settings(db=url), load_models=False)
    with fastapi_testclient.TestClient(app) as c:
        yield c
    store.close()


class Inline(HTMLParser):
    """Collects what a strict CSP would refuse: inline scripts, style attributes and elements,
    event-handler attributes; and every URL the page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.loads: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script":
            if not names.get("src"):
                self.problems.append("inline <script>")
            else:
                self.scripts.append(names["src"] or "")
        if tag == "style":
            self.problems.append("<style> element")
        for name, _ in attrs:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
        for name in ("src", "href"):
            if tag in ("script", "link", "img") and names.get(name):
                self.loads.append(names[name] or "")


@pytest.mark.parametrize("path", PAGES)
def test_page_is_served_with_a_strict_policy_and_nothing_inline(client: object, path: str) -> None:
    response = client.get(path)  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    parser = Inline()
    parser.feed(response.text)
    assert parser.problems == []
    assert parser.scripts and all(s.startswith("/static/") for s in parser.scripts)
    for url in parser.loads:
        assert url.startswith("/"), f"{url} is not on the same origin"
        assert client.get(url).status_code == 200, url  # type: ignore[attr-defined]


def test_head_requests_answer_like_get(client: object) -> None:
    assert client.head("/articles").status_code == 200  # type: ignore[attr-defined]


def test_outlet_names_and_ids_are_escaped(client: object) -> None:
    from urllib.parse import quote

    html = client.get(f"/outlets/{quote(PAYLOAD, safe='')}").text  # type: ignore[attr-defined]
    assert "<img" not in html and "alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    article_id = '"><img src=x onerror=alert(2)>'  # no "/": an id is one path segment
    html = client.get(f"/articles/{quote(article_id, safe='')}").text  # type: ignore[attr-defined]
    assert "<img" not in html and 'data-article-id="&#34;&gt;&lt;img' in html


def test_technique_catalogue_covers_both_taxonomies() -> None:
    catalogue = web.technique_catalogue()
    labels = {t["label"] for t in catalogue["techniques"]}
    assert set(PTC14_LABELS) | set(SEMEVAL23_LABELS) == labels
    assert all(
        re.fullmatch(r"#[0-9a-f]{6}", t["colour"]) and t["definition"] and t["name"]
        for t in catalogue["techniques"]
    )
    css = web.technique_css()
    for label in labels:
        assert f"[data-technique={json.dumps(label)}]" in css


def test_technique_files_are_served(client: object) -> None:
    data = client.get("/ui/techniques.json").json()  # type: ignore[attr-defined]
    assert data == json.loads(json.dumps(web.technique_catalogue()))
    css = client.get("/ui/techniques.css")  # type: ignore[attr-defined]
    assert css.headers["content-type"].startswith("text/css") and "Loaded_Language" in css.text


STATIC_FILES = sorted(p for p in web.STATIC_DIR.rglob("*") if p.is_file())
TEMPLATES = sorted(web.TEMPLATES_DIR.rglob("*.html"))


@pytest.mark.parametrize("path", STATIC_FILES + TEMPLATES, ids=lambda p: p.name)
def test_assets_load_nothing_from_elsewhere(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    urls = [
        u
        for u in re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"'`)]*", text)
        if "www.w3.org/2000/svg" not in u
    ]
    assert urls == [], f"{path.name} refers to {urls}"


@pytest.mark.parametrize("path", [p for p in STATIC_FILES if p.suffix == ".js"], ids=lambda p: p.name)
def test_scripts_never_parse_html_or_evaluate_strings(path: Path) -> None:
    code = path.read_text(encoding="utf-8")
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
        'setAttribute("style"',
    ):
        assert sink not in code, f"{path.name} uses {sink}"


def test_outlet_names_with_a_slash_reach_their_page(client: object) -> None:
    html = client.get("/outlets/News%2FWorld").text  # type: ignore[attr-defined]
    assert 'data-outlet="News/World"' in html


# The page's "Open a file": POST /api/read decodes as the CLI does (the browser would use U+FFFD).
SMART = "The mayor\u2019s \u201cgenerous\u201d plan \u2014 a giveaway, says the caf\u00e9 owner.\r\n"


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (SMART.encode("cp1252"), SMART, "Windows-1252"),
        (SMART.encode("utf-8"), SMART, "UTF-8"),
        (b"\xef\xbb\xbf" + SMART.encode("utf-8"), "\ufeff" + SMART, "UTF-8"),
        (SMART.encode("utf-16"), "\ufeff" + SMART, "UTF-16"),
    ],
)
def test_an_uploaded_file_is_decoded_as_the_cli_decodes_it(
    client: object, data: bytes, text: str, encoding: str, tmp_path: Path
) -> None:
    from unspun.readers.dispatch import read_text_file

    answer = client.post("/api/read", content=data, headers={"Content-Type": "text/plain"})  # type: ignore[attr-defined]
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"ok": True, "text": text, "encoding": encoding, "html": False}
    (tmp_path / "a.txt").write_bytes(data)
    assert read_text_file(tmp_path / "a.txt", max_bytes=10_000).text == text


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(0x80, 0x100)) * 4, "not UTF-8"),
        ("He said \u201cno\u201d.".encode("cp1252").decode("latin-1").encode("utf-8"), "Windows-1252"),
        (b" \n\t\r\n", "empty or only whitespace"),
    ],
)
def test_an_upload_no_encoding_reads_is_a_one_line_422(client: object, data: bytes, words: str) -> None:
    answer = client.post("/api/read", content=data)  # type: ignore[attr-defined]
    assert answer.status_code == 422
    body = answer.json()
    assert body["ok"] is False and body["status"] == 422
    assert words in body["error"] and "the uploaded file" in body["error"] and "\n" not in body["error"]


@pytest.mark.parametrize(
    "data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"The council \x01 approved the plan."]
)
def test_a_refused_upload_names_the_files_the_page_takes(client: object, data: bytes) -> None:
    # QA s49: a binary upload was told "give a UTF-8 text, HTML, Markdown or JSONL file", and the
    # page then refused the JSONL file it was given (one article is analysed there).
    body = client.post("/api/read", content=data).json()  # type: ignore[attr-defined]
    assert body["status"] == 422 and "JSONL" not in body["error"], body
    assert "give a UTF-8 text, HTML or Markdown file of one article" in body["error"], body


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A</title>'
            b"<description>The council approved the plan.</description></item></channel></rss>",
            "an RSS or Atom feed",
        ),
        (
            b'{"id": "a", "text": "The council approved the plan."}\n{"text": "Second."}\n',
            "a JSONL file",
        ),
        # QA (s43): a JSON array (a dump.json) was read as one article's text, its markup analysed
        (b'[\n  {"text": "The council approved the plan."},\n  {"text": "Second."}\n]\n', "a JSON array"),
    ],
)
def test_an_uploaded_feed_or_jsonl_file_is_refused_not_read_as_one_text(
    client: object, data: bytes, words: str
) -> None:
    # "Open a file" with news.rss showed its XML (a .jsonl its records) as the article's text, and
    # analysed the markup; the CLI reads each entry (line) as an article.
    answer = client.post("/api/read", content=data)  # type: ignore[attr-defined]
    assert answer.status_code == 422
    body = answer.json()
    assert body["ok"] is False and body["code"] == "bad_format" and body["status"] == 422
    assert words in body["error"] and "unspun analyze" in body["error"] and "\n" not in body["error"]


def test_a_file_sent_in_a_form_is_read_as_the_file(client: object) -> None:
    # QA: curl -F file=@story.txt got the form's envelope ("--------cb16...Content-Disposition:
    # form-data; ...") back as the article's text.
    data = SMART.encode("cp1252")
    answer = client.post("/api/read", files={"file": ("story.txt", data, "text/plain")})  # type: ignore[attr-defined]
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"ok": True, "text": SMART, "encoding": "Windows-1252", "html": False}
    two = {"a": ("a.txt", b"One."), "b": ("b.txt", b"Two.")}
    body = client.post("/api/read", files=two).json()  # type: ignore[attr-defined]
    assert body["status"] == 422 and "the form holds 2 files; send one" in body["error"]


def test_an_uploaded_html_page_is_said_to_be_html(client: object) -> None:
    page = "<!doctype html><html><body><p>Caf\u00e9 \u201cnews\u201d</p></body></html>"
    answer = client.post("/api/read", content=page.encode("cp1252"))  # type: ignore[attr-defined]
    assert answer.json() == {"ok": True, "text": page, "encoding": "Windows-1252", "html": True}


def test_the_page_reads_a_file_through_the_server_not_the_browser() -> None:
    script = (web.STATIC_DIR / "analyse.js").read_text(encoding="utf-8")
    assert 'api("/api/read", { method: "POST", body: file })' in script
    assert "await file.text()" not in script


@pytest.mark.parametrize("coverage", [0.6, 0.995, 0.0417])
def test_the_page_says_the_text_views_sentence_on_who_says_what_coverage(coverage: float) -> None:
    # The page's sentence comes from whosays-panel.js (run in Node, as the browser runs it); the
    # text view's from render_whosays.coverage_note: the two say the same thing.
    from unspun.document import Analysis, Article
    from unspun.render_whosays import coverage_note

    text = "The mayor spoke \U0001f525.\n" * 300  # an astral character: code points, not UTF-16 units
    data = {"text": text, "scores": {"whosays_coverage": coverage}}
    module = (web.STATIC_DIR / "whosays-panel.js").as_uri()
    script = (
        f"const {{ coverageNote }} = await import({json.dumps(module)});"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "const data = JSON.parse(input);"
        "process.stdout.write(JSON.stringify([coverageNote(data), coverageNote({ ...data, scores: {} }),"
        " coverageNote({ ...data, scores: { whosays_coverage: 1 } })]));"
    )
    page, without, whole = run_node(script, data)  # type: ignore[misc]
    article = Article(id="long", text=text)
    article.scores["whosays_coverage"] = coverage
    assert page == coverage_note(Analysis(article)) and f"first {int(coverage * 100)}%" in page
    assert without is None and whole is None


QUOTES = [
    '"We will win," he said',  # a closing mark inside: left alone
    '"We will win."',
    "“We will win.”",
    "«Nous gagnerons»",
    "„Wir gewinnen“",
    "‘We will win’",
    "the workers'",  # an apostrophe, not a mark
    "We will win",
    '  "padded"  ',
    'the spending was "necessary and prudent"',  # a mark opened inside: kept (it was cut)
    "he called it “fake news”",
    "“They call it “reform”",  # an opening mark outside, “reform” closed inside
    '"We cannot afford this,"',  # QA: the comma ending the quotation is no part of it
    "“Families are struggling;”",
]


def test_a_quote_is_shown_once_in_marks_on_the_page_and_in_the_text_view() -> None:
    # The page's <q> adds the marks; the text view writes them. Both take off the marks the
    # quote's own words carry first (content like '"We will win."' was shown ""doubled"").
    from unspun.render_whosays import quoted, unquote

    module = (web.STATIC_DIR / "whosays-panel.js").as_uri()
    script = (
        f"const {{ unquote }} = await import({json.dumps(module)});"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "process.stdout.write(JSON.stringify(JSON.parse(input).map(unquote)));"
    )
    page = run_node(script, QUOTES)
    assert page == [unquote(q) for q in QUOTES]
    assert page[1:6] == ["We will win.", "We will win.", "Nous gagnerons", "Wir gewinnen", "We will win"]
    assert page[6] == "the workers'" and page[0] == '"We will win," he said'.lstrip('"')
    assert quoted('"We will win."') == "“We will win.”" and quoted("We will win") == "“We will win”"
    assert page[9:] == [
        'the spending was "necessary and prudent"',
        "he called it “fake news”",
        "They call it “reform”",
        "We cannot afford this",
        "Families are struggling",
    ]


def test_the_page_shows_an_interrupted_quote_as_the_text_view_does() -> None:
    # '"X," he said. "Y."' is one content holding its source and cue (PolNeAR's way): the JSON
    # carries the parts either side of them, and the page shows those, not the content whole.
    from unspun.document import Analysis, Article
    from unspun.pipeline.attribution import whosays_components
    from unspun.render_whosays import content_shown

    text = (
        '"This is a responsible step," Senator Chuck Schumer said on the floor. "But it is not a '
        'solution."\n\nThe mayor said the budget would pass.\n'
    )
    article = Article(id="q", text=text, language="en")
    for component in whosays_components():
        component([article])
    data = Analysis(article).to_dict()
    module = (web.STATIC_DIR / "whosays-panel.js").as_uri()
    script = (
        f"const {{ quoteWords }} = await import({json.dumps(module)});"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "process.stdout.write(JSON.stringify(JSON.parse(input).attributions.map(quoteWords)));"
    )
    page = run_node(script, data)
    text_view = [content_shown(text, a) for a in article.attributions]
    assert page == ["This is a responsible step … But it is not a solution.", "the budget would pass"]
    assert [f"“{words}”" for words in page] == text_view  # type: ignore[union-attr]
    schumer = data["attributions"][0]
    assert schumer["attrs"]["content_parts"] == ["This is a responsible step", "But it is not a solution."]
    assert data["attributions"][1]["attrs"] == {}  # a content read whole carries no parts


def test_the_page_counts_spans_once_and_shows_no_score_for_a_reviewers_span() -> None:
    # The header, the legend and the span list count the same spans (all but those marked
    # wrong); a span a reviewer added reads "added by a reviewer", not its stored 1.0 as "100%".
    module = (web.STATIC_DIR / "article-view.js").as_uri()
    script = (
        f"const {{ countedSpans, scoreLabel }} = await import({json.dumps(module)});"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "const spans = JSON.parse(input);"
        "process.stdout.write(JSON.stringify([countedSpans(spans).length, spans.map(scoreLabel)]));"
    )
    spans = [
        {"score": 0.81, "attrs": {}},
        {"score": 0.5, "attrs": {"feedback": "wrong"}},
        {"score": 0.64, "attrs": {"feedback": "corrected"}},
        {"score": 1.0, "attrs": {"feedback": "added"}},
    ]
    counted, labels = run_node(script, spans)
    assert counted == 3
    assert labels == ["81% confidence", "50% confidence", "64% confidence", "added by a reviewer"]


def test_the_tooltip_names_a_spans_second_technique_without_its_probability() -> None:
    module = (web.STATIC_DIR / "article-view.js").as_uri()
    script = (
        f"const {{ alsoLabel }} = await import({json.dumps(module)});"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "const cat = { byLabel: new Map([['Loaded_Language', { name: 'Loaded language' }]]) };"
        "process.stdout.write(JSON.stringify(JSON.parse(input).map((s) => alsoLabel(cat, s))));"
    )
    spans = [
        {
            "technique": "Name_Calling,Labeling",
            "also": ["Loaded_Language"],
            "also_scores": {"Loaded_Language": 0.34},
        },
        {"technique": "Doubt", "also": [], "also_scores": {}},
        {"technique": "Doubt"},  # an analysis of schema 2.0, before spans had a second technique
    ]
    # also_scores is the technique head's probability: beside the span's confidence it would mislead
    assert run_node(script, spans) == ["Also possible: Loaded language", None, None]


def test_the_page_says_the_text_views_line_on_the_authors_and_the_quoted_voices() -> None:
    from unspun.pipeline.voice import VoiceCount, Voices
    from unspun.render import voice_line

    cases = [
        Voices(author=VoiceCount(chars=51, spans=1, span_share=0.2941), quoted=VoiceCount(19, 1, 0.7895)),
        Voices(author=VoiceCount(chars=900, spans=5, span_share=0.12), quoted=VoiceCount(0, 0, 0.0)),
        Voices(author=VoiceCount(chars=400, spans=0, span_share=0.0), quoted=VoiceCount(300, 2, 0.031)),
        # Halves: 0.295 * 100 is 29.5 in doubles, 0.125 * 100 exactly 12.5; both round up.
        Voices(author=VoiceCount(chars=200, spans=3, span_share=0.295), quoted=VoiceCount(8, 1, 0.125)),
        # QA s49: a wire report read "in the author's text 0% of characters (0 spans); in quotes
        # 0% (0 spans)"
        Voices(author=VoiceCount(chars=400, spans=0, span_share=0.0), quoted=VoiceCount(120, 0, 0.0)),
        Voices(author=VoiceCount(chars=400, spans=0, span_share=0.0), quoted=VoiceCount(0, 0, 0.0)),
    ]
    module = (web.STATIC_DIR / "article-view.js").as_uri()
    script = (
        f"const {{ voiceLine }} = await import({json.dumps(module)});"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "process.stdout.write(JSON.stringify([...JSON.parse(input).map(voiceLine), voiceLine({})]));"
    )
    page = run_node(script, [v.scores() for v in cases])
    assert page == [*(voice_line(v) for v in cases), None]
    assert page[0] == "in the author's text 29% of characters (1 span); in quotes 79% (1 span)"
    assert page[1] == "in the author's text 12% of characters (5 spans); no quotes"
    assert page[3] == "in the author's text 30% of characters (3 spans); in quotes 13% (1 span)"
    assert page[4:6] == ["no spans, in the author's text or in quotes", "no spans; no quotes"]


def test_a_mistyped_page_address_answers_a_page_and_the_api_keeps_its_json(client: object) -> None:
    # A reader who typed /artciles got the API's JSON error ('{"ok":false,"error":"no route ...').
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # as a browser asks
    page = client.get("/artciles", headers=html)  # type: ignore[attr-defined]
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "No page here" in page.text and "<code>/artciles</code>" in page.text
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    parser = Inline()
    parser.feed(page.text)
    assert parser.problems == []
    hostile = client.get("/" + PAYLOAD.replace("/", "%2F"), headers=html)  # type: ignore[attr-defined]
    assert (
        hostile.status_code == 404
        and "<script>alert" not in hostile.text
        and "&lt;script&gt;" in hostile.text
    )
    for path, headers in (("/artciles", {"Accept": "application/json"}), ("/api/nothing", html)):
        answer = client.get(path, headers=headers)  # type: ignore[attr-defined]
        assert answer.status_code == 404 and answer.json()["code"] == "not_found", path
    assert client.get("/static/nothing.js", headers=html).json()["code"] == "not_found"  # type: ignore[attr-defined]


def test_the_page_cuts_a_long_quote_between_words_as_the_text_view_does() -> None:
    # A span's quote in the list and the tooltip was cut at 90 or 160 characters mid-word
    # ("the Ba’athist governm…"); the text view's tables cut between words, and so does the page.
    from unspun.terminal import shortened

    long = (
        "The crisis of the US is so grave that it is seeking to shrug off the fact that it has "
        "just spent $400bn in a failed struggle to overthrow the Ba’athist government."
    )
    module = (web.STATIC_DIR / "article-view.js").as_uri()
    script = (
        f"const {{ excerpt }} = await import({json.dumps(module)});"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "const text = JSON.parse(input);"
        "process.stdout.write(JSON.stringify([excerpt(text), excerpt(text, 160), excerpt('short')]));"
    )
    page = run_node(script, long)
    assert page == [shortened(long, 90), shortened(long, 160), "short"]
    assert page[0].endswith("that it has…")  # type: ignore[index]


def test_the_page_counts_one_span_in_the_singular() -> None:
    # QA: the corpus list read "1 spans" under an article's score, and the outlet box plot's
    # title "1 articles".
    module = (web.STATIC_DIR / "app.js").as_uri()
    script = (
        f"const {{ counted }} = await import({json.dumps(module)});"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "process.stdout.write(JSON.stringify(JSON.parse(input).map(([n, noun]) => counted(n, noun))));"
    )
    shown = run_node(script, [[1, "span"], [0, "span"], [1200, "word"], [None, "article"]])
    assert shown == ["1 span", "0 spans", "1,200 words", "– articles"]
    static = {
        name: (web.STATIC_DIR / name).read_text(encoding="utf-8") for name in ("corpus.js", "charts.js")
    }
    assert "} spans`" not in static["corpus.js"] and "} words`" not in static["corpus.js"]
    assert "d.n} articles`" not in static["charts.js"]


def test_the_page_says_the_text_views_note_on_the_persuasion_score() -> None:
    # QA (s43): the page showed "Persuasion 83%" and no word that 83% is a standing among
    # annotated articles; the page's note (article-view.js, run in Node) is the text view's.
    from unspun.document import Analysis, Article, ModelInfo
    from unspun.render import persuasion_note

    cases = [(0.8253, "3"), (0.125, "3"), (0.0, "3"), (0.4, "2"), (0.4, None)]
    analyses = []
    for score, version in cases:
        article = Article(id="s", text="They are traitors.")
        article.scores["persuasion"] = score
        if version is not None:
            article.models.append(ModelInfo(component="persuasion", name="persuasion-fit", version=version))
        analyses.append(Analysis(article))
    module = (web.STATIC_DIR / "article-view.js").as_uri()
    script = (
        f"const {{ persuasionNote }} = await import({json.dumps(module)});"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "process.stdout.write(JSON.stringify([...JSON.parse(input).map(persuasionNote), persuasionNote({})]));"
    )
    page = run_node(script, [a.to_dict() for a in analyses])
    assert page == [*(persuasion_note(a) for a in analyses), None]
    assert "than 13% of" in page[1]


def test_the_page_says_the_text_views_note_on_the_claim_score() -> None:
    # the note on what a claim's figure is was worded twice (text view, page script) and drifted
    from unspun.render_whosays import CLAIM_SCORE_NOTE

    module = (web.STATIC_DIR / "whosays-panel.js").as_uri()
    script = (
        f"const {{ CLAIM_SCORE_NOTE }} = await import({json.dumps(module)});"
        "process.stdout.write(JSON.stringify(CLAIM_SCORE_NOTE));"
    )
    assert run_node(script, None) == CLAIM_SCORE_NOTE


def test_the_page_heads_who_says_what_as_the_text_view_does() -> None:
    # the text view said "What: quotes and reported statements" and "Check-worthy claims", the
    # page "Quotes" and "What: check-worthy claims": one set of headings, held equal here
    from unspun.render_whosays import HEADINGS

    module = (web.STATIC_DIR / "whosays-panel.js").as_uri()
    script = (
        f"const {{ HEADINGS }} = await import({json.dumps(module)});"
        "process.stdout.write(JSON.stringify(HEADINGS));"
    )
    assert run_node(script, None) == HEADINGS


def test_the_page_heads_the_entity_table_and_names_roles_as_the_text_view_does() -> None:
    # QA (s45): the text view's entity columns read "tone" and "portrayed as" (the role), the
    # page's "Portrayed" (the tone) and "Role"; a role with fine roles read "Antagonist: Deceiver"
    # in the one and "Antagonist (Deceiver)" in the other. One set of columns and one role text.
    from unspun.document import Entity, Label
    from unspun.render_whosays import ENTITY_COLUMNS, role_text

    module = (web.STATIC_DIR / "whosays-panel.js").as_uri()
    entity = {"role": "Antagonist", "fine_roles": ["Deceiver", "Conspirator"]}
    script = (
        f"const {{ ENTITY_COLUMNS, roleText }} = await import({json.dumps(module)});"
        "process.stdout.write(JSON.stringify({columns: ENTITY_COLUMNS,"
        f" role: roleText({json.dumps(entity)}), none: roleText({{}})}}));"
    )
    got = run_node(script, None)
    cast = Entity(
        "E1", "MI6", "ORG", role=Label("Antagonist"), fine_roles=[Label("Deceiver"), Label("Conspirator")]
    )
    assert got == {
        "columns": list(ENTITY_COLUMNS),
        "role": role_text(cast),
        "none": role_text(Entity("E2", "UN", "ORG")),
    }


def test_the_page_orders_entities_and_claims_as_the_text_view_does() -> None:
    # QA (s45): the text view lists entities most mentioned first and claims most check-worthy
    # first, the page both in the JSON's order: the split-quote report listed Department before
    # Gates in one and after Washington in the other, its 0.65 claim first in one and last in the
    # other. One order, held equal here.
    from unspun.document import Claim, Entity, TextRange
    from unspun.render_whosays import claim_order, entity_order

    mentions = {"US": 1, "Gates": 2, "Anna Berg": 1, "Britain": 3, "Department": 1}
    entities = [
        Entity(f"E{i}", name, "ORG", mentions=[TextRange(j, j + 1) for j in range(n)])
        for i, (name, n) in enumerate(mentions.items())
    ]
    claims = [
        Claim("C1", 0, 5, 0.42),
        Claim("C2", 10, 15, 0.41),
        Claim("C3", 20, 25, 0.65),
        Claim("C4", 8, 9, 0.42),
    ]
    module = (web.STATIC_DIR / "whosays-panel.js").as_uri()
    data = {
        "entities": [
            {"id": e.id, "name": e.name, "mentions": [{"start": m.start, "end": m.end} for m in e.mentions]}
            for e in entities
        ],
        "claims": [{"id": c.id, "start": c.start, "end": c.end, "score": c.score} for c in claims],
    }
    script = (
        f"const {{ entityOrder, claimOrder }} = await import({json.dumps(module)});"
        f"const data = {json.dumps(data)};"
        "process.stdout.write(JSON.stringify({entities: entityOrder(data.entities).map((e) => e.id),"
        " claims: claimOrder(data.claims).map((c) => c.id)}));"
    )
    assert run_node(script, None) == {
        "entities": [e.id for e in entity_order(entities)],
        "claims": [c.id for c in claim_order(claims)],
    }


def test_feedback_menus_offer_the_articles_own_taxonomy() -> None:
    # QA (s45): correcting a French (SemEval-2023) span, the menu listed both taxonomies, so names
    # repeated ("Flag-waving" twice); "Add a missing span" offered PTC-14 ids only, even for a
    # French article. Each menu now offers one taxonomy: the span's, or the article's.
    module = (web.STATIC_DIR / "app.js").as_uri()
    french = {"language": "fr", "spans": [{"technique": "Flag_Waving", "taxonomy": "semeval2023"}]}
    script = (
        f"const {{ articleTaxonomy, taxonomyTechniques }} = await import({json.dumps(module)});"
        "const cat = JSON.parse((await import('node:fs')).readFileSync(0, 'utf8'));"
        "const art = (d) => articleTaxonomy(d);"
        "process.stdout.write(JSON.stringify({"
        "  semeval: taxonomyTechniques(cat, 'semeval2023'), ptc: taxonomyTechniques(cat, 'ptc14'),"
        f"  french: art({json.dumps(french)}), bare_fr: art({{language: 'fr', spans: []}}),"
        "  bare_en: art({language: 'en', spans: []}), old: art({spans: [{technique: 'Doubt'}]}),"
        "}));"
    )
    got = run_node(script, web.technique_catalogue())
    assert isinstance(got, dict)
    assert sorted(label for label, _ in got["semeval"]) == sorted(SEMEVAL23_LABELS)
    assert sorted(label for label, _ in got["ptc"]) == sorted(PTC14_LABELS)
    for choices in (got["semeval"], got["ptc"]):
        names = [name for _, name in choices]
        assert len(names) == len(set(names)), names  # no name twice in one menu
    assert (got["french"], got["bare_fr"], got["bare_en"], got["old"]) == (
        "semeval2023",
        "semeval2023",
        "ptc14",
        "ptc14",
    )


def test_the_charts_axes_tick_at_round_numbers() -> None:
    # QA s49: the outlet dashboards' technique rates (largest 24.39 per 1,000 words) ticked at
    # "0, 6.3, 12.5, 18.8, 25" and the median persuasion by month at "0, 12.5, 25, 37.5, 50".
    module = (web.STATIC_DIR / "charts.js").as_uri()
    script = (
        f"const {{ axisTicks }} = await import({json.dumps(module)});"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "process.stdout.write(JSON.stringify(JSON.parse(input).map((v) => axisTicks(v))));"
    )
    shown = run_node(script, [24.39, 44, 73.2, 3, 0.9, 0])
    assert shown == [
        ["0", "10", "20", "30", "40"],
        ["0", "15", "30", "45", "60"],
        ["0", "20", "40", "60", "80"],
        ["0", "1", "2", "3", "4"],
        ["0", "0.25", "0.5", "0.75", "1"],
        ["0", "0.25", "0.5", "0.75", "1"],
    ]


def test_a_quote_inside_a_quote_takes_single_marks_on_the_page_and_in_the_text_view() -> None:
    # QA s49: "Councillor Osei claims the lanes will "cut journey times"" was shown
    # “the lanes will "cut journey times"”, a straight pair inside the curly one.
    from unspun.render_whosays import inner_marks, quoted

    cases = [
        'the lanes will "cut journey times"',
        "he called it “fake news” and “a hoax”",
        'an odd " mark',
        "no marks at all",
    ]
    module = (web.STATIC_DIR / "whosays-panel.js").as_uri()
    script = (
        f"const {{ innerMarks }} = await import({json.dumps(module)});"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "process.stdout.write(JSON.stringify(JSON.parse(input).map(innerMarks)));"
    )
    page = run_node(script, cases)
    assert page == [inner_marks(c) for c in cases]
    assert page[:3] == [
        "the lanes will \u2018cut journey times\u2019",
        "he called it \u2018fake news\u2019 and \u2018a hoax\u2019",
        'an odd " mark',
    ]
    assert quoted(cases[0]) == "\u201cthe lanes will \u2018cut journey times\u2019\u201d"
