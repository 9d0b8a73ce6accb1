"""Study-drug administrations derived from the latent course: one row per dose or CAR-T infusion.

Scheduled treatment: each phase's study days (responder phases use the first >=PR visit before the phase
start); doses of periodic phases are shifted by a small jitter or missed, explicit days (step-up doses) are
given as planned; only doses before end of treatment (or, when treatment is ongoing, on or before end of
observation and before death) are kept. Cell therapy: one infusion on day 1, dose = cells/kg x weight.
Times of day are clinic hours (08:30-17:00, 5-minute steps).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.simulate import sampling
from cdiscmm.simulate.course import Course
from cdiscmm.simulate.design import CollectionDesign
from cdiscmm.simulate.design_treatment import CellTherapy, Phase, Scheduled

#: Dose factors applied when the actual dose differs from the planned one.
DOSE_CHANGE_FACTORS = np.array([0.5, 0.75])
#: Unit of the administered dose per planned unit.
ADMINISTERED_UNIT = {"mg": "mg", "mg/kg": "mg"}


def _clock(rng: np.random.Generator, size: int) -> np.ndarray:
    """Minutes after midnight in clinic hours."""
    return 510 + 5 * rng.integers(0, 103, size)


def _phase_days(phase: Phase) -> tuple[np.ndarray, np.ndarray]:
    if phase.days is not None:
        days = np.array(phase.days)
    else:
        days = np.arange(phase.start_day, phase.end_day + 1, phase.every_days)
    dose = np.broadcast_to(np.asarray(phase.dose, dtype=float), days.shape)
    return days, dose


def _scheduled(treatment: Scheduled, course: Course, rng: np.random.Generator) -> pd.DataFrame:
    subjects = course.subjects
    n = len(subjects)
    response_day = subjects["response_day"].to_numpy()
    pd_day = subjects["pd_day"].fillna(np.inf).to_numpy()
    parts = []
    for phase in treatment.phases:
        days, dose = _phase_days(phase)
        responder = (response_day < days.min()) & (pd_day >= days.min())
        eligible = {"all": np.ones(n, bool), "responders": responder, "non_responders": ~responder}[phase.when]
        count = int(eligible.sum())
        subject = np.repeat(np.flatnonzero(eligible), days.size)
        parts.append(
            pd.DataFrame(
                {
                    "subject": subject,
                    "planned_day": np.tile(days, count),
                    "planned": np.tile(dose, count),
                    "fixed": phase.days is not None,
                }
            )
        )
    doses = pd.concat(parts, ignore_index=True).sort_values(["subject", "planned_day"], kind="stable")
    m = len(doses)
    jitter = rng.integers(-treatment.jitter_days, treatment.jitter_days + 1, m)
    fixed = doses["fixed"].to_numpy(dtype=bool)
    day = np.where(fixed, doses["planned_day"].to_numpy(), doses["planned_day"].to_numpy() + jitter)
    subject = doses["subject"].to_numpy()
    limit = np.where(
        subjects["stopped"].to_numpy(),
        subjects["stop_day"].to_numpy() - 1,
        np.fmin(subjects["eos_day"].to_numpy(), subjects["death_day"].fillna(np.inf).to_numpy() - 1),
    )
    missed = (rng.random(m) < treatment.missed_dose_rate) & ~fixed
    keep = (day <= limit[subject]) & ~missed
    weight = subjects["WEIGHT"].to_numpy()[subject]
    per_kg = treatment.dose_unit == "mg/kg"
    changed = rng.random(m) < treatment.dose_change_rate
    factor = np.where(changed, DOSE_CHANGE_FACTORS[rng.integers(0, DOSE_CHANGE_FACTORS.size, m)], 1.0)
    planned = doses["planned"].to_numpy()
    actual = np.round(planned * factor * (weight if per_kg else 1.0), 0 if per_kg else 1)
    frame = pd.DataFrame(
        {
            "subject": subject,
            "study_day": day,
            "minute": _clock(rng, m),
            "EXTRT": treatment.drug,
            "planned": planned,
            "planned_unit": treatment.dose_unit,
            "EXDOSE": actual,
            "EXDOSU": ADMINISTERED_UNIT[treatment.dose_unit],
            "route": treatment.route,
            "weight": weight if per_kg else np.nan,
            "changed": changed,
            "change_reason": rng.integers(0, 3, m),
        }
    )
    if treatment.partner_regimens:
        partner = sampling.categories(rng, treatment.partner_regimens, n)
        frame["partner"] = partner[subject]
    return frame[keep].reset_index(drop=True)


def _infusions(treatment: CellTherapy, course: Course, rng: np.random.Generator) -> pd.DataFrame:
    subjects = course.subjects
    n = len(subjects)
    per_kg = np.round(sampling.normal(rng, treatment.dose_per_kg, n), 2)
    weight = subjects["WEIGHT"].to_numpy()
    return pd.DataFrame(
        {
            "subject": np.arange(n),
            "study_day": 1,
            "minute": _clock(rng, n),
            "EXTRT": treatment.product,
            "planned": treatment.dose_per_kg.mean,
            "planned_unit": "10^6 cells/kg",
            "EXDOSE": np.round(per_kg * weight, 1),
            "EXDOSU": "10^6 cells",
            "route": treatment.route,
            "weight": weight,
            "per_kg": per_kg,
        }
    )


def simulate_doses(design: CollectionDesign, course: Course, rng: np.random.Generator) -> pd.DataFrame:
    """One row per administration with ``subject`` (row of course.subjects), study day, minute and dose."""
    treatment = design.treatment
    if isinstance(treatment, CellTherapy):
        frame = _infusions(treatment, course, rng)
    else:
        frame = _scheduled(treatment, course, rng)
    subjects = course.subjects
    index_day = subjects["index_day"].to_numpy()[frame["subject"].to_numpy()]
    minutes = (index_day + frame["study_day"].to_numpy() - 1) * 1440.0 + frame["minute"].to_numpy()
    frame.insert(0, "SUBJID", subjects["SUBJID"].to_numpy()[frame["subject"].to_numpy()])
    frame.insert(1, "EXSTDTM", sampling.to_datetime(minutes / 1440.0).dt.round("min").to_numpy())
    return frame


def doses_contract(doses: pd.DataFrame) -> pd.DataFrame:
    """The ``doses`` frame of the event-form contract (SUBJID, EXSTDTM, EXTRT, EXDOSE, EXDOSU)."""
    return doses[["SUBJID", "EXSTDTM", "EXTRT", "EXDOSE", "EXDOSU"]].copy()
