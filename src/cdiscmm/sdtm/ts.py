"""TS — Trial Summary, built from ``study.yaml``'s ``trial_summary`` parameters (SDTMIG 3.4 §7.6.1).

One record per parameter value: TSSEQ numbers the values of a TSPARMCD (1, 2, …); TSPARM is the decode of
TSPARMCD (TSPARMCD codelist C66738 and TSPARM codelist C67152 share the term C-codes). A value from a CDISC
codelist gets TSVALCD = the term's C-code, TSVCDREF = "CDISC CT" and TSVCDVER = the CT package date; a value
from an external dictionary names it. A parameter with no value has TSVALNF (e.g. AGEMAX "PINF").
SSTDTC may be derived as the earliest informed consent (RFICDTC), as its CT definition states.
"""

from __future__ import annotations

import pandas as pd

from cdiscmm.errors import Location, SpecError
from cdiscmm.metadata.model import Dataset, DatasetMeta
from cdiscmm.metadata.study import StudyConfig, TrialSummaryParameter
from cdiscmm.sdtm.iso8601 import compute_dtc_bounds
from cdiscmm.sdtm.verbs.base import CodelistLookup
from cdiscmm.sdtm.verbs.supp import MAX_TEXT_BYTES

TSPARMCD_CODELIST = "C66738"
TSPARM_CODELIST = "C67152"


def _derived_value(parameter: TrialSummaryParameter, dm: pd.DataFrame) -> list[str]:
    if parameter.derive == "subject_count":
        return [str(dm["USUBJID"].nunique())]
    consent = dm["RFICDTC"].dropna() if "RFICDTC" in dm else pd.Series(dtype="string")
    if consent.empty:
        return []
    low, _ = compute_dtc_bounds(consent)
    return [str(consent.loc[low.idxmin()])]


def _records(parameter: TrialSummaryParameter, dm: pd.DataFrame, ct: CodelistLookup, version: str) -> pd.DataFrame:
    where = Location(file="study.yaml", field=f"trial_summary {parameter.parmcd}")
    parmcd_term = ct.get(TSPARMCD_CODELIST).term(parameter.parmcd)
    if parmcd_term is None:
        raise SpecError(f"TSPARMCD {parameter.parmcd} is not in codelist {TSPARMCD_CODELIST}", where)
    decode = next(
        (term.submission_value for term in ct.get(TSPARM_CODELIST).terms if term.code == parmcd_term.code),
        parmcd_term.decode,
    )
    if parameter.derive:
        values = _derived_value(parameter, dm)
    else:
        values = parameter.values or ([parameter.value] if parameter.value is not None else [])
    if not values:
        return pd.DataFrame(
            {
                "TSPARMCD": [parameter.parmcd],
                "TSPARM": [decode],
                "TSVAL": [pd.NA],
                "TSVALNF": [parameter.null_flavor or "UNK"],
                "TSVALCD": [pd.NA],
                "TSVCDREF": [pd.NA],
                "TSVCDVER": [pd.NA],
                "TSSEQ": [1],
            }
        )
    codes: list[str | None] = [parameter.code] * len(values)
    reference, reference_version = parameter.dictionary, parameter.dictionary_version
    if parameter.codelist:
        codelist = ct.get(parameter.codelist)
        terms = [codelist.term(value) for value in values]
        unknown = [value for value, term in zip(values, terms, strict=True) if term is None]
        if unknown and not codelist.extensible:
            raise SpecError(
                f"TSVAL {unknown[0]!r} is not a term of codelist {codelist.code} ({codelist.name})",
                where,
                expected=f"one of {', '.join(codelist.values()[:20])}",
            )
        codes = [term.code if term else None for term in terms]
        reference, reference_version = "CDISC CT", version
    too_long = [value for value in values if len(value.encode("utf-8")) > MAX_TEXT_BYTES]
    if too_long:
        raise SpecError(
            f"TSVAL of {parameter.parmcd} is over {MAX_TEXT_BYTES} bytes",
            where,
            expected="a value of at most 200 bytes",
        )
    return pd.DataFrame(
        {
            "TSPARMCD": parameter.parmcd,
            "TSPARM": decode,
            "TSVAL": values,
            "TSVALNF": pd.NA,
            "TSVALCD": codes,
            "TSVCDREF": reference,
            "TSVCDVER": reference_version,
            "TSSEQ": range(1, len(values) + 1),
        }
    )


def build_ts(config: StudyConfig, dm: pd.DataFrame, ct: CodelistLookup, meta: DatasetMeta) -> Dataset:
    """The TS dataset of a study, variables in SDTMIG order (Perm ones only when used)."""
    version = str(getattr(ct, "package", "") or "")
    frames = [_records(parameter, dm, ct, version) for parameter in config.trial_summary]
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["TSPARMCD", "TSSEQ"])
    data.insert(0, "STUDYID", config.studyid)
    data.insert(1, "DOMAIN", "TS")
    keep = [
        variable
        for variable in sorted(meta.variables, key=lambda v: v.order)
        if variable.core in ("Req", "Exp") or (variable.name in data and data[variable.name].notna().any())
    ]
    shaped = pd.DataFrame(
        {
            variable.name: (
                pd.to_numeric(data[variable.name]).astype("Float64")
                if variable.type == "Num"
                else data[variable.name].astype("string")
            )
            if variable.name in data
            else pd.Series(pd.NA, index=data.index, dtype="string")
            for variable in keep
        }
    )
    return Dataset(meta.model_copy(update={"variables": keep}), shaped.reset_index(drop=True))
