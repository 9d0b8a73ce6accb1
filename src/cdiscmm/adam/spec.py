"""Our ADaM dataset specifications (``specs/adam/<name>.yaml``) as pydantic models, and their loader.

A spec names each variable once. A standard variable (ADaMIG 1.3, an SDTMIG 3.4 variable copied
unchanged from its SDTM predecessor, or an ADSL variable copied into another dataset: ``source: ADSL.X``)
states only its name, origin and source or method: the loader fills label, type, core and codelist from
the standard (or from our ADSL spec), so a label is never written twice. A sponsor variable
carries its own label and type. The result converts to the :class:`DatasetMeta` that the XPT writer and
Define-XML read.

Besides variables, a spec holds the rules that are data: analysis-set flag rules (:class:`Rule`),
categories and look-up tables, the record selections of first/last dates (:class:`ExtremeDate`), and
per-parameter definitions (PARAMCD/PARAM/PARAMN, the QS items of a scale, the TTE events and censorings
in the TTE engine's models).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from cdiscmm.adam.dates import DurationUnit
from cdiscmm.adam.tte import CensorSource, EventSource
from cdiscmm.core.errors import Location, SpecError
from cdiscmm.core.paths import specs_dir
from cdiscmm.metadata import standards
from cdiscmm.metadata.model import (
    ORIGIN_SOURCES,
    DatasetMeta,
    Origin,
    SasName,
    StandardVariableMeta,
    ValueLevelMeta,
    VariableMeta,
    VariableType,
    WhereCondition,
    split_variable_reference,
)
from cdiscmm.metadata.yamlio import load_model

AdamClass = Literal["SUBJECT LEVEL ANALYSIS DATASET", "OCCURRENCE DATA STRUCTURE", "BASIC DATA STRUCTURE"]
Scalar = str | int | float

#: Where a dataset's standard variables are looked up, first match wins (keys of ``standards.adamig()``).
#: ADSL variables carried into any dataset keep their ADSL label; ADAE falls back on BDS for e.g. TRTA.
STANDARD_LOOKUP: dict[tuple[str, str | None], tuple[str, ...]] = {
    ("SUBJECT LEVEL ANALYSIS DATASET", None): ("ADSL",),
    ("BASIC DATA STRUCTURE", None): ("BDS", "ADSL"),
    ("BASIC DATA STRUCTURE", "TIME-TO-EVENT"): ("TTE", "ADSL"),
    ("OCCURRENCE DATA STRUCTURE", None): ("ADAE", "ADSL", "BDS"),
}
#: Display formats by name suffix for numeric variables (ADaMIG 1.3 §3.1.5: *DT dates, *DTM datetimes).
DATE_FORMATS: tuple[tuple[str, str], ...] = (("DTM", "DATETIME20."), ("DT", "DATE9."), ("TM", "TIME8."))


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
        numeric = pd.to_numeric(values, errors="coerce")
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

    def to_meta(self) -> VariableMeta:
        """The metadata model's part of this (resolved) variable: every :class:`VariableMeta` field."""
        return VariableMeta.model_validate(self.model_dump(include=set(VariableMeta.model_fields)))


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


def derive_params_from_spec(
    spec: AdamDatasetSpec, derivations: Mapping[str, Callable[[], pd.DataFrame]]
) -> pd.DataFrame:
    """The records of every spec parameter, in spec order, with PARAM/PARAMN/PARCAT1 from the spec's table."""
    unknown = [parameter.paramcd for parameter in spec.parameters if parameter.paramcd not in derivations]
    if unknown:
        raise SpecError(
            f"{spec.name} parameter {unknown[0]} has no derivation",
            Location(file=str(spec_path(spec.name)), field="paramcd"),
            expected=", ".join(derivations),
        )
    records = pd.concat([derivations[parameter.paramcd]() for parameter in spec.parameters], ignore_index=True)
    return records.drop(columns="PARAM", errors="ignore").merge(spec.parameter_frame(), on="PARAMCD", how="left")


def concrete_label(standard: StandardVariableMeta, name: str) -> str:
    """The IG label of ``standard`` for the concrete variable ``name``: placeholders get their digits.

    ``AGEGRy`` "Pooled Age Group y" gives AGEGR1 "Pooled Age Group 1"; ``TRTxxP`` "Planned Treatment for
    Period xx" gives TRT01P "Planned Treatment for Period 01".
    """
    if not standard.is_template:
        return standard.label
    parts = re.split(r"(xx|zz|y|w)", standard.name)
    pattern = "".join(f"(?P<{part}>[0-9]{{{len(part)}}})" if part in {"xx", "zz", "y", "w"} else part for part in parts)
    found = re.fullmatch(pattern, name)
    if found is None:
        return standard.label
    return re.sub(r"\b(xx|zz|y|w)\b", lambda word: found.group(word.group()), standard.label)


def _standard_for(name: str, lookup: tuple[str, ...]) -> StandardVariableMeta | None:
    """The ADaMIG variable (exact name first, then template; ``*`` timing templates excluded) or None."""
    ig = standards.adamig()
    candidates = [variable for key in lookup for variable in ig[key] if isinstance(variable, StandardVariableMeta)]
    for variable in candidates:
        if variable.name == name:
            return variable
    for variable in candidates:
        if variable.is_template and not variable.name.startswith("*") and variable.matches(name):
            return variable
    return None


def _predecessor_for(source: str | None) -> VariableMeta | None:
    """The variable a Predecessor source names: SDTMIG (``DM.AGE``) or our ADSL (``ADSL.EFFFL``), else None."""
    reference = split_variable_reference(source)
    if reference is None:
        return None
    dataset, variable = reference
    meta = load_adam_spec("ADSL").to_dataset_meta() if dataset == "ADSL" else standards.sdtmig().get(dataset)
    if meta is None or not meta.has(variable):
        return None
    return meta.variable(variable)


def _display_format(spec: VariableSpec, type_: str) -> str | None:
    if spec.display_format or type_ != "Num":
        return spec.display_format
    return next((fmt for suffix, fmt in DATE_FORMATS if spec.name.endswith(suffix)), None)


def resolve_variable(spec: VariableSpec, lookup: tuple[str, ...]) -> tuple[VariableSpec, str | None]:
    """``spec`` with label, type, core and codelist filled from its standard; and a problem, or None.

    A standard variable that states a label or type is a problem (the standard states it); so is a
    sponsor variable without one.
    """
    standard: VariableMeta | None = _standard_for(spec.name, lookup)
    label = concrete_label(standard, spec.name) if isinstance(standard, StandardVariableMeta) else None
    if standard is None and spec.origin == "Predecessor":
        standard = _predecessor_for(spec.source)
        label = standard.label if standard else None
    if standard is not None:
        stated = [key for key in ("label", "type") if getattr(spec, key) is not None]
        if stated:
            return spec, f"{spec.name} is a standard variable: remove {' and '.join(stated)} (taken from the standard)"
        update = {
            "label": label,
            "type": standard.type,
            "core": spec.core or standard.core,
            "codelist": spec.codelist or standard.codelist,
        }
    else:
        if spec.label is None or spec.type is None:
            return spec, f"{spec.name} is not a standard variable: state its label and type"
        update = {"label": spec.label, "type": spec.type}
    update["display_format"] = _display_format(spec, update["type"])
    update["origin_source"] = spec.origin_source or ORIGIN_SOURCES.get(spec.origin)
    return spec.model_copy(update=update), None


#: Variables whose values are described per parameter (Define-XML value-level metadata of a BDS dataset).
PARAMETER_VALUE_VARIABLES: tuple[str, ...] = ("AVAL", "AVALC")


def compute_parameter_value_level(parameters: list[ParameterSpec]) -> list[ValueLevelMeta]:
    """One value level per parameter: where PARAMCD EQ the code, labelled by PARAM, with the parameter's method.

    ADaMIG 1.3 §4.2 (BDS): AVAL/AVALC mean what PARAMCD says, so Define-XML describes them by PARAMCD.
    """
    return [
        ValueLevelMeta(
            where=[WhereCondition(variable="PARAMCD", values=(parameter.paramcd,))],
            label=parameter.param,
            method=parameter.method,
        )
        for parameter in parameters
    ]


def resolve_spec(spec: AdamDatasetSpec, path: Path) -> AdamDatasetSpec:
    """Fill every variable from its standard; all problems are reported together, naming ``path``."""
    lookup = STANDARD_LOOKUP[(spec.class_, spec.subclass)]
    resolved: list[VariableSpec] = []
    problems: list[str] = []
    by_parameter = compute_parameter_value_level(spec.parameters)
    for variable in spec.variables:
        filled, problem = resolve_variable(variable, lookup)
        if by_parameter and filled.name in PARAMETER_VALUE_VARIABLES and not filled.value_level:
            filled = filled.model_copy(update={"value_level": by_parameter})
        resolved.append(filled)
        if problem:
            problems.append(problem)
        elif filled.label and len(filled.label.encode("utf-8")) > 40:
            problems.append(f"{variable.name}: label {filled.label!r} is longer than 40 bytes")
    if problems:
        error = SpecError(problems[0], Location(file=str(path)))
        error.details = [f"{path}: {problem}" for problem in problems[1:]]
        raise error
    return spec.model_copy(update={"variables": resolved})


def spec_path(name: str, directory: Path | None = None) -> Path:
    """The file of dataset spec ``name`` (``ADSL`` -> ``specs/adam/adsl.yaml``)."""
    return (directory or specs_dir() / "adam") / f"{name.lower()}.yaml"


def load_adam_spec(name: str, directory: Path | None = None) -> AdamDatasetSpec:
    """Load and resolve the spec of ADaM dataset ``name``; problems raise SpecError naming file and line."""
    if directory is None:
        return _load_bundled(name.upper())
    return _load(spec_path(name, directory))


@cache
def _load_bundled(name: str) -> AdamDatasetSpec:
    return _load(spec_path(name))


def _load(path: Path) -> AdamDatasetSpec:
    spec = load_model(path, AdamDatasetSpec)
    if spec.name != path.stem.upper():
        raise SpecError(f"file holds dataset {spec.name}", Location(file=str(path), line=1), expected=path.stem.upper())
    return resolve_spec(spec, path)
