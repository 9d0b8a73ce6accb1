"""The standard metadata in specs/: SDTMIG 3.4, ADaMIG 1.3, SDTM/ADaM CT and sponsor codelists, and their builder."""

from pathlib import Path

import pandas as pd
import pytest
from tools import build_specs

from cdiscmm.core import paths
from cdiscmm.core.errors import SpecError
from cdiscmm.metadata.model import Codelist, StandardVariableMeta, Term
from cdiscmm.metadata.standards import (
    adam_ct,
    adamig,
    all_codelists,
    load_sponsor_codelists,
    merge_codelists,
    sdtm_ct,
    sdtmig,
    sponsor_codelists,
)
from cdiscmm.metadata.terminology import CodelistRegistry

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "standards"
SRC = Path(__file__).resolve().parents[2] / "src" / "cdiscmm"


def test_sdtmig_has_every_produced_dataset() -> None:
    assert sorted(sdtmig()) == sorted(build_specs.SDTM_DATASETS)
    assert sdtmig()["DM"].label == "Demographics"
    assert sdtmig()["DM"].standard == "SDTMIG 3.4"
    assert sdtmig()["SUPPQUAL"].label == "Supplemental Qualifiers for [domain name]"
    assert sdtmig()["TS"].class_ == "Trial Design"


def test_dm_variable_order_and_labels_follow_the_ig() -> None:
    dm = sdtmig()["DM"]
    assert dm.names()[:11] == [
        "STUDYID", "DOMAIN", "USUBJID", "SUBJID", "RFSTDTC", "RFENDTC",
        "RFXSTDTC", "RFXENDTC", "RFCSTDTC", "RFCENDTC", "RFICDTC",
    ]  # fmt: skip
    assert dm.names()[-2:] == ["DMDTC", "DMDY"]
    assert dm.variable("SUBJID").label == "Subject Identifier for the Study"
    assert dm.variable("SEX").core == "Req"
    assert dm.variable("SEX").codelist == "C66731"
    assert dm.variable("AGE").type == "Num"
    assert dm.variable("STUDYID").role == "Identifier"


def test_aetoxgr_has_no_codelist() -> None:
    toxgr = sdtmig()["AE"].variable("AETOXGR")
    assert toxgr.codelist is None
    assert toxgr.codelists == []


def test_rs_response_codelist_has_the_imwg_categories() -> None:
    rsstresc = sdtmig()["RS"].variable("RSSTRESC")
    assert rsstresc.codelist == "C96785"
    oncrsr = sdtm_ct().get("C96785")
    assert oncrsr.name == "ONCRSR"
    assert {"sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE"} <= set(oncrsr.values())


def test_rscat_keeps_both_ig_codelists() -> None:
    rscat = sdtmig()["RS"].variable("RSCAT")
    assert rscat.codelists == ["C124298", "C118971"]
    assert rscat.codelist == "C124298"
    assert "KUMAR IMWG 2016" in sdtm_ct().get("C124298").values()


def test_sex_is_exactly_f_intersex_m_u_and_not_extensible() -> None:
    sex = sdtm_ct().by_name("SEX")
    assert sex.code == "C66731"
    assert sex.values() == ["F", "INTERSEX", "M", "U"]
    assert sex.extensible is False
    assert sex.source == "SDTM CT 2025-03-28"
    assert sex.term("F") == Term(submission_value="F", code="C16576", decode="Female", synonyms=("Female",))


def test_ny_keeps_na_as_a_value_not_nan() -> None:
    assert sdtm_ct().get("C66742").values() == ["N", "NA", "U", "Y"]
    assert sdtm_ct().is_valid("C66742", "NA")


def test_every_codelist_of_a_loaded_ig_variable_is_in_the_ct() -> None:
    # The only SDTMIG 3.4 codelist absent from SDTM CT 2025-03-28 is C85495 (MS.MSRESCAT); MS is not produced.
    ct = all_codelists()
    sdtm_missing = {
        f"{dataset.name}.{variable.name}: {code}"
        for dataset in sdtmig().values()
        for variable in dataset.variables
        for code in variable.codelists
        if code not in sdtm_ct()
    }
    adam_missing = {
        f"{structure}.{variable.name}: {code}"
        for structure, variables in adamig().items()
        for variable in variables
        for code in variable.codelists
        if code not in ct
    }
    assert sdtm_missing == set()
    assert adam_missing == set()


def test_extra_codelists_are_included_under_their_short_names() -> None:
    for code, (name, _why) in build_specs.EXTRA_SDTM_CODELISTS.items():
        assert sdtm_ct().get(code).name == name


def test_ct_package_names() -> None:
    assert sdtm_ct().package == "SDTM CT 2025-03-28"
    assert adam_ct().package == "ADaM CT 2025-09-26"
    assert adam_ct().by_name("DTYPE").code == "C81224"
    assert "C81224" in all_codelists()
    assert "C66731" in all_codelists()


def test_unknown_codelist_is_a_spec_error_naming_the_code() -> None:
    with pytest.raises(SpecError, match="C0000 is not in SDTM CT 2025-03-28"):
        sdtm_ct().get("C0000")
    with pytest.raises(SpecError, match="named NOSUCH"):
        sdtm_ct().by_name("NOSUCH")


def test_invalid_flags_present_values_outside_the_codelist_only() -> None:
    values = pd.Series(["Y", "NA", None, "", "yes", "N"], name="DTHFL")
    flags = sdtm_ct().invalid("C66742", values)
    assert flags.tolist() == [False, False, False, False, True, False]
    assert flags.name == "DTHFL"
    assert flags.index.equals(values.index)


def test_invalid_reports_values_of_extensible_codelists_too() -> None:
    flags = sdtm_ct().invalid("C96785", pd.Series(["VGPR", "MRD-NEGATIVE"]))
    assert flags.tolist() == [False, True]


def test_is_valid_is_case_sensitive() -> None:
    assert sdtm_ct().is_valid("C96785", "sCR")
    assert not sdtm_ct().is_valid("C96785", "SCR")


def test_adamig_structures_and_templates() -> None:
    ig = adamig()
    assert set(ig) == {"ADSL", "BDS", "TTE", "ADAE"}
    adsl = {variable.name: variable for variable in ig["ADSL"]}
    assert adsl["STUDYID"].order == 1
    assert adsl["STUDYID"].core == "Req"
    assert adsl["TRTxxP"].label == "Planned Treatment for Period xx"
    assert adsl["SEX"].codelist == "C66731"
    assert "AGEGRy" in adsl
    tte = [variable.name for variable in ig["TTE"]]
    bds = [variable.name for variable in ig["BDS"]]
    assert "CNSR" in tte and "CNSR" not in bds
    assert set(bds) < set(tte)
    assert len(tte) == 195
    assert any(variable.name == "TRTEMFL" for variable in ig["ADAE"])


def test_template_names_match_concrete_variables() -> None:
    adsl = {variable.name: variable for variable in adamig()["ADSL"]}
    trtp = adsl["TRTxxP"]
    assert isinstance(trtp, StandardVariableMeta) and trtp.is_template
    assert trtp.matches("TRT01P") and trtp.matches("TRT12P")
    assert not trtp.matches("TRT00P") and not trtp.matches("TRT1P")
    assert adsl["AGEGRy"].matches("AGEGR1") and not adsl["AGEGRy"].matches("AGEGR10")
    assert not adsl["STUDYID"].is_template and adsl["STUDYID"].matches("STUDYID")
    timing = {variable.name: variable for variable in adamig()["BDS"]}
    assert timing["*DT"].matches("LSTALVDT") and not timing["*DT"].matches("DT")


def test_labels_fit_40_bytes() -> None:
    sdtm_long = [
        f"{dataset.name}.{variable.name}"
        for dataset in sdtmig().values()
        for variable in dataset.variables
        if len(variable.label.encode("utf-8")) > 40
    ]
    adam_long = {
        variable.name
        for variables in adamig().values()
        for variable in variables
        if len(variable.label.encode("utf-8")) > 40
    }
    assert sdtm_long == []
    assert adam_long == {"PBCHGCyN"}  # "Percent Change to Baseline Category y (N)": 41 bytes in ADaMIG v1.3


def test_sponsor_file_is_valid_and_merges() -> None:
    sponsor = sponsor_codelists()
    assert sponsor.package == "Sponsor"
    assert all(not codelist.code.startswith("C") or not codelist.code[1:].isdigit() for codelist in sponsor)
    assert len(all_codelists()) == len(sdtm_ct()) + len(adam_ct()) + len(sponsor)


def test_sponsor_file_errors_name_the_line(tmp_path: Path) -> None:
    (tmp_path / "ct").mkdir()
    (tmp_path / "ct" / "sponsor.yaml").write_text(
        "codelists:\n  - code: C12345\n    name: X\n    extensible: false\n    source: Sponsor\n    terms: []\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match=r"sponsor\.yaml:2.*must not look like an NCI C-code"):
        load_sponsor_codelists(tmp_path)


def test_merging_a_codelist_code_twice_is_an_error() -> None:
    clash = Codelist(code="C66731", name="MYSEX", extensible=False, source="Sponsor", terms=[])
    with pytest.raises(SpecError, match="codelist C66731 is defined twice"):
        merge_codelists(sdtm_ct(), CodelistRegistry("Sponsor", [clash]))


def test_src_reads_the_reference_standards_only_in_the_builder() -> None:
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name != "build_specs.py" and ("shared/reference" in path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    assert (paths.specs_dir() / "SOURCES.md").is_file()


@pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"the CDISC reference files are not at {REFERENCE}")
def test_builder_reproduces_the_committed_specs_byte_for_byte(tmp_path: Path) -> None:
    built = build_specs.build(REFERENCE, tmp_path)
    written = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file())
    assert set(written) == {Path(item.file) for item in built} | {Path("SOURCES.md")}
    differing = [str(rel) for rel in written if (tmp_path / rel).read_bytes() != (paths.specs_dir() / rel).read_bytes()]
    assert differing == []


@pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"the CDISC reference files are not at {REFERENCE}")
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"C1": ("NOSUCH", "test")}, "codelists C1 are not in SDTM CT 2025-03-28"),
        ({"C66731": ("GENDER", "test")}, "C66731 is SEX, not GENDER"),
    ],
)
def test_builder_stops_on_an_unknown_or_renamed_codelist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: dict[str, tuple[str, str]], message: str
) -> None:
    monkeypatch.setattr(build_specs, "EXTRA_SDTM_CODELISTS", extra)
    with pytest.raises(SpecError, match=message):
        build_specs.build(REFERENCE, tmp_path)


def test_sdtmig_keys_come_from_the_ig_domain_tables() -> None:
    """SDTMIG 3.4 AE table, Keys column: STUDYID, USUBJID, AEDECOD, AESTDTC; every dataset has keys."""
    ig = sdtmig()
    assert ig["AE"].keys == ["STUDYID", "USUBJID", "AEDECOD", "AESTDTC"]
    assert ig["TS"].keys == ["STUDYID", "TSPARMCD", "TSSEQ"]
    assert all(meta.keys and all(meta.has(key) for key in meta.keys) for meta in ig.values())
