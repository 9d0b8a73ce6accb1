"""Run the planned suites with Great Expectations 1.x on the in-memory DataFrames and turn results into findings.

GX is imported once per run, here only (``GX_ANALYTICS_ENABLED=false`` is set before the import), with an
ephemeral context: no project folder, no network, no progress bars. Character values that are empty strings
(SAS missing) are given to GX as nulls, so "not null" means "not missing" as in SDTMIG section 4.1.
"""

from __future__ import annotations

import json
import os
import time
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cdiscmm.validate.findings import dataset_finding, empty_findings, record_findings
from cdiscmm.validate.native import byte_lengths
from cdiscmm.validate.suites import NUMERIC_KINDS, Plan, Planned


@cache
def _gx() -> Any:
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx

    return gx


def _context() -> Any:
    gx = _gx()
    context = gx.get_context(mode="ephemeral")
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _suite(gx: Any, name: str, planned: list[Planned]) -> Any:
    suite = gx.ExpectationSuite(name=name)
    for item in planned:
        expectation = gx.expectations.registry.get_expectation_impl(item.gx_type)(
            **item.kwargs, meta={"rule": item.rule, "dataset": item.dataset, "variable": item.variable}
        )
        suite.add_expectation(expectation)
    return suite


def build_suites(plan: Plan) -> dict[str, Any]:
    """One GX ExpectationSuite per dataset and view (``AE``, ``AE.bytes``), from the plan."""
    gx = _gx()
    groups: dict[str, list[Planned]] = {}
    for item in plan.expectations:
        groups.setdefault(item.dataset if item.view == "data" else f"{item.dataset}.{item.view}", []).append(item)
    return {name: _suite(gx, name, items) for name, items in sorted(groups.items())}


def export_suites(plan: Plan, folder: Path) -> list[Path]:
    """Write every suite as GX JSON (``<suite>.json``) for a user's own GX setup."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, suite in build_suites(plan).items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(suite.to_json_dict(), indent=2, default=str), encoding="utf-8")
        paths.append(path)
    return paths


def _views(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    character = [c for c in frame.columns if frame[c].dtype.kind not in NUMERIC_KINDS]
    data = frame.copy()
    for column in character:
        data[column] = frame[column].mask(frame[column].eq("")).astype(object)
    return {"data": data, "bytes": byte_lengths(frame)}


def _to_findings(result: Any, frame: pd.DataFrame, view_frame: pd.DataFrame) -> pd.DataFrame:
    meta = result.expectation_config.meta
    dataset, variable = meta["dataset"], meta["variable"]
    kind = result.expectation_config.type
    if kind == "expect_column_to_exist":
        return dataset_finding(dataset, variable, f"{variable} not in {dataset}")
    if kind == "expect_column_values_to_be_in_type_list":
        observed = result.result.get("observed_value", "")
        return dataset_finding(dataset, variable, f"{variable} has type {observed}")
    indexes = result.result.get("unexpected_index_list") or []
    if not indexes:
        return empty_findings()
    mask = np.zeros(len(frame), dtype=bool)
    mask[np.asarray(indexes, dtype=int)] = True
    detail = {
        "expect_column_values_to_not_be_null": "missing",
        "expect_column_values_to_be_in_set": "not in the codelist",
        "expect_compound_columns_to_be_unique": "duplicate key",
        "expect_column_values_to_match_regex": "does not match " + result.expectation_config.kwargs.get("regex", ""),
        "expect_column_values_to_be_between": "bytes > 200",
    }.get(kind, kind)
    if kind == "expect_column_values_to_be_between":
        detail = view_frame[variable].astype(str) + " bytes"
    value_column = variable.split("+")[-1]
    return record_findings(dataset, frame, mask, value_column if value_column in frame.columns else variable, detail)


def run_plan(plan: Plan, datasets: dict[str, pd.DataFrame]) -> tuple[dict[str, list[pd.DataFrame]], dict[str, float]]:
    """Validate every dataset's suites; findings per rule id, and the seconds spent (import, validation)."""
    started = time.perf_counter()
    gx = _gx()
    context = _context()
    timings = {"gx_import": time.perf_counter() - started}
    started = time.perf_counter()
    source = context.data_sources.add_pandas("delivery")
    findings: dict[str, list[pd.DataFrame]] = {}
    suites = build_suites(plan)
    frames_cache: dict[str, dict[str, pd.DataFrame]] = {}
    for name, suite in suites.items():
        dataset, _, view = name.partition(".")
        views = frames_cache.setdefault(dataset, _views(datasets[dataset]))
        view_frame = views[view or "data"]
        asset = source.add_dataframe_asset(name)
        batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": view_frame})
        outcome = batch.validate(context.suites.add(suite), result_format={"result_format": "COMPLETE"})
        for result in outcome.results:
            if result.success:
                continue
            found = _to_findings(result, datasets[dataset], views["bytes"])
            findings.setdefault(result.expectation_config.meta["rule"], []).append(found)
    timings["gx_validation"] = time.perf_counter() - started
    del gx
    return findings, timings
