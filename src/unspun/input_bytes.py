"""Reading the raw bytes of an input safely: existence, size limit, binary and UTF-8 checks.

Bytes are decoded exactly as read (a UTF-8 BOM stays, CRs are never translated), because
every span offset counts code points of the original text. Each failure raises an
:class:`InputError` subclass with a one-line message that says what to do.
"""

from __future__ import annotations

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
    if len(data) > max_bytes:  # grew since stat, or a special file with no size
        raise InputTooLargeError(too_large(str(path), len(data), max_bytes))
    if not data.replace(UTF8_BOM, b"").strip():
        raise EmptyInputError(f"{path} is empty or only whitespace; give it some article text")
    return data


def decode_utf8(path: Path | None, data: bytes) -> str:
    """Decode exactly as ``open(path, encoding="utf-8", newline="")`` would: BOM and CRs kept.

    ``path`` is ``None`` for standard input, which gets its own advice.

    Raises:
        EncodingError: a NUL byte (binary) or invalid UTF-8.
    """
    where = STDIN_NAME if path is None else str(path)
    reject_binary(where, data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        fix = (
            "convert it in the pipe, e.g. cat article.txt | iconv -f latin1 -t utf-8 | unspun analyze -"
            if path is None
            else f"the file must be UTF-8: convert it, e.g. iconv -f latin1 -t utf-8 {path} > fixed.txt"
        )
        raise EncodingError(
            f"{where} is not valid UTF-8 (bad byte 0x{data[exc.start]:02x} at byte offset {exc.start}); {fix}"
        ) from None


# Byte-order marks of the wide encodings, the longer first (UTF-32LE starts like UTF-16LE).
_WIDE_MARKS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def reject_binary(path: str | Path, data: bytes) -> None:
    """Raise :class:`EncodingError` when ``data`` holds a NUL byte (a binary file), saying so
    apart when it is UTF-16 or UTF-32 text (a byte-order mark: Windows tools write it)."""
    for mark, encoding in _WIDE_MARKS:
        if data.startswith(mark):
            raise EncodingError(
                f"{path} is {encoding} text; unspun reads UTF-8: convert it "
                f"(iconv -f {encoding} -t UTF-8) or save it as UTF-8"
            )
    offset = data.find(b"\x00")
    if offset >= 0:
        raise EncodingError(
            f"{path} looks binary (a NUL byte at byte offset {offset}); give a UTF-8 text, HTML or JSONL file"
        )


def too_large(what: str, size: int, limit: int) -> str:
    """The message of an :class:`InputTooLargeError` for ``what`` of ``size`` bytes."""
    return (
        f"{what} is {_human(size)}, over the {_human(limit)} input limit; "
        "raise it with --max-input-mb or UNSPUN_MAX_INPUT_MB"
    )


def _human(size: int) -> str:
    return f"{size / _MB:.1f} MB" if size >= _MB / 10 else f"{size} bytes"
