"""The bench's own measured children: the collected-data read stage and the I/O floor.

``python -m cdiscmm.bench.probe read RAW_DIR`` reads every collected form as the sdtm stage does
(:mod:`cdiscmm.io.collected`). ``python -m cdiscmm.bench.probe floor RAW_DIR SCRATCH DATASET_DIR...`` is the
floor: pandas reading the same collected CSVs plus pyreadstat writing the same final datasets (every ``.xpt``
under the dataset folders, loaded first and written to SCRATCH). It prints, as JSON, the CPU seconds it spent
loading the datasets, which the bench subtracts because that part is set-up, not floor.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd
import pyreadstat

from cdiscmm.io.collected import read_codelists, read_dictionary, read_form


def read_collected(raw_dir: Path) -> int:
    """Every form of the data dictionary, read and checked by the project's reader; the number of rows."""
    dictionary = read_dictionary(raw_dir)
    read_codelists(raw_dir)
    return sum(len(read_form(raw_dir, form)) for form in dictionary["FORM"].unique())


def _load_datasets(folders: list[Path]) -> list[tuple[Path, pd.DataFrame, object]]:
    return [(path, *pyreadstat.read_xport(path)) for folder in folders for path in sorted(folder.rglob("*.xpt"))]


def floor(raw_dir: Path, scratch: Path, folders: list[Path]) -> dict[str, float]:
    """Load the final datasets (set-up), then the floor: read the CSVs with pandas, write the XPTs with pyreadstat."""
    started = time.process_time()
    datasets = _load_datasets(folders)
    setup = time.process_time() - started
    for path in sorted(raw_dir.glob("*.csv")):
        pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    scratch.mkdir(parents=True, exist_ok=True)
    for number, (path, frame, meta) in enumerate(datasets):
        pyreadstat.write_xport(
            frame,
            scratch / f"{number}-{path.name}",
            file_format_version=5,
            table_name=meta.table_name,
            file_label=meta.file_label,
            column_labels=meta.column_labels,
        )
    return {"setup_cpu_s": setup, "datasets": len(datasets)}


def main(argv: list[str]) -> int:
    """Dispatch ``read`` or ``floor``."""
    if argv[:1] == ["read"] and len(argv) == 2:
        print(json.dumps({"rows": read_collected(Path(argv[1]))}))
        return 0
    if argv[:1] == ["floor"] and len(argv) >= 4:
        print(json.dumps(floor(Path(argv[1]), Path(argv[2]), [Path(folder) for folder in argv[3:]])))
        return 0
    print("usage: python -m cdiscmm.bench.probe read RAW_DIR | floor RAW_DIR SCRATCH DATASET_DIR...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
