import datetime as dt
import io
import json
import os
import re
import struct
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unspun.document import Article
from unspun.errors import (
    EmptyInputError,
    EncodingError,
    FormatError,
    InputError,
    InputNotFoundError,
    InputTooLargeError,
    InputWarning,
    LanguageNotSupportedError,
    UnspunError,
)
from unspun.readers.dispatch import (
    count_inputs,
    iter_articles,
    read_folder,
    read_html,
    read_jsonl,
    read_string,
    read_text,
    read_text_file,
)
from unspun.readers.feed import read_feed
from unspun.readers.html import title_site
from unspun.readers.text import parse_published
from unspun.runner import told_warnings

LIMIT = 1024 * 1024
# What no text holds (refused as a wrong decoding): C0 but \t \n \v \f \r, and C1.
CONTROL = re.compile("[\\x00-\\x08\\x0e-\\x1f\\x80-\\x9f]")
UNDECODABLE = bytes(range(0x80, 0x100)) * 4  # no encoding of the supported languages reads it

PAGE = """<!DOCTYPE html>
<html><head><title>Storm Hits Coast | Daily Site</title>
<link rel="canonical" href="https://news.example.org/storm">
<meta property="article:published_time" content="2024-03-05"></head>
<body><nav>Home | World | Sport</nav>
<article><h1>Storm Hits Coast</h1>
<p>A powerful storm struck the coast on Tuesday, and officials said thousands of homes lost power overnight.</p>
<p>Critics called the response a total disaster, while the mayor insisted that every crew was working hard.</p>
</article><footer>Copyright Daily Site</footer></body></html>
"""


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# read_text


def test_read_text_title_when_first_line_followed_by_blank_line() -> None:
    text = "  Big Headline \n\nBody starts here."
    article = read_text(text, id="a1")
    assert article.title == "Big Headline"
    assert article.text == text
    assert article.id == "a1"
    assert article.text[article.text.index("Body") :].startswith("Body")


def test_read_text_no_title_without_blank_line() -> None:
    article = read_text("First line\nsecond line\n\nthird")
    assert article.title is None
    assert article.id == "text"


def test_read_text_one_line_alone_is_body_not_title() -> None:
    for text in ["The traitors sold us out. Wake up!\n", "The traitors sold us out.\r\n\r\n", "One line"]:
        assert read_text(text).title is None
    assert read_text("Headline\n\n\n Body").title == "Headline"


def test_read_text_first_paragraph_that_reads_as_a_paragraph_is_no_title() -> None:
    # QA: a wire story pasted without its headline, a paragraph a line, took its whole first
    # paragraph as the title ("The city council voted 7-2 ... officials said.", 125 characters),
    # and the quote in it ("officials said") was left out as a headline's.
    lead = "The city council voted 7-2 on Tuesday to approve a budget for the harbour wall, officials said."
    assert read_text(f'{lead}\n\n"The wall is failing," the mayor said.\n').title is None
    long = " ".join(["word"] * 30)
    assert read_text(f"{long}\n\nBody.").title is None  # more words than a headline has
    assert read_text('Mayor slams critics as "enemies of progress"\n\nBody.').title is not None
    assert read_text("Can anyone still believe the mayor?\n\nBody.").title is not None


def test_read_text_title_after_leading_blank_lines() -> None:
    # QA: a story pasted with an empty line or two above its headline had no title.
    for text in ["\nBig Headline\n\nBody.", "\ufeff\r\n  \nBig Headline\r\n\r\nBody."]:
        article = read_text(text)
        assert article.title == "Big Headline" and article.text == text
    assert read_text("\n\nOne line alone\n").title is None


def test_read_text_title_with_crlf_blank_line() -> None:
    article = read_text("Headline\r\n\r\nBody")
    assert article.title == "Headline"
    assert article.text == "Headline\r\n\r\nBody"


def test_read_text_rejects_blank_text() -> None:
    with pytest.raises(EmptyInputError, match="empty"):
        read_text(" \n\t\n")


# read_text_file


def test_read_text_file_keeps_bom_and_counts_it(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "article123.txt", "\ufeffTitle\n\nHe lied.".encode())
    article = read_text_file(path, max_bytes=LIMIT)
    assert article.text[0] == "\ufeff"
    assert article.text.index("lied") == 11
    assert article.title == "Title"
    assert article.id == "123"
    assert article.source_path == str(path)


def test_read_text_file_keeps_crlf_and_lone_cr(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "crlf.txt", b"One\r\ntwo\rthree\r\n")
    article = read_text_file(path, max_bytes=LIMIT)
    assert article.text == "One\r\ntwo\rthree\r\n"
    assert article.id == "crlf"


def test_read_text_file_unicode_offsets_are_code_points(tmp_path: Path) -> None:
    text = "Fire \U0001f525 \u706b\u707d e\u0301lite target"
    path = tmp_path / "uni.txt"
    path.write_bytes(text.encode("utf-8"))
    article = read_text_file(path, max_bytes=LIMIT)
    assert article.text == text
    # emoji 1 + CJK 2 + "e" + combining acute each count as one code point
    assert article.text.index("target") == 17
    assert article.text[17:23] == "target"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("article111111111.txt", "111111111"), ("article12.txt.bak", "article12.txt"), ("notes.txt", "notes")],
)
def test_read_text_file_id_from_name(tmp_path: Path, name: str, expected: str) -> None:
    path = write_bytes(tmp_path / name, b"text")
    assert read_text_file(path, max_bytes=LIMIT).id == expected


def test_read_text_file_missing(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match="does not exist"):
        read_text_file(tmp_path / "nope.txt", max_bytes=LIMIT)


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t", b"\xef\xbb\xbf\n"])
def test_read_text_file_empty(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(EmptyInputError, match="empty"):
        read_text_file(write_bytes(tmp_path / "e.txt", data), max_bytes=LIMIT)


def test_read_text_file_binary(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "b.txt", b"BIN\x01\x00\x00data")
    with pytest.raises(EncodingError, match="looks binary.*offset 4"):
        read_text_file(path, max_bytes=LIMIT)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            "is a PDF document, not text; extract its text first (pdftotext",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "is a ZIP archive (a .docx, .odt or .epub document"),
        (b"\x1f\x8b\x08\x00", "is gzip-compressed, not text; decompress it first (gunzip"),
        (b"{\\rtf1\\ansi Hello}", "is an RTF document, not text; save it as plain text"),
    ],
)
def test_a_document_file_is_named_with_how_to_get_its_text(tmp_path: Path, data: bytes, says: str) -> None:
    # QA: a PDF or a Word file given by mistake got "looks binary (a NUL byte ...)"
    with pytest.raises(EncodingError, match=re.escape(says)):
        read_text_file(write_bytes(tmp_path / "doc.txt", data), max_bytes=LIMIT)
    from unspun.readers.encoding import decode

    with pytest.raises(EncodingError, match=re.escape(says)):
        decode(data, "the uploaded file")


def test_read_text_file_latin1_is_read_as_windows_1252(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "l.txt", "Caf\u00e9 society".encode("latin-1"))
    assert read_text_file(path, max_bytes=LIMIT).text == "Caf\u00e9 society"


@pytest.mark.parametrize(
    ("text", "codec", "name"),
    [
        (
            "The mayor said \u201cwe will win\u201d \u2014 it\u2019s a lie, they say.",
            "cp1252",
            "Windows-1252",
        ),
        (
            "Il sindaco \u00e8 un bugiardo, perch\u00e9 la citt\u00e0 \u00e8 al verde.",
            "cp1252",
            "Windows-1252",
        ),
        (
            "Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 ja\u017a\u0144. Rz\u0105d k\u0142amie, m\u00f3wi\u0105 mieszka\u0144cy.",
            "cp1250",
            "Windows-1250",
        ),
        (
            "\u041f\u0440\u0430\u0432\u0438\u0442\u0435\u043b\u044c\u0441\u0442\u0432\u043e \u043b\u0436\u0451\u0442, \u0433\u043e\u0432\u043e\u0440\u044f\u0442 \u0436\u0438\u0442\u0435\u043b\u0438.",
            "cp1251",
            "Windows-1251",
        ),
        (
            "\u041f\u0440\u0430\u0432\u0438\u0442\u0435\u043b\u044c\u0441\u0442\u0432\u043e \u043b\u0436\u0451\u0442, \u0433\u043e\u0432\u043e\u0440\u044f\u0442 \u0436\u0438\u0442\u0435\u043b\u0438.",
            "koi8_r",
            "KOI8-R",
        ),
    ],
)
def test_legacy_encodings_are_detected_and_read_exactly(text: str, codec: str, name: str) -> None:
    from unspun.readers.encoding import decode

    decoded = decode(text.encode(codec), Path("a.txt"))
    assert (decoded.text, decoded.encoding) == (text, name)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_wide_text_with_a_bom_is_read_with_the_bom_kept_as_character_0(tmp_path: Path, codec: str) -> None:
    text = "Title\n\nThe \u201cminister\u201d lied \U0001f525 again.\r\n"
    data = text.encode(codec) if codec != "utf-16-be" else b"\xfe\xff" + text.encode(codec)
    article = read_text_file(write_bytes(tmp_path / "w.txt", data), max_bytes=LIMIT)
    assert article.text == "\ufeff" + text and article.title == "Title"


def test_utf16_without_a_bom_is_named(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "w.txt", "Hello, this is text".encode("utf-16-le"))
    with pytest.raises(EncodingError, match="UTF-16LE text without a byte-order mark.*iconv -f UTF-16LE"):
        read_text_file(path, max_bytes=LIMIT)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_cyrillic_utf16_without_a_bom_is_named(tmp_path: Path, codec: str) -> None:
    text = "\u041f\u0440\u0430\u0432\u0438\u0442\u0435\u043b\u044c\u0441\u0442\u0432\u043e \u043b\u0436\u0451\u0442."
    path = write_bytes(tmp_path / "r.txt", text.encode(codec))
    with pytest.raises(EncodingError, match=f"{codec.replace('utf-16-', 'UTF-16').upper()} text without"):
        read_text_file(path, max_bytes=LIMIT)


def test_a_program_is_binary_not_utf16(tmp_path: Path) -> None:
    # An ELF file's tables of little-endian integers put NUL bytes at every other offset: it was
    # called "UTF-16LE text without a byte-order mark" with advice to convert it with iconv.
    program = b"\x7fELF\x02\x01\x01\x00" + struct.pack("<400I", *range(400))
    with pytest.raises(EncodingError, match="looks binary .*offset 7"):
        read_text_file(write_bytes(tmp_path / "ls", program), max_bytes=LIMIT)


def test_damaged_utf8_is_refused_rather_than_read_as_mojibake(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "d.txt", "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e".encode() + b"\xff!")
    with pytest.raises(EncodingError, match="not valid UTF-8 .*offset 21.* most of it is") as info:
        read_text_file(path, max_bytes=LIMIT)
    assert "\n" not in str(info.value)


def test_bytes_no_encoding_reads_name_the_guess_and_iconv(tmp_path: Path) -> None:
    path = write_bytes(
        tmp_path / "j.txt",
        "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3067\u3059\u3002".encode("shift_jis"),
    )
    with pytest.raises(EncodingError, match=r"not UTF-8 .*iconv -f \S+ -t UTF-8 .*j\.txt > fixed\.txt"):
        read_text_file(path, max_bytes=LIMIT)


@pytest.mark.parametrize("char", ["\u0093", "\u0001", "\x00"])
def test_control_characters_are_refused_not_analysed(tmp_path: Path, char: str) -> None:
    text = f"The minister said {char}we will win{char} today."
    in_file = (
        "a NUL byte at byte offset 18" if char == "\x00" else f"character U\\+{ord(char):04X} at character 18"
    )
    with pytest.raises(EncodingError, match=in_file):
        read_text_file(write_bytes(tmp_path / "c.txt", text.encode("utf-8")), max_bytes=LIMIT)
    with pytest.raises(EncodingError, match=f"control character U\\+{ord(char):04X} at character 18"):
        read_string(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The minister said \u0001we will win today.", "the text"),
        ("# Vote\n\nThe minister said \u0001we will win today.", "the text"),
        ("<p>The minister said \x00we will win today.</p>", "the HTML text"),
    ],
)
def test_a_control_character_in_a_string_is_said_of_a_text_not_a_file(text: str, kind: str) -> None:
    # QA: POST /api/analyze with a control character in its JSON "text" field was told to
    # "give a UTF-8 text, HTML, Markdown or JSONL file"; a file keeps that advice (above).
    with pytest.raises(EncodingError) as raised:
        read_string(text)
    message = raised.value.message
    assert message.startswith(f"{kind} holds the control character U+"), message
    assert "remove it" in message and "give a UTF-8" not in message, message
    with pytest.raises(EncodingError, match="the Markdown text holds the control character U\\+0001"):
        read_string("The minister said \u0001we will win today.", markdown=True)


def test_an_html_string_keeps_its_other_control_characters_to_the_extraction() -> None:
    # A page's markup may hold a stray control character, which the extraction drops: only NUL is refused.
    story = "The minister said we will win today, and the crowd cheered."
    assert read_string(f"<p>{story}\u0001</p>").text == story


def test_smart_quotes_read_as_latin1_get_the_windows_1252_advice(tmp_path: Path) -> None:
    garbled = "He said \u201cno\u201d.".encode("cp1252").decode("latin-1")  # what iconv -f latin1 made
    path = write_bytes(tmp_path / "g.txt", garbled.encode("utf-8"))
    with pytest.raises(EncodingError, match="Windows-1252 as if it were Latin-1.*iconv -f CP1252 -t UTF-8"):
        read_text_file(path, max_bytes=LIMIT)


def test_a_stray_c1_character_beside_real_smart_quotes_is_read_as_it_is(tmp_path: Path) -> None:
    # One PTC training article holds a lone U+009D (a UTF-8 mojibake remnant) among its curly
    # quotes: research predictions must not lose such an article, and its offsets count the char.
    text = "The minister said \u201cwe will win\u201d today.\u009d And the crowd cheered loudly."
    assert read_text_file(write_bytes(tmp_path / "s.txt", text.encode("utf-8")), max_bytes=LIMIT).text == text
    assert read_string(text).text == text
    with pytest.raises(EncodingError, match="control character U\\+0001"):
        read_string(text + "\u0001")


def test_read_text_file_size_limit(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "big.txt", b"x" * 11)
    assert read_text_file(path, max_bytes=11).text == "x" * 11
    with pytest.raises(InputTooLargeError, match="11 bytes.*10 bytes.*--max-input-mb.*UNSPUN_MAX_INPUT_MB"):
        read_text_file(path, max_bytes=10)


def test_read_text_file_size_limit_in_megabytes(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "big.txt", b"x" * (3 * LIMIT))
    with pytest.raises(InputTooLargeError, match=r"3\.0 MB, over the 2\.0 MB"):
        read_text_file(path, max_bytes=2 * LIMIT)


@pytest.mark.needs("pyarrow")  # the batch engine's signatures are read too
def test_the_input_limit_is_declared_once() -> None:
    """The max_input_mb setting and every function that takes max_bytes share one default."""
    import inspect

    from unspun.config import Settings
    from unspun.readers.encoding import DEFAULT_MAX_BYTES, MAX_INPUT_MB
    from unspun.readers.url import fetch, url_article
    from unspun.scale.batch import run_batch
    from unspun.scale.worker import AnalyseBatch
    from unspun.store.ingest import ingest, read_sources

    assert Settings().max_input_mb == MAX_INPUT_MB and Settings().max_input_bytes == DEFAULT_MAX_BYTES
    assert DEFAULT_MAX_BYTES == 10 * LIMIT
    for function in (fetch, url_article, run_batch, AnalyseBatch, ingest, read_sources):
        assert inspect.signature(function).parameters["max_bytes"].default == DEFAULT_MAX_BYTES, function
    source = Path(__file__).resolve().parents[1] / "src" / "unspun"
    written = [f for f in source.rglob("*.py") if re.search(r"\b10 \* 1024 \* 1024\b", f.read_text("utf-8"))]
    assert not written, (
        f"the input limit is written again in {written}; use readers.encoding.DEFAULT_MAX_BYTES"
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.lists(
        st.one_of(st.sampled_from(["\ufeff", "\r\n", "\r", "\n", " "]), st.characters(codec="utf-8")),
        min_size=1,
    )
    .map("".join)
    .filter(lambda s: s.replace("\ufeff", "").strip() and not CONTROL.search(s))
)
def test_read_text_file_returns_written_text_exactly(tmp_path: Path, body: str) -> None:
    path = tmp_path / "prop.txt"
    path.write_bytes(body.encode("utf-8"))
    assert read_text_file(path, max_bytes=LIMIT).text == body


# read_html


def test_read_html_extracts_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "storm.html"
    path.write_text(PAGE, encoding="utf-8")
    article = read_html(path, max_bytes=LIMIT)
    assert "thousands of homes lost power" in article.text
    assert "Home | World" not in article.text
    assert "Copyright" not in article.text
    assert article.title is not None and "Storm Hits Coast" in article.title
    assert article.url == "https://news.example.org/storm"
    assert article.published == dt.date(2024, 3, 5)
    assert article.id == "storm"


@pytest.mark.parametrize(
    "menu",
    [
        "<nav>Home | Sport</nav>",
        '<div class="menu">Home | Sport | Subscribe</div>',
        '<header><a href="/">Home</a> <a href="/s">Sport</a></header>',
    ],
)
def test_read_html_a_short_story_leaves_the_page_menu_out(tmp_path: Path, menu: str) -> None:
    # QA: on a one-paragraph page trafilatura's fallback kept the menu: "Home | Sport\nThe reckless..."
    path = tmp_path / "short.html"
    story = "The reckless mayor destroyed everything, critics said on Monday."
    path.write_text(f"<html><body>{menu}<article><p>{story}</p></article></body></html>", encoding="utf-8")
    assert read_html(path, max_bytes=LIMIT).text == story


CONSENT = (
    "<p>We and our 842 partners store and/or access information on a device, such as cookies, and "
    "process personal data for personalised advertising and content measurement.</p>"
    "<p>You may click to consent to our and our partners' processing as described above.</p>"
    "<button>I accept</button>"
)


@pytest.mark.parametrize(
    "banner",
    [
        f'<div class="consent-overlay"><h2>We value your privacy</h2>{CONSENT}</div>',
        f'<div id="onetrust-banner-sdk">{CONSENT}</div>',
        f'<section class="qc-cmp2-container">{CONSENT}</section>',
    ],
)
@pytest.mark.parametrize("declaration", ["", '<?xml version="1.0" encoding="utf-8"?>\n'])
def test_read_html_leaves_a_consent_banner_out(tmp_path: Path, banner: str, declaration: str) -> None:
    # QA: a consent overlay's two paragraphs followed a short story as paragraphs of its body.
    story = "The mayor resigned on Friday after a disastrous week."
    path = tmp_path / "consent.html"
    page = f"{declaration}<html><body>{banner}<main><h1>Mayor resigns</h1><p>{story}</p></main></body></html>"
    path.write_text(page, encoding="utf-8")
    assert read_html(path, max_bytes=LIMIT).text == f"Mayor resigns\n\n{story}"


def test_read_html_keeps_an_article_about_cookies_and_a_wrapper_named_for_consent(tmp_path: Path) -> None:
    story = "Regulators said the consent banners of 40 sites broke the cookie law, and fined them."
    path = tmp_path / "law.html"
    path.write_text(
        f'<html><body class="cookie-consent-pending"><div class="page has-consent"><main>'
        f"<h1>Cookie fines</h1><p>{story}</p></main></div></body></html>",
        encoding="utf-8",
    )
    assert read_html(path, max_bytes=LIMIT).text == f"Cookie fines\n\n{story}"


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("<p>{story}</p>", "{story}"),  # was "no main article text found"
        ("<article><h1>Mayor quits</h1><p>{story}</p></article>", "Mayor quits\n\n{story}"),  # lost the <h1>
        (
            "<html><body><article><h1>Mayor quits</h1><p>{story}</p></article></body></html>",
            "Mayor quits\n\n{story}",
        ),
    ],
)
def test_read_html_a_fragment_reads_as_the_page_it_came_from(
    tmp_path: Path, fragment: str, text: str
) -> None:
    # QA: a pasted one-paragraph fragment was refused, and a fragment's headline left out.
    story = "The reckless mayor destroyed everything, critics said on Monday."
    path = tmp_path / "fragment.html"
    path.write_text(fragment.format(story=story), encoding="utf-8")
    assert read_html(path, max_bytes=LIMIT).text == text.format(story=story)


def test_read_html_never_guesses_the_date_from_a_copyright_line(tmp_path: Path) -> None:
    # A page without a date in its markup got published 2024-01-01 from "Copyright 2024".
    undated = PAGE.replace('<meta property="article:published_time" content="2024-03-05">', "")
    path = tmp_path / "undated.html"
    path.write_text(undated.replace("Copyright Daily Site", "Copyright 2024 Daily Site"), encoding="utf-8")
    assert read_html(path, max_bytes=LIMIT).published is None
    path.write_text(
        undated.replace("<h1>", '<time datetime="2022-03-04">4 March 2022</time><h1>'), encoding="utf-8"
    )
    assert read_html(path, max_bytes=LIMIT).published == dt.date(2022, 3, 4)


def test_read_html_outlet_from_site_name(tmp_path: Path) -> None:
    path = tmp_path / "harbour.html"
    path.write_text(
        PAGE.replace("</head>", '<meta property="og:site_name" content="  Harbour Times "></head>'),
        encoding="utf-8",
    )
    assert read_html(path, max_bytes=LIMIT).outlet == "Harbour Times"


@pytest.mark.parametrize(
    ("head", "outlet"),
    [
        # A headline with a decimal in the <title> was the outlet (trafilatura's fallback to the
        # title part holding a dot, meant for "example.com"): the URL's host is taken instead.
        ("<title>Rates rise to 4.5% | Daily Site</title>", "news.example.org"),
        ("<title>Rates rise to 4.5% | dailysite.com</title>", "dailysite.com"),
        (
            '<title>Rates rise to 4.5% | St. Louis Post</title><meta property="og:site_name" content="St. Louis Post">',
            "St. Louis Post",
        ),
        (
            '<title>Rates rise to 4.5% | Daily Site</title><script type="application/ld+json">'
            '{"@context": "https://schema.org", "@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Daily Site"}}</script>',
            "Daily Site",
        ),
    ],
)
def test_read_html_outlet_is_never_the_headline(tmp_path: Path, head: str, outlet: str) -> None:
    path = tmp_path / "rates.html"
    path.write_text(PAGE.replace("<title>Storm Hits Coast | Daily Site</title>", head), encoding="utf-8")
    assert read_html(path, max_bytes=LIMIT).outlet == outlet
    path.write_text(
        path.read_text(encoding="utf-8").replace('<link rel="canonical"', "<link"), encoding="utf-8"
    )
    # Without the canonical link (a saved page), the site named at the end of the <title>.
    assert read_html(path, max_bytes=LIMIT).outlet == (
        "Daily Site" if outlet == "news.example.org" else outlet
    )


def test_a_saved_page_without_site_name_or_address_takes_its_outlet_from_the_title(tmp_path: Path) -> None:
    # QA (s46): "<title>Mayor defends housing plan - City Herald</title>" in a saved page gave no
    # outlet (site names came from host names only).
    path = tmp_path / "herald.html"
    page = PAGE.replace('<link rel="canonical" href="https://news.example.org/storm">', "")
    path.write_text(
        page.replace("Storm Hits Coast | Daily Site", "Storm Hits Coast - City Herald"), encoding="utf-8"
    )
    article = read_html(path, max_bytes=LIMIT)
    assert (article.title, article.outlet) == ("Storm Hits Coast", "City Herald")
    # og:site_name stands first (a fetched page's host, too: test_url)
    path.write_text(
        page.replace("Storm Hits Coast | Daily Site", "Storm Hits Coast - City Herald").replace(
            "</head>", '<meta property="og:site_name" content="The Herald"></head>'
        ),
        encoding="utf-8",
    )
    assert read_html(path, max_bytes=LIMIT).outlet == "The Herald"


@pytest.mark.parametrize(
    ("title", "site"),
    [
        ("Brexit: the deal explained - BBC News", "BBC News"),
        ("Mayor defends housing plan | City Herald", "City Herald"),
        ("Rates rise to 4.5% \u2013 The Daily Courier", "The Daily Courier"),
        ("Covid-19 - what we know", None),  # a dash inside the headline
        ("Covid-19 - What We Know", None),  # the headline's own half, not shorter than the rest
        ("Why the vote failed - and what comes next", None),
        ('Budget passed - Council says "no" to cuts', None),
        ("Storm Hits Coast", None),
        ("Prices rise again - A Very Long Name For Any Site", None),
    ],
)
def test_title_site_is_only_a_short_name_after_the_last_separator(title: str, site: str | None) -> None:
    assert title_site(title) == site


@pytest.mark.parametrize(
    ("title", "site"),
    [
        ("Harbour Daily - Home", "Harbour Daily"),
        ("Home | Harbour Daily", "Harbour Daily"),
        ("Home - the best local news", None),
    ],
)
def test_a_home_pages_title_names_its_site_not_home(title: str, site: str | None) -> None:
    # QA s49: a saved front page titled "Harbour Daily - Home" gave the outlet "Home" and the
    # headline "Harbour Daily" put before its text.
    from unspun.readers.html import html_article

    assert title_site(title) == site
    page = (
        f"<html><head><title>{title}</title></head><body><main><article><h2>Bus lanes approved</h2>"
        "<p>The council voted 7-2 to add lanes on Harbour Road on Tuesday evening.</p></article></main></body></html>"
    )
    article = html_article(page.encode(), id="p", where="p.html", source_path=None)
    if site is not None:
        assert article.outlet == site and not article.text.startswith(site), (article.outlet, article.text)


def test_read_html_separates_headline_and_paragraphs_by_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "news.html"
    path.write_text(
        "<html><head><title>Vote Delayed</title></head><body><article>"
        "<h1>Council Delays The Vote</h1>"
        "<p>The city council delayed the budget vote on Monday after a long and heated debate.</p>"
        "<p>Opponents called the plan a reckless gamble,<br>and supporters said it was long overdue.</p>"
        "<p>A new vote is expected next month, once the auditors have reviewed the final figures.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    text = read_html(path, max_bytes=LIMIT).text
    assert text.split("\n\n") == [
        "Council Delays The Vote",
        "The city council delayed the budget vote on Monday after a long and heated debate.",
        "Opponents called the plan a reckless gamble,\nand supporters said it was long overdue.",
        "A new vote is expected next month, once the auditors have reviewed the final figures.",
    ]


def test_read_html_puts_a_headline_set_outside_the_article_first(tmp_path: Path) -> None:
    # The headline in a <header> outside <article>: trafilatura's body starts with the first
    # paragraph, so the headline would be read by no step (a text file opens with it).
    path = tmp_path / "op.html"
    path.write_text(
        "<html><head><title>Opinion: The budget is a betrayal | Town Gazette</title></head><body>"
        "<header><h1>Opinion: The budget is a betrayal</h1></header><article>"
        "<p>Once again the council has chosen the easy road, and residents will pay for it.</p>"
        "<p>It is time to vote these officials out before they bankrupt the town for good.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    article = read_html(path, max_bytes=LIMIT)
    assert article.title == "Opinion: The budget is a betrayal"
    assert article.text.split("\n\n") == [
        "Opinion: The budget is a betrayal",
        "Once again the council has chosen the easy road, and residents will pay for it.",
        "It is time to vote these officials out before they bankrupt the town for good.",
    ]


def test_read_html_byline_opening_the_article_is_not_the_headline(tmp_path: Path) -> None:
    # A short first paragraph (a byline, a time stamp) read as a headline line had kept the
    # page's headline, set in a <header> outside <article>, out of the text.
    path = tmp_path / "reef.html"
    path.write_text(
        "<html><head><title>Scientists warn of coral collapse</title></head><body>"
        "<header><h1>Scientists warn of coral collapse</h1></header><article>"
        "<p>By Maria Lopez</p><p>Updated 10:42 GMT</p>"
        "<p>The Great Barrier Reef could lose most of its coral within two decades, scientists warned.</p>"
        "<p>They said that emissions cuts were the only lasting remedy for the reefs of the region.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    assert read_html(path, max_bytes=LIMIT).text.split("\n\n")[:3] == [
        "Scientists warn of coral collapse",
        "By Maria Lopez",
        "Updated 10:42 GMT",
    ]


def test_read_html_section_heading_opening_the_article_is_not_the_headline(tmp_path: Path) -> None:
    path = tmp_path / "minister.html"
    path.write_text(
        "<html><head><title>Minister resigns - World News Tonight</title></head><body>"
        "<header><h1>Health minister resigns after leaked messages</h1></header><article>"
        "<h2>Key points</h2><ul><li>The minister attended a party</li><li>He apologised</li></ul>"
        "<p>The health minister resigned on Saturday, hours after a newspaper published messages.</p>"
        "<p>The prime minister said she accepted the resignation with regret and named a successor.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    text = read_html(path, max_bytes=LIMIT).text
    assert text.split("\n\n")[:2] == ["Health minister resigns after leaked messages", "Key points"]


@pytest.mark.parametrize("title", ["Le Courrier du Sud", "courrier-du-sud.example.fr"])
def test_read_html_site_name_as_the_title_does_not_open_the_text(tmp_path: Path, title: str) -> None:
    # A page without a headline has the site's name for its title: not a headline of the text.
    path = tmp_path / "budget.html"
    path.write_text(
        f"<html><head><title>{title}</title>"
        '<meta property="og:site_name" content="Le Courrier du Sud"></head><body><div>'
        "<p>Le conseil municipal a adopté jeudi soir un budget record, malgré les protestations.</p>"
        "<p>Le maire a défendu un budget responsable et ambitieux devant les journalistes présents.</p>"
        "</div></body></html>",
        encoding="utf-8",
    )
    assert read_html(path, max_bytes=LIMIT).text.startswith("Le conseil municipal")


@pytest.mark.parametrize(
    ("lead", "title"),
    [
        ("<p>BREAKING</p>", "Dam collapse kills dozens"),  # a kicker before the <h1>
        ("<p>By Ann Lee</p>", "Dam collapse: dozens dead"),  # a byline before an <h1> worded otherwise
    ],
)
def test_read_html_short_lines_before_the_h1_go_after_it(tmp_path: Path, lead: str, title: str) -> None:
    # The <h1> after a kicker or byline had the title put before them as well: the headline
    # twice, or a byline read as the headline.
    path = tmp_path / "dam.html"
    path.write_text(
        f"<html><head><title>{title}</title></head><body><article>{lead}"
        "<h1>Dam collapse kills dozens</h1>"
        "<p>At least 40 people died when a dam collapsed in the north of the country on Monday.</p>"
        "<p>Rescue teams were searching for survivors through the night, officials said.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    text = read_html(path, max_bytes=LIMIT).text
    assert text.split("\n\n")[:2] == ["Dam collapse kills dozens", lead[3:-4]]
    assert text.count("Dam collapse") == 1


def test_read_html_own_heading_worded_otherwise_than_the_title_is_kept(tmp_path: Path) -> None:
    # The <h1> in the body is the headline, though og:title words it otherwise: not doubled.
    path = tmp_path / "minister.html"
    path.write_text(
        "<html><head><title>Minister resigns - World News Tonight</title>"
        '<meta property="og:title" content="Health minister quits over leaked messages"></head>'
        "<body><main><h1>Health minister resigns after leaked messages reveal party</h1>"
        "<p>The health minister resigned on Saturday, hours after a newspaper published messages.</p>"
        "<p>The prime minister said she accepted the resignation with regret and named a successor.</p>"
        "</main></body></html>",
        encoding="utf-8",
    )
    text = read_html(path, max_bytes=LIMIT).text
    assert text.split("\n\n")[0] == "Health minister resigns after leaked messages reveal party"
    assert "quits" not in text


def test_read_html_headline_is_not_repeated(tmp_path: Path) -> None:
    path = tmp_path / "storm.html"
    path.write_text(PAGE, encoding="utf-8")
    assert read_html(path, max_bytes=LIMIT).text.count("Storm Hits Coast") == 1


def test_read_html_without_main_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text(
        "<html><head><title>T</title></head><body><script>x()</script></body></html>", encoding="utf-8"
    )
    with pytest.raises(EmptyInputError, match="no main article text"):
        read_html(path, max_bytes=LIMIT)


@pytest.mark.parametrize(
    "body",
    [
        "<nav>Home | News</nav>",  # was analysed as the text "Home | News " (framed Security and defence)
        "<header><a href='/'>Home</a> <a href='/news'>News</a></header><footer>(c) 2026 Courier</footer>",
        "<div role='navigation'>Home | Sport</div><aside>Most read: Storm hits coast</aside>",
    ],
)
def test_a_page_whose_only_text_is_its_menu_has_no_article(tmp_path: Path, body: str) -> None:
    page = f"<html><head><title>Courier</title></head><body>{body}</body></html>"
    path = tmp_path / "menu.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(EmptyInputError, match="menu.html: no main article text"):
        read_html(path, max_bytes=LIMIT)
    with pytest.raises(EmptyInputError, match="no main article text"):  # unspun.analyze and the API
        read_string(page)


def test_a_page_with_a_menu_and_a_story_reads_the_story(tmp_path: Path) -> None:
    story = "The council voted on Tuesday to lease the old harbour warehouses to a developer."
    path = tmp_path / "story.html"
    path.write_text(
        f"<html><body><nav>Home | News</nav><header><h1>Harbour lease</h1></header><p>{story}</p></body></html>",
        encoding="utf-8",
    )
    assert read_html(path, max_bytes=LIMIT).text == f"Harbour lease\n\n{story}"


# read_jsonl


def test_read_jsonl_ids_metadata_and_blank_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"id": "x1", "text": "One.", "url": "https://a.example", "outlet": "A", "published": "2020"}
        ),
        "",
        json.dumps({"text": "Head\n\nTwo."}),
        json.dumps({"id": 7, "text": "Three\r\n", "title": "Given"}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles = list(read_jsonl(path, max_bytes=LIMIT))
    assert [a.id for a in articles] == ["x1", "batch-3", "7"]
    assert (articles[0].url, articles[0].outlet, articles[0].published) == (
        "https://a.example",
        "A",
        dt.date(2020, 1, 1),
    )
    assert articles[1].title == "Head"
    assert articles[2].title == "Given"
    assert articles[2].text == "Three\r\n"


def test_read_jsonl_record_of_html_has_its_main_text_extracted(tmp_path: Path) -> None:
    # QA (s44): a feed dump's record holding the page's HTML ("<p>... <b>disgraceful</b> ...</p>")
    # was analysed with its markup as text (a span "<b>disgraceful</b>"), where the same string as
    # stdin, unspun.analyze(str) or a feed entry has its main text extracted.
    record = {
        "id": "h1",
        "title": "Budget row",
        "text": "<p>The council approved the <b>disgraceful</b> budget on Monday, officials said.</p>"
        "<p>Critics called it a betrayal of every family in the city.</p>",
    }
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps({"text": "<b>Not a page</b> but text."}) + "\n")
    html, plain = list(read_jsonl(path, max_bytes=LIMIT))
    assert (html.id, html.title) == ("h1", "Budget row")
    assert "<" not in html.text and "The council approved the disgraceful budget on Monday" in html.text
    assert html.text == read_string(record["text"]).text
    assert plain.text == "<b>Not a page</b> but text."  # no page start: plain text, as read_string reads it


def test_read_jsonl_keeps_line_separator_inside_text(tmp_path: Path) -> None:
    path = tmp_path / "sep.jsonl"
    path.write_text('{"text": "a\u2028b"}\n', encoding="utf-8")
    assert [a.text for a in read_jsonl(path, max_bytes=LIMIT)] == ["a\u2028b"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 2: invalid JSON"),
        ('{"title": "no text"}', "line 2: no 'text'"),
        ('["text"]', "line 2: expected a JSON object"),
        ('{"text": "ok", "url": ["x"]}', "line 2: field 'url'"),
    ],
)
def test_read_jsonl_bad_line_names_line_number(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match=message):
        list(read_jsonl(path, max_bytes=LIMIT))


def test_read_jsonl_bad_line_says_where_and_what_the_record_holds(tmp_path: Path) -> None:
    # QA: 'invalid JSON (Unterminated string starting at)' said neither where nor what; a record
    # keyed 'body' got 'no text field' without naming the key it does have.
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"id": "a3", "text": "no closing quote}\n{"id": "a5", "body": "x"}\n{}\n', encoding="utf-8"
    )
    errors: list[UnspunError] = []
    list(read_jsonl(path, max_bytes=LIMIT, on_error=lambda _, e: errors.append(e)))
    unterminated, keyed, empty = (e.message for e in errors)
    assert "line 1: invalid JSON (unterminated string starting at column 22);" in unterminated
    assert "line 2: no 'text' field (a non-empty string; the record has 'id', 'body');" in keyed
    assert "line 3: no 'text' field (a non-empty string; the record is empty);" in empty


def test_read_jsonl_a_text_that_is_no_string_is_named_as_such(tmp_path: Path) -> None:
    # QA s47: {"text": 42} read "no 'text' field (a non-empty string; the record has 'id', 'text')",
    # naming the field it says is missing.
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": 42}\n{"text": ["One.", "Two."]}\n{"text": null}\n', encoding="utf-8")
    errors: list[UnspunError] = []
    list(read_jsonl(path, max_bytes=LIMIT, on_error=lambda _, e: errors.append(e)))
    number, listed, null = (e.message for e in errors)
    assert number.endswith("line 1: 'text' must be a string (the article's text), got 42"), number
    assert listed.endswith(
        """line 2: 'text' must be a string (the article's text), got ["One.", "Two."]"""
    ), listed
    assert "line 3: 'text' must be a string (the article's text), got null" in null, null


def test_read_jsonl_bad_line_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"text": "one"}\n{not json\n\n["text"]\n{"text": "four"}\n', encoding="utf-8")
    errors: list[tuple[Path, UnspunError]] = []
    articles = list(read_jsonl(path, max_bytes=LIMIT, on_error=lambda p, e: errors.append((p, e))))
    assert [(a.id, a.text) for a in articles] == [("feed-1", "one"), ("feed-5", "four")]
    assert [p for p, _ in errors] == [Path(f"{path}:2"), Path(f"{path}:4")]
    assert all(isinstance(e, FormatError) for _, e in errors)
    assert "line 2: invalid JSON" in errors[0][1].message


def test_read_jsonl_a_record_with_empty_text_is_empty_input_as_an_empty_file_is(tmp_path: Path) -> None:
    # QA (issue 33): {"text": ""} was bad_format "no 'text' field", where an empty .txt file, a
    # feed entry without text and POST /api/analyze {"text": " "} are all empty_input.
    path = tmp_path / "recs.jsonl"
    path.write_text('{"text": "good"}\n{"text": "  "}\n{"title": "x"}\n', encoding="utf-8")
    errors: list[tuple[Path, UnspunError]] = []
    list(read_jsonl(path, max_bytes=LIMIT, on_error=lambda p, e: errors.append((p, e))))
    (blank, blank_error), (missing, missing_error) = errors
    assert isinstance(blank_error, EmptyInputError) and blank_error.code == "empty_input"
    assert (
        blank_error.message
        == f"{path}, line 2: 'text' is empty or only whitespace; give it some article text"
    )
    assert isinstance(missing_error, FormatError) and "line 3: no 'text' field" in missing_error.message
    empty = tmp_path / "empty.txt"
    empty.write_text(" \n", encoding="utf-8")
    with pytest.raises(EmptyInputError):
        list(iter_articles(empty, max_bytes=LIMIT))


def test_iter_articles_without_max_bytes_reads_up_to_the_max_input_settings_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA: the README's iter_articles(path) raised TypeError (max_bytes was required). The readers
    # sit below unspun.config, so the default is the setting's default (10 MB), not its value.
    import unspun.readers.dispatch as dispatch
    from unspun.readers.encoding import DEFAULT_MAX_BYTES, MAX_INPUT_MB, input_bytes

    assert DEFAULT_MAX_BYTES == input_bytes(MAX_INPUT_MB) == 10 * 1024 * 1024
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_text("Title\n\nA short article.", encoding="utf-8")
    big.write_text("word " * 500, encoding="utf-8")  # 2,500 bytes
    assert [a.text for a in iter_articles(small)] == ["Title\n\nA short article."]
    assert [a.id for a in iter_articles(big)] == ["big"]
    monkeypatch.setattr(dispatch, "DEFAULT_MAX_BYTES", 2_097)
    assert [a.id for a in iter_articles(small)] == ["small"]
    with pytest.raises(InputTooLargeError):
        list(iter_articles(big))


def test_iter_articles_jsonl_bad_lines_go_to_handler(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"text": "good"}\n{"text": ""}\n', encoding="utf-8")
    seen: list[Path] = []
    articles = list(iter_articles(path, max_bytes=LIMIT, on_error=lambda p, e: seen.append(p)))
    assert [a.text for a in articles] == ["good"]
    assert seen == [Path(f"{path}:2")]
    path.write_text("{broken\n[1]\n", encoding="utf-8")
    seen.clear()
    assert list(iter_articles(path, max_bytes=LIMIT, on_error=lambda p, e: seen.append(p))) == []
    assert len(seen) == 2


def test_read_jsonl_language_sets_the_articles_language(tmp_path: Path) -> None:
    path = tmp_path / "langs.jsonl"
    rows = [
        {"id": "a", "text": "Short.", "language": "en"},  # unspun's own --format jsonl field
        {"id": "b", "text": "Kurz.", "lang": "DE-at"},  # the API's name
        {"id": "c", "text": "Court."},
        {"id": "d", "text": "Short.", "language": "english"},  # a crawler's dump (was refused)
        {"id": "e", "text": "Court.", "language": "und"},  # BCP 47 undetermined: detect it
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert [a.language for a in read_jsonl(path, max_bytes=LIMIT)] == ["en", "de", None, "en", None]


def test_read_jsonl_unsupported_language_names_the_record_and_the_languages(tmp_path: Path) -> None:
    path = tmp_path / "langs.jsonl"
    path.write_text('{"text": "fine"}\n{"text": "Hola.", "language": "es"}\n', encoding="utf-8")
    errors: list[tuple[Path, UnspunError]] = []
    articles = list(read_jsonl(path, max_bytes=LIMIT, on_error=lambda p, e: errors.append((p, e))))
    assert [a.text for a in articles] == ["fine"]
    [(where, error)] = errors
    assert where == Path(f"{path}:2")
    assert isinstance(error, LanguageNotSupportedError)
    assert error.message.startswith(f"{path}, line 2: the text's language is 'es'")
    assert "en (English)" in error.message and "ru (Russian)" in error.message
    assert error.message.endswith("; fix the record's language or leave it out to have it detected")
    assert "\n" not in error.message


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "/local/path", "https://a b"])
def test_read_jsonl_refuses_a_url_that_is_not_a_web_address(tmp_path: Path, url: str) -> None:
    path = tmp_path / "urls.jsonl"
    path.write_text(json.dumps({"text": "Some text.", "url": url}) + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 1: field 'url' must be a web address"):
        list(read_jsonl(path, max_bytes=LIMIT))
    path.write_text(json.dumps({"text": "Some text.", "url": " https://a.example/x "}), encoding="utf-8")
    assert [a.url for a in read_jsonl(path, max_bytes=LIMIT)] == ["https://a.example/x"]


def test_a_feed_link_that_is_not_a_web_address_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "news.rss"
    path.write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        "<item><title>A</title><link>javascript:alert(1)</link><description>Some text here.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    [article] = iter_articles(path, max_bytes=LIMIT)
    assert article.url is None


def test_read_jsonl_duplicate_ids_made_unique(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    rows = [
        {"id": "a", "text": "1"},
        {"id": "a", "text": "2"},
        {"id": "a-2", "text": "3"},
        {"id": "a", "text": "4"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert [a.id for a in read_jsonl(path, max_bytes=LIMIT)] == ["a", "a-2", "a-2-2", "a-3"]


# read_folder


def test_read_folder_sorted_ptc_ids_and_bad_file_skipped(tmp_path: Path) -> None:
    (tmp_path / "article2.txt").write_text("Second", encoding="utf-8")
    (tmp_path / "article1.txt").write_text("First", encoding="utf-8")
    write_bytes(tmp_path / "article3.txt", UNDECODABLE)
    (tmp_path / "more.jsonl").write_text('{"text": "Fourth"}\n', encoding="utf-8")
    (tmp_path / "notes.rst").write_text("ignored", encoding="utf-8")
    errors: list[tuple[str, UnspunError]] = []
    articles = list(read_folder(tmp_path, max_bytes=LIMIT, on_error=lambda p, e: errors.append((p.name, e))))
    assert [a.id for a in articles] == ["1", "2", "more-1"]
    assert [(name, type(e)) for name, e in errors] == [("article3.txt", EncodingError)]


def test_read_folder_makes_duplicate_ids_unique(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("Plain story text.", encoding="utf-8")
    (tmp_path / "story.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "article7.txt").write_text("PTC article.", encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text(
        '{"id": "story", "text": "x"}\n{"id": "7", "text": "y"}\n', encoding="utf-8"
    )
    articles = list(read_folder(tmp_path, max_bytes=LIMIT))
    # name order: article7.txt, feed.jsonl, story.html, story.txt
    assert [(Path(a.source_path or "").name, a.id) for a in articles] == [
        ("article7.txt", "7"),
        ("feed.jsonl", "story"),
        ("feed.jsonl", "7-2"),
        ("story.html", "story-2"),
        ("story.txt", "story-3"),
    ]


def test_read_folder_bad_jsonl_line_skipped_good_lines_kept(tmp_path: Path) -> None:
    (tmp_path / "feed.jsonl").write_text('{"text": "a"}\n{oops\n{"text": "c"}\n', encoding="utf-8")
    errors: list[Path] = []
    articles = list(read_folder(tmp_path, max_bytes=LIMIT, on_error=lambda p, e: errors.append(p)))
    assert [a.text for a in articles] == ["a", "c"]
    assert errors == [tmp_path / "feed.jsonl:2"]


def test_read_folder_on_a_file_says_it_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    with pytest.raises(InputError, match="page.html is a file, not a folder") as info:
        read_folder(path, max_bytes=LIMIT)
    assert not isinstance(info.value, InputNotFoundError)


def test_read_folder_default_handler_raises(tmp_path: Path) -> None:
    write_bytes(tmp_path / "a.txt", b"")
    with pytest.raises(EmptyInputError):
        list(read_folder(tmp_path, max_bytes=LIMIT))


def test_read_folder_empty(tmp_path: Path) -> None:
    (tmp_path / "readme.md").write_text("not an input", encoding="utf-8")
    with pytest.raises(EmptyInputError, match="no readable"):
        list(read_folder(tmp_path, max_bytes=LIMIT))


def test_read_folder_all_bad_is_empty(tmp_path: Path) -> None:
    write_bytes(tmp_path / "a.txt", b"\x00\x01")
    seen: list[Path] = []
    with pytest.raises(EmptyInputError):
        list(read_folder(tmp_path, max_bytes=LIMIT, on_error=lambda p, e: seen.append(p)))
    assert seen == [tmp_path / "a.txt"]


# iter_articles / count_inputs


def test_iter_articles_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Title\n\nFrom stdin \U0001f600"))
    [article] = list(iter_articles("-", max_bytes=LIMIT))
    assert article.text == "Title\n\nFrom stdin \U0001f600"
    assert article.title == "Title"
    assert article.id == "stdin"


def test_iter_articles_stdin_keeps_crlf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Title\r\n\r\nBody {x}\r\n")))
    [article] = list(iter_articles("-", max_bytes=LIMIT))
    assert article.text == "Title\r\n\r\nBody {x}\r\n"


def test_iter_articles_stdin_html(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbf" + PAGE.encode())))
    [article] = list(iter_articles("-", max_bytes=LIMIT))
    assert "<p>" not in article.text and "Home | World" not in article.text
    assert "thousands of homes lost power" in article.text
    assert article.url == "https://news.example.org/storm"
    assert (article.id, article.source_path) == ("stdin", None)


def test_iter_articles_stdin_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    feed = '{"id": "a", "text": "One."}\n\n{"text": "Two."}\n{"id": "a", "text": "Three."}\n'
    monkeypatch.setattr("sys.stdin", io.StringIO(feed))
    articles = list(iter_articles("-", max_bytes=LIMIT))
    assert [(a.id, a.text) for a in articles] == [("a", "One."), ("stdin-3", "Two."), ("a-2", "Three.")]
    assert count_inputs("-") is None


def test_iter_articles_stdin_jsonl_bad_field_goes_to_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"text": "ok"}\n{"text": "x", "url": [1]}\n'))
    seen: list[Path] = []
    articles = list(iter_articles("-", max_bytes=LIMIT, on_error=lambda p, e: seen.append(p)))
    assert [a.text for a in articles] == ["ok"]
    assert seen == [Path("standard input:2")]


@pytest.mark.parametrize(
    "text",
    [
        'He said {"text": "a"} out loud.\n{"text": "b"}',
        '{"title": "no text field"}\n{"text": "b"}',
        '[1, 2]\n{"text": "b"}',
        '{"text": "a"} trailing\n{"text": "b"}',
        '{"text": "  "}\n{"text": "b"}',
    ],
)
def test_iter_articles_stdin_first_line_not_a_text_record_is_plain_text(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    [article] = list(iter_articles("-", max_bytes=LIMIT))
    assert (article.id, article.text) == ("stdin", text)


def test_iter_articles_stdin_jsonl_decided_by_first_line(monkeypatch: pytest.MonkeyPatch) -> None:
    feed = '\ufeff\n{"text": "one"}\nand then prose\n{broken\n{"text": "five"}\n'
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(feed.encode())))
    errors: list[tuple[Path, UnspunError]] = []
    articles = list(iter_articles("-", max_bytes=LIMIT, on_error=lambda p, e: errors.append((p, e))))
    assert [(a.id, a.text) for a in articles] == [("stdin-2", "one"), ("stdin-5", "five")]
    assert [p for p, _ in errors] == [Path("standard input:3"), Path("standard input:4")]
    assert all(isinstance(e, FormatError) for _, e in errors)


def test_iter_articles_stdin_jsonl_bad_line_raises_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"text": "a"}\nand then prose\n'))
    with pytest.raises(FormatError, match="standard input, line 2: invalid JSON"):
        list(iter_articles("-", max_bytes=LIMIT))


def test_iter_articles_stdin_latin1_is_read_as_windows_1252(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "sys.stdin", io.TextIOWrapper(io.BytesIO("Caf\u00e9 \u201cau lait\u201d".encode("cp1252")))
    )
    assert [a.text for a in iter_articles("-", max_bytes=LIMIT)] == ["Caf\u00e9 \u201cau lait\u201d"]


def test_iter_articles_stdin_undecodable_suggests_iconv_in_the_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(bytes(range(0x80, 0x100)) * 4)))
    with pytest.raises(EncodingError, match=r"standard input is not UTF-8.*offset 0") as info:
        iter_articles("-", max_bytes=LIMIT)
    assert "| iconv -f " in info.value.message and "| unspun analyze -" in info.value.message
    assert "fixed.txt" not in info.value.message


def test_iter_articles_stdin_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\u00e9" * 6))
    with pytest.raises(InputTooLargeError, match="standard input is 12 bytes"):
        iter_articles("-", max_bytes=10)


def test_iter_articles_dispatches_on_kind(tmp_path: Path) -> None:
    (tmp_path / "page.htm").write_text(PAGE, encoding="utf-8")
    (tmp_path / "saved").write_text(PAGE, encoding="utf-8")
    (tmp_path / "plain.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "rows.jsonl").write_text('{"text": "a"}\n{"text": "b"}\n', encoding="utf-8")
    assert "Home | World" not in next(iter_articles(tmp_path / "page.htm", max_bytes=LIMIT)).text
    assert "Home | World" not in next(iter_articles(str(tmp_path / "saved"), max_bytes=LIMIT)).text
    assert next(iter_articles(tmp_path / "plain.txt", max_bytes=LIMIT)).text == PAGE
    assert [a.text for a in iter_articles(tmp_path / "rows.jsonl", max_bytes=LIMIT)] == ["a", "b"]
    assert len(list(iter_articles(tmp_path, max_bytes=LIMIT))) == 4


@pytest.mark.parametrize(
    "head",
    [
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">',
        '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">',
        "<HEAD><title>Storm</title></HEAD><body>",
        "\ufeff  <!-- saved --> <body>",
        '<article class="story">',
        "<main>",
        "<div id='x'>",
        "<Section>",
        "\n\t<p>",
        "<h1>",
        "<H2 class=t>",
        "<h3>",
    ],
)
def test_iter_articles_sniffs_html_pages_and_fragments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, head: str
) -> None:
    body = (
        "<p>The harbour council voted on Tuesday to close the old ferry pier for two years of repairs.</p>"
        "<p>Residents said the decision was rushed, and the council promised a public meeting next week.</p>"
    )
    page = f"{head}{body}</body></html>"
    path = tmp_path / "saved"
    path.write_text(page, encoding="utf-8")
    [article] = list(iter_articles(str(path), max_bytes=LIMIT))
    assert "<p>" not in article.text and "old ferry pier" in article.text
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(page.encode())))
    [article] = list(iter_articles("-", max_bytes=LIMIT))
    assert "<p>" not in article.text and "old ferry pier" in article.text
    text_file = tmp_path / "saved.txt"
    text_file.write_text(page, encoding="utf-8")
    assert next(iter_articles(text_file, max_bytes=LIMIT)).text == page


@pytest.mark.parametrize(
    "text",
    [
        "<pre>code</pre> and prose",
        "<pizza> is not a tag",
        "<header>Site</header>",
        "<h4>Small heading</h4>",
        "<p-note>custom element</p-note>",
        "Prose that mentions <html> later on.",
        "<!-- a comment --> then prose <p>",
    ],
)
def test_iter_articles_does_not_sniff_other_text_as_html(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    path = tmp_path / "note"
    path.write_text(text, encoding="utf-8")
    assert next(iter_articles(str(path), max_bytes=LIMIT)).text == text
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert next(iter_articles("-", max_bytes=LIMIT)).text == text


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")


def read_named_pipe(path: Path, data: bytes, *, max_bytes: int = LIMIT) -> list[Article]:
    """Articles read by ``iter_articles`` from a new named pipe ``path`` fed ``data`` by a thread.

    A reader that opens the pipe twice (to sniff it, then to read it) would wait forever on
    the second open: it is failed after a timeout, and unblocked so the run goes on.
    """
    os.mkfifo(path)

    def write() -> None:
        try:
            with open(path, "wb") as handle:  # blocks until the reader opens the pipe
                handle.write(data)
        except BrokenPipeError:
            pass  # the reader stopped early (size limit)

    outcome: list[list[Article] | Exception] = []

    def read() -> None:
        try:
            outcome.append(list(iter_articles(str(path), max_bytes=max_bytes)))
        except Exception as exc:
            outcome.append(exc)

    writer = threading.Thread(target=write, daemon=True)
    reader = threading.Thread(target=read, daemon=True)
    writer.start()
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))  # the waiting reader gets EOF
        reader.join(timeout=5)
        pytest.fail(f"{path} was opened a second time after the writer had gone")
    writer.join(timeout=5)
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]


@needs_fifo
def test_iter_articles_reads_a_named_pipe_whole(tmp_path: Path) -> None:
    text = "Pipe Headline\r\n\r\n" + "".join(f"Line {n}: the council said so.\n" for n in range(200))
    assert len(text.encode()) > 4096
    [article] = read_named_pipe(tmp_path / "pipe", text.encode())
    assert article.text == text
    assert (article.id, article.title) == ("pipe", "Pipe Headline")


@needs_fifo
def test_iter_articles_reads_html_from_a_named_pipe(tmp_path: Path) -> None:
    page = PAGE.replace("<footer>", "<!--" + "x" * 3000 + "--><footer>")
    [article] = read_named_pipe(tmp_path / "page", page.encode())
    assert "thousands of homes lost power" in article.text
    assert "<p>" not in article.text


@needs_fifo
def test_iter_articles_named_pipe_size_limit(tmp_path: Path) -> None:
    with pytest.raises(InputTooLargeError, match="over the 4000 bytes"):
        read_named_pipe(tmp_path / "big", b"x" * 5000, max_bytes=4000)


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_iter_articles_reads_a_process_substitution_whole() -> None:
    # unspun analyze <(cat long.txt) gets a path like /dev/fd/63 to a pipe.
    text = "Headline\n\n" + "The council said it would act. " * 150
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, text.encode())  # under the pipe buffer size, so it does not block
        os.close(write_end)
        [article] = list(iter_articles(f"/dev/fd/{read_end}", max_bytes=LIMIT))
    finally:
        os.close(read_end)
    assert article.text == text


def test_iter_articles_missing_path_raises_at_call(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match="does not exist"):
        iter_articles(tmp_path / "missing.txt", max_bytes=LIMIT)
    with pytest.raises(InputNotFoundError):
        read_folder(tmp_path / "missing", max_bytes=LIMIT)
    # A URL of another scheme was "ftp:/x/y does not exist; check the path" (one slash lost).
    with pytest.raises(InputNotFoundError, match=r"^ftp://x/y is neither a file nor an http:// or https://"):
        iter_articles("ftp://x/y", max_bytes=LIMIT)
    # QA (s44): "https:// is neither a file nor an http:// or https:// address", of an http address
    for address in ("https://", "http:///story", "https:// example.org"):
        with pytest.raises(
            InputNotFoundError, match=r"is an address with no site after its ://; check the URL"
        ):
            iter_articles(address, max_bytes=LIMIT)


def test_count_inputs(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "b.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"text": "a"}\n\n{"text": "b"}\n', encoding="utf-8")
    (tmp_path / "d.csv").write_text("x", encoding="utf-8")
    assert count_inputs(tmp_path) == 4
    assert count_inputs(tmp_path / "c.jsonl") == 2
    assert count_inputs(tmp_path / "a.txt") == 1
    assert count_inputs("-") is None
    assert count_inputs(tmp_path / "missing") is None


# An RSS 2.0 feed as a news site writes it: full content in content:encoded, a summary only, and
# an entry without text (reported and skipped).
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Harbour News</title><link>https://harbour.example/</link>
<item><title>Pier to close</title><link>https://harbour.example/pier</link><guid>pier-1</guid>
<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>The council voted to close the old pier.</p><p>Critics called it a disaster.</p>]]></content:encoded>
</item>
<item><title>Ferry fares</title><link>https://harbour.example/fares</link>
<description>Fares rise by a tenth &amp; more in May.</description></item>
<item><title>No text</title></item>
</channel></rss>
"""


def test_iter_articles_reads_a_feed_file_one_article_per_entry(tmp_path: Path) -> None:
    path = tmp_path / "news.rss"
    path.write_text(RSS, encoding="utf-8")
    errors: list[tuple[Path, str]] = []
    articles = list(
        iter_articles(path, max_bytes=LIMIT, on_error=lambda where, e: errors.append((where, e.message)))
    )
    assert [(a.id, a.title, a.text, a.outlet, a.url, a.published, a.source_path) for a in articles] == [
        (
            "pier-1",
            "Pier to close",
            # QA (s43): the entry's headline opens its text, as a page's does (it was left out, so a
            # technique in a feed's headline was read by no step)
            "Pier to close\n\nThe council voted to close the old pier.\n\nCritics called it a disaster.",
            "Harbour News",
            "https://harbour.example/pier",
            dt.date(2024, 3, 5),
            str(path),
        ),
        (
            "https://harbour.example/fares",
            "Ferry fares",
            "Ferry fares\n\nFares rise by a tenth & more in May.",
            "Harbour News",
            "https://harbour.example/fares",
            None,
            str(path),
        ),
    ]
    assert errors == [(tmp_path / "news.rss:3", f"{path}: entry 3 has no text (no content or summary)")]
    assert count_inputs(path) == 3  # entries, for a progress bar: the one without text is reported
    not_a_feed = tmp_path / "notes.xml"
    not_a_feed.write_text("<notes><note>x</note></notes>", encoding="utf-8")
    with pytest.raises(FormatError, match="not an RSS or Atom feed"):
        list(iter_articles(not_a_feed, max_bytes=LIMIT))


def test_iter_articles_reads_a_file_url_as_its_local_path(tmp_path: Path) -> None:
    # QA (s44): a feed's file:// address (a browser's address bar, a feed reader's export) was
    # "neither a file nor an http:// or https:// address ...; download it first", of a file at hand.
    from unspun.readers.folder import holds_many

    feed = tmp_path / "my news.rss"
    feed.write_text(RSS, encoding="utf-8")
    url = feed.as_uri()  # file:///.../my%20news.rss
    articles = list(iter_articles(url, max_bytes=LIMIT, on_error=lambda where, e: None))
    assert [a.id for a in articles] == ["pier-1", "https://harbour.example/fares"]
    assert {a.source_path for a in articles} == {str(feed)}
    assert count_inputs(url) == 3 and holds_many(url)
    (tmp_path / "a.txt").write_text("The council met on Monday.", encoding="utf-8")
    folder_url = tmp_path.as_uri()
    assert holds_many(folder_url) and count_inputs(folder_url) == 4  # 3 entries and a text
    assert len(list(iter_articles(folder_url, max_bytes=LIMIT, on_error=lambda where, e: None))) == 3
    assert [a.text for a in iter_articles(f"file://localhost{feed.parent}/a.txt", max_bytes=LIMIT)] == [
        "The council met on Monday."
    ]
    with pytest.raises(InputNotFoundError, match=r"does not exist; check the path"):
        iter_articles((tmp_path / "missing.txt").as_uri(), max_bytes=LIMIT)
    with pytest.raises(InputError, match=r"^file://server/share/a.txt names a file on another machine"):
        iter_articles("file://server/share/a.txt", max_bytes=LIMIT)


def test_a_file_url_that_names_no_file_is_not_the_current_folder(tmp_path: Path) -> None:
    # Review (s44): "file://" (or "file:", "file://localhost") read as Path("") named ".", so a
    # mistyped address analysed every article file of the current folder.
    for url in ("file:", "file://", "file://localhost", "FILE://"):
        with pytest.raises(InputNotFoundError, match=r"names no file; check the URL"):
            iter_articles(url, max_bytes=LIMIT)


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Times</title><id>urn:x</id>
<updated>2026-11-05T00:00:00Z</updated>
<entry><title>Linked</title><id>urn:1</id><link href="https://atom.example/1"/>
<updated>2026-11-05T10:00:00Z</updated><summary>The mayor resigned on Thursday.</summary></entry>
<entry><title>No link</title><id>urn:uuid:2</id><updated>2026-11-06T10:00:00Z</updated>
<summary>The harbour reopened.</summary></entry>
</feed>
"""


def test_an_atom_entry_without_a_link_has_no_url_not_its_id(tmp_path: Path) -> None:
    """feedparser gives such an entry its id as link: its url was 'urn:uuid:2'."""
    path = tmp_path / "news.atom"
    path.write_text(ATOM, encoding="utf-8")
    articles = list(iter_articles(path, max_bytes=LIMIT))
    assert [(a.id, a.url, a.outlet) for a in articles] == [
        ("urn:1", "https://atom.example/1", "Atom Times"),
        ("urn:uuid:2", None, "Atom Times"),
    ]


def test_a_feed_on_stdin_or_in_a_file_without_suffix_is_read_as_a_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``curl .../feed | unspun analyze -`` and ``curl -o feed``: the feed's XML markup was analysed
    as one English article."""
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(RSS.encode())))
    piped = list(iter_articles("-", max_bytes=LIMIT, on_error=lambda where, e: None))
    assert [(a.id, a.title, a.outlet, a.source_path) for a in piped] == [
        ("pier-1", "Pier to close", "Harbour News", None),
        ("https://harbour.example/fares", "Ferry fares", "Harbour News", None),
    ]
    saved = tmp_path / "feed"
    saved.write_text(ATOM, encoding="utf-8")
    assert [a.title for a in iter_articles(saved, max_bytes=LIMIT)] == ["Linked", "No link"]
    empty = '<?xml version="1.0"?><rss><channel/></rss>'  # was read as the text of one article
    monkeypatch.setattr("sys.stdin", io.StringIO(empty))
    with pytest.raises(EmptyInputError, match="the feed has no entry with text"):
        iter_articles("-", max_bytes=LIMIT)
    as_text = tmp_path / "feed.txt"  # a .txt file is text, whatever it holds
    as_text.write_text(ATOM, encoding="utf-8")
    [article] = iter_articles(as_text, max_bytes=LIMIT)
    assert article.text == ATOM


def test_a_feed_given_as_one_article_is_refused(tmp_path: Path) -> None:
    """unspun.analyze(str | bytes) and POST /api/analyze analysed a feed's markup as one article."""
    from unspun.readers.dispatch import read_data, read_string

    with pytest.raises(FormatError, match="^the text is an RSS or Atom feed"):
        read_string(RSS)
    with pytest.raises(FormatError, match="^the input is an RSS or Atom feed") as raised:
        read_data(ATOM.encode())
    # QA: a Python caller (unspun.analyze(feed_text)) was told only the CLI's commands.
    assert "iter_articles(" in raised.value.message, raised.value.message
    assert read_string("<rss> is a tag name, said no one.").text.startswith("<rss>")


def test_folder_listing_reads_feeds_and_counts_as_it_reads(tmp_path: Path) -> None:
    """Reading and counting a folder list it one way: feeds read, other .xml left out, the output
    being written (``exclude``) neither read nor counted."""
    (tmp_path / "a.txt").write_text("A story.", encoding="utf-8")
    (tmp_path / "news.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset></urlset>', encoding="utf-8")
    output = tmp_path / "out.jsonl"
    output.write_text('{"text": "an analysis written before"}\n' * 5, encoding="utf-8")
    exclude = [output.stat()]
    left_out: list[tuple[Path, str]] = []
    articles = list(
        iter_articles(
            tmp_path,
            max_bytes=LIMIT,
            on_error=lambda where, error: None,
            on_skip=lambda where, reason: left_out.append((where, reason)),
            exclude=exclude,
        )
    )
    assert [a.id for a in articles] == ["a", "pier-1", "https://harbour.example/fares"]
    assert left_out == [
        (output, "the output being written"),
        (tmp_path / "sitemap.xml", "not an RSS or Atom feed"),
    ]
    assert count_inputs(tmp_path, exclude=exclude) == 1 + 3
    assert count_inputs(tmp_path) == 1 + 3 + 5


def test_every_skipped_input_is_named_in_its_own_message(tmp_path: Path) -> None:
    # The CLI shows a skipped input's message alone: the message must say which input it is.
    (tmp_path / "binary.txt").write_bytes(b"abc\x00def")
    (tmp_path / "latin.txt").write_bytes(UNDECODABLE)
    (tmp_path / "blank.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "nav.html").write_text(
        "<html><head><title>x</title></head><body></body></html>", encoding="utf-8"
    )
    (tmp_path / "feed.jsonl").write_text('{"text": "A good line of news."}\n{bad\n', encoding="utf-8")
    skipped: list[tuple[Path, str]] = []
    list(
        read_folder(
            tmp_path, max_bytes=10_000, on_error=lambda path, error: skipped.append((path, error.message))
        )
    )
    assert sorted(path.name for path, _ in skipped) == [
        "binary.txt",
        "blank.txt",
        "feed.jsonl:2",
        "latin.txt",
        "nav.html",
    ]
    for path, message in skipped:
        assert path.name.split(":")[0] in message, message


def test_folder_rule_reports_subfolders_other_types_and_the_output_being_written(tmp_path: Path) -> None:
    import os

    from unspun.readers.dispatch import iter_articles
    from unspun.runner import RunReport

    folder = tmp_path / "my articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "deeper.txt").write_text(
        "Not read: folders are read one level deep.\n", encoding="utf-8"
    )
    (folder / "a.txt").write_text("Title\n\nThe first article.\n", encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / ".hidden.txt").write_text("ignored\n", encoding="utf-8")
    out = folder / "out.jsonl"
    out.write_text('{"text": "an earlier output line, never read back"}\n', encoding="utf-8")
    report = RunReport()
    articles = list(
        iter_articles(
            folder, max_bytes=10_000, on_error=report.on_error, on_skip=report.skip, exclude=[os.stat(out)]
        )
    )
    assert [a.source_path for a in articles] == [str(folder / "a.txt")]
    reasons = {Path(s.where).name: s.reason for s in report.skips}
    assert set(reasons) == {"sub", "notes.pdf", "out.jsonl"}
    assert "one level deep" in reasons["sub"] and ".txt" in reasons["notes.pdf"]
    assert reasons["out.jsonl"] == "the output being written"
    with pytest.raises(InputError, match="output being written"):
        iter_articles(out, max_bytes=10_000, exclude=[os.stat(out)])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_folder_rule_leaves_out_pipes_and_broken_links(tmp_path: Path) -> None:
    # QA (s44): a named pipe "pipe.txt" in a folder hung unspun analyze FOLDER for good (opened
    # and waited on for a writer); a broken link was "broken.txt: it does not exist".
    from unspun.readers.dispatch import iter_articles
    from unspun.readers.folder import count_inputs
    from unspun.runner import RunReport

    (tmp_path / "a.txt").write_text("The council met on Monday.", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    report = RunReport()
    articles = list(iter_articles(tmp_path, max_bytes=10_000, on_error=report.on_error, on_skip=report.skip))
    assert [a.source_path for a in articles] == [str(tmp_path / "a.txt"), str(tmp_path / "link.txt")]
    assert count_inputs(tmp_path) == 2
    reasons = {Path(s.where).name: s.reason for s in report.skips}
    assert reasons == {
        "broken.txt": "a broken link (what it points to does not exist)",
        "pipe.txt": "not a regular file (a pipe, socket or device; pass it on its own to read it)",
    }
    assert not report.failures


def test_folder_rule_says_a_json_file_is_read_on_its_own(tmp_path: Path) -> None:
    # QA (s44): unspun analyze dump.json reads its {"text": ...} lines, but a folder holding it said
    # "not a .txt, .html, ... file", as of a picture: the way to read it was not said.
    from unspun.readers.folder import list_folder

    (tmp_path / "a.txt").write_text("The council met on Monday.", encoding="utf-8")
    (tmp_path / "dump.json").write_text('{"text": "The council met."}\n', encoding="utf-8")
    [(entry, reason)] = list_folder(tmp_path).left_out
    assert entry.name == "dump.json"
    assert reason == (
        'a .json file, not read in a folder (pass it on its own: one {"text": ...} object per line '
        "is read as JSONL)"
    )
    assert [a.text for a in iter_articles(tmp_path / "dump.json", max_bytes=LIMIT)] == ["The council met."]


def test_folder_rule_says_a_table_is_converted_on_its_own(tmp_path: Path) -> None:
    # QA s48: a folder's articles.csv was "not a .txt, .html, ... file", as a picture is; on its own
    # it is refused with the command that makes JSONL of it.
    from unspun.readers.folder import list_folder

    (tmp_path / "a.txt").write_text("The council met on Monday.", encoding="utf-8")
    (tmp_path / "articles.csv").write_text("id,text\n1,The council met.\n", encoding="utf-8")
    [(entry, reason)] = list_folder(tmp_path).left_out
    assert entry.name == "articles.csv"
    assert (
        reason
        == "a CSV table, not read in a folder (pass it on its own for the command that makes JSONL of it)"
    )


def test_read_report_names_files_and_sums_up_the_run(tmp_path: Path) -> None:
    from unspun.runner import Failure, RunReport

    told: list[tuple[str, str]] = []
    report = RunReport(notify=lambda kind, message: told.append((kind, message)))
    good = Article(id="a", text="x", source_path=tmp_path / "a.txt")
    line = Article(id="n2", text="x", source_path=tmp_path / "feed.jsonl")
    report.failed(Failure(str(tmp_path / "b.txt"), "spans", "empty_input", "the article has no text"))
    assert told == []  # the first failure waits: alone, it would be the run's error
    report.analysed(good)
    report.analysed(line)
    report.analysed(line)
    (tmp_path / "sub").mkdir()  # a subfolder left out: the summary counts it as a folder
    report.skip(tmp_path / "sub", "a folder")
    assert told == [("skipped", f"{tmp_path / 'b.txt'}: spans: the article has no text")]
    assert report.failure() is None and report.analysed_count == 3
    summary = report.summary()
    assert summary[0] == "summary: from 3 files and 1 folder: 4 articles, 3 analysed, 1 failed, 1 left out"
    assert f"  analysed {tmp_path / 'feed.jsonl'} (2 articles)" in summary
    assert f"  left out {tmp_path / 'sub'}: a folder" in summary
    alone = RunReport()
    alone.failed(Failure(str(tmp_path / "c.txt"), "spans", "empty_input", "no text"))
    assert alone.failure() == f"{tmp_path / 'c.txt'}: spans: no text" and not alone.worth_summarising()


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("January 5, 2026", dt.date(2026, 1, 5)),
        ("Jan. 5, 2026", dt.date(2026, 1, 5)),
        ("Sept. 30, 2025", dt.date(2025, 9, 30)),
        ("5 January 2026", dt.date(2026, 1, 5)),
        ("Monday, January 5th, 2026", dt.date(2026, 1, 5)),
        ("Mon, 05 Jan 2026 10:00:00 GMT", dt.date(2026, 1, 5)),
        ("2026-01-05T10:00:00Z", dt.date(2026, 1, 5)),
    ],
)
def test_a_jsonl_record_dated_in_words_is_read_not_left_out(
    tmp_path: Path, value: str, date: dt.date
) -> None:
    # QA: {"published": "January 5, 2026"} left the whole article out of a dump ("is not a date")
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"text": "The council met.", "published": value}) + "\n", encoding="utf-8")
    assert [a.published for a in read_jsonl(path, max_bytes=LIMIT)] == [date]


@pytest.mark.parametrize("value", ["2026/01/05", "2026.01.05", "2026/1/5", "2026/01/05 10:00"])
def test_a_year_first_date_with_slashes_or_dots_is_read(tmp_path: Path, value: str) -> None:
    # QA (s46): {"published": "2026/03/05"} left the whole article out of a dump ("is not a date");
    # with the year first the order is never in doubt (only 05/01/2026 is).
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"text": "The council met.", "published": value}) + "\n", encoding="utf-8")
    assert [a.published for a in read_jsonl(path, max_bytes=LIMIT)] == [dt.date(2026, 1, 5)]


@pytest.mark.parametrize(
    "value",
    ["05/01/2026", "Mayday 5, 2026", "yesterday", "January 2026 or so", "2026/13/05", "2026/01/05/07"],
)
def test_a_record_whose_date_is_ambiguous_or_no_date_is_read_without_one(tmp_path: Path, value: str) -> None:
    # QA (s46): {"published": "yesterday"} left the whole article out of a dump; the date alone is
    # left out now, with a warning that says what to write instead.
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"text": "The council met.", "published": value}) + "\n", encoding="utf-8")
    with pytest.warns(InputWarning) as told:
        articles = list(read_jsonl(path, max_bytes=LIMIT))
    assert [(a.text, a.published) for a in articles] == [("The council met.", None)]
    assert [str(w.message) for w in told] == [
        f"{path}, line 1: published {value!r} is not a date, so the article is read without one; "
        "write it as YYYY-MM-DD"
    ]
    with pytest.raises(FormatError, match="is not a date; write it as YYYY-MM-DD"):  # the strict rule
        parse_published(value)


def test_a_feed_entry_whose_date_is_no_date_is_read_without_one_and_said(tmp_path: Path) -> None:
    # feedparser left "yesterday" unparsed without a word; the entry is kept and the date named.
    path = tmp_path / "news.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Town News</title>'
        "<item><title>Budget passed</title><link>https://example.org/a</link><pubDate>yesterday</pubDate>"
        "<description>The council met on Monday and passed the budget.</description></item>"
        "<item><title>Roads</title><link>https://example.org/b</link>"
        "<pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate>"
        "<description>The roads will be mended in May.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    with pytest.warns(InputWarning) as told:
        articles = list(read_feed(path, max_bytes=LIMIT))
    assert [(a.title, a.published) for a in articles] == [
        ("Budget passed", None),
        ("Roads", dt.date(2026, 3, 3)),
    ]
    assert [str(w.message) for w in told] == [
        f"{path}, entry 1: published 'yesterday' is not a date, so the article is read without one; "
        "write it as YYYY-MM-DD"
    ]


def test_told_warnings_hands_each_input_warning_to_the_front_end(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    lines = [
        {"text": "The council met.", "published": "yesterday"},
        {"text": "It rained.", "published": "soon"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    said: list[str] = []
    with told_warnings(said.append):
        assert [a.published for a in read_jsonl(path, max_bytes=LIMIT)] == [None, None]
    assert [line.split(": ", 1)[1][:30] for line in said] == [
        "published 'yesterday' is not a",
        "published 'soon' is not a date",
    ]


def test_empty_standard_input_is_named_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # QA: `unspun analyze - < /dev/null` said "input 'stdin' is empty or only whitespace"
    monkeypatch.setattr("sys.stdin", io.StringIO(" \n"))
    with pytest.raises(EmptyInputError, match="^standard input is empty or only whitespace; give it"):
        list(iter_articles("-", max_bytes=LIMIT))


def test_a_json_file_is_read_as_articles_or_refused_with_the_command_that_converts_it(tmp_path: Path) -> None:
    # QA (s43): `unspun analyze a.json` analysed the JSON markup as the article's text
    # ('{"text": "The mayor lied again. Shameful!"}', a span on the braces and quotes).
    one = tmp_path / "a.json"
    one.write_text('{"id": "m1", "text": "The mayor lied again. Shameful!"}\n', encoding="utf-8")
    assert [(a.id, a.text) for a in iter_articles(one, max_bytes=LIMIT)] == [
        ("m1", "The mayor lied again. Shameful!")
    ]
    array = tmp_path / "dump.json"
    array.write_text(json.dumps([{"text": "One."}, {"text": "Two."}], indent=2), encoding="utf-8")
    with pytest.raises(FormatError, match=re.escape(f"jq -c '.[]' {array} > dump.jsonl")):
        list(iter_articles(array, max_bytes=LIMIT))
    pretty = tmp_path / "story.json"
    pretty.write_text(json.dumps({"text": "One."}, indent=2), encoding="utf-8")
    with pytest.raises(FormatError, match=re.escape(f"jq -c . {pretty} > story.jsonl")):
        list(iter_articles(pretty, max_bytes=LIMIT))
    broken = tmp_path / "broken.json"
    broken.write_text('{"text": "One."', encoding="utf-8")
    with pytest.raises(FormatError, match="not valid JSON"):
        list(iter_articles(broken, max_bytes=LIMIT))
    scalar = tmp_path / "note.json"
    scalar.write_text('"The mayor lied again."\n', encoding="utf-8")  # valid JSON, no article object
    with pytest.raises(FormatError, match=re.escape('give one {"text": ...} object per line (JSONL)')):
        list(iter_articles(scalar, max_bytes=LIMIT))


def test_a_pages_read_more_teasers_and_wire_credit_line_are_no_part_of_its_text() -> None:
    # QA (s43): a Reuters-style page kept 'Read more: Minister resigns over ferry scandal' (another
    # story's headline, whose words the span model reads as this article's) and 'Reporting by Ann
    # Lee; Editing by Tom Hart' in the article's text.
    from unspun.readers.html import html_article

    page = (
        "<!doctype html><html><head><title>Storm closes port</title></head><body><article>"
        "<h1>Storm closes port</h1>"
        "<p>KINGSTON (Reuters) - A storm closed the port of Kingston on Monday, the harbour master said.</p>"
        "<p>Read more: Minister resigns over shameful ferry scandal</p>"
        "<p>READ ALSO | Ten things to know about hurricane season</p>"
        '<p>"We expect to reopen on Wednesday," harbour master Joan Reid said in a statement.</p>'
        "<p>Reporting by the port's own staff showed that ships were diverted to Montego Bay.</p>"
        "<p>Reporting by Ann Lee; Editing by Tom Hart</p>"
        "</article></body></html>"
    )
    text = html_article(page.encode(), id="p", where="p.html", source_path=None).text
    assert "Read more" not in text and "READ ALSO" not in text and "Editing by" not in text
    assert text.endswith("Reporting by the port's own staff showed that ships were diverted to Montego Bay.")
    assert text.startswith("Storm closes port\n\nKINGSTON (Reuters)") and "Joan Reid said" in text


def test_a_pages_advertisement_placeholders_are_no_part_of_its_text() -> None:
    # QA (s46): '<div class="ad">Advertisement</div>' between two paragraphs stayed in the
    # article's text as a paragraph of its own ("...favours developers.\n\nAdvertisement\n\n...").
    from unspun.readers.html import html_article

    page = (
        "<!doctype html><html><head><title>Mayor defends housing plan</title></head><body><article>"
        "<h1>Mayor defends housing plan</h1>"
        "<p>The mayor on Tuesday defended the city's housing plan against critics who say it favours developers.</p>"
        '<div class="ad">Advertisement</div>'
        '<p>"Every neighbourhood will get its share of new homes," the mayor told the council.</p>'
        "<p>SKIP ADVERTISEMENT</p>"
        "<p>Story continues below advertisement</p>"
        "<p>Advertisement revenue at the city's paper fell 5% last year, its owner said.</p>"
        "<p>The council will vote on the plan next month.</p>"
        "</article></body></html>"
    )
    text = html_article(page.encode(), id="p", where="p.html", source_path=None).text
    paragraphs = text.split("\n\n")
    assert not any("advertisement" in p.casefold() and len(p.split()) < 6 for p in paragraphs), paragraphs
    assert "Advertisement revenue at the city's paper fell 5% last year, its owner said." in paragraphs
    assert paragraphs[-1] == "The council will vote on the plan next month."


@pytest.mark.parametrize(
    "attrs",
    [
        'class="ad"',
        'class="ad-slot wide"',
        'id="div-gpt-ad-1234-0"',
        'class="adsbygoogle"',
        'class="sponsored"',
    ],
)
def test_a_pages_advertisement_blocks_are_no_part_of_its_text(attrs: str) -> None:
    # QA s47: '<div class="ad">Sponsored: Buy the best boats at BoatWorld!</div>' inside the
    # <article> stayed in its text as a paragraph (read for spans, claims and the genre).
    from unspun.readers.html import html_article

    page = (
        "<!doctype html><html><head><title>Harbour plan sparks row</title></head><body><article>"
        "<h1>Harbour plan sparks row</h1>"
        '<p class="lead">The harbour plan has sparked a row between fishermen and developers.</p>'
        f"<div {attrs}>Sponsored: Buy the best boats at BoatWorld!</div>"
        '<p class="read-more loaded">The council will vote on the plan next month.</p>'
        "</article></body></html>"
    )
    text = html_article(page.encode(), id="p", where="p.html", source_path=None).text
    assert text == (
        "Harbour plan sparks row\n\nThe harbour plan has sparked a row between fishermen and developers."
        "\n\nThe council will vote on the plan next month."
    ), text


@pytest.mark.parametrize(
    "wrapper",
    ['<div class="ad-free">{}</div>', '<div class="no-ads">{}</div>', '<div class="story-ads">{}</div>'],
)
def test_a_short_story_in_a_block_named_for_ads_but_no_ad_is_kept(wrapper: str) -> None:
    from unspun.readers.html import html_article

    paragraphs = "<p>The ferry resumed on Monday.</p><p>Its owners said the storm had passed.</p>"
    page = f"<html><body>{wrapper.format(paragraphs)}</body></html>"
    text = html_article(page.encode(), id="p", where="p.html", source_path=None).text
    assert text == "The ferry resumed on Monday.\n\nIts owners said the storm had passed.", text


def test_a_sponsored_storys_body_is_kept() -> None:
    # An advertisement is a few words; a block named "sponsored" that holds a story is the story.
    from unspun.readers.html import html_article

    story = " ".join(["The new ferry line will carry commuters across the bay every morning."] * 8)
    page = f'<html><body><div class="sponsored-content"><p>{story}</p></div></body></html>'
    assert html_article(page.encode(), id="p", where="p.html", source_path=None).text == story


@pytest.mark.parametrize(("name", "sep"), [("rows.csv", ","), ("rows.tsv", "\t")])
def test_a_csv_or_tsv_table_is_refused_with_a_command_that_makes_jsonl_of_it(
    tmp_path: Path, name: str, sep: str
) -> None:
    # QA s48: a table of articles (id, title, text columns) was analysed as one article's text,
    # its header and separators included.
    import subprocess
    import sys

    table = tmp_path / name
    table.write_text(
        f"id{sep}title{sep}text\na1{sep}Barrier{sep}The council approved the barrier.\n"
        f"a2{sep}Buses{sep}The mayor kept the bus lanes.\n",
        encoding="utf-8",
    )
    with pytest.raises(FormatError, match="table, not an article") as raised:
        list(iter_articles(table, max_bytes=LIMIT))
    message = str(raised.value)
    command = message.split("convert it with ", 1)[1].split(", its column", 1)[0]
    assert command.startswith("python3 -c ") and command.endswith(f"{name} > rows.jsonl"), command
    subprocess.run(sys.executable + command.removeprefix("python3"), shell=True, cwd=tmp_path, check=True)
    read = [(a.id, a.title, a.text) for a in iter_articles(tmp_path / "rows.jsonl", max_bytes=LIMIT)]
    assert read == [
        ("a1", "Barrier", "The council approved the barrier."),
        ("a2", "Buses", "The mayor kept the bus lanes."),
    ]


def test_a_saved_paywall_or_consent_page_is_refused_not_analysed_as_the_article(tmp_path: Path) -> None:
    # QA s48: a page saved while logged out ('Subscribe to continue reading. Already a subscriber?
    # Log in.') was analysed as the article; a fetched one is refused (readers.url), a file was not.
    wall = tmp_path / "story.html"
    wall.write_text(
        "<html><head><title>Flood barrier approved</title></head><body><div class='paywall'>"
        "<p>Subscribe to continue reading. Already a subscriber? Log in.</p></div></body></html>",
        encoding="utf-8",
    )
    with pytest.raises(FormatError, match="paywall.*not the article") as raised:
        list(iter_articles(wall, max_bytes=LIMIT))
    assert str(wall) in str(raised.value)
    consent = tmp_path / "consent.html"
    consent.write_text(
        "<html><body><p>We use cookies to improve your experience. Accept all cookies or manage your "
        "consent.</p></body></html>",
        encoding="utf-8",
    )
    with pytest.raises(FormatError, match="cookie-consent page"):
        list(iter_articles(consent, max_bytes=LIMIT))
    # A short story under a page whose footer offers privacy choices and a comment captcha is read.
    story = tmp_path / "brief.html"
    story.write_text(
        "<html><body><article><p>The council approved the flood barrier on Monday by seven votes "
        "to two.</p></article><div class='g-recaptcha'></div><footer><a href='/p'>Your privacy "
        "choices</a></footer></body></html>",
        encoding="utf-8",
    )
    assert [a.text for a in iter_articles(story, max_bytes=LIMIT)] == [
        "The council approved the flood barrier on Monday by seven votes to two."
    ]


def test_a_json_object_without_text_names_its_fields_rather_than_a_jq_command_that_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA (s48): '{"title": "x", "body": "..."}' in a .json file was "JSON that is not one article
    # object per line" with `jq -c .` to convert it: the command writes the same line back.
    record = {"title": "Flood barrier", "body": "The council voted on Monday."}
    one = tmp_path / "story.json"
    one.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match="no 'text' field") as raised:
        list(iter_articles(one, max_bytes=LIMIT))
    assert "'title', 'body'" in str(raised.value) and "jq" not in str(raised.value)
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(record, indent=2), encoding="utf-8")
    with pytest.raises(FormatError, match="no 'text' field.*'title', 'body'"):
        list(iter_articles(pretty, max_bytes=LIMIT))
    array = tmp_path / "dump.json"
    array.write_text(json.dumps([record, record]), encoding="utf-8")
    with pytest.raises(FormatError, match="no 'text' field.*'title', 'body'"):
        list(iter_articles(array, max_bytes=LIMIT))
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(record)))
    with pytest.raises(FormatError, match="standard input holds a JSON object with no 'text' field"):
        list(iter_articles("-", max_bytes=LIMIT))


def test_a_json_document_on_stdin_is_refused_with_the_command_that_converts_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # QA (s43): `cat dump.json | unspun analyze -` analysed the JSON array's markup as one article.
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps([{"text": "One."}, {"text": "Two."}], indent=2)))
    with pytest.raises(
        FormatError, match=re.escape("standard input holds a JSON array") + ".*jq -c '.\\[\\]'"
    ):
        list(iter_articles("-", max_bytes=LIMIT))
    monkeypatch.setattr("sys.stdin", io.StringIO('{\n  "text": "One."\n}\n'))
    with pytest.raises(FormatError, match="jq -c \\. "):
        list(iter_articles("-", max_bytes=LIMIT))
    prose = "{Bracketed} notes are prose: the mayor said so."
    monkeypatch.setattr("sys.stdin", io.StringIO(prose))
    assert [a.text for a in iter_articles("-", max_bytes=LIMIT)] == [prose]


def test_a_feed_entry_that_opens_with_its_headline_does_not_say_it_twice(tmp_path: Path) -> None:
    path = tmp_path / "news.rss"
    path.write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        "<item><title>A betrayal</title><link>https://t.example/1</link>"
        "<description>&lt;h1&gt;A betrayal&lt;/h1&gt;&lt;p&gt;Enough is enough.&lt;/p&gt;</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    assert [a.text for a in iter_articles(path, max_bytes=LIMIT)] == ["A betrayal\n\nEnough is enough."]


def test_iter_articles_stdin_cut_at_the_limit_says_over_not_a_size(monkeypatch: pytest.MonkeyPatch) -> None:
    # stdin is read up to the limit and one byte more: its size is not known, and "is 0.5 MB,
    # over the 0.5 MB input limit" read as a contradiction.
    limit = 512 * 1024
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"word " * limit)))
    with pytest.raises(InputTooLargeError) as info:
        iter_articles("-", max_bytes=limit)
    assert info.value.message.startswith("standard input is over the 0.5 MB input limit;")


def test_read_file_over_a_limit_that_rounds_alike_gives_both_in_bytes(tmp_path: Path) -> None:
    # 0.54 MB over a 0.5 MB limit read "is 0.5 MB, over the 0.5 MB input limit"; a limit of
    # 0.1 MB (104857 bytes) was shown as "104857 bytes" beside a size in MB.
    path = tmp_path / "long.txt"
    path.write_bytes(b"word " * (110 * 1024))
    with pytest.raises(InputTooLargeError) as info:
        next(iter_articles(path, max_bytes=512 * 1024))
    assert f"{path} is 563200 bytes, over the 524288 bytes input limit;" in info.value.message
    with pytest.raises(InputTooLargeError) as info:
        next(iter_articles(path, max_bytes=int(0.1 * 1024 * 1024)))
    assert f"{path} is 0.5 MB, over the 0.1 MB input limit;" in info.value.message


def test_a_short_story_extracted_as_one_run_of_text_keeps_its_paragraphs() -> None:
    # QA s49: a brief of two paragraphs with a byline and a caption, under 250 characters of
    # body, went to trafilatura's fallback, which ran the <article> into one block ('Council
    # approves bus lanes\n\nCouncil approves bus lanes By Jane Doe ... The council voted ...
    # said Mark Reilly. Harbour Road on Tuesday. Photo: J. Doe'): the headline twice, the
    # paragraphs and the caption one paragraph.
    from unspun.readers.html import html_article

    page = (
        "<html><head><title>Council vote | Harbour Daily</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav><article>"
        "<h1>Council approves bus lanes</h1><p class='byline'>By Jane Doe, 1 December 2026</p>"
        "<p>The council voted 7-2 on Tuesday. \u201cThis will cut journey times,\u201d said Linda Osei.</p>"
        "<p>Shop owners said they feared losing customers. \u201cNobody asked us,\u201d said Mark Reilly.</p>"
        "<figure><img src='x.jpg'><figcaption>Harbour Road on Tuesday. Photo: J. Doe</figcaption></figure>"
        "</article><footer>\u00a9 2026 Harbour Daily. Subscribe to our newsletter.</footer></body></html>"
    )
    text = html_article(page.encode(), id="p", where="p.html", source_path=None).text
    assert text.startswith("Council approves bus lanes\n\n"), text
    assert text.count("Council approves bus lanes") == 1, text
    assert "said Linda Osei.\n\nShop owners said" in text, text


def test_a_feeds_html_title_and_summary_are_read_as_text_not_markup(tmp_path: Path) -> None:
    # QA s49: an Atom title of type="html" ("Mayor &amp;amp; council clash") and a feed that
    # escapes its titles twice (WordPress's "&amp;#8217;") gave the title and the text's first
    # line "Mayor &amp; council clash"; a summary with an entity and no tag kept "&amp;" too.
    atom = tmp_path / "news.atom"
    atom.write_text(
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        "<title type='html'>Riverside &amp;amp; District Post</title>"
        "<entry><title type='html'>Mayor &amp;amp; council clash</title><id>tag:r,2026:1</id>"
        "<link href='https://r.example/1'/><updated>2026-12-03T08:00:00Z</updated>"
        "<summary type='html'>The mayor &amp;amp; the council clashed over the budget.</summary></entry></feed>",
        encoding="utf-8",
    )
    rss = tmp_path / "news.rss"
    rss.write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        "<item><title>Council&amp;#8217;s &lt;b&gt;plan&lt;/b&gt;</title>"
        "<link>https://t.example/1</link><description>&lt;p&gt;It passed.&lt;/p&gt;</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    (entry,) = iter_articles(atom, max_bytes=LIMIT)
    assert entry.title == "Mayor & council clash"
    assert entry.text == "Mayor & council clash\n\nThe mayor & the council clashed over the budget."
    assert entry.outlet == "Riverside & District Post"
    (item,) = iter_articles(rss, max_bytes=LIMIT)
    assert item.title == "Council\u2019s plan"
    assert item.text == "Council\u2019s plan\n\nIt passed."


def _teaser(n: int) -> str:
    return f"<article><h2><a href='/a{n}'>Story {n} headline</a></h2><p>Story {n} in a line or two.</p></article>"


def test_a_page_listing_articles_is_refused_not_run_together() -> None:
    # QA s49: a saved front page of three teasers was read as one article: the second and third
    # headlines left out, the three stories' lines run together as its paragraphs.
    from unspun.readers.html import html_article

    page = f"<html><body><nav><a href='/'>Home</a></nav><main>{''.join(_teaser(n) for n in (1, 2, 3))}</main></body></html>"
    with pytest.raises(FormatError, match="p.html is a list of 3 articles .*open the article you mean"):
        html_article(page.encode(), id="p", where="p.html", source_path=None)
    # An article's page with related stories beside it is read as the article.
    story = " ".join(["The council voted on Tuesday to add bus lanes along the harbour road."] * 8)
    related = "".join(_teaser(n) for n in (1, 2, 3))
    page = f"<html><body><article><h1>Bus lanes</h1><p>{story}</p></article><aside>{related}</aside></body></html>"
    assert html_article(page.encode(), id="p", where="p.html", source_path=None).text.startswith(
        "Bus lanes\n\n"
    )
    page = f"<html><body><article><h1>Bus lanes</h1><p>{story}</p></article>{related}</body></html>"
    assert story in html_article(page.encode(), id="p", where="p.html", source_path=None).text


def test_paragraphs_set_apart_by_two_line_breaks_stay_paragraphs() -> None:
    # QA s49: an older site's story, its paragraphs set apart by <br><br> in one <div>, was one
    # paragraph (its lines joined by single line breaks, its bold headline the first of them).
    from unspun.readers.html import html_article

    line = "says the council voted on the harbour budget on Tuesday evening after a long debate."
    paragraphs = [f"Paragraph {n} {line}" for n in range(1, 4)]
    page = (
        "<html><head><title>Old site story</title></head><body><div class='story'><b>Old site story</b>"
        f"<br><br>{'<br> <br>'.join(paragraphs)}<br>A line of its own.</div></body></html>"
    )
    text = html_article(page.encode(), id="p", where="p.html", source_path=None).text
    assert text == "\n\n".join(["Old site story", *paragraphs[:2], f"{paragraphs[2]}\nA line of its own."]), (
        text
    )


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # a line break between two sentences had glued them: "here.Para two"
        ("<p>One line.<br>Two line.</p><p>Three.</p>", "One line.\nTwo line.\n\nThree."),
        (
            "Para one ends.<br><br>Para two starts.<br>Same para.",
            "Para one ends.\n\nPara two starts.\nSame para.",
        ),
        # a link before a block had been a paragraph of its own: "Intro\n\nlink\n\nmore."
        ("Intro <a href='/x'>link</a> more.<p>Block.</p>", "Intro link more.\n\nBlock."),
        ("<p>Split\nin the source</p><ul><li>a</li><li>b</li></ul>", "Split in the source\n\na\n\nb"),
    ],
)
def test_a_feed_entrys_html_keeps_its_line_breaks_and_inline_words(html: str, text: str) -> None:
    # QA s49: an RSS description's <br> left nothing between its lines ("One line.Two line.").
    from unspun.readers.feed import html_fragment_text

    assert html_fragment_text(html) == text


def test_a_feed_entrys_caption_teaser_and_blog_footer_are_no_part_of_its_text(tmp_path: Path) -> None:
    # QA s49: a WordPress feed's content kept a photo caption, a "Read more:" teaser and the
    # footer "The post ... appeared first on WP Blog." as paragraphs of the article.
    path = tmp_path / "wp.rss"
    content = (
        "<p>The council&#8217;s plan is a disgrace, and everyone knows it.</p>"
        "<figure><img src='x.jpg'/><figcaption>Harbour Road. Photo: J. Doe</figcaption></figure>"
        "<p>Read more: <a href='/other'>Why buses matter</a></p>"
        "<p>The post <a href='https://wp.example/p1'>A plan</a> appeared first on <a href='https://wp.example'>WP Blog</a>.</p>"
    )
    path.write_text(
        "<?xml version='1.0'?><rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
        "<channel><title>WP Blog</title><item><title>A plan</title><link>https://wp.example/p1</link>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded></item></channel></rss>",
        encoding="utf-8",
    )
    (entry,) = iter_articles(path, max_bytes=LIMIT)
    assert entry.text == "A plan\n\nThe council\u2019s plan is a disgrace, and everyone knows it.", entry.text
