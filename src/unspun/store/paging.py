"""Opaque paging tokens (keyset paging, as datasette does): the sort key of a page's last row.

Rows are ordered by published date, newest first, undated last, then by the store's row
number, highest first; a token holds the last row's ``(published, pk)`` so the next page
starts right after it, however deep, without an OFFSET.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

from unspun.errors import FormatError


def encode(published: dt.date | None, pk: int) -> str:
    """The token of the page that follows a row with this sort key."""
    raw = json.dumps([published.isoformat() if published else None, pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("ascii")).decode("ascii").rstrip("=")


def decode(token: str) -> tuple[dt.date | None, int]:
    """The sort key held by ``token``; raises :class:`FormatError` for a token not made by :func:`encode`."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        published, pk = json.loads(raw)
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise ValueError("pk")
        return (dt.date.fromisoformat(published) if published is not None else None), pk
    except (ValueError, TypeError, UnicodeDecodeError) as error:
        raise FormatError(
            f"paging token {token!r} is not valid; use the 'next' value of the previous page as it is"
        ) from error
