"""Cross-fitted span predictions on the SemEval-2023 English articles, for the span evidence head.

The SemEval-2023 English training articles are the PTC training articles (the same ids, with a
few lines joined), so the shipped span model has seen them: its spans on them are too good to
learn from. The paragraph techniques head learns from *out-of-fold* spans instead: each article
is run through the fold model of ``benchmarks/ptc.py`` that did not train on it (same folds:
:func:`unspun.tasks.ptc.make_folds`). Articles that are not in the PTC folder get no
predictions (their paragraphs get no span evidence in training).

The result is one JSON line per article, ``{"lang", "id", "spans", "candidates"}`` with spans as
``[start, end, technique, score]`` on the SemEval-2023 text: model outputs and offsets, no text;
and beside it (``<name>.vectors.npz``) the span model's pooled view of each paragraph
(:func:`unspun.models.span_evidence.paragraph_vectors`), one array per article.

Run (after ``python benchmarks/ptc.py --folds 3 --work runs/ptc-cv``)::

    python -m unspun.training.span_predictions --ptc <shared>/data/ptc/train \\
        --semeval <shared>/data/semeval2023 --models runs/ptc-cv --out <file>
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from rich.progress import track

from unspun.document import CANDIDATE_LAYER, Span
from unspun.errors import ConfigError, InputNotFoundError
from unspun.models.span_model import SpanFindings, SpanModel
from unspun.paths import cache_dir
from unspun.tasks.ptc import list_article_ids, make_folds
from unspun.tasks.semeval2023 import load_subtask

# lang -> article id -> (technique spans, candidate spans)
Predictions = dict[str, dict[str, tuple[list[Span], list[Span]]]]
DEFAULT_FILE = "semeval2023-en-span-predictions.jsonl"


def default_predictions_path() -> Path:
    """Where the predictions are kept by default: ``$UNSPUN_CACHE`` (or ``~/.cache/unspun``)."""
    return cache_dir() / DEFAULT_FILE


def cross_fitted_findings(
    ptc_dir: Path, semeval_dir: Path, models_dir: Path, *, folds: int = 3, seed: int = 13, lang: str = "en"
) -> dict[str, SpanFindings]:
    """What the fold model ``models_dir/fold<k>`` that did not see it finds in each SemEval-2023
    ``lang`` subtask-3 article: spans, candidates and paragraph vectors, by article id. Raises
    :class:`InputNotFoundError` for a missing folder and ``ModelError`` for a missing fold model."""
    items = {item.article.id: item.article.text for item in load_subtask(Path(semeval_dir), lang, 3)}
    out: dict[str, SpanFindings] = {}
    for k, fold in enumerate(make_folds(list_article_ids(Path(ptc_dir)), folds, seed)):
        ids = [i for i in fold if i in items]
        if not ids:
            continue
        model = SpanModel.from_disk(Path(models_dir) / f"fold{k}")
        for start in track(range(0, len(ids), 16), description=f"fold {k}: {len(ids)} articles"):
            chunk = ids[start : start + 16]
            out.update(zip(chunk, model.find([items[i] for i in chunk]), strict=True))
    return out


def cross_fitted_predictions(
    ptc_dir: Path, semeval_dir: Path, models_dir: Path, *, folds: int = 3, seed: int = 13, lang: str = "en"
) -> Predictions:
    """The spans and candidates of :func:`cross_fitted_findings`, as ``{lang: {id: (spans, candidates)}}``."""
    found = cross_fitted_findings(ptc_dir, semeval_dir, models_dir, folds=folds, seed=seed, lang=lang)
    return as_predictions(lang, found)


def as_predictions(lang: str, findings: dict[str, SpanFindings]) -> Predictions:
    """The spans and candidates of ``findings`` (by article id), as ``{lang: {id: (spans, candidates)}}``."""
    return {lang: {i: (f.spans, f.candidates) for i, f in findings.items()}}


def vectors_path(predictions_path: Path) -> Path:
    """The paragraph vectors file that goes with a predictions file (``<name>.vectors.npz``)."""
    return predictions_path.with_suffix(".vectors.npz")


def write_paragraph_vectors(lang: str, findings: dict[str, SpanFindings], path: Path) -> None:
    """The paragraph vectors of ``findings`` in one ``.npz``, one float16 array per ``lang/id``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {f"{lang}/{i}": f.paragraph_vectors.astype(np.float16) for i, f in sorted(findings.items())}
    np.savez_compressed(path, allow_pickle=False, **arrays)


def read_paragraph_vectors(path: Path) -> dict[str, np.ndarray]:
    """``{"lang/id": (n_paragraphs, width) float32}`` from :func:`write_paragraph_vectors`.

    Raises :class:`ConfigError` saying how to make the file when it is missing or unreadable.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key].astype(np.float32) for key in data.files}
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"no paragraph vectors at {path} ({exc}); make them with "
            "`python -m unspun.training.span_predictions` (see docs/training.md)"
        ) from exc


def write_predictions(predictions: Predictions, path: Path) -> None:
    """One JSON line per article: ``{"lang", "id", "spans", "candidates"}``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for lang, articles in sorted(predictions.items()):
            for article_id, (spans, candidates) in sorted(articles.items()):
                row = {
                    "lang": lang,
                    "id": article_id,
                    "spans": [[s.start, s.end, s.label, round(s.score, 5)] for s in spans],
                    "candidates": [[s.start, s.end, s.label, round(s.score, 5)] for s in candidates],
                }
                handle.write(json.dumps(row) + "\n")


def read_predictions(path: Path) -> Predictions:
    """Read a file written by :func:`write_predictions`.

    Raises :class:`ConfigError` saying how to make the file when it is missing or malformed.
    """
    make = "make it with `python -m unspun.training.span_predictions` (see docs/training.md)"
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"no span predictions at {path} ({exc.strerror}); {make}") from exc
    out: Predictions = {}
    for number, line in enumerate(lines, 1):
        try:
            row = json.loads(line)
            spans = [Span(int(s), int(e), str(label), float(score)) for s, e, label, score in row["spans"]]
            candidates = [
                Span(int(s), int(e), str(label), float(score), layer=CANDIDATE_LAYER)
                for s, e, label, score in row["candidates"]
            ]
            out.setdefault(str(row["lang"]), {})[str(row["id"])] = (spans, candidates)
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}, line {number}: not a span prediction ({exc}); {make}") from exc
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--ptc", type=Path, required=True, help="the PTC train folder the folds were cut from"
    )
    parser.add_argument("--semeval", type=Path, required=True, help="the semeval2023 data folder")
    parser.add_argument("--models", type=Path, required=True, help="folder of fold0, fold1, ... span models")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=default_predictions_path())
    args = parser.parse_args(argv)
    if not args.models.is_dir():
        raise InputNotFoundError(f"no fold models in {args.models}; run benchmarks/ptc.py with --work first")
    found = cross_fitted_findings(args.ptc, args.semeval, args.models, folds=args.folds, seed=args.seed)
    write_predictions(as_predictions("en", found), args.out)
    write_paragraph_vectors("en", found, vectors_path(args.out))
    print(f"{len(found)} articles written to {args.out} and {vectors_path(args.out)}")


if __name__ == "__main__":
    main()
