"""Region profiles and label translations: they load, state the agencies' limits, and cover every label submitted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.metadata.translations import LABEL_BYTES, load_translations
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
    define_only = [*translations.values.items(), *translations.methods.items(), *translations.comments.items()]
    for english, local in define_only:  # define descriptions only: no byte limit
        assert local != english and _CJK.search(local), (english, local)


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
