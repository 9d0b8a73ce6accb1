"""Give a target variable a fixed value, free text (``hardcode_no_ct``) or a CT term (``hardcode_ct``)."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from cdiscmm.core.errors import SpecError
from cdiscmm.metadata.vocabulary import ConditionAddArgs
from cdiscmm.sdtm.verbs.base import MapContext, Mapped, VerbArgs, clean_text, record_verb
from cdiscmm.sdtm.verbs.condition import condition_add


class HardcodeNoCtArgs(VerbArgs):
    """``hardcode_no_ct: {value: PRIOR ANTI-MYELOMA THERAPY}``; with ``field``, only where that field has a value."""

    value: str = Field(description="The fixed value")
    field: str | None = Field(None, description="Raw field: the value is set only where this field is not blank")
    when: ConditionAddArgs | None = Field(
        None, description="Raw-field test (as condition_add): the value is set only on the rows where it holds"
    )

    def fields(self) -> list[str]:
        return ([self.field] if self.field else []) + (self.when.fields() if self.when else [])


def _fixed(raw: pd.DataFrame, value: str, field: str | None, when: ConditionAddArgs | None = None) -> pd.Series:
    values = pd.Series(value, index=raw.index, dtype="string")
    if field is not None:
        values = values.where(clean_text(raw[field]).notna())
    if when is not None:
        values = values.where(condition_add(raw, when))
    return values


@record_verb(HardcodeNoCtArgs, origin="Assigned")
def hardcode_no_ct(raw: pd.DataFrame, args: HardcodeNoCtArgs, context: MapContext) -> Mapped:
    """Set a fixed text on every row, or only where ``field`` is filled / ``when`` holds (sdtm.oak HARDCODE_NO_CT)."""
    return Mapped(values=_fixed(raw, args.value, args.field, args.when))


class HardcodeCtArgs(VerbArgs):
    """``hardcode_ct: {value: YEARS, codelist: C66781}``; the value must be a term of the codelist."""

    value: str = Field(description="Submission value of a term of the codelist")
    codelist: str = Field(description="NCI C-code of the codelist")
    field: str | None = Field(None, description="Raw field: the value is set only where this field is not blank")
    when: ConditionAddArgs | None = Field(
        None, description="Raw-field test (as condition_add): the value is set only on the rows where it holds"
    )

    def fields(self) -> list[str]:
        return ([self.field] if self.field else []) + (self.when.fields() if self.when else [])


@record_verb(HardcodeCtArgs, origin="Assigned")
def hardcode_ct(raw: pd.DataFrame, args: HardcodeCtArgs, context: MapContext) -> Mapped:
    """Set a fixed CT term, checked against the codelist (sdtm.oak HARDCODE_CT)."""
    codelist = context.ct.get(args.codelist)
    if codelist.term(args.value) is None and not codelist.extensible:
        raise SpecError(
            f"hardcode_ct value {args.value!r} is not a term of codelist {codelist.code} ({codelist.name})",
            expected=f"one of {', '.join(codelist.values()[:20])}",
        )
    return Mapped(values=_fixed(raw, args.value, args.field, args.when))
