"""``cdiscmm validate``: check collected data, SDTM, ADaM (and define.xml) and write the QA report."""

from __future__ import annotations

import argparse
from pathlib import Path

from cdiscmm.cli.options import add_chunk_option, add_workers_option, require_chunks
from cdiscmm.core import progress
from cdiscmm.core.errors import EXIT_OK, EXIT_VALIDATION, Location, UsageError
from cdiscmm.metadata.study import select_studies


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``validate`` subcommand."""
    parser = subparsers.add_parser(
        "validate",
        parents=[common],
        help="validate SDTM/ADaM (any sponsor's) and collected data; write the QA report",
        description=(
            "Validate an SDTM folder (--sdtm), an ADaM folder (--adam), a define.xml (--define) and a collected-data "
            "export (--raw), or each --study's <out>/<STUDYID>/{raw,sdtm,adam}. Writes <out>/<STUDYID>/validation/"
            "report.{html,xlsx,json}. Exit 1 when a Reject or Error finding exists, else 0."
        ),
    )
    parser.add_argument("--sdtm", type=Path, metavar="DIR", help="folder of SDTM .xpt files")
    parser.add_argument("--adam", type=Path, metavar="DIR", help="folder of ADaM .xpt files")
    parser.add_argument("--define", type=Path, metavar="FILE", help="define.xml of the datasets")
    parser.add_argument("--raw", type=Path, metavar="DIR", help="collected-data export (CSV forms + data dictionary)")
    parser.add_argument(
        "--engine",
        choices=("gx", "native"),
        default="gx",
        help="run the metadata suites with Great Expectations (gx, default) or vectorised pandas (native, the fast "
        "cross-check); the report names the engine of every rule",
    )
    parser.add_argument(
        "--region",
        choices=("pmda", "nmpa", "fda"),
        help="also check the region's rules (specs/regions/validation/<region>.yaml: ASCII for fda/pmda, 40-byte "
        "labels for nmpa) and report its agency's severity class for each rule",
    )
    parser.add_argument(
        "--explanations",
        type=Path,
        metavar="FILE",
        help="the study's explanations of the findings it keeps (explanations.yaml), shown beside them in the report "
        "(default with --study: the study's own mappings/<study>/explanations.yaml)",
    )
    add_chunk_option(
        parser, "check N subjects at a time to bound memory (the same report; default: the whole delivery at once)"
    )
    add_workers_option(
        parser,
        "check the chunks of --chunk-subjects on a local Dask cluster of K processes (the same report; needs "
        "the dask extra)",
    )
    parser.add_argument("--export-suites", type=Path, metavar="DIR", help="also write the GX suites as JSON here")
    parser.set_defaults(func=run)


def _folder(path: Path) -> Path | None:
    return path if path.is_dir() else None


def run(args: argparse.Namespace) -> int:
    """Validate the given folders, or each chosen bundled study's output; exit 1 on Reject/Error findings."""
    from cdiscmm.validate.distributed import part_runner  # imports Dask only for --workers
    from cdiscmm.validate.run import Inputs, validate_study  # the stage loads only when it runs

    require_chunks(args)
    if args.explanations is not None and not args.explanations.is_file():
        raise UsageError(
            "explanations file not found", Location(file=str(args.explanations)), expected="an explanations.yaml"
        )
    explicit = Inputs(args.sdtm, args.adam, args.define, args.raw)
    if explicit.given():
        if args.study and len(args.study) > 1:
            raise UsageError(
                "--sdtm/--adam/--raw validate one delivery; give at most one --study", Location(field="--study")
            )
        if args.study:
            [study] = select_studies(args.study, args.mappings)
            explicit.encoding = study.config.encoding
            explicit.explanations = study.folder
        explicit.explanations = args.explanations or explicit.explanations
        runs = [(explicit, None)]
    else:
        runs = []
        for study in select_studies(args.study, args.mappings):
            root = args.out / study.studyid
            inputs = Inputs(_folder(root / "sdtm"), _folder(root / "adam"), None, _folder(root / "raw"))
            inputs.encoding = study.config.encoding
            inputs.explanations = args.explanations or study.folder
            if not inputs.given():
                raise UsageError(
                    f"nothing to validate under {root}",
                    Location(file=str(root)),
                    expected="the output of `cdiscmm raw/sdtm/adam`, or --sdtm DIR",
                )
            inputs.define, inputs.adam_define = (
                path if path.is_file() else None
                for path in (root / "sdtm" / "define.xml", root / "adam" / "define.xml")
            )
            runs.append((inputs, study.studyid))
    failing = 0
    with part_runner(args.workers, args.quiet) as runner:
        for inputs, _ in runs:
            report, target = validate_study(
                inputs,
                args.out,
                args.engine,
                args.export_suites,
                region=args.region,
                chunk_subjects=args.chunk_subjects,
                runner=runner,
            )
            studyid = report["title"].rsplit(" ", 1)[-1]
            counts = report["summary"]["by_severity"]
            rules = report["summary"]["rules"]
            progress.info(
                f"{studyid}: "
                + ", ".join(f"{n} {s}" for s, n in counts.items())
                + f"; rules {rules['FAIL']} FAIL, {rules['PASS']} PASS, {rules['NOT RUN']} NOT RUN -> {target}"
            )
            failing += report["summary"]["failing"]
    return EXIT_VALIDATION if failing else EXIT_OK
