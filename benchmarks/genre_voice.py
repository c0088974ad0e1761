"""English genre: would the author's voice tell a mocking op-ed from satire? (Measured, not shipped.)

The e5 head reads a mocking, exclamatory register as satire (QA's op-eds, joined: 0.94) and a
deadpan news parody as reporting. A news parody speaks in the third person (its "I" is inside
quotations), an op-ed in the author's. The rule measured: a satire call on an English text with at
least ``v`` first- or second-person words and exclamation marks per 100 words outside quotation
marks (:func:`author_voice`) becomes the likelier of opinion and reporting, for ``v`` in 1-4.

Scored with the harness of ``benchmarks/genre_short_cuts.py`` (its rows, heads and rules; every
figure of its report per rule, now per ``v``, ``"None"`` the rule off), with each row set's
voice percentiles (10/50/90) and the 9 English satire rows' voices. Results and verdict:
docs/training.md, "What did not pay: the author's voice against a satire call".

Run: ``python benchmarks/genre_voice.py [--lengths 0,200] [--out reports/genre-voice.json]``
(2-3 minutes on two loaded cores once the e5 states of the training articles are cached).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import genre_short_cuts as cuts  # noqa: E402
from unspun.pipeline.genre import GenreClassifier  # noqa: E402

QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”')
VOICE = re.compile(r"\b(i|me|my|mine|we|us|our|ours|you|your|yours)\b|!", re.IGNORECASE)
VETOES = (None, 1.0, 2.0, 3.0, 4.0)


def author_voice(text: str) -> float:
    """First- and second-person words and exclamation marks per 100 words of ``text``, outside
    quotation marks."""
    return 100.0 * len(VOICE.findall(QUOTED.sub(" ", text))) / max(len(text.split()), 1)


_veto: list[float | None] = [None]
_shown, _figures = cuts.shown, cuts.figures


def shown(genre: GenreClassifier, use: np.ndarray, e5: np.ndarray, text: str) -> int:
    """:func:`genre_short_cuts.shown`, a satire call vetoed where the author's voice reaches the veto."""
    best = _shown(genre, use, e5, text)
    veto = _veto[0]
    if veto is None or best != cuts.SAT or author_voice(text) < veto:
        return best
    head = genre.e5_head
    assert head is not None
    weight = head.weight(text, "en")
    row = use if weight == 0.0 else e5 if weight >= 1.0 else None
    if row is None:
        row = cuts.mix_heads(use, e5, weight, head.satire_trust(text, "en"), genre.head.labels)
    return cuts.OPI if row[cuts.OPI] >= row[cuts.REP] else cuts.REP


def figures(
    genre: GenreClassifier,
    rows: dict[str, dict[str, Any]],
    rule: tuple[str, ...],
    satire_min_words: dict[str, int],
) -> dict[str, Any]:
    """:func:`genre_short_cuts.figures` for each veto, with the voices of the rows."""
    out: dict[str, Any] = {}
    for veto in VETOES:
        _veto[0] = veto
        out[str(veto)] = _figures(genre, rows, rule, satire_min_words)
    _veto[0] = None
    out["voice_percentiles"] = {
        name: [round(float(np.percentile([author_voice(t) for t in r["texts"]], q)), 2) for q in (10, 50, 90)]
        for name, r in rows.items()
    }
    out["voice_satire_rows"] = [round(author_voice(t), 2) for t in rows["satire"]["texts"]]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default="0,200", help="beginnings in words, 0 the whole article")
    parser.add_argument("--out", type=Path, default=Path("reports/genre-voice.json"))
    args = parser.parse_args()
    cuts.shown, cuts.figures = shown, figures
    cuts.LENGTHS = tuple(int(n) for n in args.lengths.split(","))  # type: ignore[assignment]
    sys.argv = [sys.argv[0], "--out", str(args.out)]
    cuts.main()


if __name__ == "__main__":
    main()
