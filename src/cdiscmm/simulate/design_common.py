"""What every section of a collection design shares: strict models, weights, day ranges and distributions."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from cdiscmm.simulate.codelists import collected_codelists

Weights = dict[str, Annotated[float, Field(ge=0)]]
DayRange = Annotated[tuple[int, int], Field(description="inclusive [low, high] in days")]


class Strict(BaseModel):
    """Base of every design section: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def codes_in(codelist: str, weights: dict[str, float]) -> dict[str, float]:
    """``weights`` when every code is in the collected codelist and not all weights are zero."""
    codes = collected_codelists()[codelist]
    unknown = sorted(set(weights) - set(codes))
    if unknown:
        raise ValueError(f"codes {unknown} are not in codelist {codelist} ({', '.join(codes)})")
    if sum(weights.values()) <= 0:
        raise ValueError("weights must not all be zero")
    return weights


class Normal(Strict):
    """A normal distribution truncated to [min, max]."""

    mean: float
    sd: float = Field(ge=0)
    min: float
    max: float


class LogNormal(Strict):
    """A log-normal distribution given by its median and the SD of the log."""

    median: float = Field(gt=0)
    sigma: float = Field(ge=0)
