"""The who-says-what layer is bounded: a very long text is read in part, and its caches go."""

from __future__ import annotations

from collections.abc import Sequence

from unspun.document import Article, Claim
from unspun.pipeline.base import Component
from unspun.pipeline.whosays_layer import COVERAGE, WhoSaysLayer, prefix_end


class SentenceClaims(Component):
    """A stand-in claims component: every line is a claim; it leaves a cache behind."""

    name = "claims"

    def predict(self, articles: Sequence[Article]) -> list[list[Claim]]:
        out = []
        for article in articles:
            claims, offset = [], 0
            for number, line in enumerate(article.text.split("\n")):
                if line.strip():
                    claims.append(Claim(f"C{number}", offset, offset + len(line), 0.9))
                offset += len(line) + 1
            out.append(claims)
        return out

    def set_annotations(self, articles: Sequence[Article], outputs: list[list[Claim]]) -> None:
        for article, claims in zip(articles, outputs, strict=True):
            article.claims = claims
            article.vectors["cache"] = ["a parse"] * len(article.text)


def test_prefix_end_cuts_at_the_last_line_break() -> None:
    assert prefix_end("short", 10) == 5
    assert prefix_end("one\ntwo\nthree", 9) == 7
    assert prefix_end("x" * 20, 10) == 10


def test_long_text_is_read_in_part_with_valid_offsets_and_its_coverage() -> None:
    text = "\n".join(f"Line {i} says the plan failed." for i in range(100))
    long, short = Article(id="long", text=text), Article(id="short", text="One line.\nTwo lines.")
    layer = WhoSaysLayer([SentenceClaims()], max_chars=300)
    layer([long, short])
    assert long.claims and all(c.end <= 300 and c.text_in(text).startswith("Line") for c in long.claims)
    assert 0 < long.scores[COVERAGE] < 1 and COVERAGE not in short.scores
    assert len(short.claims) == 2
    assert "cache" not in long.vectors and "cache" not in short.vectors  # caches dropped
