"""Markdown input (readers/markdown.py): a .md file, a folder holding some, Markdown on stdin."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from unspun.errors import EmptyInputError, EncodingError, InputWarning
from unspun.readers.dispatch import count_inputs, iter_articles
from unspun.readers.markdown import front_matter, is_markdown, markdown_blocks

LIMIT = 1024 * 1024

POST = """---
title: "The council's *reckless* plan"
date: 2024-05-01 10:00:00 +0200
author: Ann Lee
outlet: Daily Courier
url: https://news.example.org/plan  # the canonical address
lang: en
tags:
  - politics
---

Critics say the **reckless** plan, pushed by [the mayor](https://x.example/mayor),
will ruin the town. The `budget` doubles.

- Nobody was asked.
- Taxes *will* rise.

```python
print("no prose")
```

    indented code, left out too

> The worst deal in a generation.

| Year | Cost |
|------|------|
| 2023 | 1M |

![a photo of the mayor](mayor.jpg)

<!-- an editor's note -->
<script>track();</script>
<p>A paragraph in <em>HTML</em>,<br>as blogs export them.</p>
"""


def read(path: Path) -> list:
    return list(iter_articles(path, max_bytes=LIMIT))


def test_a_markdown_file_reads_as_an_article_of_its_prose(tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text(POST, encoding="utf-8")
    (article,) = read(tmp_path / "plan.md")
    assert article.text == (
        "The council's reckless plan\n\n"
        "Critics say the reckless plan, pushed by the mayor, will ruin the town. The budget doubles.\n\n"
        "Nobody was asked.\n\n"
        "Taxes will rise.\n\n"
        "The worst deal in a generation.\n\n"
        "Year | Cost\n2023 | 1M\n\n"
        "A paragraph in HTML,\nas blogs export them."
    )
    assert article.title == "The council's reckless plan"
    assert (article.id, article.source_path) == ("plan", str(tmp_path / "plan.md"))
    assert article.published == dt.date(2024, 5, 1)
    assert (article.outlet, article.url, article.language) == (
        "Daily Courier",
        "https://news.example.org/plan",
        "en",
    )


def test_the_title_is_the_first_heading_and_the_text_opens_with_it(tmp_path: Path) -> None:
    (tmp_path / "a.markdown").write_text("Mayor quits\n===========\n\nShe left on *Monday*.\n")
    (article,) = read(tmp_path / "a.markdown")
    assert (article.title, article.text) == ("Mayor quits", "Mayor quits\n\nShe left on Monday.")
    assert article.published is None and article.outlet is None


def test_a_section_heading_after_the_body_began_is_no_title() -> None:
    from unspun.readers.markdown import markdown_text

    article = markdown_text("The intro paragraph.\n\n## Background\n\nMore text.\n", id="x", where="x")
    assert article.title is None
    assert article.text == "The intro paragraph.\n\nBackground\n\nMore text."
    late_h1 = markdown_text("A kicker line.\n\n# The headline\n\nBody.\n", id="x", where="x")
    assert late_h1.title == "The headline"


def test_a_front_matter_title_the_body_repeats_is_not_put_twice() -> None:
    from unspun.readers.markdown import markdown_text

    article = markdown_text("---\ntitle: Storm hits\n---\n# Storm hits\n\nPower is out.\n", id="x", where="x")
    assert article.text == "Storm hits\n\nPower is out."


def test_front_matter_values_that_do_not_read_are_left_out() -> None:
    """A site generator's url is often a path, a date a template: metadata, not an error."""
    from unspun.readers.markdown import markdown_text

    article = markdown_text(
        "---\ndate: '{{ .Date }}'\nurl: /posts/plan/\nlang: es\noutlet:\n---\n\nBody text here.\n",
        id="x",
        where="x",
    )
    assert (article.published, article.url, article.language, article.outlet) == (None, None, None, None)
    assert article.text == "Body text here." and article.title is None


def test_a_front_matter_date_that_is_no_date_warns_and_the_post_is_read_without_it() -> None:
    """A date the writer typed ("yesterday", "05/01/2026": day or month?) is told, not dropped silently."""
    from unspun.readers.markdown import markdown_text

    with pytest.warns(InputWarning, match=r"post\.md: published '05/01/2026' is not a date"):
        article = markdown_text("---\ndate: 05/01/2026\n---\n\nBody text here.\n", id="x", where="post.md")
    assert article.published is None and article.text == "Body text here."


def test_a_text_file_opening_with_front_matter_reads_as_standard_input_does(tmp_path: Path) -> None:
    # QA s47 (Q2): fm.txt gave title, outlet and date null and the front matter as article text,
    # where `cat fm.txt | unspun analyze -` and unspun.analyze(str) read them
    from unspun.readers.dispatch import read_string

    source = "---\ntitle: Ferry fury\noutlet: Txt Times\ndate: 2026-02-02\n---\n\nThe ferry is late again.\n"
    (tmp_path / "fm.txt").write_text(source, encoding="utf-8")
    (article,) = list(iter_articles(tmp_path / "fm.txt"))
    given = read_string(source, id="fm")
    assert (article.title, article.outlet, article.published) == (
        "Ferry fury",
        "Txt Times",
        dt.date(2026, 2, 2),
    )
    assert article.text == given.text == "Ferry fury\n\nThe ferry is late again."
    # a text between rules is no front matter: read as text, as before
    (tmp_path / "ruled.txt").write_text("---\nA text between rules.\n---\n\nMore.\n", encoding="utf-8")
    (ruled,) = list(iter_articles(tmp_path / "ruled.txt"))
    assert "A text between rules." in ruled.text and ruled.outlet is None


def test_front_matter_keys_yaml_and_toml() -> None:
    assert front_matter("+++\ntitle = \"It's 'here'\"\n+++\nBody")[0] == {"title": "It's 'here'"}
    meta, body = front_matter("---\nTitle: 'It''s'\nsummary: >\n  folded\n...\nBody")
    assert (meta, body) == ({"title": "It's"}, "Body")
    assert front_matter("--- not front matter\n") == ({}, "--- not front matter\n")
    assert front_matter("Intro\n---\ntitle: x\n---\n")[0] == {}  # only at the very start
    ruled = "---\nA text between rules.\n---\n\nMore.\n"  # the text had been dropped as front matter
    assert front_matter(ruled) == ({}, ruled)


def test_windows_line_ends_and_a_bom_read_as_line_ends() -> None:
    from unspun.readers.markdown import markdown_text

    source = (
        "\ufeff---\r\ntitle: A post\r\ndate: 2024-01-02\r\n---\r\n\r\nLine one\r\nwrapped.\r\n\r\n- item\r\n"
    )
    article = markdown_text(source, id="x", where="x")
    assert (article.text, article.published) == ("A post\n\nLine one wrapped.\n\nitem", dt.date(2024, 1, 2))


def test_a_hard_break_stays_a_line_break_and_html_keeps_its_text() -> None:
    blocks = markdown_blocks("Line one  \nline two\\\nthree <b>bold</b><br/>four\n\n<p>raw</p><p>block</p>\n")
    assert blocks == [("p", "Line one\nline two\nthree bold\nfour"), ("p", "raw"), ("p", "block")]
    assert markdown_blocks("<!-- draft -->\n\n<style>p {}</style>\n\n<iframe src=x></iframe>\n") == []


def test_markdown_with_only_code_is_empty(tmp_path: Path) -> None:
    (tmp_path / "code.md").write_text("```\nprint(1)\n```\n\n![img](x.png)\n")
    with pytest.raises(EmptyInputError, match=r"code\.md: no text found in the Markdown"):
        read(tmp_path / "code.md")


def test_markdown_with_only_code_under_a_heading_is_empty(tmp_path: Path) -> None:
    # QA: "# Code only" over a code block was analysed as the two-word article "Code only"
    # (genre reporting 0.74, a Thought-terminating cliché span on "Code"); an HTML page with
    # only its headline is refused.
    (tmp_path / "code.md").write_text("# Code only\n\n```\nx = 1\n```\n\n## Setup\n")
    with pytest.raises(
        EmptyInputError, match=r"code\.md: no text found in the Markdown besides its headings"
    ):
        read(tmp_path / "code.md")
    (tmp_path / "short.md").write_text("# Mayor resigns\n\nThe mayor resigned.\n")
    assert read(tmp_path / "short.md")[0].text == "Mayor resigns\n\nThe mayor resigned."


def test_a_binary_markdown_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 4)
    with pytest.raises(EncodingError, match=r"image\.md looks binary .* Markdown"):
        read(tmp_path / "image.md")


def test_a_folder_reads_its_markdown_files(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# One\n\nFirst story.\n")
    (tmp_path / "b.MARKDOWN").write_text("Second story.\n")
    (tmp_path / "c.txt").write_text("Third\n\nstory.\n")
    (tmp_path / "d.rst").write_text("Left out\n========\n")
    skipped: list[tuple[Path, str]] = []
    articles = list(iter_articles(tmp_path, max_bytes=LIMIT, on_skip=lambda p, r: skipped.append((p, r))))
    assert [(a.id, a.title) for a in articles] == [("a", "One"), ("b", None), ("c", "Third")]
    assert count_inputs(tmp_path) == 3
    assert skipped == [
        (
            tmp_path / "d.rst",
            "not a .txt, .html, .htm, .md, .markdown, .jsonl, .rss, .atom or .xml (a feed) file",
        )
    ]


def test_stdin_is_read_as_markdown_when_it_opens_as_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("# Storm hits\n\nPower is **out**.\n"))
    (article,) = list(iter_articles("-", max_bytes=LIMIT))
    assert (article.id, article.title, article.text) == ("stdin", "Storm hits", "Storm hits\n\nPower is out.")
    assert article.source_path is None
    monkeypatch.setattr("sys.stdin", io.StringIO("Storm hits\n\nPower is **out**.\n"))
    (plain,) = list(iter_articles("-", max_bytes=LIMIT))
    assert plain.text == "Storm hits\n\nPower is **out**.\n"  # plain text, kept exactly


def test_what_sniffs_as_markdown() -> None:
    assert is_markdown("\ufeff\n## Heading\n\nText")
    assert is_markdown("---\ntitle: x\n---\n")
    assert not is_markdown("#hashtag politics\n\nText")
    assert not is_markdown("---\n\nA text after a rule.")
    assert not is_markdown("Plain text.\n\n# not first")


def test_a_folders_readme_is_left_out_not_analysed(tmp_path: Path) -> None:
    """A corpus folder's README.md was analysed as one of its articles."""
    (tmp_path / "README.md").write_text("# About this corpus\n\nCollected in 2024.\n")
    (tmp_path / "story.md").write_text("Power is out.\n")
    skipped: list[tuple[str, str]] = []
    articles = list(
        iter_articles(tmp_path, max_bytes=LIMIT, on_skip=lambda p, r: skipped.append((p.name, r)))
    )
    assert [a.id for a in articles] == ["story"]
    assert skipped == [
        ("README.md", "the folder's own documentation, not an article (pass it on its own to analyse it)")
    ]
    assert count_inputs(tmp_path) == 1
    (readme,) = read(tmp_path / "README.md")  # given on its own, it is read
    assert readme.title == "About this corpus"


def test_a_markdown_string_or_bytes_read_as_stdin_is() -> None:
    """unspun.analyze(str) and POST /api/analyze (the page's "Open a file" of a .md file) read
    Markdown as the CLI reads it on stdin."""
    from unspun.readers.dispatch import read_data, read_string

    source = "---\ntitle: Storm hits\ndate: 2024-05-01\n---\n\nPower is **out**.\n\n```\ncode\n```\n"
    for article in (read_string(source), read_data(source.encode("utf-16"))):
        assert (article.title, article.published) == ("Storm hits", dt.date(2024, 5, 1))
        assert article.text == "Storm hits\n\nPower is out."
    plain = "#MeToo marches\n\nThousands **marched**.\n"  # a hashtag is no heading
    assert read_string(plain).text == plain
    with pytest.raises(EmptyInputError, match="the Markdown text: no text found"):
        read_string("---\ntitle: Code only\n---\n```\nprint(1)\n```\n")


def test_a_folder_holding_only_its_readme_says_so(tmp_path: Path) -> None:
    """It said "no readable .txt, ..., .md ... files" of a folder holding a README.md."""
    (tmp_path / "README.md").write_text("# About\n\nThis corpus.\n")
    for name in ("a.pdf", "b.doc", "c.png", "d.gif"):
        (tmp_path / name).write_bytes(b"%PDF")
    (tmp_path / "sub").mkdir()
    with pytest.raises(EmptyInputError) as raised:
        read(tmp_path)
    assert raised.value.message.endswith(
        " files (left out: README.md: the folder's own documentation, not an article; "
        "a.pdf, b.doc, c.png and 1 more: another type; sub: a folder); add some articles"
    )


def test_template_tags_of_a_site_generator_are_no_prose() -> None:
    blocks = markdown_blocks(
        'Intro.\n\n{{< figure src="x.jpg" caption="A photo" >}}\n\n{% include ad.html %}\n\n'
        "{{% notice %}}\nInside a notice.\n{{% /notice %}}\n\nVisit {{ site.url }} today.\n"
    )
    assert blocks == [("p", "Intro."), ("p", "Inside a notice."), ("p", "Visit today.")]


def test_footnote_marks_go_and_their_notes_stay() -> None:
    blocks = markdown_blocks("Costs rose 40%[^1] in a year.\n\n[^1]: Source: the council's own figures.\n")
    assert blocks == [("p", "Costs rose 40% in a year."), ("p", "Source: the council's own figures.")]
