"""Region profiles, read from ``specs/regions/<region>.yaml`` (labels: :mod:`cdiscmm.metadata.translations`).

A profile states an agency's folder tree, file-name and path-length rules, which language the dataset labels
are in and where local-language datasets go, whether values must be ASCII, the language and encoding
statement of the reviewer's guides, and which validation severities refuse a package or need an explanation
(sources cited in each YAML file: PMDA TCG, CDE 2020 No. 16, FDA Study Data TCG).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cdiscmm.core.errors import Location, UsageError
from cdiscmm.core.paths import specs_dir
from cdiscmm.metadata.translations import Language
from cdiscmm.metadata.yamlio import load_model

Region = Literal["pmda", "nmpa", "fda"]
REGIONS: tuple[str, ...] = ("pmda", "nmpa", "fda")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tree(_Strict):
    """eCTD m5 folders relative to the package root; ``{study}`` is the study folder name."""

    sdtm: str
    adam: str
    programs: str


class Names(_Strict):
    """File and folder naming rules; ``path_max`` counts characters of the path from ``m5`` on."""

    folder_pattern: str
    file_pattern: str
    dataset_name_max: int
    file_name_max: int
    path_max: int


class DatasetRules(_Strict):
    """Language of the labels, local-language datasets, ASCII rules, size limit."""

    labels: Language
    local_language: Language | None
    local_folder: str | None = Field(description="sub-folder of the local-language datasets; None = they replace")
    ascii_only_values: bool
    ascii_variables: list[str] = Field(description="variables (-- = domain prefix) whose values must be ASCII")
    max_dataset_bytes: int


class GuideRules(_Strict):
    """Reviewer's guide language and whether the encoding must be stated."""

    language: Language
    encoding_statement: Literal["required", "optional"]
    translations: Language | None


class ProgramRules(_Strict):
    extension: str


class ValidationRules(_Strict):
    """Severities that refuse a package outright, and severities that need an explanation in the guide."""

    refuse: list[Literal["Reject", "Error", "Warning"]]
    explain: list[Literal["Reject", "Error", "Warning"]]


class RegionProfile(_Strict):
    """One agency's package rules (``specs/regions/<region>.yaml``)."""

    region: Region
    agency: str
    title: str
    tree: Tree
    names: Names
    datasets: DatasetRules
    guides: GuideRules
    programs: ProgramRules
    validation: ValidationRules
    encoding: Literal["UTF-8", "ASCII"]


def load_profile(region: str, root: Path | None = None) -> RegionProfile:
    """The profile of ``region`` (pmda, nmpa, fda); UsageError for another name."""
    if region not in REGIONS:
        raise UsageError(f"unknown region {region!r}", Location(field="--region"), expected=", ".join(REGIONS))
    return load_model((root or specs_dir()) / "regions" / f"{region}.yaml", RegionProfile)
