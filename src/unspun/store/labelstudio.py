"""Label Studio round trip: stored analyses out as tasks with pre-annotations, reviews back as feedback.

Export: one task per article, ``data.text`` the article's text and ``predictions`` the newest
analysis' technique spans as ``labels`` regions (``start``/``end`` in code points, ``text``,
``labels``, a ``score``), with ``model_version`` naming the models and ``score`` the article's
persuasion score; :func:`labelling_config` is the matching labelling config (XML).

Import (:func:`import_feedback`): each annotation of a Label Studio JSON export is compared with
the stored spans: a region at a span's offsets with another label is ``corrected``, a region
where there was no span is ``added``, a span the annotator removed is ``wrong``. Every region's
``text`` is checked against ``text[start:end]`` (offsets written as UTF-16 code units, as the
browser counts, are recognised and converted); a region that matches neither is reported, not kept.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from unspun.errors import FormatError, InputNotFoundError, NotFoundError, UnspunError
from unspun.store.base import Feedback, Store, StoredAnalysis

FROM_NAME = "label"
TO_NAME = "text"


def model_version(stored: StoredAnalysis) -> str:
    """A short name of what made the analysis: unspun's version and each model's name@version."""
    analysis = stored.analysis
    models = ",".join(f"{m.name}@{m.version}" for m in analysis.models)
    return f"unspun-{analysis.article.unspun_version or 'unknown'}" + (f":{models}" if models else "")


def task(stored: StoredAnalysis) -> dict[str, Any]:
    """The Label Studio task of a stored article (see the module docstring)."""
    analysis = stored.analysis
    text = analysis.text
    result = [
        {
            "id": span.id,
            "from_name": FROM_NAME,
            "to_name": TO_NAME,
            "type": "labels",
            "origin": "prediction",
            "value": {
                "start": span.start,
                "end": span.end,
                "text": text[span.start : span.end],
                "labels": [span.label],
            },
            "score": round(span.score, 4),
        }
        for span in analysis.spans
    ]
    score = analysis.persuasion_score
    if score is None:
        score = sum(s.score for s in analysis.spans) / len(analysis.spans) if analysis.spans else 0.0
    summary = stored.summary
    return {
        "data": {
            "text": text,
            "article_id": summary.article_id,
            "content_hash": summary.content_hash,
            "title": summary.title,
            "outlet": summary.outlet,
            "url": summary.url,
            "published": summary.published.isoformat() if summary.published else None,
        },
        "predictions": [
            {"model_version": model_version(stored), "score": round(float(score), 4), "result": result}
        ],
    }


def labelling_config(techniques: Iterable[str] | None = None) -> str:
    """The labelling config (XML) for the exported tasks: one ``Labels`` over the article ``Text``.

    ``techniques`` defaults to the PTC-14 techniques, each in its colour."""
    from unspun.techniques import PTC14_LABELS, technique

    names = list(techniques) if techniques is not None else list(PTC14_LABELS)
    labels = []
    for name in names:
        try:
            colour = technique(name).colour
        except KeyError:
            colour = "#999999"
        labels.append(f"    <Label value={quoteattr(name)} background={quoteattr(colour)}/>")
    return (
        "<View>\n"
        f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n' + "\n".join(labels) + "\n  </Labels>\n"
        f'  <Text name="{TO_NAME}" value="$text" granularity="symbol"/>\n'
        "</View>\n"
    )


@dataclass(slots=True)
class ImportSummary:
    """What :func:`import_feedback` did."""

    tasks: int = 0
    annotations: int = 0
    added: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tasks": self.tasks,
            "annotations": self.annotations,
            "feedback_added": self.added,
            "unchanged": self.unchanged,
            "failed": [{"where": w, "reason": r} for w, r in self.failed],
        }


def _utf16_to_code_points(text: str, start: int, end: int) -> tuple[int, int] | None:
    encoded = text.encode("utf-16-le", errors="surrogatepass")
    if end * 2 > len(encoded):
        return None
    try:
        before = encoded[: start * 2].decode("utf-16-le")
        inside = encoded[start * 2 : end * 2].decode("utf-16-le")
    except UnicodeDecodeError:
        return None
    return len(before), len(before) + len(inside)


def region_offsets(text: str, value: dict[str, Any]) -> tuple[int, int]:
    """A region's code-point offsets, checked against its ``text``; raises :class:`FormatError`."""
    try:
        start, end, quoted = int(value["start"]), int(value["end"]), value.get("text")
    except (KeyError, TypeError, ValueError) as error:
        raise FormatError(f"region {value!r} has no integer start and end") from error
    if quoted is None or text[start:end] == quoted:
        if not 0 <= start < end <= len(text):
            raise FormatError(f"region [{start}, {end}) lies outside the text")
        return start, end
    converted = _utf16_to_code_points(text, start, end)
    if converted is not None and text[converted[0] : converted[1]] == quoted:
        return converted
    raise FormatError(
        f"region [{start}, {end}) quotes {quoted!r}, but the text there is {text[start:end]!r}; "
        "the task's text was changed"
    )


def _author(annotation: dict[str, Any]) -> str | None:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("username") or who.get("id")
    return f"labelstudio:{who}" if who is not None else "labelstudio"


def _when(annotation: dict[str, Any]) -> dt.datetime | None:
    value = annotation.get("updated_at") or annotation.get("created_at")
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _stored(store: Store, data: dict[str, Any]) -> StoredAnalysis:
    from unspun.document import content_hash

    if isinstance(data.get("article_id"), str):
        return store.get(data["article_id"])
    if isinstance(data.get("text"), str):
        return store.get(content_hash(data["text"]))
    raise FormatError("the task has neither data.article_id nor data.text")


def annotation_feedback(
    stored: StoredAnalysis, annotation: dict[str, Any], where: str, summary: ImportSummary
) -> list[Feedback]:
    """The feedback an annotation amounts to, against the stored analysis' spans."""
    text = stored.analysis.text
    spans = {(s.start, s.end): s for s in stored.analysis.spans}
    author, when = _author(annotation), _when(annotation)
    out: list[Feedback] = []
    covered: set[tuple[int, int]] = set()
    for number, item in enumerate(annotation.get("result") or [], start=1):
        if item.get("type") != "labels":
            continue
        value = item.get("value") or {}
        try:
            start, end = region_offsets(text, value)
        except FormatError as error:
            summary.failed.append((f"{where} region {number}", error.message))
            continue
        labels = value.get("labels") or []
        label = labels[0] if labels else None
        if not label:
            summary.failed.append((f"{where} region {number}", "the region has no label"))
            continue
        covered.add((start, end))
        span = spans.get((start, end))
        if span is None:
            out.append(Feedback("added", start, end, technique=label, author=author, created_at=when))
        elif span.label != label:
            out.append(
                Feedback(
                    "corrected", start, end, technique=label, span_id=span.id, author=author, created_at=when
                )
            )
        else:
            summary.unchanged += 1
    for key, span in spans.items():
        if key not in covered:
            out.append(
                Feedback("wrong", span.start, span.end, span_id=span.id, author=author, created_at=when)
            )
    return out


def import_feedback(store: Store, export: Path | list[dict[str, Any]]) -> ImportSummary:
    """Keep the reviews of a Label Studio JSON export as feedback on the stored articles.

    Feedback already kept (same kind, offsets, technique and author) is not added twice, so an
    export can be imported again after more work. Raises :class:`InputNotFoundError` when the
    file does not exist, :class:`FormatError` when it is not a Label Studio JSON export; a task or
    region that does not fit is reported in the summary.
    """
    tasks = _load(export) if isinstance(export, Path) else export
    summary = ImportSummary()
    for number, item in enumerate(tasks, start=1):
        summary.tasks += 1
        if not isinstance(item, dict):
            summary.failed.append((f"task {number}", "not a JSON object"))
            continue
        where = f"task {item.get('id', number)}"
        try:
            stored = _stored(store, item.get("data") or {})
        except (NotFoundError, FormatError) as error:
            summary.failed.append((where, error.message))
            continue
        kept = {(f.kind, f.start, f.end, f.technique, f.author) for f in stored.feedback}
        for annotation in item.get("annotations") or item.get("completions") or []:
            if not isinstance(annotation, dict) or annotation.get("was_cancelled"):
                continue
            summary.annotations += 1
            for feedback in annotation_feedback(stored, annotation, where, summary):
                key = (feedback.kind, feedback.start, feedback.end, feedback.technique, feedback.author)
                if key in kept:
                    summary.unchanged += 1
                    continue
                try:
                    store.add_feedback(stored.article_id, feedback)
                except UnspunError as error:
                    summary.failed.append((where, error.message))
                    continue
                kept.add(key)
                summary.added += 1
    return summary


# What import_feedback reads, said in every error about the file.
_EXPORT = "a Label Studio JSON export of the tasks unspun export --format labelstudio wrote"


def _load(path: Path) -> list[dict[str, Any]]:
    """The tasks of a Label Studio JSON export. Raises :class:`InputNotFoundError` for a missing
    file, :class:`FormatError` for a folder, an unreadable file or anything but a list of tasks."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise InputNotFoundError(f"{path} does not exist; check the path ({_EXPORT})") from error
    except IsADirectoryError as error:
        raise FormatError(f"{path} is a folder; pass the Label Studio JSON export file in it") from error
    except OSError as error:
        raise FormatError(f"cannot read {path}: {error.strerror}; check its permissions") from error
    except UnicodeDecodeError as error:
        raise FormatError(f"{path} is not UTF-8 text; pass {_EXPORT}") from error
    except json.JSONDecodeError as error:
        raise FormatError(
            f"{path} is not JSON ({error.msg} at line {error.lineno}); pass a Label Studio JSON export"
        ) from error
    if not isinstance(data, list):
        raise FormatError(f"{path} is not a Label Studio JSON export (a list of tasks); export as JSON")
    return data
