"""One JSON error shape for every error the server answers: :meth:`unspun.errors.UnspunError.to_dict`
with the HTTP status added, ``{"ok": false, "error", "code", "status"}``.

``error`` is a message a person can act on; ``code`` the error's short stable code (the class's
``code``: ``not_found``, ``input_too_large``, ...); ``status`` repeats the HTTP status. unspun's
own errors map to a status by class (:func:`status_of`); FastAPI's validation errors become 422
with the fields named; Starlette's HTTP errors (404, 405, ...) keep their status, and errors of
the HTTP layer itself are an :class:`HttpError` with a code by status; anything unexpected is
logged on the server and answered 500 with a fixed message, so no stack trace or exception text
ever reaches a client (that last guard is :class:`unspun.server.middleware.GuardMiddleware`,
outside every other layer).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from unspun import errors as e

log = logging.getLogger("unspun.server")

INTERNAL_ERROR = "internal server error; the server log has the details"

# Most specific first: the first class an error is an instance of gives the status.
_STATUS: tuple[tuple[type[e.UnspunError], int], ...] = (
    (e.NotFoundError, 404),
    (e.MetadataConflictError, 409),
    (e.InputTooLargeError, 413),
    (e.InputError, 422),
    (e.FormatError, 422),
    (e.LanguageNotSupportedError, 422),
    (e.AnalysisError, 500),
    (e.ModelError, 503),
    (e.StoreError, 503),
    (e.MissingExtraError, 503),  # the server is installed without an extra a route needs
    (e.ConfigError, 500),
)

# An error of the HTTP layer itself, by status: its code and its message when none is given
# (unspun's own errors carry their code and message).
_HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "bad request"),
    401: ("unauthorized", "authentication required"),
    403: ("forbidden", "forbidden"),
    404: ("not_found", "not found"),
    405: ("method_not_allowed", "method not allowed"),
    409: ("conflict", "conflict with what is stored"),
    413: ("input_too_large", "request body too large"),
    415: ("unsupported_media_type", "unsupported media type"),
    422: ("invalid_request", "invalid request"),
    429: ("too_many_requests", "too many requests"),
    500: ("internal_error", INTERNAL_ERROR),
    503: ("unavailable", "service unavailable"),
    504: ("analysis_timeout", "analysis timed out"),
}


class HttpError(e.UnspunError):
    """An error of the HTTP layer (no such route, a missing token, a body over the limit, a
    request that does not validate, a fault hidden behind a fixed message): its code comes from
    its status, and so does its message unless one is given."""

    def __init__(self, status: int, message: str | None = None) -> None:
        code, reason = _HTTP_ERRORS.get(status, ("http_error", "error"))
        super().__init__(message or reason)
        self.status = status
        self.code = code


class ServerBusyError(e.UnspunError):
    """Every analysis worker is busy and the queue is full (503)."""

    code = "server_busy"


class AnalysisTimeoutError(e.UnspunError):
    """An analysis ran past the server's time limit (504)."""

    code = "analysis_timeout"


def status_of(error: e.UnspunError) -> int:
    """The HTTP status an unspun error is answered with."""
    if isinstance(error, ServerBusyError):
        return 503
    if isinstance(error, AnalysisTimeoutError):
        return 504
    for cls, status in _STATUS:
        if isinstance(error, cls):
            return status
    return 500


def error_body(status: int, error: e.UnspunError | str | None = None) -> dict[str, Any]:
    """The one error shape: ``error.to_dict()`` with ``"status"`` added; a message or None is
    an :class:`HttpError` of that status (None: the status's fixed reason)."""
    if not isinstance(error, e.UnspunError):
        error = HttpError(status, error)
    return {**error.to_dict(), "status": status}


def error_response(
    status: int, error: e.UnspunError | str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A :class:`JSONResponse` of :func:`error_body`."""
    return JSONResponse(error_body(status, error), status_code=status, headers=headers)


async def _unspun_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.UnspunError)
    status = status_of(exc)
    if isinstance(exc, e.MissingExtraError):  # the server's install lacks an extra: say which
        log.error("%s %s: %s", request.method, request.url.path, exc)
        return error_response(status, exc)
    if status >= 500 and not isinstance(exc, ServerBusyError | AnalysisTimeoutError | e.StoreError):
        log.error("%s %s failed: %s", request.method, request.url.path, exc, exc_info=exc)
        return error_response(status)  # a server-side fault: its text may name server internals
    if isinstance(exc, e.StoreError) and not isinstance(exc, e.NotFoundError):
        log.error("%s %s: store error: %s", request.method, request.url.path, exc, exc_info=exc)
        return error_response(status, e.StoreError("the store is unavailable; try again later"))
    headers = {"Retry-After": "5"} if isinstance(exc, ServerBusyError) else None
    return error_response(status, exc, headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404 and _wants_page(request):
        # A reader who mistypes a page's address gets a page, not the API's JSON error.
        from unspun.server.web import render_page

        page = render_page("not_found.html", page="", path=request.url.path)
        page.status_code = 404
        return page
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail else None
    if detail is not None and detail.lower() in {"not found", "method not allowed"}:
        detail = None  # Starlette's bare phrases: the route-aware message below says more
    if exc.status_code == 404 and detail is None:
        detail = f"no route {request.url.path}; the API is described at /docs"
    if exc.status_code == 405 and detail is None:
        detail = f"{request.method} is not allowed on {request.url.path}; see /docs"
    return error_response(exc.status_code, detail, dict(exc.headers or {}) or None)


def _wants_page(request: Request) -> bool:
    """A browser asking for a page (GET or HEAD, HTML accepted) outside the API and the
    static files, whose clients read the JSON error shape."""
    path = request.url.path
    return (
        request.method in ("GET", "HEAD")
        and "text/html" in request.headers.get("accept", "")
        and not path.startswith(("/api/", "/static/", "/ui/"))
        and path != "/api"
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, describe_validation(exc.errors()))


_DATE_ERRORS = frozenset(
    {"date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"}
)


def describe_validation(problems: Any) -> str:
    """One line naming each invalid field and why, from pydantic / FastAPI error dicts."""
    parts = []
    for problem in list(problems)[:5]:
        # The first part names where the field is (FastAPI's "body", "query", "path"); a field of
        # that name further on is the field (a JSON {"body": ...} read "the request body: ...").
        loc = [str(p) for p in _field_path(problem.get("loc", ()))]
        where = ".".join(loc) or "the request body"
        # A model's own rule (a ValueError it raises) comes as "Value error, <its words>".
        message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
        if problem.get("type") == "json_invalid":
            parts.append(_invalid_json(problem))
            continue
        elif problem.get("type") == "extra_forbidden":
            message = "is not a known field"
        elif problem.get("type") in _DATE_ERRORS:  # as unspun search --since says it
            message = f"is not a date ({problem.get('input')!r}); write it as YYYY-MM-DD"
        elif problem.get("type") in ("model_attributes_type", "dict_type") and not loc:
            # a text sent as text/plain, or a JSON list: pydantic's words name no cause
            message = "must be a JSON object, sent with Content-Type: application/json"
        parts.append(f"{where}: {message}")
    return "invalid request: " + "; ".join(parts)


def _field_path(loc: Any) -> list[Any]:
    """``loc`` less its leading request part ("body", "query", "path", "header", "cookie")."""
    parts = list(loc)
    return parts[1:] if parts and parts[0] in ("body", "query", "path", "header", "cookie") else parts


def _invalid_json(problem: Any) -> str:
    """Where and why a body is not JSON, and what to send: FastAPI gives the parser's reason in
    ``ctx`` and the character it stopped at (0-based) as the last part of ``loc``."""
    at = [p for p in problem.get("loc", ()) if isinstance(p, int)]
    reason = str((problem.get("ctx") or {}).get("error") or "").strip()
    detail = "; ".join(filter(None, [f"at character {at[-1] + 1}" if at else "", reason]))  # 1-based
    detail = f" ({detail})" if detail else ""
    return f'the request body is not valid JSON{detail}; send one JSON object, such as {{"text": "..."}}'


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error ``app`` raises in the one shape (the 500 guard is middleware)."""
    app.add_exception_handler(e.UnspunError, _unspun_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
