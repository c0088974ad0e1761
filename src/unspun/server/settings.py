"""The server's settings: each declared once, with its default, environment variable and help.

Precedence, lowest first: the defaults below < ``UNSPUN_<NAME>`` environment variables <
explicit overrides (``unspun serve`` flags, or keyword arguments). The token is a secret and
so comes only from the environment (``UNSPUN_TOKEN``) or from a Python caller, never a flag.
The models come from the general settings (:func:`unspun.config.load_settings`).
"""

from __future__ import annotations

import ipaddress
import math
import os
from dataclasses import dataclass, field, fields, replace
from typing import Any

from unspun.errors import ConfigError

ENV_PREFIX = "UNSPUN_"
# Settings shared with the general ones (unspun.config): read from there, not declared twice.
GENERAL = frozenset({"model", "article_model", "batch_size"})
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """How ``unspun serve`` (and :func:`unspun.server.create_app`) runs."""

    host: str = _setting("127.0.0.1", "Address to listen on; beyond loopback UNSPUN_TOKEN is required.")
    port: int = _setting(8000, "Port to listen on.")
    db: str | None = _setting(None, "Database URL of the store (unset: UNSPUN_DB, else the SQLite default).")
    token: str | None = _setting(
        None, "Bearer token every write needs (environment only: UNSPUN_TOKEN); unset: writes are open."
    )
    # The body holds markup too (an HTML page of 100-500 KB carries some 10,000-30,000 characters
    # of article text), so the body limit bounds reading, and max_text_chars bounds the analysis.
    max_body_mb: float = _setting(
        2.0, "Largest request body, in megabytes (413 above it): text or an HTML page with its markup."
    )
    # Fits the time limit: on the 2-core development machine (shared, under load) the default
    # pipeline analysed 60,000 characters in 58 s (13 s of CPU), so an article text (after HTML
    # extraction) under 50,000 characters finishes within the 60 s; a 1.5 MB text could only time out.
    max_text_chars: int = _setting(
        50_000,
        "Longest article text analysed, in characters after HTML extraction (413 above it); sized "
        "so that its analysis finishes within analysis_timeout: raise both together.",
    )
    analysis_timeout: float = _setting(60.0, "Seconds an analysis may take before the request gets 504.")
    workers: int = _setting(2, "Analysis worker threads (the pipeline is shared between them).")
    batch_size: int = _setting(
        8, "Most analyses run together in one model batch (as the general `batch_size`)."
    )
    max_queue: int = _setting(256, "Analyses waiting for a worker before new ones get 503.")
    cors_origins: tuple[str, ...] = _setting(
        (), "Origins allowed to call the API from a browser (comma-separated); unset: CORS off."
    )
    model: str | None = _setting(None, "Span model (as the general setting `model`).")
    article_model: str | None = _setting(None, "Genre, frame and paragraph models (as `article_model`).")

    @property
    def max_body_bytes(self) -> int:
        """``max_body_mb`` as a byte count (1 MB = 1024 * 1024 bytes)."""
        return int(self.max_body_mb * 1024 * 1024)

    @property
    def loopback(self) -> bool:
        """Whether ``host`` only listens on this machine (127.0.0.0/8, ::1, localhost)."""
        return is_loopback(self.host)

    def check_exposure(self) -> None:
        """Refuse to serve beyond loopback without a token.

        Raises:
            ConfigError: ``host`` is not a loopback address and no token is set.
        """
        if not self.loopback and not self.token:
            raise ConfigError(
                f"refusing to listen on {self.host} without a token: anyone who can reach it could "
                "write to the store; set UNSPUN_TOKEN to a secret (writes then need "
                "'Authorization: Bearer <token>') or listen on 127.0.0.1"
            )


def is_loopback(host: str) -> bool:
    """True for loopback addresses and names; ``""`` and ``0.0.0.0`` / ``::`` are not loopback."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def describe_server_settings() -> list[tuple[str, Any, str, str]]:
    """``(name, default, environment variable, help)`` for every server setting (for the docs)."""
    return [
        (f.name, f.default, ENV_PREFIX + f.name.upper(), f.metadata["help"]) for f in fields(ServerSettings)
    ]


def load_server_settings(**overrides: Any) -> ServerSettings:
    """Build :class:`ServerSettings` from defaults, ``UNSPUN_<NAME>`` variables and ``overrides``.

    Overrides whose value is None are ignored (CLI flags that were not given). ``db`` also reads
    ``UNSPUN_DB``; ``model``, ``article_model`` and ``batch_size`` the general settings
    (:func:`unspun.config.load_settings`) when not given here.

    Raises:
        ConfigError: an unknown setting, or a value of the wrong type or out of range; the
            message names the setting and where the value came from.
    """
    known = {f.name: f for f in fields(ServerSettings)}
    settings = ServerSettings()
    changes: dict[str, Any] = {}
    for name in known:
        env = ENV_PREFIX + name.upper()
        if env in os.environ and name not in GENERAL:
            changes[name] = _coerce(name, os.environ[env], f"environment variable {env}")
    for name, value in overrides.items():
        if name not in known:
            raise ConfigError(f"unknown server setting {name!r}; known: {', '.join(sorted(known))}")
        if value is not None:
            changes[name] = _coerce(name, value, "the command line (or the Python call)")
    if not set(changes) >= GENERAL:
        from unspun.config import load_settings

        general = load_settings()
        for name in GENERAL:
            changes.setdefault(name, getattr(general, name))
    return replace(settings, **changes)


def _coerce(name: str, raw: Any, source: str) -> Any:
    kind = {
        "port": int,
        "workers": int,
        "max_queue": int,
        "batch_size": int,
        "max_body_mb": float,
        "max_text_chars": int,
        "analysis_timeout": float,
        "cors_origins": tuple,
    }.get(name, str)
    if kind is str:
        return None if raw == "" else str(raw)
    if kind is tuple:
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        return tuple(item.strip() for item in items if str(item).strip())
    try:
        value = kind(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        expected = "a whole number" if kind is int else "a number"
        raise ConfigError(f"server setting {name} from {source} must be {expected}, got {raw!r}") from None
    floor_ok = value >= 0 if name == "max_queue" else value > 0
    if (
        isinstance(raw, bool)
        or not math.isfinite(value)
        or not floor_ok
        or (name == "port" and value > 65535)
    ):
        raise ConfigError(f"server setting {name} from {source} is out of range: {raw!r}")
    return value
