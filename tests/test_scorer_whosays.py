"""The who-says-what scorers and file readers on hand-counted cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspun.errors import FormatError, InputNotFoundError
from unspun.tasks.checkthat import read_checkthat, read_submission, submission_lines
from unspun.tasks.entity_roles import (
    offset_mismatches,
    read_documents,
    read_mentions,
    read_roles,
    role_lines,
)
from unspun.tasks.newsmtsc import read_rows, read_targets, with_polarities
from unspun.tasks.whosays_scorer import (
    FILE_SCORERS,
    role_map,
    score_checkworthy,
    score_entity_roles,
    score_target_sentiment,
)


def test_checkworthy_f1_of_yes_hand_counted() -> None:
    gold = {"1": "Yes", "2": "Yes", "3": "No", "4": "No", "5": "Yes"}
    pred = {"1": "Yes", "2": "No", "3": "Yes", "4": "No", "5": "Yes", "extra": "Yes"}
    # Yes: tp 2 (1, 5), fp 1 (3), fn 1 (2): P = R = F1 = 2/3; accuracy 3/5 (the extra id ignored)
    scores = score_checkworthy(gold, pred)
    assert scores["checkworthy_f1"] == pytest.approx(2 / 3)
    assert scores["checkworthy_precision"] == pytest.approx(2 / 3)
    assert scores["checkworthy_recall"] == pytest.approx(2 / 3)
    assert scores["checkworthy_accuracy"] == pytest.approx(3 / 5)


def test_checkworthy_all_no_is_zero_and_missing_id_fails() -> None:
    gold = {"1": "Yes", "2": "No"}
    assert score_checkworthy(gold, {"1": "No", "2": "No"})["checkworthy_f1"] == 0.0
    with pytest.raises(FormatError, match="no prediction"):
        score_checkworthy(gold, {"1": "Yes"})


def test_target_sentiment_macro_f1_hand_counted() -> None:
    gold = {"a": "negative", "b": "negative", "c": "neutral", "d": "positive"}
    pred = {"a": "negative", "b": "neutral", "c": "neutral", "d": "neutral"}
    # negative: tp 1 fp 0 fn 1 -> 2/3; neutral: tp 1 fp 2 fn 0 -> P 1/3 R 1 -> 1/2; positive: 0
    scores = score_target_sentiment(gold, pred)
    assert scores["sentiment_f1"] == pytest.approx({"negative": 2 / 3, "neutral": 0.5, "positive": 0.0})
    assert scores["sentiment_macro_f1"] == pytest.approx((2 / 3 + 0.5) / 3)
    assert scores["sentiment_accuracy"] == pytest.approx(0.5)


def test_entity_roles_emr_micro_and_main_hand_counted() -> None:
    gold = {
        ("a", 0, 4): ("Antagonist", ["Deceiver", "Corrupt"]),
        ("a", 10, 14): ("Innocent", ["Victim"]),
        ("b", 3, 7): ("Protagonist", ["Guardian"]),
    }
    pred = {
        ("a", 0, 4): ("Antagonist", ["Corrupt", "Deceiver"]),  # exact (order does not matter)
        ("a", 10, 14): ("Antagonist", ["Conspirator"]),  # wrong
        ("b", 3, 7): ("Protagonist", ["Guardian", "Virtuous"]),  # superset: not exact
    }
    scores = score_entity_roles(gold, pred)
    assert scores["roles_emr"] == pytest.approx(1 / 3)
    # tp 3 (Deceiver, Corrupt, Guardian), fp 2 (Conspirator, Virtuous), fn 1 (Victim)
    assert scores["roles_micro_precision"] == pytest.approx(3 / 5)
    assert scores["roles_micro_recall"] == pytest.approx(3 / 4)
    assert scores["roles_micro_f1"] == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert scores["roles_main_accuracy"] == pytest.approx(2 / 3)


def test_checkthat_files_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "in.tsv"
    source.write_text(
        'Sentence_id\tText\tclass_label\n7\t"We cut taxes by 20%."\tYes\n8\tThank you.\tno\n', "utf-8"
    )
    rows = read_checkthat(source)
    assert [(r.id, r.text, r.label) for r in rows] == [
        ("7", '"We cut taxes by 20%."', "Yes"),
        ("8", "Thank you.", "No"),
    ]
    pred = tmp_path / "pred.tsv"
    pred.write_text("\n".join(submission_lines([("7", "Yes"), ("8", "Yes")], "run1")) + "\n", "utf-8")
    assert pred.read_text("utf-8").splitlines()[0] == "id\tclass_label\trun_id"
    assert read_submission(pred) == {"7": "Yes", "8": "Yes"}
    scores = FILE_SCORERS["checkworthy"](source, pred)  # the gold file in the input format
    assert scores["checkworthy_precision"] == pytest.approx(0.5)


def test_checkthat_bad_label_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("Sentence_id\tText\tclass_label\n1\ttext\tMaybe\n", "utf-8")
    with pytest.raises(FormatError, match="line 2"):
        read_checkthat(bad)
    with pytest.raises(InputNotFoundError):
        read_checkthat(tmp_path / "none.tsv")


def test_checkthat_file_without_its_header_or_sentences_is_refused(tmp_path: Path) -> None:
    """A file without the header lost its first sentence unseen (unspun predict checkworthy wrote
    an empty submission and exited 0)."""
    headless = tmp_path / "headless.tsv"
    headless.write_text("1\tThe unemployment rate fell to 3.9 percent.\n", "utf-8")
    with pytest.raises(FormatError, match="line 1: expected the header 'Sentence_id"):
        read_checkthat(headless)
    only_header = tmp_path / "header.tsv"
    only_header.write_text("Sentence_id\tText\n", "utf-8")
    with pytest.raises(FormatError, match="no sentence"):
        read_checkthat(only_header)
    empty = tmp_path / "empty.tsv"
    empty.write_text("\n", "utf-8")
    with pytest.raises(FormatError, match="is empty"):
        read_checkthat(empty)
    with_bom = tmp_path / "bom.tsv"
    with_bom.write_text("\ufeffsentence_id\ttext\n1\tThank you.\n", "utf-8")
    assert [r.id for r in read_checkthat(with_bom)] == ["1"]


def test_newsmtsc_rows_keep_their_keys(tmp_path: Path) -> None:
    row = {
        "primary_gid": "g1",
        "sentence_normalized": "Smith praised Jones.",
        "targets": [
            {"Input.gid": "t1", "from": 0, "to": 5, "mention": "Smith", "polarity": 4.0, "extra": 1},
            {"Input.gid": "t2", "from": 14, "to": 19, "mention": "Jones", "polarity": 6.0},
        ],
    }
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(row) + "\n", "utf-8")
    targets = read_targets(gold, labelled=True)
    assert [(t.key, t.sentence[t.start : t.end], t.sentiment) for t in targets] == [
        ("g1#0", "Smith", "neutral"),
        ("g1#1", "Jones", "positive"),
    ]
    predicted = with_polarities(read_rows(gold), [["negative", "positive"]])
    assert predicted[0]["targets"][0] == {**row["targets"][0], "polarity": 2.0}
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r) + "\n" for r in predicted), "utf-8")
    scores = FILE_SCORERS["target-sentiment"](gold, pred)
    assert scores["sentiment_accuracy"] == pytest.approx(0.5)


def test_newsmtsc_offsets_outside_the_sentence_fail(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps({"primary_gid": "g", "sentence_normalized": "Hi.", "targets": [{"from": 0, "to": 9}]})
    )
    with pytest.raises(FormatError, match="outside"):
        read_targets(path)


def test_entity_role_files(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text(
        "a.txt\tBill\t0\t3\tAntagonist\tDeceiver\tCorrupt\r\nb.txt\tAnn\t5\t7\tInnocent\tVictim\r\n", "utf-8"
    )
    roles = read_roles(gold)
    assert roles[0].fine_roles == ("Deceiver", "Corrupt") and roles[1].key == ("b.txt", "Ann", 5, 7)
    assert role_lines(roles)[0] == "a.txt\tBill\t0\t3\tAntagonist\tDeceiver\tCorrupt"
    assert [m.mention for m in read_mentions(gold)] == ["Bill", "Ann"]
    assert role_map(roles)[("b.txt", 5, 7)] == ("Innocent", ("Victim",))
    assert FILE_SCORERS["entity-roles"](gold, gold)["roles_emr"] == 1.0


def test_entity_role_mentions_whose_offsets_miss_their_text_are_named(tmp_path: Path) -> None:
    """QA: ``EN_1.txt<TAB>Jane Porter<TAB>221<TAB>232``, where characters 221-232 read "d we
    cannot", was given a role without a word."""
    docs = tmp_path / "docs"
    docs.mkdir()
    text = 'Budget passed.\r\n\r\n"We cannot wait," Mayor Jane Porter said.'
    (docs / "EN_1.txt").write_bytes(text.encode("utf-8"))
    start = text.index("Jane")
    mentions = tmp_path / "mentions.txt"
    mentions.write_text(
        f"EN_1.txt\tJane Porter\t{start}\t{start + 10}\n\n"  # right (CRLF counts two), then a blank line
        "EN_1.txt\tJane Porter\t19\t29\n"  # covers 'We cannot w'
        f"EN_1.txt\tPorter\t{len(text) - 3}\t{len(text) + 2}\n",  # ends past the article
        "utf-8",
    )
    read = read_mentions(mentions)
    texts = read_documents(docs, [m.article_id for m in read])
    assert offset_mismatches(read[:2], texts) == [
        f"{mentions}, line 3: the offsets 19-29 of 'Jane Porter' cover 'We cannot w' in EN_1.txt, "
        "not the mention, and its role is predicted for what they cover; the offsets count "
        "characters from 0, the end included (CRLF line ends count two): fix them or the mention"
    ]
    with pytest.raises(FormatError, match=r"line 4: the offsets .* of 'Porter' end past EN_1.txt \(59"):
        offset_mismatches(read, texts)
    with pytest.raises(
        InputNotFoundError, match=r"line \d+: article EN_1.txt is not among the 0 articles read"
    ):
        offset_mismatches(read[:2], {})


def test_entity_role_of_another_main_role_fails(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("a.txt\tBill\t0\t3\tProtagonist\tDeceiver\n", "utf-8")
    with pytest.raises(FormatError, match="not a fine-grained role of Protagonist"):
        read_roles(path)


@pytest.mark.shared_data
def test_corpora_read(shared_data: Path) -> None:
    base = shared_data / "whosays"
    dev = read_checkthat(base / "checkthat2024-en" / "CT24_checkworthy_english_dev.tsv")
    assert len(dev) == 1032 and sum(r.label == "Yes" for r in dev) == 238
    targets = read_targets(base / "newsmtsc" / "train.jsonl", labelled=True)
    assert len(targets) == 8739
    assert all(t.sentence[t.start : t.end] == t.mention for t in targets[:200])
    roles = read_roles(base / "semeval2025-entity-framing" / "train" / "subtask-1-annotations.txt")
    assert len(roles) == 686
