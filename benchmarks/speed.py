"""Speed of unspun's default SI+TC pipeline against the plain transformers pipeline a user would write.

Both run side by side in one invocation, each in its own subprocess (so peak RSS is
each one's own), over the same articles (default: the first 80 PTC training articles):

- unspun: ``load_span_model().predict_spans(texts)`` (ONNX Runtime, int8; every text tokenised
  once, one window per call so that a text's result never depends on its batch), spans and
  techniques end to end;
- reference: ``transformers.pipeline("token-classification")`` over a BERT-base-size
  encoder (MPNet-base, 109M parameters, from its PyPI parts: ``scripts/get_mpnet.py``),
  windowed with a stride so nothing is truncated, fp32 torch, as a user would write it;
- unspun full pipeline: ``build_pipeline()`` over the same articles, every component (language,
  spans, genre, frames, paragraphs, entities, attributions, persuasion score), beside the spans
  alone (``--child full`` / ``--child full-no-whosays`` time one of them on its own), with the
  wall and CPU seconds of each component (the who-says-what layer's as ``whosays/NAME``), in one
  process;
- unspun folder: the same articles as files of a folder, read and analysed as ``unspun analyze
  DIR`` does (``iter_articles`` and ``runner.run`` over ``parallel.open_pipeline``) with
  ``--workers`` processes (default: ``auto``, one per CPU), timed after the workers loaded and
  warmed up as the reference is; and the ``unspun analyze DIR --format jsonl`` command itself,
  end to end (start, loading and all: ``command_seconds``).

Prints articles/s, tokens/s, peak RSS for both and the speed ratio; writes
``reports/speed.json``. ``--compare FOLDER`` adds another span model folder (say, the previous
release's) to the same run, with its ratio to the default.

    python benchmarks/speed.py [--articles 80] [--reference PATH] [--threads 2] [--compare FOLDER]
    python benchmarks/speed.py --workers 2 --command   # the folder in 2 processes, and the command timed
    python benchmarks/speed.py --prefetch-ab [ROUNDS]   # the full pipeline's work ahead on and off too
    python benchmarks/speed.py --multilingual-only --articles 40   # the fr/de/it/pl/ru span model
    python benchmarks/speed.py --sentiment-only   # portrayal's target-sentiment classifier
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _texts(data_dir: Path, count: int) -> list[str]:
    files = sorted((data_dir / "ptc" / "train" / "articles").glob("article*.txt"))[:count]
    return [path.read_text(encoding="utf-8") for path in files]


def _multilingual_texts(data_dir: Path, count: int) -> list[tuple[str, str]]:
    """``count`` SemEval-2023 articles with their language, taken in turn from fr, de, it, pl, ru."""
    folders = {"fr": "fr", "de": "ge", "it": "it", "pl": "po", "ru": "ru"}
    files = {
        lang: sorted(
            (data_dir / "semeval2023" / folder / "train" / "train-articles-subtask-3").glob("article*.txt")
        )
        for lang, folder in folders.items()
    }
    out: list[tuple[str, str]] = []
    for index in range(count):
        lang = list(folders)[index % len(folders)]
        out.append((lang, files[lang][index // len(folders)].read_text(encoding="utf-8")))
    return out


def run_multilingual(
    texts: list[tuple[str, str]], threads: int, torch_encoder: bool = False, evidence: bool = True
) -> dict[str, float]:
    """The multilingual span component alone (e5 encoder, the three heads, the USE sentence
    vectors, the paragraphs' span evidence) over articles in fr, de, it, pl and ru;
    ``torch_encoder``: the same heads over the torch (fp32) e5 instead of the shipped int8 ONNX
    file, for the side-by-side ratio; ``evidence`` off: without the paragraphs' span evidence."""
    import torch

    from unspun.document import Article
    from unspun.models.e5_encoder import E5TokenEncoder
    from unspun.pipeline.multilingual_spans import MultilingualSpanTagger

    torch.set_num_threads(threads)
    tagger = MultilingualSpanTagger(evidence=evidence)
    if torch_encoder:
        encoder = E5TokenEncoder(layers=(tagger.heads.layer,), threads=threads)
        tagger = MultilingualSpanTagger(encoder=encoder, evidence=evidence)
    articles = [Article(id=str(i), text=text, language=lang) for i, (lang, text) in enumerate(texts)]
    # warm-up (loads the encoder) on a text not timed: the encoder keeps the states of the texts
    # it read last (unspun.models.e5_encoder.MEMO_BYTES), which would make a timed one free
    tagger.predict([Article(id="w", text="Ein kurzer Text, der das Modell lädt.", language="de")])
    tokens = sum(len(tagger.encoder().tokenize(a.text)[0]) for a in articles)
    started = time.perf_counter()
    found = tagger.predict(articles)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "tokens": tokens, "spans": sum(len(f.spans) for f in found if f is not None)}


def run_sentiment(texts: list[str], threads: int, caps: tuple[int, ...] = (2, 4, 6, 8)) -> dict[str, object]:
    """Portrayal's target-sentiment classifier over the entities of ``texts`` (the entity step
    alone, language English): its inputs (one per entity and sentence), their tokens, the CPU and
    wall seconds of running them as portrayal does, and, per cap ``K``, what reading only an
    entity's first ``K`` sentences would save (inputs) and change (the share of entities whose
    label stays the same; the largest change of an unchanged label's score)."""
    import numpy as np

    from unspun.document import Article
    from unspun.models.sentence_classifier import SentenceClassifier
    from unspun.pipeline.entities import EntityRecognizer
    from unspun.pipeline.portrayal import load_sentiment_model, target_inputs, target_scores
    from unspun.sentences import split_sentences
    from unspun.whosays.encoding import SentenceStates

    model = load_sentiment_model()
    if not isinstance(model, SentenceClassifier):
        raise SystemExit("the shipped target-sentiment model is not a fine-tuned classifier")
    model.workers = threads
    articles = EntityRecognizer()([Article(id=str(i), text=t, language="en") for i, t in enumerate(texts)])
    per_article = []
    for article in articles:
        ranges = [(m.start, m.end) for e in article.entities for m in e.mentions]
        groups = [i for i, e in enumerate(article.entities) for _ in e.mentions]
        states = SentenceStates(hash(article.text), tuple(split_sentences(article.text)), ())
        per_article.append((target_inputs(article.text, states, ranges, groups), groups))
    target_scores(model, ["A warm-up for the model."], [(0, 1)])
    cpu, started = time.process_time(), time.perf_counter()
    scores = [target_scores(model, inputs.sentences, inputs.targets) for inputs, _ in per_article]
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    marked = [
        model.mark(t, a, b)
        for inputs, _ in per_article
        for t, (a, b) in zip(inputs.sentences, inputs.targets, strict=True)
    ]
    lengths = [len(e.ids) for e in model.whole.encode_batch(marked)]
    capped: dict[int, dict[str, float]] = {}
    for cap in caps:
        kept = same = entities = 0
        shift = 0.0
        for (inputs, groups), rows in zip(per_article, scores, strict=True):
            for entity in sorted(set(groups)):
                read = [inputs.of_mention[i] for i, g in enumerate(groups) if g == entity]
                first = list(dict.fromkeys(read))[:cap]  # inputs in text order: its first sentences
                full, part = rows[read].mean(axis=0), rows[[j for j in read if j in first]].mean(axis=0)
                kept, entities = kept + len(first), entities + 1
                if np.argmax(full) == np.argmax(part):
                    same += 1
                    shift = max(shift, abs(float(full.max() - part.max())))
        capped[cap] = {"inputs": kept, "entity_label_agreement": same / entities, "max_score_change": shift}
    inputs_n = sum(len(inputs.sentences) for inputs, _ in per_article)
    return {
        "articles": len(texts),
        "entities": sum(len(a.entities) for a in articles),
        "mentions": sum(len(inputs.of_mention) for inputs, _ in per_article),
        "inputs": inputs_n,
        "tokens": sum(lengths),
        "inputs_over_max_length": sum(n > model.max_length for n in lengths),
        "cpu_s": cpu,
        "seconds": wall,
        "cpu_ms_per_input": 1000 * cpu / max(inputs_n, 1),
        "threads": threads,
        "first_sentences_cap": capped,
    }


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_unspun(texts: list[str], threads: int, folder: str = "") -> dict[str, float]:
    from unspun.models.span_model import load_span_model

    model = load_span_model(Path(folder) if folder else None, threads=threads)
    tokens = sum(len(encoded.ids) for encoded in model.tokenizer.encode_batch(texts))
    model.predict_spans(texts[:2])  # warm-up
    started = time.perf_counter()
    spans = model.predict_spans(texts)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "tokens": tokens, "spans": sum(len(s) for s in spans)}


class _Timed:
    """A pipeline component that adds its wall and process CPU seconds to ``spent[name]`` (the
    CPU of every thread of the process, a parse made ahead on another thread included)."""

    def __init__(self, component: Any, name: str, spent: dict[str, list[float]]) -> None:
        self.component, self.timed_name, self.spent = component, name, spent

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.component, attribute)

    def __call__(self, articles: Any, *, on_error: Any = None) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return self.component(articles, on_error=on_error)
        finally:
            row = self.spent.setdefault(self.timed_name, [0.0, 0.0])
            row[0] += time.perf_counter() - wall
            row[1] += time.process_time() - cpu


class _TimedAhead(_Timed):
    """A timed component that works ahead (:meth:`unspun.pipeline.base.Component.prefetch`)."""

    def prefetch(self, articles: Any) -> None:
        self.component.prefetch(articles)


def _timed(component: Any, name: str, spent: dict[str, list[float]]) -> _Timed:
    from unspun.pipeline.base import Component

    base = getattr(Component, "prefetch", None)  # a component may work ahead where the base has it
    ahead = base is not None and getattr(type(component), "prefetch", base) is not base
    return (_TimedAhead if ahead else _Timed)(component, name, spent)


def time_components(pipeline: Any) -> dict[str, list[float]]:
    """Wrap each component of ``pipeline`` (and of the who-says-what layer, as ``whosays/NAME``)
    so that it adds its ``[wall s, CPU s]`` to the returned dict, by name."""
    spent: dict[str, list[float]] = {}
    for index, component in enumerate(pipeline.components):
        if hasattr(component, "components"):  # the who-says-what layer
            component.components = [_timed(c, f"whosays/{c.name}", spent) for c in component.components]
        pipeline.components[index] = _timed(component, component.name, spent)
    return spent


def _timed_run(pipeline: Any, texts: list[str]) -> tuple[float, float, list[Any]]:
    """Wall and process CPU seconds of ``pipeline.pipe`` over ``texts`` (batches of 8), and the analyses."""
    from unspun.document import Article

    articles = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    started, cpu = time.perf_counter(), time.process_time()
    analyses = list(pipeline.pipe(articles, batch_size=8))
    return time.perf_counter() - started, time.process_time() - cpu, analyses


def run_full(
    texts: list[str], threads: int, entities: bool = True, ab_rounds: int = 0, warm: list[str] | None = None
) -> dict[str, Any]:
    """The whole default pipeline (language, spans, article level, entities and attributions,
    persuasion score) over Articles, batches of 8, as ``unspun analyze`` runs it; with the wall
    and CPU seconds of each component (``components``). With ``ab_rounds``, the same loaded
    pipeline runs again with its work ahead off and on (``work_ahead``: ABBA order, so that a
    load drifting over the run weighs on both alike)."""
    from unspun.analysis import build_pipeline
    from unspun.document import Article

    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    pipeline = build_pipeline(entities=entities)
    pipeline.load()
    spent = time_components(pipeline)
    # warm-up on ``warm``, texts not timed: the paragraph vectors and e5 states of the texts read
    # last are kept (ParagraphEmbedder, E5TokenEncoder), which would make timed ones cheaper
    list(pipeline.pipe([Article(id="w", text=t) for t in (warm if warm is not None else texts[:2])]))
    spent.clear()
    seconds, cpu, analyses = _timed_run(pipeline, texts)
    tokens = sum(len(t.split()) for t in texts)  # words: the pipelines tokenise differently
    components = {name: {"seconds": round(w, 2), "cpu_s": round(c, 2)} for name, (w, c) in spent.items()}
    result = {
        "seconds": seconds,
        "cpu_s": cpu,
        "tokens": tokens,
        "spans": sum(len(a.spans) for a in analyses),
        "components": components,
        "work_ahead": pipeline.work_ahead,
    }
    if ab_rounds:
        result["work_ahead_ab"] = _work_ahead_ab(pipeline, texts, ab_rounds, (seconds, cpu, analyses))
    return result


def _work_ahead_ab(
    pipeline: Any, texts: list[str], rounds: int, first: tuple[float, float, list[Any]]
) -> dict[str, Any]:
    """``rounds`` runs of ``pipeline`` with its work ahead off and as many with it on, in ABBA order
    after the ``first`` run (not counted: the first articles of a kind load what they use); each
    side's wall and CPU seconds per run, its best articles/s, the speed-up (best off wall / best on
    wall) and whether every analysis was the same as the first run's."""
    runs: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    reference = [a.to_dict() for a in first[2]]
    same = True
    order = [mode for r in range(rounds) for mode in ((False, True) if r % 2 == 0 else (True, False))]
    default = pipeline.work_ahead
    for mode in order:
        pipeline.work_ahead = mode
        seconds, cpu, analyses = _timed_run(pipeline, texts)
        runs[mode].append((seconds, cpu))
        same = same and [a.to_dict() for a in analyses] == reference
    pipeline.work_ahead = default
    sides = {
        "on" if mode else "off": {
            "seconds": [round(s, 2) for s, _ in rows],
            "cpu_s": [round(c, 2) for _, c in rows],
            "articles_per_s": len(texts) / min(s for s, _ in rows),
        }
        for mode, rows in runs.items()
    }
    best = {mode: min(s for s, _ in rows) for mode, rows in runs.items()}
    return sides | {"rounds": rounds, "speedup": best[False] / best[True], "same_analyses": same}


def run_folder(data_dir: Path, count: int, workers: str, command: bool = False) -> dict[str, Any]:
    """The first ``count`` PTC articles copied into a folder and analysed as ``unspun analyze DIR``
    does, in ``workers`` processes (``auto``: :func:`unspun.parallel.auto_workers`), timed after
    each worker has loaded its models and analysed a warm-up article (the next articles, not
    timed); with ``command``, then the command itself over the folder, end to end."""
    import shutil
    import tempfile

    from unspun.document import Article
    from unspun.parallel import auto_workers, open_pipeline, parse_workers
    from unspun.readers.dispatch import iter_articles
    from unspun.runner import RunReport, run

    files = sorted((data_dir / "ptc" / "train" / "articles").glob("article*.txt"))[: count + 4]
    asked = parse_workers(workers) or auto_workers(count)
    found: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="unspun-speed-") as scratch:
        folder = Path(scratch) / "articles"
        folder.mkdir()
        for path in files[:count]:
            shutil.copy(path, folder / path.name)
        warm = [Article(id=p.stem, text=p.read_text(encoding="utf-8")) for p in files[count:]]
        with open_pipeline(workers=asked) as pipeline:
            list(pipeline.pipe(warm[: max(asked, 2)], batch_size=1))  # one each, most likely
            report = RunReport()
            workers_cpu, own_cpu = _workers_cpu(pipeline), time.process_time()
            started = time.perf_counter()
            run(
                iter_articles(folder, on_error=report.on_error, on_skip=report.skip),
                pipeline,
                found.append,
                report=report,
            )
            seconds = time.perf_counter() - started
            cpu = time.process_time() - own_cpu + _workers_cpu(pipeline) - workers_cpu
        worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        ended: dict[str, Any] = {}
        if command:
            argv = [str(Path(sys.executable).parent / "unspun"), "analyze", str(folder), "--format", "jsonl"]
            began = time.perf_counter()
            subprocess.run(
                [*argv, "--workers", workers],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            ended["command_seconds"] = time.perf_counter() - began
            ended["command_articles_per_s"] = len(found) / ended["command_seconds"]
    texts = [a.article.text for a in found]
    return {
        "seconds": seconds,
        "cpu_s": cpu,  # of this process and its workers
        "tokens": sum(len(t.split()) for t in texts),  # words, as the full pipeline counts them
        "spans": sum(len(a.spans) for a in found),
        "failed": len(report.failures),
        "workers": asked,
        "worker_peak_rss_mb": worker_rss,
        **ended,
    }


def _workers_cpu(pipeline: Any) -> float:
    """The CPU seconds the worker processes of ``pipeline`` have used so far (0 for a pipeline in
    this process): user and system time of each, from ``/proc/PID/stat`` (Linux)."""
    pool = getattr(pipeline, "_pool", None)
    total = 0
    for pid in getattr(pool, "_processes", None) or {}:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime: the stat's 14th and 15th fields
    return total / os.sysconf("SC_CLK_TCK")


def run_reference(texts: list[str], threads: int, reference: str) -> dict[str, float]:
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

    torch.set_num_threads(threads)
    tokenizer = AutoTokenizer.from_pretrained(reference)
    model = AutoModelForTokenClassification.from_pretrained(reference, num_labels=3)
    tagger = pipeline(
        "token-classification",
        model=model,
        tokenizer=tokenizer,
        aggregation_strategy="simple",
        stride=64,
        device="cpu",
    )
    tokens = sum(len(ids) for ids in tokenizer(texts)["input_ids"])
    tagger(texts[:2])  # warm-up
    started = time.perf_counter()
    outputs = tagger(texts)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "tokens": tokens, "spans": sum(len(o) for o in outputs)}


def _child(args: argparse.Namespace) -> None:
    texts = _texts(Path(args.data), args.articles)
    if args.child in ("multilingual", "multilingual-torch", "multilingual-no-evidence"):
        torch_encoder = args.child == "multilingual-torch"
        evidence = args.child != "multilingual-no-evidence"
        result = run_multilingual(
            _multilingual_texts(Path(args.data), args.articles), args.threads, torch_encoder, evidence
        )
        result |= {"articles": args.articles, "peak_rss_mb": _peak_rss_mb()}
        print(json.dumps(result))
        return
    if args.child == "folder":
        result = run_folder(Path(args.data), args.articles, args.workers, args.command)
    elif args.child == "unspun":
        result = run_unspun(texts, args.threads, args.model)
    elif args.child in ("full", "full-no-whosays"):
        warm = _texts(Path(args.data), args.articles + 2)[args.articles :]  # the next two articles
        result = run_full(
            texts, args.threads, entities=args.child == "full", ab_rounds=args.prefetch_ab, warm=warm
        )
    else:
        result = run_reference(texts, args.threads, args.reference)
    result |= {"articles": len(texts), "peak_rss_mb": _peak_rss_mb()}
    print(json.dumps(result))


def _measure(which: str, args: argparse.Namespace, model: str = "") -> dict[str, float]:
    command = [
        sys.executable,
        __file__,
        "--child",
        which,
        "--articles",
        str(args.articles),
        "--data",
        args.data,
        "--threads",
        str(args.threads),
        "--reference",
        args.reference or "",
        "--model",
        model,
        "--prefetch-ab",
        str(args.prefetch_ab),
        "--workers",
        args.workers,
        *(["--command"] if args.command else []),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["articles_per_s"] = result["articles"] / result["seconds"]
    result["tokens_per_s"] = result["tokens"] / result["seconds"]
    return result


def _write_section(output: Path, key: str, section: dict[str, object]) -> None:
    """Write ``section`` as ``key`` of the JSON report ``output``, keeping its other sections."""
    report = json.loads(output.read_text(encoding="utf-8")) if output.is_file() else {}
    report[key] = section
    output.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {output}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=80)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--data", default=os.environ.get("UNSPUN_SHARED_DATA", str(ROOT.parent / "shared" / "data"))
    )
    parser.add_argument("--reference", default=None, help="reference model folder (default: fetch MPNet)")
    parser.add_argument("--compare", default="", help="another span model folder to time in the same run")
    parser.add_argument(
        "--child",
        choices=[
            "unspun",
            "reference",
            "full",
            "full-no-whosays",
            "folder",
            "multilingual",
            "multilingual-torch",
            "multilingual-no-evidence",
        ],
        help=argparse.SUPPRESS,
    )
    parser.add_argument(
        "--multilingual-only",
        action="store_true",
        help="time only the multilingual span model (fr, de, it, pl, ru SemEval-2023 articles) and "
        "write it into the report's 'multilingual_spans' section",
    )
    parser.add_argument(
        "--sentiment-only",
        action="store_true",
        help="time only portrayal's target-sentiment classifier over the entities of the articles, "
        "with what a cap on the sentences read per entity would save and change, into the report's "
        "'target_sentiment' section",
    )
    parser.add_argument(
        "--prefetch-ab",
        type=int,
        nargs="?",
        const=2,
        default=0,
        metavar="ROUNDS",
        help="time the full pipeline also with its work ahead (the next batch's parse on a thread of its "
        "own) off, ROUNDS runs each way (default 2), in one process over the same articles; written "
        "as full_pipeline.work_ahead_ab",
    )
    parser.add_argument(
        "--workers",
        default="auto",
        help="worker processes of the folder analysis (unspun analyze DIR --workers; default auto)",
    )
    parser.add_argument(
        "--command",
        action="store_true",
        help="also time the unspun analyze DIR command end to end (start and model loading included)",
    )
    parser.add_argument("--model", default="", help=argparse.SUPPRESS)
    parser.add_argument("--output", default=str(ROOT / "reports" / "speed.json"))
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    if args.sentiment_only:
        load_before = os.getloadavg()
        sentiment = run_sentiment(_texts(Path(args.data), args.articles), args.threads)
        print(
            f"target sentiment: {sentiment['inputs']} inputs ({sentiment['entities']} entities, "
            f"{sentiment['mentions']} mentions) in {sentiment['cpu_s']:.1f} CPU s, "
            f"{sentiment['seconds']:.1f} s on {args.threads} threads ({sentiment['cpu_ms_per_input']:.2f} CPU ms an input)"
        )
        for cap, row in sentiment["first_sentences_cap"].items():  # type: ignore[attr-defined]
            print(
                f"  first {cap} sentences an entity: {row['inputs']} inputs, "
                f"entity labels unchanged {row['entity_label_agreement']:.4f}"
            )
        section = sentiment | {
            "load_average_at_start": list(load_before),
            "load_average_at_end": list(os.getloadavg()),
            "command": "python benchmarks/speed.py --sentiment-only --articles " + str(args.articles),
        }
        _write_section(Path(args.output), "target_sentiment", section)
        return
    if args.multilingual_only:
        load_before = os.getloadavg()
        multilingual = _measure("multilingual", args)
        over_torch = _measure("multilingual-torch", args)  # the same heads over fp32 torch e5
        # The spans alone: what the paragraphs' span evidence costs, side by side.
        no_evidence = _measure("multilingual-no-evidence", args)
        ratio = multilingual["articles_per_s"] / over_torch["articles_per_s"]
        rows = (
            ("int8 ONNX e5 (shipped)", multilingual),
            ("fp32 torch e5", over_torch),
            ("int8 ONNX e5, no paragraph evidence", no_evidence),
        )
        for name, row in rows:
            print(
                f"multilingual spans, {name}: {row['articles_per_s']:.2f} articles/s, "
                f"{row['tokens_per_s']:.0f} e5 tokens/s, peak RSS {row['peak_rss_mb']:.0f} MB"
            )
        print(f"ratio (shipped / torch, articles/s, side by side): {ratio:.2f}x")
        _write_section(
            Path(args.output),
            "multilingual_spans",
            multilingual
            | {
                "threads": args.threads,
                "cpu_count": os.cpu_count(),
                "encoder": "int8 ONNX",
                "torch_fp32_encoder": over_torch,
                "over_torch": ratio,
                "without_paragraph_evidence": no_evidence,
                "load_average_at_start": list(load_before),
                "load_average_at_end": list(os.getloadavg()),
                "command": "python benchmarks/speed.py --multilingual-only --articles " + str(args.articles),
            },
        )
        return
    load_before, began = os.getloadavg(), time.perf_counter()
    if not args.reference:
        sys.path.insert(0, str(ROOT / "scripts"))
        from get_mpnet import get_mpnet

        from unspun.training.defaults import mpnet_dir

        args.reference = str(get_mpnet(mpnet_dir()))  # where the teacher recipe finds it too
    unspun = _measure("unspun", args)
    compared = _measure("unspun", args, args.compare) if args.compare else None
    full = _measure("full", args)  # the whole pipeline, entities and attributions included
    folder = _measure("folder", args)  # the same articles as a folder, in worker processes
    reference = _measure("reference", args)
    ratio = unspun["articles_per_s"] / reference["articles_per_s"]
    over_compared = unspun["articles_per_s"] / compared["articles_per_s"] if compared else None
    table: list[tuple[str, dict[str, Any]]] = [
        ("unspun default (SI+TC)", unspun),
        ("unspun full pipeline", full),
        # the folder's peak is a worker's (each loads the pipeline; this process holds no model)
        (
            f"unspun analyze DIR, {folder['workers']} proc",
            folder | {"peak_rss_mb": folder["worker_peak_rss_mb"]},
        ),
        ("transformers MPNet pipeline", reference),
    ]
    if compared:
        table.insert(1, ("unspun --compare model", compared))
    print(f"{'':28}{'articles/s':>12}{'tokens/s':>12}{'peak RSS MB':>14}")
    for name, row in table:
        print(f"{name:28}{row['articles_per_s']:12.2f}{row['tokens_per_s']:12.0f}{row['peak_rss_mb']:14.0f}")
    print(
        f"CPU s an article: full pipeline in one process {full['cpu_s'] / full['articles']:.2f}, "
        f"the folder in {folder['workers']} processes {folder['cpu_s'] / folder['articles']:.2f}"
    )
    print(f"full pipeline by component (wall s / CPU s of {full['seconds']:.1f} / {full['cpu_s']:.1f}):")
    for name, spent in full["components"].items():  # type: ignore[attr-defined]
        print(f"  {name:26}{spent['seconds']:8.2f}{spent['cpu_s']:8.2f}")
    ab = full.get("work_ahead_ab")
    if ab:
        on, off = ab["on"], ab["off"]  # type: ignore[index]
        print(
            f"full pipeline, work ahead on / off: {on['articles_per_s']:.2f} / {off['articles_per_s']:.2f} "
            f"articles/s (best of {ab['rounds']} each; wall s on {on['seconds']}, off {off['seconds']}): "  # type: ignore[index]
            f"{ab['speedup']:.2f}x, analyses the same: {ab['same_analyses']}"  # type: ignore[index]
        )
    if "command_seconds" in folder:
        print(
            f"unspun analyze DIR --workers {args.workers} ({folder['workers']} processes), the command end "
            f"to end (start and loading included): {folder['command_articles_per_s']:.2f} articles/s"
        )
    print(
        f"full analysis over reference (articles/s, side by side): one process "
        f"{full['articles_per_s'] / reference['articles_per_s']:.2f}x, folder in "
        f"{folder['workers']} processes {folder['articles_per_s'] / reference['articles_per_s']:.2f}x"
    )
    print(f"speed ratio (unspun / reference, articles/s): {ratio:.1f}x on {unspun['articles']} articles")
    if compared:
        print(f"default / --compare model ({args.compare}): {over_compared:.2f}x")
    output = Path(args.output)
    earlier = json.loads(output.read_text(encoding="utf-8")) if output.is_file() else {}
    report = {
        "articles": unspun["articles"],
        "threads": args.threads,
        "machine": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "unspun": unspun,
        "full_pipeline": full,
        "full_over_reference": full["articles_per_s"] / reference["articles_per_s"],
        "folder": folder,
        "folder_over_reference": folder["articles_per_s"] / reference["articles_per_s"],
        "reference": reference | {"model": args.reference},
        "speed_ratio": ratio,
        "command": "python " + " ".join(sys.argv),
        "wall_s": round(time.perf_counter() - began, 1),
        "load_average_at_start": list(load_before),
        "load_average_at_end": list(os.getloadavg()),
    }
    for kept in ("multilingual_spans", "target_sentiment"):  # written by --*-only, kept
        if kept in earlier:
            report[kept] = earlier[kept]
    if compared:
        report["compare"] = compared | {"model": args.compare}
        report["default_over_compare"] = over_compared
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
