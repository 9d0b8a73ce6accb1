"""BDS baseline: ABLFL, BASE, CHG and PCHG (ADaMIG 1.3 §3.3.4, admiral conventions)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.adam.checks import assert_columns, assert_unique


def derive_var_ablfl(
    dataset: pd.DataFrame,
    by_vars: list[str],
    *,
    reference_date: str = "TRTSDT",
    date: str = "ADT",
    value: str = "AVAL",
    order: list[str] | None = None,
) -> pd.DataFrame:
    """Add ABLFL = ``"Y"`` on the baseline record of each ``by_vars`` group (e.g. USUBJID, PARAMCD).

    Rule: the last record with a non-missing ``value`` dated on or before ``reference_date`` (a same-day
    assessment counts as pre-dose, dates only). Ties on that date (decision): the last record after sorting
    by ``order`` (default: none, i.e. the input order) is flagged, so exactly one record per group carries
    ABLFL (the sdtm.oak issue #125 defect: two records flagged on a shared date). Pass e.g.
    ``order=["QSSEQ"]`` to take the latest collected record. Other records get a missing ABLFL.
    """
    order = order or []
    assert_columns(dataset, [*by_vars, reference_date, date, value, *order], "input dataset")
    eligible = dataset[value].notna() & dataset[date].notna() & (dataset[date] <= dataset[reference_date])
    ranked = dataset.loc[eligible].sort_values([*by_vars, date, *order], kind="stable")
    baseline_rows = ranked.drop_duplicates(by_vars, keep="last").index
    out = dataset.copy()
    out["ABLFL"] = pd.Series(np.where(out.index.isin(baseline_rows), "Y", None), index=out.index, dtype="str")
    return out


def derive_var_base(dataset: pd.DataFrame, by_vars: list[str], *, source_var: str = "AVAL") -> pd.DataFrame:
    """Add BASE: the ``source_var`` of the group's ABLFL = ``"Y"`` record, on every record of the group.

    Rule (admiral ``derive_var_base()``): groups without a baseline record get a missing BASE.
    """
    assert_columns(dataset, [*by_vars, "ABLFL", source_var], "input dataset")
    baseline = dataset.loc[dataset["ABLFL"].eq("Y"), [*by_vars, source_var]]
    assert_unique(baseline, by_vars, "baseline records", hint="ABLFL must flag one record per group")
    base = baseline.rename(columns={source_var: "BASE"})
    out = dataset.merge(base, on=by_vars, how="left", validate="many_to_one")
    out.index = dataset.index
    return out


def derive_var_chg(dataset: pd.DataFrame) -> pd.DataFrame:
    """Add CHG = AVAL - BASE (admiral ``derive_var_chg()``: every record, so the baseline record gets 0).

    Missing AVAL or BASE gives a missing CHG.
    """
    assert_columns(dataset, ["AVAL", "BASE"], "input dataset")
    return dataset.assign(CHG=dataset["AVAL"] - dataset["BASE"])


def derive_var_pchg(dataset: pd.DataFrame) -> pd.DataFrame:
    """Add PCHG = (AVAL - BASE) / |BASE| x 100 (admiral ``derive_var_pchg()``); missing when BASE is 0 or missing."""
    assert_columns(dataset, ["AVAL", "BASE"], "input dataset")
    base = dataset["BASE"].where(dataset["BASE"].ne(0))
    return dataset.assign(PCHG=(dataset["AVAL"] - base) / base.abs() * 100)
