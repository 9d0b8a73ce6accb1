"""A delivery read one chunk of subjects at a time (``cdiscmm validate --chunk-subjects N``), never whole.

The subjects are every USUBJID of every dataset (a subject missing from DM too), sorted; a chunk is ``N``
consecutive ones. Each ``.xpt``'s USUBJID column is read a block at a time, twice: for the subjects, then for where
each chunk's records lie (:func:`cdiscmm.io.chunks.chunk_spans`). A chunk's frame of a dataset is then the one
run of rows holding its records (:func:`cdiscmm.io.xpt.read.read_xpt_rows`), less other subjects' rows when the
file is not sorted by USUBJID: the records cutting the whole dataset gives, in file order, with each one's row
number in the whole file (:attr:`Chunk.rows`). A dataset without USUBJID (trial design) is read whole once and
is in every chunk. The metadata and the suites' plan see each dataset's first record (:attr:`ChunkedFiles.head`);
the strict XPT checker reads each file once, before it is dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.chunks import SPAN_COLUMNS, chunk_count, chunk_spans
from cdiscmm.io.xpt.check import XptFinding, check_xpt, require_readable
from cdiscmm.io.xpt.read import read_xpt, read_xpt_blocks, read_xpt_rows
from cdiscmm.validate.delivery import Delivery, build_delivery, check_inputs, submitted_metadata

SUBJECT = "USUBJID"


@dataclass
class Chunk:
    """The delivery of one chunk of subjects, and per dataset the whole file's row (from 0) of each record."""

    delivery: Delivery
    rows: dict[str, np.ndarray]


def _blocks(path: Path) -> Iterator[pd.Series]:
    """``path``'s USUBJID column a block at a time (nothing when the dataset has none)."""
    for block in read_xpt_blocks(path, [SUBJECT]):
        if SUBJECT not in block.columns:
            return
        yield block[SUBJECT]


def xpt_files(folder: Path, kind: str) -> list[Path]:
    """The ``.xpt`` files of ``folder`` (InputError when it is not a folder or has none)."""
    if not folder.is_dir():
        raise InputError("folder not found", Location(file=str(folder)), expected=f"a folder of {kind} .xpt files")
    paths = sorted(folder.glob("*.xpt"))
    if not paths:
        message = "no .xpt files (--chunk-subjects reads .xpt files; validate Dataset-JSON without it)"
        raise InputError(message, Location(file=str(folder)), expected=f"a folder of {kind} .xpt files")
    return paths


def dm_subject_count(sdtm: Path | None) -> int | None:
    """The number of distinct USUBJID of the SDTM folder's ``dm.xpt`` (DM: one record per subject, SDTMIG 3.4
    §5.2), None without one."""
    path = sdtm / "dm.xpt" if sdtm is not None else None
    if path is None or not path.is_file():
        return None
    frame = read_xpt(path, [SUBJECT]).data
    return int(frame[SUBJECT].nunique()) if SUBJECT in frame.columns else None


def study_subjects(sdtm: Path | None, adam: Path | None, define: Path | None) -> pd.Index:
    """Every USUBJID of every ``.xpt`` of the SDTM and ADaM folders, sorted (a subject missing from DM too); each
    file's USUBJID column read a block at a time. InputError on what the delivery lacks (:func:`check_inputs`)."""
    check_inputs(sdtm, adam, define)
    paths = [path for folder, kind in ((sdtm, "SDTM"), (adam, "ADaM")) if folder for path in xpt_files(folder, kind)]
    found = [block.unique() for path in paths for block in _blocks(path)]
    return pd.Index(np.unique(np.concatenate(found))) if found else pd.Index([], dtype=object)


class ChunkedFiles:
    """The ``.xpt`` datasets of the SDTM and ADaM folders, ``size`` of the study's sorted ``subjects``
    (:func:`study_subjects`) at a time (module notes), checked against ``metadata`` (a ``metadata.json`` per kind
    given apart from the datasets, :func:`~cdiscmm.validate.delivery.load_delivery`)."""

    def __init__(
        self,
        sdtm: Path | None,
        adam: Path | None,
        define: Path | None,
        subjects: pd.Index,
        size: int,
        *,
        ascii_only: bool = False,
        metadata: Mapping[str, Path | None] | None = None,
    ) -> None:
        self.size, self.subjects = size, subjects
        self.paths: dict[str, Path] = {}
        kinds: dict[str, str] = {}
        checked: dict[str, list[XptFinding]] = {}
        heads: dict[str, pd.DataFrame] = {}
        self.whole: dict[str, pd.DataFrame] = {}  # datasets without USUBJID
        self.records: dict[str, int] = {}
        for folder, kind in ((sdtm, "SDTM"), (adam, "ADaM")):
            for path in xpt_files(folder, kind) if folder is not None else []:
                name = path.stem.upper()
                self.paths[name], kinds[name] = path, kind
                findings = check_xpt(path, ascii_only=ascii_only)  # the head, then 64 MiB at a time
                checked[name] = [finding for finding in findings if finding.kind == "conformance"]
                require_readable(path, findings=findings)
                data = read_xpt_rows(path, slice(0, 1)).data
                if SUBJECT not in data.columns:  # a trial design dataset: small, read whole
                    self.whole[name] = read_xpt(path, findings=findings).data
                    data = self.whole[name].iloc[:1]
                    self.records[name] = len(self.whole[name])
                heads[name] = data.reset_index(drop=True)
        self.spans = {name: self._spans(name) for name in self.paths if name not in self.whole}
        for name, spans in self.spans.items():
            self.records[name] = int(spans["RECORDS"].sum())
        submitted, sources = submitted_metadata({"SDTM": sdtm, "ADaM": adam}, metadata)
        split = {kind: {n: heads[n] for n in heads if kinds[n] == kind} for kind in ("SDTM", "ADaM")}
        self.head = build_delivery(split["SDTM"], split["ADaM"], submitted, sources)
        self.head.files, self.head.define, self.head.xpt_findings = dict(self.paths), define, checked

    def _spans(self, name: str) -> pd.DataFrame:
        return chunk_spans(_blocks(self.paths[name]), self.subjects, self.size)

    def chunks(self) -> int:
        """How many chunks there are (at least one)."""
        return chunk_count(self.subjects, self.size)

    def fitting(self) -> set[str]:
        """The datasets read whole once rather than by chunk: those without USUBJID, and those with no more records
        than the longest run of rows a chunk reads of any dataset (so one of them in memory weighs about what a
        chunk's biggest dataset does)."""
        longest = max((int((spans["STOP"] - spans["FIRST"]).max()) for spans in self.spans.values()), default=0)
        return set(self.whole) | {name for name in self.spans if self.records[name] <= longest}

    def chunk(self, number: int) -> Chunk:
        """Chunk ``number`` (from 0): every dataset with only its subjects' records (those without USUBJID whole)."""
        subjects = self.subjects[number * self.size : (number + 1) * self.size]
        frames: dict[str, pd.DataFrame] = {}
        rows: dict[str, np.ndarray] = {}
        for name in self.head.datasets:
            if name in self.whole:
                frames[name], rows[name] = self.whole[name], np.arange(self.records[name])
                continue
            first, stop, records = (int(value) for value in self.spans[name].loc[number, SPAN_COLUMNS])
            frame = read_xpt_rows(self.paths[name], slice(first, stop)).data
            rows[name] = np.arange(first, stop)
            if stop - first != records:
                inside = frame[SUBJECT].isin(subjects).to_numpy()
                frame, rows[name] = frame.loc[inside].reset_index(drop=True), rows[name][inside]
            frames[name] = frame
        return Chunk(dataclasses.replace(self.head, datasets=frames, gx_findings={}), rows)

    def columns(self, name: str, wanted: list[str]) -> pd.DataFrame:
        """The whole dataset ``name`` with only the variables of ``wanted`` it has (file order), read in blocks."""
        present = [column for column in self.head.datasets[name].columns if column in wanted]
        if name in self.whole:
            return self.whole[name][present]
        blocks = list(read_xpt_blocks(self.paths[name], present))
        return pd.concat(blocks, ignore_index=True) if len(blocks) > 1 else blocks[0].reset_index(drop=True)
