"""Patient-reported outcome forms (QLQ-C30, QLQ-MY20, EQ-5D-5L): one row per subject and completed visit.

Answers follow a latent health state per subject-visit (subject level + visit noise), shifted up from the first
response and down from ``progression_lead_days`` before progression, so scale scores drift plausibly. The values
are synthetic, not population norms. Item ranges are those of the instruments (domain.md §4.4-4.6): QLQ-C30 items
1-28 and QLQ-MY20 items 31-50 on 1-4 (1 = not at all), QLQ-C30 items 29-30 on 1-7 (7 = excellent), EQ-5D-5L
dimensions on 1-5 (1 = no problems) and the EQ VAS on 0-100 (100 = best health).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cdiscmm.simulate.events_common import assemble_form, days, key_fields
from cdiscmm.simulate.events_design import ProDesign
from cdiscmm.simulate.forms import KEY_FIELDS, Field, Form


@dataclass(frozen=True)
class Item:
    """One questionnaire item: field name, label, range, and whether a higher answer means better health."""

    name: str
    label: str
    low: int
    high: int
    higher_is_better: bool = False


@dataclass(frozen=True)
class Instrument:
    form: str
    label: str
    items: tuple[Item, ...]


def _numbered(instrument: str, first: int, last: int, low: int, high: int, better: bool = False) -> tuple[Item, ...]:
    return tuple(Item(f"Q{k:02d}", f"{instrument} item {k}", low, high, better) for k in range(first, last + 1))


INSTRUMENTS: dict[str, Instrument] = {
    "qlqc30": Instrument(
        "qlqc30",
        "EORTC QLQ-C30 Version 3.0",
        _numbered("QLQ-C30", 1, 28, 1, 4) + _numbered("QLQ-C30", 29, 30, 1, 7, better=True),
    ),
    "qlqmy20": Instrument("qlqmy20", "EORTC QLQ-MY20", _numbered("QLQ-MY20", 31, 50, 1, 4)),
    "eq5d5l": Instrument(
        "eq5d5l",
        "EQ-5D-5L",
        (
            Item("MO", "Mobility", 1, 5),
            Item("SC", "Self-care", 1, 5),
            Item("UA", "Usual activities", 1, 5),
            Item("PD", "Pain/discomfort", 1, 5),
            Item("AD", "Anxiety/depression", 1, 5),
            Item("VAS", "EQ VAS (0-100)", 0, 100, higher_is_better=True),
        ),
    ),
}

#: Answer model on the item's range: typical answer at 27% of the range (problem items) or 60% (better-high
#: items), one SD of health moves it by 20% of the range, answer noise 15% of the range.
_PROBLEM_CENTRE, _BETTER_CENTRE, _SLOPE, _NOISE = 0.27, 0.60, 0.20, 0.15


def _completed_visits(window: pd.DataFrame, design: ProDesign, rng: np.random.Generator) -> pd.DataFrame:
    """Scheduled visits (target day +- window, uniform) that fall inside the observation and were completed.

    Nothing is collected after death or the end of study; each visit is completed at ``completion_rate``.
    """
    visits = design.visits
    subject = np.repeat(np.arange(len(window)), len(visits))
    which = np.tile(np.arange(len(visits)), len(window))
    before = np.array([visit.window_before for visit in visits])[which]
    after = np.array([visit.window_after for visit in visits])[which]
    offset = np.array([visit.day for visit in visits])[which] + rng.integers(-before, after + 1)
    date = window["INDEXDT"].to_numpy()[subject] + days(offset)
    completed = (date <= window["END"].to_numpy()[subject]) & (rng.random(subject.size) < design.completion_rate)
    names = np.asarray([visit.visit for visit in visits], dtype=object)
    return pd.DataFrame({"_subject": subject[completed], "VISIT": names[which][completed], "QSDAT": date[completed]})


def _health(window: pd.DataFrame, visits: pd.DataFrame, design: ProDesign, rng: np.random.Generator) -> np.ndarray:
    """Latent health (SD units) per completed visit: subject level N(0, 0.6) + visit noise N(0, 0.3)
    + ``response_effect`` on or after the first response date + ``progression_effect`` from
    ``progression_lead_days`` before progression."""
    subject = visits["_subject"].to_numpy()
    level = rng.normal(0.0, 0.6, len(window))[subject] + rng.normal(0.0, 0.3, subject.size)
    when = visits["QSDAT"].to_numpy()
    responded = when >= window["RESPDT"].to_numpy()[subject]
    lead = pd.Timedelta(days=design.progression_lead_days).to_numpy()
    progressing = when >= window["PDDT"].to_numpy()[subject] - lead
    return level + design.response_effect * responded + design.progression_effect * progressing


def _answers(
    instrument: Instrument, health: np.ndarray, design: ProDesign, rng: np.random.Generator
) -> dict[str, pd.Series]:
    """Item answers from the health state; a share ``partial_rate`` of questionnaires leave items blank at
    ``item_missing_rate``, never all of them (a blank questionnaire is a missed visit, not a returned one)."""
    size = health.size
    low = np.array([item.low for item in instrument.items])
    spread = np.array([item.high - item.low for item in instrument.items])
    better = np.array([item.higher_is_better for item in instrument.items])
    centre = low + spread * np.where(better, _BETTER_CENTRE, _PROBLEM_CENTRE) + rng.normal(0, 0.05, low.size) * spread
    direction = np.where(better, 1.0, -1.0)
    raw = (
        centre + (direction * _SLOPE * spread) * health[:, None] + rng.normal(0, 1, (size, low.size)) * spread * _NOISE
    )
    values = np.clip(np.rint(raw), low, low + spread).astype("int64")
    blank = (rng.random(size) < design.partial_rate)[:, None] & (
        rng.random((size, low.size)) < design.item_missing_rate
    )
    blank[blank.all(axis=1), 0] = False
    return {
        item.name: pd.Series(values[:, k], dtype="Int64").mask(blank[:, k]) for k, item in enumerate(instrument.items)
    }


def pro_forms(window: pd.DataFrame, design: ProDesign, language: str, rng: np.random.Generator) -> list[Form]:
    """One form per configured instrument; all instruments of a visit are completed together."""
    visits = _completed_visits(window, design, rng)
    health = _health(window, visits, design, rng)
    keys = window.loc[visits["_subject"].to_numpy(), list(KEY_FIELDS)].reset_index(drop=True)
    forms = []
    for name in design.instruments:
        instrument = INSTRUMENTS[name]
        fields = [
            *key_fields(),
            Field("VISIT", "Visit", "text"),
            Field("QSDAT", "Date of completion", "date"),
            *(Field(item.name, item.label, "integer") for item in instrument.items),
        ]
        answers = pd.DataFrame(_answers(instrument, health, design, rng))
        frame = pd.concat([keys, visits[["VISIT", "QSDAT"]], answers], axis=1)
        forms.append(assemble_form(instrument.form, instrument.label, fields, frame, language, {}))
    return forms
