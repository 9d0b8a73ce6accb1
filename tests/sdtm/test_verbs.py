"""Each record verb on hand-built raw rows, the expected column written out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cdiscmm.core.errors import SpecError
from cdiscmm.metadata.vocabulary import ConditionAddArgs
from cdiscmm.sdtm.verbs import RECORD_VERBS
from cdiscmm.sdtm.verbs.assign import AssignCtArgs, AssignNoCtArgs, assign_ct, assign_no_ct
from cdiscmm.sdtm.verbs.base import MapContext
from cdiscmm.sdtm.verbs.condition import condition_add
from cdiscmm.sdtm.verbs.datetime import AssignDatetimeArgs, assign_datetime
from cdiscmm.sdtm.verbs.hardcode import HardcodeCtArgs, HardcodeNoCtArgs, hardcode_ct, hardcode_no_ct


def as_list(values: pd.Series) -> list[object]:
    return [None if pd.isna(value) else value for value in values]


def test_registry_names_are_the_function_names() -> None:
    assert set(RECORD_VERBS) == {"assign_no_ct", "assign_ct", "hardcode_no_ct", "hardcode_ct", "assign_datetime"}
    assert all(verb.function.__name__ == name for name, verb in RECORD_VERBS.items())


def test_assign_no_ct_strips_blanks_and_keeps_local_text(context: MapContext) -> None:
    raw = pd.DataFrame({"AETERM_EN": [" Nausea ", "", "Rash"], "AETERM": ["悪心", "", "発疹"]})
    mapped = assign_no_ct(raw, AssignNoCtArgs(field="AETERM_EN", local="AETERM"), context)
    assert as_list(mapped.values) == ["Nausea", None, "Rash"]
    assert as_list(mapped.local) == ["悪心", None, "発疹"]
    assert mapped.problems.empty


def test_assign_no_ct_upper(context: MapContext) -> None:
    mapped = assign_no_ct(pd.DataFrame({"X": ["Grade 1"]}), AssignNoCtArgs(field="X", upper=True), context)
    assert as_list(mapped.values) == ["GRADE 1"]


def test_assign_ct_maps_study_codes_and_rejects_unknown_in_non_extensible(context: MapContext) -> None:
    raw = pd.DataFrame({"SEV": ["1", "moderate", "", "9"]})
    mapped = assign_ct(raw, AssignCtArgs(field="SEV", codelist="C66769", map={"1": "MILD"}), context)
    assert as_list(mapped.values) == ["MILD", "MODERATE", None, None]
    problem = mapped.problems.loc[3]
    assert problem["REASON"] == "value 9 not in codelist C66769 (AESEV)" and bool(problem["REJECT"])
    assert list(mapped.problems.index) == [3]


def test_assign_ct_keeps_unknown_value_of_extensible_codelist_as_finding(context: MapContext) -> None:
    raw = pd.DataFrame({"ROUTE": ["IV", "Intrathecal"]})
    mapped = assign_ct(raw, AssignCtArgs(field="ROUTE", codelist="C66729"), context)
    assert as_list(mapped.values) == ["INTRAVENOUS", "INTRATHECAL"]  # IV is a CDISC synonym
    assert not bool(mapped.problems.loc[1, "REJECT"])


def test_assign_ct_map_to_a_value_outside_the_codelist_is_a_spec_error(context: MapContext) -> None:
    with pytest.raises(SpecError, match="not a term of codelist C66769"):
        assign_ct(pd.DataFrame({"SEV": ["1"]}), AssignCtArgs(field="SEV", codelist="C66769", map={"1": "LOW"}), context)


def test_hardcode_no_ct_everywhere_or_where_field_filled(context: MapContext) -> None:
    raw = pd.DataFrame({"CMTRT": ["X", ""]})
    assert as_list(hardcode_no_ct(raw, HardcodeNoCtArgs(value="PRIOR"), context).values) == ["PRIOR", "PRIOR"]
    only = hardcode_no_ct(raw, HardcodeNoCtArgs(value="PRIOR", field="CMTRT"), context)
    assert as_list(only.values) == ["PRIOR", None]


def test_hardcode_ct_checks_the_term(context: MapContext) -> None:
    raw = pd.DataFrame({"AGE": ["61"]})
    assert as_list(hardcode_ct(raw, HardcodeCtArgs(value="YEARS", codelist="C66781"), context).values) == ["YEARS"]
    with pytest.raises(SpecError, match="not a term of codelist C66781"):
        hardcode_ct(raw, HardcodeCtArgs(value="MONTHS", codelist="C66781"), context)


def test_assign_datetime_keeps_precision_and_rejects_impossible_dates_naming_the_field(context: MapContext) -> None:
    raw = pd.DataFrame(
        {"AESTDAT": ["12 MAR 2024", "UN MAR 2024", "31 FEB 2024", "UN UNK UNKN"], "AESTTIM": ["14:30", "", "", ""]}
    )
    mapped = assign_datetime(raw, AssignDatetimeArgs(date="AESTDAT", time="AESTTIM"), context)
    assert as_list(mapped.values) == ["2024-03-12T14:30", "2024-03", None, None]
    assert list(mapped.problems.index) == [2]
    assert mapped.problems.loc[2, "REASON"] == "AESTDAT: not a calendar date"
    assert mapped.problems.loc[2, "FIELD"] == "AESTDAT" and mapped.problems.loc[2, "VALUE"] == "31 FEB 2024"


def test_condition_add_tests() -> None:
    raw = pd.DataFrame({"AEYN": ["Y", " y", "N", ""]})
    assert list(condition_add(raw, ConditionAddArgs(field="AEYN", equals="Y"))) == [True, True, False, False]
    assert list(condition_add(raw, ConditionAddArgs.model_validate({"field": "AEYN", "in": ["N"]}))) == [
        False,
        False,
        True,
        False,
    ]
    assert list(condition_add(raw, ConditionAddArgs(field="AEYN", not_in=["N"]))) == [True, True, False, False]
    assert list(condition_add(raw, ConditionAddArgs(field="AEYN", not_empty=True))) == [True, True, True, False]
    assert list(condition_add(raw, ConditionAddArgs(field="AEYN", empty=True))) == [False, False, False, True]


def test_condition_add_needs_exactly_one_test() -> None:
    with pytest.raises(ValueError, match="exactly one of"):
        ConditionAddArgs(field="AEYN", equals="Y", not_empty=True)


def test_assign_ct_sponsor_list_without_codelist_rejects_unknown_codes(context: MapContext) -> None:
    raw = pd.DataFrame({"MMTYPE": ["IGG_K", " igg_k", "99", ""]})
    mapped = assign_ct(raw, AssignCtArgs(field="MMTYPE", map={"IGG_K": "IGG KAPPA"}), context)
    assert as_list(mapped.values) == ["IGG KAPPA", "IGG KAPPA", None, None]
    problem = mapped.problems.iloc[0]
    assert problem["REASON"] == "value 99 not in sponsor codelist of MMTYPE" and bool(problem["REJECT"])


def test_assign_ct_strict_rejects_unknown_value_of_extensible_codelist(context: MapContext) -> None:
    raw = pd.DataFrame({"ROUTE": ["99"]})
    mapped = assign_ct(raw, AssignCtArgs(field="ROUTE", codelist="C66729", strict=True), context)
    assert as_list(mapped.values) == [None] and bool(mapped.problems.iloc[0]["REJECT"])


def test_assign_ct_unknown_as_submits_the_unknown_term_and_keeps_the_row(context: MapContext) -> None:
    """DM.SEX-like case: "99" is no term; with unknown_as the row stays, the value becomes the named term and the
    collected value is a finding (REJECT False) asking for a query."""
    raw = pd.DataFrame({"SEV": ["1", "99", ""]})
    args = AssignCtArgs(field="SEV", codelist="C66769", map={"1": "MILD"}, unknown_as="SEVERE")
    mapped = assign_ct(raw, args, context)
    assert as_list(mapped.values) == ["MILD", "SEVERE", None]
    assert list(mapped.problems.index) == [1]
    problem = mapped.problems.loc[1]
    assert not bool(problem["REJECT"]) and problem["VALUE"] == "99"
    assert problem["REASON"] == "value 99 not in codelist C66769 (AESEV); submitted as SEVERE, query the site"


def test_assign_ct_unknown_blank_leaves_the_value_null_and_keeps_the_row(context: MapContext) -> None:
    raw = pd.DataFrame({"ONGO": ["Y", "N", "X"]})
    args = AssignCtArgs(field="ONGO", map={"Y": "ONGOING", "N": ""}, unknown="blank")
    mapped = assign_ct(raw, args, context)
    assert as_list(mapped.values) == ["ONGOING", None, None]  # "" in a map means no value
    assert list(mapped.problems.index) == [2] and not bool(mapped.problems.loc[2, "REJECT"])
    assert mapped.problems.loc[2, "REASON"].endswith("; not submitted as collected, query the site")


def test_assign_ct_unknown_rules_are_checked_against_the_spec(context: MapContext) -> None:
    with pytest.raises(ValueError, match="unknown or unknown_as, not both"):
        AssignCtArgs(field="SEV", codelist="C66769", unknown="blank", unknown_as="MILD")
    with pytest.raises(ValueError, match="contradicts strict"):
        AssignCtArgs(field="ROUTE", codelist="C66729", unknown="extend", strict=True)
    with pytest.raises(SpecError, match="unknown_as 'LOW' is not a term of codelist C66769"):
        assign_ct(pd.DataFrame({"SEV": ["1"]}), AssignCtArgs(field="SEV", codelist="C66769", unknown_as="LOW"), context)
    with pytest.raises(SpecError, match="unknown: extend needs an extensible codelist"):
        assign_ct(pd.DataFrame({"SEV": ["9"]}), AssignCtArgs(field="SEV", codelist="C66769", unknown="extend"), context)


def test_unknown_code_rejects_the_row_only_for_a_required_variable(context: MapContext) -> None:
    """Default rule: a value outside a non-extensible codelist costs the record only when the target variable is
    Required (it may not be null); for an Expected or Permissible one the value is left null and queried."""
    from dataclasses import replace

    raw = pd.DataFrame({"SEV": ["1", "99"]})
    args = AssignCtArgs(field="SEV", codelist="C66769", map={"1": "MILD"})
    required = assign_ct(raw, args, replace(context, core="Req"))
    assert bool(required.problems.loc[1, "REJECT"])
    expected = assign_ct(raw, args, replace(context, core="Perm"))
    assert as_list(expected.values) == ["MILD", None] and not bool(expected.problems.loc[1, "REJECT"])


def test_impossible_date_rejects_the_row_only_for_a_required_variable(context: MapContext) -> None:
    from dataclasses import replace

    raw = pd.DataFrame({"D": ["30 FEB 2024", "01 MAR 2024"]})
    kept = assign_datetime(raw, AssignDatetimeArgs(date="D"), replace(context, core="Exp"))
    assert as_list(kept.values) == [None, "2024-03-01"]
    assert kept.problems.loc[0, "REASON"] == "D: not a calendar date; not submitted, query the site"
    assert not bool(kept.problems.loc[0, "REJECT"])
    rejected = assign_datetime(raw, AssignDatetimeArgs(date="D"), replace(context, core="Req"))
    assert bool(rejected.problems.loc[0, "REJECT"])


def test_assign_ct_maps_by_item_use_each_items_scale(context: MapContext) -> None:
    """QLQ-C30: items 1-28 answer on a 4-point scale, items 29-30 on 1 (Very poor) ... 7 (Excellent)."""
    raw = pd.DataFrame({"ITEM": ["Q01", "Q29", "Q29", "Q30", "Q01"], "VALUE": ["1", "1", "4", "7", "7"]})
    args = AssignCtArgs(
        field="VALUE",
        map={"1": "Not at all", "4": "Very much"},
        maps_by="ITEM",
        maps={"Q29": {"1": "Very poor", "4": "4", "7": "Excellent"}, "Q30": {"7": "Excellent"}},
        unknown="blank",
    )
    mapped = assign_ct(raw, args, context)
    assert as_list(mapped.values) == ["Not at all", "Very poor", "4", "Excellent", None]  # 7 is no 4-point answer
    assert list(mapped.problems.index) == [4]
    with pytest.raises(ValueError, match="maps and maps_by go together"):
        AssignCtArgs(field="VALUE", map={"1": "A"}, maps={"Q29": {"1": "B"}})
