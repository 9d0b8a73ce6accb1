"""The rule catalogue (``specs/rules/*.yaml``, rules as data) and the registry of check functions it names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from cdiscmm.core.errors import Location, SpecError
from cdiscmm.core.paths import specs_dir
from cdiscmm.metadata.yamlio import load_model
from cdiscmm.validate.findings import NotRun, Severity

AgencyClass = Literal["Reject", "Error", "Warning"]
#: Where a rule applies: SDTM or ADaM datasets, collected forms (before SDTM), or the define.xml.
Scope = Literal["SDTM", "ADaM", "collected", "define", "XPT"]


class Rule(BaseModel):
    """One rule of the catalogue: what is checked, how bad a breach is, and which published rules it matches.

    ``check`` names a function of the registry (:data:`CHECKS`); ``variables`` and ``params`` are its
    arguments (``--`` stands for the domain prefix, as in SDTMIG). ``datasets`` lists the datasets the rule
    applies to (``*`` = every dataset of its scope). ``p21``, ``core`` and ``pmda``/``fda`` give the matching
    Pinnacle 21 / CDISC CORE rule ids and the agencies' severity class for it, where one exists.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Z][A-Z0-9-]+$")
    check: str
    severity: Severity
    scope: Scope = "SDTM"
    message: str
    description: str = Field(description="The rule in words and where it comes from (standard + section)")
    datasets: tuple[str, ...] = ("*",)
    variables: tuple[str, ...] = ()
    params: dict[str, Any] = Field(default_factory=dict)
    p21: str | None = None
    core: str | None = None
    pmda: AgencyClass | None = None
    fda: AgencyClass | None = None
    #: A region rule: it runs only under ``--region`` whose ``specs/regions/validation/<region>.yaml`` lists it.
    regional: bool = False


class Catalogue(BaseModel):
    """One YAML file of rules."""

    model_config = ConfigDict(extra="forbid")

    rules: list[Rule]


RULES_DIR = "rules"


def load_catalogue(directory: Path | None = None) -> list[Rule]:
    """Every rule of ``specs/rules/*.yaml`` (or ``directory``), in file then listing order.

    A duplicated rule id or a check the registry does not have is a SpecError naming the file.
    """
    from cdiscmm.validate import checks_define, checks_files, collected, engine  # noqa: F401 - fill CHECKS

    folder = directory or specs_dir() / RULES_DIR
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yaml")):
        for rule in load_model(path, Catalogue).rules:
            if rule.id in seen:
                raise SpecError(
                    f"rule {rule.id} is defined twice (also in {seen[rule.id].name})", Location(file=str(path))
                )
            if rule.check not in CHECKS:
                raise SpecError(
                    f"rule {rule.id} names check {rule.check!r}, which the registry does not have",
                    Location(file=str(path), field="check"),
                    expected=", ".join(sorted(CHECKS)),
                )
            seen[rule.id] = path
            rules.append(rule)
    if not rules:
        raise SpecError("no rules found", Location(file=str(folder)), expected="specs/rules/*.yaml")
    return rules


@dataclass
class CheckRun:
    """What a check function gets: the delivery, its rule, and a tally of the datasets it ran on or skipped."""

    delivery: Any  # cdiscmm.validate.delivery.Delivery (a Protocol would restate it)
    rule: Rule
    ran_on: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def datasets(self) -> list[str]:
        """The delivery's datasets this rule applies to, in name order."""
        return self.delivery.in_scope(self.rule)

    def var(self, dataset: str, template: str) -> str:
        """``template`` with ``--`` replaced by the dataset's domain prefix (``--STDTC`` -> ``AESTDTC``)."""
        return template.replace("--", self.delivery.prefix(dataset))

    def columns(self, dataset: str, *templates: str) -> list[str] | None:
        """The concrete variables, or None after recording the dataset as skipped when one is absent."""
        names = [self.var(dataset, template) for template in templates]
        missing = [name for name in names if name not in self.delivery.datasets[dataset].columns]
        if missing:
            self.skipped.append(f"{dataset}: {', '.join(missing)} absent")
            return None
        self.ran_on.append(dataset)
        return names

    def need(self, dataset: str, *variables: str) -> pd.DataFrame:
        """A dataset other checks depend on (DM, DS, ...): NotRun when it or one of ``variables`` is absent."""
        frame = self.delivery.datasets.get(dataset)
        if frame is None:
            raise NotRun(f"{dataset} dataset absent")
        missing = [name for name in variables if name not in frame.columns]
        if missing:
            raise NotRun(f"{dataset}: {', '.join(missing)} absent")
        return frame


CheckFunction = Callable[[CheckRun], pd.DataFrame]
#: The registry: check name -> function returning the findings of one rule on one delivery.
CHECKS: dict[str, CheckFunction] = {}
#: What a check looks at, which says how ``cdiscmm validate --chunk-subjects`` runs it
#: (:mod:`cdiscmm.validate.chunked`): ``subject`` within a record or a subject's records (run on each chunk of
#: subjects, findings joined), ``dataset`` only names, variables, types, metadata, files and the suites' merged
#: findings (run once on each dataset's first record), ``columns`` whole columns across subjects (run once on the
#: whole datasets read with only USUBJID, --SEQ, the rule's ``variables`` and the check's :data:`READS`),
#: ``collected`` the collected export (not chunked).
Reach = Literal["subject", "dataset", "columns", "collected"]
REACH: dict[str, Reach] = {}
#: For a ``columns`` check: the variables (``--`` = domain prefix) it reads beside the rule's ``variables``.
READS: dict[str, tuple[str, ...]] = {}


def check(name: str, reach: Reach, reads: tuple[str, ...] = ()) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under ``name`` (the name the catalogue's ``check:`` uses) with its :data:`REACH`
    (and, for ``columns``, the variables it :data:`READS`)."""

    def decorate(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise ValueError(f"check {name} registered twice")
        CHECKS[name] = function
        REACH[name] = reach
        READS[name] = reads
        return function

    return decorate
