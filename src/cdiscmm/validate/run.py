"""Validate one study's delivery end to end: collected data, SDTM, ADaM; write report.html, .xlsx and .json."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cdiscmm.core import progress
from cdiscmm.io.chunks import chunk_count
from cdiscmm.metadata.explanations import load_explanations
from cdiscmm.validate.catalogue import Rule, load_catalogue
from cdiscmm.validate.chunk_work import PartRunner, in_process
from cdiscmm.validate.collected import Collected, load_collected
from cdiscmm.validate.delivery import Delivery, load_delivery
from cdiscmm.validate.engine import DEFAULT_ENGINE, ENGINES, Validation, _outcome, validate
from cdiscmm.validate.findings import RuleOutcome
from cdiscmm.validate.provenance import provenance
from cdiscmm.validate.region import apply_region, ascii_only
from cdiscmm.validate.report import build_report, write_json
from cdiscmm.validate.report_html import write_html
from cdiscmm.validate.report_xlsx import write_xlsx

REPORT_STEM = "report"
VALIDATION_FOLDER = "validation"


@dataclass
class Inputs:
    """What to validate: any of an SDTM folder, an ADaM folder, a define.xml, a collected-data export."""

    sdtm: Path | None = None
    adam: Path | None = None
    define: Path | None = None
    raw: Path | None = None
    #: A second define.xml, for the ADaM folder when ``define`` is the SDTM one (each folder has its own).
    adam_define: Path | None = None
    #: The collected export's encoding (study.yaml ``encoding``).
    encoding: str = "utf-8"
    #: The study's explanations of the findings it keeps (``explanations.yaml``), shown beside them in the report.
    explanations: Path | None = None
    #: The metadata the SDTM / ADaM datasets were built from, given apart from them (a package folder has none
    #: beside its datasets): checked against instead of a ``metadata.json`` in the folder; None: that one, if any.
    sdtm_metadata: Path | None = None
    adam_metadata: Path | None = None

    def given(self) -> bool:
        """True when any folder or file to validate is given."""
        return any(path is not None for path in (self.sdtm, self.adam, self.define, self.raw, self.adam_define))

    def described(self) -> dict[str, str]:
        """The inputs as the report lists them: each given path and the collected export's encoding."""
        return {key: str(value) for key, value in vars(self).items() if value is not None}

    def metadata(self) -> dict[str, Path | None]:
        """The metadata given apart from the datasets, per kind (SDTM, ADaM)."""
        return {"SDTM": self.sdtm_metadata, "ADaM": self.adam_metadata}


def _on_define(rule: Rule, delivery: Delivery) -> Callable[[Path], RuleOutcome]:
    """``rule``'s outcome on ``delivery`` against one define.xml."""

    def outcome(path: Path) -> RuleOutcome:
        delivery.define = path
        return _outcome(rule, delivery)

    return outcome


def _define_outcome(rule: Rule, defines: list[Path], outcome: Callable[[Path], RuleOutcome]) -> RuleOutcome:
    """One define rule over every given define.xml (``outcome``: its outcome against one): FAIL if any fails, PASS
    if any ran, else NOT RUN (reasons)."""
    results = [outcome(path) for path in defines]
    found = [result.findings for result in results if len(result.findings)]
    ran_on = [name for result in results for name in result.ran_on]
    if found:
        return RuleOutcome("FAIL", pd.concat(found, ignore_index=True), ran_on=ran_on)
    if ran_on:
        return RuleOutcome("PASS", ran_on=ran_on)
    return RuleOutcome(
        "NOT RUN", reason="; ".join(f"{path.name}: {r.reason}" for path, r in zip(defines, results, strict=True))
    )


def _chunked(
    inputs: Inputs,
    rules: list[Rule],
    engine: str,
    region: str | None,
    defines: list[Path],
    subjects: Subjects,
    runner: PartRunner,
    meanwhile: Callable[[], None] | None,
) -> tuple[Validation, dict[str, int]]:
    """The delivery's rules run ``size`` of the study's ``subjects`` at a time, the chunks' parts by ``runner``
    (``meanwhile`` called while it runs them); with each dataset's record count."""
    from cdiscmm.validate.chunked import validate_chunked
    from cdiscmm.validate.chunks import ChunkedFiles

    found, size = subjects
    with progress.step(f"checking datasets {size} subjects at a time ({ENGINES[engine]})"):
        files = ChunkedFiles(
            inputs.sdtm,
            inputs.adam,
            inputs.define,
            found,
            size,
            ascii_only=ascii_only(region),
            metadata=inputs.metadata(),
        )
        result = validate_chunked(
            files,
            rules,
            engine,
            defines,
            lambda rule, outcome: _define_outcome(rule, defines, outcome),
            runner,
            meanwhile,
        )
    return result, files.records


#: The study's sorted subjects and the chunk size they are checked in.
Subjects = tuple[pd.Index, int]


def _chunks(inputs: Inputs, chunk_subjects: int | None) -> Subjects | None:
    """The subjects to check ``chunk_subjects`` at a time, or None for the whole run: no chunk size, or a size
    that makes one chunk (the whole run is that one chunk, the same report without the chunks' bookkeeping).

    DM has one record per subject (SDTMIG 3.4 §5.2), so a DM of at most ``chunk_subjects`` subjects decides it
    without reading every dataset's USUBJID column (0.3 s at 1,200 subjects): a subject found only outside DM is an
    error the checks report, and the whole run gives the report the chunks would."""
    if chunk_subjects is None:
        return None
    from cdiscmm.validate.chunks import dm_subject_count, study_subjects

    in_dm = dm_subject_count(inputs.sdtm)
    if in_dm is not None and in_dm <= chunk_subjects:
        return None

    with progress.step("finding the subjects"):
        subjects = study_subjects(inputs.sdtm, inputs.adam, inputs.define)
    return (subjects, chunk_subjects) if chunk_count(subjects, chunk_subjects) > 1 else None


def validate_study(
    inputs: Inputs,
    out_root: Path,
    engine: str = DEFAULT_ENGINE,
    export_suites: Path | None = None,
    rules: list[Rule] | None = None,
    region: str | None = None,
    chunk_subjects: int | None = None,
    runner: PartRunner = in_process,
) -> tuple[dict[str, Any], Path]:
    """Run every rule that has its inputs; write the three reports into ``<out_root>/<STUDYID>/validation/``.

    Returns the report and its folder. The study id is the datasets' STUDYID, else the collected export's.
    ``region`` (pmda, nmpa, fda) adds its region rules and agency severities (:mod:`cdiscmm.validate.region`).
    ``chunk_subjects``: the datasets are read and checked that many subjects at a time, the same report
    (:mod:`cdiscmm.validate.chunked`); the whole run when they are one chunk. ``runner`` runs the chunks' parts
    (:mod:`cdiscmm.validate.distributed`: on a Dask cluster, the collected data checked meanwhile).
    """
    rules_given = rules is not None
    catalogue = rules if rules is not None else load_catalogue()
    rules, regional = apply_region(catalogue, region)
    timings: dict[str, float] = {}
    outcomes: dict[str, RuleOutcome] = {}
    datasets: list[dict[str, Any]] = []
    collected: list[Collected] = []  # the collected export, once read

    def check_collected() -> None:
        started = time.perf_counter()
        if inputs.raw is not None:
            with progress.step("checking collected data"):
                collected.append(load_collected(inputs.raw, inputs.encoding))
                for rule in (rule for rule in rules if rule.scope == "collected"):
                    outcomes[rule.id] = _outcome(rule, collected[0])
            timings["collected"] = time.perf_counter() - started

    studyid = "UNKNOWN"
    started = time.perf_counter()
    if inputs.sdtm is not None or inputs.adam is not None:
        defines = [path for path in (inputs.define, inputs.adam_define) if path is not None]
        subjects = _chunks(inputs, chunk_subjects)
        if subjects is not None:
            elsewhere = runner is not in_process  # the parts run in other processes: check the collected data meanwhile
            meanwhile = check_collected if elsewhere else None
            result, records = _chunked(inputs, rules, engine, region, defines, subjects, runner, meanwhile)
            delivery = result.delivery
            if not elsewhere:
                check_collected()
        else:
            with progress.step("reading datasets"):
                delivery = load_delivery(
                    inputs.sdtm, inputs.adam, inputs.define, ascii_only=ascii_only(region), metadata=inputs.metadata()
                )
            timings["read_datasets"] = time.perf_counter() - started

            def meanwhile() -> None:  # while the suites run: define rules and the collected data
                for rule in (rule for rule in rules if rule.scope == "define" and defines):
                    outcomes[rule.id] = _define_outcome(rule, defines, _on_define(rule, delivery))
                check_collected()

            with progress.step(f"checking datasets ({ENGINES[engine]})"):
                result = validate(delivery, rules, engine, meanwhile)
            records = {name: len(frame) for name, frame in delivery.datasets.items()}
        studyid = delivery.studyid
        timings.update(result.timings)
        outcomes.update(result.outcomes)
        datasets += [
            {
                "name": name,
                "kind": delivery.kinds[name],
                "records": records[name],
                "source": delivery.metadata_source[delivery.kinds[name]] if name in delivery.meta else "none",
            }
            for name in sorted(delivery.datasets)
        ]
        if export_suites is not None:
            from cdiscmm.validate.gx import export_suites as export

            paths = export(result.plan, export_suites)
            progress.info(f"wrote {len(paths)} GX suites to {export_suites}")
    else:
        check_collected()
    if collected:
        if studyid == "UNKNOWN":
            studyid = collected[0].studyid()
        datasets += [
            {"name": form, "kind": "collected", "records": len(frame), "source": "data_dictionary.csv"}
            for form, frame in sorted(collected[0].forms.items())
        ]
    outcomes.update({rule_id: RuleOutcome("NOT RUN", reason=reason) for rule_id, reason in regional.items()})
    for rule in rules:
        if rule.id not in outcomes:
            given = {
                "SDTM": inputs.sdtm,
                "ADaM": inputs.adam,
                "collected": inputs.raw,
                "define": inputs.define or inputs.adam_define,
                "XPT": inputs.sdtm or inputs.adam,
            }
            missing = (
                "no define.xml given"
                if rule.scope == "define" and given["define"] is None
                else (f"no {rule.scope} input given")
            )
            outcomes[rule.id] = RuleOutcome("NOT RUN", reason=missing)
    reported = [*rules, *(rule for rule in catalogue if rule.id in regional)]
    settings = {**inputs.described(), "engine": engine, "region": region or "none"}
    title = f"cdiscmm validation report - {studyid}"
    explanations = load_explanations(inputs.explanations)
    read = provenance(inputs, collected[0].forms if collected else (), catalogue_given=rules_given)
    report = build_report(title, settings, reported, outcomes, datasets, timings, explanations, read)
    out = out_root / studyid / VALIDATION_FOLDER
    out.mkdir(parents=True, exist_ok=True)
    write_json(report, out / f"{REPORT_STEM}.json")
    write_html(report, out / f"{REPORT_STEM}.html")
    write_xlsx(report, out / f"{REPORT_STEM}.xlsx")
    return report, out
