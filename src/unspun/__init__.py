"""unspun: show how a news or opinion article tries to persuade.

``unspun.analyze(text)`` returns an :class:`Analysis`: technique spans (PTC-14, with
confidences), genre, frames, paragraph techniques and a persuasion score.
"""

from unspun.analysis import Pipeline, analyze, build_pipeline, load_pipeline
from unspun.document import Analysis, Article, Label, Paragraph, Span
from unspun.errors import UnspunError
from unspun.version import __version__

__all__ = [
    "Analysis",
    "Article",
    "Label",
    "Paragraph",
    "Pipeline",
    "Span",
    "UnspunError",
    "__version__",
    "analyze",
    "build_pipeline",
    "load_pipeline",
    "to_spacy",
]


def to_spacy(analysis: Analysis, nlp: object = None) -> object:
    """The analysis as a spaCy ``Doc`` (see :func:`unspun.spacy_bridge.to_spacy`; imports spaCy)."""
    from unspun.spacy_bridge import to_spacy as convert

    return convert(analysis, nlp)  # type: ignore[arg-type]
