"""Value-level metadata of built SDTM datasets: Findings results by --TESTCD, TS values by TSPARMCD."""

from __future__ import annotations

import pandas as pd

from cdiscmm.metadata.model import Dataset, DatasetMeta
from cdiscmm.metadata.study import bundled_studies
from cdiscmm.sdtm.describe import mapped_value_codelists, with_value_level
from cdiscmm.sdtm.loader import load_domain_mappings
from tests.sdtm.conftest import variables


def _dataset(name: str, columns: dict[str, list[object]]) -> Dataset:
    meta = DatasetMeta(
        name=name,
        label=name,
        **{"class": "FINDINGS"},
        standard="SDTMIG 3.4",
        variables=variables(*[(column, "Char", "Exp") for column in columns]),
    )
    return Dataset(meta, pd.DataFrame(columns))


def test_findings_results_are_described_per_test_with_the_test_name_and_a_single_unit() -> None:
    lb = _dataset(
        "LB",
        {
            "LBTESTCD": ["HGB", "HGB", "CREAT", "CREAT"],
            "LBTEST": ["Hemoglobin", "Hemoglobin", "Creatinine", "Creatinine"],
            "LBORRES": ["120", "11", "1.0", "88"],
            "LBORRESU": ["g/L", "g/dL", "mg/dL", None],
            "LBSTRESC": ["120", "110", "88", "88"],
            "LBSTRESU": ["g/L", "g/L", "umol/L", "umol/L"],
        },
    )
    meta = with_value_level(lb).meta
    stresc = meta.variable("LBSTRESC").value_level
    assert [(level.where[0].variable, level.where[0].values) for level in stresc] == [
        ("LBTESTCD", ("HGB",)),
        ("LBTESTCD", ("CREAT",)),
    ]
    assert [(level.label, level.unit) for level in stresc] == [("Hemoglobin", "g/L"), ("Creatinine", "umol/L")]
    # two original units for HGB: no single unit to state; CREAT's one unit is stated
    assert [level.unit for level in meta.variable("LBORRES").value_level] == [None, "mg/dL"]
    assert meta.variable("LBTEST").value_level == []


def test_trial_summary_values_are_described_per_parameter() -> None:
    ts = _dataset(
        "TS",
        {
            "TSPARMCD": ["AGEMIN", "SEXPOP"],
            "TSPARM": ["Planned Minimum Age", "Sex of Participants"],
            "TSVAL": ["P18Y", "BOTH"],
        },
    )
    levels = with_value_level(ts).meta.variable("TSVAL").value_level
    assert [(level.where[0].values[0], level.label) for level in levels] == [
        ("AGEMIN", "Planned Minimum Age"),
        ("SEXPOP", "Sex of Participants"),
    ]


def test_a_dataset_without_tests_is_unchanged() -> None:
    ae = _dataset("AE", {"AETERM": ["Nausea"]})
    assert with_value_level(ae).meta == ae.meta


def test_the_mapping_names_each_tests_result_codelist_for_the_value_level() -> None:
    study = next(study for study in bundled_studies() if study.studyid == "ISA-OBS-RRMM")
    codelists = mapped_value_codelists(load_domain_mappings(study)["RS"])
    # ECOG and the ISS stage: codelists per test; overall response's RSORRES is collected text (no codelist)
    assert codelists[("RSORRES", "ECOG101")] == "C179943"
    assert codelists[("RSSTRESC", "ECOG101")] == "C179944"
    assert codelists[("RSSTRESC", "ISSSTG")] == "MMSTGRS"
    assert ("RSORRES", "OVRLRESP") not in codelists


def test_value_level_carries_the_codelist_of_its_test() -> None:
    rs = _dataset("RS", {"RSTESTCD": ["ECOG101", "OVRLRESP"], "RSTEST": ["ECOG1", "Overall"], "RSSTRESC": ["0", "PR"]})
    levels = with_value_level(rs, {("RSSTRESC", "ECOG101"): "C179944"}).meta.variable("RSSTRESC").value_level
    assert [(level.where[0].values[0], level.codelist) for level in levels] == [
        ("ECOG101", "C179944"),
        ("OVRLRESP", None),
    ]


def test_a_test_mapped_by_two_sources_with_different_lists_has_no_value_level_codelist() -> None:
    # regression: LB MCPROT comes from the amounts (LBTESTCD from a field, LBSTRESC collected text) and from
    # immunofixation (MCPROT hard-coded, LBSTRESC in C102580); one value level holds both, so no codelist fits it
    study = next(study for study in bundled_studies() if study.studyid == "ISA-OBS-RRMM")
    codelists = mapped_value_codelists(load_domain_mappings(study)["LB"])
    assert ("LBSTRESC", "MCPROT") not in codelists
