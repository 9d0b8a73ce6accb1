"""Our ADaM dataset specifications: they load, standard variables carry ADaMIG/SDTMIG labels, rules are data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from cdiscmm.adam.filters import RecordFilter
from cdiscmm.adam.spec import STANDARD_LOOKUP, concrete_label, load_adam_spec
from cdiscmm.adam.spec_model import AdamDatasetSpec, Categories, Rule
from cdiscmm.adam.tte import CensorSource, EventSource
from cdiscmm.core.errors import SpecError
from cdiscmm.metadata import standards
from cdiscmm.metadata.model import StandardVariableMeta

NAMES = ["ADSL", "ADAE", "ADRS", "ADTTE", "ADQS"]


def _ig_match(spec: AdamDatasetSpec, name: str) -> StandardVariableMeta | None:
    ig = standards.adamig()
    candidates = [v for key in STANDARD_LOOKUP[(spec.class_, spec.subclass)] for v in ig[key]]
    exact = [v for v in candidates if v.name == name]
    templated = [v for v in candidates if not v.name.startswith("*") and v.matches(name)]
    return (exact or templated or [None])[0]


@pytest.mark.parametrize("name", NAMES)
def test_spec_loads_and_gives_dataset_meta(name: str) -> None:
    meta = load_adam_spec(name).to_dataset_meta()
    assert meta.name == name
    assert meta.standard == "ADaMIG 1.3"
    assert all(variable.label and variable.type for variable in meta.variables)
    assert [variable.order for variable in meta.variables] == list(range(1, len(meta.variables) + 1))


@pytest.mark.parametrize("name", NAMES)
def test_every_standard_variable_has_the_adamig_label_and_type(name: str) -> None:
    spec = load_adam_spec(name)
    checked = 0
    for variable in spec.variables:
        standard = _ig_match(spec, variable.name)
        if standard is not None:
            assert (variable.label, variable.type) == (concrete_label(standard, variable.name), standard.type)
            checked += 1
    assert checked >= 5


def test_sdtm_predecessors_take_the_sdtmig_label() -> None:
    adsl = load_adam_spec("ADSL")
    dm = standards.sdtmig()["DM"]
    for name in ["COUNTRY", "RFSTDTC"]:
        assert adsl.variable(name).label == dm.variable(name).label
        assert adsl.variable(name).type == dm.variable(name).type


def test_adsl_copies_take_our_adsl_label() -> None:
    assert load_adam_spec("ADRS").variable("EFFFL").label == load_adam_spec("ADSL").variable("EFFFL").label


def test_indexed_names_get_concrete_labels() -> None:
    adsl = load_adam_spec("ADSL")
    assert adsl.variable("AGEGR1").label == "Pooled Age Group 1"
    assert adsl.variable("AGEGR1N").label == "Pooled Age Group 1 (N)"
    assert adsl.variable("TRT01P").label == "Planned Treatment for Period 01"
    assert adsl.variable("REGION1").label == "Geographic Region 1"


def test_numeric_dates_get_sas_date_formats() -> None:
    adsl = load_adam_spec("ADSL")
    assert {adsl.variable(name).display_format for name in ["TRTSDT", "DTHDT", "LSTALVDT", "INFDT"]} == {"DATE9."}
    assert adsl.variable("TRTSDTM").display_format == "DATETIME20."
    assert adsl.variable("TRTDURD").display_format is None


def test_classes_and_subclass() -> None:
    assert load_adam_spec("ADSL").class_ == "SUBJECT LEVEL ANALYSIS DATASET"
    assert load_adam_spec("ADAE").class_ == "OCCURRENCE DATA STRUCTURE"
    adtte = load_adam_spec("ADTTE")
    assert (adtte.class_, adtte.subclass) == ("BASIC DATA STRUCTURE", "TIME-TO-EVENT")


def test_parameters_are_data() -> None:
    assert [p.paramcd for p in load_adam_spec("ADRS").parameters] == [
        "OVR", "COVR", "BOR", "CBOR", "RSP", "VGPRRSP", "CRRSP", "PD",
    ]  # fmt: skip
    assert [p.paramcd for p in load_adam_spec("ADTTE").parameters] == ["PFS", "OS", "DOR", "TTR", "TTCR", "TTNT"]
    adqs = load_adam_spec("ADQS")
    codes = [p.paramcd for p in adqs.parameters]
    assert codes[:15] == [f"EOR01{n}" for n in range(31, 46)]
    assert {"MY20DS", "MY20SE", "MY20BI", "MY20FP", "EQ5DIDX", "EQ5D0206"} <= set(codes)
    physical = adqs.parameter("EOR0132").score
    assert physical is not None
    assert (physical.items, physical.kind, physical.item_range) == (
        ["EOR0101", "EOR0102", "EOR0103", "EOR0104", "EOR0105"], "functional", 3,
    )  # fmt: skip


def test_tte_sources_are_the_tte_engine_models() -> None:
    pfs = load_adam_spec("ADTTE").parameter("PFS").tte
    assert pfs is not None
    assert pfs.start_date == "TRTSDT"
    assert all(isinstance(event, EventSource) for event in pfs.events)
    assert all(isinstance(censor, CensorSource) for censor in pfs.censors)
    assert [event.evntdesc for event in pfs.events] == ["PD", "DEATH"]
    assert [censor.cnsdtdsc for censor in pfs.censors] == ["TREATMENT START", "LAST ADEQUATE ASSESSMENT"]


def test_population_flag_rules_are_in_the_spec() -> None:
    adsl = load_adam_spec("ADSL")
    saffl = adsl.variable("SAFFL").rule
    assert saffl is not None and saffl.kind == "exists"
    efffl = adsl.variable("EFFFL").rule
    assert efffl is not None and efffl.kind == "all"


def _write(tmp_path: Path, text: str, name: str = "adxx.yaml") -> Path:
    folder = tmp_path / "adam"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


HEADER = "name: ADXX\nlabel: Test\nclass: BASIC DATA STRUCTURE\nstructure: x\nkeys: [USUBJID]\nvariables:\n"


def test_a_standard_variable_may_not_restate_its_label(tmp_path: Path) -> None:
    folder = _write(
        tmp_path, HEADER + "  - {name: USUBJID, label: Subject, origin: Predecessor, source: ADSL.USUBJID}\n"
    )
    with pytest.raises(SpecError, match="USUBJID is a standard variable: remove label"):
        load_adam_spec("ADXX", folder)


def test_a_sponsor_variable_needs_label_and_type(tmp_path: Path) -> None:
    text = HEADER + "  - {name: USUBJID, origin: Predecessor, source: ADSL.USUBJID}\n"
    text += "  - {name: MYVAR, origin: Derived, method: x}\n"
    with pytest.raises(SpecError, match="MYVAR is not a standard variable: state its label and type"):
        load_adam_spec("ADXX", _write(tmp_path, text))


def test_unknown_key_names_file_and_line(tmp_path: Path) -> None:
    text = HEADER + "  - {name: USUBJID, origin: Predecessor, source: ADSL.USUBJID}\n  - {name: AVAL, orign: Derived}\n"
    with pytest.raises(SpecError) as caught:
        load_adam_spec("ADXX", _write(tmp_path, text))
    assert caught.value.location.line == 8
    assert any("unknown key 'orign'" in line for line in [str(caught.value), *caught.value.details])


def test_derived_variable_needs_a_method(tmp_path: Path) -> None:
    text = HEADER + "  - {name: USUBJID, origin: Derived}\n"
    with pytest.raises(SpecError, match="a Derived variable states its method"):
        load_adam_spec("ADXX", _write(tmp_path, text))


def test_a_rule_has_exactly_one_kind() -> None:
    with pytest.raises(ValidationError, match="exactly one of"):
        Rule.model_validate({"flag": "SAFFL", "present": "TRTSDT"})


def test_categories_need_increasing_bounds_and_an_open_last_group() -> None:
    with pytest.raises(ValidationError, match="the last has none"):
        Categories.model_validate(
            {"source": "AGE", "groups": [{"value": "a", "below": 65}, {"value": "b", "below": 75}]}
        )
    with pytest.raises(ValidationError, match="must increase"):
        Categories.model_validate(
            {"source": "AGE", "groups": [{"value": "a", "below": 75}, {"value": "b", "below": 65}, {"value": "c"}]}
        )


def test_record_filter_equals_list_comparison_and_missing_values() -> None:
    frame = pd.DataFrame(
        {"EXDOSE": [0.0, 10.0, None, 5.0], "RSSTRESC": pd.Series(["CR", "NE", None, "PR"], dtype="str")}
    )
    assert list(RecordFilter.model_validate({"EXDOSE": {"gt": 0}}).mask(frame)) == [False, True, False, True]
    not_ne = RecordFilter.model_validate({"RSSTRESC": {"not_in": ["NE"]}})
    assert list(not_ne.mask(frame)) == [True, False, False, True]
    both = RecordFilter.model_validate({"RSSTRESC": ["CR", "PR"], "EXDOSE": {"present": True}})
    assert list(both.mask(frame)) == [True, False, False, True]
    assert not_ne.describe() == "RSSTRESC not in ['NE']"


def test_adtte_metadata_carries_its_subclass_for_define_xml() -> None:
    """ADaMIG 1.3 / Define-XML 2.1: ADTTE is BASIC DATA STRUCTURE with subclass TIME-TO-EVENT."""
    from cdiscmm.adam.spec import load_adam_spec

    meta = load_adam_spec("ADTTE").to_dataset_meta()
    assert (meta.class_, meta.subclass) == ("BASIC DATA STRUCTURE", "TIME-TO-EVENT")
    assert load_adam_spec("ADSL").to_dataset_meta().subclass is None
