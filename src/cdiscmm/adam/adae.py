"""ADAE builder: the variables of ``specs/adam/adae.yaml`` from AE (+SUPPAE), EX and ADSL, one record per AE record.

The pipe, one library derivation per variable family (rules in each docstring):

1. AE variables the spec copies (``source: AE.X``, required) and SUPPAE qualifiers (``source: SUPPAE...``,
   missing with a note when not collected); the ADSL variables the spec copies, and DTHDT;
2. ASTDT/ASTDTF and AENDT/AENDTF by the paired start/end rules
   (:func:`~cdiscmm.adam.dates.derive_vars_dt_start_end`: end not after death, start not before first dose
   in the month of first dose, start not after a complete end); ASTDY, ADURN/ADURU;
3. TRTEMFL (30-day window after last dose), AETOXGRN, ADRFL, SADRFL, CRS/ICANS flags with ASTCT grade 3+;
4. the last dose before onset (LDOSEDTM, LDOSESEQ, ONSLDDY, ONSLDHR);
5. AOCCFL / AOCCSFL / AOCCPFL on treatment-emergent records; SRCDOM/SRCSEQ back to AE.

Fallbacks (another sponsor's delivery, docs/adam-inputs.md): no AE, no ADAE; a permissible AE variable the spec
copies (AECAT, AETOXGR, ...) or a SUPPAE qualifier that is absent is left missing with a note, and what is
derived from it (AETOXGRN, the CRS/ICANS grade 3+ flags) is missing too.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cdiscmm.adam.adsl_derivations import derive_vars_merged_adsl
from cdiscmm.adam.dates import compute_duration, derive_var_dy, derive_vars_dt_start_end
from cdiscmm.adam.fallbacks import fallback_text
from cdiscmm.adam.occurrence import (
    compute_dtm_time_known,
    derive_var_adrfl,
    derive_var_aesi_flags,
    derive_var_first_occurrence_flag,
    derive_var_sadrfl,
    derive_var_trtemfl,
    derive_vars_onset_from_last_dose,
)
from cdiscmm.adam.sdtm_input import optional, require
from cdiscmm.adam.spec import load_adam_spec
from cdiscmm.adam.spec_model import AdamDatasetSpec
from cdiscmm.core import progress
from cdiscmm.metadata.model import Dataset

ORDER = ["ASTDT", "AESEQ"]


def _sourced(spec: AdamDatasetSpec, prefix: str) -> list[str]:
    """The spec variables whose source starts with ``prefix`` (``AE.`` or ``SUPPAE.``)."""
    return [variable.name for variable in spec.variables if (variable.source or "").startswith(prefix)]


def start_from_ae(ae: pd.DataFrame, spec: AdamDatasetSpec) -> pd.DataFrame:
    """The AE columns the spec copies, and its SUPPAE qualifiers (QNAM = variable name; missing when absent)."""
    qualifiers = _sourced(spec, "SUPPAE.")
    absent = [name for name in qualifiers if name not in ae.columns]
    if absent:
        progress.info(f"note: SDTM SUPPAE QNAM {', '.join(absent)} not in the input; {fallback_text('SUPPAE')}")
    out = ae.loc[:, ["USUBJID", *_sourced(spec, "AE."), *[name for name in qualifiers if name in ae.columns]]]
    out = out.loc[:, ~out.columns.duplicated()]
    return out.assign(**{name: pd.Series(pd.NA, index=out.index, dtype="str") for name in absent})


def derive_vars_duration(adae: pd.DataFrame) -> pd.DataFrame:
    """ADURN = AENDT - ASTDT + 1 (days, :func:`~cdiscmm.adam.dates.compute_duration`); ADURU ``"DAYS"`` when present.

    An end before the start (a contradiction SDTM reports in issues.csv) gives no duration rather than a negative one.
    """
    duration = compute_duration(adae["ASTDT"], adae["AENDT"], "days")
    duration = duration.where(~(adae["AENDT"] < adae["ASTDT"]).fillna(False).astype(bool))
    return adae.assign(ADURN=duration, ADURU=pd.Series("DAYS", index=adae.index, dtype="str").where(duration.notna()))


#: CDISC UNIT terms (C71620) of a dose counted in cells: the product is a cell therapy.
CELL_DOSE_UNITS: frozenset[str] = frozenset({"10^6 Therapeutic Cells", "Therapeutic Cells", "Therapeutic Cells/m2"})


def derive_var_cell_therapy(adae: pd.DataFrame, ex: pd.DataFrame) -> pd.DataFrame:
    """Add the hidden column ``_CELLTHER``: True for subjects dosed with a cell therapy (an EX dose in a cell
    unit of :data:`CELL_DOSE_UNITS`).

    Rule (sponsor, stated in the ADAE spec's TRTEMFL method): infused CAR-T cells persist and expand after the
    single infusion, and the studies count every adverse event after the infusion (EQUE-CN-RWS: "after the
    patient received treatment ... all adverse events", studies.md); the 30-day window after the last dose
    that suits repeated dosing would drop late CRS, cytopenias and second malignancies, so for these subjects
    the treatment-emergent window does not end.
    """
    units = ex["EXDOSU"] if "EXDOSU" in ex else pd.Series(pd.NA, index=ex.index)
    cells = set(ex.loc[units.isin(CELL_DOSE_UNITS), "USUBJID"])
    return adae.assign(_CELLTHER=adae["USUBJID"].isin(cells))


def derive_var_predose(adae: pd.DataFrame, adsl: pd.DataFrame) -> pd.DataFrame:
    """Add the hidden column ``_PREDOSE``: True when the event began on the day of first dose but before it.

    Rule (admiral ``derive_var_trtemfl`` compares ASTDTM with TRTSDTM): on the first-dose day the times decide
    when both were collected: AESTDTC with a time earlier than TRTSDTM, whose time was not imputed (TRTSTMF
    missing), started before treatment. Without either time the day decides (the event counts as on treatment);
    an ADSL without TRTSDTM/TRTSTMF leaves the day to decide for every event.
    """
    if not {"TRTSDTM", "TRTSTMF"} <= set(adsl.columns):
        return adae.assign(_PREDOSE=False)
    dose = adae[["USUBJID"]].merge(adsl[["USUBJID", "TRTSDTM", "TRTSTMF"]], on="USUBJID", how="left")
    onset, timed = compute_dtm_time_known(adae["AESTDTC"])
    known_time = dose["TRTSTMF"].isna().to_numpy() & dose["TRTSDTM"].notna().to_numpy()
    same_day = (onset.dt.normalize() == dose["TRTSDTM"].dt.normalize().to_numpy()).fillna(False)
    earlier = (onset < dose["TRTSDTM"].to_numpy()).fillna(False)
    return adae.assign(_PREDOSE=(timed & same_day & earlier & known_time).to_numpy())


def build_adae(
    sdtm: Mapping[str, pd.DataFrame], adsl: pd.DataFrame, spec: AdamDatasetSpec | None = None
) -> Dataset | None:
    """ADAE from AE (+SUPPAE), EX (EXSEQ, EXSTDTC) and ADSL; None (with a note) when the study has no AE."""
    spec = spec or load_adam_spec("ADAE")
    if optional(sdtm, "AE", [], "ADAE not built") is None:
        return None
    ae = require(sdtm, "AE", ["USUBJID", *_sourced(spec, "AE.")])
    ex = require(sdtm, "EX", ["USUBJID", "EXSEQ", "EXSTDTC"])
    adae = (
        start_from_ae(ae, spec)
        .pipe(derive_vars_merged_adsl, adsl, spec.variables, keep=("DTHDT",))
        .pipe(derive_vars_dt_start_end, "AESTDTC", "AEENDTC", end_limits=["DTHDT"])
        .pipe(derive_var_dy, "ASTDT", new_var="ASTDY")
        .pipe(derive_vars_duration)
        .pipe(derive_var_cell_therapy, ex)
        .pipe(derive_var_predose, adsl)
        .pipe(derive_var_trtemfl, open_window="_CELLTHER", before_start="_PREDOSE")
        .assign(AETOXGRN=lambda frame: pd.to_numeric(frame["AETOXGR"], errors="coerce").astype("Int64"))
        .pipe(derive_var_adrfl)
        .pipe(derive_var_sadrfl)
        .pipe(derive_var_aesi_flags)
        .pipe(derive_vars_onset_from_last_dose, ex)
        .pipe(derive_var_first_occurrence_flag, ["USUBJID"], "AOCCFL", order=ORDER)
        .pipe(derive_var_first_occurrence_flag, ["USUBJID", "AEBODSYS"], "AOCCSFL", order=ORDER)
        .pipe(derive_var_first_occurrence_flag, ["USUBJID", "AEBODSYS", "AEDECOD"], "AOCCPFL", order=ORDER)
        .assign(SRCDOM="AE", SRCSEQ=lambda frame: frame["AESEQ"].astype("Int64"))
        .sort_values(["USUBJID", "AESEQ"], kind="stable")
        .reset_index(drop=True)
    )
    return Dataset(spec.to_dataset_meta(), adae).ordered()
