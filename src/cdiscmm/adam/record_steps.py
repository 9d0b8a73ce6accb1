"""The record-level derivations any non-ADSL spec can name: ADSL variables, study day, sequence number, the
parameter table, baseline and change, and the final order of the records.

Each is registered under its admiral name (:mod:`cdiscmm.adam.registry`) and runs the library function that states
the rule (:mod:`cdiscmm.adam.dates`, :mod:`~cdiscmm.adam.lineage`, :mod:`~cdiscmm.adam.baseline`).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import Field

from cdiscmm.adam import adsl_derivations, baseline, dates, lineage
from cdiscmm.adam.adsl_common import KEY
from cdiscmm.adam.checks import assert_unique
from cdiscmm.adam.registry import Inputs, StepArgs, derivation, fixed
from cdiscmm.adam.spec_model import AdamDatasetSpec
from cdiscmm.metadata.model import SasName

ParameterVariable = Literal["PARAM", "PARAMN", "PARCAT1"]


class NoArgs(StepArgs):
    """A derivation whose variables are fixed by the standard (e.g. CHG from AVAL and BASE)."""


class MergedAdslArgs(StepArgs):
    """``keep``: further ADSL columns the later steps read (e.g. DTHDT), not output unless the spec declares them."""

    keep: list[SasName] = Field(default_factory=list)


class StudyDayArgs(StepArgs):
    """The study-day variable and the date it counts (ADY of ADT, ASTDY of ASTDT)."""

    variable: SasName = "ADY"
    date: SasName = "ADT"


class ByArgs(StepArgs):
    """The groups (e.g. USUBJID, PARAMCD) a record-level derivation works within."""

    by: list[SasName]


class ObsNumberArgs(ByArgs):
    """The sequence variable, its groups and the order it numbers in."""

    variable: SasName = "ASEQ"
    order: list[SasName]


class ParamsArgs(StepArgs):
    """The parameter-table columns the records get from the spec's ``parameters``."""

    variables: list[ParameterVariable]


class UniqueArgs(StepArgs):
    """Why two records with the same keys are an input problem (shown in the error)."""

    hint: str


def _adsl_copies(spec: AdamDatasetSpec, args: MergedAdslArgs) -> list[str]:
    return [
        variable.name
        for variable in spec.variables
        if variable.origin == "Predecessor" and (variable.source or "").startswith("ADSL.") and variable.name != KEY
    ]


@derivation(MergedAdslArgs, produces=_adsl_copies)
def derive_vars_merged_adsl(
    dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: MergedAdslArgs
) -> pd.DataFrame:
    """The ADSL variables the spec copies (``source: ADSL.X``), by USUBJID (admiral ``derive_vars_merged``)."""
    return adsl_derivations.derive_vars_merged_adsl(dataset, inputs.adam["ADSL"], spec.variables, keep=tuple(args.keep))


@derivation(StudyDayArgs, produces=lambda spec, args: [args.variable])
def derive_var_dy(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: StudyDayArgs) -> pd.DataFrame:
    """The study day of a date relative to TRTSDT, no day 0 (ADaMIG 1.3 §3.3.3, admiral ``derive_vars_dy``)."""
    return dates.derive_var_dy(dataset, args.date, new_var=args.variable)


@derivation(ObsNumberArgs, produces=lambda spec, args: [args.variable])
def derive_var_obs_number(
    dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: ObsNumberArgs
) -> pd.DataFrame:
    """A sequence number 1, 2, ... per group in the given order (admiral ``derive_var_obs_number``)."""
    return lineage.derive_var_obs_number(dataset, args.by, args.order, new_var=args.variable)


@derivation(ParamsArgs, produces=lambda spec, args: list(args.variables))
def derive_vars_params(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: ParamsArgs) -> pd.DataFrame:
    """The records of every parameter made, stacked in the order of the spec's ``parameters``, with PARAM, PARAMN
    and PARCAT1 from its table (ADaMIG 1.3 §3.3.4: PARAM and PARAMCD one-to-one)."""
    made = [inputs.records[parameter.paramcd] for parameter in spec.parameters if parameter.paramcd in inputs.records]
    table = spec.parameter_frame().loc[:, ["PARAMCD", *args.variables]]
    records = pd.concat(made, ignore_index=True).drop(columns=args.variables, errors="ignore")
    return records.merge(table, on="PARAMCD", how="left")


@derivation(ByArgs, produces=fixed("ABLFL"))
def derive_var_ablfl(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: ByArgs) -> pd.DataFrame:
    """ABLFL on the last record with AVAL on or before TRTSDT per group
    (:func:`cdiscmm.adam.baseline.derive_var_ablfl`)."""
    return baseline.derive_var_ablfl(dataset, args.by)


@derivation(ByArgs, produces=fixed("BASE"))
def derive_var_base(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: ByArgs) -> pd.DataFrame:
    """BASE = AVAL of the group's ABLFL record, on every record of the group (admiral ``derive_var_base``)."""
    return baseline.derive_var_base(dataset, args.by)


@derivation(NoArgs, produces=fixed("CHG"))
def derive_var_chg(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame:
    """CHG = AVAL - BASE (admiral ``derive_var_chg``)."""
    return baseline.derive_var_chg(dataset)


@derivation(NoArgs, produces=fixed("PCHG"))
def derive_var_pchg(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame:
    """PCHG = (AVAL - BASE) / |BASE| x 100, missing when BASE is 0 (admiral ``derive_var_pchg``)."""
    return baseline.derive_var_pchg(dataset)


@derivation(ByArgs, produces=fixed())
def arrange(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: ByArgs) -> pd.DataFrame:
    """The records sorted by ``by`` (stable), numbered from 0 again (dplyr ``arrange`` in admiral's templates)."""
    return dataset.sort_values(args.by, kind="stable").reset_index(drop=True)


@derivation(UniqueArgs, produces=fixed())
def check_keys_unique(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: UniqueArgs) -> pd.DataFrame:
    """The dataset unchanged; an InputError when the spec's ``keys`` do not identify its records."""
    assert_unique(dataset, spec.keys, spec.name, hint=args.hint)
    return dataset
