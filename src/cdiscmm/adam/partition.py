"""Subject-partitioned ADaM (``--chunk-subjects N``): the registered builders run on the SDTM records of N subjects
at a time and the chunks' datasets are concatenated in subject order, identical to the whole build.

Why the join is exact: every ADaM record belongs to one subject and every builder reads the SDTM of that subject
only (ADSL one record per subject; ADAE, ADRS, ADTTE, ADQS join the subject's ADSL record; ASEQ is numbered within
a subject, ADaMIG 1.3 §3.2.8); datasets sort by USUBJID first and chunks are cut from the sorted DM subjects. Trial
design datasets without USUBJID (TS, TA, …) are given whole to every chunk. Value-level metadata comes from the
dataset specs (by PARAMCD), not from the records, so it is the same in every chunk. What is global — the endpoint
summary — is computed by the caller from the joined datasets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pandas as pd

from cdiscmm.adam.build import Builder, build_adam
from cdiscmm.adam.sdtm_input import require
from cdiscmm.core import progress
from cdiscmm.metadata.model import Dataset


class SubjectSlice(Mapping[str, pd.DataFrame]):
    """The SDTM datasets of ``sdtm`` restricted to the records of ``subjects`` (datasets without USUBJID whole),
    each cut on first use; ``folder`` is the delivery's (for messages)."""

    def __init__(self, sdtm: Mapping[str, pd.DataFrame], subjects: pd.Index) -> None:
        self._sdtm = sdtm
        self._subjects = subjects
        self._cut: dict[str, pd.DataFrame] = {}
        self.folder = getattr(sdtm, "folder", None)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._cut:
            frame = self._sdtm[name]
            inside = frame["USUBJID"].isin(self._subjects) if "USUBJID" in frame else None
            self._cut[name] = frame if inside is None else frame.loc[inside].reset_index(drop=True)
        return self._cut[name]

    def __contains__(self, name: object) -> bool:
        return name in self._sdtm

    def __iter__(self) -> Iterator[str]:
        return iter(self._sdtm)

    def __len__(self) -> int:
        return len(self._sdtm)


def build_adam_chunked(
    sdtm: Mapping[str, pd.DataFrame], chunk_subjects: int, builders: Mapping[str, Builder] | None = None
) -> dict[str, Dataset]:
    """Every registered ADaM dataset built ``chunk_subjects`` DM subjects at a time (sorted USUBJID order) and
    joined: the same datasets as :func:`cdiscmm.adam.build.build_adam` on the whole ``sdtm``."""
    subjects = pd.Index(sorted(require(sdtm, "DM", ["USUBJID"])["USUBJID"].dropna().unique()))
    count = max(1, -(-len(subjects) // chunk_subjects))
    pieces: dict[str, list[Dataset]] = {}
    for number in range(count):
        chunk = subjects[number * chunk_subjects : (number + 1) * chunk_subjects]
        with progress.step(f"ADaM of subjects chunk {number + 1}/{count}"):
            built = build_adam(SubjectSlice(sdtm, chunk), builders)
        for name, dataset in built.items():
            pieces.setdefault(name, []).append(dataset)
    return {
        name: Dataset(parts[0].meta, pd.concat([part.data for part in parts], ignore_index=True))
        if len(parts) > 1
        else parts[0]
        for name, parts in pieces.items()
    }
