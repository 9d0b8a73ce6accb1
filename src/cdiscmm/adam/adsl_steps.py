"""The ADSL derivations a spec's ``derivations`` can name, bound to the functions of the ADSL modules.

Each registered step is named after the derivation it runs (``derive_var_extreme_dt: {variable: TRTSDT}`` runs
:func:`cdiscmm.adam.adsl_dates.derive_var_extreme_dt` with TRTSDT's spec), states its arguments as a model and
the variables it makes, so that ``specs/adam/adsl.yaml`` alone says which rule makes which variable and in what
order. The rules themselves are in the functions' docstrings.
"""

from __future__ import annotations

import pandas as pd

from cdiscmm.adam import adsl_dates, adsl_derivations, adsl_flags
from cdiscmm.adam.registry import Inputs, StepArgs, derivation, fixed
from cdiscmm.adam.spec_model import AdamDatasetSpec
from cdiscmm.metadata.model import SasName


class NoArgs(StepArgs):
    """A derivation whose variables are fixed by the standard (e.g. TRTDURD from TRTSDT and TRTEDT)."""


class VariableArgs(StepArgs):
    """The variable the derivation makes, whose rule section of the spec it reads."""

    variable: SasName


class ExtremeDatetimeArgs(VariableArgs):
    """A datetime variable and its time imputation flag (e.g. TRTSDTM and TRTSTMF)."""

    time_flag: SasName


class DispositionArgs(StepArgs):
    """The disposition subcategory and the status, reason and (optional) date variables it gives."""

    dsscat: str
    status: SasName
    reason: SasName
    date: SasName | None = None
    applies_if: SasName | None = None


def _variable(spec: AdamDatasetSpec, args: VariableArgs) -> list[str]:
    return [args.variable]


def _dm_copies(spec: AdamDatasetSpec, args: NoArgs) -> list[str]:
    return [variable.name for variable in spec.variables if adsl_derivations.is_dm_copy(variable)]


def _categories(spec: AdamDatasetSpec, args: VariableArgs) -> list[str]:
    numeric = spec.variable(args.variable).section("categories").numeric
    return [args.variable, *([numeric] if numeric else [])]


def _with_time_flag(spec: AdamDatasetSpec, args: ExtremeDatetimeArgs) -> list[str]:
    return [args.variable, args.time_flag]


def _disposition(spec: AdamDatasetSpec, args: DispositionArgs) -> list[str]:
    return [args.status, args.reason, *([args.date] if args.date else [])]


@derivation(NoArgs, produces=fixed(), kind="start")
def start_from_dm(adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame:
    """One ADSL record per DM subject (ADaMIG 1.3 §3.2), in DM order; the variables come from the steps after."""
    return adsl_derivations.start_from_dm(inputs.sdtm)


@derivation(NoArgs, produces=_dm_copies)
def derive_vars_predecessor(adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame:
    """Copy every Predecessor variable whose source is one DM variable."""
    return adsl_derivations.derive_vars_predecessor(adsl, inputs.sdtm, spec.variables)


@derivation(VariableArgs, produces=_variable, reads="lookup")
def derive_var_lookup(adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: VariableArgs) -> pd.DataFrame:
    """The variable from its look-up table of a source variable."""
    return adsl_derivations.derive_var_lookup(adsl, spec.variable(args.variable))


@derivation(VariableArgs, produces=_categories, reads="categories")
def derive_vars_cat(adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: VariableArgs) -> pd.DataFrame:
    """The variable (and its numeric companion) by grouping a numeric variable into categories."""
    return adsl_derivations.derive_vars_cat(adsl, spec.variable(args.variable))


@derivation(VariableArgs, produces=_variable, reads="record_value")
def derive_var_record_value(
    adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: VariableArgs
) -> pd.DataFrame:
    """The variable from one record per subject of an SDTM dataset."""
    return adsl_derivations.derive_var_record_value(adsl, inputs.sdtm, spec.variable(args.variable))


@derivation(VariableArgs, produces=_variable, reads="extreme")
def derive_var_extreme_dt(
    adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: VariableArgs
) -> pd.DataFrame:
    """The first or last complete date over the selected records."""
    return adsl_dates.derive_var_extreme_dt(adsl, inputs.sdtm, spec.variable(args.variable))


@derivation(ExtremeDatetimeArgs, produces=_with_time_flag, reads="extreme")
def derive_vars_extreme_dtm(
    adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: ExtremeDatetimeArgs
) -> pd.DataFrame:
    """The first or last datetime over the selected records and its time imputation flag."""
    return adsl_dates.derive_vars_extreme_dtm(adsl, inputs.sdtm, spec.variable(args.variable), time_flag=args.time_flag)


@derivation(NoArgs, produces=fixed("TRTDURD"))
def derive_var_trtdurd(adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame:
    """TRTDURD = TRTEDT - TRTSDT + 1."""
    return adsl_dates.derive_var_trtdurd(adsl)


@derivation(VariableArgs, produces=_variable, reads="rule")
def derive_var_population_flag(
    adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: VariableArgs
) -> pd.DataFrame:
    """An analysis-set flag: 'Y' where the spec's rule holds, else 'N'."""
    return adsl_flags.derive_var_population_flag(adsl, inputs.sdtm, spec.variable(args.variable))


@derivation(NoArgs, produces=fixed("TRT01P", "TRT01A"))
def derive_vars_trt01(adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame:
    """TRT01P and TRT01A from DM's arms, or the observed treatment of TS."""
    return adsl_derivations.derive_vars_trt01(adsl, inputs.sdtm)


@derivation(VariableArgs, produces=_variable, reads="drug_classes")
def derive_var_tcrfl(adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: VariableArgs) -> pd.DataFrame:
    """The triple-class refractory flag over the spec's drug classes."""
    return adsl_flags.derive_var_tcrfl(adsl, inputs.sdtm, spec.variable(args.variable))


@derivation(NoArgs, produces=fixed("DTHFL"))
def derive_var_dthfl(adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame:
    """DTHFL from DM.DTHFL or DM.DTHDTC."""
    return adsl_flags.derive_var_dthfl(adsl, inputs.sdtm)


@derivation(NoArgs, produces=fixed("DTHDT", "DTHDTF"))
def derive_vars_dthdt(adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame:
    """DTHDT and DTHDTF from DM.DTHDTC, a partial date imputed to its first day."""
    return adsl_dates.derive_vars_dthdt(adsl, inputs.sdtm)


@derivation(VariableArgs, produces=fixed(), reads="extreme")
def derive_var_dthdt_not_before_alive(
    adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: VariableArgs
) -> pd.DataFrame:
    """An imputed DTHDT moved to the last known-alive date (``variable``: the one whose sources are those dates)."""
    return adsl_dates.derive_var_dthdt_not_before_alive(adsl, inputs.sdtm, spec.variable(args.variable))


@derivation(VariableArgs, produces=_variable, reads="extreme")
def derive_var_lstalvdt(adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: VariableArgs) -> pd.DataFrame:
    """DTHDT for a subject who died, else the last complete date known alive."""
    return adsl_dates.derive_var_lstalvdt(adsl, inputs.sdtm, spec.variable(args.variable))


@derivation(DispositionArgs, produces=_disposition)
def derive_vars_disposition(
    adsl: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: DispositionArgs
) -> pd.DataFrame:
    """A status, its reason and date from the last DS disposition event of a subcategory."""
    names = (args.status, args.reason, args.date)
    return adsl_derivations.derive_vars_disposition(adsl, inputs.sdtm, args.dsscat, names, applies_if=args.applies_if)
