"""Controlled terminology: codelists looked up by C-code or short name, and values checked against them.

A CT file in ``specs/ct/`` has one row per codelist (empty ``codelist_code``; ``code`` is the codelist
C-code, ``submission_value`` its short name) and one row per term (``codelist_code`` names the parent),
the layout of the NCI EVS CDISC terminology files. Sponsor-defined codelists live in
``specs/ct/sponsor.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, model_validator

from cdiscmm.core.errors import Location, SpecError
from cdiscmm.metadata.model import Codelist, Term

#: Columns of a CT file in ``specs/ct/``, in file order.
CT_COLUMNS = (
    "code",
    "codelist_code",
    "extensible",
    "codelist_name",
    "submission_value",
    "synonyms",
    "nci_preferred_term",
)


class CodelistRegistry:
    """The codelists of one terminology package (or of several merged), keyed by code and by short name."""

    def __init__(self, package: str, codelists: Iterable[Codelist], origin: str | None = None) -> None:
        """``origin`` is the file the codelists came from (named in a clash error); codes and names must be unique."""
        self.package = package
        self._by_code: dict[str, Codelist] = {}
        self._by_name: dict[str, Codelist] = {}
        for codelist in codelists:
            for key, index in ((codelist.code, self._by_code), (codelist.name, self._by_name)):
                if key in index:
                    clash = index[key]
                    raise SpecError(
                        f"codelist {key} is defined twice in {package}: {clash.code} {clash.name} ({clash.source}) "
                        f"and {codelist.code} {codelist.name} ({codelist.source})",
                        Location(file=origin),
                    )
                index[key] = codelist
        self._values: dict[str, frozenset[str]] = {}

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Codelist]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Codelist:
        """The codelist with C-code (or sponsor id) ``code``; SpecError naming the code when absent."""
        try:
            return self._by_code[code]
        except KeyError:
            raise SpecError(
                f"codelist {code} is not in {self.package}",
                expected="a codelist code listed in specs/SOURCES.md or specs/ct/sponsor.yaml",
            ) from None

    def by_name(self, name: str) -> Codelist:
        """The codelist with short name ``name`` (e.g. SEX); SpecError naming it when absent."""
        try:
            return self._by_name[name]
        except KeyError:
            raise SpecError(f"codelist named {name} is not in {self.package}") from None

    def submission_values(self, code: str) -> frozenset[str]:
        """The set of submission values of codelist ``code``."""
        if code not in self._values:
            self._values[code] = frozenset(self.get(code).values())
        return self._values[code]

    def is_valid(self, codelist_code: str, value: str) -> bool:
        """True when ``value`` is exactly (case-sensitively) a submission value of the codelist."""
        return value in self.submission_values(codelist_code)

    def invalid(self, codelist_code: str, series: pd.Series) -> pd.Series:
        """True where a value is present but is not a submission value of the codelist.

        Missing values (null, or the empty string that SDTM writes for a missing character value) are
        never invalid. Extensible codelists are checked the same way: the caller decides whether a
        value outside the codelist is an extension or an error.
        """
        present = series.notna() & series.ne("")
        return (present & ~series.isin(self.submission_values(codelist_code))).rename(series.name)


def _synonyms(cell: str) -> tuple[str, ...]:
    return tuple(part for part in cell.split("; ") if part)


def read_ct(path: Path, package: str) -> CodelistRegistry:
    """Read a CT file of ``specs/ct/`` (columns :data:`CT_COLUMNS`) into a registry.

    Term decodes are the NCI preferred terms; synonyms are split on ``"; "``. A term row whose codelist
    has no codelist row, or an ``extensible`` cell other than Yes/No, is a SpecError naming the line.
    """
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise SpecError("terminology file not found", Location(file=str(path))) from None
    if tuple(table.columns) != CT_COLUMNS:
        raise SpecError(
            "unexpected columns", Location(file=str(path), line=1), found=list(table.columns), expected=str(CT_COLUMNS)
        )
    heads: dict[str, dict[str, str]] = {}
    terms: dict[str, list[Term]] = {}
    for line, row in enumerate(table.to_dict("records"), start=2):
        if row["codelist_code"] == "":
            if row["extensible"] not in ("Yes", "No"):
                raise SpecError(
                    f"codelist {row['code']}: extensible must be Yes or No",
                    Location(file=str(path), line=line, field="extensible"),
                    found=row["extensible"],
                )
            heads[row["code"]] = row
            terms.setdefault(row["code"], [])
        else:
            term = Term(
                submission_value=row["submission_value"],
                code=row["code"],
                decode=row["nci_preferred_term"] or None,
                synonyms=_synonyms(row["synonyms"]),
            )
            terms.setdefault(row["codelist_code"], []).append(term)
    orphans = sorted(set(terms) - set(heads))
    if orphans:
        raise SpecError(
            f"terms of codelists {', '.join(orphans)} have no codelist row", Location(file=str(path), field="code")
        )
    codelists = [
        Codelist(
            code=code,
            name=head["submission_value"],
            long_name=head["codelist_name"],
            extensible=head["extensible"] == "Yes",
            source=package,
            terms=terms[code],
        )
        for code, head in heads.items()
    ]
    return CodelistRegistry(package, codelists, origin=str(path))


class SponsorCodelist(Codelist):
    """A sponsor-defined codelist: its id does not look like an NCI C-code and its values are unique."""

    source: Literal["Sponsor"] = "Sponsor"

    @model_validator(mode="after")
    def _is_sponsor_defined(self) -> SponsorCodelist:
        if re.fullmatch(r"C[0-9]+", self.code):
            raise ValueError(f"codelist {self.code}: a sponsor codelist id must not look like an NCI C-code")
        values = self.values()
        repeated = sorted({value for value in values if values.count(value) > 1})
        if repeated:
            raise ValueError(f"codelist {self.code}: submission values repeated: {', '.join(repeated)}")
        return self


class SponsorTerminology(BaseModel):
    """``specs/ct/sponsor.yaml``: codelists the sponsor defines where CDISC CT has none (e.g. QLQ-MY20 items)."""

    model_config = ConfigDict(extra="forbid")

    codelists: list[SponsorCodelist] = []
