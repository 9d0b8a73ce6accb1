"""What the ADaM stage does when an SDTM delivery lacks a permissible variable or a whole domain.

SDTMIG 3.4 §4.1.5 (core): a Required variable is always present, an Expected one is present even when null,
a Permissible one may be absent, and a domain that was not collected is not submitted. Another sponsor's
conformant delivery can therefore lack AECAT, AETOXGR, AESPID, RSEVAL, EPOCH, QS, SUPPAE... The ADaM stage
then derives what it can: a derivation whose input is absent is skipped or falls back, as listed in
:data:`FALLBACKS` (rendered as the table of ``docs/adam-inputs.md``), with one note in the run log. A missing
SDTMIG Required or Expected variable (or a variable the IG does not define) stays an InputError.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from cdiscmm.metadata import standards

#: The core a conformant delivery may leave out. Expected variables are present in a conformant delivery (null
#: where not collected), so an absent one is an error like an absent Required one (e.g. DM.RFSTDTC).
OPTIONAL_CORES = frozenset({"Perm"})


@dataclass(frozen=True)
class Fallback:
    """One absent SDTM input: which ADaM derivations read it and what they do without it."""

    source: str  # "AE.AETOXGR" (a variable) or "QS" (a domain)
    derivations: str
    fallback: str


#: Every absent input the ADaM builders handle, by SDTM dataset. A permissible variable a builder reads that is
#: not listed gets the general rule (its ADaM copies left missing); tests/adam/test_fallbacks.py runs the stage on
#: a bundled study stripped of every permissible variable and checks that each note's input is listed here.
FALLBACKS: tuple[Fallback, ...] = (
    Fallback("AE", "ADAE; ADSL LSTALVDT", "ADAE not built; LSTALVDT without AE dates"),
    Fallback("AE.AECAT", "ADAE.AECAT", "left missing"),
    Fallback("AE.AEOUT", "ADAE.AEOUT", "left missing"),
    Fallback("AE.AESDTH", "ADAE.AESDTH", "left missing"),
    Fallback("AE.AETOXGR", "ADAE.AETOXGR, AETOXGRN; CRS/ICANS grade 3+ flags", "left missing (no grade: no flag)"),
    Fallback("SUPPAE", "ADAE qualifiers AETOCI, AECORT, AEOTHTRT", "left missing"),
    Fallback("CM", "ADSL PRIORLN, TCRFL; LDSTDT, LDENDT, NACTDT", "left missing; the dates do not use CM"),
    Fallback("CM.CMCAT", "ADSL PRIORLN, TCRFL; LDSTDT, LDENDT, NACTDT", "left missing; the dates do not use CM"),
    Fallback("CM.LINENUM", "ADSL PRIORLN", "left missing"),
    Fallback("DM.DTHDTC", "ADSL DTHDT, DTHDTF (and ADTTE deaths by date)", "left missing"),
    Fallback("DM.ENRLTYP", "ADSL ENRLTYP (SUPPDM)", "left missing"),
    Fallback("DM.ICWAIV", "ADSL population rule on the consent waiver (SUPPDM)", "no subject meets it"),
    Fallback("DS", "ADSL EOSSTT, DCSREAS, EOSDT, EOTSTT, DCTREAS; LSTALVDT", "left missing; LSTALVDT without DS"),
    Fallback("DS.DSSCAT", "ADSL EOSSTT, DCSREAS, EOSDT, EOTSTT, DCTREAS", "left missing"),
    Fallback("LB", "ADSL LSTALVDT", "derived without LB dates"),
    Fallback("MH", "ADSL MMTYPE, CYTORISK", "left missing"),
    Fallback("MH.MHCAT", "ADSL MMTYPE, CYTORISK", "left missing"),
    Fallback("MH.MMTYPE", "ADSL MMTYPE (SUPPMH)", "left missing"),
    Fallback("MH.CYTORISK", "ADSL CYTORISK (SUPPMH)", "left missing"),
    Fallback("QS", "ADQS; ADSL LSTALVDT", "ADQS not built; LSTALVDT without QS dates"),
    Fallback("QS.QSSTRESN", "ADQS AVAL of the items, hence the scale scores", "left missing"),
    Fallback("QS.VISIT", "ADQS AVISIT", "left missing"),
    Fallback(
        "RS",
        "ADRS; ADTTE PFS, DOR, TTR, TTCR; ADSL ISS, RISS, ECOGBL, LSTALVDT",
        "ADRS and those parameters not built (ADTTE OS still is); ISS, RISS, ECOGBL left missing",
    ),
    Fallback("RS.RSCAT", "ADRS OVR (RSCAT = KUMAR IMWG 2016)", "RSCAT not tested: every OVRLRESP record taken"),
    Fallback("RS.RSEVAL", "ADRS OVR (RSEVAL = INVESTIGATOR)", "RSEVAL not tested: every OVRLRESP record taken"),
    Fallback("SS", "ADSL LSTALVDT", "derived without SS dates"),
    Fallback("TS", "ADSL TRT01P/TRT01A", "taken from DM.ARM/ACTARM only"),
    Fallback("HO, PR", "none: the ADaM stage does not read them", "nothing to do"),
)


def is_optional(dataset: str, variable: str) -> bool:
    """True when SDTMIG 3.4 lets a conformant ``dataset`` leave out ``variable`` (core Perm)."""
    meta = standards.sdtmig().get(dataset)
    if meta is None or not meta.has(variable):
        return False
    return meta.variable(variable).core in OPTIONAL_CORES


def fallback_text(source: str, default: str = "the ADaM variables derived from it are left missing") -> str:
    """What happens without ``source`` (``AE.AETOXGR`` or ``QS``), for the run-log note."""
    for entry in FALLBACKS:
        if entry.source == source:
            return f"{entry.derivations}: {entry.fallback}"
    return default


def absent_column(dataset: str, variable: str, index: pd.Index) -> pd.Series:
    """An all-missing column of the variable's SDTMIG type: float for Num, text for Char."""
    kind = standards.sdtmig()[dataset].variable(variable).type
    return pd.Series(float("nan") if kind == "Num" else pd.NA, index=index, dtype="float64" if kind == "Num" else "str")


def absent_optional(datasets: Mapping[str, pd.DataFrame], dataset: str, variables: Sequence[str]) -> list[str]:
    """The ``variables`` that ``dataset`` lacks and SDTMIG lets it lack."""
    frame = datasets.get(dataset)
    columns = set() if frame is None else set(frame.columns)
    return [variable for variable in variables if variable not in columns and is_optional(dataset, variable)]


def render_markdown() -> str:
    """``docs/adam-inputs.md``: the rule and the table of :data:`FALLBACKS` (written by ``tools/build_docs.py``)."""
    lines = [
        "# ADaM on any SDTMIG-conformant delivery",
        "",
        "<!-- Generated from cdiscmm.adam.fallbacks by `python -m tools.build_docs`; do not edit. -->",
        "",
        "SDTMIG 3.4 §4.1.5: a Required variable is always present; an Expected one is present even when null; a",
        "Permissible one may be absent, and a domain not collected is not submitted. `cdiscmm adam --sdtm DIR`",
        "derives what another sponsor's delivery allows: a Permissible variable or a domain it lacks means",
        "that the derivations below are skipped or fall back, each with one note in the run log",
        "(`cdiscmm: note: SDTM AE.AETOXGR not in the input; ...`), and ADSL, ADAE, ADRS, ADTTE are still built.",
        "A missing SDTMIG **Required** or **Expected** variable (a conformant delivery has every Expected variable,",
        "null where not collected), or a variable the IG does not define, stays an error (exit 2).",
        "A Permissible variable not listed here is read as all missing: the ADaM variables copied from it are",
        "left missing.",
        "",
        "| absent SDTM input | ADaM derivations that read it | what they do without it |",
        "|---|---|---|",
        *[f"| {entry.source} | {entry.derivations} | {entry.fallback} |" for entry in FALLBACKS],
    ]
    return "\n".join(lines) + "\n"
