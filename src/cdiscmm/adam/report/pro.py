"""Patient-reported outcomes of the endpoint report: change from baseline of QLQ-C30, QLQ-MY20 and EQ-5D scores.

Rule: ADQS post-baseline records (ABLFL != 'Y') with a change from baseline (CHG present, so both the visit
score and the baseline exist, ADaMIG 1.3 §3.3.6), summarised per questionnaire (PARCAT1), parameter and
analysis visit: n, mean baseline, mean value, mean change with its SD and standard error (SD / sqrt(n);
missing for n < 2), and median change. Visits are ordered by their
median ADY (the ADQS spec assigns AVISIT by study-day window, so the day order is the visit order).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.adam.checks import assert_columns

PRO_COLUMNS: list[str] = [
    "PARCAT1",
    "PARAMCD",
    "PARAM",
    "AVISIT",
    "N",
    "MEAN_BASE",
    "MEAN_AVAL",
    "MEAN_CHG",
    "SD_CHG",
    "SE_CHG",
    "MEDIAN_CHG",
]


def tabulate_change_from_baseline(adqs: pd.DataFrame) -> pd.DataFrame:
    """One row per PARCAT1, PARAMCD and AVISIT (columns :data:`PRO_COLUMNS`), parameters in PARAMN order."""
    assert_columns(adqs, ["PARCAT1", "PARAMCD", "PARAM", "AVISIT", "ADY", "ABLFL", "AVAL", "BASE", "CHG"], "ADQS")
    post = adqs.loc[adqs["ABLFL"].ne("Y") & adqs["CHG"].notna()]
    if post.empty:
        return pd.DataFrame(columns=PRO_COLUMNS)
    visit_day = post.groupby("AVISIT")["ADY"].median()
    keys = ["PARCAT1", "PARAMCD", "AVISIT"]
    table = post.groupby(keys, sort=False).agg(
        PARAM=("PARAM", "first"),
        _paramn=("PARAMN", "first") if "PARAMN" in post.columns else ("PARAMCD", "first"),
        N=("CHG", "size"),
        MEAN_BASE=("BASE", "mean"),
        MEAN_AVAL=("AVAL", "mean"),
        MEAN_CHG=("CHG", "mean"),
        SD_CHG=("CHG", "std"),
        MEDIAN_CHG=("CHG", "median"),
    )
    table = table.reset_index()
    table = table.assign(SE_CHG=table["SD_CHG"] / np.sqrt(table["N"].astype("float64")))
    table = table.assign(_day=table["AVISIT"].map(visit_day))
    table = table.sort_values(["PARCAT1", "_paramn", "_day"], kind="stable")
    return table.loc[:, PRO_COLUMNS].astype({"N": "int64"}).reset_index(drop=True)
