"""EORTC QLQ-C30 v3.0 and QLQ-MY20 scale scores (0-100) from item responses, per the EORTC scoring manual.

Source: Fayers PM et al., *EORTC QLQ-C30 Scoring Manual*, 3rd ed., EORTC 2001, as restated in domain.md §4.4:
raw score RS = mean of the answered items of a scale; functional scales S = (1 - (RS - 1) / range) x 100;
symptom scales, single items and global health status S = ((RS - 1) / range) x 100; range 3 for the
4-point items, 6 for the 7-point global items 29-30; a scale is scored when at least half of its items are
answered, otherwise it is missing. Item and scale codes: CDISC CT EOR01TC (C161619), EOR0101-EOR0130 items,
EOR0131-EOR0145 scales.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from cdiscmm.adam.checks import assert_columns
from cdiscmm.adam.lineage import compute_group_seq_text
from cdiscmm.core.errors import InputError, Location

ScaleKind = Literal["functional", "symptom"]


@dataclass(frozen=True)
class QlqScale:
    """One multi-item or single-item scale: its parameter code and name, items, direction and item range."""

    paramcd: str
    param: str
    items: tuple[str, ...]
    kind: ScaleKind
    item_range: int


def _c30(number: int) -> str:
    return f"EOR01{number:02d}"


def _my20(number: int) -> str:
    """QLQ-MY20 item ``number`` (31-50 on the questionnaire) as its sponsor test code EOR1901-EOR1920."""
    return f"EOR19{number - 30:02d}"


#: QLQ-C30 v3.0: the 15 scales, items after the scoring manual table (domain.md §4.4), codes EOR0131-EOR0145.
QLQ_C30_SCALES: tuple[QlqScale, ...] = (
    QlqScale("EOR0131", "EOR01-Global Health Status/QoL", (_c30(29), _c30(30)), "symptom", 6),
    QlqScale("EOR0132", "EOR01-FS:Physical Functioning", tuple(_c30(n) for n in range(1, 6)), "functional", 3),
    QlqScale("EOR0133", "EOR01-FS:Role Functioning", (_c30(6), _c30(7)), "functional", 3),
    QlqScale("EOR0134", "EOR01-FS:Emotional Functioning", tuple(_c30(n) for n in range(21, 25)), "functional", 3),
    QlqScale("EOR0135", "EOR01-FS:Cognitive Functioning", (_c30(20), _c30(25)), "functional", 3),
    QlqScale("EOR0136", "EOR01-FS:Social Functioning", (_c30(26), _c30(27)), "functional", 3),
    QlqScale("EOR0137", "EOR01-SS:Fatigue", (_c30(10), _c30(12), _c30(18)), "symptom", 3),
    QlqScale("EOR0138", "EOR01-SS:Nausea and Vomiting", (_c30(14), _c30(15)), "symptom", 3),
    QlqScale("EOR0139", "EOR01-SS:Pain", (_c30(9), _c30(19)), "symptom", 3),
    QlqScale("EOR0140", "EOR01-SS:Dyspnoea", (_c30(8),), "symptom", 3),
    QlqScale("EOR0141", "EOR01-SS:Insomnia", (_c30(11),), "symptom", 3),
    QlqScale("EOR0142", "EOR01-SS:Appetite Loss", (_c30(13),), "symptom", 3),
    QlqScale("EOR0143", "EOR01-SS:Constipation", (_c30(16),), "symptom", 3),
    QlqScale("EOR0144", "EOR01-SS:Diarrhoea", (_c30(17),), "symptom", 3),
    QlqScale("EOR0145", "EOR01-SS:Financial Difficulties", (_c30(28),), "symptom", 3),
)

#: QLQ-MY20 scales (Cocks K et al., Eur J Cancer 2007;43:1670, scored per the EORTC guidelines as implemented in
#: the CRAN package QoLR, ``scoring.QLQMY20``): disease symptoms = module items 1-6, side effects 7-16 (symptom
#: type), body image item 17 and future perspective 18-20 (function type, no item reversed); every item 1-4
#: (range 3); a scale is scored when at least half its items are answered. Items are numbered 31-50 here, as
#: printed after the QLQ-C30 (module item + 30). Item codes EOR1901-EOR1920 and the parameter codes are
#: sponsor-defined (no CDISC CT for MY20 in 2025-03-28).
QLQ_MY20_SCALES: tuple[QlqScale, ...] = (
    QlqScale("MY20DS", "MY20-Disease Symptoms", tuple(_my20(n) for n in range(31, 37)), "symptom", 3),
    QlqScale("MY20SE", "MY20-Side Effects of Treatment", tuple(_my20(n) for n in range(37, 47)), "symptom", 3),
    QlqScale("MY20BI", "MY20-Body Image", (_my20(47),), "functional", 3),
    QlqScale("MY20FP", "MY20-Future Perspective", tuple(_my20(n) for n in range(48, 51)), "functional", 3),
)


def compute_qlq_scale_score(raw_score: pd.Series, kind: pd.Series, item_range: pd.Series) -> pd.Series:
    """Linear transformation of a raw score (mean item response) to 0-100 (EORTC scoring manual 2001).

    Functional: ``(1 - (RS - 1) / range) * 100``; symptom and global: ``(RS - 1) / range * 100``.
    """
    symptom = (raw_score - 1) / item_range * 100
    return symptom.where(kind.ne("functional"), 100 - symptom)


def derive_param_qlq_scales(
    dataset: pd.DataFrame,
    by_vars: list[str],
    scales: tuple[QlqScale, ...] = QLQ_C30_SCALES,
    *,
    source_seq: str = "QSSEQ",
) -> pd.DataFrame:
    """Derive one record per scale for every questionnaire (group of ``by_vars``) that has any item of ``scales``.

    Input: long QS-like rows with ``by_vars`` (e.g. USUBJID, AVISIT, ADT), QSTESTCD, QSSTRESN and
    ``source_seq``. Rule: the EORTC manual (module docstring): RS = mean of the answered items (QSSTRESN not
    missing); the scale is scored when answered items x 2 >= items in the scale, else AVAL is missing and
    DERIVTXT says so (SRCSEQS still names the answered items). Item responses outside 1..range+1 are an
    :class:`InputError`, as is an item answered twice in one questionnaire. Output columns: ``by_vars``,
    PARAMCD, PARAM, AVAL, SRCSEQS (the items answered), DERIVTXT.
    """
    assert_columns(dataset, [*by_vars, "QSTESTCD", "QSSTRESN", source_seq], "QS")
    mapping = pd.DataFrame(
        [
            (item, scale.paramcd, scale.param, scale.kind, scale.item_range, len(scale.items))
            for scale in scales
            for item in scale.items
        ],
        columns=["QSTESTCD", "PARAMCD", "PARAM", "_kind", "_range", "_n_items"],
    )
    columns = list(dict.fromkeys([*by_vars, "QSTESTCD", "QSSTRESN", source_seq]))  # only these are read below
    items = dataset.loc[dataset["QSTESTCD"].isin(mapping["QSTESTCD"]), columns]
    twice = items.duplicated([*by_vars, "QSTESTCD"])
    if twice.any():
        raise InputError(
            "QS has an item answered more than once in one questionnaire",
            Location(file="QS", field="QSTESTCD"),
            found=items.loc[twice, [*by_vars, "QSTESTCD"]].iloc[0].to_dict(),
            expected=f"one row per {', '.join([*by_vars, 'QSTESTCD'])}",
        )
    items = items.merge(mapping, on="QSTESTCD", how="inner")
    out_of_range = items["QSSTRESN"].notna() & ~items["QSSTRESN"].between(1, items["_range"] + 1)
    if out_of_range.any():
        raise InputError(
            "QS.QSSTRESN has item responses outside the item's scale",
            Location(file="QS", field="QSSTRESN"),
            found=items.loc[out_of_range, ["QSTESTCD", "QSSTRESN"]].iloc[0].to_dict(),
            expected="1-4 for 4-point items, 1-7 for items 29-30",
        )
    # each questionnaire (group of by_vars, a missing key a value) as one number: the grouping below is on it
    items = items.assign(_q=items.groupby(by_vars, sort=False, dropna=False).ngroup().to_numpy())
    answered = items.loc[items["QSSTRESN"].notna()]
    keys = ["_q", "PARAMCD"]
    scored = answered.groupby(keys).agg(_raw=("QSSTRESN", "mean"), _answered=("QSSTRESN", "size"))
    scored = scored.join(compute_group_seq_text(answered, keys, source_seq).rename("SRCSEQS"))
    groups = items.loc[~items["_q"].duplicated(), [*by_vars, "_q"]]
    scale_table = mapping.drop(columns="QSTESTCD").drop_duplicates("PARAMCD")
    out = groups.merge(scale_table, how="cross").merge(scored.reset_index(), on=keys, how="left")
    out["SRCSEQS"] = out["SRCSEQS"].where(out[by_vars].notna().all(axis=1))  # no SRCSEQS when a key is missing
    out["_answered"] = out["_answered"].fillna(0).astype("int64")
    enough = out["_answered"] * 2 >= out["_n_items"]
    score = compute_qlq_scale_score(out["_raw"], out["_kind"], out["_range"])
    counts = out["_answered"].astype("str") + " of " + out["_n_items"].astype("str") + " items answered"
    out["AVAL"] = score.where(enough).astype("float64")
    out["DERIVTXT"] = np.where(
        enough,
        out["_kind"] + " scale: mean of " + counts,
        counts + ": fewer than half, scale missing",
    )
    out["SRCSEQS"] = out["SRCSEQS"].astype("str")
    out["DERIVTXT"] = out["DERIVTXT"].astype("str")
    return out.loc[:, [*by_vars, "PARAMCD", "PARAM", "AVAL", "SRCSEQS", "DERIVTXT"]].reset_index(drop=True)
