"""Pure ASGI middleware: security headers and the 500 guard, the body limit, the write token.

Order, outermost first (see :func:`unspun.server.app.create_app`): :class:`HeadMiddleware`
(HEAD answered as GET without the body), :class:`GuardMiddleware`
(a strict Content-Security-Policy and friends on every response, and a fixed 500 in the one
error shape for anything that escapes, logged with its traceback on the server),
:class:`TokenMiddleware` (every write needs ``Authorization: Bearer <token>`` when a token is
set), :class:`NulMiddleware` (422 for a NUL in the URL) and :class:`BodyLimitMiddleware` (413
above the limit, by ``Content-Length`` at once and by counting the bytes of a streamed body).
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unspun.server.errors import error_body

log = logging.getLogger("unspun.server")

# No inline script or style, nothing from another origin, no framing, no plugins.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def send_error(send: Send, status: int, message: str | None = None, headers: Any = ()) -> None:
    """Send a whole error response in the one shape (for middleware, below the routes' handlers)."""
    body = json.dumps(error_body(status, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class GuardMiddleware:
    """Security headers on every response; an unexpected exception becomes a logged, fixed 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("%s %s failed", scope.get("method"), scope.get("path"))
            if started:  # the status is sent; all we can do is end the response
                raise
            await send_error(send_with_headers, 500)


class TokenMiddleware:
    """When ``token`` is set, every write (any method but GET, HEAD, OPTIONS) needs
    ``Authorization: Bearer <token>``; without it, or with another, 401 in the one shape."""

    def __init__(self, app: ASGIApp, *, token: str | None) -> None:
        self.app = app
        self.token = token.encode() if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.token is None or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        given = b""
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                scheme, _, credential = value.partition(b" ")
                if scheme.lower() == b"bearer":
                    given = credential.strip()
        if not given or not hmac.compare_digest(given, self.token):
            message = (
                "this server needs a token for writes; send 'Authorization: Bearer <token>'"
                if not given
                else "the bearer token is not the server's; check UNSPUN_TOKEN"
            )
            await send_error(send, 401, message, [(b"www-authenticate", b"Bearer")])
            return
        await self.app(scope, receive, send)


class NulMiddleware:
    """A NUL character in the path or query (``%00``) is 422: no name, id or search holds one,
    and PostgreSQL refuses it in any text parameter (which would otherwise look like a 503)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b"")
        ):
            await send_error(send, 422, "the URL holds a NUL character (%00); remove it")
            return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413: by ``Content-Length`` before reading,
    and, for a body sent without one (chunked), as soon as the bytes received pass the limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self) -> str:
        # The article text's own limit (max_text_chars) is what fits the time limit.
        return (
            f"the request body is over the server's limit of {self.max_bytes:,} bytes; send a "
            "shorter text or page, or raise UNSPUN_MAX_BODY_MB"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await send_error(send, 400, "the Content-Length header is not a number")
                    return
                if declared > self.max_bytes:
                    await send_error(send, 413, self._message())
                    return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # An HTTPException passes FastAPI's body reading untouched, to the 413 handler.
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, counting_receive, send)


class HeadMiddleware:
    """HEAD is GET without the body (RFC 9110: the same status and headers, Content-Length
    included): FastAPI's GET routes answered HEAD with 405. The request runs as GET and the
    body is dropped on the way out; a route without GET still answers 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headless(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, headless)
