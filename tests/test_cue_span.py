"""The learnt cue span (unspun.whosays.cue_span): fit, prediction, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspun.tasks.polnear import GoldAttribution
from unspun.whosays.attribution_model import AttributionModel, fit
from unspun.whosays.cue_span import without_cue
from unspun.whosays.parsing import load_spacy


@pytest.fixture(scope="module")
def nlp() -> object:
    return load_spacy()


def _gold(text: str, source: str, cue: str, content: str) -> GoldAttribution:
    def at(piece: str) -> tuple[int, int]:
        start = text.index(piece)
        return start, start + len(piece)

    return GoldAttribution(content=at(content), source=at(source), cue=at(cue))


TEXTS = [
    "“We will win this race,” Jones told Reuters in a rare interview. Jones said that taxes would rise.",
    "Brown said in a long statement that the plan was dead. “It failed,” Brown told reporters. Green said goodbye to the crowd.",
]
GOLDS = [
    [
        _gold(TEXTS[0], "Jones", "told Reuters in a rare interview", "“We will win this race,”"),
        _gold(TEXTS[0], "Jones", "said", "that taxes would rise"),
    ],
    [
        _gold(TEXTS[1], "Brown", "said in a long statement", "that the plan was dead"),
        _gold(TEXTS[1], "Brown", "told reporters", "“It failed,”"),
    ],
]


def _cues(model: AttributionModel, docs: list[object]) -> list[list[tuple[int, int]]]:
    return [[f.cue for f, _ in model.find(doc)] for doc in docs]


@pytest.mark.needs("sklearn")
def test_cue_span_ranker_overfits_two_examples_and_round_trips(nlp: object, tmp_path: Path) -> None:
    docs = [nlp(text) for text in TEXTS]  # type: ignore[operator]
    gold = [[g.cue for g in golds] for golds in GOLDS]
    model = fit(docs, GOLDS, min_count=1, c=100.0, threshold=0.5, cue_span_c=100.0)
    assert model.cue_span is not None
    assert _cues(model, docs) == gold
    model.to_disk(tmp_path / "m")
    again = AttributionModel.from_disk(tmp_path / "m")
    assert _cues(again, docs) == gold


def test_without_cue_starts_a_content_after_the_cue_it_ran_into(nlp: object) -> None:
    text = "Trump made several statements on the matter yesterday."
    doc = nlp(text)  # type: ignore[operator]
    content = (text.index("several"), len(text) - 1)
    on = next(t.i for t in doc if t.lower_ == "on")
    assert without_cue(doc, content, on) == (text.index("the matter"), len(text) - 1)
    assert without_cue(doc, content, on - 3) == content  # "made": ends before the content
    assert without_cue(doc, content, len(doc) - 2) is None  # the cue took all of it


def test_the_shipped_cue_takes_the_words_polnear_puts_in_it(nlp: object) -> None:
    # the rules' cues were "made" and "have expressed", their contents "little secret of ..." and
    # "misgivings about ..."
    from unspun.whosays.attribution_model import load_attribution_model

    model = load_attribution_model()
    for text, cue, content in [
        (
            "The leaders made little secret of their disagreements over economic austerity.",
            "made little secret of",
            "their disagreements over economic austerity",
        ),
        (
            "Younger voters have expressed misgivings about Mrs. Clinton because of her record.",
            "have expressed misgivings about",
            "Mrs. Clinton because of her record",
        ),
    ]:
        found = [f for f, _ in model.find(nlp(text))]  # type: ignore[operator]
        assert [(text[f.cue[0] : f.cue[1]], f.content and text[slice(*f.content)]) for f in found] == [
            (cue, content)
        ]
