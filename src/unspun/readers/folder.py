"""The folder rule, in one place: which entries of a folder are read, which are left out and why,
and how many articles a source holds (for sizing a progress bar).

A folder is read one level deep (a subfolder is not read: pass it on its own), in name order;
suffixes are compared without case; hidden entries (a name starting with ``.``) are ignored.
Its inputs are the ``.txt``, ``.html``/``.htm``, ``.md``/``.markdown`` and ``.jsonl`` files, and
the ``.rss``, ``.atom`` and ``.xml`` files that start like an RSS or Atom feed. Every other entry is left out
with its reason: a subfolder, a file of another type, a broken link, a named pipe (or another entry
that is not a regular file: reading one waits for a writer), an ``.xml`` file that is not a feed, a
``README.md`` (or ``CHANGELOG``, ``CONTRIBUTING``, ``LICENSE``: the folder's documentation), and a
file in ``exclude`` (``os.stat`` results: the output being written, which must never be read
back as input). Reading (:func:`unspun.readers.dispatch.read_folder`) and counting
(:func:`count_inputs`) both go through :func:`list_folder`, so they agree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from unspun.errors import InputError
from unspun.readers.feed import FEED_SUFFIXES, is_feed
from unspun.readers.jsonl import TABLE_SUFFIXES
from unspun.readers.markdown import MARKDOWN_SUFFIXES
from unspun.readers.url import is_url, local_path

TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
INPUT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | MARKDOWN_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES
STDIN = "-"
KINDS = ".txt, .html, .htm, .md, .markdown, .jsonl, .rss, .atom or .xml (a feed)"
# An RSS <item> or an Atom <entry>: one article each, counted without parsing the feed.
_FEED_ENTRY = re.compile(rb"<(?:item|entry)[\s>/]")
_SNIFF_BYTES = 4096
# A folder of articles often holds a README.md (a corpus's, a repository's): it tells of the
# folder, and was analysed as one of its articles once Markdown was read.
FOLDER_DOCS = frozenset({"README", "CHANGELOG", "CONTRIBUTING", "LICENSE"})


@dataclass(frozen=True, slots=True)
class Listing:
    """The entries of a folder: the input files in name order, and those left out with why."""

    files: list[Path] = field(default_factory=list)
    left_out: list[tuple[Path, str]] = field(default_factory=list)


def list_folder(folder: Path, exclude: Sequence[os.stat_result] = ()) -> Listing:
    """The input files of ``folder`` and the entries left out, by the folder rule (see the module)."""
    listing = Listing()
    for entry in sorted(Path(folder).iterdir(), key=lambda f: f.name):
        if entry.name.startswith("."):
            continue
        reason = _left_out_because(entry, exclude)
        if reason is None:
            listing.files.append(entry)
        else:
            listing.left_out.append((entry, reason))
    return listing


def _left_out_because(entry: Path, exclude: Sequence[os.stat_result]) -> str | None:
    suffix = entry.suffix.lower()
    if entry.is_dir():
        return "a folder (folders are read one level deep; pass it on its own)"
    if suffix == ".json":  # read on its own (JSONL, or refused with the jq command), not in a folder
        return 'a .json file, not read in a folder (pass it on its own: one {"text": ...} object per line is read as JSONL)'
    if suffix in TABLE_SUFFIXES:  # refused on its own with the command that converts it
        kind = TABLE_SUFFIXES[suffix][0]
        return f"a {kind} table, not read in a folder (pass it on its own for the command that makes JSONL of it)"
    if suffix not in INPUT_SUFFIXES:
        return f"not a {KINDS} file"
    if not entry.exists():
        return "a broken link (what it points to does not exist)"
    if not entry.is_file():  # a named pipe is opened and waited on for a writer that never comes
        return "not a regular file (a pipe, socket or device; pass it on its own to read it)"
    if excluded(entry, exclude):
        return "the output being written"
    if suffix in FEED_SUFFIXES and not is_feed(_head(entry)):
        return "not an RSS or Atom feed"
    if suffix in MARKDOWN_SUFFIXES and entry.stem.upper() in FOLDER_DOCS:
        return "the folder's own documentation, not an article (pass it on its own to analyse it)"
    return None


def excluded(path: Path, exclude: Sequence[os.stat_result]) -> bool:
    """Whether ``path`` is one of the files ``exclude`` holds (same device and inode)."""
    if not exclude:
        return False
    try:
        found = path.stat()
    except OSError:
        return False
    return any(found.st_ino == other.st_ino and found.st_dev == other.st_dev for other in exclude)


def count_inputs(source: str | Path, *, exclude: Sequence[os.stat_result] = ()) -> int | None:
    """How many articles ``source`` holds, for sizing a progress bar; ``None`` when unknown (stdin,
    a path that does not exist, the address of a feed: ``.rss``, ``.atom``, ``.xml``).

    A URL is one article; a folder counts the files :func:`list_folder` reads (``exclude`` left
    out, as reading leaves it out): one per text, HTML or Markdown file, the non-blank lines of a JSONL
    file, the entries of a feed.
    """
    if str(source) == STDIN:
        return None
    if isinstance(source, str) and is_url(source):
        return None if _feed_address(source) else 1  # a feed's entries are known once fetched
    try:
        path = Path(local_path(source))
    except InputError:  # a file URL of another machine: reading it says so
        return None
    if path.is_dir():
        return sum(_count_file(file) for file in list_folder(path, exclude).files)
    if path.is_file():
        return _count_file(path)
    return None


def holds_many(source: str | Path) -> bool:
    """Whether ``source`` is a kind of input that holds a list of articles however many it gives
    (a folder, a JSONL file, a feed, a feed's address), rather than one (a text, HTML or Markdown
    file, a page's URL)."""
    if isinstance(source, str) and is_url(source):
        return _feed_address(source)
    if str(source) == STDIN:
        return False
    try:
        path = Path(local_path(source))
    except InputError:  # a file URL of another machine: reading it says so
        return False
    return path.is_dir() or path.suffix.lower() in JSONL_SUFFIXES | FEED_SUFFIXES


def _feed_address(url: str) -> bool:
    """Whether ``url``'s path ends as a feed's or a JSONL file's name does (``.rss``, ``.atom``,
    ``.xml``, ``.jsonl``): an address of many articles."""
    from urllib.parse import urlsplit

    return Path(urlsplit(url).path).suffix.lower() in FEED_SUFFIXES | JSONL_SUFFIXES


def _count_file(path: Path) -> int:
    suffix = path.suffix.lower()
    if suffix not in JSONL_SUFFIXES | FEED_SUFFIXES:
        return 1
    try:
        with open(path, "rb") as handle:
            if suffix in JSONL_SUFFIXES:
                return sum(1 for line in handle if line.strip())
            return len(_FEED_ENTRY.findall(handle.read()))
    except OSError:
        return 0


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except OSError:
        return b""
