"""Dates: ISO 8601 to date, imputation with --DTF flags, paired start/end rules, durations."""

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from cdiscmm.adam.dates import compute_dt_from_dtc, compute_duration, derive_vars_dt, derive_vars_dt_start_end
from cdiscmm.core.errors import InputError


def dt(values: list[str | None]) -> pd.Series:
    return pd.to_datetime(pd.Series(values)).astype("datetime64[us]")


def flags(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="str")


def test_compute_dt_from_dtc_full_dates_only() -> None:
    dtc = pd.Series(["2024-03-15", "2024-03-15T10:30", "2024-03", "2024", "", None, "2023-02-30"])
    assert_series_equal(
        compute_dt_from_dtc(dtc), dt(["2024-03-15", "2024-03-15", None, None, None, None, None]), check_names=False
    )


def test_derive_vars_dt_first_last_and_highest_imputation() -> None:
    data = pd.DataFrame({"XDTC": ["2024-03-15", "2024-02", "2023", ""]})
    first = derive_vars_dt(data, "AST", "XDTC", highest_imputation="M")
    # Day missing -> 02-01 flag D; month and day missing -> 01-01 flag M; nothing -> missing (Y not allowed).
    want = data.assign(ASTDT=dt(["2024-03-15", "2024-02-01", "2023-01-01", None]), ASTDTF=flags([None, "D", "M", None]))
    assert_frame_equal(first, want)
    last = derive_vars_dt(data, "AEN", "XDTC", highest_imputation="M", date_imputation="last")
    # Last day of February 2024 (leap year) is 02-29; 2023 -> 12-31.
    assert last["AENDT"].tolist() == dt(["2024-03-15", "2024-02-29", "2023-12-31", None]).tolist()
    day_only = derive_vars_dt(data, "AST", "XDTC", highest_imputation="D")
    assert day_only["ASTDT"].tolist() == dt(["2024-03-15", "2024-02-01", None, None]).tolist()
    no_imputation = derive_vars_dt(data, "AST", "XDTC")
    assert "ASTDTF" not in no_imputation and no_imputation["ASTDT"].notna().tolist() == [True, False, False, False]


def test_derive_vars_dt_min_dates_only_inside_the_possible_range() -> None:
    data = pd.DataFrame(
        {"XDTC": ["2024-03", "2024-03", "2024-03-05"], "TRTSDT": dt(["2024-03-10", "2024-02-10", "2024-03-10"])}
    )
    got = derive_vars_dt(data, "AST", "XDTC", highest_imputation="M", min_dates=["TRTSDT"])
    # First dose in March -> start imputed to it; first dose in February -> 03-01; complete date untouched.
    assert got["ASTDT"].tolist() == dt(["2024-03-10", "2024-03-01", "2024-03-05"]).tolist()
    assert got["ASTDTF"].fillna("").tolist() == ["D", "D", ""]


def test_derive_vars_dt_year_imputation_needs_min_dates() -> None:
    data = pd.DataFrame({"XDTC": [""], "TRTSDT": dt(["2024-03-10"])})
    got = derive_vars_dt(data, "AST", "XDTC", highest_imputation="Y", min_dates=["TRTSDT"])
    assert (got.loc[0, "ASTDT"], got.loc[0, "ASTDTF"]) == (pd.Timestamp("2024-03-10"), "Y")
    with pytest.raises(InputError, match="min_dates"):
        derive_vars_dt(data, "AST", "XDTC", highest_imputation="Y")


def test_derive_vars_dt_start_end_paired_rules() -> None:
    data = pd.DataFrame(
        {
            "AESTDTC": ["2024-03", "2024-03", "2024-03", "2024-03"],
            "AEENDTC": ["2024-03-05", "2024-03", "2024-04", "2024-03"],
            "TRTSDT": dt(["2024-03-10", "2024-03-10", "2024-02-01", "2024-03-10"]),
            "DTHDT": dt([None, None, "2024-04-12", "2024-03-20"]),
        }
    )
    got = derive_vars_dt_start_end(data, "AESTDTC", "AEENDTC", end_limits=["DTHDT"])
    want = data.assign(
        # Row 1: end complete 03-05; start would go to first dose 03-10 but never after the end -> 03-05.
        # Row 2: end partial -> 03-31; start in the month of first dose -> 03-10.
        # Row 3: end 2024-04 -> 04-30 but death on 04-12 -> 04-12; first dose in February -> start 03-01.
        # Row 4: end 2024-03 -> 03-31 capped by death 03-20; start -> first dose 03-10.
        AENDT=dt(["2024-03-05", "2024-03-31", "2024-04-12", "2024-03-20"]),
        AENDTF=flags([None, "D", "D", "D"]),
        ASTDT=dt(["2024-03-05", "2024-03-10", "2024-03-01", "2024-03-10"]),
        ASTDTF=flags(["D", "D", "D", "D"]),
    )
    assert_frame_equal(got, want)


def test_compute_duration_units_and_add_one() -> None:
    start = dt(["2024-01-01", "2024-01-01", "2024-01-10", None])
    end = dt(["2024-01-01", "2024-12-31", "2024-01-01", "2024-01-01"])
    # Same day: 0 + 1 = 1 day. 2024-01-01 to 12-31: 365 + 1 = 366 days. End before start: -9, no + 1.
    assert_series_equal(compute_duration(start, end), pd.Series([1.0, 366.0, -9.0, None], dtype="float64"))
    assert_series_equal(compute_duration(start, end, add_one=False), pd.Series([0.0, 365.0, -9.0, None]))
    assert compute_duration(start, end, "years").round(6).tolist()[1] == round(366 / 365.25, 6)
    assert compute_duration(start, end, "months").tolist()[1] == 366 / 30.4375
    assert compute_duration(start, end, "weeks").tolist()[0] == 1 / 7


def test_derive_vars_dt_missing_column_is_named() -> None:
    with pytest.raises(InputError, match="TRTSDT"):
        derive_vars_dt(pd.DataFrame({"XDTC": ["2024"]}), "AST", "XDTC", min_dates=["TRTSDT"])


def test_derive_var_dy_accepts_object_dtype_dates() -> None:
    """Regression: ISA ADQS crashed when ADT arrived as an object column (ADT - TRTSDT raised TypeError)."""
    from cdiscmm.adam.dates import derive_var_dy

    frame = pd.DataFrame(
        {
            "ADT": pd.Series([pd.Timestamp("2024-03-12"), None], dtype=object),
            "TRTSDT": pd.to_datetime(["2024-03-10"] * 2),
        }
    )
    assert derive_var_dy(frame)["ADY"].tolist() == [3, pd.NA]
