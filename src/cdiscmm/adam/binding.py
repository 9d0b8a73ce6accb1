"""Bind a dataset spec's ``derivations`` to the registered derivations, and check the binding before anything runs.

Importing this module registers every derivation a spec can name (the ``*_steps`` modules). The check
(:func:`check_derivations`) holds for every ADaM dataset alike: the list is there and starts with the one step
that makes the records; each step names a registered derivation with fitting arguments; the variable or parameter
it names is the spec's and has the section it reads; every variable a step makes is declared, and every declared
variable and parameter is made. Each problem is a SpecError naming file, line and variable (exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cdiscmm.adam import adae_steps, adqs_steps, adrs_steps, adsl_steps, adtte_steps, record_steps
from cdiscmm.adam.registry import DERIVATIONS, Step, UnknownDerivationError, parse_step
from cdiscmm.adam.spec_model import AdamDatasetSpec
from cdiscmm.core.errors import Location, SpecError
from cdiscmm.metadata.yamlio import LinePath, spec_error_from_validation

#: The modules whose derivations a spec can name, in the order docs/adam-derivations.md lists them.
STEP_MODULES = (adsl_steps, adae_steps, adrs_steps, adtte_steps, adqs_steps, record_steps)


def derivation_steps(spec: AdamDatasetSpec) -> list[Step]:
    """The spec's ``derivations`` as registered steps, in run order (checked when the spec was loaded)."""
    return [parse_step(entry) for entry in spec.derivations]


def _step(entry: dict[str, Any], where: Location, path: Path, lines: dict[LinePath, int], index: int) -> Step:
    try:
        return parse_step(entry)
    except UnknownDerivationError as exc:
        raise SpecError(f"derivations: {exc}", where) from None
    except ValidationError as exc:
        name = next(iter(entry))
        raise spec_error_from_validation(
            exc, DERIVATIONS[name].args, path, lines, prefix=("derivations", index, name)
        ) from None


def _location(spec: AdamDatasetSpec, name: str, path: Path, lines: dict[LinePath, int], parameter: bool) -> Location:
    """Where variable (or parameter) ``name`` is declared."""
    names = [item.paramcd for item in spec.parameters] if parameter else [item.name for item in spec.variables]
    key = "parameters" if parameter else "variables"
    return Location(file=str(path), line=lines.get((key, names.index(name))), field=name)


def _check_kind(step: Step, index: int, where: Location) -> None:
    """The first step, and only it, makes the records (``start``)."""
    name, kind = step.derivation.name, step.derivation.kind
    if index == 0 and kind != "start":
        starts = sorted(found.name for found in DERIVATIONS.values() if found.kind == "start")
        raise SpecError(f"derivations: the first step makes the records, not {name}", where, expected=", ".join(starts))
    if index > 0 and kind == "start":
        raise SpecError(f"derivations: {name} makes the records, so it can only be the first step", where)


def _check_section(
    spec: AdamDatasetSpec, step: Step, name: str, path: Path, lines: dict[LinePath, int], parameter: bool
) -> None:
    """The variable (or parameter) ``name`` has the section the step's derivation reads."""
    reads = step.derivation.reads
    owner = spec.parameter(name) if parameter else spec.variable(name)
    if reads is not None and getattr(owner, reads) is None:
        what = "parameter" if parameter else "variable"
        raise SpecError(
            f"{name}: derivation {step.derivation.name} reads its '{reads}' section, which the {what} lacks",
            _location(spec, name, path, lines, parameter=parameter),
            expected=f"a '{reads}' section under {what} {name}",
        )


def _check_parameter(
    spec: AdamDatasetSpec, step: Step, where: Location, made: set[str], path: Path, lines: dict[LinePath, int]
) -> None:
    """A parameter step names a parameter of the spec, once, that has the section it reads."""
    name, code = step.derivation.name, step.args.parameter_code()
    codes = [parameter.paramcd for parameter in spec.parameters]
    if code not in codes:
        raise SpecError(f"derivations: {name} makes parameter {code}, not a parameter of {spec.name}", where)
    if code in made:
        raise SpecError(f"derivations: parameter {code}, made by {name}, is made by an earlier step", where)
    unmade = [needed for needed in step.derivation.needs if needed not in made]
    if unmade:
        raise SpecError(
            f"derivations: {name} reads the records of {unmade[0]}, which no earlier step makes",
            where,
            expected=f"the step making {unmade[0]} before this one",
        )
    _check_section(spec, step, code, path, lines, parameter=True)
    made.add(code)


def _check_variable(spec: AdamDatasetSpec, step: Step, where: Location, path: Path, lines: dict[LinePath, int]) -> None:
    """The variable a step names is the spec's and has the section the derivation reads."""
    name, variable = step.derivation.name, step.args.variable_name()
    if variable is None:
        return
    if not spec.has(variable):
        raise SpecError(f"derivations: {name} names {variable}, not a variable of {spec.name}", where)
    _check_section(spec, step, variable, path, lines, parameter=False)


def check_derivations(spec: AdamDatasetSpec, path: Path, lines: dict[LinePath, int]) -> None:
    """Every check of the module docstring; the first problem is a SpecError naming file, line and variable.

    A variable may be made by several parameter steps (each makes its own records) and by one other step; a
    variable made by two steps that are not parameter steps is a problem.
    """
    if not spec.derivations:
        raise SpecError(
            f"{spec.name} spec lists no derivations",
            Location(file=str(path), line=1, field="derivations"),
            expected="a 'derivations' list naming the registered derivations that make its variables",
        )
    made: dict[str, int] = {}
    parameters: set[str] = set()
    for index, entry in enumerate(spec.derivations):
        where = Location(file=str(path), line=lines.get(("derivations", index)))
        step = _step(entry, where, path, lines, index)
        _check_kind(step, index, where)
        if step.derivation.kind == "parameter":
            _check_parameter(spec, step, where, parameters, path, lines)
        _check_variable(spec, step, where, path, lines)
        for target in step.derivation.produces(spec, step.args):
            if not spec.has(target):
                raise SpecError(
                    f"derivations: {target}, made by {step.derivation.name}, is not a variable of {spec.name}",
                    where,
                    expected=f"{target} declared under 'variables'",
                )
            if step.derivation.kind != "parameter" and made.get(target, -1) >= 0:
                raise SpecError(
                    f"derivations: {target}, made by {step.derivation.name}, is made by an earlier step", where
                )
            made[target] = index if step.derivation.kind != "parameter" else made.get(target, -1)
    unmade = [variable.name for variable in spec.variables if variable.name not in made]
    if unmade:
        raise SpecError(
            f"{unmade[0]}: no step of 'derivations' makes this variable",
            _location(spec, unmade[0], path, lines, parameter=False),
            expected="a derivations step naming it (or a derivation that makes it)",
        )
    missing = [parameter.paramcd for parameter in spec.parameters if parameter.paramcd not in parameters]
    if missing:
        raise SpecError(
            f"{missing[0]}: no step of 'derivations' makes this parameter",
            _location(spec, missing[0], path, lines, parameter=True),
            expected="a derive_param_* step naming it (paramcd)",
        )
