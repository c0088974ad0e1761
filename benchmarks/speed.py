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
  alone (``--child full`` / ``--child full-no-whosays`` time one of them on its own).

Prints articles/s, tokens/s, peak RSS for both and the speed ratio; writes
``reports/speed.json``. ``--compare FOLDER`` adds another span model folder (say, the previous
release's) to the same run, with its ratio to the default.

    python benchmarks/speed.py [--articles 80] [--reference PATH] [--threads 2] [--compare FOLDER]
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

ROOT = Path(__file__).resolve().parents[1]


def _texts(data_dir: Path, count: int) -> list[str]:
    files = sorted((data_dir / "ptc" / "train" / "articles").glob("article*.txt"))[:count]
    return [path.read_text(encoding="utf-8") for path in files]


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


def run_full(texts: list[str], threads: int, entities: bool = True) -> dict[str, float]:
    """The whole default pipeline (language, spans, article level, entities and attributions,
    persuasion score) over Articles, batches of 8, as ``unspun analyze`` runs it."""
    from unspun.analysis import build_pipeline
    from unspun.document import Article

    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    pipeline = build_pipeline(entities=entities)
    pipeline.load()
    list(pipeline.pipe([Article(id="w", text=t) for t in texts[:2]]))  # warm-up
    articles = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    started = time.perf_counter()
    analyses = list(pipeline.pipe(articles, batch_size=8))
    seconds = time.perf_counter() - started
    tokens = sum(len(t.split()) for t in texts)  # words: the pipelines tokenise differently
    return {"seconds": seconds, "tokens": tokens, "spans": sum(len(a.spans) for a in analyses)}


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
    if args.child == "unspun":
        result = run_unspun(texts, args.threads, args.model)
    elif args.child in ("full", "full-no-whosays"):
        result = run_full(texts, args.threads, entities=args.child == "full")
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
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["articles_per_s"] = result["articles"] / result["seconds"]
    result["tokens_per_s"] = result["tokens"] / result["seconds"]
    return result


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
        "--child", choices=["unspun", "reference", "full", "full-no-whosays"], help=argparse.SUPPRESS
    )
    parser.add_argument("--model", default="", help=argparse.SUPPRESS)
    parser.add_argument("--output", default=str(ROOT / "reports" / "speed.json"))
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    if not args.reference:
        sys.path.insert(0, str(ROOT / "scripts"))
        from get_mpnet import get_mpnet

        from unspun.training.defaults import mpnet_dir

        args.reference = str(get_mpnet(mpnet_dir()))  # where the teacher recipe finds it too
    unspun = _measure("unspun", args)
    compared = _measure("unspun", args, args.compare) if args.compare else None
    full = _measure("full", args)  # the whole pipeline, entities and attributions included
    reference = _measure("reference", args)
    ratio = unspun["articles_per_s"] / reference["articles_per_s"]
    over_compared = unspun["articles_per_s"] / compared["articles_per_s"] if compared else None
    rows = [
        ("unspun default (SI+TC)", unspun),
        ("unspun full pipeline", full),
        ("transformers MPNet pipeline", reference),
    ]
    if compared:
        rows.insert(1, ("unspun --compare model", compared))
    print(f"{'':28}{'articles/s':>12}{'tokens/s':>12}{'peak RSS MB':>14}")
    for name, row in rows:
        print(f"{name:28}{row['articles_per_s']:12.2f}{row['tokens_per_s']:12.0f}{row['peak_rss_mb']:14.0f}")
    print(f"speed ratio (unspun / reference, articles/s): {ratio:.1f}x on {unspun['articles']} articles")
    if compared:
        print(f"default / --compare model ({args.compare}): {over_compared:.2f}x")
    report = {
        "articles": unspun["articles"],
        "threads": args.threads,
        "machine": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "unspun": unspun,
        "full_pipeline": full,
        "reference": reference | {"model": args.reference},
        "speed_ratio": ratio,
    }
    if compared:
        report["compare"] = compared | {"model": args.compare}
        report["default_over_compare"] = over_compared
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
