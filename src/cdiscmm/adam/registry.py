"""The ADaM derivation registry: a spec's ``derivations`` name the functions registered here, with their arguments.

As with the SDTM verbs (:mod:`cdiscmm.sdtm.verbs.base`), a derivation's YAML name is its Python function's name.
A registered derivation takes the dataset built so far, the SDTM datasets, the dataset spec and its arguments,
and returns the dataset with its variables added. It declares the variables it makes and the spec section the
variable it names must have, so the loader checks a spec (file, line, variable) before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cdiscmm.adam.spec_model import AdamDatasetSpec
from cdiscmm.metadata.vocabulary import SpecArgs

Sdtm = Mapping[str, pd.DataFrame]


class StepArgs(SpecArgs):
    """Arguments of one derivation step as written in the spec; unknown keys are spec errors."""

    def variable_name(self) -> str | None:
        """The spec variable whose rule section the derivation reads, or None."""
        return getattr(self, "variable", None)


Function = Callable[[pd.DataFrame, Sdtm, AdamDatasetSpec, Any], pd.DataFrame]
Produces = Callable[[AdamDatasetSpec, Any], list[str]]


@dataclass(frozen=True)
class Derivation:
    """A registered derivation: its function, its arguments model, what it makes and the section it reads."""

    name: str
    args: type[StepArgs]
    function: Function
    doc: str
    produces: Produces
    reads: str | None


DERIVATIONS: dict[str, Derivation] = {}


def derivation(args: type[StepArgs], produces: Produces, reads: str | None = None) -> Callable[[Function], Function]:
    """Register a derivation under its function's name; ``reads`` names the spec section of its ``variable``."""

    def decorate(function: Function) -> Function:
        doc = (function.__doc__ or "").strip().splitlines()[0]
        DERIVATIONS[function.__name__] = Derivation(function.__name__, args, function, doc, produces, reads)
        return function

    return decorate


@dataclass(frozen=True)
class Step:
    """One validated step of a spec's ``derivations``: the registered derivation and its arguments."""

    derivation: Derivation
    args: StepArgs

    def run(self, dataset: pd.DataFrame, sdtm: Sdtm, spec: AdamDatasetSpec) -> pd.DataFrame:
        """The dataset with this step's variables added."""
        return self.derivation.function(dataset, sdtm, spec, self.args)


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
