"""Region profiles and label translations: they load, state the agencies' limits, and cover every label submitted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.metadata.translations import LABEL_BYTES, CollectedTexts, load_translations
from cdiscmm.package.profile import load_profile
from tests.conftest import SMALL_STUDY

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@pytest.mark.parametrize("region", ["pmda", "nmpa", "fda"])
def test_profiles_load_with_the_m5_tree(region: str) -> None:
    profile = load_profile(region)
    assert profile.tree.sdtm == "m5/datasets/{study}/tabulations/sdtm"
    assert profile.tree.adam == "m5/datasets/{study}/analysis/adam/datasets"
    assert "Reject" in profile.validation.refuse


def test_region_specific_rules() -> None:
    pmda, nmpa, fda = (load_profile(region) for region in ("pmda", "nmpa", "fda"))
    assert pmda.names.path_max == 160
    assert re.fullmatch(pmda.names.folder_pattern, "eque-cn_rws1") and not re.fullmatch(
        pmda.names.folder_pattern, "EQUE"
    )
    assert (pmda.datasets.local_language, pmda.datasets.local_folder) == ("ja", "ja")
    assert (nmpa.datasets.labels, nmpa.guides.language, nmpa.guides.encoding_statement) == ("zh", "zh", "required")
    assert fda.datasets.ascii_only_values and pmda.datasets.ascii_only_values and not nmpa.datasets.ascii_only_values


@pytest.mark.parametrize("language", ["ja", "zh"])
def test_translations_are_local_text_within_40_bytes(language: str) -> None:
    translations = load_translations(language)
    for english, local in [*translations.datasets.items(), *translations.variables.items()]:
        assert len(local.encode("utf-8")) <= LABEL_BYTES, (english, local)
        assert local != english and _CJK.search(local), (english, local)
    define_only = [
        *translations.values.items(),
        *translations.methods.items(),
        *translations.comments.items(),
        *translations.analysis.items(),
        *translations.origins.items(),
    ]
    for english, local in define_only:  # define descriptions only: no byte limit
        assert local != english and _CJK.search(local), (english, local)
    assert translations.collected is not None and _CJK.search(translations.collected.fields)


@pytest.mark.parametrize(
    ("english", "zh", "ja"),
    [
        ("ae form", "ae 表单", "ae フォーム"),
        ("ae form, field AESTDAT, AESTTIM", "ae 表单 AESTDAT, AESTTIM 字段", "ae フォームの AESTDAT, AESTTIM 項目"),
        (
            "The name paired with --TESTCD in its codelist; dth form",
            "代码表中与 --TESTCD 配对的名称；dth 表单",
            "コードリストで --TESTCD と対になる名称。dth フォーム",
        ),
        ("The value the protocol states", "方案规定的值", "実施計画書に記載された値"),
        ("A description no file holds; ae form, field AETERM", None, None),
        ("ADSL.AGE", None, None),
    ],
)
def test_origin_texts_translate_declared_text_and_collected_form_and_fields(
    english: str, zh: str | None, ja: str | None
) -> None:
    """An origin text: its declared part from ``origins``, the collected form and fields in the ``collected``
    pattern (names as written); None when a part has no translation (the define reports it)."""
    assert (load_translations("zh").origin(english), load_translations("ja").origin(english)) == (zh, ja)


def test_a_collected_pattern_without_its_placeholders_is_refused() -> None:
    with pytest.raises(ValidationError, match=re.escape("collected.fields lacks {fields}")):
        CollectedTexts(form="{form} 表单", fields="{form} 表单", described="{description}；{collected}")


def test_translations_use_the_reviewers_terms() -> None:
    ja, zh = load_translations("ja"), load_translations("zh")
    assert (ja.dataset("Adverse Events"), zh.dataset("Adverse Events")) == ("有害事象", "不良事件")
    assert (ja.variable("Body System or Organ Class"), zh.variable("Body System or Organ Class")) == (
        "器官別大分類",
        "系统器官分类",
    )
    assert (ja.variable("Adverse Drug Reaction Flag"), zh.variable("Adverse Drug Reaction Flag")) == (
        "副作用フラグ",
        "药物不良反应标志",
    )
    assert zh.variable("Unique Subject Identifier") == "受试者唯一标识符"
    study_day = "--DY = date − RFSTDTC + 1 on or after RFSTDTC, date − RFSTDTC before it (SDTMIG 3.4 §4.4.4 study day)."
    assert "研究日" in zh.methods[study_day] and "試験日" in ja.methods[study_day]
    assert (
        "基线"
        in zh.methods["AVAL - BASE on every record with both (0 on the baseline record; admiral derive_var_chg)."]
    )
    assert (zh.analysis["Median progression-free survival"], ja.analysis["Median progression-free survival"]) == (
        "中位无进展生存期",
        "無増悪生存期間の中央値",
    )
    assert "总生存率" in zh.analysis["6-month overall survival rate"]
    assert "全生存率" in ja.analysis["6-month overall survival rate"]
    exact = "Subjects with confirmed CR or better (AVALC = 'Y') among all ADRS subjects; exact Clopper-Pearson 95% CI."
    assert "Clopper-Pearson 精确 95% 置信区间" in zh.analysis[exact]
    assert "Clopper-Pearson 法による正確な 95% 信頼区間" in ja.analysis[exact]
    median = next(text for text in zh.analysis if text.startswith("Kaplan-Meier median:"))
    assert "Kaplan-Meier 法" in zh.analysis[median] and "Kaplan-Meier 法" in ja.analysis[median]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["ja", "zh"])
def test_every_label_of_a_built_study_has_a_translation(small_study_out: Path, language: str) -> None:
    translations = load_translations(language)
    missing = set()
    for kind in ("sdtm", "adam"):
        for path in sorted((small_study_out / SMALL_STUDY / kind).rglob("*.xpt")):
            content = read_xpt(path)
            if translations.dataset(content.label) is None:
                missing.add(content.label)
            missing |= {label for label in content.labels.values() if translations.variable(label) is None}
    assert not missing


@pytest.mark.parametrize("study", ["elra-jp-pms", "eque-cn-rws", "isa-obs-rrmm"])
def test_each_study_explains_its_kept_errors(study: str) -> None:
    from cdiscmm.core.paths import mappings_dir
    from cdiscmm.metadata.explanations import load_explanations

    explanations = load_explanations(mappings_dir() / study).explanations
    assert {item.rule for item in explanations} >= {"SD0013", "CORE-000021", "AD-REQNULL"}
