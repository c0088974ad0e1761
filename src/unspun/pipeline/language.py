"""Language detection: writes ``article.language`` (ISO 639-1) or refuses an unsupported language.

Detection uses py3langid (a langid.py model shipped inside the package, no download), on the
text as a whole (its first ``max_chars`` characters) and on each paragraph (line) with enough
letters. The article-level models were trained on the six SemEval-2023 languages. The article's
language is the whole text's, told from the letters of the script most of its letters are
written in (emoji and words of other scripts left out, so that Arabic and Hebrew words on the
lines of an English text do not make it Arabic), when that is one of them, else the supported
language with the most letters of the paragraphs when it holds :data:`MIXED_SHARE` of them or
more, so that an English article quoting a line of Arabic, or mixing English and Spanish
paragraphs, is read as English; anything else raises :class:`LanguageNotSupportedError`.

Paragraphs clearly in another language (see :func:`foreign_paragraphs`) get
``Paragraph.language`` on ``article.paragraphs``; the span tagger leaves them out. A ``lang``
given to the component skips detection altogether; a supported language already set on the
article is kept (its paragraphs are still checked).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from unspun.document import Article, ModelInfo, Paragraph, split_paragraphs
from unspun.errors import LanguageNotSupportedError
from unspun.languages import ALIASES, LANGUAGE_NAMES, SUPPORTED_LANGUAGES, covered, normalise_language
from unspun.pipeline.base import Component
from unspun.registry import register

_IDENTIFIER_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _load_identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def _identifier() -> Any:
    """langid's model, loaded once even when threads ask for it at once (classifying only reads
    it, so one instance serves every thread; we never call its ``set_languages``)."""
    with _IDENTIFIER_LOCK:
        return _load_identifier()


PASS_LANGUAGE = (
    'pass the language explicitly (--lang on the command line, lang= in Python, "lang" in '
    "POST /api/analyze, the page's language selector)"
)
SURE_ENOUGH = 0.5  # below this probability a detection is a guess, not an answer
# A paragraph is read on its own when it has this many letters; it is in another language when
# langid says so with this probability (on 2,286 English lines of docs, licences and articles, no
# line was given another language at 0.9 or more), or, at any length from FEW_LETTERS, when most of
# its letters are of a script the article's language is not written in (Hebrew in English text).
PARAGRAPH_LETTERS = 20
FOREIGN_SURE = 0.9
FEW_LETTERS = 3
SCRIPTS: dict[str, str] = {"ru": "CYRILLIC"}  # the others: LATIN
# A text whose whole reads as an unsupported language is read in a supported one that holds at
# least this share of the letters of its paragraphs (an English report with a Spanish paragraph of
# about the same length; "half English, half Spanish" was refused as Spanish); below it the text
# is refused, its supported part a quotation in an article unspun cannot read.
MIXED_SHARE = 0.4
_LETTER = re.compile(r"[^\W\d_]")


def _unsupported(code: str, how: str) -> LanguageNotSupportedError:
    return LanguageNotSupportedError(
        f"the text's language is {code!r} ({how}), which unspun has no model for; supported "
        f"languages: {covered()}. If the detection is wrong, {PASS_LANGUAGE}"
    )


def detect_language(text: str, *, max_chars: int = 5000) -> tuple[str, float]:
    """The most likely language of ``text`` and its probability, over all of langid's languages.

    The letters decide: langid reads the letters of the script that most of the text's letters
    are written in (see :func:`dominant_script_text`), so Arabic and Hebrew words and emoji on
    the lines of a mostly-English text do not make it Arabic.

    Raises :class:`LanguageNotSupportedError` if it is not one of :data:`SUPPORTED_LANGUAGES`
    or if the text has no letters to go on.
    """
    sample = text[:max_chars]
    if not any(ch.isalpha() for ch in sample):
        raise LanguageNotSupportedError(
            "the text has no letters (only digits, punctuation or symbols), so it has no words to "
            "analyse and no language to detect; check that it is the article's text (not a binary "
            f"file or the wrong encoding), or to analyse it anyway, {PASS_LANGUAGE}"
        )
    code, probability = _identifier().classify(dominant_script_text(sample))
    if code not in SUPPORTED_LANGUAGES and probability < SURE_ENOUGH:
        raise LanguageNotSupportedError(
            f"cannot tell the text's language (best guess {code!r}, probability {probability:.2f}): "
            f"is it long enough to be an article? If it is, {PASS_LANGUAGE}"
        )
    if code not in SUPPORTED_LANGUAGES:
        raise _unsupported(code, f"detected with probability {probability:.2f}")
    return code, float(probability)


@lru_cache(maxsize=4096)
def _script_of(char: str) -> str:
    """The script of a letter, as the first word of its Unicode name (LATIN, CYRILLIC, ARABIC, ...)."""
    return unicodedata.name(char, "UNKNOWN").split(" ")[0]


def _scripts(text: str) -> Counter[str]:
    """Letters of ``text`` per script."""
    letters = _LETTER.findall(text)
    if text.isascii():
        return Counter({"LATIN": len(letters)})
    return Counter(_script_of(letter) for letter in letters)


def dominant_script_text(text: str) -> str:
    """``text`` with the letters of every script but the one most of its letters are written in,
    and its symbols (emoji, flags), blanked out: what the text's language is told from. A text
    of one script without symbols is returned as it is."""
    if text.isascii():
        return text
    scripts = _scripts(text)
    if not scripts:
        return text
    top = scripts.most_common(1)[0][0]
    return "".join(" " if _foreign_or_symbol(ch, top) else ch for ch in text)


def _foreign_or_symbol(char: str, script: str) -> bool:
    if char.isascii():
        return False
    if _LETTER.match(char):
        return _script_of(char) != script
    return unicodedata.category(char) in ("So", "Sk", "Cs", "Co", "Cn")


@dataclass(frozen=True, slots=True)
class ParagraphLanguage:
    """What detection says of one paragraph: its letters, their main script and, with enough
    letters, langid's best language and probability."""

    paragraph: Paragraph
    letters: int
    script: str | None
    code: str | None = None
    probability: float = 0.0


@dataclass(frozen=True, slots=True)
class LanguageReading:
    """The language of a text and of each of its paragraphs.

    ``shares`` is each detected language's share of the letters of the paragraphs long enough to
    be read on their own (:data:`PARAGRAPH_LETTERS`); ``paragraphs`` holds every non-blank paragraph (official rule)."""

    language: str
    probability: float
    shares: dict[str, float] = field(default_factory=dict)
    paragraphs: list[ParagraphLanguage] = field(default_factory=list)

    def foreign(self) -> list[Paragraph]:
        """The paragraphs in another language than :attr:`language` (see :func:`foreign_paragraphs`)."""
        return foreign_paragraphs(self.paragraphs, self.language)


def ranges_outside(article: Article, languages: Sequence[str]) -> list[tuple[int, int]]:
    """The ranges of ``article``'s paragraphs in a language outside ``languages`` (the paragraph's
    own ``Paragraph.language``, set by the detector where it differs, else the article's): what a
    model of ``languages`` leaves out."""
    out = []
    for p in article.paragraphs:
        language = p.language or article.language
        if language and language not in languages:
            out.append((p.start, p.end))
    return out


def paragraph_languages(text: str, *, max_chars: int = 5000) -> list[ParagraphLanguage]:
    """Each non-blank paragraph of ``text`` (official rule) with its letters, main script and, when
    it has :data:`PARAGRAPH_LETTERS` letters or more (or :data:`FEW_LETTERS` and is not ASCII),
    langid's language (on the letters of its main script among its first ``max_chars`` characters,
    as :func:`detect_language` reads a text)."""
    identifier = _identifier()
    out = []
    for paragraph in split_paragraphs(text):
        line = text[paragraph.start : paragraph.end]
        scripts = _scripts(line)
        letters = sum(scripts.values())
        script = scripts.most_common(1)[0][0] if letters else None
        # a short line is classified only to name a foreign script's language (see foreign_paragraphs)
        if letters >= PARAGRAPH_LETTERS or (letters >= FEW_LETTERS and not line.isascii()):
            code, probability = identifier.classify(dominant_script_text(line[:max_chars]))
            out.append(ParagraphLanguage(paragraph, letters, script, code, float(probability)))
        else:
            out.append(ParagraphLanguage(paragraph, letters, script))
    return out


def foreign_paragraphs(paragraphs: Sequence[ParagraphLanguage], language: str) -> list[Paragraph]:
    """Copies of the paragraphs that are in another language than ``language``, with
    ``Paragraph.language`` set: langid gives another language with probability
    :data:`FOREIGN_SURE` or more, or most letters (at least :data:`FEW_LETTERS`) are of a script
    that ``language`` is not written in (then ``language`` is langid's guess, or ``"und"``)."""
    script = SCRIPTS.get(language, "LATIN")
    out = []
    for p in paragraphs:
        other: str | None = None
        sure = p.letters >= PARAGRAPH_LETTERS and p.probability >= FOREIGN_SURE
        if p.code is not None and p.code != language and sure:
            other = p.code
        elif p.letters >= FEW_LETTERS and p.script is not None and p.script != script:
            other = p.code if p.code is not None and p.code != language else "und"
        if other is not None:
            q = p.paragraph
            out.append(Paragraph(q.index, q.start, q.end, list(q.techniques), language=other))
    return out


# A language given or assumed (--lang, a one-language model) is doubted only where langid is
# FOREIGN_SURE of another over this many letters: a line such as "Lies!" is no evidence.
DOUBT_LETTERS = 40


def other_language(text: str, language: str, *, max_chars: int = 5000) -> str | None:
    """The language ``text`` reads as when that is not ``language`` (any langid code, supported
    or not), where langid is :data:`FOREIGN_SURE` of it over :data:`DOUBT_LETTERS` letters or
    more; else ``None``. For the front-ends' warning where a language was forced (``--lang``) or a
    model reads one language only; nothing is refused."""
    letters = dominant_script_text(text[:max_chars])
    if len(_LETTER.findall(letters)) < DOUBT_LETTERS:
        return None
    code, probability = _identifier().classify(letters)
    return str(code) if code != language and probability >= FOREIGN_SURE else None


def misread_warning(text: str, language: str, *, name: str, reader: str) -> str | None:
    """The one-line warning for a text read as ``language`` that reads as another
    (:func:`other_language`): ``"<name> reads as French (fr), not English (en): <reader>"``, where
    ``reader`` says what read it and what to do; ``None`` when it reads as ``language``."""
    found = other_language(text, language)
    if found is None:
        return None

    def named(code: str) -> str:
        return f"{LANGUAGE_NAMES[code]} ({code})" if code in LANGUAGE_NAMES else repr(code)

    return f"{name} reads as {named(found)}, not {named(language)}: {reader}"


def read_languages(text: str, *, max_chars: int = 5000, language: str | None = None) -> LanguageReading:
    """The language of ``text`` (see the module: the whole text's, else the supported language
    with :data:`MIXED_SHARE` of the paragraphs' letters) and of its paragraphs.

    ``language``, a supported code, is taken as the text's language instead of detecting it (its
    paragraphs are still read). Raises :class:`LanguageNotSupportedError` when no supported
    language holds that share (the message names the best guess) or the text has no letters.
    """
    paragraphs = paragraph_languages(text, max_chars=max_chars)
    letters: Counter[str] = Counter()
    for p in paragraphs:
        if p.code is not None and p.letters >= PARAGRAPH_LETTERS:
            letters[p.code] += p.letters
    total = sum(letters.values())
    shares = {code: n / total for code, n in letters.most_common()} if total else {}
    if language is not None:
        return LanguageReading(language, 1.0, shares, paragraphs)
    try:
        code, probability = detect_language(text, max_chars=max_chars)
    except LanguageNotSupportedError:
        # the supported language with the most letters, when it holds a fair share of a mixed
        # text: read in it, the paragraphs in the other language left out and named
        best = next((c for c in shares if c in SUPPORTED_LANGUAGES), None)
        if best is not None and shares[best] >= MIXED_SHARE:
            return LanguageReading(best, shares[best], shares, paragraphs)
        raise
    return LanguageReading(code, probability, shares, paragraphs)


class LanguageDetector(Component):
    """Sets ``article.language`` for each article (detected, or the ``lang`` override)."""

    name = "language"
    needs = ()
    writes = ("language",)

    def __init__(self, *, lang: str | None = None, max_chars: int = 5000) -> None:
        super().__init__()
        self.lang = normalise_language(lang) if lang else None
        self.max_chars = max_chars

    def model_info(self) -> list[ModelInfo]:
        """py3langid's model (none when the language is given)."""
        if self.lang:
            return []
        from importlib.metadata import version

        return [ModelInfo(component=self.name, name="py3langid", version=version("py3langid"))]

    def predict(self, articles: Sequence[Article]) -> list[tuple[str, list[Paragraph]]]:
        """Per article, its language code and its paragraphs in another language (none when the
        language is given); raises :class:`LanguageNotSupportedError`."""
        out: list[tuple[str, list[Paragraph]]] = []
        for article in articles:
            if self.lang:
                out.append((self.lang, []))
                continue
            preset = ALIASES.get(article.language, article.language) if article.language else None
            known = preset if preset in SUPPORTED_LANGUAGES else None
            reading = read_languages(article.text, max_chars=self.max_chars, language=known)
            out.append((reading.language, reading.foreign()))
        return out

    def set_annotations(
        self, articles: Sequence[Article], outputs: list[tuple[str, list[Paragraph]]]
    ) -> None:
        """Write each article's language and, when some are in another language, its paragraphs
        (the paragraph techniques component keeps their ``language``)."""
        for article, (code, foreign) in zip(articles, outputs, strict=True):
            article.language = code
            if foreign:
                by_index = {p.index: p for p in foreign}
                article.paragraphs = [by_index.get(p.index, p) for p in split_paragraphs(article.text)]


@register("unspun.LanguageDetector.v1")
def make_language_detector(*, lang: str | None = None, max_chars: int = 5000) -> LanguageDetector:
    """Factory registered as ``unspun.LanguageDetector.v1``."""
    return LanguageDetector(lang=lang, max_chars=max_chars)
