"""SemEval-2023 spans as extra TC rows: the mapping to PTC-14 and the near-duplicate rule."""

from __future__ import annotations

from pathlib import Path

from unspun.techniques import PTC14_LABELS, SEMEVAL23_LABELS, ptc14_for
from unspun.training.extra_spans import SEMEVAL23_TO_PTC14, extra_span_rows

STORY = "The corrupt thugs in the capital will never tell you the truth about the border crisis today."
OTHER = "Make America great again, said the speaker to a crowd that waved flags all afternoon long."


def _semeval(root: Path, articles: dict[str, tuple[str, list[tuple[str, int, int]]]]) -> Path:
    base = root / "en" / "train"
    (base / "train-articles-subtask-3").mkdir(parents=True)
    (base / "train-labels-subtask-3-spans").mkdir()
    for article_id, (text, spans) in articles.items():
        (base / "train-articles-subtask-3" / f"article{article_id}.txt").write_text(text, encoding="utf-8")
        lines = "".join(f"{article_id}\t{t}\t{s}\t{e}\n" for t, s, e in spans)
        (base / "train-labels-subtask-3-spans" / f"article{article_id}-labels-subtask-3.txt").write_text(
            lines, encoding="utf-8"
        )
    return root


def test_every_mapped_technique_names_a_ptc14_one() -> None:
    assert set(SEMEVAL23_TO_PTC14) <= set(SEMEVAL23_LABELS)
    assert set(SEMEVAL23_TO_PTC14.values()) == set(PTC14_LABELS)
    assert SEMEVAL23_TO_PTC14["False_Dilemma-No_Choice"] == "Black-and-White_Fallacy"
    assert SEMEVAL23_TO_PTC14["Conversation_Killer"] == "Thought-terminating_Cliches"
    assert SEMEVAL23_TO_PTC14["Appeal_to_Hypocrisy"] == "Whataboutism,Straw_Men,Red_Herring"
    for label in ("Appeal_to_Values", "Appeal_to_Time", "Questioning_the_Reputation"):
        assert label not in SEMEVAL23_TO_PTC14
    assert all(ptc14_for(k) in (v, None) for k, v in SEMEVAL23_TO_PTC14.items())


def test_rows_are_mapped_and_unmapped_techniques_left_out(tmp_path: Path) -> None:
    data = _semeval(
        tmp_path,
        {
            "1": (STORY, [("Name_Calling-Labeling", 4, 17), ("Appeal_to_Values", 48, 57)]),
            "2": (OTHER, [("Slogans", 0, 24), ("Flag_Waving", 59, 70)]),
        },
    )
    rows = extra_span_rows(data)
    assert [(r.article, r.text, r.technique) for r in rows] == [
        ("1", "corrupt thugs", "Name_Calling,Labeling"),
        ("2", "Make America great again", "Slogans"),
        ("2", "waved flags", "Flag-Waving"),
    ]


def test_near_duplicates_of_a_scored_article_lend_no_rows(tmp_path: Path) -> None:
    data = _semeval(
        tmp_path,
        {"1": (STORY, [("Name_Calling-Labeling", 4, 17)]), "2": (OTHER, [("Slogans", 0, 24)])},
    )
    republished = STORY.replace("today.", "today,\nsources said.")  # the same story, other line breaks
    rows = extra_span_rows(data, exclude={"ptc-9": republished})
    assert [r.article for r in rows] == ["2"]
    assert [r.article for r in extra_span_rows(data, exclude={"ptc-9": "An unrelated short note."})] == [
        "1",
        "2",
    ]
