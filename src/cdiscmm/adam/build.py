"""Build the ADaM datasets of one study from its SDTM folder (the writer step, :mod:`cdiscmm.io.write`, makes
the files).

Every dataset is built the same way (:func:`build_dataset`): the steps of its spec's ``derivations``
(``specs/adam/<name>.yaml``), in order, each a registered derivation (:mod:`cdiscmm.adam.registry`). :data:`BUILDERS`
is the build order: ADSL first; each later dataset reads the SDTM datasets and the ADaM datasets already built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

import pandas as pd

from cdiscmm.adam.binding import derivation_steps
from cdiscmm.adam.endpoints import compute_endpoint_table
from cdiscmm.adam.registry import Inputs
from cdiscmm.adam.sdtm_input import read_sdtm_folder, require
from cdiscmm.adam.spec import load_adam_spec, spec_path
from cdiscmm.adam.spec_model import AdamDatasetSpec
from cdiscmm.core import progress
from cdiscmm.core.errors import InputError, Location, SpecError
from cdiscmm.metadata.model import Dataset

#: A builder: (SDTM datasets, ADaM datasets built so far) -> its dataset, or None (skipped, with a note)
#: when the study has not collected its source (e.g. no QS).
Builder = Callable[[Mapping[str, pd.DataFrame], Mapping[str, Dataset]], Dataset | None]

#: The ADaM datasets, in build order (ADTTE reads ADRS).
ADAM_DATASETS: tuple[str, ...] = ("ADSL", "ADAE", "ADRS", "ADTTE", "ADQS")


def build_dataset(
    name: str,
    sdtm: Mapping[str, pd.DataFrame],
    adam: Mapping[str, pd.DataFrame],
    spec: AdamDatasetSpec | None = None,
) -> Dataset | None:
    """ADaM dataset ``name`` from the SDTM datasets and the ADaM datasets built before it (``adam``, by name):
    the steps of its spec's ``derivations`` in order; None when its first step finds no source (a note says so).

    The loader has checked that the steps make every variable of the spec and nothing else; the variables come
    out in the spec's order with the spec's metadata. A SpecError a step raises without a file names the spec's.
    """
    spec = spec or load_adam_spec(name)
    steps = derivation_steps(spec)
    if not steps:
        raise SpecError(
            f"{spec.name} spec lists no derivations",
            Location(file=str(spec_path(spec.name)), field="derivations"),
            expected="a 'derivations' list",
        )
    inputs = Inputs(sdtm, adam)
    dataset: pd.DataFrame | None = pd.DataFrame()
    for step in steps:
        try:
            dataset = step.run(dataset, inputs, spec)
        except SpecError as error:
            if error.location.file is None:
                error.location = Location(file=str(spec_path(spec.name)), field=error.location.field)
            raise
        if dataset is None:
            return None
    return Dataset(spec.to_dataset_meta(), dataset).ordered()


def _builder(name: str, sdtm: Mapping[str, pd.DataFrame], adam: Mapping[str, Dataset]) -> Dataset | None:
    return build_dataset(name, sdtm, {built: dataset.data for built, dataset in adam.items()})


#: ADaM dataset name -> builder, in build order.
BUILDERS: dict[str, Builder] = {name: partial(_builder, name) for name in ADAM_DATASETS}


def studyid_of(sdtm: Mapping[str, pd.DataFrame]) -> str:
    """The one STUDYID of DM; InputError when DM holds none or several."""
    values = sorted(require(sdtm, "DM", ["STUDYID"])["STUDYID"].dropna().unique())
    if len(values) != 1:
        folder = getattr(sdtm, "folder", None)
        raise InputError(
            "DM must hold exactly one STUDYID",
            Location(file=str(folder) if folder else "DM", field="STUDYID"),
            found=values,
        )
    return str(values[0])


def build_adam(sdtm: Mapping[str, pd.DataFrame], builders: Mapping[str, Builder] | None = None) -> dict[str, Dataset]:
    """Every registered ADaM dataset built from ``sdtm``, in registry order; a builder's None is left out."""
    adam: dict[str, Dataset] = {}
    for name, builder in (builders or BUILDERS).items():
        with progress.counted(name) as tally:
            built = builder(sdtm, adam)
            tally.count = 0 if built is None else len(built.data)
        if built is not None:
            adam[name] = built
    return adam


def read_delivery(sdtm_folder: Path, studyid: str | None = None) -> tuple[Mapping[str, pd.DataFrame], str]:
    """The SDTM datasets of ``sdtm_folder`` and their STUDYID (DM's); ``studyid``, when given, must be DM's (so a
    folder is never built under another study)."""
    with progress.step(f"reading SDTM {sdtm_folder}"):
        sdtm = read_sdtm_folder(sdtm_folder)
    found = studyid_of(sdtm)
    if studyid is not None and found != studyid:
        raise InputError(
            f"DM STUDYID is {found}, not {studyid}", Location(file=str(sdtm_folder), field="STUDYID"), expected=studyid
        )
    return sdtm, found


def report_tables(adam: Mapping[str, Dataset]) -> dict[str, pd.DataFrame]:
    """The report tables written beside the datasets: ``endpoints`` (:func:`compute_endpoint_table`)."""
    with progress.step("summarising endpoints"):
        return {"endpoints": compute_endpoint_table(adam)}
