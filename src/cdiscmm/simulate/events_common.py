"""Helpers shared by the event-form generators: observation windows, vectorised draws and form assembly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cdiscmm.simulate import codelists
from cdiscmm.simulate.forms import KEY_FIELDS, Field, Form

#: Collected codelists shared by several event forms (codes are CDISC submission values), in form order.
SHARED_CODELIST_NAMES: tuple[str, ...] = ("NY", "TOXGR", "REL", "ACN", "OUT")


def shared_codelists() -> dict[str, dict[str, str]]:
    """The codelists of :data:`SHARED_CODELIST_NAMES` (``mappings/shared/collected-codelists.yaml``)."""
    return codelists.select(*SHARED_CODELIST_NAMES)


#: The care forms' own codelists, after the shared ones (``mappings/shared/collected-codelists.yaml``).
CARE_CODELIST_NAMES: tuple[str, ...] = ("HOTYPE", "HOOUT", "SPMTYPE", "MRUTYPE")


def care_codelists() -> dict[str, dict[str, str]]:
    """The shared event codelists and the care forms' own."""
    return {**shared_codelists(), **codelists.select(*CARE_CODELIST_NAMES)}


#: The one datetime unit of every date and time field of the event forms.
DATETIME = "datetime64[us]"


def key_fields() -> list[Field]:
    """The subject key fields that start every form (``raw.forms.KEY_FIELDS``)."""
    labels = {"STUDYID": "Study identifier", "SITEID": "Site identifier", "SUBJID": "Subject identifier"}
    return [Field(name, labels[name], "text") for name in KEY_FIELDS]


def observation_window(subjects: pd.DataFrame) -> pd.DataFrame:
    """One row per subject who can have events, with dates normalised to midnight.

    ``END`` = min(EOSDT, DTHDT): nothing is collected after the end of observation or after death. Subjects
    without an index date (never dosed) or whose observation ends before it have no events.
    """
    frame = subjects[[*KEY_FIELDS, "SEX", "INDEXDT", "EOSDT", "DTHDT", "PDDT", "RESPDT"]].copy()
    for column in ("INDEXDT", "EOSDT", "DTHDT", "PDDT", "RESPDT"):
        frame[column] = pd.to_datetime(frame[column]).dt.normalize()
    frame["END"] = frame[["EOSDT", "DTHDT"]].min(axis=1)
    usable = frame["INDEXDT"].notna() & frame["END"].notna() & (frame["END"] >= frame["INDEXDT"])
    return frame.loc[usable].reset_index(drop=True)


def yes_no(mask: np.ndarray) -> np.ndarray:
    """Boolean array -> NY codes."""
    return np.where(mask, "Y", "N")


def days(values: np.ndarray | pd.Series) -> pd.TimedeltaIndex:
    """Whole days as timedeltas."""
    return pd.to_timedelta(np.asarray(values, dtype="int64"), unit="D")


def draw_by_table(tables: Sequence[Mapping[int, float]], which: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw one key per row from ``tables[which[row]]`` (each {key: probability}) without a loop over rows."""
    keys = sorted({key for table in tables for key in table})
    cumulative = np.cumsum([[table.get(key, 0.0) for key in keys] for table in tables], axis=1)
    position = (rng.random(len(which))[:, None] >= cumulative[which]).sum(axis=1)
    return np.asarray(keys)[np.minimum(position, len(keys) - 1)]


def draw_rate(rate_by_key: Mapping[int, float], keys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Bernoulli draw per row with the probability given for the row's key (0 for keys not listed)."""
    probability = pd.Series(keys).map(dict(rate_by_key)).fillna(0.0).to_numpy(dtype=float)
    return rng.random(len(keys)) < probability


def lognormal_days(median: np.ndarray | float, size: int, rng: np.random.Generator, sigma: float = 0.8) -> np.ndarray:
    """Whole-day durations, log-normal around ``median`` (at least 0)."""
    return np.floor(rng.lognormal(np.log(median), sigma, size)).astype("int64")


def pick_texts(
    texts: Sequence[Mapping[str, str]], language: str, size: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``size`` variants: the collected text (study language) and its English translation, paired."""
    chosen = rng.integers(0, len(texts), size)
    local = np.asarray([text[language] for text in texts], dtype=object)[chosen]
    english = np.asarray([text["en"] for text in texts], dtype=object)[chosen]
    return local, english


def assemble_form(
    name: str,
    label: str,
    fields: list[Field],
    frame: pd.DataFrame,
    language: str,
    codelists: Mapping[str, dict[str, str]],
) -> Form:
    """A :class:`Form` with the columns in field order.

    English-translation fields (``*_EN``) exist only when the study collects text in another language. Date and
    time fields are ``datetime64[us]`` (pandas 3's default unit), whatever unit the inputs had.
    """
    kept = [field for field in fields if language != "en" or not field.name.endswith("_EN")]
    data = frame[[field.name for field in kept]].reset_index(drop=True)
    moments = [field.name for field in kept if field.type in {"date", "time"}]
    data = data.astype(dict.fromkeys(moments, DATETIME))
    used = sorted({field.codelist for field in kept if field.codelist})
    return Form(name, label, kept, data, {codelist: dict(codelists[codelist]) for codelist in used})
