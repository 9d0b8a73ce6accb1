"""The mapping spec language: a domain mapping file (``mappings/shared/ae.yaml``) and its per-study override.

A domain mapping names the SDTM domain, one or more **sources** (a collected form, an optional row filter
``condition_add``, an optional ``unpivot`` of wide item columns to one row per item) and, per target variable,
one **verb** with its arguments. Verb names are the names of the functions in :mod:`cdiscmm.sdtm.verbs`; the
allowed verbs and their arguments come from the verb registries, so adding a verb function adds it here and to
the JSON Schema. ``supp`` lists SUPP-- qualifiers per QNAM; ``derive`` lists domain-level derivations
(``derive_seq``, ``derive_study_day``, ``derive_epoch``, ``derive_age``).

Override semantics (``mappings/<study>/<domain>.yaml`` beside a shared file of the same name): sources are
matched by ``name`` (default: the form). For a matched source, each ``variables``/``supp`` entry replaces the
shared entry of the same target (``null`` removes it), and ``condition_add``/``unpivot``/``join`` replace the shared
ones when given; ``drop: true`` removes the shared source (a form the study does not collect). An unmatched
source is added. ``derive`` entries replace per target (``null`` removes). A
study file without a shared file of the same name is a complete domain mapping.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from cdiscmm.metadata.model import check_sas_name
from cdiscmm.metadata.vocabulary import ConditionAddArgs
from cdiscmm.sdtm.verbs import DOMAIN_VERBS, RECORD_VERBS
from cdiscmm.sdtm.verbs.base import Verb, VerbArgs


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VerbStep(_Strict):
    """A mapping with exactly one key: the verb name, whose value is the verb's arguments."""

    @model_validator(mode="after")
    def _exactly_one_verb(self) -> VerbStep:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            allowed = ", ".join(type(self).model_fields)
            raise ValueError(
                f"give exactly one verb (found {len(given)}: {', '.join(given) or 'none'}); one of: {allowed}"
            )
        return self

    def verb(self) -> tuple[str, VerbArgs]:
        """The verb's name and its arguments."""
        for name in type(self).model_fields:
            args = getattr(self, name)
            if args is not None:
                return name, args
        raise AssertionError("validated model has a verb")


def _step_model(name: str, registry: dict[str, Verb], doc: str) -> type[VerbStep]:
    fields: dict[str, Any] = {
        verb.name: (verb.args | None, Field(None, description=verb.doc)) for verb in registry.values()
    }
    model = create_model(
        name,
        __base__=VerbStep,
        __doc__=doc,
        __config__=None,
        **fields,
    )
    model.model_config["json_schema_extra"] = {"minProperties": 1, "maxProperties": 1}
    return model


RecordStep = _step_model("RecordStep", RECORD_VERBS, "One record verb and its arguments, e.g. {assign_ct: {...}}.")
DomainStep = _step_model("DomainStep", DOMAIN_VERBS, "One domain verb and its arguments, e.g. {derive_seq: {...}}.")


class SuppQualArgs(_Strict):
    """``supp_qual``: a SUPP-- qualifier (SDTMIG 3.4 §8.4): its label, origin, evaluator and value."""

    qlabel: str = Field(description="QLABEL, at most 40 characters")
    qorig: str = Field("CRF", description="QORIG: CRF, ASSIGNED, DERIVED, …")
    qeval: str | None = Field(None, description="QEVAL (C78735), e.g. INVESTIGATOR")
    value: RecordStep = Field(description="How QVAL is made: a record verb")

    @field_validator("qlabel")
    @classmethod
    def _label_fits(cls, value: str) -> str:
        if len(value.encode("utf-8")) > 40:
            raise ValueError(f"QLABEL {value!r} is longer than 40 bytes")
        return value


class SuppStep(_Strict):
    """The ``supp_qual`` verb under its QNAM."""

    supp_qual: SuppQualArgs


class Unpivot(_Strict):
    """Wide item columns → one row per item: ``name`` gets the column name, ``value`` its value; blank items dropped
    unless ``keep_blank`` (a raw row whose items are all blank is never mapped)."""

    columns: list[str] = Field(min_length=1, description="Raw item columns, e.g. Q01 … Q30")
    name: str = Field("ITEM", description="New field holding the item column's name")
    value: str = Field("VALUE", description="New field holding the item's value")
    keep_blank: bool = Field(
        False, description="Keep blank items (e.g. a questionnaire item not answered → --STAT NOT DONE)"
    )


class Join(_Strict):
    """A detail page joined to the source's rows by subject and link fields (e.g. the CRS page by AESPID).

    Each detail row joins at most one source row: its fields are added to that row (fields the source already
    has are not). A detail row that joins no mapped row, or repeats the link of an earlier one, is rejected.
    """

    form: str = Field(description="Detail form (file <form>.csv)")
    by: list[str] = Field(min_length=1, description="Link fields present on both forms, besides the subject")


class Source(_Strict):
    """One collected form feeding the domain."""

    form: str = Field(description="Raw form name (file <form>.csv)")
    name: str | None = Field(None, description="Identifies the source for overrides when a form feeds it twice")
    subject: str = Field("SUBJID", description="Raw field holding the subject identifier (USUBJID = STUDYID-subject)")
    condition_add: list[ConditionAddArgs] = Field(default_factory=list, description="Row filter; all must hold")
    unpivot: Unpivot | None = None
    join: list[Join] = Field(default_factory=list, description="Detail pages joined to the rows (left join)")
    variables: dict[str, RecordStep] = Field(min_length=1, description="Target variable → verb")
    supp: dict[str, SuppStep] = Field(default_factory=dict, description="QNAM → supp_qual")
    not_submitted: dict[str, str] = Field(
        default_factory=dict,
        description="Collected fields of this form deliberately not submitted → why (listed in fields.csv); "
        "every other field must be read by some mapping",
    )

    @property
    def key(self) -> str:
        return self.name or self.form

    @field_validator("variables", "supp")
    @classmethod
    def _names(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            check_sas_name(name)
        return value


class DomainMapping(_Strict):
    """A domain mapping file."""

    domain: str = Field(pattern=r"^[A-Z]{2}$", description="SDTM domain code, e.g. AE")
    sources: list[Source] = Field(min_length=1)
    derive: dict[str, DomainStep] = Field(default_factory=dict, description="Target variable → domain verb")
    keys: list[str] | None = Field(
        None,
        description="The dataset's natural keys (Define-XML KeySequence), when the study's records need more than "
        "the SDTMIG domain table's example keys (e.g. DS: DSSCAT); default: the IG's keys",
    )
    comments: dict[str, str] = Field(
        default_factory=dict,
        description="Variable → what a reviewer must know about its values (Define-XML comment), e.g. the grading "
        "scale behind AETOXGR",
    )

    @field_validator("derive")
    @classmethod
    def _names(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            check_sas_name(name)
        return value


class SourceOverride(_Strict):
    """A study's changes to one source of the shared mapping (or a new source)."""

    form: str
    name: str | None = None
    drop: bool = Field(False, description="Remove this shared source (the study does not collect the form)")
    subject: str | None = None
    condition_add: list[ConditionAddArgs] | None = None
    unpivot: Unpivot | None = None
    join: list[Join] | None = None
    variables: dict[str, RecordStep | None] = Field(default_factory=dict)
    supp: dict[str, SuppStep | None] = Field(default_factory=dict)
    not_submitted: dict[str, str] = Field(default_factory=dict, description="Added to the shared source's list")

    @property
    def key(self) -> str:
        return self.name or self.form


class DomainOverride(_Strict):
    """A study file beside a shared file of the same name."""

    domain: str = Field(pattern=r"^[A-Z]{2}$")
    sources: list[SourceOverride] = Field(default_factory=list)
    derive: dict[str, DomainStep | None] = Field(default_factory=dict)
    keys: list[str] | None = Field(None, description="Replaces the shared mapping's keys")
    comments: dict[str, str] = Field(default_factory=dict, description="Added to (or replacing) the shared comments")


def _merged(entries: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    result = dict(entries)
    for target, step in changes.items():
        if step is None:
            result.pop(target, None)
        else:
            result[target] = step
    return result


def apply_override(shared: DomainMapping, override: DomainOverride) -> DomainMapping:
    """The shared mapping with a study's override applied (semantics in the module docstring)."""
    changes = {source.key: source for source in override.sources}
    sources: list[dict[str, Any]] = []
    for source in shared.sources:
        change = changes.pop(source.key, None)
        if change is not None and change.drop:
            continue
        merged = source.model_dump(by_alias=True, exclude_none=True)
        if change is not None:
            merged["variables"] = _merged(source.variables, change.variables)
            merged["supp"] = _merged(source.supp, change.supp)
            merged["not_submitted"] = {**source.not_submitted, **change.not_submitted}
            if change.condition_add is not None:
                merged["condition_add"] = change.condition_add
            if change.unpivot is not None:
                merged["unpivot"] = change.unpivot
            if change.join is not None:
                merged["join"] = change.join
            if change.subject is not None:
                merged["subject"] = change.subject
        else:
            merged["variables"], merged["supp"] = source.variables, source.supp
        sources.append(merged)
    for change in changes.values():
        if change.drop:
            continue
        added = change.model_dump(by_alias=True, exclude_none=True, exclude={"drop"})
        added["variables"] = {k: v for k, v in change.variables.items() if v is not None}
        added["supp"] = {k: v for k, v in change.supp.items() if v is not None}
        sources.append(added)
    return DomainMapping.model_validate(
        {
            "domain": shared.domain,
            "sources": sources,
            "derive": _merged(shared.derive, override.derive),
            "keys": override.keys if override.keys is not None else shared.keys,
            "comments": {**shared.comments, **override.comments},
        }
    )
