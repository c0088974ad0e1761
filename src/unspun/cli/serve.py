"""``unspun serve``: the REST API and the web page on a local (or, with a token, shared) server."""

from __future__ import annotations

from typing import Annotated

import typer

from unspun.cli.common import say, user_errors


def serve(
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            help="Address to listen on (default 127.0.0.1); beyond loopback UNSPUN_TOKEN is required.",
        ),
    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port to listen on (default 8000).")] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Store database URL: sqlite:///file.db or postgresql://... (default: UNSPUN_DB)."
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Analysis worker threads (default 2).", min=1)
    ] = None,
) -> None:
    """Serve the REST API (/api, docs at /docs) and the web page.

    Writes need 'Authorization: Bearer <UNSPUN_TOKEN>' when UNSPUN_TOKEN is set; listening beyond
    loopback (e.g. --host 0.0.0.0) without it is refused. Stop with Ctrl-C."""
    with user_errors():
        from unspun.cli.common import cli_settings
        from unspun.server.settings import load_server_settings

        general = cli_settings()
        settings = load_server_settings(
            host=host,
            port=port,
            db=db,
            workers=workers,
            model=general.model,
            article_model=general.article_model,
        )
        settings.check_exposure()
        import uvicorn

        from unspun.server import create_app
        from unspun.store import open_store

        store = open_store(settings.db)  # a bad URL fails here, once, before listening
        app = create_app(store=store, settings=settings)
        where = (
            f"http://{settings.host if ':' not in settings.host else f'[{settings.host}]'}:{settings.port}"
        )
        say("serving", "bold green", f"{where} (API docs: {where}/docs; store: {store.url})")
        try:
            uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", proxy_headers=False)
        finally:
            store.close()
