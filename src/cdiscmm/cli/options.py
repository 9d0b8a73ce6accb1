"""Options every stage's subcommand takes, and the project config file folded into them."""

from __future__ import annotations

import argparse
from pathlib import Path

#: The default output root; compared by identity to tell "not given" from ``--out output``.
DEFAULT_OUT = Path("output")


def common_options() -> argparse.ArgumentParser:
    """Options every stage takes."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--study",
        action="append",
        metavar="ID",
        help="STUDYID to process (repeatable; default: every study of the mappings folder)",
    )
    common.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output root (default: output)")
    common.add_argument(
        "--mappings",
        type=Path,
        metavar="DIR",
        help="mappings folder: <DIR>/<study>/study.yaml and domain files, optionally <DIR>/shared/ (default: the "
        "bundled mappings, or `mappings` of the config file)",
    )
    common.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="project config file (default: ./cdiscmm.yaml when it exists): mappings, out, per-study raw/sdtm",
    )
    common.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    common.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    return common


def add_format_option(parser: argparse.ArgumentParser) -> None:
    """``--format`` of a data-building stage: the dataset file format(s) the writer step makes
    (:func:`cdiscmm.io.write.parse_formats`)."""
    parser.add_argument(
        "--format",
        default="xpt",
        metavar="FMT",
        help="dataset file format(s): xpt (SAS XPORT v5, default), json (CDISC Dataset-JSON v1.1) or xpt,json",
    )


def positive_int(text: str) -> int:
    """An integer of at least 1 (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is below the minimum 1")
    return value


CHUNK_HELP = "build N subjects at a time to bound memory (same datasets; default: the whole study at once)"


def add_chunk_option(parser: argparse.ArgumentParser, help_text: str = CHUNK_HELP) -> None:
    """``--chunk-subjects N`` of sdtm, adam, validate and package: work N subjects at a time (peak memory bounded by
    the chunk's working frames; sdtm spills each chunk's finished pieces to Parquet and appends them to the XPT
    files); the outputs are the same as the whole-study run's (docs/scaling.md)."""
    parser.add_argument("--chunk-subjects", type=positive_int, metavar="N", help=help_text)


WORKERS_HELP = (
    "map the chunks of --chunk-subjects on a local Dask cluster of K processes (same files; needs the dask extra)"
)


def add_workers_option(parser: argparse.ArgumentParser, help_text: str = WORKERS_HELP) -> None:
    """``--workers K`` of sdtm, validate and package: the chunks of ``--chunk-subjects`` run on a local Dask cluster
    of K processes, the same outputs (docs/scaling.md, "Running the chunks on Dask")."""
    parser.add_argument("--workers", type=positive_int, metavar="K", help=help_text)


def require_chunks(args: argparse.Namespace) -> None:
    """UsageError when ``--workers`` is given without ``--chunk-subjects`` (the workers run chunks)."""
    from cdiscmm.core.errors import Location, UsageError

    if args.workers is not None and args.chunk_subjects is None:
        raise UsageError(
            "--workers maps chunks of subjects on a cluster", Location(field="--workers"), expected="--chunk-subjects N"
        )


def apply_project_config(args: argparse.Namespace, cwd: Path | None = None) -> None:
    """Read the project config (``--config``, else ``cdiscmm.yaml`` in ``cwd``) into ``args.project`` and fill
    ``--mappings`` and ``--out`` from it where the command line did not give them."""
    from cdiscmm.core.errors import InputError, Location
    from cdiscmm.metadata.project import CONFIG_FILE, ProjectConfig, load_project

    given = getattr(args, "config", None)
    if given is not None and not given.is_file():
        raise InputError("config file not found", Location(file=str(given), field="--config"))
    path = given if given is not None else (cwd or Path.cwd()) / CONFIG_FILE
    project = load_project(path) if path.is_file() else ProjectConfig()
    args.project = project
    if getattr(args, "mappings", None) is None and project.mappings is not None:
        args.mappings = project.mappings
    if getattr(args, "out", None) is DEFAULT_OUT and project.out is not None:
        args.out = project.out
