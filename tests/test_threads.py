"""unspun.analyze from many threads at once gives the sequential results; bad texts fail alone."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import unspun

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-article.txt"
FRENCH = (
    "Le conseil municipal brade le port\n\n"
    "Le conseil a voté mardi la cession du vieux port à une société amie du maire, sans appel d'offres. "
    "Les opposants dénoncent un scandale honteux et une trahison des habitants.\n"
)
SPANISH = (
    "El gobierno anunció el martes que las nuevas normas fiscales se aplicarán a todos los hogares del país."
)


def _texts() -> list[str]:
    sample = SAMPLE.read_text(encoding="utf-8")
    title, _, body = sample.partition("\n")
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    texts = [
        sample,
        sample.replace("\n", "\r\n"),
        "\ufeff" + sample,
        title + "\n\n" + "\n\n".join(reversed(paragraphs)),
        FRENCH,
        "<html><body><article><h1>"
        + title
        + "</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article></body></html>",
    ]
    texts += [title + "\n\n" + p for p in paragraphs]
    texts += [f"{title} ({n})\n\n" + "\n\n".join(paragraphs[: n + 1]) for n in range(len(paragraphs))]
    good = texts[:14]
    assert len(good) == 14
    return good[:5] + ["   \n\t  "] + good[5:11] + [SPANISH] + good[11:]


def _outcome(text: str) -> tuple[str, Any]:
    try:
        return "ok", unspun.analyze(text).to_dict()
    except unspun.UnspunError as error:
        return type(error).__name__, error.message


def test_eight_threads_give_the_sequential_results_and_bad_texts_fail_alone() -> None:
    texts = _texts()
    start = threading.Barrier(8)

    def call(text: str) -> tuple[str, Any]:
        if threading.current_thread().name not in started:
            started.add(threading.current_thread().name)
            start.wait(timeout=60)  # the first eight calls start together, models not yet loaded
        return _outcome(text)

    started: set[str] = set()
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(call, texts))
    sequential = [_outcome(text) for text in texts]
    assert [kind for kind, _ in threaded] == [kind for kind, _ in sequential]
    assert [kind for kind, _ in sequential].count("ok") == 14
    assert sequential[5][0] == "EmptyInputError"
    assert sequential[12][0] == "LanguageNotSupportedError" and "'es'" in sequential[12][1]
    for (kind, got), (_, expected) in zip(threaded, sequential, strict=True):
        assert got == expected, kind
    french = sequential[4][1]
    # French spans come from the multilingual model (the [multilingual] extra), in its taxonomy.
    assert french["language"] == "fr" and all(s["taxonomy"] == "semeval2023" for s in french["spans"])
