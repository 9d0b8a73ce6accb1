"""The spec language: errors name file, line and key; overrides; the committed JSON Schemas are current."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.core.errors import InputError, SpecError
from cdiscmm.core.paths import mappings_dir
from cdiscmm.metadata.study import load_study
from cdiscmm.sdtm.assemble import map_domain
from cdiscmm.sdtm.loader import load_domain_mappings
from cdiscmm.sdtm.schema import SCHEMAS, render_schema
from cdiscmm.sdtm.verbs import RECORD_VERBS
from cdiscmm.sdtm.verbs.base import MapContext
from tests.sdtm.conftest import ae_meta

STUDY = """\
studyid: T-1
title: t
sponsor: s
region: FDA
design: {arm_null_reason: NOT ASSIGNED}
"""
SHARED_AE = """\
domain: AE
sources:
  - form: ae
    variables:
      AETERM: {assign_no_ct: {field: AETERM}}
      AESEV: {assign_ct: {field: AESEV, codelist: C66769}}
      AECAT: {hardcode_no_ct: {value: GENERAL}}
"""


def make_study(tmp_path: Path, own: dict[str, str], shared: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "mappings" / "t1"
    folder.mkdir(parents=True)
    (folder / "study.yaml").write_text(STUDY, encoding="utf-8")
    for name, text in own.items():
        (folder / name).write_text(text, encoding="utf-8")
    (tmp_path / "mappings" / "shared").mkdir()  # the study's own shared/ (empty: no shared mappings)
    if shared:
        for name, text in shared.items():
            (tmp_path / "mappings" / "shared" / name).write_text(text, encoding="utf-8")
    return folder


def test_unknown_verb_names_file_line_and_lists_the_verbs(tmp_path: Path) -> None:
    text = SHARED_AE.replace("AECAT: {hardcode_no_ct:", "AECAT: {hardcode:")
    folder = make_study(tmp_path, {"ae.yaml": text})
    with pytest.raises(SpecError) as caught:
        load_domain_mappings(load_study(folder))
    message = str(caught.value)
    assert f"{folder / 'ae.yaml'}:7" in message
    assert "sources.0.variables.AECAT" in message and "unknown key 'hardcode'" in message
    assert all(verb in message for verb in RECORD_VERBS)


def test_missing_argument_names_the_key(tmp_path: Path) -> None:
    folder = make_study(
        tmp_path, {"ae.yaml": SHARED_AE.replace("{field: AESEV, codelist: C66769}", "{codelist: C66769}")}
    )
    with pytest.raises(SpecError) as caught:
        load_domain_mappings(load_study(folder))
    assert str(caught.value) == (
        f"{folder / 'ae.yaml'}:6: sources.0.variables.AESEV.assign_ct.field: required key is missing"
    )


def test_two_verbs_for_one_variable(tmp_path: Path) -> None:
    text = SHARED_AE.replace(
        "{hardcode_no_ct: {value: GENERAL}}", "{hardcode_no_ct: {value: G}, assign_no_ct: {field: X}}"
    )
    with pytest.raises(SpecError, match="give exactly one verb"):
        load_domain_mappings(load_study(make_study(tmp_path, {"ae.yaml": text})))


def test_file_name_and_domain_must_agree(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"domain: AE in a file named cm\.yaml"):
        load_domain_mappings(load_study(make_study(tmp_path, {"cm.yaml": SHARED_AE})))


def test_override_replaces_removes_and_adds_per_target(tmp_path: Path) -> None:
    override = """\
domain: AE
sources:
  - form: ae
    variables:
      AETERM: {assign_no_ct: {field: AETERM_EN, local: AETERM}}
      AECAT: null
    supp:
      AETOCI: {supp_qual: {qlabel: Tocilizumab Given, value: {assign_no_ct: {field: TOCI}}}}
  - form: crs
    variables:
      AETERM: {hardcode_no_ct: {value: Cytokine release syndrome}}
"""
    folder = make_study(tmp_path, {"ae.yaml": override}, {"ae.yaml": SHARED_AE})
    loaded = load_domain_mappings(load_study(folder))["AE"]
    first, second = loaded.mapping.sources
    assert first.variables["AETERM"].verb()[1].local == "AETERM"
    assert set(first.variables) == {"AETERM", "AESEV"} and set(first.supp) == {"AETOCI"}
    assert second.form == "crs"
    assert loaded.where("ae", "AESEV").line == 6 and loaded.where("ae", "AETERM").line == 5
    assert loaded.where("ae", "AETERM").file.endswith("t1/ae.yaml")


def test_unknown_raw_field_is_an_input_error_naming_form_and_field(tmp_path: Path, context: MapContext) -> None:
    loaded = load_domain_mappings(load_study(make_study(tmp_path, {"ae.yaml": SHARED_AE})))["AE"]
    raw = pd.DataFrame({"RAWROW": [1], "SUBJID": ["1"], "AETERM": ["x"]})
    with pytest.raises(InputError) as caught:
        map_domain(loaded, {"ae": raw}, ae_meta(), context)
    assert "form ae has no field AESEV" in str(caught.value) and "ae.yaml:6" in str(caught.value)


def test_target_not_in_the_domain_is_a_spec_error(tmp_path: Path, context: MapContext) -> None:
    text = SHARED_AE.replace("AECAT:", "AEXYZ:")
    loaded = load_domain_mappings(load_study(make_study(tmp_path, {"ae.yaml": text})))["AE"]
    raw = pd.DataFrame({"RAWROW": [1], "SUBJID": ["1"], "AETERM": ["x"], "AESEV": ["MILD"]})
    with pytest.raises(SpecError, match="AEXYZ is not a variable of AE"):
        map_domain(loaded, {"ae": raw}, ae_meta(), context)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_equals_generated(name: str) -> None:
    committed = (mappings_dir() / "schema" / name).read_text(encoding="utf-8")
    assert committed == render_schema(SCHEMAS[name]), "run: cdiscmm sdtm schema"


def test_bundled_study_files_point_to_the_schema() -> None:
    for path in mappings_dir().glob("*/study.yaml"):
        assert path.read_text(encoding="utf-8").startswith(
            "# yaml-language-server: $schema=../schema/study.schema.json"
        )


def test_override_drop_removes_a_shared_source_the_study_does_not_collect(tmp_path: Path) -> None:
    override = """\
domain: AE
sources:
  - {form: ae, drop: true}
  - form: crs
    variables:
      AETERM: {hardcode_no_ct: {value: Cytokine release syndrome}}
"""
    folder = make_study(tmp_path, {"ae.yaml": override}, {"ae.yaml": SHARED_AE})
    loaded = load_domain_mappings(load_study(folder))["AE"]
    assert [source.form for source in loaded.mapping.sources] == ["crs"]
