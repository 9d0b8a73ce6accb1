"""``cdiscmm bench``: time every stage on ISA-like cohorts (1,200, 10,000, 100,000) against the I/O floor."""

from __future__ import annotations

import argparse
from pathlib import Path

from cdiscmm.cli.options import positive_int
from cdiscmm.core import progress


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``bench`` subcommand."""
    parser = subparsers.add_parser(
        "bench",
        help="time every stage against the I/O floor (output/bench/bench.md, bench.json)",
        description=(
            "Generate ISA-like cohorts (seed 7) of 1,200, 10,000 and 100,000 subjects, run every stage as its own "
            "process (wall, CPU, peak RSS), time the floor (pandas reading the CSVs, pyreadstat writing the final "
            "datasets) and write bench.md and bench.json."
        ),
    )
    parser.add_argument("--quick", action="store_true", help="only the 1,200-subject cohort")
    parser.add_argument(
        "--subjects",
        type=positive_int,
        action="append",
        metavar="N",
        help="cohort size instead of the defaults, repeatable",
    )
    parser.add_argument(
        "--chunk-subjects",
        type=positive_int,
        metavar="N",
        help="run sdtm, adam, validate and package N subjects at a time (default: the whole study at once)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        metavar="K",
        help="with --chunk-subjects: the stages that can map their chunks on K worker processes do (default: one "
        "process)",
    )
    parser.add_argument(
        "--rss-limit-mb",
        type=positive_int,
        metavar="MB",
        help="stop a stage whose resident memory passes MB and report it (default 8192, the 8 GB target)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("output/bench"), metavar="DIR", help="output folder (default output/bench)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the cohorts and write the report."""
    from cdiscmm.bench.report import write_report
    from cdiscmm.bench.run import QUICK_SIZES, SIZES, BenchOptions, run_bench
    from cdiscmm.cli import build_parser

    parser = build_parser()
    choices = next(action.choices for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    sizes = args.subjects or (QUICK_SIZES if args.quick else SIZES)
    limit = {"rss_limit_mb": args.rss_limit_mb} if args.rss_limit_mb else {}
    options = BenchOptions(chunk_subjects=args.chunk_subjects, workers=args.workers, **limit)
    results = run_bench(args.out, sizes, list(choices), options)
    for path in write_report(results, args.out):
        progress.info(f"wrote {path}")
    return 0
