"""The ADaM derivation registry: a spec's ``derivations`` name the functions registered here, with their arguments.

As with the SDTM verbs (:mod:`cdiscmm.sdtm.verbs.base`), a derivation's YAML name is its Python function's name.
Every registered function takes the dataset built so far, the :class:`Inputs` (SDTM datasets, the ADaM datasets
built before, the records of the parameters made so far), the dataset spec and its arguments. There are three
kinds, in the order a spec runs them:

- ``start``: the records the dataset starts from (one DM subject, one AE record, the QS item responses ...);
  None when the study did not collect the source, so the dataset is not built (a note says so);
- ``parameter``: the records of one analysis parameter (``paramcd``, a parameter of the spec); they are kept
  aside until a ``variables`` step stacks them (:func:`cdiscmm.adam.record_steps.derive_vars_params`); None
  skips the parameter (a note says why);
- ``variables``: the dataset with variables added.

Each declares the variables it makes and the spec section it reads (of its ``variable`` or its parameter), so
the loader checks a spec (file, line, variable) before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from cdiscmm.adam.spec_model import AdamDatasetSpec
from cdiscmm.metadata.vocabulary import SpecArgs

Sdtm = Mapping[str, pd.DataFrame]
Kind = Literal["start", "parameter", "variables"]


@dataclass
class Inputs:
    """What a derivation reads besides the dataset: SDTM, the ADaM datasets built before (e.g. ADSL), and the
    records of the parameters made so far, by PARAMCD, in the order they were made."""

    sdtm: Sdtm
    adam: Mapping[str, pd.DataFrame]
    records: dict[str, pd.DataFrame] = field(default_factory=dict)


class StepArgs(SpecArgs):
    """Arguments of one derivation step as written in the spec; unknown keys are spec errors."""

    def variable_name(self) -> str | None:
        """The spec variable whose rule section the derivation reads, or None."""
        return getattr(self, "variable", None)

    def parameter_code(self) -> str | None:
        """The spec parameter (PARAMCD) a parameter derivation makes, or None."""
        return getattr(self, "paramcd", None)


Function = Callable[[pd.DataFrame, Inputs, AdamDatasetSpec, Any], pd.DataFrame | None]
Produces = Callable[[AdamDatasetSpec, Any], list[str]]


@dataclass(frozen=True)
class Derivation:
    """A registered derivation: its function, its arguments model, what it makes, the section it reads, its kind."""

    name: str
    args: type[StepArgs]
    function: Function
    doc: str
    produces: Produces
    reads: str | None
    kind: Kind
    needs: tuple[str, ...] = ()


DERIVATIONS: dict[str, Derivation] = {}


def derivation(
    args: type[StepArgs],
    produces: Produces,
    reads: str | None = None,
    kind: Kind = "variables",
    needs: tuple[str, ...] = (),
) -> Callable[[Function], Function]:
    """Register a derivation under its function's name; ``reads`` names the spec section of its ``variable`` (or,
    for a ``parameter`` derivation, of its parameter); ``needs`` the parameters whose records it reads (an
    earlier step must make them)."""

    def decorate(function: Function) -> Function:
        doc = (function.__doc__ or "").strip().splitlines()[0]
        found = Derivation(function.__name__, args, function, doc, produces, reads, kind, needs)
        DERIVATIONS[function.__name__] = found
        return function

    return decorate


def fixed(*names: str) -> Produces:
    """``produces`` of a derivation whose variables are fixed by the standard (e.g. TRTDURD)."""
    return lambda spec, args: list(names)


@dataclass(frozen=True)
class Step:
    """One validated step of a spec's ``derivations``: the registered derivation and its arguments."""

    derivation: Derivation
    args: StepArgs

    def run(self, dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec) -> pd.DataFrame | None:
        """The dataset with this step's variables added; a start step's records (None: the dataset is not built);
        a parameter step keeps its records in ``inputs.records`` and returns the dataset unchanged."""
        made = self.derivation.function(dataset, inputs, spec, self.args)
        if self.derivation.kind != "parameter":
            return made
        code = self.args.parameter_code()
        if made is not None and code is not None:
            inputs.records[code] = made
        return dataset


class UnknownDerivationError(ValueError):
    """A step names no registered derivation, or more than one."""


def parse_step(entry: dict[str, Any]) -> Step:
    """The step a spec entry ``{derive_x: {...arguments}}`` names; UnknownDerivationError or ValidationError when the
    name is not registered or the arguments do not fit."""
    if len(entry) != 1:
        raise UnknownDerivationError(f"give exactly one derivation per step (found {', '.join(entry) or 'none'})")
    name, arguments = next(iter(entry.items()))
    if name not in DERIVATIONS:
        raise UnknownDerivationError(f"unknown derivation '{name}'; expected one of: {', '.join(sorted(DERIVATIONS))}")
    found = DERIVATIONS[name]
    return Step(found, found.args.model_validate(arguments or {}))
