"""Run the catalogue one chunk of subjects at a time (``--chunk-subjects``): the same report as the whole run.

Each check runs as its :data:`cdiscmm.validate.catalogue.REACH` says. A ``subject`` check runs on every chunk
(:mod:`cdiscmm.validate.chunks`); its findings are made part by part (one :func:`~cdiscmm.validate.findings.
record_findings` call per dataset and variable, in an order set by the datasets' variables, not their values),
so each chunk's findings are cut into their parts (:data:`~cdiscmm.validate.findings.PART_SIZES`), each part's
rows renumbered to the whole file's and joined across chunks in row order: the whole run's findings in its order.
A dataset without USUBJID is in every chunk, its findings taken from the first. What it ran on, skipped, or why it
could not run depends on the variables only and is taken from the first chunk. ``dataset`` checks run once on
each dataset's first record, ``columns`` checks once on whole columns. The suites' expectations on values run on
every chunk, each keyed by its place in the plan and joined the same way; those on a dataset's variables and
types run once on its first record, and a key that does not start at USUBJID is checked on its whole columns.
Those on a dataset no bigger than a chunk's biggest (:meth:`~cdiscmm.validate.chunks.ChunkedFiles.fitting`) run
once, before the chunks, on the whole dataset read alone: the suites' cost per run (GX builds each expectation's
metrics graph again for every batch) is paid once for most datasets, only the biggest are checked chunk by chunk.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from cdiscmm.validate import native
from cdiscmm.validate.catalogue import CHECKS, REACH, READS, CheckRun, Rule
from cdiscmm.validate.chunks import SUBJECT, Chunk, ChunkedFiles
from cdiscmm.validate.delivery import Delivery
from cdiscmm.validate.engine import GX_CHECK, Validation, _outcome, conclude
from cdiscmm.validate.findings import PART_SIZES, NotRun, RuleOutcome, empty_findings
from cdiscmm.validate.suites import Plan, Planned, plan_suites

#: Expectations on a dataset's variables and types, not its values: run once, on its first record.
SCHEMA_EXPECTATIONS = frozenset(
    {"expect_table_columns_to_match_set", "expect_column_type_to_be", "expect_column_values_to_be_in_type_list"}
)
KEY_EXPECTATION = "expect_compound_columns_to_be_unique"
#: A task: a rule, with the define.xml it runs against (define rules) or None.
Task = tuple[str, Path | None]


def _renumbered(found: pd.DataFrame, rows: dict[str, np.ndarray]) -> pd.DataFrame:
    """``found`` (one dataset's findings in a chunk) with ROW the record's row in the whole file."""
    numbered = found["ROW"].notna().to_numpy()
    if not len(found) or not numbered.any():
        return found
    found = found.copy()
    where = rows[str(found["DATASET"].iloc[0])]
    local = found["ROW"].to_numpy()[numbered].astype(np.int64) - 1
    found.loc[numbered, "ROW"] = where[local] + 1
    return found


def _joined(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """One part's pieces of every chunk, in the whole run's row order."""
    pieces = [piece for piece in pieces if len(piece)]
    if not pieces:
        return empty_findings()
    joined = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]
    if not joined["ROW"].is_monotonic_increasing and joined["ROW"].notna().all():
        joined = joined.sort_values("ROW", kind="stable", ignore_index=True)
    return joined


class _Collected:
    """A ``subject`` task's parts over the chunks, with what the first chunk said about it."""

    def __init__(self) -> None:
        self.parts: list[list[pd.DataFrame]] = []
        self.first: CheckRun | None = None
        self.not_run: str | None = None

    def add(self, run: CheckRun, found: pd.DataFrame, sizes: list[int], chunk: Chunk, whole: set[str]) -> None:
        if sum(sizes) != len(found):
            raise RuntimeError(f"check {run.rule.check}: findings not made part by part, cannot be chunked")
        if self.first is None:
            self.first, self.parts = run, [[] for _ in sizes]
        if len(sizes) != len(self.parts):
            raise RuntimeError(f"check {run.rule.check}: parts differ between chunks, cannot be chunked")
        start = 0
        for index, size in enumerate(sizes):
            part = found.iloc[start : start + size]
            start += size
            if size and (self.first is run or str(part["DATASET"].iloc[0]) not in whole):
                self.parts[index].append(_renumbered(part.reset_index(drop=True), chunk.rows))

    def outcome(self) -> RuleOutcome:
        assert self.first is not None or self.not_run is not None  # every task ran on the first chunk
        if self.not_run is not None:
            return RuleOutcome("NOT RUN", reason=self.not_run, skipped=self.first.skipped if self.first else [])
        parts = [part for part in (_joined(pieces) for pieces in self.parts) if len(part)]
        found = pd.concat(parts, ignore_index=True) if parts else empty_findings()
        return conclude(self.first.rule, self.first, found)


def _run_subject(collected: _Collected, rule: Rule, chunk: Chunk, whole: set[str]) -> None:
    """One ``subject`` task on one chunk (skipped after a first chunk where it could not run)."""
    if collected.not_run is not None:
        return
    run = CheckRun(chunk.delivery, rule)
    sizes: list[int] = []
    token = PART_SIZES.set(sizes)
    try:
        found = CHECKS[rule.check](run)
    except NotRun as reason:
        collected.not_run, collected.first = str(reason), run
        return
    finally:
        PART_SIZES.reset(token)
    collected.add(run, found, sizes, chunk, whole)


def _keyed(plan: Plan, indices: list[int]) -> Plan:
    """The expectations ``indices`` of ``plan``, each under its index as rule id (findings come back per index)."""
    return Plan([dataclasses.replace(plan.expectations[index], rule=str(index)) for index in indices])


def _suites(engine: str) -> Callable[[Plan, dict[str, pd.DataFrame]], dict[str, list[pd.DataFrame]]]:
    """The suites' runner of ``engine``, in this process (GX imported once for every chunk)."""
    if engine != "gx":
        return native.run_plan
    from cdiscmm.validate import gx

    return lambda plan, datasets: gx.run_plan(plan, datasets)[0]


def _engine_order(plan: Plan, engine: str) -> list[int]:
    """The order the whole run lists a rule's failing expectations in: the plan's (native), or by suite (GX: one
    suite per dataset and view, in name order, each in plan order)."""
    indices = list(range(len(plan.expectations)))
    if engine != "gx":
        return indices

    def suite(index: int) -> str:
        item = plan.expectations[index]
        return item.dataset if item.view == "data" else f"{item.dataset}.{item.view}"

    return sorted(indices, key=lambda index: (suite(index), index))


def _whole_key(item: Planned, files: ChunkedFiles) -> pd.DataFrame:
    """A key without USUBJID first, checked on the dataset's whole key columns (with USUBJID and --SEQ)."""
    frame = files.head.datasets[item.dataset]
    wanted = [SUBJECT, *(c for c in frame.columns if c.endswith("SEQ")), *item.kwargs["column_list"]]
    columns = files.columns(item.dataset, wanted)
    return native.evaluate(item, columns, columns)


def validate_chunked(
    files: ChunkedFiles,
    rules: list[Rule],
    engine: str,
    defines: list[Path],
    outcome_of_defines: Callable[[Rule, Callable[[Path], RuleOutcome]], RuleOutcome],
) -> Validation:
    """Every rule of ``rules`` (scopes SDTM, ADaM, XPT, and define when ``defines`` are given) on the chunks of
    ``files`` (module notes); a define rule's outcomes over ``defines`` are combined by ``outcome_of_defines``."""
    timings: dict[str, float] = {}
    head = files.head
    rules = [rule for rule in rules if rule.scope in ("SDTM", "ADaM", "XPT") or (rule.scope == "define" and defines)]
    plan = plan_suites(head, [rule for rule in rules if rule.check == GX_CHECK])
    head.gx_plan = plan
    whole, fitting = set(files.whole), files.fitting()
    schema, by_whole_key, by_dataset, by_chunk = [], [], [], []
    for index, item in enumerate(plan.expectations):
        key = item.kwargs.get("column_list", [SUBJECT])
        if item.gx_type in SCHEMA_EXPECTATIONS:
            schema.append(index)
        elif item.gx_type == KEY_EXPECTATION and item.dataset not in whole and key[:2] != ["STUDYID", SUBJECT]:
            by_whole_key.append(index)
        elif item.dataset in fitting:
            by_dataset.append(index)
        else:
            by_chunk.append(index)
    suites = _suites(engine)
    per_item: dict[int, list[pd.DataFrame]] = {}
    for name in sorted(fitting):  # one whole dataset in memory at a time, before any chunk is
        indices = [index for index in by_dataset if plan.expectations[index].dataset == name]
        if indices:
            frame = files.columns(name, list(head.datasets[name].columns))
            for key, found in suites(_keyed(plan, indices), {name: frame}).items():
                per_item.setdefault(int(key), []).extend(found)
    tasks: list[tuple[Rule, Path | None]] = [
        (rule, path)
        for rule in rules
        if REACH[rule.check] == "subject"
        for path in (defines if rule.scope == "define" else [None])
    ]
    collected = {(rule.id, path): _Collected() for rule, path in tasks}
    started = time.perf_counter()
    for number in range(files.chunks()):
        chunk = files.chunk(number)
        for rule, path in tasks:
            chunk.delivery.define = path
            _run_subject(collected[rule.id, path], rule, chunk, whole)
        for key, found in suites(_keyed(plan, by_chunk), chunk.delivery.datasets).items():
            per_item.setdefault(int(key), []).extend(_renumbered(part, chunk.rows) for part in found)
    timings["chunks"] = time.perf_counter() - started
    for key, found in suites(_keyed(plan, schema), head.datasets).items():
        per_item.setdefault(int(key), []).extend(found)
    for index in by_whole_key:
        per_item.setdefault(index, []).append(_whole_key(plan.expectations[index], files))
    for index in _engine_order(plan, engine):
        found = _joined(per_item.get(index, []))
        if len(found):
            head.gx_findings.setdefault(plan.expectations[index].rule, []).append(found)

    def once(rule: Rule, path: Path | None) -> RuleOutcome:
        if REACH[rule.check] == "subject":
            return collected[rule.id, path].outcome()
        delivery = head if REACH[rule.check] == "dataset" else _columns_delivery(files, rule)
        delivery.define = path
        return _outcome(rule, delivery)

    outcomes: dict[str, RuleOutcome] = {}
    for rule in rules:
        if rule.scope == "define":
            outcomes[rule.id] = outcome_of_defines(rule, lambda path, rule=rule: once(rule, path))
        else:
            outcomes[rule.id] = once(rule, None)
    return Validation(head, rules, outcomes, plan, timings)


def _columns_delivery(files: ChunkedFiles, rule: Rule) -> Delivery:
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
