"""Kept for ``cli/predict.py`` and ``cli/predict_attributions.py`` until they import
:mod:`unspun.readers` (the reading code lives there now); nothing else may import this."""

from unspun.readers.dispatch import read_folder

__all__ = ["read_folder"]
