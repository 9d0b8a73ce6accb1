"""The small library additions made for the ADAE/ADRS/ADTTE/ADQS builders, each tested at its own level."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_series_equal

from cdiscmm.adam.adsl_derivations import derive_vars_merged_adsl
from cdiscmm.adam.dates import derive_var_dy
from cdiscmm.adam.lineage import derive_var_obs_number
from cdiscmm.adam.occurrence import derive_var_first_occurrence_flag
from cdiscmm.adam.record_steps import ParamsArgs, derive_vars_params
from cdiscmm.adam.registry import Inputs
from cdiscmm.adam.spec import load_adam_spec
from cdiscmm.adam.spec_model import VariableSpec
from cdiscmm.core.errors import InputError


def test_derive_var_dy_has_no_day_zero() -> None:
    frame = pd.DataFrame(
        {
            "TRTSDT": pd.to_datetime(["2024-01-10"] * 4),
            "ADT": pd.to_datetime(["2024-01-09", "2024-01-10", "2024-01-11", None]),
        }
    )
    # 01-09 is the day before (-1), 01-10 is day 1, 01-11 day 2; missing ADT gives missing
    assert_series_equal(derive_var_dy(frame)["ADY"], pd.Series([-1, 1, 2, None], dtype="Int64", name="ADY"))


def test_derive_var_obs_number_sorts_missing_last_and_keeps_row_order() -> None:
    frame = pd.DataFrame(
        {"USUBJID": ["A", "A", "B", "A"], "ADT": pd.to_datetime(["2024-02-01", None, "2024-01-01", "2024-01-01"])}
    )
    assert list(derive_var_obs_number(frame, ["USUBJID"], ["ADT"])["ASEQ"]) == [2, 3, 1, 1]


def test_derive_vars_merged_adsl_copies_renamed_spec_variables() -> None:
    variables = [
        VariableSpec(name="USUBJID", origin="Predecessor", source="ADSL.USUBJID"),
        VariableSpec(name="TRTA", origin="Predecessor", source="ADSL.TRT01A"),
        VariableSpec(name="AESEQ", origin="Predecessor", source="AE.AESEQ"),
    ]
    adsl = pd.DataFrame({"USUBJID": ["A", "B"], "TRT01A": ["X", "Y"], "DTHDT": pd.to_datetime([None, "2024-05-01"])})
    out = derive_vars_merged_adsl(pd.DataFrame({"USUBJID": ["B", "A", "B"]}), adsl, variables, keep=("DTHDT",))
    assert list(out.columns) == ["USUBJID", "TRTA", "DTHDT"] and list(out["TRTA"]) == ["Y", "X", "Y"]
    with pytest.raises(InputError, match="not in ADSL"):
        derive_vars_merged_adsl(pd.DataFrame({"USUBJID": ["C"]}), adsl, variables)


def test_first_occurrence_flag_only_on_treatment_emergent_records() -> None:
    frame = pd.DataFrame(
        {
            "USUBJID": ["A", "A", "A", "B"],
            "ASTDT": pd.to_datetime(["2024-01-05", "2024-01-02", "2024-01-01", None]),
            "AESEQ": [1, 2, 3, 1],
            "TRTEMFL": ["Y", "Y", None, "Y"],
        }
    )
    flags = derive_var_first_occurrence_flag(frame, ["USUBJID"], "AOCCFL", order=["ASTDT", "AESEQ"])["AOCCFL"]
    assert flags.isna().tolist() == [True, False, True, False]  # AESEQ 3 is earlier but not emergent


def test_parameter_frame_and_derive_vars_params() -> None:
    spec = load_adam_spec("ADRS")
    table = spec.parameter_frame()
    assert list(table["PARAMCD"]) == [parameter.paramcd for parameter in spec.parameters]
    assert spec.parameter("OVR").where is not None
    assert load_adam_spec("ADQS").parameter("EQ5DIDX").score.value_set.mapping() == {"JPN": "JP", "CHN": "CN"}
    # records made in another order are stacked in the spec's order, PARAM/PARAMN from the table
    records = {"BOR": pd.DataFrame({"PARAMCD": ["BOR"], "PARAM": ["x"]}), "OVR": pd.DataFrame({"PARAMCD": ["OVR"]})}
    inputs = Inputs({}, {}, records)
    got = derive_vars_params(pd.DataFrame(), inputs, spec, ParamsArgs(variables=["PARAM", "PARAMN"]))
    assert got.to_dict("list") == {
        "PARAMCD": ["OVR", "BOR"],
        "PARAM": ["Overall Response by Investigator", "IMWG Best Overall Response (Unconfirmed)"],
        "PARAMN": [1, 3],
    }
