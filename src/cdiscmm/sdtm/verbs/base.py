"""What every mapping verb shares: its arguments model, its result, and the registries keyed by function name.

A verb's YAML name is its Python function's name (sdtm.oak's lesson): ``assign_ct:`` in a spec runs
:func:`cdiscmm.sdtm.verbs.assign.assign_ct`. Two families exist:

- **record verbs** turn collected columns of one form into one target column (``assign_no_ct``, ``assign_ct``,
  ``hardcode_no_ct``, ``hardcode_ct``, ``assign_datetime``); they run on the raw rows of a source;
- **domain verbs** derive a variable from the assembled domain and DM (``derive_seq``, ``derive_study_day``,
  ``derive_epoch``, ``derive_age``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cdiscmm.metadata.model import Codelist
from cdiscmm.metadata.vocabulary import SpecArgs

#: Columns of a problem table: one row per raw row and field that a verb could not map cleanly.
PROBLEM_COLUMNS: tuple[str, ...] = ("FIELD", "VALUE", "RULE", "REASON", "REJECT")


class CodelistLookup(Protocol):
    """The part of the CT registry the verbs use (``cdiscmm.metadata.standards.sdtm_ct()``)."""

    def get(self, code: str) -> Codelist: ...


class VerbArgs(SpecArgs):
    """Arguments of one verb as written in YAML; unknown keys are spec errors."""


@dataclass(frozen=True)
class MapContext:
    """What record verbs may consult besides the raw rows; ``core`` is the SDTMIG core of the target variable
    being mapped (None outside a domain, e.g. a SUPP-- value)."""

    studyid: str
    ct: CodelistLookup
    core: str | None = None


@dataclass
class Mapped:
    """A record verb's result: the target column (aligned to the raw rows) and what went wrong where.

    ``local`` holds the collected local-language text for the local-language copy of the dataset.
    ``problems`` is indexed like the raw rows it concerns, with :data:`PROBLEM_COLUMNS`; ``REJECT`` True means
    the row cannot go into this domain, False means it goes in with a finding.
    """

    values: pd.Series
    local: pd.Series | None = None
    problems: pd.DataFrame = field(default_factory=lambda: empty_problems())


def empty_problems() -> pd.DataFrame:
    """A problem table with no rows."""
    return pd.DataFrame({name: pd.Series(dtype="object") for name in PROBLEM_COLUMNS})


def problems_where(
    mask: pd.Series, field_name: str, values: pd.Series, rule: str, reason: pd.Series | str, *, reject: bool
) -> pd.DataFrame:
    """One problem row per True in ``mask`` (index kept), naming the field, the value and the reason.

    ``reason``: one text, or a Series of one per row of ``values`` or of one per reported row (the rows ``mask``
    selects, same labels): building the texts of the reported rows only costs those rows, not the column."""
    selected = mask.fillna(False).astype(bool)
    reasons = reason[selected] if isinstance(reason, pd.Series) and len(reason) == len(values) else reason
    return pd.DataFrame(
        {
            "FIELD": field_name,
            "VALUE": values[selected].astype("object"),
            "RULE": rule,
            "REASON": reasons,
            "REJECT": reject,
        },
        index=values.index[selected],
    )


def clean_text(values: pd.Series) -> pd.Series:
    """Collected text with surrounding blanks removed; blank becomes null (a ``string`` Series, labels and name
    kept). Two Arrow kernels on the column's Arrow strings (the whitespace trim ``Series.str.strip`` runs)."""
    stripped = pc.utf8_trim_whitespace(pa.array(values.astype("string")))
    kept = pc.if_else(pc.equal(stripped, ""), pa.scalar(None, stripped.type), stripped)
    return pd.Series(kept, index=values.index, name=values.name, dtype="string")


@dataclass(frozen=True)
class Verb:
    """A registered verb: its function and the pydantic model of its YAML arguments."""

    name: str
    args: type[VerbArgs]
    function: Callable[..., object]
    doc: str
    origin: str


RECORD_VERBS: dict[str, Verb] = {}
DOMAIN_VERBS: dict[str, Verb] = {}


def _register(
    registry: dict[str, Verb], args: type[VerbArgs], origin: str
) -> Callable[[Callable[..., object]], Callable[..., object]]:
    def decorate(function: Callable[..., object]) -> Callable[..., object]:
        doc = (function.__doc__ or "").strip().splitlines()[0]
        registry[function.__name__] = Verb(function.__name__, args, function, doc, origin)
        return function

    return decorate


def record_verb(args: type[VerbArgs], origin: str) -> Callable[[Callable[..., object]], Callable[..., object]]:
    """Register a record verb under its function's name; ``origin`` is the Define-XML origin of its values."""
    return _register(RECORD_VERBS, args, origin)


def domain_verb(args: type[VerbArgs]) -> Callable[[Callable[..., object]], Callable[..., object]]:
    """Register a domain verb under its function's name (its values are Derived)."""
    return _register(DOMAIN_VERBS, args, "Derived")


@dataclass(frozen=True)
class EpochStart:
    """One epoch and the DM reference variable (plus offset in days) on which it starts; None: from the start."""

    epoch: str
    reference: str | None
    offset_days: int = 0


@dataclass
class DomainContext:
    """What domain verbs may consult: the domain code, DM (USUBJID and reference dates), epochs, sort keys, CT.

    ``by_subject`` keeps each DM column a verb looked up (:meth:`subject_values`), by DM row; a build gives every
    domain and chunk the same dict for the same DM, so DM is converted once per column and a lookup costs the
    records looked up, not the study's subjects (``--chunk-subjects``). The DM row of each record is found once
    per USUBJID column (every verb of a domain looks up the same one), then each lookup takes DM rows by number.
    """

    domain: str
    dm: pd.DataFrame
    epochs: list[EpochStart] = field(default_factory=list)
    epochs_end: str | None = None
    keys: list[str] = field(default_factory=list)
    ct: CodelistLookup | None = None
    by_subject: dict[tuple[str, str], pd.Series] = field(default_factory=dict)
    #: the USUBJID values last looked up (the array itself, held so it is the same object) and their DM rows
    _dm_rows: tuple[object, pd.Series] | None = field(default=None, init=False, repr=False)

    def _rows(self, usubjid: pd.Series) -> pd.Series:
        """Each record's row in DM (-1 for a subject without a DM record), labelled and named like ``usubjid``."""
        if self._dm_rows is None or self._dm_rows[0] is not usubjid.array:
            rows = pd.Index(self.dm["USUBJID"]).get_indexer(usubjid)
            self._dm_rows = (usubjid.array, pd.Series(rows, index=usubjid.index, name=usubjid.name))
        return self._dm_rows[1]

    def subject_values(
        self, usubjid: pd.Series, variable: str, convert: Callable[[pd.Series], pd.Series] | None = None
    ) -> pd.Series:
        """DM's ``variable`` of each record's subject (``usubjid``), converted by ``convert`` (e.g. to complete
        dates) once per DM column; null for a subject without a DM record."""
        key = (variable, convert.__qualname__ if convert else "")
        if key not in self.by_subject:
            column = self.dm[variable]
            self.by_subject[key] = (column if convert is None else convert(column)).reset_index(drop=True)
        # the same values and dtype as ``usubjid.map`` of the column indexed by USUBJID (-1: no row, null)
        return self._rows(usubjid).map(self.by_subject[key])
