"""Target sentiment by a fine-tuned sentence encoder (``[finetune]`` in the target-sentiment recipe).

Each NewsMTSC target is its sentence with the mention wrapped in marker tokens (``<< Trump >>``:
:func:`~unspun.models.sentence_classifier.mark_target`), classified negative / neutral / positive
by a small encoder (MiniLM-L6 by default) fine-tuned with :mod:`unspun.training.finetune` (a
checkpoint per epoch in a run folder, so a stopped run resumes after its last finished epoch).

Validation first (:func:`validate`): ``held_out`` of the articles (by ``primary_gid``: every
sentence of an article on one side) are held out; the encoder is fitted on the others, and each
epoch is scored on the held-out targets (macro-F1, the official figure), which choose the epoch
and the softmax temperature. Where the recipe also names a ``[model]`` head (the frozen-feature
logistic head that shipped before), it is refitted on the same articles and scored on the same
held-out ones, so the two are compared on one split. The shipped model
(:func:`fine_tune_target_sentiment`) is then fitted on every target for the chosen number of
epochs, exported to int8 ONNX and checked against its fp32 probabilities.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from unspun.errors import ConfigError
from unspun.models.sentence_classifier import SentenceClassifier, mark_target
from unspun.tasks.newsmtsc import SENTIMENTS, TargetRow, iter_targets, read_rows
from unspun.tasks.whosays_scorer import score_target_sentiment
from unspun.training.calibration import fit_temperature
from unspun.training.finetune import Labelled, Tuning, epoch_scores, fit, load_epoch, ship
from unspun.training.runs import Run, atomic_write_json, open_run, run_folder

Say = Callable[[str], None]
MARKERS = ("<<", ">>")
_ARTICLE = re.compile(r"^(allsides_\d+_\d+|polusa_v1_\d+)_")


@dataclass(frozen=True, slots=True)
class Recipe(Tuning):
    """The ``[finetune]`` section of the target-sentiment recipe (every key optional): the shared
    fine-tuning keys (:class:`~unspun.training.finetune.Tuning`) and the held-out share of articles."""

    epochs: int = 3
    max_length: int = 128
    held_out: float = 0.2
    # False: ship the validation model of the chosen epoch (fitted on the other articles) rather
    # than refit on every target; its held-out figure is then the shipped model's own.
    refit: bool = True


def article_of(gid: str) -> str:
    """The article of a NewsMTSC ``primary_gid`` (``allsides_<article>_<event>`` or
    ``polusa_v1_<article>``; the gid itself when it has neither form)."""
    found = _ARTICLE.match(gid)
    return found.group(1) if found else gid


def marked(targets: Sequence[TargetRow]) -> list[str]:
    """Each target's sentence with its mention wrapped in :data:`MARKERS`."""
    return [mark_target(t.sentence, t.start, t.end, MARKERS) for t in targets]


def labelled(targets: Sequence[TargetRow]) -> Labelled:
    """The marked sentences with the index of their sentiment in :data:`SENTIMENTS`."""
    return Labelled(marked(targets), np.array([SENTIMENTS.index(t.sentiment or "") for t in targets]))


def split_articles(
    rows: Sequence[dict[str, Any]], targets: Sequence[TargetRow], share: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the ``targets`` fitted on and held out: ``share`` of the articles (shuffled by
    ``seed``) are held out whole. Raises :class:`ConfigError` when either side would be empty."""
    articles = [article_of(str(rows[t.row].get("primary_gid", t.row))) for t in targets]
    unique = sorted(set(articles))
    order = np.random.default_rng(seed).permutation(len(unique))
    held = {unique[j] for j in order[: round(share * len(unique))]}
    is_held = np.array([a in held for a in articles])
    if is_held.all() or not is_held.any():
        raise ConfigError(f"held_out = {share} leaves no articles on one side; give a share in (0, 1)")
    return np.flatnonzero(~is_held), np.flatnonzero(is_held)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def scored(targets: Sequence[TargetRow], predicted: np.ndarray) -> dict[str, Any]:
    """Macro-F1, accuracy and per-class F1 (rounded) of class indices ``predicted`` for ``targets``."""
    gold = {str(i): t.sentiment or "" for i, t in enumerate(targets)}
    got: dict[str, Any] = score_target_sentiment(
        gold, {str(i): SENTIMENTS[int(k)] for i, k in enumerate(predicted)}
    )
    return {
        "macro_f1": round(float(got["sentiment_macro_f1"]), 4),
        "accuracy": round(float(got["sentiment_accuracy"]), 4),
        "f1": {name: round(float(value), 4) for name, value in got["sentiment_f1"].items()},
    }


def head_on_split(
    config: Mapping[str, Any],
    path: Path,
    rows: Sequence[dict[str, Any]],
    targets: Sequence[TargetRow],
    split: tuple[np.ndarray, np.ndarray],
    *,
    cache: Path | None,
    log: Say,
) -> dict[str, Any]:
    """The ``[model]`` head recipe refitted on the fitted targets, scored on the held-out ones."""
    from unspun.models.linear_head import fit_linear_head
    from unspun.training.train_whosays import head_config, sentiment_features

    blocks, c, _, seed = head_config(dict(config))
    x = sentiment_features(path, rows, targets, blocks, cache=cache, log=log)
    fitted, held = split
    head = fit_linear_head(
        x[fitted], [targets[i].sentiment or "" for i in fitted], SENTIMENTS, multi_label=False, c=c, seed=seed
    )
    return {
        "blocks": blocks,
        "c": c,
        **scored([targets[i] for i in held], np.argmax(head.scores(x[held]), axis=1)),
    }


def validate(
    targets: Sequence[TargetRow], split: tuple[np.ndarray, np.ndarray], recipe: Recipe, run: Run
) -> dict[str, Any]:
    """Fit on the fitted articles' targets; per epoch, the held-out macro-F1 and the temperature
    fitted there. The chosen epoch is the best held-out macro-F1."""
    fitted, held = split
    data = labelled(targets)
    part = Labelled([data.texts[i] for i in fitted], data.labels[fitted])
    evals = {"held": [data.texts[i] for i in held]}
    fit(part, recipe, run, "validate/", classes=len(SENTIMENTS), evals=evals, keep_epochs=not recipe.refit)
    held_targets = [targets[i] for i in held]
    per_epoch = []
    for epoch in range(1, recipe.epochs + 1):
        z = epoch_scores(run, "validate/", epoch)["held"]
        temperature = fit_temperature(_softmax(z), data.labels[held])
        per_epoch.append(
            {"epoch": epoch, "temperature": temperature, **scored(held_targets, np.argmax(z, axis=1))}
        )
    chosen = max(per_epoch, key=lambda r: r["macro_f1"])
    return {
        "targets": {"fit": len(fitted), "held": len(held)},
        "epochs": per_epoch,
        "chosen_epoch": chosen["epoch"],
        "held_macro_f1": chosen["macro_f1"],
        "temperature": chosen["temperature"],
    }


def fine_tune_target_sentiment(
    config: Mapping[str, Any],
    path: Path,
    out_dir: Path,
    *,
    seed: int | None = None,
    fresh: bool = False,
    validate_only: bool = False,
    cache: Path | None = None,
    log: Say = print,
) -> dict[str, Any]:
    """The ``[finetune]`` recipe of ``unspun train target-sentiment`` over the NewsMTSC file
    ``path``: validate on held-out articles (and the ``[model]`` head on the same split, when the
    config names one), then fit the shipped model on every target and write it (ONNX, tokenizer,
    config, ``training.json``) to ``out_dir``; return the report.

    Works in ``$UNSPUN_CACHE/runs/target-sentiment-finetune-<digest>`` (recipe, seed, data); a
    stopped run resumes after its last finished epoch; ``fresh`` starts over. Raises
    :class:`unspun.errors.RunLockedError`, :class:`ConfigError`, :class:`unspun.errors.ModelError`."""
    recipe = Recipe.from_config(config.get("finetune", {}))
    if seed is not None:
        recipe = replace(recipe, seed=seed)
    rows = read_rows(path)
    targets = list(iter_targets(rows, labelled=True))
    split = split_articles(rows, targets, recipe.held_out, recipe.seed)
    # ``refit`` changes what ships, not what is validated: both share the validation units.
    tuning = {k: v for k, v in asdict(recipe).items() if k != "refit"}
    identity = {"recipe": tuning, "data": [t.key + t.sentence + str(t.sentiment) for t in targets]}
    about = {"job": "unspun train target-sentiment", "recipe": asdict(recipe)}
    with open_run(
        run_folder("target-sentiment-finetune", identity), fresh=fresh, about=about, log=log
    ) as run:
        report: dict[str, Any] = {"task": "target-sentiment", "recipe": asdict(recipe), "split": "articles"}
        report["validation"] = validate(targets, split, recipe, run)
        if "model" in config:
            report["validation"]["head"] = head_on_split(
                config, path, rows, targets, split, cache=cache, log=log
            )
        atomic_write_json(run.path("validation.json"), report["validation"])
        log(
            f"held-out articles macro-F1 {report['validation']['held_macro_f1']} (epoch {report['validation']['chosen_epoch']})"
        )
        if validate_only:
            return report
        epochs = int(report["validation"]["chosen_epoch"])
        if recipe.refit:  # one unit per schedule (the learning rate decays over the whole schedule)
            tokenizer, network = fit(
                labelled(targets), recipe, run, f"final{epochs}/", classes=len(SENTIMENTS), epochs=epochs
            )
        else:
            tokenizer, network = load_epoch(recipe, run, "validate/", epochs, len(SENTIMENTS))
        runtime = {
            "task": "target-sentiment",
            "encoder": recipe.encoder,
            "max_length": recipe.max_length,
            "labels": list(SENTIMENTS),
            "target_markers": list(MARKERS),
            "temperature": report["validation"]["temperature"],
            "epochs": epochs,
        }
        report.update(epochs=epochs, temperature=runtime["temperature"])
        texts = marked(targets)
        held_texts = [texts[i] for i in split[1]]

        def held(model: SentenceClassifier) -> dict[str, Any]:
            # the exported model's own figure on the held-out articles; a refitted model trained on
            # them, so its figure there says nothing about unseen articles and is named for that
            key = "exported_on_trained_held_rows" if recipe.refit else "exported_held"
            decided = model.decide(model.probabilities(held_texts))
            return {key: scored([targets[i] for i in split[1]], decided)}

        ship(
            run,
            network,
            tokenizer,
            runtime,
            report,
            out_dir,
            quantize=recipe.quantize,
            check=held_texts,
            score=held,
        )
    return report


def train_target_sentiment_finetune(
    config_path: Path, data_dir: Path, out_dir: Path, **options: Any
) -> dict[str, Any]:
    """:func:`fine_tune_target_sentiment` of the recipe file ``config_path`` over the NewsMTSC file
    its ``[data]`` table names (``train``) under ``data_dir``; ``options`` are that function's
    (``seed``, ``fresh``, ``validate_only``, ``log``)."""
    from unspun.training.defaults import cache_dir
    from unspun.training.train_whosays import _data_file, load_config

    config = load_config(config_path)
    path = _data_file(Path(data_dir), config["data"]["train"])
    return fine_tune_target_sentiment(config, path, Path(out_dir), cache=cache_dir(), **options)
