"""Myeloma response labs consistent with the IMWG category of each visit (Kumar 2016; domain reference §1.1).

Each evaluable visit before progression gets a score = level + u (u uniform in [0, 1)); the score is made
non-decreasing per subject (cumulative maximum), so values never worsen before PD and no spurious PD arises.
``u`` places the reduction from baseline inside the category's band, kept clear of the thresholds:

===========  ========================  ==============================  =====================
category     serum M / dFLC reduction  urine M-protein                 immunofixation
===========  ========================  ==============================  =====================
SD           3-18 %                    same reduction                  positive
MR           27-47 %                   52-87 % reduction               positive
PR           52-87 %                   >= 91 % reduction or < 190 mg   positive
VGPR         91-98 %                   < 95 mg/24 h                    positive
CR / sCR     100 % (not detected)      0                               negative (serum, urine)
===========  ========================  ==============================  =====================

Light-chain-only myeloma has no measurable serum M-protein (recorded as 0): the involved free light chain
carries the response. sCR has a normal kappa/lambda ratio (0.26-1.65); CR keeps an abnormal ratio (so CR and
sCR differ in the data). Bone-marrow
plasma cells are recorded at baseline (as on mmdx) and at the first visit in CR (< 5 %) or sCR (<= 2 %).
PD: >= 25 % increase from the nadir with >= 0.5 g/dL absolute (serum) or > 100 mg/L (dFLC), urine +200 mg;
the confirming visit rises further. Not-evaluable visits lack the serum M-protein (or FLC) result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.simulate.codelists import RESPONSE_LEVELS
from cdiscmm.simulate.course import NOT_EVALUABLE, PD, Course

CR = RESPONSE_LEVELS.index("CR")
SCR = RESPONSE_LEVELS.index("sCR")
#: Reduction band per level (PD has none; CR and sCR are complete).
SERUM_BAND = {1: (0.03, 0.18), 2: (0.27, 0.47), 3: (0.52, 0.87), 4: (0.91, 0.98), 5: (1.0, 1.0), 6: (1.0, 1.0)}
URINE_BAND = {1: (0.03, 0.18), 2: (0.52, 0.87), 3: (0.91, 0.97), 4: (0.97, 0.99), 5: (1.0, 1.0), 6: (1.0, 1.0)}
URINE_CAP = {3: 190.0, 4: 95.0}
#: Normal free light chain levels (mg/L) used for the uninvolved chain and for sCR.
NORMAL_KAPPA, NORMAL_LAMBDA = 12.0, 15.0
SUPPRESSED_UNINVOLVED = 4.0


def _band(level: np.ndarray, u: np.ndarray, bands: dict[int, tuple[float, float]]) -> np.ndarray:
    low = np.array([bands.get(k, (0.0, 0.0))[0] for k in range(len(RESPONSE_LEVELS))])[level]
    high = np.array([bands.get(k, (0.0, 0.0))[1] for k in range(len(RESPONSE_LEVELS))])[level]
    return low + (high - low) * u


def response_labs(course: Course, rng: np.random.Generator) -> pd.DataFrame:
    """Lab values for every kept, done visit of ``course.visits`` (same row order, not-done visits dropped)."""
    visits = course.visits[~course.visits["not_done"]].reset_index(drop=True)
    subjects = course.subjects
    subject = visits["subject"].to_numpy()
    level = visits["level"].to_numpy()
    m = len(visits)
    before_pd = level > PD
    score = pd.Series(np.where(before_pd, level + rng.random(m) * 0.999, np.nan))
    score = score.groupby(subject).cummax().groupby(subject).ffill().fillna(1.0).to_numpy()
    score = np.where(level == PD, np.nan, score)
    held = np.where(np.isnan(score), 1, np.floor(score)).astype(np.int64)
    u = np.where(np.isnan(score), 0.0, score - held)

    serum0 = subjects["serum0"].to_numpy()[subject]
    urine0 = subjects["urine0"].to_numpy()[subject]
    involved0 = subjects["involved_flc0"].to_numpy()[subject]
    kappa = subjects["kappa"].to_numpy()[subject]
    normal_involved = np.where(kappa, NORMAL_KAPPA, NORMAL_LAMBDA)
    normal_uninvolved = np.where(kappa, NORMAL_LAMBDA, NORMAL_KAPPA)

    reduction = _band(held, u, SERUM_BAND)
    serum = serum0 * (1 - reduction)
    cap = np.select([held == level_cap for level_cap in URINE_CAP], list(URINE_CAP.values()), np.inf)
    urine = np.minimum(urine0 * (1 - _band(held, u, URINE_BAND)), cap)
    involved = normal_involved + (involved0 - normal_involved) * (1 - reduction)
    uninvolved = SUPPRESSED_UNINVOLVED + (normal_uninvolved - SUPPRESSED_UNINVOLVED) * reduction

    is_pd = level == PD
    first_pd = is_pd & ~pd.Series(is_pd).groupby(subject).shift(1, fill_value=False).to_numpy()
    step = np.where(first_pd, 1.0, rng.uniform(1.05, 1.2, m))
    previous = pd.DataFrame({"serum": serum, "urine": urine, "involved": involved})
    previous.loc[is_pd] = np.nan
    previous = previous.groupby(subject).ffill()
    nadir_serum = previous["serum"].fillna(pd.Series(serum0)).to_numpy()
    nadir_urine = previous["urine"].fillna(pd.Series(urine0)).to_numpy()
    nadir_involved = previous["involved"].fillna(pd.Series(involved0)).to_numpy()
    rise = rng.uniform(1.3, 1.8, m)
    serum_pd = np.maximum(nadir_serum * rise, nadir_serum + rng.uniform(0.6, 1.2, m)) * step
    urine_pd = np.where(urine0 >= 200, np.maximum(nadir_urine * rise, nadir_urine + 250), nadir_urine) * step
    involved_pd = np.maximum(nadir_involved * rise, nadir_involved + rng.uniform(150, 400, m)) * step
    light_chain = subjects["light_chain_only"].to_numpy()[subject]
    serum = np.where(is_pd, np.where(light_chain, 0.0, serum_pd), np.where(light_chain, 0.0, serum))
    urine = np.where(is_pd, urine_pd, urine)
    involved = np.where(is_pd, np.where(light_chain, involved_pd, involved * rise), involved)
    uninvolved = np.where(is_pd, SUPPRESSED_UNINVOLVED * rng.uniform(1.0, 2.0, m), uninvolved)

    complete = ~is_pd & (held >= CR)
    stringent = complete & (held == SCR)
    uninvolved = np.where(complete, normal_uninvolved * rng.uniform(0.8, 1.2, m), uninvolved)
    abnormal_ratio = np.where(kappa, rng.uniform(2.0, 3.0, m), rng.uniform(5.0, 10.0, m))
    involved = np.where(stringent, normal_involved * rng.uniform(0.8, 1.2, m), involved)
    involved = np.where(complete & ~stringent, uninvolved * abnormal_ratio, involved)
    kappa_value = np.where(kappa, involved, uninvolved)
    lambda_value = np.where(kappa, uninvolved, involved)

    first_complete = complete & (pd.Series(held).groupby(subject).shift(1, fill_value=0).to_numpy() < held)
    bmpc = np.where(first_complete, np.where(stringent, rng.uniform(0, 2, m), rng.uniform(1, 4.5, m)), np.nan)

    not_evaluable = level == NOT_EVALUABLE
    serum = np.where(not_evaluable & ~light_chain, np.nan, serum)
    kappa_value = np.where(not_evaluable & light_chain, np.nan, kappa_value)
    lambda_value = np.where(not_evaluable & light_chain, np.nan, lambda_value)
    return pd.DataFrame(
        {
            "subject": subject,
            "visit_index": visits["visit_index"].to_numpy(),
            "study_day": visits["study_day"].to_numpy(),
            "SMPROT": np.round(serum, 2),
            "UMPROT": np.round(urine, 0),
            "SFLCK": np.round(kappa_value, 1),
            "SFLCL": np.round(lambda_value, 1),
            "SIFE": np.where(complete, "NEG", "POS"),
            "UIFE": np.where(complete | (np.round(urine, 0) == 0), "NEG", "POS"),
            "BMPC": np.round(bmpc, 1),
        }
    )


def baseline_labs(course: Course) -> pd.DataFrame:
    """The baseline row of each subject: the burden the design drew (bone marrow as on the mmdx form)."""
    subjects = course.subjects
    kappa = subjects["kappa"].to_numpy()
    involved = subjects["involved_flc0"].to_numpy()
    return pd.DataFrame(
        {
            "subject": np.arange(len(subjects)),
            "SMPROT": np.round(subjects["serum0"].to_numpy(), 2),
            "UMPROT": np.round(subjects["urine0"].to_numpy(), 0),
            "SFLCK": np.round(np.where(kappa, involved, SUPPRESSED_UNINVOLVED), 1),
            "SFLCL": np.round(np.where(kappa, SUPPRESSED_UNINVOLVED, involved), 1),
            "SIFE": "POS",
            "UIFE": np.where(np.round(subjects["urine0"].to_numpy(), 0) > 0, "POS", "NEG"),
            "BMPC": np.round(subjects["bmpc0"].to_numpy(), 0),
        }
    )
