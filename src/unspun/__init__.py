"""unspun: show how a news or opinion article tries to persuade."""

from unspun.document import Analysis, Article, Label, Paragraph, Span
from unspun.errors import UnspunError

__version__ = "0.1.0"

__all__ = ["Analysis", "Article", "Label", "Paragraph", "Span", "UnspunError", "__version__"]
