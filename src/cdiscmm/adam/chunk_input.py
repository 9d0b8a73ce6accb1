"""The SDTM records of one chunk of subjects, read from the delivery's XPT files without reading the rest.

SDTM datasets are sorted by their keys, STUDYID and USUBJID first (SDTMIG 3.4 lists each dataset's keys;
``cdiscmm sdtm`` writes them so), and a chunk is a run of consecutive subjects of the sorted DM list, so a chunk's
records are one run of rows of each file. :func:`chunk_spans` finds each chunk's run once per file, from its
USUBJID column alone; a chunk is then read as the one slice of rows ``FIRST:STOP``, only those bytes of the file
(:func:`cdiscmm.io.xpt.read.read_xpt_rows`). When the run holds other records too (a file not sorted by USUBJID,
or a subject that is not in DM between the chunk's subjects), they are dropped by USUBJID, so a chunk always gets
the file's records of its subjects in file order: what cutting the whole dataset gives (:class:`SubjectSlice`).

A SUPP-- is read the same way and merged into its parent with the whole SUPP--'s QNAM columns
(:func:`cdiscmm.adam.sdtm_input.supp_qnams`, from its IDVAR and QNAM columns read once), so a chunk without a
QNAM still has its column, all missing. A dataset without USUBJID (trial design: TS, TA, …) is read whole once
and given to every chunk; a dataset given as a Dataset-JSON file or a frame is read whole and cut (SubjectSlice).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from pathlib import Path

import pandas as pd

from cdiscmm.adam.sdtm_input import SdtmData, blank_to_missing, combine_supp, supp_qnams
from cdiscmm.io.chunks import SPAN_COLUMNS, chunk_count, chunk_spans
from cdiscmm.io.xpt.read import read_xpt, read_xpt_blocks, read_xpt_rows


class SubjectSlice(Mapping[str, pd.DataFrame]):
    """The SDTM datasets of ``sdtm`` (frames or files read whole) restricted to the records of ``subjects``
    (datasets without USUBJID whole), each cut on first use; ``folder`` is the delivery's (for messages)."""

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


def _usubjids(blocks: Iterable[pd.DataFrame], pairs: list[pd.DataFrame]) -> Iterator[pd.Series]:
    """Each block's USUBJID; a SUPP--'s distinct (IDVAR, QNAM) rows, blanks missing, are added to ``pairs``."""
    for block in blocks:
        if {"IDVAR", "QNAM"} <= set(block.columns):
            pairs.append(blank_to_missing(block[["IDVAR", "QNAM"]]).drop_duplicates())
        yield block["USUBJID"]


def read_chunk(file: Path, spans: pd.DataFrame, number: int, subjects: pd.Index) -> pd.DataFrame:
    """The records of chunk ``number`` (its ``subjects``) of the XPT ``file`` whose :func:`chunk_spans` are
    ``spans``, blanks as missing: one slice of rows, less the rows of other subjects when the run holds some."""
    first, stop, records = (int(value) for value in spans.loc[number, SPAN_COLUMNS])
    frame = read_xpt_rows(file, slice(first, stop)).data  # read_xpt read (checked) it for its USUBJID column
    if stop - first != records:
        frame = frame.loc[frame["USUBJID"].isin(subjects)].reset_index(drop=True)
    return blank_to_missing(frame)


class ChunkedDelivery:
    """The SDTM delivery ``sdtm`` read ``size`` subjects (of the sorted ``subjects``) at a time (module notes).

    Each file's USUBJID column (a SUPP--'s with IDVAR and QNAM) is read on the first use of its dataset, a block
    of the file at a time (:func:`cdiscmm.io.xpt.read.read_xpt_blocks`), and only the chunk spans and QNAM order
    are kept; a dataset without USUBJID is kept whole."""

    def __init__(self, sdtm: Mapping[str, pd.DataFrame], subjects: pd.Index, size: int) -> None:
        self.sdtm = sdtm
        self.subjects = subjects
        self.size = size
        files = sdtm.files if isinstance(sdtm, SdtmData) else {}
        self._files = {name: pair for name, pair in files.items() if pair[0].suffix.lower() == ".xpt"}
        self._spans: dict[Path, pd.DataFrame | None] = {}
        self._qnams: dict[Path, list[str]] = {}

    def chunks(self) -> int:
        """The number of chunks (:func:`chunk_count`, as :func:`chunk_spans` counts them)."""
        return chunk_count(self.subjects, self.size)

    def chunk(self, number: int) -> Mapping[str, pd.DataFrame]:
        """The datasets of chunk ``number`` (from 0), each read on first use."""
        subjects = self.subjects[number * self.size : (number + 1) * self.size]
        return ChunkData(self, number, subjects)

    def index_files(self) -> None:
        """Every XPT file's :meth:`spans` (and its SUPP--'s) read now: a delivery sent to worker processes carries
        them, where each worker would otherwise read every file's USUBJID column itself."""
        for file, supp in self._files.values():
            for path in (file, supp):
                if path is not None:
                    self.spans(path)

    def spans(self, file: Path) -> pd.DataFrame | None:
        """``file``'s :func:`chunk_spans`, None when it has no USUBJID (read once; a SUPP--'s QNAM order too)."""
        if file not in self._spans:
            blocks = read_xpt_blocks(file, ["USUBJID", "IDVAR", "QNAM"])
            first = next(blocks)
            if "USUBJID" not in first:
                blocks.close()
                self._spans[file] = None
                return None
            pairs: list[pd.DataFrame] = []
            self._spans[file] = chunk_spans(_usubjids(chain([first], blocks), pairs), self.subjects, self.size)
            if pairs:  # distinct pairs in order of first appearance: the QNAM order of the whole SUPP--
                self._qnams[file] = supp_qnams(pd.concat(pairs, ignore_index=True))
        return self._spans[file]

    def read(self, name: str, number: int, subjects: pd.Index) -> pd.DataFrame:
        """Dataset ``name``'s records of chunk ``number`` (its ``subjects``), its SUPP-- merged in."""
        if name not in self._files:
            return SubjectSlice(self.sdtm, subjects)[name]
        file, supp = self._files[name]
        spans = self.spans(file)
        if spans is None:
            return self.sdtm[name]  # trial design: read whole once (SdtmData keeps it), the same for every chunk
        frame = read_chunk(file, spans, number, subjects)
        if supp is None:
            return frame
        supp_spans = self.spans(supp)
        if supp_spans is None:  # a SUPP-- without USUBJID: combine_supp says so
            return combine_supp(frame, blank_to_missing(read_xpt(supp).data), str(supp))
        records = read_chunk(supp, supp_spans, number, subjects)
        return combine_supp(frame, records, str(supp), self._qnams.get(supp))


class ChunkData(Mapping[str, pd.DataFrame]):
    """The SDTM datasets of one chunk of a :class:`ChunkedDelivery`, each read on first use and kept."""

    def __init__(self, delivery: ChunkedDelivery, number: int, subjects: pd.Index) -> None:
        self._delivery = delivery
        self._number = number
        self._subjects = subjects
        self._read: dict[str, pd.DataFrame] = {}
        self.folder = getattr(delivery.sdtm, "folder", None)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._read:
            if name not in self._delivery.sdtm:
                raise KeyError(name)
            self._read[name] = self._delivery.read(name, self._number, self._subjects)
        return self._read[name]

    def __contains__(self, name: object) -> bool:
        return name in self._delivery.sdtm

    def __iter__(self) -> Iterator[str]:
        return iter(self._delivery.sdtm)

    def __len__(self) -> int:
        return len(self._delivery.sdtm)
