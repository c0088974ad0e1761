"""Settings: every knob declared once, with a default and a help string.

Precedence, lowest first: the defaults below < a TOML config file (its ``[unspun]``
table) < ``UNSPUN_<NAME>`` environment variables < explicit overrides (CLI flags).
A bad value raises :class:`unspun.errors.ConfigError` naming the setting and where
the value came from, so the user knows which file, variable or flag to fix.
"""

from __future__ import annotations

import math
import os
import tomllib
import types
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from unspun.errors import ConfigError

ENV_PREFIX = "UNSPUN_"
TOML_TABLE = "unspun"


def _setting(default: Any, help: str, *, positive: bool = False) -> Any:
    return field(default=default, metadata={"help": help, "positive": positive})


@dataclass(frozen=True, slots=True)
class Settings:
    """Every unspun setting; build one with :func:`load_settings`."""

    max_input_mb: float = _setting(
        10.0, "Largest input file to read, in megabytes (--max-input-mb).", positive=True
    )
    model: str | None = _setting(
        None, "Span model: a registered name or a folder path; unset means the packaged default."
    )
    article_model: str | None = _setting(
        None, "Genre, frame and paragraph models: a name or folder path; unset means the packaged default."
    )
    batch_size: int = _setting(8, "Articles analysed per model batch.", positive=True)

    @property
    def max_input_bytes(self) -> int:
        """``max_input_mb`` as a byte count (1 MB = 1024 * 1024 bytes)."""
        return int(self.max_input_mb * 1024 * 1024)


def describe_settings() -> list[tuple[str, Any, str]]:
    """``(name, default, help)`` for every setting, in declaration order (for docs and ``--help``)."""
    return [(f.name, f.default, f.metadata["help"]) for f in fields(Settings)]


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build :class:`Settings` from defaults, ``config_file``, the environment and ``overrides``.

    ``config_file`` is a TOML file whose ``[unspun]`` table holds settings by name.
    Environment variables are ``UNSPUN_<NAME>`` (e.g. ``UNSPUN_BATCH_SIZE=16``); an empty
    value unsets an optional setting. Overrides whose value is ``None`` are ignored, so
    CLI flags that were not given can be passed straight through.

    Raises:
        ConfigError: unreadable or invalid config file, unknown setting name, or a value
            of the wrong type or out of range; the message names the setting and source.
    """
    settings = Settings()
    if config_file is not None:
        settings = _apply(settings, _read_config_file(Path(config_file)), f"config file {config_file}")
    for name in _names():
        env_name = ENV_PREFIX + name.upper()
        if env_name in os.environ:
            settings = _apply(settings, {name: os.environ[env_name]}, f"environment variable {env_name}")
    given = {name: value for name, value in overrides.items() if value is not None}
    return _apply(settings, given, "the command line (or the Python call)")


def _names() -> list[str]:
    return [f.name for f in fields(Settings)]


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist; check the path or drop --config") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}; check its permissions") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML ({exc}); fix the syntax") from exc
    stray = sorted(set(data) & set(_names()))  # settings written above any table: a likely slip
    if stray and TOML_TABLE not in data:
        raise ConfigError(
            f"config file {path} sets {', '.join(stray)} outside an [{TOML_TABLE}] table, where they "
            f"would not apply; put them under a line [{TOML_TABLE}]"
        )
    table = data.get(TOML_TABLE, {})
    if not isinstance(table, dict):
        raise ConfigError(f"config file {path}: [{TOML_TABLE}] must be a table of settings")
    return table


def _apply(settings: Settings, values: Mapping[str, Any], source: str) -> Settings:
    hints = get_type_hints(Settings)
    known = {f.name: f for f in fields(Settings)}
    changes: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in known:
            raise ConfigError(
                f"unknown setting {name!r} in {source}; known settings: {', '.join(sorted(known))}"
            )
        value = _coerce(name, raw, hints[name], source)
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"setting {name} from {source} must be a finite number, got {raw!r}")
        if known[name].metadata["positive"] and not value > 0:
            raise ConfigError(f"setting {name} from {source} must be greater than 0, got {raw!r}")
        changes[name] = value
    return replace(settings, **changes)


def _coerce(name: str, raw: Any, hint: Any, source: str) -> Any:
    """Turn ``raw`` (a TOML value, an env string or a Python value) into ``hint``'s type."""
    optional = get_origin(hint) in (Union, types.UnionType) and type(None) in get_args(hint)
    base = next(a for a in get_args(hint) if a is not type(None)) if optional else hint
    if optional and (raw is None or raw == ""):
        return None
    expected = {int: "a whole number", float: "a number", str: "a string"}[base]
    if isinstance(raw, str) and base is not str:
        try:
            return base(raw.strip())
        except ValueError:
            raise ConfigError(f"setting {name} from {source} must be {expected}, got {raw!r}") from None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise ConfigError(f"setting {name} from {source} must be {expected}, got {raw!r}")
    if base is str and isinstance(raw, str):
        return raw
    if base is float and isinstance(raw, (int, float)):
        return float(raw)
    if base is int and isinstance(raw, int):
        return raw
    raise ConfigError(f"setting {name} from {source} must be {expected}, got {raw!r}")
