"""What the core generator hands to the event-form generator: the ``subjects`` and ``doses`` contract."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cdiscmm.metadata.study import select_studies
from cdiscmm.simulate import events
from cdiscmm.simulate.forms import Field, Form
from cdiscmm.simulate.generate import generate_study

SUBJECT_COLUMNS = [
    "STUDYID", "SITEID", "SUBJID", "COUNTRY", "AGE", "SEX", "WEIGHT", "INDEXDT",
    "EOSDT", "DTHDT", "PDDT", "BESTRESP", "RESPDT", "ENRLTYP",
]  # fmt: skip


def empty_event_forms() -> list[Form]:
    """Event forms without rows, with the fields the designs' defect sections name."""
    shapes = {"ae": ("AETERM", "AESTDAT", "AEENDAT"), "ho": ("HOREAS", "HOSTDAT", "HOENDAT")}
    forms = []
    for name, (text, start, end) in shapes.items():
        fields = [Field(text, "Term", "text"), Field(start, "Start", "date"), Field(end, "End", "date")]
        data = pd.DataFrame(
            {
                text: pd.Series(dtype=object),
                start: pd.Series(dtype="datetime64[s]"),
                end: pd.Series(dtype="datetime64[s]"),
            }
        )
        forms.append(Form(name=name, label=name, fields=fields, data=data))
    return forms


@pytest.fixture
def received(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Replace the event generator by a recorder that returns no forms."""
    seen: dict[str, object] = {}

    def record(study_folder: Path, subjects: pd.DataFrame, doses: pd.DataFrame, rng: np.random.Generator) -> list:
        seen.update(folder=study_folder, subjects=subjects, doses=doses, draw=rng.random())
        return empty_event_forms()

    monkeypatch.setattr(events, "generate_event_forms", record)
    return seen


@pytest.mark.parametrize("studyid", ["ELRA-JP-PMS", "EQUE-CN-RWS"])
def test_subjects_and_doses_follow_the_contract(received: dict[str, object], tmp_path: Path, studyid: str) -> None:
    study = select_studies([studyid])[0]
    generate_study(study, tmp_path, 30, 9)
    subjects = received["subjects"]
    doses = received["doses"]
    assert isinstance(subjects, pd.DataFrame) and isinstance(doses, pd.DataFrame)
    assert list(subjects.columns) == SUBJECT_COLUMNS and subjects["SUBJID"].is_unique and len(subjects) == 30
    for column in ("INDEXDT", "EOSDT", "DTHDT", "PDDT", "RESPDT"):
        assert pd.api.types.is_datetime64_any_dtype(subjects[column]), column
    assert set(subjects["SEX"]) <= {"M", "F"} and subjects["WEIGHT"].dtype == float
    assert (subjects["EOSDT"] >= subjects["INDEXDT"]).all()
    dead = subjects["DTHDT"].notna()
    assert (subjects.loc[dead, "DTHDT"] == subjects.loc[dead, "EOSDT"]).all()
    assert list(doses.columns) == ["SUBJID", "EXSTDTM", "EXTRT", "EXDOSE", "EXDOSU"]
    assert pd.api.types.is_datetime64_any_dtype(doses["EXSTDTM"])
    first = doses.groupby("SUBJID")["EXSTDTM"].min().dt.floor("D")
    assert (first == subjects.set_index("SUBJID")["INDEXDT"].reindex(first.index)).all()
    assert received["folder"] == study.folder


def test_event_draws_do_not_shift_core_forms(
    received: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    study = select_studies(["ISA-OBS-RRMM"])[0]
    generate_study(study, tmp_path / "a", 20, 9)

    def draw_a_lot(folder: Path, subjects: pd.DataFrame, doses: pd.DataFrame, rng: np.random.Generator) -> list:
        rng.random(10_000)
        return empty_event_forms()

    monkeypatch.setattr(events, "generate_event_forms", draw_a_lot)
    generate_study(study, tmp_path / "b", 20, 9)
    for name in ("dm.csv", "rs.csv", "lbmm.csv", "ex.csv", "defects.csv"):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes(), name
