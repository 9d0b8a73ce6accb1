"""One bundled study end to end through the command line: raw (small N) -> sdtm -> adam -> define; both defines
pass the official schemas and agree with the files, every Derived variable has its MethodDef, ARM is there."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from cdiscmm.cli import main
from cdiscmm.define.crosscheck import check_define
from cdiscmm.define.xmlkit import PREFIXES
from cdiscmm.io.metadata import read_metadata
from cdiscmm.metadata.standards import all_codelists
from tests.define.conftest import ARM_XSD, DEFINE_XSD, schema_errors

EXTENDED = "{http://www.cdisc.org/ns/def/v2.1}ExtendedValue"
STUDY = "ELRA-JP-PMS"  # the smallest bundled study: fewest forms and domains


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("define-whole")
    raw = root / STUDY / "raw"
    generate = ["raw", "generate", "--study", STUDY, "--subjects", "30", "--seed", "3", "--out", str(raw), "-q"]
    assert main(generate) == 0
    assert main(["sdtm", "--study", STUDY, "--out", str(root), "-q"]) == 0
    assert main(["adam", "--study", STUDY, "--out", str(root), "-q"]) == 0
    assert main(["define", "--study", STUDY, "--out", str(root), "-q"]) == 0
    return root / STUDY


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "xsd"), [("sdtm", DEFINE_XSD), ("adam", ARM_XSD)])
def test_bundled_study_define_is_valid_and_agrees_with_its_files(out: Path, kind: str, xsd: Path) -> None:
    folder = out / kind
    define = folder / "define.xml"
    assert schema_errors(define, xsd) == []
    assert check_define(define) == []
    root = etree.parse(str(define)).getroot()
    groups = root.xpath("//odm:ItemGroupDef/@Name", namespaces=PREFIXES)
    assert sorted(groups) == sorted(path.stem.upper() for path in folder.glob("*.xpt"))
    metadata = read_metadata(folder)
    for dataset in metadata.datasets:
        for variable in dataset.variables:
            ref = root.xpath(
                f"//odm:ItemGroupDef[@Name='{dataset.name}']/odm:ItemRef[@ItemOID='IT.{dataset.name}.{variable.name}']",
                namespaces=PREFIXES,
            )[0]
            derived_with_text = variable.origin == "Derived" and bool(variable.method or variable.source)
            assert (ref.get("MethodOID") is not None) == derived_with_text, f"{dataset.name}.{variable.name}"
    assert (folder / "define.html").is_file() and (folder / "define2-1.xsl").is_file()


@pytest.mark.slow
def test_bundled_adam_define_has_the_seed_analysis_results(out: Path) -> None:
    root = etree.parse(str(out / "adam" / "define.xml")).getroot()
    results = set(root.xpath("//arm:AnalysisResult/@OID", namespaces=PREFIXES))
    assert {"AR.ORR", "AR.VGPR", "AR.CR", "AR.PFS6", "AR.OS6", "AR.PFSMED", "AR.CRS", "AR.ICANS"} <= results


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sdtm", "adam"])
def test_bundled_codelists_are_ct_terms_or_declared_extensions_of_extensible_lists(out: Path, kind: str) -> None:
    root = etree.parse(str(out / kind / "define.xml")).getroot()
    registry = all_codelists()
    for codelist in root.xpath("//odm:CodeList[odm:Alias]", namespaces=PREFIXES):
        ct = registry.get(codelist.xpath("string(odm:Alias/@Name)", namespaces=PREFIXES))
        for item in codelist.xpath("odm:CodeListItem | odm:EnumeratedItem", namespaces=PREFIXES):
            value = item.get("CodedValue")
            if item.get(EXTENDED) == "Yes":
                assert ct.extensible and value not in ct.values(), (ct.code, value)
            else:
                assert ct.term(value) is not None, (ct.code, value)
                assert item.xpath("string(odm:Alias/@Name)", namespaces=PREFIXES) == ct.term(value).code
