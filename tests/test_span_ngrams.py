"""The lexical TC head: scikit-learn-identical features, probabilities, blending, files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extras import need
from unspun.errors import ModelError
from unspun.models.span_ngrams import SpanNgramHead, fit_span_ngram_head
from unspun.models.tfidf import char_wb_ngrams, word_ngrams

sklearn_text = need("sklearn.feature_extraction.text")  # the [train] extra

SPANS = [
    ("Make America great again", "Slogans"),
    ("Keep America great", "Slogans"),
    ("great again, great again", "Slogans"),
    ("corrupt thugs", "Name_Calling,Labeling"),
    ("lying thugs and crooks", "Name_Calling,Labeling"),
    ("crooks", "Name_Calling,Labeling"),
    ("a devastating, horrific disaster", "Loaded_Language"),
    ("horrific", "Loaded_Language"),
    ("devastating", "Loaded_Language"),
]
LABELS = ["Loaded_Language", "Name_Calling,Labeling", "Slogans", "Doubt"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab cÉ\n\t'-!") + ["ß", "x"]), max_size=30))
def test_analyzers_match_scikit_learn(text: str) -> None:
    words = sklearn_text.TfidfVectorizer(ngram_range=(1, 2)).build_analyzer()
    chars = sklearn_text.TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    assert word_ngrams(text, (1, 2)) == words(text)
    assert char_wb_ngrams(text, (2, 5)) == chars(text)


def test_probabilities_match_the_scikit_learn_model() -> None:
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression

    texts, labels = [t for t, _ in SPANS], [label for _, label in SPANS]
    head = fit_span_ngram_head(texts, labels, LABELS, c=16.0, min_df_words=1, min_df_chars=1)
    words = sklearn_text.TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    chars = sklearn_text.TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    x = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    reference = LogisticRegression(C=16.0, max_iter=3000).fit(x, labels)
    queries = ["great again", "thugs", "a horrific thing", "unseen words"]
    expected = reference.predict_proba(hstack([words.transform(queries), chars.transform(queries)]))
    got = head.probs(queries)
    for j, label in enumerate(reference.classes_):
        assert np.allclose(got[:, LABELS.index(label)], expected[:, j], atol=1e-6)
    assert np.all(got[:, LABELS.index("Doubt")] < 1e-9)  # never seen in training
    assert [LABELS[i] for i in got[:3].argmax(axis=1)] == [
        "Slogans",
        "Name_Calling,Labeling",
        "Loaded_Language",
    ]


def test_blend_is_a_geometric_mix_in_the_callers_label_order(tmp_path: Path) -> None:
    head = fit_span_ngram_head([t for t, _ in SPANS], [lab for _, lab in SPANS], LABELS, share=0.5)
    head.to_disk(tmp_path / "tc_ngrams.npz")
    loaded = SpanNgramHead.from_disk(tmp_path / "tc_ngrams.npz")
    caller = ["Slogans", "Doubt", "Loaded_Language", "Name_Calling,Labeling"]
    neural = np.array([[0.1, 0.6, 0.2, 0.1]], dtype=np.float32)
    mixed = loaded.blend(neural, ["thugs"], caller)
    mine = loaded.probs(["thugs"])[0][[LABELS.index(label) for label in caller]]
    expected = np.sqrt(neural[0] * mine)
    assert np.allclose(mixed[0], expected / expected.sum(), atol=1e-3)
    assert caller[int(mixed.argmax())] == "Name_Calling,Labeling"
    assert loaded.blend(neural[:0], [], caller).shape == (0, 4)


def test_damaged_head_file_says_to_retrain(tmp_path: Path) -> None:
    (tmp_path / "tc_ngrams.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="retrain"):
        SpanNgramHead.from_disk(tmp_path / "tc_ngrams.npz")


def test_a_single_technique_cannot_train_the_head() -> None:
    with pytest.raises(ModelError, match="two techniques"):
        fit_span_ngram_head(["a b", "c d"], ["Slogans", "Slogans"], LABELS)


def test_sample_weights_decide_between_conflicting_spans() -> None:
    texts, labels = [t for t, _ in SPANS], [label for _, label in SPANS]
    conflicting = (texts + ["crooks"], labels + ["Loaded_Language"])

    def best(weight: float) -> str:
        head = fit_span_ngram_head(
            *conflicting, LABELS, c=16.0, min_df_words=1, min_df_chars=1, sample_weight=[1.0] * 9 + [weight]
        )
        return LABELS[int(head.probs(["crooks"])[0].argmax())]

    assert best(0.01) == "Name_Calling,Labeling"
    assert best(5.0) == "Loaded_Language"
