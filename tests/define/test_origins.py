"""def:Origin in define.xml: the cross-check that every ItemDef carries one, the origins of a variable described only
per value level, dictionary versions from study.yaml, and a delivery without metadata.json (Not Available)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from cdiscmm.core.errors import SpecError
from cdiscmm.define.crosscheck import check_define, check_origins
from cdiscmm.define.folder import DefineOutput, define_folder, with_versions
from cdiscmm.define.items import Context, Parts, WrittenDataset, add_dataset
from cdiscmm.define.scan import scan_block
from cdiscmm.define.spec import define_spec
from cdiscmm.define.xmlkit import PREFIXES
from cdiscmm.metadata.model import DatasetMeta, ValueLevelMeta, VariableMeta, WhereCondition
from tests.define.conftest import DEFINE_XSD, schema_errors
from tests.define.study import sdtm_datasets, write_study

ORIGIN = "{http://www.cdisc.org/ns/def/v2.1}Origin"


def _root(define: Path) -> etree._Element:
    return etree.parse(str(define)).getroot()


def test_every_item_of_the_hand_built_defines_has_an_origin(defined: dict[str, DefineOutput]) -> None:
    for output in defined.values():
        root = _root(output.define)
        assert root.xpath("//odm:ItemDef", namespaces=PREFIXES)
        assert check_origins(root) == []


def test_an_item_without_origin_is_reported_by_oid(defined: dict[str, DefineOutput]) -> None:
    root = _root(defined["sdtm"].define)
    age = root.xpath("//odm:ItemDef[@OID='IT.DM.AGE']", namespaces=PREFIXES)[0]
    age.remove(age.find(ORIGIN))
    assert check_origins(root) == ["ItemDef IT.DM.AGE has no def:Origin"]


def test_check_define_includes_the_origin_check(tmp_path: Path) -> None:
    folder = write_study(tmp_path / "sdtm", sdtm_datasets())
    define = define_folder(folder).define
    root = _root(define)
    sex = root.xpath("//odm:ItemDef[@OID='IT.DM.SEX']", namespaces=PREFIXES)[0]
    sex.remove(sex.find(ORIGIN))
    etree.ElementTree(root).write(str(define), xml_declaration=True, encoding="UTF-8")
    assert check_define(define) == ["ItemDef IT.DM.SEX has no def:Origin"]


def _level(qnam: str, origin: str, source: str) -> ValueLevelMeta:
    where = [WhereCondition(variable="QNAM", values=(qnam,))]
    return ValueLevelMeta(where=where, label=qnam, origin=origin, origin_source=source)


def test_a_variable_described_per_value_level_lists_each_distinct_origin_of_its_levels() -> None:
    qval = VariableMeta(
        name="QVAL",
        label="Data Value",
        type="Char",
        order=2,
        value_level=[
            _level("AETOCI", "Collected", "Investigator"),
            _level("AEPRO", "Collected", "Subject"),
            _level("AECORT", "Collected", "Investigator"),
            _level("AEGRDER", "Derived", "Sponsor"),
        ],
    )
    qnam = VariableMeta(name="QNAM", label="Qualifier Variable Name", type="Char", order=1, origin="Assigned")
    meta = DatasetMeta(
        name="SUPPAE",
        label="Supplemental Qualifiers for AE",
        **{"class": "RELATIONSHIP"},
        standard="SDTMIG 3.4",
        variables=[qnam, qval],
    )
    data = pd.DataFrame({"QNAM": ["AETOCI", "AEPRO", "AECORT", "AEGRDER"], "QVAL": ["Y", "N", "Y", "3"]})
    parts = Parts()
    add_dataset(
        parts, WrittenDataset(meta, scan_block(data, meta), "suppae.xpt"), Context({}, {}, None, "STD.SDTMIG.3.4")
    )
    items = {item.get("OID"): item for item in parts.items}
    origins = [(node.get("Type"), node.get("Source")) for node in items["IT.SUPPAE.QVAL"].iter(ORIGIN)]
    assert origins == [("Collected", "Investigator"), ("Collected", "Subject"), ("Derived", "Sponsor")]
    assert [(node.get("Type"), node.get("Source")) for node in items["IT.SUPPAE.QVAL.2"].iter(ORIGIN)] == [
        ("Collected", "Subject")
    ]


def test_study_dictionary_version_goes_to_the_external_codelist(tmp_path: Path) -> None:
    output = define_folder(write_study(tmp_path / "sdtm", sdtm_datasets()), dictionary_versions={"MedDRA": "28.0"})
    meddra = _root(output.define).xpath("//odm:CodeList[@OID='CL.MEDDRA']/odm:ExternalCodeList", namespaces=PREFIXES)
    assert [(node.get("Dictionary"), node.get("Version")) for node in meddra] == [("MedDRA", "28.0")]
    assert schema_errors(output.define, DEFINE_XSD) == []
    spec = with_versions(define_spec(), {"MedDRA": "28.0"})
    assert {dictionary.dictionary: dictionary.version for dictionary in spec.dictionaries} == {
        "MedDRA": "28.0",
        "WHODrug Global": None,  # the study states no WHODrug version
    }


def test_a_dictionary_define_does_not_code_with_is_a_spec_error_naming_study_yaml() -> None:
    with pytest.raises(SpecError) as raised:
        with_versions(define_spec(), {"MedDRA": "28.0", "MEDRA": "27.1"}, Path("mappings/x/study.yaml"))
    assert "MEDRA" in str(raised.value) and "study.yaml" in str(raised.value)


def test_a_delivery_without_metadata_json_states_every_origin_not_available(tmp_path: Path) -> None:
    output = define_folder(write_study(tmp_path / "sdtm", sdtm_datasets(), metadata=False))
    root = _root(output.define)
    types = {node.get("Type") for node in root.iter(ORIGIN)}
    assert types == {"Not Available"}
    assert check_origins(root) == []
