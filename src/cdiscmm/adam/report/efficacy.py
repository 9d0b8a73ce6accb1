"""Efficacy tables of the endpoint report: best overall response, Kaplan–Meier curves with numbers at risk, TTR/TTCR.

The estimates (ORR, >=VGPR, >=CR with Clopper–Pearson CIs, 6-month KM rates, KM medians) come from
:func:`cdiscmm.adam.endpoints.summarise_endpoints`, the curves from :func:`cdiscmm.adam.km.estimate_km`:
this module only lays them out. Rules:

- Best overall response: ADRS ``CBOR`` (IMWG 2016 best confirmed overall response, ``specs/adam/adrs.yaml``),
  one record per ADSL subject; the percentage's denominator is the number of CBOR records. Categories in IMWG
  order (sCR, CR, VGPR, PR, MR, SD, PD, NE) then any other value, then "Missing" for a blank AVALC.
- Numbers at risk: subjects with AVAL >= t (still followed, no event before t), the convention of the KM
  risk set (:mod:`cdiscmm.adam.km`), at t = 0, 3, 6, ... months expressed in the parameter's AVALU.
- TTR / TTCR among responders: n, median, minimum and maximum of AVAL over records with CNSR = 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.adam.checks import assert_columns
from cdiscmm.adam.endpoints import compute_landmark_time
from cdiscmm.adam.km import estimate_km

#: IMWG 2016 response categories from best to worst (Kumar S et al., Lancet Oncol 2016;17:e328, table 3).
RESPONSE_ORDER: tuple[str, ...] = ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE")
#: Time-to-event parameters drawn as Kaplan–Meier curves, in report order.
KM_PARAMETERS: tuple[str, ...] = ("PFS", "OS", "DOR", "TTNT")
#: Parameters summarised among the subjects who reached the event.
RESPONDER_PARAMETERS: tuple[str, ...] = ("TTR", "TTCR")
#: Spacing of the numbers-at-risk grid, in months.
AT_RISK_STEP_MONTHS = 3.0


def tabulate_best_response(adrs: pd.DataFrame, paramcd: str = "CBOR") -> pd.DataFrame:
    """Columns RESPONSE, N, PCT (percent of the ``paramcd`` records), in IMWG order (module rules)."""
    assert_columns(adrs, ["USUBJID", "PARAMCD", "AVALC"], "ADRS")
    values = adrs.loc[adrs["PARAMCD"].eq(paramcd), "AVALC"].fillna("").replace("", "Missing")
    counts = values.value_counts()
    order = [*RESPONSE_ORDER, *sorted(set(counts.index) - {*RESPONSE_ORDER, "Missing"}), "Missing"]
    table = pd.DataFrame({"RESPONSE": order, "N": counts.reindex(order, fill_value=0).to_numpy()})
    table = table.loc[table["N"].gt(0) | table["RESPONSE"].isin(RESPONSE_ORDER)].reset_index(drop=True)
    total = int(table["N"].sum())
    return table.assign(N=table["N"].astype("int64"), PCT=100 * table["N"] / total if total else np.nan)


def _unit(records: pd.DataFrame) -> str:
    units = records["AVALU"].dropna().unique()
    return str(units[0]) if len(units) else "MONTHS"


def at_risk_grid(records: pd.DataFrame) -> np.ndarray:
    """Times 0, 3, 6, ... months (in the records' AVALU) up to the longest AVAL."""
    step = compute_landmark_time(AT_RISK_STEP_MONTHS, _unit(records))
    longest = float(records["AVAL"].max()) if records["AVAL"].notna().any() else 0.0
    return np.arange(0.0, longest + step, step)[: int(longest // step) + 1]


def tabulate_at_risk(adtte: pd.DataFrame, parameters: tuple[str, ...] = KM_PARAMETERS) -> pd.DataFrame:
    """Columns PARAMCD, TIME, N_RISK (AVAL >= TIME), N_EVENTS_BY (events with AVAL <= TIME), one row per grid time."""
    assert_columns(adtte, ["PARAMCD", "AVAL", "AVALU", "CNSR"], "ADTTE")
    frames = []
    for paramcd in parameters:
        records = adtte.loc[adtte["PARAMCD"].eq(paramcd)].dropna(subset=["AVAL", "CNSR"])
        if records.empty:
            continue
        grid = at_risk_grid(records)
        aval = np.sort(records["AVAL"].to_numpy(dtype="float64"))
        events = np.sort(records.loc[records["CNSR"].eq(0), "AVAL"].to_numpy(dtype="float64"))
        frames.append(
            pd.DataFrame(
                {
                    "PARAMCD": paramcd,
                    "TIME": grid,
                    "UNIT": _unit(records),
                    "N_RISK": len(aval) - np.searchsorted(aval, grid, side="left"),
                    "N_EVENTS_BY": np.searchsorted(events, grid, side="right"),
                }
            )
        )
    columns = ["PARAMCD", "TIME", "UNIT", "N_RISK", "N_EVENTS_BY"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def km_curves(adtte: pd.DataFrame, parameters: tuple[str, ...] = KM_PARAMETERS) -> pd.DataFrame:
    """The Kaplan–Meier tables (:data:`cdiscmm.adam.km.KM_COLUMNS`) of ``parameters`` present in ADTTE, plus PARAM."""
    assert_columns(adtte, ["PARAMCD", "PARAM", "AVAL", "CNSR"], "ADTTE")
    chosen = adtte.loc[adtte["PARAMCD"].isin(parameters)]
    table = estimate_km(chosen)
    names = chosen.drop_duplicates("PARAMCD").set_index("PARAMCD")["PARAM"]
    order = {paramcd: index for index, paramcd in enumerate(parameters)}
    table = table.assign(PARAM=table["PARAMCD"].map(names), _order=table["PARAMCD"].map(order))
    return table.sort_values(["_order", "TIME"], kind="stable").drop(columns="_order").reset_index(drop=True)


def tabulate_responder_times(adtte: pd.DataFrame, parameters: tuple[str, ...] = RESPONDER_PARAMETERS) -> pd.DataFrame:
    """Columns PARAMCD, PARAM, N (records), N_EVENT, MEDIAN, MIN, MAX, UNIT over records with CNSR = 0."""
    assert_columns(adtte, ["PARAMCD", "PARAM", "AVAL", "AVALU", "CNSR"], "ADTTE")
    chosen = adtte.loc[adtte["PARAMCD"].isin(parameters)]
    reached = chosen.loc[chosen["CNSR"].eq(0)].groupby("PARAMCD")["AVAL"]
    table = chosen.groupby("PARAMCD").agg(PARAM=("PARAM", "first"), N=("AVAL", "size"), UNIT=("AVALU", "first"))
    table = table.join(reached.agg(N_EVENT="size", MEDIAN="median", MIN="min", MAX="max"))
    table["N_EVENT"] = table["N_EVENT"].fillna(0).astype("int64")
    order = [paramcd for paramcd in parameters if paramcd in table.index]
    columns = ["PARAMCD", "PARAM", "N", "N_EVENT", "MEDIAN", "MIN", "MAX", "UNIT"]
    return table.loc[order].reset_index().loc[:, columns]
