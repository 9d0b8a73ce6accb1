"""The ``ae`` form: catalogue events, fatal events and the AE rows of the special-interest pages, finished alike.

Every event source (catalogue, fatal rule, CRS/ICANS episodes) yields the same *event frame*: ``_subject`` (row of
the observation window), ``_source``, AETERM, AETERM_EN, AEDECOD, AEBODSYS, ``_start`` (date), ``_time`` (onset
datetime or NaT), ``_end`` (planned end date), ``_grade``, ``_fatal``, ``_serious``, ``_related``, ``_spm_type``.
:func:`finish_adverse_events` turns it into collected AE rows.
"""

from __future__ import annotations

from typing import get_args

import numpy as np
import pandas as pd

from cdiscmm.simulate.events_common import (
    assemble_form,
    days,
    draw_by_table,
    key_fields,
    lognormal_days,
    pick_texts,
    shared_codelists,
    yes_no,
)
from cdiscmm.simulate.events_design import ActionTaken, AeDesign
from cdiscmm.simulate.forms import KEY_FIELDS, Field, Form

EVENT_COLUMNS: tuple[str, ...] = (
    "_subject",
    "_source",
    "AETERM",
    "AETERM_EN",
    "AEDECOD",
    "AEBODSYS",
    "_start",
    "_time",
    "_end",
    "_grade",
    "_fatal",
    "_serious",
    "_related",
    "_spm_type",
)

SERIOUSNESS_FIELDS: tuple[tuple[str, str], ...] = (
    ("AESDTH", "Results in death?"),
    ("AESLIFE", "Is life-threatening?"),
    ("AESHOSP", "Requires or prolongs inpatient hospitalisation?"),
    ("AESDISAB", "Results in persistent or significant disability/incapacity?"),
    ("AESCONG", "Is a congenital anomaly/birth defect?"),
    ("AESMIE", "Is another medically important serious event?"),
)

AE_FIELDS: list[Field] = [
    *key_fields(),
    Field("AESPID", "AE line identifier (links the CRS, ICANS, SPM and hospitalisation pages)", "text"),
    Field("AETERM", "Adverse event (verbatim)", "text"),
    Field("AETERM_EN", "Adverse event (English translation of the verbatim)", "text"),
    Field("AEDECOD", "MedDRA preferred term", "text"),
    Field("AEBODSYS", "MedDRA primary system organ class", "text"),
    Field("AESTDAT", "Start date", "date"),
    Field("AESTTIM", "Start time", "time"),
    Field("AEENDAT", "End date", "date"),
    Field("AEONGO", "Ongoing?", "code", "NY"),
    Field("AETOXGR", "Toxicity grade (CTCAE v5.0; ASTCT 2019 for CRS and ICANS)", "code", "TOXGR"),
    Field("AESER", "Serious?", "code", "NY"),
    *(Field(name, label, "code", "NY") for name, label in SERIOUSNESS_FIELDS),
    Field("AEREL", "Relationship to the study drug (physician assessment)", "code", "REL"),
    Field("AEACN", "Action taken with the study drug", "code", "ACN"),
    Field("AEOUT", "Outcome", "code", "OUT"),
    Field("AESPM", "Second primary malignancy?", "code", "NY"),
]

#: Share of resolved events that leave sequelae, and of events ongoing at the end of observation still improving.
SEQUELAE_RATE = 0.03
RECOVERING_RATE = 0.3


def event_frame(columns: dict[str, object]) -> pd.DataFrame:
    """An event frame with exactly :data:`EVENT_COLUMNS` (see the module docstring)."""
    return pd.DataFrame({name: columns[name] for name in EVENT_COLUMNS})


def _coded_terms(
    design: AeDesign, entry_code: np.ndarray, language: str, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """AETERM (a verbatim variant of the entry), AETERM_EN (its English translation), AEDECOD and AEBODSYS."""
    size = entry_code.size
    term, term_en = np.empty(size, dtype=object), np.empty(size, dtype=object)
    for code, entry in enumerate(design.catalogue):
        rows = entry_code == code
        term[rows], term_en[rows] = pick_texts(entry.verbatim, language, int(rows.sum()), rng)
    return {
        "AETERM": term,
        "AETERM_EN": term_en,
        "AEDECOD": np.asarray([entry.decod for entry in design.catalogue], dtype=object)[entry_code],
        "AEBODSYS": np.asarray([entry.soc for entry in design.catalogue], dtype=object)[entry_code],
    }


def sample_catalogue_events(
    window: pd.DataFrame, design: AeDesign, language: str, rng: np.random.Generator
) -> pd.DataFrame:
    """Catalogue events: per entry, affected subjects ~ Bernoulli(incidence), 1 + Poisson(recurrence) events each.

    Sex-specific terms (``sex``) occur only in subjects of that sex. Onset = index date + exponential days (given
    median); events starting after the end of observation are not collected (shorter follow-up -> fewer events).
    Duration is log-normal; grade, seriousness and relatedness are drawn from the entry. Grades are 1-4 here;
    grade 5 comes only from :func:`sample_fatal_events`.
    """
    entries = design.catalogue
    subject_parts, entry_parts = [], []
    for code, entry in enumerate(entries):
        eligible = np.ones(len(window), dtype=bool) if entry.sex is None else (window["SEX"] == entry.sex).to_numpy()
        affected = np.flatnonzero(eligible & (rng.random(len(window)) < entry.incidence))
        subject_parts.append(np.repeat(affected, 1 + rng.poisson(entry.recurrence, affected.size)))
        entry_parts.append(np.full(subject_parts[-1].size, code))
    subject = np.concatenate(subject_parts)
    entry_code = np.concatenate(entry_parts)
    onset_median = np.array([entry.onset_median_days for entry in entries])[entry_code]
    onset = np.floor(rng.exponential(onset_median / np.log(2))).astype("int64")
    start = window["INDEXDT"].to_numpy()[subject] + days(onset)
    inside = start <= window["END"].to_numpy()[subject]
    subject, entry_code, start = subject[inside], entry_code[inside], start[inside]

    size = subject.size
    duration = lognormal_days(np.array([entry.duration_median_days for entry in entries])[entry_code], size, rng)
    timed = rng.random(size) < design.time_collected_rate
    clock = pd.to_timedelta(rng.integers(8 * 60, 20 * 60, size), unit="min")

    def attribute(name: str) -> np.ndarray:
        return np.asarray([getattr(entry, name) for entry in entries], dtype=object)[entry_code]

    return event_frame(
        {
            "_subject": subject,
            "_source": "ae",
            **_coded_terms(design, entry_code, language, rng),
            "_start": start,
            "_time": pd.Series(start + clock).where(timed),
            "_end": start + days(duration),
            "_grade": draw_by_table([entry.grades for entry in entries], entry_code, rng),
            "_fatal": False,
            "_serious": rng.random(size) < attribute("serious").astype(float),
            "_related": rng.random(size) < attribute("related").astype(float),
            "_spm_type": attribute("spm_type"),
        }
    )


def sample_fatal_events(
    window: pd.DataFrame, design: AeDesign, language: str, rng: np.random.Generator
) -> pd.DataFrame:
    """Fatal AEs for dead subjects only, ending on the death date (AE end = DTHDT, grade 5, AESDTH = Y).

    The death cause belongs to the core generator, so the rule follows its likely choice: a death without prior
    progression comes with a fatal AE at rate ``without_progression``, a death after progression (more likely
    disease-related) at ``after_progression``. The term is drawn by ``fatal_weight``; onset 0..lead_days_max days
    before death, never before the index date.
    """
    death = window["DTHDT"].to_numpy()
    dead = window["DTHDT"].notna().to_numpy() & (death <= window["END"].to_numpy())
    progressed = (window["PDDT"] <= window["DTHDT"]).to_numpy()
    rate = np.where(progressed, design.fatal.after_progression, design.fatal.without_progression)
    subject = np.flatnonzero(dead & (rng.random(len(window)) < rate))
    weights = np.array([entry.fatal_weight for entry in design.catalogue])
    size = subject.size
    entry_code = rng.choice(len(weights), size, p=weights / weights.sum()) if weights.sum() else np.zeros(0, int)
    lead = days(rng.integers(0, design.fatal.lead_days_max + 1, size))
    start = np.maximum(death[subject] - lead, window["INDEXDT"].to_numpy()[subject])
    return event_frame(
        {
            "_subject": subject,
            "_source": "ae",
            **_coded_terms(design, entry_code, language, rng),
            "_start": start,
            "_time": pd.Series(pd.NaT, index=range(size), dtype="datetime64[ns]"),
            "_end": death[subject],
            "_grade": np.full(size, 5),
            "_fatal": True,
            "_serious": True,
            "_related": rng.random(size) < np.array([entry.related for entry in design.catalogue])[entry_code],
            "_spm_type": None,
        }
    )


def _seriousness(events: pd.DataFrame, hospitalisation_rate: float, rng: np.random.Generator) -> pd.DataFrame:
    """ICH E2A seriousness criteria, consistent with AESER (AESER = Y exactly when one criterion is Y).

    Fatal events: AESDTH = Y. Serious grade-4 events are life-threatening (CTCAE v5.0 grade 4 = life-threatening
    consequences). A serious event meets the hospitalisation criterion at ``hospitalisation_rate``. Disability and
    congenital anomaly are not generated. A serious event meeting no other criterion is an other medically important
    event (AESMIE = Y).
    """
    fatal = events["_fatal"].to_numpy(dtype=bool)
    serious = events["_serious"].to_numpy(dtype=bool) | fatal
    grade = events["_grade"].to_numpy()
    never = np.zeros(len(events), dtype=bool)
    criteria = {
        "AESDTH": fatal,
        "AESLIFE": serious & (grade == 4),
        "AESHOSP": serious & (rng.random(len(events)) < hospitalisation_rate),
        "AESDISAB": never,
        "AESCONG": never,
    }
    criteria["AESMIE"] = serious & ~np.logical_or.reduce(list(criteria.values()))
    return pd.DataFrame({"AESER": yes_no(serious), **{name: yes_no(mask) for name, mask in criteria.items()}})


def _action_taken(
    events: pd.DataFrame, window: pd.DataFrame, doses: pd.DataFrame, design: AeDesign, rng: np.random.Generator
) -> np.ndarray:
    """AEACN: NOT APPLICABLE when the study sets no ``action_taken`` (single administration, e.g. CAR-T) or the event
    starts after the last administration; DRUG WITHDRAWN for a fatal event on treatment; otherwise drawn from the
    distribution given for the event's grade (grades not listed: NOT APPLICABLE)."""
    action = np.full(len(events), "NOT APPLICABLE", dtype=object)
    if design.action_taken is None or events.empty:
        return action
    last_dose = pd.to_datetime(doses.groupby("SUBJID")["EXSTDTM"].max()).dt.normalize()
    subject_last = window["SUBJID"].map(last_dose).to_numpy()[events["_subject"].to_numpy()]
    on_treatment = events["_start"].to_numpy() <= subject_last
    grades = sorted(design.action_taken)
    table = pd.Series(events["_grade"].to_numpy()).map({grade: i for i, grade in enumerate(grades)})
    listed = on_treatment & table.notna().to_numpy()
    codes = list(get_args(ActionTaken))
    tables = [{codes.index(code): p for code, p in design.action_taken[grade].items()} for grade in grades]
    drawn = np.asarray(codes, dtype=object)[draw_by_table(tables, table.fillna(0).to_numpy(dtype=int), rng)]
    action[listed] = drawn[listed]
    action[on_treatment & events["_fatal"].to_numpy(dtype=bool)] = "DRUG WITHDRAWN"
    return action


def _outcome(fatal: np.ndarray, ongoing: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """AEOUT: FATAL for a fatal event; an event ongoing at the end of observation is RECOVERING/RESOLVING at
    RECOVERING_RATE, else NOT RECOVERED/NOT RESOLVED; a resolved event leaves sequelae at SEQUELAE_RATE."""
    draw = rng.random(fatal.size)
    resolved = np.where(draw < SEQUELAE_RATE, "RECOVERED/RESOLVED WITH SEQUELAE", "RECOVERED/RESOLVED")
    unresolved = np.where(draw < RECOVERING_RATE, "RECOVERING/RESOLVING", "NOT RECOVERED/NOT RESOLVED")
    return np.where(fatal, "FATAL", np.where(ongoing, unresolved, resolved))


def finish_adverse_events(
    events: pd.DataFrame, window: pd.DataFrame, doses: pd.DataFrame, design: AeDesign, rng: np.random.Generator
) -> pd.DataFrame:
    """Collected AE rows (all AE fields plus the event frame's internal columns), sorted by subject and onset.

    An event whose planned end falls after the end of observation is ongoing (AEONGO = Y, no end date); a fatal
    event ends on the death date. AESPID numbers each subject's AE lines 001, 002, ... in onset order.
    """
    events = events.sort_values(["_subject", "_start", "_time"], kind="stable").reset_index(drop=True)
    subject = events["_subject"].to_numpy()
    fatal = events["_fatal"].to_numpy(dtype=bool)
    ongoing = ~fatal & (events["_end"].to_numpy() > window["END"].to_numpy()[subject])
    keys = window.loc[subject, list(KEY_FIELDS)].reset_index(drop=True)
    collected = pd.DataFrame(
        {
            "AESPID": (events.groupby("_subject").cumcount() + 1).astype(str).str.zfill(3),
            "AESTDAT": events["_start"],
            "AESTTIM": events["_time"],
            "AEENDAT": events["_end"].where(~ongoing),
            "AEONGO": yes_no(ongoing),
            "AETOXGR": events["_grade"].astype(str),
        }
    )
    flags = _seriousness(events, design.hospitalisation_rate, rng)
    collected["AEREL"] = np.where(events["_related"].to_numpy(dtype=bool), "RELATED", "NOT RELATED")
    collected["AEACN"] = _action_taken(events, window, doses, design, rng)
    collected["AEOUT"] = _outcome(fatal, ongoing, rng)
    collected["AESPM"] = yes_no(events["_spm_type"].notna().to_numpy())
    return pd.concat([keys, events, collected, flags], axis=1)


def ae_form(adverse: pd.DataFrame, language: str) -> Form:
    """The ``ae`` form from :func:`finish_adverse_events` rows."""
    return assemble_form("ae", "Adverse Events", AE_FIELDS, adverse, language, shared_codelists())
