"""Time-to-event parameters from declarative event and censoring sources (admiral ``derive_param_tte()``).

A source says where a date comes from (dataset, row filter, date column) and how the record is described
(EVNTDESC / CNSDTDSC, SRCDOM / SRCVAR / SRCSEQ, CNSR). Sources are data: pydantic models that a YAML file
can hold: the project's RRMM definitions (PFS, OS, DoR, TTR, TTCR, TTNT) are written once, in
``specs/adam/adtte.yaml``, and run by :func:`cdiscmm.adam.adtte_steps.derive_param_from_spec`.

Dataset names the spec's sources use: ``adsl`` (one row per subject with ``TRTSDT``, ``DTHDT``,
``LSTALVDT``, ``NACTDT`` new anti-myeloma therapy date, and for DoR ``RSPDT`` first confirmed response
date) and ``adrs`` (the analysed ADRS records: ``OVR`` assessments kept by
:func:`cdiscmm.adam.imwg.filter_assessments_before_new_therapy`, and the ``PD``, ``RSP``, ``CRRSP``
parameters of :mod:`cdiscmm.adam.imwg`; ``ASEQ`` as sequence).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from cdiscmm.adam.checks import assert_columns, assert_unique
from cdiscmm.adam.dates import DurationUnit, compute_duration
from cdiscmm.core.errors import InputError, Location

TTE_COLUMNS = [
    "USUBJID",
    "PARAMCD",
    "PARAM",
    "STARTDT",
    "ADT",
    "AVAL",
    "AVALU",
    "CNSR",
    "EVNTDESC",
    "CNSDTDSC",
    "SRCDOM",
    "SRCVAR",
    "SRCSEQ",
]
_PICKED_COLUMNS = ["USUBJID", "ADT", "CNSR", "EVNTDESC", "CNSDTDSC", "SRCDOM", "SRCVAR", "SRCSEQ", "_order"]


class TteSource(BaseModel):
    """Where the dates of an event or a censoring come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset_name: str = Field(description="key of the dataset in source_datasets, e.g. 'adsl'")
    filter: str | None = Field(None, description="pandas query selecting the rows, e.g. \"PARAMCD == 'PD'\"")
    date: str = Field(description="date column")
    srcdom: str = Field(description="SRCDOM: the dataset the date comes from, e.g. 'ADSL'")
    srcvar: str = Field(description="SRCVAR: the variable the date comes from, e.g. 'DTHDT'")
    srcseq: str | None = Field(None, description="column whose value becomes SRCSEQ (e.g. 'ASEQ')")


class EventSource(TteSource):
    """An event (CNSR = 0): per subject the first qualifying date is used."""

    evntdesc: str = Field(description="EVNTDESC, e.g. 'DEATH'")


class CensorSource(TteSource):
    """A censoring (CNSR >= 1): per subject the last qualifying date is used."""

    cnsdtdsc: str = Field(description="CNSDTDSC, e.g. 'LAST ADEQUATE ASSESSMENT'")
    evntdesc: str | None = Field(
        None, description="EVNTDESC for censored records; default 'CENSORED AT <CNSDTDSC>' (ADaMIG 1.3)"
    )
    censor: int = Field(1, ge=1, description="CNSR value")


def _select(
    sources: list[EventSource] | list[CensorSource], source_datasets: Mapping[str, pd.DataFrame], first: bool
) -> pd.DataFrame:
    """One row per subject: the first (events) or last (censorings) date over all sources."""
    picked = []
    for order, source in enumerate(sources):
        if source.dataset_name not in source_datasets:
            raise InputError(
                f"TTE source dataset {source.dataset_name!r} was not given",
                Location(field="dataset_name"),
                found=sorted(source_datasets),
                expected=source.dataset_name,
            )
        data = source_datasets[source.dataset_name]
        assert_columns(data, ["USUBJID", source.date, *([source.srcseq] if source.srcseq else [])], source.dataset_name)
        if source.filter:
            try:
                data = data.query(source.filter, engine="python")
            except (NameError, KeyError) as error:
                raise InputError(
                    f"TTE source filter {source.filter!r} on {source.dataset_name} refers to a missing column",
                    Location(file=source.dataset_name, field="filter"),
                    found=str(error),
                    expected="columns named in the filter",
                ) from error
        data = data.loc[data[source.date].notna()]
        data = data.sort_values(["USUBJID", source.date, *([source.srcseq] if source.srcseq else [])], kind="stable")
        data = data.drop_duplicates("USUBJID", keep="first" if first else "last")
        is_event = isinstance(source, EventSource)
        picked.append(
            pd.DataFrame(
                {
                    "USUBJID": data["USUBJID"],
                    "ADT": data[source.date].dt.normalize().astype("datetime64[us]"),
                    "CNSR": 0 if is_event else source.censor,
                    # ADaMIG 1.3 TTE: EVNTDESC describes the event or the censoring
                    "EVNTDESC": source.evntdesc or f"CENSORED AT {source.cnsdtdsc}",
                    "CNSDTDSC": None if is_event else source.cnsdtdsc,
                    "SRCDOM": source.srcdom,
                    "SRCVAR": source.srcvar,
                    "SRCSEQ": data[source.srcseq] if source.srcseq else None,
                    "_order": order,
                }
            )
        )
    if not picked:
        return pd.DataFrame(columns=_PICKED_COLUMNS)
    combined = pd.concat(picked, ignore_index=True).sort_values(["USUBJID", "ADT", "_order"], kind="stable")
    return combined.drop_duplicates("USUBJID", keep="first" if first else "last")


def derive_param_tte(
    dataset_adsl: pd.DataFrame,
    source_datasets: Mapping[str, pd.DataFrame],
    *,
    start_date: str,
    event_conditions: list[EventSource],
    censor_conditions: list[CensorSource],
    paramcd: str,
    param: str,
    unit: DurationUnit = "days",
    add_one: bool = True,
) -> pd.DataFrame:
    """Derive one time-to-event parameter, one record per subject with a start date and an event or censoring.

    Rule (admiral ``derive_param_tte()``, details section):

    - Events: per source the rows passing ``filter`` with a date; per subject the first date; over all
      event sources the earliest, ties going to the source listed first.
    - Censorings: per source the last date per subject; over all censor sources the latest, ties going to the
      source listed last.
    - **An event always wins over a censoring**, whatever their dates ("If an event is available, the event
      observation is selected. Otherwise the censoring observation is selected."), so an event and a
      censoring on the same day give CNSR = 0.
    - STARTDT is ``start_date`` from ``dataset_adsl``; subjects without it get no record (e.g. DoR for
      non-responders), as do subjects with neither event nor censoring.
    - ADT is the later of the chosen date and STARTDT (admiral: "If the event or censoring date is before
      the origin date, ADT is set to the origin date").
    - AVAL = :func:`cdiscmm.adam.dates.compute_duration` (STARTDT, ADT) in ``unit`` (+1 day by default);
      AVALU the unit in upper case. CNSR 0 for events, the source's ``censor`` value (>= 1) otherwise.
    """
    assert_columns(dataset_adsl, ["USUBJID", start_date], "adsl")
    assert_unique(dataset_adsl, ["USUBJID"], "adsl")
    events = _select(event_conditions, source_datasets, first=True)
    censors = _select(censor_conditions, source_datasets, first=False)
    chosen = pd.concat([events, censors.loc[~censors["USUBJID"].isin(events["USUBJID"].unique())]], ignore_index=True)
    chosen["ADT"] = chosen["ADT"].astype("datetime64[us]")
    starts = dataset_adsl.loc[dataset_adsl[start_date].notna(), ["USUBJID", start_date]]
    out = starts.rename(columns={start_date: "STARTDT"}).merge(chosen, on="USUBJID", how="inner")
    out["STARTDT"] = out["STARTDT"].dt.normalize().astype("datetime64[us]")
    out["ADT"] = out["ADT"].where(out["ADT"] >= out["STARTDT"], out["STARTDT"])
    out = out.assign(
        PARAMCD=paramcd,
        PARAM=param,
        AVAL=compute_duration(out["STARTDT"], out["ADT"], unit, add_one=add_one),
        AVALU=unit.upper(),
    )
    out = out.astype({"CNSR": "int64", "SRCSEQ": "Int64"})
    for name in ("EVNTDESC", "CNSDTDSC", "SRCDOM", "SRCVAR"):
        out[name] = out[name].astype("str")
    return out.loc[:, TTE_COLUMNS].reset_index(drop=True)
