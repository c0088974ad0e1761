"""The models shipped inside the package, and how a model argument names one.

A model is given as a folder path or as the name of a shipped model (``"ptc-minilm"``,
``"semeval2023"``: folders of ``unspun/data/models``); a path that exists wins over a name.
"""

from __future__ import annotations

from pathlib import Path

PACKAGED_MODELS = Path(__file__).resolve().parents[1] / "data" / "models"


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
