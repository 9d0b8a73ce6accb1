"""ADSL derivations of subject values (DM copies, groupings, look-ups, single records, arms, disposition).

Every function takes ADSL (one row per subject, keyed by USUBJID), the SDTM datasets and, where the rule
is data, the variable's spec (``specs/adam/adsl.yaml``); it returns ADSL with the new columns. The rule
and its source are in each docstring; the spec's ``method`` states the same rule for Define-XML.
A derivation that needs an optional SDTM dataset (CM, RS, DS, ...) leaves its variables missing with a
note when the dataset is not delivered; DM and EX are required (:func:`cdiscmm.adam.sdtm_input.require`).
Dates are in :mod:`cdiscmm.adam.adsl_dates`, flags in :mod:`cdiscmm.adam.adsl_flags`;
:func:`derive_vars_merged_adsl` carries ADSL variables into the other datasets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.adam.adsl_common import KEY, Sdtm, by_subject, missing_columns
from cdiscmm.adam.checks import assert_columns, assert_unique
from cdiscmm.adam.dates import compute_dt_from_dtc
from cdiscmm.adam.sdtm_input import optional, require
from cdiscmm.adam.spec_model import Categories, Lookup, RecordValue, VariableSpec
from cdiscmm.core import progress
from cdiscmm.core.errors import InputError, Location
from cdiscmm.metadata.model import split_variable_reference

#: Disposition categories (docs/data-model.md: DS DSCAT / DSSCAT).
DISPOSITION_EVENT = "DISPOSITION EVENT"
COMPLETED = "COMPLETED"


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
    copies = {spec.name: spec.source.split(".", 1)[1] for spec in variables if is_dm_copy(spec) and spec.name != KEY}
    dm = require(sdtm, "DM", [KEY, *copies.values()])
    return by_subject(adsl, dm[[KEY]].assign(**{name: dm[source] for name, source in copies.items()}))


def is_dm_copy(spec: VariableSpec) -> bool:
    """True for a Predecessor whose source is exactly one DM variable (``DM.AGE``, not a SUPPDM description)."""
    reference = split_variable_reference(spec.source)
    return spec.origin == "Predecessor" and reference is not None and reference[0] == "DM"


# --- groupings and look-ups --------------------------------------------------------------------------------
def derive_vars_cat(adsl: pd.DataFrame, spec: VariableSpec) -> pd.DataFrame:
    """Add ``spec.name`` (and its numeric companion) by grouping a numeric variable into the spec's categories.

    Rule: each value falls in the first group whose ``below`` bound it is under (lower bounds inclusive),
    the last group is open; a missing value gives a missing group. AGEGR1: <65, 65-74, >=75 (sponsor,
    ICH E7 age groups). Companion AGEGR1N = group position 1, 2, 3 (ADaMIG 1.3 AGEGRyN).
    """
    categories: Categories = spec.section("categories")
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
    lookup: Lookup = spec.section("lookup")
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
    source: RecordValue = spec.section("record_value")
    needed = [KEY, source.value, *(source.where.columns() if source.where else []), *filter(None, [source.date])]
    frame = optional(sdtm, source.dataset, needed, f"{spec.name} left missing")
    if frame is None:
        return missing_columns(adsl, [spec.name], {spec.name: spec.type or "Char"})
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
    return by_subject(adsl, chosen.rename(spec.name).reset_index())


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
        return missing_columns(adsl, created, types)
    events = ds.loc[ds["DSCAT"].eq(DISPOSITION_EVENT).fillna(False) & ds["DSSCAT"].eq(dsscat).fillna(False)]
    if events.empty:
        progress.info(f"note: SDTM DS has no {dsscat} disposition event; {', '.join(created)} left missing")
        return missing_columns(adsl, created, types)
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
    result = by_subject(adsl, values)
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
    unknown = sorted(set(dataset[KEY].dropna().unique()) - set(dataset_adsl[KEY].unique()))
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
