"""Portrayal by whose voice: a speaker is not cast by the harsh words they use about someone else,
and the author's own praise can cast a protagonist (QA s48)."""

from __future__ import annotations

from unspun.document import Article
from unspun.pipeline.portrayal import PortrayalTagger

CALLED = (
    "Bus lanes stay\n\nThe Chamber of Commerce says takings have fallen. Its chair, David Okafor, "
    'called the mayor\'s position "arrogant and out of touch".'
)


def _analysed(text: str) -> dict[str, Article]:
    from unspun.pipeline.attribution import whosays_components

    article = Article(id="voice", text=text, language="en")
    for component in [*whosays_components(), PortrayalTagger()]:
        component([article])
    return {e.name: e for e in article.entities}  # type: ignore[misc]


def test_shipped_roles_do_not_cast_a_critic_by_the_words_he_calls_someone() -> None:
    """QA s48: 'Its chair, David Okafor, called the mayor's position "arrogant and out of touch"'
    made Okafor an Antagonist ('Incompetent'): the target of his words is the mayor."""
    okafor = _analysed(CALLED)["David Okafor"]
    assert okafor.role is None or okafor.role.name != "Antagonist"
    assert okafor.sentiment is None or okafor.sentiment.name != "negative"
