"""HTML input: sniffing whether bytes are an HTML page, and extracting its main text.

Extraction uses trafilatura, imported only when a page is read because it is slow to
import. The extracted text (not the markup) becomes ``Article.text``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from unspun.document import Article, web_address
from unspun.errors import EmptyInputError, FormatError
from unspun.furniture import TEASER, WIRE_CREDIT
from unspun.readers.encoding import BOM, UTF8_BOM, decode_text
from unspun.readers.text import parse_published
from unspun.readers.wall import wall_kind
from unspun.sentences import reads_as_headline, title_line

# An HTML page or fragment: after blanks, comments and an XML declaration (XHTML), a doctype
# or one of the tags a page or a saved article body starts with. The name must end there,
# so <pre> or <pizza> is not <p>.
_HTML_START = re.compile(
    rb"\s*(?:(?:<!--.*?-->|<\?xml\b.*?\?>)\s*)*"
    rb"<(?:!doctype\s+html|html|head|body|article|main|div|section|p|h[1-3])(?=[\s/>])",
    re.IGNORECASE | re.DOTALL,
)
_SNIFF_BYTES = 2048


# The publication date from the page's markup only (meta tags, JSON-LD, <time>, the URL):
# htmldate's extensive search guesses from any date-like text, so a footer's "Copyright 2024"
# became a published date of 2024-01-01.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}


def is_html(data: bytes) -> bool:
    """``data`` starts (after a BOM, blanks, comments, an XML declaration) like an HTML page."""
    return _HTML_START.match(data[:_SNIFF_BYTES].removeprefix(UTF8_BOM)) is not None


def html_article(
    data: bytes, *, id: str, where: str, source_path: Path | None, address: str | None = None
) -> Article:
    """The article of an HTML page's bytes; ``where`` names the input in error messages;
    ``address`` is the URL it was fetched from (None: a file, a string), whose host stands before
    a site named in the ``<title>`` only (:func:`title_site`).

    Raises:
        EncodingError: binary data, or bytes no encoding reads (the rule of
            :func:`unspun.readers.encoding.decode`, as for a text file).
        EmptyInputError: no main text found.
        FormatError: a list of articles (:func:`teaser_count`); a saved page that is a paywall,
            cookie-consent or bot-check page (:func:`unspun.readers.wall.wall_kind`; a fetched
            one is refused by ``readers.url``).
    """
    # Decoded by the one rule (offsets count the extracted text, so the BOM is not kept).
    page = decode_text(data, source_path if source_path is not None else where).removeprefix(BOM)
    teasers = teaser_count(page)
    if teasers:
        raise FormatError(
            f"{where} is a list of {teasers} articles (each a linked headline and a few words), not one "
            "article; open the article you mean and save its page, or give its address"
        )
    document = _extract(page)
    blocks = _html_blocks(document) if document is not None else []
    if not any(block.strip() for _, block in blocks) or not has_page_text(page):
        raise EmptyInputError(
            f"{where}: no main article text found in the HTML; save the article text as a .txt file instead"
        )
    title = _clean(getattr(document, "title", None))
    outlet = _outlet(document, page, address)
    headline = None if title is None or _names_the_site(title, outlet) else title
    text = with_headline(blocks, headline)
    wall = wall_kind(text) if address is None else None  # a fetched page: readers.url checks it
    if wall is not None:
        raise FormatError(
            f"{where} is {wall}, not the article; save the page once the article shows in the "
            "browser, or save the article's text as a .txt file"
        )
    return Article(
        id=id,
        text=text,
        title=title,
        url=web_address(_clean(getattr(document, "url", None))),
        outlet=outlet,
        published=_published(getattr(document, "date", None)),
        source_path=str(source_path) if source_path is not None else None,
    )


# A whole page: it has an <html>, <head> or <body> tag; any other HTML is a fragment of one.
_WHOLE_PAGE = re.compile(r"<(?:html|head|body)(?=[\s/>])", re.IGNORECASE)


def _extract(page: str) -> Any:
    """trafilatura's extraction of ``page`` (``None`` when it finds nothing), a fragment of a page
    read as a page.

    A short body (under trafilatura's ``MIN_EXTRACTED_SIZE``, 250 characters) sends trafilatura
    to its fallback extractors, which keep a page's menu ("Home | Sport" opened the text of a
    one-paragraph story): such a page is extracted again favouring precision, which leaves the
    menu out, and that body is taken when it holds any text. A longer body is kept as it is
    (precision mode can drop a real paragraph), unless it is one run of text that the precise
    extraction splits into paragraphs (:func:`_run_together`).
    """
    import trafilatura  # imported here: it is slow to import and only HTML needs it
    from trafilatura.settings import DEFAULT_CONFIG

    if _WHOLE_PAGE.search(page) is None:
        # A fragment ("<p>...</p>", "<article><h1>...") put in a page: alone, trafilatura found no
        # text in a single paragraph and left an <h1> out.
        page = f"<html><body>{page}</body></html>"
    page = without_consent_banners(page)
    options: dict[str, Any] = {"with_metadata": True, "include_comments": False}
    document: Any = trafilatura.bare_extraction(page, date_extraction_params=_DATE_PARAMS, **options)
    if document is None:
        return None
    short = len(document.text or "") < DEFAULT_CONFIG.getint("DEFAULT", "MIN_EXTRACTED_SIZE")
    if not (short or _one_block(document)):
        return document
    precise: Any = trafilatura.bare_extraction(
        page, date_extraction_params=_DATE_PARAMS, favor_precision=True, **options
    )
    if precise is None or not (precise.text or "").strip():
        return document
    return precise if short or _run_together(document, precise) else document


def _one_block(document: Any) -> bool:
    body = getattr(document, "body", None)
    return body is not None and len(body) == 1


def _run_together(document: Any, precise: Any) -> bool:
    """Whether ``document``'s one block is the precise extraction's several blocks run together.

    trafilatura's fallback extractors, used when its own finds under ``MIN_EXTRACTED_SIZE``
    characters, can return a page's ``<article>`` as one paragraph: headline, byline, paragraphs
    and captions run into a single block ("Council approves bus lanes By Jane Doe ... The council
    voted ..."), kept when that run passed 250 characters. The precise extraction of the same
    page splits it into the headline and paragraphs: taken when it has several blocks whose
    words all stand in the run.
    """
    body = getattr(precise, "body", None)
    if body is None or len(body) < 2:
        return False
    run = set((document.text or "").split())
    words = (precise.text or "").split()
    return bool(words) and all(word in run for word in words)


# A cookie or consent banner, by the id or class that names it: trafilatura leaves out an element
# named "cookie", but not a "consent-overlay" or a consent platform's (OneTrust, Didomi, Quantcast,
# Cookiebot), whose text ("We and our 842 partners store and/or access information on a device")
# then followed a short story as two paragraphs of its body.
_CONSENT = re.compile(
    r"consent|cookie|gdpr|onetrust|didomi|qc-cmp|\bcmp\b|privacy-(?:banner|notice|overlay|popup)", re.I
)


# An advertisement's block, by a word of its id or class ("ad", "ad-slot", "div-gpt-ad-1234-0",
# "adsbygoogle", "sponsored"): trafilatura keeps '<div class="ad">Sponsored: Buy the best boats at
# BoatWorld!</div>' inside an <article> as a paragraph of its text. Whole words only: "lead",
# "header", "read-more" and "loaded" name no advertisement.
_AD_WORDS = frozenset(
    {"ad", "ads", "adsbygoogle", "adslot", "adunit", "advert", "adverts", "advertisement", "advertising"}
    | {"sponsored", "sponsor"}
)
_AD = re.compile(
    r"\b(?:ads?|adsbygoogle|adslot|adunit|adverts?|advertisement|advertising|sponsored|sponsor)\b", re.I
)
# An advertisement is a few words; a longer block so named is a sponsored story's body, kept.
_AD_MAX_WORDS = 60


# Words that make a name say the opposite or describe a wrapper ("ad-free", "no-ads", "has-ads").
_NOT_AN_AD = frozenset({"free", "no", "has", "with", "without"})


def _names_an_ad(names: str) -> bool:
    for token in names.casefold().split():
        words = set(re.split(r"[_-]+", token))
        if words & _AD_WORDS and not words & _NOT_AN_AD:
            return True
    return False


def _is_ad_block(element: Any, names: str) -> bool:
    # A block of paragraphs so named is a story's text (a wrapper "article-ads"), not an ad.
    return (
        _names_an_ad(names)
        and len(element.text_content().split()) <= _AD_MAX_WORDS
        and len(element.xpath(".//p")) < 2
    )


_XML_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]*\?>")


def without_consent_banners(page: str) -> str:
    """``page`` less its cookie and consent banners and its advertisements' blocks: each element
    whose id or class names one (see ``_CONSENT``, ``_AD_WORDS``) and that holds no
    ``<article>``, ``<main>`` or ``<h1>`` (a page's wrapper may carry such a class). A page that
    cannot be parsed is returned as it is."""
    if _CONSENT.search(page) is None and _AD.search(page) is None:
        return page
    from lxml import etree
    from lxml import html as lxml_html

    try:  # lxml refuses a str that declares its encoding (XHTML's <?xml ... encoding=...?>)
        tree = lxml_html.document_fromstring(_XML_DECLARATION.sub("", page, count=1))
    except (ValueError, etree.ParserError):  # an empty page
        return page
    found = False
    for element in tree.xpath("//body//*[@id or @class]"):
        names = f"{element.get('id', '')} {element.get('class', '')}"
        consent = _CONSENT.search(names) is not None
        if not consent and not _is_ad_block(element, names):
            continue
        if element.xpath(".//article|.//main|.//h1"):
            continue
        element.drop_tree()
        found = True
    return lxml_html.tostring(tree, encoding="unicode") if found else page


# The site's own parts around an article: its menus, banners, sidebars and footer (a <header>
# holding the <h1> is the article's), and what is no text (scripts, styles).
_CHROME = (
    "//nav|//menu|//aside|//footer|//header[not(.//h1)]|//script|//style|//noscript|//template"
    "|//*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='search']"
)


def has_page_text(page: str) -> bool:
    """Whether ``page`` holds text outside the site's menus, banners, sidebars and footer (see
    ``_CHROME``): a page whose only text is its menu has no article, though trafilatura's
    fallback extractors return that menu ("Home | News" was analysed, framed "Security and
    defence"). A page that cannot be parsed is left to the extraction (``True``)."""
    from lxml import etree
    from lxml import html as lxml_html

    try:  # lxml refuses a str that declares its encoding (XHTML's <?xml ... encoding=...?>)
        tree = lxml_html.document_fromstring(_XML_DECLARATION.sub("", page, count=1))
    except (ValueError, etree.ParserError):
        return True
    body = tree.find("body")
    if body is None:
        return True
    for element in body.xpath(_CHROME):
        element.drop_tree()  # its tail (text after it) stays: the page's own
    return bool(body.text_content().strip())


# A page of teasers (a front page, a section's or a search's list): at least this many <article>
# elements, none inside another, each a linked headline and at most _TEASER_WORDS words.
_TEASERS = 3
_TEASER_WORDS = 80


def teaser_count(page: str) -> int:
    """How many teasers ``page`` lists when it is a list of articles, else 0.

    A front page's stories are each an ``<article>`` with a linked headline and a line or two:
    read as one article, their paragraphs ran together (and their headlines, but the first, were
    left out). An article's page whose own ``<article>`` is longer, with related stories beside
    it, is no list."""
    if "<article" not in page.casefold():
        return 0
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(_XML_DECLARATION.sub("", page, count=1))
    except (ValueError, etree.ParserError):
        return 0
    articles = tree.xpath("//body//article[not(ancestor::article)]")
    if len(articles) < _TEASERS:
        return 0
    linked = ".//*[self::h1 or self::h2 or self::h3 or self::h4]//a[@href]"
    for article in articles:
        if not article.xpath(linked) or len(article.text_content().split()) > _TEASER_WORDS:
            return 0
    return len(articles)


# A host name ("example.com", "news.example.co.uk"): what trafilatura means its fallback to find.
_HOST = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}", re.IGNORECASE)


def _outlet(document: Any, page: str, address: str | None = None) -> str | None:
    """The site's name as trafilatura reads it from the markup (``og:site_name``, a publisher
    meta tag, JSON-LD), else a host name in the ``<title>``, else the host of the page's URL
    (its canonical link, else ``address``), else a site named at the end of the ``<title>``
    (:func:`title_site`: "Headline - City Herald"); None when the page has an address but no
    name (the caller takes the host of the address fetched).

    trafilatura's last resort is the part of the ``<title>`` ("headline | site") that holds a
    dot, meant for a host name: "Rates rise to 4.5% | Daily Courier" gave the outlet "Rates rise
    to 4.5%", and the store counted every such headline as an outlet of its own.
    """
    name = _clean(getattr(document, "sitename", None))
    if name is not None and _HOST.fullmatch(name):
        return name
    from trafilatura.metadata import examine_meta, examine_title_element, extract_meta_json
    from trafilatura.utils import load_html

    tree = load_html(page)
    if tree is None:
        return None
    if name is not None and extract_meta_json(tree, examine_meta(tree)).sitename:
        return name  # declared in the markup, not taken from the title
    url = _clean(getattr(document, "url", None)) or address
    if name is not None:
        _, *parts = examine_title_element(tree)
        host = next((part for part in parts if part and _HOST.fullmatch(part.strip())), None)
        if host or url:
            return host.strip() if host else url_host(url) if url else None
    # No site name in the markup and no address (a saved page): the <title>'s last part.
    return None if url else title_site(_clean(tree.findtext(".//title")))


# "Headline - City Herald", "Headline | BBC News": the separators a <title> puts before its site
_TITLE_PARTS = re.compile(r"\s+[-|\u2013\u2014]\s+")
_SITE_WORD = re.compile(r"[A-Z0-9][\w.&'\u2019-]*|of|the|and|for|on|in|&", re.UNICODE)


def title_site(title: str | None) -> str | None:
    """The site named at the end of a page's ``<title>`` ("Brexit: the deal explained - BBC News"
    gives "BBC News"), or None: only the last part after " - " or " | " (or a spaced dash), and
    only when it reads as a name (one to four words, each capitalised but for "of", "the",
    "and", ...; no sentence punctuation) and the headline before it is longer ("Covid-19 - what
    we know" names no site, nor does "Covid-19 - What We Know")."""
    if not title:
        return None
    parts = _TITLE_PARTS.split(title.strip())
    if len(parts) < 2:
        return None
    home = [part for part in parts if part.strip().casefold() in _HOME_PAGE]
    if len(parts) == 2 and len(home) == 1:
        # A front page's "Harbour Daily - Home" (or "Home | Harbour Daily") names the site beside
        # the page, and no headline: "Home" was taken for the outlet, the site for a headline.
        site = next(part.strip() for part in parts if part not in home)
        return site if _reads_as_name(site) else None
    site, headline = parts[-1].strip(), " ".join(parts[:-1])
    if len(headline.split()) <= len(site.split()):
        return None
    return site if _reads_as_name(site) else None


# What a site calls its front page in a <title> ("Harbour Daily - Home"), in the covered languages.
_HOME_PAGE = frozenset(
    {"home", "homepage", "home page", "front page", "startseite", "accueil", "strona główna", "главная"}
)


def _reads_as_name(site: str) -> bool:
    """One to four words, each capitalised but for "of", "the", "and", ...; no sentence punctuation."""
    words = site.split()
    if not 1 <= len(words) <= 4 or len(site) > 40:
        return False
    if any(mark in site for mark in '?!:;,"') or not words[0][:1].isupper():
        return False
    return all(_SITE_WORD.fullmatch(word) for word in words)


def url_host(url: str) -> str | None:
    """The host of ``url`` without a leading ``www.`` (an outlet's name when the page gives none)."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def with_headline(blocks: Sequence[tuple[bool, str]], title: str | None) -> str:
    """The page's text, its ``blocks`` (``(is_headline, text)``: whether the block is an
    ``<h1>``) joined by blank lines, opening with its headline as a text file opens with it.

    A page often sets its headline (``<h1>``, ``og:title``) outside the ``<article>`` element, so
    the extracted body starts with the first paragraph: the headline would then be read by no
    step (a technique in it, "Opinion:" for the genre, a headline taken for a claim). The
    headline is the body's own ``<h1>`` or a block worded as the ``title``, when the body opens
    with it or with short lines before it (a kicker "BREAKING", a byline "By Ann Lee", a time
    stamp), which it is then put before; else the ``title``, put first. A short line or a
    section's heading ("Key points") is no headline: taken for one, it had left the page's
    headline out of the text or put it there twice.
    """
    texts = [text for _, text in blocks]
    for index, (is_headline, text) in enumerate(blocks):
        if is_headline or (title and _words(text.split("\n", 1)[0]) == _words(title)):
            return "\n\n".join([text, *texts[:index], *texts[index + 1 :]])
        if not reads_as_headline(text):
            break
    body = "\n\n".join(texts)
    return f"{title}\n\n{body}" if title else body


def _names_the_site(title: str, outlet: str | None) -> bool:
    # A page with no headline of its own gives the site's name ("Le Courrier du Sud", a host
    # name) as its title: no headline to put before the text.
    return _HOST.fullmatch(title) is not None or (outlet is not None and _words(title) == _words(outlet))


def _words(line: str) -> list[str]:
    return line.casefold().split()


def _html_blocks(document: Any) -> list[tuple[bool, str]]:
    """The extracted body's block elements as text, each with whether it is an ``<h1>``.

    trafilatura's own ``document.text`` ends every block with a single ``"\\n"``, the same
    break as a ``<br>``, so paragraphs could not be told apart; converting each top-level
    element of the extracted body separately keeps the two distinct (joined by a blank line).
    """
    body = getattr(document, "body", None)
    blocks = [] if body is None else [(_is_headline(e), text) for e in body for text in _paragraphs(e)]
    blocks = [(headline, block) for headline, block in blocks if block and not is_boilerplate(block)]
    if blocks:
        return blocks
    fallback = str(getattr(document, "text", None) or "")
    return [(title_line(fallback) is not None, fallback)]


# Put where two line breaks follow each other, to split there: a word no text holds
# (xmltotxt strips private-use and control characters).
_BREAK = "UNSPUNPARAGRAPHBREAK7F3A"


def _paragraphs(element: Any) -> list[str]:
    """The text of one block of the extracted body, split where two line breaks follow each
    other (``<br><br>``, trafilatura's ``<lb/><lb/>``): an older site's way of setting paragraphs
    apart in one element, whose paragraphs had been one (a single ``<br>`` stays a line break)."""
    from copy import deepcopy

    from trafilatura.xml import xmltotxt

    breaks = [lb for lb in element.iter("lb") if _next_is_break(lb)]
    if not breaks:
        return [xmltotxt(element, False).strip()]
    element = deepcopy(element)
    for lb in element.iter("lb"):
        if _next_is_break(lb):
            lb.tail = _BREAK + (lb.tail or "")
    return [piece.strip() for piece in xmltotxt(element, False).split(_BREAK)]


def _next_is_break(lb: Any) -> bool:
    following = lb.getnext()
    return following is not None and following.tag == "lb" and not (lb.tail or "").strip()


# An advertisement's placeholder, a block of its own ("Advertisement", "SKIP ADVERTISEMENT", "Story
# continues below advertisement"): trafilatura keeps it in the body, where it read as a paragraph.
AD_PLACEHOLDER = re.compile(
    r"(?:skip\s+)?(?:advertisement|advert)s?"
    r"|(?:the\s+)?(?:story|article)\s+continues\s+(?:below|after)(?:\s+(?:this|the)?\s*(?:advertisement|advert|ad))?",
    re.IGNORECASE,
)


def is_boilerplate(block: str) -> bool:
    """Whether a block of a page's extracted body is a teaser for another story ("Read more:
    Minister resigns over ferry scandal"), a wire credit line ("Reporting by Ann Lee; Editing by
    Tom Hart") or an advertisement's placeholder ("Advertisement"), which trafilatura keeps in the
    body: no part of the article's text (the teaser's words were read as the article's, a span, a
    claim). A block that only opens like a credit ("Reporting by the BBC showed ...") or an
    advertisement ("Advertisement revenue fell ...") is kept; so are bylines and timestamps, part of
    the page's text as stored (the claims step reads them as no claim:
    :func:`unspun.furniture.is_credit`)."""
    bare = block.strip().rstrip(".:")
    return (
        TEASER.match(block) is not None
        or WIRE_CREDIT.fullmatch(bare) is not None
        or AD_PLACEHOLDER.fullmatch(bare) is not None
    )


def _is_headline(element: Any) -> bool:
    # An <h1> (trafilatura's <head rend="h1">); an <h2> opening the body is a section's
    # heading ("Key points") more often than the headline, which the title then gives.
    return bool(element.tag == "head" and element.get("rend", "h1") == "h1")


def _published(value: object) -> dt.date | None:
    # A page's date is metadata: one that cannot be read is left out, not an error.
    try:
        return parse_published(_clean(value))
    except FormatError:
        return None


def _clean(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
