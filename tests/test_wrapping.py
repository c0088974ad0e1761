"""Hard-wrapped plain text: its lines are read as the paragraphs they wrap."""

from __future__ import annotations

import textwrap

from unspun.document import Article, split_paragraphs
from unspun.wrapping import is_hard_wrapped, wrapped_blocks

PARAGRAPHS = [
    "The so-called experts and their fake news friends will never admit that this disgraceful "
    "bill was written by lobbyists who despise every working family in the country.",
    "Wake up, people! If this border bill passes, our cities will burn and our children will "
    "pay the price for the cowardice of a political class that has sold us out.",
    "The council meets on Tuesday at the town hall to discuss the budget for next year.",
]


def _wrapped(width: int = 72) -> str:
    return "\n\n".join(textwrap.fill(p, width) for p in PARAGRAPHS)


def test_a_hard_wrapped_text_is_told_and_its_lines_grouped_into_paragraphs() -> None:
    text = _wrapped()
    lines = split_paragraphs(text)
    assert len(lines) > len(PARAGRAPHS)  # the official rule: every line a paragraph
    assert is_hard_wrapped(text, lines)
    blocks = wrapped_blocks(text, lines)
    assert len(blocks) == len(PARAGRAPHS)
    for block, paragraph in zip(blocks, PARAGRAPHS, strict=True):
        joined = " ".join(text[lines[i].start : lines[i].end] for i in block)
        assert joined == paragraph


def test_texts_that_are_not_hard_wrapped_keep_a_paragraph_a_line() -> None:
    one_line_each = "\n".join(PARAGRAPHS)  # long lines: the usual article
    lines = split_paragraphs(one_line_each)
    assert not is_hard_wrapped(one_line_each, lines)
    assert wrapped_blocks(one_line_each, lines) == [[0], [1], [2]]
    # short lines each followed by a blank line (a list, a poem's stanzas of one line) are not wrapped
    spaced = "\n\n".join(textwrap.shorten(p, 60) for p in PARAGRAPHS)
    assert wrapped_blocks(spaced, split_paragraphs(spaced)) == [[0], [1], [2]]
    # ragged short lines, most far from the widest, are no wrapping either
    ragged = "Title of a list\nOne\nTwo items here\nThree\nA much longer line that sets the width of all"
    assert not is_hard_wrapped(ragged, split_paragraphs(ragged))
    # a brief of one short sentence a line: each line ends a sentence, nothing is wrapped
    brief = (
        "Police said a man was arrested on Monday after a break-in on Mill Road.\n"
        "The man, 34, was charged with burglary and released on bail overnight.\n"
        "He will appear before the magistrates in Leeds on Friday morning, police said."
    )
    assert not is_hard_wrapped(brief, split_paragraphs(brief))


def test_each_line_of_a_wrapped_paragraph_carries_its_paragraphs_techniques() -> None:
    from unspun.pipeline.paragraphs import ParagraphTechniqueTagger

    tagger = ParagraphTechniqueTagger()
    text = _wrapped()
    article = Article(id="w", text=text, language="en")
    lines = tagger.predict([article])[0]
    blocks = wrapped_blocks(text, split_paragraphs(text))
    for block in blocks:
        names = [[label.name for label in lines[i].techniques] for i in block]
        assert all(n == names[0] for n in names), names
    # the loaded paragraphs are read whole and found persuasive; the council notice is not
    assert lines[blocks[0][0]].techniques and not lines[blocks[2][0]].techniques
