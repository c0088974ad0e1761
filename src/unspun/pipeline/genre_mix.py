"""How the two genre heads' probabilities are combined for one article.

:class:`~unspun.pipeline.genre.GenreClassifier` has two views of an article's genre: the USE head's
(``genre.npz``) and the e5 head's (``genre-e5.npz``). From ``full_words`` words on the e5 head
decides alone; below, :func:`mix_heads` mixes them geometrically. Each head is confidently wrong
about satire on short texts, on different texts: the USE head calls short notices and briefs
satire (a bridge closure 0.60), the e5 head short first-person or local op-eds (the sample op-ed
0.96). So on a short text satire counts only as far as both heads see it (the smaller of their
satire probabilities), and that trust in the mixed view grows with the length
(``satire_trust``, :meth:`~unspun.models.article_e5.E5GenreHead.satire_trust`): over the short
beginnings of 239 hand-labelled English news articles, scored by heads that never saw them, it
cuts satire calls on news by three to four times and keeps more op-eds opinion
(``docs/training.md``, "Short texts: both heads, satire only where both see it").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SATIRE = "satire"


def mix_heads(
    use: np.ndarray, e5: np.ndarray, weight: float, satire_trust: float, labels: Sequence[str]
) -> np.ndarray:
    """One row of genre probabilities from the USE head's ``use`` and the e5 head's ``e5`` (same
    ``labels`` order): ``use^(1-weight) * e5^weight`` renormalised, its satire probability then
    moved towards the smaller of the two heads' (``mixed^t * min^(1-t)``, ``t = satire_trust``)
    and the other genres scaled to fill the rest. ``satire_trust`` 1 leaves the geometric mix
    as it is; without a ``"satire"`` label so does any trust."""
    mixed = np.exp(weight * np.log(e5 + 1e-12) + (1 - weight) * np.log(use + 1e-12))
    mixed = mixed / mixed.sum()
    if satire_trust >= 1.0 or SATIRE not in labels:
        return mixed
    s = list(labels).index(SATIRE)
    both = min(float(use[s]), float(e5[s]))
    satire = float(
        np.exp(satire_trust * np.log(mixed[s] + 1e-12) + (1 - satire_trust) * np.log(both + 1e-12))
    )
    rest = mixed.copy()
    rest[s] = 0.0
    rest = rest / rest.sum() * (1.0 - satire) if rest.sum() > 0 else rest
    rest[s] = satire
    return rest
