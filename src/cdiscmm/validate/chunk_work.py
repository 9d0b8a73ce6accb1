"""The parts of a chunked validation (``--chunk-subjects``): a rule on whole columns, a dataset read whole, a chunk,
each run apart, in any process.

A :class:`ChunkWork` holds what every part needs and is the same for all (the files' layout and first records,
the ``subject`` tasks, the suites' plan): one process runs its parts in turn (:func:`in_process`), or it is sent
once to every worker of a Dask cluster, each worker reading and checking the parts given to it
(:mod:`cdiscmm.validate.distributed`). A part's result carries only findings, their rows already renumbered to the
whole file's, and what a check ran on or skipped, never the chunk's data; the client folds the results in the
order of the parts (:mod:`cdiscmm.validate.chunked`), so the report is the same whoever ran them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# the modules registering the ``subject`` checks, for a worker process that unpickles the work without the catalogue
from cdiscmm.validate import checks_define, checks_records, checks_related, checks_subjects, native  # noqa: F401
from cdiscmm.validate.catalogue import CHECKS, READS, CheckRun, Rule
from cdiscmm.validate.chunks import SUBJECT, Chunk, ChunkedFiles
from cdiscmm.validate.delivery import Delivery
from cdiscmm.validate.engine import _outcome
from cdiscmm.validate.findings import PART_SIZES, NotRun, RuleOutcome
from cdiscmm.validate.suites import Plan

#: A part of the work: ("rule", ID) a rule on whole columns (reach ``columns``); ("whole", NAME) the suites'
#: expectations on dataset NAME read whole (no bigger than a chunk's biggest); ("chunk", N) chunk N (from 0) read
#: and checked; ("schema", "") the expectations on every dataset's variables and types, on its first record.
Part = tuple[str, str | int]
#: A ``subject`` task: a rule, with the define.xml it runs against (define rules) or None.
Task = tuple[Rule, Path | None]


@dataclass
class SubjectRun:
    """A ``subject`` task on one chunk: why it could not run, or its findings cut into their parts (one per
    :func:`~cdiscmm.validate.findings.record_findings` call), None for a part taken from another chunk."""

    run: CheckRun  #: what it ran on and skipped, without the chunk's delivery
    not_run: str | None
    parts: list[pd.DataFrame | None]


@dataclass
class PartResult:
    """What a part found: each ``subject`` task's run (chunks only, in task order), the suites' findings per
    expectation index of the plan, a rule's outcome (rules only)."""

    subject: list[SubjectRun]
    suites: dict[int, list[pd.DataFrame]]
    outcome: RuleOutcome | None = None


def renumbered(found: pd.DataFrame, rows: dict[str, np.ndarray]) -> pd.DataFrame:
    """``found`` (one dataset's findings in a chunk) with ROW the record's row in the whole file."""
    numbered = found["ROW"].notna().to_numpy()
    if not len(found) or not numbered.any():
        return found
    found = found.copy()
    where = rows[str(found["DATASET"].iloc[0])]
    local = found["ROW"].to_numpy()[numbered].astype(np.int64) - 1
    found.loc[numbered, "ROW"] = where[local] + 1
    return found


def keyed(plan: Plan, indices: list[int]) -> Plan:
    """The expectations ``indices`` of ``plan``, each under its index as rule id (findings come back per index)."""
    return Plan([dataclasses.replace(plan.expectations[index], rule=str(index)) for index in indices])


def suites_runner(engine: str) -> Callable[[Plan, dict[str, pd.DataFrame]], dict[str, list[pd.DataFrame]]]:
    """The suites' runner of ``engine``, in this process (GX imported, and its context made, once per process)."""
    if engine != "gx":
        return native.run_plan
    from cdiscmm.validate import gx

    return lambda plan, datasets: gx.run_plan(plan, datasets)[0]


def _run_subject(rule: Rule, chunk: Chunk, first: bool, whole: set[str]) -> SubjectRun:
    """A ``subject`` task on one chunk. Its findings are made part by part, so they are cut into their parts, each
    renumbered to the whole file's rows; a dataset without USUBJID is in every chunk, its findings kept from the
    ``first`` chunk only."""
    run = CheckRun(chunk.delivery, rule)
    sizes: list[int] = []
    token = PART_SIZES.set(sizes)
    try:
        found = CHECKS[rule.check](run)
    except NotRun as reason:
        return SubjectRun(dataclasses.replace(run, delivery=None), str(reason), [])
    finally:
        PART_SIZES.reset(token)
    if sum(sizes) != len(found):
        raise RuntimeError(f"check {rule.check}: findings not made part by part, cannot be chunked")
    parts: list[pd.DataFrame | None] = []
    start = 0
    for size in sizes:
        part = found.iloc[start : start + size]
        start += size
        kept = size and (first or str(part["DATASET"].iloc[0]) not in whole)
        parts.append(renumbered(part.reset_index(drop=True), chunk.rows) if kept else None)
    return SubjectRun(dataclasses.replace(run, delivery=None), None, parts)


@dataclass
class ChunkWork:
    """What every part of a chunked validation needs: the files, the ``subject`` tasks, the rules on whole columns
    (by id), the suites' plan with the expectation indices each kind of part runs, and the suites' engine."""

    files: ChunkedFiles
    tasks: list[Task]
    columns: dict[str, Rule]
    plan: Plan
    by_dataset: dict[str, list[int]]
    by_chunk: list[int]
    schema: list[int]
    engine: str

    def run(self, part: Part) -> PartResult:
        """The findings of ``part`` (:data:`Part`)."""
        kind, which = part
        if kind == "rule":
            rule = self.columns[str(which)]
            return PartResult([], {}, _outcome(rule, columns_delivery(self.files, rule)))
        suites = suites_runner(self.engine)
        head = self.files.head
        if kind == "schema":
            return PartResult([], _by_index(suites(keyed(self.plan, self.schema), head.datasets)))
        if kind == "whole":
            name = str(which)
            frame = self.files.columns(name, list(head.datasets[name].columns))
            return PartResult([], _by_index(suites(keyed(self.plan, self.by_dataset[name]), {name: frame})))
        number = int(which)
        chunk = self.files.chunk(number)
        whole = set(self.files.whole)
        subject = []
        for rule, path in self.tasks:
            chunk.delivery.define = path
            subject.append(_run_subject(rule, chunk, number == 0, whole))
        found = suites(keyed(self.plan, self.by_chunk), chunk.delivery.datasets)
        in_file = {int(key): [renumbered(one, chunk.rows) for one in parts] for key, parts in found.items()}
        return PartResult(subject, in_file)

    def parts(self) -> list[Part]:
        """Every part, in the order their results are folded: the rules on whole columns (the longest parts first),
        the datasets read whole (by name), the chunks, the schema expectations."""
        rules: list[Part] = [("rule", rule_id) for rule_id in self.columns]
        wholes: list[Part] = [("whole", name) for name in sorted(self.by_dataset)]
        return [*rules, *wholes, *(("chunk", number) for number in range(self.files.chunks())), ("schema", "")]


def _by_index(found: dict[str, list[pd.DataFrame]]) -> dict[int, list[pd.DataFrame]]:
    """The suites' findings keyed by expectation index (:func:`keyed` gave each its index as rule id)."""
    return {int(key): parts for key, parts in found.items()}


#: Runs a work's parts and gives their results in the order of the parts.
PartRunner = Callable[[ChunkWork, list[Part]], Iterator[PartResult]]


def in_process(work: ChunkWork, parts: list[Part]) -> Iterator[PartResult]:
    """The parts run in this process, one at a time as their results are taken."""
    return map(work.run, parts)


def columns_delivery(files: ChunkedFiles, rule: Rule) -> Delivery:
    """The delivery a ``columns`` check runs on: each dataset of its scope whole, with only USUBJID, --SEQ, the
    rule's ``variables`` and the check's :data:`READS`, each read when the check first asks for it."""
    templates = [*rule.variables, *READS[rule.check]]
    frames = _LazyFrames(files, templates, set(files.head.in_scope(rule)))
    return dataclasses.replace(files.head, datasets=frames)  # type: ignore[arg-type]


class _LazyFrames(Mapping[str, pd.DataFrame]):
    """Datasets of ``scope`` read on first use (one at a time: reading one drops the one before); the others'
    first record."""

    def __init__(self, files: ChunkedFiles, templates: list[str], scope: set[str]) -> None:
        self._files, self._templates, self._scope = files, templates, scope
        self._read: tuple[str, pd.DataFrame] | None = None

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._scope:
            return self._files.head.datasets[name]
        if self._read is None or self._read[0] != name:
            prefix = name[:2] if self._files.head.kinds.get(name) == "SDTM" else ""
            wanted = [SUBJECT, f"{name[:2]}SEQ", "ASEQ", f"{name}SEQ"]
            wanted += [template.replace("--", prefix) for template in self._templates]
            self._read = None  # the dataset before is dropped before this one is read
            self._read = (name, self._files.columns(name, wanted))
        return self._read[1]

    def __iter__(self) -> Iterator[str]:
        return iter(self._files.head.datasets)

    def __len__(self) -> int:
        return len(self._files.head.datasets)
