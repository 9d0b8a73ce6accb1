"""A second language in define.xml (NMPA Chinese, PMDA Japanese datasets): TranslatedText beside English, schema
valid, the files still agree, define.html shows both, and a package folder described from its sources' metadata."""

from __future__ import annotations

import shutil
from pathlib import Path

from lxml import etree

from cdiscmm.define.crosscheck import check_define
from cdiscmm.define.folder import define_folder
from cdiscmm.define.language import add_language
from cdiscmm.define.render import render_html
from cdiscmm.define.xmlkit import PREFIXES
from cdiscmm.metadata.translations import load_translations
from cdiscmm.package.relabel import relabel_xpt
from tests.define.conftest import ARM_XSD, DEFINE_XSD, schema_errors
from tests.define.study import adam_datasets, sdtm_datasets, write_study


def _texts(define: Path, oid: str, below: str = "") -> list[tuple[str, str]]:
    """(xml:lang, text) of each TranslatedText of the Description of the element ``oid`` (or of its child
    ``below``, e.g. ``def:Origin/``), in document order."""
    root = etree.parse(str(define)).getroot()
    nodes = root.xpath(f"//*[@OID='{oid}']/{below}odm:Description/odm:TranslatedText", namespaces=PREFIXES)
    return [(text.get("{http://www.w3.org/XML/1998/namespace}lang"), text.text) for text in nodes]


def test_chinese_descriptions_follow_the_english_ones_and_stay_schema_valid(tmp_path: Path) -> None:
    output = define_folder(write_study(tmp_path / "sdtm", sdtm_datasets()), ("zh",))
    assert _texts(output.define, "IG.AE") == [("en", "Adverse Events"), ("zh", "不良事件")]
    assert _texts(output.define, "IT.DM.AGE") == [("en", "Age"), ("zh", "年龄")]
    assert _texts(output.define, "IT.AE.AETERM") == [
        ("en", "Reported Term for the Adverse Event"),
        ("zh", "不良事件报告术语"),
    ]
    root = etree.parse(str(output.define)).getroot()
    decode = root.xpath("//odm:CodeListItem[@CodedValue='M']/odm:Decode/odm:TranslatedText/text()", namespaces=PREFIXES)
    assert decode == ["Male", "男性"]
    assert schema_errors(output.define, DEFINE_XSD) == []
    assert check_define(output.define) == []
    assert "CRS Event" in output.untranslated  # a SUPPAE value level the translations lack: English only
    assert _texts(output.define, "IT.SUPPAE.QVAL.1") == [("en", "CRS Event")]
    html = output.html.read_text(encoding="utf-8")
    assert 'Adverse Events<br><span class="translated" lang="zh">不良事件</span>' in html


def test_methods_and_comments_get_their_chinese_text_and_an_unknown_one_is_reported(tmp_path: Path) -> None:
    """A MethodDef and a def:CommentDef whose English text the translations hold get the Chinese text after the
    English one (schema valid, shown in define.html); one they lack stays English and is reported untranslated."""
    output = define_folder(write_study(tmp_path / "sdtm", sdtm_datasets()), ("zh",))
    assert _texts(output.define, "MT.AE.AESEQ") == [("en", "Number the records of each USUBJID 1, 2, ...")]
    assert {"Number the records of each USUBJID 1, 2, ...", "Verbatim as the investigator wrote it."} <= set(
        output.untranslated
    )
    tree = etree.parse(str(output.define))
    translations = load_translations("zh").model_copy(
        update={
            "methods": {"Number the records of each USUBJID 1, 2, ...": "按 USUBJID 将记录编号为 1, 2, ..."},
            "comments": {"Verbatim as the investigator wrote it.": "研究者记录的原文。"},
        }
    )
    left = add_language(tree.getroot(), translations)
    assert "STUDYID-SUBJID" in left
    assert not {"Number the records of each USUBJID 1, 2, ...", "Verbatim as the investigator wrote it."} & set(left)
    assert add_language(tree.getroot(), translations) == left  # a second pass adds no second zh text
    tree.write(str(output.define), xml_declaration=True, encoding="UTF-8")
    assert _texts(output.define, "MT.AE.AESEQ") == [
        ("en", "Number the records of each USUBJID 1, 2, ..."),
        ("zh", "按 USUBJID 将记录编号为 1, 2, ..."),
    ]
    assert _texts(output.define, "COM.AE.AETERM") == [
        ("en", "Verbatim as the investigator wrote it."),
        ("zh", "研究者记录的原文。"),
    ]
    assert _texts(output.define, "MT.DM.USUBJID") == [("en", "STUDYID-SUBJID")]
    assert schema_errors(output.define, DEFINE_XSD) == []
    html = render_html(output.define, output.stylesheet, output.html).read_text(encoding="utf-8")
    assert '1, 2, ...<br><span class="translated" lang="zh">按 USUBJID 将记录编号为 1, 2, ...</span>' in html


def test_origins_get_their_chinese_text_collected_ones_by_form_and_field(tmp_path: Path) -> None:
    """A collected origin's form and fields read in the collected pattern, names as written; an origin text the
    translations lack stays English and is reported; define.html shows the Chinese origin under the English one."""
    output = define_folder(write_study(tmp_path / "sdtm", sdtm_datasets()), ("zh",))
    assert _texts(output.define, "IT.DM.AGE", "def:Origin/") == [
        ("en", "dm form, field AGE"),
        ("zh", "dm 表单 AGE 字段"),
    ]
    assert _texts(output.define, "IT.SUPPAE.QVAL", "def:Origin/") == [("en", "ae form"), ("zh", "ae 表单")]
    assert _texts(output.define, "IT.SUPPAE.QVAL.2", "def:Origin/")[1] == ("zh", "crs 表单 CRSGR 字段")
    assert _texts(output.define, "IT.AE.AEDECOD", "def:Origin/") == [("en", "MedDRA coding of AETERM")]
    assert {"'DM'", "MedDRA coding of AETERM"} <= set(output.untranslated)
    assert schema_errors(output.define, DEFINE_XSD) == []
    assert check_define(output.define) == []
    html = output.html.read_text(encoding="utf-8")
    assert 'dm form, field AGE<br><span class="translated" lang="zh">dm 表单 AGE 字段</span>' in html


def test_analysis_results_get_their_local_text_and_predecessor_references_stay_as_written(tmp_path: Path) -> None:
    """The ARM result display, result and documentation texts get the Chinese (or Japanese) text after the English
    one (ARM 1.0 schema valid, shown in define.html); a Predecessor's DATASET.VARIABLE is neither translated nor
    reported; an analysis text the translations lack is reported."""
    output = define_folder(write_study(tmp_path / "adam", adam_datasets()), ("zh",))
    orr = "Overall response rate (confirmed PR or better)"
    assert _texts(output.define, "AR.ORR") == [("en", orr), ("zh", "总缓解率（ORR，经确认的 PR 及以上）")]
    assert _texts(output.define, "AR.PFSMED") == [
        ("en", "Median progression-free survival"),
        ("zh", "中位无进展生存期"),
    ]
    assert _texts(output.define, "RD.KMRATES")[1] == ("zh", "Kaplan-Meier 法估计的 6 个月无进展生存率和总生存率")
    documentation = _texts(output.define, "AR.ORR", "arm:Documentation/")
    assert [language for language, _ in documentation] == ["en", "zh"]
    assert "Clopper-Pearson 精确 95% 置信区间" in documentation[1][1]
    assert _texts(output.define, "IT.ADSL.USUBJID", "def:Origin/") == [("en", "DM.USUBJID")]
    assert not {orr, "DM.USUBJID", "DM.STUDYID"} & set(output.untranslated)
    assert schema_errors(output.define, ARM_XSD) == []
    html = output.html.read_text(encoding="utf-8")
    assert 'non-responder); exact Clopper-Pearson 95% CI.<br><span class="translated" lang="zh">' in html
    japanese = define_folder(write_study(tmp_path / "ja", adam_datasets()), ("ja",))
    assert _texts(japanese.define, "AR.ORR")[1] == ("ja", "奏効率（確定した PR 以上）")
    assert _texts(japanese.define, "AR.OS6")[1] == ("ja", "6 カ月全生存率")
    english_only = define_folder(write_study(tmp_path / "en", adam_datasets()))
    tree = etree.parse(str(english_only.define))
    lacking = load_translations("zh").model_copy(update={"analysis": {}})
    assert {orr, "Median progression-free survival"} <= set(add_language(tree.getroot(), lacking))


def test_a_package_folder_is_described_from_its_sources_with_its_own_labels(tmp_path: Path) -> None:
    """The NMPA package holds relabelled copies and no metadata.json: the define comes from the stage's folder,
    dated by the stage's files, and matches the Chinese labels of the files it sits beside."""
    source = write_study(tmp_path / "sdtm", sdtm_datasets())
    package = tmp_path / "package"
    package.mkdir()
    for path in sorted(source.glob("*.xpt")):
        content = path.read_bytes()
        if path.name == "ae.xpt":
            content = relabel_xpt(content, "不良事件", {"AETERM": "不良事件报告术语"})
        (package / path.name).write_bytes(content)
    output = define_folder(package, ("zh",), (source,), documents_prefix="../")
    assert check_define(output.define) == []
    again = define_folder(package, ("zh",), (source,), documents_prefix="../")
    assert again.define.read_bytes() == output.define.read_bytes()
    root = etree.parse(str(output.define)).getroot()
    hrefs = root.xpath("/odm:ODM/odm:Study/odm:MetaDataVersion/def:leaf/@xlink:href", namespaces=PREFIXES)
    assert hrefs and all(href.startswith("../") for href in hrefs)
    shutil.copyfile(source / "ae.xpt", package / "ae.xpt")  # English labels again: the define still says both
    assert check_define(output.define) == []
