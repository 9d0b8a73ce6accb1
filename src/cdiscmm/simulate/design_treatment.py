"""The treatment section of a collection design: scheduled administrations of a drug, or a CAR-T cell therapy."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from cdiscmm.simulate.codelists import collected_codelists
from cdiscmm.simulate.design_common import DayRange, Normal, Strict, Weights, codes_in
from cdiscmm.simulate.vocabulary import DRUGS


class Phase(Strict):
    """Administrations of one phase: explicit study days, or every N days from start to end day.

    ``when`` restricts the phase to responders (>=PR before ``start_day``) or non-responders.
    """

    days: list[int] | None = Field(None, min_length=1)
    start_day: int | None = None
    end_day: int | None = None
    every_days: int | None = Field(None, ge=1)
    dose: float | list[float]
    when: Literal["all", "responders", "non_responders"] = "all"

    @model_validator(mode="after")
    def _one_form(self) -> Phase:
        explicit = self.days is not None
        periodic = None not in (self.start_day, self.end_day, self.every_days)
        if explicit == periodic:
            raise ValueError("give either days, or start_day + end_day + every_days")
        if isinstance(self.dose, list) and (not explicit or len(self.dose) != len(self.days or [])):
            raise ValueError("a dose list needs one dose per entry of days")
        return self


class Scheduled(Strict):
    """Repeated administrations of the study drug (bispecific antibody, monoclonal antibody)."""

    kind: Literal["scheduled"]
    drug: str
    route: str
    dose_unit: str = Field(description="planned dose unit (UNIT codelist), e.g. mg or mg/kg")
    phases: list[Phase]
    partner_regimens: Weights | None = None
    missed_dose_rate: float = Field(ge=0, le=1)
    dose_change_rate: float = Field(ge=0, le=1)
    jitter_days: int = Field(ge=0)

    @field_validator("route")
    @classmethod
    def _route(cls, value: str) -> str:
        routes = collected_codelists()["ROUTE"]
        if value not in routes:
            raise ValueError(f"route must be one of {', '.join(routes)}")
        return value

    @field_validator("dose_unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        if value not in ("mg", "mg/kg"):
            raise ValueError("dose_unit must be mg or mg/kg")
        return value

    @field_validator("partner_regimens")
    @classmethod
    def _partners(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        return None if value is None else codes_in("PARTNER", value)


class LymphodepletingDrug(Strict):
    drug: str
    dose_mg_m2: float = Field(gt=0)
    days: list[int]

    @field_validator("drug")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in DRUGS:
            raise ValueError(f"unknown drug {value}")
        return value


class CellTherapy(Strict):
    """Leukapheresis, lymphodepletion on days before infusion, one CAR-T infusion on day 1."""

    kind: Literal["cell_therapy"]
    product: str
    route: str = "IV"
    leukapheresis_before_index_days: DayRange
    lymphodepletion: list[LymphodepletingDrug]
    dose_per_kg: Normal = Field(description="10^6 CAR-T cells per kg")
