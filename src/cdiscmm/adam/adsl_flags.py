"""ADSL flags: analysis-set rules (``rule`` of the spec), the triple-class refractory flag, the death flag.

Each function takes ADSL (one row per subject), the SDTM datasets and, where the rule is data, the variable's spec
(``specs/adam/adsl.yaml``); it returns ADSL with the new column. The rule and its source are in each docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np
import pandas as pd

from cdiscmm.adam.adsl_common import KEY, Sdtm, by_subject, missing_columns
from cdiscmm.adam.dates import compute_dt_from_dtc
from cdiscmm.adam.sdtm_input import optional, require
from cdiscmm.adam.spec_model import DrugClass, ExistsRule, Rule, VariableSpec

#: Prior-therapy CM category (sponsor, docs/data-model.md).
PRIOR_THERAPY = "PRIOR ANTI-MYELOMA THERAPY"


# --- analysis-set rules ------------------------------------------------------------------------------------
RuleEvaluator = Callable[[Rule, pd.DataFrame, Sdtm], pd.Series]


def _exists(rule: Rule, adsl: pd.DataFrame, sdtm: Sdtm) -> pd.Series:
    """True for subjects with at least one record of the rule's dataset meeting its filter (and date)."""
    exists = cast(ExistsRule, rule.exists)  # dispatched by rule.kind: the 'exists' key is given
    needed = [KEY, *(exists.where.columns() if exists.where else []), *([exists.date] if exists.date else [])]
    frame = optional(sdtm, exists.dataset, needed, f"no subject has {exists.dataset} records for this rule")
    if frame is None:
        return pd.Series(False, index=adsl.index)
    rows = frame.loc[exists.where.mask(frame)] if exists.where else frame
    if exists.date and exists.after:
        dated = rows[[KEY]].assign(date=compute_dt_from_dtc(rows[exists.date]))
        reference = dated.merge(adsl[[KEY, exists.after]], on=KEY, how="left")
        rows = dated.loc[(reference["date"] > reference[exists.after]).to_numpy()]
    return adsl[KEY].isin(rows[KEY].unique())


def _flag(rule: Rule, adsl: pd.DataFrame, sdtm: Sdtm) -> pd.Series:
    return adsl[rule.flag].eq("Y").fillna(False).astype(bool)


def _present(rule: Rule, adsl: pd.DataFrame, sdtm: Sdtm) -> pd.Series:
    return adsl[rule.present].notna()


def _all(rule: Rule, adsl: pd.DataFrame, sdtm: Sdtm) -> pd.Series:
    results = [compute_rule(part, adsl, sdtm) for part in rule.all or []]
    return pd.concat(results, axis=1).all(axis=1)


def _any(rule: Rule, adsl: pd.DataFrame, sdtm: Sdtm) -> pd.Series:
    results = [compute_rule(part, adsl, sdtm) for part in rule.any or []]
    return pd.concat(results, axis=1).any(axis=1)


#: The rule evaluator: one function per rule kind (:class:`cdiscmm.adam.spec.Rule`).
RULE_EVALUATORS: dict[str, RuleEvaluator] = {
    "exists": _exists,
    "flag": _flag,
    "present": _present,
    "all": _all,
    "any": _any,
}


def compute_rule(rule: Rule, adsl: pd.DataFrame, sdtm: Sdtm) -> pd.Series:
    """True for the ADSL subjects that meet ``rule`` (vectorised over subjects)."""
    return RULE_EVALUATORS[rule.kind](rule, adsl, sdtm).set_axis(adsl.index)


def derive_var_population_flag(adsl: pd.DataFrame, sdtm: Sdtm, spec: VariableSpec) -> pd.DataFrame:
    """Add the analysis-set flag ``spec.name``: 'Y' where the spec's rule holds, else 'N'.

    Rule: the flag's ``rule`` in ``specs/adam/adsl.yaml`` (e.g. SAFFL: at least one EX record with
    EXDOSE > 0); ADaMIG 1.3 §3.1.4, population flags are 'Y'/'N' and never missing in ADSL.
    """
    met = compute_rule(spec.section("rule"), adsl, sdtm)
    return adsl.assign(**{spec.name: pd.Series(np.where(met, "Y", "N"), index=adsl.index, dtype="str")})


def derive_var_tcrfl(adsl: pd.DataFrame, sdtm: Sdtm, spec: VariableSpec) -> pd.DataFrame:
    """Add TCRFL, the triple-class refractory flag: 'Y' if refractory to every drug class of the spec.

    Rule (sponsor, after the RRMM convention "refractory to at least one IMiD, one PI and one anti-CD38
    antibody", e.g. MagnetisMM-3 / KarMMa): prior anti-myeloma therapy records (CMCAT 'PRIOR ANTI-MYELOMA
    THERAPY') with SUPPCM REFRFL = 'Y'; a record belongs to a class when CMCLAS is one of the class's
    CMCLAS values or CMDECOD (else CMTRT) names one of its drugs (upper case). 'Y' when every class has
    such a record, else 'N'; missing for all subjects when CM (or CMCAT / REFRFL) is not delivered.
    """
    classes: dict[str, DrugClass] = spec.section("drug_classes")
    cm = optional(sdtm, "CM", [KEY, "CMCAT", "REFRFL"], f"{spec.name} left missing")
    if cm is None:
        return missing_columns(adsl, [spec.name], {spec.name: "Char"})
    refractory = cm.loc[cm["CMCAT"].eq(PRIOR_THERAPY).fillna(False) & cm["REFRFL"].eq("Y").fillna(False)]
    blank = pd.Series(pd.NA, index=refractory.index, dtype="str")
    cmclas = refractory.get("CMCLAS", blank).str.upper()
    drug = refractory.get("CMDECOD", blank).fillna(refractory.get("CMTRT", blank)).str.upper()
    in_class = pd.DataFrame(
        {name: cmclas.isin(members.cmclas) | drug.isin(members.drugs) for name, members in classes.items()}
    )
    per_subject = in_class.groupby(refractory[KEY].to_numpy()).any().all(axis=1)
    met = adsl[KEY].map(per_subject).fillna(False).astype(bool)
    return adsl.assign(**{spec.name: pd.Series(np.where(met, "Y", "N"), index=adsl.index, dtype="str")})


def derive_var_dthfl(adsl: pd.DataFrame, sdtm: Sdtm) -> pd.DataFrame:
    """Add DTHFL: 'Y' if DM.DTHFL = 'Y' or DM.DTHDTC is present, else missing.

    Rule: SDTMIG 3.4 DM DTHFL ("Y" or null); a death date without the flag (a delivery's inconsistency)
    still marks the death. Uses whichever of DM.DTHFL / DM.DTHDTC the delivery has.
    """
    dm = require(sdtm, "DM", [KEY])
    flagged = dm["DTHFL"].eq("Y").fillna(False) if "DTHFL" in dm.columns else pd.Series(False, index=dm.index)
    dated = dm["DTHDTC"].notna() if "DTHDTC" in dm.columns else pd.Series(False, index=dm.index)
    dead = dm[[KEY]].assign(DTHFL=pd.Series("Y", index=dm.index, dtype="str").where(flagged | dated))
    return by_subject(adsl, dead)
