"""``cdiscmm package``: a study's eCTD m5 package for PMDA, NMPA or FDA, checked; ``--verify`` re-checks one."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from cdiscmm.cli.options import add_chunk_option, add_workers_option, require_chunks
from cdiscmm.core import progress
from cdiscmm.core.errors import EXIT_VALIDATION, InputError, Location
from cdiscmm.metadata.project import ProjectConfig
from cdiscmm.metadata.study import StudyRef, select_studies

if TYPE_CHECKING:
    from cdiscmm.package.findings import Finding

REGIONS = ("pmda", "nmpa", "fda")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``package`` subcommand."""
    parser = subparsers.add_parser(
        "package",
        parents=[common],
        help="assemble and check the submission package (eCTD m5) for one region",
        description=(
            "Assemble <out>/<STUDYID>/package/<region>/: m5/datasets/<study>/tabulations/sdtm/ and "
            "analysis/adam/datasets/ (datasets, define.xml, stylesheet, define.html, cSDRG/ADRG PDF; the annotated CRF "
            "acrf.pdf beside the SDTM datasets, drawn from <out>/<STUDYID>/raw/ and the sdtm stage's fields.csv), "
            "analysis/adam/programs/, review/ (guides as HTML, endpoint report) and manifest.json. Runs "
            "`define` first for a folder without define.xml. The assembled datasets and both define.xml are "
            "validated with the validate stage's rules against the metadata.json of <out>/<STUDYID>/sdtm and adam "
            "(the model the define.xml files were written from); <out>/<STUDYID>/validation/report.json stands for "
            "that run when it lists the very files the package validates (same SHA-256) and no other but the "
            "collected export and explanations, with the same code, rule catalogue and specs, default engine and no"
            " region: a report of `validate --study` does for fda and pmda (the stage's bytes), not for nmpa "
            "(relabelled datasets); else the package validates afresh and says why. The package is the same either"
            " way. Exit 1 with the reasons when a gateway would refuse "
            "the package. With --verify: re-check an existing package against its manifest."
        ),
    )
    parser.add_argument("--region", required=True, choices=REGIONS, help="agency whose rules apply")
    parser.add_argument("--verify", action="store_true", help="re-check the package against its manifest.json")
    add_chunk_option(parser, "validate the package N subjects at a time to bound memory (the same findings)")
    add_workers_option(
        parser,
        "validate the chunks of --chunk-subjects on a local Dask cluster of K processes (the same findings; "
        "needs the dask extra)",
    )
    parser.set_defaults(func=run)


def _file(folder: Path | None, name: str) -> Path | None:
    """``folder/name`` when it is a file."""
    path = folder / name if folder is not None else None
    return path if path is not None and path.is_file() else None


def _validation(
    region: str, home: Path, chunk_subjects: int | None = None, workers: int | None = None
) -> Callable[[Path], tuple[str, list[Finding]]]:
    """A checker running the validate stage's rule catalogue on the assembled tree (SDTM, ADaM, both define.xml).

    The datasets are checked against the metadata the package's define.xml files were written from: the stage
    folders' ``metadata.json`` in ``home`` (one model drives the datasets and define.xml, so this checks them
    against what define.xml declares, as an agency validator does), never the standard's. NMPA too: its define.xml
    is written from the stage's metadata merged with its ``zh/`` copy's, the stage's winning
    (:func:`cdiscmm.define.folder.merged_metadata`); the ``zh/`` datasets it submits share every variable with the
    stage's and differ only by value-level entries of their continuation QNAMs (no codelist) and codelists of fewer
    terms, so the stage's metadata.json is what the define declares (on EQUE-CN-RWS the ``zh/`` metadata in its
    place gives the same findings). A dataset only the ``zh/`` copy has gets the standard's metadata.

    Each failing rule gives one finding per dataset and variable with its record count; the severity is the
    region's class for the rule (catalogue columns ``pmda`` / ``fda``), else the rule's own severity (NMPA). The
    validate stage's report.json in ``home`` (``<out>/<STUDYID>``) stands for the run when it provably gives the
    same outcome (:mod:`cdiscmm.validate.reuse`: same files by SHA-256, code, rules, settings); a progress line says
    whether it did and why not. Else the QA report files go to a temporary folder: they carry run timings, and the
    package must rebuild identically. ``chunk_subjects``: validate that many subjects at a time (the same report),
    on a local Dask cluster of ``workers`` processes when given (started only to validate afresh).
    """

    def check(root: Path) -> tuple[str, list[Finding]]:
        from cdiscmm.io.metadata import METADATA_FILE
        from cdiscmm.package.findings import Finding
        from cdiscmm.validate.distributed import part_runner
        from cdiscmm.validate.reuse import outcome_of, stored_outcome  # the command line may run another stage
        from cdiscmm.validate.run import REPORT_STEM, VALIDATION_FOLDER, Inputs, validate_study

        sdtm = next(iter(sorted(root.glob("m5/datasets/*/tabulations/sdtm"))), None)
        adam = next(iter(sorted(root.glob("m5/datasets/*/analysis/adam/datasets"))), None)
        inputs = Inputs(sdtm, adam, _file(sdtm, "define.xml"), adam_define=_file(adam, "define.xml"))
        inputs.sdtm_metadata = _file(home / "sdtm" if sdtm else None, METADATA_FILE)
        inputs.adam_metadata = _file(home / "adam" if adam else None, METADATA_FILE)
        outcome, why = stored_outcome(home / VALIDATION_FOLDER / f"{REPORT_STEM}.json", inputs)
        progress.info(f"validation: {why}" if outcome else f"validation: {why}; validating")
        if outcome is None:
            with (
                tempfile.TemporaryDirectory() as scratch,
                progress.step("validating the package"),
                part_runner(workers, progress.is_quiet()) as runner,
            ):
                report = validate_study(inputs, Path(scratch), chunk_subjects=chunk_subjects, runner=runner)[0]
                outcome = outcome_of(report)
        severity = {rule["id"]: rule.get(region) or rule["severity"] for rule in outcome.rules}
        folders = {"SDTM": sdtm, "ADaM": adam}
        findings = []
        for (rule, dataset, variable, message), count in (
            outcome.findings.groupby(["RULE", "DATASET", "VARIABLE", "MESSAGE"], sort=True).size().items()
        ):
            folder = folders.get(outcome.kinds.get(dataset, ""))
            where = (folder / f"{dataset.lower()}.xpt").relative_to(root).as_posix() if folder else dataset
            findings.append(Finding(rule, severity[rule], where, variable, message, int(count)))
        rules = outcome.counts
        summary = f"validation: {rules['FAIL']} rules failed, {rules['PASS']} passed, {rules['NOT RUN']} not run"
        return summary, findings

    return check


def _write_define(study: StudyRef, folder: Path, sources: tuple[Path, ...], language: str) -> list[str]:
    """The define stage on a package folder: define files describing its datasets, descriptions in English and
    ``language``, from the metadata of ``sources``, with the study's dictionary versions; the English texts left
    without a translation."""
    from cdiscmm.define.folder import define_folder  # the command line may run another stage

    output = define_folder(
        folder,
        (language,),
        sources,
        dictionary_versions=study.config.dictionaries,
        study_file=study.folder / "study.yaml",
    )
    return list(output.untranslated)


def _define_match(root: Path) -> tuple[str, list[Finding]]:
    """Each define.xml of the assembled tree against the datasets beside it (:mod:`cdiscmm.define.crosscheck`:
    datasets, variables and their order, labels, lengths, codelist values, references). A disagreement is an
    Error (P21 SD1324/SD1082 class: the define does not describe what the reviewer opens); none is expected, as
    each define is written from the very files the package holds."""
    from cdiscmm.define.crosscheck import check_define  # the command line may run another stage
    from cdiscmm.package.findings import Finding

    findings = []
    defines = sorted(root.glob("m5/**/define.xml"))
    for define in defines:
        where = define.relative_to(root).as_posix()
        findings += [Finding("PKG-DEFMATCH", "Error", where, "", problem) for problem in check_define(define)]
    return f"define match: {len(defines)} define.xml checked, {len(findings)} disagreement(s)", findings


def _verify(folder: Path) -> int:
    from cdiscmm.package.manifest import verify_package

    problems = verify_package(folder)
    for problem in problems:
        print(f"cdiscmm: {folder}: {problem}", file=sys.stderr)
    progress.info(f"{folder}: {'differs from' if problems else 'matches'} its manifest")
    return EXIT_VALIDATION if problems else 0


def _ensure_define(folder: Path, study: StudyRef) -> None:
    from cdiscmm.define.folder import define_folder  # the command line may run another stage first

    if not (folder / "define.xml").is_file():
        with progress.step(f"define {folder}"):
            define_folder(folder, dictionary_versions=study.config.dictionaries, study_file=study.folder / "study.yaml")
        progress.info(f"note: {folder} had no define.xml; wrote it with cdiscmm define")


def run(args: argparse.Namespace) -> int:
    """Build (or with --verify re-check) the package of each chosen study; 1 when any is refused or differs."""
    from cdiscmm.package.assemble import StudyInputs
    from cdiscmm.package.build import build_package

    require_chunks(args)
    code = 0
    project = getattr(args, "project", None) or ProjectConfig()
    for study in select_studies(args.study, args.mappings):
        home = args.out / study.studyid
        if args.verify:
            code = max(code, _verify(home / "package" / args.region))
            continue
        for folder in (home / "sdtm", home / "adam"):
            if not folder.is_dir():
                raise InputError(
                    "folder not found", Location(file=str(folder)), expected="the output of `cdiscmm sdtm` and `adam`"
                )
            _ensure_define(folder, study)
        raw = project.raw_for(study.studyid) or home / "raw"  # the export the sdtm stage read (cli/sdtm.py)
        inputs = StudyInputs(study.studyid, home / "sdtm", home / "adam", raw, study.config.encoding)
        checkers = [_validation(args.region, home, args.chunk_subjects, args.workers), _define_match]
        result = build_package(
            inputs, args.region, args.out, checkers=checkers, define_writer=partial(_write_define, study)
        )
        for item in result.refusals:
            finding = item.finding
            where = ", ".join(part for part in (finding.where, finding.variable) if part)
            print(f"cdiscmm: refused: {where}: {finding.rule} {finding.message} ({item.refuses})", file=sys.stderr)
        verdict = f"refused ({len(result.refusals)} reason(s))" if result.refusals else "accepted"
        progress.info(f"package {result.folder}: {verdict}")
        code = max(code, EXIT_VALIDATION if result.refusals else 0)
    return code
