"""The QA report's content, once: summary by severity, dataset and rule; every rule's status; every finding.

HTML, XLSX and JSON are three renderings of this one dictionary (``report.json`` is it verbatim, the findings
table written as a list of records; it stays a table in memory: 2.2 million findings at 100,000 subjects would take
gigabytes as Python dictionaries). A finding the
study explains (``explanations.yaml``, :mod:`cdiscmm.metadata.explanations`) carries the explanation's id (X1, X2,
…); the texts are listed once, with the number of findings each covers, and the summary counts the Reject and
Error findings left unexplained (what PMDA would ask about, regulatory.md 1.3).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from cdiscmm.metadata.explanations import Explanations
from cdiscmm.validate.catalogue import Rule
from cdiscmm.validate.findings import FAILING, SEVERITIES, RuleOutcome

#: 2: findings carry EXPLANATION (an id), the report lists the study's explanations and counts unexplained errors.
#: 3: ``provenance``: every file read (SHA-256, bytes), the code, rule catalogue and specs versions.
REPORT_VERSION = 3
#: List items (findings) :func:`write_json` encodes at a time.
JSON_SLICE = 50_000
#: Findings of one rule that HTML and XLSX list (Pinnacle 21's default for its Details sheet); JSON has them all.
ROWS_PER_RULE = 1000
FINDING_FIELDS = (
    "RULE",
    "SEVERITY",
    "DATASET",
    "VARIABLE",
    "ROW",
    "USUBJID",
    "SEQ",
    "VALUE",
    "DETAIL",
    "MESSAGE",
    "EXPLANATION",
)


def _findings_table(rules: list[Rule], outcomes: dict[str, RuleOutcome]) -> pd.DataFrame:
    parts = []
    for rule in rules:
        found = outcomes[rule.id].findings
        if len(found):
            parts.append(found.assign(RULE=rule.id, SEVERITY=rule.severity, MESSAGE=rule.message, EXPLANATION=None))
    if not parts:
        return pd.DataFrame(columns=list(FINDING_FIELDS))
    table = pd.concat(parts, ignore_index=True).loc[:, list(FINDING_FIELDS)]
    table["ROW"] = table["ROW"].astype("Int64")
    table["SEQ"] = pd.to_numeric(table["SEQ"], errors="coerce").astype("Int64")
    return table


def explanation_id(index: int) -> str:
    """The id of the study's ``index``-th explanation (from 0) in the report: X1, X2, …"""
    return f"X{index + 1}"


def _explain(findings: pd.DataFrame, explanations: Explanations) -> list[dict[str, Any]]:
    """Set each finding's EXPLANATION to the id of the first explanation covering it (same rule; same dataset and
    variable where the explanation names them, case-insensitive); the explanations with their finding counts."""
    dataset = findings["DATASET"].fillna("").astype(str).str.upper()
    variable = findings["VARIABLE"].fillna("").astype(str).str.upper()
    listed = []
    for index, item in enumerate(explanations.explanations):
        covered = (findings["RULE"] == item.rule) & findings["EXPLANATION"].isna()
        if item.dataset is not None:
            covered &= dataset == item.dataset.upper()
        if item.variable is not None:
            covered &= variable == item.variable.upper()
        findings.loc[covered, "EXPLANATION"] = explanation_id(index)
        listed.append(
            {
                "id": explanation_id(index),
                "rule": item.rule,
                "dataset": item.dataset,
                "variable": item.variable,
                "explanation": item.explanation,
                "findings": int(covered.sum()),
            }
        )
    return listed


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (missing -> None): how a table of the report is written."""
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def first_per_rule(findings: pd.DataFrame, limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` findings of each rule, in report order, as records: what HTML and XLSX show (the JSON
    has them all)."""
    return records(findings[findings.groupby("RULE", sort=False).cumcount() < limit])


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
    explanations: Explanations | None = None,
    provenance: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The report of one study: ``datasets`` describes each checked dataset or form (name, kind, records);
    ``explanations`` are the study's texts for the findings it keeps; ``provenance`` the files read and the versions
    that checked them (:mod:`cdiscmm.validate.provenance`)."""
    findings = _findings_table(rules, outcomes)
    listed = _explain(findings, explanations or Explanations())
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
    texts = {entry["id"]: entry["explanation"] for entry in listed}
    issue_summary = (
        findings.groupby(["DATASET", "RULE", "SEVERITY", "MESSAGE"])
        .agg(
            count=("RULE", "size"),
            explained=("EXPLANATION", "count"),
            explanation=("EXPLANATION", lambda ids: "\n".join(texts[i] for i in sorted(set(ids.dropna())))),
        )
        .reset_index()
        if len(findings)
        else pd.DataFrame(columns=["DATASET", "RULE", "SEVERITY", "MESSAGE", "count", "explained", "explanation"])
    )
    unexplained = findings["SEVERITY"].isin(FAILING) & findings["EXPLANATION"].isna()
    return {
        "report_version": REPORT_VERSION,
        "title": title,
        "inputs": inputs,
        "provenance": provenance or {},
        "timings_seconds": {key: round(value, 3) for key, value in timings.items()},
        "summary": {
            "by_severity": by_severity,
            "rules": {status: statuses.count(status) for status in ("PASS", "FAIL", "NOT RUN")},
            "failing": sum(by_severity[s] for s in FAILING),
            "unexplained_failing": int(unexplained.sum()),
        },
        "explanations": listed,
        "issue_summary": records(issue_summary),
        "rules": rule_rows,
        "datasets": datasets,
        "findings": findings,
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_json(report: dict[str, Any], path: Path, slice_size: int = JSON_SLICE) -> Path:
    """``report.json``: the report dictionary as UTF-8 JSON, the bytes of ``json.dumps(report, ensure_ascii=False,
    separators=(",", ":"))`` with each table as its list of :func:`records`, written ``slice_size`` items of a
    long list or table (the findings) at a time, so a report of millions of findings (2.2 million at 100,000
    subjects) is never one string, nor one list of dictionaries, in memory."""
    with path.open("w", encoding="utf-8") as stream:
        stream.write("{")
        for number, (key, value) in enumerate(report.items()):
            stream.write(("," if number else "") + _dumps(key) + ":")
            table = isinstance(value, pd.DataFrame)
            if not table and (not isinstance(value, list) or len(value) <= slice_size):
                stream.write(_dumps(value))
                continue
            stream.write("[")
            for start in range(0, len(value), slice_size):
                part = records(value.iloc[start : start + slice_size]) if table else value[start : start + slice_size]
                stream.write(("," if start else "") + _dumps(part)[1:-1])
            stream.write("]")
        stream.write("}")
    return path
