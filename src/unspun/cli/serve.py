"""``unspun serve``: the REST API and the web page on a local (or, with a token, shared) server."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from unspun.cli.common import ArticleModelOption, ModelOption, say, user_errors
from unspun.extras import needs_extra


def check_free(host: str, port: int) -> None:
    """Fail now, in one line, when ``host:port`` cannot be listened on (in use, or not ours).

    Raises :class:`unspun.errors.ConfigError`."""
    from unspun.errors import ConfigError

    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ConfigError(
            f"cannot listen on {host}:{port} ({reason}); choose another --port or --host"
        ) from None


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
    model: ModelOption = None,
    article_model: ArticleModelOption = None,
) -> None:
    """Serve the REST API (/api, docs at /docs) and the web page.

    Writes need 'Authorization: Bearer <UNSPUN_TOKEN>' when UNSPUN_TOKEN is set; listening beyond
    loopback (e.g. --host 0.0.0.0) without it is refused. Stop with Ctrl-C."""
    with user_errors():
        from unspun.cli.common import state

        with needs_extra("unspun serve", "server"):
            import uvicorn

            from unspun.server import create_app
            from unspun.server.settings import load_server_settings

        flags = {"host": host, "port": port, "db": db, "workers": workers, "model": model}
        flags["article_model"] = article_model
        settings = load_server_settings(
            state["config"], flags={name: "--" + name.replace("_", "-") for name in flags}, **flags
        )
        settings.check_exposure()
        check_free(settings.host, settings.port)  # before the models load, not after
        from unspun.store import default_url, open_store
        from unspun.store.sql import sqlite_file

        # The server makes its store on a first run, as ingest does; a mistyped --db made an empty
        # one without a word (the page then showed an empty corpus), so the line says it is new.
        file = sqlite_file(settings.db or default_url())
        new = f" (a new, empty store: there was no file at {file})" if file and not file.exists() else ""
        store = open_store(settings.db)  # a bad URL fails here, once, before listening
        app = create_app(store=store, settings=settings)
        where = (
            f"http://{settings.host if ':' not in settings.host else f'[{settings.host}]'}:{settings.port}"
        )
        # The models load at startup, after this line: a client that tried the address on reading
        # it was refused for some seconds, so the line says when the server answers.
        say(
            "serving",
            "bold green",
            f"{where} once the models are loaded (a few seconds, until uvicorn says 'Application "
            f"startup complete'; API docs: {where}/docs; store: {store.url}{new})",
        )
        try:
            # No proxy headers trusted (a client could forge its address); no Server header.
            uvicorn.run(
                app,
                host=settings.host,
                port=settings.port,
                log_level="info",
                proxy_headers=False,
                server_header=False,
            )
        finally:
            store.close()
