"""Region rules checked on an assembled package tree, and the verdict over every finding.

Rules (region profile):

- Names (PKG-NAME, Reject: an eCTD gateway refuses the file): every folder below ``m5`` matches
  ``names.folder_pattern``; every file name matches ``names.file_pattern`` and is at most ``file_name_max``
  characters (datasets ``dataset_name_max``); the path from ``m5`` is at most ``path_max`` characters.
- ASCII (PKG-ASCII): where the profile wants ASCII values (FDA), each variable of a dataset holding a value with
  a non-ASCII character is an Error (the value is reported, never replaced); English-label profiles (PMDA, FDA)
  need ASCII dataset and variable labels (Reject). Values of the variables the profile lists (PMDA SD1029:
  --TEST, --TESTCD, PARAM, PARAMCD, QLABEL, QNAM) are checked in the alphanumeric datasets (Warning).
- Size (PKG-SIZE, Warning): a dataset above ``max_dataset_bytes`` (PMDA: consult before submitting).
- Transport format: every dataset passes the strict XPT v5 checker (:func:`cdiscmm.io.xpt.check.check_xpt`,
  SAS TS-140 and the v5 submission limits); a structure finding (unreadable file) is a Reject, any other an
  Error. ASCII is left to PKG-ASCII above, which counts records and quotes a value.
- Verdict: a finding whose severity the profile refuses, or one it wants explained without an explanation in
  the study's explanations file, refuses the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from cdiscmm.io.xpt.check import check_xpt
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.package.assemble import PackageFile
from cdiscmm.package.findings import Explanations, Finding
from cdiscmm.package.profile import RegionProfile
from cdiscmm.package.relabel import read_labels

_NON_ASCII = r"[^\x00-\x7f]"


def check_names(files: list[PackageFile], profile: RegionProfile) -> list[Finding]:
    """PKG-NAME findings for folder names, file names and path lengths (module rules)."""
    rules = profile.names
    folder_pattern, file_pattern = re.compile(rules.folder_pattern), re.compile(rules.file_pattern)
    findings: list[Finding] = []
    folders = sorted(
        {str(parent) for file in files for parent in PurePosixPath(file.path).parents if str(parent) != "."}
    )
    for folder in folders:
        name = PurePosixPath(folder).name
        if not folder_pattern.fullmatch(name):
            findings.append(
                Finding("PKG-NAME", "Reject", folder, "", f"folder name {name!r} breaks {rules.folder_pattern}")
            )
    for file in files:
        name = PurePosixPath(file.path).name
        limit = rules.dataset_name_max if file.kind.endswith("dataset") else rules.file_name_max
        if not file_pattern.fullmatch(name):
            findings.append(Finding("PKG-NAME", "Reject", file.path, "", f"file name breaks {rules.file_pattern}"))
        if len(name) > limit:
            findings.append(
                Finding("PKG-NAME", "Reject", file.path, "", f"file name has {len(name)} characters (max {limit})")
            )
        if len(file.path) > rules.path_max:
            message = f"path from m5 has {len(file.path)} characters (max {rules.path_max})"
            findings.append(Finding("PKG-NAME", "Reject", file.path, "", message))
    return findings


def _variable_matches(name: str, templates: list[str]) -> bool:
    return any(re.fullmatch(template.replace("--", "[A-Z]{2}"), name) for template in templates)


def check_dataset(file: PackageFile, root: Path, profile: RegionProfile) -> list[Finding]:
    """PKG-ASCII and PKG-SIZE findings of one written dataset of the package (module rules)."""
    findings: list[Finding] = []
    rules = profile.datasets
    if len(file.content) > rules.max_dataset_bytes:
        message = f"{len(file.content)} bytes (above {rules.max_dataset_bytes})"
        findings.append(Finding("PKG-SIZE", "Warning", file.path, "", message))
    for problem in check_xpt(root / file.path):
        severity = "Reject" if problem.kind == "structure" else "Error"
        findings.append(Finding(problem.rule, severity, file.path, problem.location.field or "", problem.message))
    if file.kind != "dataset":
        return findings
    if profile.datasets.labels == "en":
        dataset_label, labels = read_labels(file.content, file.path)
        texts = {"": dataset_label, **labels}
        for variable in [name for name, text in texts.items() if not text.isascii()]:
            findings.append(Finding("PKG-ASCII", "Reject", file.path, variable, f"non-ASCII label {texts[variable]!r}"))
    if not (rules.ascii_only_values or rules.ascii_variables):
        return findings
    data = read_xpt(root / file.path).data
    text = [name for name in data.columns if pd.api.types.is_string_dtype(data[name])]
    for name in text:
        wrong = data[name].str.contains(_NON_ASCII, regex=True, na=False)
        if not wrong.any():
            continue
        if rules.ascii_only_values:
            example = data.loc[wrong, name].iloc[0]
            message = f"non-ASCII value, e.g. {example!r} (kept as collected)"
            findings.append(Finding("PKG-ASCII", "Error", file.path, name, message, int(wrong.sum())))
        elif _variable_matches(name, rules.ascii_variables):
            message = "non-ASCII value in a variable P21 SD1029 checks"
            findings.append(Finding("PKG-ASCII", "Warning", file.path, name, message, int(wrong.sum())))
    return findings


def check_tree(files: list[PackageFile], root: Path, profile: RegionProfile) -> list[Finding]:
    """Every region rule of this module on the package written under ``root``."""
    findings = check_names(files, profile)
    for file in files:
        if file.kind.endswith("dataset"):
            findings += check_dataset(file, root, profile)
    return findings


@dataclass(frozen=True)
class Judged:
    """A finding with its explanation (None: unexplained) and whether it refuses the package (and why)."""

    finding: Finding
    explanation: str | None
    refuses: str | None


def judge(findings: list[Finding], profile: RegionProfile, explanations: Explanations) -> list[Judged]:
    """Each finding with its explanation and the reason it refuses the package, if it does (module rules)."""
    judged = []
    for finding in findings:
        explanation = explanations.explain(finding)
        reason = None
        if finding.severity in profile.validation.refuse:
            reason = f"{finding.severity} finding ({profile.agency} gateway would refuse)"
        elif finding.severity in profile.validation.explain and explanation is None:
            reason = f"unexplained {finding.severity} (add it to the study's explanations.yaml)"
        judged.append(Judged(finding, explanation, reason))
    return judged
