"""EORTC QLQ-C30 and QLQ-MY20 scale scores, worked by hand from the scoring manual formulas."""

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cdiscmm.adam.qlq import QLQ_C30_SCALES, QLQ_MY20_SCALES, derive_param_qlq_scales
from cdiscmm.core.errors import InputError

BY = ["USUBJID", "AVISIT"]
COLUMNS = [*BY, "PARAMCD", "AVAL", "SRCSEQS"]


def qs(answers: dict[str, list[float | None]], visit: str = "BASELINE", subject: str = "A") -> pd.DataFrame:
    """Item rows from {QSTESTCD prefix + item numbers: values}; QSSEQ numbers the rows from 1."""
    rows = [(code, value) for code, values in answers.items() for value in values]
    frame = pd.DataFrame(rows, columns=["QSTESTCD", "QSSTRESN"])
    return frame.assign(USUBJID=subject, AVISIT=visit, QSSEQ=range(1, len(frame) + 1))


def items(prefix: str, numbers: list[int], values: list[float | None]) -> dict[str, list[float | None]]:
    return {f"{prefix}{number:02d}": [value] for number, value in zip(numbers, values, strict=True)}


def scales(*codes: str) -> tuple:
    return tuple(scale for scale in (*QLQ_C30_SCALES, *QLQ_MY20_SCALES) if scale.paramcd in codes)


def expected(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS).astype({"AVAL": "float64"})
    for name in ("USUBJID", "AVISIT", "PARAMCD", "SRCSEQS"):
        frame[name] = frame[name].astype("str")
    return frame


def test_c30_all_items_answered() -> None:
    # PF items 1-5 = 1,2,2,1,4 (QSSEQ 1-5): RS = 10/5 = 2; functional: (1 - (2-1)/3) x 100 = 66.67.
    # FA items 10,12,18 = 2,3,4 (QSSEQ 6-8): RS = 3; symptom: (3-1)/3 x 100 = 66.67.
    # QL items 29,30 = 6,5 (QSSEQ 9-10): RS = 5.5; global: (5.5-1)/6 x 100 = 75.
    answers = {
        **items("EOR01", [1, 2, 3, 4, 5], [1, 2, 2, 1, 4]),
        **items("EOR01", [10, 12, 18], [2, 3, 4]),
        **items("EOR01", [29, 30], [6, 5]),
    }
    got = derive_param_qlq_scales(qs(answers), BY, scales("EOR0131", "EOR0132", "EOR0137"))
    want = expected(
        [
            ("A", "BASELINE", "EOR0131", 75.0, "9,10"),
            ("A", "BASELINE", "EOR0132", 200 / 3, "1,2,3,4,5"),
            ("A", "BASELINE", "EOR0137", 200 / 3, "6,7,8"),
        ]
    )
    assert_frame_equal(got.loc[:, COLUMNS], want)


def test_c30_half_items_pf_3_of_5_rf_1_of_2_scored_ef_1_of_4_missing() -> None:
    # PF: items 1,2,5 = 1,1,4, items 3,4 missing: 3 of 5 >= half; RS = 6/3 = 2 -> 66.67.
    # RF: item 6 = 3, item 7 missing: 1 of 2 = half; RS = 3 -> (1 - 2/3) x 100 = 33.33.
    # EF: item 21 = 2, items 22-24 missing: 1 of 4 < half -> missing.
    answers = {
        **items("EOR01", [1, 2, 3, 4, 5], [1, 1, None, None, 4]),
        **items("EOR01", [6, 7], [3, None]),
        **items("EOR01", [21, 22, 23, 24], [2, None, None, None]),
    }
    got = derive_param_qlq_scales(qs(answers), BY, scales("EOR0132", "EOR0133", "EOR0134"))
    want = expected(
        [
            ("A", "BASELINE", "EOR0132", 200 / 3, "1,2,5"),
            ("A", "BASELINE", "EOR0133", 100 / 3, "6"),
            ("A", "BASELINE", "EOR0134", None, "8"),
        ]
    )
    assert_frame_equal(got.loc[:, COLUMNS], want)
    assert got["DERIVTXT"].tolist() == [
        "functional scale: mean of 3 of 5 items answered",
        "functional scale: mean of 1 of 2 items answered",
        "1 of 4 items answered: fewer than half, scale missing",
    ]


def test_c30_extreme_values_0_and_100() -> None:
    # Best answers: PF all 1 -> RS 1 -> 100; fatigue all 1 -> 0; QL both 7 -> (7-1)/6 x 100 = 100.
    # Worst answers: PF all 4 -> (1 - 3/3) x 100 = 0; fatigue all 4 -> 100; QL both 1 -> 0.
    best = {
        **items("EOR01", [1, 2, 3, 4, 5], [1] * 5),
        **items("EOR01", [10, 12, 18], [1] * 3),
        **items("EOR01", [29, 30], [7, 7]),
    }
    worst = {
        **items("EOR01", [1, 2, 3, 4, 5], [4] * 5),
        **items("EOR01", [10, 12, 18], [4] * 3),
        **items("EOR01", [29, 30], [1, 1]),
    }
    data = pd.concat([qs(best, "BASELINE"), qs(worst, "WEEK 4")], ignore_index=True)
    got = derive_param_qlq_scales(data, BY, scales("EOR0131", "EOR0132", "EOR0137"))
    assert got["AVAL"].tolist() == [100.0, 100.0, 0.0, 0.0, 0.0, 100.0]


def test_c30_every_questionnaire_gets_all_15_scales() -> None:
    got = derive_param_qlq_scales(qs(items("EOR01", [1], [2])), BY)
    assert got["PARAMCD"].tolist() == [f"EOR01{number}" for number in range(31, 46)]
    # Only PF has an answered item (1 of 5 < half): every scale is missing.
    assert got["AVAL"].isna().all()


def test_my20_directions_symptom_and_function() -> None:
    # DS items 31-36 (EOR1901-EOR1906) all 2: RS 2, symptom: 1/3 x 100 = 33.33.
    # BI item 47 (EOR1917) = 4: function type: (1 - 3/3) x 100 = 0.
    # FP items 48-50 (EOR1918-EOR1920) = 1,2,3: RS 2, function type: (1 - 1/3) x 100 = 66.67.
    answers = {
        **items("EOR19", [1, 2, 3, 4, 5, 6], [2] * 6),
        **items("EOR19", [17], [4]),
        **items("EOR19", [18, 19, 20], [1, 2, 3]),
    }
    got = derive_param_qlq_scales(qs(answers), BY, QLQ_MY20_SCALES)
    assert got["PARAMCD"].tolist() == ["MY20DS", "MY20SE", "MY20BI", "MY20FP"]
    assert got["AVAL"].round(6).fillna(-1).tolist() == [33.333333, -1, 0.0, 66.666667]


def test_qlq_out_of_range_response_is_an_input_error() -> None:
    with pytest.raises(InputError, match="QSSTRESN"):
        derive_param_qlq_scales(qs(items("EOR01", [1], [5])), BY)


def test_qlq_missing_column_is_named() -> None:
    with pytest.raises(InputError, match="QSSEQ"):
        derive_param_qlq_scales(qs(items("EOR01", [1], [2])).drop(columns="QSSEQ"), BY)
