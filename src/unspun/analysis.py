"""Run the whole pipeline over articles: the library function behind ``unspun analyze``.

The pipeline is a list of components (see :mod:`unspun.pipeline.base`), assembled from
registered names (:data:`DEFAULT_COMPONENTS`, :mod:`unspun.registry`): language detection,
the who-says-what layer, the span tagger (PTC-14 technique spans), the article-level
components (genre, framing, paragraph techniques) and finally the scores, which read what the
others wrote; the ``extra_components`` setting adds registered components after them. Loaded pipelines are cached per model choice, so repeated calls
to :func:`analyze` pay the model loading once; a cached pipeline is never changed by a
call, so :func:`analyze` is safe from many threads at once.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any

from unspun.document import CANDIDATE_LAYER, Analysis, Article
from unspun.errors import EmptyInputError
from unspun.models.cpus import one_blas_thread
from unspun.pipeline.base import (
    Component,
    ErrorHandler,
    check_needs,
    make_component,
    raise_error,
    record_error,
)
from unspun.progress import starting
from unspun.version import analysis_version

if TYPE_CHECKING:
    from unspun.config import ModelSettings

# A batch this long (a very long text) has what each component freed handed back to the system
# before the next runs: the who-says-what layer's parses and encodings of a 1 MB text leave some
# 290 MB in the allocator's free lists otherwise, which the span pass then adds its own peak to.
LONG_BATCH_CHARS = 500_000


def _take(iterator: Iterator[Article], count: int) -> tuple[list[Article], Exception | None]:
    """Up to ``count`` next articles of ``iterator``, and the error that stopped reading them, if any."""
    try:
        return list(islice(iterator, count)), None
    except Exception as error:  # noqa: BLE001 - the caller raises it in its turn
        return [], error


def _submit(
    pool: ThreadPoolExecutor,
    started: list[Future[None]],
    work: Callable[[Sequence[Article]], None],
    articles: Sequence[Article],
) -> None:
    started.append(pool.submit(work, articles))


def _works_ahead(component: Component) -> bool:
    """Whether ``component`` does work ahead of its batch (overrides :meth:`Component.prefetch`)."""
    return getattr(type(component), "prefetch", Component.prefetch) is not Component.prefetch


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
    """An ordered list of components applied to batches of articles.

    With ``work_ahead``, :meth:`pipe` reads the next batch before this one is done and runs what
    its components can do ahead (:meth:`Component.prefetch`: the entity step's spaCy parse) on a
    thread of its own, beside this batch's later components (the span and article-level models,
    whose ONNX runs release the GIL). The analyses are the same either way. Off by default: on
    the two idle cores it was measured on it did not pay (``python benchmarks/speed.py
    --prefetch-ab``, 80 PTC articles, ABBA: best wall 66.6 s on against 62.2 s off).

    Raises :class:`unspun.errors.ConfigError` when a component needs what no component before
    it writes (its ``needs`` and ``writes``, :mod:`unspun.pipeline.base`)."""

    def __init__(self, components: Sequence[Component], *, work_ahead: bool = False) -> None:
        check_needs(components)
        self.components = list(components)
        self.work_ahead = work_ahead

    def __call__(
        self,
        articles: Sequence[Article],
        *,
        on_error: ErrorHandler = raise_error,
        ahead_done: Callable[[], None] | None = None,
    ) -> list[Article]:
        """Annotate ``articles`` in place with every component, in order.

        A failing article goes to ``on_error`` (default: re-raise). Once an article carries an
        error (``article.errors``), later components leave it alone: its analysis is incomplete.
        Each component's models are recorded on the articles it annotated (``article.models``).
        Each component's name is told to the stage listener as it starts (:mod:`unspun.progress`).
        ``ahead_done`` is called once the components that work ahead (:meth:`Component.prefetch`)
        are done with this batch (:meth:`pipe` then starts their work for the next one).
        """
        batch = list(articles)
        for article in batch:
            article.unspun_version = analysis_version()
        with one_blas_thread():  # the components' parallelism is their own (unspun.models.cpus)
            return self._run(batch, on_error, ahead_done)

    def _run(
        self, batch: list[Article], on_error: ErrorHandler, ahead_done: Callable[[], None] | None
    ) -> list[Article]:
        last_ahead = max((i for i, c in enumerate(self.components) if _works_ahead(c)), default=-1)
        for index, component in enumerate(self.components):
            live = [article for article in batch if not article.errors]
            if not live:
                break
            starting(component.name)  # a long article shows which stage it is in (unspun.progress)
            component(live, on_error=on_error)
            if index == last_ahead and ahead_done is not None:
                ahead_done()
                ahead_done = None
            if sum(len(article.text) for article in live) > LONG_BATCH_CHARS:
                release_freed_memory()
            infos = component.model_info()
            for article in live:
                if not article.errors:
                    for info in infos:
                        article.record_model(info)
        if ahead_done is not None:  # every article failed before the components that work ahead
            ahead_done()
        return batch

    def load(self) -> None:
        """Load every component's model now rather than on first use, so that a model that
        cannot load fails here, once (:class:`unspun.errors.ModelError`)."""
        for component in self.components:
            component.load()

    def warm_up(self) -> None:
        """Load every model any article could use (:meth:`Component.warm_up`): what a server does
        at startup, where :meth:`load` leaves the models only some articles use to first use."""
        for component in self.components:
            component.warm_up()

    def pipe(
        self, articles: Iterable[Article], *, batch_size: int = 8, keep_evidence: bool = False
    ) -> Generator[Analysis, None, None]:
        """Analyse ``articles`` lazily, ``batch_size`` at a time, yielding one :class:`Analysis`
        each, in input order. A failure of one article never stops the others: it is kept on
        that article's analysis (``analysis.errors``, ``analysis.ok``). An error reading
        ``articles`` is raised once the batches read before it are handed out.

        What components leave for one another (``article.vectors``, the candidate spans) is
        dropped once every component has run, so a long text's analysis holds its findings only;
        ``keep_evidence`` keeps it."""
        iterator = iter(articles)
        if self.work_ahead and any(_works_ahead(c) for c in self.components):
            batches = self._analysed_ahead(iterator, batch_size)
        else:
            batches = self._analysed(iterator, batch_size)
        with contextlib.closing(batches):  # the thread working ahead ends with the run, however it ends
            for batch in batches:
                for article in batch:
                    if not keep_evidence:
                        article.vectors.clear()
                        article.spans.pop(CANDIDATE_LAYER, None)
                    yield Analysis(article)

    def _analysed(self, iterator: Iterator[Article], batch_size: int) -> Generator[list[Article], None, None]:
        """The batches of ``iterator`` analysed, one after the other."""
        while batch := list(islice(iterator, batch_size)):
            yield self(batch, on_error=record_error)

    def _analysed_ahead(
        self, iterator: Iterator[Article], batch_size: int
    ) -> Generator[list[Article], None, None]:
        """The batches of ``iterator`` analysed, each next one read before the one before is done
        and its components' work ahead run beside that one's later components, on one thread."""
        batch: list[Article] = []
        following: list[Article] = []
        try:
            with ThreadPoolExecutor(1, thread_name_prefix="unspun-ahead") as pool:
                batch, unread = _take(iterator, batch_size)
                while batch:
                    following, unread_next = _take(iterator, batch_size)
                    # Not beside a long batch: its peak and the next batch's parse would add up.
                    chars = sum(len(article.text) for article in [*batch, *following])
                    started: list[Future[None]] = []
                    if following and chars <= LONG_BATCH_CHARS:
                        start = partial(_submit, pool, started, self._prefetch, following)
                        yield self(batch, on_error=record_error, ahead_done=start)
                    else:
                        yield self(batch, on_error=record_error)
                    for future in started:  # the next batch starts with its parse made
                        future.result()
                    self._forget(batch)  # made ahead for an article that failed before taking it
                    batch, unread = following, unread_next
                if unread is not None:
                    raise unread
        finally:  # closed or failed (the work ahead is done: the pool has shut down)
            self._forget([*batch, *following])

    def _forget(self, articles: Sequence[Article]) -> None:
        """Drop what the components made ahead for ``articles`` and they did not take
        (:meth:`Component.forget`): held by the shared pipeline, it would outlive the run."""
        for component in self.components:
            if _works_ahead(component):
                component.forget(articles)

    def _prefetch(self, articles: Sequence[Article]) -> None:
        """What the components can do ahead for ``articles`` (:meth:`Component.prefetch`); an
        error is dropped: the component meets it again when it runs, and records it then."""
        for component in self.components:
            if _works_ahead(component):
                with contextlib.suppress(Exception):  # recorded when the component runs
                    component.prefetch(articles)


# The default pipeline, in order (registered names, :mod:`unspun.registry`). Language first: the
# span tagger skips texts in languages its model does not read. The genre next: the who-says-what
# layer's claim detector leaves out the claims of an article called satire
# (:attr:`unspun.pipeline.claims.ClaimDetector.satire_min_score`). The genre's e5 states are those
# the multilingual span tagger reads later (the encoder remembers the texts it encoded last,
# :data:`unspun.models.e5_encoder.MEMO_BYTES`), so e5 still runs once per article; its paragraph
# vectors are remembered for the frame and paragraph heads (one ParagraphEmbedder). The
# who-says-what layer reads no technique spans, so it runs before them: on a very long text its
# parses are made and dropped before the span candidates are held, and the two peaks do not add
# up. The multilingual spans are added to the English ones (a text mixing languages), after them.
# The scores last: the persuasion score reads the spans and paragraphs, the voices the spans and
# the attributions.
LANGUAGE = "unspun.LanguageDetector.v1"
GENRE = "unspun.GenreClassifier.v1"
WHOSAYS = "unspun.WhoSaysLayer.v1"
SPANS = "unspun.SpanTagger.v1"
MULTILINGUAL_SPANS = "unspun.MultilingualSpanTagger.v1"
ARTICLE_HEADS = (
    GENRE,
    "unspun.FrameClassifier.v1",
    "unspun.ParagraphTechniqueTagger.v1",
)
VOICES = "unspun.VoiceScorer.v1"
DEFAULT_COMPONENTS = (
    LANGUAGE,
    GENRE,
    WHOSAYS,
    SPANS,
    MULTILINGUAL_SPANS,
    *ARTICLE_HEADS[1:],
    "unspun.PersuasionScorer.v3",
    VOICES,
)


def assemble_pipeline(
    names: Sequence[str], settings: Mapping[str, Mapping[str, Any]] | None = None
) -> Pipeline:
    """The pipeline of the components registered as ``names`` (in order), each made with its
    ``settings`` (keyword arguments by name). Raises :class:`unspun.errors.ConfigError` for an
    unknown name or a component whose needs no component before it writes."""
    return Pipeline([make_component(name, (settings or {}).get(name)) for name in names])


def build_pipeline(
    *,
    model: str | None = None,
    article_model: str | None = None,
    lang: str | None = None,
    article_level: bool = True,
    entities: bool = True,
    extra_components: Sequence[str] = (),
    spacy_model: str | None = None,
) -> Pipeline:
    """Build the default pipeline (:data:`DEFAULT_COMPONENTS`, each resolved in the registry).

    With ``entities`` (and ``article_level``), the who-says-what layer runs after the language:
    entities, attributions, check-worthy claims and portrayal (sentiment and roles of the
    entities); without it the voices, which read the attributions, are left out too.
    ``extra_components`` (registered names, such as a plugin's) run after the built-in ones, in
    order.

    ``model`` names the span model (None: the packaged default; else a folder path or the
    name of a packaged model), ``article_model`` the genre/framing/paragraph models (the
    same way), ``lang`` forces the language instead of detecting it, ``spacy_model`` the spaCy
    pipeline of the entities and the attribution parse (None: the shipped small one). Raises
    :class:`unspun.errors.ModelError` when a model cannot be loaded and
    :class:`unspun.errors.ConfigError` for an unknown component name or one whose needs are not met.
    """
    settings: dict[str, dict[str, Any]] = {SPANS: {"model": model}}
    if not article_level:
        return assemble_pipeline([SPANS, *extra_components], settings)
    from unspun.models.sentence_encoder import ParagraphEmbedder, load_encoder

    # The genre, frame and paragraph heads share one sentence encoder.
    embedder = ParagraphEmbedder(load_encoder())
    settings[LANGUAGE] = {"lang": lang}
    if spacy_model is not None:
        parse = {"unspun.EntityRecognizer.v1": {"model": spacy_model}}
        parse["unspun.AttributionTagger.v1"] = {"spacy_model": spacy_model}
        settings[WHOSAYS] = {"settings": parse}
    settings.update({name: {"model_dir": article_model, "embedder": embedder} for name in ARTICLE_HEADS})
    left_out = set()
    if not entities:
        left_out |= {WHOSAYS, VOICES}
    if lang == "en":
        left_out.add(MULTILINGUAL_SPANS)
    names = [name for name in DEFAULT_COMPONENTS if name not in left_out]
    return assemble_pipeline([*names, *extra_components], settings)


def load_pipeline(
    settings: ModelSettings | None = None,
    *,
    model: str | None = None,
    article_model: str | None = None,
    lang: str | None = None,
    extra_components: Sequence[str] = (),
    spacy_model: str | None = None,
    load: bool = True,
) -> Pipeline:
    """The default pipeline built (:func:`build_pipeline`) and loaded: the one way every
    front-end gets the pipeline it runs. The models and extra components are ``settings``' (a
    :class:`unspun.config.ModelSettings`) when given, else ``model``, ``article_model``,
    ``extra_components`` and ``spacy_model``; ``lang`` forces the language. Raises
    :class:`unspun.errors.ModelError` when a model cannot load: once, up front, rather than once
    per article. With ``load=False`` it is built only (:meth:`Pipeline.load` loads it later; a
    caller that may have nothing to analyse, ``unspun reanalyze``, asks which models it runs
    first)."""
    if settings is not None:
        model, article_model = settings.model, settings.article_model
        extra_components, spacy_model = settings.extra_components, settings.spacy_model
    pipeline = build_pipeline(
        model=model,
        article_model=article_model,
        lang=lang,
        extra_components=extra_components,
        spacy_model=spacy_model,
    )
    if load:
        pipeline.load()
    return pipeline


_pipelines: dict[tuple[str | None, str | None, str | None, tuple[str, ...], str | None], Pipeline] = {}
_pipelines_lock = threading.Lock()


def shared_pipeline(
    model: str | None = None,
    article_model: str | None = None,
    lang: str | None = None,
    extra_components: Sequence[str] = (),
    spacy_model: str | None = None,
) -> Pipeline:
    """The loaded pipeline for one model choice, built once per process and shared (thread-safe)."""
    from unspun.whosays.parsing import DEFAULT_SPACY_MODEL

    key = (model, article_model, lang, tuple(extra_components), spacy_model or DEFAULT_SPACY_MODEL)
    with _pipelines_lock:
        pipeline = _pipelines.get(key)
        if pipeline is None:
            pipeline = load_pipeline(
                model=model,
                article_model=article_model,
                lang=lang,
                extra_components=key[3],
                spacy_model=key[4],
            )
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
    extra_components: Sequence[str] | None = None,
    spacy_model: str | None = None,
) -> Analysis:
    """Analyse one article and return its :class:`Analysis`.

    ``text`` is the article's text, an HTML page (read as ``unspun analyze page.html`` reads it:
    the main text extracted), the bytes of a file (decoded as ``unspun analyze`` decodes a file:
    UTF-8, UTF-16 with a BOM or a detected legacy encoding such as Windows-1252) or an
    :class:`Article`. ``extra_components`` (registered names) run after the built-in components,
    as in :func:`build_pipeline`; None means the ``extra_components`` setting, as ``unspun
    analyze`` reads it (``UNSPUN_EXTRA_COMPONENTS``; a config file's with
    ``unspun.config.load_settings(path).extra_components``); ``model``, ``article_model`` and
    ``spacy_model`` None likewise mean their settings (``UNSPUN_MODEL``, ``UNSPUN_ARTICLE_MODEL``,
    ``UNSPUN_SPACY_MODEL``). Safe to call from many threads at once.

    Raises :class:`unspun.errors.EmptyInputError` for blank text,
    :class:`unspun.errors.EncodingError` for bytes no encoding reads (or binary data) and the
    errors of the components (an unsupported language, a missing model) otherwise;
    :class:`unspun.errors.ConfigError` for an unknown component name or a bad setting.
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
    if None in (model, article_model, extra_components, spacy_model):
        from unspun.config import load_settings

        settings = load_settings()
        model = settings.model if model is None else model
        article_model = settings.article_model if article_model is None else article_model
        extra_components = settings.extra_components if extra_components is None else extra_components
        spacy_model = spacy_model or settings.spacy_model
    extra = extra_components if extra_components is not None else ()  # set above when None
    pipeline = shared_pipeline(model, article_model, lang, extra, spacy_model)
    return next(pipeline.pipe([article])).raise_for_errors()


def describe_components() -> list[dict[str, Any]]:
    """Every registered component (built-ins and plugins, :mod:`unspun.registry`), sorted by name:
    ``{"name", "needs", "writes", "default", "part_of"}``, where needs and writes are what its
    class declares, ``default`` its place in the default pipeline (1 is first; None: not in it)
    and ``part_of`` the default component that runs it (the who-says-what layer), if any."""
    import typing

    from unspun import registry
    from unspun.pipeline.whosays_layer import WHOSAYS_COMPONENTS

    rows = []
    for name in registry.names():
        factory = registry.resolve(name)
        made = factory
        if not isinstance(factory, type):
            try:
                made = typing.get_type_hints(factory).get("return", factory)
            except Exception:  # an annotation that does not resolve: nothing declared to show
                made = factory
        place = DEFAULT_COMPONENTS.index(name) + 1 if name in DEFAULT_COMPONENTS else None
        needs, writes = getattr(made, "needs", ()), getattr(made, "writes", ())
        part_of = WHOSAYS if name in WHOSAYS_COMPONENTS else None
        rows.append(
            {"name": name, "needs": list(needs), "writes": list(writes), "default": place, "part_of": part_of}
        )
    return rows
