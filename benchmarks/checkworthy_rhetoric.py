"""Does a rhetoric signal pay for check-worthiness on the splits that behave like the CheckThat! test?

Issue 31 item 2 asks that opinion and rhetoric be no claims. Before a signal lowers the shipped
model's scores, this measures it on CheckThat! 2024 Task 1 English (``--data``, the whosays data
folder), on the splits that track the official test (other, later debates), never on dev:

* ``yes_rates``: per signal, the share of Yes among the training sentences it reads, the 30
  earlier debates apart from the last 3 (by id), and among dev-test's;
* ``head_stack``: a logistic head over the span model's cached sentence states (the frozen-feature
  recipe, ``configs/checkworthy.toml``) fitted on the 27 earliest debates; a combiner of its logit
  (alone, or with the signals) fitted and thresholded on the 3 debates after them; both scored on
  the last 3 and dev-test (the features come from ``$UNSPUN_CACHE/whosays``: run
  ``benchmarks/whosays.py --tasks checkworthy`` first);
* ``shipped_gate``: F1 of the shipped model's claims (at its threshold) with the sentences a signal
  reads left out, on dev-test (unseen by it) and on the last 3 debates (seen in its training).

Signals: ``no_core`` (no figure, date or name and no past-tense event), ``stance_no_figure`` ("I
think/believe ..." with no figure), ``question``, ``states_nothing`` (claims.states_nothing).
Run: ``python benchmarks/checkworthy_rhetoric.py`` (parses 23,851 sentences: about 3 min on two
shared cores); writes ``reports/checkworthy-rhetoric.json``.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from unspun.pipeline.claims import load_claim_model, sentence_probabilities, states_nothing
from unspun.tasks.checkthat import debate_groups, read_checkthat
from unspun.whosays.parsing import DEFAULT_SPACY_MODEL, load_spacy

FIGURES = {"CARDINAL", "PERCENT", "MONEY", "QUANTITY", "DATE", "TIME", "ORDINAL"}
NAMES = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT"}
STANCE = {"think", "believe", "feel", "hope", "want", "wish", "guess", "suppose", "bet", "trust"}
FILES = {"train": "train", "dev_test": "dev-test"}


def signals(doc: Any) -> dict[str, bool]:
    """The rhetoric signals of one parsed sentence."""
    words = [t for t in doc if not (t.is_punct or t.is_space)]
    figure = any(t.like_num or t.ent_type_ in FIGURES for t in words)
    name = any(t.ent_type_ in NAMES for t in words)
    past = any(t.tag_ == "VBD" for t in words) or any(
        t.tag_ == "VBN"
        and any(
            c.dep_ in ("aux", "auxpass") and c.lower_ in ("has", "have", "had", "was", "were")
            for c in t.children
        )
        for t in words
    )
    stance = any(
        t.lemma_.lower() in STANCE and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in t.children)
        for t in words
    )
    return {
        "no_core": not (figure or name or past),
        "stance_no_figure": stance and not figure,
        "question": doc.text.strip().endswith("?"),
        "states_nothing": states_nothing(list(doc)),
    }


def f1(y: np.ndarray, flagged: np.ndarray) -> float:
    """F1 of the Yes class."""
    tp = int((flagged & y).sum())
    return round(2 * tp / max(2 * tp + int((flagged & ~y).sum()) + int((~flagged & y).sum()), 1), 4)


def head_stack(
    x: np.ndarray,
    y: np.ndarray,
    s: np.ndarray,
    part: dict[str, np.ndarray],
    x_dt: np.ndarray,
    y_dt: np.ndarray,
    s_dt: np.ndarray,
) -> dict[str, Any]:
    """Late-debate and dev-test F1 of a combiner over a frozen-feature head's logit, with and without the signals."""
    from sklearn.linear_model import LogisticRegression

    base = LogisticRegression(C=0.01, max_iter=2000).fit(x[part["fit"]], y[part["fit"]])
    logits = {k: base.decision_function(x[part[k]]) for k in ("inner", "late")}
    logits["dev_test"] = base.decision_function(x_dt)
    feats = {"inner": s[part["inner"]], "late": s[part["late"]], "dev_test": s_dt}
    ys = {"inner": y[part["inner"]], "late": y[part["late"]], "dev_test": y_dt}
    thresholds = np.round(np.arange(0.10, 0.81, 0.05), 2)
    out: dict[str, Any] = {}
    for name, use in (("logit_only", False), ("with_signals", True)):
        design = {k: np.column_stack([logits[k]] + ([feats[k]] if use else [])) for k in logits}
        comb = LogisticRegression(max_iter=2000).fit(design["inner"], ys["inner"])
        p = {k: comb.predict_proba(design[k])[:, 1] for k in design}
        t = max(thresholds, key=lambda t: f1(ys["inner"], p["inner"] >= t))
        out[name] = {
            "threshold": float(t),
            **{f"{k}_f1": f1(ys[k], p[k] >= t) for k in ("inner", "late", "dev_test")},
            "late_best_f1": max(f1(ys["late"], p["late"] >= u) for u in thresholds),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    shared = Path(os.environ.get("UNSPUN_SHARED_DATA", str(Path(__file__).parents[2] / "shared" / "data")))
    parser.add_argument("--data", type=Path, default=shared / "whosays", help="the whosays data folder")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parents[1] / "reports/checkworthy-rhetoric.json"
    )
    args = parser.parse_args()
    folder = args.data / "checkthat2024-en"
    rows = {k: read_checkthat(folder / f"CT24_checkworthy_english_{v}.tsv") for k, v in FILES.items()}
    nlp = load_spacy(DEFAULT_SPACY_MODEL)
    names = ["no_core", "stance_no_figure", "question", "states_nothing"]
    sig = {
        k: np.array([[signals(d)[n] for n in names] for d in nlp.pipe([r.text for r in v], batch_size=256)])
        for k, v in rows.items()
    }
    y = {k: np.array([r.label == "Yes" for r in v]) for k, v in rows.items()}
    g = np.array(debate_groups([r.id for r in rows["train"]]))
    last = g.max() + 1
    part = {"fit": g < last - 6, "inner": (g >= last - 6) & (g < last - 3), "late": g >= last - 3}
    report: dict[str, Any] = {
        "data": "CheckThat! 2024 Task 1 English: train by debate (33; the last 3 by id 'late'), dev-test",
        "signals": names,
    }
    report["yes_rates"] = {
        n: {
            split: {"sentences": int(m.sum()), "yes": round(float(y_[m].mean()), 3) if m.any() else None}
            for split, m, y_ in (
                ("earlier_debates", sig["train"][:, j] & ~part["late"], y["train"]),
                ("late_debates", sig["train"][:, j] & part["late"], y["train"]),
                ("dev_test", sig["dev_test"][:, j], y["dev_test"]),
            )
        }
        for j, n in enumerate(names)
    }
    model = load_claim_model()
    gate: dict[str, Any] = {}
    for split, texts, ys, ss in (
        ("dev_test_unseen", [r.text for r in rows["dev_test"]], y["dev_test"], sig["dev_test"]),
        (
            "late_debates_seen",
            [r.text for r, late in zip(rows["train"], part["late"], strict=True) if late],
            y["train"][part["late"]],
            sig["train"][part["late"]],
        ),
    ):
        flagged = sentence_probabilities(model, texts) >= model.threshold
        gate[split] = {
            "model": f1(ys, flagged),
            **{f"without_{n}": f1(ys, flagged & ~ss[:, j]) for j, n in enumerate(names)},
        }
    report["shipped_gate"] = gate
    cache = Path(os.environ.get("UNSPUN_CACHE", "~/.cache/unspun")).expanduser() / "whosays"
    found = {
        k: sorted(
            cache.glob(f"checkthat-{k}-sentence_mean-sentence_max-*.npy"), key=lambda p: p.stat().st_mtime
        )
        for k in FILES
    }
    if found["train"] and found["dev_test"]:
        x, x_dt = np.load(found["train"][-1]), np.load(found["dev_test"][-1])
        report["head_stack"] = head_stack(
            x,
            y["train"],
            sig["train"].astype(float),
            part,
            x_dt,
            y["dev_test"],
            sig["dev_test"].astype(float),
        )
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
