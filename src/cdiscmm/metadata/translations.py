"""Dataset and variable labels in a local language (``specs/translations/<language>.yaml``), read by define and package.

The files are keyed by the English label (SDTMIG 3.4 / ADaMIG 1.3 or the project's dataset spec) and hold the
clinical term a reviewer reads (sources in each file's header: MedDRA Chinese/Japanese terms, the NMPA GCP and
ICH E2A texts). Each dataset or variable label fits the XPT v5 label field, 40 bytes of UTF-8 (SAS TS-140; CDE
2020 No. 16 for NMPA labels). A missing translation is None, never a made-up text: the caller reports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cdiscmm.core.paths import specs_dir
from cdiscmm.metadata.yamlio import load_model

Language = Literal["en", "ja", "zh"]
#: The XPT v5 label field (SAS TS-140 NAMESTR nlabel / member header): 40 bytes.
LABEL_BYTES = 40


class CollectedTexts(BaseModel):
    """How a collected origin's text reads in the language (:func:`cdiscmm.metadata.origins.collected_text`): the
    form and field names stay as written, in ``{form}`` and ``{fields}``; ``described`` joins a declared
    description (translated from ``origins``) and the collected text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    form: str = Field(description="'<form> form', e.g. '{form} 表单'")
    fields: str = Field(description="'<form> form, field <fields>', e.g. '{form} 表单 {fields} 字段'")
    described: str = Field(description="'<description>; <collected text>', e.g. '{description}；{collected}'")

    @model_validator(mode="after")
    def _placeholders(self) -> CollectedTexts:
        needed = {"form": ("{form}",), "fields": ("{form}", "{fields}"), "described": ("{description}", "{collected}")}
        for name, placeholders in needed.items():
            missing = [placeholder for placeholder in placeholders if placeholder not in getattr(self, name)]
            if missing:
                raise ValueError(f"collected.{name} lacks {', '.join(missing)}")
        return self


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
    analysis: dict[str, str] = Field(
        default_factory=dict,
        description="analysis results texts define.xml prints (arm:ResultDisplay, AnalysisResult, Documentation)",
    )
    origins: dict[str, str] = Field(
        default_factory=dict, description="origin descriptions define.xml prints (def:Origin), but collected texts"
    )
    collected: CollectedTexts | None = Field(None, description="collected origin texts: the form and fields read")

    @field_validator("datasets", "variables", "values", "decodes", "methods", "comments", "analysis", "origins")
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

    def origin(self, english: str) -> str | None:
        """The translation of a def:Origin text: from ``origins``, else a collected text (the form and fields read,
        after a declared description ``origins`` translates) written with ``collected``; None when neither has it."""
        from cdiscmm.metadata.origins import COLLECTED_TEXT  # imports the model (pandas): not at CLI start-up

        if english in self.origins:
            return self.origins[english]
        match = COLLECTED_TEXT.fullmatch(english)
        if match is None or self.collected is None:
            return None
        form, fields, description = match.group("form", "fields", "description")
        collected = (self.collected.fields if fields else self.collected.form).format(form=form, fields=fields)
        if description is None:
            return collected
        local = self.origins.get(description)
        return self.collected.described.format(description=local, collected=collected) if local else None

    def term(self, english: str) -> str:
        """The translation of a term a guide prints, or the English term when the file has none."""
        return self.terms.get(english, english)


def translations_file(language: str, root: Path | None = None) -> Path:
    """``specs/translations/<language>.yaml``."""
    return (root or specs_dir()) / "translations" / f"{language}.yaml"


def load_translations(language: str, root: Path | None = None) -> Translations:
    """The labels of ``language`` (ja, zh) from ``specs/translations/<language>.yaml``."""
    return load_model(translations_file(language, root), Translations)
