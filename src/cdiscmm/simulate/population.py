"""Who is enrolled where and when: sites, subject ids, consent and index dates, demographics.

Subjects are spread over countries by weight and over a country's sites by a Zipf-like weight (a few sites
enrol most patients, as in registries). Prospective subjects consent before the index date (first dose or
infusion); retrospective ones after it (chart review), within the design's window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.simulate import sampling
from cdiscmm.simulate.design import CollectionDesign

#: Exponent of the site-size weights 1/rank**s.
SITE_SKEW = 0.8


def _sites(design: CollectionDesign, rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Country and site of each subject."""
    countries = design.countries
    weights = np.array([country.weight for country in countries])
    which = rng.choice(len(countries), size=n, p=weights / weights.sum())
    site_number = np.zeros(n, dtype=np.int64)
    for index, country in enumerate(countries):
        members = np.flatnonzero(which == index)
        p = 1.0 / np.arange(1, country.sites + 1) ** SITE_SKEW
        site_number[members] = rng.choice(country.sites, size=members.size, p=p / p.sum()) + 1
    prefix = np.array([country.site_prefix for country in countries], dtype=object)[which]
    code = np.array([country.code for country in countries], dtype=object)[which]
    site = pd.Series(prefix, dtype=str) + pd.Series(site_number).astype(str).str.zfill(3)
    return pd.DataFrame({"COUNTRY": code, "SITEID": site, "country_index": which})


def _race_ethnic(design: CollectionDesign, rng: np.random.Generator, which: np.ndarray) -> tuple[np.ndarray, ...]:
    race = np.empty(which.size, dtype=object)
    ethnic = np.empty(which.size, dtype=object)
    for index, country in enumerate(design.countries):
        members = np.flatnonzero(which == index)
        race[members] = sampling.categories(rng, country.race, members.size)
        ethnic[members] = sampling.categories(rng, country.ethnic, members.size)
    return race, ethnic


def simulate_population(design: CollectionDesign, studyid: str, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per subject, sorted by SITEID and SUBJID; dates are epoch days (``*_day`` columns)."""
    frame = _sites(design, rng, n)
    enrol = design.enrolment
    start, end = sampling.epoch_day(enrol.start), sampling.epoch_day(enrol.end)
    consent = rng.integers(start, end + 1, n)
    retrospective = rng.random(n) < enrol.retrospective_fraction
    before = sampling.integers(rng, enrol.consent_before_index_days, n)
    after = sampling.integers(rng, enrol.index_before_consent_days, n)
    index = np.where(retrospective, consent - after, consent + before)
    frame["ENRLTYP"] = np.where(retrospective, "RETRO", "PROSP")
    frame["consent_day"] = consent
    frame["enrol_day"] = np.where(retrospective, consent, np.minimum(consent + rng.integers(0, 4, n), index))
    frame["index_day"] = index

    demo = design.demographics
    male = rng.random(n) < demo.male_fraction
    frame["SEX"] = np.where(male, "M", "F")
    frame["AGE"] = np.floor(sampling.normal(rng, demo.age, n)).astype(np.int64)
    consent_year = pd.to_datetime(consent, unit="D").year.to_numpy()
    frame["BRTHYY"] = consent_year - frame["AGE"].to_numpy() - (rng.random(n) < 0.5)
    frame["WEIGHT"] = np.round(
        np.where(male, sampling.normal(rng, demo.weight_kg.M, n), sampling.normal(rng, demo.weight_kg.F, n)), 1
    )
    frame["HEIGHT"] = np.round(
        np.where(male, sampling.normal(rng, demo.height_cm.M, n), sampling.normal(rng, demo.height_cm.F, n)), 1
    )
    frame["RACE"], frame["ETHNIC"] = _race_ethnic(design, rng, frame["country_index"].to_numpy())
    frame.insert(0, "STUDYID", studyid)

    frame = frame.sort_values(["SITEID", "consent_day"], kind="stable").reset_index(drop=True)
    sequence = frame.groupby("SITEID", sort=False).cumcount() + 1
    frame.insert(2, "SUBJID", frame["SITEID"] + "-" + sequence.astype(str).str.zfill(4))
    return frame.drop(columns="country_index")
