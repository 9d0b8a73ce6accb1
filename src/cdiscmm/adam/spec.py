"""Load an ADaM dataset spec (``specs/adam/<name>.yaml``): validate it, fill it from the standards, bind its
derivations.

A spec names each variable once. A standard variable (ADaMIG 1.3, an SDTMIG 3.4 variable copied
unchanged from its SDTM predecessor, or an ADSL variable copied into another dataset: ``source: ADSL.X``)
states only its name, origin and source or method: the loader fills label, type, core and codelist from
the standard (or from our ADSL spec), so a label is never written twice. A sponsor variable
carries its own label and type. Each named derivation must be registered and find the sections it reads
(:func:`cdiscmm.adam.binding.check_derivations`). Every problem is a SpecError naming file and line.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from cdiscmm.adam.binding import check_derivations
from cdiscmm.adam.spec_model import AdamDatasetSpec, ParameterSpec, VariableSpec
from cdiscmm.core.errors import Location, SpecError
from cdiscmm.core.paths import specs_dir
from cdiscmm.metadata import standards
from cdiscmm.metadata.model import (
    ORIGIN_SOURCES,
    StandardVariableMeta,
    ValueLevelMeta,
    VariableMeta,
    WhereCondition,
    split_variable_reference,
)
from cdiscmm.metadata.yamlio import load_model_with_lines

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
    spec, lines = load_model_with_lines(path, AdamDatasetSpec)
    if spec.name != path.stem.upper():
        raise SpecError(f"file holds dataset {spec.name}", Location(file=str(path), line=1), expected=path.stem.upper())
    resolved = resolve_spec(spec, path)
    check_derivations(resolved, path, lines)
    return resolved
