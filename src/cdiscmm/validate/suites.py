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


#: GX type names of an XPT numeric (pandas dtype) and character variable (GX sees text as Python str objects).
TYPE_LISTS = {
    "numeric": ["float64", "float32", "int64", "int32", "datetime64[ns]", "datetime64[us]", "datetime64[ms]"],
    "character": ["str", "object"],
}


def _char(frame: pd.DataFrame, name: str) -> bool:
    return name in frame.columns and frame[name].dtype.kind not in NUMERIC_KINDS


def _present(variables: list[VariableMeta], frame: pd.DataFrame) -> list[VariableMeta]:
    return [variable for variable in variables if variable.name in frame.columns]


def _plan_dataset(plan: Plan, rule: Rule, name: str, meta: DatasetMeta, frame: pd.DataFrame, codelists) -> None:
    kind = rule.params["expectation"]
    variables = sorted(meta.variables, key=lambda variable: variable.order) if meta else []
    if kind in ("required_present", "expected_present"):
        core = "Req" if kind == "required_present" else "Exp"
        for variable in (v for v in variables if v.core == core):
            plan.add(rule, name, variable.name, "expect_column_to_exist", column=variable.name)
    elif kind == "required_not_null":
        for variable in _present([v for v in variables if v.core == "Req"], frame):
            plan.add(rule, name, variable.name, "expect_column_values_to_not_be_null", column=variable.name)
    elif kind == "type":
        for variable in _present(variables, frame):
            wanted = "numeric" if variable.type == "Num" else "character"
            plan.add(
                rule,
                name,
                variable.name,
                "expect_column_values_to_be_in_type_list",
                column=variable.name,
                type_list=TYPE_LISTS[wanted],
            )
    elif kind in ("codelist_nonextensible", "codelist_extensible"):
        extensible = kind == "codelist_extensible"
        coded = [v for v in variables if v.codelist and v.codelist in codelists and not v.name.endswith(RESULTS)]
        for variable in _present(coded, frame):
            codelist = codelists.get(variable.codelist)
            if codelist.extensible == extensible:
                plan.add(
                    rule,
                    name,
                    variable.name,
                    "expect_column_values_to_be_in_set",
                    column=variable.name,
                    value_set=codelist.values(),
                )
    elif kind == "value_level_codelist":
        for variable in _present(variables, frame):
            for level in (lv for lv in variable.value_level if lv.codelist and lv.codelist in codelists):
                codelist = codelists.get(level.codelist)
                if codelist.extensible or not all(c.comparator in ("EQ", "IN") for c in level.where):
                    continue
                if any(c.variable not in frame.columns for c in level.where):
                    continue
                condition = " and ".join(f"{c.variable} in {list(c.values)!r}" for c in level.where)
                plan.add(
                    rule,
                    name,
                    variable.name,
                    "expect_column_values_to_be_in_set",
                    column=variable.name,
                    value_set=codelist.values(),
                    row_condition=condition,
                    condition_parser="pandas",
                )
    elif kind == "key_unique":
        if meta.keys and all(key in frame.columns for key in meta.keys):
            plan.add(
                rule, name, "+".join(meta.keys), "expect_compound_columns_to_be_unique", column_list=list(meta.keys)
            )
        else:
            plan.skip(rule, f"{name}: no keys in the metadata, or a key variable absent")
    elif kind == "iso8601":
        for column in (c for c in frame.columns if _char(frame, c)):
            if column.endswith("DTC"):
                plan.add(rule, name, column, "expect_column_values_to_match_regex", column=column, regex=ISO8601_DTC)
            elif column.endswith("DUR"):
                plan.add(
                    rule, name, column, "expect_column_values_to_match_regex", column=column, regex=ISO8601_DURATION
                )
    elif kind == "byte_length":
        for column in (c for c in frame.columns if _char(frame, c)):
            plan.add(
                rule,
                name,
                column,
                "expect_column_values_to_be_between",
                view="bytes",
                column=column,
                max_value=MAX_VALUE_BYTES,
            )
    elif kind == "ascii":
        templates = rule.variables or ("*",)
        prefix = name[:2]
        wanted = {t.replace("--", prefix) for t in templates}
        for column in (c for c in frame.columns if _char(frame, c) and ("*" in wanted or c in wanted)):
            plan.add(rule, name, column, "expect_column_values_to_match_regex", column=column, regex=ASCII)
    else:
        raise ValueError(f"unknown expectation kind {kind!r} in rule {rule.id}")


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
        for name in delivery.in_scope(rule):
            meta = delivery.meta.get(name)
            if meta is None and rule.params["expectation"] not in METADATA_FREE:
                plan.skip(rule, f"{name}: no metadata for this dataset (neither metadata.json nor the standard)")
                continue
            before = len(plan.expectations)
            _plan_dataset(plan, rule, name, meta, delivery.datasets[name], delivery.codelists)
            if len(plan.expectations) == before:
                plan.skip(rule, f"{name}: {NOTHING_TO_CHECK.get(rule.params['expectation'], 'nothing to check')}")
    return plan
