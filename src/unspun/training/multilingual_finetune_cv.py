"""Cross-validate the fine-tuned e5 top layers (:mod:`unspun.training.multilingual_finetune`) on
the span model's grouped folds, a time budget at a time.

``python -m unspun.training.multilingual_finetune_cv --languages fr,de --max-minutes 10`` caches
the window states of layer ``from_layer`` (first call), trains the folds in the run folder
``$UNSPUN_CACHE/runs/multilingual-finetune-cv-<digest>`` until the budget is spent, and stops; the
same command goes on. Once every fold is done it scores the shipped decoding (sentence stacker,
clause cut, :func:`unspun.training.multilingual_spans.cross_validate`) with the fine-tuned token
probabilities in those languages and the shipped head's out-of-fold ones in the others, on the
same folds and scorer, and writes ``report.json`` in the run folder.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from unspun.training.multilingual_finetune import (
    Example,
    FinetuneRecipe,
    finished_folds,
    make_tagger,
    run_folds,
    window_states,
)
from unspun.training.runs import atomic_write_json, open_run, run_folder

ALL_LANGUAGES = ("fr", "de", "it", "pl", "ru")
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "models" / "spans-multilingual"
CODE_VERSION = 1  # bumped when the training changes, so that a run folder is not reused


def _encoder_parts(recipe: FinetuneRecipe) -> tuple[Any, Any, Callable[[list[int]], np.ndarray], str]:
    """The fp32 torch e5 model (up to ``to_layer``), its token encoder, a window runner giving the
    states of ``from_layer``, and the digest naming those states."""
    import torch

    from unspun.models.e5_encoder import E5TokenEncoder, e5_torch_model, read_e5_weights

    encoder = E5TokenEncoder(layers=(recipe.from_layer,))
    model = e5_torch_model(read_e5_weights(encoder.path, layers=recipe.to_layer))

    def run(window: list[int]) -> np.ndarray:
        with torch.inference_mode():
            output = model(input_ids=torch.tensor([window]), output_hidden_states=True)
        return np.asarray(output.hidden_states[recipe.from_layer][0])

    return model, encoder, run, f"e5-windows-{encoder.digest}"


def _windows_of(encoder: Any) -> Callable[[str], list[list[int]]]:
    from unspun.models.e5_encoder import STRIDE, WINDOW
    from unspun.models.windowing import make_windows

    loaded = encoder._loaded
    prefix, sizes = loaded.prefix, loaded.sizes

    def windows(text: str) -> list[list[int]]:
        ids, offsets = encoder.tokenize(text)
        ids = [t for t, keep in zip(ids, offsets[:, 1] > offsets[:, 0], strict=True) if keep]
        return [
            [sizes["bos"], *prefix, *ids[a:b], sizes["eos"]]
            for a, b in make_windows(len(ids), WINDOW - len(prefix), STRIDE - len(prefix))
        ]

    return windows


def examples_of(prepared: Sequence[Any], recipe: FinetuneRecipe, log: Callable[[str], None] = print) -> Any:
    """The :class:`Example` of each prepared article (window states cached where missing) and the
    torch model whose layers are fine-tuned."""
    from unspun.models.e5_encoder import STRIDE, WINDOW
    from unspun.models.windowing import make_windows

    model, encoder, run, digest = _encoder_parts(recipe)
    texts = [p.item.article.text for p in prepared]
    states = window_states(run, _windows_of(encoder), texts, digest, log=log)
    head = 1 + len(encoder._loaded.prefix)
    out = []
    for p, rows in zip(prepared, states, strict=True):
        n = len(p.offsets)
        ranges = np.asarray(make_windows(n, WINDOW - head + 1, STRIDE - head + 1), np.int64).reshape(-1, 2)
        key = f"{p.item.language}/{p.item.article.id}"
        out.append(Example(key, rows, ranges, head, np.asarray(p.sentence_of), np.asarray(p.inside)))
        if int((ranges[:, 1] - ranges[:, 0] + head + 1).sum()) != len(rows):
            raise ValueError(f"{key}: the cached window states do not match its {n} tokens")
    return out, model


def finetune_run_folder(languages: Sequence[str], recipe: FinetuneRecipe, k: int) -> Path:
    """The run folder of a fine-tuning cross-validation."""
    identity = {"languages": list(languages), "k": k, "recipe": asdict(recipe), "code": CODE_VERSION}
    return run_folder("multilingual-finetune-cv", identity)


def _shipped(
    all_prepared: Sequence[Any], k: int, seed: int
) -> tuple[list[list[int]], list[np.ndarray], Path]:
    """The folds, the shipped head's out-of-fold token probabilities and its CV run folder."""
    from unspun.training.multilingual_spans import (
        cv_run_folder,
        encoder_digest,
        fold_probabilities,
        language_folds,
    )

    onnx = SHIPPED / "e5-encoder-int8.onnx"
    shipped = cv_run_folder(ALL_LANGUAGES, k=k, seed=seed, layer=6, encoder=encoder_digest(6, onnx))
    folds = language_folds(all_prepared, k, seed)
    return folds, fold_probabilities(all_prepared, folds, seed=seed, run_folder=shipped), shipped


def mixed_probabilities(
    all_prepared: Sequence[Any], shipped: Sequence[np.ndarray], found: dict[str, np.ndarray]
) -> list[np.ndarray]:
    """The fine-tuned token probabilities ``found`` (by key) where there are some, else the shipped."""
    out = []
    for p, probabilities in zip(all_prepared, shipped, strict=True):
        mine = found.get(f"{p.item.language}/{p.item.article.id}", probabilities)
        if len(mine) != len(p.offsets):
            raise ValueError(f"{p.item.article.id}: {len(mine)} probabilities for {len(p.offsets)} tokens")
        out.append(mine)
    return out


def fold_figures(
    all_prepared: Sequence[Any], found: dict[str, np.ndarray], k: int, seed: int
) -> dict[str, Any]:
    """Span F1 per fold and language, shipped token probabilities against those with ``found``
    put in, on the folds whose every fine-tuned article is in ``found`` (the shipped decoding:
    the stacker fitted on the other folds, its threshold chosen there, clauses cut; and the plain
    decoding at 0.45)."""
    from unspun.models.multilingual_spans import sentence_spans
    from unspun.training.multilingual_spans import (
        CLAUSE_SHARE,
        fold_sentence_scores,
        sentence_table,
        si_f1,
        stacked_figures,
    )

    folds, shipped, folder = _shipped(all_prepared, k, seed)
    table = sentence_table(all_prepared, folder)
    sentence_probability = fold_sentence_scores(table, folds)
    keys = [f"{p.item.language}/{p.item.article.id}" for p in all_prepared]
    tuned = {p.item.language for p in all_prepared if f"{p.item.language}/{p.item.article.id}" in found}
    done = [n for n, fold in enumerate(folds) if any(keys[i] in found for i in fold)]
    out: dict[str, Any] = {"folds": [n + 1 for n in done], "languages": sorted(tuned)}
    for name, probabilities in (
        ("shipped", shipped),
        ("finetuned", mixed_probabilities(all_prepared, shipped, found)),
    ):
        _, choice, scored = stacked_figures(
            all_prepared, folds, probabilities, table, sentence_probability, 0.2, clause_share=CLAUSE_SHARE
        )
        for n in done:
            for lang in sorted(tuned):
                members = [i for i in folds[n] if all_prepared[i].item.language == lang]
                subset = [all_prepared[i] for i in members]
                chosen = choice["per_fold"][n]
                stacked = [[(a, b) for a, b, s in scored[i] if s >= chosen] for i in members]
                plain = []
                for i in members:
                    p = all_prepared[i]
                    rows = np.flatnonzero(table.article == i)
                    found_spans = sentence_spans(
                        p.item.article.text,
                        p.offsets,
                        probabilities[i],
                        p.sentence_of,
                        0.45,
                        0.2,
                        sentence_probability[rows],
                    )
                    plain.append([(a, b) for a, b, _ in found_spans])
                figures = out.setdefault(f"fold{n + 1}", {}).setdefault(lang, {})
                figures[f"{name}_stacked_clauses"] = si_f1(subset, stacked)["f1"]
                figures[f"{name}_plain@0.45"] = si_f1(subset, plain)["f1"]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    from unspun.paths import shared_data_dir
    from unspun.training.multilingual_spans import language_folds, prepare

    parser = argparse.ArgumentParser(description="Fine-tune e5's top layers with the span head, resumably")
    parser.add_argument("--data", type=Path, default=None, help="the SemEval-2023 folder")
    parser.add_argument("--languages", default="fr,de", help="the languages trained and scored")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=FinetuneRecipe.epochs)
    parser.add_argument("--from-layer", type=int, default=FinetuneRecipe.from_layer)
    parser.add_argument(
        "--max-minutes", type=float, default=None, help="stop after this long; rerun to go on"
    )
    parser.add_argument("--fresh", action="store_true", help="start the run folder over")
    parser.add_argument(
        "--evaluate", action="store_true", help="score the folds finished so far, train nothing"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()  # the budget counts the loading and the state caching too
    data = args.data or shared_data_dir() / "semeval2023"
    languages = args.languages.split(",")
    recipe = FinetuneRecipe(epochs=args.epochs, from_layer=args.from_layer)
    onnx = SHIPPED / "e5-encoder-int8.onnx"
    folder = finetune_run_folder(languages, recipe, args.folds)
    with open_run(folder, fresh=args.fresh, about={"languages": languages, "recipe": asdict(recipe)}) as run:
        print(f"run folder {folder}")
        all_prepared = prepare(data, ALL_LANGUAGES, layer=6, onnx=onnx)
        if not args.evaluate:
            chosen = [p for p in all_prepared if p.item.language in languages]
            folds = language_folds(chosen, args.folds, recipe.seed)
            examples, model = examples_of(chosen, recipe)
            layers = model.encoder.layer[recipe.from_layer : recipe.to_layer]

            def base() -> Any:
                return make_tagger(layers, model.config.hidden_size, recipe.hidden_units)

            left = None if args.max_minutes is None else args.max_minutes - (time.monotonic() - started) / 60
            if run_folds(run, base, examples, folds, recipe, max_minutes=left) is None:
                return 3
        report = fold_figures(all_prepared, finished_folds(run, args.folds), args.folds, recipe.seed)
        atomic_write_json(run.path(f"report-{len(report['folds'])}-folds.json"), report)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
