"""Region rules as data: what ``cdiscmm validate --region R`` adds (``specs/regions/validation/<R>.yaml``).

A region file names the regional catalogue rules it switches on (``rules``; the others are NOT RUN with the reason),
whether labels and values must be ASCII (the XPT checker then reports non-ASCII bytes, XPT011) and which agency's
class of each rule becomes its severity (``severity_from``: the catalogue's ``pmda`` or ``fda`` field).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from cdiscmm.core.errors import Location, SpecError, UsageError
from cdiscmm.core.paths import specs_dir
from cdiscmm.metadata.yamlio import load_model
from cdiscmm.validate.catalogue import Rule

REGIONS = ("pmda", "nmpa", "fda")
REGION_FOLDER = ("regions", "validation")


class RegionRules(BaseModel):
    """One region's validation rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    region: Literal["pmda", "nmpa", "fda"]
    severity_from: Literal["pmda", "fda"] | None = None
    ascii_only: bool = False
    rules: list[str]


def load_region(region: str, root: Path | None = None) -> RegionRules:
    """The validation rules of ``region``; UsageError for an unknown region."""
    if region not in REGIONS:
        raise UsageError(f"unknown region {region!r}", Location(field="--region"), expected=", ".join(REGIONS))
    return load_model((root or specs_dir()).joinpath(*REGION_FOLDER, f"{region}.yaml"), RegionRules)


def _listing(region: str) -> set[str]:
    return set(load_region(region).rules)


def apply_region(rules: list[Rule], region: str | None) -> tuple[list[Rule], dict[str, str]]:
    """The rules to run under ``region`` (None: no region) with the region's severities, and the NOT RUN reason of
    every regional rule it does not switch on. A region file naming a rule the catalogue lacks is a SpecError."""
    profile = load_region(region) if region else None
    known = {rule.id for rule in rules}
    if profile is not None and set(profile.rules) - known:
        raise SpecError(
            f"region {profile.region} names unknown rule(s) {', '.join(sorted(set(profile.rules) - known))}",
            Location(file=str(specs_dir().joinpath(*REGION_FOLDER, f"{profile.region}.yaml")), field="rules"),
        )
    listed_by = {rule.id: [name for name in REGIONS if rule.id in _listing(name)] for rule in rules if rule.regional}
    enabled = set(profile.rules) if profile else set()
    kept, not_run = [], {}
    for rule in rules:
        if rule.regional and rule.id not in enabled:
            wanted = ", ".join(listed_by[rule.id]) or "none"
            not_run[rule.id] = f"a region rule, run with --region {wanted}" + (
                f" (this run: {profile.region})" if profile else " (no --region given)"
            )
            continue
        agency_class = getattr(rule, profile.severity_from) if profile and profile.severity_from else None
        kept.append(rule.model_copy(update={"severity": agency_class}) if agency_class else rule)
    return kept, not_run


def ascii_only(region: str | None) -> bool:
    """Whether ``region`` requires ASCII labels and values."""
    return load_region(region).ascii_only if region else False
