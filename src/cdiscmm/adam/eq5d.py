"""EQ-5D-5L index value from the 5-digit health profile with the Japan and China value sets, and the EQ VAS.

Index = 1 + intercept (when any dimension is above level 1, for value sets that have one) + the decrement of
each dimension's level (level 1 = 0). Coefficients: domain.md §4.6, from the R package eq5d ``VT.csv``
(fragla/eq5d) checked against the full state tables of eq5dsuite (e.g. JP 11112 = 0.8673, 55555 = -0.0255;
CN 11112 = 0.951, 55555 = -0.391). Items: CDISC CT EQ5D02TC, EQ5D0201-EQ5D0205 dimensions, EQ5D0206 VAS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cdiscmm.adam.checks import assert_columns, assert_unique
from cdiscmm.adam.lineage import compute_group_seq_text

#: Dimension item codes in profile order: mobility, self-care, usual activities, pain/discomfort, anxiety/depression.
DIMENSIONS: tuple[str, ...] = ("EQ5D0201", "EQ5D0202", "EQ5D0203", "EQ5D0204", "EQ5D0205")
VAS_TESTCD = "EQ5D0206"


@dataclass(frozen=True)
class Eq5dValueSet:
    """A country value set: decrements for levels 2-5 of each dimension, optional intercept, decimals."""

    code: str
    name: str
    intercept: float
    decrements: tuple[tuple[float, float, float, float], ...]
    decimals: int


#: Japan, cTTO: Shiroiwa T et al., Value Health 2016;19:648, doi 10.1016/j.jval.2016.03.1834.
JAPAN = Eq5dValueSet(
    code="JP",
    name="Japan (Shiroiwa 2016)",
    intercept=-0.0609,
    decrements=(
        (-0.0639, -0.1126, -0.1790, -0.2429),
        (-0.0436, -0.0767, -0.1243, -0.1597),
        (-0.0504, -0.0911, -0.1479, -0.1748),
        (-0.0445, -0.0682, -0.1314, -0.1912),
        (-0.0718, -0.1105, -0.1682, -0.1960),
    ),
    decimals=4,
)
#: China: Luo N et al., Value Health 2017;20:662, doi 10.1016/j.jval.2016.11.016 (no intercept).
CHINA = Eq5dValueSet(
    code="CN",
    name="China (Luo 2017)",
    intercept=0.0,
    decrements=(
        (-0.066, -0.158, -0.287, -0.345),
        (-0.048, -0.116, -0.210, -0.253),
        (-0.045, -0.107, -0.194, -0.233),
        (-0.058, -0.138, -0.252, -0.302),
        (-0.049, -0.118, -0.215, -0.258),
    ),
    decimals=3,
)
VALUE_SETS: dict[str, Eq5dValueSet] = {JAPAN.code: JAPAN, CHINA.code: CHINA}


def compute_eq5d5l_index(profile: pd.Series, value_set: Eq5dValueSet) -> pd.Series:
    """Index value of each 5-digit profile (``"11112"``); missing for anything that is not five digits 1-5.

    Rule: 1 + intercept x [any level > 1] + sum of the dimension decrements, rounded to the value set's
    number of decimals (4 for Japan, 3 for China), e.g. JP 11112 = 1 - 0.0609 - 0.0718 = 0.8673.
    """
    text = profile.astype("str")
    valid = text.str.fullmatch(r"[1-5]{5}").fillna(False).astype(bool)
    digits = text.where(valid, "11111")
    total = pd.Series(1.0, index=profile.index)
    impaired = pd.Series(False, index=profile.index)
    for position, decrements in enumerate(value_set.decrements):
        level = digits.str[position].astype("int64")
        total += np.asarray((0.0, *decrements))[level.to_numpy() - 1]
        impaired |= level.gt(1)
    total += impaired * value_set.intercept
    return total.round(value_set.decimals).where(valid)


def _wide_items(dataset: pd.DataFrame, by_vars: list[str], codes: tuple[str, ...], source_seq: str) -> pd.DataFrame:
    assert_columns(dataset, [*by_vars, "QSTESTCD", "QSSTRESN", source_seq], "QS")
    rows = dataset.loc[dataset["QSTESTCD"].isin(codes)]
    assert_unique(rows, [*by_vars, "QSTESTCD"], "QS", hint="one answer per item and questionnaire")
    return rows


def derive_param_eq5d5l_index(
    dataset: pd.DataFrame, by_vars: list[str], value_set: str = "JP", *, source_seq: str = "QSSEQ"
) -> pd.DataFrame:
    """Derive the EQ-5D-5L index (PARAMCD ``EQ5DIDX``) for every questionnaire with any dimension answered.

    Input: long QS-like rows (``by_vars``, QSTESTCD, QSSTRESN, ``source_seq``). Rule: the profile is the five
    dimension levels EQ5D0201-EQ5D0205 in that order; the index is :func:`compute_eq5d5l_index` with the
    value set ``value_set`` (:data:`VALUE_SETS`: ``"JP"`` or ``"CN"``). An incomplete profile (any dimension
    missing) gives a missing index; DERIVTXT shows the profile with ``.`` for a missing level.
    """
    chosen = VALUE_SETS[value_set]
    rows = _wide_items(dataset, by_vars, DIMENSIONS, source_seq)
    levels = rows.set_index([*by_vars, "QSTESTCD"])["QSSTRESN"].unstack("QSTESTCD")
    levels = levels.reindex(columns=list(DIMENSIONS))
    profile = pd.Series("", index=levels.index)
    for code in DIMENSIONS:
        profile = profile + levels[code].astype("Int64").astype("str").fillna(".")
    out = pd.DataFrame(
        {
            "PARAMCD": "EQ5DIDX",
            "PARAM": f"EQ5D02-Index Value, {chosen.name}",
            "AVAL": compute_eq5d5l_index(profile, chosen),
            "SRCSEQS": compute_group_seq_text(rows, by_vars, source_seq),
            "DERIVTXT": "profile " + profile + ", " + chosen.name + " value set",
        },
        index=levels.index,
    )
    out["DERIVTXT"] = out["DERIVTXT"].where(out["AVAL"].notna(), out["DERIVTXT"] + ": incomplete, index missing")
    return out.reset_index().astype({"SRCSEQS": "str", "DERIVTXT": "str", "PARAMCD": "str", "PARAM": "str"})


def derive_param_eq5d5l_vas(dataset: pd.DataFrame, by_vars: list[str], *, source_seq: str = "QSSEQ") -> pd.DataFrame:
    """Pass the EQ VAS (EQ5D0206, 0-100) through as a parameter: AVAL = QSSTRESN, SRCSEQS the QS record."""
    rows = _wide_items(dataset, by_vars, (VAS_TESTCD,), source_seq)
    return pd.DataFrame(
        {
            **{name: rows[name] for name in by_vars},
            "PARAMCD": VAS_TESTCD,
            "PARAM": "EQ5D02-EQ VAS Score",
            "AVAL": rows["QSSTRESN"].astype("float64"),
            "SRCSEQS": rows[source_seq].astype("Int64").astype("str"),
            "DERIVTXT": "EQ VAS as collected",
        }
    ).reset_index(drop=True)
