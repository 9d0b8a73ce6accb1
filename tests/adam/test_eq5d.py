"""EQ-5D-5L index (Japan and China value sets) and VAS, checked against hand sums of the coefficients."""

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from cdiscmm.adam.eq5d import CHINA, JAPAN, compute_eq5d5l_index, derive_param_eq5d5l_index, derive_param_eq5d5l_vas
from cdiscmm.core.errors import InputError

BY = ["USUBJID", "AVISIT"]


def test_compute_index_japan_spot_values() -> None:
    profiles = pd.Series(["11111", "11112", "55555", "15555", "1111", "61111", None])
    want = pd.Series(
        [
            1.0,  # full health: no decrement, no intercept
            0.8673,  # 1 - 0.0609 (intercept) - 0.0718 (AD level 2)
            -0.0255,  # 1 - 0.0609 - 0.2429 - 0.1597 - 0.1748 - 0.1912 - 0.1960 = 1 - 1.0255
            0.2174,  # 1 - 0.0609 - 0.1597 - 0.1748 - 0.1912 - 0.1960 = 1 - 0.7826 (state table 0.217467)
            None,  # four digits: incomplete
            None,  # level 6 does not exist
            None,  # no profile
        ],
        dtype="float64",
    )
    assert_series_equal(compute_eq5d5l_index(profiles, JAPAN), want)


def test_compute_index_china_spot_values() -> None:
    profiles = pd.Series(["11111", "11112", "55555", "15555"])
    # 11112: 1 - 0.049; 55555: 1 - (0.345 + 0.253 + 0.233 + 0.302 + 0.258) = 1 - 1.391;
    # 15555: 1 - (0.253 + 0.233 + 0.302 + 0.258) = 1 - 1.046. No intercept in the China set.
    assert_series_equal(compute_eq5d5l_index(profiles, CHINA), pd.Series([1.0, 0.951, -0.391, -0.046]))


def qs(rows: list[tuple[str, str, str, float | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["USUBJID", "AVISIT", "QSTESTCD", "QSSTRESN"])
    return frame.assign(QSSEQ=range(1, len(frame) + 1))


def test_derive_index_complete_and_incomplete_profile_and_vas() -> None:
    # A/BASELINE: profile 11112 (QSSEQ 1-5) -> JP 0.8673. A/WEEK 4: anxiety/depression missing -> no index.
    dims = ["EQ5D0201", "EQ5D0202", "EQ5D0203", "EQ5D0204", "EQ5D0205"]
    rows = [("A", "BASELINE", code, level) for code, level in zip(dims, [1, 1, 1, 1, 2], strict=True)]
    rows += [("A", "BASELINE", "EQ5D0206", 70.0)]
    rows += [("A", "WEEK 4", code, level) for code, level in zip(dims, [2, 1, 1, 1, None], strict=True)]
    data = qs(rows)
    got = derive_param_eq5d5l_index(data, BY, "JP")
    want = pd.DataFrame(
        {
            "USUBJID": ["A", "A"],
            "AVISIT": ["BASELINE", "WEEK 4"],
            "PARAMCD": "EQ5DIDX",
            "PARAM": "EQ5D02-Index Value, Japan (Shiroiwa 2016)",
            "AVAL": [0.8673, None],
            "SRCSEQS": ["1,2,3,4,5", "7,8,9,10,11"],
            "DERIVTXT": [
                "profile 11112, Japan (Shiroiwa 2016) value set",
                "profile 2111., Japan (Shiroiwa 2016) value set: incomplete, index missing",
            ],
        }
    ).astype({"AVAL": "float64"})
    assert_frame_equal(got, want)
    vas = derive_param_eq5d5l_vas(data, BY)
    assert (vas.loc[0, "PARAMCD"], vas.loc[0, "AVAL"], vas.loc[0, "SRCSEQS"]) == ("EQ5D0206", 70.0, "6")


def test_derive_index_duplicate_item_is_an_input_error() -> None:
    data = qs([("A", "BASELINE", "EQ5D0201", 1), ("A", "BASELINE", "EQ5D0201", 2)])
    with pytest.raises(InputError, match="more than one row"):
        derive_param_eq5d5l_index(data, BY)
