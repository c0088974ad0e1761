"""Settings and training configs: one mechanism, pydantic models read from TOML in layers.

Every setting is declared once, as a field of a pydantic model with its default and its help
(:class:`Settings` here; the training recipes in :mod:`unspun.training.recipes`). Values come in
layers, lowest first: the defaults < a TOML config file (its ``[unspun]`` table) <
``UNSPUN_<NAME>`` environment variables < explicit overrides (CLI flags). :func:`layered` applies
the layers to any such model, one value at a time, so that a bad value raises
:class:`unspun.errors.ConfigError` naming the setting and where it came from (which file,
variable or flag to fix); :func:`read_toml` is the one reader of a TOML file, for settings and
training configs alike.

Values from a file or from Python are taken strictly (``true`` is not a number, ``2.5`` not a
whole number); values from the environment are text and are parsed (``"16"`` is 16); an empty
variable unsets an optional setting.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from unspun.errors import ConfigError

ENV_PREFIX = "UNSPUN_"
TOML_TABLE = "unspun"

M = TypeVar("M", bound=BaseModel)


def setting(default: Any, help: str, *, positive: bool = False) -> Any:
    """A field of a settings model: its default, its help text, and ``positive`` for > 0."""
    return Field(default=default, description=help, gt=0 if positive else None)


class Settings(BaseModel):
    """Every unspun setting; build one with :func:`load_settings`."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    max_input_mb: float = setting(
        10.0, "Largest input file to read, in megabytes (--max-input-mb).", positive=True
    )
    model: str | None = setting(
        None, "Span model: a registered name or a folder path; unset means the packaged default."
    )
    article_model: str | None = setting(
        None, "Genre, frame and paragraph models: a name or folder path; unset means the packaged default."
    )
    batch_size: int = setting(8, "Articles analysed per model batch.", positive=True)

    @property
    def max_input_bytes(self) -> int:
        """``max_input_mb`` as a byte count (1 MB = 1024 * 1024 bytes)."""
        return int(self.max_input_mb * 1024 * 1024)


def describe(model: type[BaseModel]) -> list[tuple[str, Any, str]]:
    """``(name, default, help)`` for every field of a settings model, in declaration order."""
    return [(name, f.default, f.description or "") for name, f in model.model_fields.items()]


def describe_settings() -> list[tuple[str, Any, str]]:
    """``(name, default, help)`` for every setting, in declaration order (for docs and ``--help``)."""
    return describe(Settings)


def read_toml(path: Path, what: str = "config file") -> dict[str, Any]:
    """The tables of the TOML file ``path``; ``what`` names it in messages.

    Raises :class:`ConfigError` saying what to do for a missing, unreadable or invalid file.
    """
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"{what} {path} does not exist; check the path") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror}; check its permissions") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{what} {path} is not valid TOML ({exc}); fix the syntax") from exc


def environment(model: type[BaseModel], names: Iterable[str] | None = None) -> dict[str, str]:
    """The ``UNSPUN_<NAME>`` variables that are set, for the fields ``names`` of ``model`` (all)."""
    names = list(model.model_fields) if names is None else list(names)
    return {
        name: os.environ[ENV_PREFIX + name.upper()]
        for name in names
        if ENV_PREFIX + name.upper() in os.environ
    }


Layer = tuple[str, Mapping[str, Any], bool]  # (where the values come from, values, values are text)


def layered(model: type[M], layers: Iterable[Layer]) -> M:
    """``model``'s defaults with each layer's values applied in turn (later layers win).

    A layer is ``(source, values, text)``: ``text`` for environment strings, which are parsed
    (an empty one unsets an optional field); other values are taken strictly. Raises
    :class:`ConfigError` naming the field, the source and what it must be, for an unknown name
    or a bad value.
    """
    current = model()
    known = model.model_fields
    for source, values, text in layers:
        for name, raw in values.items():
            if name not in known:
                raise ConfigError(
                    f"unknown setting {name!r} in {source}; known settings: {', '.join(sorted(known))}"
                )
            value: Any = raw
            if text and raw == "" and _optional(known[name].annotation):
                value = None
            try:
                current = model.model_validate({**current.model_dump(), name: value}, strict=not text)
            except ValidationError as exc:
                raise ConfigError(
                    f"setting {name} from {source} must be {_expected(exc, known[name].annotation)}, got {raw!r}"
                ) from None
    return current


def _optional(annotation: Any) -> bool:
    return type(None) in getattr(annotation, "__args__", ())


def _expected(exc: ValidationError, annotation: Any) -> str:
    kind = exc.errors()[0]["type"]
    if kind == "greater_than":
        return "greater than 0"
    if kind == "finite_number":
        return "a finite number"
    base = next(
        (a for a in getattr(annotation, "__args__", (annotation,)) if a is not type(None)), annotation
    )
    return {int: "a whole number", float: "a number", str: "a string", bool: "true or false"}.get(
        base, f"a valid {getattr(base, '__name__', base)}"
    )


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
    layers: list[Layer] = []
    if config_file is not None:
        layers.append((f"config file {config_file}", _settings_table(Path(config_file)), False))
    layers += [
        (f"environment variable {ENV_PREFIX}{k.upper()}", {k: v}, True)
        for k, v in environment(Settings).items()
    ]
    given = {name: value for name, value in overrides.items() if value is not None}
    layers.append(("the command line (or the Python call)", given, False))
    return layered(Settings, layers)


def _settings_table(path: Path) -> dict[str, Any]:
    try:
        data = read_toml(path)
    except ConfigError as exc:
        raise ConfigError(f"{exc}; or drop --config") from exc.__cause__
    stray = sorted(set(data) & set(Settings.model_fields))  # settings written above any table: a likely slip
    if stray and TOML_TABLE not in data:
        raise ConfigError(
            f"config file {path} sets {', '.join(stray)} outside an [{TOML_TABLE}] table, where they "
            f"would not apply; put them under a line [{TOML_TABLE}]"
        )
    table = data.get(TOML_TABLE, {})
    if not isinstance(table, dict):
        raise ConfigError(f"config file {path}: [{TOML_TABLE}] must be a table of settings")
    return table
