"""Run the planned suites with Great Expectations 1.x on the in-memory DataFrames and turn results into findings.

GX is imported once per run, here only (``GX_ANALYTICS_ENABLED=false`` is set before the import), with an
ephemeral context: no project folder, no network, no progress bars. Each dataset's suite runs as one batch
validation, first with GX's ``BOOLEAN_ONLY`` result format (no per-value bookkeeping), then, for the failing
expectations only, with ``COMPLETE`` to learn the offending rows. GX sees character values as the pandas ``str``
dtype with empty strings (SAS missing) as nulls, so "not null" means "not missing" as in SDTMIG section 4.1.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cdiscmm.validate.findings import dataset_finding, empty_findings, record_findings
from cdiscmm.validate.native import VIEWS, missing_columns
from cdiscmm.validate.suites import CHARACTER_TYPE, Plan, Planned
from cdiscmm.validate.views import bytes_findings, character_columns, text_findings

Findings = dict[str, list[pd.DataFrame]]

#: While a suite validates (:func:`_configurations_held`): each expectation's configuration by ``id``, with the
#: expectation itself (so the id is not reused), built once instead of on every read (:func:`_hold_configurations`).
_HELD: dict[int, tuple[Any, Any]] | None = None


@cache
def _gx() -> Any:
    """GX, imported once per process; its pandas engine told not to fingerprint each batch.

    GX's pandas engine hashes every row of a batch under 1 GB (``HASH_THRESHOLD``) for a batch marker that no
    finding uses: a second of CPU on the 1,200-subject study. A threshold of 0 skips it; results are unchanged.
    The import (some 1,500 modules, no garbage) runs without cyclic garbage collection passes.
    """
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    collecting = gc.isenabled()
    gc.disable()
    try:
        import great_expectations as gx
    finally:
        if collecting:
            gc.enable()
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0
    _hold_configurations(gx.expectations.Expectation)
    return gx


def _hold_configurations(expectation: type) -> None:
    """Make ``Expectation.configuration`` build each expectation's configuration once per suite validation.

    GX 1.x builds a new ``ExpectationConfiguration`` (a pydantic ``dict()`` and deep copies of every field) on
    every read of the property, and its validator reads it about 50 times per expectation (once per success and
    domain keyword, per metric dependency): a third of the suites' time on the 1,200-subject study. Nothing
    mutates an expectation or its configuration while a suite validates (the validator copies the
    configuration before writing to it), so within :func:`_configurations_held` the first one built stands for
    the rest; outside it the property is GX's own.
    """
    built = expectation.configuration.fget

    def configuration(self: Any) -> Any:
        if _HELD is None:
            return built(self)
        held = _HELD.get(id(self))
        if held is None or held[0] is not self:
            held = _HELD[id(self)] = (self, built(self))
        return held[1]

    expectation.configuration = property(configuration)


@contextmanager
def _configurations_held() -> Iterator[None]:
    """Within: each expectation's configuration is built once (:func:`_hold_configurations`)."""
    global _HELD
    _HELD = {}
    try:
        yield
    finally:
        _HELD = None


@cache
def _definition() -> Any:
    """The batch definition every suite of this process validates its frame through, made once per process (for
    every chunk of a chunked run): an ephemeral context without progress bars, one data asset (each asset added
    re-serialises the context's config) and its whole-dataframe definition; each frame is its own batch of it."""
    context = _gx().get_context(mode="ephemeral")
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batches = context.data_sources.add_pandas("delivery").add_dataframe_asset("datasets")
    return batches.add_batch_definition_whole_dataframe("dataset")


def row_condition(pairs: tuple[tuple[str, tuple[str, ...]], ...]) -> Any:
    """The GX Condition of a plan's ``row_condition`` (every ``(variable, values)`` pair holds): ``Column(v).is_in``
    joined with ``&`` (GX 1.9+ Condition objects; string conditions are deprecated)."""
    from great_expectations.expectations.row_conditions import AndCondition, Column

    conditions = [Column(variable).is_in(list(values)) for variable, values in pairs]
    return conditions[0] if len(conditions) == 1 else AndCondition(conditions=conditions)


def _expectation(item: Planned) -> Any:
    kwargs = dict(item.kwargs)
    if "row_condition" in kwargs:
        kwargs["row_condition"] = row_condition(kwargs["row_condition"])
    return _gx().expectations.registry.get_expectation_impl(item.gx_type)(
        **kwargs, meta={"rule": item.rule, "dataset": item.dataset, "variable": item.variable, "view": item.view}
    )


def _suite(name: str, planned: list[Planned]) -> Any:
    """A suite of the planned expectations, each naming its rule, dataset and variable in ``meta``."""
    return _gx().ExpectationSuite(name=name, expectations=[_expectation(item) for item in planned])


def _groups(plan: Plan) -> dict[str, list[Planned]]:
    groups: dict[str, list[Planned]] = {}
    for item in plan.expectations:
        groups.setdefault(item.dataset if item.view == "data" else f"{item.dataset}.{item.view}", []).append(item)
    return dict(sorted(groups.items()))


def build_suites(plan: Plan) -> dict[str, Any]:
    """One GX ExpectationSuite per dataset and view (``AE``, ``AE.bytes``), from the plan."""
    return {name: _suite(name, items) for name, items in _groups(plan).items()}


def export_suites(plan: Plan, folder: Path) -> list[Path]:
    """Write every suite as GX JSON (``<suite>.json``) for a user's own GX setup; the frames they expect are
    those of :func:`view` (character columns as pandas ``str`` with nulls for empty values; ``<dataset>.bytes``
    and ``<dataset>.text`` the per-record frames of :mod:`cdiscmm.validate.views`)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, suite in build_suites(plan).items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(suite.to_json_dict(), indent=2, default=str), encoding="utf-8")
        paths.append(path)
    return paths


def view(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The frame a suite of a dataset runs on: ``data`` (character columns as ``str``, '' as null) or the derived
    view ``name`` (``bytes``, ``text``: :mod:`cdiscmm.validate.views`)."""
    if name in VIEWS:
        return VIEWS[name](frame)
    data = frame.copy(deep=False)  # the character columns are replaced, the numeric ones shared (copy-on-write)
    character = character_columns(frame)
    if character:  # '' (SAS missing) as null, all character columns in one pandas call
        text = frame[character].astype(CHARACTER_TYPE)
        data[character] = text.where(text.ne(""))
    return data


def _to_findings(result: Any, frame: pd.DataFrame, derived: dict[str, pd.DataFrame]) -> pd.DataFrame:
    meta = result.expectation_config.meta
    dataset, variable = meta["dataset"], meta["variable"]
    kind = result.expectation_config.type
    if kind == "expect_table_columns_to_match_set":
        return missing_columns(dataset, frame, result.result["details"]["mismatched"]["missing"])
    if kind in ("expect_column_type_to_be", "expect_column_values_to_be_in_type_list"):
        observed = result.result.get("observed_value", "")
        return dataset_finding(dataset, variable, f"{variable} has type {observed}")
    mask = np.zeros(len(frame), dtype=bool)
    mask[np.asarray(result.result.get("unexpected_index_list") or [], dtype=int)] = True
    if kind == "expect_column_values_to_be_between":
        return bytes_findings(dataset, frame, derived["bytes"], mask)
    if meta.get("view") == "text":
        return text_findings(dataset, frame, mask)
    if not mask.any():
        return empty_findings()
    detail = {
        "expect_column_values_to_not_be_null": "missing",
        "expect_column_values_to_be_in_set": "not in the codelist",
        "expect_compound_columns_to_be_unique": "duplicate key",
        "expect_column_values_to_match_regex": "does not match " + result.expectation_config.kwargs.get("regex", ""),
    }[kind]
    value_column = variable.split("+")[-1]
    return record_findings(dataset, frame, mask, value_column if value_column in frame.columns else variable, detail)


def _run_suite(
    definition: Any, name: str, items: list[Planned], datasets: dict[str, pd.DataFrame]
) -> list[tuple[str, pd.DataFrame]]:
    """One suite (``AE``, ``AE.bytes``) on its view, built here and dropped on return, so one view is in memory
    at a time: (rule, findings) of each failing expectation."""
    dataset, _, name_of_view = name.partition(".")
    frame = view(datasets[dataset], name_of_view or "data")
    batch = definition.get_batch(batch_parameters={"dataframe": frame})
    with _configurations_held():
        outcome = batch.validate(_suite(name, items), result_format={"result_format": "BOOLEAN_ONLY"})
    failed = [result.expectation_config.to_domain_obj() for result in outcome.results if not result.success]
    if not failed:
        return []
    suite = _gx().ExpectationSuite(name=f"{name}.failed", expectations=failed)
    with _configurations_held():
        outcome = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    derived = {name_of_view or "data": frame}
    return [
        (result.expectation_config.meta["rule"], _to_findings(result, datasets[dataset], derived))
        for result in outcome.results
    ]


def run_plan(plan: Plan, datasets: dict[str, pd.DataFrame]) -> tuple[Findings, dict[str, float]]:
    """Validate every dataset's suites; findings per rule id, and the seconds spent (import, validation)."""
    started = time.perf_counter()
    definition = _definition()
    timings = {"gx_import": time.perf_counter() - started}
    started = time.perf_counter()
    findings: Findings = {}
    for name, items in _groups(plan).items():
        for rule, found in _run_suite(definition, name, items, datasets):
            findings.setdefault(rule, []).append(found)
    timings["gx_validation"] = time.perf_counter() - started
    return findings, timings


def _child(plan: Plan, datasets: dict[str, pd.DataFrame], send: Any) -> None:
    """In the forked process: run the suites and send back ``("ok", (findings, timings))`` or the error."""
    try:
        send.send(("ok", run_plan(plan, datasets)))
    except Exception:
        send.send(("error", traceback.format_exc()))
    finally:
        send.close()


class Background:
    """The suites running in a forked process (GX imported there once), beside the checks in this one.

    The child inherits the datasets copy-on-write, so nothing is copied to start it; only the findings come back.
    Where ``fork`` does not exist (Windows), the suites run in this process.
    """

    def __init__(self, plan: Plan, datasets: dict[str, pd.DataFrame]) -> None:
        self._inline: tuple[Findings, dict[str, float]] | None = None
        self._started = time.perf_counter()
        if "fork" not in multiprocessing.get_all_start_methods():
            self._inline = run_plan(plan, datasets)
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(plan, datasets, send), name="cdiscmm-gx", daemon=True)
        gc.freeze()  # the child's collections skip (and so do not copy) every object it inherits
        try:
            self._process.start()
        finally:
            gc.unfreeze()
        send.close()

    def result(self) -> tuple[Findings, dict[str, float]]:
        """The suites' findings per rule id and their timings (``gx_wait``: seconds this process waited)."""
        if self._inline is not None:
            return self._inline
        waited = time.perf_counter()
        try:
            status, payload = self._receive.recv()
        except EOFError:
            status, payload = "error", f"the GX process ended with exit code {self._process.exitcode}"
        self._process.join()
        if status != "ok":
            raise RuntimeError(f"Great Expectations suites failed:\n{payload}")
        findings, timings = payload
        return findings, {**timings, "gx_wait": time.perf_counter() - waited}
