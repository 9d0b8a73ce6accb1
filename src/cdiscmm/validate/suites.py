"""Great Expectations suites generated from the metadata model: one suite per dataset, never written by hand.

Each rule of the catalogue whose check is ``gx_suite`` names in ``params.expectation`` what it asks of every
variable the metadata describes (SDTMIG 3.4 section 4.1 core designations, CDISC CT, SDTMIG 4.4 ISO 8601,
the 200-byte XPT v5 value limit of the FDA/PMDA technical conformance guides). This module only plans the
expectations (plain data); :mod:`cdiscmm.validate.gx` turns them into GX objects and runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cdiscmm.core.errors import Location, SpecError
from cdiscmm.metadata.model import DatasetMeta, VariableMeta
from cdiscmm.validate.catalogue import Rule

#: SDTMIG 3.4 section 4.4.1: YYYY[-MM[-DD[Thh[:mm[:ss[.f]]]]]] with a partial date right-truncated, or
#: a missing component written as a hyphen (``2003---15``, ``--12-15``); an interval ``start/end``.
_MONTH, _DAY, _HOUR, _MINUTE = r"(?:0[1-9]|1[0-2])", r"(?:0[1-9]|[12]\d|3[01])", r"(?:[01]\d|2[0-3])", r"[0-5]\d"
_DATE = rf"(?:\d{{4}}|-)(?:-(?:{_MONTH}|-)(?:-(?:{_DAY}|-))?)?"
_TIME = rf"(?:T(?:{_HOUR}|-)(?::(?:{_MINUTE}|-)(?::{_MINUTE}(?:\.\d+)?)?)?)?"
ISO8601_DTC = rf"^{_DATE}{_TIME}(?:/{_DATE}{_TIME})?$"
#: ISO 8601 duration (SDTMIG 4.4.3): PnYnMnDTnHnMnS or PnW.
_NUMBER = r"\d+(?:\.\d+)?"
_CLOCK = rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
ISO8601_DURATION = rf"^-?P(?:{_NUMBER}W|(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}D)?{_CLOCK})$"
ASCII = r"^[\x20-\x7E]*$"
#: The ``text`` view (:mod:`cdiscmm.validate.views`): a record's character values joined by U+001F, printable
#: ASCII when every value is.
TEXT, TEXT_SEPARATOR = "TEXT", "\x1f"
ASCII_RECORD = r"^[\x20-\x7E\x1f]*$"
MAX_VALUE_BYTES = 200
#: Result variables: their codelist applies only where value-level metadata names it (a numeric lab result in
#: LBSTRESC is not outside a codelist), so they are checked by CT2004, not at variable level.
RESULTS = ("ORRES", "STRESC")
#: pandas dtype kinds of an XPT numeric and character column.
NUMERIC_KINDS = ("f", "i", "u", "M")


@dataclass(frozen=True)
class Planned:
    """One expectation: GX type and arguments, the rule it serves, and the frame it runs on (data or byte lengths)."""

    rule: str
    dataset: str
    variable: str
    gx_type: str
    kwargs: dict[str, Any]
    view: str = "data"  # "data" or "bytes" (byte length of every character value)


@dataclass
class Plan:
    """The expectations of one delivery and, per rule, the datasets it could not be planned for and why."""

    expectations: list[Planned] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)
    planned_on: dict[str, set[str]] = field(default_factory=dict)

    def add(self, rule: Rule, dataset: str, variable: str, gx_type: str, view: str = "data", **kwargs: Any) -> None:
        self.expectations.append(Planned(rule.id, dataset, variable, gx_type, kwargs, view))
        self.planned_on.setdefault(rule.id, set()).add(dataset)

    def skip(self, rule: Rule, reason: str) -> None:
        self.skipped.setdefault(rule.id, []).append(reason)


#: pandas dtypes of an XPT numeric variable (SAS dates read as datetime64), for GX's type-list expectation.
NUMERIC_TYPES = [
    "float64",
    "float32",
    "int64",
    "int32",
    "datetime64[ns]",
    "datetime64[us]",
    "datetime64[ms]",
    "datetime64[s]",
]
#: The pandas dtype every character column has in the frame GX sees (:func:`cdiscmm.validate.gx.view`).
CHARACTER_TYPE = "str"
#: The column of the ``bytes`` view: the longest UTF-8 value of each record, and the variable holding it.
MAX_BYTES, LONGEST = "MAXBYTES", "LONGEST"


def _char(frame: pd.DataFrame, name: str) -> bool:
    return name in frame.columns and frame[name].dtype.kind not in NUMERIC_KINDS


def _present(variables: list[VariableMeta], frame: pd.DataFrame) -> list[VariableMeta]:
    return [variable for variable in variables if variable.name in frame.columns]


@dataclass
class Target:
    """One rule planned on one dataset: what every planner reads."""

    plan: Plan
    rule: Rule
    name: str
    meta: DatasetMeta | None
    frame: pd.DataFrame
    codelists: Any

    @property
    def variables(self) -> list[VariableMeta]:
        return sorted(self.meta.variables, key=lambda variable: variable.order) if self.meta else []

    def add(self, variable: str, gx_type: str, view: str = "data", **kwargs: Any) -> None:
        self.plan.add(self.rule, self.name, variable, gx_type, view, **kwargs)


def _plan_present(target: Target, core: str) -> None:
    """One expectation per dataset: the table has at least the variables of this core designation."""
    names = [v.name for v in target.variables if v.core == core]
    if names:
        target.add(", ".join(names), "expect_table_columns_to_match_set", column_set=names, exact_match=False)


def _plan_not_null(target: Target) -> None:
    for variable in _present([v for v in target.variables if v.core == "Req"], target.frame):
        target.add(variable.name, "expect_column_values_to_not_be_null", column=variable.name)


def _plan_type(target: Target) -> None:
    """Num variables hold a numeric (or SAS date) dtype, Char variables text (a column-level check of the dtype)."""
    for variable in _present(target.variables, target.frame):
        if variable.type == "Num":
            target.add(
                variable.name, "expect_column_values_to_be_in_type_list", column=variable.name, type_list=NUMERIC_TYPES
            )
        else:
            target.add(variable.name, "expect_column_type_to_be", column=variable.name, type_=CHARACTER_TYPE)


def _plan_codelist(target: Target, extensible: bool) -> None:
    codelists = target.codelists
    coded = [v for v in target.variables if v.codelist in codelists and not v.name.endswith(RESULTS)]
    for variable in _present(coded, target.frame):
        codelist = codelists.get(variable.codelist)
        if codelist.extensible == extensible:
            target.add(
                variable.name, "expect_column_values_to_be_in_set", column=variable.name, value_set=codelist.values()
            )


def _plan_value_level(target: Target) -> None:
    """Value-level codelists (Define-XML 2.1 ValueListDef with WhereClauseDef, EQ/IN comparators only): the rows
    where every condition holds take their values from the codelist. ``row_condition`` is plain data, pairs of
    (variable, values) all of which must hold; :mod:`.gx` makes GX Condition objects of it (GX 1.9+ deprecates
    string conditions), :mod:`.native` evaluates it with ``isin``."""
    codelists, frame = target.codelists, target.frame
    for variable in _present(target.variables, frame):
        for level in (lv for lv in variable.value_level if lv.codelist in codelists):
            codelist = codelists.get(level.codelist)
            usable = all(c.comparator in ("EQ", "IN") and c.variable in frame.columns for c in level.where)
            if codelist.extensible or not usable:
                continue
            target.add(
                variable.name,
                "expect_column_values_to_be_in_set",
                column=variable.name,
                value_set=codelist.values(),
                row_condition=tuple((c.variable, tuple(c.values)) for c in level.where),
            )


def _plan_keys(target: Target) -> None:
    keys = target.meta.keys if target.meta else []
    if keys and all(key in target.frame.columns for key in keys):
        target.add("+".join(keys), "expect_compound_columns_to_be_unique", column_list=list(keys))
    else:
        target.plan.skip(target.rule, f"{target.name}: no keys in the metadata, or a key variable absent")


def _plan_iso8601(target: Target) -> None:
    for column in (c for c in target.frame.columns if _char(target.frame, c)):
        pattern = ISO8601_DTC if column.endswith("DTC") else ISO8601_DURATION if column.endswith("DUR") else None
        if pattern:
            target.add(column, "expect_column_values_to_match_regex", column=column, regex=pattern)


def _plan_bytes(target: Target) -> None:
    """One expectation per dataset on its ``bytes`` view: the longest value of each record fits 200 bytes."""
    if any(_char(target.frame, c) for c in target.frame.columns):
        target.add(
            LONGEST, "expect_column_values_to_be_between", view="bytes", column=MAX_BYTES, max_value=MAX_VALUE_BYTES
        )


def _plan_ascii(target: Target) -> None:
    """Printable ASCII: the variables the rule names one by one, or every character value of a record at once
    (one expectation per dataset on its ``text`` view) when the rule names none."""
    characters = [c for c in target.frame.columns if _char(target.frame, c)]
    if not target.rule.variables and characters:
        target.add(TEXT, "expect_column_values_to_match_regex", view="text", column=TEXT, regex=ASCII_RECORD)
        return
    wanted = {template.replace("--", target.name[:2]) for template in target.rule.variables}
    for column in (c for c in characters if c in wanted):
        target.add(column, "expect_column_values_to_match_regex", column=column, regex=ASCII)


#: ``params.expectation`` of a ``gx_suite`` rule -> the planner of its expectations.
PLANNERS = {
    "required_present": lambda target: _plan_present(target, "Req"),
    "expected_present": lambda target: _plan_present(target, "Exp"),
    "required_not_null": _plan_not_null,
    "type": _plan_type,
    "codelist_nonextensible": lambda target: _plan_codelist(target, extensible=False),
    "codelist_extensible": lambda target: _plan_codelist(target, extensible=True),
    "value_level_codelist": _plan_value_level,
    "key_unique": _plan_keys,
    "iso8601": _plan_iso8601,
    "byte_length": _plan_bytes,
    "ascii": _plan_ascii,
}


#: Why a dataset got no expectation of a kind (the rule's NOT RUN reason when no dataset got one).
NOTHING_TO_CHECK = {
    "required_present": "no Req variable in its metadata",
    "required_not_null": "no Req variable present",
    "expected_present": "no Exp variable in its metadata",
    "codelist_nonextensible": "no variable with a non-extensible codelist present",
    "codelist_extensible": "no variable with an extensible codelist present",
    "value_level_codelist": "no value-level metadata with a non-extensible codelist (needs metadata.json)",
    "iso8601": "no --DTC/--DUR variable",
    "ascii": "none of the variables the rule checks",
}
#: Expectation kinds that need no per-variable metadata (they run on any dataset's columns).
METADATA_FREE = frozenset({"iso8601", "byte_length", "ascii"})


def plan_suites(delivery, rules: list[Rule]) -> Plan:
    """The expectations of every ``gx_suite`` rule on every dataset of its scope (NOT RUN reasons kept)."""
    plan = Plan()
    for rule in rules:
        if rule.params.get("expectation") not in PLANNERS:
            raise SpecError(
                f"rule {rule.id}: unknown params.expectation {rule.params.get('expectation')!r}",
                Location(file="specs/rules", field="params.expectation"),
                expected=", ".join(PLANNERS),
            )
        for name in delivery.in_scope(rule):
            meta = delivery.meta.get(name)
            if meta is None and rule.params["expectation"] not in METADATA_FREE:
                plan.skip(rule, f"{name}: no metadata for this dataset (neither metadata.json nor the standard)")
                continue
            before = len(plan.expectations)
            PLANNERS[rule.params["expectation"]](
                Target(plan, rule, name, meta, delivery.datasets[name], delivery.codelists)
            )
            if len(plan.expectations) == before:
                plan.skip(rule, f"{name}: {NOTHING_TO_CHECK.get(rule.params['expectation'], 'nothing to check')}")
    return plan
