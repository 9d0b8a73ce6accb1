"""Suites generated from the metadata: the expectations they hold, GX and the native engine agreeing, export."""

from __future__ import annotations

import json
import re
import warnings

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cdiscmm.metadata.model import ValueLevelMeta, WhereCondition
from cdiscmm.validate import gx, native, views
from cdiscmm.validate.catalogue import load_catalogue
from cdiscmm.validate.delivery import build_delivery
from cdiscmm.validate.suites import ASCII_RECORD, ISO8601_DTC, ISO8601_DURATION, plan_suites
from tests.validate.helpers import STUDY


def _delivery():
    dm = pd.DataFrame(
        {
            "STUDYID": STUDY,
            "DOMAIN": "DM",
            "USUBJID": ["A", "B", "C"],
            "SUBJID": ["1", "2", ""],  # Req and null in C
            "SEX": ["M", "X", ""],  # X is not in the non-extensible SEX codelist
            "RFSTDTC": ["2021-01-01", "2021-13-01", "2021---05"],  # month 13 is no ISO 8601 month
            "COUNTRY": ["JPN", "JPN", "CHN"],
            "AGE": ["60", "61", "62"],  # Num in SDTMIG, delivered as text
            "ACTARMUD": ["a" * 199 + "é", "", ""],  # 201 bytes
        }
    )
    return build_delivery({"DM": dm})


def _gx_rules():
    return [rule for rule in load_catalogue() if rule.check == "gx_suite" and rule.scope == "SDTM"]


def _by_rule(found: dict[str, list[pd.DataFrame]]) -> dict[str, list]:
    return {
        rule: sorted(
            map(tuple, pd.concat(parts)[["VARIABLE", "ROW"]].astype(object).fillna("-").astype(str).values.tolist())
        )
        for rule, parts in found.items()
    }


def test_suites_come_from_the_metadata_and_find_the_planted_defects():
    delivery = _delivery()
    found = _by_rule(native.run_plan(plan_suites(delivery, _gx_rules()), delivery.datasets))
    assert ("SUBJID", "3") in found["SD0002"]
    assert found["CT2001"] == [("SEX", "2")]
    assert ("RFSTDTC", "2") in found["SD0003"] and ("RFSTDTC", "3") not in found["SD0003"]
    assert ("AGE", "-") in found["CDM-TYPE"]
    assert found["CDM-BYTES"] == [("ACTARMUD", "1")]
    assert found["CDM-ASCII"] == [("ACTARMUD", "1")]  # é: one record's values checked at once, named by variable
    assert found["SD0056"] == [("SITEID", "-")]  # Req in SDTMIG 3.4 DM, absent here


def test_great_expectations_and_the_native_engine_give_the_same_findings():
    delivery = _delivery()
    plan = plan_suites(delivery, _gx_rules())
    by_gx, timings = gx.run_plan(plan, delivery.datasets)
    assert _by_rule(by_gx) == _by_rule(native.run_plan(plan, delivery.datasets))
    assert set(timings) == {"gx_import", "gx_validation"}


def test_an_expectations_configuration_is_built_once_while_a_suite_validates():
    expectation = gx._gx().expectations.ExpectColumnValuesToNotBeNull(column="SUBJID", meta={"rule": "SD0002"})
    assert expectation.configuration is not expectation.configuration  # GX's own property: a new one per read
    with gx._configurations_held():
        held = expectation.configuration
        assert expectation.configuration is held
        assert held.kwargs["column"] == "SUBJID" and held.meta == {"rule": "SD0002"}
    assert expectation.configuration is not held


def test_the_suites_run_in_a_forked_process_with_the_same_findings():
    delivery = _delivery()
    plan = plan_suites(delivery, _gx_rules())
    findings, timings = gx.Background(plan, delivery.datasets).result()
    assert _by_rule(findings) == _by_rule(native.run_plan(plan, delivery.datasets))
    assert {"gx_import", "gx_validation"} <= set(timings)


def test_a_record_too_long_is_named_by_its_longest_value():
    frame = pd.DataFrame({"USUBJID": ["A", "B"], "X": ["é" * 101, "b"], "Y": ["c", "a" * 150 + "ü" * 30]})
    lengths = native.bytes_view(frame)
    assert lengths["MAXBYTES"].tolist() == [202, 210] and lengths["LONGEST"].tolist() == ["X", "Y"]
    found = native.bytes_findings("XX", frame, lengths, (lengths["MAXBYTES"] > 200).to_numpy())
    assert found[["VARIABLE", "ROW", "DETAIL"]].values.tolist() == [["X", 1, "202 bytes"], ["Y", 2, "210 bytes"]]


def test_suites_export_as_gx_json(tmp_path):
    delivery = _delivery()
    paths = gx.export_suites(plan_suites(delivery, _gx_rules()), tmp_path)
    names = sorted(path.name for path in paths)
    assert names == ["DM.bytes.json", "DM.json", "DM.text.json"]
    suite = json.loads((tmp_path / "DM.json").read_text(encoding="utf-8"))
    kinds = {item["type"] for item in suite["expectations"]}
    assert {
        "expect_table_columns_to_match_set",
        "expect_column_type_to_be",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_match_regex",
    } <= kinds
    assert all(item["meta"]["rule"] for item in suite["expectations"])


@settings(deadline=None)  # a loaded machine must not fail a property test on time
@given(
    year=st.integers(1900, 2099),
    month=st.integers(1, 12),
    day=st.integers(1, 28),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    cut=st.sampled_from([4, 7, 10, 13, 16]),
)
def test_every_right_truncated_iso8601_datetime_is_accepted(year, month, day, hour, minute, cut):
    value = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}"[:cut]
    assert re.search(ISO8601_DTC, value)


def test_iso8601_forms_of_sdtmig_4_4():
    good = ["2003-12-15T13:14:17.123", "2003---15", "--12-15", "2003-12-15/2003-12-20", "2003-12-15T-:15"]
    bad = ["2003-12-15 13:14", "15DEC2003", "2003/12/15", "2003-12-15T"]
    assert all(re.search(ISO8601_DTC, value) for value in good)
    assert not any(re.search(ISO8601_DTC, value) for value in bad)
    assert re.search(ISO8601_DURATION, "P2Y3M14DT4H") and re.search(ISO8601_DURATION, "P3W")
    assert not re.search(ISO8601_DURATION, "3 weeks")


def test_a_record_with_non_ascii_text_is_named_by_each_offending_value():
    frame = pd.DataFrame({"USUBJID": ["A", "B", "C"], "X": ["ok", "tab\there", "日本"], "N": [1.0, 2.0, 3.0]})
    text = views.text_view(frame)
    assert text["TEXT"].tolist() == ["A\x1fok", "B\x1ftab\there", "C\x1f日本"]
    mask = ~text["TEXT"].str.contains(ASCII_RECORD, regex=True).to_numpy()
    found = views.text_findings("XX", frame, mask)
    assert found[["VARIABLE", "ROW"]].values.tolist() == [["X", 2], ["X", 3]]


def _rs_delivery(level: ValueLevelMeta):
    rs = pd.DataFrame(
        {
            "STUDYID": STUDY,
            "DOMAIN": "RS",
            "USUBJID": ["A", "A", "B", "B"],
            "RSSEQ": [1.0, 2.0, 1.0, 2.0],
            "RSTESTCD": ["ECOG101", "OVRLRESP", "ECOG101", "OVRLRESP"],
            "RSSTRESC": ["1", "7", "7", "PR"],  # 7 is no ECOG grade; OVRLRESP's 7 has no value-level codelist
        }
    )
    delivery = build_delivery({"RS": rs})
    delivery.meta["RS"] = delivery.meta["RS"].model_copy(
        update={
            "variables": [
                v.model_copy(update={"value_level": [level]}) if v.name == "RSSTRESC" else v
                for v in delivery.meta["RS"].variables
            ]
        }
    )
    return delivery


def test_ct2004_checks_each_tests_results_against_the_codelist_its_value_level_names():
    level = ValueLevelMeta(where=[WhereCondition(variable="RSTESTCD", values=("ECOG101",))], codelist="C179944")
    delivery = _rs_delivery(level)
    assert not delivery.codelists.get("C179944").extensible
    rules = [rule for rule in _gx_rules() if rule.id == "CT2004"]
    plan = plan_suites(delivery, rules)
    assert _by_rule(native.run_plan(plan, delivery.datasets)) == {"CT2004": [("RSSTRESC", "3")]}
    assert _by_rule(gx.run_plan(plan, delivery.datasets)[0]) == {"CT2004": [("RSSTRESC", "3")]}


def test_value_level_conditions_are_gx_condition_objects_without_a_deprecation_warning(tmp_path):
    """GX 1.9+ deprecates string row conditions (a DeprecationWarning); the plan's conditions become Condition
    objects, two where-clauses an AND of both, and the exported suite holds them as data."""
    where = [
        WhereCondition(variable="RSTESTCD", values=("ECOG101",)),
        WhereCondition(variable="USUBJID", values=("B",)),
    ]
    delivery = _rs_delivery(ValueLevelMeta(where=where, codelist="C179944"))
    plan = plan_suites(delivery, [rule for rule in _gx_rules() if rule.id == "CT2004"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        found = gx.run_plan(plan, delivery.datasets)[0]
        gx.export_suites(plan, tmp_path)
    assert _by_rule(found) == _by_rule(native.run_plan(plan, delivery.datasets)) == {"CT2004": [("RSSTRESC", "3")]}
    suite = json.loads((tmp_path / "RS.json").read_text(encoding="utf-8"))
    condition = next(
        item["kwargs"]["row_condition"] for item in suite["expectations"] if item["kwargs"].get("row_condition")
    )
    assert condition["type"] == "and" and [part["column"]["name"] for part in condition["conditions"]] == [
        "RSTESTCD",
        "USUBJID",
    ]
