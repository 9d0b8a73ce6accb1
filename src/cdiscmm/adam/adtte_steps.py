"""The ADTTE derivations ``specs/adam/adtte.yaml`` names: one :func:`cdiscmm.adam.tte.derive_param_tte` call per
parameter, its start date, events, censorings and unit the parameter's ``tte`` section (censoring rules are data).

The source datasets are ``adsl`` (ADSL plus RSPDT, the first confirmed response date, for DoR) and ``adrs``
(ADRS). Without ADRS (a study without RS) the parameters that read it are skipped with a note; OS and TTNT are
still derived.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cdiscmm.adam import tte
from cdiscmm.adam.registry import Inputs, StepArgs, derivation, fixed
from cdiscmm.adam.spec_model import AdamDatasetSpec, ParameterSpec, TteSpec
from cdiscmm.core import progress
from cdiscmm.metadata.model import SasName

#: The ADRS parameter whose date starts DoR, and the ADSL-level variable it becomes.
RESPONSE_PARAMCD = "RSP"
RESPONSE_DATE = "RSPDT"


class NoArgs(StepArgs):
    """A step without arguments."""


class TteArgs(StepArgs):
    """The time-to-event parameter, whose ``tte`` section states its origin, events and censorings."""

    paramcd: SasName


def derive_var_rspdt(adsl: pd.DataFrame, adrs: pd.DataFrame | None) -> pd.DataFrame:
    """Add RSPDT: ADT of the subject's ADRS ``RSP`` record with AVALC ``"Y"`` (first confirmed PR or better).

    Rule (admiralonco ``derive_vars_merged`` of the response date into ADSL for DoR): missing for
    non-responders and when ADRS was not built.
    """
    if adrs is None:
        return adsl.assign(**{RESPONSE_DATE: pd.Series(pd.NaT, index=adsl.index, dtype="datetime64[us]")})
    responders = adrs.loc[adrs["PARAMCD"].eq(RESPONSE_PARAMCD) & adrs["AVALC"].eq("Y"), ["USUBJID", "ADT"]]
    merged = adsl.merge(responders.rename(columns={"ADT": RESPONSE_DATE}), on="USUBJID", how="left", validate="1:1")
    merged.index = adsl.index
    return merged


def derive_param_from_spec(
    adsl: pd.DataFrame, sources: Mapping[str, pd.DataFrame], parameter: ParameterSpec
) -> pd.DataFrame:
    """One parameter's records: :func:`~cdiscmm.adam.tte.derive_param_tte` run with the parameter's ``tte``
    section of the spec (start date, event and censor sources, unit)."""
    section: TteSpec = parameter.section("tte")
    return tte.derive_param_tte(
        adsl,
        sources,
        start_date=section.start_date,
        event_conditions=section.events,
        censor_conditions=section.censors,
        paramcd=parameter.paramcd,
        param=parameter.param,
        unit=section.unit,
    )


@derivation(NoArgs, produces=fixed(), kind="start")
def start_from_adsl(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame:
    """The subjects of ADSL with RSPDT (:func:`derive_var_rspdt`): the ``adsl`` source of every parameter."""
    return derive_var_rspdt(inputs.adam["ADSL"], inputs.adam.get("ADRS"))


@derivation(
    TteArgs, produces=fixed(*[name for name in tte.TTE_COLUMNS if name != "PARAM"]), reads="tte", kind="parameter"
)
def derive_param_tte(
    dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: TteArgs
) -> pd.DataFrame | None:
    """One time-to-event parameter from its ``tte`` section (admiral ``derive_param_tte``); skipped with a note
    when a source dataset it reads was not built (no ADRS without RS)."""
    parameter = spec.parameter(args.paramcd)
    sources = {"adsl": dataset, **({"adrs": inputs.adam["ADRS"]} if "ADRS" in inputs.adam else {})}
    section: TteSpec = parameter.section("tte")
    missing = sorted({source.dataset_name for source in [*section.events, *section.censors]} - set(sources))
    if missing:
        progress.info(f"note: ADTTE {parameter.paramcd} not derived: {', '.join(missing)} not built")
        return None
    return derive_param_from_spec(dataset, sources, parameter)


def _describe(source: tte.EventSource | tte.CensorSource) -> str:
    where = f" where {source.filter}" if source.filter else ""
    return f"{source.dataset_name.upper()}.{source.date}{where}"


def render_censoring_table(spec: AdamDatasetSpec) -> str:
    """The event and censoring rules of every ADTTE parameter as a Markdown table, rendered from the spec (the
    README shows this table; a test keeps the two equal, so the rules are written once, in the spec)."""
    lines = [
        "| PARAMCD | Start (STARTDT) | Events (CNSR = 0, first date) | Censoring (CNSR = 1, last date) |",
        "|---|---|---|---|",
    ]
    for parameter in spec.parameters:
        section: TteSpec = parameter.section("tte")
        events = "; ".join(f"{_describe(event)} → {event.evntdesc}" for event in section.events)
        censors = "; ".join(f"{_describe(censor)} → {censor.cnsdtdsc}" for censor in section.censors)
        lines.append(f"| {parameter.paramcd} | ADSL.{section.start_date} | {events} | {censors} |")
    return "\n".join(lines) + "\n"
