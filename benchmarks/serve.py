"""Load on a real local server: concurrent clients posting analyses and querying the store.

Starts ``unspun serve`` (uvicorn) on 127.0.0.1 in a subprocess with a fresh store (a temporary
SQLite file, or ``--db URL``), stores ``--seed`` articles through the API, then runs
``--clients`` concurrent ``httpx.AsyncClient`` loops for ``--duration`` seconds: a share of
them (``--analysers``) post analyses (every other one stored), the rest cycle through the read
routes (article lists, search, outlets, a profile, a comparison, one article). Prints and
writes (``reports/serve.json``) requests/s, p50/p99 latency per route and overall, and the
errors, which must be 0 (the exit status is 1 otherwise).

    python benchmarks/serve.py [--duration 30] [--clients 50] [--analysers 10] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
OUTLETS = ["The Daily Example", "Harbour Herald", "Evening Post", "Civic Voice"]
SENTENCES = [
    "The corrupt, evil council will destroy our great {place} unless every patriot acts now!",
    "Officials met on {day} to discuss the {place} budget, a spokesperson said.",
    "Only a fool would trust these shameless crooks with our children's future.",
    "The vote on the {place} plan was postponed until {month}, according to the minutes.",
    "Wake up, before it is too late: they lie, they cheat, and they will never stop.",
    "Rain is expected on {day} across the region, forecasters said.",
    "Residents of {place} say the new rules are a disaster that nobody asked for.",
    "The report, published in {month}, found that costs rose by {n} percent.",
]
WORDS = {
    "place": ["harbour", "old town", "riverside", "market square", "north district"],
    "day": ["Monday", "Tuesday", "Friday", "Sunday"],
    "month": ["March", "June", "October", "December"],
}


def article(rng: random.Random, number: int) -> dict[str, Any]:
    """A unique synthetic article of about 120 words (the number makes its text unique)."""
    sentences = [
        rng.choice(SENTENCES).format(n=rng.randint(2, 40), **{k: rng.choice(v) for k, v in WORDS.items()})
        for _ in range(8)
    ]
    month = rng.randint(1, 12)
    return {
        "text": f"Report number {number}\n\n" + " ".join(sentences[:4]) + "\n\n" + " ".join(sentences[4:]),
        "outlet": rng.choice(OUTLETS),
        "published": f"2024-{month:02d}-{rng.randint(1, 28):02d}",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, db: str, workers: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-c",
        "from unspun.cli import app; app()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        db,
        "--workers",
        str(workers),
    ]
    env = {**os.environ, "UNSPUN_TOKEN": ""}
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(base: str, server: subprocess.Popen[bytes], limit: float = 120.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            if httpx.get(base + "/api", timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer within {limit:.0f} s")


async def seed(base: str, count: int, rng: random.Random) -> list[str]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        ids = []
        for number in range(count):
            record = {**article(rng, number), "outlet": OUTLETS[number % len(OUTLETS)], "store": True}
            response = await client.post("/api/analyze", json=record)
            response.raise_for_status()
            ids.append(response.json()["article_id"])
        return ids


class Recorder:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def add(self, route: str, seconds: float, status: int | None, detail: str = "") -> None:
        self.latencies[route].append(seconds)
        if status is None or status >= 400:
            self.errors.append(f"{route}: {status} {detail}"[:300])


async def analyser(
    client: httpx.AsyncClient, rec: Recorder, deadline: float, rng: random.Random, base: int
) -> None:
    number = base
    while time.perf_counter() < deadline:
        number += 1
        body = {**article(rng, number), "store": number % 2 == 0}
        await timed(client, rec, "POST /api/analyze", "POST", "/api/analyze", json=body)


async def reader(
    client: httpx.AsyncClient, rec: Recorder, deadline: float, rng: random.Random, ids: list[str]
) -> None:
    routes: list[tuple[str, str, dict[str, Any]]] = [
        ("GET /api/articles", "/api/articles", {"limit": 20}),
        ("GET /api/articles (filtered)", "/api/articles", {"outlet": OUTLETS[0], "min_score": 0.1}),
        ("GET /api/search", "/api/search", {"q": "harbour"}),
        ("GET /api/outlets", "/api/outlets", {}),
        ("GET /api/outlets/{name}/profile", f"/api/outlets/{OUTLETS[1]}/profile", {}),
        (
            "GET /api/outlets/{name}/profile?compare",
            f"/api/outlets/{OUTLETS[0]}/profile",
            {"compare": OUTLETS[2]},
        ),
    ]
    while time.perf_counter() < deadline:
        if rng.random() < 0.25:
            await timed(client, rec, "GET /api/articles/{id}", "GET", f"/api/articles/{rng.choice(ids)}")
        else:
            name, path, params = rng.choice(routes)
            await timed(client, rec, name, "GET", path, params=params)


async def timed(
    client: httpx.AsyncClient, rec: Recorder, route: str, method: str, path: str, **kw: Any
) -> None:
    started = time.perf_counter()
    try:
        response = await client.request(method, path, **kw)
        rec.add(route, time.perf_counter() - started, response.status_code, response.text[:200])
    except httpx.HTTPError as error:
        rec.add(route, time.perf_counter() - started, None, f"{type(error).__name__}: {error}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]


def summary(values: list[float], seconds: float) -> dict[str, float]:
    return {
        "requests": len(values),
        "requests_per_s": round(len(values) / seconds, 2),
        "p50_ms": round(percentile(values, 50) * 1000, 1),
        "p99_ms": round(percentile(values, 99) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


async def load(
    base: str, clients: int, analysers: int, duration: float, ids: list[str]
) -> tuple[Recorder, float]:
    """Each client has its own connection (an ``AsyncClient`` of one), used back to back."""
    rec = Recorder()
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    sessions = [httpx.AsyncClient(base_url=base, timeout=180, limits=limits) for _ in range(clients)]
    try:
        started = time.perf_counter()
        deadline = started + duration
        tasks = [
            analyser(session, rec, deadline, random.Random(i), 10_000 * (i + 1))
            if i < analysers
            else reader(session, rec, deadline, random.Random(i), ids)
            for i, session in enumerate(sessions)
        ]
        await asyncio.gather(*tasks)
        return rec, time.perf_counter() - started
    finally:
        for session in sessions:
            await session.aclose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="Seconds of load.")
    parser.add_argument("--clients", type=int, default=50, help="Concurrent clients.")
    parser.add_argument("--analysers", type=int, default=10, help="How many of the clients post analyses.")
    parser.add_argument("--seed", type=int, default=40, help="Articles stored before the load.")
    parser.add_argument("--workers", type=int, default=2, help="The server's analysis worker threads.")
    parser.add_argument("--db", default=None, help="Store URL (default: a temporary SQLite file).")
    parser.add_argument("--output", type=Path, default=ROOT / "reports" / "serve.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"sqlite:///{Path(tmp) / 'serve.db'}"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(port, db, args.workers)
        try:
            ready = wait_ready(base, server)
            seeding = time.perf_counter()
            ids = asyncio.run(seed(base, args.seed, random.Random(0)))
            seed_seconds = time.perf_counter() - seeding
            rec, seconds = asyncio.run(load(base, args.clients, args.analysers, args.duration, ids))
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()

    every = [v for values in rec.latencies.values() for v in values]
    report = {
        "benchmark": "serve",
        "server": "unspun serve (uvicorn, 127.0.0.1), store "
        + ("--db given" if args.db else "temporary SQLite"),
        "clients": args.clients,
        "analysers": args.analysers,
        "workers": args.workers,
        "duration_s": round(seconds, 1),
        "startup_s": round(ready, 1),
        "seeded_articles": args.seed,
        "seed_analyses_per_s": round(args.seed / seed_seconds, 2),
        "overall": summary(every, seconds),
        "routes": {route: summary(values, seconds) for route, values in sorted(rec.latencies.items())},
        "errors": len(rec.errors),
        "error_examples": rec.errors[:10],
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "command": "python benchmarks/serve.py " + " ".join(sys.argv[1:]),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    o = report["overall"]
    print(f"{args.clients} clients ({args.analysers} posting analyses) for {seconds:.0f} s against {base}:")
    print(f"  overall: {o['requests_per_s']} requests/s, p50 {o['p50_ms']} ms, p99 {o['p99_ms']} ms")
    for route, s in report["routes"].items():
        print(
            f"  {route:42} {s['requests']:6} req  {s['requests_per_s']:8} /s  p50 {s['p50_ms']:8} ms  p99 {s['p99_ms']:8} ms"
        )
    print(f"  errors: {report['errors']}")
    for example in report["error_examples"]:
        print(f"    {example}")
    print(f"wrote {args.output}")
    return 1 if rec.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
