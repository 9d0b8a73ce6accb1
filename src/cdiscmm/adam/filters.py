"""Record filters of the ADaM specs: which records of a dataset count (``{RSTESTCD: OVRLRESP, EXDOSE: {gt: 0}}``)."""

from __future__ import annotations

from functools import partial

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, RootModel

from cdiscmm.core.distinct import compute_on_distinct

Scalar = str | int | float


class Comparison(BaseModel):
    """A condition on one variable other than equality: ``{gt: 0}``, ``{not_in: [NE]}``, ``{present: true}``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    ne: Scalar | None = None
    in_: list[Scalar] | None = Field(None, alias="in")
    not_in: list[Scalar] | None = None
    present: bool | None = None

    def mask(self, values: pd.Series) -> pd.Series:
        """True where ``values`` meets every stated condition (a missing value meets none but ``present: false``)."""
        numeric = compute_on_distinct(partial(pd.to_numeric, errors="coerce"), values)  # once per distinct value
        tests = {
            "gt": lambda bound: numeric > bound,
            "ge": lambda bound: numeric >= bound,
            "lt": lambda bound: numeric < bound,
            "le": lambda bound: numeric <= bound,
            "ne": lambda other: values.notna() & values.ne(other),
            "in_": lambda options: values.isin(options),
            "not_in": lambda options: values.notna() & ~values.isin(options),
            "present": lambda wanted: values.notna() == wanted,
        }
        result = pd.Series(True, index=values.index)
        for key, test in tests.items():
            bound = getattr(self, key)
            if bound is not None:
                result &= test(bound).fillna(False).astype(bool)
        return result

    def describe(self, name: str) -> str:
        """The condition in words, e.g. ``EXDOSE > 0``."""
        words = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "ne": "is not"}
        parts = [f"{name} {words[key]} {getattr(self, key)!r}" for key in words if getattr(self, key) is not None]
        if self.in_ is not None:
            parts.append(f"{name} in {self.in_}")
        if self.not_in is not None:
            parts.append(f"{name} not in {self.not_in}")
        if self.present is not None:
            parts.append(f"{name} is {'present' if self.present else 'missing'}")
        return " and ".join(parts)


class RecordFilter(RootModel[dict[str, Scalar | list[Scalar] | Comparison]]):
    """Which records of a dataset count: variable -> value (equals), list (one of) or :class:`Comparison`.

    Every condition must hold (AND). Example: ``{RSTESTCD: OVRLRESP, RSSTRESC: {not_in: [NE]}}``.
    """

    def columns(self) -> list[str]:
        """The variables the filter reads."""
        return list(self.root)

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        """True for the rows of ``frame`` that meet every condition (vectorised)."""
        result = pd.Series(True, index=frame.index)
        for name, condition in self.root.items():
            values = frame[name]
            if isinstance(condition, Comparison):
                result &= condition.mask(values)
            elif isinstance(condition, list):
                result &= values.isin(condition).fillna(False).astype(bool)
            else:
                result &= values.eq(condition).fillna(False).astype(bool)
        return result

    def describe(self) -> str:
        """The filter in words, for method text and notes."""
        parts = []
        for name, condition in self.root.items():
            if isinstance(condition, Comparison):
                parts.append(condition.describe(name))
            elif isinstance(condition, list):
                parts.append(f"{name} in {condition}")
            else:
                parts.append(f"{name} = {condition!r}")
        return " and ".join(parts)
