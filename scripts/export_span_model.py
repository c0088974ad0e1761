"""Rebuild the ONNX model of span model runtime folders from their fp32 checkpoints.

Use it after a change of the export (graph fusion, quantisation) to bring a folder trained by an
older version up to date without retraining; heads, thresholds and the card are left as they are.

    python scripts/export_span_model.py runs/my-model [more folders] [--keep-fp32]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from unspun.training.train_spans import export_span_model


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folders", type=Path, nargs="+", help="runtime folders with a checkpoint/ inside")
    parser.add_argument("--keep-fp32", action="store_true", help="keep model-fp32.onnx beside the int8 model")
    args = parser.parse_args()
    for folder in args.folders:
        export_span_model(folder, keep_fp32=args.keep_fp32)
        print(f"{folder / 'model.onnx'} rebuilt")


if __name__ == "__main__":
    main()
