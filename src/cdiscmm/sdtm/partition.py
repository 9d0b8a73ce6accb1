"""Subject partitioning of an SDTM build (``--chunk-subjects N``): the collected rows cut into chunks of N subjects,
each chunk mapped on its own, the chunks' datasets joined back in subject order, identical to the whole build.

Why the join is exact: every record belongs to one subject; datasets are sorted by USUBJID first (then --SEQ or
the keys) and chunks are cut from the sorted subject list, so the chunks' records concatenate in sorted order;
--SEQ is numbered within a subject with ties broken by source order, which a chunk keeps (SDTMIG 3.4 §4.1.9).
What is global is done on the joined data: value-level metadata (by --TESTCD, first appearance) and the order of
SUPP-- QNAMs (the order the whole build emits them, :func:`supp_qnam_order`). DM (one record per subject, COUNTRY
from the site's other subjects), TS, rejects, reconciliation and field coverage are built once by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cdiscmm.core.errors import SpecError
from cdiscmm.io.chunks import chunk_count
from cdiscmm.metadata.model import Dataset, DatasetMeta
from cdiscmm.sdtm.describe import mapped_qualifiers, with_value_level
from cdiscmm.sdtm.loader import LoadedMapping
from cdiscmm.sdtm.verbs.base import clean_text
from cdiscmm.sdtm.verbs.supp import compute_split_qnam

#: Continuations of one text value considered when ordering SUPP-- QNAMs (200 bytes each: 19,800 bytes of text).
_MOST_CONTINUATIONS = 99


@dataclass(frozen=True)
class Chunk:
    """One chunk: its number (from 1), the number of chunks, and the raw rows of its subjects by form."""

    number: int
    count: int
    raws: dict[str, pd.DataFrame]

    def label(self) -> str:
        """`` (subjects chunk 2/5)`` for progress lines; empty for a whole-study build."""
        return f" (subjects chunk {self.number}/{self.count})" if self.count > 1 else ""


def form_subject_fields(mappings: dict[str, LoadedMapping], skip: str = "DM") -> dict[str, str]:
    """Each form a domain mapping (but ``skip``) reads -> the raw field holding its subject: the source's
    ``subject``, which a joined detail page shares (it is the join's first link). A form read with two different
    subject fields cannot be cut by subject: SpecError naming the mapping file."""
    fields: dict[str, str] = {}
    for domain, loaded in mappings.items():
        if domain == skip:
            continue
        for source in loaded.mapping.sources:
            for form in [source.form, *(join.form for join in source.join)]:
                known = fields.setdefault(form, source.subject)
                if known != source.subject:
                    raise SpecError(
                        f"form {form} is read with subject field {source.subject} and {known}: it cannot be cut "
                        "by subject (--chunk-subjects)",
                        loaded.where(source.key, ""),
                        expected="one subject field per form",
                    )
    return fields


def subject_chunks(raws: dict[str, pd.DataFrame], fields: dict[str, str], size: int | None) -> Iterator[Chunk]:
    """The raw rows of ``fields``' forms cut into chunks of ``size`` subjects in sorted subject order (all at once
    when ``size`` is None); rows with a blank subject go to the first chunk, where they are rejected as in a whole
    build."""
    if size is None:
        yield Chunk(1, 1, raws)
        return
    keys = {form: clean_text(raws[form][field]) for form, field in fields.items()}
    every = pd.concat(list(keys.values())) if keys else pd.Series(dtype="string")
    subjects = pd.Index(np.sort(every.dropna().unique().to_numpy(dtype=object)))
    count = chunk_count(subjects, size)
    rows = {form: _rows_by_chunk(np.maximum(subjects.get_indexer(key), 0) // size, count) for form, key in keys.items()}
    for number in range(count):
        yield Chunk(number + 1, count, {form: raws[form].iloc[rows[form][number]] for form in fields})


def spill_chunks(chunks: Iterable[Chunk], folder: Path) -> Iterator[Chunk]:
    """``chunks`` written to ``folder`` at once, one Parquet file per chunk and form (text, RAWROW and the row
    labels as they are), so that the caller can drop the whole forms; then read back one chunk at a time, each
    equal to the chunk written."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[tuple[int, int, dict[str, Path]]] = []
    for chunk in chunks:
        paths = {form: folder / f"{chunk.number:05d}-{number:03d}.parquet" for number, form in enumerate(chunk.raws)}
        for form, rows in chunk.raws.items():
            rows.to_parquet(paths[form])
        written.append((chunk.number, chunk.count, paths))
    return (
        Chunk(number, count, {form: pd.read_parquet(path) for form, path in paths.items()})
        for number, count, paths in written
    )


def _rows_by_chunk(chunk_of: np.ndarray, count: int) -> list[np.ndarray]:
    """The positions of each chunk's rows (chunk numbers from 0, ``chunk_of`` per row), in row order: one stable
    sort of the whole form, so cutting a form costs its rows once, not once per chunk."""
    order = np.argsort(chunk_of, kind="stable")
    return np.split(order, np.searchsorted(chunk_of[order], np.arange(1, count)))


def supp_qnam_order(meta: DatasetMeta, loaded: LoadedMapping) -> dict[str, int]:
    """QNAM -> its place in the order a whole build emits SUPP-- qualifiers (:func:`cdiscmm.sdtm.assemble.
    finish_domain`): continuations of each Char variable in variable order (AETERM1, AETERM2, …, SDTMIG 3.4
    §4.5.3.2), then each mapped qualifier followed by its own continuations."""
    numbers = range(1, _MOST_CONTINUATIONS + 1)
    names = [compute_split_qnam(v.name, n) for v in meta.variables if v.type == "Char" for n in numbers]
    for qnam in mapped_qualifiers(loaded):
        names += [qnam, *(compute_split_qnam(qnam, n) for n in numbers)]
    order: dict[str, int] = {}
    for name in names:
        order.setdefault(name, len(order))
    return order


def joined_meta(
    metas: list[DatasetMeta],
    values: pd.DataFrame,
    qnam_order: dict[str, int],
    codelists: dict[tuple[str, str], str] | None = None,
) -> DatasetMeta:
    """The metadata of the dataset several pieces (``metas``, in subject order) make up: Findings results described
    by --TESTCD with the ``codelists`` the mapping names, recomputed on ``values`` (the joined records' value-level
    columns, ``describe.value_level_columns``, or each piece's distinct rows of them in piece order: the first
    appearance of a test, its label and the units seen with it are the same); SUPP-- QVAL described per QNAM, each
    QNAM as its first piece describes it, in ``qnam_order``."""
    first = metas[0]
    if "QNAM" not in first.names():
        return with_value_level(Dataset(first, values), codelists).meta
    levels = {
        level.where[0].values[0]: level
        for meta in reversed(metas)
        for variable in meta.variables
        if variable.name == "QVAL"
        for level in variable.value_level
    }
    qval = [levels[qnam] for qnam in sorted(levels, key=qnam_order.__getitem__)]
    variables = [
        variable.model_copy(update={"value_level": qval}) if variable.name == "QVAL" else variable
        for variable in first.variables
    ]
    return first.model_copy(update={"variables": variables})


def join_chunks(
    pieces: list[Dataset], qnam_order: dict[str, int], codelists: dict[tuple[str, str], str] | None = None
) -> Dataset:
    """One dataset from its chunks' pieces (in subject order): records concatenated, metadata of the joined records
    (:func:`joined_meta`). One piece is returned as it is."""
    if len(pieces) == 1:
        return pieces[0]
    data = pd.concat([piece.data for piece in pieces], ignore_index=True)
    return Dataset(joined_meta([piece.meta for piece in pieces], data, qnam_order, codelists), data)
