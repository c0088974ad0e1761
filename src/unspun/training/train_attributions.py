"""Train, apply and cross-validate the attribution model on parsed text (the library behind
``unspun train attributions``, ``unspun predict attributions`` and ``benchmarks/whosays.py``).

Texts are parsed in paragraph chunks exactly as the pipeline parses them
(:func:`unspun.whosays.parsing.parse_texts`), so training sees what prediction sees. A gold
attribution belongs to the chunk holding its cue's start (its content's, without a cue); its
offsets are shifted into the chunk.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from unspun.config import read_toml
from unspun.errors import ConfigError
from unspun.sentences import title_end
from unspun.tasks.attribution_scorer import score_attribution_rows
from unspun.tasks.polnear import GoldAttribution, PolnearArticle, attribution_rows, read_polnear
from unspun.whosays.attribution_model import AttributionModel, find_in_chunks, fit, shift_range
from unspun.whosays.attribution_rules import Found
from unspun.whosays.parsing import DEFAULT_SPACY_MODEL, Chunks, load_spacy, parse_texts

Range = tuple[int, int]


def chunk_golds(chunks: Chunks, gold: Sequence[GoldAttribution]) -> list[list[GoldAttribution]]:
    """The gold attributions of each chunk, with offsets into the chunk's text."""
    out: list[list[GoldAttribution]] = [[] for _ in chunks]
    for g in gold:
        anchor = (g.cue or g.content)[0]
        for k, (offset, doc) in enumerate(chunks):
            if offset <= anchor < offset + len(doc.text):
                out[k].append(
                    GoldAttribution(
                        content=(g.content[0] - offset, g.content[1] - offset),
                        source=shift_range(g.source, -offset),
                        cue=shift_range(g.cue, -offset),
                    )
                )
                break
    return out


def prediction_rows(article_id: str, found: Sequence[tuple[Found, float]]) -> list[dict[str, Any]]:
    """Contract rows ``{"id", "source", "cue", "content"}`` of found attributions."""
    return [
        {
            "id": article_id,
            "source": list(f.source) if f.source else None,
            "cue": list(f.cue),
            "content": list(f.content) if f.content else None,
        }
        for f, _ in found
        if f.content is not None
    ]


def predict_rows(
    model: AttributionModel, nlp: Any, items: Sequence[tuple[str, str]], *, max_chars: int = 3000
) -> list[dict[str, Any]]:
    """Contract rows for ``(id, text)`` items, offsets into each text as given."""
    parses = parse_texts(nlp, [text for _, text in items], max_chars=max_chars)
    rows: list[dict[str, Any]] = []
    for (article_id, text), chunks in zip(items, parses, strict=True):
        rows += prediction_rows(article_id, find_in_chunks(model, chunks, start=title_end(text)))
    return rows


def fit_articles(
    articles: Sequence[PolnearArticle], parses: Sequence[Chunks], settings: dict[str, Any]
) -> AttributionModel:
    """Fit on parsed articles (one chunk = one training document)."""
    docs: list[Any] = []
    golds: list[list[GoldAttribution]] = []
    groups: list[int] = []
    for n, (article, chunks) in enumerate(zip(articles, parses, strict=True)):
        for (_, doc), gold in zip(chunks, chunk_golds(chunks, article.attributions), strict=True):
            docs.append(doc)
            golds.append(gold)
            groups.append(n)
    return fit(
        docs,
        golds,
        min_count=int(settings.get("min_count", 2)),
        c=float(settings.get("c", 1.0)),
        threshold=float(settings.get("threshold", 0.5)),
        nested=None if settings.get("nested") is None else float(settings["nested"]),
        content_c=None if settings.get("content_c") is None else float(settings["content_c"]),
        rescore_threshold=(
            None if settings.get("rescore_threshold") is None else float(settings["rescore_threshold"])
        ),
        groups=groups,
        cue_span_c=None if settings.get("cue_span_c") is None else float(settings["cue_span_c"]),
    )


def score_articles(
    model: AttributionModel, articles: Sequence[PolnearArticle], parses: Sequence[Chunks]
) -> dict[str, float]:
    """Exact-match scores of the model on parsed gold articles."""
    gold: list[dict[str, Any]] = []
    pred: list[dict[str, Any]] = []
    for article, chunks in zip(articles, parses, strict=True):
        gold += attribution_rows(article.id, list(article.attributions))
        pred += prediction_rows(article.id, find_in_chunks(model, chunks, start=title_end(article.text)))
    return score_attribution_rows(gold, pred)


def read_recipe(path: Path) -> dict[str, Any]:
    """The ``[data]`` and ``[model]`` tables of an attribution recipe; raise :class:`ConfigError`
    for a missing table or an unknown key."""
    recipe = read_toml(path, "training config")
    known = {
        "data": {"train", "dev"},
        "model": {
            "spacy_model",
            "min_count",
            "c",
            "threshold",
            "nested",
            "max_chars",
            "content_c",
            "rescore_threshold",
            "cue_span_c",
        },
        "cv": {"folds"},
    }
    for table, keys in known.items():
        extra = set(recipe.get(table, {})) - keys
        if extra:
            raise ConfigError(f"{path}: unknown key(s) {sorted(extra)} in [{table}]; known: {sorted(keys)}")
    if "model" not in recipe or "data" not in recipe:
        raise ConfigError(f"{path}: an attribution recipe needs [data] and [model] tables")
    return recipe


def train_attribution_model(config: Path, data_dir: Path, out_dir: Path) -> dict[str, Any]:
    """Train on ``data_dir / [data].train`` (PolNeAR), score on ``[data].dev``, write the model to
    ``out_dir`` with ``metrics.json``; return the metrics. Deterministic (no random state)."""
    recipe = read_recipe(config)
    settings = recipe["model"]
    nlp = load_spacy(settings.get("spacy_model", DEFAULT_SPACY_MODEL))
    max_chars = int(settings.get("max_chars", 3000))
    started = time.perf_counter()
    train = list(read_polnear(data_dir / recipe["data"]["train"]))
    parses = parse_texts(nlp, [a.text for a in train], max_chars=max_chars)
    model = fit_articles(train, parses, settings)
    metrics: dict[str, Any] = {"train_articles": len(train), "train_seconds": time.perf_counter() - started}
    if recipe["data"].get("dev"):
        dev = list(read_polnear(data_dir / recipe["data"]["dev"]))
        dev_parses = parse_texts(nlp, [a.text for a in dev], max_chars=max_chars)
        metrics["dev"] = score_articles(model, dev, dev_parses)
    model.to_disk(out_dir)
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return metrics
