"""unspun.models.cpus: running model calls on workers, and numpy's BLAS on one thread during an analysis."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from unspun.models.cpus import map_on_workers, one_blas_thread

threadpoolctl = pytest.importorskip("threadpoolctl")


def _blas_threads() -> set[int]:
    return {info["num_threads"] for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas"}


@pytest.fixture
def two_blas_threads():
    if not _blas_threads():
        pytest.skip("numpy has no BLAS library threadpoolctl can drive here")
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        yield


def test_one_blas_thread_holds_blas_to_one_thread_and_restores_it(two_blas_threads):
    before = _blas_threads()
    with one_blas_thread():
        assert _blas_threads() == {1}
    assert _blas_threads() == before


def test_one_blas_thread_on_another_thread_meanwhile_leaves_the_limit_as_it_was(two_blas_threads):
    before = _blas_threads()
    seen: list[set[int]] = []

    def other() -> None:
        with one_blas_thread():
            seen.append(_blas_threads())

    with one_blas_thread():
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)
        assert _blas_threads() == {1}
    assert seen == [{1}]
    assert _blas_threads() == before


def test_one_blas_thread_restores_the_limit_after_an_error(two_blas_threads):
    before = _blas_threads()
    with pytest.raises(ValueError), one_blas_thread():
        raise ValueError("a failing component")
    assert _blas_threads() == before


def test_a_product_is_the_same_on_one_blas_thread(two_blas_threads):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((700, 96), np.float32), rng.standard_normal((96, 288), np.float32)
    many = x @ w
    with one_blas_thread():
        assert np.array_equal(x @ w, many)


def test_map_on_workers_keeps_the_order():
    assert map_on_workers(lambda n: n * n, list(range(20)), 2) == [n * n for n in range(20)]
