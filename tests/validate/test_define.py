"""define.xml checks: datasets, variables and codelist values against a hand-written Define-XML 2.1 file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.validate.catalogue import CHECKS, CheckRun
from cdiscmm.validate.delivery import build_delivery
from cdiscmm.validate.engine import _outcome
from cdiscmm.validate.run import _define_outcome, _on_define
from tests.validate.helpers import dm, rule

DEFINE = """<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:def="http://www.cdisc.org/ns/def/v2.1">
 <Study OID="S"><MetaDataVersion OID="M" Name="M">
  <ItemGroupDef OID="IG.DM" Name="DM" Purpose="Tabulation">
   <ItemRef ItemOID="IT.DM.USUBJID" Mandatory="Yes"/><ItemRef ItemOID="IT.DM.SEX" Mandatory="No"/>
   <ItemRef ItemOID="IT.DM.AGE" Mandatory="No"/>
  </ItemGroupDef>
  <ItemGroupDef OID="IG.AE" Name="AE" Purpose="Tabulation">
   <ItemRef ItemOID="IT.DM.USUBJID" Mandatory="Yes"/>
  </ItemGroupDef>
  <ItemDef OID="IT.DM.USUBJID" Name="USUBJID" DataType="text"/>
  <ItemDef OID="IT.DM.SEX" Name="SEX" DataType="text"><CodeListRef CodeListOID="CL.SEX"/></ItemDef>
  <ItemDef OID="IT.DM.AGE" Name="AGE" DataType="integer"/>
  <CodeList OID="CL.SEX" Name="Sex" DataType="text">
   <CodeListItem CodedValue="F"><Decode><TranslatedText>Female</TranslatedText></Decode></CodeListItem>
   <EnumeratedItem CodedValue="M"/>
  </CodeList>
 </MetaDataVersion></Study>
</ODM>
"""


@pytest.fixture
def delivery(tmp_path: Path):
    path = tmp_path / "define.xml"
    path.write_text(DEFINE, encoding="utf-8")
    built = build_delivery({"DM": dm("A", "B", SEX=["F", "U"], RACE=["ASIAN", "ASIAN"])})
    built.define = path
    return built


@pytest.mark.parametrize(
    ("rule_id", "expected"),
    [
        ("CDM-DEFDS", [("AE", "", "in define.xml, no dataset file")]),
        (
            "CDM-DEFVAR",
            [
                ("DM", "STUDYID", "variable not in define.xml"),
                ("DM", "DOMAIN", "variable not in define.xml"),
                ("DM", "RACE", "variable not in define.xml"),
                ("DM", "AGE", "in define.xml, not in the dataset"),
            ],
        ),
        ("CDM-DEFCT", [("DM", "SEX", "not in define.xml codelist CL.SEX")]),
    ],
)
def test_define_against_the_datasets(delivery, rule_id: str, expected) -> None:
    chosen = rule(rule_id)
    found = CHECKS[chosen.check](CheckRun(delivery, chosen))
    assert list(found[["DATASET", "VARIABLE", "DETAIL"]].itertuples(index=False, name=None)) == expected


def test_without_define_the_rules_do_not_run_and_say_why() -> None:
    outcome = _outcome(rule("CDM-DEFDS"), build_delivery({"DM": dm("A")}))
    assert (outcome.status, outcome.reason) == ("NOT RUN", "no define.xml given")


def test_sdtm_and_adam_defines_are_both_checked(delivery, tmp_path: Path) -> None:
    adam_define = tmp_path / "adam-define.xml"
    adam_define.write_text(
        DEFINE.replace('Purpose="Tabulation"', 'Purpose="Analysis"').replace('Name="DM"', 'Name="ADSL"'),
        encoding="utf-8",
    )
    both = build_delivery({"DM": delivery.datasets["DM"]}, {"ADSL": pd.DataFrame({"USUBJID": ["A"]})})
    outcome = _define_outcome(rule("CDM-DEFDS"), [delivery.define, adam_define], _on_define(rule("CDM-DEFDS"), both))
    assert outcome.status == "FAIL"
    assert sorted(outcome.findings["DATASET"]) == ["AE", "AE"]  # each define lists an AE with no file
    assert sorted(set(outcome.ran_on)) == ["ADSL", "DM"]
