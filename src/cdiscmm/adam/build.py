"""Build the ADaM datasets of one study from its SDTM folder and write them as XPT v5.

:data:`BUILDERS` is the registry, in build order: ADSL first, every later builder receives the SDTM
datasets and the ADaM datasets already built (ADAE, ADRS, ADTTE, ADQS plug in here).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from cdiscmm import progress
from cdiscmm.adam.adsl import build_adsl
from cdiscmm.adam.sdtm_input import read_sdtm_folder, require
from cdiscmm.errors import InputError, Location
from cdiscmm.metadata.model import Dataset
from cdiscmm.xpt.write import write_xpt

#: A builder: (SDTM datasets, ADaM datasets built so far) -> its dataset.
Builder = Callable[[Mapping[str, pd.DataFrame], Mapping[str, Dataset]], Dataset]


def _adsl(sdtm: Mapping[str, pd.DataFrame], adam: Mapping[str, Dataset]) -> Dataset:
    return build_adsl(sdtm)


#: ADaM dataset name -> builder, in build order.
BUILDERS: dict[str, Builder] = {
    "ADSL": _adsl,
}


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
    """Every registered ADaM dataset built from ``sdtm``, in registry order."""
    adam: dict[str, Dataset] = {}
    for name, builder in (builders or BUILDERS).items():
        with progress.step(f"building {name}"):
            adam[name] = builder(sdtm, adam)
    return adam


def write_adam(adam: Mapping[str, Dataset], folder: Path) -> list[Path]:
    """Write each dataset as ``<folder>/<name>.xpt`` (lower-case name, SAS XPORT v5); return the paths."""
    return [write_xpt(dataset, folder / f"{name.lower()}.xpt") for name, dataset in adam.items()]


def run_adam(sdtm_folder: Path, out_root: Path, studyid: str | None = None) -> list[Path]:
    """Read ``sdtm_folder``, build the ADaM datasets and write them to ``<out_root>/<STUDYID>/adam/``.

    ``studyid``, when given, must be DM's STUDYID (so a folder is never written under another study).
    """
    with progress.step(f"reading SDTM {sdtm_folder}"):
        sdtm = read_sdtm_folder(sdtm_folder)
    found = studyid_of(sdtm)
    if studyid is not None and found != studyid:
        raise InputError(
            f"DM STUDYID is {found}, not {studyid}", Location(file=str(sdtm_folder), field="STUDYID"), expected=studyid
        )
    paths = write_adam(build_adam(sdtm), out_root / found / "adam")
    for path in paths:
        progress.info(f"wrote {path}")
    return paths
