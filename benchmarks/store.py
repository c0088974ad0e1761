"""Store speed: query latency on 10,000 and 100,000 synthetic articles (SQLite and PostgreSQL),
and ingest against ``unspun analyze`` in articles/s in the same run.

1. Query latency. Synthetic analyses are made without the models (random sentences, 0-12
   technique spans each, a genre, frames, paragraph techniques, a persuasion score, two
   entities and a quote; 20 outlets over 24 months) and written with ``Store.add_many`` in
   batches of 1,000. At 10,000 and again at 100,000 articles, each query runs ``--repeat``
   times: an outlet profile, outlets, full-text search for a rare and a common word, a
   filtered search (technique + outlet + score range), the second page of a search, one
   article by id, quoted sources of an outlet. The median and worst latency of each are reported.
2. Ingest against analyze. The same ``--articles`` JSONL articles are analysed by the loaded
   default pipeline twice: ``Pipeline.pipe`` alone (what ``unspun analyze`` runs) and
   :func:`unspun.store.ingest.ingest` into a fresh SQLite store (reading, the duplicate check,
   analysis and the per-batch commit). Articles/s of both and their ratio.

Prints a table and writes ``reports/store.json``.

    python benchmarks/store.py [--sizes 10000 100000] [--postgres URL] [--repeat 5] [--articles 60]

PostgreSQL is ``--postgres`` or ``$UNSPUN_TEST_POSTGRES``; the benchmark works in a schema of its
own, dropped at the end. Without a server only SQLite is measured (and the report says so).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
OUTLETS = [f"Outlet {n:02d}" for n in range(20)]
WORDS = [
    "council",
    "harbour",
    "budget",
    "minister",
    "plan",
    "vote",
    "market",
    "school",
    "road",
    "tax",
    "police",
    "court",
    "election",
    "river",
    "hospital",
    "workers",
    "families",
    "reform",
    "crisis",
    "future",
    "nation",
    "patriots",
    "elite",
    "corrupt",
    "radical",
    "disaster",
    "promise",
    "report",
    "spokesperson",
    "critics",
    "officials",
    "citizens",
    "weather",
    "festival",
    "bridge",
    "railway",
]
RARE = "zeppelin"  # in one article in 2,000
COMMON = "harbour"


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def synthetic(n: int, rng: random.Random) -> Any:
    """Synthetic analysis number ``n`` (no models run)."""
    from unspun.document import (
        TECHNIQUE_LAYER,
        Analysis,
        Article,
        Attribution,
        Entity,
        Label,
        ModelInfo,
        Span,
        TextRange,
        split_paragraphs,
    )
    from unspun.techniques import PTC14_LABELS

    paragraphs = [
        " ".join(_sentence(rng) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(3, 8))
    ]
    if n % 2000 == 7:
        paragraphs[0] = f"The {RARE} returned to the sky. " + paragraphs[0]
    text = f"Article {n}\n\n" + "\n\n".join(paragraphs)
    day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(730))
    article = Article(
        id=f"s{n}",
        text=text,
        title=f"Article {n}",
        outlet=OUTLETS[n % len(OUTLETS)],
        url=f"https://example.org/{n}",
        published=day,
        language="en",
    )
    article.unspun_version = "bench"
    spans = []
    for _ in range(rng.randint(0, 12)):
        start = rng.randrange(0, len(text) - 20)
        spans.append(
            Span(start, start + rng.randint(5, 19), rng.choice(PTC14_LABELS), round(rng.random(), 4))
        )
    article.set_layer(TECHNIQUE_LAYER, spans)
    article.labels["genre"] = [Label(rng.choice(["opinion", "reporting", "satire"]), 0.8)]
    article.labels["frames"] = [
        Label(f, 0.6)
        for f in rng.sample(
            ["Political", "Economic", "Morality", "Security_and_defense", "Quality_of_life"], 2
        )
    ]
    article.paragraphs = split_paragraphs(text)
    for paragraph in article.paragraphs[1:3]:
        paragraph.techniques = [Label(rng.choice(PTC14_LABELS), 0.7)]
    article.scores["persuasion"] = round(rng.random(), 4)
    first = text.index("\n\n") + 2
    article.entities = [
        Entity(
            "E1",
            rng.choice(["Karzai", "Brown", "Gates", "the mayor"]),
            "PERSON",
            [TextRange(first, first + 5)],
            sentiment=Label("negative", 0.7),
            role=Label("Antagonist", 0.6),
        ),
        Entity("E2", rng.choice(["MI6", "the council"]), "ORG", [TextRange(first + 6, first + 10)]),
    ]
    article.attributions = [
        Attribution(
            "Q1",
            TextRange(first + 11, first + 30),
            source=TextRange(first, first + 5),
            cue=TextRange(first + 6, first + 10),
            kind="indirect",
            source_entity="E1",
        )
    ]
    article.models = [ModelInfo("spans", "synthetic", "1.0")]
    return Analysis(article)


def fill(store: Any, start: int, stop: int, rng: random.Random) -> float:
    """Add synthetic analyses ``start`` .. ``stop`` - 1; returns articles/s of the writes."""
    written = 0.0
    for first in range(start, stop, 1000):
        batch = [synthetic(n, rng) for n in range(first, min(stop, first + 1000))]
        began = time.perf_counter()
        store.add_many(batch)
        written += time.perf_counter() - began
    return (stop - start) / written if written else 0.0


def _timed(function: Callable[[], Any], repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return {"median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2)}


def queries(store: Any, repeat: int) -> dict[str, dict[str, float]]:
    from unspun.store import SearchQuery

    first = store.search(SearchQuery(limit=50))
    some_id = first.items[0].article_id
    return {
        "profile": _timed(lambda: store.profile(OUTLETS[3]), repeat),
        "compare": _timed(lambda: store.compare(OUTLETS[3], OUTLETS[4]), repeat),
        "outlets": _timed(store.outlets, repeat),
        "search_rare_word": _timed(lambda: store.search(SearchQuery(text=RARE)), repeat),
        "search_common_word": _timed(lambda: store.search(SearchQuery(text=COMMON)), repeat),
        "search_filtered": _timed(
            lambda: store.search(
                SearchQuery(technique="Loaded_Language", outlet=OUTLETS[5], min_score=0.5, genre="opinion")
            ),
            repeat,
        ),
        "search_all_page_2": _timed(lambda: store.search(SearchQuery(limit=50, next=first.next)), repeat),
        "get_article": _timed(lambda: store.get(some_id), repeat),
        "quoted_sources": _timed(lambda: store.quoted_sources(outlet=OUTLETS[3]), repeat),
    }


def bench_store(url: str, sizes: list[int], repeat: int) -> dict[str, Any]:
    from unspun.store import open_store

    rng = random.Random(16)
    result: dict[str, Any] = {"sizes": {}}
    with open_store(url) as store:
        have = 0
        for size in sizes:
            rate = fill(store, have, size, rng)
            have = size
            measured = queries(store, repeat)
            result["sizes"][str(size)] = {"write_articles_per_s": round(rate, 1), "queries": measured}
            worst = max(q["max_ms"] for q in measured.values())
            print(f"  {size:>7} articles: writes {rate:,.0f}/s, worst query {worst:.0f} ms", flush=True)
    return result


def _feed(count: int, folder: Path) -> Path:
    rng = random.Random(7)
    path = folder / "feed.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            body = "\n\n".join(" ".join(_sentence(rng) for _ in range(4)) for _ in range(5))
            handle.write(
                json.dumps(
                    {
                        "id": f"i{n}",
                        "text": f"The corrupt elite will destroy everything! {body}",
                        "outlet": OUTLETS[n % 3],
                    }
                )
                + "\n"
            )
    return path


def bench_ingest(count: int, folder: Path) -> dict[str, Any]:
    from unspun.analysis import load_pipeline
    from unspun.readers.dispatch import iter_articles
    from unspun.store import open_store
    from unspun.store.ingest import ingest

    feed = _feed(count, folder)
    pipeline = load_pipeline()
    list(pipeline.pipe(list(iter_articles(str(feed), max_bytes=10**8))[:4]))  # warm-up
    began = time.perf_counter()
    analysed = sum(1 for a in pipeline.pipe(iter_articles(str(feed), max_bytes=10**8)) if a.ok)
    analyze_s = time.perf_counter() - began
    with open_store(f"sqlite:///{folder / 'ingest.db'}") as store:
        began = time.perf_counter()
        summary = ingest([str(feed)], store, analyser=pipeline)
        ingest_s = time.perf_counter() - began
    return {
        "articles": count,
        "analysed": analysed,
        "ingested": summary.new,
        "analyze_articles_per_s": round(count / analyze_s, 2),
        "ingest_articles_per_s": round(count / ingest_s, 2),
        "ingest_over_analyze": round(analyze_s / ingest_s, 3),
    }


def _postgres_schema(server: str) -> tuple[str, str]:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    joiner = "&" if "?" in server else "?"
    return schema, f"{server}{joiner}options={quote(f'-csearch_path={schema}')}"


def _drop_schema(server: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--articles", type=int, default=60, help="articles for ingest against analyze")
    parser.add_argument("--postgres", default=os.environ.get("UNSPUN_TEST_POSTGRES"))
    parser.add_argument(
        "--stores", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "reports" / "store.json")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {
        "benchmark": "store",
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        # The machine is shared: the load says how much the wall-clock latencies are inflated.
        "load_average_at_start": list(os.getloadavg()),
        "sizes": args.sizes,
        "repeat": args.repeat,
        "stores": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "sqlite" in args.stores:
            print("sqlite:", flush=True)
            report["stores"]["sqlite"] = bench_store(
                f"sqlite:///{folder / 'bench.db'}", args.sizes, args.repeat
            )
        if "postgresql" not in args.stores:
            pass
        elif args.postgres:
            print("postgresql:", flush=True)
            schema, url = _postgres_schema(args.postgres)
            try:
                report["stores"]["postgresql"] = bench_store(url, args.sizes, args.repeat)
            finally:
                _drop_schema(args.postgres, schema)
        else:
            report["stores"]["postgresql"] = "not measured: no server (--postgres or $UNSPUN_TEST_POSTGRES)"
        if not args.skip_ingest:
            print("ingest against analyze:", flush=True)
            report["ingest"] = bench_ingest(args.articles, folder)
    report["load_average_at_end"] = list(os.getloadavg())
    _print(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


def _print(report: dict[str, Any]) -> None:
    for name, store in report["stores"].items():
        if isinstance(store, str):
            print(f"{name}: {store}")
            continue
        sizes = list(store["sizes"])
        print(f"\n{name} (median / worst ms)" + "".join(f"  {s:>18}" for s in sizes))
        for query in store["sizes"][sizes[0]]["queries"]:
            cells = "".join(
                f"  {store['sizes'][s]['queries'][query]['median_ms']:>8.1f} / {store['sizes'][s]['queries'][query]['max_ms']:>7.1f}"
                for s in sizes
            )
            print(f"  {query:<20}{cells}")
    if "ingest" in report:
        i = report["ingest"]
        print(
            f"\ningest {i['ingest_articles_per_s']} articles/s, analyze {i['analyze_articles_per_s']} articles/s "
            f"(ingest / analyze speed {i['ingest_over_analyze']})"
        )


if __name__ == "__main__":
    sys.exit(main())
