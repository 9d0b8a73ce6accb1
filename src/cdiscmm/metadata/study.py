"""A study's identity and the list of bundled studies (``mappings/<study>/study.yaml``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cdiscmm.errors import Location, UsageError
from cdiscmm.metadata.yamlio import load_model
from cdiscmm.paths import mappings_dir

Region = Literal["PMDA", "NMPA", "FDA"]


class StudyConfig(BaseModel):
    """``study.yaml``: who the study is, where it is submitted, what language its collected text is in.

    Further sections (trial design, trial-summary parameters) are added by the SDTM stage's schema.
    """

    model_config = ConfigDict(extra="allow")

    studyid: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{0,19}$")
    title: str
    sponsor: str
    region: Region
    language: str = Field("en", description="Language of collected free text (ISO 639-1): ja, zh, en")


class StudyRef(BaseModel):
    """A bundled study: its folder under ``mappings/`` and its config."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    folder: Path
    config: StudyConfig

    @property
    def studyid(self) -> str:
        return self.config.studyid


def bundled_studies(root: Path | None = None) -> list[StudyRef]:
    """Every ``mappings/*/study.yaml``, sorted by STUDYID."""
    base = root or mappings_dir()
    refs = [
        StudyRef(folder=path.parent, config=load_model(path, StudyConfig)) for path in sorted(base.glob("*/study.yaml"))
    ]
    return sorted(refs, key=lambda ref: ref.studyid)


def select_studies(requested: list[str] | None, root: Path | None = None) -> list[StudyRef]:
    """The studies named by ``--study`` (all bundled ones when none is named)."""
    studies = bundled_studies(root)
    if not requested:
        return studies
    by_id = {ref.studyid: ref for ref in studies}
    unknown = [study for study in requested if study not in by_id]
    if unknown:
        raise UsageError(
            f"unknown study {unknown[0]}",
            Location(field="--study"),
            expected=f"one of {', '.join(sorted(by_id))}",
        )
    return [by_id[study] for study in requested]
