"""Run the whole pipeline over articles: the library function behind ``unspun analyze``.

The pipeline is a list of components (see :mod:`unspun.pipeline.base`): language
detection, the span tagger (PTC-14 technique spans), the article-level components
(genre, framing, paragraph techniques) and finally the persuasion score, which reads
what the others wrote. Loaded pipelines are cached per model choice, so repeated calls
to :func:`analyze` pay the model loading once; a cached pipeline is never changed by a
call, so :func:`analyze` is safe from many threads at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING

from unspun.document import CANDIDATE_LAYER, Analysis, Article
from unspun.errors import EmptyInputError
from unspun.pipeline.base import Component, ErrorHandler, raise_error, record_error
from unspun.version import __version__ as VERSION

if TYPE_CHECKING:
    from unspun.config import ModelSettings

# A batch this long (a very long text) has what each component freed handed back to the system
# before the next runs: the who-says-what layer's parses and encodings of a 1 MB text leave some
# 290 MB in the allocator's free lists otherwise, which the span pass then adds its own peak to.
LONG_BATCH_CHARS = 500_000


def release_freed_memory() -> None:
    """Collect garbage and ask glibc's allocator to return its free memory to the system
    (``malloc_trim``; nothing more where the C library is another)."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        trim = getattr(libc, "malloc_trim", None)
        if trim is not None:
            trim(0)
    except OSError:
        pass


class Pipeline:
    """An ordered list of components applied to batches of articles."""

    def __init__(self, components: Sequence[Component]) -> None:
        self.components = list(components)

    def __call__(self, articles: Sequence[Article], *, on_error: ErrorHandler = raise_error) -> list[Article]:
        """Annotate ``articles`` in place with every component, in order.

        A failing article goes to ``on_error`` (default: re-raise). Once an article carries an
        error (``article.errors``), later components leave it alone: its analysis is incomplete.
        Each component's models are recorded on the articles it annotated (``article.models``).
        """
        batch = list(articles)
        for article in batch:
            article.unspun_version = VERSION
        for component in self.components:
            live = [article for article in batch if not article.errors]
            if not live:
                break
            component(live, on_error=on_error)
            if sum(len(article.text) for article in live) > LONG_BATCH_CHARS:
                release_freed_memory()
            infos = component.model_info()
            for article in live:
                if not article.errors:
                    for info in infos:
                        article.record_model(info)
        return batch

    def load(self) -> None:
        """Load every component's model now rather than on first use, so that a model that
        cannot load fails here, once (:class:`unspun.errors.ModelError`)."""
        for component in self.components:
            component.load()

    def pipe(
        self, articles: Iterable[Article], *, batch_size: int = 8, keep_evidence: bool = False
    ) -> Iterator[Analysis]:
        """Analyse ``articles`` lazily, ``batch_size`` at a time, yielding one :class:`Analysis`
        each, in input order. A failure of one article never stops the others: it is kept on
        that article's analysis (``analysis.errors``, ``analysis.ok``).

        What components leave for one another (``article.vectors``, the candidate spans) is
        dropped once every component has run, so a long text's analysis holds its findings only;
        ``keep_evidence`` keeps it."""
        iterator = iter(articles)
        while batch := list(islice(iterator, batch_size)):
            for article in self(batch, on_error=record_error):
                if not keep_evidence:
                    article.vectors.clear()
                    article.spans.pop(CANDIDATE_LAYER, None)
                yield Analysis(article)


def build_pipeline(
    *,
    model: str | None = None,
    article_model: str | None = None,
    lang: str | None = None,
    article_level: bool = True,
    entities: bool = True,
) -> Pipeline:
    """Build the default pipeline.

    With ``entities`` (and ``article_level``), the who-says-what components run after the
    article-level ones: entities, then attributions (:func:`unspun.pipeline.attribution.whosays_components`),
    then check-worthy claims and portrayal (sentiment and roles of the entities).

    ``model`` names the span model (None: the packaged default; else a folder path or the
    name of a packaged model), ``article_model`` the genre/framing/paragraph models (the
    same way), ``lang`` forces the language instead of detecting it. Raises
    :class:`unspun.errors.ModelError` when a model cannot be loaded.
    """
    from unspun.pipeline.spans import SpanTagger

    spans = SpanTagger(model=model)
    if not article_level:
        return Pipeline([spans])
    from unspun.article_level import load_article_components
    from unspun.pipeline.language import LanguageDetector
    from unspun.pipeline.persuasion import make_learnt_persuasion_scorer
    from unspun.pipeline.voice import VoiceScorer

    article_components = load_article_components(article_model, lang=lang)
    # Language first: the span tagger skips texts in languages its model does not read.
    language = [c for c in article_components if isinstance(c, LanguageDetector)]
    others = [c for c in article_components if not isinstance(c, LanguageDetector)]
    whosays: list[Component] = []
    if entities:
        from unspun.pipeline.attribution import whosays_components

        whosays = whosays_components()
        from unspun.pipeline.claims import ClaimDetector
        from unspun.pipeline.portrayal import PortrayalTagger
        from unspun.pipeline.whosays_layer import WhoSaysLayer

        # After the entities, which portrayal reads; the two share one sentence encoding. One
        # bounded layer: a very long text is read in part, and their caches are dropped after.
        whosays = [WhoSaysLayer([*whosays, ClaimDetector(), PortrayalTagger()])]
    # The layer reads no technique spans, so it runs before them: on a very long text its parses
    # are made and dropped before the span evidence (candidates, paragraph vectors) is held, and
    # the two peaks do not add up.
    from unspun.pipeline.multilingual_spans import MultilingualSpanTagger

    # The multilingual spans are added to the English ones (a text mixing languages), after them.
    multilingual = [MultilingualSpanTagger()] if lang != "en" else []
    # The voices last: they read the technique spans and the attributions.
    scorers = [make_learnt_persuasion_scorer(), VoiceScorer()]
    return Pipeline([*language, *whosays, spans, *multilingual, *others, *scorers])


def load_pipeline(
    settings: ModelSettings | None = None,
    *,
    model: str | None = None,
    article_model: str | None = None,
    lang: str | None = None,
) -> Pipeline:
    """The default pipeline built (:func:`build_pipeline`) and loaded: the one way every
    front-end gets the pipeline it runs. The models are ``settings``' (a
    :class:`unspun.config.ModelSettings`) when given, else ``model`` and ``article_model``;
    ``lang`` forces the language. Raises :class:`unspun.errors.ModelError` when a model cannot
    load: once, up front, rather than once per article."""
    if settings is not None:
        model, article_model = settings.model, settings.article_model
    pipeline = build_pipeline(model=model, article_model=article_model, lang=lang)
    pipeline.load()
    return pipeline


_pipelines: dict[tuple[str | None, str | None, str | None], Pipeline] = {}
_pipelines_lock = threading.Lock()


def shared_pipeline(
    model: str | None = None, article_model: str | None = None, lang: str | None = None
) -> Pipeline:
    """The loaded pipeline for one model choice, built once per process and shared (thread-safe)."""
    key = (model, article_model, lang)
    with _pipelines_lock:
        pipeline = _pipelines.get(key)
        if pipeline is None:
            pipeline = load_pipeline(model=model, article_model=article_model, lang=lang)
            if len(_pipelines) >= 4:
                _pipelines.pop(next(iter(_pipelines)))
            _pipelines[key] = pipeline
    return pipeline


def analyze(
    text: str | bytes | Article,
    *,
    model: str | None = None,
    article_model: str | None = None,
    lang: str | None = None,
) -> Analysis:
    """Analyse one article and return its :class:`Analysis`.

    ``text`` is the article's text, an HTML page (read as ``unspun analyze page.html`` reads it:
    the main text extracted), the bytes of a file (decoded as ``unspun analyze`` decodes a file:
    UTF-8, UTF-16 with a BOM or a detected legacy encoding such as Windows-1252) or an
    :class:`Article`. Safe to call from many threads at once.

    Raises :class:`unspun.errors.EmptyInputError` for blank text,
    :class:`unspun.errors.EncodingError` for bytes no encoding reads (or binary data) and the
    errors of the components (an unsupported language, a missing model) otherwise.
    """
    from unspun.readers.dispatch import read_data, read_string

    if isinstance(text, bytes | bytearray):
        article = read_data(bytes(text))
    elif isinstance(text, str):
        article = read_string(text)
    elif isinstance(text, Article):
        article = text
    else:
        raise TypeError(
            f"analyze() takes the article text (a str or bytes) or an Article, not {type(text).__name__}"
        )
    if not article.text.strip():
        raise EmptyInputError("the article has no text; pass the article text")
    pipeline = shared_pipeline(model, article_model, lang)
    return next(pipeline.pipe([article])).raise_for_errors()
