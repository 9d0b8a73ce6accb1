"""Declared origins of the SDTM variables no mapping verb makes (``specs/sdtm/origins.yaml``), as pydantic models.

A record verb declares the Define-XML origin of what it maps (``@record_verb(..., origin=...)``) and a domain verb
makes Derived values. What neither makes is stated here, as data: identifiers the build assigns (STUDYID, DOMAIN,
USUBJID), the DM rules of the study design, the SUPP-- structure, the TS variables, and the variables coded with an
external dictionary, whose values are assigned by the coder whatever verb copies them (Define-XML 2.1 §5.3.11
def:Origin: Type and Source; Origin Type codelist C170449, Origin Source C170450).
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cdiscmm.core.paths import specs_dir
from cdiscmm.metadata.model import Origin, OriginSource
from cdiscmm.metadata.yamlio import load_model

ORIGINS_FILE = "sdtm/origins.yaml"
#: A collected origin's text as :func:`collected_text` writes it, after its declared description and "; " when one
#: is declared (``Coded with MedDRA (...); ae form, field AEDECOD``); read back by the translations.
COLLECTED_TEXT = re.compile(r"(?:(?P<description>.+); )?(?P<form>\w+) form(?:, field (?P<fields>\w+(?:, \w+)*))?")


def collected_text(form: str, fields: list[str]) -> str:
    """The def:Origin text of a collected value: the form it is read from and its fields (``ae form, field AETERM``;
    ``ic form`` when the verb names no field)."""
    return f"{form} form" + (f", field {', '.join(fields)}" if fields else "")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeclaredOrigin(_Strict):
    """The def:Origin of one variable: its type, who supplied the value, and its description or derivation.

    ``description`` is the origin's text (Define-XML def:Origin/Description) for a value that is not derived;
    ``method`` the rule of a Derived value (MethodDef). A Derived origin states its method; the others do not.
    """

    origin: Origin
    source: OriginSource | None = Field(None, description="def:Origin/@Source; default by origin type")
    description: str | None = None
    method: str | None = None

    @model_validator(mode="after")
    def _method_only_when_derived(self) -> DeclaredOrigin:
        if (self.origin == "Derived") != (self.method is not None):
            raise ValueError("a Derived origin states its method, and only a Derived one")
        return self


class CodedVariables(_Strict):
    """The variables one external dictionary codes and the origin of their values (an assignment by the coder)."""

    origin: DeclaredOrigin
    variables: list[str] = Field(min_length=1)


class OriginsSpec(_Strict):
    """``specs/sdtm/origins.yaml``: origins by variable (any dataset), by dataset, and of dictionary-coded values."""

    variables: dict[str, DeclaredOrigin] = Field(description="Variables of every dataset, e.g. STUDYID")
    datasets: dict[str, dict[str, DeclaredOrigin]] = Field(
        description="Variables of one dataset (SUPPQUAL for every SUPP--), ahead of the ones of every dataset"
    )
    overrides: dict[str, DeclaredOrigin] = Field(
        description="Variables whose mapped values the sponsor decided ('--' = domain prefix), e.g. --TESTCD"
    )
    collected_by: dict[str, OriginSource] = Field(
        description="DATASET.VARIABLE -> who gives its collected values when not the investigator (PRO: Subject)"
    )
    coded: dict[str, CodedVariables] = Field(description="Dictionary name (e.g. MedDRA) -> its coded variables")
    not_available: DeclaredOrigin = Field(description="A variable the build keeps but nothing fills (Exp, null)")

    def declared(self, dataset: str, variable: str) -> DeclaredOrigin | None:
        """The declared origin of ``dataset.variable`` (dataset entry first), None when nothing declares it."""
        group = "SUPPQUAL" if dataset.startswith("SUPP") else dataset
        return self.datasets.get(group, {}).get(variable) or self.variables.get(variable)

    def overriding(self, dataset: str, variable: str) -> DeclaredOrigin | None:
        """The origin that replaces a mapping verb's for ``dataset.variable``: its dictionary's, else an override."""
        for coded in self.coded.values():
            if variable in coded.variables:
                return coded.origin
        generic = "--" + variable.removeprefix(dataset) if variable.startswith(dataset) else None
        return self.overrides.get(variable) or (self.overrides.get(generic) if generic else None)


@cache
def declared_origins() -> OriginsSpec:
    """The bundled ``specs/sdtm/origins.yaml``."""
    return load_model(specs_dir() / ORIGINS_FILE, OriginsSpec)
