from __future__ import annotations

import pytest

from unspun.document import Article
from unspun.errors import LanguageNotSupportedError
from unspun.pipeline.language import (
    SUPPORTED_LANGUAGES,
    LanguageDetector,
    detect_language,
    normalise_language,
)

SENTENCES = {
    "en": "The government announced on Tuesday that the new tax rules will apply to every household.",
    "fr": "Le gouvernement a annoncé mardi que les nouvelles règles fiscales s'appliqueront à tous les foyers.",
    "de": "Die Regierung hat am Dienstag angekündigt, dass die neuen Steuerregeln für alle Haushalte gelten.",
    "it": "Il governo ha annunciato martedì che le nuove regole fiscali si applicheranno a tutte le famiglie.",
    "pl": "Rząd ogłosił we wtorek, że nowe przepisy podatkowe będą obowiązywać wszystkie gospodarstwa domowe.",
    "ru": "Правительство объявило во вторник, что новые налоговые правила будут применяться ко всем семьям.",
}


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_detects_each_supported_language(code: str) -> None:
    detected, probability = detect_language(SENTENCES[code])
    assert detected == code
    assert 0.0 < probability <= 1.0


def test_component_writes_article_language() -> None:
    articles = [Article(id=code, text=text) for code, text in SENTENCES.items()]
    LanguageDetector()(articles)
    assert [a.language for a in articles] == list(SENTENCES)


def test_unsupported_language_lists_the_supported_ones() -> None:
    spanish = "El gobierno anunció el martes que las nuevas normas fiscales se aplicarán a todos los hogares."
    with pytest.raises(LanguageNotSupportedError) as info:
        LanguageDetector()([Article(id="es", text=spanish)])
    message = info.value.message
    assert "'es'" in message
    assert all(code in message for code in SUPPORTED_LANGUAGES)
    assert "lang=" in message


def test_override_skips_detection_and_accepts_folder_names() -> None:
    article = Article(id="x", text=SENTENCES["en"])
    LanguageDetector(lang="ge")([article])
    assert article.language == "de"


def test_preset_supported_language_is_kept() -> None:
    article = Article(id="x", text=SENTENCES["en"], language="po")
    LanguageDetector()([article])
    assert article.language == "pl"


def test_normalise_language() -> None:
    assert normalise_language("DE-at") == "de"
    with pytest.raises(LanguageNotSupportedError, match="supported languages"):
        normalise_language("es")


def test_text_without_letters_cannot_be_detected() -> None:
    with pytest.raises(LanguageNotSupportedError, match="no letters"):
        detect_language("12345 ... 678")
