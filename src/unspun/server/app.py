"""The ASGI app factory behind ``unspun serve``: the REST API, the offline docs, the web page.

:func:`create_app` builds one FastAPI app from a store (or a database URL in the settings) and
:class:`unspun.server.settings.ServerSettings`. What it holds per app (the store, the analysis
pool, the settings) is in ``app.state.unspun`` (:class:`AppState`), never in globals, so tests
and embedders can build several apps side by side. See :mod:`unspun.server` for the layers and
the hook that mounts the web page.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

from unspun.server.errors import install_error_handlers
from unspun.server.middleware import (
    BodyLimitMiddleware,
    GuardMiddleware,
    HeadMiddleware,
    NulMiddleware,
    TokenMiddleware,
)
from unspun.server.settings import ServerSettings, load_server_settings
from unspun.server.worker import AnalysisPool
from unspun.store.base import Store
from unspun.version import __version__

STATIC_DIR = Path(__file__).parent / "static"
DESCRIPTION = (
    "Find the persuasion and propaganda techniques of news articles, keep them in a store and "
    "query the corpus: search, outlet profiles, feedback, exports."
)


class AppState:
    """What one app holds: its settings, its analysis pool and its store (opened on first use)."""

    def __init__(self, settings: ServerSettings, store: Store | None, pool: AnalysisPool) -> None:
        self.settings = settings
        self.pool = pool
        self._store = store
        self._owns_store = store is None
        self._lock = threading.Lock()

    def store(self) -> Store:
        """The store: the one given to :func:`create_app`, else ``settings.db`` opened now, once.

        Raises :class:`unspun.errors.StoreError` when the database cannot be opened."""
        with self._lock:
            if self._store is None:
                from unspun.store import open_store

                self._store = open_store(self.settings.db)
            return self._store

    def close(self) -> None:
        """Stop the pool; close the store if this app opened it."""
        self.pool.close()
        with self._lock:
            if self._owns_store and self._store is not None:
                self._store.close()
                self._store = None


def create_app(
    *,
    store: Store | None = None,
    settings: ServerSettings | None = None,
    pool: AnalysisPool | None = None,
    load_models: bool = True,
) -> FastAPI:
    """The unspun ASGI app.

    ``store``: the corpus store the routes use (the caller keeps ownership); None opens
    ``settings.db`` (else ``$UNSPUN_DB``, else the default SQLite file) on first use and closes
    it at shutdown. ``settings``: default :func:`load_server_settings` (the environment).
    ``pool``: the analysis pool (default: one built from the settings). ``load_models``: load the
    pipeline at startup, so that the server is ready when it accepts requests.
    """
    settings = settings or load_server_settings()
    pool = pool or AnalysisPool(
        workers=settings.workers,
        max_queue=settings.max_queue,
        timeout=settings.analysis_timeout,
        batch_size=settings.batch_size,
        model=settings.model,
        article_model=settings.article_model,
        extra_components=settings.extra_components,
        spacy_model=settings.spacy_model,
    )
    state = AppState(settings, store, pool)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if load_models:
            await anyio.to_thread.run_sync(pool.load)
        try:
            yield
        finally:
            state.close()

    app = FastAPI(
        title="unspun",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # FastAPI's pages load Swagger UI / ReDoc from a CDN: ours is offline
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.unspun = state
    install_error_handlers(app)

    from unspun.server.api import router
    from unspun.server.upload import router as upload_router

    app.include_router(router)
    app.include_router(upload_router)
    _add_docs(app)
    _add_web(app)
    # add_middleware wraps: the last added is the outermost. Outermost first: HEAD as GET, guard (headers, 500),
    # CORS (when enabled: its headers reach 401s too), token, NUL in the URL, body limit, routes.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(NulMiddleware)
    app.add_middleware(TokenMiddleware, token=settings.token)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(GuardMiddleware)
    app.add_middleware(HeadMiddleware)
    return app


def _add_docs(app: FastAPI) -> None:
    from unspun.server.docs_page import docs_html

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_html(app.openapi()))

    @app.get("/api", include_in_schema=False)
    def index(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "ok": True,
                "name": "unspun",
                "version": __version__,
                "docs": "/docs",
                "openapi": "/openapi.json",
            }
        )


def _add_web(app: FastAPI) -> None:
    """Mount the web page when it is installed: ``unspun.server.web.router`` and the static files."""
    if importlib.util.find_spec("unspun.server.web") is None:
        return
    from unspun.server import web

    router: Any = getattr(web, "router", None)
    if router is not None:
        app.include_router(router)
    static_dir = Path(getattr(web, "STATIC_DIR", STATIC_DIR))
    static_url = str(getattr(web, "STATIC_URL", "/static"))
    if static_dir.is_dir():
        from fastapi.staticfiles import StaticFiles

        app.mount(static_url, StaticFiles(directory=static_dir), name="static")
