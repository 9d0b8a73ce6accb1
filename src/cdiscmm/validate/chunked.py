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

The work on whole columns, whole datasets and chunks is cut into parts (:mod:`cdiscmm.validate.chunk_work`) that a
runner runs in this process or on a Dask cluster (:mod:`cdiscmm.validate.distributed`); their results are folded
here in the order of the parts, so the report is the same either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from cdiscmm.validate import native
from cdiscmm.validate.catalogue import REACH, CheckRun, Rule
from cdiscmm.validate.chunk_work import ChunkWork, PartRunner, SubjectRun, Task, columns_delivery, in_process
from cdiscmm.validate.chunks import SUBJECT, ChunkedFiles
from cdiscmm.validate.engine import GX_CHECK, Validation, _outcome, conclude
from cdiscmm.validate.findings import RuleOutcome, empty_findings
from cdiscmm.validate.suites import Plan, Planned, plan_suites

#: Expectations on a dataset's variables and types, not its values: run once, on its first record.
SCHEMA_EXPECTATIONS = frozenset(
    {"expect_table_columns_to_match_set", "expect_column_type_to_be", "expect_column_values_to_be_in_type_list"}
)
KEY_EXPECTATION = "expect_compound_columns_to_be_unique"


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
    """A ``subject`` task's parts over the chunks, in chunk order, with what the first chunk said about it (once a
    chunk said it could not run, the later chunks are not heard)."""

    def __init__(self) -> None:
        self.parts: list[list[pd.DataFrame]] = []
        self.first: CheckRun | None = None
        self.not_run: str | None = None

    def add(self, result: SubjectRun) -> None:
        if self.not_run is not None:
            return
        if result.not_run is not None:
            self.not_run, self.first = result.not_run, result.run
            return
        if self.first is None:
            self.first, self.parts = result.run, [[] for _ in result.parts]
        if len(result.parts) != len(self.parts):
            raise RuntimeError(f"check {result.run.rule.check}: parts differ between chunks, cannot be chunked")
        for pieces, part in zip(self.parts, result.parts, strict=True):
            if part is not None:
                pieces.append(part)

    def outcome(self) -> RuleOutcome:
        assert self.first is not None or self.not_run is not None  # every task ran on the first chunk
        if self.not_run is not None:
            return RuleOutcome("NOT RUN", reason=self.not_run, skipped=self.first.skipped if self.first else [])
        parts = [part for part in (_joined(pieces) for pieces in self.parts) if len(part)]
        found = pd.concat(parts, ignore_index=True) if parts else empty_findings()
        return conclude(self.first.rule, self.first, found)


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


def _work(files: ChunkedFiles, rules: list[Rule], engine: str, defines: list[Path]) -> tuple[ChunkWork, list[int]]:
    """The parts' work of ``rules`` on ``files`` (module notes), and the keys checked on their whole columns."""
    head = files.head
    plan = plan_suites(head, [rule for rule in rules if rule.check == GX_CHECK])
    head.gx_plan = plan
    whole, fitting = set(files.whole), files.fitting()
    schema, by_whole_key, by_chunk = [], [], []
    by_dataset: dict[str, list[int]] = {}
    for index, item in enumerate(plan.expectations):
        key = item.kwargs.get("column_list", [SUBJECT])
        if item.gx_type in SCHEMA_EXPECTATIONS:
            schema.append(index)
        elif item.gx_type == KEY_EXPECTATION and item.dataset not in whole and key[:2] != ["STUDYID", SUBJECT]:
            by_whole_key.append(index)
        elif item.dataset in fitting:
            by_dataset.setdefault(item.dataset, []).append(index)
        else:
            by_chunk.append(index)
    tasks: list[Task] = [
        (rule, path)
        for rule in rules
        if REACH[rule.check] == "subject"
        for path in (defines if rule.scope == "define" else [None])
    ]
    columns = {rule.id: rule for rule in rules if REACH[rule.check] == "columns" and rule.scope != "define"}
    return ChunkWork(files, tasks, columns, plan, by_dataset, by_chunk, schema, engine), by_whole_key


def validate_chunked(
    files: ChunkedFiles,
    rules: list[Rule],
    engine: str,
    defines: list[Path],
    outcome_of_defines: Callable[[Rule, Callable[[Path], RuleOutcome]], RuleOutcome],
    runner: PartRunner = in_process,
    meanwhile: Callable[[], None] | None = None,
) -> Validation:
    """Every rule of ``rules`` (scopes SDTM, ADaM, XPT, and define when ``defines`` are given) on the chunks of
    ``files`` (module notes); a define rule's outcomes over ``defines`` are combined by ``outcome_of_defines``.
    ``runner`` runs the parts (:mod:`cdiscmm.validate.chunk_work`); while it does, this process runs the rules
    that read whole columns or only first records, then ``meanwhile``."""
    timings: dict[str, float] = {}
    head = files.head
    rules = [rule for rule in rules if rule.scope in ("SDTM", "ADaM", "XPT") or (rule.scope == "define" and defines)]
    work, by_whole_key = _work(files, rules, engine, defines)
    started = time.perf_counter()
    parts = work.parts()
    results = runner(work, parts)

    def once(rule: Rule, path: Path | None) -> RuleOutcome:
        delivery = head if REACH[rule.check] == "dataset" else columns_delivery(files, rule)
        delivery.define = path
        return _outcome(rule, delivery)

    def outcome(rule: Rule) -> RuleOutcome:
        if rule.scope == "define":
            return outcome_of_defines(rule, lambda path: once(rule, path))
        return once(rule, None)

    # the rules on first records (and any on whole columns not run as a part); the suites' rule waits for the parts
    outcomes = {
        rule.id: outcome(rule)
        for rule in rules
        if REACH[rule.check] != "subject" and rule.check != GX_CHECK and rule.id not in work.columns
    }
    if meanwhile is not None:
        meanwhile()
    per_item: dict[int, list[pd.DataFrame]] = {}
    collected = {(rule.id, path): _Collected() for rule, path in work.tasks}
    for (kind, which), result in zip(parts, results, strict=True):
        if kind == "rule" and result.outcome is not None:
            outcomes[str(which)] = result.outcome
        for (rule, path), run in zip(work.tasks, result.subject, strict=True) if result.subject else ():
            collected[rule.id, path].add(run)
        for index, found in result.suites.items():
            per_item.setdefault(index, []).extend(found)
    timings["chunks"] = time.perf_counter() - started
    for index in by_whole_key:
        per_item.setdefault(index, []).append(_whole_key(work.plan.expectations[index], files))
    for index in _engine_order(work.plan, engine):
        found = _joined(per_item.get(index, []))
        if len(found):
            head.gx_findings.setdefault(work.plan.expectations[index].rule, []).append(found)
    for rule in rules:
        if rule.check == GX_CHECK:
            outcomes[rule.id] = outcome(rule)
    for rule, path in work.tasks:
        if rule.scope != "define":
            outcomes[rule.id] = collected[rule.id, path].outcome()
    for rule in rules:
        if rule.scope == "define" and REACH[rule.check] == "subject":
            outcomes[rule.id] = outcome_of_defines(rule, lambda path, rule=rule: collected[rule.id, path].outcome())
    return Validation(head, rules, {rule.id: outcomes[rule.id] for rule in rules}, work.plan, timings)
