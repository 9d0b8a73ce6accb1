"""The Define-XML metadata of a built SDTM dataset: origin, source, method and comment from its mapping, value level.

What the mapping says about each variable (which verb made it, from which form and field) becomes the variable's
``origin`` / ``origin_source`` / ``source`` / ``method`` (Define-XML 2.1 §5.3.11 def:Origin, §5.3.5 MethodDef);
a mapping's ``comments`` become comments. Where one variable holds the results of many tests, the values are
described per test (value-level metadata, Define-XML 2.1 §5.3.7): Findings results by --TESTCD, TS values by
TSPARMCD, SUPP-- values by QNAM.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cdiscmm.core.errors import Location, SpecError
from cdiscmm.metadata.model import ORIGIN_SOURCES, Dataset, Origin, ValueLevelMeta, VariableMeta, WhereCondition
from cdiscmm.metadata.origins import DeclaredOrigin, OriginsSpec, collected_text, declared_origins
from cdiscmm.sdtm.loader import LoadedMapping
from cdiscmm.sdtm.verbs import DOMAIN_VERBS, RECORD_VERBS

#: QORIG as SUPP-- mappings write it (SDTMIG 3.4 §8.4.1: "CRF", "Assigned", "Derived") -> Define-XML origin type.
QORIG_ORIGINS: dict[str, Origin] = {
    "CRF": "Collected",
    "COLLECTED": "Collected",
    "ASSIGNED": "Assigned",
    "DERIVED": "Derived",
    "PROTOCOL": "Protocol",
}
#: Value-level keys: dataset -> (key variable, its label variable, the result variables described by it).
#: TS: TSVAL by TSPARMCD (SDTMIG 3.4 §7.4); any other dataset with --TESTCD: its results (Findings, §6.3).
TRIAL_SUMMARY_KEYS = ("TSPARMCD", "TSPARM", ("TSVAL",))
FINDINGS_RESULTS = ("ORRES", "STRESC", "STRESN")
#: Findings result variables whose values a codelist can hold (character; --STRESN is numeric).
CODED_RESULTS = ("ORRES", "STRESC")


def _origin_fields(origin: str, source: str | None = None, method: str | None = None) -> dict[str, str | None]:
    return {"origin": origin, "origin_source": ORIGIN_SOURCES.get(origin), "source": source, "method": method}


def mapped_origins(loaded: LoadedMapping) -> dict[str, dict[str, str | None]]:
    """Target variable -> its origin fields: a record verb's origin with the form and fields it reads (the first
    source that maps the variable), a domain verb's Derived with the verb's rule as method."""
    origins: dict[str, dict[str, str | None]] = {}
    for source in loaded.mapping.sources:
        for target, step in source.variables.items():
            name, args = step.verb()
            where = collected_text(source.form, args.fields())
            origins.setdefault(target, _origin_fields(RECORD_VERBS[name].origin, source=where))
    for target, step in loaded.mapping.derive.items():
        origins[target] = _origin_fields("Derived", method=DOMAIN_VERBS[step.verb()[0]].doc)
    return origins


def _declared_fields(declared: DeclaredOrigin, mapped_source: str | None = None) -> dict[str, str | None]:
    """The origin fields of a declared origin; ``mapped_source`` (the form and fields read) follows its text."""
    text = "; ".join(part for part in (declared.description, mapped_source) if part) or None
    source = declared.source or ORIGIN_SOURCES.get(declared.origin)
    return {"origin": declared.origin, "origin_source": source, "source": text, "method": declared.method}


def resolve_origin(
    dataset: str, name: str, mapped: dict[str, str | None] | None, *, present: bool, spec: OriginsSpec
) -> dict[str, str | None] | None:
    """The origin fields of ``dataset.name`` in the precedence ``specs/sdtm/origins.yaml`` states: Not Available
    when nothing fills the variable; a dictionary's or an override's origin when a verb copies a value the sponsor
    assigned (MedDRA coding, test codes); the mapping's own (Collected values with the declared ``collected_by``
    source, e.g. Subject for a questionnaire answer); the declared origin; None when nothing states one."""
    if not present:
        return _declared_fields(spec.not_available)
    override = spec.overriding(dataset, name)
    if mapped is not None and override is not None:
        return _declared_fields(override, mapped["source"])
    if mapped is not None:
        given_by = spec.collected_by.get(f"{dataset}.{name}")
        return {**mapped, "origin_source": given_by} if given_by and mapped["origin"] == "Collected" else mapped
    declared = spec.declared(dataset, name)
    return _declared_fields(declared) if declared is not None else None


def describe_variables(loaded: LoadedMapping, variables: list[VariableMeta], present: set[str]) -> list[VariableMeta]:
    """``variables`` with origin fields (:func:`resolve_origin`; ``present`` names the variables the build filled)
    and comments from the mapping; a comment on an unknown variable is a SpecError."""
    domain = loaded.mapping.domain
    comments = loaded.mapping.comments
    unknown = sorted(set(comments) - {variable.name for variable in variables})
    if unknown:
        raise SpecError(f"comments: {unknown[0]} is not a variable of {domain}", Location(file=str(loaded.files[-1])))
    origins = mapped_origins(loaded)
    spec = declared_origins()
    described = []
    for variable in variables:
        fields = resolve_origin(
            domain, variable.name, origins.get(variable.name), present=variable.name in present, spec=spec
        )
        comment = {"comment": comments[variable.name]} if variable.name in comments else {}
        described.append(variable.model_copy(update={**(fields or {}), **comment}))
    return described


def with_declared_origins(dataset: str, variables: list[VariableMeta]) -> list[VariableMeta]:
    """``variables`` of a dataset no mapping describes (SUPP--, TS), each without an origin given its declared one
    (``specs/sdtm/origins.yaml``)."""
    spec = declared_origins()
    return [
        variable.model_copy(update=_declared_fields(declared))
        if variable.origin is None and (declared := spec.declared(dataset, variable.name)) is not None
        else variable
        for variable in variables
    ]


def mapped_value_codelists(loaded: LoadedMapping) -> dict[tuple[str, str], str]:
    """(result variable, --TESTCD value) -> the codelist its values come from: a source that hard-codes --TESTCD
    and maps --ORRES/--STRESC with a verb naming a codelist (``assign_ct``, ``hardcode_ct``). This is the
    value-level CodeListRef of Define-XML 2.1 §5.3.7 (e.g. RSSTRESC by RSTESTCD = OVRLRESP: C96785), which
    validation checks as PMDA rule CT2004. A result variable gets none when a source maps it under a --TESTCD it
    does not hard-code, or two sources of one --TESTCD name different codelists (or one names none): the test's
    records then hold values of more than one list (LB MCPROT: g/dL amounts and immunofixation POSITIVE)."""
    domain = loaded.mapping.domain
    found: dict[tuple[str, str], set[str | None]] = {}
    open_tests: set[str] = set()
    for source in loaded.mapping.sources:
        step = source.variables.get(f"{domain}TESTCD")
        value = getattr(step.verb()[1], "value", None) if step is not None else None
        for target in (domain + suffix for suffix in CODED_RESULTS if domain + suffix in source.variables):
            if value is None:
                open_tests.add(target)
                continue
            codelist = getattr(source.variables[target].verb()[1], "codelist", None)
            found.setdefault((target, str(value)), set()).add(codelist)
    return {
        key: next(iter(codelists))
        for key, codelists in found.items()
        if key[0] not in open_tests and len(codelists) == 1 and None not in codelists
    }


def compute_value_level(
    data: pd.DataFrame, key: str, label: str, unit: str | None = None, codelists: dict[str, str] | None = None
) -> list[ValueLevelMeta]:
    """One value level per ``key`` value in order of first appearance: where ``key`` EQ the value, labelled by
    ``label`` (e.g. LBTEST), with ``unit`` when every record of that value gives the same one and the codelist
    ``codelists`` names for that value."""
    codelists = codelists or {}
    first = data.drop_duplicates(key)
    first = first.loc[first[key].notna()]
    units: dict[str, str] = {}
    if unit is not None and unit in data:
        per_key = data.loc[data[unit].notna()].groupby(key, sort=False)[unit]
        single = per_key.nunique().eq(1)
        units = per_key.first()[single[single].index].to_dict()
    return [
        ValueLevelMeta(
            where=[WhereCondition(variable=key, values=(str(value),))],
            label=None if pd.isna(text) else str(text),
            unit=units.get(value),
            codelist=codelists.get(str(value)),
        )
        for value, text in zip(first[key], first[label] if label in first else [None] * len(first), strict=True)
    ]


def value_level_columns(name: str) -> tuple[str, ...]:
    """The columns :func:`with_value_level` reads of dataset ``name``: the key, its label and the units (TS:
    TSPARMCD, TSPARM; else --TESTCD, --TEST, --ORRESU, --STRESU)."""
    if name == "TS":
        return TRIAL_SUMMARY_KEYS[:2]
    return tuple(f"{name}{suffix}" for suffix in ("TESTCD", "TEST", "ORRESU", "STRESU"))


def with_value_level(dataset: Dataset, codelists: dict[tuple[str, str], str] | None = None) -> Dataset:
    """``dataset`` whose result variables carry value-level metadata by test (Findings) or parameter (TS), with
    the codelist ``codelists`` (:func:`mapped_value_codelists`) names for a variable and test."""
    codelists = codelists or {}
    domain = dataset.name
    if domain == "TS":
        key, label, targets = TRIAL_SUMMARY_KEYS
        units = dict.fromkeys(targets)
    else:
        key, label = f"{domain}TESTCD", f"{domain}TEST"
        targets = tuple(domain + suffix for suffix in FINDINGS_RESULTS)
        units = {name: f"{domain}ORRESU" if name.endswith("ORRES") else f"{domain}STRESU" for name in targets}
    if key not in dataset.data:
        return dataset
    variables = [
        variable.model_copy(
            update={
                "value_level": compute_value_level(
                    dataset.data,
                    key,
                    label,
                    units[variable.name],
                    {value: code for (name, value), code in codelists.items() if name == variable.name},
                )
            }
        )
        if variable.name in targets
        else variable
        for variable in dataset.meta.variables
    ]
    return Dataset(dataset.meta.model_copy(update={"variables": variables}), dataset.data)


@dataclass(frozen=True)
class Qualifier:
    """A SUPP-- qualifier: its QNAM, QLABEL, QORIG and QEVAL, and QVAL's Define-XML origin and collected source."""

    qnam: str
    label: str
    qorig: str
    qeval: str | None
    origin: Origin | None
    source: str | None = None


def mapped_qualifiers(loaded: LoadedMapping) -> dict[str, Qualifier]:
    """QNAM -> its qualifier as the mapping's ``supp`` entries state it (the first source that fills a QNAM)."""
    qualifiers: dict[str, Qualifier] = {}
    for source in loaded.mapping.sources:
        for qnam, supp in source.supp.items():
            where = collected_text(source.form, supp.supp_qual.value.verb()[1].fields())
            spec = supp.supp_qual
            origin = QORIG_ORIGINS.get(spec.qorig.upper())
            qualifiers.setdefault(qnam, Qualifier(qnam, spec.qlabel, spec.qorig, spec.qeval, origin, where))
    return qualifiers


def supp_value_level(qualifiers: list[Qualifier], present: set[str]) -> list[ValueLevelMeta]:
    """QVAL described per QNAM present in the data: QLABEL as label, QORIG as origin (Define-XML 2.1 §5.3.7)."""
    return [
        ValueLevelMeta(
            where=[WhereCondition(variable="QNAM", values=(qualifier.qnam,))],
            label=qualifier.label,
            origin=qualifier.origin,
            origin_source=ORIGIN_SOURCES.get(qualifier.origin) if qualifier.origin else None,
            source=qualifier.source,
        )
        for qualifier in qualifiers
        if qualifier.qnam in present
    ]
