"""Baseline flag, BASE, CHG and PCHG on small hand-made BDS tables."""

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cdiscmm.adam.baseline import derive_var_ablfl, derive_var_base, derive_var_chg, derive_var_pchg
from cdiscmm.core.errors import InputError

BY = ["USUBJID", "PARAMCD"]


def bds() -> pd.DataFrame:
    return pd.DataFrame(
        [
            # A: 01-02 value 50, 01-05 missing value, 01-10 (treatment day) two records QSSEQ 4 and 3, 02-10 after.
            ("A", "EOR0132", "2024-01-02", 50.0, 1),
            ("A", "EOR0132", "2024-01-05", None, 2),
            ("A", "EOR0132", "2024-01-10", 60.0, 4),
            ("A", "EOR0132", "2024-01-10", 70.0, 3),
            ("A", "EOR0132", "2024-02-10", 80.0, 5),
            # B: baseline value 0, so PCHG is missing; C: only post-dose records, no baseline.
            ("B", "EOR0132", "2024-01-09", 0.0, 1),
            ("B", "EOR0132", "2024-02-09", 25.0, 2),
            ("C", "EOR0132", "2024-02-01", 40.0, 1),
        ],
        columns=["USUBJID", "PARAMCD", "ADT", "AVAL", "QSSEQ"],
    ).assign(ADT=lambda frame: pd.to_datetime(frame["ADT"]), TRTSDT=pd.Timestamp("2024-01-10"))


def test_ablfl_last_non_missing_on_or_before_reference_tie_by_order() -> None:
    # A: latest date on or before 01-10 is 01-10 itself (same day counts); two records: ordered by QSSEQ, the
    # last is QSSEQ 4 (row 3, value 60). B: 01-09. C: nothing before 01-10 -> no flag.
    got = derive_var_ablfl(bds(), BY, order=["QSSEQ"])
    assert got["ABLFL"].fillna("").tolist() == ["", "", "Y", "", "", "Y", "", ""]


def test_ablfl_missing_value_is_never_baseline() -> None:
    data = bds().iloc[:2].assign(TRTSDT=pd.Timestamp("2024-01-06"))
    # 01-05 is the latest record before 01-06 but its value is missing: 01-02 is baseline.
    assert derive_var_ablfl(data, BY)["ABLFL"].fillna("").tolist() == ["Y", ""]


def test_base_chg_pchg() -> None:
    data = derive_var_pchg(derive_var_chg(derive_var_base(derive_var_ablfl(bds(), BY, order=["QSSEQ"]), BY)))
    want = pd.DataFrame(
        {
            # A: BASE 60. CHG = AVAL - 60: -10, missing, 0, 10, 20; PCHG = CHG / 60 x 100.
            # B: BASE 0 -> PCHG missing. C: no baseline -> all missing.
            "BASE": [60.0, 60, 60, 60, 60, 0, 0, None],
            "CHG": [-10.0, None, 0, 10, 20, 0, 25, None],
            "PCHG": [-100 / 6, None, 0, 100 / 6, 200 / 6, None, None, None],
        }
    ).astype("float64")
    assert_frame_equal(data.loc[:, ["BASE", "CHG", "PCHG"]], want)


def test_base_two_baseline_records_is_an_input_error() -> None:
    data = bds().assign(ABLFL=["Y", "Y", None, None, None, None, None, None])
    with pytest.raises(InputError, match="ABLFL"):
        derive_var_base(data, BY)


def test_ablfl_missing_reference_date_column_is_named() -> None:
    with pytest.raises(InputError, match="TRTSDT"):
        derive_var_ablfl(bds().drop(columns="TRTSDT"), BY)
