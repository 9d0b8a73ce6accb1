"""Vectorised draws from the distributions a collection design names (weights, normal, log-normal, dates)."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from cdiscmm.simulate.design_common import LogNormal, Normal


def child_rng(seed: int, name: str) -> np.random.Generator:
    """An independent generator for one named part (a form, the course, the events, the defects).

    Keyed by a stable hash of ``name``, so adding or changing one part never shifts another part's draws.
    """
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode("utf-8"))]))


def categories(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    """``size`` keys of ``weights`` drawn with probability proportional to their weight (object array)."""
    keys = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return keys[rng.choice(len(keys), size=size, p=p / p.sum())]


def normal(rng: np.random.Generator, spec: Normal, size: int) -> np.ndarray:
    """Normal draws clipped to [min, max]."""
    return np.clip(rng.normal(spec.mean, spec.sd, size), spec.min, spec.max)


def lognormal(rng: np.random.Generator, spec: LogNormal, size: int) -> np.ndarray:
    """Log-normal draws with the given median."""
    return spec.median * np.exp(rng.normal(0.0, spec.sigma, size))


def exponential_days(rng: np.random.Generator, median_days: np.ndarray | float, size: int) -> np.ndarray:
    """Exponential times with the given median (days); a median of inf gives inf."""
    return rng.exponential(1.0, size) * np.asarray(median_days, dtype=float) / np.log(2.0)


def yearly_rate_days(rng: np.random.Generator, yearly: float, size: int) -> np.ndarray:
    """Exponential event times (days) for a constant yearly event probability; inf when the rate is 0."""
    if yearly <= 0:
        return np.full(size, np.inf)
    hazard = -np.log1p(-min(yearly, 0.999)) / 365.25
    return rng.exponential(1.0 / hazard, size)


def integers(rng: np.random.Generator, low_high: tuple[int, int], size: int) -> np.ndarray:
    """Uniform integers in the inclusive range."""
    return rng.integers(low_high[0], low_high[1] + 1, size)


def to_datetime(days: np.ndarray | pd.Series) -> pd.Series:
    """Days since 1970-01-01 (float, NaN = missing) as a datetime64 Series (NaT for missing)."""
    values = np.asarray(days, dtype=float)
    return pd.Series(pd.to_datetime(values, unit="D", origin="unix")).astype("datetime64[s]")


def epoch_day(date: object) -> int:
    """A calendar date as days since 1970-01-01."""
    return int((pd.Timestamp(date) - pd.Timestamp("1970-01-01")).days)
