"""Span evidence for the paragraph techniques: features, head, mixing, training."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from article_fixtures import TINY_CONFIG, HashEncoder, blank_head, write_semeval_data
from unspun.article_level import predict_paragraphs
from unspun.document import (
    CANDIDATE_LAYER,
    PARAGRAPH_VECTORS,
    TECHNIQUE_LAYER,
    Article,
    Span,
    split_paragraphs,
)
from unspun.errors import ConfigError
from unspun.models.sentence_encoder import ParagraphEmbedder
from unspun.models.span_evidence import (
    N_FEATURES,
    SpanEvidenceHead,
    fit_span_evidence_head,
    paragraph_vectors,
    span_features,
)
from unspun.models.span_model import SpanFindings
from unspun.pipeline import paragraphs as paragraphs_module
from unspun.pipeline.language import LanguageDetector
from unspun.pipeline.paragraphs import ParagraphTechniqueTagger
from unspun.pipeline.spans import SpanTagger
from unspun.techniques import PTC14_LABELS, SEMEVAL23_LABELS

TEXT = "Title\n\nThey are corrupt traitors.\nCalm words here today.\n"
NAME_CALLING = PTC14_LABELS.index("Name_Calling,Labeling")
LOADED = PTC14_LABELS.index("Loaded_Language")
N = len(PTC14_LABELS)


def _span(text: str, words: str, label: str, score: float, layer: str = TECHNIQUE_LAYER) -> Span:
    start = text.index(words)
    return Span(start, start + len(words), label, score, layer=layer)


def test_features_summarise_the_spans_of_each_paragraph() -> None:
    paragraphs = split_paragraphs(TEXT)
    spans = [
        _span(TEXT, "corrupt traitors", "Name_Calling,Labeling", 0.6),
        _span(TEXT, "They are", "Not_A_PTC_Label", 0.9),  # ignored
    ]
    candidates = [
        _span(TEXT, "corrupt traitors", "Loaded_Language", 0.2, CANDIDATE_LAYER),
        _span(TEXT, "corrupt traitors", "Name_Calling,Labeling", 0.5, CANDIDATE_LAYER),
        _span(TEXT, "traitors.\nCalm", "Loaded_Language", 0.1, CANDIDATE_LAYER),  # two paragraphs
    ]
    rows = span_features(TEXT, paragraphs, spans, candidates)
    assert rows.shape == (3, N_FEATURES)
    assert not rows[0].any()
    title, second, third = rows
    assert second[NAME_CALLING] == pytest.approx(0.6) and second[:N].sum() == pytest.approx(0.6)
    assert second[N + LOADED] == pytest.approx(0.2) and second[N + NAME_CALLING] == pytest.approx(0.5)
    assert second[2 * N] == pytest.approx(1 / 0.4)  # one span in four words, per ten words
    assert second[2 * N + 1] == pytest.approx(0.6) and second[2 * N + 2] == pytest.approx(0.6 / 0.4)
    assert third[N + LOADED] == pytest.approx(0.1) and third[:N].sum() == 0 and third[2 * N] == 0


def _evidence_head() -> SpanEvidenceHead:
    """Learns: a Name_Calling span in a paragraph means the SemEval-2023 Name_Calling-Labeling."""
    rng = np.random.default_rng(0)
    features = rng.uniform(0, 0.05, (200, N_FEATURES))
    targets = np.zeros((200, len(SEMEVAL23_LABELS)), dtype=int)
    features[:100, NAME_CALLING] = rng.uniform(0.4, 0.9, 100)
    targets[:100, SEMEVAL23_LABELS.index("Name_Calling-Labeling")] = 1
    return fit_span_evidence_head(features, targets, SEMEVAL23_LABELS, c=10.0, share=0.4, languages=["en"])


def _tagger(embedder: ParagraphEmbedder) -> ParagraphTechniqueTagger:
    head = blank_head(SEMEVAL23_LABELS, 3 * HashEncoder.dim + 3, True)  # every score 0.5
    head.thresholds = {
        "default": np.full(len(SEMEVAL23_LABELS), 0.6, np.float32),
        "en+spans": np.full(len(SEMEVAL23_LABELS), 0.6, np.float32),
    }
    tagger = ParagraphTechniqueTagger(head=head, embedder=embedder)
    tagger.evidence_head = _evidence_head()
    return tagger


def _techniques(article: Article) -> list[list[str]]:
    return [[t.name for t in p.techniques] for p in article.paragraphs]


@pytest.mark.needs("sklearn")
def test_tagger_mixes_span_evidence_for_covered_languages_only(tmp_path: Path) -> None:
    embedder = ParagraphEmbedder(HashEncoder())
    tagger = _tagger(embedder)
    spans = [_span(TEXT, "corrupt traitors", "Name_Calling,Labeling", 0.7)]
    english = Article(id="en", text=TEXT, language="en", spans={TECHNIQUE_LAYER: spans})
    french = Article(id="fr", text=TEXT, language="fr", spans={TECHNIQUE_LAYER: list(spans)})
    unanalysed = Article(id="none", text=TEXT, language="en")  # the span tagger did not run
    tagger([english, french, unanalysed])
    assert _techniques(english) == [[], ["Name_Calling-Labeling"], []]
    assert _techniques(french) == _techniques(unanalysed) == [[], [], []]  # 0.5 < 0.6 everywhere
    tagger.to_disk(tmp_path)
    again = ParagraphTechniqueTagger(model_dir=tmp_path, embedder=embedder)
    assert again.evidence_head is not None and again.evidence_head.languages == ("en",)
    assert [[t.name for t in p.techniques] for p in again.predict([english])[0]] == _techniques(english)
    tagger.evidence_head = None
    tagger.to_disk(tmp_path)
    assert ParagraphTechniqueTagger(model_dir=tmp_path, embedder=embedder).evidence_head is None


class FixedSpanTagger(SpanTagger):
    """A span tagger that finds "corrupt traitors" as name calling, wherever it occurs."""

    def predict(self, articles: Sequence[Article]) -> list[SpanFindings | None]:
        found: list[SpanFindings | None] = []
        for article in articles:
            if not self.covers(article):
                found.append(None)
                continue
            spans = [_span(article.text, "corrupt traitors", "Name_Calling,Labeling", 0.7)]
            no_vectors = np.zeros((0, 0), dtype=np.float32)
            found.append(SpanFindings(spans if "corrupt traitors" in article.text else [], [], no_vectors))
        return found


@pytest.mark.needs("sklearn")
def test_predict_paragraphs_runs_the_span_tagger_first() -> None:
    tagger = _tagger(ParagraphEmbedder(HashEncoder()))
    spans = FixedSpanTagger(model="unused")
    rows = predict_paragraphs(
        [Article(id="1", text=TEXT)], components=[LanguageDetector(lang="en"), tagger, spans]
    )
    assert rows == [("1", 1, []), ("1", 3, ["Name_Calling-Labeling"]), ("1", 4, [])]
    rows = predict_paragraphs(
        [Article(id="1", text=TEXT)], components=[LanguageDetector(lang="fr"), tagger, spans]
    )
    assert all(techniques == [] for _, _, techniques in rows)


def _write_predictions(path: Path, data: Path) -> None:
    """Out-of-fold-style predictions for the tiny SemEval data: loaded language where it is labelled."""
    from unspun.document import Analysis
    from unspun.training.span_predictions import write_predictions

    analyses = []
    for n in range(16):
        text = (data / "en" / "train" / "train-articles-subtask-3" / f"article{n}.txt").read_text(
            encoding="utf-8"
        )
        article = Article(id=str(n), text=text, language="en")
        spans = []
        if n % 2:  # the opinion articles: paragraph 3 carries Loaded_Language in the gold
            start = text.index("disgrace")
            spans = [Span(start, start + len("disgrace shameful"), "Loaded_Language", 0.8)]
        article.set_layer(TECHNIQUE_LAYER, spans)
        article.set_layer(CANDIDATE_LAYER, [])
        analyses.append(Analysis(article))
    write_predictions(analyses, path)


@pytest.mark.needs("sklearn")
def test_training_learns_and_saves_the_span_evidence_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unspun.training.train_semeval2023 as training

    write_semeval_data(tmp_path / "data")
    monkeypatch.setattr(training, "load_encoder", lambda name: HashEncoder())
    monkeypatch.setenv("UNSPUN_CACHE", str(tmp_path / "cache"))
    config = tmp_path / "c.toml"
    config.write_text(TINY_CONFIG + '[paragraphs.spans]\npredictions = "p.jsonl"\nc = 10.0\nshare = 0.5\n')
    with pytest.raises(ConfigError, match="unspun.training.span_predictions"):
        training.train_article_models(
            tmp_path / "data", tmp_path / "model", config=config, log=lambda _: None, build=False
        )
    (tmp_path / "cache").mkdir()
    _write_predictions(tmp_path / "cache" / "p.jsonl", tmp_path / "data")
    report = training.train_article_models(
        tmp_path / "data", tmp_path / "model", config=config, log=lambda _: None, build=False
    )
    assert report["rows"]["paragraphs_with_span_evidence"] == 48
    assert report["cv"]["paragraphs"]["micro_f1"] == 1.0
    tagger = ParagraphTechniqueTagger(model_dir=tmp_path / "model", embedder=ParagraphEmbedder(HashEncoder()))
    assert tagger.evidence_head is not None and tagger.evidence_head.share == 0.5
    assert "en+spans" in tagger.head.thresholds
    evidence = tagger.evidence_head.head.scores(
        span_features(TEXT, split_paragraphs(TEXT), [_span(TEXT, "corrupt", "Loaded_Language", 0.8)], [])
    )[:, SEMEVAL23_LABELS.index("Loaded_Language")]
    assert evidence[1] > 0.9 > 0.1 > evidence[0]  # a loaded-language span means Loaded_Language


def test_paragraph_vectors_pool_the_tokens_each_paragraph_overlaps() -> None:
    text = "ab cd\n\nef"  # paragraphs: line 1 "ab cd", line 3 "ef"
    offsets = np.array([[0, 2], [3, 5], [7, 9]])
    hidden = np.array([[1.0, -1.0], [3.0, -3.0], [5.0, 0.0]], dtype=np.float32)
    probs = np.array([[0.9, 0.05, 0.05], [0.3, 0.3, 0.4], [1.0, 0.0, 0.0]], dtype=np.float32)
    rows = paragraph_vectors(offsets, hidden, probs, split_paragraphs(text))
    np.testing.assert_allclose(rows[0], [2.0, -2.0, 3.0, -1.0, 0.7, 0.4], rtol=1e-6)  # mean, max, inside
    np.testing.assert_allclose(rows[1], [5.0, 0.0, 5.0, 0.0, 0.0, 0.0], atol=1e-6)
    nothing = paragraph_vectors(offsets[:1], hidden[:1], probs[:1], split_paragraphs(text))
    assert not nothing[1].any()  # a paragraph without tokens gets zeros


def _vector_evidence_head() -> SpanEvidenceHead:
    """Evidence as in :func:`_evidence_head`, plus a vector head: a high first dimension means Doubt."""
    rng = np.random.default_rng(1)
    features = np.zeros((200, N_FEATURES))  # the span evidence says nothing about Doubt
    vectors = rng.normal(0, 1, (200, 6))
    targets = np.zeros((200, len(SEMEVAL23_LABELS)), dtype=int)
    vectors[:100, 0] += 4
    targets[:100, SEMEVAL23_LABELS.index("Doubt")] = 1
    return fit_span_evidence_head(
        features,
        targets,
        SEMEVAL23_LABELS,
        c=10.0,
        share=0.4,
        vectors=vectors,
        vector_c=1.0,
        vector_share=0.5,
    )


@pytest.mark.needs("sklearn")
def test_vector_head_mixes_the_span_models_view_of_each_paragraph(tmp_path: Path) -> None:
    head = _vector_evidence_head()
    assert head.vector_head is not None and head.vector_share == 0.5
    features = np.zeros((2, N_FEATURES), dtype=np.float32)
    vectors = np.array([[4.0, 0, 0, 0, 0, 0], [0.0, 0, 0, 0, 0, 0]], dtype=np.float32)
    doubt = SEMEVAL23_LABELS.index("Doubt")
    scores = np.full((2, len(SEMEVAL23_LABELS)), 0.5)
    mixed = head.mix(scores, features, vectors)
    assert mixed[0, doubt] > 0.7 and mixed[1, doubt] < 0.45
    np.testing.assert_allclose(head.mix(scores, features), 0.6 * 0.5 + 0.4 * head.head.scores(features))
    head.to_disk(tmp_path / "evidence.npz")
    again = SpanEvidenceHead.from_disk(tmp_path / "evidence.npz")
    np.testing.assert_allclose(again.mix(scores, features, vectors), mixed, rtol=1e-5)
    plain = _evidence_head()  # no vector head: the file has none, and vectors are ignored
    plain.to_disk(tmp_path / "plain.npz")
    again = SpanEvidenceHead.from_disk(tmp_path / "plain.npz")
    assert again.vector_head is None
    np.testing.assert_allclose(again.mix(scores, features, vectors), again.mix(scores, features))


@pytest.mark.needs("sklearn")
def test_tagger_reads_the_paragraph_vectors_the_span_tagger_left() -> None:
    tagger = _tagger(ParagraphEmbedder(HashEncoder()))
    tagger.evidence_head = _vector_evidence_head()
    doubtful = np.zeros((3, 6), dtype=np.float32)
    doubtful[1, 0] = 6.0
    article = Article(id="en", text=TEXT, language="en", spans={TECHNIQUE_LAYER: []})
    article.vectors[PARAGRAPH_VECTORS] = doubtful
    tagger([article])
    assert _techniques(article) == [[], ["Doubt"], []]
    stale = Article(id="en", text=TEXT, language="en", spans={TECHNIQUE_LAYER: []})
    stale.vectors[PARAGRAPH_VECTORS] = doubtful[:2]  # not one row per paragraph: not used
    tagger([stale])
    assert _techniques(stale) == [[], [], []]
    wider = Article(id="en", text=TEXT, language="en", spans={TECHNIQUE_LAYER: []})
    wider.vectors[PARAGRAPH_VECTORS] = np.zeros((3, 10), dtype=np.float32)  # another span model's
    tagger([wider])
    assert _techniques(wider) == [[], [], []]


@pytest.mark.needs("sklearn")
def test_training_learns_a_vector_head_from_the_paragraph_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unspun.training.train_semeval2023 as training
    from unspun.training.span_predictions import vectors_path

    data = tmp_path / "data"
    write_semeval_data(data)
    monkeypatch.setattr(training, "load_encoder", lambda name: HashEncoder())
    monkeypatch.setenv("UNSPUN_CACHE", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    predictions = tmp_path / "cache" / "p.jsonl"
    _write_predictions(predictions, data)
    config = tmp_path / "c.toml"
    config.write_text(
        TINY_CONFIG + '[paragraphs.spans]\npredictions = "p.jsonl"\nc = 10.0\nshare = 0.5\n'
        "vector_c = 1.0\nvector_share = 0.5\n"
    )
    with pytest.raises(ConfigError, match="paragraph vectors"):
        training.train_article_models(
            data, tmp_path / "model", config=config, log=lambda _: None, build=False
        )
    arrays = {}
    for n in range(16):  # 3 paragraphs each; the second one's first number says "loaded language"
        rows = np.zeros((3, 4), dtype=np.float16)
        rows[1, 0] = 3.0 if n % 2 else 0.0
        arrays[f"en/{n}"] = rows
    arrays["en/5"] = arrays["en/5"][:2]
    np.savez(vectors_path(predictions), **arrays)
    with pytest.raises(ConfigError, match="do not match its paragraphs"):
        training.train_article_models(
            data, tmp_path / "model", config=config, log=lambda _: None, build=False
        )
    del arrays["en/5"]
    np.savez(vectors_path(predictions), **arrays)
    with pytest.raises(ConfigError, match="do not match its paragraphs"):
        training.train_article_models(
            data, tmp_path / "model", config=config, log=lambda _: None, build=False
        )
    arrays["en/5"] = np.zeros((3, 4), dtype=np.float16)
    np.savez(vectors_path(predictions), **arrays)
    report = training.train_article_models(
        data, tmp_path / "model", config=config, log=lambda _: None, build=False
    )
    assert report["cv"]["paragraphs"]["micro_f1"] == 1.0
    tagger = ParagraphTechniqueTagger(model_dir=tmp_path / "model", embedder=ParagraphEmbedder(HashEncoder()))
    evidence = tagger.evidence_head
    assert evidence is not None and evidence.vector_head is not None and evidence.vector_share == 0.5
    loaded = evidence.vector_head.scores(np.array([[3.0, 0, 0, 0], [0.0, 0, 0, 0]]))
    assert loaded[0, SEMEVAL23_LABELS.index("Loaded_Language")] > 0.9 > 0.1 > loaded[1, 0]


@pytest.mark.needs("sklearn")
@pytest.mark.parametrize("at_once", [1, 2, 3])
def test_paragraphs_scored_in_blocks_get_the_labels_of_one_go(
    monkeypatch: pytest.MonkeyPatch, at_once: int
) -> None:
    """A long article's paragraphs are scored a block at a time (to bound memory): each paragraph
    keeps its own neighbours, span evidence and vector, so its labels and scores are unchanged."""
    tagger = _tagger(ParagraphEmbedder(HashEncoder()))
    tagger.evidence_head = _vector_evidence_head()
    text = "Title\n\nThey doubt it.\nCalm words.\nMore calm words.\nWho knows?\nThe end.\n"
    doubtful = np.zeros((6, 6), dtype=np.float32)
    doubtful[[1, 4], 0] = 6.0

    def labelled() -> list[list[tuple[str, float]]]:
        article = Article(id="en", text=text, language="en", spans={TECHNIQUE_LAYER: []})
        article.vectors[PARAGRAPH_VECTORS] = doubtful
        return [[(t.name, t.score) for t in p.techniques] for p in tagger.predict([article])[0]]

    whole = labelled()
    assert [[name for name, _ in p] for p in whole] == [[], ["Doubt"], [], [], ["Doubt"], []]
    monkeypatch.setattr(paragraphs_module, "PARAGRAPHS_AT_ONCE", at_once)
    blocks = labelled()
    assert [[name for name, _ in p] for p in blocks] == [[name for name, _ in p] for p in whole]
    assert [score for p in blocks for _, score in p] == pytest.approx(
        [score for p in whole for _, score in p], abs=1e-6
    )
