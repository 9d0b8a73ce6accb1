"""``cdiscmm sdtm``: collected forms to SDTM datasets (SAS XPORT v5); ``cdiscmm sdtm schema``: JSON Schemas."""

from __future__ import annotations

import argparse
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from cdiscmm.cli.options import add_chunk_option, add_format_option, add_workers_option, require_chunks
from cdiscmm.core import progress
from cdiscmm.core.errors import InputError, Location, UsageError
from cdiscmm.core.paths import mappings_dir
from cdiscmm.metadata.project import ProjectConfig
from cdiscmm.metadata.study import StudyRef, select_studies

if TYPE_CHECKING:
    from cdiscmm.sdtm.build import ChunkRunner


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``sdtm`` subcommand and its ``schema`` action."""
    parser = subparsers.add_parser(
        "sdtm",
        parents=[common],
        help="map collected forms to SDTM datasets (XPT v5)",
        description=(
            "Map each study's collected forms (--raw DIR for one study, else the study's raw folder in the config "
            "file, else <out>/<STUDYID>/raw/) to SDTM with the YAML mappings (--mappings DIR, default the bundled "
            "mappings/). Output: <out>/<STUDYID>/sdtm/<name>.xpt, <lang>/ copies for "
            "local-language studies, rejects.csv, issues.csv, reconciliation.csv."
        ),
    )
    parser.add_argument("--raw", type=Path, metavar="DIR", help="folder of collected CSV forms (one study)")
    add_format_option(parser)
    add_chunk_option(parser)
    add_workers_option(parser)
    parser.set_defaults(func=run)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    schema = actions.add_parser(
        "schema", help="write the mapping JSON Schemas", description="Write the JSON Schemas of the mapping files."
    )
    schema.add_argument(
        "--out", type=Path, default=mappings_dir() / "schema", metavar="DIR", help="folder (default mappings/schema)"
    )
    schema.set_defaults(func=run_schema)


def run(args: argparse.Namespace) -> int:
    """Build the SDTM datasets of the chosen studies (with --workers, the chunks on one Dask cluster for all)."""
    from cdiscmm.io.write import parse_formats
    from cdiscmm.sdtm.distributed import chunk_runner  # imports Dask only for --workers

    formats = parse_formats(args.format)
    require_chunks(args)
    studies = select_studies(args.study, getattr(args, "mappings", None))
    if args.raw is not None and len(studies) != 1:
        raise UsageError("--raw takes exactly one --study", Location(field="--raw"))
    project = getattr(args, "project", None) or ProjectConfig()
    with chunk_runner(args.workers, args.quiet) as runner:
        for study in studies:
            _build_study(args, study, project.raw_for(study.studyid), formats, runner)
    return 0


def _build_study(
    args: argparse.Namespace,
    study: StudyRef,
    configured_raw: Path | None,
    formats: tuple[str, ...],
    runner: ChunkRunner,
) -> None:
    """One study's SDTM build; the writer step makes the files."""
    from cdiscmm.core.outputs import staged_folder
    from cdiscmm.io.spill import PieceStore
    from cdiscmm.io.write import write_outputs
    from cdiscmm.sdtm.build import build_datasets  # the stage loads only when it runs

    raw_dir = args.raw or configured_raw or args.out / study.studyid / "raw"
    if not raw_dir.is_dir():
        raise InputError(
            "raw folder not found",
            Location(file=str(raw_dir), field="--raw" if args.raw is not None else "--out"),
            expected="the output of `cdiscmm raw` for this study, --raw DIR, or studies: {ID: {raw: DIR}} in "
            "cdiscmm.yaml",
        )
    out_dir = args.out / study.studyid / "sdtm"
    # The staging folder replaces out_dir only when every file is written; a chunked build spills each chunk's
    # finished pieces to a folder beside it (removed at the end).
    chunked = args.chunk_subjects is not None
    with (
        staged_folder(out_dir) as staging,
        PieceStore(staging.parent) if chunked else nullcontext() as store,
    ):
        with progress.step(f"{study.studyid}: mapping SDTM"):
            build = build_datasets(study, raw_dir, chunk_subjects=args.chunk_subjects, store=store, runner=runner)
        with progress.step(f"{study.studyid}: writing SDTM"):
            written = write_outputs(build.all_datasets(), build.tables(), staging, formats)
    for line in build.summary(study.studyid, out_dir, len(written)):
        progress.info(line)


def run_schema(args: argparse.Namespace) -> int:
    """Write the JSON Schemas."""
    from cdiscmm.sdtm.schema import write_schemas

    for path in write_schemas(args.out):
        progress.info(f"wrote {path}")
    return 0
