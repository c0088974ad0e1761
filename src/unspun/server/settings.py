"""The server's settings, declared and loaded as every setting is (:mod:`unspun.config`).

Precedence, lowest first: the defaults below < a config file (``unspun --config FILE serve``:
the server's own settings in its ``[unspun.server]`` table, the model settings it shares with
every command in ``[unspun]``) < ``UNSPUN_<NAME>`` environment variables < explicit overrides
(``unspun serve`` flags, or keyword arguments). The token is a secret and so comes only from the
environment (``UNSPUN_TOKEN``) or from a Python caller, never a flag or a file.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import field_validator

from unspun.config import ENV_PREFIX, ModelSettings, describe, load, setting
from unspun.errors import ConfigError
from unspun.readers.encoding import input_bytes

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class ServerSettings(ModelSettings):
    """How ``unspun serve`` (and :func:`unspun.server.create_app`) runs; ``model``,
    ``article_model`` and ``batch_size`` (the most analyses run together in one model batch) are
    the general settings of :class:`unspun.config.ModelSettings`."""

    host: str = setting("127.0.0.1", "Address to listen on; beyond loopback UNSPUN_TOKEN is required.")
    port: int = setting(8000, "Port to listen on.", positive=True, at_most=65535)
    db: str | None = setting(None, "Database URL of the store (unset: UNSPUN_DB, else the SQLite default).")
    token: str | None = setting(
        None, "Bearer token every write needs (environment only: UNSPUN_TOKEN); unset: writes are open."
    )
    # The body holds markup too (an HTML page of 100-500 KB carries some 10,000-30,000 characters
    # of article text), so the body limit bounds reading, and max_text_chars bounds the analysis.
    max_body_mb: float = setting(
        2.0,
        "Largest request body, in megabytes (413 above it): text or an HTML page with its markup.",
        positive=True,
    )
    # Fits the time limit: on the 2-core development machine (shared, under load) the default
    # pipeline analysed 60,000 characters in 58 s (13 s of CPU), so an article text (after HTML
    # extraction) under 50,000 characters finishes within the 60 s; a 1.5 MB text could only time out.
    max_text_chars: int = setting(
        50_000,
        "Longest article text analysed, in characters after HTML extraction (413 above it); sized "
        "so that its analysis finishes within analysis_timeout: raise both together.",
        positive=True,
    )
    analysis_timeout: float = setting(
        60.0, "Seconds an analysis may take before the request gets 504.", positive=True
    )
    workers: int = setting(2, "Analysis worker threads (the pipeline is shared between them).", positive=True)
    max_queue: int = setting(256, "Analyses waiting for a worker before new ones get 503.", at_least=0)
    cors_origins: tuple[str, ...] = setting(
        (), "Origins allowed to call the API from a browser (comma-separated); unset: CORS off."
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        """A comma-separated text (the environment) or a list (a file) as a tuple of origins."""
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list | tuple):
            return tuple(str(item).strip() for item in value if str(item).strip())
        return value

    @property
    def max_body_bytes(self) -> int:
        """``max_body_mb`` as a byte count, converted as every limit in megabytes is."""
        return input_bytes(self.max_body_mb)

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
        (name, default, ENV_PREFIX + name.upper(), help_text)
        for name, default, help_text in describe(ServerSettings)
    ]


def load_server_settings(
    config_file: Path | None = None, *, flags: Mapping[str, str] | None = None, **overrides: Any
) -> ServerSettings:
    """Build :class:`ServerSettings` from defaults, ``config_file``, ``UNSPUN_<NAME>`` variables
    and ``overrides`` (those whose value is None are ignored: CLI flags that were not given);
    ``flags`` names the flag of an override, which a bad value's message then names.

    Raises:
        ConfigError: an unknown setting, a value of the wrong type or out of range, or a token
            in the config file; the message names the setting and where the value came from.
    """
    return load(ServerSettings, config_file, section="server", secrets=("token",), flags=flags, **overrides)
