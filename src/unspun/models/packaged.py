"""The models shipped inside the package, and how a model argument names one.

A model is given as a folder path or as the name of a shipped model (``"ptc-minilm"``,
``"semeval2023"``: folders of ``unspun/data/models``); a path that exists wins over a name.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from unspun.document import ModelInfo
from unspun.paths import packaged_models_dir

PACKAGED_MODELS = packaged_models_dir()


def packaged_model_dir(name: str) -> Path:
    """The folder of the shipped model ``name`` (it may not exist)."""
    return PACKAGED_MODELS / name


def model_folder(name_or_path: str | Path) -> Path:
    """``name_or_path`` as a path, or the shipped model of that name when no such path exists and
    the name is a plain one (no ``/``) of a shipped model. Whether the folder exists or holds a
    usable model is for the loader to check."""
    path = Path(name_or_path)
    if not path.exists() and isinstance(name_or_path, str) and "/" not in name_or_path:
        packaged = packaged_model_dir(name_or_path)
        if packaged.is_dir():
            return packaged
    return path


@lru_cache(maxsize=32)
def folder_digest(folder: Path) -> str:
    """``sha256:<hex>`` over the names and bytes of a model folder's files (sorted), so that an
    analysis records exactly which weights made it; computed once per folder and process."""
    digest = hashlib.sha256()
    for file in sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(file.relative_to(folder)).encode("utf-8"))
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return f"sha256:{digest.hexdigest()[:16]}"


def folder_model_info(component: str, folder: Path, *, version: str | None = None) -> ModelInfo:
    """The :class:`ModelInfo` of a model folder: its name (the folder name), a version (given, or
    the unspun version that ships it for a packaged folder, else ``"local"``) and its digest."""
    folder = Path(folder).resolve()
    if version is None:
        from unspun.version import __version__

        version = __version__ if folder.parent == PACKAGED_MODELS else "local"
    return ModelInfo(component=component, name=folder.name, version=version, digest=folder_digest(folder))
