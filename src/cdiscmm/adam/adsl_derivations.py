"""ADSL derivations: one small function per variable (or family), each adding its columns to ADSL.

Every function takes ADSL (one row per subject, keyed by USUBJID), the SDTM datasets and, where the rule
is data, the variable's spec (``specs/adam/adsl.yaml``); it returns ADSL with the new columns. The rule
and its source are in each docstring; the spec's ``method`` states the same rule for Define-XML.
A derivation that needs an optional SDTM dataset (CM, RS, DS, ...) leaves its variables missing with a
note when the dataset is not delivered; DM and EX are required (:func:`cdiscmm.adam.sdtm_input.require`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from cdiscmm.adam.checks import assert_columns, assert_unique
from cdiscmm.adam.dates import compute_dt_from_dtc, compute_duration, derive_vars_dt
from cdiscmm.adam.sdtm_input import optional, require
from cdiscmm.adam.spec import ExtremeDate, RecordSelection, Rule, VariableSpec
from cdiscmm.core import progress
from cdiscmm.core.errors import InputError, Location
from cdiscmm.metadata.model import split_variable_reference

Sdtm = Mapping[str, pd.DataFrame]
KEY = "USUBJID"

#: ISO 8601 date and time parts; the time precision decides the time imputation flag (ADaM CT TIMEFL C81226).
_DTM_PARTS = r"^(?P<date>\d{4}-\d{2}-\d{2})(?:T(?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?)?"
#: Disposition (docs/data-model.md: DS DSCAT / DSSCAT) and prior-therapy CM categories (sponsor).
DISPOSITION_EVENT = "DISPOSITION EVENT"
COMPLETED = "COMPLETED"
PRIOR_THERAPY = "PRIOR ANTI-MYELOMA THERAPY"


def _by_subject(adsl: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """``adsl`` with ``values`` (keyed by USUBJID, one row per subject) joined on; subjects without stay missing."""
    return adsl.merge(values, on=KEY, how="left", validate="one_to_one")


def _missing(adsl: pd.DataFrame, names: list[str], types: Mapping[str, str]) -> pd.DataFrame:
    """``adsl`` with ``names`` added as all-missing columns of the given types (``Num`` or ``Char``)."""
    dtypes = {name: "float64" if types[name] == "Num" else "str" for name in names}
    return adsl.assign(**{name: pd.Series(np.nan, index=adsl.index, dtype=dtype) for name, dtype in dtypes.items()})


def compute_dtm_from_dtc(dtc: pd.Series) -> pd.DataFrame:
    """ISO 8601 ``--DTC`` to a datetime (column ``dtm``) and its time imputation flag (column ``tmf``).

    Rule (admiral ``derive_vars_dtm(highest_imputation = "h", time_imputation = "first")``, ADaMIG 1.3
    §3.1.3): a complete date is required; missing time parts are set to 00; ``tmf`` is ``H`` when the whole
    time was missing, ``M`` when minutes were. Seconds imputed as 00 are not flagged: ADaMIG 1.3 §3.1.3
    allows leaving ``S`` out when only hours and minutes are collected (admiral ``ignore_seconds_flag``).
    """
    parts = dtc.astype("str").str.extract(_DTM_PARTS)
    text = parts["date"] + "T" + parts["hour"].fillna("00") + ":" + parts["minute"].fillna("00")
    text = text + ":" + parts["second"].fillna("00")
    dtm = pd.to_datetime(text, format="%Y-%m-%dT%H:%M:%S", errors="coerce").astype("datetime64[us]")
    flag = np.select([parts["hour"].isna(), parts["minute"].isna()], ["H", "M"], "")
    tmf = pd.Series(flag, index=dtc.index, dtype="str").where(dtm.notna() & (flag != ""))
    return pd.DataFrame({"dtm": dtm, "tmf": tmf}, index=dtc.index)


def start_from_dm(sdtm: Sdtm) -> pd.DataFrame:
    """One ADSL row per DM subject (USUBJID), in DM order.

    Rule: ADaMIG 1.3 §3.2, ADSL has one record per subject; the subjects are those of DM. A USUBJID twice
    in DM is an InputError.
    """
    dm = require(sdtm, "DM", [KEY])
    assert_unique(dm, [KEY], "DM")
    return dm[[KEY]].reset_index(drop=True)


def derive_vars_predecessor(adsl: pd.DataFrame, sdtm: Sdtm, variables: list[VariableSpec]) -> pd.DataFrame:
    """Copy every Predecessor variable whose source is a DM variable (``source: DM.AGE``) unchanged.

    Rule: ADaMIG 1.3 §3.1.2, a variable copied from SDTM keeps its values (and, when the name is the
    same, its SDTM name and label). TRT01P/TRT01A copy DM.ARM/DM.ACTARM. Every named DM variable is
    required.
    """
    copies = {spec.name: spec.source.split(".", 1)[1] for spec in variables if _dm_source(spec) and spec.name != KEY}
    dm = require(sdtm, "DM", [KEY, *copies.values()])
    return _by_subject(adsl, dm[[KEY]].assign(**{name: dm[source] for name, source in copies.items()}))


def _dm_source(spec: VariableSpec) -> bool:
    """True for a Predecessor whose source is exactly one DM variable (``DM.AGE``, not a SUPPDM description)."""
    reference = split_variable_reference(spec.source)
    return spec.origin == "Predecessor" and reference is not None and reference[0] == "DM"


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
    assert spec.extreme is not None, f"{spec.name} has no 'extreme' section"
    records = _extreme_records(sdtm, spec.extreme, spec.name)
    dates = records.assign(date=compute_dt_from_dtc(records["dtc"])).dropna(subset=["date"])
    grouped = dates.groupby(KEY)["date"]
    extreme = grouped.min() if spec.extreme.mode == "first" else grouped.max()
    return _by_subject(adsl, extreme.rename(spec.name).reset_index())


def derive_vars_extreme_dtm(adsl: pd.DataFrame, sdtm: Sdtm, spec: VariableSpec, time_flag: str) -> pd.DataFrame:
    """Add ``spec.name`` (a datetime) and ``time_flag``: the first or last datetime over the selected records.

    Rule: admiral ADSL template, TRTSDTM from ``derive_vars_dtm(highest_imputation = "h",
    time_imputation = "first")`` then ``derive_vars_merged(mode = "first")``: only complete dates count,
    a missing time is 00:00:00 and the flag says which time parts were imputed (:func:`compute_dtm_from_dtc`).
    """
    assert spec.extreme is not None, f"{spec.name} has no 'extreme' section"
    records = _extreme_records(sdtm, spec.extreme, spec.name)
    parsed = pd.concat([records[[KEY]], compute_dtm_from_dtc(records["dtc"])], axis=1).dropna(subset=["dtm"])
    ordered = parsed.sort_values([KEY, "dtm", "tmf"], na_position="first", kind="stable")
    chosen = ordered.groupby(KEY).head(1) if spec.extreme.mode == "first" else ordered.groupby(KEY).tail(1)
    return _by_subject(adsl, chosen.rename(columns={"dtm": spec.name, "tmf": time_flag}))


def derive_var_trtdurd(adsl: pd.DataFrame) -> pd.DataFrame:
    """Add TRTDURD = TRTEDT - TRTSDT + 1 (days); missing when either date is missing.

    Rule: ADaMIG 1.3 ADSL TRTDURD "Total Treatment Duration (Days)"; admiral ``derive_var_trtdurd()``
    (``compute_duration(add_one = TRUE)``).
    """
    return adsl.assign(TRTDURD=compute_duration(adsl["TRTSDT"], adsl["TRTEDT"], "days"))


# --- analysis-set rules ------------------------------------------------------------------------------------
RuleEvaluator = Callable[[Rule, pd.DataFrame, Sdtm], pd.Series]


def _exists(rule: Rule, adsl: pd.DataFrame, sdtm: Sdtm) -> pd.Series:
    """True for subjects with at least one record of the rule's dataset meeting its filter (and date)."""
    exists = rule.exists
    assert exists is not None
    needed = [KEY, *(exists.where.columns() if exists.where else []), *([exists.date] if exists.date else [])]
    frame = optional(sdtm, exists.dataset, needed, f"no subject has {exists.dataset} records for this rule")
    if frame is None:
        return pd.Series(False, index=adsl.index)
    rows = frame.loc[exists.where.mask(frame)] if exists.where else frame
    if exists.date and exists.after:
        dated = rows[[KEY]].assign(date=compute_dt_from_dtc(rows[exists.date]))
        reference = dated.merge(adsl[[KEY, exists.after]], on=KEY, how="left")
        rows = dated.loc[(reference["date"] > reference[exists.after]).to_numpy()]
    return adsl[KEY].isin(rows[KEY])


def _flag(rule: Rule, adsl: pd.DataFrame, sdtm: Sdtm) -> pd.Series:
    return adsl[rule.flag].eq("Y").fillna(False).astype(bool)


def _present(rule: Rule, adsl: pd.DataFrame, sdtm: Sdtm) -> pd.Series:
    return adsl[rule.present].notna()


def _all(rule: Rule, adsl: pd.DataFrame, sdtm: Sdtm) -> pd.Series:
    results = [compute_rule(part, adsl, sdtm) for part in rule.all or []]
    return pd.concat(results, axis=1).all(axis=1)


def _any(rule: Rule, adsl: pd.DataFrame, sdtm: Sdtm) -> pd.Series:
    results = [compute_rule(part, adsl, sdtm) for part in rule.any or []]
    return pd.concat(results, axis=1).any(axis=1)


#: The rule evaluator: one function per rule kind (:class:`cdiscmm.adam.spec.Rule`).
RULE_EVALUATORS: dict[str, RuleEvaluator] = {
    "exists": _exists,
    "flag": _flag,
    "present": _present,
    "all": _all,
    "any": _any,
}


def compute_rule(rule: Rule, adsl: pd.DataFrame, sdtm: Sdtm) -> pd.Series:
    """True for the ADSL subjects that meet ``rule`` (vectorised over subjects)."""
    return RULE_EVALUATORS[rule.kind](rule, adsl, sdtm).set_axis(adsl.index)


def derive_var_population_flag(adsl: pd.DataFrame, sdtm: Sdtm, spec: VariableSpec) -> pd.DataFrame:
    """Add the analysis-set flag ``spec.name``: 'Y' where the spec's rule holds, else 'N'.

    Rule: the flag's ``rule`` in ``specs/adam/adsl.yaml`` (e.g. SAFFL: at least one EX record with
    EXDOSE > 0); ADaMIG 1.3 §3.1.4, population flags are 'Y'/'N' and never missing in ADSL.
    """
    assert spec.rule is not None, f"{spec.name} has no 'rule' section"
    met = compute_rule(spec.rule, adsl, sdtm)
    return adsl.assign(**{spec.name: pd.Series(np.where(met, "Y", "N"), index=adsl.index, dtype="str")})


# --- groupings and look-ups --------------------------------------------------------------------------------
def derive_vars_cat(adsl: pd.DataFrame, spec: VariableSpec) -> pd.DataFrame:
    """Add ``spec.name`` (and its numeric companion) by grouping a numeric variable into the spec's categories.

    Rule: each value falls in the first group whose ``below`` bound it is under (lower bounds inclusive),
    the last group is open; a missing value gives a missing group. AGEGR1: <65, 65-74, >=75 (sponsor,
    ICH E7 age groups). Companion AGEGR1N = group position 1, 2, 3 (ADaMIG 1.3 AGEGRyN).
    """
    categories = spec.categories
    assert categories is not None, f"{spec.name} has no 'categories' section"
    bounds = [-np.inf, *[group.below for group in categories.groups[:-1]], np.inf]
    position = pd.cut(pd.to_numeric(adsl[categories.source]), bins=bounds, right=False, labels=False)
    values = pd.Series([group.value for group in categories.groups])
    result = {spec.name: position.map(values).astype("str").where(position.notna())}
    if categories.numeric:
        result[categories.numeric] = (position + 1).astype("float64")
    return adsl.assign(**result)


def derive_var_lookup(adsl: pd.DataFrame, spec: VariableSpec) -> pd.DataFrame:
    """Add ``spec.name`` from the spec's look-up table of the source variable (REGION1 from COUNTRY).

    Rule: the table in ``specs/adam/adsl.yaml`` (sponsor; regions by ISO 3166-1 alpha-3 country code).
    A present source value missing from the table gives a missing result and a note naming it.
    """
    lookup = spec.lookup
    assert lookup is not None, f"{spec.name} has no 'lookup' section"
    source = adsl[lookup.source]
    result = source.map(lookup.mapping()).astype("str")
    unmapped = sorted(set(source[source.notna() & result.isna()]))
    if unmapped:
        progress.info(f"note: {lookup.source} {', '.join(unmapped)} not in the {spec.name} table; {spec.name} missing")
    return adsl.assign(**{spec.name: result})


# --- values read from one record -------------------------------------------------------------------------
def derive_var_record_value(adsl: pd.DataFrame, sdtm: Sdtm, spec: VariableSpec) -> pd.DataFrame:
    """Add ``spec.name`` from one record per subject of the dataset the spec names (``record_value``).

    Rule: among the records meeting the filter with the value present (and, for a baseline value, dated on
    or before the ADSL reference date, comparing the ISO 8601 date text so a partial date in the month of
    first dose counts as before), the last by date then --SEQ (``pick: last``; admiral baseline "last value
    on or before first dose"), or the largest number (``pick: max``, e.g. PRIORLN). A numeric variable
    takes the numeric value. Absent dataset or value variable: missing with a note.
    """
    source = spec.record_value
    assert source is not None, f"{spec.name} has no 'record_value' section"
    needed = [KEY, source.value, *(source.where.columns() if source.where else []), *filter(None, [source.date])]
    frame = optional(sdtm, source.dataset, needed, f"{spec.name} left missing")
    if frame is None:
        return _missing(adsl, [spec.name], {spec.name: spec.type or "Char"})
    rows = frame.loc[source.where.mask(frame)] if source.where else frame
    rows = rows.loc[rows[source.value].notna()]
    seq = f"{source.dataset}SEQ"
    order = [name for name in (source.date, seq) if name and name in rows.columns]
    visit = ["VISIT"] if source.baseline_visit and "VISIT" in rows.columns else []
    table = rows[[KEY, source.value, *order, *visit]].rename(columns={source.value: "value"})
    if source.on_or_before:
        reference = table[[KEY]].merge(adsl[[KEY, source.on_or_before]], on=KEY, how="left")[source.on_or_before]
        limit = pd.Series(reference.dt.strftime("%Y-%m-%d").to_numpy(), index=table.index, dtype="str")
        before = table[source.date].str.slice(0, 10).le(limit).fillna(False).astype(bool)
        if visit:
            undated = table[source.date].isna() | table[source.date].astype("str").eq("")
            before |= undated & table["VISIT"].eq(source.baseline_visit)
        table = table.loc[before]
    if spec.type == "Num":
        table = table.assign(value=pd.to_numeric(table["value"], errors="coerce")).dropna(subset=["value"])
    if source.pick == "max":
        chosen = table.groupby(KEY)["value"].max()
    else:
        ordered = table.sort_values(order, kind="stable", na_position="first")
        chosen = ordered.groupby(KEY)["value"].last()
    return _by_subject(adsl, chosen.rename(spec.name).reset_index())


def derive_var_tcrfl(adsl: pd.DataFrame, sdtm: Sdtm, spec: VariableSpec) -> pd.DataFrame:
    """Add TCRFL, the triple-class refractory flag: 'Y' if refractory to every drug class of the spec.

    Rule (sponsor, after the RRMM convention "refractory to at least one IMiD, one PI and one anti-CD38
    antibody", e.g. MagnetisMM-3 / KarMMa): prior anti-myeloma therapy records (CMCAT 'PRIOR ANTI-MYELOMA
    THERAPY') with SUPPCM REFRFL = 'Y'; a record belongs to a class when CMCLAS is one of the class's
    CMCLAS values or CMDECOD (else CMTRT) names one of its drugs (upper case). 'Y' when every class has
    such a record, else 'N'; missing for all subjects when CM (or CMCAT / REFRFL) is not delivered.
    """
    classes = spec.drug_classes
    assert classes is not None, f"{spec.name} has no 'drug_classes' section"
    cm = optional(sdtm, "CM", [KEY, "CMCAT", "REFRFL"], f"{spec.name} left missing")
    if cm is None:
        return _missing(adsl, [spec.name], {spec.name: "Char"})
    refractory = cm.loc[cm["CMCAT"].eq(PRIOR_THERAPY).fillna(False) & cm["REFRFL"].eq("Y").fillna(False)]
    blank = pd.Series(pd.NA, index=refractory.index, dtype="str")
    cmclas = refractory.get("CMCLAS", blank).str.upper()
    drug = refractory.get("CMDECOD", blank).fillna(refractory.get("CMTRT", blank)).str.upper()
    in_class = pd.DataFrame(
        {name: cmclas.isin(members.cmclas) | drug.isin(members.drugs) for name, members in classes.items()}
    )
    per_subject = in_class.groupby(refractory[KEY].to_numpy()).any().all(axis=1)
    met = adsl[KEY].map(per_subject).fillna(False).astype(bool)
    return adsl.assign(**{spec.name: pd.Series(np.where(met, "Y", "N"), index=adsl.index, dtype="str")})


# --- death and disposition ---------------------------------------------------------------------------------
def derive_vars_dthdt(adsl: pd.DataFrame, sdtm: Sdtm) -> pd.DataFrame:
    """Add DTHDT and DTHDTF from DM.DTHDTC, imputing a partial date to its first possible day.

    Rule: admiral ADSL template, ``derive_vars_dt(new_vars_prefix = "DTH", dtc = DTHDTC,
    highest_imputation = "M", date_imputation = "first")``: ``2024-03`` -> 2024-03-01 (DTHDTF 'D'),
    ``2024`` -> 2024-01-01 (DTHDTF 'M'); DTHDTF is missing for a complete date. No DM.DTHDTC: missing.
    """
    dm = optional(sdtm, "DM", [KEY, "DTHDTC"], "DTHDT, DTHDTF left missing")
    if dm is None:
        return _missing(adsl, ["DTHDT", "DTHDTF"], {"DTHDT": "Num", "DTHDTF": "Char"})
    dated = derive_vars_dt(dm[[KEY, "DTHDTC"]], "DTH", "DTHDTC", highest_imputation="M", date_imputation="first")
    return _by_subject(adsl, dated[[KEY, "DTHDT", "DTHDTF"]])


def derive_var_dthfl(adsl: pd.DataFrame, sdtm: Sdtm) -> pd.DataFrame:
    """Add DTHFL: 'Y' if DM.DTHFL = 'Y' or DM.DTHDTC is present, else missing.

    Rule: SDTMIG 3.4 DM DTHFL ("Y" or null); a death date without the flag (a delivery's inconsistency)
    still marks the death. Uses whichever of DM.DTHFL / DM.DTHDTC the delivery has.
    """
    dm = require(sdtm, "DM", [KEY])
    flagged = dm["DTHFL"].eq("Y").fillna(False) if "DTHFL" in dm.columns else pd.Series(False, index=dm.index)
    dated = dm["DTHDTC"].notna() if "DTHDTC" in dm.columns else pd.Series(False, index=dm.index)
    dead = dm[[KEY]].assign(DTHFL=pd.Series("Y", index=dm.index, dtype="str").where(flagged | dated))
    return _by_subject(adsl, dead)


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
    alive = pd.Series(derive_var_extreme_dt(adsl[[KEY]], sdtm, spec)[spec.name].to_numpy(), index=adsl.index)
    imputed = adsl["DTHDTF"].notna() & adsl["DTHDT"].notna()
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


def derive_vars_disposition(
    adsl: pd.DataFrame,
    sdtm: Sdtm,
    dsscat: str,
    names: tuple[str, str, str | None],
    applies_if: str | None = None,
) -> pd.DataFrame:
    """Add an end-of-study or end-of-treatment status, its reason and (optionally) its date from DS.

    ``names`` = (status, reason, date or None), e.g. ("EOSSTT", "DCSREAS", "EOSDT") for DSSCAT
    'STUDY PARTICIPATION' and ("EOTSTT", "DCTREAS", None) for 'STUDY TREATMENT'.
    Rule: admiral ADSL template (``derive_vars_merged`` of DS with ``format_eosstt``): the last DS record
    (by DSSTDTC, then DSSEQ) with DSCAT 'DISPOSITION EVENT' and the DSSCAT; status 'COMPLETED' if DSDECOD
    = 'COMPLETED', else 'DISCONTINUED' with the reason DSDECOD; 'ONGOING' without a record (ADaM CT
    SBJTSTAT C124296). ``applies_if``: the status is missing where that ADSL flag is not 'Y' (EOTSTT for
    a subject never dosed, SAFFL = 'N'). DS not delivered, or a study that records no disposition event of
    this DSSCAT for anyone (e.g. no end-of-treatment page after a single CAR-T infusion): all missing with a
    note, since 'ONGOING' would claim what was never collected.
    """
    status, reason, date = names
    created = [name for name in names if name]
    types = {status: "Char", reason: "Char", **({date: "Num"} if date else {})}
    ds = optional(sdtm, "DS", [KEY, "DSCAT", "DSSCAT", "DSDECOD", "DSSTDTC"], f"{', '.join(created)} left missing")
    if ds is None:
        return _missing(adsl, created, types)
    events = ds.loc[ds["DSCAT"].eq(DISPOSITION_EVENT).fillna(False) & ds["DSSCAT"].eq(dsscat).fillna(False)]
    if events.empty:
        progress.info(f"note: SDTM DS has no {dsscat} disposition event; {', '.join(created)} left missing")
        return _missing(adsl, created, types)
    order = ["DSSTDTC", *(["DSSEQ"] if "DSSEQ" in events.columns else [])]
    last = events.sort_values(order, kind="stable", na_position="first").groupby(KEY).tail(1)
    completed = last["DSDECOD"].eq(COMPLETED).fillna(False)
    values = last[[KEY]].assign(
        **{
            status: pd.Series(np.where(completed, COMPLETED, "DISCONTINUED"), index=last.index, dtype="str"),
            reason: last["DSDECOD"].where(~completed),
            **({date: compute_dt_from_dtc(last["DSSTDTC"])} if date else {}),
        }
    )
    result = _by_subject(adsl, values)
    result[status] = result[status].fillna("ONGOING")
    if applies_if:
        result[status] = result[status].where(result[applies_if].eq("Y").fillna(False).astype(bool))
    return result


def derive_vars_merged_adsl(
    dataset: pd.DataFrame, dataset_adsl: pd.DataFrame, variables: list[VariableSpec], *, keep: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Add the ADSL variables a dataset spec copies (``source: ADSL.<name>``), plus ADSL columns ``keep``.

    Rule (admiral ``derive_vars_merged(dataset_add = adsl, by_vars = USUBJID)``): each spec variable whose
    source is ``ADSL.X`` becomes a column named after the spec variable (``TRTA`` from ``ADSL.TRT01A``); ``keep``
    names further ADSL columns the derivations read (e.g. DTHDT for AE end-date limits) under their own name.
    A record whose USUBJID is not in ADSL is an :class:`InputError` (every ADaM subject is an ADSL subject).
    """
    copies = {
        spec.source.split(".", 1)[1]: spec.name
        for spec in variables
        if spec.origin == "Predecessor" and (spec.source or "").startswith("ADSL.") and spec.name != KEY
    }
    copies.update({name: name for name in keep})
    assert_columns(dataset_adsl, [KEY, *copies], "ADSL")
    added = dataset_adsl.loc[:, [KEY, *copies]].rename(columns=copies)
    unknown = sorted(set(dataset[KEY].dropna()) - set(dataset_adsl[KEY]))
    if unknown:
        raise InputError(
            "records of subjects not in ADSL",
            Location(file="ADSL", field=KEY),
            found=unknown[:5],
            expected="DM subjects",
        )
    out = dataset.drop(columns=[name for name in copies.values() if name in dataset.columns])
    merged = out.merge(added, on=KEY, how="left", validate="many_to_one")
    merged.index = dataset.index
    return merged


def derive_vars_trt01(adsl: pd.DataFrame, sdtm: Sdtm) -> pd.DataFrame:
    """Add TRT01P and TRT01A (ADaMIG 1.3 ADSL: Req / Cond), after SAFFL.

    Rule: DM.ARM / DM.ACTARM where the study assigns arms. A non-interventional study assigns none (SDTMIG 3.4
    DM assumption 4: ARM null, ARMNRS 'NOT ASSIGNED'), yet ADaM needs the treatment analysed: it is the one
    treatment the study observes, TS.TSVAL of TSPARMCD 'TRT' (several TRT values are joined with ' + ');
    TRT01A is that treatment for exposed subjects (SAFFL = 'Y'). Without TS or TRT the variables stay as DM
    gives them, with a note.
    """
    planned = adsl["ARM"].astype("string") if "ARM" in adsl else pd.Series(pd.NA, index=adsl.index, dtype="string")
    actual = adsl["ACTARM"].astype("string") if "ACTARM" in adsl else pd.Series(pd.NA, index=adsl.index, dtype="string")
    ts = optional(sdtm, "TS", ["TSPARMCD", "TSVAL"], "TRT01P/TRT01A taken from DM.ARM/ACTARM only")
    treatment = None
    if ts is not None:
        values = ts.loc[ts["TSPARMCD"].eq("TRT"), "TSVAL"].dropna().astype(str)
        treatment = " + ".join(values) if not values.empty else None
    if treatment is not None:
        planned = planned.fillna(treatment)
        exposed = adsl["SAFFL"].eq("Y") if "SAFFL" in adsl else pd.Series(False, index=adsl.index)
        actual = actual.fillna(planned.where(exposed))
    return adsl.assign(
        TRT01P=planned.astype("str").where(planned.notna()), TRT01A=actual.astype("str").where(actual.notna())
    )
