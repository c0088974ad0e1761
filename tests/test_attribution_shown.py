"""The quotes the attribution component shows a reader (QA s46): headline quotes, pronouns
linked by gender, sources and contents without the clauses around them, interview answers."""

from __future__ import annotations

import pytest

from unspun.document import Article, Attribution


def _tagged(text: str, title: str | None = None) -> Article:
    """``text`` through the entity and attribution components, as the pipeline runs them."""
    from unspun.pipeline.attribution import AttributionTagger
    from unspun.pipeline.entities import EntityRecognizer

    article = Article(id="t", text=text, title=title, language="en")
    EntityRecognizer()([article])
    AttributionTagger()([article])
    return article


def _rows(article: Article) -> list[tuple[str | None, str | None, str]]:
    text = article.text

    def piece(r: object) -> str | None:
        return None if r is None else text[r.start : r.end]  # type: ignore[attr-defined]

    return [
        (piece(a.source), piece(a.cue), text[a.content.start : a.content.end]) for a in article.attributions
    ]


def _named(article: Article, a: Attribution) -> str | None:
    return {e.id: e.name for e in article.entities}.get(a.source_entity or "")


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("Minister: 'We will not back down'", ("Minister", ":", "'We will not back down'")),
        ('Mayor: "The bridge will reopen in May"', ("Mayor", ":", '"The bridge will reopen in May"')),
        (
            '"We will not back down," says finance minister',
            ("finance minister", "says", '"We will not back down,"'),
        ),
    ],
)
def test_a_headline_quoting_a_speaker_is_a_quote(headline: str, expected: tuple[str, str, str]) -> None:
    text = f"{headline}\n\nFinance Minister Laura Becker defended the reform in parliament on Monday.\n"
    article = _tagged(text, title=headline)
    assert _rows(article)[:1] == [expected]


@pytest.mark.parametrize(
    "headline",
    ["City council approves budget", 'Breaking: "Storm hits the coast"', '"Fake news" claims spread online'],
)
def test_a_headline_quoting_no_one_gives_no_quote(headline: str) -> None:
    text = f"{headline}\n\nThe council voted on Monday after a long debate.\n"
    article = _tagged(text, title=headline)
    assert all(a.cue is not None and a.cue.start > len(headline) for a in article.attributions), _rows(
        article
    )
