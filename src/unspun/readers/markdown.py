"""Markdown input: a ``.md`` file (or Markdown on stdin) read as an article.

The Markdown is parsed with markdown-it-py (CommonMark, with tables and strikethrough) and
its text becomes ``Article.text``, as the extracted text of an HTML page does: each heading,
paragraph, list item, quoted paragraph and table is a paragraph of its own (joined by a blank
line); emphasis, links and inline code are reduced to their text; code blocks and images are
left out (they are no prose of the article), and so are a site generator's template tags
(``{{< figure >}}``, ``{% include %}``) and footnote marks (``[^1]``). Raw HTML keeps its text: a block of it (``<p>...</p>``,
as Markdown exported from a blog often holds its paragraphs) gives its block elements' text,
less scripts, styles and comments; inline tags are dropped (``<br>`` is a line break). A line
break inside a paragraph is a space (Markdown wraps lines), a hard break (two spaces or a
backslash at the end of a line) stays a line break. Offsets count the text so made, not the
Markdown source.

The title is the front matter's ``title``, else the first level-1 or level-2 heading. The text
opens with the title, as a text file opens with its headline: a front-matter title that no
heading repeats is put first, followed by a blank line.

Front matter (YAML between ``---`` lines, or TOML between ``+++`` lines, at the very start) is
read for what an :class:`~unspun.document.Article` holds: ``title``, ``date`` (or
``published``), ``outlet``, ``url`` and ``lang`` (or ``language``); only top-level
``key: value`` lines are read (no YAML library: nested keys and lists are skipped). As a page's
metadata (:mod:`unspun.readers.html`), a value that does not read as what it should be (a date
that is no date, a site-relative ``url``, a language without a model) is left out, not an error;
a date that is no date (other than a site generator's template tag) is told as a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from unspun.document import Article, web_address
from unspun.errors import EmptyInputError, LanguageNotSupportedError
from unspun.readers.encoding import BOM, decode_text, reject_controls
from unspun.readers.text import published_or_none

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})

# Front matter: a fence line at the very start, key lines, the same fence (YAML may close with "...").
_FRONT_MATTER = re.compile(
    r"(---|\+\+\+)[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:\1|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M
)
_KEY_LINE = re.compile(r"([A-Za-z_][\w-]*)[ \t]*[:=][ \t]*(.*)")
# What sniffing stdin takes for Markdown: front matter with a key, or a first line that is an
# ATX heading ("# Title"); an article pasted as plain text opens with neither.
_SNIFF_FRONT = re.compile(r"(?:---|\+\+\+)[ \t]*\r?\n[ \t]*[A-Za-z_][\w-]*[ \t]*[:=]")
_SNIFF_HEADING = re.compile(r"#{1,6}[ \t]+\S")
_TITLE_LEVELS = ("h1", "h2")
_BREAK = re.compile(r"<br\s*/?>", re.I)
# What of raw HTML is no prose: comments, scripts, styles, embeds (with what they hold).
_NO_PROSE = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|iframe|noscript|svg)\b.*?(?:</\1\s*>|\Z)|<(?:script|style|iframe)\b[^>]*/>",
    re.I | re.S,
)


# A site generator's template tag (Hugo's {{< figure ... >}} and {{% notice %}}, Jekyll's
# {% include ... %} and {{ site.url }}): markup of the page, no prose; a paragraph of them had been
# analysed as text.
_TEMPLATE_TAG = re.compile(r"\{\{[<%].*?[>%]\}\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
# A footnote's mark ("rose 40%[^1].") and a definition's ("[^1]: Source: ..."), which CommonMark
# leaves as text: the note's words are kept, its mark is not.
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\](?::[ \t]*)?")


def _without_marks(text: str) -> str:
    kept = _FOOTNOTE.sub("", _TEMPLATE_TAG.sub("", text))
    return text if kept == text else re.sub(r"[ \t]{2,}", " ", kept)  # "Visit {{ site.url }} today"


def is_markdown(text: str) -> bool:
    """``text`` opens (after a BOM and blank lines) with front matter or a ``#`` heading line."""
    head = text.removeprefix(BOM).lstrip("\r\n")
    return _SNIFF_FRONT.match(head) is not None or _SNIFF_HEADING.match(head) is not None


def opens_with_front_matter(text: str) -> bool:
    """``text`` opens (after a BOM) with front matter that reads (a closed block of keys): a plain
    text file so made is a Markdown export, read as standard input and a string are."""
    return bool(front_matter(text.removeprefix(BOM))[0])


def markdown_article(data: bytes, *, id: str, where: str, source_path: str | Path | None) -> Article:
    """The article of a Markdown file's bytes (decoded by the one rule of
    :func:`unspun.readers.encoding.decode`); ``where`` names the input in messages.

    Raises:
        EncodingError: binary data, bytes no encoding reads, or a control character.
        EmptyInputError: no text outside code blocks, images, scripts and comments.
    """
    source = decode_text(data, Path(source_path) if source_path is not None else where)
    return markdown_text(source, id=id, where=where, source_path=source_path)


def markdown_text(source: str, *, id: str, where: str, source_path: str | Path | None = None) -> Article:
    """The article of a Markdown text (see the module for what is kept). Raises as
    :func:`markdown_article`."""
    source = source.removeprefix(BOM)
    reject_controls(source, where)
    meta, body = front_matter(source)
    blocks = markdown_blocks(body)
    # Headings alone are no article: "# Code only" over a code block was analysed as the
    # two-word text "Code only" (an HTML page with only its headline is refused too).
    besides = " besides its headings" if blocks and all(tag in _HEADINGS for tag, _ in blocks) else ""
    if not blocks or besides:
        raise EmptyInputError(
            f"{where}: no text found in the Markdown{besides} (code blocks, images, scripts and comments "
            "are left out); give it some article text"
        )
    given = _inline_markdown(meta["title"]) if meta.get("title") else None
    title = given or _heading_title(blocks)
    texts = [text for _, text in blocks]
    if given and not any(_words(text) == _words(given) for text in texts):
        texts.insert(0, given)  # the headline a site shows above the body: analysed too
    return Article(
        id=id,
        text="\n\n".join(texts),
        title=title,
        outlet=meta.get("outlet"),
        url=web_address(meta.get("url")),
        published=_published(meta.get("date") or meta.get("published"), where=where),
        language=_language(meta.get("lang") or meta.get("language")),
        source_path=str(source_path) if source_path is not None else None,
    )


_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))


def _heading_title(blocks: list[tuple[str, str]]) -> str | None:
    """The first block when it is a level-1 or level-2 heading, else the first level-1 heading:
    an ``##`` heading after the body began is a section's ("Background"), not the title."""
    tag, text = blocks[0]
    if tag in _TITLE_LEVELS:
        return " ".join(text.split())
    return next((" ".join(text.split()) for tag, text in blocks if tag == "h1"), None)


def front_matter(source: str) -> tuple[dict[str, str], str]:
    """The top-level ``key: value`` (or TOML ``key = value``) pairs of the front matter opening
    ``source``, keys lowered and values unquoted (empty values left out), and the text after it;
    ``({}, source)`` when it opens with none."""
    found = _FRONT_MATTER.match(source)
    first = next((line for line in found.group(2).splitlines() if line.strip()), "") if found else ""
    if found is None or _KEY_LINE.fullmatch(first.rstrip()) is None:
        return {}, source  # "---" lines around a text are rules (or a setext heading), not front matter
    meta: dict[str, str] = {}
    for line in found.group(2).splitlines():
        pair = _KEY_LINE.fullmatch(line.rstrip())  # indented lines (nested keys, lists) do not match
        if pair is None:
            continue
        value = _unquote(pair.group(2))
        if value and value not in ("|", ">", "|-", ">-"):  # a block scalar is on the lines below
            meta.setdefault(pair.group(1).lower(), value)
    return meta, source[found.end() :]


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else inner.replace('\\"', '"')
    return re.sub(r"[ \t]+#.*", "", value).strip()  # an unquoted value ends at a comment


def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _inline_markdown(text: str) -> str:
    """A front-matter value written in Markdown ("The *real* cost") as its text."""
    tokens = _parser().parseInline(text)
    return " ".join("".join(_inline_text(t.children or []) for t in tokens).split())


def markdown_blocks(body: str) -> list[tuple[str, str]]:
    """The text blocks of Markdown ``body`` in order, each ``(tag, text)``: ``"h1"``-``"h6"``
    for a heading, ``"p"`` for a paragraph (of the body, a list item or a quote), ``"table"``
    for a table (a line per row, cells joined by ``" | "``). Empty blocks are left out."""
    parser = _parser()
    blocks: list[tuple[str, str]] = []
    rows: list[str] = []
    cells: list[str] | None = None  # a table row's cells while one is read
    tag = "p"
    for token in parser.parse(body):
        kind = token.type
        if kind in ("heading_open", "paragraph_open"):
            tag = token.tag
        elif kind == "tr_open":
            cells = []
        elif kind == "html_block":
            blocks += [("p", block) for block in _html_text(token.content)]
        elif kind == "inline" and token.children is not None:
            text = _inline_text(token.children)
            if cells is not None:
                cells.append(" ".join(text.split()))
            elif text := _without_marks(text).strip():
                blocks.append((tag, text))
        elif kind == "tr_close" and cells is not None:
            if any(cells):
                rows.append(" | ".join(cells))
            cells = None
        elif kind == "table_close":
            if rows:
                blocks.append(("table", "\n".join(rows)))
            rows = []
    return blocks


def _inline_text(children: Iterable[Any]) -> str:
    """The text of an inline token's children: text and inline code kept, marks (emphasis,
    links) dropped for their text, images and raw HTML left out, a soft break a space."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak" or (child.type == "html_inline" and _BREAK.fullmatch(child.content)):
            parts.append("\n")
    return "".join(parts)


def _html_text(html: str) -> list[str]:
    """The text of a raw HTML block, a string per block element; none for a comment, a script,
    a style or an embed (no prose)."""
    from unspun.readers.feed import html_fragment_text

    html = _NO_PROSE.sub("", html)  # html_fragment_text reads a <br> as a line break
    return [block.strip() for block in html_fragment_text(html).split("\n\n") if block.strip()]


def _words(text: str) -> list[str]:
    return text.casefold().split()


def _published(value: str | None, *, where: str) -> dt.date | None:
    """The front matter's date: a site generator's template tag ("{{ .Date }}") is left out
    silently, any other value that is no date warns (:func:`published_or_none`) and is left out."""
    if isinstance(value, str) and _TEMPLATE_TAG.search(value):
        return None
    return published_or_none(value, where=where)


def _language(value: str | None) -> str | None:
    from unspun.languages import normalise_language

    if value is None or value.strip().lower() == "und":
        return None
    try:
        return normalise_language(value)
    except LanguageNotSupportedError:
        return None
