import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unspun.errors import (
    EmptyInputError,
    EncodingError,
    FormatError,
    InputNotFoundError,
    InputTooLargeError,
    UnspunError,
)
from unspun.reader import (
    count_inputs,
    iter_articles,
    read_folder,
    read_html,
    read_jsonl,
    read_text,
    read_text_file,
)

LIMIT = 1024 * 1024

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
    path = write_bytes(tmp_path / "b.txt", b"PK\x03\x04\x00\x00data")
    with pytest.raises(EncodingError, match="looks binary.*offset 4"):
        read_text_file(path, max_bytes=LIMIT)


def test_read_text_file_latin1_names_offset_and_iconv(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "l.txt", "Caf\u00e9 society".encode("latin-1"))
    with pytest.raises(EncodingError, match="byte offset 3.*UTF-8.*iconv") as info:
        read_text_file(path, max_bytes=LIMIT)
    assert "\n" not in str(info.value)


def test_read_text_file_size_limit(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "big.txt", b"x" * 11)
    assert read_text_file(path, max_bytes=11).text == "x" * 11
    with pytest.raises(InputTooLargeError, match="11 bytes.*10 bytes.*--max-input-mb.*UNSPUN_MAX_INPUT_MB"):
        read_text_file(path, max_bytes=10)


def test_read_text_file_size_limit_in_megabytes(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "big.txt", b"x" * (3 * LIMIT))
    with pytest.raises(InputTooLargeError, match=r"3\.0 MB, over the 2\.0 MB"):
        read_text_file(path, max_bytes=2 * LIMIT)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.lists(
        st.one_of(st.sampled_from(["\ufeff", "\r\n", "\r", "\n", " "]), st.characters(codec="utf-8")),
        min_size=1,
    )
    .map("".join)
    .filter(lambda s: s.replace("\ufeff", "").strip() and "\x00" not in s)
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
    assert article.published == "2024-03-05"
    assert article.id == "storm"


def test_read_html_without_main_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text(
        "<html><head><title>T</title></head><body><script>x()</script></body></html>", encoding="utf-8"
    )
    with pytest.raises(EmptyInputError, match="no main article text"):
        read_html(path, max_bytes=LIMIT)


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
    assert (articles[0].url, articles[0].outlet, articles[0].published) == ("https://a.example", "A", "2020")
    assert articles[1].title == "Head"
    assert articles[2].title == "Given"
    assert articles[2].text == "Three\r\n"


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


# read_folder


def test_read_folder_sorted_ptc_ids_and_bad_file_skipped(tmp_path: Path) -> None:
    (tmp_path / "article2.txt").write_text("Second", encoding="utf-8")
    (tmp_path / "article1.txt").write_text("First", encoding="utf-8")
    write_bytes(tmp_path / "article3.txt", "d\u00e9j\u00e0".encode("latin-1"))
    (tmp_path / "more.jsonl").write_text('{"text": "Fourth"}\n', encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    errors: list[tuple[str, UnspunError]] = []
    articles = list(read_folder(tmp_path, max_bytes=LIMIT, on_error=lambda p, e: errors.append((p.name, e))))
    assert [a.id for a in articles] == ["1", "2", "more-1"]
    assert [(name, type(e)) for name, e in errors] == [("article3.txt", EncodingError)]


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


def test_iter_articles_missing_path_raises_at_call(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match="does not exist"):
        iter_articles(tmp_path / "missing.txt", max_bytes=LIMIT)
    with pytest.raises(InputNotFoundError):
        read_folder(tmp_path / "missing", max_bytes=LIMIT)


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
