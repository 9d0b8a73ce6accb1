"""ADAE occurrence flags: treatment emergence, ADR and serious ADR, AESI, and onset from the last dose."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cdiscmm.adam.checks import assert_columns, assert_values
from cdiscmm.adam.dates import compute_dt_from_dtc
from cdiscmm.core.distinct import compute_on_distinct

#: Physician-assessed causality (AEREL, no CDISC CT) -> ADR: "Y" when a relationship to the study drug is not
#: ruled out (PMDA/ICH E2A: an ADR is a response "where a causal relationship ... is at least a reasonable
#: possibility"). Sponsor codelist; values outside it are an input error.
ADR_RELATIONSHIP: dict[str, str] = {
    "RELATED": "Y",
    "DEFINITELY RELATED": "Y",
    "PROBABLY RELATED": "Y",
    "POSSIBLY RELATED": "Y",
    "DEFINITE": "Y",
    "PROBABLE": "Y",
    "POSSIBLE": "Y",
    "NOT RELATED": "N",
    "UNLIKELY RELATED": "N",
    "UNRELATED": "N",
}


@dataclass(frozen=True)
class Aesi:
    """An adverse event of special interest found by AEDECOD, with a flag for a severe grade."""

    flag: str
    decod: str
    severe_flag: str
    severe_grade: int


def _flag(condition: pd.Series) -> pd.Series:
    return pd.Series(np.where(condition, "Y", None), index=condition.index, dtype="str")


def derive_var_trtemfl(
    dataset: pd.DataFrame,
    *,
    start_date: str = "ASTDT",
    end_date: str = "AENDT",
    trt_start_date: str = "TRTSDT",
    trt_end_date: str | None = "TRTEDT",
    end_window: int | None = 30,
    open_window: str | None = None,
    before_start: str | None = None,
    initial_intensity: str | None = None,
    intensity: str | None = None,
) -> pd.DataFrame:
    """Add TRTEMFL, the treatment-emergent flag (``"Y"`` or missing).

    Rule (admiral ``derive_var_trtemfl()``, cases in this order, the first that applies decides):

    1. not treated (``trt_start_date`` missing): missing;
    2. ended before treatment start: missing (unless the end date is before the event's own start, a data
       error that decides nothing);
    3. start date missing: ``"Y"`` (conservative);
    4. start on or after treatment start and, when ``end_window`` is given, on or before treatment end +
       ``end_window`` days (a missing treatment end means treatment is ongoing; a True in the ``open_window``
       column means the exposure does not end, e.g. a cell therapy) — unless the ``before_start`` column says
       the event began before the first dose on the same day (both times known): ``"Y"``;
    5. worsening, when ``initial_intensity`` and ``intensity`` (comparable, e.g. numeric grades) are given:
       start before treatment start and intensity above the initial intensity, or either missing: ``"Y"``;
    6. otherwise missing.
    """
    columns = [start_date, end_date, trt_start_date]
    columns += [trt_end_date] if trt_end_date else []
    columns += [name for name in (initial_intensity, intensity) if name]
    assert_columns(dataset, columns, "ADAE")
    start, end, trt_start = dataset[start_date], dataset[end_date], dataset[trt_start_date]
    within_window = pd.Series(True, index=dataset.index)
    if end_window is not None and trt_end_date:
        trt_end = dataset[trt_end_date]
        within_window = trt_end.isna() | (start <= trt_end + pd.Timedelta(days=end_window))
        if open_window:
            within_window |= dataset[open_window].fillna(False).astype(bool)
    worsened = pd.Series(False, index=dataset.index)
    if initial_intensity and intensity:
        before, after = dataset[initial_intensity], dataset[intensity]
        worsened = (start < trt_start) & ((before < after) | before.isna() | after.isna())
    # an end before the event's own start is a data error (reported in SDTM issues.csv): it excludes nothing
    excluded = trt_start.isna() | ((end < trt_start) & ~(end < start))
    after_start = start >= trt_start
    if before_start:
        after_start &= ~dataset[before_start].fillna(False).astype(bool)
    emergent = ~excluded & (start.isna() | (after_start & within_window) | worsened)
    return dataset.assign(TRTEMFL=_flag(emergent))


def derive_var_adrfl(
    dataset: pd.DataFrame, *, relationship: str = "AEREL", missing_as_related: bool = True
) -> pd.DataFrame:
    """Add ADRFL (adverse drug reaction, ``"Y"``/``"N"``) from the physician-assessed causality.

    Rule: :data:`ADR_RELATIONSHIP` maps the upper-cased ``relationship`` value; a value outside it is an
    :class:`InputError` (nothing is guessed). Missing causality counts as related (``"Y"``) by default:
    ICH E2A §II.A.2 defines an ADR as an event whose relationship to the product "cannot be ruled out", and
    Japanese post-marketing practice counts every event not judged unrelated, causality unknown included, as
    an ADR (副作用: 因果関係が否定できない; PMRJ Post-marketing Data Science Advisory Group, 医薬品医療機器
    レギュラトリーサイエンス 45(2), 2014). ``missing_as_related=False`` leaves ADRFL missing instead.
    """
    assert_columns(dataset, [relationship], "ADAE")
    causality = dataset[relationship].astype("str").str.strip().str.upper().replace("", None)
    assert_values(causality.rename(relationship), ADR_RELATIONSHIP, "ADAE")
    flag = causality.map(ADR_RELATIONSHIP)
    if missing_as_related:
        flag = flag.where(causality.notna(), "Y")
    return dataset.assign(ADRFL=flag.astype("str"))


def derive_var_sadrfl(dataset: pd.DataFrame) -> pd.DataFrame:
    """Add SADRFL (serious adverse drug reaction): ``"Y"`` when AESER = ``"Y"`` and ADRFL = ``"Y"``.

    ``"N"`` when both are known and the event is not a serious ADR; missing when AESER or ADRFL is missing.
    """
    assert_columns(dataset, ["AESER", "ADRFL"], "ADAE")
    known = dataset["AESER"].notna() & dataset["ADRFL"].notna()
    serious_adr = dataset["AESER"].eq("Y") & dataset["ADRFL"].eq("Y")
    return dataset.assign(SADRFL=pd.Series(np.where(serious_adr, "Y", "N"), index=dataset.index).where(known))


def derive_var_aesi_flags(dataset: pd.DataFrame, aesis: tuple[Aesi, ...], *, grade: str = "AETOXGR") -> pd.DataFrame:
    """Add one flag per AESI (e.g. CRSFL, ICANSFL) and one for its severe grades (e.g. CRSG3FL, ICANG3FL); the
    AESIs are the spec's (``specs/adam/adae.yaml``, CRS and ICANS for CAR-T and bispecific antibodies, domain.md §2).

    Rule: the AESI flag is ``"Y"`` when AEDECOD equals the AESI's MedDRA preferred term (case-insensitive);
    the severe flag is ``"Y"`` when, in addition, the numeric ``grade`` (AETOXGR text "1".."5") is at least
    the AESI's ``severe_grade``. Other records get missing flags.
    """
    assert_columns(dataset, ["AEDECOD", grade], "ADAE")
    decod = dataset["AEDECOD"].astype("str").str.casefold()
    numeric_grade = pd.to_numeric(dataset[grade], errors="coerce")
    out = dataset.copy()
    for aesi in aesis:
        is_aesi = decod.eq(aesi.decod.casefold())
        out[aesi.flag] = _flag(is_aesi)
        out[aesi.severe_flag] = _flag(is_aesi & numeric_grade.ge(aesi.severe_grade))
    return out


def compute_dtm_time_known(dtc: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Datetime (midnight when no time) of complete ISO 8601 dates, and whether the time (hh:mm) was known."""
    return compute_on_distinct(_dtm_time_known_distinct, dtc)


def _dtm_time_known_distinct(dtc: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = dtc.astype("str")
    date = compute_dt_from_dtc(text)
    clock = text.str.extract(r"^\d{4}-\d{2}-\d{2}T(\d{2}:\d{2}(?::\d{2})?)", expand=False)
    moment = pd.to_datetime(text.str[:10] + " " + clock.fillna("00:00"), format="ISO8601", errors="coerce")
    known = clock.notna() & moment.notna()
    return moment.where(date.notna()).astype("datetime64[us]"), known


def derive_vars_onset_from_last_dose(
    dataset: pd.DataFrame,
    dataset_ex: pd.DataFrame,
    *,
    onset_dtc: str = "AESTDTC",
    dose_dtc: str = "EXSTDTC",
    dose_seq: str = "EXSEQ",
) -> pd.DataFrame:
    """Add the last dose before onset: LDOSEDTM, LDOSESEQ, ONSLDDY (days) and ONSLDHR (hours).

    Rule: per subject, the most recent dose (``dataset_ex``) whose start is on or before the onset
    (``pd.merge_asof`` backward, exact matches allowed). Both are ISO 8601 ``--DTC`` text with a complete
    date; a missing time counts as the start of the day for the dose and as the end of the day for the
    onset, so a dose on the onset day without a known order counts as before the onset. ONSLDDY = onset
    date - dose date in calendar days (0 = same day); ONSLDHR = hours between them, only when both times
    are known. Records with an incomplete onset date or without an earlier dose get missing values.
    """
    assert_columns(dataset, ["USUBJID", onset_dtc], "ADAE")
    assert_columns(dataset_ex, ["USUBJID", dose_dtc, dose_seq], "EX")
    onset, onset_known = compute_dtm_time_known(dataset[onset_dtc])
    onset_key = onset + pd.to_timedelta(np.where(onset_known, 0, 86_399), unit="s")
    left = pd.DataFrame({"USUBJID": dataset["USUBJID"], "_key": onset_key, "_row": np.arange(len(dataset))})
    dose, dose_known = compute_dtm_time_known(dataset_ex[dose_dtc])
    right = (
        pd.DataFrame(
            {
                "USUBJID": dataset_ex["USUBJID"],
                "_key": dose,
                "LDOSEDTM": dose,
                "_dose_known": dose_known,
                "LDOSESEQ": dataset_ex[dose_seq].astype("Int64"),
            }
        )
        .dropna(subset=["_key"])
        .sort_values("_key", kind="stable")
    )
    matched = (
        pd.merge_asof(
            left.dropna(subset=["_key"]).sort_values("_key", kind="stable"),
            right,
            on="_key",
            by="USUBJID",
            direction="backward",
            allow_exact_matches=True,
        )
        .set_index("_row")
        .reindex(np.arange(len(dataset)))
    )
    matched.index = dataset.index
    out = dataset.copy()
    out["LDOSEDTM"] = matched["LDOSEDTM"].astype("datetime64[us]")
    out["LDOSESEQ"] = matched["LDOSESEQ"].astype("Int64")
    out["ONSLDDY"] = (onset.dt.normalize() - out["LDOSEDTM"].dt.normalize()).dt.days.astype("Int64")
    both_known = onset_known & matched["_dose_known"].fillna(False).astype(bool)
    hours = (onset - out["LDOSEDTM"]) / pd.Timedelta(hours=1)
    out["ONSLDHR"] = hours.where(both_known).astype("float64")
    return out


def derive_var_first_occurrence_flag(
    dataset: pd.DataFrame,
    by_vars: list[str],
    new_var: str,
    *,
    order: list[str],
    filter_flag: str = "TRTEMFL",
) -> pd.DataFrame:
    """Add ``new_var`` = ``"Y"`` on the first record per ``by_vars`` among records with ``filter_flag`` = ``"Y"``.

    Rule (ADaMIG OCCDS ``AOCCFL`` / ``AOCCSFL`` / ``AOCCPFL``; admiral ``derive_var_extreme_flag(mode =
    "first")`` restricted by ``restrict_derivation(filter = TRTEMFL == "Y")``): records are sorted by
    ``order`` (missing values last, ties in input order); other records get a missing flag.
    """
    assert_columns(dataset, [*by_vars, *order, filter_flag], "ADAE")
    eligible = dataset.loc[dataset[filter_flag].eq("Y").fillna(False).astype(bool)]
    first = eligible.sort_values([*by_vars, *order], kind="stable", na_position="last").drop_duplicates(by_vars)
    return dataset.assign(**{new_var: _flag(pd.Series(dataset.index.isin(first.index), index=dataset.index))})
