"""The unspun server: the REST API (``/api/...``), its offline docs (``/docs``) and the web page.

    from unspun.server import create_app
    app = create_app(store=my_store)          # any ASGI server; `unspun serve` runs uvicorn

Layers of one app, outermost first (:mod:`unspun.server.middleware`):

1. ``GuardMiddleware``: on every response, a strict Content-Security-Policy
   (``default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;
   object-src 'none'; base-uri 'none'; frame-ancestors 'none'; ...``: no inline script or
   style, nothing from another origin) plus ``X-Content-Type-Options: nosniff``,
   ``X-Frame-Options: DENY`` and ``Referrer-Policy: no-referrer``; and the last-resort 500.
2. CORS, only when ``cors_origins`` is set (off by default).
3. ``TokenMiddleware``: with a token (``UNSPUN_TOKEN``; required beyond loopback), every write
   (POST, PUT, PATCH, DELETE) needs ``Authorization: Bearer <token>``, else 401.
4. ``NulMiddleware``: a NUL character in the path or query gets 422.
5. ``BodyLimitMiddleware``: request bodies over ``max_body_mb`` get 413.
6. The routes: :mod:`unspun.server.api` (``/api``), ``/docs`` and ``/openapi.json``, and the
   web page.

Every error, whatever its layer, is ``{"ok": false, "error": "...", "status": N}``
(:mod:`unspun.server.errors`); no stack trace reaches a client.

The web page hook: when the module ``unspun.server.web`` exists, :func:`create_app` includes
its ``router`` (a FastAPI ``APIRouter``; its routes are added after the API's, so ``/api/...``,
``/docs`` and ``/openapi.json`` win) and mounts ``unspun/server/static/`` at ``/static``
(``url_for("static", path=...)``). Pages must follow the CSP above: scripts and styles in
static files, article data escaped. The web page's JavaScript calls the API on the same origin;
when the server has a token, its writes need the same ``Authorization`` header.
"""

from __future__ import annotations

from unspun.server.app import AppState, create_app
from unspun.server.settings import ServerSettings, load_server_settings

__all__ = ["AppState", "ServerSettings", "create_app", "load_server_settings"]
