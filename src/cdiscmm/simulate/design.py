"""The collection design of a study (``mappings/<study>/collection.yaml``): all that is study-specific.

The generator code is generic; sizes, countries, populations, the treatment schedule, the outcome model and
the defect rates come from this file. Weights are relative (normalised when drawn). Every problem is
reported as a SpecError naming the file and line (``load_model``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator, model_validator

from cdiscmm.metadata.study import StudyRef
from cdiscmm.metadata.yamlio import load_model
from cdiscmm.simulate.codelists import RESPONSE_LEVELS
from cdiscmm.simulate.design_common import DayRange, LogNormal, Normal, Strict, Weights, codes_in
from cdiscmm.simulate.design_treatment import CellTherapy, Scheduled
from cdiscmm.simulate.vocabulary import DRUGS

DESIGN_FILE = "collection.yaml"


class Defaults(Strict):
    subjects: int = Field(ge=1)
    seed: int = Field(ge=0)


class Enrolment(Strict):
    """When subjects consent, and how index date (first dose / infusion) relates to consent."""

    start: dt.date
    end: dt.date
    retrospective_fraction: float = Field(ge=0, le=1)
    consent_before_index_days: DayRange = Field(description="prospective: consent precedes the index date")
    index_before_consent_days: DayRange = Field(
        (1, 1), description="retrospective: the index date precedes consent (chart review)"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Enrolment:
        if self.end < self.start:
            raise ValueError("enrolment end is before start")
        return self


class Country(Strict):
    """A participating country (ISO 3166-1 alpha-3), its sites and population."""

    code: str = Field(pattern=r"^[A-Z]{3}$")
    name: str
    sites: int = Field(ge=1)
    weight: float = Field(gt=0)
    site_prefix: str = Field(pattern=r"^[A-Z0-9]{1,4}$")
    race: Weights
    ethnic: Weights

    @field_validator("race")
    @classmethod
    def _race(cls, value: dict[str, float]) -> dict[str, float]:
        return codes_in("RACE", value)

    @field_validator("ethnic")
    @classmethod
    def _ethnic(cls, value: dict[str, float]) -> dict[str, float]:
        return codes_in("ETHNIC", value)


class BySex(Strict):
    M: Normal
    F: Normal


class Demographics(Strict):
    age: Normal
    male_fraction: float = Field(ge=0, le=1)
    weight_kg: BySex
    height_cm: BySex


class Cytogenetics(Strict):
    """FISH at baseline: fraction tested, and prevalence of each abnormality among the tested."""

    tested: float = Field(ge=0, le=1)
    del17p: float = Field(ge=0, le=1)
    t414: float = Field(ge=0, le=1)
    t1416: float = Field(ge=0, le=1)
    gain1q: float = Field(ge=0, le=1)


class Disease(Strict):
    """Myeloma at diagnosis and at baseline."""

    years_since_diagnosis: LogNormal
    isotype: Weights
    iss: Weights
    high_ldh: float = Field(ge=0, le=1, description="share with LDH above ULN (R-ISS)")
    cytogenetics: Cytogenetics
    ecog: Weights
    bm_plasma_cells_pct: LogNormal
    serum_mprotein_g_dl: LogNormal
    urine_mprotein_mg_24h: LogNormal
    involved_flc_mg_l: LogNormal

    @field_validator("isotype")
    @classmethod
    def _isotype(cls, value: dict[str, float]) -> dict[str, float]:
        return codes_in("MMTYPE", value)

    @field_validator("iss")
    @classmethod
    def _iss(cls, value: dict[str, float]) -> dict[str, float]:
        return codes_in("STAGE3", value)

    @field_validator("ecog")
    @classmethod
    def _ecog(cls, value: dict[str, float]) -> dict[str, float]:
        return codes_in("ECOG", value)


class PriorTherapy(Strict):
    """Prior lines: how many, which regimens at which position, refractoriness, transplants."""

    lines: dict[int, Annotated[float, Field(ge=0)]]
    regimens: dict[str, list[str]]
    first_line: Weights
    middle_lines: Weights
    last_line: Weights
    refractory_last_line: float = Field(ge=0, le=1)
    refractory_earlier_lines: float = Field(ge=0, le=1)
    asct_under_70: float = Field(ge=0, le=1)
    asct_70_plus: float = Field(ge=0, le=1)
    radiotherapy: float = Field(ge=0, le=1)

    @field_validator("lines")
    @classmethod
    def _lines(cls, value: dict[int, float]) -> dict[int, float]:
        if min(value) < 1 or sum(value.values()) <= 0:
            raise ValueError("line counts must be >= 1 with a positive weight")
        return value

    @field_validator("regimens")
    @classmethod
    def _drugs_known(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, drugs in value.items():
            unknown = sorted(set(drugs) - set(DRUGS))
            if unknown or not drugs:
                raise ValueError(f"regimen {name}: unknown or no drugs {unknown}; known: {', '.join(DRUGS)}")
        return value

    @model_validator(mode="after")
    def _pools_name_regimens(self) -> PriorTherapy:
        for pool in (self.first_line, self.middle_lines, self.last_line):
            unknown = sorted(set(pool) - set(self.regimens))
            if unknown:
                raise ValueError(f"regimens {unknown} are not defined under prior_therapy.regimens")
        return self


class Visit(Strict):
    name: str
    day: int = Field(ge=2)


class Assessments(Strict):
    """Response assessments: visit list (study day; day 1 = index date), window, not-done/NE rates."""

    visits: list[Visit]
    window_days: int = Field(ge=0)
    not_done_rate: float = Field(ge=0, le=1)
    not_evaluable_rate: float = Field(ge=0, le=1)


class Death(Strict):
    """Early deaths (day 1..window), death hazard before progression, survival after progression."""

    early_fraction: float = Field(ge=0, le=1)
    early_window_days: int = Field(ge=1)
    pre_progression_yearly: float = Field(ge=0)
    post_progression_median_days: float = Field(gt=0)
    other_cause_fraction: float = Field(ge=0, le=1, description="share of non-early deaths not due to PD")


class Subsequent(Strict):
    """Next anti-myeloma therapy: after PD or after stopping study treatment for other reasons."""

    after_progression: float = Field(ge=0, le=1)
    after_other_stop: float = Field(ge=0, le=1)
    delay_days: LogNormal
    regimens: dict[str, list[str]]
    weights: Weights

    @model_validator(mode="after")
    def _known(self) -> Subsequent:
        for name, drugs in self.regimens.items():
            if not drugs or set(drugs) - set(DRUGS):
                raise ValueError(f"regimen {name}: unknown or no drugs")
        if set(self.weights) - set(self.regimens):
            raise ValueError("weights name regimens that are not defined")
        return self


class Outcome(Strict):
    """The latent course: best response mix, timing, progression, death, dropout, stopping treatment."""

    best_response: Weights
    time_to_response_days: LogNormal
    time_to_best_days: LogNormal
    progression_median_days: dict[str, Annotated[float, Field(gt=0)]]
    death: Death
    lost_to_follow_up_yearly: float = Field(ge=0)
    withdrawal_yearly: float = Field(ge=0)
    stop_for_adverse_event_yearly: float = Field(ge=0)
    stop_other_yearly: float = Field(ge=0)
    survival_contact_days: int = Field(ge=7)
    subsequent_therapy: Subsequent

    @field_validator("best_response", "progression_median_days")
    @classmethod
    def _levels(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(RESPONSE_LEVELS))
        if unknown:
            raise ValueError(f"unknown response categories {unknown}; expected {', '.join(RESPONSE_LEVELS)}")
        return value

    @model_validator(mode="after")
    def _every_best_has_a_median(self) -> Outcome:
        missing = sorted(set(self.best_response) - set(self.progression_median_days) - {"PD"})
        if missing:
            raise ValueError(f"progression_median_days lacks {missing}")
        return self


class DatePair(Strict):
    form: str
    start: str
    end: str


class Defects(Strict):
    """Rates of the injected defects (fraction of eligible cells or rows); see ``cdiscmm.simulate.defects``."""

    partial_date_historical: float = Field(ge=0, le=1)
    partial_date_recent: float = Field(ge=0, le=1)
    historical_dates: list[str] = Field(description="FORM.FIELD of dates recalled from the past")
    end_before_start: float = Field(ge=0, le=1)
    date_pairs: list[DatePair]
    unscheduled_visit: float = Field(ge=0, le=1)
    missing_assessment: float = Field(ge=0, le=1)
    assessment_forms: dict[str, str] = Field(description="form -> its date field; visits shared by these forms")
    duplicate_row: float = Field(ge=0, le=1)
    long_text: float = Field(ge=0, le=1)
    free_text_fields: list[str] = Field(description="FORM.FIELD of free text that may exceed 200 bytes")
    code_outside_codelist: float = Field(ge=0, le=1)
    spaces_and_case: float = Field(ge=0, le=1)


class CollectionDesign(Strict):
    """``collection.yaml``."""

    defaults: Defaults
    enrolment: Enrolment
    observation_days: int = Field(ge=28)
    countries: list[Country] = Field(min_length=1)
    demographics: Demographics
    disease: Disease
    prior_therapy: PriorTherapy
    treatment: Annotated[Scheduled | CellTherapy, Field(discriminator="kind")]
    assessments: Assessments
    outcome: Outcome
    forms: list[str] = Field(min_length=1)
    defects: Defects

    @model_validator(mode="after")
    def _consent_before_leukapheresis(self) -> CollectionDesign:
        treatment = self.treatment
        if (
            isinstance(treatment, CellTherapy)
            and self.enrolment.consent_before_index_days[0] <= treatment.leukapheresis_before_index_days[1]
        ):
            raise ValueError("prospective consent must precede leukapheresis: raise consent_before_index_days")
        return self

    @field_validator("forms")
    @classmethod
    def _registered(cls, value: list[str], info: ValidationInfo) -> list[str]:
        known = (info.context or {}).get("forms")
        unknown = sorted(set(value) - set(known)) if known is not None else []
        if unknown:
            raise ValueError(f"no generator for forms {unknown}; known: {', '.join(sorted(known))}")
        return value


def load_design(study: StudyRef, forms: set[str] | None = None) -> CollectionDesign:
    """Read ``<study folder>/collection.yaml``; ``forms`` are the generator names the form list may use."""
    path: Path = study.folder / DESIGN_FILE
    return load_model(path, CollectionDesign, context={"forms": forms} if forms is not None else None)
