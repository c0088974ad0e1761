"""Reading the raw bytes of an input safely: existence, size limit, binary check, and the one
decoding rule of every input (:func:`decode`: UTF-8, UTF-16/32 with a BOM, a detected legacy
encoding).

Bytes are decoded exactly as read (a BOM stays as character 0, CRs are never translated),
because every span offset counts code points of the original text. Each failure raises an
:class:`InputError` subclass with a one-line message that says what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from unspun.errors import (
    EmptyInputError,
    EncodingError,
    InputError,
    InputNotFoundError,
    InputTooLargeError,
)

STDIN_NAME = "standard input"
BOM = "\ufeff"
UTF8_BOM = b"\xef\xbb\xbf"

_MB = 1024 * 1024
# The input limit, declared once: the default of the max_input_mb setting (unspun.config) and of
# every reader, ingest and batch function that takes max_bytes.
MAX_INPUT_MB = 10.0


def input_bytes(megabytes: float) -> int:
    """A limit in megabytes as a byte count (1 MB = 1024 * 1024 bytes)."""
    return int(megabytes * _MB)


DEFAULT_MAX_BYTES = input_bytes(MAX_INPUT_MB)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of the file ``path``, at most ``max_bytes`` of them.

    Raises:
        InputNotFoundError, InputError (a folder or unreadable), InputTooLargeError,
        EmptyInputError (empty or only whitespace).
    """
    if not path.exists():
        raise InputNotFoundError(f"{path} does not exist; check the path")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file; pass the folder itself to read all its files")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputTooLargeError(too_large(str(path), size, max_bytes))
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}; check its permissions") from exc
    if len(data) > max_bytes:  # grew since stat, or a special file with no size: read cut
        raise InputTooLargeError(too_large(str(path), None, max_bytes))
    if not data.replace(UTF8_BOM, b"").strip():
        raise EmptyInputError(f"{path} is empty or only whitespace; give it some article text")
    return data


# What to do about a control character or a NUL byte, said to whoever gave a file (the CLI, an
# upload), and to whoever gave a text (a str to unspun.analyze, the API's "text" field).
FILE_REMEDY = "give a UTF-8 text, HTML, Markdown or JSONL file"
# The page's upload (POST /api/read) takes one article's file: a JSONL file is refused there.
UPLOAD_REMEDY = "give a UTF-8 text, HTML or Markdown file of one article"
TEXT_REMEDY = "remove it, or send the article's own text (such characters come from binary data or a wrongly decoded file)"


def decode_text(data: bytes, where: str | Path | None) -> str:
    """The text of ``data`` by the one decoding rule of every input (files, stdin, uploads,
    bytes given to :func:`unspun.analyze`, batch sources); see :func:`decode`."""
    return decode(data, where).text


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes and the encoding it was read as (``"UTF-8"``, ``"Windows-1252"``, ...)."""

    text: str
    encoding: str


def decode(data: bytes, where: str | Path | None, *, remedy: str = FILE_REMEDY) -> Decoded:
    """Decode ``data`` by the one rule: UTF-8 (a BOM is kept as character 0, CRs kept), UTF-16 or
    UTF-32 with a byte-order mark (the mark kept as character 0, as in UTF-8, so offsets count it
    the same way), else a legacy encoding of the supported languages detected with
    charset-normalizer (Windows-1252 and its subset Latin-1, Windows-1250, Windows-1251, KOI8-R,
    ISO-8859-2/15), so that smart quotes become quotes rather than control characters.

    ``where`` names the input in messages: a ``Path`` (a file), ``None`` (standard input) or a
    description such as ``"the uploaded file"``; the advice to convert it fits each. ``remedy``
    ends the message of binary data: :data:`FILE_REMEDY`, or :data:`UPLOAD_REMEDY` where a JSONL
    file is not taken (the page's upload).

    Raises:
        EncodingError: binary data (a NUL byte), a broken UTF-16/32 text, a damaged UTF-8 text
            (mostly UTF-8 with a few bad bytes), or bytes no candidate encoding reads.
    """
    name = STDIN_NAME if where is None else str(where)
    for mark, encoding, codec in _WIDE_MARKS:
        if data.startswith(mark):
            try:
                return Decoded(data.decode(codec), encoding)
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    f"{name} starts with a {encoding} byte-order mark but is not valid {encoding} "
                    f"(bad bytes at byte offset {exc.start}); save it again as UTF-8"
                ) from None
    reject_document(name, data)
    reject_binary(name, data, remedy=remedy)
    try:
        return Decoded(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError as exc:
        bad = f"bad byte 0x{data[exc.start]:02x} at byte offset {exc.start}"
        if _mostly_utf8(data):
            raise EncodingError(
                f"{name} is not valid UTF-8 ({bad}) though most of it is: it is damaged or mixes "
                "encodings; fix the bytes there or save it again as UTF-8"
            ) from None
        found = _legacy(data)
        if found is not None:
            return found
        guess = _guess(data)
        looks = f"; it looks like {guess}" if guess else ""
        raise EncodingError(
            f"{name} is not UTF-8 ({bad}) and no encoding of the supported languages reads it{looks}: "
            f"{_convert_hint(where, guess or 'ITS-ENCODING')}"
        ) from None


# The legacy encodings of the supported languages (en fr de it pl ru), most common first: a
# tie between two that read the bytes differently (é/è in Windows-1252, é/č in Windows-1250)
# goes to the first. Python codec name -> (name shown, iconv name).
LEGACY_ENCODINGS: dict[str, tuple[str, str]] = {
    "cp1252": ("Windows-1252", "CP1252"),
    "cp1250": ("Windows-1250", "CP1250"),
    "cp1251": ("Windows-1251", "CP1251"),
    "koi8_r": ("KOI8-R", "KOI8-R"),
    "iso8859_15": ("ISO-8859-15", "ISO-8859-15"),
    "iso8859_2": ("ISO-8859-2", "ISO-8859-2"),
}
_PREFERENCE = {codec: rank for rank, codec in enumerate(LEGACY_ENCODINGS)}


def _legacy(data: bytes) -> Decoded | None:
    """``data`` read in the legacy encoding charset-normalizer finds least chaotic and most
    coherent (ties to the more common encoding), or ``None`` when none reads it cleanly."""
    from charset_normalizer import from_bytes

    # Detected on the first megabyte; the whole text must then decode (else the next candidate).
    matches = from_bytes(data[:_SAMPLE_BYTES], cp_isolation=list(LEGACY_ENCODINGS), explain=False)

    def rank(match: object) -> tuple[float, float, int]:
        codecs = [c for c in getattr(match, "could_be_from_charset", []) if c in _PREFERENCE]
        first = min((_PREFERENCE[c] for c in codecs), default=len(_PREFERENCE))
        return (round(getattr(match, "chaos", 1.0), 2), -round(getattr(match, "coherence", 0.0), 2), first)

    for match in sorted(matches, key=rank):
        for codec in sorted(
            (c for c in match.could_be_from_charset if c in _PREFERENCE), key=_PREFERENCE.__getitem__
        ):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if not _CONTROL.search(text):
                return Decoded(text, LEGACY_ENCODINGS[codec][0])
    return None


def _guess(data: bytes) -> str | None:
    """charset-normalizer's best guess among every encoding it knows, for the advice only."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536], explain=False).best()
    if best is None:
        return None
    return str(best.encoding).upper().replace("_", "-")


# Valid multi-byte UTF-8 sequences, and every byte that is not ASCII (for str.translate).
_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_SAMPLE_BYTES = 1 << 20  # how much of a large input the two guesses below look at


def _mostly_utf8(data: bytes) -> bool:
    """More characters of ``data`` (its first megabyte) are valid multi-byte UTF-8 than other
    bytes are non-ASCII: a UTF-8 text with a few bad bytes, which a legacy encoding would turn
    into mojibake (``Ã©``)."""
    sample = data[:_SAMPLE_BYTES]
    sequences = _UTF8_MULTI.findall(sample)
    non_ascii = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    stray = non_ascii - sum(map(len, sequences))
    return bool(sequences) and len(sequences) >= stray


def _convert_hint(where: str | Path | None, iconv: str) -> str:
    if where is None:
        return f"convert it in the pipe, e.g. cat article.txt | iconv -f {iconv} -t UTF-8 | unspun analyze -"
    if isinstance(where, Path):
        return f"convert it to UTF-8, e.g. iconv -f {iconv} -t UTF-8 {where} > fixed.txt"
    return f"convert it to UTF-8 (e.g. iconv -f {iconv} -t UTF-8) or save it as UTF-8"


# Control characters that no text holds: C0 but tab, line feed, vertical tab, form feed and
# carriage return, and C1 (U+0080-U+009F, what Windows-1252 quotes become when read as Latin-1).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x80-\x9f]")


_C0 = re.compile("[\x00-\x08\x0e-\x1f]")
_NUL = re.compile("\x00")
_BEYOND_LATIN1 = re.compile("[^\x00-\xff]")


def reject_controls(text: str, where: str, *, remedy: str = FILE_REMEDY, markup: bool = False) -> None:
    """Raise :class:`EncodingError` when ``text`` holds a control character (see ``_CONTROL``):
    the mark of a wrong decoding or of binary data, which must not be analysed as text. The
    message ends with ``remedy``: :data:`FILE_REMEDY`, or :data:`TEXT_REMEDY` for a text given
    as a string. With ``markup`` (an HTML page's text) only NUL is refused: the extraction drops
    other control characters from a page's markup.

    A C1 character (U+0080-U+009F) is refused only in a text that Latin-1 could hold whole (every
    character up to U+00FF): the mark of a Windows-1252 file read as Latin-1. In a text that also
    holds characters beyond Latin-1 (real smart quotes, another script) a stray C1 character is a
    mojibake remnant of its source (one PTC training article holds a U+009D beside its curly
    quotes) and the text is analysed as it is, offsets counting it."""
    found = (_NUL if markup else _CONTROL).search(text)
    if found is None:
        return
    if "\x80" <= found.group() <= "\x9f" and _BEYOND_LATIN1.search(text):
        found = _C0.search(text)
        if found is None:
            return
    char = found.group()
    at = f"the control character U+{ord(char):04X} at character {found.start()}"
    if "\x80" <= char <= "\x9f":
        raise EncodingError(
            f"{where} holds {at}: it was probably converted from Windows-1252 as if it were Latin-1 "
            "(smart quotes and dashes become such characters); convert the original file with "
            "iconv -f CP1252 -t UTF-8, or give the original and unspun detects its encoding"
        )
    raise EncodingError(f"{where} holds {at}, which text does not; {remedy}")


# Byte-order marks of the wide encodings, the longer first (UTF-32LE starts like UTF-16LE),
# with the codec that keeps the mark as U+FEFF (character 0, as a UTF-8 BOM is kept).
_WIDE_MARKS = (
    (b"\xff\xfe\x00\x00", "UTF-32", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "UTF-32", "utf-32-be"),
    (b"\xff\xfe", "UTF-16", "utf-16-le"),
    (b"\xfe\xff", "UTF-16", "utf-16-be"),
)


# Files a user is likely to give that are documents, not text: the signature they start with, what
# they are, and how to get their text out.
_DOCUMENTS = (
    (b"%PDF-", "a PDF document", "extract its text first (pdftotext FILE FILE.txt)"),
    (
        b"PK\x03\x04",
        "a ZIP archive (a .docx, .odt or .epub document, or a .zip)",
        "save the document as plain text (.txt) or HTML, or unzip the archive and give its files",
    ),
    (b"\x1f\x8b", "gzip-compressed", "decompress it first (gunzip FILE)"),
    (b"{\\rtf", "an RTF document", "save it as plain text (.txt)"),
)


def reject_document(path: str | Path, data: bytes) -> None:
    """Raise :class:`EncodingError` naming what ``data`` is when it starts as a PDF, a ZIP archive
    (.docx, .odt, .epub), gzip or RTF, with how to get the text out: "looks binary" said neither
    (a PDF or a Word file is what a fact-checker has at hand)."""
    for signature, kind, advice in _DOCUMENTS:
        if data.startswith(signature):
            raise EncodingError(f"{path} is {kind}, not text; {advice}")


def reject_binary(path: str | Path, data: bytes, *, remedy: str = FILE_REMEDY) -> None:
    """Raise :class:`EncodingError` when ``data`` holds a NUL byte (a binary file, or UTF-16
    without a byte-order mark, said apart by :func:`_utf16_order`)."""
    offset = data.find(b"\x00")
    if offset < 0:
        return
    order = _utf16_order(data[:4096])
    if order is not None:
        raise EncodingError(
            f"{path} looks like {order} text without a byte-order mark; convert it "
            f"(iconv -f {order} -t UTF-8) or save it as UTF-8 (or as UTF-16 with a BOM)"
        )
    raise EncodingError(f"{path} looks binary (a NUL byte at byte offset {offset}); {remedy}")


def _utf16_order(sample: bytes) -> str | None:
    """``"UTF-16LE"`` or ``"UTF-16BE"`` when ``sample`` (holding a NUL byte) reads as text in that
    byte order, else ``None`` (binary data).

    In UTF-16 text of the supported languages the high byte of nearly every character is one of
    a few values (0 for ASCII, 0x04 for Cyrillic, 0x20 for typographic quotes), and the whole
    sample decodes to text. A program or an image may have NUL bytes at every other offset as
    well (an ELF file was called UTF-16LE text) but does not decode to text.
    """
    from collections import Counter

    if len(sample) < 8:
        return None
    for order, high in (("UTF-16LE", sample[1::2]), ("UTF-16BE", sample[0::2])):
        few = sum(count for _, count in Counter(high).most_common(3))
        if 0 in high and few >= len(high) * 0.9 and _reads_as(sample, order):
            return order
    return None


def _reads_as(sample: bytes, order: str) -> bool:
    """``sample`` decodes as ``order`` to text: no control character but tab and line breaks, no
    unassigned, private-use or lone surrogate code point (1% allowed)."""
    import unicodedata

    codec = "utf-16-le" if order == "UTF-16LE" else "utf-16-be"
    text = sample[: len(sample) // 2 * 2].decode(codec, errors="replace")
    text = text[:-1] if text.endswith("\ufffd") else text  # a character cut at the sample's end
    bad = sum(
        1
        for char in text
        if char == "\ufffd"
        or (unicodedata.category(char) in ("Cc", "Cn", "Co", "Cs") and char not in "\t\n\r")
    )
    return bad <= len(text) * 0.01


def too_large(what: str, size: int | None, limit: int) -> str:
    """The message of an :class:`InputTooLargeError` for ``what`` of ``size`` bytes; ``None``
    for a read cut one byte past the limit (stdin, a pipe, a remote file), whose size is unknown:
    "is 0.5 MB, over the 0.5 MB input limit" read as a contradiction. Where the two sizes round to
    the same MB figure, both are given in bytes."""
    limit_shown = _human(limit)
    if size is None:
        return f"{what} is over the {limit_shown} input limit; {_RAISE_LIMIT}"
    shown = _human(size)
    if shown == limit_shown:
        shown, limit_shown = f"{size} bytes", f"{limit} bytes"
    return f"{what} is {shown}, over the {limit_shown} input limit; {_RAISE_LIMIT}"


_RAISE_LIMIT = "raise it with --max-input-mb or UNSPUN_MAX_INPUT_MB"


def _human(size: int) -> str:
    """``0.5 MB`` from 0.1 MB up (one decimal), else ``1234 bytes``."""
    return f"{size / _MB:.1f} MB" if round(size / _MB, 1) >= 0.1 else f"{size} bytes"
