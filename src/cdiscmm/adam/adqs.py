"""ADQS builder: the scores of ``specs/adam/adqs.yaml`` from QS item responses, then baseline and change.

Each parameter's ``score`` section says how it is scored, and the builder hands it to the library:

- ``functional`` / ``symptom``: EORTC scales (QLQ-C30, QLQ-MY20) by :func:`cdiscmm.adam.qlq.derive_param_qlq_scales`
  (raw score = mean of the answered items, linear transformation, half-items rule);
- ``index``: EQ-5D-5L index by :func:`cdiscmm.adam.eq5d.derive_param_eq5d5l_index`, with the value set chosen per
  subject by the spec's ``value_set`` look-up of an ADSL variable (COUNTRY JPN -> JP, CHN -> CN);
- ``item``: the item response as collected (EQ VAS).

A questionnaire is one subject, visit and date (USUBJID, AVISIT = QS.VISIT, ADT = QS.QSDTC). Then PARAM/PARAMN/
PARCAT1 from the spec, the ADSL variables, ADY, ABLFL/BASE/CHG/PCHG (:mod:`cdiscmm.adam.baseline`) and ASEQ.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cdiscmm.adam.adsl_derivations import derive_vars_merged_adsl
from cdiscmm.adam.baseline import derive_var_ablfl, derive_var_base, derive_var_chg, derive_var_pchg
from cdiscmm.adam.checks import assert_unique
from cdiscmm.adam.dates import compute_dt_from_dtc, derive_var_dy
from cdiscmm.adam.eq5d import derive_param_eq5d5l_index
from cdiscmm.adam.lineage import compute_seq_text, derive_var_obs_number
from cdiscmm.adam.qlq import QlqScale, derive_param_qlq_scales
from cdiscmm.adam.sdtm_input import optional, require
from cdiscmm.adam.spec import derive_params_from_spec, load_adam_spec
from cdiscmm.adam.spec_model import AdamDatasetSpec, ParameterSpec
from cdiscmm.core import progress
from cdiscmm.metadata.model import Dataset

BY_VARS = ["USUBJID", "AVISIT", "ADT"]
QS_VARIABLES = ["USUBJID", "QSSEQ", "QSCAT", "QSTESTCD", "QSSTRESN", "QSDTC", "VISIT"]


def start_from_qs(qs: pd.DataFrame) -> pd.DataFrame:
    """QS item rows with the questionnaire keys: AVISIT = VISIT, ADT = complete date of QSDTC."""
    return qs.loc[:, QS_VARIABLES].assign(AVISIT=qs["VISIT"], ADT=compute_dt_from_dtc(qs["QSDTC"]))


def _items_of(items: pd.DataFrame, parameter: ParameterSpec) -> pd.DataFrame:
    score = parameter.score
    return items.loc[items["QSCAT"].eq(score.qscat) & items["QSTESTCD"].isin(score.items)]


def derive_param_scale(items: pd.DataFrame, parameter: ParameterSpec, adsl: pd.DataFrame) -> pd.DataFrame:
    """An EORTC scale: :func:`~cdiscmm.adam.qlq.derive_param_qlq_scales` with the spec's items, kind and range."""
    score = parameter.score
    scale = QlqScale(parameter.paramcd, parameter.param, tuple(score.items), score.kind, score.item_range)
    return derive_param_qlq_scales(_items_of(items, parameter), BY_VARS, (scale,))


def derive_param_index(items: pd.DataFrame, parameter: ParameterSpec, adsl: pd.DataFrame) -> pd.DataFrame:
    """EQ-5D-5L index per subject with the value set the spec's look-up gives for the subject's ADSL variable.

    Subjects whose value (e.g. COUNTRY) has no value set get no index record (a note names them).
    """
    lookup = parameter.score.value_set
    codes = adsl.set_index("USUBJID")[lookup.source].map(lookup.mapping())
    rows = _items_of(items, parameter)
    code = rows["USUBJID"].map(codes)
    unscored = sorted(rows.loc[code.isna(), "USUBJID"].unique())
    if unscored:
        progress.info(f"note: {parameter.paramcd} not derived for {', '.join(unscored)}: no value set for the subject")
    records = [derive_param_eq5d5l_index(rows.loc[code.eq(value)], BY_VARS, value) for value in code.dropna().unique()]
    return pd.concat(records, ignore_index=True) if records else pd.DataFrame(columns=[*BY_VARS, "PARAMCD", "AVAL"])


def derive_param_item(items: pd.DataFrame, parameter: ParameterSpec, adsl: pd.DataFrame) -> pd.DataFrame:
    """A single item as collected: AVAL = QSSTRESN, SRCSEQS its QSSEQ (EQ VAS, 0-100)."""
    rows = _items_of(items, parameter)
    assert_unique(rows, [*BY_VARS, "QSTESTCD"], "QS", hint="one answer per item and questionnaire")
    return rows.loc[:, BY_VARS].assign(
        PARAMCD=parameter.paramcd, AVAL=rows["QSSTRESN"].astype("float64"), SRCSEQS=compute_seq_text(rows["QSSEQ"])
    )


#: ScoreSpec.kind -> the derivation that scores it.
SCORERS = {
    "functional": derive_param_scale,
    "symptom": derive_param_scale,
    "index": derive_param_index,
    "item": derive_param_item,
}


def build_adqs(
    sdtm: Mapping[str, pd.DataFrame], adsl: pd.DataFrame, spec: AdamDatasetSpec | None = None
) -> Dataset | None:
    """ADQS from QS and ADSL (TRTSDT, the copied variables, the value-set variable); None without QS."""
    spec = spec or load_adam_spec("ADQS")
    if optional(sdtm, "QS", [], "ADQS not built") is None:
        return None
    items = start_from_qs(require(sdtm, "QS", QS_VARIABLES))
    derivations = {
        parameter.paramcd: (lambda parameter=parameter: SCORERS[parameter.score.kind](items, parameter, adsl))
        for parameter in spec.parameters
        if parameter.score is not None
    }
    keys = ["USUBJID", "PARAMCD"]
    adqs = (
        derive_params_from_spec(spec, derivations)
        .pipe(derive_vars_merged_adsl, adsl, spec.variables)
        .pipe(derive_var_dy)
        .pipe(derive_var_ablfl, keys)
        .pipe(derive_var_base, keys)
        .pipe(derive_var_chg)
        .pipe(derive_var_pchg)
        .pipe(derive_var_obs_number, ["USUBJID"], ["PARAMN", "ADT"])
        .sort_values(["USUBJID", "ASEQ"], kind="stable")
        .reset_index(drop=True)
    )
    assert_unique(adqs, spec.keys, "ADQS", hint="two questionnaires of one subject on one date")
    return Dataset(spec.to_dataset_meta(), adqs).ordered()
