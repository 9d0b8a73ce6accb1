"""A stored validate-stage report in place of a fresh validation, only when it gives exactly the same outcome.

A report written by :func:`cdiscmm.validate.run.validate_study` stands for a fresh run on ``inputs`` (datasets,
define.xml files and metadata.json, no collected export, default engine, no region: what the package stage
validates) when: it is readable and of this report version; its provenance (:mod:`cdiscmm.validate.provenance`)
names the same code, rule catalogue and specs; it ran on the default engine without a region; and the files it
read, other than the collected export and the explanations, are exactly the files the fresh run reads, same role,
name, size and SHA-256. A metadata.json has its role wherever it lies (``sdtm/metadata.json``: beside the datasets
or given apart), so the report of ``validate --study`` stands for the FDA and PMDA package, whose datasets and
define.xml are the stage's bytes checked against the stage's metadata.json; a file only one run read (another
metadata, a define.xml) rules it out: the datasets would be checked against other metadata, the define rules
against another file.
The collected rules read only the collected export: the fresh run leaves them NOT RUN, and so does the reused
outcome, without their findings and forms. The explanations only mark findings; the outcome leaves that out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cdiscmm.io.digest import code_version, file_sha256, rule_catalogue_version, specs_version
from cdiscmm.validate.engine import DEFAULT_ENGINE
from cdiscmm.validate.provenance import read_files
from cdiscmm.validate.report import REPORT_VERSION

if TYPE_CHECKING:
    from cdiscmm.validate.run import Inputs

#: The finding fields an outcome keeps; the roles of the files a fresh run on datasets alone does not read.
OUTCOME_FIELDS = ["RULE", "DATASET", "VARIABLE", "MESSAGE"]
_NOT_READ = ("raw/", "explanations/")
#: The report's entries that decide whether it stands for a fresh run, and the characters read at a time to find
#: them.
HEAD = frozenset({"report_version", "inputs", "provenance"})
HEAD_BLOCK = 1 << 16
#: What the fresh run reports for a collected rule.
NO_COLLECTED = "no collected input given"


@dataclass(frozen=True)
class Outcome:
    """A validation's outcome without the explanations: each rule (id, scope, severity, pmda, fda, status), each
    SDTM and ADaM dataset's kind by name, the findings (:data:`OUTCOME_FIELDS`) and the number of rules by status."""

    rules: list[dict[str, Any]]
    kinds: dict[str, str]
    findings: pd.DataFrame
    counts: dict[str, int]


def outcome_of(report: dict[str, Any], collected: frozenset[str] = frozenset()) -> Outcome:
    """The outcome of ``report``, with the collected rules ``collected`` set NOT RUN as a run without the collected
    export reports them, their findings left out."""
    rules = [
        {**rule, "status": "NOT RUN", "findings": 0, "datasets": "", "reason": NO_COLLECTED}
        if rule["id"] in collected
        else rule
        for rule in report["rules"]
    ]
    findings = pd.DataFrame(report["findings"], columns=OUTCOME_FIELDS).fillna("")
    findings = findings.loc[~findings["RULE"].isin(collected)].reset_index(drop=True)
    kinds = {item["name"]: item["kind"] for item in report["datasets"] if item["kind"] != "collected"}
    counts = {status: sum(rule["status"] == status for rule in rules) for status in ("PASS", "FAIL", "NOT RUN")}
    return Outcome(rules, kinds, findings, counts)


def _entries(text: str, wanted: frozenset[str]) -> dict[str, Any]:
    """The leading entries of the JSON object ``text`` begins with, up to the last of ``wanted`` (or all it has);
    JSONDecodeError where ``text`` ends before."""
    decoder, space = json.JSONDecoder(), re.compile(r"[ \t\n\r]*")
    at = space.match(text).end()
    if not text.startswith("{", at):
        raise json.JSONDecodeError("not a JSON object", text, at)
    found: dict[str, Any] = {}
    at = space.match(text, at + 1).end()
    while not wanted <= found.keys() and not text.startswith("}", at):
        key, at = decoder.raw_decode(text, at)
        at = space.match(text, at).end()
        if not text.startswith(":", at):
            raise json.JSONDecodeError("expected ':'", text, at)
        found[key], at = decoder.raw_decode(text, space.match(text, at + 1).end())
        at = space.match(text, at).end()
        at = space.match(text, at + 1).end() if text.startswith(",", at) else at
    return found


def _head(path: Path) -> dict[str, Any]:
    """The entries of the report at ``path`` up to its provenance (the first few kilobytes: report.json is written
    with them first), read :data:`HEAD_BLOCK` characters at a time, so a report that does not match is never
    parsed whole (626 MB at 100,000 subjects)."""
    text = ""
    with path.open(encoding="utf-8") as stream:
        while True:
            block = stream.read(HEAD_BLOCK)
            text += block
            try:
                return _entries(text, HEAD)
            except json.JSONDecodeError:
                if not block:
                    raise


def _mismatch(stored: dict[str, Any], inputs: Inputs) -> str | None:
    """Why the stored report does not stand for a fresh run on ``inputs``; None when it does."""
    if stored.get("report_version") != REPORT_VERSION:
        return f"is of report version {stored.get('report_version')}, not {REPORT_VERSION}"
    provenance = stored.get("provenance") or {}
    if not provenance:
        return "names no files it read (written by an older cdiscmm)"
    if provenance["cdiscmm"] != code_version():
        return "was written by other cdiscmm code (source SHA-256)"
    if provenance["rule_catalogue"] != rule_catalogue_version():
        return "was checked with another rule catalogue version"
    if provenance["specs"] != specs_version():
        return "was checked against other specs (standards, CT)"
    settings = stored["inputs"]
    if settings.get("engine") != DEFAULT_ENGINE or settings.get("region") != "none":
        return f"ran on engine {settings.get('engine')} with region {settings.get('region')}"
    recorded = {key: value for key, value in provenance["files"].items() if not key.startswith(_NOT_READ)}
    wanted = read_files(inputs)
    extra, missing = sorted(set(recorded) - set(wanted)), sorted(set(wanted) - set(recorded))
    if extra:
        return f"also read {', '.join(extra)}, which the package's validation does not read"
    if missing:
        return f"did not read the package's {missing[0]}"
    for key, path in wanted.items():
        if recorded[key]["bytes"] != path.stat().st_size:
            return f"does not match the package's {path.name} (size)"
        if recorded[key]["sha256"] != file_sha256(path):
            return f"does not match the package's {path.name} (SHA-256)"
    return None


def stored_outcome(path: Path, inputs: Inputs) -> tuple[Outcome | None, str]:
    """The outcome of the report at ``path`` when it is the one a fresh run on ``inputs`` (datasets, define.xml,
    metadata; no collected export) would give (module notes), with what was checked; else None and why not."""
    if not path.is_file():
        return None, f"no validate stage report at {path}"
    try:
        problem = _mismatch(_head(path), inputs)
        if problem is None:
            with path.open(encoding="utf-8") as stream:
                stored = json.load(stream)
            collected = frozenset(rule["id"] for rule in stored["rules"] if rule["scope"] == "collected")
            outcome = outcome_of(stored, collected)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return None, f"the validate stage's report {path} is unreadable ({type(exc).__name__}: {exc})"
    if problem is not None:
        return None, f"the validate stage's report {path} {problem}"
    files = len(read_files(inputs))
    return outcome, f"reusing the validate stage's report {path} (the same {files} files by SHA-256, code and rules)"
