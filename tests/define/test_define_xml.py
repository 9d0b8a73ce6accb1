"""define.xml of the hand-built study: official schemas, agreement with the files, and each element's content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from cdiscmm.define.crosscheck import check_define
from cdiscmm.define.folder import DefineOutput, define_folder
from cdiscmm.define.xmlkit import PREFIXES
from tests.define.conftest import ARM_XSD, DEFINE_XSD, schema_errors
from tests.define.study import EXTENSION, adam_datasets, sdtm_datasets, write_study


def _root(output: DefineOutput) -> etree._Element:
    return etree.parse(str(output.define)).getroot()


def _one(root: etree._Element, path: str) -> etree._Element:
    found = root.xpath(path, namespaces=PREFIXES)
    assert len(found) == 1, path
    return found[0]


def _attrs(root: etree._Element, path: str) -> dict[str, str]:
    return {etree.QName(key).localname: value for key, value in _one(root, path).attrib.items()}


def test_sdtm_define_is_valid_define_xml_2_1(defined: dict[str, DefineOutput]) -> None:
    assert schema_errors(defined["sdtm"].define, DEFINE_XSD) == []


def test_adam_define_is_valid_define_xml_2_1_with_arm_1_0(defined: dict[str, DefineOutput]) -> None:
    assert schema_errors(defined["adam"].define, ARM_XSD) == []


@pytest.mark.parametrize("kind", ["sdtm", "adam"])
def test_define_agrees_with_the_files(defined: dict[str, DefineOutput], kind: str) -> None:
    assert check_define(defined[kind].define) == []


def _tampered(defined: dict[str, DefineOutput], tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "copy"
    shutil.copytree(defined["sdtm"].define.parent, folder)
    define = folder / "define.xml"
    text = define.read_text(encoding="utf-8")
    assert old in text
    define.write_text(text.replace(old, new, 1), encoding="utf-8")
    return define


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            '<TranslatedText xml:lang="en">Age</TranslatedText>',
            '<TranslatedText xml:lang="en">Years</TranslatedText>',
            "DM.AGE: define label 'Years', file 'Age'",
        ),
        (
            'Name="AGE" DataType="integer" Length="3"',
            'Name="AGE" DataType="integer" Length="8"',
            "DM.AGE: define Length 8, data 3",
        ),
        (
            '<CodeListItem CodedValue="M" OrderNumber="2">',
            '<CodeListItem CodedValue="MALE" OrderNumber="2">',
            "DM.SEX: values ['M'] are not in CL.C66731",
        ),
        (
            'ItemOID="IT.DM.AGE" OrderNumber="4"',
            'ItemOID="IT.DM.AGEX" OrderNumber="4"',
            "ItemRef ItemOID=IT.DM.AGEX names no ItemDef",
        ),
        ('xlink:href="suppae.xpt"', 'xlink:href="suppxx.xpt"', "suppae.xpt is in the folder but not in define.xml"),
    ],
)
def test_cross_check_reports_each_disagreement(
    defined: dict[str, DefineOutput], tmp_path: Path, old: str, new: str, problem: str
) -> None:
    assert problem in check_define(_tampered(defined, tmp_path, old, new))


def test_standards_documents_and_stylesheet(defined: dict[str, DefineOutput]) -> None:
    root = _root(defined["sdtm"])
    standards = root.xpath("//def:Standard", namespaces=PREFIXES)
    assert [(s.get("Name"), s.get("Type"), s.get("Version")) for s in standards] == [
        ("SDTMIG", "IG", "3.4"),
        ("CDISC/NCI", "CT", "2025-03-28"),
    ]
    assert _one(root, "//def:AnnotatedCRF/def:DocumentRef").get("leafID") == "LF.acrf"
    hrefs = root.xpath("//odm:MetaDataVersion/def:leaf/@xlink:href", namespaces=PREFIXES)
    assert hrefs == ["acrf.pdf", "csdrg.pdf"]
    text = defined["sdtm"].define.read_text(encoding="utf-8")
    assert text.startswith(
        "<?xml version='1.0' encoding='UTF-8'?>\n<?xml-stylesheet type=\"text/xsl\" href=\"define2-1.xsl\"?>"
    )
    assert defined["sdtm"].stylesheet.is_file()


def test_item_group_keys_class_and_leaf(defined: dict[str, DefineOutput]) -> None:
    root = _root(defined["sdtm"])
    dm = _attrs(root, "//odm:ItemGroupDef[@Name='DM']")
    assert (dm["Repeating"], dm["Purpose"], dm["Structure"], dm["ArchiveLocationID"]) == (
        "No",
        "Tabulation",
        "One record per subject",
        "LF.DM",
    )
    assert _one(root, "//odm:ItemGroupDef[@Name='SUPPAE']/def:Class").get("Name") == "RELATIONSHIP"
    keys = root.xpath("//odm:ItemGroupDef[@Name='AE']/odm:ItemRef[@KeySequence]", namespaces=PREFIXES)
    assert [(ref.get("ItemOID"), ref.get("KeySequence")) for ref in keys] == [
        ("IT.AE.STUDYID", "1"),
        ("IT.AE.USUBJID", "2"),
        ("IT.AE.AEDECOD", "3"),
        ("IT.AE.AESTDTC", "4"),
    ]
    assert _one(root, "//odm:ItemGroupDef[@Name='AE']/def:leaf/def:title").text == "ae.xpt"
    tte = _root(defined["adam"]).xpath("//odm:ItemGroupDef[@Name='ADTTE']/def:Class", namespaces=PREFIXES)[0]
    assert (tte.get("Name"), tte[0].get("Name")) == ("BASIC DATA STRUCTURE", "TIME-TO-EVENT")


def test_item_shapes_from_the_data(defined: dict[str, DefineOutput]) -> None:
    sdtm, adam = _root(defined["sdtm"]), _root(defined["adam"])
    assert _attrs(sdtm, "//odm:ItemDef[@OID='IT.DM.AGE']")["Length"] == "3"  # 105
    assert _attrs(sdtm, "//odm:ItemDef[@OID='IT.DM.RFSTDTC']")["DataType"] == "partialDatetime"
    assert "Length" not in _attrs(sdtm, "//odm:ItemDef[@OID='IT.DM.RFSTDTC']")
    assert _attrs(sdtm, "//odm:ItemDef[@OID='IT.AE.AETERM']")["Length"] == "8"  # Headache
    aval = _attrs(adam, "//odm:ItemDef[@OID='IT.ADTTE.AVAL']")
    assert (aval["DataType"], aval["Length"], aval["SignificantDigits"]) == ("float", "5", "3")  # 20.125
    trtsdt = _attrs(adam, "//odm:ItemDef[@OID='IT.ADSL.TRTSDT']")
    assert (trtsdt["DataType"], trtsdt["DisplayFormat"]) == ("date", "DATE9.")


def test_origins_methods_and_comments(defined: dict[str, DefineOutput]) -> None:
    root = _root(defined["sdtm"])
    sex = _one(root, "//odm:ItemDef[@OID='IT.DM.SEX']/def:Origin")
    assert (sex.get("Type"), sex.get("Source")) == ("Collected", "Subject")
    assert _one(root, "//odm:ItemDef[@OID='IT.DM.AGE']/def:Origin").get("Source") == "Investigator"
    assert _one(root, "//odm:ItemDef[@OID='IT.DM.AGE']/def:Origin/def:DocumentRef").get("leafID") == "LF.acrf"
    ref = _one(root, "//odm:ItemGroupDef[@Name='DM']/odm:ItemRef[@ItemOID='IT.DM.RFSTDTC']")
    method = _one(root, f"//odm:MethodDef[@OID='{ref.get('MethodOID')}']/odm:Description/odm:TranslatedText")
    assert method.text == "Date and time of the first dose in EX."
    seq = _one(root, "//odm:ItemGroupDef[@Name='AE']/odm:ItemRef[@ItemOID='IT.AE.AESEQ']")
    fallback = _one(root, f"//odm:MethodDef[@OID='{seq.get('MethodOID')}']/odm:Description/odm:TranslatedText")
    assert fallback.text == "Number the records of each USUBJID 1, 2, ..."  # no method: the source text
    assert "MethodOID" not in _one(root, "//odm:ItemRef[@ItemOID='IT.AE.AETERM']").attrib
    comment = _attrs(root, "//odm:ItemDef[@OID='IT.AE.AETERM']")["CommentOID"]
    assert _one(root, f"//def:CommentDef[@OID='{comment}']//odm:TranslatedText").text.startswith("Verbatim")
    adam = _root(defined["adam"])
    predecessor = _one(adam, "//odm:ItemDef[@OID='IT.ADSL.USUBJID']/def:Origin")
    assert (predecessor.get("Type"), predecessor.get("Source")) == ("Predecessor", None)
    assert predecessor.xpath("string(odm:Description/odm:TranslatedText)", namespaces=PREFIXES) == "DM.USUBJID"


def test_codelists_terms_aliases_extensions_and_dictionaries(defined: dict[str, DefineOutput]) -> None:
    root = _root(defined["sdtm"])
    sex = _one(root, "//odm:CodeList[@OID='CL.C66731']")
    items = sex.xpath("odm:CodeListItem", namespaces=PREFIXES)
    assert [item.get("CodedValue") for item in items] == ["F", "M"]  # the terms the data use, CT order
    assert items[1].xpath("string(odm:Decode/odm:TranslatedText)", namespaces=PREFIXES) == "Male"
    assert items[1].xpath("odm:Alias/@Name", namespaces=PREFIXES) == ["C20197"]
    assert sex.xpath("odm:Alias[@Context='nci:ExtCodeID']/@Name", namespaces=PREFIXES) == ["C66731"]
    extension = _one(root, f"//odm:CodeList[@OID='CL.C99079']/*[@CodedValue='{EXTENSION}']")
    assert extension.get("{http://www.cdisc.org/ns/def/v2.1}ExtendedValue") == "Yes"
    assert extension.xpath("odm:Alias", namespaces=PREFIXES) == []
    assert _one(root, "//odm:ItemDef[@OID='IT.AE.AEDECOD']/odm:CodeListRef").get("CodeListOID") == "CL.MEDDRA"
    assert _one(root, "//odm:CodeList[@OID='CL.MEDDRA']/odm:ExternalCodeList").get("Dictionary") == "MedDRA"


def test_value_level_metadata_by_qnam(defined: dict[str, DefineOutput]) -> None:
    root = _root(defined["sdtm"])
    assert _one(root, "//odm:ItemDef[@OID='IT.SUPPAE.QVAL']/def:ValueListRef").get("ValueListOID") == "VL.SUPPAE.QVAL"
    refs = root.xpath("//def:ValueListDef[@OID='VL.SUPPAE.QVAL']/odm:ItemRef", namespaces=PREFIXES)
    assert [ref.get("ItemOID") for ref in refs] == ["IT.SUPPAE.QVAL.1", "IT.SUPPAE.QVAL.2"]
    check = _one(root, "//def:WhereClauseDef[@OID='WC.SUPPAE.QVAL.1']/odm:RangeCheck")
    assert (check.get("Comparator"), check.get("SoftHard"), check.get("{http://www.cdisc.org/ns/def/v2.1}ItemOID")) == (
        "EQ",
        "Soft",
        "IT.SUPPAE.QNAM",
    )
    assert check.xpath("odm:CheckValue/text()", namespaces=PREFIXES) == ["AECRS"]
    crs = _one(root, "//odm:ItemDef[@OID='IT.SUPPAE.QVAL.1']")
    assert crs.xpath("odm:CodeListRef/@CodeListOID", namespaces=PREFIXES) == ["CL.C66742"]
    assert crs.xpath("def:Origin/@Type", namespaces=PREFIXES) == ["Derived"]
    assert refs[0].get("MethodOID") == "MT.SUPPAE.QVAL.1"
    grade = _attrs(root, "//odm:ItemDef[@OID='IT.SUPPAE.QVAL.2']")
    assert (grade["DataType"], grade["Length"]) == ("integer", "1")  # "2", measured as a number
    adam = _root(defined["adam"])
    both = _one(adam, "//def:WhereClauseDef[@OID='WC.ADTTE.AVAL.2']/odm:RangeCheck")
    assert (both.get("Comparator"), both.xpath("odm:CheckValue/text()", namespaces=PREFIXES)) == ("IN", ["OS", "TTNT"])


def test_analysis_results_for_the_datasets_present(defined: dict[str, DefineOutput]) -> None:
    root = _root(defined["adam"])
    results = root.xpath("//arm:AnalysisResult", namespaces=PREFIXES)
    assert [result.get("OID") for result in results] == ["AR.ORR", "AR.PFS6", "AR.OS6", "AR.PFSMED"]  # no ADAE
    orr = results[0]
    assert (orr.get("AnalysisReason"), orr.get("ParameterOID")) == ("SPECIFIED IN PROTOCOL", "IT.ADRS.PARAMCD")
    dataset = _one(orr, "arm:AnalysisDatasets/arm:AnalysisDataset")
    assert dataset.get("ItemGroupOID") == "IG.ADRS"
    assert dataset.xpath("arm:AnalysisVariable/@ItemOID", namespaces=PREFIXES) == ["IT.ADRS.AVALC"]
    clause = dataset.xpath("def:WhereClauseRef/@WhereClauseOID", namespaces=PREFIXES)[0]
    assert _one(root, f"//def:WhereClauseDef[@OID='{clause}']//odm:CheckValue").text == "RSP"
    assert orr.xpath("arm:Documentation/def:DocumentRef/@leafID", namespaces=PREFIXES) == ["LF.adrg"]
    assert "summarise_endpoints" in _one(orr, "arm:ProgrammingCode/arm:Code").text


def test_folder_without_metadata_json_uses_the_ig_specs(tmp_path: Path) -> None:
    output = define_folder(write_study(tmp_path / "sdtm", sdtm_datasets(), metadata=False))
    assert output.from_specs
    assert schema_errors(output.define, DEFINE_XSD) == []
    assert check_define(output.define) == []
    root = _root(output)
    assert _one(root, "//odm:ItemDef[@OID='IT.DM.SEX']/odm:CodeListRef").get("CodeListOID") == "CL.C66731"
    adam = define_folder(write_study(tmp_path / "adam", adam_datasets(), metadata=False))
    assert schema_errors(adam.define, ARM_XSD) == []
    assert check_define(adam.define) == []
