"""The metadata model: one set of objects drives mapping, validation suites, XPT attributes and Define-XML.

A :class:`Dataset` is a DataFrame travelling with its :class:`DatasetMeta`; stages pass Datasets, never
bare DataFrames. Labels, types, codelists, origins and methods are declared here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal

import pandas as pd
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

#: SAS XPORT v5 and FDA/PMDA naming: upper-case letters, digits, underscore; starts with a letter; ≤ 8.
NAME_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{0,7}$")


def check_sas_name(value: str) -> str:
    """``value`` when it is a SAS V5 name (the one name check of dataset, variable, QNAM and PARAMCD specs)."""
    if not NAME_PATTERN.match(value):
        raise ValueError(f"{value!r} is not a SAS V5 name (1-8 upper-case letters, digits or _; starts with a letter)")
    return value


def split_variable_reference(text: str | None) -> tuple[str, str] | None:
    """``("DM", "AGE")`` for a reference ``DM.AGE`` to one variable of one dataset, else None."""
    dataset, dot, variable = (text or "").partition(".")
    if not dot or not NAME_PATTERN.match(dataset) or not NAME_PATTERN.match(variable):
        return None
    return dataset, variable


#: A field holding a SAS V5 name, checked by :func:`check_sas_name`.
SasName = Annotated[str, AfterValidator(check_sas_name)]

Core = Literal["Req", "Exp", "Perm", "Cond"]
VariableType = Literal["Char", "Num"]
Origin = Literal["Collected", "Derived", "Assigned", "Protocol", "Predecessor", "Not Available"]
#: Define-XML 2.1 def:Origin/@Source: who supplied the value (Define-XML 2.1 specification, section 5.3.11.2).
OriginSource = Literal["Subject", "Investigator", "Vendor", "Sponsor"]
#: Who supplies values of each origin type in our studies: the investigator enters collected CRF data; the
#: sponsor derives, assigns and writes the protocol (Define-XML 2.1 section 5.3.11.2). Predecessor and Not
#: Available values carry no source.
ORIGIN_SOURCES: dict[str, OriginSource] = {
    "Collected": "Investigator",
    "Derived": "Sponsor",
    "Assigned": "Sponsor",
    "Protocol": "Sponsor",
}
#: Define-XML 2.1 RangeCheck/@Comparator values a value-level where-clause may use (ODM 1.3.2 section 4.4.5.1).
Comparator = Literal["EQ", "NE", "IN", "NOTIN", "LT", "LE", "GT", "GE"]


class Term(BaseModel):
    """One permissible value of a codelist (CDISC CT term or sponsor extension)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    submission_value: str
    code: str | None = Field(None, description="NCI C-code; None for a sponsor-defined extension")
    decode: str | None = Field(None, description="NCI preferred term or sponsor decode")
    synonyms: tuple[str, ...] = ()


class Codelist(BaseModel):
    """A codelist: CDISC CT (keyed by NCI C-code) or sponsor-defined."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="NCI C-code of the codelist, or a sponsor codelist id")
    name: str = Field(description="Codelist short name (CDISC submission value), e.g. SEX")
    long_name: str = ""
    extensible: bool
    source: str = Field(description="e.g. 'SDTM CT 2025-03-28' or 'Sponsor'")
    terms: list[Term]

    def values(self) -> list[str]:
        """Submission values in codelist order."""
        return [term.submission_value for term in self.terms]

    def term(self, submission_value: str) -> Term | None:
        """The term with this submission value, or None."""
        for term in self.terms:
            if term.submission_value == submission_value:
                return term
        return None


class WhereCondition(BaseModel):
    """One condition of a value-level where-clause, e.g. ``PARAMCD IN (PFS, OS)`` (Define-XML WhereClauseDef)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    variable: str = Field(description="Variable of the same dataset the condition tests, e.g. PARAMCD or QNAM")
    comparator: Comparator = "EQ"
    values: tuple[str, ...] = Field(min_length=1)


class ValueLevelMeta(BaseModel):
    """The metadata of a variable's values where all conditions hold (Define-XML ValueListDef/ItemRef + ItemDef).

    Fields left None inherit the parent variable's metadata.
    """

    model_config = ConfigDict(extra="forbid")

    where: list[WhereCondition] = Field(min_length=1)
    label: str | None = Field(None, description="e.g. the test or parameter the values belong to")
    type: Literal["text", "integer", "float", "date", "datetime", "partialDate", "durationDatetime"] | None = Field(
        None, description="Define-XML DataType of the values, when narrower than the variable's"
    )
    codelist: str | None = None
    origin: Origin | None = None
    origin_source: OriginSource | None = None
    source: str | None = None
    method: str | None = None
    unit: str | None = None
    comment: str | None = None


class VariableMeta(BaseModel):
    """Metadata of one variable: what Define-XML's ItemDef and the XPT header say about it."""

    model_config = ConfigDict(extra="forbid")

    name: str
    label: str
    type: VariableType
    order: int
    core: Core | None = None
    role: str | None = None
    codelist: str | None = Field(None, description="Codelist code (C-code or sponsor id)")
    codelists: list[str] = Field(
        [], description="Every codelist the standard names for the variable (first = codelist), e.g. RS.RSCAT"
    )
    origin: Origin | None = None
    origin_source: OriginSource | None = Field(
        None, description="Who supplied the value (def:Origin/@Source): Investigator for CRF data, Sponsor for derived"
    )
    source: str | None = Field(
        None, description="Collected source, e.g. 'AE form, field AETERM'; for a Predecessor, 'DOMAIN.VARIABLE'"
    )
    method: str | None = Field(None, description="Derivation rule in words (Define-XML MethodDef)")
    display_format: str | None = Field(None, description="SAS display format, e.g. DATE9.")
    length: int | None = Field(None, description="Fixed length; None = maximum actual length in the data")
    comment: str | None = None
    value_level: list[ValueLevelMeta] = Field(
        [], description="Value-level metadata by where-clause (e.g. RSORRES by RSTESTCD, AVAL by PARAMCD)"
    )

    @field_validator("name")
    @classmethod
    def _name_is_sas_v5(cls, value: str) -> str:
        return check_sas_name(value)

    @field_validator("label")
    @classmethod
    def _label_fits_xpt(cls, value: str | None) -> str | None:
        if value is not None and len(value.encode("utf-8")) > 40:
            raise ValueError(f"label {value!r} is longer than 40 bytes")
        return value


#: ADaMIG v1.3 name placeholders: xx, zz stand for 01-99; y, w for 1-9 (ADaMIG v1.3 variable metadata).
_PLACEHOLDERS = {"xx": "(?:0[1-9]|[1-9][0-9])", "zz": "(?:0[1-9]|[1-9][0-9])", "y": "[1-9]", "w": "[1-9]"}


class StandardVariableMeta(VariableMeta):
    """A variable as an implementation guide states it, before a dataset spec makes it concrete.

    ADaMIG names can be templates: lower-case placeholders (``TRTxxP``, ``AGEGRy``, ``ANLzzFL``,
    ``PxxSw``) and a leading ``*`` for a producer-chosen prefix (``*DT``). The label is kept as the IG
    writes it: ADaMIG v1.3 PBCHGCyN's label has 41 bytes, so the 40-byte XPT limit is checked where a
    dataset spec declares the concrete variable, not here.
    """

    @field_validator("name")
    @classmethod
    def _name_is_sas_v5(cls, value: str) -> str:
        if not re.fullmatch(r"\*?[A-Za-z0-9_]{1,8}", value):
            raise ValueError(f"variable name {value!r} is not an IG variable name or template")
        return value

    @field_validator("label")
    @classmethod
    def _label_fits_xpt(cls, value: str | None) -> str | None:
        return value

    @property
    def is_template(self) -> bool:
        """True when the name has placeholders or a ``*`` prefix (it names a family of variables)."""
        return not NAME_PATTERN.match(self.name)

    def matches(self, name: str) -> bool:
        """True when the concrete variable ``name`` is this variable or an instance of its template."""
        pattern = re.sub(r"xx|zz|y|w", lambda found: _PLACEHOLDERS[found.group()], self.name)
        pattern = pattern.replace("*", "[A-Z][A-Z0-9]*", 1)
        return re.fullmatch(pattern, name) is not None


class DatasetMeta(BaseModel):
    """Metadata of one dataset: what Define-XML's ItemGroupDef and the XPT header say about it."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str
    label: str
    class_: str = Field(alias="class")
    subclass: str | None = Field(None, description="ADaM subclass (Define-XML 2.1 def:SubClass), e.g. TIME-TO-EVENT")
    structure: str = ""
    standard: str = Field(description="e.g. 'SDTMIG 3.4', 'ADaMIG 1.3'")
    keys: list[str] = []
    variables: list[VariableMeta]
    comment: str | None = None

    @property
    def purpose(self) -> str:
        """Define-XML ItemGroupDef/@Purpose: Tabulation for SDTM, Analysis for ADaM."""
        return "Analysis" if self.standard.upper().startswith("ADAM") else "Tabulation"

    def names(self) -> list[str]:
        """Variable names in metadata order."""
        return [variable.name for variable in sorted(self.variables, key=lambda v: v.order)]

    def variable(self, name: str) -> VariableMeta:
        """The metadata of variable ``name`` (KeyError when absent)."""
        for variable in self.variables:
            if variable.name == name:
                return variable
        raise KeyError(f"{self.name}.{name}")

    def has(self, name: str) -> bool:
        """True when the dataset declares variable ``name``."""
        return any(variable.name == name for variable in self.variables)


class SubmissionMetadata(BaseModel):
    """The metadata of one folder of submitted datasets, as built: what Define-XML and the guides read.

    Written beside the datasets (``metadata.json``) by the writer step, so a later stage (define, validate,
    package) reads the model the datasets were built from without re-reading any spec.
    """

    model_config = ConfigDict(extra="forbid")

    studyid: str
    standard: str = Field(description="'SDTMIG 3.4' or 'ADaMIG 1.3'")
    terminology: dict[str, str] = Field(
        default_factory=dict, description="CT package -> version, e.g. {'SDTM CT': '2025-03-28'}"
    )
    datasets: list[DatasetMeta]
    codelists: list[Codelist] = Field(
        default_factory=list, description="Every codelist a variable or value level names, with its terms"
    )


@dataclass
class Dataset:
    """A DataFrame and its metadata, the unit every stage passes on."""

    meta: DatasetMeta
    data: pd.DataFrame

    @property
    def name(self) -> str:
        return self.meta.name

    def ordered(self) -> Dataset:
        """The same dataset with columns in metadata order (only the declared variables)."""
        return Dataset(self.meta, self.data.loc[:, self.meta.names()])
