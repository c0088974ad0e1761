"""Genre of an article (SemEval-2023 subtask 1): reporting, opinion or satire.

Writes ``article.labels["genre"] = [Label(genre, probability)]``. Two softmax heads
(:class:`~unspun.models.linear_head.LinearHead`):

* ``genre-e5.npz`` (:class:`~unspun.models.article_e5.E5GenreHead`) over the article's mean
  multilingual-e5 state, for the languages and lengths its ``genre-e5.json`` names (English,
  German, Italian, Polish and Russian articles of 250 words or more; from 150 to 250 words mixed with the other head, its weight
  rising with the length; English texts under 150 words both heads too, satire only where both see
  it: :mod:`unspun.pipeline.genre_mix`): it holds on unseen news where the other does not
  (``docs/training.md``, "Genre over e5 article vectors");
* ``genre.npz`` for every other article, over its pooled paragraph vectors, its title vector and
  style statistics (:func:`unspun.models.sentence_encoder.article_features`).

A genre the outlet declares in the headline ("Opinion: ...", "... | Editorial", "Satire - ...":
:mod:`unspun.pipeline.genre_labels`) is the article's, at probability :data:`DECLARED_SCORE` or the
heads' own if higher. Both heads learnt from whole articles; a text shorter than ``prior_words`` words leans on the
news mix (:data:`NEWS_MIX`, :func:`lean_on_prior`) the more the shorter it is, so a 16-word brief
is no longer "satire 0.92" (``benchmarks/genre_short_texts.py``). An English text under
:data:`SATIRE_MIN_WORDS` words is never called satire (:func:`shown_index`): on so few words the heads
cannot tell it, and a satire call there was nearly always a local or heated op-ed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from unspun.document import Article, Label, ModelInfo
from unspun.errors import ModelError
from unspun.models.article_e5 import E5GenreHead
from unspun.models.e5_encoder import e5_installed
from unspun.models.linear_head import LinearHead, NgramHead, article_model_dir
from unspun.models.packaged import folder_model_info
from unspun.models.sentence_encoder import (
    ParagraphEmbedder,
    article_features,
    encoder_model_info,
    load_encoder,
)
from unspun.pipeline.base import Component
from unspun.pipeline.genre_labels import declared_genre
from unspun.pipeline.genre_mix import mix_heads
from unspun.registry import register

HEAD_FILE = "genre.npz"
# The genre mix of the news the project targets (reporting-heavy, unlike the opinion-heavy
# training set): the prior short texts lean on, and the mix the validation reweights to.
NEWS_MIX = {"reporting": 0.75, "opinion": 0.20, "satire": 0.05}
# Below this many words a text's genre leans on NEWS_MIX (benchmarks/genre_short_texts.py, over 400
# unlabelled news articles: the genre of an article's first 15-120 words agrees with its whole
# article's 0.632 -> 0.712 of the time, satire calls on 15-60 words 10-16% -> 0-5%; the beginnings
# of op-eds stay opinion less often under 90 words, e.g. at 60 words 0.48 -> 0.40).
PRIOR_WORDS = 90
# The least probability given to the genre an outlet declares in the headline ("Opinion: ...",
# :func:`~unspun.pipeline.genre_labels.declared_genre`): the heads' own when they agree more surely.
DECLARED_SCORE = 0.9
# Below this many words (per language) satire is not shown (:func:`shown_index`). On the short
# beginnings (60-120 words) of the English genre rows, scored out of fold on the grouped folds
# (benchmarks/genre_short_cuts.py), no English satire beginning was found at 60 or 90 words and the
# e5 head alone called 16-22% of the opinion beginnings satire; invented local op-eds of 60-100
# words (QA s47) were satire 0.45-0.73, and satire both heads agree on at 300 words when four are
# joined: their register (heated, local, exclamatory), not their length, reads as satire.
SATIRE_MIN_WORDS = {"en": 150}
SATIRE = "satire"


def lean_on_prior(shown: np.ndarray, words: int, prior_words: int, prior: np.ndarray) -> np.ndarray:
    """``shown`` (one row of genre probabilities) moved towards ``prior`` for a text of ``words``
    words: ``shown^w * prior^(1-w)`` renormalised, ``w = min(1, words / prior_words)`` (unchanged
    from ``prior_words`` words on, or when ``prior_words`` is 0)."""
    if prior_words <= 0 or words >= prior_words:
        return shown
    weight = max(words, 0) / prior_words
    mixed = np.exp(weight * np.log(shown + 1e-12) + (1 - weight) * np.log(prior + 1e-12))
    return mixed / mixed.sum()


def shown_index(shown: np.ndarray, labels: Sequence[str], words: int, satire_min_words: int = 0) -> int:
    """The index of the genre shown for one row of probabilities ``shown`` (in ``labels`` order)
    of a text of ``words`` words: its arg-max, except that under ``satire_min_words`` words a text
    is not called satire: it gets the more probable of the other genres at that genre's own,
    lower probability (not renormalised, so the score says how unsure the heads are)."""
    best = int(shown.argmax())
    if labels[best] != SATIRE or words >= satire_min_words:
        return best
    others = [i for i, label in enumerate(labels) if label != SATIRE]
    return max(others, key=lambda i: float(shown[i])) if others else best


class ArticleHeadComponent(Component):
    """Shared shape of the article-level components: a head, an optional n-gram head mixed into
    its scores, an embedder, and ``to_disk``/``from_disk``."""

    head_file = HEAD_FILE

    def __init__(
        self,
        *,
        head: LinearHead | None = None,
        ngram_head: NgramHead | None = None,
        model_dir: str | Path | None = None,
        embedder: ParagraphEmbedder | None = None,
    ) -> None:
        super().__init__()
        self.head: LinearHead
        self.ngram_head: NgramHead | None = ngram_head
        self.model_dir: Path | None = None
        if head is not None:
            self.head = head
        else:
            self.model_dir = article_model_dir(model_dir)
            self.from_disk(self.model_dir)
        self.embedder = embedder if embedder is not None else ParagraphEmbedder(load_encoder())

    def load(self) -> None:
        """Read the sentence encoder's weights now rather than on the first article (a server's
        first request would pay for it)."""
        load = getattr(self.embedder.encoder, "load", None)
        if callable(load):
            load()

    def model_info(self) -> list[ModelInfo]:
        """The article model folder's name, version and digest (none for heads built in memory)."""
        heads = [folder_model_info(self.name, self.model_dir)] if self.model_dir is not None else []
        return [*heads, encoder_model_info(self.name)]

    @property
    def ngram_file(self) -> str:
        return self.head_file.replace(".npz", "-ngrams.npz")

    def features(self, articles: Sequence[Article]) -> np.ndarray:
        """One article feature row per article."""
        return np.stack([article_features(*self.embedder(a.text), a.text) for a in articles])

    def mixed_scores(self, features: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """The head's scores, mixed with the n-gram head's scores of ``texts`` if there is one."""
        scores = self.head.scores(features)
        return self.ngram_head.mix(scores, texts) if self.ngram_head is not None else scores

    def to_disk(self, folder: str | Path) -> None:
        """Save the head as ``<folder>/<head_file>`` (and the n-gram head beside it, if any)."""
        Path(folder).mkdir(parents=True, exist_ok=True)
        self.head.to_disk(Path(folder) / self.head_file)
        ngram_path = Path(folder) / self.ngram_file
        if self.ngram_head is not None:
            self.ngram_head.to_disk(ngram_path)
        elif ngram_path.exists():
            ngram_path.unlink()

    def from_disk(self, folder: str | Path) -> ArticleHeadComponent:
        """Load the head(s) from ``folder``; returns ``self``. Raises ``ModelError`` if missing."""
        if Path(folder).is_dir() and not (Path(folder) / self.head_file).is_file():
            raise ModelError(
                f"{folder} holds no {self.head_file}, so it is not an article model folder; give the "
                "output of `unspun train article` or a shipped name (semeval2023)"
            )
        self.head = LinearHead.from_disk(Path(folder) / self.head_file)
        ngram_path = Path(folder) / self.ngram_file
        self.ngram_head = NgramHead.from_disk(ngram_path) if ngram_path.is_file() else None
        return self


class GenreClassifier(ArticleHeadComponent):
    """Predicts one genre per article with its probability."""

    name = "genre"
    needs = ("language",)
    writes = ("genre",)
    head_file = HEAD_FILE
    e5_head: E5GenreHead | None = None
    prior_words: int = PRIOR_WORDS
    satire_min_words: dict[str, int] = SATIRE_MIN_WORDS

    def from_disk(self, folder: str | Path) -> GenreClassifier:
        """Load ``genre.npz`` (and its n-gram head) and, if the folder has one, the e5 head."""
        super().from_disk(folder)
        self.e5_head = E5GenreHead.from_folder(Path(folder))
        return self

    def warm_up(self) -> None:
        """The sentence encoder, and the e5 encoder when the e5 head can be used (articles of
        150+ words in its languages and shorter English texts use it: :meth:`load` leaves it to the
        first of them)."""
        self.load()
        if self.e5_head is not None and e5_installed():
            self.e5_head.encoder()

    def model_info(self) -> list[ModelInfo]:
        extra = self.e5_head.model_info(self.name) if self.e5_head is not None else []
        return [*super().model_info(), *extra]

    def e5_weight(self, article: Article) -> float:
        """How much the e5 head's view counts for ``article`` (0: the USE head alone)."""
        e5 = self.e5_head
        return (
            e5.weight(article.text, article.language)
            if e5 is not None and e5.applies(article.text, article.language)
            else 0.0
        )

    def uses_e5(self, article: Article) -> bool:
        """Whether the e5 head has a part in ``article``'s genre."""
        return self.e5_weight(article) > 0.0

    def predict(self, articles: Sequence[Article]) -> list[tuple[str, float]]:
        """The ``(genre, probability)`` of each article: the USE head's, the e5 head's, or between
        ``min_words`` and ``full_words`` both heads' probabilities mixed geometrically."""
        weights = [self.e5_weight(a) for a in articles]
        by_use = [i for i, w in enumerate(weights) if w < 1.0]
        by_e5 = [i for i, w in enumerate(weights) if w > 0.0]
        use_of = (
            dict(zip(by_use, self.head.scores(self.features([articles[i] for i in by_use])), strict=True))
            if by_use
            else {}
        )
        e5 = self.e5_head
        e5_of = (
            dict(zip(by_e5, e5.scores([articles[i].text for i in by_e5]), strict=True))
            if e5 and by_e5
            else {}
        )
        out = []
        for i, (article, weight) in enumerate(zip(articles, weights, strict=True)):
            lang = article.language
            if e5 is None or weight == 0.0:
                labels, shown = self.head.labels, self.head.shifted(use_of[i][None, :], lang)[0]
            else:
                labels, shown = e5.head.labels, e5.head.shifted(e5_of[i][None, :], lang)[0]
                if weight < 1.0:  # below full_words: both heads, geometrically mixed (genre_mix)
                    other = self.head.shifted(use_of[i][None, :], lang)[0]
                    shown = mix_heads(other, shown, weight, e5.satire_trust(article.text, lang), labels)
            prior = np.array([NEWS_MIX.get(label, 0.0) for label in labels])
            words = len(article.text.split())
            shown = lean_on_prior(shown, words, self.prior_words, prior)
            declared = declared_genre(article.title, article.text)
            if declared in labels:
                out.append((declared, max(float(shown[labels.index(declared)]), DECLARED_SCORE)))
                continue
            best = shown_index(shown, labels, words, self.satire_min_words.get(lang or "", 0))
            out.append((labels[best], float(shown[best])))
        return out

    def set_annotations(self, articles: Sequence[Article], outputs: list[tuple[str, float]]) -> None:
        for article, (genre, score) in zip(articles, outputs, strict=True):
            article.labels["genre"] = [Label(genre, score)]


@register("unspun.GenreClassifier.v1")
def make_genre_classifier(
    *, model_dir: str | Path | None = None, embedder: ParagraphEmbedder | None = None
) -> GenreClassifier:
    """Factory registered as ``unspun.GenreClassifier.v1`` (packaged model by default)."""
    return GenreClassifier(model_dir=model_dir, embedder=embedder)
