"""``cdiscmm adam``: SDTM XPT folder (ours or a CRO's) to ADaM datasets as SAS XPORT v5."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from cdiscmm.cli.options import add_chunk_option, add_format_option, add_workers_option, require_chunks
from cdiscmm.core import progress
from cdiscmm.core.errors import InputError, Location, UsageError
from cdiscmm.metadata.project import ProjectConfig
from cdiscmm.metadata.study import select_studies


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``adam`` subcommand."""
    parser = subparsers.add_parser(
        "adam",
        parents=[common],
        help="build ADaM datasets (ADSL, ...) from SDTM XPT files",
        description=(
            "Build ADaM datasets from an SDTM folder of .xpt files. Without --sdtm, each study's SDTM folder "
            "of the config file, else <out>/<STUDYID>/sdtm/; with --sdtm DIR, that folder (STUDYID read from DM "
            "unless --study names it). "
            "Output: <out>/<STUDYID>/adam/<name>.xpt (or .json with --format json)."
        ),
    )
    parser.add_argument("--sdtm", type=Path, metavar="DIR", help="folder of SDTM .xpt files (ours or anyone's)")
    add_format_option(parser)
    add_chunk_option(parser)
    add_workers_option(
        parser,
        "build the chunks of --chunk-subjects on a local Dask cluster of K processes (the same files; needs the dask "
        "extra)",
    )
    parser.set_defaults(func=run)


def run_adam(
    sdtm_folder: Path,
    out_root: Path,
    studyid: str | None = None,
    formats: Iterable[str] = ("xpt",),
    chunk_subjects: int | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Read ``sdtm_folder``, build the ADaM datasets and write them in each of ``formats`` (:mod:`cdiscmm.io.write`)
    to ``<out_root>/<STUDYID>/adam/``, with ``endpoints.csv`` (the endpoint summary) and ``report/`` (the endpoint
    report read back from the written files, :func:`cdiscmm.adam.report.render.run_report`); return the paths.
    The folder is replaced only when every file is written (:func:`cdiscmm.core.outputs.staged_folder`). With
    ``chunk_subjects``, the datasets are built that many subjects at a time and spilled piece by piece
    (:mod:`cdiscmm.adam.partition`), with ``workers`` on a local Dask cluster of that many processes (the same
    files)."""
    from cdiscmm.adam.build import build_adam, read_delivery, report_tables  # the stage loads only when it runs
    from cdiscmm.adam.report.render import run_report
    from cdiscmm.core.outputs import staged_folder
    from cdiscmm.io.spill import PieceStore
    from cdiscmm.io.write import write_outputs

    sdtm, found = read_delivery(sdtm_folder, studyid)
    folder = out_root / found / "adam"
    with staged_folder(folder) as staging:
        if chunk_subjects is None:
            whole = build_adam(sdtm)
            written = write_outputs(whole, report_tables(whole), staging, formats)
        else:  # each chunk's datasets are spilled to a folder beside the staging folder, removed once written
            from cdiscmm.adam.partition import build_adam_chunked, endpoint_datasets

            with PieceStore(staging.parent) as store:
                spilled = build_adam_chunked(sdtm, chunk_subjects, store, workers=workers)
                written = write_outputs(spilled, report_tables(endpoint_datasets(spilled)), staging, formats)
        with progress.step("writing the endpoint report"):
            written += run_report(staging, sdtm_folder, staging / "report")
    paths = [folder / path.relative_to(staging) for path in written]
    for path in paths:
        progress.info(f"wrote {path}")
    return paths


def run(args: argparse.Namespace) -> int:
    """Build and write the ADaM datasets of the chosen studies or of the --sdtm folder."""
    from cdiscmm.io.write import parse_formats

    formats = parse_formats(args.format)
    require_chunks(args)
    if args.workers is not None:
        from cdiscmm.core.cluster import require_dask  # Dask's absence said before any work

        require_dask()
    if args.sdtm is not None:
        if args.study and len(args.study) > 1:
            raise UsageError("--sdtm takes at most one --study", Location(field="--study"))
        studyid = args.study[0] if args.study else None
        run_adam(
            args.sdtm,
            args.out,
            studyid=studyid,
            formats=formats,
            chunk_subjects=args.chunk_subjects,
            workers=args.workers,
        )
        return 0
    project = getattr(args, "project", None) or ProjectConfig()
    for study in select_studies(args.study, getattr(args, "mappings", None)):
        folder = project.sdtm_for(study.studyid) or args.out / study.studyid / "sdtm"
        if not folder.is_dir():
            raise InputError(
                "SDTM folder not found",
                Location(file=str(folder)),
                expected="the output of `cdiscmm sdtm` for this study, or --sdtm DIR",
            )
        run_adam(
            folder,
            args.out,
            studyid=study.studyid,
            formats=formats,
            chunk_subjects=args.chunk_subjects,
            workers=args.workers,
        )
    return 0
