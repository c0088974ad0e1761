"""How an analysis is serialised: the records made from the document model and the mapping to them.

The document model's dataclasses are the one declaration of the analysis: :func:`record` makes
each pydantic record from its dataclass (the fields' types are the dataclass's type hints), and
:mod:`unspun.document` says beside its dataclasses only what the JSON adds (the order of the
fields, limits, descriptions, the fields written for readers) and which fields it leaves out. A
field added to a dataclass is in its record, written and read back, with no second declaration.
The records' JSON Schema (draft 2020-12, :func:`unspun.document.json_schema`) is what ``unspun
schema`` prints.

The mapping between records and objects is derived field by field (:func:`dump` and
:func:`load`): a record's field is the object's attribute of the same name, read and written by
its type hint (floats rounded to 4 decimals, dates in ISO form, nested records as the
dataclasses they stand for), a field marked :class:`Quote` is the text at a range and one
marked :class:`ScoresOf` the scores of labels. :func:`unspun.document.analysis_to_dict` and
:func:`unspun.document.analysis_from_dict` give only what is not a plain field (the technique
names, the span layers, the labels kept by task); the CLI, the span-prediction files of
training, the store, the REST API and the batch rows all go through those two functions. This
module imports of unspun's only its errors: the document model sits on it and hands it its
dataclasses.

Derived fields (each span's ``text``, ``technique_name``, ``ptc_technique``, the texts of an
attribution's parts) are written for readers and checked on the way back: a dict whose
``text`` does not match ``text[start:end]`` is refused. Scores are rounded to 4 decimals, so
``analysis_from_dict(d).to_dict() == d`` holds exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
import typing
from types import UnionType
from typing import Annotated, Any, NamedTuple, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from unspun.errors import FormatError

T = TypeVar("T")

SCHEMA_VERSION = "2.3"
# Versions read as this one: a minor version only adds optional fields (2.1: spans[].also; 2.2:
# spans_hidden; 2.3: genre_uncertain, and appearances in the store's export records).
READABLE_VERSIONS = frozenset({"2.0", "2.1", "2.2", SCHEMA_VERSION})
SCHEMA_ID = "https://unspun.invalid/schema/analysis-2.3.json"
DIGITS = 4


class Quote:
    """Marks a record's field as the article's text at a range of the record: its own ``start`` and
    ``end`` (``of`` None) or its range field ``of``. :func:`dump` writes it from the text and
    :func:`load` refuses a record whose quote is not the text there."""

    __slots__ = ("of",)

    def __init__(self, of: str | None = None) -> None:
        self.of = of


class ScoresOf:
    """Marks a record's field as the score(s) of the labels named in the record's field ``of``: an
    object's label (a ``name`` and a ``score``), or list of labels, is written as its name(s) there
    and its score(s) here; ``missing`` is the score of a name read back without one."""

    __slots__ = ("missing", "of")

    def __init__(self, of: str, *, missing: float = 1.0) -> None:
        self.of, self.missing = of, missing


# --- Records made from the dataclasses ---------------------------------------------------------

# The record made for each dataclass, so that a later record's field of that dataclass's type is
# written as it (an Entity's mentions as RangeRecords).
_RECORD_OF: dict[type, type[BaseModel]] = {}


def record(
    cls: type,
    name: str,
    doc: str,
    /,
    *,
    skip: tuple[str, ...] = (),
    schema_title: str | None = None,
    **wire: Any,
) -> type[BaseModel]:
    """The pydantic record that serialises the dataclass ``cls``: its fields are the ones named in
    ``wire``, in that order, then ``cls``'s other fields (in ``cls``'s order, each with its default)
    but those in ``skip``. ``doc`` is the record's description, ``schema_title`` its JSON Schema
    title.

    A value in ``wire`` says what the field is on the wire:

    - ``...``: ``cls``'s field as it is, required;
    - a :func:`pydantic.Field`: ``cls``'s field with those limits, description or default;
    - a type, or a ``(type, Field(...))`` pair: a field of that type (a field of the record only,
      such as a :class:`Quote` or :class:`ScoresOf`, or another type for ``cls``'s field); the
      dataclasses in it are written as their records too.

    A field's type is ``cls``'s type hint, with each dataclass a record was made for written as
    that record, and the labels of a field that a :class:`ScoresOf` names written as their names.
    """
    hints = typing.get_type_hints(cls)
    own = {f.name: f for f in dataclasses.fields(cls) if f.init and f.name not in skip}
    labelled = {m.of for value in wire.values() for m in _marks(value) if isinstance(m, ScoresOf)}
    fields: dict[str, Any] = {}
    for key, value in wire.items():
        if value is ... or isinstance(value, FieldInfo):
            if key not in own:
                raise TypeError(f"{name}.{key}: {cls.__name__} has no field {key!r} to write; give its type")
            info = Field() if value is ... else value
            fields[key] = (_wire_type(hints[key], key in labelled), info)
        else:
            given, info = value if isinstance(value, tuple) else (value, Field())
            fields[key] = (_wire_type(given, False), info)
    for key, f in own.items():
        if key not in fields:
            default = {} if f.default is dataclasses.MISSING else {"default": f.default}
            if f.default_factory is not dataclasses.MISSING:
                default = {"default_factory": f.default_factory}
            fields[key] = (_wire_type(hints[key], key in labelled), Field(**default))
    config = ConfigDict(extra="forbid")
    if schema_title is not None:
        config["title"] = schema_title
    made: type[BaseModel] = create_model(
        name, __config__=config, __doc__=doc, __module__=cls.__module__, **fields
    )
    _RECORD_OF[cls] = made
    return made


def _marks(value: Any) -> list[Any]:
    """The :class:`Quote` and :class:`ScoresOf` marks of a ``wire`` value of :func:`record`."""
    annotation = value[0] if isinstance(value, tuple) else value
    return list(get_args(annotation)[1:]) if get_origin(annotation) is Annotated else []


def _wire_type(hint: Any, labels: bool) -> Any:
    """``hint`` with each dataclass written as its record, or as ``str`` (a label's name) when
    ``labels``."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not labels and hint not in _RECORD_OF:
            raise TypeError(f"no record is made for {hint.__name__} yet (or its field needs a ScoresOf)")
        return str if labels else _RECORD_OF[hint]
    args = get_args(hint)
    if not args:
        return hint
    written = tuple(_wire_type(arg, labels) for arg in args)
    if get_origin(hint) in (Union, UnionType):
        return functools.reduce(operator.or_, written)
    return get_origin(hint)[written]


# --- From objects to records and back, field by field and by name -------------------------------


class _Field(NamedTuple):
    name: str
    kind: str  # "float", "floats" (a dict of floats), "date", "record" or "plain"
    record: type[BaseModel] | None  # the nested record, for "record"
    quote: Quote | None
    scores: ScoresOf | None
    required: bool


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, UnionType):
        (annotation,) = (a for a in get_args(annotation) if a is not type(None))
    return annotation


def _is_record(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _kind(annotation: Any) -> tuple[str, type[BaseModel] | None]:
    annotation = _without_none(annotation)
    args = get_args(annotation)
    if annotation is float:
        return "float", None
    if annotation is dt.date:
        return "date", None
    if _is_record(annotation):
        return "record", annotation
    if get_origin(annotation) is list and _is_record(args[0]):
        return "record", args[0]
    if get_origin(annotation) is dict and args[1] is float:
        return "floats", None
    return "plain", None


@functools.cache
def _fields(record: type[BaseModel]) -> tuple[_Field, ...]:
    found = []
    for name, info in record.model_fields.items():
        kind, nested = _kind(info.annotation)
        quote = next((m for m in info.metadata if isinstance(m, Quote)), None)
        scores = next((m for m in info.metadata if isinstance(m, ScoresOf)), None)
        found.append(_Field(name, kind, nested, quote, scores, info.is_required()))
    return tuple(found)


@functools.cache
def _field_names(record: type[BaseModel]) -> frozenset[str]:
    return frozenset(record.model_fields)


@functools.cache
def _labelled(record: type[BaseModel]) -> dict[str, tuple[str, ScoresOf]]:
    """The fields of ``record`` that hold label names, each with the field of their scores."""
    return {f.scores.of: (f.name, f.scores) for f in _fields(record) if f.scores is not None}


def _round(value: float) -> float:
    return round(float(value), DIGITS)


def _written(field: _Field, value: Any, text: str) -> Any:
    if value is None:
        return None
    if field.kind == "float":
        return _round(value)
    if field.kind == "floats":
        return {key: _round(v) for key, v in value.items()}
    if field.kind == "date":
        return value.isoformat()
    if field.kind == "record" and field.record is not None and not isinstance(value, dict):
        if isinstance(value, list):
            return [v if isinstance(v, dict) else dump(field.record, v, text) for v in value]
        return dump(field.record, value, text)
    return dict(value) if isinstance(value, dict) else value


def dump(record: type[BaseModel], obj: Any, text: str, **given: Any) -> dict[str, Any]:
    """``obj`` in the shape of ``record``: a JSON-ready dict with the record's fields in order.

    Each field is ``given[name]``, else ``obj``'s attribute of the same name, written by its type:
    floats rounded to :data:`DIGITS` decimals, dates in ISO form, a nested record's objects dumped
    the same way (a dict is taken as already written), a :class:`Quote` as the text at its range,
    labels as their names and their :class:`ScoresOf` as their scores. A field with a default that
    ``obj`` does not have is left out.
    """
    unknown = set(given) - _field_names(record)
    if unknown:
        raise TypeError(f"{record.__name__} has no fields {sorted(unknown)}")
    labelled = _labelled(record)
    out: dict[str, Any] = {}
    for field in _fields(record):
        if field.quote is not None:
            where = obj if field.quote.of is None else getattr(obj, field.quote.of)
            out[field.name] = None if where is None else text[where.start : where.end]
            continue
        source = field.scores.of if field.scores is not None else field.name
        if source in given:
            value = given[source]
        elif hasattr(obj, source) or field.required:
            value = getattr(obj, source)
        else:
            continue
        if field.scores is not None:
            value = None if value is None else _scores(value)
        elif field.name in labelled:
            value = None if value is None else _names(value)
        out[field.name] = _written(field, value, text)
    return out


def _names(labels: Any) -> Any:
    return [label.name for label in labels] if isinstance(labels, list) else labels.name


def _scores(labels: Any) -> Any:
    return {label.name: label.score for label in labels} if isinstance(labels, list) else labels.score


def check_range(text: str, start: int, end: int, quoted: str | None, what: str) -> None:
    """Raise :class:`FormatError` unless ``[start, end)`` lies inside ``text`` (and, when
    ``quoted`` is given, the text there is ``quoted``); ``what`` names the range in the message."""
    if end > len(text) or start >= end:
        raise FormatError(f"{what} [{start}, {end}) lies outside a text of {len(text)} characters")
    if quoted is not None and text[start:end] != quoted:
        raise FormatError(
            f"{what} [{start}, {end}) quotes {quoted!r}, but the text there is {text[start:end]!r}"
        )


def _is_range(record: type[BaseModel]) -> bool:
    """Whether ``record`` is a bare range (``start`` and ``end`` only), checked against the text."""
    return set(record.model_fields) == {"start", "end"}


def _what(record: BaseModel) -> str:
    """``span T1`` for a SpanRecord with id T1: what a message calls the record."""
    return f"{type(record).__name__.removesuffix('Record').lower()} {getattr(record, 'id', '')}".strip()


@functools.cache
def _shared(cls: Any, record: type[BaseModel]) -> tuple[tuple[str, bool, type], ...]:
    """The fields of the dataclass ``cls`` that ``record`` has too: each name, whether it holds
    labels (:class:`ScoresOf`) and the dataclass its type hint names."""
    hints, labelled = typing.get_type_hints(cls), _labelled(record)
    return tuple(
        (f.name, f.name in labelled, _made(hints[f.name]))
        for f in dataclasses.fields(cls)
        if f.init and f.name in record.model_fields
    )


@functools.cache
def _quotes(record: type[BaseModel]) -> tuple[tuple[str, str | None], ...]:
    return tuple((f.name, f.quote.of) for f in _fields(record) if f.quote is not None)


def _made(hint: Any) -> type:
    """The dataclass a field's type hint names (``Label`` for ``list[Label]`` or ``Label | None``)."""
    hint = _without_none(hint)
    return get_args(hint)[0] if get_origin(hint) is list else hint


def load(cls: type[T], record: BaseModel, text: str, *, what: str | None = None, **given: Any) -> T:
    """The dataclass ``cls`` made from ``record`` (the way back of :func:`dump`).

    Each field of ``cls`` is ``given[name]``, else the record's field of the same name: a nested
    record made into the dataclass ``cls``'s type hint names, label names with their
    :class:`ScoresOf` made into labels; a field the record lacks keeps its default. Raises
    :class:`FormatError` when a :class:`Quote` is not the text at its range or a
    bare range (a record of ``start`` and ``end`` only) lies outside the text (``what`` names the
    record in the message).
    """
    what = what or _what(record)
    if _is_range(type(record)):
        bare: Any = record
        check_range(text, bare.start, bare.end, None, what)
    for name, of in _quotes(type(record)):
        where: Any = record if of is None else getattr(record, of)
        if where is not None:
            check_range(text, where.start, where.end, getattr(record, name), f"{what} {of}" if of else what)
    values = dict(given)
    for name, labels, made in _shared(typing.cast(Any, cls), type(record)):
        if name in given:
            continue
        if labels:
            values[name] = read_labels(record, name, made)
        else:
            values[name] = _read(getattr(record, name), made, text, what, name)
    return cls(**values)


def _read(value: Any, made: type, text: str, what: str, name: str) -> Any:
    # A range is named after the record and field that hold it (a list's item in the singular:
    # "entity E1 mention"); a record with an id after itself.
    if isinstance(value, BaseModel):
        return load(made, value, text, what=f"{what} {name}" if _is_range(type(value)) else None)
    if isinstance(value, list) and value and isinstance(value[0], BaseModel):
        single = f"{what} {name.removesuffix('s')}" if _is_range(type(value[0])) else None
        return [load(made, v, text, what=single) for v in value]
    return dict(value) if isinstance(value, dict) else value


def read_labels(record: BaseModel, name: str, label: type[T]) -> Any:
    """The label (``label(name, score)``), list of labels or None that the record's field ``name``
    and its :class:`ScoresOf` field hold."""
    field, scores = _labelled(type(record))[name]
    names, given = getattr(record, name), getattr(record, field)
    if names is None:
        return None
    if isinstance(names, list):
        return [label(n, (given or {}).get(n, scores.missing)) for n in names]  # type: ignore[call-arg]
    return label(names, scores.missing if given is None else given)  # type: ignore[call-arg]
