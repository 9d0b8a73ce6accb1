"""The annotated CRF as data: each collected form with its fields, prompts, terms and SDTM annotations.

Sources, all written by earlier steps: the collected export's data dictionary, codelists and form titles
(form, field, prompt = LABEL, type, terms; ``forms.csv`` when the export has it; :mod:`cdiscmm.io.collected`)
and the sdtm stage's field lineage ``fields.csv`` (:mod:`cdiscmm.io.lineage`). Annotation rules (CDISC/PHUSE
Metadata Submission Guidelines v2.0 §3, FDA Study Data TCG §4.1.2 "annotated CRF"):

- A field is annotated with every variable its lineage names, grouped by dataset: ``AETERM`` (AE),
  ``AETOCI in SUPPAE`` (a supplemental qualifier by QNAM), ``RFSTDTC`` (DM); a Findings result with its
  value-level condition, ``QSORRES / QSSTRESC when QSTESTCD = EOR0101``.
- A field declared not submitted says ``[NOT SUBMITTED]`` with the mapping's reason; a field that only selects
  records or links pages says so.
- The page's datasets (boxes at the top) are those of its annotations, the most annotated first (ties: first use).
- Rule PKG-ACRF (Error, to be explained in the reviewer's guide when not fixed): every collected field of the
  data dictionary appears in the lineage and is either submitted or declared not submitted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cdiscmm.io.collected import read_codelists, read_dictionary, read_form_titles
from cdiscmm.io.lineage import NOT_SUBMITTED, TARGET_SEPARATOR, read_field_lineage
from cdiscmm.io.metadata import read_metadata
from cdiscmm.package.findings import Finding

ACRF_FILE = "acrf.pdf"
_VARIABLE = re.compile(r"^(?P<dataset>[A-Z][A-Z0-9]*)\.(?P<variable>[A-Z][A-Z0-9_]*)$")
_BARE = re.compile(r"^[A-Z][A-Z0-9_]*$")
#: Lineage entries that are roles, not variables (``cdiscmm.sdtm.coverage``), and how the aCRF words them.
_ROLES = {"selection": "selects the records submitted", "join key": "links this page to its parent page"}


@dataclass(frozen=True)
class Annotation:
    """One annotation beside a field: ``kind`` variable (in ``dataset``), not submitted, or note."""

    kind: str
    dataset: str
    text: str


@dataclass(frozen=True)
class CrfField:
    """One field of a form as the aCRF shows it."""

    name: str
    prompt: str
    type: str
    terms: tuple[tuple[str, str], ...]
    annotations: tuple[Annotation, ...]


@dataclass(frozen=True)
class CrfForm:
    """One collected form: its title, its datasets (name, label), and its fields."""

    name: str
    title: str
    datasets: tuple[tuple[str, str], ...]
    fields: tuple[CrfField, ...]


def _strip_note(entry: str) -> str:
    """``STUDYID (from study.yaml)`` -> ``STUDYID``: the lineage's explanation in brackets is not an annotation."""
    return entry.split(" (", 1)[0].strip()


def annotate(targets: str, where: str) -> tuple[Annotation, ...]:
    """The annotations of one lineage row (module rules)."""
    grouped: dict[str, list[str]] = {}
    notes: list[Annotation] = []
    for entry in [entry for entry in targets.split(TARGET_SEPARATOR) if entry]:
        if entry.startswith(NOT_SUBMITTED):
            notes.append(Annotation("not submitted", "", entry.removeprefix(NOT_SUBMITTED)))
            continue
        name = _strip_note(entry)
        match = _VARIABLE.match(name)
        if match:
            grouped.setdefault(match["dataset"], []).append(match["variable"])
        elif _BARE.match(name):
            grouped.setdefault("", []).append(name)
        elif entry in _ROLES:
            notes.append(Annotation("note", "", _ROLES[entry]))
    conditions = [condition for condition in where.split(TARGET_SEPARATOR) if condition]
    annotations = []
    for dataset, variables in grouped.items():
        if dataset.startswith("SUPP"):
            annotations += [Annotation("variable", dataset, f"{qnam} in {dataset}") for qnam in variables]
            continue
        ours = [condition for condition in conditions if condition.startswith(dataset)]
        if ours and f"{dataset}ORRES" in variables:
            keys = {part.split(" ", 1)[0] for condition in ours for part in condition.split(" and ")}
            shown = " / ".join(variable for variable in variables if variable not in keys)
            annotations.append(Annotation("variable", dataset, f"{shown} when {' or '.join(ours)}"))
        else:
            annotations.append(Annotation("variable", dataset, " / ".join(variables)))
    return tuple(annotations + notes)


def _terms(codelists: pd.DataFrame) -> dict[str, tuple[tuple[str, str], ...]]:
    return {
        str(name): tuple(zip(group["CODE"], group["DECODE"], strict=True))
        for name, group in codelists.groupby("CODELIST", sort=False)
    }


def crf_forms(
    dictionary: pd.DataFrame,
    codelists: pd.DataFrame,
    lineage: pd.DataFrame,
    labels: dict[str, str],
    where: str,
    titles: dict[str, str] | None = None,
) -> tuple[list[CrfForm], list[Finding]]:
    """The forms of the data dictionary (in its order) with their annotated fields, and the PKG-ACRF findings
    (``where``: the aCRF's path in the package; ``titles``: form -> title, else the form name is the title)."""
    rows = {(form, field): (targets, status, condition) for form, field, targets, status, condition in lineage.values}
    terms = _terms(codelists)
    forms, findings = [], []
    for form, group in dictionary.groupby("FORM", sort=False):
        fields, datasets = [], {}
        for field, prompt, kind, codelist in group[["FIELD", "LABEL", "TYPE", "CODELIST"]].values:
            targets, status, condition = rows.get((form, field), ("", "", ""))
            if status in ("", "not mapped"):
                problem = "not in fields.csv" if not status else "neither submitted nor declared not submitted"
                findings.append(Finding("PKG-ACRF", "Error", where, f"{form}.{field}", f"collected field {problem}"))
            annotations = annotate(targets, condition)
            for annotation in [item for item in annotations if item.dataset]:
                datasets.setdefault(annotation.dataset, labels.get(annotation.dataset, ""))
            fields.append(CrfField(field, prompt, kind, terms.get(codelist, ()), annotations))
        uses = [annotation.dataset for field in fields for annotation in field.annotations if annotation.dataset]
        ordered = sorted(datasets.items(), key=lambda item: -uses.count(item[0]))
        title = (titles or {}).get(str(form)) or str(form)
        forms.append(CrfForm(str(form), title, tuple(ordered), tuple(fields)))
    return forms, findings


def study_forms(raw: Path, encoding: str, sdtm: Path, where: str) -> tuple[list[CrfForm], list[Finding]]:
    """:func:`crf_forms` of a study: the export in ``raw`` (decoded as ``encoding``), the lineage and dataset
    labels in the ``sdtm`` output folder."""
    labels = {dataset.name: dataset.label for dataset in read_metadata(sdtm).datasets}
    dictionary, codelists = read_dictionary(raw, encoding), read_codelists(raw, encoding)
    titles = read_form_titles(raw, encoding)
    return crf_forms(dictionary, codelists, read_field_lineage(sdtm), labels, where, titles)
