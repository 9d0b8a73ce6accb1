"""The ADRS derivations ``specs/adam/adrs.yaml`` names: the IMWG 2016 response parameters from RS overall responses.

OVR reads RS; COVR confirms the analysed OVR records (one per subject and date, before new anti-myeloma therapy);
BOR reads OVR up to the first PD; CBOR, the responder parameters and PD read COVR (up to the first confirmed PD).
Every rule is in :mod:`cdiscmm.adam.imwg`. Each derived record carries SRCSEQS (the RSSEQ it came from) and
DERIVTXT (the rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import pandas as pd
from pydantic import Field

from cdiscmm.adam import imwg
from cdiscmm.adam.dates import compute_dt_from_dtc
from cdiscmm.adam.fallbacks import absent_optional
from cdiscmm.adam.lineage import compute_seq_text
from cdiscmm.adam.registry import Inputs, StepArgs, derivation, fixed
from cdiscmm.adam.sdtm_input import optional, require
from cdiscmm.adam.spec_model import AdamDatasetSpec, ParameterSpec
from cdiscmm.metadata.model import SasName

OVR = "OVR"
COVR = "COVR"
ASSESSMENT_COLUMNS = ["USUBJID", "ADT", "AVALC", "RSSEQ"]
#: The variables of a derived IMWG record (:func:`cdiscmm.adam.imwg.derive_param_bor` and the others).
DERIVED = ("USUBJID", "PARAMCD", "ADT", "AVALC", "AVAL", "SRCSEQS", "DERIVTXT")
Category = Literal["sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE"]


class NoArgs(StepArgs):
    """A step without arguments."""


class OvrArgs(StepArgs):
    """The overall-response parameter; its ``where`` in the parameter table selects the RS records."""

    paramcd: Literal["OVR"]


class CovrArgs(StepArgs):
    """The confirmed response at each assessment (the IMWG engine's own PARAMCD)."""

    paramcd: Literal["COVR"]


class BorArgs(StepArgs):
    """The best overall response without confirmation."""

    paramcd: Literal["BOR"]


class CborArgs(StepArgs):
    """The best confirmed overall response."""

    paramcd: Literal["CBOR"]


class PdArgs(StepArgs):
    """The first confirmed progressive disease."""

    paramcd: Literal["PD"]


class ResponseArgs(StepArgs):
    """A responder parameter and the COVR categories that count as its response (e.g. ORR: sCR, CR, VGPR, PR)."""

    paramcd: SasName
    categories: list[Category] = Field(min_length=1)


class Anl01flArgs(StepArgs):
    """The parameters whose records keep their own ANL01FL (the collected assessments); derived records get 'Y'."""

    collected: list[SasName] = Field(min_length=1)


def select_ovr_records(sdtm: Mapping[str, pd.DataFrame], parameter: ParameterSpec) -> pd.DataFrame:
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
            "AVAL": rows["RSSTRESC"].map(imwg.AVAL_IMWG).astype("Int64"),
            "RSSEQ": rows["RSSEQ"],
            "SRCDOM": "RS",
            "SRCVAR": "RSSTRESC",
            "SRCSEQ": rows["RSSEQ"].astype("Int64"),
            "SRCSEQS": compute_seq_text(rows["RSSEQ"]),
            "DERIVTXT": "RS.RSSTRESC as collected",
        }
    ).reset_index(drop=True)


def _analysed(inputs: Inputs) -> pd.DataFrame:
    """The OVR records ANL01FL keeps: one per subject and date, before new therapy, in subject and date order."""
    return imwg.filter_worst_per_date(inputs.records[OVR].drop(columns="ANL01FL"))


def _covr_to_pd(inputs: Inputs) -> pd.DataFrame:
    return imwg.filter_assessments_up_to_first_pd(inputs.records[COVR])


@derivation(NoArgs, produces=fixed(), kind="start")
def start_from_rs(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame | None:
    """The RS records the parameters are read from; None (ADRS not built) when the study has no RS."""
    return optional(inputs.sdtm, "RS", [], "ADRS not built, ADTTE without response-based parameters")


@derivation(OvrArgs, produces=fixed(*DERIVED, "SRCDOM", "SRCVAR", "SRCSEQ", "ANL01FL"), reads="where", kind="parameter")
def derive_param_ovr(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: OvrArgs) -> pd.DataFrame:
    """OVR: the RS overall responses the parameter's ``where`` selects, on or before new anti-myeloma therapy
    (ADSL.NACTDT); ANL01FL = 'Y' on the worst response per subject and date (admiralonco ``adrs_imwg``)."""
    ovr = select_ovr_records(inputs.sdtm, spec.parameter(args.paramcd))
    ovr = imwg.filter_assessments_before_new_therapy(ovr, inputs.adam["ADSL"])
    kept = imwg.filter_worst_per_date(ovr)
    return ovr.assign(ANL01FL=pd.Series("Y", index=ovr.index, dtype="str").where(ovr.index.isin(kept.index)))


@derivation(CovrArgs, produces=fixed(*DERIVED), kind="parameter", needs=(OVR,))
def derive_param_confirmed_response(
    dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: CovrArgs
) -> pd.DataFrame:
    """COVR: the IMWG confirmed response at each analysed OVR assessment
    (:func:`cdiscmm.adam.imwg.derive_param_confirmed_response`)."""
    return imwg.derive_param_confirmed_response(_analysed(inputs).loc[:, ASSESSMENT_COLUMNS], inputs.adam["ADSL"])


@derivation(BorArgs, produces=fixed(*DERIVED), kind="parameter", needs=(OVR,))
def derive_param_bor(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: BorArgs) -> pd.DataFrame:
    """BOR: the best analysed OVR up to the first PD, :func:`cdiscmm.adam.imwg.derive_param_bor`."""
    return imwg.derive_param_bor(imwg.filter_assessments_up_to_first_pd(_analysed(inputs)), inputs.adam["ADSL"])


@derivation(CborArgs, produces=fixed(*DERIVED), kind="parameter", needs=(COVR,))
def derive_param_cbor(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: CborArgs) -> pd.DataFrame:
    """CBOR: the best COVR up to the first confirmed PD, :func:`cdiscmm.adam.imwg.derive_param_cbor`."""
    return imwg.derive_param_cbor(_covr_to_pd(inputs), inputs.adam["ADSL"])


@derivation(ResponseArgs, produces=fixed(*DERIVED), kind="parameter", needs=(COVR,))
def derive_param_response(
    dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: ResponseArgs
) -> pd.DataFrame:
    """A responder parameter: 'Y' when a COVR up to the first confirmed PD is in ``categories``,
    :func:`cdiscmm.adam.imwg.derive_param_response`."""
    param = spec.parameter(args.paramcd).param
    categories = tuple(args.categories)
    return imwg.derive_param_response(_covr_to_pd(inputs), inputs.adam["ADSL"], args.paramcd, categories, param)


@derivation(PdArgs, produces=fixed(*DERIVED), kind="parameter", needs=(COVR,))
def derive_param_pd(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: PdArgs) -> pd.DataFrame:
    """PD: the first confirmed progressive disease, :func:`cdiscmm.adam.imwg.derive_param_pd`."""
    return imwg.derive_param_pd(inputs.records[COVR], inputs.adam["ADSL"])


@derivation(Anl01flArgs, produces=fixed("ANL01FL"))
def derive_var_anl01fl(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: Anl01flArgs) -> pd.DataFrame:
    """ANL01FL = 'Y' on every derived record; the collected parameters' records keep the flag they were given."""
    return dataset.assign(ANL01FL=dataset["ANL01FL"].where(dataset["PARAMCD"].isin(args.collected), "Y"))
