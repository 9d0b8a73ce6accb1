"""Dataset and variable labels in a local language (``specs/translations/<language>.yaml``), read by define and package.

The files are keyed by the English label (SDTMIG 3.4 / ADaMIG 1.3 or the project's dataset spec) and hold the
clinical term a reviewer reads (sources in each file's header: MedDRA Chinese/Japanese terms, the NMPA GCP and
ICH E2A texts). Each dataset or variable label fits the XPT v5 label field, 40 bytes of UTF-8 (SAS TS-140; CDE
2020 No. 16 for NMPA labels). A missing translation is None, never a made-up text: the caller reports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cdiscmm.core.paths import specs_dir
from cdiscmm.metadata.yamlio import load_model

Language = Literal["en", "ja", "zh"]
#: The XPT v5 label field (SAS TS-140 NAMESTR nlabel / member header): 40 bytes.
LABEL_BYTES = 40


class Translations(BaseModel):
    """Dataset and variable labels in one language, keyed by the English label (``specs/translations/<lang>.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Language
    name: str
    datasets: dict[str, str]
    variables: dict[str, str]
    terms: dict[str, str] = Field(
        default_factory=dict, description="other English terms a guide prints (TS parameters, dataset classes)"
    )
    values: dict[str, str] = Field(
        default_factory=dict,
        description="value-level descriptions define.xml prints (QLABEL, --TEST, PARAM); no XPT label, no byte limit",
    )
    decodes: dict[str, str] = Field(default_factory=dict, description="codelist decodes define.xml prints")
    methods: dict[str, str] = Field(
        default_factory=dict, description="derivation texts define.xml prints (MethodDef); no byte limit"
    )
    comments: dict[str, str] = Field(default_factory=dict, description="comments define.xml prints (def:CommentDef)")

    @field_validator("datasets", "variables", "values", "decodes", "methods", "comments")
    @classmethod
    def _not_empty(cls, texts: dict[str, str]) -> dict[str, str]:
        for english, local in texts.items():
            if not local.strip():
                raise ValueError(f"{english!r} has an empty translation")
        return texts

    @field_validator("datasets", "variables")
    @classmethod
    def _fit_xpt(cls, labels: dict[str, str]) -> dict[str, str]:
        for english, local in labels.items():
            if len(local.encode("utf-8")) > LABEL_BYTES:
                raise ValueError(f"{english!r} -> {local!r} is longer than {LABEL_BYTES} bytes in UTF-8")
        return labels

    def dataset(self, english: str) -> str | None:
        """The translation of a dataset label, or None when the file has none."""
        return self.datasets.get(english)

    def variable(self, english: str) -> str | None:
        """The translation of a variable label, or None when the file has none."""
        return self.variables.get(english)

    def term(self, english: str) -> str:
        """The translation of a term a guide prints, or the English term when the file has none."""
        return self.terms.get(english, english)


def translations_file(language: str, root: Path | None = None) -> Path:
    """``specs/translations/<language>.yaml``."""
    return (root or specs_dir()) / "translations" / f"{language}.yaml"


def load_translations(language: str, root: Path | None = None) -> Translations:
    """The labels of ``language`` (ja, zh) from ``specs/translations/<language>.yaml``."""
    return load_model(translations_file(language, root), Translations)
