"""Batch analysis of large corpora: the same analysis, locally or on a Ray cluster.

    from unspun.scale import run_batch
    report = run_batch("feeds/", "out/", engine="ray", workers=4)
    report.analysed, report.failed, report.articles_per_second

:func:`run_batch` (in :mod:`unspun.scale.batch`) is the library function behind ``unspun batch``.
The parts: :mod:`~unspun.scale.source` (what is read), :mod:`~unspun.scale.worker` (the batch
function both engines run), :mod:`~unspun.scale.row` (one output row per article),
:mod:`~unspun.scale.output` (the output folder, resuming), :mod:`~unspun.scale.local` and
:mod:`~unspun.scale.ray_engine` (the engines). Needs the scale extra (``pip install
'unspun[scale]'``: pyarrow and fsspec for both engines, Ray for ``engine="ray"``).
"""

from __future__ import annotations

from unspun.scale.batch import ENGINES, BatchReport, Engine, run_batch
from unspun.scale.output import ERRORS_FILE, REPORT_FILE, read_rows
from unspun.scale.row import ROW_SCHEMA
from unspun.scale.worker import AnalyseBatch

__all__ = [
    "ENGINES",
    "ERRORS_FILE",
    "REPORT_FILE",
    "ROW_SCHEMA",
    "AnalyseBatch",
    "BatchReport",
    "Engine",
    "read_rows",
    "run_batch",
]
