"""CRS and ICANS episodes graded by ASTCT 2019 (Lee DW et al., Biol Blood Marrow Transplant 2019;25:625-638).

An episode is triggered by an actual administration (``per_dose``: administration number -> probability), starts
``onset`` hours after it and before the next one, and resolves no later than the next administration (the next dose
is held until CRS/ICANS resolves, ELREXFIO SmPC 4.2). Its collected components are drawn for a target grade and the
recorded grade is re-derived from them with :func:`compute_crs_grade` / :func:`compute_icans_grade`, so grade and
components always agree. Each episode yields an AE row (PT "Cytokine release syndrome" or "Immune effector
cell-associated neurotoxicity syndrome", AETOXGR = ASTCT grade) and a detail page sharing its AESPID.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cdiscmm.metadata.standards import sponsor_codelists
from cdiscmm.simulate.events_ae import SERIOUSNESS_FIELDS, event_frame
from cdiscmm.simulate.events_common import (
    assemble_form,
    draw_by_table,
    draw_rate,
    key_fields,
    lognormal_days,
    pick_texts,
    shared_codelists,
    yes_no,
)
from cdiscmm.simulate.events_design import SyndromeDesign
from cdiscmm.simulate.forms import Field, FieldType, Form

#: CRS hypotension and hypoxia codes in ASTCT order: the code at position k makes the episode at least grade k + 1
#: (fever >= 38 °C being present). Lee 2019 Table 3; domain.md §2.1.
CRS_HYPOTENSION: tuple[str, ...] = ("NONE", "NO VASOPRESSOR", "ONE VASOPRESSOR", "MULTIPLE VASOPRESSORS")
CRS_HYPOXIA: tuple[str, ...] = ("NONE", "LOW-FLOW", "HIGH-FLOW", "POSITIVE PRESSURE")
FEVER_CELSIUS = 38.0

#: ICANS domains: code -> the grade it implies (0 = does not contribute). Lee 2019 Table 5; domain.md §2.2.
ICANS_CONSCIOUSNESS: dict[str, int] = {
    "NORMAL": 0,
    "AWAKENS SPONTANEOUSLY": 1,
    "AWAKENS TO VOICE": 2,
    "AWAKENS TO TACTILE STIMULUS": 3,
    "UNAROUSABLE": 4,
}
ICANS_SEIZURE: dict[str, int] = {"NONE": 0, "RAPIDLY RESOLVING": 3, "PROLONGED OR REPETITIVE": 4}
ICANS_MOTOR: dict[str, int] = {"NONE": 0, "DEEP FOCAL WEAKNESS": 4}
ICANS_OEDEMA: dict[str, int] = {"NONE": 0, "FOCAL OEDEMA": 3, "DIFFUSE OEDEMA": 4}
#: ICE score (0-10) bands: grade 1 = 7-9, grade 2 = 3-6, grade 3 = 0-2; 10 is normal.
ICE_BANDS: tuple[tuple[int, int], ...] = ((10, 10), (7, 9), (3, 6), (0, 2))
#: Domains that can set each ICANS grade (ICE alone reaches grade 3 at most; grade 4 needs another domain).
ICANS_DRIVERS: dict[int, tuple[str, ...]] = {
    1: ("ice", "consciousness"),
    2: ("ice", "consciousness"),
    3: ("ice", "consciousness", "seizure", "oedema"),
    4: ("consciousness", "seizure", "motor", "oedema"),
}


def compute_crs_grade(temperature: np.ndarray, hypotension: np.ndarray, hypoxia: np.ndarray) -> np.ndarray:
    """ASTCT CRS grade: 0 without fever >= 38 °C, else the more severe of hypotension and hypoxia (grade 1 when
    neither is present). Lee 2019; domain.md §2.1."""
    hypotension_grade = pd.Series(hypotension).map({code: k + 1 for k, code in enumerate(CRS_HYPOTENSION)})
    hypoxia_grade = pd.Series(hypoxia).map({code: k + 1 for k, code in enumerate(CRS_HYPOXIA)})
    worst = np.maximum(hypotension_grade.to_numpy(dtype=int), hypoxia_grade.to_numpy(dtype=int))
    return np.where(np.asarray(temperature, dtype=float) >= FEVER_CELSIUS, worst, 0)


def compute_ice_grade(ice: np.ndarray) -> np.ndarray:
    """Grade implied by the ICE score: 10 -> 0, 7-9 -> 1, 3-6 -> 2, 0-2 -> 3 (Lee 2019)."""
    ice = np.asarray(ice, dtype=int)
    return np.select([ice == 10, ice >= 7, ice >= 3], [0, 1, 2], default=3)


def compute_icans_grade(
    ice: np.ndarray, consciousness: np.ndarray, seizure: np.ndarray, motor: np.ndarray, oedema: np.ndarray
) -> np.ndarray:
    """ASTCT ICANS grade (adults): the most severe of the five domains (Lee 2019; domain.md §2.2)."""
    domains = [
        compute_ice_grade(ice),
        pd.Series(consciousness).map(ICANS_CONSCIOUSNESS).to_numpy(dtype=int),
        pd.Series(seizure).map(ICANS_SEIZURE).to_numpy(dtype=int),
        pd.Series(motor).map(ICANS_MOTOR).to_numpy(dtype=int),
        pd.Series(oedema).map(ICANS_OEDEMA).to_numpy(dtype=int),
    ]
    return np.maximum.reduce(domains)


def draw_crs_components(grade: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Fever, hypotension and hypoxia for a target grade: hypotension, hypoxia or both reach the grade, the other
    stays at or below it; the maximum temperature is >= 38 °C."""
    driver = rng.choice(3, size=grade.size, p=(0.5, 0.3, 0.2))  # 0 hypotension, 1 hypoxia, 2 both
    hypotension = np.where(driver != 1, grade, rng.integers(1, grade + 1))
    hypoxia = np.where(driver != 0, grade, rng.integers(1, grade + 1))
    temperature = np.round(np.minimum(FEVER_CELSIUS + rng.gamma(2.0, 0.4, grade.size), 41.5), 1)
    return {
        "TEMP": temperature,
        "HYPOT": np.asarray(CRS_HYPOTENSION, dtype=object)[hypotension - 1],
        "HYPOX": np.asarray(CRS_HYPOXIA, dtype=object)[hypoxia - 1],
    }


def _codes_for(levels: np.ndarray, table: dict[str, int]) -> np.ndarray:
    by_level = {level: code for code, level in table.items()}
    return pd.Series(levels).map(by_level).to_numpy(dtype=object)


def draw_icans_components(grade: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """ICE score and the four other domains for a target grade: one driving domain (from :data:`ICANS_DRIVERS`)
    reaches the grade, ICE and consciousness lie at or below it, the rest are absent. An unarousable patient
    cannot perform the ICE assessment and scores 0."""
    levels = {
        "ice": rng.integers(0, np.minimum(grade, 3) + 1),
        "consciousness": rng.integers(0, grade + 1),
        "seizure": np.zeros(grade.size, dtype=int),
        "motor": np.zeros(grade.size, dtype=int),
        "oedema": np.zeros(grade.size, dtype=int),
    }
    for target, domains in ICANS_DRIVERS.items():
        rows = np.flatnonzero(grade == target)
        pick = rng.integers(0, len(domains), rows.size)
        for position, domain in enumerate(domains):
            levels[domain][rows[pick == position]] = target
    low = np.array([band[0] for band in ICE_BANDS])[levels["ice"]]
    high = np.array([band[1] for band in ICE_BANDS])[levels["ice"]]
    ice = np.where(levels["consciousness"] == 4, 0, rng.integers(low, high + 1))
    return {
        "ICE": ice,
        "CONS": _codes_for(levels["consciousness"], ICANS_CONSCIOUSNESS),
        "SEIZ": _codes_for(levels["seizure"], ICANS_SEIZURE),
        "MOTOR": _codes_for(levels["motor"], ICANS_MOTOR),
        "OEDEMA": _codes_for(levels["oedema"], ICANS_OEDEMA),
    }


@dataclass(frozen=True)
class Syndrome:
    """A special-interest syndrome: its MedDRA PT/SOC, detail page and ASTCT component model."""

    form: str
    label: str
    prefix: str
    decod: str
    soc: str
    components: list[Field]
    codelists: dict[str, dict[str, str]]
    draw: Callable[[np.ndarray, np.random.Generator], dict[str, np.ndarray]]
    grade: Callable[[dict[str, np.ndarray]], np.ndarray]


def collected_codelists(sponsor_ids: dict[str, str]) -> dict[str, dict[str, str]]:
    """The page's code lists (form codelist name → code → decode), taken from the sponsor codelists of
    ``specs/ct/sponsor.yaml`` that the SDTM mapping submits them in, so the ASTCT component terms are written once."""
    registry = sponsor_codelists()
    return {
        name: {term.submission_value: term.decode or term.submission_value for term in registry.get(code).terms}
        for name, code in sponsor_ids.items()
    }


SYNDROMES: dict[str, Syndrome] = {
    "crs": Syndrome(
        form="crs",
        label="Cytokine Release Syndrome (ASTCT 2019)",
        prefix="CRS",
        decod="Cytokine release syndrome",
        soc="Immune system disorders",
        components=[
            Field("CRSTEMP", "Maximum body temperature (°C)", "float"),
            Field("CRSHYPOT", "Hypotension", "code", "CRSHYPOT"),
            Field("CRSHYPOX", "Hypoxia (oxygen requirement)", "code", "CRSHYPOX"),
        ],
        codelists=collected_codelists({"CRSHYPOT": "ASTCTHYP", "CRSHYPOX": "ASTCTOXY"}),
        draw=draw_crs_components,
        grade=lambda parts: compute_crs_grade(parts["TEMP"], parts["HYPOT"], parts["HYPOX"]),
    ),
    "icans": Syndrome(
        form="icans",
        label="Immune Effector Cell-Associated Neurotoxicity Syndrome (ASTCT 2019)",
        prefix="ICANS",
        decod="Immune effector cell-associated neurotoxicity syndrome",
        soc="Nervous system disorders",
        components=[
            Field("ICANSICE", "Worst ICE score (0-10)", "integer"),
            Field("ICANSCONS", "Depressed level of consciousness", "code", "ICANSCONS"),
            Field("ICANSSEIZ", "Seizure", "code", "ICANSSEIZ"),
            Field("ICANSMOTOR", "Motor findings", "code", "ICANSMOTOR"),
            Field("ICANSOEDEMA", "Raised intracranial pressure / cerebral oedema", "code", "ICANSOEDEMA"),
        ],
        codelists=collected_codelists(
            {"ICANSCONS": "ASTCTCON", "ICANSSEIZ": "ASTCTSEZ", "ICANSMOTOR": "ASTCTMOT", "ICANSOEDEMA": "ASTCTEDM"}
        ),
        draw=draw_icans_components,
        grade=lambda parts: compute_icans_grade(
            parts["ICE"], parts["CONS"], parts["SEIZ"], parts["MOTOR"], parts["OEDEMA"]
        ),
    ),
}


def _triggering_doses(window: pd.DataFrame, doses: pd.DataFrame) -> pd.DataFrame:
    """Each administration of a subject in the window with its number (1 = first) and the next one's datetime."""
    given = doses.loc[doses["SUBJID"].isin(window["SUBJID"]) & doses["EXSTDTM"].notna(), ["SUBJID", "EXSTDTM"]]
    given = given.assign(EXSTDTM=pd.to_datetime(given["EXSTDTM"])).sort_values(["SUBJID", "EXSTDTM"], kind="stable")
    by_subject = given.groupby("SUBJID")
    given["number"] = by_subject.cumcount() + 1
    given["next"] = by_subject["EXSTDTM"].shift(-1)
    position = pd.Series(np.arange(len(window)), index=window["SUBJID"])
    given["_subject"] = given["SUBJID"].map(position).astype("int64")
    return given.reset_index(drop=True)


def sample_episodes(
    window: pd.DataFrame,
    doses: pd.DataFrame,
    design: SyndromeDesign,
    syndrome: Syndrome,
    language: str,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Episodes of one syndrome as an event frame (see ``events_ae``) plus the detail columns of its page.

    After administration number k an episode occurs with probability ``per_dose[k]``. Onset = administration time +
    triangular(min, mode, max) hours, capped one hour before the next administration, so the administration it
    follows is the nearest preceding one (triggers with less room than ``min_hours`` are skipped). Episodes starting
    after the end of observation are not collected. Resolution = onset date + log-normal days, no later than the
    next administration's date.
    """
    given = _triggering_doses(window, doses)
    chance = given["number"].map(dict(design.per_dose)).fillna(0.0).to_numpy(dtype=float)
    given = given.loc[rng.random(len(given)) < chance].reset_index(drop=True)
    onset = design.onset
    room_minutes = ((given["next"] - given["EXSTDTM"]) / pd.Timedelta(minutes=1)).fillna(np.inf).to_numpy() - 60
    minutes = np.ceil(rng.triangular(onset.min_hours, onset.mode_hours, onset.max_hours, len(given)) * 60)
    minutes = np.minimum(minutes, np.floor(room_minutes))
    onset_time = given["EXSTDTM"] + pd.to_timedelta(minutes, unit="min")
    start = onset_time.dt.normalize()
    subject = given["_subject"].to_numpy()
    keep = (minutes >= onset.min_hours * 60) & (start.to_numpy() <= window["END"].to_numpy()[subject])
    given, onset_time, start, subject = given.loc[keep], onset_time[keep], start[keep], subject[keep]

    size = len(given)
    end = start + pd.to_timedelta(lognormal_days(design.duration_median_days, size, rng, sigma=0.6), unit="D")
    end = end.where(given["next"].isna(), np.minimum(end, given["next"].dt.normalize()))
    parts = syndrome.draw(draw_by_table([design.grades], np.zeros(size, dtype=int), rng), rng)
    grade = syndrome.grade(parts)
    term, term_en = pick_texts(design.verbatim, language, size, rng)
    other = rng.random(size) < design.other_treatment_rate
    treatment, treatment_en = pick_texts(design.other_treatments, language, size, rng)
    prefix = syndrome.prefix
    frame = event_frame(
        {
            "_subject": subject,
            "_source": syndrome.form,
            "AETERM": term,
            "AETERM_EN": term_en,
            "AEDECOD": syndrome.decod,
            "AEBODSYS": syndrome.soc,
            "_start": start.to_numpy(),
            "_time": onset_time.to_numpy(),
            "_end": end.to_numpy(),
            "_grade": grade,
            "_fatal": False,
            "_serious": draw_rate(design.serious_by_grade, grade, rng),
            "_related": rng.random(size) < design.related,
            "_spm_type": None,
        }
    )
    details = {f"{prefix}{name}": values for name, values in parts.items()}
    details[f"{prefix}TOCI"] = yes_no(draw_rate(design.tocilizumab_by_grade, grade, rng))
    details[f"{prefix}CORT"] = yes_no(draw_rate(design.corticosteroid_by_grade, grade, rng))
    details[f"{prefix}OTHTRT"] = np.where(other, treatment, None)
    details[f"{prefix}OTHTRT_EN"] = np.where(other, treatment_en, None)
    return pd.concat([frame, pd.DataFrame(details)], axis=1)


#: Page fields copied from the accompanying AE row: (page suffix, AE field, label, codelist).
_FROM_AE_ROW: tuple[tuple[str, str, str, str | None], ...] = (
    ("STDAT", "AESTDAT", "Onset date", None),
    ("STTIM", "AESTTIM", "Onset time", None),
    ("ENDAT", "AEENDAT", "Resolution date", None),
    ("ONGO", "AEONGO", "Ongoing?", "NY"),
    ("GR", "AETOXGR", "ASTCT 2019 grade", "TOXGR"),
)
_AFTER_TREATMENT: tuple[tuple[str, str, str, str | None], ...] = (
    ("SER", "AESER", "Serious?", "NY"),
    *((name.replace("AE", "", 1), name, label, "NY") for name, label in SERIOUSNESS_FIELDS),
    ("OUT", "AEOUT", "Outcome", "OUT"),
    ("REL", "AEREL", "Relationship to the study drug (physician assessment)", "REL"),
)


def _page_fields(syndrome: Syndrome) -> list[Field]:
    prefix = syndrome.prefix
    copied = [Field(f"{prefix}{suffix}", label, _type(ae), codelist) for suffix, ae, label, codelist in _FROM_AE_ROW]
    treatment = [
        Field(f"{prefix}TOCI", "Tocilizumab given?", "code", "NY"),
        Field(f"{prefix}CORT", "Corticosteroids given?", "code", "NY"),
        Field(f"{prefix}OTHTRT", "Other treatment", "text"),
        Field(f"{prefix}OTHTRT_EN", "Other treatment (English translation)", "text"),
    ]
    after = [Field(f"{prefix}{suffix}", label, "code", codelist) for suffix, _, label, codelist in _AFTER_TREATMENT]
    link = Field("AESPID", "AE line identifier of the accompanying AE row", "text")
    return [*key_fields(), link, *copied, *syndrome.components, *treatment, *after]


def _type(ae_field: str) -> FieldType:
    return {"AESTDAT": "date", "AEENDAT": "date", "AESTTIM": "time"}.get(ae_field, "code")


def syndrome_form(adverse: pd.DataFrame, syndrome: Syndrome, language: str) -> Form:
    """The detail page of one syndrome: one row per episode, tied to its AE row by AESPID."""
    rows = adverse.loc[adverse["_source"] == syndrome.form]
    renamed = {ae: f"{syndrome.prefix}{suffix}" for suffix, ae, _, _ in (*_FROM_AE_ROW, *_AFTER_TREATMENT)}
    page = pd.concat([rows, rows[list(renamed)].rename(columns=renamed)], axis=1)
    codelists = {**shared_codelists(), **syndrome.codelists}
    return assemble_form(syndrome.form, syndrome.label, _page_fields(syndrome), page, language, codelists)
