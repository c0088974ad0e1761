"""Worker processes (:mod:`unspun.parallel`): the same analyses as one process, in input order."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from unspun import parallel
from unspun.cli import app
from unspun.config import ModelSettings
from unspun.errors import ConfigError, ModelError
from unspun.models.cpus import available_cpus
from unspun.parallel import PER_WORKER, WORKER_BYTES, ParallelPipeline, auto_workers, parse_workers

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-article.txt"
SECOND = (
    "The city council voted on Tuesday to close two libraries, a decision the mayor called "
    "'painful but unavoidable'. Residents said the move would leave the north side without any "
    "public reading room. 'This is a disgrace,' said Ana Ruiz, who has run a reading club there for "
    "ten years. The council will meet again next month to discuss the budget."
)


def _same(one: Any, other: Any, where: str = "") -> list[str]:
    """Where ``one`` and ``other`` (JSON values) differ: floats within 1e-4, all else exactly."""
    if isinstance(one, dict) and isinstance(other, dict):
        if one.keys() != other.keys():
            return [f"{where}: keys {sorted(one.keys() ^ other.keys())}"]
        return [d for key in one for d in _same(one[key], other[key], f"{where}.{key}")]
    if isinstance(one, list) and isinstance(other, list):
        if len(one) != len(other):
            return [f"{where}: {len(one)} items against {len(other)}"]
        return [
            d for i, (a, b) in enumerate(zip(one, other, strict=True)) for d in _same(a, b, f"{where}[{i}]")
        ]
    if isinstance(one, float) and isinstance(other, float):
        return [] if math.isclose(one, other, abs_tol=1e-4) else [f"{where}: {one} against {other}"]
    return [] if one == other else [f"{where}: {one!r} against {other!r}"]


def test_parse_workers_reads_auto_and_whole_numbers() -> None:
    assert parse_workers("auto") is None and parse_workers(" AUTO ") is None
    assert parse_workers("3") == 3 and parse_workers(1) == 1
    for bad in ("0", "-2", "two", "1.5", ""):
        with pytest.raises(ConfigError, match="--workers must be 'auto' or a whole number of at least 1"):
            parse_workers(bad)


def test_auto_workers_is_one_for_a_few_articles_and_no_more_than_the_cpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # memory for many workers: the count rules alone (a fresh clone's CI once had too little free)
    monkeypatch.setattr(parallel, "_available_bytes", lambda: 64 * WORKER_BYTES)
    assert auto_workers(1) == 1 and auto_workers(PER_WORKER + 1) == 1  # loading would cost more
    assert auto_workers(None) == 1  # a single input of unknown size: standard input, a page's URL
    assert 1 <= auto_workers(None, many=True) <= available_cpus()
    assert 1 <= auto_workers(1000) <= available_cpus()
    assert auto_workers(2 * PER_WORKER) == min(2, available_cpus())


def test_auto_workers_start_no_more_than_the_memory_available_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    # the memory a new process may have is what the system reports available, not only free
    available = parallel._available_bytes()
    assert available is not None and available > 0
    monkeypatch.setattr(parallel, "_available_bytes", lambda: WORKER_BYTES + 1)
    assert auto_workers(1000) == 1
    monkeypatch.setattr(parallel, "_available_bytes", lambda: None)  # the platform does not tell
    assert auto_workers(1000) == available_cpus()


def test_analyze_refuses_a_bad_workers_value_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["analyze", str(SAMPLE), "--workers", "0"])
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert message.startswith("error:") and len(message.splitlines()) == 1, message
    assert "--workers must be 'auto' or a whole number of at least 1, not '0'" in message


def test_a_model_that_cannot_load_fails_when_the_workers_start(tmp_path: Path) -> None:
    pipeline = ParallelPipeline(ModelSettings(model=str(tmp_path / "no-model")), workers=2)
    with pytest.raises(ModelError, match="span model .* not found"):
        pipeline.start()
    pipeline.close()


@pytest.mark.slow
def test_analyze_folder_in_two_workers_gives_the_one_process_analyses(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a-sample.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b-council.txt").write_text(SECOND, encoding="utf-8")
    (folder / "c-blank.txt").write_text("   \n", encoding="utf-8")  # cannot be read
    (folder / "d-numbers.txt").write_text("1234 5678 90 12 -- 345", encoding="utf-8")  # no language
    (folder / "e-sample.md").write_text("# Budget\n\n" + SECOND, encoding="utf-8")
    runs = {}
    for workers in ("1", "2"):
        result = CliRunner().invoke(app, ["analyze", str(folder), "--format", "json", "--workers", workers])
        assert result.exit_code == 0, result.output + result.stderr
        runs[workers] = result
    one, two = (json.loads(runs[w].stdout) for w in ("1", "2"))
    assert [a["id"] for a in two] == ["a-sample", "b-council", "e-sample"]
    for analysis in (*one, *two):
        analysis.pop("unspun_version", None)  # the code's hash, read when each process started
    assert _same(one, two) == []
    # the failures told and summed up alike, the unreadable file and the one without a language
    assert runs["1"].stderr == runs["2"].stderr
    assert "c-blank.txt" in runs["2"].stderr and "d-numbers.txt" in runs["2"].stderr
