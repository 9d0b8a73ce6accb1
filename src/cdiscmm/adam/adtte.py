"""ADTTE builder: one :func:`cdiscmm.adam.tte.derive_param_tte` call per parameter of ``specs/adam/adtte.yaml``.

Each parameter's start date, events, censorings and unit are the spec's ``tte`` section, handed to the TTE
engine unchanged (censoring rules are data). The source datasets are ``adsl`` (ADSL plus RSPDT, the first
confirmed response date, for DoR) and ``adrs`` (ADRS). Without ADRS (a study without RS) the parameters
that read it are skipped with a note; OS and TTNT are still derived.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cdiscmm.adam.adsl_derivations import derive_vars_merged_adsl
from cdiscmm.adam.spec import load_adam_spec
from cdiscmm.adam.spec_model import AdamDatasetSpec, ParameterSpec, TteSpec
from cdiscmm.adam.tte import CensorSource, EventSource, derive_param_tte
from cdiscmm.core import progress
from cdiscmm.metadata.model import Dataset

#: The ADRS parameter whose date starts DoR, and the ADSL-level variable it becomes.
RESPONSE_PARAMCD = "RSP"
RESPONSE_DATE = "RSPDT"


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


def _reads(parameter: ParameterSpec) -> set[str]:
    tte = parameter.tte
    return {source.dataset_name for source in [*tte.events, *tte.censors]} if tte else set()


def derive_params_tte(
    adsl: pd.DataFrame, sources: dict[str, pd.DataFrame], parameters: list[ParameterSpec]
) -> pd.DataFrame:
    """Every parameter's records (:func:`~cdiscmm.adam.tte.derive_param_tte` with its ``tte`` section), in order.

    A parameter whose sources name a dataset not in ``sources`` is skipped with a note.
    """
    records = []
    for parameter in parameters:
        missing = sorted(_reads(parameter) - set(sources))
        if missing:
            progress.info(f"note: ADTTE {parameter.paramcd} not derived: {', '.join(missing)} not built")
            continue
        records.append(derive_param_from_spec(adsl, sources, parameter))
    return pd.concat(records, ignore_index=True)


def derive_param_from_spec(
    adsl: pd.DataFrame, sources: Mapping[str, pd.DataFrame], parameter: ParameterSpec
) -> pd.DataFrame:
    """One parameter's records: :func:`~cdiscmm.adam.tte.derive_param_tte` run with the parameter's ``tte``
    section of the spec (start date, event and censor sources, unit)."""
    tte: TteSpec = parameter.section("tte")
    return derive_param_tte(
        adsl,
        sources,
        start_date=tte.start_date,
        event_conditions=tte.events,
        censor_conditions=tte.censors,
        paramcd=parameter.paramcd,
        param=parameter.param,
        unit=tte.unit,
    )


def build_adtte(adsl: pd.DataFrame, adrs: pd.DataFrame | None, spec: AdamDatasetSpec | None = None) -> Dataset:
    """ADTTE from ADSL (TRTSDT, DTHDT, LSTALVDT, NACTDT and the copied variables) and ADRS (None when not built).

    One record per subject and parameter where the parameter applies (a start date and an event or a
    censoring); PARAMN from the spec's parameter table.
    """
    spec = spec or load_adam_spec("ADTTE")
    subjects = derive_var_rspdt(adsl, adrs)
    sources = {"adsl": subjects, **({"adrs": adrs} if adrs is not None else {})}
    adtte = (
        derive_params_tte(subjects, sources, spec.parameters)
        .merge(spec.parameter_frame().loc[:, ["PARAMCD", "PARAMN"]], on="PARAMCD", how="left")
        .pipe(derive_vars_merged_adsl, adsl, spec.variables)
        .sort_values(["USUBJID", "PARAMN"], kind="stable")
        .reset_index(drop=True)
    )
    return Dataset(spec.to_dataset_meta(), adtte).ordered()


def _describe(source: EventSource | CensorSource) -> str:
    where = f" where {source.filter}" if source.filter else ""
    return f"{source.dataset_name.upper()}.{source.date}{where}"


def render_censoring_table(spec: AdamDatasetSpec | None = None) -> str:
    """The event and censoring rules of every ADTTE parameter as a Markdown table, rendered from the spec (the
    README shows this table; a test keeps the two equal, so the rules are written once, in the spec)."""
    spec = spec or load_adam_spec("ADTTE")
    lines = [
        "| PARAMCD | Start (STARTDT) | Events (CNSR = 0, first date) | Censoring (CNSR = 1, last date) |",
        "|---|---|---|---|",
    ]
    for parameter in spec.parameters:
        tte: TteSpec = parameter.section("tte")
        events = "; ".join(f"{_describe(event)} → {event.evntdesc}" for event in tte.events)
        censors = "; ".join(f"{_describe(censor)} → {censor.cnsdtdsc}" for censor in tte.censors)
        lines.append(f"| {parameter.paramcd} | ADSL.{tte.start_date} | {events} | {censors} |")
    return "\n".join(lines) + "\n"
