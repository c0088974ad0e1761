"""The web page in a real browser: Chromium (Playwright) against a real uvicorn server.

One server (``create_app`` over a temporary SQLite store, the offline pipeline loaded once) and
one browser serve the whole module. Every test fails on a console error or an uncaught page
error (a CSP violation is one). Set ``UNSPUN_SCREENSHOTS=docs/`` to write the screenshots
the README shows (the article view and an outlet dashboard).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from extras import need

pytestmark = pytest.mark.browser

playwright_sync = need("playwright.sync_api")
uvicorn = need("uvicorn")  # the [server] extra

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Astral characters (two UTF-16 units, one code point) before and among the spans, so that
# page offsets only match the API's when the page converts them.
ARTICLE = (
    "Nation betrayed 🇺🇳\n\n"
    "😀 The corrupt, shameless elites in the capital want to destroy our great nation. "
    "Every true patriot will stand behind this. 𝒳 Can we really trust what the minister says "
    "after years of lies?\n\n"
    "This is the worst crisis in human history, and the warmongers are laughing. 🔥 If we do "
    "nothing, our towns will be overrun by criminals within a year. Take back control!"
)
PAYLOAD = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


# Shows an analysis (the JSON the API returns) in the page's article view, as the page does.
SHOW_ANALYSIS = """async data => {
    const { techniques } = await import("/static/app.js");
    const { ArticleView } = await import("/static/article-view.js");
    new ArticleView(await techniques()).show(data);
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(folder: Path, **settings: Any) -> Iterator[str]:
    """Serve ``create_app`` (uvicorn in a thread) over a fresh SQLite store in ``folder``."""
    from unspun.server import create_app, load_server_settings
    from unspun.store import open_store

    url = f"sqlite:///{folder / 'web.db'}"
    store = open_store(url)
    app = create_app(store=store, settings=load_server_settings(db=url, **settings))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the unspun server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        store.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real unspun server over a fresh SQLite store, for the module.

    Module-scoped fixtures start before the per-test hermetic environment of conftest, so the
    server gets its own empty HOME, cache and data folder here."""
    root = tmp_path_factory.mktemp("web-home")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {
            "HOME": root,
            "UNSPUN_CACHE": root / "cache",
            "UNSPUN_DATA_DIR": root / "data",
            "XDG_CACHE_HOME": root / ".cache",
            "XDG_DATA_HOME": root / ".local" / "share",
        }.items():
            mp.setenv(name, str(value))
        with serving(tmp_path_factory.mktemp("web")) as base:
            yield base


@pytest.fixture(scope="module")
def api(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@contextmanager
def open_page(browser: Any, base: str, allowed: tuple[str, ...] = ()) -> Iterator[Any]:
    """A fresh page on ``base``; fails on any console error or page error (but ``allowed``)."""
    context = browser.new_context(base_url=base, viewport={"width": 1360, "height": 900})
    pg = context.new_page()
    problems: list[str] = []

    def console(m: Any) -> None:
        if m.type == "error" and not any(a in m.text for a in allowed):
            problems.append(f"console {m.type}: {m.text}")

    pg.on("console", console)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    try:
        yield pg
    finally:
        context.close()
    assert problems == [], problems


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A fresh page on the module's server (see :func:`open_page`)."""
    with open_page(browser, server) as pg:
        yield pg


def ready(pg: Any) -> None:
    pg.wait_for_selector("body[data-ready=true]", timeout=15_000)


def marks(pg: Any) -> list[dict[str, Any]]:
    """Every highlight of the page as the contract has it (technique, code-point offsets)."""
    return pg.eval_on_selector_all(
        "#a-text [data-technique]",
        """els => els.map(e => ({technique: e.dataset.technique, start: Number(e.dataset.start),
                                  end: Number(e.dataset.end), cls: e.className}))""",
    )


def store_article(api: httpx.Client, text: str, **fields: Any) -> dict[str, Any]:
    response = api.post("/api/analyze", json={"text": text, "store": True, **fields})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def screenshot(pg: Any, name: str) -> None:
    folder = os.environ.get("UNSPUN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(Path(folder) / name), full_page=True)


# Selects ``quote`` in the article box as a reader's mouse would (a range in one text node, then
# the mouseup the page listens for).
_SELECT_IN_TEXT = """quote => {
  const box = document.getElementById("a-text");
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const i = n.data.indexOf(quote);
    if (i >= 0) {
      const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + quote.length);
      getSelection().removeAllRanges(); getSelection().addRange(r);
      box.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
      return;
    }
  }
  throw new Error("quote not found in one text node");
}"""


def _select_in_text(page: Any, quote: str) -> None:
    page.evaluate(_SELECT_IN_TEXT, quote)


def test_analyse_highlights_match_the_api(page: Any, api: httpx.Client) -> None:
    page.goto("/")
    ready(page)
    page.fill("#in-text", ARTICLE)
    page.fill("#in-outlet", "Daily Clarion")
    page.click("#analyse-button")
    page.wait_for_selector("#a-text [data-technique]")
    article_id = page.url.rsplit("/", 1)[-1]
    stored = api.get(f"/api/articles/{article_id}").json()
    expected = sorted((s["technique"], s["start"], s["end"]) for s in stored["spans"])
    found = sorted((m["technique"], m["start"], m["end"]) for m in marks(page))
    assert found == expected and expected
    astral = stored["text"].index("😀")
    assert any(s["start"] > astral for s in stored["spans"]), "no span after an astral character"
    assert page.text_content("#a-text") == stored["text"]
    # Each highlight holds its span's text (with its continuation pieces, if it crosses another).
    covered = page.eval_on_selector_all(
        "#a-text [data-technique]",
        """els => els.map(e => [e.dataset.id, [e, ...document.querySelectorAll(
                 `[data-of="${CSS.escape(e.dataset.id)}"]`)].map(x => x.textContent).join("")])""",
    )
    by_id = {s["id"]: s["text"] for s in stored["spans"]}
    assert {k: v for k, v in covered} == by_id
    # The legend counts the spans of each technique; the list names every span.
    counts: dict[str, int] = {}
    for s in stored["spans"]:
        counts[s["technique"]] = counts.get(s["technique"], 0) + 1
    legend = page.eval_on_selector_all(
        ".legend-item",
        "els => els.map(e => [e.dataset.legend, Number(e.querySelector('.count').textContent)])",
    )
    assert dict(legend) == counts
    assert page.locator(".span-item").count() == len(stored["spans"])
    assert page.text_content("#a-title") == "Nation betrayed 🇺🇳"
    # Genre, frames and the persuasion score are shown at the top.
    summary = page.text_content("#a-summary")
    assert stored["genre"] and stored["genre"] in summary.lower()
    assert f"{round(stored['persuasion_score'] * 100)}%" in summary
    # So is the persuasion in the author's text apart from the quotes, as the text view says it.
    from unspun.pipeline.voice import Voices
    from unspun.render import voice_line

    voices = Voices.from_scores(stored["scores"])
    assert voices is not None and page.text_content("#a-summary .voices") == voice_line(voices)


def test_highlights_nest_and_cross_with_astral_offsets(page: Any) -> None:
    text = "a😀bc 𝒳yz end 🔥 tail\n\nnext 𝒳 para"
    spans = [
        {"key": "A", "technique": "Loaded_Language", "start": 1, "end": 6},
        {"key": "B", "technique": "Doubt", "start": 3, "end": 9},
        {"key": "C", "technique": "Slogans", "start": 3, "end": 4},
        {"key": "D", "technique": "Repetition", "start": 1, "end": 6},
        {"key": "E", "technique": "Flag-Waving", "start": 14, "end": 19},
        {"key": "F", "technique": "Doubt", "start": 16, "end": 25},  # over the blank line
    ]
    page.goto("/")
    ready(page)
    result = page.evaluate(
        """async ([text, spans]) => {
             const { buildHighlights } = await import("/static/highlight.js");
             const box = document.createElement("div");
             box.append(buildHighlights(text, spans).fragment);
             const own = [...box.querySelectorAll("[data-technique]")];
             return {
               text: box.textContent,
               blocks: box.querySelectorAll(".tb").length,
               marks: own.map(e => [e.dataset.id, Number(e.dataset.start), Number(e.dataset.end),
                 [e, ...box.querySelectorAll(`[data-of="${e.dataset.id}"]`)].map(x => x.textContent).join("")]),
             };
           }""",
        [text, spans],
    )
    assert result["text"] == text
    assert result["blocks"] == 2  # cut at the blank line
    assert sorted(result["marks"]) == sorted(
        [s["key"], s["start"], s["end"], text[s["start"] : s["end"]]] for s in spans
    )


def test_hover_and_focus_explain_a_span(page: Any, api: httpx.Client) -> None:
    data = store_article(api, ARTICLE, outlet="Daily Clarion")
    page.goto(f"/articles/{data['article_id']}")
    ready(page)
    first = page.locator("#a-text [data-technique]").first
    technique = first.get_attribute("data-technique")
    span = next(
        s
        for s in data["spans"]
        if s["technique"] == technique and str(s["start"]) == first.get_attribute("data-start")
    )
    first.hover()
    tip = page.locator("#tooltip")
    tip.wait_for(state="visible")
    assert span["technique_name"] in tip.text_content()
    assert f"{round(span['score'] * 100)}% confidence" in tip.text_content()
    assert span["text"][:40].split("\n")[0] in tip.text_content()
    page.mouse.move(5, 5)
    tip.wait_for(state="hidden")
    # The span list reads as "technique: quote, confidence", one list per technique.
    name = span["technique_name"]
    same = [s for s in data["spans"] if s["technique"] == technique]
    items = page.get_by_role("list", name=f"{name} (").get_by_role("button")
    assert items.count() == len(same)
    playwright_sync.expect(items.first).to_have_accessible_name(
        re.compile(rf"^{re.escape(name)}: .+ \d+% confidence$")
    )
    # Keyboard only: focus the highlight, read the tooltip, Enter opens the detail card.
    page.locator(".span-item").first.focus()
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.dataset.technique")
    assert focused is not None
    tip.wait_for(state="visible")
    page.keyboard.press("Enter")
    assert page.locator("#detail").is_visible()
    assert page.evaluate("document.activeElement.id") == "detail-title"


def test_legend_filters_the_highlights(page: Any, api: httpx.Client) -> None:
    data = store_article(api, ARTICLE, outlet="Daily Clarion")
    page.goto(f"/articles/{data['article_id']}")
    ready(page)
    button = page.locator(".legend-item").first
    label = button.get_attribute("data-legend")
    button.click()
    assert button.get_attribute("aria-pressed") == "false"
    state = marks(page)
    assert all("off" in m["cls"].split() for m in state if m["technique"] == label)
    assert not any("off" in m["cls"].split() for m in state if m["technique"] != label)
    button.click()
    assert not any("off" in m["cls"].split() for m in marks(page))


def test_feedback_is_kept_after_a_reload(page: Any, api: httpx.Client) -> None:
    text = "Feedback check\n\n" + ARTICLE.split("\n\n", 1)[1].replace(
        "Take back control!", "🔥 Our glorious leaders never fail."
    )
    data = store_article(api, text, outlet="Feedback Weekly")
    page.goto(f"/articles/{data['article_id']}")
    ready(page)
    first = page.locator("#a-text [data-technique]").first
    start, end = int(first.get_attribute("data-start")), int(first.get_attribute("data-end"))
    first.click()
    page.click("#detail button.danger")
    page.wait_for_selector("#a-text .fb-wrong")
    # Correct the technique of another span.
    other = page.locator("#a-text [data-technique]:not(.fb-wrong)").last
    fixed = int(other.get_attribute("data-start")), int(other.get_attribute("data-end"))
    other.click()
    new_technique = page.locator("#fix-technique option").first.get_attribute("value")
    page.select_option("#fix-technique", new_technique)
    page.click("#detail .fix button")
    page.wait_for_selector("#a-text .fb-corrected")
    # Add a missing span by selecting its words in the text (after astral characters).
    quote = "Our glorious leaders never fail"
    _select_in_text(page, quote)
    assert page.input_value("#add-quote") == quote
    page.select_option("#add-technique", "Loaded_Language")
    page.click("#add-form button[type=submit]")
    page.wait_for_selector("#a-text .fb-added")
    page.reload()
    ready(page)
    wrong = [m for m in marks(page) if "fb-wrong" in m["cls"]]
    assert [(m["start"], m["end"]) for m in wrong] == [(start, end)]
    cp = text.index(quote)
    added = [m for m in marks(page) if "fb-added" in m["cls"]]
    assert [(m["technique"], m["start"], m["end"]) for m in added] == [
        ("Loaded_Language", cp, cp + len(quote))
    ]
    corrected = [m for m in marks(page) if "fb-corrected" in m["cls"]]
    assert [(m["technique"], m["start"], m["end"]) for m in corrected] == [(new_technique, *fixed)]
    feedback = api.get(f"/api/articles/{data['article_id']}/feedback").json()["feedback"]
    assert sorted(f["kind"] for f in feedback) == ["added", "corrected", "wrong"]
    # One count: the header, the span list and the legend count every span but the wrong one.
    shown = api.get(f"/api/articles/{data['article_id']}", params={"corrected": "true"}).json()["spans"]
    counted = sum(1 for s in shown if (s.get("attrs") or {}).get("feedback") != "wrong")
    assert counted == len(shown) - 1
    header = page.locator("#a-summary .sum", has_text="Spans").locator("strong").text_content()
    title = page.text_content("#span-list-title") or ""
    assert header == str(counted) and title == f"Spans ({counted}) · 1 marked wrong", (header, title)
    legend = page.locator(".legend-item .count").all_text_contents()
    assert sum(int(n) for n in legend) == counted
    # The reviewer's span says so, with no score ("100%" before).
    item = page.locator("#span-list li.fb-added").text_content() or ""
    assert "added by a reviewer" in item and "%" not in item, item
    screenshot(page, "web-article.png")


def test_a_reviewers_span_tooltip_says_who_added_it_and_why_once(page: Any, api: httpx.Client) -> None:
    # QA s47 (Q2): the tooltip of a span added through the API (or a Label Studio import) said
    # "added by a reviewer", "Why: added by a reader" and "Added by a reviewer", and neither the
    # reviewer's name nor their note, which the feedback keeps.
    text = "Tooltip check\n\nThe corrupt elite will destroy everything we love."
    data = store_article(api, text, outlet="Tooltip Times")
    start = text.index("corrupt elite")
    response = api.post(
        f"/api/articles/{data['article_id']}/feedback",
        json={
            "kind": "added",
            "start": start,
            "end": start + len("corrupt elite"),
            "technique": "Name_Calling,Labeling",
            "author": "ana",
            "note": "a label for opponents",
        },
    )
    assert response.status_code == 201, response.text
    page.goto(f"/articles/{data['article_id']}")
    ready(page)
    page.locator("#a-text mark.fb-added").first.hover()
    page.wait_for_selector("#tooltip:not([hidden])")
    tip = " ".join((page.text_content("#tooltip") or "").split())
    assert "added by a reader" not in tip, tip
    assert tip.count("dded by a reviewer") == 2, tip  # the score's place, and who added it
    assert "Added by a reviewer (ana): a label for opponents" in tip, tip


def test_feedback_from_the_page_keeps_the_reviewers_name_and_note(page: Any, api: httpx.Client) -> None:
    # QA s47 (Q2): the API keeps a feedback's author and note, the page had no field for either.
    text = (
        "Review check\n\nThe corrupt, shameless elites want to destroy our great nation. Take back control!"
    )
    data = store_article(api, text, outlet="Review Weekly")
    page.goto(f"/articles/{data['article_id']}")
    ready(page)
    page.fill("#fb-author", "ana")
    page.locator("#a-text [data-technique]").first.click()
    page.fill("#fb-note", "a fair description")
    page.click("#detail button.danger")
    page.wait_for_selector("#a-text .fb-wrong")
    _select_in_text(page, "Take back control")
    page.select_option("#add-technique", "Slogans")
    page.fill("#add-note", "a rallying cry")
    page.click("#add-form button[type=submit]")
    page.wait_for_selector("#a-text .fb-added")
    feedback = api.get(f"/api/articles/{data['article_id']}/feedback").json()["feedback"]
    kept = sorted((f["kind"], f["author"], f["note"]) for f in feedback)
    assert kept == [("added", "ana", "a rallying cry"), ("wrong", "ana", "a fair description")], kept
    assert page.input_value("#add-note") == ""  # the next span's note starts empty
    page.reload()  # the name is kept for the next review, in this browser
    ready(page)
    assert page.input_value("#fb-author") == "ana"


def test_analyse_keeps_the_articles_web_address(browser: Any, server: str, api: httpx.Client) -> None:
    # QA s48: the API stores an article's url (and the view links it), the Analyse form had no field.
    with open_page(browser, server, allowed=("422",)) as page:
        page.goto("/")
        ready(page)
        page.fill("#in-text", "Address check\n\nThe corrupt elites lie to us every single day.")
        page.fill("#in-url", "https://ledger.example/news/address-check")
        with page.expect_response("**/api/analyze") as answer:
            page.click("#analyse-button")
        stored = answer.value.json()
        page.wait_for_selector("#view:not([hidden])")
        assert stored["url"] == "https://ledger.example/news/address-check"
        assert api.get(f"/api/articles/{stored['article_id']}").json()["url"] == stored["url"]
        link = page.locator("#a-meta a[href='https://ledger.example/news/address-check']")
        assert link.text_content() == "ledger.example"
        page.fill("#in-url", "ledger.example/no-scheme")  # the API's one message, said on the page
        page.click("#analyse-button")
        page.wait_for_function("() => document.getElementById('status').dataset.kind === 'error'")
        assert "http://" in (page.text_content("#status") or "")


def test_the_summary_cards_share_the_row_so_the_persuasion_note_is_not_squeezed(
    page: Any, api: httpx.Client
) -> None:
    # QA s48: at 1360 px the persuasion card was 200 px wide, its note wrapped into six lines,
    # while the spans card beside it took 660 px for "7 in 3 techniques".
    data = store_article(api, "Summary layout\n\n" + ARTICLE.split("\n\n", 1)[1])
    page.goto(f"/articles/{data['article_id']}")
    ready(page)
    cards = page.eval_on_selector_all(
        "#a-summary .sum:not(.sum-wide)",
        "els => els.map(e => [e.querySelector('dt').textContent, e.getBoundingClientRect().width])",
    )
    widths = dict(cards)
    assert {"Persuasion", "Genre", "Spans"} <= set(widths), cards
    assert max(widths.values()) < 1.5 * min(widths.values()), cards


def test_a_missing_articles_page_links_the_corpus(browser: Any, server: str) -> None:
    # QA s48: /articles/{id} of a deleted (or mistyped) article said "There is no such article in
    # the corpus." in place of the whole page, its "← Corpus" link gone with the rest.
    with open_page(browser, server, allowed=("404",)) as pg:
        pg.goto("/articles/0000000000000000")
        pg.wait_for_selector("body[data-ready=error]")
        assert "There is no such article in the corpus" in (pg.text_content("#main .notice") or "")
        assert pg.locator("#main a[href='/articles']").count() == 1


def test_a_stored_article_is_deleted_from_its_page_once_confirmed(page: Any, api: httpx.Client) -> None:
    # QA s47 (Q2): the API deletes a stored article (DELETE /api/articles/{id}), the page could not.
    data = store_article(api, "Delete check\n\nThe corrupt elites lie to us every single day.")
    article_id = data["article_id"]
    page.goto(f"/articles/{article_id}")
    ready(page)
    asked: list[str] = []

    def refuse(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    page.click("#delete-article")
    page.wait_for_timeout(300)
    assert len(asked) == 1 and "Delete check" in asked[0], asked
    assert api.get(f"/api/articles/{article_id}").status_code == 200  # dismissed: nothing deleted
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#delete-article")
    page.wait_for_selector("#main .notice")
    assert "deleted" in (page.text_content("#main .notice") or "")
    assert page.locator("#main .notice a[href='/articles']").count() == 1
    assert api.get(f"/api/articles/{article_id}").status_code == 404


def test_analyse_offers_delete_for_a_stored_analysis_only(page: Any) -> None:
    page.goto("/")
    ready(page)
    page.fill("#in-text", "Delete offer\n\nThe corrupt elites lie to us every single day.")
    page.uncheck("#in-store")
    page.click("#analyse-button")
    page.wait_for_selector("#view:not([hidden])")
    assert page.locator("#delete-article").is_hidden()
    assert page.locator("#fb-author").is_hidden()


def test_outlet_dashboards_compare_two_outlets(page: Any, api: httpx.Client) -> None:
    loud = ARTICLE.split("\n\n", 1)[1]
    calm = "The council approved the budget on Tuesday after a two-hour debate. Officials said the bridge would open in spring."
    for i, month in enumerate(("01", "02", "03")):
        store_article(api, f"Loud {i}\n\n{loud} {i}", outlet="Loud Herald", published=f"2026-{month}-1{i}")
        store_article(api, f"Calm {i}\n\n{calm} {i}", outlet="Calm Ledger", published=f"2026-{month}-2{i}")
    page.goto("/outlets")
    ready(page)
    assert {"Loud Herald", "Calm Ledger"} <= set(page.locator("#outlet-table tbody th").all_text_contents())
    page.select_option("#c-a", "Loud Herald")
    page.select_option("#c-b", "Calm Ledger")
    page.click("#compare-form button[type=submit]")
    ready(page)
    assert page.locator(".key-figures").count() == 2
    names = page.locator(".key-figures .outlet-name").all_text_contents()
    assert [n.strip() for n in names] == ["Loud Herald", "Calm Ledger"]
    profile = api.get("/api/outlets/Loud Herald/profile", params={"compare": "Calm Ledger"}).json()
    articles = page.locator(".key-figures .stat-value").all_text_contents()
    half = len(articles) // 2
    assert articles[0] == str(profile["a"]["articles"]) and articles[half] == str(profile["b"]["articles"])
    # The persuasion in the author's text and in quotes, averaged over each outlet's articles.
    labels = page.locator(".key-figures .stat-label").all_text_contents()
    voices = profile["a"]["voices"]
    assert voices["n"] == 3
    for label, share in [
        ("of the author's text in spans", "author_span_share"),
        ("of quotes in spans", "quoted_span_share"),
    ]:
        shown = articles[labels.index(label)]
        if voices[share] is None:  # no article of the outlet quotes anyone
            assert shown == "–"
        else:
            assert shown.endswith("%") and abs(float(shown[:-1]) - 100 * voices[share]) <= 0.5
    assert page.locator("svg.chart").count() == 6
    # QA (s43): the persuasion chart said "Median, quartiles and range" and no word of its scale.
    hint = page.locator("figure", has_text="Persuasion score").locator(".hint").text_content()
    assert "share of the annotated news articles" in hint
    # The technique chart has one bar per outlet for each technique of either.
    techniques = set(profile["a"]["technique_rates"]) | set(profile["b"]["technique_rates"])
    assert page.locator("figure").first.locator("rect.bar").count() == 2 * len(techniques)
    rows = page.locator(".card table tbody tr").count()
    assert rows == len(profile["rate_difference"])
    screenshot(page, "web-outlets.png")


def test_an_outlet_of_one_article_says_article(page: Any, api: httpx.Client) -> None:
    # QA (s45): the key figures read "1 articles"
    store_article(
        api, "Lone story\n\nThe council met on Tuesday.", outlet="Lone Post", published="2026-01-02"
    )
    page.goto("/outlets/Lone%20Post")
    ready(page)
    values = page.locator(".key-figures .stat-value").all_text_contents()
    labels = page.locator(".key-figures .stat-label").all_text_contents()
    assert (values[0], labels[0]) == ("1", "article"), (values, labels)
    assert labels[1] == "words"


def test_an_outlet_page_reached_by_another_spelling_names_the_stored_outlet(
    page: Any, api: httpx.Client
) -> None:
    # QA s47 (Q2): /outlets/quiet%20gazette showed the dashboard of "Quiet Gazette" (the API finds
    # an outlet in any case) under the heading "quiet gazette", and offered "Quiet Gazette" itself
    # to compare with.
    store_article(api, "Quiet story\n\nThe library opened on Monday.", outlet="Quiet Gazette")
    store_article(api, "Other story\n\nThe pool closed on Friday.", outlet="Other Gazette")
    page.goto("/outlets/quiet%20gazette?compare=other%20gazette")
    ready(page)
    assert " ".join(page.text_content("#dash-title").split()) == "Quiet Gazette vs Other Gazette"
    assert page.title().startswith("Quiet Gazette vs Other Gazette")
    offered = page.locator("#d-compare option").all_text_contents()
    assert "Quiet Gazette" not in offered and "Other Gazette" in offered
    assert page.eval_on_selector("#d-compare", "s => s.value") == "Other Gazette"


def test_an_unknown_outlet_page_links_the_near_outlet(browser: Any, server: str, api: httpx.Client) -> None:
    # QA s47 (Q2): the API answers "did you mean 'Quiet Gazette'?", the page said only "There is
    # no such outlet in the corpus."
    store_article(api, "Quiet story\n\nThe library opened on Monday.", outlet="Quiet Gazette")
    with open_page(browser, server, allowed=("status of 404",)) as pg:
        pg.goto("/outlets/Quiet%20Gazett")
        pg.wait_for_selector("body[data-ready=error]", timeout=15_000)
        assert "There is no such outlet in the corpus" in pg.text_content("#dash")
        link = pg.locator("#dash a", has_text="Quiet Gazette")
        assert link.get_attribute("href") == "/outlets/Quiet%20Gazette"
        pg.goto("/outlets/Nowhere%20At%20All")
        pg.wait_for_selector("body[data-ready=error]", timeout=15_000)
        assert pg.text_content("#dash").strip() == "There is no such outlet in the corpus."


def test_a_french_articles_feedback_menus_offer_semeval2023_techniques(page: Any) -> None:
    # QA (s45): correcting a French span offered both taxonomies ("Flag-waving" twice) and "Add a
    # missing span" PTC-14 ids only; both now offer the SemEval-2023 techniques the spans are in.
    text = "Vive la patrie éternelle ! Ces pantins mentent."
    data = {
        "title": "Tribune",
        "text": text,
        "language": "fr",
        "spans_analysed": True,
        "spans": [
            {
                "id": "T1",
                "start": 0,
                "end": 24,
                "technique": "Flag_Waving",
                "taxonomy": "semeval2023",
                "score": 0.8,
                "text": text[:24],
            }
        ],
        "paragraphs": [],
        "errors": [],
    }
    page.goto("/")
    ready(page)
    page.evaluate(
        """async data => {
            const { techniques } = await import("/static/app.js");
            const { ArticleView } = await import("/static/article-view.js");
            const { feedbackControls } = await import("/static/feedback.js");
            const view = new ArticleView(await techniques(), { articleId: "fr1" });
            view.show(data);
            // the detail card's controls for the span (the page's own view answers its clicks)
            const box = feedbackControls(view, view.spans[0]);
            box.id = "fr-controls";
            document.body.append(box);
        }""",
        data,
    )
    fix = page.locator("#fr-controls select option").all_text_contents()
    assert len(fix) == len(set(fix)) == 22 and "Flag-waving" not in fix, fix  # 23, less its own
    values = page.locator("#fr-controls select option").evaluate_all("os => os.map(o => o.value)")
    assert "Appeal_to_Values" in values and "Flag-Waving" not in values, values
    added = page.locator("#add-technique option").evaluate_all("os => os.map(o => o.value)")
    assert "Flag_Waving" in added and "Flag-Waving" not in added and len(added) == 23, added


def test_add_a_missing_span_offers_the_taxonomy_of_the_selected_paragraphs_language(page: Any) -> None:
    # QA (s46): on an English article with a German paragraph (its spans SemEval-2023), "Add a
    # missing span" offered one taxonomy for the whole article: the English paragraphs' spans are
    # PTC-14, the German one's SemEval-2023, and the store reads added spans so.
    import json

    english, german = "The summit ended without a deal.", "Diese Verräter zerstören unsere Zukunft."
    text = f"Summit\n\n{english}\n\n{german}"
    at = text.index(german)
    data = {
        "title": "Summit",
        "text": text,
        "language": "en",
        "spans_analysed": True,
        "spans": [
            {
                "id": "T1",
                "start": at,
                "end": at + 14,
                "technique": "Name_Calling-Labeling",
                "taxonomy": "semeval2023",
                "score": 0.8,
                "text": text[at : at + 14],
            }
        ],
        "paragraphs": [
            {"index": i, "number": i + 1, "start": a, "end": b, "language": lang}
            | {"techniques": [], "technique_scores": {}}
            for i, (a, b, lang) in enumerate(
                [(0, 6, None), (8, 8 + len(english), None), (at, len(text), "de")]
            )
        ],
        "errors": [],
    }
    data |= {
        "article_id": "mixed1",
        "content_hash": "0" * 64,
        "entities": [],
        "attributions": [],
        "claims": [],
    }
    page.route(
        "**/api/articles/mixed1*",
        lambda route: route.fulfill(content_type="application/json", body=json.dumps(data)),
    )
    page.goto("/articles/mixed1")
    ready(page)

    def offered_after_selecting(quote: str) -> list[str]:
        _select_in_text(page, quote)
        values: list[str] = page.locator("#add-technique option").evaluate_all("os => os.map(o => o.value)")
        return values

    in_english = offered_after_selecting("without a deal")
    assert "Flag-Waving" in in_english and "Flag_Waving" not in in_english and len(in_english) == 14
    in_german = offered_after_selecting("unsere Zukunft")
    assert "Flag_Waving" in in_german and "Flag-Waving" not in in_german and len(in_german) == 23
    # a quote typed rather than selected: the paragraph it is found in
    page.fill("#add-quote", "ended without")
    typed: list[str] = page.locator("#add-technique option").evaluate_all("os => os.map(o => o.value)")
    assert len(typed) == 14 and "Flag-Waving" in typed


def test_the_technique_chart_of_an_english_and_a_french_outlet_shows_every_technique(
    page: Any, api: httpx.Client
) -> None:
    # QA (s45): comparing an English (PTC-14) and a French (SemEval-2023) outlet, the technique
    # chart kept the first 14 techniques of both and left the rest out without a word (an English
    # outlet's Whataboutism/straw man span, 1.16 per 1,000 words, was in no bar).
    import json

    from unspun.techniques import PTC14_LABELS, SEMEVAL23_LABELS, renamed_ptc14

    store_article(api, "Wire one\n\nThe council met on Tuesday.", outlet="Wire One")
    store_article(api, "Tribune\n\nLe conseil a voté mardi.", outlet="Tribune Deux", lang="fr")
    real = api.get("/api/outlets/Wire One/profile", params={"compare": "Tribune Deux"}).json()
    # hand-made rates, as such outlets have them: every PTC-14 id on one side, the SemEval-2023
    # ids with no PTC-14 twin on the other (more than 14 in all)
    english = {label: 1.0 + i for i, label in enumerate(PTC14_LABELS)}
    shared = {*english, *renamed_ptc14()}  # counted as PTC-14 ids
    french = {label: 0.5 + i for i, label in enumerate(SEMEVAL23_LABELS) if label not in shared}
    real["a"]["technique_rates"], real["b"]["technique_rates"] = english, french
    real["rate_difference"] = {k: english.get(k, 0.0) - french.get(k, 0.0) for k in {*english, *french}}
    page.route(
        "**/api/outlets/*/profile*",
        lambda route: route.fulfill(content_type="application/json", body=json.dumps(real)),
    )
    page.goto("/outlets/Wire%20One?compare=Tribune%20Deux")
    ready(page)
    chart = page.locator("figure").first
    assert chart.locator("rect.bar").count() == 2 * (len(english) + len(french))
    assert page.locator(".card table tbody tr").count() == len(english) + len(french)


def test_the_genre_mix_shows_the_uncertain_genres_as_one_bar(page: Any, api: httpx.Client) -> None:
    # Since the store counts a genre under even odds apart (profile genres_uncertain), the
    # dashboard's sure-genre bars added up to less than 100% of the articles, the rest unsaid.
    import json

    store_article(api, "Mixed one\n\nThe council met on Tuesday.", outlet="Mixed Courier")
    real = api.get("/api/outlets/Mixed Courier/profile").json()
    real |= {"articles": 4, "genres": {"opinion": 1, "reporting": 1}}
    real["genres_uncertain"] = {"opinion": 1, "satire": 1}
    page.route(
        "**/api/outlets/*/profile*",
        lambda route: route.fulfill(content_type="application/json", body=json.dumps(real)),
    )
    page.goto("/outlets/Mixed%20Courier")
    ready(page)
    chart = page.locator("figure", has_text="Genre mix")
    labels = chart.locator("text.row-label").all_text_contents()
    assert labels[-1] == "Uncertain" and len(labels) == 3, labels
    values = chart.locator("text.value").all_text_contents()
    assert sum(float(v) for v in values) == 100, values
    assert values[-1] == "50"
    assert "Uncertain" in (chart.locator(".hint").text_content() or "")


def test_article_payloads_render_as_text(page: Any, api: httpx.Client) -> None:
    text = f"Attack report\n\nThe mayor said {PAYLOAD} in a statement. The corrupt, shameless elites want to destroy our great nation."
    data = store_article(api, text, title=f"Title {PAYLOAD}", outlet=f"Outlet {PAYLOAD}")
    page.goto(f"/articles/{data['article_id']}")
    ready(page)
    assert PAYLOAD in page.text_content("#a-text")
    assert page.text_content("#a-title") == f"Title {PAYLOAD}"
    assert page.locator("#main img, #main script").count() == 0
    page.goto(f"/outlets/{data['outlet']}")
    ready(page)
    assert page.text_content("#dash-title") == f"Outlet {PAYLOAD}"
    page.goto("/articles?q=mayor")
    ready(page)
    assert page.locator(".result h2").first.text_content() == f"Title {PAYLOAD}"
    assert page.locator("#main img, #main script").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_corpus_page_applies_every_filter_of_its_address(
    browser: Any, server: str, api: httpx.Client
) -> None:
    # QA s47 (Q2): /articles?min_score=0.9 or ?language=fr (filters the API takes and the form has
    # no control for) listed the whole corpus, and ?since=... (the CLI's name) too, where the API
    # answers 422 naming what it takes: a bookmarked search showed what it had not asked for.
    for i in range(2):
        store_article(api, f"Filter {i}\n\nThe tram line number {i} opens on Monday.", outlet="Filter Post")
    wanted = api.get(
        "/api/articles", params={"outlet": "Filter Post", "max_score": 0.5, "language": "en"}
    ).json()
    with open_page(browser, server, allowed=("status of 422",)) as pg:
        pg.goto("/articles?outlet=Filter%20Post&max_score=0.5&language=en")
        ready(pg)
        assert pg.locator(".result").count() == len(wanted["articles"]) == 2
        assert "max_score 0.5" in (pg.text_content("#result-count") or "")
        pg.goto("/articles?max_score=0")
        ready(pg)
        everything = api.get("/api/articles", params={"max_score": 0}).json()["total"]
        assert (pg.text_content("#result-count") or "").startswith(f"{everything} article"), everything
        pg.goto("/articles?since=2026-01-01")
        ready(pg)
        assert "unknown query parameter 'since'" in (pg.text_content("#results") or "")


def test_corpus_search_filters_and_pages(page: Any, api: httpx.Client) -> None:
    for i in range(3):
        store_article(
            api,
            f"Pager {i}\n\nZebracrossing story number {i}. The corrupt elites lie.",
            outlet="Pager Post",
            published=f"2025-0{i + 1}-01",
        )
    page.goto("/articles?q=zebracrossing&limit=2")
    ready(page)
    first = page.locator(".result h2").all_text_contents()
    assert first == ["Pager 2", "Pager 1"]
    page.click("#page-next")
    ready(page)
    assert page.locator(".result h2").all_text_contents() == ["Pager 0"]
    assert page.locator("#page-next").is_hidden()
    page.goto("/articles")
    ready(page)
    # QA (s45): the technique filter offered PTC-14 ids only; a French article's are SemEval-2023
    groups = page.locator("#f-technique optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert len(groups) == 2 and "SemEval-2023" in groups[1], groups
    offered = (
        page.locator("#f-technique optgroup")
        .nth(1)
        .locator("option")
        .evaluate_all("os => os.map(o => o.value)")
    )
    assert "Flag_Waving" in offered and "Appeal_to_Values" in offered, offered
    page.select_option("#f-outlet", "Pager Post")
    page.fill("#f-from", "2025-02-01")
    page.click("#search-form button[type=submit]")
    ready(page)
    assert page.locator(".result h2").all_text_contents() == ["Pager 2", "Pager 1"]
    page.click(".result h2 a")
    ready(page)
    assert page.text_content("#a-title") == "Pager 2"


def test_a_results_snippet_does_not_repeat_the_title_shown_above_it(page: Any, api: httpx.Client) -> None:
    # QA s48: each result read "Title / Title Body...": the snippet (the text's first characters)
    # opened with the title line the result's heading already shows.
    store_article(
        api, "Snippet heading check\n\nThe zebrafinch council met on Monday.", outlet="Snippet Post"
    )
    store_article(api, "The zebrafinch vote was close, the clerk said on Tuesday.", outlet="Snippet Post")
    page.goto("/articles?q=zebrafinch")
    ready(page)
    shown = dict(
        zip(
            page.locator(".result h2").all_text_contents(),
            page.locator(".result .snippet").all_text_contents(),
            strict=True,
        )
    )
    assert shown["Snippet heading check"] == "The zebrafinch council met on Monday.", shown
    untitled = next(snippet for heading, snippet in shown.items() if heading != "Snippet heading check")
    assert untitled == "The zebrafinch vote was close, the clerk said on Tuesday.", shown


def test_upload_an_html_file(page: Any, tmp_path: Path) -> None:
    html = tmp_path / "story.html"
    html.write_text(
        "<!doctype html><html><head><title>Uploaded story</title></head><body><article><h1>Uploaded story</h1>"
        "<p>The corrupt, shameless elites in the capital want to destroy our great nation.</p>"
        "<p>Every true patriot will stand behind this. Can we really trust the minister?</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    page.goto("/")
    ready(page)
    page.set_input_files("#in-file", str(html))
    page.wait_for_function("() => document.getElementById('in-text').value.includes('<article>')")
    page.click("#analyse-button")
    page.wait_for_selector("#view:not([hidden])")
    text = page.text_content("#a-text")
    assert "shameless elites" in text and "<p>" not in text
    assert page.text_content("#a-title") == "Uploaded story"


def test_upload_a_windows_1252_file_shows_its_quotes(page: Any, tmp_path: Path) -> None:
    # The browser's file.text() reads UTF-8 only (U+FFFD): the server decodes the upload instead.
    story = tmp_path / "story.txt"
    story.write_bytes("The mayor\u2019s \u201cgenerous\u201d plan \u2014 a giveaway.".encode("cp1252"))
    page.goto("/")
    ready(page)
    page.set_input_files("#in-file", str(story))
    page.wait_for_function("() => document.getElementById('in-text').value.includes('plan')")
    assert page.input_value("#in-text") == "The mayor\u2019s \u201cgenerous\u201d plan \u2014 a giveaway."
    assert "Windows-1252" in page.text_content("#status")


def test_who_what_and_quotes_are_shown(page: Any) -> None:
    text = "Mayor Jane Roe said the plan is reckless. Taxes will rise by 5% next year."
    data = {
        "title": "Quotes",
        "text": text,
        "spans_analysed": True,
        "spans": [],
        "paragraphs": [],
        "errors": [],
        "entities": [
            {
                "id": "E1",
                "name": "Jane Roe",
                "type": "PERSON",
                "mentions": [{"start": 6, "end": 14}],
                "sentiment": "negative",
                "sentiment_score": 0.8,
                "role": "Antagonist",
                "fine_roles": ["Corrupt"],
            }
        ],
        "attributions": [
            {
                "id": "A1",
                "source_text": "Mayor Jane Roe",
                "cue_text": "said",
                "content_text": "the plan is reckless",
                "content": {"start": text.index("the plan"), "end": text.index("the plan") + 20},
                "kind": "indirect",
                "score": 0.9,
            }
        ],
        "claims": [{"id": "C1", "start": 42, "end": 73, "score": 0.7, "text": text[42:73]}],
    }
    page.goto("/")
    ready(page)
    page.evaluate(SHOW_ANALYSIS, data)
    extra = page.locator("#a-extra")
    assert extra.is_visible()
    content = extra.text_content()
    for part in (
        "Jane Roe",
        "PERSON",
        "negative",
        "Antagonist: Corrupt",
        "the plan is reckless",
        text[42:73],
    ):
        assert part in content
    # Each item selects its words in the text.
    extra.locator(".quotes button.show").click()
    assert page.evaluate("getSelection().toString()") == "the plan is reckless"
    extra.locator(".claims button.show").click()
    assert page.evaluate("getSelection().toString()") == text[42:73]


def test_a_claim_is_shown_as_the_sentence_it_is_not_as_a_quotation(page: Any) -> None:
    # A claim that is a quote's sentence was shown in a <q> with its opening mark taken off
    # (“It is a waste of money," he said.”); the text view's claim table shows the sentence.
    text = 'Tom Reed disagreed. "It is a waste of money," he said. Taxes will rise.'
    claim = '"It is a waste of money," he said.'
    start = text.index(claim)
    data = {"title": None, "text": text, "spans_analysed": True, "spans": [], "paragraphs": [], "errors": []}
    data["claims"] = [{"id": "C1", "start": start, "end": start + len(claim), "score": 0.6, "text": claim}]
    page.goto("/")
    ready(page)
    page.evaluate(SHOW_ANALYSIS, data)
    item = page.locator("#a-extra .claims li")
    assert item.locator("q").count() == 0
    assert item.locator("button.show").text_content() == claim
    item.locator("button.show").click()
    assert page.evaluate("getSelection().toString()") == claim
    # what the figure beside a claim is (QA s44: nothing said what 60% meant)
    note = page.locator("#a-extra .claims-note").text_content() or ""
    assert "probability that fact-checkers would pick the sentence" in note and "not a finding" in note


def test_who_says_what_coverage_below_one_is_said_on_the_page(page: Any) -> None:
    text = "The mayor spoke.\n" * 100
    data = {"title": None, "text": text, "spans_analysed": True, "spans": [], "paragraphs": [], "errors": []}
    page.goto("/")
    ready(page)
    page.evaluate(SHOW_ANALYSIS, {**data, "scores": {"whosays_coverage": 0.6}})
    note = page.locator("#a-extra .coverage")
    assert note.is_visible()  # shown although nothing was found in the part read
    assert "read in the first 60% of the text only (about 1,020 of 1,700 characters)" in note.text_content()
    page.evaluate(SHOW_ANALYSIS, {**data, "scores": {"whosays_coverage": 1.0}})
    assert page.locator("#a-extra .coverage").count() == 0 and page.locator("#a-extra").is_hidden()


def test_a_text_in_another_language_says_who_says_what_reads_english_only(page: Any) -> None:
    # The text view said it and the page showed nothing, as if a French op-ed named no one.
    from unspun.document import Analysis, Article
    from unspun.render_whosays import language_note

    text = "Le maire a menti. Une honte."
    data = {"title": None, "text": text, "spans_analysed": True, "spans": [], "paragraphs": [], "errors": []}
    said = language_note(Analysis(Article(id="a", text=text, language="fr")))
    assert said is not None
    page.goto("/")
    ready(page)
    page.evaluate(SHOW_ANALYSIS, {**data, "language": "fr"})
    note = page.locator("#a-extra .coverage")
    assert note.is_visible()  # shown although no entity, quote or claim is listed
    assert note.text_content() == said
    page.evaluate(SHOW_ANALYSIS, {**data, "language": "en"})
    assert page.locator("#a-extra .coverage").count() == 0 and page.locator("#a-extra").is_hidden()


def test_the_summary_shows_the_authors_and_the_quoted_voices_apart(page: Any) -> None:
    text = 'Critics called it "a reckless gamble". This disastrous plan will fail.'
    data = {"title": None, "text": text, "spans_analysed": True, "spans": [], "paragraphs": [], "errors": []}
    voices = {"author_chars": 51, "author_spans": 1, "author_span_share": 0.2941}
    voices |= {"quoted_chars": 19, "quoted_spans": 1, "quoted_span_share": 0.7895}
    page.goto("/")
    ready(page)
    page.evaluate(SHOW_ANALYSIS, {**data, "scores": voices})
    line = page.locator("#a-summary .voices")
    assert line.is_visible()
    assert line.text_content() == "in the author's text 29% of characters (1 span); in quotes 79% (1 span)"
    page.evaluate(SHOW_ANALYSIS, {**data, "scores": {}})  # an analysis stored before the voices were counted
    assert page.locator("#a-summary .voices").count() == 0


def test_writes_ask_for_the_token_when_the_server_has_one(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path, token="s3cret") as base, httpx.Client(base_url=base, timeout=60) as client:
        response = client.post(
            "/api/analyze",
            json={"text": ARTICLE, "store": True},
            headers={"Authorization": "Bearer s3cret"},
        )
        article_id = response.json()["article_id"]
        with open_page(browser, base, allowed=("401",)) as pg:
            asked: list[str] = []

            def answer(dialog: Any) -> None:
                asked.append(dialog.message)
                dialog.accept("s3cret")

            pg.on("dialog", answer)
            pg.goto(f"/articles/{article_id}")
            ready(pg)
            pg.locator("#a-text [data-technique]").first.click()
            pg.click("#detail button.danger")
            pg.wait_for_selector("#a-text .fb-wrong")
            assert len(asked) == 1 and "token" in asked[0]
        feedback = client.get(f"/api/articles/{article_id}/feedback").json()["feedback"]
        assert [f["kind"] for f in feedback] == ["wrong"]
        # A delete as the first write asks for the token too (the page asked on a POST's 401 only).
        with open_page(browser, base, allowed=("401",)) as pg:
            dialogs: list[str] = []

            def reply(dialog: Any) -> None:
                dialogs.append(dialog.type)
                dialog.accept("s3cret" if dialog.type == "prompt" else None)

            pg.on("dialog", reply)
            pg.goto(f"/articles/{article_id}")
            ready(pg)
            pg.click("#delete-article")
            pg.wait_for_selector("#main .notice")
            assert dialogs == ["confirm", "prompt"], dialogs
        assert client.get(f"/api/articles/{article_id}").status_code == 404


def test_frames_and_genre_are_named_as_the_text_view_names_them(page: Any) -> None:
    # The page spelt a frame from its id ("Legality Constitutionality and jurisprudence",
    # "Security and defense") where the text view says "Legality, constitutionality and
    # jurisprudence", "Security and defence".
    from unspun.techniques import display_name

    frames = ["Legality_Constitutionality_and_jurisprudence", "Security_and_defense"]
    data = {"title": None, "text": "The plan will fail.", "spans_analysed": True, "spans": [], "errors": []}
    data |= {"paragraphs": [], "scores": {}, "genre": "satire", "genre_score": 0.6}
    data |= {"frames": frames, "frame_scores": {"Legality_Constitutionality_and_jurisprudence": 0.4}}
    page.goto("/")
    ready(page)
    page.evaluate(SHOW_ANALYSIS, data)
    chips = page.eval_on_selector_all("#a-summary .chip", "els => els.map(e => e.firstChild.textContent)")
    assert chips == [display_name(f, "frame") for f in frames]
    assert chips[0] == "Legality, constitutionality and jurisprudence"
    genre = page.locator("#a-summary .sum", has_text="Genre").locator("strong")
    assert genre.text_content() == display_name("satire", "genre") == "Satire"
    # The corpus's frame filter names them alike.
    page.goto("/articles")
    ready(page)
    options = page.eval_on_selector_all("#f-frame option", "els => els.map(e => [e.value, e.textContent])")
    assert ["Security_and_defense", "Security and defence"] in options


def test_a_genre_under_one_half_is_shown_as_uncertain(page: Any) -> None:
    # An English text under 150 words is never satire: it gets the likelier of opinion and
    # reporting at that genre's own probability, and the page showed "Opinion 28%" as a finding.
    from unspun.document import Analysis, Article, Label

    article = Article(id="1", text="The plan will fail.", language="en")
    article.set_layer("technique", [])
    article.labels["genre"] = [Label("opinion", 0.28)]
    page.goto("/")
    ready(page)
    page.evaluate(SHOW_ANALYSIS, Analysis(article).to_dict())
    genre = page.locator("#a-summary .sum", has_text="Genre")
    assert genre.locator("strong").text_content() == "Uncertain"
    assert "likeliest Opinion 28%" in genre.locator("dd").text_content()
    assert "less likely than the other genres together" in (genre.locator("dd").get_attribute("title") or "")
    article.labels["genre"] = [Label("opinion", 0.6)]
    page.evaluate(SHOW_ANALYSIS, Analysis(article).to_dict())
    assert genre.locator("strong").text_content() == "Opinion"


def test_a_stored_text_lists_every_outlet_it_appeared_at(page: Any, api: httpx.Client) -> None:
    # Wire copy is one article with several appearances: the page named the first outlet only.
    text = "The council's plan for the harbour will be put to a vote on Monday, a spokesman said."
    first = {"outlet": "Wire One", "url": "https://one.example/harbour", "published": "2024-03-01"}
    second = {"outlet": "Daily Two", "url": "https://two.example/news/7", "published": "2024-03-02"}
    second |= {"title": "Harbour vote on Monday"}
    article_id = store_article(api, text, **first)["article_id"]
    page.goto(f"/articles/{article_id}")
    ready(page)
    assert page.locator("#a-appearances").count() == 0  # one appearance: the meta line says it
    store_article(api, text, **second)
    page.goto(f"/articles/{article_id}")
    ready(page)
    box = page.locator("#a-appearances")
    assert "Published by 2 outlets" in box.text_content()
    rows = box.locator("li")
    assert rows.count() == 2
    assert [rows.nth(i).locator("a[href^='/outlets/']").text_content() for i in range(2)] == [
        "Wire One",
        "Daily Two",
    ]
    links = [rows.nth(i).locator("a[rel~=noopener]").get_attribute("href") for i in range(2)]
    assert links == [first["url"], second["url"]]
    assert rows.nth(1).locator("time").get_attribute("datetime") == "2024-03-02"
    assert "Harbour vote on Monday" in rows.nth(1).text_content()


def test_upload_a_markdown_file_opening_with_prose(page: Any, tmp_path: Path) -> None:
    # Only front matter or a # heading tells Markdown from its text: a .md file opening with prose
    # was analysed as plain text on the page (its markup in the highlights), not as the CLI reads it.
    post = tmp_path / "post.md"
    post.write_text(
        "The **stadium deal** is the *biggest swindle* in this city's history.\n\n"
        "```\nprint('no prose')\n```\n\nThe corrupt, shameless elites want to destroy our great nation.\n",
        encoding="utf-8",
    )
    page.goto("/")
    ready(page)
    page.set_input_files("#in-file", str(post))
    page.wait_for_function("() => document.getElementById('in-text').value.includes('**')")
    assert page.is_checked("#in-markdown") and "Markdown" in page.text_content("#status")
    page.click("#analyse-button")
    page.wait_for_selector("#view:not([hidden])")
    text = page.text_content("#a-text")
    assert "biggest swindle" in text and "**" not in text and "print(" not in text
    # A text file after it is not Markdown.
    story = tmp_path / "story.txt"
    story.write_text("The *starred* plan will fail.", encoding="utf-8")
    page.set_input_files("#in-file", str(story))
    page.wait_for_function("() => document.getElementById('in-text').value.includes('starred')")
    assert not page.is_checked("#in-markdown")


@pytest.mark.parametrize("width", [1280, 420])
def test_a_long_frame_name_keeps_to_one_line(browser: Any, server: str, width: int) -> None:
    # The frames sat in a 200px column: "Legality, constitutionality and jurisprudence" wrapped
    # word by word into a four-line chip.
    frames = ["Morality", "Legality_Constitutionality_and_jurisprudence", "Economic"]
    data = {"title": None, "text": "The plan will fail.", "spans_analysed": True, "spans": [], "errors": []}
    data |= {"paragraphs": [], "scores": {}, "genre": "opinion", "genre_score": 0.6, "persuasion_score": 0.5}
    data |= {"frames": frames, "frame_scores": dict.fromkeys(frames, 0.4)}
    with open_page(browser, server) as page:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        ready(page)
        page.evaluate(SHOW_ANALYSIS, data)
        # A row of its own, as wide as the summary, at both widths.
        widths = page.evaluate(
            """() => [document.getElementById("a-summary").getBoundingClientRect().width,
                      document.querySelector("#a-summary .chips").closest(".sum").getBoundingClientRect().width]"""
        )
        assert widths[1] == pytest.approx(widths[0], abs=1), widths
        heights = page.eval_on_selector_all(
            "#a-summary .chip", "els => els.map(e => e.getBoundingClientRect().height)"
        )
        lines = 1.5 if width >= 1000 else 2.5  # a phone's narrow column may wrap it once
        assert len(heights) == 3 and max(heights) < lines * min(heights), heights


def test_paragraphs_in_other_languages_are_named_as_the_text_view_names_them(page: Any) -> None:
    # The text view said "line 3 (he): left out of the span analysis"; the page said nothing, so
    # a paragraph never read for spans looked like one without persuasion.
    from unspun.document import Analysis, Article, Label, Paragraph
    from unspun.render import other_languages

    text = "An English paragraph.\nUn paragraphe en français.\nעם ישראל חי"
    article = Article(id="1", text=text, language="en")
    article.labels["genre"] = [Label("reporting", 0.9)]
    article.set_layer("technique", [])
    article.paragraphs = [
        Paragraph(1, 0, 21),
        Paragraph(2, 22, 48, language="fr"),
        Paragraph(3, 49, 60, language="he"),
    ]
    analysis = Analysis(article)
    page.goto("/")
    ready(page)
    page.evaluate(SHOW_ANALYSIS, analysis.to_dict())
    shown = page.locator("#a-summary .languages")
    assert shown.is_visible()
    assert shown.text_content() == other_languages(analysis)
    assert "line 3 (he): left out of the span analysis" in shown.text_content()
    # Two paragraphs read in their own languages: "their spans" (QA s47: "its spans").
    article.paragraphs[2] = Paragraph(3, 49, 60, language="de")
    analysis = Analysis(article)
    page.evaluate(SHOW_ANALYSIS, analysis.to_dict())
    assert page.locator("#a-summary .languages").text_content() == other_languages(analysis)
    assert "line 2 (fr), line 3 (de): their spans" in (other_languages(analysis) or "")
    page.evaluate(SHOW_ANALYSIS, {**analysis.to_dict(), "paragraphs": []})
    assert page.locator("#a-summary .languages").count() == 0


def test_the_span_count_reads_right_for_one_technique_and_for_none_analysed(page: Any) -> None:
    # "1 in 1 techniques"; and "0 in 0 techniques" for a text whose spans were never analysed,
    # where the text view says "Technique spans not analysed".
    text = "This disastrous plan will fail."
    span = {
        "id": "T1",
        "start": 5,
        "end": 15,
        "technique": "Loaded_Language",
        "score": 0.6,
        "text": "disastrous",
    }
    data = {
        "title": None,
        "text": text,
        "spans_analysed": True,
        "spans": [span],
        "paragraphs": [],
        "errors": [],
    }
    page.goto("/")
    ready(page)
    page.evaluate(SHOW_ANALYSIS, data)
    spans = page.locator("#a-summary .sum", has_text="Spans")
    assert " ".join(spans.locator("dd").text_content().split()) == "1 in 1 technique"
    page.evaluate(SHOW_ANALYSIS, {**data, "spans_analysed": False, "spans": []})
    assert spans.locator("dd").text_content() == "not analysed"
    # "Paragraph techniques (1 paragraphs)" too.
    paragraph = {"index": 1, "number": 1, "start": 0, "end": len(text), "language": None}
    paragraph |= {"techniques": ["Loaded_Language"], "technique_scores": {"Loaded_Language": 0.7}}
    page.evaluate(SHOW_ANALYSIS, {**data, "paragraphs": [paragraph]})
    assert page.text_content("#a-paragraphs summary") == "Paragraph techniques (1 paragraph)"


def test_a_long_title_is_bold_on_every_line_it_wraps_to(page: Any) -> None:
    # QA s48: the title line was bold by ::first-line, so a title that wraps ('"We cannot build our
    # way out of every flood": an interview with hydrologist Dr Lena Fischer') went on in body type.
    title = '"We cannot build our way out of every flood": an interview with hydrologist Dr Lena Fischer'
    text = f"{title}\n\nDr Lena Fischer has studied river flooding for twenty years."
    page.goto("/")
    ready(page)
    page.evaluate(SHOW_ANALYSIS, {"text": text, "title": title, "spans": [], "paragraphs": []})
    blocks = page.eval_on_selector_all(
        "#a-text .tb", "els => els.map(e => [e.getClientRects()[0].height, getComputedStyle(e).fontWeight])"
    )
    body_line = blocks[1][0]
    assert blocks[0][0] > 1.5 * body_line, blocks  # it wraps, at this width
    assert [weight for _, weight in blocks] == ["700", "400"], blocks
    # A title line with the body right under it (no blank line) stays bold on its line alone.
    page.evaluate(SHOW_ANALYSIS, {"text": "Short title\nThe body goes on here.", "title": "Short title"})
    assert page.eval_on_selector("#a-text .tb", "e => getComputedStyle(e).fontWeight") == "400"
    assert "titled" in (page.get_attribute("#a-text", "class") or "")


def test_an_opened_crlf_file_is_analysed_as_read_not_as_the_textarea_shows_it(
    page: Any, api: httpx.Client, tmp_path: Path
) -> None:
    # A textarea turns CRLF into LF: the page analysed and stored another text than the file
    # (offsets two apart per line, another article id than unspun ingest gives the same file).
    text = "\ufeffNation betrayed\r\n\r\nThe corrupt, shameless elites want to destroy our great nation.\r\nEvery true patriot will stand behind this.\r\n"
    story = tmp_path / "story.txt"
    story.write_bytes(text.encode("utf-8"))
    page.goto("/")
    ready(page)
    page.set_input_files("#in-file", str(story))
    page.wait_for_function("() => document.getElementById('in-text').value.includes('patriot')")
    with page.expect_response("**/api/analyze") as answer:
        page.click("#analyse-button")
    shown = answer.value.json()
    page.wait_for_selector("#view:not([hidden])")
    assert shown["text"] == text
    assert shown["article_id"] == store_article(api, text)["article_id"]
    covered = page.eval_on_selector_all(
        "#a-text [data-technique]",
        """els => els.map(e => [e.dataset.id, [e, ...document.querySelectorAll(
                 `[data-of="${CSS.escape(e.dataset.id)}"]`)].map(x => x.textContent).join("")])""",
    )
    assert shown["spans"] and dict(covered) == {s["id"]: s["text"] for s in shown["spans"]}
    # Its title line is shown as one, after the BOM too.
    assert shown["title"] == "Nation betrayed" and "titled" in page.get_attribute("#a-text", "class")
    # Once edited, the text is the one shown.
    page.fill("#in-text", "The corrupt elites lie.\r\nThey always lie.")
    with page.expect_response("**/api/analyze") as edited:
        page.click("#analyse-button")
    assert edited.value.json()["text"] == "The corrupt elites lie.\nThey always lie."


def test_a_phones_width_scrolls_no_page_sideways(browser: Any, server: str, api: httpx.Client) -> None:
    # QA s49: at 390 px every page was 477 px wide (the header's version past the menu), the
    # entities and outlets tables ran past the screen, and two outlets compared were 499 px.
    data = store_article(api, "Phone layout\n\n" + ARTICLE.split("\n\n", 1)[1], outlet="Phone Daily Example")
    store_article(api, "Phone layout two\n\nThe council met on Monday.", outlet="Phone Weekly Example")
    # the compare form's select is as wide as its longest option: an outlet with a long name
    # (stored by other tests in a full run) made the compare page 762 px wide (s49)
    store_article(
        api,
        "Phone layout three\n\nThe ferry ran late on Tuesday.",
        outlet="The Extraordinarily Long-Named Regional Evening Chronicle and Shipping Advertiser",
    )
    wide: dict[str, int] = {}
    with open_page(browser, server) as pg:
        pg.set_viewport_size({"width": 390, "height": 844})
        for path in (
            "/",
            f"/articles/{data['article_id']}",
            "/outlets",
            "/outlets/Phone%20Daily%20Example?compare=Phone%20Weekly%20Example",
        ):
            pg.goto(path)
            ready(pg)
            width = pg.evaluate("() => document.documentElement.scrollWidth")
            if width > 390:
                wide[path] = width
    assert wide == {}, wide
