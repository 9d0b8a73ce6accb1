"""``cdiscmm adam``: SDTM XPT folder (ours or a CRO's) to ADaM datasets as SAS XPORT v5."""

from __future__ import annotations

import argparse
from pathlib import Path

from cdiscmm.core import progress
from cdiscmm.core.errors import InputError, Location, UsageError
from cdiscmm.metadata.study import select_studies


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``adam`` subcommand."""
    parser = subparsers.add_parser(
        "adam",
        parents=[common],
        help="build ADaM datasets (ADSL, ...) from SDTM XPT files",
        description=(
            "Build ADaM datasets from an SDTM folder of .xpt files. Without --sdtm, each study's "
            "<out>/<STUDYID>/sdtm/; with --sdtm DIR, that folder (STUDYID read from DM unless --study names it). "
            "Output: <out>/<STUDYID>/adam/<name>.xpt."
        ),
    )
    parser.add_argument("--sdtm", type=Path, metavar="DIR", help="folder of SDTM .xpt files (ours or anyone's)")
    parser.set_defaults(func=run)


def run_adam(sdtm_folder: Path, out_root: Path, studyid: str | None = None) -> list[Path]:
    """Read ``sdtm_folder``, build the ADaM datasets and write them, with ``endpoints.csv``, to
    ``<out_root>/<STUDYID>/adam/``; return the paths."""
    from cdiscmm.adam.build import build_adam, read_delivery, report_tables  # the stage loads only when it runs
    from cdiscmm.io.write import write_datasets, write_tables

    sdtm, found = read_delivery(sdtm_folder, studyid)
    adam = build_adam(sdtm)
    folder = out_root / found / "adam"
    paths = write_datasets(adam, folder) + write_tables(report_tables(adam), folder)
    for path in paths:
        progress.info(f"wrote {path}")
    return paths


def run(args: argparse.Namespace) -> int:
    """Build and write the ADaM datasets of the chosen studies or of the --sdtm folder."""
    if args.sdtm is not None:
        if args.study and len(args.study) > 1:
            raise UsageError("--sdtm takes at most one --study", Location(field="--study"))
        run_adam(args.sdtm, args.out, studyid=args.study[0] if args.study else None)
        return 0
    for study in select_studies(args.study):
        folder = args.out / study.studyid / "sdtm"
        if not folder.is_dir():
            raise InputError(
                "SDTM folder not found",
                Location(file=str(folder)),
                expected="the output of `cdiscmm sdtm` for this study, or --sdtm DIR",
            )
        run_adam(folder, args.out, studyid=study.studyid)
    return 0
