"""The collected (EDC) codelists of the core forms: codelist name -> {code as collected: decode}.

Codes are what the EDC exports, not CDISC submission values; the SDTM mapping translates them. The IMWG
response codes follow Kumar et al., Lancet Oncol 2016 (domain reference §1.1); ECOG follows Oken 1982.
"""

from __future__ import annotations

CODELISTS: dict[str, dict[str, str]] = {
    "NY": {"Y": "Yes", "N": "No"},
    "NYND": {"Y": "Yes", "N": "No", "ND": "Not done"},
    "SEX": {"M": "Male", "F": "Female"},
    "AGEU": {"YEARS": "Years"},
    "RACE": {
        "ASIAN": "Asian",
        "WHITE": "White",
        "BLACK": "Black or African American",
        "AMIND": "American Indian or Alaska Native",
        "NHOPI": "Native Hawaiian or Other Pacific Islander",
        "OTHER": "Other",
        "NOTREP": "Not reported",
    },
    "ETHNIC": {"HISP": "Hispanic or Latino", "NHISP": "Not Hispanic or Latino", "NOTREP": "Not reported"},
    "ENRLTYP": {"PROSP": "Prospective", "RETRO": "Retrospective"},
    "MMTYPE": {
        "IGG_K": "IgG kappa",
        "IGG_L": "IgG lambda",
        "IGA_K": "IgA kappa",
        "IGA_L": "IgA lambda",
        "LC_K": "Light chain only, kappa",
        "LC_L": "Light chain only, lambda",
    },
    "STAGE3": {"I": "Stage I", "II": "Stage II", "III": "Stage III"},
    "CYTORISK": {"HIGH": "High risk", "STANDARD": "Standard risk", "UNKNOWN": "Unknown / not tested"},
    "ECOG": {
        "0": "Fully active",
        "1": "Restricted in physically strenuous activity",
        "2": "Ambulatory, capable of all self-care, unable to work",
        "3": "Capable of only limited self-care",
        "4": "Completely disabled",
    },
    "DRUGCLAS": {
        "IMID": "Immunomodulatory drug",
        "PI": "Proteasome inhibitor",
        "ANTI-CD38": "Anti-CD38 monoclonal antibody",
        "ALKYLATOR": "Alkylating agent",
        "STEROID": "Corticosteroid",
        "OTHER": "Other anti-myeloma therapy",
    },
    "LINERESP": {
        "sCR": "Stringent complete response",
        "CR": "Complete response",
        "VGPR": "Very good partial response",
        "PR": "Partial response",
        "MR": "Minimal response",
        "SD": "Stable disease",
        "PD": "Progressive disease",
        "UNK": "Unknown",
    },
    "PROC": {
        "ASCT": "Autologous stem cell transplantation",
        "ALLOSCT": "Allogeneic stem cell transplantation",
        "RT": "Radiotherapy",
    },
    "ROUTE": {"SC": "Subcutaneous", "IV": "Intravenous"},
    "UNIT": {
        "mg": "Milligram",
        "mg/kg": "Milligram per kilogram",
        "mg/m2": "Milligram per square metre",
        "10^6 cells": "10^6 CAR-T cells",
        "10^6 cells/kg": "10^6 CAR-T cells per kilogram",
    },
    "PARTNER": {
        "PD": "Pomalidomide + dexamethasone",
        "KD": "Carfilzomib + dexamethasone",
    },
    "IMWGRESP": {
        "sCR": "Stringent complete response",
        "CR": "Complete response",
        "VGPR": "Very good partial response",
        "PR": "Partial response",
        "MR": "Minimal response",
        "SD": "Stable disease",
        "PD": "Progressive disease",
        "NE": "Not evaluable",
    },
    "IFE": {"POS": "Positive", "NEG": "Negative"},
    "EOTSTAT": {"DISC": "Discontinued", "ONGO": "Ongoing at end of observation"},
    "EOTREAS": {
        "PD": "Progressive disease",
        "AE": "Adverse event",
        "DEATH": "Death",
        "PHYS": "Physician decision",
        "PAT": "Patient decision",
        "OTHER": "Other",
    },
    "EOSSTAT": {"COMPLETED": "Completed", "DISC": "Discontinued"},
    "EOSREAS": {
        "COMPLETED": "Completed observation period",
        "DEATH": "Death",
        "LOST": "Lost to follow-up",
        "WITHDRAW": "Withdrawal of consent",
    },
    "DTHCAUS": {"PD": "Progressive disease", "AE": "Adverse event", "OTHER": "Other"},
    "SURVSTAT": {"ALIVE": "Alive", "DEAD": "Dead", "UNKNOWN": "Unknown"},
}

#: IMWG response categories from worst to best (Kumar 2016); the index is the ordinal level used internally.
RESPONSE_LEVELS: tuple[str, ...] = ("PD", "SD", "MR", "PR", "VGPR", "CR", "sCR")

#: Categories that count as response (ORR: PR or better; Kumar 2016, admiralonco ``rsp_y_imwg``).
RESPONDER_MIN_LEVEL = RESPONSE_LEVELS.index("PR")


def select(*names: str) -> dict[str, dict[str, str]]:
    """The named codelists, for a form's ``codelists`` attribute."""
    return {name: CODELISTS[name] for name in names}
