"""Build one study's SDTM datasets from its collected forms and YAML mappings (nothing is written here).

Order: read every form (exact duplicates rejected), DM first (its reference dates drive --DY and EPOCH
elsewhere), then every other domain (records of subjects not in DM rejected; a chunk of subjects at a time with
``chunk_subjects``), then TS from ``study.yaml``.
The result (:class:`StudyBuild`) holds the datasets, their local-language copies and the report tables
(rejects, issues, reconciliation, field coverage); the writer step (:mod:`cdiscmm.io.write`) makes the files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd

from cdiscmm.core import progress
from cdiscmm.core.errors import Location, SpecError
from cdiscmm.io.collected import read_form
from cdiscmm.io.spill import ChunkPieces, PieceStore, SpilledDataset
from cdiscmm.metadata import standards as cdisc_standards
from cdiscmm.metadata.model import Dataset, DatasetMeta
from cdiscmm.metadata.study import StudyRef
from cdiscmm.sdtm.assemble import (
    FORM_COLUMN,
    JOIN_PREFIX,
    ROW,
    finish_domain,
    has_local_text,
    localised,
    map_domain,
)
from cdiscmm.sdtm.consistency import check_death_consistency, check_end_not_before_start
from cdiscmm.sdtm.coverage import compute_field_coverage
from cdiscmm.sdtm.describe import mapped_value_codelists, value_level_columns
from cdiscmm.sdtm.dm import MERGED_ROWS, apply_dm_rules, derive_ageu, describe_reference_dates
from cdiscmm.sdtm.loader import LoadedMapping, load_domain_mappings
from cdiscmm.sdtm.partition import (
    Chunk,
    form_subject_fields,
    join_chunks,
    joined_meta,
    spill_chunks,
    subject_chunks,
    supp_qnam_order,
)
from cdiscmm.sdtm.rejects import make_events, reconcile, reject_duplicates, reject_form
from cdiscmm.sdtm.ts import build_ts
from cdiscmm.sdtm.verbs.base import CodelistLookup, DomainContext, EpochStart, MapContext, problems_where

#: Files of a raw folder that are not collected forms.
NOT_FORMS: frozenset[str] = frozenset({"data_dictionary", "codelists", "forms", "defects"})
Reader = Callable[[Path, str], pd.DataFrame]
#: A built dataset: in memory, or spilled piece by piece to a :class:`PieceStore` (a chunked build given one).
Built = Dataset | SpilledDataset
#: What mapping one chunk leaves besides its pieces: its events (rejects and findings) and the lineage of its
#: mapped raw rows (FORM, ROW), gathered by the global steps.
ChunkOutput = tuple[list[pd.DataFrame], list[pd.DataFrame]]


@dataclass(frozen=True)
class Standards:
    """The SDTMIG dataset metadata and the CT registry a build maps to."""

    ig: dict[str, DatasetMeta]
    ct: CodelistLookup


def default_standards() -> Standards:
    """SDTMIG 3.4, SDTM CT and the sponsor codelists (``specs/ct/sponsor.yaml``) from ``specs/``."""
    ct = cdisc_standards.merge_codelists(cdisc_standards.sdtm_ct(), cdisc_standards.sponsor_codelists())
    return Standards(cdisc_standards.sdtmig(), ct)


@dataclass
class StudyBuild:
    """Everything a build produced, before writing."""

    datasets: dict[str, Built]
    local: dict[str, Built]
    rejects: pd.DataFrame
    issues: pd.DataFrame
    reconciliation: pd.DataFrame
    fields: pd.DataFrame

    def all_datasets(self) -> dict[str, Built]:
        """The datasets, then the local-language copies (keyed ``<lang>/<name>``)."""
        return {**self.datasets, **self.local}

    def tables(self) -> dict[str, pd.DataFrame]:
        """The report tables by file name: rejected rows, issues for queries, per-form reconciliation, fields."""
        return {
            "rejects": self.rejects,
            "issues": self.issues,
            "reconciliation": self.reconciliation,
            "fields": self.fields,
        }

    def summary(self, studyid: str, folder: Path, files: int) -> list[str]:
        """The end-of-stage lines: datasets and files written, rows rejected, values queried."""
        rejected = int(self.reconciliation["ROWS_REJECTED"].sum())
        return [
            f"{studyid}: {len(self.datasets)} datasets, {files} files in {folder}",
            f"{studyid}: {rejected} rows rejected, listed in {folder / 'rejects.csv'}",
            f"{studyid}: {len(self.issues)} values queried, listed in {folder / 'issues.csv'}",
        ]


def _meta(standards: Standards, domain: str, where: Path) -> DatasetMeta:
    if domain not in standards.ig:
        raise SpecError(f"{domain} is not a dataset of SDTMIG 3.4", Location(file=str(where)))
    return standards.ig[domain]


def _read_forms(
    study: StudyRef, raw_dir: Path, mappings: dict[str, LoadedMapping], reader: Reader
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.Series], list[pd.DataFrame]]:
    design = study.config.design
    mapped = {source.form for loaded in mappings.values() for source in loaded.mapping.sources}
    mapped |= {join.form for loaded in mappings.values() for source in loaded.mapping.sources for join in source.join}
    references = {source.form for rule in design.reference_dates.values() for source in rule.sources}
    used = mapped | references
    present = {path.stem for path in raw_dir.glob("*.csv") if path.stem not in NOT_FORMS}
    raws: dict[str, pd.DataFrame] = {}
    rows_read: dict[str, pd.Series] = {}
    events: list[pd.DataFrame] = []
    for form in sorted(used | present):
        raw = reader(raw_dir, form)
        rows_read[form] = raw["RAWROW"]
        if raw.empty:
            progress.warn(f"{raw_dir / f'{form}.csv'}: form {form} has a header and no rows (kept with 0 rows)")
        if form not in used:
            events.append(reject_form(study.studyid, form, raw, f"no mapping reads form {form}"))
            continue
        raws[form], duplicates = reject_duplicates(study.studyid, form, raw)
        events.append(duplicates)
        if form not in mapped:
            reason = f"form {form} is read only for DM reference dates, no domain maps its rows"
            events.append(reject_form(study.studyid, form, raws[form], reason))
    return raws, rows_read, events


def _drop_unknown_subjects(
    frame: pd.DataFrame, subjects: pd.Index, studyid: str, domain: str
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Records of subjects without a DM record are rejected (SDTMIG: every USUBJID is in DM). ``subjects``: DM's
    USUBJIDs, an index built once, so that a chunk's lookup costs its records, not the study's subjects."""
    unknown = pd.Series(subjects.get_indexer(frame["USUBJID"]) < 0, index=frame.index)
    problems = problems_where(
        unknown,
        "SUBJID",
        frame["USUBJID"],
        "subject_not_in_dm",
        "subject " + frame.loc[unknown, "USUBJID"] + " has no DM record",
        reject=True,
    )
    events = [
        make_events(studyid, form, domain, rows[ROW], problems.loc[rows.index], "reject")
        for form, rows in frame.loc[unknown].groupby(FORM_COLUMN)
    ]
    for column in [column for column in frame if column.startswith(JOIN_PREFIX)]:
        joined = frame.loc[unknown, column].dropna()
        events.append(
            make_events(studyid, column.removeprefix(JOIN_PREFIX), domain, joined, problems.loc[joined.index], "reject")
        )
    return frame.loc[~unknown], events


def _lineage(frame: pd.DataFrame) -> pd.DataFrame:
    """FORM and ROW of every raw row a mapped frame holds: its own rows and the joined detail pages' rows."""
    own = frame[[FORM_COLUMN, ROW]].set_axis(["FORM", "ROW"], axis=1)
    joined = [
        pd.DataFrame({"FORM": column.removeprefix(JOIN_PREFIX), "ROW": frame[column].dropna().astype("int64")})
        for column in frame
        if column.startswith(JOIN_PREFIX)
    ]
    return pd.concat([own, *joined], ignore_index=True)


@dataclass
class Finisher:
    """Finishes mapped domain frames into datasets (and local-language copies), collected as pieces by name: in
    ``pieces``, or spilled to ``store`` when there is one (a :class:`ChunkPieces` in a worker process)."""

    study: StudyRef
    mappings: dict[str, LoadedMapping]
    standards: Standards
    dm_frame: pd.DataFrame
    pieces: dict[str, list[Dataset]]
    store: PieceStore | ChunkPieces | None = None
    #: DM columns by USUBJID as the domain verbs looked them up, shared by every domain and chunk
    #: (:meth:`DomainContext.subject_values`)
    by_subject: dict[tuple[str, str], pd.Series] = field(default_factory=dict)
    #: DM's USUBJIDs, an index built once, so that a chunk's unknown-subject check costs its records only
    dm_subjects: pd.Index = field(init=False)

    def __post_init__(self) -> None:
        self.dm_subjects = pd.Index(self.dm_frame["USUBJID"])

    def map_chunk(self, chunk: Chunk, domains: Sequence[str]) -> ChunkOutput:
        """Map ``domains`` (all but DM) from one chunk's raw rows, reject records of subjects not in DM, check
        them (end before start, death consistency) and finish them into pieces; the chunk's events and lineage."""
        studyid = self.study.config.studyid
        context = MapContext(studyid, self.standards.ct)
        frames: dict[str, pd.DataFrame] = {}
        events: list[pd.DataFrame] = []
        for domain in domains:
            with progress.counted(f"{studyid}: {domain}{chunk.label()}") as tally:
                loaded = self.mappings[domain]
                mapped = map_domain(loaded, chunk.raws, _meta(self.standards, domain, loaded.files[-1]), context)
                frames[domain], unknown = _drop_unknown_subjects(mapped.frame, self.dm_subjects, studyid, domain)
                tally.count = len(frames[domain])
            events += [mapped.events, *unknown, check_end_not_before_start(frames[domain], domain, studyid)]
        events.append(check_death_consistency(frames, studyid))
        for domain, frame in frames.items():
            self.finish(domain, frame)
        # each raw row once a chunk (an unpivoted row makes many records): reconcile asks only whether it was mapped
        lineage = [pd.concat([_lineage(frame) for frame in frames.values()]).drop_duplicates()] if frames else []
        return events, lineage

    def finish(self, domain: str, frame: pd.DataFrame) -> None:
        """Derive, split, build SUPP-- and shape ``frame`` (:func:`finish_domain`) in each language version."""
        config, loaded, meta = self.study.config, self.mappings[domain], self.standards.ig[domain]
        epochs = [EpochStart(epoch.epoch, epoch.start, epoch.offset_days) for epoch in config.design.epochs]
        context = DomainContext(
            domain, self.dm_frame, epochs, config.design.epochs_end, list(meta.keys), self.standards.ct, self.by_subject
        )
        post = derive_ageu if domain == "DM" else None
        local_copy = config.language != "en" and has_local_text(frame)
        versions = [("", frame)] + ([(config.language, localised(frame))] if local_copy else [])
        supp_meta = self.standards.ig["SUPPQUAL"]
        for language, version in versions:
            dataset, supp = finish_domain(version, loaded, meta, supp_meta, context, config.studyid, post)
            if domain == "DM":
                dataset = describe_reference_dates(dataset, config.design)
            for item in (dataset, supp):
                if item is not None:
                    self._keep(f"{language}/{item.name}" if language else item.name, item)

    def _keep(self, key: str, item: Dataset) -> None:
        if self.store is None:
            self.pieces.setdefault(key, []).append(item)
        else:  # the value-level columns' distinct rows stay, to describe the joined records
            self.store.put(key, item, value_level_columns(item.name))

    def joined(self, domains: list[str]) -> tuple[dict[str, Built], dict[str, Built]]:
        """The datasets and the local-language copies, each domain followed by its SUPP--, chunks joined (spilled
        ones: the pieces stay on disk, the metadata describes the joined records, :func:`joined_meta`)."""
        datasets: dict[str, Built] = {}
        local: dict[str, Built] = {}
        language = self.study.config.language
        for domain in domains:
            order = supp_qnam_order(self.standards.ig[domain], self.mappings[domain])
            codelists = mapped_value_codelists(self.mappings[domain])
            for name in (domain, f"SUPP{domain}"):
                for key, target in ((name, datasets), (f"{language}/{name}", local)):
                    if key in self.pieces:
                        target[key] = join_chunks(self.pieces.pop(key), order, codelists)
                    elif isinstance(self.store, PieceStore) and key in self.store:
                        metas = self.store.metas(key)
                        meta = (
                            metas[0]
                            if len(metas) == 1
                            else joined_meta(metas, self.store.distinct(key), order, codelists)
                        )
                        target[key] = self.store.take(key, meta)
        return datasets, local


#: Maps each chunk (``Finisher.map_chunk``) and gives the outputs in chunk order; the pieces end in the finisher's
#: ``pieces`` or ``store`` in that order. Default: one chunk after another in this process;
#: :func:`cdiscmm.sdtm.distributed.dask_runner` maps them on a Dask cluster.
ChunkRunner = Callable[[Finisher, Iterable[Chunk], Sequence[str]], Iterator[ChunkOutput]]


def in_process(finisher: Finisher, chunks: Iterable[Chunk], domains: Sequence[str]) -> Iterator[ChunkOutput]:
    """Each chunk mapped in this process, one after another (its working frames dropped before the next)."""
    for chunk in chunks:
        yield finisher.map_chunk(chunk, domains)


def build_datasets(
    study: StudyRef,
    raw_dir: Path,
    *,
    standards: Standards | None = None,
    reader: Reader | None = None,
    chunk_subjects: int | None = None,
    store: PieceStore | None = None,
    runner: ChunkRunner = in_process,
) -> StudyBuild:
    """Map every domain of ``study`` from the forms in ``raw_dir``; nothing is written.

    With ``chunk_subjects``, the domains other than DM are mapped that many subjects at a time
    (:mod:`cdiscmm.sdtm.partition`), so the working frames of a step hold one chunk; the datasets are the same.
    DM (one record per subject; reference dates and COUNTRY by site read across subjects) and TS are built from
    the whole study, rejects, reconciliation and field coverage from every chunk's rows. With a ``store``, each
    finished piece is spilled to it and dropped (:mod:`cdiscmm.io.spill`): the datasets are
    spilled datasets (:class:`SpilledDataset`), records on disk until the writer step appends them; and once DM is
    built, the forms are cut by chunk into the store's folder and dropped (:func:`spill_chunks`), so the chunks
    do not run beside the whole forms. ``runner`` maps the chunks
    (:data:`ChunkRunner`; the outputs are the same whichever maps them).
    """
    standards = standards or default_standards()
    config = study.config
    mappings = load_domain_mappings(study)
    if "DM" not in mappings:
        raise SpecError("no DM mapping", Location(file=str(study.folder)), expected="dm.yaml (shared or study)")
    reader = reader or partial(read_form, encoding=config.encoding)
    raws, rows_read, events = _read_forms(study, raw_dir, mappings, reader)
    context = MapContext(config.studyid, standards.ct)
    fields = form_subject_fields(mappings) if chunk_subjects is not None else {}

    dm_loaded = mappings["DM"]
    dm_meta = _meta(standards, "DM", dm_loaded.files[-1])
    with progress.counted(f"{config.studyid}: DM") as tally:
        dm_mapped = map_domain(dm_loaded, raws, dm_meta, context)
        dm_frame, dm_events = apply_dm_rules(dm_mapped.frame, config.design, raws, config.studyid)
        tally.count = len(dm_frame)
    events += [dm_mapped.events, dm_events]
    lineage = [_lineage(dm_frame), dm_frame.attrs.get(MERGED_ROWS, pd.DataFrame(columns=["FORM", "ROW"]))]
    finisher = Finisher(study, mappings, standards, dm_frame, {}, store)
    finisher.finish("DM", dm_frame)
    domains = [domain for domain in mappings if domain != "DM"]
    chunks = subject_chunks(raws, fields, chunk_subjects)
    if store is not None and chunk_subjects is not None:  # the forms cut by chunk to disk, then dropped
        chunks = spill_chunks(chunks, store.folder / "raw")
        raws = {form: raw.iloc[:0] for form, raw in raws.items()}  # field coverage reads the columns only
    for chunk_events, chunk_lineage in runner(finisher, chunks, domains):
        events += chunk_events
        lineage += chunk_lineage
    datasets, local = finisher.joined(["DM", *domains])
    dm = datasets["DM"]
    dm_data = dm.data if isinstance(dm, Dataset) else dm.joined().data
    datasets["TS"] = build_ts(config, dm_data, standards.ct, standards.ig["TS"])
    mapped_rows = pd.concat(lineage, ignore_index=True)
    rejects, issues, reconciliation = reconcile(config.studyid, rows_read, mapped_rows, pd.concat(events))
    fields_table = compute_field_coverage(mappings, config.design, raws)
    return StudyBuild(datasets, local, rejects, issues, reconciliation, fields_table)
