"""Disease history before the index date: baseline myeloma burden and prior lines of therapy.

Baseline burden follows IMWG measurability (Kumar 2016): secretory myeloma has serum M-protein >= 1 g/dL;
light-chain-only myeloma has no measurable serum M-protein but an involved free light chain >= 100 mg/L.
Prior lines partition the time from diagnosis to the index date; the regimen at each line position
(first, middle, last) is drawn from the design's pools, so class exposure follows the indication.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.simulate import sampling
from cdiscmm.simulate.design import CollectionDesign

#: Measurability thresholds (IMWG): serum M-protein g/dL, urine M-protein mg/24 h, involved FLC mg/L.
MEASURABLE_SERUM = 1.0
MEASURABLE_URINE = 200.0
MEASURABLE_FLC = 100.0
#: Share of secretory myeloma with measurable urine M-protein (for orientation: Bence Jones in ~40%).
SECRETORY_URINE_MEASURABLE = 0.4

#: Best response to a prior line, first line vs. later lines (for orientation: responses shorten with each
#: relapse; Kumar et al., Leukemia 2017 real-world line-by-line outcomes).
FIRST_LINE_RESPONSE = {"sCR": 0.05, "CR": 0.2, "VGPR": 0.3, "PR": 0.28, "MR": 0.05, "SD": 0.07, "PD": 0.03, "UNK": 0.02}
LATER_LINE_RESPONSE = {"CR": 0.05, "VGPR": 0.15, "PR": 0.33, "MR": 0.1, "SD": 0.2, "PD": 0.12, "UNK": 0.05}


def simulate_disease(design: CollectionDesign, rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Isotype and baseline burden: serum/urine M-protein, involved FLC, bone-marrow plasma cells."""
    disease = design.disease
    isotype = sampling.categories(rng, disease.isotype, n)
    light_chain_only = pd.Series(isotype).str.startswith("LC_").to_numpy()
    serum = np.maximum(sampling.lognormal(rng, disease.serum_mprotein_g_dl, n), MEASURABLE_SERUM)
    urine_measurable = light_chain_only | (rng.random(n) < SECRETORY_URINE_MEASURABLE)
    urine = np.where(
        urine_measurable,
        np.maximum(sampling.lognormal(rng, disease.urine_mprotein_mg_24h, n), MEASURABLE_URINE),
        rng.uniform(0, 150, n),
    )
    flc = sampling.lognormal(rng, disease.involved_flc_mg_l, n)
    return pd.DataFrame(
        {
            "isotype": isotype,
            "light_chain_only": light_chain_only,
            "serum0": np.where(light_chain_only, 0.0, serum),
            "urine0": urine,
            "involved_flc0": np.where(light_chain_only, np.maximum(flc, MEASURABLE_FLC * 3), flc / 4 + 30),
            "bmpc0": np.clip(sampling.lognormal(rng, disease.bm_plasma_cells_pct, n), 5, 95),
            "kappa": pd.Series(isotype).str.endswith("_K").to_numpy(),
        }
    )


def simulate_prior_lines(design: CollectionDesign, rng: np.random.Generator, n: int) -> tuple[np.ndarray, pd.DataFrame]:
    """Diagnosis study day per subject, and one row per prior line (subject, LINE, regimen, days, outcome)."""
    prior = design.prior_therapy
    counts = np.array(list(prior.lines), dtype=np.int64)
    weights = np.array(list(prior.lines.values()), dtype=float)
    n_lines = counts[rng.choice(counts.size, n, p=weights / weights.sum())]
    washout = rng.integers(14, 61, n)
    years = sampling.lognormal(rng, design.disease.years_since_diagnosis, n)
    span = np.maximum(years * 365.25, n_lines * 150 + 60).round()
    diagnosis_day = 1 - washout - span

    subject = np.repeat(np.arange(n), n_lines)
    position = np.arange(subject.size) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    line = position + 1
    total = n_lines[subject]

    share = rng.gamma(2.0, 1.0, subject.size)
    cumulative = pd.Series(share).groupby(subject).cumsum().to_numpy()
    before = cumulative - share
    share_sum = pd.Series(share).groupby(subject).transform("sum").to_numpy()
    first_start = diagnosis_day[subject] + rng.integers(7, 46, subject.size)
    last_end = (-washout)[subject].astype(float)
    start = np.round(first_start + before / share_sum * (last_end - first_start))
    next_start = np.append(start[1:], np.nan)
    end = np.where(line < total, next_start - rng.integers(1, 31, subject.size), last_end)
    end = np.maximum(end, start + 14)

    regimen = np.empty(subject.size, dtype=object)
    for mask, pool in (
        (line == 1, prior.first_line),
        ((line > 1) & (line == total), prior.last_line),
        ((line > 1) & (line < total), prior.middle_lines),
    ):
        regimen[mask] = sampling.categories(rng, pool, int(mask.sum()))
    refractory_rate = np.where(line == total, prior.refractory_last_line, prior.refractory_earlier_lines)
    best = np.where(
        line == 1,
        sampling.categories(rng, FIRST_LINE_RESPONSE, subject.size),
        sampling.categories(rng, LATER_LINE_RESPONSE, subject.size),
    )
    refractory = (rng.random(subject.size) < refractory_rate) | (best == "PD")
    lines = pd.DataFrame(
        {
            "subject": subject,
            "LINE": line,
            "regimen": regimen,
            "start_day": start,
            "end_day": end,
            "refractory": refractory,
            "best": best,
        }
    )
    return diagnosis_day, lines
