"""Package planning, relabelling and the region checks on a hand-made two-domain study (DM, AE, ja/ and zh/ copies)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.core.errors import InputError
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.explanations import Explanation, Explanations
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta
from cdiscmm.metadata.translations import load_translations
from cdiscmm.package.assemble import PackageFile, StudyInputs, plan_package
from cdiscmm.package.checks import check_dataset, check_names, check_tree, judge, non_ascii
from cdiscmm.package.define_check import check_define
from cdiscmm.package.findings import Finding
from cdiscmm.package.profile import load_profile
from cdiscmm.package.relabel import read_labels, records_in, relabel_xpt

LABELS = {
    "STUDYID": "Study Identifier",
    "USUBJID": "Unique Subject Identifier",
    "AETERM": "Reported Term for the Adverse Event",
}


def write(path: Path, name: str, label: str, frame: pd.DataFrame) -> Path:
    variables = [
        VariableMeta(name=column, label=LABELS.get(column, column), type="Char", order=order)
        for order, column in enumerate(frame.columns, start=1)
    ]
    meta = DatasetMeta(name=name, label=label, class_="EVENTS", standard="SDTMIG 3.4", variables=variables)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_xpt(Dataset(meta, frame), path)


DEFINE = """<?xml version='1.0' encoding='UTF-8'?>
<?xml-stylesheet type="text/xsl" href="define2-1.xsl"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:def="http://www.cdisc.org/ns/def/v2.1"
     xmlns:xlink="http://www.w3.org/1999/xlink">{leaves}</ODM>
"""


def study(root: Path, leaves: tuple[str, ...] = ("ae.xpt",)) -> StudyInputs:
    """TEST-PKG: SDTM AE (English, ja/ and zh/ copies) with define files (ja/ its own); ADaM folder with define
    files only."""
    sdtm, adam = root / "sdtm", root / "adam"
    ae = pd.DataFrame({"STUDYID": ["TEST-PKG"] * 2, "USUBJID": ["S1", "S2"], "AETERM": ["Nausea", "Rash"]})
    write(sdtm / "ae.xpt", "AE", "Adverse Events", ae)
    write(sdtm / "ja" / "ae.xpt", "AE", "Adverse Events", ae.assign(AETERM=["悪心", "発疹"]))
    write(sdtm / "zh" / "ae.xpt", "AE", "Adverse Events", ae.assign(AETERM=["恶心", "皮疹"]))
    adam.mkdir(parents=True)
    for folder, names in ((sdtm, leaves), (sdtm / "ja", ("ae.xpt",)), (adam, ())):
        hrefs = "".join(f'<def:leaf ID="LF{index}" xlink:href="{name}"/>' for index, name in enumerate(names))
        (folder / "define.xml").write_text(DEFINE.format(leaves=hrefs), encoding="utf-8")
        (folder / "define2-1.xsl").write_text("<xsl/>", encoding="utf-8")
        (folder / "define.html").write_text("<html/>", encoding="utf-8")
    return StudyInputs("TEST-PKG", sdtm, adam)


def written(root: Path, files: list[PackageFile]) -> Path:
    """``files`` written under ``root`` (as the package step writes them before checking); ``root``."""
    for file in files:
        (root / file.path).parent.mkdir(parents=True, exist_ok=True)
        (root / file.path).write_bytes(file.content)
    return root


def paths(files: list[PackageFile]) -> set[str]:
    return {file.path for file in files}


def test_pmda_keeps_english_datasets_and_puts_the_japanese_copy_in_ja(tmp_path: Path) -> None:
    files, findings = plan_package(load_profile("pmda"), study(tmp_path), {"csdrg.pdf": b"%PDF", "adrg.pdf": b"%PDF"})
    sdtm = "m5/datasets/test-pkg/tabulations/sdtm"
    assert {f"{sdtm}/ae.xpt", f"{sdtm}/ja/ae.xpt", f"{sdtm}/define.xml", f"{sdtm}/csdrg.pdf"} <= paths(files)
    assert {f"{sdtm}/ja/define.xml", f"{sdtm}/ja/define2-1.xsl", f"{sdtm}/ja/define.html"} <= paths(files)
    assert "m5/datasets/test-pkg/analysis/adam/datasets/adrg.pdf" in paths(files)
    assert {"m5/datasets/test-pkg/analysis/adam/programs/km.txt"} <= paths(files)
    english = next(file for file in files if file.path == f"{sdtm}/ae.xpt")
    assert english.content == (tmp_path / "sdtm" / "ae.xpt").read_bytes()
    assert not findings


def test_japanese_datasets_without_their_define_are_refused(tmp_path: Path) -> None:
    inputs = study(tmp_path)
    (inputs.sdtm / "ja" / "define.xml").unlink()
    _, findings = plan_package(load_profile("pmda"), inputs, {})
    assert [(f.rule, f.severity, f.where) for f in findings] == [
        ("PKG-DEFINE", "Reject", "m5/datasets/test-pkg/tabulations/sdtm/ja/define.xml")
    ]


def test_nmpa_submits_the_chinese_copy_with_chinese_labels(tmp_path: Path) -> None:
    files, findings = plan_package(load_profile("nmpa"), study(tmp_path), {}, load_translations("zh"))
    ae = next(file for file in files if file.path.endswith("tabulations/sdtm/ae.xpt"))
    (tmp_path / "nmpa-ae.xpt").write_bytes(ae.content)
    content = read_xpt(tmp_path / "nmpa-ae.xpt")
    assert content.label == "不良事件"
    assert content.labels["USUBJID"] == "受试者唯一标识符"
    assert content.data["AETERM"].tolist() == ["恶心", "皮疹"]
    assert not any("/ja/" in path for path in paths(files))
    assert not findings


def test_a_label_without_translation_stays_english_and_is_a_finding(tmp_path: Path) -> None:
    inputs = study(tmp_path)
    write(inputs.sdtm / "xx.xpt", "XX", "Made-up Domain", pd.DataFrame({"STUDYID": ["TEST-PKG"]}))
    _, findings = plan_package(load_profile("nmpa"), inputs, {}, load_translations("zh"))
    assert [(f.rule, f.severity, f.message) for f in findings] == [
        ("PKG-LABEL", "Reject", "no Simplified Chinese dataset label for 'Made-up Domain'")
    ]


def test_japanese_dataset_must_have_the_english_structure(tmp_path: Path) -> None:
    inputs = study(tmp_path)
    profile = load_profile("pmda")
    files, _ = plan_package(profile, inputs, {})
    assert not check_tree(files, written(tmp_path / "first", files), profile)
    ae = pd.DataFrame({"STUDYID": ["TEST-PKG"], "AETERM": ["悪心"]})
    write(inputs.sdtm / "ja" / "ae.xpt", "AE", "Adverse Events", ae)
    write(inputs.sdtm / "ja" / "cm.xpt", "CM", "Concomitant/Prior Medications", ae.rename(columns={"AETERM": "CMTRT"}))
    files, _ = plan_package(profile, inputs, {})
    findings = check_tree(files, written(tmp_path / "second", files), profile)
    found = sorted((f.rule, f.where.rsplit("/", 1)[-1], f.message[:25]) for f in findings)
    assert found == [
        ("PKG-LOCAL", "ae.xpt", "variables or types differ"),
        ("PKG-LOCAL", "cm.xpt", "no English dataset of the"),
    ]


def _suppae(qnam: str) -> pd.DataFrame:
    """One SUPPAE record (SUPPQUAL structure, SDTMIG 3.4 §8.4) continuing AETERM when ``qnam`` is AETERM1."""
    values = ["TEST-PKG", "AE", "S1", "AESEQ", "1", qnam, "Reported Term for the Adverse Event", "の続き", "CRF", ""]
    columns = ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QVAL", "QORIG", "QEVAL"]
    return pd.DataFrame([values], columns=columns)


def test_japanese_supp_of_continuations_only_needs_no_english_dataset(tmp_path: Path) -> None:
    """Regression: ELRA-JP-PMS's ja/suppdd.xpt (a Japanese DDORRES over 200 bytes, SDTMIG 3.4 §4.5.3.2, whose
    English translation fits in DDORRES) refused the PMDA package as a dataset without an English one."""
    inputs = study(tmp_path)
    profile = load_profile("pmda")
    write(inputs.sdtm / "ja" / "suppae.xpt", "SUPPAE", "Supplemental Qualifiers for AE", _suppae("AETERM1"))
    files, _ = plan_package(profile, inputs, {})
    found = [(f.rule, f.severity) for f in check_tree(files, written(tmp_path / "first", files), profile)]
    assert found == [("PKG-LOCAL", "Warning")]
    write(inputs.sdtm / "ja" / "suppae.xpt", "SUPPAE", "Supplemental Qualifiers for AE", _suppae("AEOTHER"))
    files, _ = plan_package(profile, inputs, {})
    [finding] = check_tree(files, written(tmp_path / "second", files), profile)
    assert (finding.severity, finding.message[-43:]) == ("Error", "QNAM ['AEOTHER'] are not text continuations")


def test_relabel_refuses_a_label_over_40_bytes_and_keeps_the_data(tmp_path: Path) -> None:
    path = write(tmp_path / "ae.xpt", "AE", "Adverse Events", pd.DataFrame({"AETERM": ["Nausea", "", "Rash"]}))
    content = path.read_bytes()
    with pytest.raises(InputError, match="41 bytes"):
        relabel_xpt(content, "不良事件" * 3 + "x" * 5, {})
    relabelled = relabel_xpt(content, None, {"AETERM": "不良事件报告术语"})
    assert read_labels(relabelled) == ("Adverse Events", {"AETERM": "不良事件报告术语"})
    assert relabelled[-240:] == content[-240:]
    assert records_in(relabelled, len(relabelled), relabelled[-80:]) == 3


def test_names_and_path_length_follow_the_region(tmp_path: Path) -> None:
    profile = load_profile("pmda")
    deep = "m5/datasets/test-pkg/tabulations/sdtm/" + "a" * 130 + ".txt"
    files = [
        PackageFile("m5/datasets/test-pkg/tabulations/sdtm/AE.xpt", b"", "dataset"),
        PackageFile("m5/datasets/Test Study/tabulations/sdtm/ae.xpt", b"", "dataset"),
        PackageFile(deep, b"", "program"),
        PackageFile("m5/datasets/test-pkg/tabulations/sdtm/dm.xpt", b"", "dataset"),
    ]
    found = {(finding.where, finding.message.split(" ")[0]) for finding in check_names(files, profile)}
    assert ("m5/datasets/test-pkg/tabulations/sdtm/AE.xpt", "file") in found
    assert ("m5/datasets/Test Study", "folder") in found
    assert (deep, "path") in found
    assert not any(where.endswith("dm.xpt") for where, _ in found)


def test_fda_reports_a_non_ascii_value_without_replacing_it(tmp_path: Path) -> None:
    frame = pd.DataFrame({"STUDYID": ["TEST-PKG"] * 2, "AETERM": ["Nausea", "Naus\u00e9e"]})
    path = write(tmp_path / "m5" / "ae.xpt", "AE", "Adverse Events", frame)
    before = path.read_bytes()
    file = PackageFile("m5/ae.xpt", before, "dataset")
    findings = check_dataset(file, tmp_path, load_profile("fda"))
    assert [(f.rule, f.severity, f.variable, f.count) for f in findings] == [("PKG-ASCII", "Error", "AETERM", 1)]
    assert path.read_bytes() == before
    assert not check_dataset(file, tmp_path, load_profile("nmpa"))
    assert [f.severity for f in check_dataset(file, tmp_path, load_profile("pmda"))] == ["Error"]


def test_non_ascii_values_counted_block_by_block_as_in_the_whole_file(tmp_path: Path) -> None:
    terms = ["Nausea", "Fatigue", "\u4e0d\u826f", "Rash", "Naus\u00e9e", "Naus\u00e9e", "Cough"]
    frame = pd.DataFrame({"STUDYID": ["TEST-PKG"] * 7, "AETERM": terms, "AEDECOD": ["X"] * 6 + ["\u00e9"]})
    frame["AECAT"] = "x" * 63  # records of 8 + 7 + 2 + 63 = 80 bytes: blocks of 1 byte are one record each
    path = write(tmp_path / "ae.xpt", "AE", "Adverse Events", frame)
    expected = {"AETERM": (3, "\u4e0d\u826f"), "AEDECOD": (1, "\u00e9")}  # the first value in file order
    assert non_ascii(path, ["STUDYID", "AETERM", "AEDECOD"]) == expected
    assert non_ascii(path, ["STUDYID", "AETERM", "AEDECOD"], block_bytes=1) == expected  # one record a block


def test_a_value_that_is_not_utf8_stops_the_ascii_check_naming_the_file(tmp_path: Path) -> None:
    """Only the records holding a byte >= 0x80 are decoded, and they are checked as the reader checks them."""
    frame = pd.DataFrame({"STUDYID": ["TEST-PKG"] * 3, "AETERM": ["Nausea", "Naus\u00e9e", "Rash"]})
    path = write(tmp_path / "ae.xpt", "AE", "Adverse Events", frame)
    assert non_ascii(path, ["STUDYID", "AETERM"]) == {"AETERM": (1, "Naus\u00e9e")}
    path.write_bytes(path.read_bytes().replace("\u00e9e".encode(), b"\xe9e "))  # Latin-1, not UTF-8
    with pytest.raises(InputError, match="not a readable SAS XPORT file") as raised:
        non_ascii(path, ["STUDYID", "AETERM"])
    assert raised.value.location.file == str(path)


def test_define_leaves_and_stylesheet_are_checked_against_the_folder(tmp_path: Path) -> None:
    inputs = study(tmp_path, leaves=("ae.xpt", "lb.xpt", "acrf.pdf", "csdrg.pdf"))
    (inputs.sdtm / "define2-1.xsl").unlink()
    found = {(f.rule, f.severity, f.message) for f in check_define(inputs.sdtm, "sdtm", frozenset({"csdrg.pdf"}))}
    assert found == {
        ("DD0085", "Error", "stylesheet define2-1.xsl not in the folder"),
        ("PKG-LEAF", "Reject", "def:leaf lb.xpt names no file of the folder"),
        ("PKG-LEAF", "Error", "def:leaf acrf.pdf names no file of the folder"),
    }


def test_verdict_refuses_rejects_and_unexplained_errors() -> None:
    findings = [
        Finding("SD0002", "Reject", "m5/x/ae.xpt", "AETERM", "null"),
        Finding("SD1082", "Error", "m5/x/ae.xpt", "AETERM", "length"),
        Finding("SD1082", "Error", "m5/x/dm.xpt", "AGE", "length"),
        Finding("SD1029", "Warning", "m5/x/dm.xpt", "AGE", "ascii"),
    ]
    explained = Explanations(
        explanations=[
            Explanation(rule="SD1082", dataset="AE", explanation="Lengths follow the longest collected term.")
        ]
    )
    verdict = [
        (item.finding.where[-6:], bool(item.refuses)) for item in judge(findings, load_profile("pmda"), explained)
    ]
    assert verdict == [("ae.xpt", True), ("ae.xpt", False), ("dm.xpt", True), ("dm.xpt", False)]


def test_the_nmpa_guides_get_the_chinese_explanation_the_study_gives() -> None:
    finding = Finding("SD1082", "Error", "m5/x/ae.xpt", "AETERM", "length")
    explained = Explanations(
        explanations=[
            Explanation(
                rule="SD1082",
                explanation="Lengths follow the longest collected term.",
                translations={"zh": "长度取采集术语中最长者。"},
            )
        ]
    )
    [nmpa] = judge([finding], load_profile("nmpa"), explained)
    [pmda] = judge([finding], load_profile("pmda"), explained)
    assert (nmpa.explanation, pmda.explanation) == (
        "长度取采集术语中最长者。",
        "Lengths follow the longest collected term.",
    )
