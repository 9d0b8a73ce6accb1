"""The ADAE derivations ``specs/adam/adae.yaml`` names: one record per AE record (+SUPPAE), dates, treatment
emergence, causality and AESI flags, the last dose before onset, first occurrences.

Fallbacks (another sponsor's delivery, docs/adam-inputs.md): no AE, no ADAE; a permissible AE variable the spec
copies (AECAT, AETOXGR, ...) or a SUPPAE qualifier that is absent is left missing with a note, and what is
derived from it (AETOXGRN, the CRS/ICANS grade 3+ flags) is missing too.
"""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from cdiscmm.adam import dates, occurrence
from cdiscmm.adam.fallbacks import fallback_text
from cdiscmm.adam.registry import Inputs, StepArgs, derivation, fixed
from cdiscmm.adam.sdtm_input import optional, require
from cdiscmm.adam.spec_model import AdamDatasetSpec
from cdiscmm.core import progress
from cdiscmm.metadata.model import SasName

#: The EX variables the dose-based derivations read (SDTMIG Required/Expected).
EX_VARIABLES = ["USUBJID", "EXSEQ", "EXSTDTC"]
#: CDISC UNIT terms (C71620) of a dose counted in cells: the product is a cell therapy.
CELL_DOSE_UNITS: frozenset[str] = frozenset({"10^6 Therapeutic Cells", "Therapeutic Cells", "Therapeutic Cells/m2"})


class NoArgs(StepArgs):
    """A derivation whose variables are fixed by the standard (e.g. ADURN and ADURU)."""


class StartEndArgs(StepArgs):
    """The ISO 8601 start and end variables and the ADSL dates the end may not pass (e.g. DTHDT)."""

    start: SasName
    end: SasName
    end_limits: list[SasName] = Field(default_factory=list)


class TrtemflArgs(StepArgs):
    """Days after the last dose an event still counts as treatment-emergent (admiral ``end_window``)."""

    end_window: int = Field(ge=0)


class NumericArgs(StepArgs):
    """The numeric variable and the character variable whose number it holds (AETOXGRN of AETOXGR)."""

    variable: SasName
    source: SasName


class AesiArgs(StepArgs):
    """One adverse event of special interest: its flag, its MedDRA preferred term, the flag of its severe grades."""

    flag: SasName
    decod: str
    severe_flag: SasName
    severe_grade: int = Field(ge=1, le=5)


class AesiListArgs(StepArgs):
    """The AESIs flagged (CRS and ICANS for CAR-T and bispecific antibodies, ASTCT 2019 grades)."""

    aesis: list[AesiArgs] = Field(min_length=1)


class OccurrenceArgs(StepArgs):
    """A first-occurrence flag, its groups and the order that decides which record is first."""

    variable: SasName
    by: list[SasName]
    order: list[SasName]


class SourceArgs(StepArgs):
    """The SDTM domain the records come from and its sequence variable (SRCDOM, SRCSEQ)."""

    domain: str
    seq: SasName


def _sourced(spec: AdamDatasetSpec, prefix: str) -> list[str]:
    """The spec variables whose source starts with ``prefix`` (``AE.`` or ``SUPPAE.``)."""
    return [variable.name for variable in spec.variables if (variable.source or "").startswith(prefix)]


def _ae_copies(spec: AdamDatasetSpec, args: NoArgs) -> list[str]:
    return list(dict.fromkeys([*_sourced(spec, "AE."), *_sourced(spec, "SUPPAE.")]))


@derivation(NoArgs, produces=_ae_copies, kind="start")
def start_from_ae(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame | None:
    """One record per AE record: the AE columns the spec copies and its SUPPAE qualifiers (QNAM = variable name,
    missing with a note when not collected); None (ADAE not built) without AE."""
    if optional(inputs.sdtm, "AE", [], "ADAE not built") is None:
        return None
    ae = require(inputs.sdtm, "AE", ["USUBJID", *_sourced(spec, "AE.")])
    require(inputs.sdtm, "EX", EX_VARIABLES)
    qualifiers = _sourced(spec, "SUPPAE.")
    absent = [name for name in qualifiers if name not in ae.columns]
    if absent:
        progress.info(f"note: SDTM SUPPAE QNAM {', '.join(absent)} not in the input; {fallback_text('SUPPAE')}")
    out = ae.loc[:, ["USUBJID", *_sourced(spec, "AE."), *[name for name in qualifiers if name in ae.columns]]]
    out = out.loc[:, ~out.columns.duplicated()]
    return out.assign(**{name: pd.Series(pd.NA, index=out.index, dtype="str") for name in absent})


@derivation(StartEndArgs, produces=fixed("ASTDT", "ASTDTF", "AENDT", "AENDTF"))
def derive_vars_dt_start_end(
    dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: StartEndArgs
) -> pd.DataFrame:
    """ASTDT/ASTDTF and AENDT/AENDTF imputed together (:func:`cdiscmm.adam.dates.derive_vars_dt_start_end`)."""
    return dates.derive_vars_dt_start_end(dataset, args.start, args.end, end_limits=args.end_limits)


@derivation(NoArgs, produces=fixed("ADURN", "ADURU"))
def derive_vars_duration(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame:
    """ADURN = AENDT - ASTDT + 1 (days, :func:`~cdiscmm.adam.dates.compute_duration`); ADURU ``"DAYS"`` when present.

    An end before the start (a contradiction SDTM reports in issues.csv) gives no duration rather than a negative one.
    """
    duration = dates.compute_duration(dataset["ASTDT"], dataset["AENDT"], "days")
    duration = duration.where(~(dataset["AENDT"] < dataset["ASTDT"]).fillna(False).astype(bool))
    days = pd.Series("DAYS", index=dataset.index, dtype="str").where(duration.notna())
    return dataset.assign(ADURN=duration, ADURU=days)


def compute_cell_therapy(adae: pd.DataFrame, ex: pd.DataFrame) -> pd.Series:
    """True for records of subjects dosed with a cell therapy (an EX dose in a cell unit of :data:`CELL_DOSE_UNITS`).

    Rule (sponsor, stated in the ADAE spec's TRTEMFL method): infused CAR-T cells persist and expand after the
    single infusion, and the studies count every adverse event after the infusion (EQUE-CN-RWS: "after the
    patient received treatment ... all adverse events", studies.md); the 30-day window after the last dose
    that suits repeated dosing would drop late CRS, cytopenias and second malignancies, so for these subjects
    the treatment-emergent window does not end.
    """
    units = ex["EXDOSU"] if "EXDOSU" in ex else pd.Series(pd.NA, index=ex.index)
    cells = ex.loc[units.isin(CELL_DOSE_UNITS), "USUBJID"].unique()
    return adae["USUBJID"].isin(cells)


def compute_predose(adae: pd.DataFrame, adsl: pd.DataFrame) -> pd.Series:
    """True when the event began on the day of first dose but before it.

    Rule (admiral ``derive_var_trtemfl`` compares ASTDTM with TRTSDTM): on the first-dose day the times decide
    when both were collected: AESTDTC with a time earlier than TRTSDTM, whose time was not imputed (TRTSTMF
    missing), started before treatment. Without either time the day decides (the event counts as on treatment);
    an ADSL without TRTSDTM/TRTSTMF leaves the day to decide for every event.
    """
    if not {"TRTSDTM", "TRTSTMF"} <= set(adsl.columns):
        return pd.Series(False, index=adae.index)
    dose = adae[["USUBJID"]].merge(adsl[["USUBJID", "TRTSDTM", "TRTSTMF"]], on="USUBJID", how="left")
    onset, timed = occurrence.compute_dtm_time_known(adae["AESTDTC"])
    known_time = dose["TRTSTMF"].isna().to_numpy() & dose["TRTSDTM"].notna().to_numpy()
    same_day = (onset.dt.normalize() == dose["TRTSDTM"].dt.normalize().to_numpy()).fillna(False)
    earlier = (onset < dose["TRTSDTM"].to_numpy()).fillna(False)
    return pd.Series((timed & same_day & earlier & known_time).to_numpy(), index=adae.index)


@derivation(TrtemflArgs, produces=fixed("TRTEMFL"))
def derive_var_trtemfl(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: TrtemflArgs) -> pd.DataFrame:
    """TRTEMFL: ASTDT from TRTSDT to TRTEDT + ``end_window`` days (open for a cell therapy, not before a first dose
    given later that day), :func:`cdiscmm.adam.occurrence.derive_var_trtemfl`."""
    ex = require(inputs.sdtm, "EX", EX_VARIABLES)
    flagged = dataset.assign(
        _CELLTHER=compute_cell_therapy(dataset, ex), _PREDOSE=compute_predose(dataset, inputs.adam["ADSL"])
    )
    emergent = occurrence.derive_var_trtemfl(
        flagged, end_window=args.end_window, open_window="_CELLTHER", before_start="_PREDOSE"
    )
    return emergent.drop(columns=["_CELLTHER", "_PREDOSE"])


@derivation(NumericArgs, produces=lambda spec, args: [args.variable])
def derive_var_numeric(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NumericArgs) -> pd.DataFrame:
    """The number a character variable holds (AETOXGRN from AETOXGR "1".."5"); missing when it holds none."""
    return dataset.assign(**{args.variable: pd.to_numeric(dataset[args.source], errors="coerce").astype("Int64")})


@derivation(NoArgs, produces=fixed("ADRFL"))
def derive_var_adrfl(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame:
    """ADRFL from AEREL (ICH E2A "reasonable possibility"), :func:`cdiscmm.adam.occurrence.derive_var_adrfl`."""
    return occurrence.derive_var_adrfl(dataset)


@derivation(NoArgs, produces=fixed("SADRFL"))
def derive_var_sadrfl(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame:
    """SADRFL = 'Y' when AESER and ADRFL are 'Y', :func:`cdiscmm.adam.occurrence.derive_var_sadrfl`."""
    return occurrence.derive_var_sadrfl(dataset)


def _aesi_flags(spec: AdamDatasetSpec, args: AesiListArgs) -> list[str]:
    return [name for aesi in args.aesis for name in (aesi.flag, aesi.severe_flag)]


@derivation(AesiListArgs, produces=_aesi_flags)
def derive_var_aesi_flags(
    dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: AesiListArgs
) -> pd.DataFrame:
    """One flag per AESI by AEDECOD and one for its severe grades
    (:func:`cdiscmm.adam.occurrence.derive_var_aesi_flags`)."""
    aesis = tuple(occurrence.Aesi(aesi.flag, aesi.decod, aesi.severe_flag, aesi.severe_grade) for aesi in args.aesis)
    return occurrence.derive_var_aesi_flags(dataset, aesis)


@derivation(NoArgs, produces=fixed("LDOSEDTM", "LDOSESEQ", "ONSLDDY", "ONSLDHR"))
def derive_vars_onset_from_last_dose(
    dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs
) -> pd.DataFrame:
    """The last EX dose before onset and the time since it
    (:func:`cdiscmm.adam.occurrence.derive_vars_onset_from_last_dose`)."""
    return occurrence.derive_vars_onset_from_last_dose(dataset, require(inputs.sdtm, "EX", EX_VARIABLES))


@derivation(OccurrenceArgs, produces=lambda spec, args: [args.variable])
def derive_var_first_occurrence_flag(
    dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: OccurrenceArgs
) -> pd.DataFrame:
    """'Y' on the first treatment-emergent record per group in the given order (ADaMIG OCCDS AOCCxFL,
    :func:`cdiscmm.adam.occurrence.derive_var_first_occurrence_flag`)."""
    return occurrence.derive_var_first_occurrence_flag(dataset, args.by, args.variable, order=args.order)


@derivation(SourceArgs, produces=fixed("SRCDOM", "SRCSEQ"))
def derive_vars_source(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: SourceArgs) -> pd.DataFrame:
    """SRCDOM = the domain, SRCSEQ = its sequence number: the record each ADaM record comes from (ADaMIG 1.3 §3.3.9)."""
    return dataset.assign(SRCDOM=args.domain, SRCSEQ=dataset[args.seq].astype("Int64"))
