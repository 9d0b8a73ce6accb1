"""ADSL builder: the steps of ``specs/adam/adsl.yaml`` in order, one derivation per variable or family."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cdiscmm.adam.adsl_derivations import (
    derive_var_dthdt_not_before_alive,
    derive_var_dthfl,
    derive_var_extreme_dt,
    derive_var_lookup,
    derive_var_lstalvdt,
    derive_var_population_flag,
    derive_var_record_value,
    derive_var_tcrfl,
    derive_var_trtdurd,
    derive_vars_cat,
    derive_vars_disposition,
    derive_vars_dthdt,
    derive_vars_extreme_dtm,
    derive_vars_predecessor,
    derive_vars_trt01,
    start_from_dm,
)
from cdiscmm.adam.spec import AdamDatasetSpec, load_adam_spec
from cdiscmm.metadata.model import Dataset


def build_adsl(sdtm: Mapping[str, pd.DataFrame], spec: AdamDatasetSpec | None = None) -> Dataset:
    """ADSL from SDTM datasets (DM and EX required; CM, DS, MH, RS, SS, ... optional), one row per DM subject.

    The variables come out in the spec's order with the spec's metadata; see each derivation for its rule.
    """
    spec = spec or load_adam_spec("ADSL")
    var = spec.variable
    adsl = (
        start_from_dm(sdtm)
        .pipe(derive_vars_predecessor, sdtm, spec.variables)
        .pipe(derive_var_lookup, var("REGION1"))
        .pipe(derive_vars_cat, var("AGEGR1"))
        .pipe(derive_var_record_value, sdtm, var("ENRLTYP"))
        .pipe(derive_var_extreme_dt, sdtm, var("RFICDT"))
        .pipe(derive_vars_extreme_dtm, sdtm, var("TRTSDTM"), time_flag="TRTSTMF")
        .pipe(derive_var_extreme_dt, sdtm, var("TRTSDT"))
        .pipe(derive_var_extreme_dt, sdtm, var("TRTEDT"))
        .pipe(derive_var_trtdurd)
        .pipe(derive_var_extreme_dt, sdtm, var("INFDT"))
        .pipe(derive_var_extreme_dt, sdtm, var("LDSTDT"))
        .pipe(derive_var_extreme_dt, sdtm, var("LDENDT"))
        .pipe(derive_var_population_flag, sdtm, var("ENRLFL"))
        .pipe(derive_var_population_flag, sdtm, var("SAFFL"))
        .pipe(derive_var_population_flag, sdtm, var("EFFFL"))
        .pipe(derive_vars_trt01, sdtm)
        .pipe(derive_var_record_value, sdtm, var("ISS"))
        .pipe(derive_var_record_value, sdtm, var("RISS"))
        .pipe(derive_var_record_value, sdtm, var("ECOGBL"))
        .pipe(derive_var_record_value, sdtm, var("MMTYPE"))
        .pipe(derive_var_record_value, sdtm, var("CYTORISK"))
        .pipe(derive_var_record_value, sdtm, var("PRIORLN"))
        .pipe(derive_var_tcrfl, sdtm, var("TCRFL"))
        .pipe(derive_var_dthfl, sdtm)
        .pipe(derive_vars_dthdt, sdtm)
        .pipe(derive_var_dthdt_not_before_alive, sdtm, var("LSTALVDT"))
        .pipe(derive_var_extreme_dt, sdtm, var("NACTDT"))
        .pipe(derive_var_lstalvdt, sdtm, var("LSTALVDT"))
        .pipe(derive_vars_disposition, sdtm, "STUDY PARTICIPATION", ("EOSSTT", "DCSREAS", "EOSDT"))
        .pipe(derive_vars_disposition, sdtm, "STUDY TREATMENT", ("EOTSTT", "DCTREAS", None), applies_if="SAFFL")
    )
    return Dataset(spec.to_dataset_meta(), adsl).ordered()
