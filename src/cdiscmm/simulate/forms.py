"""The shape of one collected CRF form, shared by every form generator and by the data dictionary.

A generator returns clean :class:`Form` objects: dates and times as ``datetime64`` columns, codes as the
canonical collected code. Rendering dates the way an EDC exports them (``12 MAR 2024``), and injecting the
documented defects, happen afterwards in one place for every form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

FieldType = Literal["text", "integer", "float", "date", "time", "code"]

#: Fields that identify the subject on every form, in this order.
KEY_FIELDS: tuple[str, ...] = ("STUDYID", "SITEID", "SUBJID")


@dataclass(frozen=True)
class Field:
    """One CRF field: CDASH-style name, question label, type and (for ``code``) its collected codelist."""

    name: str
    label: str
    type: FieldType
    codelist: str | None = None


@dataclass
class Form:
    """A collected form: its fields (in export order) and the rows (one column per field)."""

    name: str
    label: str
    fields: list[Field]
    data: pd.DataFrame
    codelists: dict[str, dict[str, str]] = field(default_factory=dict)
    """Collected codelists used by this form's ``code`` fields: name -> {code: decode}."""

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if list(self.data.columns) != names:
            raise ValueError(f"form {self.name}: columns {list(self.data.columns)} differ from fields {names}")
