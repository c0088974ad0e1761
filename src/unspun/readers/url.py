"""URL input: fetch a web page (trafilatura's fetching, bounded) and extract its article.

A page that is not the article is refused, never returned as one: an HTTP error status
(a 403 is usually bot protection or a login wall), or a 200 page that is a paywall ("Subscribe
to read"), a cookie-consent wall or a bot check ("Checking your browser", a CAPTCHA). Each
raises :class:`unspun.errors.FetchError` saying which it was.

Requests to private and loopback addresses are refused (trafilatura's SSRF protection) unless
``allow_private`` (or ``$UNSPUN_FETCH_PRIVATE=1``, for an intranet or a local test server).
"""

from __future__ import annotations

import logging
import os
import re
from configparser import ConfigParser
from pathlib import Path, PurePosixPath

from unspun.document import Article
from unspun.errors import EmptyInputError, FetchError, InputError, InputNotFoundError
from unspun.readers.encoding import DEFAULT_MAX_BYTES
from unspun.readers.jsonl import ErrorHandler, raise_error
from unspun.readers.wall import wall_kind

DEFAULT_TIMEOUT = 20
URL_PATTERN = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)

_STATUS_REASONS = {
    401: "the page needs a login",
    402: "the page is behind a paywall",
    403: "the site refused access (HTTP 403: bot protection, a login or a paywall)",
    404: "the page does not exist (HTTP 404)",
    410: "the page was removed (HTTP 410)",
    429: "the site is rate-limiting requests (HTTP 429); try again later",
    451: "the page is unavailable for legal reasons (HTTP 451)",
}


def is_url(source: str) -> bool:
    """Whether ``source`` is an http(s) URL (rather than a path)."""
    return URL_PATTERN.match(source.strip()) is not None


def local_path(source: str | Path) -> str | Path:
    """``source`` with a ``file:`` URL (``file:///home/me/news.rss``, as a browser's address bar
    or a feed reader gives a file) turned into the local path it names, percent-escapes decoded;
    any other source as it is. Every reader and counter takes a source through it, so that
    ``unspun analyze file:///...`` reads, counts and lists the file as its path.

    Raises:
        InputError: a ``file:`` URL of another machine (``file://server/share/a.txt``).
        InputNotFoundError: a ``file:`` URL with no path (``file://``), which would name the
            current folder.
    """
    if not isinstance(source, str) or source[:5].lower() != "file:":
        return source
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(source)
    if parts.netloc not in ("", "localhost"):
        raise InputError(
            f"{source} names a file on another machine ({parts.netloc}); copy it here and give its path"
        )
    if not parts.path:
        raise InputNotFoundError(f"{source} names no file; check the URL (file:///home/me/news.rss)")
    return Path(unquote(parts.path))


def _config(timeout: float, max_bytes: int, allow_private: bool) -> ConfigParser:
    from trafilatura.settings import DEFAULT_CONFIG

    config = ConfigParser()
    config.read_dict({section: dict(DEFAULT_CONFIG[section]) for section in DEFAULT_CONFIG.sections()})
    config.read_dict({"DEFAULT": dict(DEFAULT_CONFIG.defaults())})
    config.set("DEFAULT", "DOWNLOAD_TIMEOUT", str(max(1, int(timeout))))
    config.set("DEFAULT", "MAX_FILE_SIZE", str(max_bytes))
    config.set("DEFAULT", "MAX_REDIRECTS", "3")
    config.set("DEFAULT", "SSRF_PROTECTION", "off" if allow_private else "on")
    config.set("DEFAULT", "INSECURE_SSL_FALLBACK", "off")
    return config


class _Reasons(logging.Handler):
    """Collects trafilatura's log messages about one URL: its fetch returns None without a reason."""

    def __init__(self, url: str) -> None:
        super().__init__(logging.DEBUG)
        self.url = url
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if any(str(arg) == self.url for arg in (record.args or ())):
            args = tuple(a for a in record.args or () if str(a) != self.url)
            message = record.msg.replace("%s", "").strip(" :") if not args else record.getMessage()
            self.messages.append(message.replace(self.url, "").strip(" :"))


def fetch(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_private: bool | None = None,
) -> tuple[bytes, str]:
    """The bytes of the page at ``url`` and its final URL (after redirects).

    Raises :class:`FetchError`: the page cannot be reached in ``timeout`` seconds, is larger
    than ``max_bytes``, answers with an error status, or is a private address (see the module).
    """
    from trafilatura import downloads

    if allow_private is None:
        allow_private = os.environ.get("UNSPUN_FETCH_PRIVATE", "") in {"1", "true", "yes"}
    if not allow_private and _names_a_private_address(url):
        # Refused before any connection: trafilatura's own check runs only once a connection is
        # made, so a closed port answered "connection refused" instead of saying why.
        raise FetchError(f"cannot fetch {url}: {_PRIVATE_REFUSED}")
    handler = _Reasons(url)
    downloads.LOGGER.addHandler(handler)
    try:
        response = downloads.fetch_response(url, config=_config(timeout, max_bytes, allow_private))
    finally:
        downloads.LOGGER.removeHandler(handler)
    if response is None or response.data is None:
        raise FetchError(f"cannot fetch {url}: {_failure(handler.messages, timeout, max_bytes)}")
    if response.status != 200:
        reason = _STATUS_REASONS.get(response.status, f"the site answered HTTP {response.status}")
        raise FetchError(f"cannot fetch {url}: {reason}; save the article from a browser and pass the file")
    if len(response.data) > max_bytes:
        raise FetchError(f"cannot fetch {url}: the page is larger than {max_bytes / 1024 / 1024:.3g} MB")
    return bytes(response.data), str(response.url or url)


_PRIVATE_REFUSED = (
    "it is a private or loopback address, refused by default (set UNSPUN_FETCH_PRIVATE=1 to allow it)"
)


def _names_a_private_address(url: str) -> bool:
    """Whether the URL's host is written as a private, loopback, link-local or reserved IP address
    (or ``localhost``). Host names are left to trafilatura's check, made when it connects."""
    import ipaddress
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def _failure(messages: list[str], timeout: float, max_bytes: int) -> str:
    """A short reason for a fetch that gave nothing, from trafilatura's log messages."""
    detail = " ".join(messages)
    lowered = detail.lower()
    if "max_file_size" in lowered or "too large" in lowered:
        return f"the page is larger than {max_bytes / 1024 / 1024:.3g} MB (raise --max-input-mb)"
    if "ssrf" in lowered or "non-public" in lowered:
        return _PRIVATE_REFUSED
    if "timed out" in lowered or "timeout" in lowered:
        return f"no answer within {timeout:g} seconds; try again later"
    unresolved = re.search(
        r"Failed to resolve '([^']+)'|Name or service not known|getaddrinfo failed", detail
    )
    if unresolved:
        host = f"the host {unresolved.group(1)}" if unresolved.group(1) else "the site's host"
        return f"{host} could not be found (no network connection, or no such site); check the URL and your connection"
    if "connection refused" in lowered:
        return "the site refused the connection; check the URL and try again later"
    caused = re.search(r"Caused by \w+\((.*?)\)\)?\s*$", detail)
    reason = caused.group(1) if caused else (detail or "no answer")
    # urllib3's wrapper ("_SafeHTTPSConnection(host='x', port=443): ...") says nothing a reader needs
    reason = re.sub(r"^[\"']?\w+\(host=[^)]*\):\s*", "", reason).strip("\"' ")
    return f"{reason[:200]}; check the URL and your connection"


def check_not_a_wall(url: str, page: bytes, article: Article | None) -> None:
    """Raise :class:`FetchError` when the page is a paywall, consent or bot-check page."""
    head = page[:200_000].decode("utf-8", errors="replace")
    kind = wall_kind(article.text if article is not None else "", head)
    if kind is None:
        return
    raise FetchError(
        f"{url} gave {kind}, not the article; open it in a browser, save the article and pass the file"
    )


def url_article(
    url: str,
    *,
    id: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_private: bool | None = None,
) -> Article:
    """The article at ``url``: fetched, checked (not a wall) and extracted as an HTML page is.

    ``id`` defaults to the last part of the URL's path (or its host). ``url`` of the article is
    the page's canonical link, else the final URL fetched.

    Raises:
        FetchError: see :func:`fetch` and :func:`check_not_a_wall`; also a page without article text.
    """
    page, final = fetch(url, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private)
    return _page_article(url, page, final, id)


def _page_article(url: str, page: bytes, final: str, id: str | None) -> Article:
    """The article of the HTML ``page`` fetched from ``url`` (``final``: after redirects)."""
    from unspun.readers.html import html_article, url_host

    try:
        article = html_article(page, id=id or _url_id(final), where=url, source_path=None, address=final)
    except EmptyInputError as error:
        check_not_a_wall(url, page, None)
        raise FetchError(f"{url} holds no article text that could be extracted ({error.message})") from error
    check_not_a_wall(url, page, article)
    article.url = article.url or final
    if article.outlet is None:
        article.outlet = url_host(final)
    article.source_path = url
    return article


def url_articles(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_private: bool | None = None,
    on_error: ErrorHandler = raise_error,
) -> list[Article]:
    """The articles at ``url``, by what it gives: an RSS or Atom feed's entries (one article each,
    as a feed file's; ``on_error`` gets the entries without text), a JSONL dump's records (no
    HTML page, its first line a ``{"text": ...}`` object or its address ending in ``.jsonl``: one
    article per line, as a ``.jsonl`` file's; ``on_error`` gets the bad lines), a Markdown or plain text
    file's article when its address ends in ``.md``, ``.markdown`` or ``.txt`` and it is no HTML
    page (a raw file of a repository), else the page's article (:func:`url_article`). A feed's
    address had been read as one page, its entries run together ("- Council closes libraryThe
    council voted..."), a raw Markdown file's markup and paragraphs as a page's text, and a JSONL
    dump as one text, its JSON lines for words.

    Raises:
        FetchError (see :func:`url_article`), FormatError, EncodingError, EmptyInputError.
    """
    from urllib.parse import urlsplit

    from unspun.readers.encoding import decode_text
    from unspun.readers.feed import feed_articles, is_feed
    from unspun.readers.html import is_html
    from unspun.readers.markdown import MARKDOWN_SUFFIXES, markdown_article
    from unspun.readers.text import read_text

    page, final = fetch(url, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private)
    if is_feed(page):
        return list(feed_articles(page, path=Path(_url_id(final)), where=url, on_error=on_error))
    suffix = PurePosixPath(urlsplit(final).path).suffix.lower()
    if not is_html(page):
        dump = _jsonl_articles(page, url, _url_id(final).removesuffix(suffix) or "page", suffix, on_error)
        if dump is not None:
            return dump
    if not is_html(page) and suffix in MARKDOWN_SUFFIXES | {".txt"}:
        id = _url_id(final).removesuffix(suffix) or "page"
        if suffix in MARKDOWN_SUFFIXES:
            article = markdown_article(page, id=id, where=url, source_path=url)
        else:
            article = read_text(decode_text(page, url), id=id, source_path=url, where=url)
        article.url = article.url or final
        return [article]
    return [_page_article(url, page, final, None)]


def _jsonl_articles(
    page: bytes, url: str, stem: str, suffix: str, on_error: ErrorHandler
) -> list[Article] | None:
    """The records of a JSONL dump fetched from ``url`` (None when ``page`` is none: its address
    does not end in ``.jsonl`` and its first line is no ``{"text": ...}`` object)."""
    from unspun.readers.encoding import decode_text
    from unspun.readers.jsonl import jsonl_articles, looks_like_jsonl, unique_ids

    text = decode_text(page, url)
    if suffix != ".jsonl" and not looks_like_jsonl(text):
        return None
    articles = list(
        unique_ids(jsonl_articles(text, where=url, stem=stem, source_path=None, on_error=on_error))
    )
    for article in articles:
        article.source_path = url
    return articles


def _url_id(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    tail = [p for p in parts.path.split("/") if p]
    name = tail[-1] if tail else (parts.hostname or "page")
    return re.sub(r"\.(?:s?html?|php|aspx?)$", "", name, flags=re.IGNORECASE) or "page"
