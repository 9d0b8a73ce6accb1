"""Select the raw rows a source maps (``condition_add``), as sdtm.oak's conditioned data frames do."""

from __future__ import annotations

import pandas as pd
from pydantic import Field, model_validator

from cdiscmm.sdtm.verbs.base import VerbArgs, clean_text


class ConditionAddArgs(VerbArgs):
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

    model_config = VerbArgs.model_config | {"populate_by_name": True}

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


def condition_add(raw: pd.DataFrame, args: ConditionAddArgs) -> pd.Series:
    """True for the raw rows that satisfy the test (blank values fail every test but ``empty``)."""
    value = clean_text(raw[args.field]).str.upper()
    if args.equals is not None:
        selected = value == args.equals.strip().upper()
    elif args.in_ is not None:
        selected = value.isin([item.strip().upper() for item in args.in_])
    elif args.not_in is not None:
        selected = value.notna() & ~value.isin([item.strip().upper() for item in args.not_in])
    else:
        selected = value.notna() == bool(args.not_empty)
    return selected.fillna(False).astype(bool)
