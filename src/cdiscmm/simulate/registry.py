"""The registry of core form generators: form name -> function(context, rng) -> Form."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cdiscmm.metadata.study import StudyRef
from cdiscmm.simulate.course import Course
from cdiscmm.simulate.design import CollectionDesign
from cdiscmm.simulate.forms import Form


@dataclass(frozen=True)
class FormContext:
    """What every form generator reads: the study, its design, the latent course and the administrations."""

    study: StudyRef
    design: CollectionDesign
    course: Course
    doses: pd.DataFrame

    @property
    def language(self) -> str:
        """Language of collected free text (``study.yaml``)."""
        return self.study.config.language


FormGenerator = Callable[[FormContext, np.random.Generator], Form]

_GENERATORS: dict[str, FormGenerator] = {}

#: Modules whose import registers the core form generators.
FORM_MODULES: tuple[str, ...] = (
    "cdiscmm.simulate.forms_baseline",
    "cdiscmm.simulate.forms_history",
    "cdiscmm.simulate.forms_treatment",
    "cdiscmm.simulate.forms_response",
    "cdiscmm.simulate.forms_outcome",
)


def form_generator(name: str) -> Callable[[FormGenerator], FormGenerator]:
    """Register the decorated function as the generator of form ``name``."""

    def register(function: FormGenerator) -> FormGenerator:
        if name in _GENERATORS:
            raise ValueError(f"form {name} registered twice")
        _GENERATORS[name] = function
        return function

    return register


def generators() -> dict[str, FormGenerator]:
    """Every registered core form generator, by form name."""
    for module in FORM_MODULES:
        importlib.import_module(module)
    return dict(_GENERATORS)
