"""ADSL date derivations: first/last dates over selected records, treatment duration, death and last-alive dates.

Each function takes ADSL (one row per subject), the SDTM datasets and, where the rule is data, the variable's spec
(``specs/adam/adsl.yaml``); it returns ADSL with the new columns. The rule and its source are in each docstring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.adam.adsl_common import KEY, Sdtm, by_subject, missing_columns
from cdiscmm.adam.dates import compute_dt_from_dtc, compute_duration, derive_vars_dt
from cdiscmm.adam.sdtm_input import optional, require
from cdiscmm.adam.spec_model import ExtremeDate, RecordSelection, VariableSpec
from cdiscmm.core import progress
from cdiscmm.core.distinct import compute_on_distinct

#: ISO 8601 date and time parts; the time precision decides the time imputation flag (ADaM CT TIMEFL C81226).
_DTM_PARTS = r"^(?P<date>\d{4}-\d{2}-\d{2})(?:T(?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?)?"


def compute_dtm_from_dtc(dtc: pd.Series) -> pd.DataFrame:
    """ISO 8601 ``--DTC`` to a datetime (column ``dtm``) and its time imputation flag (column ``tmf``).

    Rule (admiral ``derive_vars_dtm(highest_imputation = "h", time_imputation = "first")``, ADaMIG 1.3
    §3.1.3): a complete date is required; missing time parts are set to 00; ``tmf`` is ``H`` when the whole
    time was missing, ``M`` when minutes were. Seconds imputed as 00 are not flagged: ADaMIG 1.3 §3.1.3
    allows leaving ``S`` out when only hours and minutes are collected (admiral ``ignore_seconds_flag``).
    """
    return compute_on_distinct(_dtm_from_dtc_distinct, dtc)


def _dtm_from_dtc_distinct(dtc: pd.Series) -> pd.DataFrame:
    parts = dtc.astype("str").str.extract(_DTM_PARTS)
    text = parts["date"] + "T" + parts["hour"].fillna("00") + ":" + parts["minute"].fillna("00")
    text = text + ":" + parts["second"].fillna("00")
    dtm = pd.to_datetime(text, format="%Y-%m-%dT%H:%M:%S", errors="coerce").astype("datetime64[us]")
    flag = np.select([parts["hour"].isna(), parts["minute"].isna()], ["H", "M"], "")
    tmf = pd.Series(flag, index=dtc.index, dtype="str").where(dtm.notna() & (flag != ""))
    return pd.DataFrame({"dtm": dtm, "tmf": tmf}, index=dtc.index)


def _selection_dates(sdtm: Sdtm, selection: RecordSelection, required: bool, name: str) -> pd.DataFrame | None:
    """Long table (USUBJID, dtc) of the selected records' date values, or None when the source is absent."""
    needed = [KEY, *(selection.where.columns() if selection.where else [])]
    if required:
        frame = require(sdtm, selection.dataset, [*needed, *selection.dates])
    else:
        frame = optional(sdtm, selection.dataset, needed, f"{name} does not use {selection.dataset}")
    if frame is None:
        return None
    dates = [name for name in selection.dates if name in frame.columns]
    if not dates:
        progress.info(f"note: SDTM {selection.dataset} has none of {', '.join(selection.dates)}; {name} ignores it")
        return None
    rows = frame.loc[selection.where.mask(frame)] if selection.where else frame
    return rows.melt(id_vars=[KEY], value_vars=dates, value_name="dtc")[[KEY, "dtc"]]


def _extreme_records(sdtm: Sdtm, extreme: ExtremeDate, name: str) -> pd.DataFrame:
    parts = [_selection_dates(sdtm, selection, extreme.required, name) for selection in extreme.sources]
    present = [part for part in parts if part is not None]
    return pd.concat(present, ignore_index=True) if present else pd.DataFrame({KEY: [], "dtc": []}, dtype="str")


def derive_var_extreme_dt(adsl: pd.DataFrame, sdtm: Sdtm, spec: VariableSpec) -> pd.DataFrame:
    """Add ``spec.name``: the first or last complete date over the records the spec selects.

    Rule: admiral ``derive_var_extreme_dt()`` (used for TRTSDT, TRTEDT, LSTALVDT in the ADSL template):
    the date part of every selected ``--DTC`` with a complete date, minimum (``first``) or maximum
    (``last``) per subject; partial dates are not imputed and not used. Selections: ``spec.extreme``.
    """
    extreme: ExtremeDate = spec.section("extreme")
    records = _extreme_records(sdtm, extreme, spec.name)
    dates = records.assign(date=compute_dt_from_dtc(records["dtc"])).dropna(subset=["date"])
    grouped = dates.groupby(KEY)["date"]
    extreme_dates = grouped.min() if extreme.mode == "first" else grouped.max()
    return by_subject(adsl, extreme_dates.rename(spec.name).reset_index())


def derive_vars_extreme_dtm(adsl: pd.DataFrame, sdtm: Sdtm, spec: VariableSpec, time_flag: str) -> pd.DataFrame:
    """Add ``spec.name`` (a datetime) and ``time_flag``: the first or last datetime over the selected records.

    Rule: admiral ADSL template, TRTSDTM from ``derive_vars_dtm(highest_imputation = "h",
    time_imputation = "first")`` then ``derive_vars_merged(mode = "first")``: only complete dates count,
    a missing time is 00:00:00 and the flag says which time parts were imputed (:func:`compute_dtm_from_dtc`).
    """
    extreme: ExtremeDate = spec.section("extreme")
    records = _extreme_records(sdtm, extreme, spec.name)
    parsed = pd.concat([records[[KEY]], compute_dtm_from_dtc(records["dtc"])], axis=1).dropna(subset=["dtm"])
    ordered = parsed.sort_values([KEY, "dtm", "tmf"], na_position="first", kind="stable")
    chosen = ordered.groupby(KEY).head(1) if extreme.mode == "first" else ordered.groupby(KEY).tail(1)
    return by_subject(adsl, chosen.rename(columns={"dtm": spec.name, "tmf": time_flag}))


def derive_var_trtdurd(adsl: pd.DataFrame) -> pd.DataFrame:
    """Add TRTDURD = TRTEDT - TRTSDT + 1 (days); missing when either date is missing.

    Rule: ADaMIG 1.3 ADSL TRTDURD "Total Treatment Duration (Days)"; admiral ``derive_var_trtdurd()``
    (``compute_duration(add_one = TRUE)``).
    """
    return adsl.assign(TRTDURD=compute_duration(adsl["TRTSDT"], adsl["TRTEDT"], "days"))


def derive_vars_dthdt(adsl: pd.DataFrame, sdtm: Sdtm) -> pd.DataFrame:
    """Add DTHDT and DTHDTF from DM.DTHDTC, imputing a partial date to its first possible day.

    Rule: admiral ADSL template, ``derive_vars_dt(new_vars_prefix = "DTH", dtc = DTHDTC,
    highest_imputation = "M", date_imputation = "first")``: ``2024-03`` -> 2024-03-01 (DTHDTF 'D'),
    ``2024`` -> 2024-01-01 (DTHDTF 'M'); DTHDTF is missing for a complete date. No DM.DTHDTC: missing.
    """
    dm = optional(sdtm, "DM", [KEY, "DTHDTC"], "DTHDT, DTHDTF left missing")
    if dm is None:  # a date column, all missing (NaT), so that later date comparisons hold
        missing = missing_columns(adsl, ["DTHDTF"], {"DTHDTF": "Char"})
        return missing.assign(DTHDT=pd.Series(pd.NaT, index=adsl.index, dtype="datetime64[us]"))
    dated = derive_vars_dt(dm[[KEY, "DTHDTC"]], "DTH", "DTHDTC", highest_imputation="M", date_imputation="first")
    return by_subject(adsl, dated[[KEY, "DTHDT", "DTHDTF"]])


#: Hidden ADSL column: the last complete date each subject is known alive (LSTALVDT's sources), read once.
ALIVE_COLUMN = "_ALIVEDT"


def derive_var_dthdt_not_before_alive(adsl: pd.DataFrame, sdtm: Sdtm, spec: VariableSpec) -> pd.DataFrame:
    """Move an imputed DTHDT (DTHDTF present) forward to the last date the subject was known alive when the
    first-day imputation falls before it; ``spec`` is LSTALVDT's (its sources are the known-alive dates).

    Rule: admiral ``derive_vars_dt(..., min_dates = ...)``: an imputed date is never earlier than a date the
    data prove the subject alive (e.g. death ``2025-04`` imputed to 04-01 while an assessment is on 04-06 gives
    04-06). A complete death date is never changed; DTHDTF keeps the imputation level. The known-alive dates
    are kept in the hidden column :data:`ALIVE_COLUMN` for :func:`derive_var_lstalvdt` (read once).
    """
    dates = derive_var_extreme_dt(adsl[[KEY]], sdtm, spec)[spec.name]  # all-missing (not dates) without sources
    alive = pd.Series(pd.to_datetime(dates).to_numpy(), index=adsl.index)
    imputed = adsl["DTHDTF"].notna() & adsl["DTHDT"].notna()
    if not imputed.any():  # nothing to move (also when the delivery has no DM.DTHDTC: DTHDT all missing)
        return adsl.assign(**{ALIVE_COLUMN: alive})
    later = imputed & (alive > adsl["DTHDT"]).fillna(False).astype(bool)
    return adsl.assign(DTHDT=adsl["DTHDT"].mask(later, alive), **{ALIVE_COLUMN: alive})


def derive_var_lstalvdt(adsl: pd.DataFrame, sdtm: Sdtm, spec: VariableSpec) -> pd.DataFrame:
    """Add LSTALVDT: DTHDT for a subject who died, else the last complete date the subject was known alive.

    Rule: admiral ADSL template ``derive_vars_extreme_event()`` (maximum over AE, LB, exposure dates), here
    over the sources of the spec (DM, EX, AE, RS, LB, QS, DS, and SS records 'ALIVE'); absent datasets are
    skipped. A subject who died was last known alive on the death date (DTHFL = 'Y' and DTHDT present).
    The known-alive dates :func:`derive_var_dthdt_not_before_alive` read are reused when present.
    """
    if ALIVE_COLUMN in adsl:
        alive = adsl[ALIVE_COLUMN]
        adsl = adsl.drop(columns=ALIVE_COLUMN)
    else:
        alive = derive_var_extreme_dt(adsl[[KEY]], sdtm, spec)[spec.name]
    dead = adsl["DTHFL"].eq("Y").fillna(False) & adsl["DTHDT"].notna()
    return adsl.assign(**{spec.name: adsl["DTHDT"].where(dead, alive.to_numpy())})
