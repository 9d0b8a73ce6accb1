"""The models of an ADaM dataset spec (``specs/adam/<name>.yaml``): the dataset, its variables and parameters.

A variable is the metadata model's :class:`~cdiscmm.metadata.model.VariableMeta` plus the rules its derivation
reads, which are data: analysis-set flag rules (:class:`Rule`), categories and look-up tables, the record
selections of first/last dates (:class:`ExtremeDate`), values read from one record (:class:`RecordValue`);
per-parameter definitions (PARAMCD/PARAM/PARAMN, the QS items of a scale, the TTE events and censorings in the
TTE engine's models). ``derivations`` lists, in run order, the registered derivations that make the variables
(:mod:`cdiscmm.adam.registry`, checked by :mod:`cdiscmm.adam.binding`); the loader (:mod:`cdiscmm.adam.spec`)
checks and resolves all of it.
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cdiscmm.adam.dates import DurationUnit
from cdiscmm.adam.filters import RecordFilter
from cdiscmm.adam.tte import CensorSource, EventSource
from cdiscmm.core.errors import Location, SpecError
from cdiscmm.metadata import standards
from cdiscmm.metadata.model import DatasetMeta, Origin, SasName, VariableMeta, VariableType

AdamClass = Literal["SUBJECT LEVEL ANALYSIS DATASET", "OCCURRENCE DATA STRUCTURE", "BASIC DATA STRUCTURE"]


class RecordSelection(BaseModel):
    """Records of one dataset (SDTM or ADaM) and the date variables read from them."""

    model_config = ConfigDict(extra="forbid")

    dataset: str
    where: RecordFilter | None = None
    dates: list[str] = Field(min_length=1, description="Date variables (ISO 8601 --DTC or numeric dates)")


class ExtremeDate(BaseModel):
    """The first or last date over the selected records (admiral ``derive_var_extreme_dt``).

    ``required`` selections must be present in the input; the others are skipped when their dataset or
    a date variable is absent. Only complete dates count (no imputation); a datetime variable gets its
    time with missing time imputed as 00:00:00 (flag ``H``).
    """

    model_config = ConfigDict(extra="forbid")

    mode: Literal["first", "last"]
    sources: list[RecordSelection] = Field(min_length=1)
    required: bool = False


class RecordValue(BaseModel):
    """A subject's value read from one of its records: the last (by date, then sequence) or the maximum.

    With ``on_or_before`` the record's date (ISO 8601 text, date part) must not be later than that ADSL
    date: the baseline value. Comparing text, a partial date in the month (or year) of the reference
    date counts as on or before it.
    """

    model_config = ConfigDict(extra="forbid")

    dataset: str
    where: RecordFilter | None = None
    value: str
    pick: Literal["last", "max"] = "last"
    date: str | None = Field(None, description="Date variable (ISO 8601 --DTC) that orders the records")
    on_or_before: str | None = Field(None, description="ADSL date variable the record's date must not pass")
    baseline_visit: str | None = Field(
        None,
        description="With on_or_before: an undated record of this VISIT (e.g. BASELINE) counts as on or before "
        "(baseline classifications collected without an assessment date)",
    )

    @model_validator(mode="after")
    def _window_needs_date(self) -> RecordValue:
        if self.on_or_before and not self.date:
            raise ValueError("'on_or_before' needs 'date'")
        return self


class Category(BaseModel):
    """One group of a categorisation: values below ``below`` (and at or above the previous bound)."""

    model_config = ConfigDict(extra="forbid")

    value: str
    below: float | None = Field(None, description="Exclusive upper bound; None for the last, open group")


class Categories(BaseModel):
    """A grouping of a numeric variable into labelled categories; ``numeric`` receives 1, 2, ... in order."""

    model_config = ConfigDict(extra="forbid")

    source: str
    numeric: str | None = Field(None, description="Name of the (N) companion variable, e.g. AGEGR1N")
    groups: list[Category] = Field(min_length=2)

    @model_validator(mode="after")
    def _bounds_increase(self) -> Categories:
        bounds = [group.below for group in self.groups]
        if bounds[-1] is not None or any(bound is None for bound in bounds[:-1]):
            raise ValueError("every group but the last needs 'below'; the last has none")
        if bounds[:-1] != sorted(bounds[:-1]):
            raise ValueError("'below' bounds must increase")
        return self


class Lookup(BaseModel):
    """A look-up table: ``values`` maps each result to the source values that give it."""

    model_config = ConfigDict(extra="forbid")

    source: str
    values: dict[str, list[str]]

    @model_validator(mode="after")
    def _each_source_value_once(self) -> Lookup:
        seen: dict[str, str] = {}
        for result, keys in self.values.items():
            for key in keys:
                if key in seen:
                    raise ValueError(f"{key} is listed under both {seen[key]} and {result}")
                seen[key] = result
        return self

    def mapping(self) -> dict[str, str]:
        """Source value -> result."""
        return {key: result for result, keys in self.values.items() for key in keys}


class ExistsRule(BaseModel):
    """At least one record of ``dataset`` meets ``where`` (and, with ``after``, is dated after that ADSL date)."""

    model_config = ConfigDict(extra="forbid")

    dataset: str
    where: RecordFilter | None = None
    date: str | None = Field(None, description="Date variable of the record (ISO 8601 --DTC)")
    after: str | None = Field(None, description="ADSL date variable the record's date must be later than")

    @model_validator(mode="after")
    def _date_with_after(self) -> ExistsRule:
        if (self.date is None) != (self.after is None):
            raise ValueError("'date' and 'after' go together")
        return self


class Rule(BaseModel):
    """An analysis-set rule; exactly one key is given. Rules nest through ``all`` and ``any``.

    - ``exists``: a record of an input dataset (:class:`ExistsRule`);
    - ``flag``: an ADSL flag already derived equals 'Y';
    - ``present``: an ADSL variable is not missing;
    - ``all`` / ``any``: every / at least one of the nested rules holds.
    """

    model_config = ConfigDict(extra="forbid")

    exists: ExistsRule | None = None
    flag: str | None = None
    present: str | None = None
    all: list[Rule] | None = None
    any: list[Rule] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Rule:
        given = [key for key in type(self).model_fields if getattr(self, key) is not None]
        if len(given) != 1:
            raise ValueError(f"a rule has exactly one of exists, flag, present, all, any (found {given or 'none'})")
        return self

    @property
    def kind(self) -> str:
        """The key that is given."""
        return next(key for key in type(self).model_fields if getattr(self, key) is not None)


class DrugClass(BaseModel):
    """A drug class recognised by its CM class (CMCLAS) or by the drug's name (CMDECOD, else CMTRT)."""

    model_config = ConfigDict(extra="forbid")

    cmclas: list[str] = []
    drugs: list[str] = []


class VariableSpec(VariableMeta):
    """One variable of a dataset spec: the metadata model's variable plus the data its derivation reads.

    For a standard variable give no label or type (the loader fills them from ADaMIG / SDTMIG). The
    optional rule sections (``rule``, ``categories``, ``lookup``, ``extreme``, ``record_value``,
    ``drug_classes``) are the data the variable's derivation reads; ``method`` states the same rule in
    words for Define-XML. ``order`` is the variable's position in the spec (set by :class:`AdamDatasetSpec`).
    """

    model_config = ConfigDict(extra="forbid")

    label: str | None = None  # a standard variable's label and type are filled from the standard by the loader
    type: VariableType | None = None
    order: int = 0
    length: int | None = Field(None, gt=0, le=200)
    origin: Origin
    rule: Rule | None = None
    categories: Categories | None = None
    lookup: Lookup | None = None
    extreme: ExtremeDate | None = None
    record_value: RecordValue | None = None
    drug_classes: dict[str, DrugClass] | None = None

    @model_validator(mode="after")
    def _origin_has_source_or_method(self) -> VariableSpec:
        if self.origin == "Predecessor" and not self.source:
            raise ValueError(f"{self.name}: a Predecessor variable names its source (e.g. DM.AGE)")
        if self.origin in ("Derived", "Assigned") and not self.method:
            raise ValueError(f"{self.name}: a {self.origin} variable states its method")
        return self

    def section(self, name: str) -> Any:
        """The rule section ``name`` (e.g. ``extreme``) the variable's derivation reads; SpecError when absent."""
        return required_section(self, name, self.name)

    def to_meta(self) -> VariableMeta:
        """The metadata model's part of this (resolved) variable: every :class:`VariableMeta` field."""
        return VariableMeta.model_validate(self.model_dump(include=set(VariableMeta.model_fields)))


def required_section(owner: BaseModel, name: str, label: str) -> Any:
    """``owner``'s section ``name``; a SpecError naming ``label`` (the variable or PARAMCD) when it is absent."""
    value = getattr(owner, name)
    if value is None:
        raise SpecError(f"{label} has no '{name}' section", Location(field=label), expected=f"a '{name}' section")
    return value


class ScoreSpec(BaseModel):
    """How a questionnaire parameter is scored from QS items (EORTC scoring manual; EQ-5D value sets)."""

    model_config = ConfigDict(extra="forbid")

    qscat: str
    items: list[str] = Field(min_length=1, description="QSTESTCD of the items")
    kind: Literal["functional", "symptom", "item", "index"] = Field(
        description="EORTC direction (global health status scores like a symptom scale), EQ-5D item or index"
    )
    item_range: int | None = Field(None, description="Range of the item scale (max - min): 3 or 6 for EORTC")
    value_set: Lookup | None = Field(
        None, description="EQ-5D index: value-set code (eq5d.VALUE_SETS) from an ADSL variable, e.g. COUNTRY"
    )


class TteSpec(BaseModel):
    """Origin, events and censorings of a time-to-event parameter, in the TTE engine's own source models.

    ``events`` / ``censors`` are :class:`cdiscmm.adam.tte.EventSource` / :class:`~cdiscmm.adam.tte.CensorSource`
    (``dataset_name`` ``adsl`` or ``adrs``, pandas ``filter``, ``date``, SRCDOM/SRCVAR/SRCSEQ, EVNTDESC,
    CNSDTDSC, CNSR), so the ADTTE builder hands them to :func:`cdiscmm.adam.tte.derive_param_tte` unchanged.
    A subject without ``start_date`` gets no record (DOR: responders only).
    """

    model_config = ConfigDict(extra="forbid")

    start_date: str = Field(description="ADSL date variable of the origin, e.g. TRTSDT")
    events: list[EventSource] = Field(min_length=1)
    censors: list[CensorSource] = Field(min_length=1)
    unit: DurationUnit = "months"


class ParameterSpec(BaseModel):
    """One analysis parameter of a BDS dataset, and its rule in words (Define-XML value-level method)."""

    model_config = ConfigDict(extra="forbid")

    paramcd: SasName
    param: str = Field(max_length=200)
    paramn: int
    parcat1: str | None = None
    avalc: list[str] | None = Field(None, description="Permitted AVALC values, in AVAL order when AVAL is coded")
    method: str
    where: RecordFilter | None = Field(None, description="The SDTM records the parameter is read from")
    score: ScoreSpec | None = None
    tte: TteSpec | None = None

    def section(self, name: str) -> Any:
        """The section ``name`` (``score``, ``tte``) the parameter's derivation reads; SpecError when absent."""
        return required_section(self, name, self.paramcd)


class AdamDatasetSpec(BaseModel):
    """One ADaM dataset specification: the dataset, its variables (in order) and its parameters."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(pattern=r"^AD[A-Z0-9]{1,6}$")
    label: str = Field(max_length=40)
    class_: AdamClass = Field(alias="class")
    subclass: Literal["TIME-TO-EVENT"] | None = None
    structure: str
    keys: list[str] = Field(min_length=1)
    comment: str | None = None
    variables: list[VariableSpec] = Field(min_length=1)
    parameters: list[ParameterSpec] = []
    derivations: list[dict[str, dict[str, Any] | None]] = Field(
        [],
        description="In run order, each step {derivation name: its arguments}; the names are those of the "
        "derivation registry (cdiscmm.adam.registry), checked by the loader",
    )

    @model_validator(mode="after")
    def _consistent(self) -> AdamDatasetSpec:
        names = [variable.name for variable in self.variables]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"variables declared twice: {', '.join(duplicates)}")
        unknown_keys = [key for key in self.keys if key not in names]
        if unknown_keys:
            raise ValueError(f"keys {unknown_keys} are not variables of the dataset")
        codes = [parameter.paramcd for parameter in self.parameters]
        if len(set(codes)) != len(codes):
            raise ValueError("a PARAMCD is declared twice")
        if self.subclass == "TIME-TO-EVENT" and any(parameter.tte is None for parameter in self.parameters):
            raise ValueError("every parameter of a TIME-TO-EVENT dataset has a 'tte' section")
        for order, variable in enumerate(self.variables, start=1):
            variable.order = order
        return self

    def has(self, name: str) -> bool:
        """True when the spec declares variable ``name``."""
        return any(variable.name == name for variable in self.variables)

    def variable(self, name: str) -> VariableSpec:
        """The spec of variable ``name`` (KeyError when absent)."""
        for variable in self.variables:
            if variable.name == name:
                return variable
        raise KeyError(f"{self.name}.{name}")

    def parameter(self, paramcd: str) -> ParameterSpec:
        """The spec of parameter ``paramcd`` (KeyError when absent)."""
        for parameter in self.parameters:
            if parameter.paramcd == paramcd:
                return parameter
        raise KeyError(f"{self.name} PARAMCD {paramcd}")

    def parameter_frame(self) -> pd.DataFrame:
        """PARAMCD, PARAM, PARAMN and PARCAT1 of every parameter, one row each, in spec order."""
        return pd.DataFrame(
            {
                "PARAMCD": [parameter.paramcd for parameter in self.parameters],
                "PARAM": [parameter.param for parameter in self.parameters],
                "PARAMN": [parameter.paramn for parameter in self.parameters],
                "PARCAT1": [parameter.parcat1 for parameter in self.parameters],
            }
        ).astype({"PARAMCD": "str", "PARAM": "str", "PARAMN": "int64", "PARCAT1": "str"})

    def to_dataset_meta(self) -> DatasetMeta:
        """The :class:`DatasetMeta` of this spec (variables already resolved by the loader)."""
        return DatasetMeta(
            name=self.name,
            label=self.label,
            class_=self.class_,
            subclass=self.subclass,
            structure=self.structure,
            standard=standards.ADAMIG_STANDARD,
            keys=self.keys,
            variables=[variable.to_meta() for variable in self.variables],
            comment=self.comment,
        )
