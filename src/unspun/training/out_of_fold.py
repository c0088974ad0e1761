"""Out-of-fold span predictions: each article through the fold model that did not train on it.

The fold models of a span recipe (:mod:`unspun.training.folds`) each held a part of the PTC
training articles out. Whatever is fitted on top of the span model's output (span-score
calibration, the persuasion score) must see the spans the model finds in articles it did not
learn from, so it reads them from here: one file per set of texts beside the fold models
(``<fold folder>/oof-<name>.jsonl``), made once and then read by every fit. The spans are the
model's own (before the span tagger's whole-phrase rule and score calibration, which the fits
apply themselves as the pipeline does), their techniques corrected by a context TC head as the
shipped model's are: fold k's head fitted on the other folds' gold spans
(:func:`unspun.training.span_context.fold_heads`), so no head saw the article it labels.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from unspun.document import Span
from unspun.errors import ModelError
from unspun.models.decoding import RELATIVE_EXTENT
from unspun.models.span_context import SpanContextHead
from unspun.models.span_model import SpanFindings
from unspun.training.code_digest import code_digest
from unspun.training.folds import STAMP, FoldPlan

GROUP = 16  # articles per call of the span model
DECODER = "unspun.models.span_model"  # its code and the project code it imports make the spans


def _digest(texts: Mapping[str, str]) -> str:
    h = hashlib.sha256()
    for key in sorted(texts):
        h.update(key.encode("utf-8") + b"\0" + texts[key].encode("utf-8") + b"\0")
    return h.hexdigest()[:16]


def out_of_fold_spans(
    plan: FoldPlan,
    texts: Mapping[str, str],
    *,
    name: str,
    context: bool = True,
    log: Callable[[str], None] = print,
) -> dict[str, list[Span]]:
    """The spans the fold model that held each article out finds in ``texts`` (by article id;
    ids in no fold are left out), read from ``<plan.work>/oof-<name>.jsonl`` when that file was
    made from the same texts, models and decoding code, else computed and written there (whole, by rename).
    ``context``: each fold's technique probabilities corrected by its context head
    (:func:`unspun.training.span_context.fold_heads`, fitted from the gold spans of
    ``plan.data_dir``); without, the fold models' own heads alone. Raises :class:`ModelError`
    when a fold model is not trained yet."""
    if plan.missing():
        raise ModelError(
            f"fold models {plan.missing()} of {plan.work} are not trained; run benchmarks/ptc.py first"
        )
    heads: list[SpanContextHead] | None = None
    key: dict[str, Any] = {
        "texts": _digest(texts),
        "models": [_stamp(plan, k) for k in range(len(plan.held_out))],
        # how the fold models' token probabilities become spans (their configs leave it default)
        "relative_extent": RELATIVE_EXTENT,
        # the decoder's code: spans made by an older decoder are made again
        "code": code_digest(DECODER),
    }
    if context:
        from unspun.training.span_context import fold_heads

        heads = fold_heads(plan, log=log)
        key["context"] = [_head_digest(head) for head in heads]
    path = plan.work / f"oof-{name}.jsonl"
    if path.is_file():
        with open(path, encoding="utf-8") as handle:
            header = json.loads(handle.readline())
            if header == key:
                return {
                    row["id"]: [Span(s["start"], s["end"], s["label"], s["score"]) for s in row["spans"]]
                    for row in map(json.loads, handle)
                }
        log(f"{path} was made from other texts or models: making it again")
    found = _compute(plan, texts, heads, log)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(key) + "\n")
        for article_id in sorted(found):
            spans = [
                {"start": s.start, "end": s.end, "label": s.label, "score": s.score}
                for s in found[article_id]
            ]
            handle.write(json.dumps({"id": article_id, "spans": spans}) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    return found


def _stamp(plan: FoldPlan, k: int) -> str:
    stamp = plan.model_dir(k) / STAMP
    return hashlib.sha256(stamp.read_bytes()).hexdigest()[:16] if stamp.is_file() else ""


def _head_digest(head: SpanContextHead) -> str:
    h = hashlib.sha256(",".join(head.labels).encode("utf-8"))
    for array in (head.mean, head.scale, head.weight, head.bias):
        h.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
    return h.hexdigest()[:16]


def find_out_of_fold(
    held_out: Sequence[Sequence[str]],
    model_dirs: Sequence[Path],
    texts: Mapping[str, str],
    *,
    contexts: Sequence[SpanContextHead | None] | None = None,
    cache_states: bool = False,
    progress: bool = False,
) -> Iterator[tuple[str, SpanFindings, Path]]:
    """``(id, findings, model folder)`` of each text through the model of the fold that held its
    id out (``model_dirs[k]`` held out ``held_out[k]``); ids in no fold are left out.
    ``contexts[k]``: fold k's context TC head (None: none), in place of any in its folder. With
    ``cache_states`` each fold model's encoder states of a text are kept in the state cache
    (:mod:`unspun.training.states`) and read back on the next run."""
    from rich.progress import track

    from unspun.models.span_model import SpanModel

    for k, fold in enumerate(held_out):
        ids = [i for i in fold if i in texts]
        if not ids:
            continue
        model: Any = SpanModel.from_disk(model_dirs[k])
        if contexts is not None:
            model.context = contexts[k]
        if cache_states:
            from unspun.training.states import caching_encoder, model_digest

            model = caching_encoder(model, model_digest(model_dirs[k]))
        steps = range(0, len(ids), GROUP)
        for start in track(
            steps, description=f"fold {k}: spans of {len(ids)} articles", disable=not progress
        ):
            chunk = ids[start : start + GROUP]
            for article_id, findings in zip(chunk, model.find([texts[i] for i in chunk]), strict=True):
                yield article_id, findings, model_dirs[k]


def _compute(
    plan: FoldPlan,
    texts: Mapping[str, str],
    heads: Sequence[SpanContextHead] | None,
    log: Callable[[str], None],
) -> dict[str, list[Span]]:
    dirs = [plan.model_dir(k) for k in range(len(plan.held_out))]
    found = {i: list(f.spans) for i, f, _ in find_out_of_fold(plan.held_out, dirs, texts, contexts=heads)}
    log(f"out-of-fold spans: {len(found)} articles through {len(dirs)} fold models")
    return found
