"""Spec vocabulary shared by the study configuration and the mapping specs: the strict base of every YAML
argument model, the layouts of collected dates, and the row condition (``condition_add``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: Layouts of collected dates the ISO 8601 conversion reads (``cdiscmm.sdtm.iso8601``).
DateFormat = Literal["DD MON YYYY", "YYYY-MM-DD", "DD/MM/YYYY"]


class SpecArgs(BaseModel):
    """Arguments of one spec entry as written in YAML; unknown keys are spec errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def fields(self) -> list[str]:
        """The raw fields this entry reads (checked against the form before mapping)."""
        return []


class ConditionAddArgs(SpecArgs):
    """One test on a raw field; a source's list of tests must all hold (AND).

    Exactly one of ``equals``, ``in``, ``not_in``, ``not_empty``, ``empty``. Comparison ignores surrounding
    blanks and case.
    """

    field: str = Field(description="Raw field tested")
    equals: str | None = None
    in_: list[str] | None = Field(None, alias="in")
    not_in: list[str] | None = None
    not_empty: bool | None = None
    empty: bool | None = None

    model_config = SpecArgs.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _one_test(self) -> ConditionAddArgs:
        tests = [self.equals, self.in_, self.not_in, self.not_empty, self.empty]
        if sum(test is not None for test in tests) != 1:
            raise ValueError("give exactly one of: equals, in, not_in, not_empty, empty")
        return self

    def fields(self) -> list[str]:
        return [self.field]

    def describe(self) -> str:
        """The test in words, for the rejects file."""
        if self.equals is not None:
            return f"{self.field} = {self.equals!r}"
        if self.in_ is not None:
            return f"{self.field} in {self.in_}"
        if self.not_in is not None:
            return f"{self.field} not in {self.not_in}"
        return f"{self.field} {'is not' if self.not_empty else 'is'} blank"
