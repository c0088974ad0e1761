"""The unspun version, in one place (the package, the analyses and the models read it).

``__version__`` is the release. An analysis records :func:`analysis_version` instead: the release
with a digest of the code that ran it (PEP 440 local label, ``0.2.0+3fa2c1d9e0b4``). The rules
between the models (phrase bounds, attribution and claim filters, the persuasion formula) change
between releases under unchanged component names, so a store told only the release would keep
serving analyses made by older code; ``unspun reanalyze`` compares this version and redoes them.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

__version__ = "0.2.0"

PACKAGE_ROOT = Path(__file__).resolve().parent
# What never changes an analysis: the training code and its recipes (``configs/``, read only by
# unspun.training.defaults; an analysis reads its thresholds from the model folders), and the
# front-ends that show, store or serve analyses (a change to the text view must not make every
# stored analysis stale for ``unspun reanalyze``). The readers stay in: they make the text.
NOT_ANALYSIS_CODE = frozenset(
    {"training", "configs", "cli", "server", "store", "scale"}
    | {"render.py", "render_whosays.py", "terminal.py", "wrapping.py", "docs.py", "progress.py"}
)


def code_digest(root: Path = PACKAGE_ROOT) -> str | None:
    """A 12-hex digest of the package's analysis code under ``root``: every ``.py`` file by
    relative path and content, leaving out :data:`NOT_ANALYSIS_CODE` and model files (each model
    records its own digest). ``None`` when ``root`` holds no Python source (an install of
    bytecode only)."""
    files = sorted(
        path
        for path in root.rglob("*.py")
        if path.is_file() and path.relative_to(root).parts[0] not in NOT_ANALYSIS_CODE
    )
    if not files:
        return None
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


@cache
def analysis_version() -> str:
    """The version an analysis records: the release and the digest of the code that made it."""
    digest = code_digest()
    return f"{__version__}+{digest}" if digest else __version__
