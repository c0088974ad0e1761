"""One exception tree for everything unspun raises on purpose.

    UnspunError                      base: catch this to catch them all
    ├── InputError                   the user's input cannot be read
    │   ├── InputNotFoundError       path does not exist
    │   ├── EmptyInputError          empty file, empty folder, blank text
    │   ├── EncodingError            binary or non-UTF-8 file
    │   ├── InputTooLargeError       file over the configured size limit
    │   └── FetchError               a URL cannot be fetched, or gives no article (paywall, 403)
    ├── FormatError                  a labels / predictions / JSONL file is malformed
    ├── ModelError                   a model cannot be found, loaded or trained
    ├── LanguageNotSupportedError    the text's language has no model
    ├── AnalysisError                a component failed on an article (kept on its analysis)
    ├── StoreError                   the database cannot be opened, migrated or queried
    │   └── NotFoundError            no stored article or outlet by that id or name
    ├── MetadataConflictError        a stored text given other metadata than it is stored with
    ├── RunLockedError               another process is training in the same run folder
    └── ConfigError                  a setting or config file is invalid
        └── MissingExtraError        an optional part is not installed (pip install 'unspun[EXTRA]')

    InputWarning                     (a UserWarning) part of an input was not read, the rest was

Every message says what happened, why, and what to do. Each class carries a short
stable ``code`` so that front-ends (CLI, REST API) can show one error shape.
"""

from __future__ import annotations


class UnspunError(Exception):
    """Base class of every error unspun raises on purpose."""

    code = "unspun_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, object]:
        """The one JSON shape of an error: ``{"ok": False, "error": message, "code": code}``
        (the REST API answers it with the HTTP ``status`` added)."""
        return {"ok": False, "error": self.message, "code": self.code}


class InputError(UnspunError):
    code = "input_error"


class InputNotFoundError(InputError):
    code = "input_not_found"


class EmptyInputError(InputError):
    code = "empty_input"


class EncodingError(InputError):
    code = "bad_encoding"


class InputTooLargeError(InputError):
    code = "input_too_large"


class FormatError(UnspunError):
    code = "bad_format"


class ModelError(UnspunError):
    code = "model_error"


class LanguageNotSupportedError(UnspunError):
    code = "language_not_supported"


class AnalysisError(UnspunError):
    code = "analysis_error"


class StoreError(UnspunError):
    code = "store_error"


class NotFoundError(StoreError):
    code = "not_found"


class MetadataConflictError(UnspunError):
    """A text already stored was given another title, outlet, URL or date (the API answers 409):
    a text is stored once, with the metadata it was first stored with. ``article_id`` is the
    stored article's and ``fields`` each differing field's ``(stored, given)`` values, so that a
    front-end can say which values to give."""

    code = "metadata_conflict"

    def __init__(
        self, message: str, *, article_id: str | None = None, fields: dict[str, tuple[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.article_id = article_id
        self.fields = fields or {}


class FetchError(InputError):
    code = "fetch_error"


class RunLockedError(UnspunError):
    code = "run_locked"


class ConfigError(UnspunError):
    code = "config_error"


class MissingExtraError(ConfigError):
    """An optional part of unspun is not installed; the message names the extra to install
    (see :mod:`unspun.extras`; the API answers 503)."""

    code = "missing_extra"


class InputWarning(UserWarning):
    """Part of an input could not be read and was left out, the rest was read (a JSONL record's
    ``published`` that is no date: the article is kept without one). Readers warn with it
    (:func:`warnings.warn`); :func:`unspun.runner.told_warnings` hands it to a front-end, which
    shows it as one ``warning:`` line."""
