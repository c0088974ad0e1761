"""Time and peak memory of ``unspun analyze`` on very long texts (1, 5 and 10 MB by default).

Each size runs in its own subprocess (so that the peak RSS is its own), on a synthetic English
text of that many bytes made of the sample article's sentences shuffled into paragraphs (seeded,
so every run reads the same text). The child reads the file as the CLI does (the default input
limit, 10 MB, is the largest size), loads the default pipeline, analyses the text and serialises
the analysis to JSON. Prints, and writes to ``reports/long-input.json``, per size: seconds (the
analysis and serialisation, models loaded before), peak RSS, RSS with the models loaded, the
spans found, and the seconds and MB per input MB, which stay flat when cost grows linearly.

    python benchmarks/long_input.py [--sizes 1 5 10] [--output reports/long-input.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024  # the unit of --max-input-mb


def synthetic_text(n_bytes: int, seed: int = 13) -> str:
    """An English text of ``n_bytes`` UTF-8 bytes (fewer only where a character would be cut): a title, then paragraphs of 2-5 of the
    sample article's sentences in a seeded random order, separated by blank lines."""
    sample = (ROOT / "examples" / "sample-article.txt").read_text(encoding="utf-8")
    title, _, body = sample.partition("\n")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(body.split())) if s]
    rng = random.Random(seed)
    parts = [title.strip(), ""]
    size = len(parts[0].encode("utf-8")) + 1
    while size < n_bytes:
        paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
        parts += [paragraph, ""]
        size += len(paragraph.encode("utf-8")) + 2
    text = "\n".join(parts)
    encoded = text.encode("utf-8")[: n_bytes - 1]
    return encoded.decode("utf-8", errors="ignore") + "\n"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(megabytes: float) -> dict[str, float | int]:
    """Analyse one synthetic text of ``megabytes`` MB in this process; the figures as a dict."""
    from unspun.analysis import load_pipeline
    from unspun.config import load_settings
    from unspun.progress import listening
    from unspun.readers.dispatch import iter_articles

    settings = load_settings(None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.txt"
        path.write_text(synthetic_text(int(megabytes * MB)), encoding="utf-8")
        n_bytes = path.stat().st_size
        pipeline = load_pipeline()
        loaded = _rss_mb()
        started = time.perf_counter()
        last = [0.0]

        def show(stage: str, done: int, total: int) -> None:
            if time.perf_counter() - last[0] > 30 or done == total:
                last[0] = time.perf_counter()
                print(f"  {megabytes} MB: {stage} {done}/{total}", file=sys.stderr, flush=True)

        with listening(show):
            articles = list(iter_articles(path, max_bytes=settings.max_input_bytes))
            analysis = next(pipeline.pipe(articles)).raise_for_errors()
            serialised = json.dumps(analysis.to_dict(), ensure_ascii=False)
        seconds = time.perf_counter() - started
    return {
        "mb": megabytes,
        "bytes": n_bytes,
        "characters": len(analysis.text),
        "paragraphs": len(analysis.paragraphs),
        "spans": len(analysis.spans),
        "json_mb": round(len(serialised.encode("utf-8")) / MB, 1),
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(_rss_mb(), 1),
        "models_rss_mb": round(loaded, 1),
        "seconds_per_mb": round(seconds / megabytes, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.0, 5.0, 10.0], help="text sizes in MB")
    parser.add_argument("--output", type=Path, default=ROOT / "reports" / "long-input.json")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(run_child(args.child)))
        return
    rows = []
    for size in args.sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(size)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"{size:>5} MB: {row['seconds']:>7} s ({row['seconds_per_mb']} s/MB), peak RSS "
            f"{row['peak_rss_mb']} MB (models {row['models_rss_mb']} MB), {row['spans']} spans",
            flush=True,
        )
    report = {
        "benchmark": "long_input",
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "limit_mb": 2048,
        "sizes": rows,
        "within_limit": all(row["peak_rss_mb"] <= 2048 for row in rows),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
