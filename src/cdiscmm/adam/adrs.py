"""ADRS builder: the parameters of ``specs/adam/adrs.yaml`` from RS overall responses, by the IMWG 2016 engine.

The pipe (:mod:`cdiscmm.adam.imwg` for every rule):

1. OVR: RS records selected by the OVR parameter's ``where`` (RSTESTCD ``OVRLRESP``, RSCAT ``KUMAR IMWG 2016``,
   RSEVAL ``INVESTIGATOR``, with a result), dated by RSDTC, kept when on or before new anti-myeloma therapy
   (ADSL.NACTDT); ANL01FL flags the worst response per subject and date
   (:func:`~cdiscmm.adam.imwg.filter_worst_per_date`).
2. COVR: confirmation over the flagged OVR records; BOR over the flagged OVR records up to the first PD;
   CBOR, RSP, VGPRRSP and CRRSP over COVR up to the first confirmed PD; PD the first confirmed PD.
3. PARAM, PARAMN and PARCAT1 from the spec's parameter table; the ADSL variables the spec copies; ADY; ASEQ.

Only the parameters the spec lists are output, in spec order; a listed parameter the engine cannot derive is a
:class:`SpecError`. Each derived record carries SRCSEQS (the RSSEQ it came from) and DERIVTXT (the rule).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import pandas as pd

from cdiscmm.adam.adsl_derivations import derive_vars_merged_adsl
from cdiscmm.adam.dates import compute_dt_from_dtc, derive_var_dy
from cdiscmm.adam.fallbacks import absent_optional
from cdiscmm.adam.imwg import (
    AVAL_IMWG,
    RESPONSE_PARAMETERS,
    derive_param_bor,
    derive_param_cbor,
    derive_param_confirmed_response,
    derive_param_pd,
    derive_param_response,
    filter_assessments_before_new_therapy,
    filter_assessments_up_to_first_pd,
    filter_worst_per_date,
)
from cdiscmm.adam.lineage import compute_seq_text, derive_var_obs_number
from cdiscmm.adam.sdtm_input import optional, require
from cdiscmm.adam.spec import derive_params_from_spec, load_adam_spec
from cdiscmm.adam.spec_model import AdamDatasetSpec, ParameterSpec
from cdiscmm.metadata.model import Dataset

OVR = "OVR"
ASSESSMENT_COLUMNS = ["USUBJID", "ADT", "AVALC", "RSSEQ"]


def derive_param_ovr(sdtm: Mapping[str, pd.DataFrame], parameter: ParameterSpec) -> pd.DataFrame:
    """OVR records: RS rows meeting ``parameter.where``; ADT the complete date of RSDTC, AVALC = RSSTRESC.

    AVAL is coded as :data:`~cdiscmm.adam.imwg.AVAL_IMWG`; SRCDOM/SRCVAR/SRCSEQ point to RS.RSSTRESC.
    Fallback: a permissible filter variable the delivery lacks (RSCAT, RSEVAL) is not tested, so every
    record meeting the other conditions is taken (noted in the run log).
    """
    where = parameter.where
    filter_columns = where.columns() if where else []
    absent = absent_optional(sdtm, "RS", filter_columns)
    rs = require(sdtm, "RS", ["USUBJID", "RSSEQ", "RSDTC", "RSSTRESC", *filter_columns])
    if where and absent:  # a permissible variable the delivery lacks is not tested (docs/adam-inputs.md)
        where = type(where)({name: test for name, test in where.root.items() if name not in absent})
    rows = rs.loc[where.mask(rs)] if where else rs
    return pd.DataFrame(
        {
            "USUBJID": rows["USUBJID"],
            "PARAMCD": parameter.paramcd,
            "ADT": compute_dt_from_dtc(rows["RSDTC"]),
            "AVALC": rows["RSSTRESC"].astype("str"),
            "AVAL": rows["RSSTRESC"].map(AVAL_IMWG).astype("Int64"),
            "RSSEQ": rows["RSSEQ"],
            "SRCDOM": "RS",
            "SRCVAR": "RSSTRESC",
            "SRCSEQ": rows["RSSEQ"].astype("Int64"),
            "SRCSEQS": compute_seq_text(rows["RSSEQ"]),
            "DERIVTXT": "RS.RSSTRESC as collected",
        }
    ).reset_index(drop=True)


def derive_var_anl01fl(ovr: pd.DataFrame, analysed: pd.DataFrame) -> pd.DataFrame:
    """ANL01FL = ``"Y"`` on the OVR records kept by :func:`~cdiscmm.adam.imwg.filter_worst_per_date`."""
    return ovr.assign(ANL01FL=pd.Series("Y", index=ovr.index, dtype="str").where(ovr.index.isin(analysed.index)))


def imwg_derivations(
    ovr: pd.DataFrame, analysed: pd.DataFrame, adsl: pd.DataFrame
) -> dict[str, Callable[[], pd.DataFrame]]:
    """PARAMCD -> the IMWG engine call that derives it (``analysed``: one OVR record per date, before new therapy)."""
    covr = derive_param_confirmed_response(analysed.loc[:, ASSESSMENT_COLUMNS], adsl)
    covr_to_pd = filter_assessments_up_to_first_pd(covr)
    return {
        OVR: lambda: ovr,
        "COVR": lambda: covr,
        "BOR": lambda: derive_param_bor(filter_assessments_up_to_first_pd(analysed), adsl),
        "CBOR": lambda: derive_param_cbor(covr_to_pd, adsl),
        "PD": lambda: derive_param_pd(covr, adsl),
        **{code: partial(derive_param_response, covr_to_pd, adsl, code) for code in RESPONSE_PARAMETERS},
    }


def build_adrs(
    sdtm: Mapping[str, pd.DataFrame], adsl: pd.DataFrame, spec: AdamDatasetSpec | None = None
) -> Dataset | None:
    """ADRS from SDTM RS and ADSL (USUBJID, NACTDT, DTHDT and the copied variables); None without RS.

    Derived records (every parameter but OVR) get ANL01FL = ``"Y"``; ASEQ numbers each subject's records
    by PARAMN, ADT and the source RSSEQ.
    """
    spec = spec or load_adam_spec("ADRS")
    if optional(sdtm, "RS", [], "ADRS not built, ADTTE without response-based parameters") is None:
        return None
    ovr = derive_param_ovr(sdtm, spec.parameter(OVR)).pipe(filter_assessments_before_new_therapy, adsl)
    analysed = filter_worst_per_date(ovr)
    ovr = derive_var_anl01fl(ovr, analysed)
    adrs = (
        derive_params_from_spec(spec, imwg_derivations(ovr, analysed, adsl))
        .assign(ANL01FL=lambda frame: frame["ANL01FL"].where(frame["PARAMCD"].eq(OVR), "Y"))
        .pipe(derive_vars_merged_adsl, adsl, spec.variables)
        .pipe(derive_var_dy)
        .pipe(derive_var_obs_number, ["USUBJID"], ["PARAMN", "ADT", "RSSEQ"])
        .sort_values(["USUBJID", "ASEQ"], kind="stable")
        .reset_index(drop=True)
    )
    adrs["AVAL"] = adrs["AVAL"].astype("Int64")
    return Dataset(spec.to_dataset_meta(), adrs).ordered()
