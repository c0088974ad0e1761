"""The news-like genre validation: class-conditional rates combined at a news mix."""

from __future__ import annotations

import numpy as np
import pytest

from unspun.training.genre_validation import combined_rates, confusion_rates, mix_macro_f1, topic_of

REP, OPI, SAT = 1, 0, 2  # GENRES order: opinion, reporting, satire


def test_rates_are_shares_of_each_true_class() -> None:
    truth = np.array([1, 1, 1, 1, 0, 0])
    predicted = np.array([1, 1, 1, 0, 0, 2])
    rates = confusion_rates(truth, predicted)
    assert rates[REP].tolist() == [0.25, 0.75, 0.0]
    assert rates[OPI].tolist() == [0.5, 0.0, 0.5]
    assert np.isnan(rates[SAT]).all()  # no satire row: no rates


def test_mix_macro_f1_is_the_macro_f1_of_a_test_set_of_that_mix() -> None:
    # A test set of 75 reporting, 20 opinion, 5 satire predicted with these rates...
    rates = np.array([[0.5, 0.5, 0.0], [0.2, 0.8, 0.0], [0.0, 1.0, 0.0]])
    truth = np.array([REP] * 75 + [OPI] * 20 + [SAT] * 5)
    predicted = np.array([OPI] * 15 + [REP] * 60 + [OPI] * 10 + [REP] * 10 + [REP] * 5)
    value, per_class = mix_macro_f1(rates, {REP: 0.75, OPI: 0.20, SAT: 0.05})
    tp = {c: ((truth == c) & (predicted == c)).sum() for c in (REP, OPI, SAT)}
    expected = [2 * tp[c] / ((truth == c).sum() + (predicted == c).sum()) for c in (OPI, REP, SAT)]
    assert value == pytest.approx(np.mean(expected))
    assert per_class[SAT] == 0.0  # no satire found: a zero in the average, as held-out news gave


def test_a_class_of_the_mix_without_rates_is_refused() -> None:
    rates = confusion_rates(np.array([1, 0]), np.array([1, 0]))
    with pytest.raises(ValueError, match="no rates"):
        mix_macro_f1(rates, {REP: 0.75, OPI: 0.2, SAT: 0.05})


def test_combined_rates_take_each_class_from_its_own_check() -> None:
    news = confusion_rates(np.array([1, 0]), np.array([1, 1]))
    satire = confusion_rates(np.array([2, 2, 0]), np.array([2, 0, 0]))
    both = combined_rates([(news, (REP, OPI)), (satire, (SAT,))])
    assert both[REP].tolist() == [0.0, 1.0, 0.0]
    assert both[OPI].tolist() == [0.0, 1.0, 0.0]
    assert both[SAT].tolist() == [0.5, 0.0, 0.5]


def test_topic_of_a_news_row() -> None:
    assert topic_of("news/en/EN_CC_100012") == "CC"
    assert topic_of("news/en/EN_UA_DEV_1") == "UA"
    assert topic_of("en/111111") == ""
