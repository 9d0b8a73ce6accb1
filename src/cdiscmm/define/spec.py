"""The define stage's own specs, as pydantic models: linked documents, external dictionaries, analysis results.

``specs/define/define.yaml`` (:class:`DefineSpec`) names the documents every define links and the variables coded
with an external dictionary; ``specs/adam/analysis-results.yaml`` (:class:`AnalysisResults`) states the Analysis
Results Metadata of the ADaM define (CDISC ARM v1.0 for Define-XML 2.1).
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cdiscmm.core.paths import specs_dir
from cdiscmm.metadata.model import WhereCondition
from cdiscmm.metadata.yamlio import load_model

DEFINE_SPEC_FILE = "define/define.yaml"
ANALYSIS_RESULTS_FILE = "adam/analysis-results.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Document(_Strict):
    """A document define.xml links by def:leaf (Define-XML 2.1 §5.3.13), whether or not it exists yet."""

    id: str = Field(pattern=r"^LF\.[A-Za-z0-9_.-]+$")
    href: str
    title: str
    kind: Literal["annotated-crf", "supplemental"] = Field(
        description="def:AnnotatedCRF or def:SupplementalDoc (Define-XML 2.1 §5.3.2, §5.3.3)"
    )
    standards: list[Literal["SDTMIG", "ADaMIG"]] = Field(min_length=1, description="the defines that link it")


class Dictionary(_Strict):
    """An external dictionary and the variables it codes (Define-XML 2.1 §5.3.12.2 ExternalCodeList)."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    dictionary: str
    version: str | None = Field(None, description="stated only when the study states it")
    variables: list[str] = Field(min_length=1)


class DefineSpec(_Strict):
    """``specs/define/define.yaml``."""

    documents: list[Document]
    dictionaries: list[Dictionary] = []


class AnalysisDataset(_Strict):
    """One dataset an analysis result reads: its records (where-clause) and analysis variables (ARM 1.0 §3.2)."""

    dataset: str
    where: list[WhereCondition] = []
    variables: list[str] = Field(min_length=1)


class AnalysisResult(_Strict):
    """One analysis result of a display (ARM 1.0 arm:AnalysisResult)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    description: str
    parameter: str | None = Field(None, description="PARAMCD the result analyses (ParameterOID)")
    reason: str = Field(description="AnalysisReason, e.g. SPECIFIED IN PROTOCOL")
    purpose: str = Field(description="AnalysisPurpose, e.g. PRIMARY OUTCOME MEASURE")
    datasets: list[AnalysisDataset] = Field(min_length=1)
    documentation: str
    code_context: str = Field(description="ProgrammingCode/@Context: language and program")
    code: str = Field(description="arm:Code: the call that computes the result")


class ResultDisplay(_Strict):
    """A table or figure of the analysis and the results it shows (ARM 1.0 arm:ResultDisplay)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    description: str
    results: list[AnalysisResult] = Field(min_length=1)


class AnalysisResults(_Strict):
    """``specs/adam/analysis-results.yaml``."""

    displays: list[ResultDisplay] = Field(min_length=1)


@cache
def define_spec() -> DefineSpec:
    """The bundled ``specs/define/define.yaml``."""
    return load_model(specs_dir() / DEFINE_SPEC_FILE, DefineSpec)


@cache
def analysis_results() -> AnalysisResults:
    """The bundled ``specs/adam/analysis-results.yaml``."""
    return load_model(specs_dir() / ANALYSIS_RESULTS_FILE, AnalysisResults)
