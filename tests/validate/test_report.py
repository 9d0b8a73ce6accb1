"""The QA report's explanations: a hand-made study explains some findings and not others."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from cdiscmm.metadata.explanations import Explanation, Explanations
from cdiscmm.validate.catalogue import Rule
from cdiscmm.validate.findings import RuleOutcome, record_findings
from cdiscmm.validate.report import build_report, first_per_rule, records, write_json

AE = pd.DataFrame(
    {
        "USUBJID": ["S-1", "S-1", "S-2"],
        "AESEQ": [1.0, 2.0, 1.0],
        "AESER": ["", "", ""],
        "AESTDTC": ["2024-02-01", "2024-03-01", "2024-01-05"],
    }
)
RULES = [
    Rule(id="SD0013", check="x", severity="Error", message="start after end", description="SDTMIG 3.4 4.4.7"),
    Rule(id="CDM-AESERBLANK", check="x", severity="Error", message="AESER blank", description="SDTMIG 3.4 AE"),
    Rule(id="SD1029", check="x", severity="Warning", message="non-ASCII", description="PMDA SD1029"),
]
TEXT = "The collected seriousness answer was unreadable; queried and left blank, not imputed."


def _report(explanations: Explanations) -> dict:
    outcomes = {
        "SD0013": RuleOutcome("FAIL", record_findings("AE", AE, [True, False, True], "AESTDTC", "start > end")),
        "CDM-AESERBLANK": RuleOutcome("FAIL", record_findings("AE", AE, [False, True, True], "AESER", "blank")),
        "SD1029": RuleOutcome("PASS"),
    }
    return build_report("t", {}, RULES, outcomes, [{"name": "AE", "kind": "SDTM", "records": 3}], {}, explanations)


def test_each_finding_names_the_first_explanation_covering_it_and_unexplained_errors_are_counted() -> None:
    explanations = Explanations(
        explanations=[
            Explanation(rule="CDM-AESERBLANK", dataset="ae", variable="aeser", explanation=TEXT),
            Explanation(rule="CDM-AESERBLANK", explanation="A second, wider text that the first one shadows."),
            Explanation(rule="SD0013", dataset="CM", explanation="Concomitant medication dates kept as collected."),
        ]
    )
    report = _report(explanations)
    ids = [(f["RULE"], f["USUBJID"], f["EXPLANATION"]) for f in records(report["findings"])]
    assert ids == [
        ("SD0013", "S-1", None),
        ("SD0013", "S-2", None),
        ("CDM-AESERBLANK", "S-1", "X1"),
        ("CDM-AESERBLANK", "S-2", "X1"),
    ]
    assert [(x["id"], x["findings"]) for x in report["explanations"]] == [("X1", 2), ("X2", 0), ("X3", 0)]
    assert report["summary"]["unexplained_failing"] == 2
    summary = {row["RULE"]: (row["count"], row["explained"], row["explanation"]) for row in report["issue_summary"]}
    assert summary == {"SD0013": (2, 0, ""), "CDM-AESERBLANK": (2, 2, TEXT)}


def test_a_report_without_explanations_counts_every_error_unexplained() -> None:
    report = _report(Explanations())
    assert report["explanations"] == []
    assert report["summary"]["unexplained_failing"] == 4
    assert all(f["EXPLANATION"] is None for f in records(report["findings"]))


def test_report_json_written_slice_by_slice_is_json_dumps_of_the_report(tmp_path: Path) -> None:
    findings = [
        {"RULE": "CT2001", "ROW": row, "VALUE": value, "SCORE": score}
        for row, (value, score) in enumerate([("X", 1.5), ("\u4e0d\u826f", None), ('a "b"\n', 0.1), ("", 2.0)] * 2)
    ]
    report = {
        "version": 2,
        "settings": {"region": "pmda"},
        "empty": [],
        "rules": [{"id": "CT2001"}],
        "findings": findings,
    }
    expected = json.dumps(report, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    for slice_size in (1, 2, 3, 7, 8, 50_000):
        path = write_json(report, tmp_path / f"report{slice_size}.json", slice_size)
        assert path.read_bytes() == expected, slice_size


def test_a_findings_table_is_written_as_its_records_slice_by_slice(tmp_path: Path) -> None:
    report = _report(Explanations())
    expected = json.dumps(report | {"findings": records(report["findings"])}, ensure_ascii=False, separators=(",", ":"))
    for slice_size in (1, 3, 4, 50_000):
        path = write_json(report, tmp_path / f"report{slice_size}.json", slice_size)
        assert path.read_text(encoding="utf-8") == expected, slice_size


def test_html_and_xlsx_show_the_first_findings_of_each_rule_in_report_order() -> None:
    findings = pd.DataFrame({"RULE": ["A", "B", "A", "A", "B", "C"], "ROW": [1, 2, 3, 4, 5, 6]})
    assert [(f["RULE"], f["ROW"]) for f in first_per_rule(findings, 2)] == [
        ("A", 1),
        ("B", 2),
        ("A", 3),
        ("B", 5),
        ("C", 6),
    ]
