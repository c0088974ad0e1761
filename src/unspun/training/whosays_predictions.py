"""The library side of ``unspun predict checkworthy|target-sentiment|entity-roles``: official-format
predictions from the claim and portrayal models, on the task files as read."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from unspun.tasks.checkthat import NO, YES, CheckworthyRow
from unspun.tasks.entity_roles import RoleMention, offset_mismatches, read_documents
from unspun.tasks.newsmtsc import iter_targets, with_polarities
from unspun.whosays.encoding import SentenceStates, TokenStates, encode_texts, sentence_states
from unspun.whosays.heads import HeadModel, load_heads

if TYPE_CHECKING:
    from unspun.pipeline.claims import ClaimModel
    from unspun.pipeline.portrayal import SentimentModel


def predict_checkworthy(
    rows: Sequence[CheckworthyRow], model: str | Path | ClaimModel | None = None, *, batch_size: int = 64
) -> list[tuple[str, str, float]]:
    """``(id, Yes|No, probability)`` per sentence: Yes where ``unspun analyze`` would take the
    sentence, read alone, for a claim (:func:`unspun.pipeline.claims.judge_sentences`: at or over
    the model's threshold, and not a sentence that states nothing to check, such as an evaluation
    or name calling), so that the research output and the product agree."""
    from unspun.pipeline.claims import judge_sentences, load_claim_model

    loaded = load_claim_model(model)
    out = []
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        for row, (claim, p) in zip(batch, judge_sentences([r.text for r in batch], loaded), strict=True):
            out.append((row.id, YES if claim else NO, p))
    return out


def predict_target_sentiment(
    rows: Sequence[dict[str, Any]], model: str | Path | SentimentModel | None = None, *, batch_size: int = 64
) -> list[dict[str, Any]]:
    """The NewsMTSC ``rows`` with each target's ``polarity`` predicted (2.0 / 4.0 / 6.0), by the
    shipped target-sentiment model (a fine-tuned classifier) or the model folder given."""
    from unspun.pipeline.portrayal import (
        load_sentiment_model,
        mention_rows,
        sentiment_label,
        sentiment_scores,
        target_scores,
    )

    heads = load_sentiment_model(model)
    targets = list(iter_targets(rows))
    names: list[list[str]] = [[""] * len(row["targets"]) for row in rows]
    if not isinstance(heads, HeadModel):
        scores = target_scores(heads, [t.sentence for t in targets], [(t.start, t.end) for t in targets])
        for t, row in zip(targets, scores, strict=True):
            names[t.row][t.index] = sentiment_label(heads, row).name
        return with_polarities(rows, names)
    for start in range(0, len(rows), batch_size):
        chunk = list(range(start, min(start + batch_size, len(rows))))
        states = encode_texts([rows[r]["sentence_normalized"] for r in chunk])
        for r, state in zip(chunk, states, strict=True):
            mine = [t for t in targets if t.row == r] if len(rows[r]["targets"]) else []
            scores = sentiment_scores(heads, mention_rows(heads, state, [(t.start, t.end) for t in mine]))
            for t, row in zip(mine, scores, strict=True):
                names[r][t.index] = sentiment_label(heads, row).name
    return with_polarities(rows, names)


def role_sentiments(
    texts: Mapping[str, str],
    mentions: Sequence[RoleMention],
    model: str | Path | SentimentModel | None = None,
    states: Mapping[str, SentenceStates] | None = None,
) -> np.ndarray:
    """``(n, 3)`` negative / neutral / positive: per mention (inclusive ends), the target
    sentiment of the shipped model (or ``model``) towards it in its sentence, averaged over the
    mentions of the same text in the same article (the entity, as near as the mentions tell; the
    pipeline averages over the entity step's mentions). ``states``: the articles' sentences, when
    already split (:func:`unspun.whosays.encoding.sentence_states`)."""
    from unspun.pipeline.portrayal import (
        load_sentiment_model,
        mention_sentiments,
        sentiment_labels,
        text_sentences,
    )
    from unspun.tasks.newsmtsc import SENTIMENTS

    sentiment = load_sentiment_model(model)
    order = [list(sentiment_labels(sentiment)).index(s) for s in SENTIMENTS]
    out = np.zeros((len(mentions), len(SENTIMENTS)), dtype=np.float32)
    for article_id in sorted({m.article_id for m in mentions}):
        mine = [i for i, m in enumerate(mentions) if m.article_id == article_id]
        text = texts[article_id]
        split = states.get(article_id) if states is not None else None
        if isinstance(sentiment, HeadModel):
            read = split if split is not None else sentence_states([text])[0]
        else:
            read = text_sentences(text, split if split is not None else SentenceStates(0, (), ()))
        ranges = [(mentions[i].start, mentions[i].end + 1) for i in mine]
        out[mine] = mention_sentiments(sentiment, text, read, ranges)[:, order]
    groups: dict[tuple[str, str], list[int]] = {}
    for i, m in enumerate(mentions):
        groups.setdefault((m.article_id, m.mention), []).append(i)
    for rows in groups.values():
        out[rows] = out[rows].mean(axis=0)
    return out


def predict_entity_roles(
    documents: str | Path,
    mentions: Sequence[RoleMention],
    model: str | Path | HeadModel | None = None,
    *,
    warn: Callable[[str], None] | None = None,
    sentiment_model: str | Path | SentimentModel | None = None,
) -> list[RoleMention]:
    """``mentions`` (SemEval-2025 subtask 1, inclusive ends) with their predicted main and fine roles
    (the main role under the model's ``target_prior``: :func:`unspun.pipeline.portrayal.shift_prior`);
    the articles are read from the ``documents`` folder. ``warn`` is told each mention whose
    offsets do not cover its text (:func:`unspun.tasks.entity_roles.offset_mismatches`), before
    any is classified. Raises InputNotFoundError for a missing article, FormatError for a mention
    ending past its article and ModelError for a model that cannot load. Heads whose config says
    ``"sentiment_features"`` also read the target sentiment towards each mention
    (:func:`role_sentiments`, from ``sentiment_model``, default the shipped one)."""
    from unspun.pipeline.portrayal import (
        ROLES_MODEL,
        decide_roles,
        load_sentiment_model,
        mention_rows,
        role_features,
        role_scores,
        uses_article,
    )

    texts = read_documents(documents, [m.article_id for m in mentions])
    mismatches = offset_mismatches(mentions, texts)
    if warn is not None:
        for message in mismatches:
            warn(message)
    heads = load_heads(model or ROLES_MODEL, ROLES_MODEL)
    sentiment = load_sentiment_model(sentiment_model) if heads.config.get("sentiment_features") else None
    ids = sorted(texts)
    out: dict[int, RoleMention] = {}
    for start in range(0, len(ids), 4):
        batch = ids[start : start + 4]
        whole = uses_article(heads)
        encoded: Sequence[TokenStates | SentenceStates]
        if whole:
            encoded = encode_texts([texts[a] for a in batch])
        else:
            encoded = sentence_states([texts[a] for a in batch])
        for article_id, state in zip(batch, encoded, strict=True):
            mine = [i for i, m in enumerate(mentions) if m.article_id == article_id]
            ranges = [(mentions[i].start, mentions[i].end + 1) for i in mine]
            if isinstance(state, TokenStates):
                rows = mention_rows(heads, state, ranges)
            else:
                assert isinstance(state, SentenceStates)
                rows = state.rows(ranges, heads.blocks)
            if heads.config.get("sentiment_features"):
                here = [mentions[i] for i in mine]
                split = {article_id: state} if isinstance(state, SentenceStates) else None
                rows = role_features(heads, rows, role_sentiments(texts, here, sentiment, split))
            main, fine = role_scores(heads, rows)
            for i, ms, fs in zip(mine, main, fine, strict=True):
                roles = decide_roles(heads, np.asarray(ms), np.asarray(fs), target_mix=True)
                m = mentions[i]
                out[i] = RoleMention(
                    m.article_id,
                    m.mention,
                    m.start,
                    m.end,
                    roles.main.name,
                    tuple(f.name for f in roles.fine),
                )
    return [out[i] for i in range(len(mentions))]
