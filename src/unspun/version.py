"""The unspun version, in one place (the package, the analyses and the models read it)."""

__version__ = "0.2.0"
