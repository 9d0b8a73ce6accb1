"""ADSL builder: one row per DM subject, then the steps of ``specs/adam/adsl.yaml``'s ``derivations`` in order."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cdiscmm.adam.adsl_derivations import start_from_dm
from cdiscmm.adam.spec import derivation_steps, load_adam_spec, spec_path
from cdiscmm.adam.spec_model import AdamDatasetSpec
from cdiscmm.core.errors import Location, SpecError
from cdiscmm.metadata.model import Dataset


def build_adsl(sdtm: Mapping[str, pd.DataFrame], spec: AdamDatasetSpec | None = None) -> Dataset:
    """ADSL from SDTM datasets (DM and EX required; CM, DS, MH, RS, SS, ... optional), one row per DM subject.

    Each step of the spec's ``derivations`` runs the registered derivation it names
    (:mod:`cdiscmm.adam.adsl_steps`); the variables come out in the spec's order with the spec's metadata.
    """
    spec = spec or load_adam_spec("ADSL")
    steps = derivation_steps(spec)
    if not steps:
        raise SpecError(
            "ADSL spec lists no derivations", Location(file=str(spec_path(spec.name))), expected="a 'derivations' list"
        )
    adsl = start_from_dm(sdtm)
    for step in steps:
        adsl = step.run(adsl, sdtm, spec)
    return Dataset(spec.to_dataset_meta(), adsl).ordered()
