"""Schema of ``mappings/<study>/events.yaml``: the study's AE catalogue, CRS/ICANS, HO, SPM, MRU and PRO design.

Every rate, distribution and verbatim of the event forms is study data and lives in that file; the generator code
is the same for every study. Load it with :func:`load_events_design`, which validates with file:line errors and
checks that every collected text carries the study language and its English translation.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from cdiscmm.metadata.yamlio import load_model

Probability = Annotated[float, Field(ge=0, le=1)]
#: CTCAE v5.0 / ASTCT 2019 grades a catalogue may draw; grade 5 (death) is made only by the fatal-event rule.
Grade = Literal[1, 2, 3, 4]
AnyGrade = Literal[1, 2, 3, 4, 5]
ActionTaken = Literal["DOSE NOT CHANGED", "DOSE REDUCED", "DRUG INTERRUPTED", "DRUG WITHDRAWN"]
ResourceType = Literal["EMERGENCY VISIT", "OUTPATIENT VISIT", "NEW PRESCRIPTION"]
InstrumentName = Literal["qlqc30", "qlqmy20", "eq5d5l"]


def _has_study_languages(texts: list[dict[str, str]], info: ValidationInfo) -> list[dict[str, str]]:
    """Each variant is {language: text}; it must carry the study language and English (the translation)."""
    language = (info.context or {}).get("language", "en")
    for text in texts:
        missing = sorted({language, "en"} - text.keys())
        if missing:
            raise ValueError(f"text variant {text} lacks language {', '.join(missing)} (study collects '{language}')")
    return texts


#: Alternative wordings of one collected text, each as {language: text}, e.g. ``{ja: 好中球減少症, en: Neutropenia}``.
Texts = Annotated[list[dict[str, str]], Field(min_length=1), AfterValidator(_has_study_languages)]


def _is_distribution(table: dict[int, float]) -> dict[int, float]:
    if not math.isclose(sum(table.values()), 1.0, abs_tol=1e-6):
        raise ValueError(f"probabilities must sum to 1 (found {sum(table.values()):.4f})")
    return table


GradeDistribution = Annotated[dict[Grade, Probability], Field(min_length=1), AfterValidator(_is_distribution)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CatalogueEntry(_Strict):
    """One adverse-event term of the study's catalogue (MedDRA PT and SOC names; no MedDRA codes)."""

    decod: str = Field(description="MedDRA preferred term (English)")
    soc: str = Field(description="MedDRA primary system organ class (English)")
    verbatim: Texts
    incidence: Probability = Field(description="Share of subjects with at least one event over the observation")
    recurrence: float = Field(0.0, ge=0, description="Mean number of further events in an affected subject (Poisson)")
    onset_median_days: float = Field(gt=0, description="Median days from index date to onset (exponential)")
    duration_median_days: float = Field(gt=0, description="Median duration in days (log-normal)")
    grades: GradeDistribution
    serious: Probability
    related: Probability = Field(description="Share the physician assesses as related to the study drug")
    fatal_weight: float = Field(0.0, ge=0, description="Relative weight of this term as the fatal adverse event")
    spm_type: Literal["HAEMATOLOGICAL", "SOLID", "SKIN"] | None = Field(
        None, description="Set for a second primary malignancy"
    )
    sex: Literal["M", "F"] | None = Field(None, description="Only subjects of this sex (e.g. prostate cancer)")


class FatalDesign(_Strict):
    """Which deaths come with a fatal AE (the death cause itself is the core generator's)."""

    without_progression: Probability = Field(description="Share of deaths without prior progression with a fatal AE")
    after_progression: Probability = Field(description="Share of deaths after progression with a fatal AE")
    lead_days_max: int = Field(ge=0, description="The fatal AE starts 0..lead_days_max days before death")


class AeDesign(_Strict):
    """The ``ae`` form: catalogue, fatal events, seriousness and action taken."""

    hospitalisation_rate: Probability = Field(
        description="Share of serious events that meet the hospitalisation criterion"
    )
    time_collected_rate: Probability = Field(description="Share of catalogue events with a start time")
    action_taken: dict[AnyGrade, dict[ActionTaken, Probability]] | None = Field(
        None, description="AEACN distribution by grade for events on treatment; absent: NOT APPLICABLE (single dose)"
    )
    fatal: FatalDesign
    catalogue: list[CatalogueEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> AeDesign:
        for grade, table in (self.action_taken or {}).items():
            if not math.isclose(sum(table.values()), 1.0, abs_tol=1e-6):
                raise ValueError(f"action_taken for grade {grade} must sum to 1")
        if (self.fatal.without_progression or self.fatal.after_progression) and not any(
            entry.fatal_weight for entry in self.catalogue
        ):
            raise ValueError("fatal AEs are requested but no catalogue entry has a fatal_weight")
        return self


class OnsetWindow(_Strict):
    """Onset after the triggering administration, in hours (triangular distribution min/mode/max)."""

    min_hours: float = Field(gt=0)
    mode_hours: float = Field(gt=0)
    max_hours: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> OnsetWindow:
        if not self.min_hours <= self.mode_hours <= self.max_hours:
            raise ValueError("expected min_hours <= mode_hours <= max_hours")
        return self


class SyndromeDesign(_Strict):
    """CRS or ICANS episodes: which administrations trigger them, when, how severe and how treated."""

    verbatim: Texts
    per_dose: dict[Annotated[int, Field(ge=1)], Probability] = Field(
        min_length=1, description="Administration number (1 = first) -> probability of an episode after it"
    )
    onset: OnsetWindow
    duration_median_days: float = Field(gt=0)
    grades: GradeDistribution
    serious_by_grade: dict[Grade, Probability]
    related: Probability
    tocilizumab_by_grade: dict[Grade, Probability]
    corticosteroid_by_grade: dict[Grade, Probability]
    other_treatment_rate: Probability
    other_treatments: Texts


class PlannedStay(_Strict):
    """A hospitalisation every subject may have by design (e.g. CAR-T lymphodepletion and infusion)."""

    reason: Texts
    start_day: int = Field(description="Admission day relative to the index date (0 = index date)")
    length_median_days: float = Field(gt=0)
    rate: Probability


class HoDesign(_Strict):
    """The ``ho`` form: stays from hospitalising AEs plus planned stays."""

    length_of_stay_median_days: float = Field(gt=0)
    icu_by_grade: dict[AnyGrade, Probability]
    transfer_rate: Probability
    planned_stays: list[PlannedStay] = []


class SpmDesign(_Strict):
    """The ``spm`` page that accompanies each second-primary-malignancy AE."""

    biopsy_rate: Probability


class Prescription(_Strict):
    name: Texts
    weight: float = Field(gt=0)


class MruDesign(_Strict):
    """The ``mru`` form: visits and new prescriptions at a Poisson rate per month of observation."""

    per_month: dict[ResourceType, Annotated[float, Field(ge=0)]]
    prescriptions: list[Prescription] = Field(min_length=1)


class ProVisit(_Strict):
    visit: str
    day: int = Field(description="Target day relative to the index date (0 = index date)")
    window_before: int = Field(ge=0)
    window_after: int = Field(ge=0)


class ProDesign(_Strict):
    """Questionnaire schedule, completion and the drift of answers with response and progression."""

    instruments: list[InstrumentName] = Field(min_length=1)
    visits: list[ProVisit] = Field(min_length=1)
    completion_rate: Probability = Field(description="Share of scheduled visits with a questionnaire")
    partial_rate: Probability = Field(description="Share of returned questionnaires with some items unanswered")
    item_missing_rate: Probability = Field(description="Share of items left blank in a partial questionnaire")
    response_effect: float = Field(description="Health shift (SD units) from the first response onwards")
    progression_effect: float = Field(description="Health shift (SD units) from progression_lead_days before PD")
    progression_lead_days: int = Field(ge=0)


class EventsDesign(_Strict):
    """``events.yaml``: which event forms the study collects and how they are simulated."""

    index_margin_days: int = Field(ge=0, description="Events may start this many days before the index date")
    ae: AeDesign
    crs: SyndromeDesign | None = None
    icans: SyndromeDesign | None = None
    ho: HoDesign | None = None
    spm: SpmDesign | None = None
    mru: MruDesign | None = None
    pro: ProDesign | None = None

    @model_validator(mode="after")
    def _inside_margin(self) -> EventsDesign:
        earliest = [stay.start_day for stay in (self.ho.planned_stays if self.ho else [])]
        earliest += [visit.day - visit.window_before for visit in (self.pro.visits if self.pro else [])]
        if earliest and min(earliest) < -self.index_margin_days:
            raise ValueError(f"a planned stay or PRO visit starts before index_margin_days ({min(earliest)} days)")
        return self

    def syndromes(self) -> dict[str, SyndromeDesign]:
        """The special-interest syndromes this study collects, by form name."""
        return {name: design for name, design in (("crs", self.crs), ("icans", self.icans)) if design is not None}


class StudyLanguage(BaseModel):
    """The one ``study.yaml`` key the event forms need (the rest of that file has its own schema)."""

    model_config = ConfigDict(extra="ignore")

    language: str = Field("en", description="Language of collected free text (ISO 639-1): ja, zh, en")


def study_language(study_folder: Path) -> str:
    """The language of collected text of the study in ``study_folder``."""
    return load_model(study_folder / "study.yaml", StudyLanguage).language


def load_events_design(path: Path, language: str) -> EventsDesign:
    """Read ``events.yaml``; a problem raises SpecError naming the file and line."""
    return load_model(path, EventsDesign, context={"language": language})
