"""unspun for spaCy users: an analysis as a ``Doc``, and unspun as a pipeline component.

:func:`to_spacy` gives a ``Doc`` of the analysed text with

- ``doc.spans["unspun"]``: the technique spans (label = technique, ``span.id_`` = span id);
- ``doc.ents``: one span per entity mention (label = entity type, ``kb_id_`` = entity id);
- ``doc._.unspun_attributions``, ``doc._.unspun_claims``, ``doc._.unspun_entities``: the records
  as the JSON writes them (offsets included), ``doc._.unspun_genre`` (label or None),
  ``doc._.unspun_frames`` (labels), ``doc._.unspun_persuasion`` (score or None), and
  ``doc._.unspun_analysis`` (the whole JSON dict).

Character offsets become token spans with ``alignment_mode="expand"`` (a span inside a token
covers the token). ``nlp.add_pipe("unspun")`` (the factory below, registered on import and as a
``spacy_factories`` entry point) analyses each doc's text with the default pipeline and writes
the same onto the doc the pipeline made.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from unspun.document import Analysis

EXTENSIONS = (
    "unspun_attributions",
    "unspun_claims",
    "unspun_entities",
    "unspun_genre",
    "unspun_frames",
    "unspun_persuasion",
    "unspun_analysis",
)
SPANS_KEY = "unspun"


def _register_extensions() -> None:
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


_register_extensions()


def _span(doc: Doc, start: int, end: int, label: str, span_id: str | None = None) -> Any:
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is not None and span_id:
        span.id_ = span_id
    return span


def annotate_doc(doc: Doc, analysis: Analysis, *, ents: bool = True) -> Doc:
    """Write ``analysis`` onto ``doc`` (made from the same text) as the module docstring says.

    Raises ValueError when the doc's text is not the analysed text.
    """
    if doc.text != analysis.text:
        raise ValueError("the Doc's text is not the analysed text; make the Doc from analysis.text")
    spans = [_span(doc, s.start, s.end, s.label, s.id) for s in analysis.spans]
    doc.spans[SPANS_KEY] = [s for s in spans if s is not None]
    if ents:
        mentions = []
        for entity in analysis.article.entities:
            for m in entity.mentions:
                span = _span(doc, m.start, m.end, entity.type)
                if span is not None:
                    span.kb_id_ = entity.id
                    mentions.append(span)
        doc.ents = filter_spans(mentions)
    data = analysis.to_dict()
    genre = analysis.genre
    doc._.unspun_attributions = data.get("attributions", [])
    doc._.unspun_claims = data.get("claims", [])
    doc._.unspun_entities = data.get("entities", [])
    doc._.unspun_genre = genre.name if genre is not None else None
    doc._.unspun_frames = [label.name for label in analysis.frames]
    doc._.unspun_persuasion = analysis.persuasion_score
    doc._.unspun_analysis = data
    return doc


def to_spacy(analysis: Analysis, nlp: Language | None = None) -> Doc:
    """A ``Doc`` of ``analysis.text`` carrying the analysis (see the module docstring); tokenised
    by ``nlp`` (default: a blank English tokenizer)."""
    if nlp is None:
        import spacy

        nlp = spacy.blank("en")
    return annotate_doc(nlp.make_doc(analysis.text), analysis)


class UnspunComponent:
    """The spaCy component: analyse ``doc.text`` with unspun and write the analysis onto the doc.

    ``model`` / ``article_model`` / ``lang`` are those of :func:`unspun.analyze`; ``set_ents``
    replaces ``doc.ents`` with unspun's entity mentions.
    """

    def __init__(
        self, model: str | None, article_model: str | None, lang: str | None, set_ents: bool
    ) -> None:
        self.model = model
        self.article_model = article_model
        self.lang = lang
        self.set_ents = set_ents

    def __call__(self, doc: Doc) -> Doc:
        from unspun.analysis import analyze

        analysis = analyze(doc.text, model=self.model, article_model=self.article_model, lang=self.lang)
        return annotate_doc(doc, analysis, ents=self.set_ents)


@Language.factory(
    "unspun",
    default_config={"model": None, "article_model": None, "lang": None, "set_ents": True},
)
def make_unspun_component(
    nlp: Language, name: str, model: str | None, article_model: str | None, lang: str | None, set_ents: bool
) -> UnspunComponent:
    """The ``"unspun"`` factory: ``nlp.add_pipe("unspun", config={"lang": "en"})``."""
    return UnspunComponent(model, article_model, lang, set_ents)
