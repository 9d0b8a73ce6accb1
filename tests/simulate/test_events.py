"""Event forms on synthetic cohorts built here: form sets, windows, fatal AEs, links, PRO, determinism, spec errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cdiscmm.core.errors import SpecError
from cdiscmm.core.paths import mappings_dir
from cdiscmm.simulate.events import generate_event_forms
from cdiscmm.simulate.events_design import load_events_design, study_language
from cdiscmm.simulate.forms import KEY_FIELDS, Form

#: Study folder -> (administration days relative to the first, observation length in days).
SCHEDULES: dict[str, tuple[list[int], int]] = {
    "elra-jp-pms": ([0, 3, 7, *range(14, 169, 7), *range(182, 364, 14)], 364),
    "eque-cn-rws": ([0], 182),
    "isa-obs-rrmm": ([0, 7, 14, 21, *range(28, 364, 14)], 364),
}
STUDYIDS = {"elra-jp-pms": "ELRA-JP-PMS", "eque-cn-rws": "EQUE-CN-RWS", "isa-obs-rrmm": "ISA-OBS-RRMM"}


def study_folder(name: str) -> Path:
    return mappings_dir() / name


def cohort(name: str, size: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``size`` subjects: a third die during observation (half of them after progression), some respond, some
    leave early; doses follow the study's schedule until death, progression or end of study (hours vary)."""
    rng = np.random.default_rng(seed)
    schedule, length = SCHEDULES[name]
    index = pd.Timestamp("2024-03-01") + pd.to_timedelta(rng.integers(0, 200, size), unit="D")
    eos = index + pd.to_timedelta(np.where(rng.random(size) < 0.15, rng.integers(20, length, size), length), unit="D")
    dies = rng.random(size) < 0.35
    death = pd.Series(index + pd.to_timedelta(rng.integers(1, length, size), unit="D")).where(dies)
    death = death.where(death <= eos)
    progressed = rng.random(size) < 0.4
    pd_date = pd.Series(index + pd.to_timedelta(rng.integers(30, length, size), unit="D")).where(progressed)
    pd_date = pd_date.where(pd_date.isna() | death.isna() | (pd_date <= death))
    responded = rng.random(size) < 0.6
    resp_date = pd.Series(index + pd.to_timedelta(rng.integers(20, 90, size), unit="D")).where(responded)
    subjects = pd.DataFrame(
        {
            "STUDYID": STUDYIDS[name],
            "SITEID": [f"{101 + k % 5}" for k in range(size)],
            "SUBJID": [f"S{k + 1:04d}" for k in range(size)],
            "COUNTRY": "JPN",
            "AGE": rng.integers(45, 85, size),
            "SEX": np.where(rng.random(size) < 0.55, "M", "F"),
            "WEIGHT": np.round(rng.normal(60, 10, size), 1),
            "INDEXDT": index,
            "EOSDT": eos,
            "DTHDT": death,
            "PDDT": pd_date,
            "BESTRESP": np.where(responded, "PR", "SD"),
            "RESPDT": resp_date,
            "ENRLTYP": "PROSPECTIVE",
        }
    )
    day = np.tile(schedule, size)
    subject = np.repeat(np.arange(size), len(schedule))
    minutes = rng.integers(9 * 60, 15 * 60, day.size)
    when = index.to_numpy()[subject] + pd.to_timedelta(day, unit="D") + pd.to_timedelta(minutes, unit="min")
    stop = subjects[["EOSDT", "DTHDT", "PDDT"]].min(axis=1).to_numpy()[subject]
    given = when <= stop
    doses = pd.DataFrame(
        {
            "SUBJID": subjects["SUBJID"].to_numpy()[subject][given],
            "EXSTDTM": when[given],
            "EXTRT": "STUDY DRUG",
            "EXDOSE": 1.0,
            "EXDOSU": "mg",
        }
    )
    return subjects, doses.reset_index(drop=True)


EXPECTED_FORMS = {
    "elra-jp-pms": ["ae", "crs", "icans"],
    "eque-cn-rws": ["ae", "crs", "icans", "ho", "spm", "mru", "qlqc30", "eq5d5l"],
    "isa-obs-rrmm": ["ae", "ho", "qlqc30", "qlqmy20"],
}
STUDIES = sorted(SCHEDULES)


def build(name: str, size: int = 60, seed: int = 11) -> tuple[dict[str, Form], pd.DataFrame, pd.DataFrame]:
    subjects, doses = cohort(name, size)
    forms = generate_event_forms(study_folder(name), subjects, doses, np.random.default_rng(seed))
    return {form.name: form for form in forms}, subjects, doses


@pytest.fixture(scope="module", params=STUDIES)
def study(request: pytest.FixtureRequest) -> tuple[str, dict[str, Form], pd.DataFrame, pd.DataFrame]:
    return (request.param, *build(request.param))


def test_each_study_has_its_forms_in_order(study) -> None:
    name, forms, _, _ = study
    assert list(forms) == EXPECTED_FORMS[name]


def test_same_seed_same_forms_other_seed_differs() -> None:
    first, _, _ = build("eque-cn-rws", seed=3)
    again, _, _ = build("eque-cn-rws", seed=3)
    other, _, _ = build("eque-cn-rws", seed=4)
    for name, form in first.items():
        pd.testing.assert_frame_equal(form.data, again[name].data)
    assert not first["ae"].data.equals(other["ae"].data)


def test_columns_match_fields_keys_first_and_codes_are_in_codelists(study) -> None:
    name, forms, _, _ = study
    translated = study_language(study_folder(name)) != "en"
    for form in forms.values():
        names = [field.name for field in form.fields]
        assert list(form.data.columns) == names
        assert tuple(names[: len(KEY_FIELDS)]) == KEY_FIELDS
        assert any(column.endswith("_EN") for column in names) == (
            translated and form.name in {"ae", "crs", "icans", "ho", "spm", "mru"}
        )
        for field in form.fields:
            if field.type in {"date", "time"}:
                assert pd.api.types.is_datetime64_any_dtype(form.data[field.name]), (form.name, field.name)
            if field.type == "code":
                used = set(form.data[field.name].dropna())
                assert used <= set(form.codelists[field.codelist]), (form.name, field.name, used)


def test_every_date_lies_in_the_observation_window(study) -> None:
    name, forms, subjects, _ = study
    margin = load_events_design(
        study_folder(name) / "events.yaml", study_language(study_folder(name))
    ).index_margin_days
    window = subjects.set_index("SUBJID")
    first = window["INDEXDT"] - pd.Timedelta(days=margin)
    last = window[["EOSDT", "DTHDT"]].min(axis=1)
    for form in forms.values():
        for field in form.fields:
            if field.type in {"date", "time"}:
                when = form.data[field.name].dt.normalize()
                subject = form.data["SUBJID"]
                present = when.notna()
                assert (when[present] >= subject[present].map(first)).all(), (form.name, field.name)
                assert (when[present] <= subject[present].map(last)).all(), (form.name, field.name)


def test_fatal_events_end_on_the_death_date_of_dead_subjects(study) -> None:
    _, forms, subjects, _ = study
    ae = forms["ae"].data
    fatal = ae.loc[ae["AEOUT"] == "FATAL"]
    death = fatal["SUBJID"].map(subjects.set_index("SUBJID")["DTHDT"])
    assert death.notna().all()
    assert (fatal["AEENDAT"] == death.dt.normalize()).all()
    assert (fatal["AETOXGR"] == "5").all() and (fatal["AESDTH"] == "Y").all()
    assert ((ae["AETOXGR"] == "5") == (ae["AEOUT"] == "FATAL")).all()
    assert fatal["SUBJID"].is_unique


def test_there_are_fatal_events_and_second_primary_malignancies_in_a_larger_cohort() -> None:
    forms, _, _ = build("eque-cn-rws", size=600)
    ae = forms["ae"].data
    assert (ae["AEOUT"] == "FATAL").any()
    assert len(forms["spm"].data) > 0


def test_seriousness_flags_agree_with_aeser(study) -> None:
    _, forms, _, _ = study
    ae = forms["ae"].data
    criteria = ae[["AESDTH", "AESLIFE", "AESHOSP", "AESDISAB", "AESCONG", "AESMIE"]].eq("Y").any(axis=1)
    assert ((ae["AESER"] == "Y") == criteria).all()


def test_ongoing_events_have_no_end_date(study) -> None:
    _, forms, _, _ = study
    ae = forms["ae"].data
    assert ((ae["AEONGO"] == "Y") == ae["AEENDAT"].isna()).all()
    closed = ae["AEENDAT"].notna()
    assert (ae.loc[closed, "AEENDAT"] >= ae.loc[closed, "AESTDAT"]).all()


def test_aespid_is_unique_per_subject(study) -> None:
    _, forms, _, _ = study
    assert not forms["ae"].data.duplicated(["SUBJID", "AESPID"]).any()


@pytest.mark.parametrize(
    ("page", "term"),
    [("crs", "Cytokine release syndrome"), ("icans", "Immune effector cell-associated neurotoxicity syndrome")],
)
@pytest.mark.parametrize("name", ["elra-jp-pms", "eque-cn-rws"])
def test_special_interest_page_rows_match_their_ae_row(name: str, page: str, term: str) -> None:
    forms, _, _ = build(name, size=80)
    prefix = {"crs": "CRS", "icans": "ICANS"}[page]
    ae = forms["ae"].data
    detail = forms[page].data
    joined = detail.merge(ae, on=["SUBJID", "AESPID"], how="left", validate="one_to_one")
    assert (joined["AEDECOD"] == term).all()
    assert (joined[f"{prefix}GR"] == joined["AETOXGR"]).all()
    assert (joined[f"{prefix}STTIM"] == joined["AESTTIM"]).all()
    assert (joined[f"{prefix}OUT"] == joined["AEOUT"]).all()
    assert len(detail) == (ae["AEDECOD"] == term).sum()


def test_spm_pages_accompany_the_flagged_ae_rows() -> None:
    forms, _, _ = build("eque-cn-rws", size=600)
    ae = forms["ae"].data
    spm = forms["spm"].data
    flagged = ae.loc[ae["AESPM"] == "Y", ["SUBJID", "AESPID", "AESTDAT", "AETERM"]]
    joined = spm.merge(flagged, on=["SUBJID", "AESPID"], validate="one_to_one")
    assert len(joined) == len(spm) == len(flagged)
    assert (joined["SPMDAT"] == joined["AESTDAT"]).all() and (joined["SPMTERM"] == joined["AETERM"]).all()


def test_sex_specific_terms_only_in_that_sex() -> None:
    forms, subjects, _ = build("isa-obs-rrmm", size=800)
    ae = forms["ae"].data
    sex = ae["SUBJID"].map(subjects.set_index("SUBJID")["SEX"])
    assert (sex[ae["AEDECOD"] == "Prostate cancer"] == "M").all()


@pytest.mark.parametrize("name", ["eque-cn-rws", "isa-obs-rrmm"])
def test_hospital_stays_are_ordered_and_outcomes_consistent(name: str) -> None:
    forms, subjects, _ = build(name, size=80)
    ho = forms["ho"].data
    death = ho["SUBJID"].map(subjects.set_index("SUBJID")["DTHDT"]).dt.normalize()
    discharged = ho["HOENDAT"].notna()
    assert (ho.loc[discharged, "HOENDAT"] >= ho.loc[discharged, "HOSTDAT"]).all()
    assert (ho.loc[ho["HOOUT"] == "DIED", "HOENDAT"] == death[ho["HOOUT"] == "DIED"]).all()
    assert ((ho["HOOUT"] == "STILL IN HOSPITAL") == ~discharged).all()
    linked = ho["AESPID"].notna()
    ae_keys = set(zip(forms["ae"].data["SUBJID"], forms["ae"].data["AESPID"], strict=True))
    assert set(zip(ho.loc[linked, "SUBJID"], ho.loc[linked, "AESPID"], strict=True)) <= ae_keys
    previous_end = ho.groupby("SUBJID")["HOENDAT"].shift()
    assert not (ho["HOSTDAT"] <= previous_end).any(), "overlapping stays are merged"


def test_prescriptions_name_a_drug_and_visits_do_not() -> None:
    forms, _, _ = build("eque-cn-rws", size=80)
    mru = forms["mru"].data
    prescribed = mru["MRUTYPE"] == "NEW PRESCRIPTION"
    assert mru.loc[prescribed, ["MRUTRT", "MRUTRT_EN"]].notna().all().all()
    assert mru.loc[~prescribed, ["MRUTRT", "MRUTRT_EN"]].isna().all().all()
    assert set(mru["MRUTYPE"]) == {"EMERGENCY VISIT", "OUTPATIENT VISIT", "NEW PRESCRIPTION"}


RANGES = {
    "qlqc30": {**{f"Q{k:02d}": (1, 4) for k in range(1, 29)}, "Q29": (1, 7), "Q30": (1, 7)},
    "qlqmy20": {f"Q{k:02d}": (1, 4) for k in range(31, 51)},
    "eq5d5l": {"MO": (1, 5), "SC": (1, 5), "UA": (1, 5), "PD": (1, 5), "AD": (1, 5), "VAS": (0, 100)},
}


@pytest.mark.parametrize(
    ("name", "instrument"),
    [("eque-cn-rws", "qlqc30"), ("eque-cn-rws", "eq5d5l"), ("isa-obs-rrmm", "qlqc30"), ("isa-obs-rrmm", "qlqmy20")],
)
def test_pro_answers_in_range_with_some_items_missing_never_all(name: str, instrument: str) -> None:
    forms, _, _ = build(name, size=80)
    data = forms[instrument].data
    items = data[list(RANGES[instrument])]
    for item, (low, high) in RANGES[instrument].items():
        answered = items[item].dropna()
        assert answered.between(low, high).all(), item
    assert items.isna().any(axis=1).any(), "some questionnaires have blank items"
    assert not items.isna().all(axis=1).any(), "a returned questionnaire is never entirely blank"
    assert not data.duplicated(["SUBJID", "VISIT"]).any()


def test_pro_completion_is_below_one_and_visits_follow_the_schedule() -> None:
    forms, subjects, _ = build("isa-obs-rrmm", size=80)
    data = forms["qlqc30"].data
    design = load_events_design(study_folder("isa-obs-rrmm") / "events.yaml", "en").pro
    assert set(data["VISIT"]) <= {visit.visit for visit in design.visits}
    baseline = data.loc[data["VISIT"] == "BASELINE"]
    assert 0 < len(baseline) < len(subjects)
    index = baseline["SUBJID"].map(subjects.set_index("SUBJID")["INDEXDT"])
    assert ((index - baseline["QSDAT"]).dt.days.between(0, 7)).all()


def test_global_health_is_better_after_response_than_near_progression() -> None:
    forms, subjects, _ = build("isa-obs-rrmm", size=400)
    data = forms["qlqc30"].data
    info = subjects.set_index("SUBJID")
    date = data["QSDAT"]
    responded = date >= data["SUBJID"].map(info["RESPDT"])
    progressing = date >= data["SUBJID"].map(info["PDDT"]) - pd.Timedelta(days=42)
    health = data[["Q29", "Q30"]].astype(float).mean(axis=1)
    assert health[responded & ~progressing].mean() > health[progressing & ~responded].mean() + 0.5


def copy_study(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(study_folder(name), folder)
    return folder


def test_unknown_key_in_events_yaml_names_file_and_line(tmp_path: Path) -> None:
    folder = copy_study(tmp_path, "isa-obs-rrmm")
    path = folder / "events.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("  time_collected_rate: 0.15")
    lines.insert(at + 1, "  colour: red")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subjects, doses = cohort("isa-obs-rrmm", 5)
    with pytest.raises(SpecError) as caught:
        generate_event_forms(folder, subjects, doses, np.random.default_rng(0))
    assert f"{path}:{at + 2}" in str(caught.value)
    assert "unknown key 'colour'" in str(caught.value)


def test_grades_not_summing_to_one_names_the_line(tmp_path: Path) -> None:
    folder = copy_study(tmp_path, "isa-obs-rrmm")
    path = folder / "events.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace("grades: {1: 0.30, 2: 0.65, 3: 0.04, 4: 0.01}", "grades: {1: 0.30, 2: 0.65}", 1)
    path.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("      grades: {1: 0.30, 2: 0.65}") + 1
    with pytest.raises(SpecError) as caught:
        load_events_design(path, "en")
    assert f"{path}:{line}" in str(caught.value) and "sum to 1" in str(caught.value)


def test_verbatim_without_the_study_language_is_rejected(tmp_path: Path) -> None:
    folder = copy_study(tmp_path, "elra-jp-pms")
    path = folder / "events.yaml"
    text = path.read_text(encoding="utf-8").replace("{ja: 貧血, en: Anaemia}", "{en: Anaemia}", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_events_design(path, "ja")
    assert str(path) in str(caught.value) and "lacks language ja" in str(caught.value)


@pytest.mark.parametrize("name", STUDIES)
def test_no_subjects_give_empty_forms_with_all_fields(name: str) -> None:
    subjects, doses = cohort(name, 0)
    forms = generate_event_forms(study_folder(name), subjects, doses, np.random.default_rng(0))
    assert [form.name for form in forms] == EXPECTED_FORMS[name]
    assert all(form.data.empty for form in forms)


def test_subject_without_index_date_has_no_events() -> None:
    subjects, doses = cohort("eque-cn-rws", 20)
    subjects.loc[0, "INDEXDT"] = pd.NaT
    doses = doses.loc[doses["SUBJID"] != subjects.loc[0, "SUBJID"]]
    forms = generate_event_forms(study_folder("eque-cn-rws"), subjects, doses, np.random.default_rng(0))
    assert all(subjects.loc[0, "SUBJID"] not in set(form.data["SUBJID"]) for form in forms)
