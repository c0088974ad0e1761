"""The languages unspun has models for, and the one check of a language a user gives.

It sits under the readers and the pipeline (it imports only :mod:`unspun.errors`), so that a
language given in the input (a JSONL record's ``language``) is checked as ``--lang`` is, with the
same list and the same message, without the readers importing the pipeline.
"""

from __future__ import annotations

from unspun.errors import LanguageNotSupportedError

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "it", "pl", "ru")
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pl": "Polish",
    "ru": "Russian",
}
# the SemEval-2023 data folder names, and the languages' English names (feed dumps and crawlers
# write "language": "english"; it was refused as a language unspun has no model for)
ALIASES = {"ge": "de", "po": "pl"} | {name.lower(): code for code, name in LANGUAGE_NAMES.items()}


def covered() -> str:
    """The languages covered, for messages: ``en (English), fr (French), ...``."""
    return ", ".join(f"{code} ({name})" for code, name in LANGUAGE_NAMES.items())


def normalise_language(code: str, *, where: str | None = None) -> str:
    """``"DE"``, ``"ge"``, ``"de-AT"``, ``"German"`` -> ``"de"``.

    Raises:
        LanguageNotSupportedError: not one of :data:`SUPPORTED_LANGUAGES`; the message names
            ``where`` (a file and line) when given, and the languages covered.
    """
    base = code.strip().lower().replace("_", "-").split("-")[0]
    base = ALIASES.get(base, base)
    if base not in SUPPORTED_LANGUAGES:
        head = f"{where}: " if where else ""
        raise LanguageNotSupportedError(
            f"{head}the text's language is {code!r} (given), which unspun has no model for; "
            f"supported languages: {covered()}"
        )
    return base
