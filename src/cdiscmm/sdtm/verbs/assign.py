"""Copy a collected field into a target variable, as it is (``assign_no_ct``) or as a CT term (``assign_ct``)."""

from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import Field, model_validator

from cdiscmm.core.errors import SpecError
from cdiscmm.metadata.model import Codelist
from cdiscmm.sdtm.verbs.base import MapContext, Mapped, VerbArgs, clean_text, problems_where, record_verb


class AssignNoCtArgs(VerbArgs):
    """``assign_no_ct: {field: AETERM_EN, local: AETERM}``."""

    field: str = Field(description="Raw field copied (English text for local-language studies)")
    local: str | None = Field(
        None, description="Raw field with the collected local-language text, written to the <lang>/ copy"
    )
    upper: bool = Field(False, description="Upper-case the value (SDTMIG §4.2.3 text case convention)")
    prefer: list[str] = Field(
        default_factory=list, description="Raw fields read first, in order, where filled (e.g. a joined page's text)"
    )
    local_prefer: list[str] = Field(
        default_factory=list, description="Local-language fields read before ``local``, in order, where filled"
    )

    def fields(self) -> list[str]:
        return [self.field, *self.prefer] + ([self.local] if self.local else []) + self.local_prefer


@record_verb(AssignNoCtArgs, origin="Collected")
def assign_no_ct(raw: pd.DataFrame, args: AssignNoCtArgs, context: MapContext) -> Mapped:
    """Copy a raw field, blanks stripped, text kept as collected (sdtm.oak ASSIGN_NO_CT)."""
    values = clean_text(raw[args.field])
    for preferred in reversed(args.prefer):
        values = clean_text(raw[preferred]).fillna(values)
    if args.upper:
        values = values.str.upper()
    local = clean_text(raw[args.local]) if args.local else None
    for preferred in reversed(args.local_prefer):
        local = clean_text(raw[preferred]) if local is None else clean_text(raw[preferred]).fillna(local)
    return Mapped(values=values, local=local)


class AssignCtArgs(VerbArgs):
    """``assign_ct: {field: AESEV, codelist: C66769, map: {"1": MILD, "2": MODERATE}}``.

    ``codelist`` names a CDISC codelist (NCI C-code) or a sponsor codelist of ``specs/ct/sponsor.yaml``; without
    it the ``map`` is a complete sponsor-defined list (e.g. a SUPP-- QVAL with no CDISC CT). ``strict`` treats
    the collected code list as closed even when the CDISC codelist is extensible. ``unknown`` says what a
    collected value outside the map and codelist becomes (see :data:`UNKNOWN_POLICIES`).
    """

    field: str = Field(description="Raw field holding the collected code or text")
    codelist: str | None = Field(
        None, description="NCI C-code of the target codelist, e.g. C66769 (AESEV); omit for a sponsor list (map)"
    )
    map: dict[str, str] = Field(
        default_factory=dict, description="Study CT map: collected value → submission value of the codelist"
    )
    prefer: list[str] = Field(
        default_factory=list, description="Raw fields read first, in order, where filled (e.g. a joined page's grade)"
    )
    strict: bool = Field(
        False,
        description="Collected codes form a closed list: a value the map and codelist lack rejects the row, "
        "even in an extensible codelist (no sponsor extension is made from a data error)",
    )
    maps_by: str | None = Field(
        None, description="Raw field whose value picks a map from ``maps`` (e.g. ITEM: a scale per questionnaire item)"
    )
    maps: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="Value of ``maps_by`` → the study map for those rows (else ``map``)"
    )

    @model_validator(mode="after")
    def _codelist_or_map(self) -> AssignCtArgs:
        if self.codelist is None and not self.map:
            raise ValueError("give a codelist, or a map that is the complete sponsor-defined list")
        return self

    unknown: Literal["reject", "extend", "blank"] | None = Field(
        None,
        description="What a collected value outside the map and codelist becomes: reject (the row goes to "
        "rejects.csv), extend (submitted upper-cased as a sponsor extension; extensible codelists only) or blank "
        "(the variable is left null, the row is kept and the value is reported as a query). Default: extend for "
        "an extensible codelist without strict, else reject for a Required variable and blank for any other",
    )
    unknown_as: str | None = Field(
        None,
        description="A term submitted instead of a collected value outside the map and codelist (e.g. U, UNKNOWN); "
        "the row is kept and the value is reported as a query",
    )

    @model_validator(mode="after")
    def _maps_need_maps_by(self) -> AssignCtArgs:
        if bool(self.maps) != (self.maps_by is not None):
            raise ValueError("maps and maps_by go together")
        return self

    @model_validator(mode="after")
    def _one_unknown_rule(self) -> AssignCtArgs:
        if self.unknown is not None and self.unknown_as is not None:
            raise ValueError("give unknown or unknown_as, not both")
        if self.unknown == "extend" and self.strict:
            raise ValueError("unknown: extend contradicts strict: true")
        return self

    def fields(self) -> list[str]:
        return [self.field, *self.prefer] + ([self.maps_by] if self.maps_by else [])


#: What ``assign_ct`` does with a collected value that neither the map nor the codelist knows. The row is never
#: dropped silently: ``reject`` sends it to rejects.csv with the reason; the others keep it and write a finding
#: (issues.csv) naming the form, row, field and value, so data management can query the site.
UNKNOWN_POLICIES: dict[str, str] = {
    "reject": "the row goes to rejects.csv (a Required variable with a non-extensible codelist, strict list or map)",
    "extend": "submitted upper-cased as a sponsor extension of an extensible codelist (SDTMIG 3.4 §4.3)",
    "blank": "the variable is left null (unless a domain verb derives it) and the row kept; reported for a query "
    "(default for a variable that is not Required)",
    "unknown_as": "the named term (e.g. SEX U, RACE UNKNOWN) is submitted and the row kept; reported for a query",
}


def compute_unknown_policy(extensible: bool, strict: bool, core: str | None) -> str:
    """The default of ``unknown`` (SDTMIG 3.4 §4.3 on CT, §4.1.5 on core): an extensible codelist takes the value
    as a sponsor extension unless ``strict``; otherwise the value cannot be submitted, and only a Required
    variable (which may not be null) costs the record — any other variable is left blank and queried, so a
    bad flag never loses an adverse event or a dose. Outside a domain (``core`` None) the record is rejected."""
    if extensible and not strict:
        return "extend"
    return "blank" if core is not None and core != "Req" else "reject"


def compute_ct_lookup(codelist: Codelist, study_map: dict[str, str]) -> dict[str, str]:
    """Upper-cased collected value → submission value: the study map, then submission values and synonyms."""
    lookup: dict[str, str] = {}
    for term in codelist.terms:
        for text in (term.submission_value, *term.synonyms):
            lookup.setdefault(text.upper(), term.submission_value)
    lookup.update({collected.strip().upper(): submission for collected, submission in study_map.items()})
    return lookup


def check_ct_map(codelist: Codelist, study_map: dict[str, str]) -> None:
    """A study map must only name submission values of the codelist (else the spec is wrong, not the data);
    ``""`` maps a collected value to no value (e.g. AEONGO ``N``: no AEENRTPT)."""
    wrong = sorted(set(study_map.values()) - set(codelist.values()) - {""})
    if wrong and not codelist.extensible:
        raise SpecError(
            f"map value {wrong[0]!r} is not a term of codelist {codelist.code} ({codelist.name})",
            expected=f"one of {', '.join(codelist.values()[:20])}",
        )


@record_verb(AssignCtArgs, origin="Collected")
def assign_ct(raw: pd.DataFrame, args: AssignCtArgs, context: MapContext) -> Mapped:
    """Map a collected value to its CT submission value (sdtm.oak ASSIGN_CT).

    Rule (SDTMIG 3.4 §4.3 and §4.2.7, CDISC CT usage): a value not in a **non-extensible** codelist cannot be
    submitted, so by default the row is rejected with reason "value X not in codelist C…"; a value not in an
    **extensible** codelist is by default submitted as collected (upper-cased, as a sponsor extension) and
    reported as a finding, so it can be added to the sponsor's codelist extension in Define-XML. ``unknown`` /
    ``unknown_as`` choose another of :data:`UNKNOWN_POLICIES` (e.g. DM.SEX: an unreadable code becomes ``U`` and
    the subject stays in the study). The collected value itself is kept by mapping the same field with
    ``assign_no_ct`` into --ORRES/--TERM.
    """
    own = clean_text(raw[args.field])
    collected = own
    for preferred in reversed(args.prefer):
        collected = clean_text(raw[preferred]).fillna(collected)
    if args.codelist is None:
        lookup = {collected_value.strip().upper(): value for collected_value, value in args.map.items()}
        extensible, name = False, f"sponsor codelist of {args.field}"
    else:
        codelist = context.ct.get(args.codelist)
        for study_map in (args.map, *args.maps.values()):
            check_ct_map(codelist, study_map)
        lookup = compute_ct_lookup(codelist, args.map)
        extensible, name = codelist.extensible, f"codelist {codelist.code} ({codelist.name})"
        if args.unknown_as is not None and args.unknown_as not in codelist.values():
            raise SpecError(
                f"unknown_as {args.unknown_as!r} is not a term of codelist {codelist.code} ({codelist.name})",
                expected=f"one of {', '.join(codelist.values()[:20])}",
            )
    mapped = collected.str.upper().map(lookup).astype("string")
    if args.maps_by is not None:
        group = clean_text(raw[args.maps_by])
        for key, group_map in args.maps.items():
            rows = group.eq(key).fillna(False).astype(bool)
            group_lookup = {value.strip().upper(): term for value, term in group_map.items()}
            mapped = mapped.mask(rows, collected.str.upper().map(group_lookup).astype("string"))
    unknown = collected.notna() & mapped.isna()
    reason = "value " + collected[unknown] + f" not in {name}"  # the reported rows only
    policy = args.unknown or compute_unknown_policy(extensible, args.strict, context.core)
    if args.unknown_as is not None:
        policy = "unknown_as"
        values = mapped.mask(unknown, args.unknown_as)
        reason = reason + f"; submitted as {args.unknown_as}, query the site"
    elif policy == "extend":
        if not extensible:
            raise SpecError(f"unknown: extend needs an extensible codelist; {name} is not", expected="reject or blank")
        values = mapped.fillna(collected.str.upper())
    else:
        values = mapped
        if policy == "blank":
            reason = reason + "; not submitted as collected, query the site"
    problems = problems_where(unknown, args.field, collected, "not_in_codelist", reason, reject=policy == "reject")
    return Mapped(
        values=values.mask(values == ""), problems=pd.concat([problems, _overridden(own, collected, lookup, args)])
    )


def _overridden(own: pd.Series, collected: pd.Series, lookup: dict[str, str], args: AssignCtArgs) -> pd.DataFrame:
    """A value of ``field`` replaced by a ``prefer`` field is still checked: outside the list it is a finding."""
    replaced = (own.notna() & (own != collected)).fillna(False).astype(bool)
    bad = replaced & ~own.str.upper().isin(list(lookup)) if replaced.any() else replaced
    reason = "value " + own[bad] + f" of {args.field} not in the codelist (the value of {args.prefer} is used)"
    return problems_where(bad, args.field, own, "not_in_codelist", reason, reject=False)
