"""A study's explanations of the findings it keeps (``mappings/<study>/explanations.yaml``), as data.

PMDA wants every unfixed error-class finding explained in the reviewer's guide (regulatory.md 1.3); QA reads the
same texts beside the findings of the validation report. One file per study, read by the validate stage (the QA
report) and the package stage (the package check and the guides).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from cdiscmm.metadata.yamlio import load_model

EXPLANATIONS_FILE = "explanations.yaml"


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

    def covers(self, rule: str, dataset: str, variable: str) -> bool:
        """True when this explanation is about a finding of ``rule`` in ``dataset`` (a name such as AE, or a file
        name whose stem is one, e.g. ``ae.xpt``) on ``variable``."""
        if self.rule != rule:
            return False
        if self.dataset is not None and self.dataset.upper() != Path(dataset).stem.upper():
            return False
        return self.variable is None or self.variable.upper() == variable.upper()


class Explanations(BaseModel):
    """A study's explanations of the findings it does not fix."""

    model_config = ConfigDict(extra="forbid")

    explanations: list[Explanation] = []

    def find(self, rule: str, dataset: str, variable: str) -> Explanation | None:
        """The first explanation covering a finding of ``rule`` in ``dataset`` on ``variable``, or None."""
        return next((item for item in self.explanations if item.covers(rule, dataset, variable)), None)


def load_explanations(path: Path | None) -> Explanations:
    """The explanations in ``path`` (an explanations.yaml, or a study folder holding one); none (an empty set) when
    there is no such file. A malformed file is a SpecError naming its line."""
    if path is not None and path.is_dir():
        path = path / EXPLANATIONS_FILE
    if path is None or not path.is_file():
        return Explanations()
    return load_model(path, Explanations)
