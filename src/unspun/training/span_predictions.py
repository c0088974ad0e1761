"""Cross-fitted span predictions on the SemEval-2023 English articles, for the span evidence head.

The SemEval-2023 English training articles are the PTC training articles (the same ids, with a
few lines joined), so the shipped span model has seen them: its spans on them are too good to
learn from. The paragraph techniques head learns from *out-of-fold* spans instead: each article
is run through the fold model of the span recipe that did not train on it (the folds of
``benchmarks/ptc.py``: :func:`unspun.training.folds.fold_split`; the models from
:mod:`unspun.training.folds`). Articles that are not in the PTC folder get no predictions (their
paragraphs get no span evidence in training).

The result is one analysis per line (JSONL, the one serialiser: :func:`unspun.document.analysis_to_dict`
with its evidence layers), with the technique spans, the ``technique-candidates`` layer and, in ``models``, the fold model that
found them; and beside it (``<name>.vectors.npz``) the span model's pooled view of each paragraph
(:func:`unspun.models.span_evidence.paragraph_vectors`), one array per article.
:func:`ensure_span_predictions` makes both when they are missing (``unspun train article`` calls
it); by hand::

    python -m unspun.training.span_predictions --ptc <shared>/data/ptc/train \\
        --semeval <shared>/data/semeval2023 --models <folder of fold0, fold1, ...> --out <file>
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from unspun.document import CANDIDATE_LAYER, TECHNIQUE_LAYER, Analysis, Article, Span, analysis_to_dict
from unspun.errors import ConfigError, FormatError, InputNotFoundError
from unspun.models.packaged import folder_model_info
from unspun.models.span_model import SpanFindings
from unspun.paths import cache_dir
from unspun.tasks.semeval2023 import load_subtask

# lang -> article id -> (technique spans, candidate spans)
Predictions = dict[str, dict[str, tuple[list[Span], list[Span]]]]
DEFAULT_FILE = "semeval2023-en-span-predictions.jsonl"


def default_predictions_path() -> Path:
    """Where the predictions are kept by default: ``$UNSPUN_CACHE`` (or ``~/.cache/unspun``)."""
    return cache_dir() / DEFAULT_FILE


def cross_fitted_findings(
    ptc_dir: Path,
    semeval_dir: Path,
    models_dir: Path,
    *,
    folds: int = 3,
    seed: int = 13,
    lang: str = "en",
    progress: bool = True,
    cache_states: bool = False,
) -> dict[str, SpanFindings]:
    """What the fold model ``models_dir/fold<k>`` that did not see it finds in each SemEval-2023
    ``lang`` subtask-3 article: spans, candidates and paragraph vectors, by article id. Raises
    :class:`InputNotFoundError` for a missing folder and ``ModelError`` for a missing fold model."""
    return {
        i: f
        for i, (f, _) in _cross_fitted(
            ptc_dir, semeval_dir, models_dir, folds, seed, lang, progress, cache_states
        )
    }


def _cross_fitted(
    ptc_dir: Path,
    semeval_dir: Path,
    models_dir: Path | Sequence[Path],
    folds: int,
    seed: int,
    lang: str,
    progress: bool,
    cache_states: bool = False,
) -> Iterable[tuple[str, tuple[SpanFindings, Path]]]:
    items = {item.article.id: item.article.text for item in load_subtask(Path(semeval_dir), lang, 3)}
    from unspun.training.folds import fold_split  # the split the fold models were trained on
    from unspun.training.out_of_fold import find_out_of_fold

    held_out = fold_split(Path(ptc_dir), folds, seed)
    dirs = [
        Path(models_dir) / f"fold{k}" if isinstance(models_dir, (str, Path)) else Path(models_dir[k])
        for k in range(len(held_out))
    ]
    for i, found, model_dir in find_out_of_fold(
        held_out, dirs, items, cache_states=cache_states, progress=progress
    ):
        yield i, (found, model_dir)


def cross_fitted_analyses(
    ptc_dir: Path,
    semeval_dir: Path,
    models_dir: Path | Sequence[Path],
    *,
    folds: int = 3,
    seed: int = 13,
    lang: str = "en",
    progress: bool = True,
    cache_states: bool = False,
) -> tuple[list[Analysis], dict[str, SpanFindings]]:
    """:func:`cross_fitted_findings` as analyses (the article's text, its technique spans and
    candidates, the fold model in ``models``), sorted by id, with the findings by id. ``models_dir``:
    the folder of ``fold0``, ``fold1``, ..., or the fold model folders themselves, in fold order.
    ``cache_states``: each fold model's encoder states of each article are read from (and kept in)
    ``$UNSPUN_CACHE/states/`` (:mod:`unspun.training.states`), so a second pass encodes nothing."""
    texts = {item.article.id: item.article.text for item in load_subtask(Path(semeval_dir), lang, 3)}
    analyses, findings = [], {}
    for i, (found, model_dir) in _cross_fitted(
        ptc_dir, semeval_dir, models_dir, folds, seed, lang, progress, cache_states
    ):
        article = Article(id=i, text=texts[i], language=lang)
        article.set_layer(TECHNIQUE_LAYER, found.spans)
        article.set_layer(CANDIDATE_LAYER, found.candidates)
        article.models.append(folder_model_info("spans", model_dir))
        analyses.append(Analysis(article))
        findings[i] = found
    return sorted(analyses, key=lambda a: a.id), findings


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
    """The paragraph vectors of ``findings`` in one ``.npz``, one float16 array per ``lang/id``
    (written to a temporary file first, as :func:`write_predictions`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {f"{lang}/{i}": f.paragraph_vectors.astype(np.float16) for i, f in sorted(findings.items())}
    partial = path.with_name(path.stem + ".partial.npz")  # numpy adds .npz to a name without it
    np.savez_compressed(partial, allow_pickle=False, **arrays)
    partial.replace(path)


def read_paragraph_vectors(path: Path) -> dict[str, np.ndarray]:
    """``{"lang/id": (n_paragraphs, width) float32}`` from :func:`write_paragraph_vectors`.

    Raises :class:`ConfigError` saying how to make the file when it is missing or unreadable.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key].astype(np.float32) for key in data.files}
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"no paragraph vectors at {path} ({exc}); remove the predictions beside it and run "
            "`unspun train article`, which makes both, or make them with "
            "`python -m unspun.training.span_predictions` (see docs/training.md)"
        ) from exc


def write_predictions(analyses: Iterable[Analysis], path: Path) -> None:
    """One analysis per line (:func:`unspun.document.analysis_to_dict`, evidence layers included: the
    candidates), written to a temporary file first so that
    a stopped run never leaves half a file that looks finished."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", encoding="utf-8") as handle:
        for analysis in analyses:
            handle.write(json.dumps(analysis_to_dict(analysis, evidence=True), ensure_ascii=False) + "\n")
    partial.replace(path)


def read_predictions(path: Path) -> Predictions:
    """The technique spans and candidates of each analysis in a file of :func:`write_predictions`,
    as ``{lang: {id: (spans, candidates)}}``.

    Raises :class:`ConfigError` saying how to make the file when it is missing or malformed.
    """
    make = (
        "remove it and run `unspun train article`, which remakes it, or make it with "
        "`python -m unspun.training.span_predictions` (see docs/training.md)"
    )
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"no span predictions at {path} ({exc.strerror}); {make}") from exc
    out: Predictions = {}
    for number, line in enumerate(lines, 1):
        try:
            article = Analysis.from_dict(json.loads(line)).article
        except (ValueError, FormatError) as exc:
            raise ConfigError(f"{path}, line {number}: not an analysis ({exc}); {make}") from exc
        lang = article.language or ""
        out.setdefault(lang, {})[article.id] = (
            article.layer(TECHNIQUE_LAYER),
            article.layer(CANDIDATE_LAYER),
        )
    return out


def ensure_span_predictions(
    path: Path,
    *,
    ptc_dir: Path,
    semeval_dir: Path,
    span_config: Path,
    folds: int = 3,
    seed: int = 13,
    vectors: bool = True,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> Path:
    """Make the out-of-fold span predictions ``path`` (and, with ``vectors``, the paragraph
    vectors beside it) unless they are there: train the fold models of ``span_config`` on the PTC
    folder ``ptc_dir`` that are not in the cache yet (:mod:`unspun.training.folds`), run each
    SemEval-2023 English article through the fold that did not see it, write both files. Returns
    ``path``. Raises :class:`InputNotFoundError` for a missing folder, and what training raises.
    """
    from unspun.training.folds import plan_folds, train_fold_models

    wanted = [Path(path), *([vectors_path(Path(path))] if vectors else [])]
    if all(p.is_file() for p in wanted):  # both are written whole (renamed into place) or not at all
        log(f"span predictions: reusing {path}")
        return Path(path)
    if not Path(ptc_dir).is_dir():
        raise InputNotFoundError(
            f"the span evidence needs the PTC training folder, and {ptc_dir} is missing; "
            "set [paragraphs.spans] ptc_data in the config or UNSPUN_SHARED_DATA"
        )
    plan = plan_folds(span_config, ptc_dir, folds=folds, seed=seed)
    todo = plan.missing()
    minutes = sum(plan.estimate_seconds(k) for k in todo) / 60
    log(
        f"span predictions: {len(todo)} of {folds} fold span models to train into {plan.work} "
        f"(about {minutes:.0f} min on 2 CPU cores), then out-of-fold spans for the English articles"
    )
    models = train_fold_models(plan, progress=progress, log=log)  # where each fold model is
    started = time.perf_counter()
    analyses, findings = cross_fitted_analyses(
        ptc_dir, semeval_dir, models, folds=folds, seed=seed, progress=progress
    )
    # the vectors first: the predictions file is what says the pair is complete
    write_paragraph_vectors("en", findings, vectors_path(Path(path)))
    write_predictions(analyses, Path(path))
    log(
        f"span predictions: {len(analyses)} articles in {time.perf_counter() - started:.0f} s, written to {path}"
    )
    return Path(path)


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
    parser.add_argument(
        "--cache-states",
        action="store_true",
        help="keep each fold model's encoder states of each article in $UNSPUN_CACHE/states/ (read back next time)",
    )
    args = parser.parse_args(argv)
    if not args.models.is_dir():
        raise InputNotFoundError(f"no fold models in {args.models}; run benchmarks/ptc.py with --work first")
    analyses, found = cross_fitted_analyses(
        args.ptc, args.semeval, args.models, folds=args.folds, seed=args.seed, cache_states=args.cache_states
    )
    write_predictions(analyses, args.out)
    write_paragraph_vectors("en", found, vectors_path(args.out))
    print(f"{len(found)} articles written to {args.out} and {vectors_path(args.out)}")


if __name__ == "__main__":
    main()
