"""Language detection: writes ``article.language`` (ISO 639-1) or refuses an unsupported language.

Detection uses py3langid (a langid.py model shipped inside the package, no download) on the
first ``max_chars`` characters. The article-level models were trained on the six SemEval-2023
languages, so anything else raises :class:`LanguageNotSupportedError`. A ``lang`` given to the
component skips detection; so does a supported language already set on the article.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from unspun.document import Article, ModelInfo
from unspun.errors import LanguageNotSupportedError
from unspun.pipeline.base import Component, ErrorHandler, raise_error
from unspun.registry import register

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "it", "pl", "ru")
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pl": "Polish",
    "ru": "Russian",
}
_ALIASES = {"ge": "de", "po": "pl"}  # the SemEval-2023 data folder names


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


PASS_LANGUAGE = "pass the language explicitly (--lang on the command line, lang= in Python)"
SURE_ENOUGH = 0.5  # below this probability a detection is a guess, not an answer


def _unsupported(code: str, how: str) -> LanguageNotSupportedError:
    known = ", ".join(f"{c} ({n})" for c, n in LANGUAGE_NAMES.items())
    hint = "" if how == "given" else f". If the detection is wrong, {PASS_LANGUAGE}"
    return LanguageNotSupportedError(
        f"the text's language is {code!r} ({how}), which unspun has no model for; supported "
        f"languages: {known}{hint}"
    )


def normalise_language(code: str) -> str:
    """``"DE"``, ``"ge"``, ``"de-AT"`` -> ``"de"``; raise :class:`LanguageNotSupportedError` if unknown."""
    base = code.strip().lower().replace("_", "-").split("-")[0]
    base = _ALIASES.get(base, base)
    if base not in SUPPORTED_LANGUAGES:
        raise _unsupported(code, "given")
    return base


def detect_language(text: str, *, max_chars: int = 5000) -> tuple[str, float]:
    """The most likely language of ``text`` and its probability, over all of langid's languages.

    Raises :class:`LanguageNotSupportedError` if it is not one of :data:`SUPPORTED_LANGUAGES`
    or if the text has no letters to go on.
    """
    sample = text[:max_chars]
    if not any(ch.isalpha() for ch in sample):
        raise LanguageNotSupportedError(
            f"the text has no letters, so its language cannot be detected; {PASS_LANGUAGE}"
        )
    code, probability = _identifier().classify(sample)
    if code not in SUPPORTED_LANGUAGES and probability < SURE_ENOUGH:
        raise LanguageNotSupportedError(
            f"cannot tell the text's language (best guess {code!r}, probability {probability:.2f}): "
            f"is it long enough to be an article? If it is, {PASS_LANGUAGE}"
        )
    if code not in SUPPORTED_LANGUAGES:
        raise _unsupported(code, f"detected with probability {probability:.2f}")
    return code, float(probability)


class LanguageDetector(Component):
    """Sets ``article.language`` for each article (detected, or the ``lang`` override)."""

    name = "language"

    def __init__(
        self, *, lang: str | None = None, max_chars: int = 5000, error_handler: ErrorHandler = raise_error
    ) -> None:
        super().__init__(error_handler=error_handler)
        self.lang = normalise_language(lang) if lang else None
        self.max_chars = max_chars

    def model_info(self) -> list[ModelInfo]:
        """py3langid's model (none when the language is given)."""
        if self.lang:
            return []
        from importlib.metadata import version

        return [ModelInfo(component=self.name, name="py3langid", version=version("py3langid"))]

    def predict(self, articles: Sequence[Article]) -> list[str]:
        """The language code of each article; raises :class:`LanguageNotSupportedError`."""
        out = []
        for article in articles:
            if self.lang:
                out.append(self.lang)
            elif article.language and _ALIASES.get(article.language, article.language) in SUPPORTED_LANGUAGES:
                out.append(_ALIASES.get(article.language, article.language))
            else:
                out.append(detect_language(article.text, max_chars=self.max_chars)[0])
        return out

    def set_annotations(self, articles: Sequence[Article], outputs: list[str]) -> None:
        for article, code in zip(articles, outputs, strict=True):
            article.language = code


@register("unspun.LanguageDetector.v1")
def make_language_detector(*, lang: str | None = None, max_chars: int = 5000) -> LanguageDetector:
    """Factory registered as ``unspun.LanguageDetector.v1``."""
    return LanguageDetector(lang=lang, max_chars=max_chars)
