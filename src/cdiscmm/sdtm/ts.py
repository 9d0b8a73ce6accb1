"""TS — Trial Summary, built from ``study.yaml``'s ``trial_summary`` parameters (SDTMIG 3.4 §7.6.1).

One record per parameter value: TSSEQ numbers the values of a TSPARMCD (1, 2, …); TSPARM is the decode of
TSPARMCD (TSPARMCD codelist C66738 and TSPARM codelist C67152 share the term C-codes). A value from a CDISC
codelist gets TSVALCD = the term's C-code, TSVCDREF = "CDISC CT" and TSVCDVER = the CT package date; a value
from an external dictionary names it. A parameter with no value has TSVALNF (e.g. AGEMAX "PINF").

Rules beyond that:

- TSVCDREF is a term of DICTNAM (C66788, SDTMIG 3.4 TS specification: TSVCDREF "(DICTNAM)"). DICTNAM is extensible;
  the only extension accepted is one an SDTMIG example uses (:data:`DICTNAM_EXTENSIONS`), any other name is a spec
  error, so a misspelt dictionary cannot reach the dataset.
- A value coded by ISO 3166 (DICTNAM C209537, e.g. FCNTRY) is itself the code: TSVALCD = TSVAL, the ISO 3166-1
  alpha-3 country code (the form SDTM uses for COUNTRY; SDTMIG 3.4 TS Example 1 FCNTRY rows USA/CAN/MEX).
- SSTDTC (``derive: earliest_consent``) is the earliest *complete* (YYYY-MM-DD) informed-consent date RFICDTC of
  the enrolled subjects, see :func:`study_start_date`.
"""

from __future__ import annotations

import re

import pandas as pd

from cdiscmm.core import progress
from cdiscmm.core.errors import Location, SpecError
from cdiscmm.core.iso8601 import compute_dtc_bounds, compute_dtc_date
from cdiscmm.metadata.model import ORIGIN_SOURCES, Dataset, DatasetMeta
from cdiscmm.metadata.study import StudyConfig, TrialSummaryParameter
from cdiscmm.sdtm.describe import with_declared_origins, with_value_level
from cdiscmm.sdtm.verbs.base import CodelistLookup
from cdiscmm.sdtm.verbs.supp import MAX_TEXT_BYTES

TSPARMCD_CODELIST = "C66738"
TSPARM_CODELIST = "C67152"
#: Dictionary Name (DICTNAM), the codelist of TSVCDREF (SDTMIG 3.4 TS specification), extensible.
DICTNAM_CODELIST = "C66788"
#: TSVCDREF values outside DICTNAM (SDTM CT 2025-03-28) that are accepted, each with the source that uses it.
DICTNAM_EXTENSIONS: dict[str, str] = {
    # SDTMIG 3.4 §7.4.2 TS Example 1 row 26: REGID NCT123456789, TSVALCD NCT123456789, TSVCDREF ClinicalTrials.gov.
    "ClinicalTrials.gov": "SDTMIG 3.4 §7.4.2 TS Example 1 (REGID)",
}
#: DICTNAM term C209537; its codes are the values themselves (ISO 3166-1 alpha-3 country codes).
ISO_3166 = "ISO 3166"
_ALPHA_3 = re.compile(r"[A-Z]{3}")
_CT_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: The rule of each derived TS value (``derive`` in study.yaml), the MethodDef of its TSVAL value level.
DERIVE_METHODS: dict[str, str] = {
    "earliest_consent": "The earliest complete informed-consent date (DM.RFICDTC) of the enrolled subjects, time "
    "dropped (SSTDTC, SDTM CT C69208)",
    "subject_count": "The number of subjects in DM (distinct USUBJID)",
}


def _ct_version(source: str, package: str) -> str:
    """TSVCDVER of a CDISC CT value: the date of the CT package the codelist comes from (``SDTM CT 2025-03-28`` ->
    ``2025-03-28``), as SDTMIG 3.4 §7.4.2 TS Example 1 writes it (TSVCDVER ``2011-06-10``)."""
    found = _CT_DATE.search(source) or _CT_DATE.search(package)
    return found.group(0) if found else package


def study_start_date(consent: pd.Series, studyid: str = "") -> str | None:
    """SSTDTC from the subjects' RFICDTC values: the earliest complete (YYYY-MM-DD) consent date, time dropped.

    Rule: SSTDTC is "the earliest date of informed consent among any subject that enrolled in the study" (SDTM CT
    2025-03-28, TSPARMCD SSTDTC C69208, after the FDA eStudy Data guidance, June 2021); the FDA Technical Rejection
    Criteria (effective 2021-09-15) require it, and a TS whose SSTDTC is shorter than yyyy-mm-dd fails
    pharmaverse sdtmchecks ``check_ts_sstdtc_ds_consent``, which also takes the earliest consent over complete
    dates only. A partial date (``2024-05``) cannot say which day the study started and is ignored; only when no
    subject has a complete date is the earliest partial one (by its earliest possible instant) returned, with a
    warning on stderr. Returns None when no subject has a consent date.
    """
    values = consent.dropna().astype("string").str.strip()
    values = values[values != ""]
    if values.empty:
        return None
    dates = compute_dtc_date(values)
    if dates.notna().any():
        return dates.min().strftime("%Y-%m-%d")
    low, _ = compute_dtc_bounds(values)
    earliest = str(values.loc[low.idxmin()]) if low.notna().any() else str(values.iloc[0])
    progress.warn(
        f"{studyid or 'study'}: no complete informed-consent date (RFICDTC); SSTDTC is the partial date "
        f"{earliest}, which does not meet the FDA Technical Rejection Criteria's study start date (yyyy-mm-dd)"
    )
    return earliest


def _derived_value(parameter: TrialSummaryParameter, dm: pd.DataFrame, studyid: str) -> list[str]:
    if parameter.derive == "subject_count":
        return [str(dm["USUBJID"].nunique())]
    consent = dm["RFICDTC"] if "RFICDTC" in dm else pd.Series(dtype="string")
    start = study_start_date(consent, studyid)
    return [] if start is None else [start]


def _dictionary_codes(parameter: TrialSummaryParameter, values: list[str], ct: CodelistLookup) -> list[str | None]:
    """TSVALCD of values from an external dictionary, after checking TSVCDREF against DICTNAM (module rules)."""
    dictionary = parameter.dictionary
    if dictionary is None:
        return [parameter.code] * len(values)
    where = Location(file="study.yaml", field=f"trial_summary {parameter.parmcd}")
    dictnam = ct.get(DICTNAM_CODELIST)
    if dictnam.term(dictionary) is None and dictionary not in DICTNAM_EXTENSIONS:
        raise SpecError(
            f"TSVCDREF {dictionary!r} is not a term of codelist {DICTNAM_CODELIST} ({dictnam.name})",
            where,
            expected=f"one of {', '.join([*dictnam.values(), *DICTNAM_EXTENSIONS])}",
        )
    if dictionary != ISO_3166:
        return [parameter.code] * len(values)
    bad = [value for value in values if not _ALPHA_3.fullmatch(value)]
    if bad or (parameter.code is not None and [parameter.code] != values):
        raise SpecError(
            f"an {ISO_3166} value is its own code: {(bad or [parameter.code])[0]!r} does not fit",
            where,
            expected="ISO 3166-1 alpha-3 country codes as values and no separate code",
        )
    return list(values)


def _records(
    parameter: TrialSummaryParameter, dm: pd.DataFrame, ct: CodelistLookup, version: str, studyid: str
) -> pd.DataFrame:
    where = Location(file="study.yaml", field=f"trial_summary {parameter.parmcd}")
    parmcd_term = ct.get(TSPARMCD_CODELIST).term(parameter.parmcd)
    if parmcd_term is None:
        raise SpecError(f"TSPARMCD {parameter.parmcd} is not in codelist {TSPARMCD_CODELIST}", where)
    decode = next(
        (term.submission_value for term in ct.get(TSPARM_CODELIST).terms if term.code == parmcd_term.code),
        parmcd_term.decode,
    )
    if parameter.derive:
        values = _derived_value(parameter, dm, studyid)
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
    codes = _dictionary_codes(parameter, values, ct)
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
        reference, reference_version = "CDISC CT", _ct_version(codelist.source, version)
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
    frames = [_records(parameter, dm, ct, version, config.studyid) for parameter in config.trial_summary]
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
    meta = meta.model_copy(update={"variables": with_declared_origins("TS", keep)})
    return describe_values(Dataset(meta, shaped.reset_index(drop=True)), config.trial_summary)


def describe_values(dataset: Dataset, parameters: list[TrialSummaryParameter]) -> Dataset:
    """TS whose TSVAL is described per TSPARMCD: a value study.yaml states keeps TSVAL's declared origin (Protocol,
    ``specs/sdtm/origins.yaml``), a value derived from DM is Derived with its rule (:data:`DERIVE_METHODS`)
    (Define-XML 2.1 §5.3.7 value-level metadata). A variable described per parameter states its origins there only
    (define lists them on the variable)."""
    described = with_value_level(dataset)
    derive = {parameter.parmcd: parameter.derive for parameter in parameters if parameter.derive}
    variables = []
    for variable in described.meta.variables:
        stated = {"origin": variable.origin, "origin_source": variable.origin_source, "source": variable.source}
        levels = [
            level.model_copy(
                update={"origin": "Derived", "origin_source": ORIGIN_SOURCES["Derived"], "method": DERIVE_METHODS[rule]}
                if (rule := derive.get(level.where[0].values[0]))
                else stated
            )
            for level in variable.value_level
        ]
        own = {"origin": None, "origin_source": None, "source": None, "method": None} if levels else {}
        variables.append(variable.model_copy(update={"value_level": levels, **own}))
    return Dataset(described.meta.model_copy(update={"variables": variables}), described.data)
