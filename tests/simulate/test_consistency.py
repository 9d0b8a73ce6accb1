"""The forms tell one story: no assessment after death or end of study, labs consistent with IMWG response."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cdiscmm.io.collected import read_form
from cdiscmm.simulate.render import parse_date

STUDIES = ("ELRA-JP-PMS", "EQUE-CN-RWS", "ISA-OBS-RRMM")


def _clean(folder: Path, form: str) -> pd.DataFrame:
    """The form without rows touched by an injected defect (so the latent truth shows)."""
    frame = read_form(folder, form)
    defects = pd.read_csv(folder / "defects.csv", dtype=str, keep_default_na=False)
    touched = set(defects.loc[(defects["FORM"] == form) & (defects["ROW"] != ""), "ROW"].astype(int))
    duplicates = defects.loc[(defects["FORM"] == form) & (defects["DEFECT"] == "DUPLICATE_ROW"), "ORIGINAL"]
    touched |= set(duplicates.astype(int))
    return frame[~frame["RAWROW"].isin(touched) & (frame.get("VISIT", "") != "UNSCHEDULED")]


def _last_day(folder: Path) -> pd.Series:
    eos = _clean(folder, "eos").set_index("SUBJID")
    death = _clean(folder, "dth").set_index("SUBJID")
    last = pd.Series(parse_date(eos["EOSDAT"]), index=eos.index)
    died = pd.Series(parse_date(death["DTHDAT"]), index=death.index).reindex(last.index)
    return pd.Series(np.fmin(last.to_numpy(), died.to_numpy()), index=last.index)


@pytest.mark.parametrize("studyid", STUDIES)
def test_no_assessment_after_death_or_end_of_study(generated: dict[str, Path], studyid: str) -> None:
    folder = generated[studyid]
    last = _last_day(folder)
    for form, field in (("rs", "RSDAT"), ("lbmm", "LBDAT"), ("surv", "SVDAT")):
        frame = _clean(folder, form)
        day = parse_date(frame[field])
        limit = last.reindex(frame["SUBJID"]).to_numpy()
        known = np.isfinite(day) & np.isfinite(limit)
        assert (day[known] <= limit[known]).all(), form


@pytest.mark.parametrize("studyid", STUDIES)
def test_death_date_matches_end_of_study_and_final_survival_status(generated: dict[str, Path], studyid: str) -> None:
    folder = generated[studyid]
    death = _clean(folder, "dth").set_index("SUBJID")["DTHDAT"]
    eos = _clean(folder, "eos").set_index("SUBJID")
    both = death.index.intersection(eos.index)
    assert (eos.loc[both, "EOSDAT"] == death.loc[both]).all()
    assert (eos.loc[both, "EOSREAS"] == "DEATH").all()
    final = _clean(folder, "surv").groupby("SUBJID")["SVSTAT"].last()
    assert (final.reindex(both).dropna() == "DEAD").all()


def _subjects_with_response_defects(folder: Path) -> set[str]:
    """Subjects with a dropped, inserted or changed response visit: their nadir may be missing from the data."""
    defects = pd.read_csv(folder / "defects.csv", dtype=str, keep_default_na=False)
    mine = defects[defects["FORM"].isin(["rs", "lbmm"])]
    dropped = mine["ORIGINAL"].str.extract(r"SUBJID=([^;]+);")[0].dropna()
    subjects = set(dropped)
    for form in ("rs", "lbmm"):
        frame = read_form(folder, form)
        rows = set(mine.loc[(mine["FORM"] == form) & (mine["ROW"] != ""), "ROW"].astype(int))
        subjects |= set(frame.loc[frame["RAWROW"].isin(rows), "SUBJID"].str.strip())
    return subjects


def _joined(folder: Path) -> pd.DataFrame:
    rs = _clean(folder, "rs")
    labs = _clean(folder, "lbmm")
    mmdx = _clean(folder, "mmdx").set_index("SUBJID")["MMTYPE"]
    baseline = labs[labs["VISIT"] == "BASELINE"].set_index("SUBJID")
    visits = rs[rs["RSND"] == "N"].merge(labs, on=["SUBJID", "VISIT"], suffixes=("", "_LB"))
    visits = visits[visits["SUBJID"].isin(baseline.index) & visits["SUBJID"].isin(mmdx.index)]
    visits["MMTYPE"] = mmdx.reindex(visits["SUBJID"]).to_numpy()
    for column in ("SMPROT", "SFLCK", "SFLCL", "UMPROT"):
        visits[f"{column}0"] = pd.to_numeric(baseline[column].reindex(visits["SUBJID"]), errors="coerce").to_numpy()
        visits[column] = pd.to_numeric(visits[column], errors="coerce")
    kappa = visits["MMTYPE"].str.endswith("_K")
    visits["INVOLVED"] = np.where(kappa, visits["SFLCK"], visits["SFLCL"])
    visits["INVOLVED0"] = np.where(kappa, visits["SFLCK0"], visits["SFLCL0"])
    return visits


@pytest.mark.parametrize("studyid", STUDIES)
def test_labs_are_consistent_with_the_reported_response(generated: dict[str, Path], studyid: str) -> None:
    visits = _joined(generated[studyid])
    secretory = ~visits["MMTYPE"].str.startswith("LC_")
    reduction = 1 - visits["SMPROT"] / visits["SMPROT0"]
    flc_reduction = 1 - (visits["INVOLVED"] - 15) / (visits["INVOLVED0"] - 15)
    measure = np.where(secretory, reduction, flc_reduction)
    result = visits["RSORRES"]
    checked = 0
    for category, (low, high) in {"SD": (0.0, 0.25), "MR": (0.25, 0.5), "PR": (0.5, 0.9), "VGPR": (0.9, 1.0)}.items():
        rows = (result == category) & np.isfinite(measure)
        assert ((measure[rows] >= low - 1e-9) & (measure[rows] < high)).all(), category
        assert (visits.loc[rows, "SIFE"] == "POS").all()
        checked += int(rows.sum())
    complete = result.isin(["CR", "sCR"])
    assert (visits.loc[complete, "SIFE"] == "NEG").all() and (visits.loc[complete, "UIFE"] == "NEG").all()
    assert (visits.loc[complete & secretory, "SMPROT"] == 0).all()
    stringent = result == "sCR"
    ratio = visits.loc[stringent, "SFLCK"] / visits.loc[stringent, "SFLCL"]
    assert ratio.between(0.26, 1.65).all()
    assert checked > 20


@pytest.mark.parametrize("studyid", STUDIES)
def test_progression_is_a_rise_from_the_nadir(generated: dict[str, Path], studyid: str) -> None:
    visits = _joined(generated[studyid])
    visits = visits[~visits["SUBJID"].isin(_subjects_with_response_defects(generated[studyid]))]
    secretory = ~visits["MMTYPE"].str.startswith("LC_")
    value = np.where(secretory, visits["SMPROT"], visits["INVOLVED"])
    start = np.where(secretory, visits["SMPROT0"], visits["INVOLVED0"])
    visits = visits.assign(VALUE=value, START=start, SECRETORY=secretory)
    checked = 0
    for _, subject in visits.groupby("SUBJID"):
        progressed = np.flatnonzero((subject["RSORRES"] == "PD").to_numpy())
        if progressed.size == 0 or not np.isfinite(subject["VALUE"].iloc[progressed[0]]):
            continue
        before = subject["VALUE"].iloc[: progressed[0]]
        nadir = np.nanmin([subject["START"].iloc[0], *before])
        rise = subject["VALUE"].iloc[progressed[0]]
        minimum = 0.5 if subject["SECRETORY"].iloc[0] else 100.0
        assert rise >= 1.25 * nadir - 1e-9 and rise - nadir >= minimum - 1e-9
        checked += 1
    assert checked > 0
