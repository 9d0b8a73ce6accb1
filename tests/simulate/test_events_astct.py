"""CRS and ICANS pages: ASTCT 2019 grades re-derived independently, onset after the nearest preceding dose."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdiscmm.simulate.events import generate_event_forms
from cdiscmm.simulate.events_astct import compute_crs_grade, compute_icans_grade
from cdiscmm.simulate.events_design import load_events_design, study_language

from .test_events import cohort, study_folder

#: ASTCT CRS table (Lee 2019; domain.md §2.1), written out again here: the grade each finding implies.
CRS_HYPOTENSION_GRADE = {"NONE": 1, "NO VASOPRESSOR": 2, "ONE VASOPRESSOR": 3, "MULTIPLE VASOPRESSORS": 4}
CRS_HYPOXIA_GRADE = {"NONE": 1, "LOW-FLOW": 2, "HIGH-FLOW": 3, "POSITIVE PRESSURE": 4}
#: ASTCT ICANS table (Lee 2019; domain.md §2.2).
CONSCIOUSNESS_GRADE = {
    "NORMAL": 0,
    "AWAKENS SPONTANEOUSLY": 1,
    "AWAKENS TO VOICE": 2,
    "AWAKENS TO TACTILE STIMULUS": 3,
    "UNAROUSABLE": 4,
}
SEIZURE_GRADE = {"NONE": 0, "RAPIDLY RESOLVING": 3, "PROLONGED OR REPETITIVE": 4}
MOTOR_GRADE = {"NONE": 0, "DEEP FOCAL WEAKNESS": 4}
OEDEMA_GRADE = {"NONE": 0, "FOCAL OEDEMA": 3, "DIFFUSE OEDEMA": 4}


def ice_grade(score: int) -> int:
    if score == 10:
        return 0
    if score >= 7:
        return 1
    if score >= 3:
        return 2
    return 3


def forms_for(name: str, size: int = 80, seed: int = 5):
    subjects, doses = cohort(name, size)
    forms = generate_event_forms(study_folder(name), subjects, doses, np.random.default_rng(seed))
    return {form.name: form.data for form in forms}, subjects, doses


@pytest.fixture(scope="module", params=["elra-jp-pms", "eque-cn-rws"])
def pages(request: pytest.FixtureRequest):
    return (request.param, *forms_for(request.param, size=300))


def test_crs_grade_matches_its_components(pages) -> None:
    _, forms, _, _ = pages
    crs = forms["crs"]
    assert len(crs) > 0
    expected = [
        max(CRS_HYPOTENSION_GRADE[hypotension], CRS_HYPOXIA_GRADE[hypoxia]) if temperature >= 38.0 else 0
        for temperature, hypotension, hypoxia in zip(crs["CRSTEMP"], crs["CRSHYPOT"], crs["CRSHYPOX"], strict=True)
    ]
    assert crs["CRSGR"].astype(int).tolist() == expected
    assert (crs["CRSTEMP"] >= 38.0).all(), "fever is required for every CRS grade"


def test_icans_grade_matches_its_domains() -> None:
    forms, _, _ = forms_for("eque-cn-rws", size=1500)
    icans = forms["icans"]
    assert len(icans) > 0
    expected = [
        max(ice_grade(ice), CONSCIOUSNESS_GRADE[cons], SEIZURE_GRADE[seiz], MOTOR_GRADE[motor], OEDEMA_GRADE[oedema])
        for ice, cons, seiz, motor, oedema in icans[
            ["ICANSICE", "ICANSCONS", "ICANSSEIZ", "ICANSMOTOR", "ICANSOEDEMA"]
        ].itertuples(index=False)
    ]
    assert icans["ICANSGR"].astype(int).tolist() == expected
    assert icans["ICANSICE"].between(0, 10).all()


def test_crs_onset_follows_the_nearest_preceding_dose_within_the_configured_window(pages) -> None:
    name, forms, _, doses = pages
    design = load_events_design(study_folder(name) / "events.yaml", study_language(study_folder(name)))
    for page, prefix, syndrome in (("crs", "CRS", design.crs), ("icans", "ICANS", design.icans)):
        onset = forms[page][["SUBJID", f"{prefix}STTIM"]].rename(columns={f"{prefix}STTIM": "onset"})
        onset = onset.sort_values("onset")
        given = doses[["SUBJID", "EXSTDTM"]].sort_values("EXSTDTM")
        given["number"] = given.groupby("SUBJID").cumcount() + 1
        nearest = pd.merge_asof(onset, given, left_on="onset", right_on="EXSTDTM", by="SUBJID", direction="backward")
        hours = (nearest["onset"] - nearest["EXSTDTM"]) / pd.Timedelta(hours=1)
        assert nearest["EXSTDTM"].notna().all()
        assert hours.between(syndrome.onset.min_hours, syndrome.onset.max_hours).all(), (page, hours.describe())
        assert set(nearest["number"]) <= set(syndrome.per_dose), "episodes follow only the configured doses"


def test_crs_resolves_before_the_next_dose() -> None:
    forms, _, doses = forms_for("elra-jp-pms", size=200)
    crs = forms["crs"].sort_values("CRSSTTIM")
    following = pd.merge_asof(
        crs,
        doses[["SUBJID", "EXSTDTM"]].sort_values("EXSTDTM"),
        left_on="CRSSTTIM",
        right_on="EXSTDTM",
        by="SUBJID",
        direction="forward",
        allow_exact_matches=False,
    )
    resolved = following["CRSENDAT"].notna() & following["EXSTDTM"].notna()
    assert (following.loc[resolved, "CRSENDAT"] <= following.loc[resolved, "EXSTDTM"].dt.normalize()).all()


def test_elranatamab_crs_is_frequent_and_mostly_low_grade() -> None:
    forms, subjects, _ = forms_for("elra-jp-pms", size=1000)
    share = forms["crs"]["SUBJID"].nunique() / len(subjects)
    assert 0.45 < share < 0.70
    assert (forms["crs"]["CRSGR"].astype(int) <= 2).mean() > 0.95


@pytest.mark.parametrize(
    ("hypotension", "hypoxia", "grade"),
    [
        ("NONE", "NONE", 1),
        ("NO VASOPRESSOR", "NONE", 2),
        ("NONE", "LOW-FLOW", 2),
        ("ONE VASOPRESSOR", "LOW-FLOW", 3),  # domain.md §2.1 example: single vasopressor + low-flow O2 = grade 3
        ("NO VASOPRESSOR", "POSITIVE PRESSURE", 4),
    ],
)
def test_crs_grade_examples(hypotension: str, hypoxia: str, grade: int) -> None:
    assert compute_crs_grade(np.array([38.6]), np.array([hypotension]), np.array([hypoxia])).tolist() == [grade]


def test_crs_grade_without_fever_is_zero() -> None:
    assert compute_crs_grade(np.array([37.4]), np.array(["ONE VASOPRESSOR"]), np.array(["NONE"])).tolist() == [0]


@pytest.mark.parametrize(
    ("ice", "consciousness", "seizure", "motor", "oedema", "grade"),
    [
        (10, "NORMAL", "NONE", "NONE", "NONE", 0),
        (8, "AWAKENS SPONTANEOUSLY", "NONE", "NONE", "NONE", 1),
        (5, "NORMAL", "NONE", "NONE", "NONE", 2),
        (9, "AWAKENS TO TACTILE STIMULUS", "NONE", "NONE", "NONE", 3),
        (0, "AWAKENS TO VOICE", "NONE", "NONE", "NONE", 3),  # ICE 0, awake (global aphasia) -> grade 3
        (0, "UNAROUSABLE", "NONE", "NONE", "NONE", 4),  # ICE 0 and unarousable -> grade 4
        (9, "NORMAL", "RAPIDLY RESOLVING", "NONE", "NONE", 3),
        (7, "NORMAL", "NONE", "DEEP FOCAL WEAKNESS", "NONE", 4),
        (6, "NORMAL", "NONE", "NONE", "FOCAL OEDEMA", 3),
    ],
)
def test_icans_grade_examples(ice: int, consciousness: str, seizure: str, motor: str, oedema: str, grade: int) -> None:
    result = compute_icans_grade(
        np.array([ice]), np.array([consciousness]), np.array([seizure]), np.array([motor]), np.array([oedema])
    )
    assert result.tolist() == [grade]
