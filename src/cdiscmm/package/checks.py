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
- Local-language datasets (PKG-LOCAL, Error; PMDA TCG: the Japanese dataset has the structure of the
  alphanumeric one except the lengths of Japanese items): same variables, in the same order, of the same types as
  the English dataset of the same name, which must exist — except a SUPP-- of text-continuation records only
  (SDTMIG 3.4 §4.5.3.2: longer Japanese text splits where its English translation does not), which has the
  SUPPQUAL structure and is listed as a Warning.
- Verdict: a finding whose severity the profile refuses, or one it wants explained without an explanation in
  the study's explanations file, refuses the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cdiscmm.io.xpt.check import check_xpt, require_readable
from cdiscmm.io.xpt.read import BLOCK_BYTES, non_ascii_values, read_head, read_xpt, read_xpt_records
from cdiscmm.metadata.explanations import Explanations
from cdiscmm.metadata.standards import sdtmig
from cdiscmm.package.assemble import PackageFile
from cdiscmm.package.findings import Finding, explain
from cdiscmm.package.profile import RegionProfile
from cdiscmm.package.relabel import read_labels, variable_names, variable_types

#: NAMESTR ntype of a character variable (SAS TS-140).
_CHARACTER = 2


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


def non_ascii(path: Path, text: list[str], block_bytes: int = BLOCK_BYTES) -> dict[str, tuple[int, str]]:
    """Per character variable of ``text`` (in that order) holding a non-ASCII value: how many records hold one and
    the first such value in file order, read block by block; only the records holding one are decoded
    (:func:`cdiscmm.io.xpt.read.non_ascii_values`)."""
    counts = dict.fromkeys(text, 0)
    examples: dict[str, str] = {}
    for head, block in read_xpt_records(path, block_bytes):
        for name, values in non_ascii_values(path, head, block, text).items():
            counts[name] += len(values)
            examples.setdefault(name, values.iloc[0])
    return {name: (counts[name], examples[name]) for name in text if name in examples}


def check_dataset(file: PackageFile, root: Path, profile: RegionProfile) -> list[Finding]:
    """PKG-ASCII and PKG-SIZE findings of one written dataset of the package (module rules)."""
    findings: list[Finding] = []
    rules = profile.datasets
    if file.size > rules.max_dataset_bytes:
        message = f"{file.size} bytes (above {rules.max_dataset_bytes})"
        findings.append(Finding("PKG-SIZE", "Warning", file.path, "", message))
    problems = check_xpt(root / file.path, content=file.body)  # a copied file is checked 64 MiB at a time
    for problem in problems:
        severity = "Reject" if problem.kind == "structure" else "Error"
        findings.append(Finding(problem.rule, severity, file.path, problem.location.field or "", problem.message))
    if file.kind != "dataset":
        return findings
    broken = any(problem.kind == "structure" for problem in problems)
    # the labels and types are in the head; a copied file's observations are not read whole (a corrupt file is)
    content = file.content if broken or file.body is not None else read_head(root / file.path)
    if profile.datasets.labels == "en":
        dataset_label, labels = read_labels(content, file.path)
        texts = {"": dataset_label, **labels}
        for variable in [name for name, text in texts.items() if not text.isascii()]:
            findings.append(Finding("PKG-ASCII", "Reject", file.path, variable, f"non-ASCII label {texts[variable]!r}"))
    if not (rules.ascii_only_values or rules.ascii_variables):
        return findings
    text = [name for name, kind in variable_types(content, file.path) if kind == _CHARACTER]
    require_readable(root / file.path, content=content, findings=problems)
    del content  # the values are read 64 MiB at a time
    for name, (count, example) in non_ascii(root / file.path, text).items():
        if rules.ascii_only_values:
            message = f"non-ASCII value, e.g. {example!r} (kept as collected)"
            findings.append(Finding("PKG-ASCII", "Error", file.path, name, message, count))
        elif _variable_matches(name, rules.ascii_variables):
            message = "non-ASCII value in a variable P21 SD1029 checks"
            findings.append(Finding("PKG-ASCII", "Warning", file.path, name, message, count))
    return findings


def _continuations(file: PackageFile, root: Path, files: dict[str, PackageFile]) -> str | None:
    """Why a local SUPP-- without an English dataset is not only continuation records (None when it is).

    SDTMIG 3.4 §4.5.3.2: text over 200 bytes goes on in SUPP-- records whose QNAM is the parent variable's name
    with a digit (the 8th character dropped for an 8-character name). Japanese text takes up to 3 bytes a
    character in UTF-8, so a verbatim that fits in its English translation's 200 bytes may need continuations in
    the Japanese dataset only; such a SUPP-- has the SUPPQUAL structure and no English counterpart.
    """
    path = PurePosixPath(file.path)
    expected = [(item.name, 2 if item.type == "Char" else 1) for item in sdtmig()["SUPPQUAL"].variables]
    if not path.stem.startswith("supp") or variable_types(file.content, file.path) != expected:
        return "no English dataset of the same name"
    data = read_xpt(root / file.path).data
    problems = []
    for domain, qnams in data.groupby("RDOMAIN")["QNAM"]:
        parent = files.get(str(path.parent / f"{str(domain).lower()}.xpt")) or files.get(
            str(path.parent.parent / f"{str(domain).lower()}.xpt")
        )
        names = variable_names(parent.content, parent.path) if parent else []
        allowed = {f"{name[: 8 - len(str(digit))]}{digit}" for name in names for digit in range(1, 10)}
        problems += sorted(set(qnams) - allowed)
    if problems:
        return f"no English dataset of the same name, and QNAM {problems[:5]} are not text continuations"
    return None


def check_local(file: PackageFile, files: dict[str, PackageFile], root: Path) -> list[Finding]:
    """PKG-LOCAL findings of one local-language dataset against its English dataset (module rules)."""
    path = PurePosixPath(file.path)
    english = files.get(str(path.parent.parent / path.name))
    if english is None:
        problem = _continuations(file, root, files)
        if problem is None:
            message = "continuation records only (SDTMIG 3.4 §4.5.3.2): the English text needs none"
            return [Finding("PKG-LOCAL", "Warning", file.path, "", message)]
        return [Finding("PKG-LOCAL", "Error", file.path, "", problem)]
    local, reference = variable_types(file.content, file.path), variable_types(english.content, english.path)
    if local != reference:
        message = f"variables or types differ from {english.path}: {local} vs {reference}"
        return [Finding("PKG-LOCAL", "Error", file.path, "", message)]
    return []


def check_tree(files: list[PackageFile], root: Path, profile: RegionProfile) -> list[Finding]:
    """Every region rule of this module on the package written under ``root``."""
    findings = check_names(files, profile)
    by_path = {file.path: file for file in files}
    for file in files:
        if file.kind.endswith("dataset"):
            findings += check_dataset(file, root, profile)
        if file.kind == "local-dataset":
            findings += check_local(file, by_path, root)
    return findings


@dataclass(frozen=True)
class Judged:
    """A finding with its explanation (None: unexplained) and whether it refuses the package (and why)."""

    finding: Finding
    explanation: str | None
    refuses: str | None


def judge(findings: list[Finding], profile: RegionProfile, explanations: Explanations) -> list[Judged]:
    """Each finding with its explanation (in the language of the region's guides where the study gives one) and
    the reason it refuses the package, if it does (module rules)."""
    judged = []
    for finding in findings:
        explanation = explain(explanations, finding, profile.guides.language)
        reason = None
        if finding.severity in profile.validation.refuse:
            reason = f"{finding.severity} finding ({profile.agency} gateway would refuse)"
        elif finding.severity in profile.validation.explain and explanation is None:
            reason = f"unexplained {finding.severity} (add it to the study's explanations.yaml)"
        judged.append(Judged(finding, explanation, reason))
    return judged
