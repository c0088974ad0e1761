from __future__ import annotations

import hashlib

import pytest

from unspun.document import Analysis, Article, Label, Span, content_hash, split_paragraphs


def test_split_paragraphs_follows_official_rule_with_crlf() -> None:
    text = "Title\r\n\r\nFirst para.\r\n  \r\nSecond\n"
    paragraphs = split_paragraphs(text)
    assert [p.index for p in paragraphs] == [1, 3, 5]
    assert [text[p.start : p.end] for p in paragraphs] == ["Title", "First para.", "Second"]


def test_span_rejects_empty_or_negative() -> None:
    with pytest.raises(ValueError):
        Span(5, 5, "Doubt")
    with pytest.raises(ValueError):
        Span(-1, 3, "Doubt")


def test_set_layer_rejects_span_outside_text() -> None:
    article = Article(id="1", text="short")
    with pytest.raises(ValueError, match="outside"):
        article.set_layer("technique", [Span(0, 9, "Doubt")])


def test_analysis_to_dict_serialises_spans_with_text() -> None:
    article = Article(id="1", text="\ufeffA brutal attack.", title="t")
    article.set_layer("technique", [Span(3, 9, "Loaded_Language", 0.8)])
    article.labels["genre"] = [Label("opinion", 0.9)]
    payload = Analysis(article).to_dict()
    (span,) = payload["spans"]
    assert {k: span[k] for k in ("start", "end", "technique", "score", "text")} == {
        "start": 3,
        "end": 9,
        "technique": "Loaded_Language",
        "score": 0.8,
        "text": "brutal",
    }
    assert span["technique_name"] == "Loaded language" and span["taxonomy"] == "ptc14"
    assert payload["genre"] == "opinion"
    assert payload["frames"] is None  # not analysed, as opposed to [] (analysed, none found)


def test_content_hash_leaves_out_a_leading_byte_order_mark() -> None:
    text = "A brutal attack.\n\nMore."
    assert content_hash(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()  # ids kept
    assert content_hash("\ufeff" + text) == content_hash(text)  # a UTF-16 copy is the same text
    assert Article(id="1", text="\ufeff" + text).content_hash == content_hash(text)
    assert content_hash(text + "\ufeff") != content_hash(text)  # only a leading mark
    assert content_hash("\ufeff\ufeff" + text) != content_hash(text)


def test_analysis_names_its_language_as_the_json_does() -> None:
    # QA (s45): `analysis.language` raised AttributeError in the README's Python example, where
    # `to_dict()["language"]` and every other field of the summary (genre, frames, title) are
    # attributes.
    analysis = Analysis(Article(id="a", text="Le gouvernement a menti.", language="fr"))
    assert analysis.language == "fr" == analysis.to_dict()["language"]
    assert Analysis(Article(id="b", text="x")).language is None
