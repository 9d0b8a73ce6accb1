"""Build the ADaM datasets of one study from its SDTM folder (the writer step, :mod:`cdiscmm.io.write`, makes
the files).

:data:`BUILDERS` is the registry, in build order: ADSL first, every later builder receives the SDTM
datasets and the ADaM datasets already built (ADAE, ADRS, ADTTE, ADQS plug in here).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from cdiscmm.adam.adae import build_adae
from cdiscmm.adam.adqs import build_adqs
from cdiscmm.adam.adrs import build_adrs
from cdiscmm.adam.adsl import build_adsl
from cdiscmm.adam.adtte import build_adtte
from cdiscmm.adam.endpoints import compute_endpoint_table
from cdiscmm.adam.sdtm_input import read_sdtm_folder, require
from cdiscmm.core import progress
from cdiscmm.core.errors import InputError, Location
from cdiscmm.metadata.model import Dataset

#: A builder: (SDTM datasets, ADaM datasets built so far) -> its dataset, or None (skipped, with a note)
#: when the study has not collected its source (e.g. no QS).
Builder = Callable[[Mapping[str, pd.DataFrame], Mapping[str, Dataset]], Dataset | None]


def _adsl(sdtm: Mapping[str, pd.DataFrame], adam: Mapping[str, Dataset]) -> Dataset:
    return build_adsl(sdtm)


def _adae(sdtm: Mapping[str, pd.DataFrame], adam: Mapping[str, Dataset]) -> Dataset | None:
    return build_adae(sdtm, adam["ADSL"].data)


def _adrs(sdtm: Mapping[str, pd.DataFrame], adam: Mapping[str, Dataset]) -> Dataset | None:
    return build_adrs(sdtm, adam["ADSL"].data)


def _adtte(sdtm: Mapping[str, pd.DataFrame], adam: Mapping[str, Dataset]) -> Dataset:
    adrs = adam.get("ADRS")
    return build_adtte(adam["ADSL"].data, adrs.data if adrs is not None else None)


def _adqs(sdtm: Mapping[str, pd.DataFrame], adam: Mapping[str, Dataset]) -> Dataset | None:
    return build_adqs(sdtm, adam["ADSL"].data)


#: ADaM dataset name -> builder, in build order (ADTTE reads ADRS).
BUILDERS: dict[str, Builder] = {
    "ADSL": _adsl,
    "ADAE": _adae,
    "ADRS": _adrs,
    "ADTTE": _adtte,
    "ADQS": _adqs,
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
