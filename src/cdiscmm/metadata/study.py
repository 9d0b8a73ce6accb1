"""A study's identity, design and trial-summary parameters (``mappings/<study>/study.yaml``), and the bundled studies.

The design section states, as data, what SDTMIG 3.4 leaves to the sponsor: which collected dates make the DM
reference dates (DM assumptions 8-9), the epochs (SDTMIG §4.1.3.1, EPOCH codelist C99079) and the arm variables
of a study that assigns no treatment (DM assumption 4). ``trial_summary`` lists the TS parameters (SDTMIG §7.6.1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cdiscmm.core.errors import InputError, Location, SpecError, UsageError
from cdiscmm.core.paths import mappings_dir
from cdiscmm.metadata.vocabulary import ConditionAddArgs, DateFormat
from cdiscmm.metadata.yamlio import load_model

Region = Literal["PMDA", "NMPA", "FDA"]
#: DM reference-date variables a design rule can fill (SDTMIG 3.4 DM specification).
ReferenceVariable = Literal["RFSTDTC", "RFENDTC", "RFXSTDTC", "RFXENDTC", "RFICDTC", "RFPENDTC", "DTHDTC"]
#: The folder of shared domain mappings inside a mappings folder.
SHARED_FOLDER = "shared"
#: Encodings of real EDC exports a study may declare (Python codec names): UTF-8, Japanese CP932 / Shift_JIS
#: (JIS X 0208 with the Microsoft extensions), Chinese GB18030 (GB 18030-2005).
Encoding = Literal["utf-8", "cp932", "shift_jis", "gb18030"]
#: Arm Null Reason, codelist C142179 (ARMNULRS), SDTM CT 2025-03-28.
ArmNullReason = Literal["ASSIGNED, NOT TREATED", "NOT ASSIGNED", "SCREEN FAILURE", "UNPLANNED TREATMENT"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReferenceSource(_Strict):
    """A collected date that can make a reference date: form, date field, optional time field and row filter."""

    form: str
    subject: str = Field("SUBJID", description="Raw field holding the subject identifier")
    date: str
    time: str | None = None
    format: DateFormat = "DD MON YYYY"
    condition_add: list[ConditionAddArgs] = Field(default_factory=list, description="Row filter (all must hold)")


class ReferenceDate(_Strict):
    """``first`` or ``last`` of the candidate dates over all sources, per subject; partial dates stay partial."""

    pick: Literal["first", "last"]
    sources: list[ReferenceSource] = Field(min_length=1)


class Epoch(_Strict):
    """An epoch (C99079 term) starting on a DM reference date plus ``offset_days`` (no ``start``: from the
    beginning); it lasts until the next listed epoch starts."""

    epoch: str
    start: ReferenceVariable | None = None
    offset_days: int = 0


class Arm(_Strict):
    """The one planned arm of a single-group design (TA.ARMCD/ARM)."""

    armcd: str = Field(pattern=r"^[A-Z0-9_]{1,20}$")
    arm: str = Field(max_length=200)


class Design(_Strict):
    """Reference-date rules, epochs and arm assignment."""

    reference_dates: dict[ReferenceVariable, ReferenceDate] = Field(default_factory=dict)
    epochs: list[Epoch] = Field(default_factory=list)
    epochs_end: ReferenceVariable | None = Field(
        None, description="Reference date after which no epoch applies (inclusive end of the last epoch)"
    )
    arm: Arm | None = Field(None, description="Single planned arm; exactly one of arm and arm_null_reason")
    arm_null_reason: ArmNullReason | None = Field(
        None, description="DM.ARMNRS when no arm is assigned by the protocol (non-interventional studies)"
    )

    @model_validator(mode="after")
    def _arm_or_reason(self) -> Design:
        if (self.arm is None) == (self.arm_null_reason is None):
            raise ValueError("give exactly one of arm and arm_null_reason")
        return self


class TrialSummaryParameter(_Strict):
    """One TS parameter: TSPARMCD and its value(s), coded by a CT codelist or an external dictionary."""

    parmcd: str = Field(pattern=r"^[A-Z][A-Z0-9]{0,7}$", description="TSPARMCD (codelist C66738)")
    value: str | None = Field(None, description="TSVAL")
    values: list[str] | None = Field(None, description="Several TSVAL records (TSSEQ 1, 2, ...)")
    codelist: str | None = Field(None, description="Response codelist C-code: TSVALCD is the term's C-code")
    code: str | None = Field(None, description="TSVALCD from an external dictionary")
    dictionary: str | None = Field(
        None, description="TSVCDREF for an external dictionary: a DICTNAM (C66788) term, e.g. ISO 3166, MedDRA"
    )
    dictionary_version: str | None = Field(None, description="TSVCDVER for an external dictionary")
    null_flavor: str | None = Field(None, description="TSVALNF (ISO 21090 null flavor, e.g. PINF, NA)")
    derive: Literal["earliest_consent", "subject_count"] | None = Field(
        None, description="Value derived from DM: earliest RFICDTC (SSTDTC) or number of subjects (ACTSUB)"
    )

    @model_validator(mode="after")
    def _one_value(self) -> TrialSummaryParameter:
        given = [self.value is not None, self.values is not None, self.null_flavor is not None, self.derive is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of value, values, null_flavor, derive")
        return self


class StudyConfig(_Strict):
    """``study.yaml``: who the study is, where it is submitted, its collected language, design and TS parameters."""

    studyid: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{0,19}$")
    title: str
    sponsor: str
    region: Region
    language: Literal["en", "ja", "zh"] = Field("en", description="Language of collected free text (ISO 639-1)")
    encoding: Encoding = Field(
        "utf-8", description="Encoding of the collected CSV export (utf-8, cp932, shift_jis or gb18030)"
    )
    domains: list[str] | None = Field(
        None, description="SDTM domains mapped for this study (default: every mapping file found)"
    )
    design: Design
    trial_summary: list[TrialSummaryParameter] = Field(default_factory=list)
    dictionaries: dict[str, str] = Field(
        default_factory=dict,
        description="Version of each external dictionary the study codes with, e.g. {MedDRA: '28.0'} (define.xml "
        "ExternalCodeList/@Version, Define-XML 2.1 §5.3.12.2)",
    )


class StudyRef(BaseModel):
    """A study of a mappings folder: its folder (``<mappings>/<study>/``) and its config."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    folder: Path
    config: StudyConfig

    @property
    def studyid(self) -> str:
        return self.config.studyid

    @property
    def shared_folder(self) -> Path:
        """The shared domain mappings the study's files override: ``shared/`` beside the study folder when the
        mappings folder has one (it then replaces the bundled one as a whole), else the bundled ``shared/``."""
        own = self.folder.parent / SHARED_FOLDER
        return own if own.is_dir() else mappings_dir() / SHARED_FOLDER


def load_study(folder: Path) -> StudyRef:
    """The study whose ``study.yaml`` is in ``folder``."""
    return StudyRef(folder=folder, config=load_model(folder / "study.yaml", StudyConfig))


def bundled_studies(root: Path | None = None) -> list[StudyRef]:
    """Every study of mappings folder ``root`` (default: the bundled one), sorted by STUDYID.

    ``root`` is a folder of study folders (``<root>/*/study.yaml``) or one study folder (``<root>/study.yaml``).
    """
    base = root or mappings_dir()
    if not base.is_dir():
        raise InputError(
            "mappings folder not found",
            Location(file=str(base), field="--mappings"),
            expected="a folder of study folders, each with a study.yaml",
        )
    files = [base / "study.yaml"] if (base / "study.yaml").is_file() else sorted(base.glob("*/study.yaml"))
    if not files:
        raise InputError(
            "no study.yaml in the mappings folder",
            Location(file=str(base), field="--mappings"),
            expected="<study>/study.yaml (create one with `cdiscmm init`)",
        )
    refs = sorted((load_study(path.parent) for path in files), key=lambda ref: ref.studyid)
    seen: dict[str, Path] = {}
    for ref in refs:
        if ref.studyid in seen:
            raise SpecError(
                f"studyid {ref.studyid} is also the studyid of {seen[ref.studyid] / 'study.yaml'}",
                Location(file=str(ref.folder / "study.yaml"), field="studyid"),
                expected="one study folder per STUDYID",
            )
        seen[ref.studyid] = ref.folder
    return refs


def select_studies(requested: list[str] | None, root: Path | None = None) -> list[StudyRef]:
    """The studies named by ``--study`` among those of mappings folder ``root`` (all of them when none is named)."""
    studies = bundled_studies(root)
    if not requested:
        return studies
    by_id = {ref.studyid: ref for ref in studies}
    unknown = [study for study in requested if study not in by_id]
    if unknown:
        raise UsageError(
            f"unknown study {unknown[0]} in mappings folder {root or mappings_dir()}",
            Location(field="--study"),
            expected=f"one of {', '.join(sorted(by_id))}",
        )
    return [by_id[study] for study in requested]
