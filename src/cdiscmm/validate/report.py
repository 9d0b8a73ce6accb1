"""The QA report's content, once: summary by severity, dataset and rule; every rule's status; every finding.

HTML, XLSX and JSON are three renderings of this one dictionary (``report.json`` is it verbatim).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from cdiscmm.validate.catalogue import Rule
from cdiscmm.validate.findings import FAILING, SEVERITIES, RuleOutcome

REPORT_VERSION = 1
FINDING_FIELDS = ("RULE", "SEVERITY", "DATASET", "VARIABLE", "ROW", "USUBJID", "SEQ", "VALUE", "DETAIL", "MESSAGE")


def _findings_table(rules: list[Rule], outcomes: dict[str, RuleOutcome]) -> pd.DataFrame:
    parts = []
    for rule in rules:
        found = outcomes[rule.id].findings
        if len(found):
            parts.append(found.assign(RULE=rule.id, SEVERITY=rule.severity, MESSAGE=rule.message))
    if not parts:
        return pd.DataFrame(columns=list(FINDING_FIELDS))
    table = pd.concat(parts, ignore_index=True).loc[:, list(FINDING_FIELDS)]
    table["ROW"] = table["ROW"].astype("Int64")
    table["SEQ"] = pd.to_numeric(table["SEQ"], errors="coerce").astype("Int64")
    return table


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (missing -> None)."""
    return json.loads(frame.to_json(orient="records", force_ascii=False))


#: What produced a rule's findings: its metadata suite's engine (``--engine``), or its registered check function.
SUITE_ENGINES = {"gx": "Great Expectations suite", "native": "native suite (pandas)"}
CHECK_ENGINE = "check function (pandas)"


def engine_of(rule: Rule, engine: str) -> str:
    """The engine that produced ``rule``'s findings in a run whose suites ran on ``engine``."""
    return SUITE_ENGINES.get(engine, engine) if rule.check == "gx_suite" else CHECK_ENGINE


def build_report(
    title: str,
    inputs: dict[str, str],
    rules: list[Rule],
    outcomes: dict[str, RuleOutcome],
    datasets: list[dict[str, Any]],
    timings: dict[str, float],
) -> dict[str, Any]:
    """The report of one study: ``datasets`` describes each checked dataset or form (name, kind, records)."""
    findings = _findings_table(rules, outcomes)
    by_severity = {severity: int((findings["SEVERITY"] == severity).sum()) for severity in SEVERITIES}
    statuses = [outcomes[rule.id].status for rule in rules]
    rule_rows = [
        {
            "id": rule.id,
            "scope": rule.scope,
            "severity": rule.severity,
            "status": outcomes[rule.id].status,
            "findings": len(outcomes[rule.id].findings),
            "message": rule.message,
            "description": rule.description,
            "reason": outcomes[rule.id].reason,
            "datasets": ", ".join(sorted(set(outcomes[rule.id].ran_on))),
            "engine": engine_of(rule, inputs.get("engine", "")),
            "p21": rule.p21,
            "core": rule.core,
            "pmda": rule.pmda,
            "fda": rule.fda,
        }
        for rule in rules
    ]
    order = {"FAIL": 0, "NOT RUN": 1, "PASS": 2}
    rule_rows.sort(key=lambda row: (order[row["status"]], SEVERITIES.index(row["severity"]), row["id"]))
    counts = findings.groupby(["DATASET", "SEVERITY"]).size().unstack(fill_value=0) if len(findings) else None
    for entry in datasets:
        entry["findings"] = {
            s: int(counts.at[entry["name"], s])
            if counts is not None and entry["name"] in counts.index and s in counts.columns
            else 0
            for s in SEVERITIES
        }
    issue_summary = (
        findings.groupby(["DATASET", "RULE", "SEVERITY", "MESSAGE"]).size().rename("count").reset_index()
        if len(findings)
        else pd.DataFrame(columns=["DATASET", "RULE", "SEVERITY", "MESSAGE", "count"])
    )
    return {
        "report_version": REPORT_VERSION,
        "title": title,
        "inputs": inputs,
        "timings_seconds": {key: round(value, 3) for key, value in timings.items()},
        "summary": {
            "by_severity": by_severity,
            "rules": {status: statuses.count(status) for status in ("PASS", "FAIL", "NOT RUN")},
            "failing": sum(by_severity[s] for s in FAILING),
        },
        "issue_summary": _records(issue_summary),
        "rules": rule_rows,
        "datasets": datasets,
        "findings": _records(findings),
    }


def write_json(report: dict[str, Any], path: Path) -> Path:
    """``report.json``: the report dictionary as UTF-8 JSON."""
    path.write_text(json.dumps(report, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return path
