"""Findings of the package check, and the study's explanation of one (:mod:`cdiscmm.metadata.explanations`).

A finding names a rule (a validation rule id such as SD0002, or a package rule PKG-*), its severity in the
region's terms (Reject, Error, Warning), where it is (file of the package, variable) and what was found. The
package is refused when a finding's severity is one the profile refuses, or when a finding the profile wants
explained (PMDA: every Error, reviewer's guide) has no explanation in the study's explanations file.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdiscmm.metadata.explanations import Explanations


@dataclass(frozen=True)
class Finding:
    """One problem found in or for the package (``count`` records share it)."""

    rule: str
    severity: str
    where: str
    variable: str
    message: str
    count: int = 1


def explain(explanations: Explanations, finding: Finding, language: str = "en") -> str | None:
    """The text, in ``language`` (English where it has none), of the study's explanation of ``finding``, or None."""
    found = explanations.find(finding.rule, finding.where, finding.variable)
    return None if found is None else found.text(language)
