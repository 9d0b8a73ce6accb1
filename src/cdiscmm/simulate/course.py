"""The latent course of each subject, simulated before any form so that every form tells the same story.

Per subject (vectorised over subjects; study day 1 = index date = first dose or CAR-T infusion), after the
population (``population``) and the disease history (``history``):

1. best response category B (design mix) with time to first response and to best response;
2. latent progression time: exponential with the design's median per B, counted from best response;
3. response visits (scheduled day +/- window; some not done, some not evaluable). Observed PD is the first
   evaluable visit on or after latent progression, confirmed by the next visit (IMWG: two consecutive
   assessments, Kumar 2016; domain reference §1.3);
4. death: early deaths, a pre-progression hazard and survival after observed PD;
5. end of observation: planned end, death, loss to follow-up or withdrawal (counted from consent);
6. end of study treatment (PD, adverse event, other reasons, death) and the next anti-myeloma therapy;
7. visits kept: on or before end of observation, before death and new therapy, up to the PD confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cdiscmm.simulate import sampling
from cdiscmm.simulate.codelists import RESPONDER_MIN_LEVEL, RESPONSE_LEVELS
from cdiscmm.simulate.design import CollectionDesign
from cdiscmm.simulate.design_treatment import CellTherapy
from cdiscmm.simulate.history import simulate_disease, simulate_prior_lines
from cdiscmm.simulate.population import simulate_population

#: Columns of the ``subjects`` frame handed to the event-form generator (the contract in the brief).
SUBJECT_CONTRACT: tuple[str, ...] = (
    "STUDYID",
    "SITEID",
    "SUBJID",
    "COUNTRY",
    "AGE",
    "SEX",
    "WEIGHT",
    "INDEXDT",
    "EOSDT",
    "DTHDT",
    "PDDT",
    "BESTRESP",
    "RESPDT",
    "ENRLTYP",
)

PD, SD, MR, PR = (RESPONSE_LEVELS.index(name) for name in ("PD", "SD", "MR", "PR"))
#: Level of a visit that is not evaluable (NE) or not done.
NOT_EVALUABLE = -1
#: Share of the time to first response at which responders show a minimal response.
MR_BEFORE_RESPONSE = 0.6


@dataclass
class Course:
    """The latent course: one row per subject, per kept response visit, per prior line of therapy."""

    subjects: pd.DataFrame
    visits: pd.DataFrame
    lines: pd.DataFrame


def _response_times(design: CollectionDesign, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    outcome = design.outcome
    best_name = sampling.categories(rng, outcome.best_response, n)
    best = pd.Index(RESPONSE_LEVELS).get_indexer(best_name)
    t_resp = np.where(best >= MR, sampling.lognormal(rng, outcome.time_to_response_days, n), np.inf)
    deeper = best > PR
    t_best = np.where(deeper, t_resp + sampling.lognormal(rng, outcome.time_to_best_days, n), t_resp)
    medians = np.array([outcome.progression_median_days.get(level, np.inf) for level in RESPONSE_LEVELS])[best]
    anchor = np.where(np.isfinite(t_best), t_best, 0.0)
    t_pd = np.where(best == PD, 1.0, anchor + sampling.exponential_days(rng, medians, n))
    return {"best": best, "t_resp": t_resp, "t_best": t_best, "t_pd": t_pd}


def _visit_grid(design: CollectionDesign, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    spec = design.assessments
    planned = np.array([visit.day for visit in spec.visits])
    day = planned[None, :] + rng.integers(-spec.window_days, spec.window_days + 1, (n, planned.size))
    day = np.maximum(day, 2)
    not_done = rng.random(day.shape) < spec.not_done_rate
    not_evaluable = ~not_done & (rng.random(day.shape) < spec.not_evaluable_rate)
    return {"day": day, "not_done": not_done, "not_evaluable": not_evaluable}


def _first_true(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: index of the first True column and whether there is one."""
    return mask.argmax(axis=1), mask.any(axis=1)


def _levels(times: dict[str, np.ndarray], day: np.ndarray) -> np.ndarray:
    """Response level at each visit day before progression (monotone non-decreasing in time)."""
    best, t_resp, t_best = times["best"][:, None], times["t_resp"][:, None], times["t_best"][:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.clip(np.where(t_best > t_resp, (day - t_resp) / (t_best - t_resp), 1.0), 0.0, 1.0)
    rising = PR + np.floor((best - PR) * fraction).astype(np.int64)
    level = np.where(day >= t_resp, np.where(best >= PR, rising, best), SD)
    early_mr = (best >= PR) & (day >= MR_BEFORE_RESPONSE * t_resp) & (day < t_resp)
    level = np.where(early_mr, MR, level)
    return np.where(best == PD, PD, level)


@dataclass
class Timeline:
    """Per subject, the study days of the course's events (``inf``: does not happen) and their reasons."""

    pd_index: np.ndarray
    pd_day: np.ndarray
    pd_observed: np.ndarray
    death_day: np.ndarray
    died: np.ndarray
    consent_day: np.ndarray
    eos_day: np.ndarray
    eos_reason: np.ndarray
    stopped: np.ndarray
    stop_day: np.ndarray
    stop_reason: np.ndarray
    new_day: np.ndarray


def _death_day(design: CollectionDesign, rng: np.random.Generator, n: int, pd_day: np.ndarray) -> np.ndarray:
    """Step 4: the earliest of an early death, a pre-progression death and death after observed PD."""
    death = design.outcome.death
    early = np.where(rng.random(n) < death.early_fraction, rng.uniform(2, death.early_window_days, n), np.inf)
    before_pd = sampling.yearly_rate_days(rng, death.pre_progression_yearly, n)
    after_pd = pd_day + sampling.exponential_days(rng, death.post_progression_median_days, n)
    return np.ceil(np.minimum.reduce([early, before_pd, after_pd]))


def _end_of_observation(
    design: CollectionDesign, rng: np.random.Generator, frame: pd.DataFrame, death_day: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 5: consent day, the reason index (planned end, death, lost, withdrawn) and day of end of observation."""
    n = len(frame)
    outcome = design.outcome
    consent_day = (frame["consent_day"] - frame["index_day"]).to_numpy() + 1
    dropout_from = np.maximum(consent_day, 1)
    lost = np.ceil(dropout_from + sampling.yearly_rate_days(rng, outcome.lost_to_follow_up_yearly, n))
    withdraw = np.ceil(dropout_from + sampling.yearly_rate_days(rng, outcome.withdrawal_yearly, n))
    ends = np.vstack([np.full(n, float(design.observation_days)), death_day, lost, withdraw])
    return consent_day, ends.argmin(axis=0), ends.min(axis=0)


def _treatment_stop(
    design: CollectionDesign, rng: np.random.Generator, pd_day: np.ndarray, death_day: np.ndarray, eos_day: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 6a: whether, when and why study treatment stops (never for a one-off CAR-T infusion)."""
    n = len(pd_day)
    outcome = design.outcome
    stop_ae = np.ceil(1 + sampling.yearly_rate_days(rng, outcome.stop_for_adverse_event_yearly, n))
    stop_other = np.ceil(1 + sampling.yearly_rate_days(rng, outcome.stop_other_yearly, n))
    cell_therapy = isinstance(design.treatment, CellTherapy)
    stops = np.vstack([pd_day, stop_ae, stop_other, death_day])
    stop_reason = np.array(["PD", "AE", "OTHER", "DEATH"], dtype=object)[stops.argmin(axis=0)]
    stop_day = stops.min(axis=0)
    stopped = (stop_day <= eos_day) & (not cell_therapy)
    patient_choice = (stop_reason == "OTHER") & (rng.random(n) < 0.5)
    stop_reason = np.where(patient_choice, "PAT", np.where(stop_reason == "OTHER", "PHYS", stop_reason))
    return stopped, stop_day, stop_reason


def _new_therapy_day(
    design: CollectionDesign, rng: np.random.Generator, timeline: Timeline, stopped: np.ndarray
) -> np.ndarray:
    """Step 6b: the next anti-myeloma therapy after observed PD or another stop, within observation and life."""
    n = len(stopped)
    therapy = design.outcome.subsequent_therapy
    delay = np.ceil(sampling.lognormal(rng, therapy.delay_days, n))
    after_progression = timeline.pd_observed & (rng.random(n) < therapy.after_progression)
    reason = timeline.stop_reason
    after_other = stopped & (reason != "PD") & (reason != "DEATH") & (rng.random(n) < therapy.after_other_stop)
    new_day = np.where(
        after_progression, timeline.pd_day + delay, np.where(after_other, timeline.stop_day + delay, np.inf)
    )
    return np.where((new_day <= timeline.eos_day) & (new_day < timeline.death_day), new_day, np.inf)


def _timeline(
    design: CollectionDesign,
    rng: np.random.Generator,
    frame: pd.DataFrame,
    grid: dict[str, np.ndarray],
    times: dict[str, np.ndarray],
) -> Timeline:
    """Steps 3-6: observed PD, death, end of observation, end of treatment and new therapy (draws in this order)."""
    n = len(frame)
    day = grid["day"]
    evaluable = ~grid["not_done"] & ~grid["not_evaluable"]
    pd_index, has_pd = _first_true(evaluable & (day >= times["t_pd"][:, None]))
    pd_day = np.where(has_pd, day[np.arange(n), pd_index], np.inf)
    death_day = _death_day(design, rng, n, pd_day)
    consent_day, eos_reason, eos_day = _end_of_observation(design, rng, frame, death_day)
    died = eos_reason == 1
    pd_observed = has_pd & (pd_day <= eos_day) & (pd_day < death_day)
    pd_day = np.where(pd_observed, pd_day, np.inf)
    stopped, stop_day, stop_reason = _treatment_stop(design, rng, pd_day, np.where(died, death_day, np.inf), eos_day)
    timeline = Timeline(
        pd_index, pd_day, pd_observed, death_day, died, consent_day, eos_day, eos_reason, stopped, stop_day,
        stop_reason, np.full(n, np.inf),
    )  # fmt: skip
    timeline.new_day = _new_therapy_day(design, rng, timeline, stopped)
    return timeline


def _kept_visits(grid: dict[str, np.ndarray], times: dict[str, np.ndarray], timeline: Timeline) -> pd.DataFrame:
    """Step 7: the visits kept (within observation, before death and new therapy, up to the PD confirmation)."""
    day = grid["day"]
    evaluable = ~grid["not_done"] & ~grid["not_evaluable"]
    columns = np.arange(day.shape[1])[None, :]
    pd_observed, pd_index = timeline.pd_observed, timeline.pd_index
    confirm_limit = np.where(pd_observed, pd_index + 1, day.shape[1])
    keep = (day <= timeline.eos_day[:, None]) & (day < timeline.death_day[:, None]) & (day < timeline.new_day[:, None])
    keep &= columns <= confirm_limit[:, None]
    level = np.where(pd_observed[:, None] & (columns >= pd_index[:, None]), PD, _levels(times, day))
    level = np.where(evaluable, level, NOT_EVALUABLE)
    rows, cols = np.nonzero(keep)
    return pd.DataFrame(
        {
            "subject": rows,
            "visit_index": cols,
            "study_day": day[rows, cols],
            "level": level[rows, cols],
            "not_done": grid["not_done"][rows, cols],
        }
    )


def _finite(values: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(values), values, np.nan)


def _add_outcomes(frame: pd.DataFrame, timeline: Timeline, visits: pd.DataFrame) -> pd.DataFrame:
    """The subjects with their dates (contract columns) and the latent days the forms read."""
    n = len(frame)
    scored = visits[visits["level"] >= 0]
    best_seen = scored.groupby("subject")["level"].max().reindex(range(n))
    response_day = scored[scored["level"] >= RESPONDER_MIN_LEVEL].groupby("subject")["study_day"].min()
    index_day = frame["index_day"].to_numpy().astype(float)

    def on_day(study_day: np.ndarray) -> pd.Series:
        return sampling.to_datetime(index_day + np.asarray(study_day, dtype=float) - 1)

    died, death_day = timeline.died, timeline.death_day
    frame["INDEXDT"] = on_day(np.ones(n))
    frame["EOSDT"] = on_day(timeline.eos_day)
    frame["DTHDT"] = on_day(np.where(died, death_day, np.nan))
    frame["PDDT"] = on_day(_finite(timeline.pd_day))
    frame["BESTRESP"] = np.array([*RESPONSE_LEVELS, "NE"], dtype=object)[best_seen.fillna(-1).astype(int).to_numpy()]
    frame["RESPDT"] = on_day(response_day.reindex(range(n)).to_numpy(dtype=float))
    frame["EOSREAS"] = np.array(["COMPLETED", "DEATH", "LOST", "WITHDRAW"], dtype=object)[timeline.eos_reason]
    frame["eos_day"] = timeline.eos_day
    frame["death_day"] = np.where(died, death_day, np.nan)
    frame["pd_day"] = _finite(timeline.pd_day)
    frame["response_day"] = response_day.reindex(range(n)).to_numpy(dtype=float)
    frame["stopped"] = timeline.stopped
    frame["stop_day"] = np.where(timeline.stopped, timeline.stop_day, np.nan)
    frame["stop_reason"] = np.where(timeline.stopped, timeline.stop_reason, "")
    frame["new_therapy_day"] = _finite(timeline.new_day)
    frame["consent_study_day"] = timeline.consent_day
    frame["waiver"] = (frame["ENRLTYP"] == "RETRO").to_numpy() & died & (death_day < timeline.consent_day)
    return frame


def simulate_course(design: CollectionDesign, studyid: str, n: int, rng: np.random.Generator) -> Course:
    """Simulate population, response, progression, death, dropout, treatment end and next therapy (the steps of
    the module docstring, drawn in that order so a seed gives the same course)."""
    frame = simulate_population(design, studyid, n, rng)
    frame = pd.concat([frame, simulate_disease(design, rng, n)], axis=1)
    diagnosis_day, lines = simulate_prior_lines(design, rng, n)
    frame["diagnosis_day"] = diagnosis_day
    frame["prior_lines"] = lines.groupby("subject").size().to_numpy()
    times = _response_times(design, rng, n)
    grid = _visit_grid(design, rng, n)
    timeline = _timeline(design, rng, frame, grid, times)
    visits = _kept_visits(grid, times, timeline)
    return Course(subjects=_add_outcomes(frame, timeline, visits), visits=visits, lines=lines)


def subjects_contract(course: Course) -> pd.DataFrame:
    """The ``subjects`` frame of the event-form contract (one row per subject)."""
    return course.subjects[list(SUBJECT_CONTRACT)].copy()
