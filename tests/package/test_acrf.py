"""The annotated CRF: annotations from the field lineage, PKG-ACRF, the PDF's pages (pdftoppm) and text
(pdftotext), and acrf.pdf in a built package where the SDTM define.xml links it."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from cdiscmm.cli import main
from cdiscmm.io.collected import read_dictionary, read_form_titles
from cdiscmm.io.lineage import read_field_lineage
from cdiscmm.package.acrf import Annotation, annotate, crf_forms
from cdiscmm.package.acrf_pdf import render_acrf
from cdiscmm.package.assemble import StudyInputs
from cdiscmm.package.build import annotated_crf
from cdiscmm.package.guides.render import FONTS
from tests.conftest import SMALL_STUDY

POPPLER = shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None
needs_poppler = pytest.mark.skipif(not POPPLER, reason="needs Debian poppler-utils (.ci/run installs it)")
CJK_FONT = any(Path(path).is_file() for path in FONTS["cjk"])
DATED = datetime(2025, 1, 1, tzinfo=UTC)

DICTIONARY = pd.DataFrame(
    [
        ("ae", "SUBJID", "Subject identifier", "text", ""),
        ("ae", "AETERM", "Adverse event term", "text", ""),
        ("ae", "AETOCI", "Tocilizumab given", "code", "NY"),
        ("ae", "AEONGO", "Ongoing", "code", "NY"),
        ("qs", "Q01", "Trouble doing strenuous activities", "code", "C30"),
        ("qs", "NOTE", "Site note", "text", ""),
    ],
    columns=["FORM", "FIELD", "LABEL", "TYPE", "CODELIST"],
)
CODELISTS = pd.DataFrame(
    [("NY", "Y", "Yes"), ("NY", "N", "No"), ("C30", "1", "Not at all"), ("C30", "4", "Very much")],
    columns=["CODELIST", "CODE", "DECODE"],
)
LINEAGE = pd.DataFrame(
    [
        ("ae", "SUBJID", "USUBJID", "mapped", ""),
        ("ae", "AETERM", "AE.AETERM", "mapped", ""),
        ("ae", "AETOCI", "SUPPAE.AETOCI", "mapped", ""),
        ("ae", "AEONGO", "not submitted: restates AEENRTPT", "not submitted", ""),
        ("qs", "Q01", "QS.QSORRES; QS.QSSTRESC; QS.QSTESTCD", "mapped", "QSTESTCD = EOR0101"),
        ("qs", "NOTE", "", "not mapped", ""),
    ],
    columns=["FORM", "FIELD", "TARGETS", "STATUS", "WHERE"],
)
LABELS = {"AE": "Adverse Events", "SUPPAE": "Supplemental Qualifiers for AE", "QS": "Questionnaires"}


def test_annotations_name_the_variable_the_supplemental_qualifier_and_the_value_level_condition() -> None:
    assert annotate("AE.AETERM", "") == (Annotation("variable", "AE", "AETERM"),)
    assert annotate("SUPPAE.AETOCI", "") == (Annotation("variable", "SUPPAE", "AETOCI in SUPPAE"),)
    assert annotate("QS.QSORRES; QS.QSSTRESC; QS.QSTESTCD", "QSTESTCD = EOR0101") == (
        Annotation("variable", "QS", "QSORRES / QSSTRESC when QSTESTCD = EOR0101"),
    )
    assert annotate("LB.LBORRES; LB.LBSPEC; LB.LBTESTCD", "LBTESTCD = MCPROT and LBSPEC = SERUM") == (
        Annotation("variable", "LB", "LBORRES when LBTESTCD = MCPROT and LBSPEC = SERUM"),
    )
    assert annotate("STUDYID (from study.yaml)", "") == (Annotation("variable", "", "STUDYID"),)
    assert annotate("DM.SITEID (one site per subject)", "") == (Annotation("variable", "DM", "SITEID"),)
    assert annotate("not submitted: restates AEENRTPT", "") == (Annotation("not submitted", "", "restates AEENRTPT"),)
    assert annotate("RS.RSORRES; selection", "RSTESTCD = ECOG101") == (
        Annotation("variable", "RS", "RSORRES when RSTESTCD = ECOG101"),
        Annotation("note", "", "selects the records submitted"),
    )


def test_a_field_neither_submitted_nor_declared_is_pkg_acrf_and_so_is_one_missing_from_the_lineage() -> None:
    lineage = LINEAGE[LINEAGE["FIELD"] != "AETERM"]
    forms, findings = crf_forms(DICTIONARY, CODELISTS, lineage, LABELS, "sdtm/acrf.pdf")
    assert [(f.rule, f.severity, f.variable, f.message) for f in findings] == [
        ("PKG-ACRF", "Error", "ae.AETERM", "collected field not in fields.csv"),
        ("PKG-ACRF", "Error", "qs.NOTE", "collected field neither submitted nor declared not submitted"),
    ]
    assert [form.name for form in forms] == ["ae", "qs"]
    assert forms[0].datasets == (("SUPPAE", "Supplemental Qualifiers for AE"),)
    assert forms[0].fields[2].terms == (("Y", "Yes"), ("N", "No"))


def test_page_datasets_put_the_most_annotated_first() -> None:
    forms, findings = crf_forms(DICTIONARY, CODELISTS, LINEAGE, LABELS, "sdtm/acrf.pdf")
    assert forms[0].datasets == (("AE", "Adverse Events"), ("SUPPAE", "Supplemental Qualifiers for AE"))
    assert [finding.variable for finding in findings] == ["qs.NOTE"]


def test_a_package_without_the_collected_export_has_no_acrf_and_a_pkg_acrf_error(tmp_path: Path) -> None:
    inputs = StudyInputs("TEST", tmp_path / "sdtm", tmp_path / "adam", tmp_path / "raw")
    files, findings = annotated_crf(inputs, "m5/datasets/test/tabulations/sdtm", DATED)
    assert files == []
    assert [(f.rule, f.severity, f.where) for f in findings] == [
        ("PKG-ACRF", "Error", "m5/datasets/test/tabulations/sdtm/acrf.pdf")
    ]
    assert "was not found" in findings[0].message


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def png_pages(path: Path, folder: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


@needs_poppler
def test_each_form_gets_a_page_with_prompts_terms_and_annotations(tmp_path: Path) -> None:
    forms, _ = crf_forms(DICTIONARY, CODELISTS, LINEAGE, LABELS, "sdtm/acrf.pdf", {"ae": "Adverse events"})
    path = tmp_path / "acrf.pdf"
    path.write_bytes(render_acrf(forms, "TEST annotated CRF", DATED))
    assert render_acrf(forms, "TEST annotated CRF", DATED) == path.read_bytes()  # a rerun: the same bytes
    pages = png_pages(path, tmp_path)
    assert len(pages) == 2 and all(page.read_bytes().startswith(b"\x89PNG") for page in pages)
    first, second = pdf_text(path, 1), pdf_text(path, 2)
    shown = ["Adverse events (form ae)", "AE = Adverse Events", "Adverse event term", "AETERM", "AETOCI in SUPPAE"]
    assert all(text in first for text in [*shown, "Yes"]), first
    assert "[NOT SUBMITTED] restates AEENRTPT" in first
    assert "qs (form qs)" in second and "QSORRES / QSSTRESC when QSTESTCD = EOR0101" in second


@needs_poppler
@pytest.mark.skipif(not CJK_FONT, reason="Debian fonts-wqy-microhei (CJK font) not installed")
def test_japanese_and_chinese_prompts_are_drawn_with_the_cjk_font(tmp_path: Path) -> None:
    dictionary = DICTIONARY.assign(LABEL=DICTIONARY["LABEL"].where(DICTIONARY["FIELD"] != "AETERM", "有害事象名"))
    codelists = CODELISTS.assign(DECODE=CODELISTS["DECODE"].replace({"Yes": "是"}))
    forms, _ = crf_forms(dictionary, codelists, LINEAGE, LABELS, "sdtm/acrf.pdf")
    path = tmp_path / "acrf.pdf"
    path.write_bytes(render_acrf(forms, "TEST", DATED))
    text = pdf_text(path)
    assert "有害事象名" in text and "是" in text


@pytest.mark.slow
@needs_poppler
def test_the_package_holds_an_acrf_annotating_every_form_and_submitted_variable(small_study_out: Path) -> None:
    main(["package", "--region", "pmda", "--study", SMALL_STUDY, "--out", str(small_study_out), "-q"])
    home = small_study_out / SMALL_STUDY
    sdtm = home / "package" / "pmda" / "m5" / "datasets" / SMALL_STUDY.lower() / "tabulations" / "sdtm"
    path = sdtm / "acrf.pdf"
    assert path.is_file()
    define = etree.parse(str(sdtm / "define.xml"))
    leaves = define.xpath(
        "//def:leaf/@xlink:href",
        namespaces={"def": "http://www.cdisc.org/ns/def/v2.1", "xlink": "http://www.w3.org/1999/xlink"},
    )
    assert "acrf.pdf" in leaves and all((sdtm / leaf).is_file() for leaf in leaves)
    text = " ".join(pdf_text(path).split())
    forms = read_dictionary(home / "raw")["FORM"].unique()
    titles = read_form_titles(home / "raw")
    assert all(f"{titles[form]} (form {form})" in text for form in forms)
    lineage = read_field_lineage(home / "sdtm")
    variables = {
        entry.split(".", 1)[1]
        for targets in lineage.loc[lineage["STATUS"].eq("mapped"), "TARGETS"]
        for entry in targets.split("; ")
        if "." in entry and " " not in entry
    }
    assert sorted(variable for variable in variables if variable not in text) == []
    assert text.count("[NOT SUBMITTED]") == int(lineage["STATUS"].eq("not submitted").sum())
