"""Findings of the package check, with the explanations a study keeps for them (``mappings/<study>/explanations.yaml``).

A finding names a rule (a validation rule id such as SD0002, or a package rule PKG-*), its severity in the
region's terms (Reject, Error, Warning), where it is (file of the package, variable) and what was found. The
package is refused when a finding's severity is one the profile refuses, or when a finding the profile wants
explained (PMDA: every Error, reviewer's guide) has no explanation in the study's explanations file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from cdiscmm.metadata.yamlio import load_model

EXPLANATIONS_FILE = "explanations.yaml"


@dataclass(frozen=True)
class Finding:
    """One problem found in or for the package (``count`` records share it)."""

    rule: str
    severity: str
    where: str
    variable: str
    message: str
    count: int = 1


class Explanation(BaseModel):
    """Why a finding is left as it is: matched by rule, and by dataset and variable when they are given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    dataset: str | None = Field(None, description="dataset name (e.g. AE); None = every dataset")
    variable: str | None = None
    explanation: str = Field(min_length=20, description="the text the reviewer's guide prints")
    translations: dict[str, str] = Field(
        default_factory=dict,
        description="the text in the language of a guide that is not English (NMPA: zh, CDE 2020 No. 16)",
    )

    def text(self, language: str) -> str:
        """The explanation in ``language``; the English text where it has no translation."""
        return self.translations.get(language, self.explanation)

    def covers(self, finding: Finding) -> bool:
        """True when this explanation is about ``finding``."""
        if self.rule != finding.rule:
            return False
        stem = Path(finding.where).stem.upper()
        if self.dataset is not None and self.dataset.upper() != stem:
            return False
        return self.variable is None or self.variable.upper() == finding.variable.upper()


class Explanations(BaseModel):
    """A study's explanations of the findings it does not fix."""

    model_config = ConfigDict(extra="forbid")

    explanations: list[Explanation] = []

    def explain(self, finding: Finding, language: str = "en") -> str | None:
        """The first explanation covering ``finding`` in ``language`` (English where it has none), or None."""
        return next((item.text(language) for item in self.explanations if item.covers(finding)), None)


def load_explanations(study_folder: Path | None) -> Explanations:
    """The study's ``explanations.yaml``; none (an empty set) when the study has no such file."""
    if study_folder is None or not (study_folder / EXPLANATIONS_FILE).is_file():
        return Explanations()
    return load_model(study_folder / EXPLANATIONS_FILE, Explanations)
