"""Cross-dataset checks about subjects: DM, reference dates, study days, EPOCH, death and seriousness."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.core.distinct import compute_on_distinct
from cdiscmm.validate.catalogue import CheckRun, check
from cdiscmm.validate.checks_records import _concat, equals, filled, is_in, later_than
from cdiscmm.validate.findings import NotRun, dataset_finding, empty_findings, record_findings


@check("dataset_present", "dataset")
def check_dataset_present(run: CheckRun) -> pd.DataFrame:
    """The dataset ``params.dataset`` is in the delivery (SDTMIG 5.2: DM is required; ADaMIG 3.1: ADSL)."""
    wanted = run.rule.params["dataset"]
    if not any(kind == run.rule.scope for kind in run.delivery.kinds.values()):
        raise NotRun(f"no {run.rule.scope} folder given")
    run.ran_on.append(wanted)
    if wanted in run.delivery.datasets:
        return empty_findings()
    return dataset_finding(wanted, "", f"{wanted} dataset missing")


@check("subject_in_dm", "subject")
def check_subject_in_dm(run: CheckRun) -> pd.DataFrame:
    """Records whose USUBJID is not a DM subject (SDTMIG 5.2: DM has one record per subject of the study)."""
    subjects = run.need("DM", "USUBJID")["USUBJID"]
    parts = []
    for name in run.datasets():
        if name == "DM" or not run.columns(name, "USUBJID"):
            continue
        frame = run.delivery.datasets[name]
        unknown = filled(frame["USUBJID"]) & ~is_in(frame["USUBJID"], subjects)
        parts.append(record_findings(name, frame, unknown, "USUBJID", "not in DM"))
    return _concat(parts)


@check("duplicate_subject", "subject")
def check_duplicate_subject(run: CheckRun) -> pd.DataFrame:
    """Subject-level datasets (DM, ADSL) with more than one record for a USUBJID."""
    parts = []
    for name in run.datasets():
        if run.columns(name, "USUBJID"):
            frame = run.delivery.datasets[name]
            parts.append(record_findings(name, frame, frame.duplicated("USUBJID", keep=False), "USUBJID", "repeated"))
    return _concat(parts)


def _reference(run: CheckRun, name: str, frame: pd.DataFrame, variable: str) -> pd.Series:
    """DM's ``variable`` (e.g. RFSTDTC) for each record of ``frame``."""
    dm = run.need("DM", "USUBJID", variable)
    return frame["USUBJID"].map(dm.drop_duplicates("USUBJID").set_index("USUBJID")[variable]).fillna("")


def _complete_date(text: pd.Series) -> pd.Series:
    """The date of complete ISO 8601 values (YYYY-MM-DD...), NaT otherwise (parsed once per distinct value)."""
    return compute_on_distinct(_complete_date_of, text)


def _complete_date_of(text: pd.Series) -> pd.Series:
    head = text.astype(str).str[:10]
    return pd.to_datetime(head.where(head.str.fullmatch(r"\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d", errors="coerce")


#: (date, study day) variable pairs of SDTMIG 4.4.4.
_DAY_PAIRS = (("--DTC", "--DY"), ("--STDTC", "--STDY"), ("--ENDTC", "--ENDY"))


@check("study_day", "subject")
def check_study_day(run: CheckRun) -> pd.DataFrame:
    """--DY equals the days from DM.RFSTDTC to the record's date, +1 on or after it, no day 0 (SDTMIG 4.4.4).

    Only complete dates are compared; a --DY given for a partial date is a finding too (CORE: --DY not null
    when the date portion is incomplete).
    """
    parts = []
    for name in run.datasets():
        frame = run.delivery.datasets[name]
        pairs = [(run.var(name, d), run.var(name, y)) for d, y in _DAY_PAIRS]
        pairs = [(d, y) for d, y in pairs if d in frame.columns and y in frame.columns]
        if not pairs or "USUBJID" not in frame.columns:
            run.skipped.append(f"{name}: no --DTC/--DY pair")
            continue
        run.ran_on.append(name)
        reference = _complete_date(_reference(run, name, frame, "RFSTDTC"))
        for date, day in pairs:
            when = _complete_date(frame[date])
            offset = (when - reference).dt.days
            expected = offset + (offset >= 0)
            given = pd.to_numeric(frame[day], errors="coerce")
            wrong = (expected.notna() & given.notna() & (expected != given)) | (given.notna() & expected.isna())
            rows = wrong.to_numpy(dtype=bool)  # the detail text only for the records reported
            detail = pd.Series("", index=frame.index, dtype=object)
            detail[rows] = (
                day + " " + given[rows].astype(str) + ", expected " + expected[rows].astype("Int64").astype(str)
            )
            parts.append(record_findings(name, frame, wrong, day, detail))
    return _concat(parts)


@check("study_day_zero", "subject")
def check_study_day_zero(run: CheckRun) -> pd.DataFrame:
    """A study day variable equal to 0 (SDTMIG 4.4.4: there is no day 0)."""
    parts = []
    for name in run.datasets():
        frame = run.delivery.datasets[name]
        days = [run.var(name, y) for _, y in _DAY_PAIRS if run.var(name, y) in frame.columns]
        if not days:
            run.skipped.append(f"{name}: no --DY variable")
            continue
        run.ran_on.append(name)
        parts.extend(record_findings(name, frame, frame[day].eq(0), day, "day 0") for day in days)
    return _concat(parts)


@check("study_day_absent", "columns", reads=("--STDTC", "--ENDTC", "--STDY", "--ENDY"))
def check_study_day_absent(run: CheckRun) -> pd.DataFrame:
    """A dataset with --STDTC/--ENDTC filled but no --STDY/--ENDY variable (CORE reported MHSTDY/MHENDY)."""
    parts = []
    for name in run.datasets():
        frame = run.delivery.datasets[name]
        run.ran_on.append(name)
        for date, day in _DAY_PAIRS[1:]:
            date, day = run.var(name, date), run.var(name, day)
            if date in frame.columns and day not in frame.columns and filled(frame[date]).any():
                parts.append(dataset_finding(name, day, f"{day} absent though {date} is filled"))
    return _concat(parts)


@check("within_reference", "subject")
def check_within_reference(run: CheckRun) -> pd.DataFrame:
    """Records dated before DM ``params.reference_start`` or after ``params.reference_end`` (e.g. EX within
    RFXSTDTC-RFXENDTC, SDTMIG 5.2 DM reference dates)."""
    first, last = run.rule.params["reference_start"], run.rule.params["reference_end"]
    run.need("DM", "USUBJID", first, last)
    parts = []
    for name in run.datasets():
        columns = run.columns(name, "USUBJID", *run.rule.variables[:2])
        if not columns:
            continue
        frame = run.delivery.datasets[name]
        _, start, end = columns
        before = later_than(_reference(run, name, frame, first), frame[start])
        after = later_than(frame[end], _reference(run, name, frame, last))
        parts.append(record_findings(name, frame, before, start, f"before DM.{first}"))
        parts.append(record_findings(name, frame, after, end, f"after DM.{last}"))
    return _concat(parts)


@check("epoch_in_ta", "subject")
def check_epoch_in_ta(run: CheckRun) -> pd.DataFrame:
    """EPOCH values that the trial design (TA.EPOCH) does not have."""
    epochs = run.need("TA", "EPOCH")["EPOCH"]
    parts = []
    for name in run.datasets():
        if run.columns(name, "EPOCH"):
            frame = run.delivery.datasets[name]
            unknown = filled(frame["EPOCH"]) & ~frame["EPOCH"].isin(epochs)
            parts.append(record_findings(name, frame, unknown, "EPOCH", "not in TA.EPOCH"))
    return _concat(parts)


@check("epoch_matches_se", "subject")
def check_epoch_matches_se(run: CheckRun) -> pd.DataFrame:
    """EPOCH of a dated record is the EPOCH of an SE element of the subject spanning its date (SDTMIG 3.4 section 5.3;
    on a transition day either element's epoch is accepted: dates without times cannot order them)."""
    se = run.need("SE", "USUBJID", "SESTDTC", "SEENDTC", "EPOCH").copy()
    se["start"], se["end"] = _complete_date(se["SESTDTC"]), _complete_date(se["SEENDTC"])
    parts = []
    for name in run.datasets():
        frame = run.delivery.datasets[name]
        dates = [run.var(name, v) for v in ("--DTC", "--STDTC") if run.var(name, v) in frame.columns]
        if name == "SE" or "EPOCH" not in frame.columns or not dates:
            run.skipped.append(f"{name}: EPOCH or --DTC/--STDTC absent")
            continue
        run.ran_on.append(name)
        records = pd.DataFrame(
            {
                "USUBJID": frame["USUBJID"],
                "when": _complete_date(frame[dates[0]]),
                "EPOCH": frame["EPOCH"],
                "row": np.arange(len(frame)),
            }
        )
        joined = records.dropna(subset=["when"]).merge(
            se[["USUBJID", "start", "end", "EPOCH"]], on="USUBJID", suffixes=("", "_se")
        )
        inside = joined.loc[
            (joined["when"] >= joined["start"]) & ((joined["when"] <= joined["end"]) | joined["end"].isna())
        ]
        agrees = (inside["EPOCH"] == inside["EPOCH_se"]).groupby(inside["row"]).any()
        wrong = np.zeros(len(frame), dtype=bool)
        wrong[agrees.index[~agrees].to_numpy()] = True
        parts.append(record_findings(name, frame, wrong, "EPOCH", "differs from the SE element of its date"))
    return _concat(parts)


def _death_subjects(run: CheckRun) -> pd.Series:
    """Subjects the rule's ``params.source`` records as dead: DS (DSDECOD DEATH), DD (any record), AE (fatal)."""
    source = run.rule.params["source"]
    if source == "DS":
        ds = run.need("DS", "USUBJID", "DSDECOD")
        return ds.loc[ds["DSDECOD"].eq("DEATH"), "USUBJID"]
    if source == "DD":
        return run.need("DD", "USUBJID")["USUBJID"]
    ae = run.need("AE", "USUBJID")
    fatal = pd.Series(False, index=ae.index)
    for variable, value in (("AEOUT", "FATAL"), ("AESDTH", "Y")):
        if variable in ae.columns:
            fatal |= ae[variable].eq(value)
    return ae.loc[fatal, "USUBJID"]


@check("death_flag", "subject")
def check_death_flag(run: CheckRun) -> pd.DataFrame:
    """DM.DTHFL agrees with the death a source records (SDTMIG 5.2 DM: DTHFL = Y when the subject died).

    ``params.direction``: ``source_without_flag`` (source says dead, DTHFL not Y) or ``flag_without_source``
    (DTHFL = Y, the source has no death: e.g. no fatal AE).
    """
    dm = run.need("DM", "USUBJID", "DTHFL")
    dead = _death_subjects(run)
    run.ran_on.append("DM")
    flagged = dm["DTHFL"].eq("Y")
    recorded = dm["USUBJID"].isin(dead)
    if run.rule.params["direction"] == "source_without_flag":
        return record_findings("DM", dm, recorded & ~flagged, "DTHFL", f"death in {run.rule.params['source']}")
    return record_findings("DM", dm, flagged & ~recorded, "DTHFL", f"no death in {run.rule.params['source']}")


#: The AE seriousness criteria of SDTMIG 3.4 AE (section 6.2).
SERIOUSNESS = ("AESCAN", "AESCONG", "AESDISAB", "AESDTH", "AESHOSP", "AESLIFE", "AESOD", "AESMIE")


@check("serious_criteria", "subject")
def check_serious_criteria(run: CheckRun) -> pd.DataFrame:
    """AESER consistent with its criteria (SDTMIG 3.4 section 6.2 AE assumption 6): ``params.direction``
    ``criterion_not_serious`` (a criterion is Y, AESER is not Y) or ``serious_without_criterion`` (AESER Y,
    no criterion Y)."""
    ae = run.need("AE", "AESER")
    criteria = [name for name in SERIOUSNESS if name in ae.columns]
    if not criteria:
        raise NotRun("AE has none of the seriousness criteria variables")
    run.ran_on.append("AE")
    any_criterion = ae[criteria].eq("Y").any(axis=1)
    serious = equals(ae["AESER"], "Y")
    if run.rule.params["direction"] == "criterion_not_serious":
        return record_findings("AE", ae, any_criterion & ~serious, "AESER", "a criterion is Y")
    return record_findings("AE", ae, serious & ~any_criterion, "AESER", "no criterion is Y")
