"""``cdiscmm package``: a study's eCTD m5 package for PMDA, NMPA or FDA, checked; ``--verify`` re-checks one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cdiscmm.core import progress
from cdiscmm.core.errors import EXIT_VALIDATION, InputError, Location
from cdiscmm.metadata.study import select_studies

REGIONS = ("pmda", "nmpa", "fda")
#: Checks of #12 item 7 whose stage is not in this build yet: (what, the stage that will provide it).
MISSING_CHECKS: tuple[tuple[str, str], ...] = (
    ("validation (rule catalogue)", "cdiscmm validate"),
    ("strict XPT v5 check", "cdiscmm.io.xpt.check"),
)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``package`` subcommand."""
    parser = subparsers.add_parser(
        "package",
        parents=[common],
        help="assemble and check the submission package (eCTD m5) for one region",
        description=(
            "Assemble <out>/<STUDYID>/package/<region>/: m5/datasets/<study>/tabulations/sdtm/ and "
            "analysis/adam/datasets/ (datasets, define.xml, stylesheet, define.html, cSDRG/ADRG PDF), "
            "analysis/adam/programs/, review/ (guides as HTML, endpoint report) and manifest.json. Runs "
            "`define` first for a folder without define.xml. Exit 1 with the reasons when a gateway would refuse "
            "the package. With --verify: re-check an existing package against its manifest."
        ),
    )
    parser.add_argument("--region", required=True, choices=REGIONS, help="agency whose rules apply")
    parser.add_argument("--verify", action="store_true", help="re-check the package against its manifest.json")
    parser.set_defaults(func=run)


def _unavailable(root: Path) -> tuple[str, list]:
    from cdiscmm.package.findings import Finding

    findings = [
        Finding("PKG-CHECK", "Error", "", "", f"{what} not run: {stage} is not in this build")
        for what, stage in MISSING_CHECKS
    ]
    return "; ".join(f"{what}: not run" for what, _ in MISSING_CHECKS), findings


def _verify(folder: Path) -> int:
    from cdiscmm.package.manifest import verify_package

    problems = verify_package(folder)
    for problem in problems:
        print(f"cdiscmm: {folder}: {problem}", file=sys.stderr)
    progress.info(f"{folder}: {'differs from' if problems else 'matches'} its manifest")
    return EXIT_VALIDATION if problems else 0


def _ensure_define(folder: Path) -> None:
    from cdiscmm.define.folder import define_folder  # the command line may run another stage first

    if not (folder / "define.xml").is_file():
        with progress.step(f"define {folder}"):
            define_folder(folder)
        progress.info(f"note: {folder} had no define.xml; wrote it with cdiscmm define")


def run(args: argparse.Namespace) -> int:
    """Build (or with --verify re-check) the package of each chosen study; 1 when any is refused or differs."""
    from cdiscmm.package.assemble import StudyInputs
    from cdiscmm.package.build import build_package

    code = 0
    for study in select_studies(args.study):
        home = args.out / study.studyid
        if args.verify:
            code = max(code, _verify(home / "package" / args.region))
            continue
        for folder in (home / "sdtm", home / "adam"):
            if not folder.is_dir():
                raise InputError(
                    "folder not found", Location(file=str(folder)), expected="the output of `cdiscmm sdtm` and `adam`"
                )
            _ensure_define(folder)
        inputs = StudyInputs(study.studyid, home / "sdtm", home / "adam")
        result = build_package(inputs, args.region, args.out, checkers=[_unavailable])
        for item in result.refusals:
            finding = item.finding
            where = ", ".join(part for part in (finding.where, finding.variable) if part)
            print(f"cdiscmm: refused: {where}: {finding.rule} {finding.message} ({item.refuses})", file=sys.stderr)
        verdict = f"refused ({len(result.refusals)} reasons)" if result.refusals else "accepted"
        progress.info(f"package {result.folder}: {verdict}")
        code = max(code, EXIT_VALIDATION if result.refusals else 0)
    return code
