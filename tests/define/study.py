"""A small hand-built study for the define tests: SDTM DM, AE, SUPPAE and ADaM ADSL, ADRS, ADTTE, written as the
stages write them (XPT files + metadata.json), with the metadata each define feature needs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cdiscmm.io.metadata import write_metadata
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, ValueLevelMeta, VariableMeta, WhereCondition

STUDY = "DEF-TEST"
SUBJECTS = ["DEF-TEST-001", "DEF-TEST-002", "DEF-TEST-003"]
#: An EPOCH value outside CDISC CT EPOCH (C99079, extensible): a sponsor extension.
EXTENSION = "REGISTRY FOLLOW-UP"


def _var(name: str, label: str, order: int, type_: str = "Char", **fields: object) -> VariableMeta:
    return VariableMeta(name=name, label=label, type=type_, order=order, **fields)


def _sdtm(
    name: str,
    label: str,
    class_: str,
    structure: str,
    keys: list[str],
    variables: list[VariableMeta],
    data: dict[str, list[object]],
) -> Dataset:
    meta = DatasetMeta(
        name=name,
        label=label,
        class_=class_,
        structure=structure,
        standard="SDTMIG 3.4",
        keys=keys,
        variables=variables,
    )
    return Dataset(meta, pd.DataFrame(data))


def sdtm_datasets() -> list[Dataset]:
    """DM (integer AGE, SEX codelist, partial RFSTDTC), AE (derived AESEQ, MedDRA AEDECOD, AESEV, an EPOCH
    extension, a comment) and SUPPAE (QVAL value levels by QNAM)."""
    ident = {"core": "Req", "role": "Identifier"}
    dm = _sdtm(
        "DM",
        "Demographics",
        "Special-Purpose",
        "One record per subject",
        ["STUDYID", "USUBJID"],
        [
            _var("STUDYID", "Study Identifier", 1, origin="Protocol", **ident),
            _var("DOMAIN", "Domain Abbreviation", 2, origin="Assigned", source="'DM'", **ident),
            _var("USUBJID", "Unique Subject Identifier", 3, origin="Derived", source="STUDYID-SUBJID", **ident),
            _var(
                "AGE",
                "Age",
                4,
                "Num",
                core="Exp",
                role="Record Qualifier",
                origin="Collected",
                source="dm form, field AGE",
            ),
            _var(
                "SEX",
                "Sex",
                5,
                core="Req",
                role="Record Qualifier",
                codelist="C66731",
                origin="Collected",
                origin_source="Subject",
                source="dm form, field SEX",
            ),
            _var(
                "RFSTDTC",
                "Subject Reference Start Date/Time",
                6,
                core="Exp",
                role="Record Qualifier",
                origin="Derived",
                method="Date and time of the first dose in EX.",
            ),
        ],
        {
            "STUDYID": [STUDY] * 3,
            "DOMAIN": ["DM"] * 3,
            "USUBJID": SUBJECTS,
            "AGE": [61, 70, 105],
            "SEX": ["M", "F", "M"],
            "RFSTDTC": ["2024-01-10", "2024-02", "2024-03-01T10:00"],
        },
    )
    ae = _sdtm(
        "AE",
        "Adverse Events",
        "Events",
        "One record per adverse event per subject",
        ["STUDYID", "USUBJID", "AEDECOD", "AESTDTC"],
        [
            _var("STUDYID", "Study Identifier", 1, origin="Protocol", **ident),
            _var("DOMAIN", "Domain Abbreviation", 2, origin="Assigned", source="'AE'", **ident),
            _var("USUBJID", "Unique Subject Identifier", 3, origin="Derived", source="STUDYID-SUBJID", **ident),
            _var(
                "AESEQ",
                "Sequence Number",
                4,
                "Num",
                origin="Derived",
                source="Number the records of each USUBJID 1, 2, ...",
                **ident,
            ),
            _var(
                "AETERM",
                "Reported Term for the Adverse Event",
                5,
                core="Req",
                role="Topic",
                origin="Collected",
                source="ae form, field AETERM",
                comment="Verbatim as the investigator wrote it.",
            ),
            _var(
                "AEDECOD",
                "Dictionary-Derived Term",
                6,
                core="Req",
                role="Synonym Qualifier",
                origin="Assigned",
                source="MedDRA coding of AETERM",
            ),
            _var(
                "AESEV",
                "Severity/Intensity",
                7,
                core="Perm",
                role="Record Qualifier",
                codelist="C66769",
                origin="Collected",
                source="ae form, field AESEV",
            ),
            _var(
                "EPOCH",
                "Epoch",
                8,
                core="Perm",
                role="Timing",
                codelist="C99079",
                origin="Derived",
                source="The epoch that has started on the record's date.",
            ),
            _var(
                "AESTDTC",
                "Start Date/Time of Adverse Event",
                9,
                core="Exp",
                role="Timing",
                origin="Collected",
                source="ae form, field AESTDAT",
            ),
        ],
        {
            "STUDYID": [STUDY] * 4,
            "DOMAIN": ["AE"] * 4,
            "USUBJID": [SUBJECTS[0], SUBJECTS[0], SUBJECTS[1], SUBJECTS[2]],
            "AESEQ": [1, 2, 1, 1],
            "AETERM": ["CRS", "Headache", "Nausea", "Fatigue"],
            "AEDECOD": ["Cytokine release syndrome", "Headache", "Nausea", "Fatigue"],
            "AESEV": ["MODERATE", "MILD", "MILD", ""],
            "EPOCH": ["TREATMENT", "TREATMENT", EXTENSION, "TREATMENT"],
            "AESTDTC": ["2024-01-11", "2024-01-20T08:30", "2024-03", "2024-03-05"],
        },
    )
    supp = _sdtm(
        "SUPPAE",
        "Supplemental Qualifiers for AE",
        "Relationship",
        "One record per supplemental qualifier per related parent domain record(s)",
        ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM"],
        [
            _var("STUDYID", "Study Identifier", 1, origin="Protocol", **ident),
            _var("RDOMAIN", "Related Domain Abbreviation", 2, origin="Assigned", source="'AE'", **ident),
            _var("USUBJID", "Unique Subject Identifier", 3, origin="Derived", source="STUDYID-SUBJID", **ident),
            _var("IDVAR", "Identifying Variable", 4, origin="Assigned", source="'AESEQ'", **ident),
            _var("IDVARVAL", "Identifying Variable Value", 5, origin="Derived", source="AE.AESEQ", **ident),
            _var("QNAM", "Qualifier Variable Name", 6, core="Req", role="Topic", origin="Assigned", source="QNAM"),
            _var(
                "QLABEL",
                "Qualifier Variable Label",
                7,
                core="Req",
                role="Synonym Qualifier",
                origin="Assigned",
                source="QLABEL",
            ),
            _var(
                "QVAL",
                "Data Value",
                8,
                core="Req",
                role="Result Qualifier",
                origin="Collected",
                source="ae form",
                value_level=[
                    ValueLevelMeta(
                        where=[WhereCondition(variable="QNAM", values=("AECRS",))],
                        label="CRS Event",
                        codelist="C66742",
                        origin="Derived",
                        method="'Y' when AEDECOD is Cytokine release syndrome.",
                    ),
                    ValueLevelMeta(
                        where=[WhereCondition(variable="QNAM", values=("CRSGR",))],
                        label="ASTCT CRS Grade",
                        type="integer",
                        source="crs form, field CRSGR",
                    ),
                ],
            ),
        ],
        {
            "STUDYID": [STUDY] * 3,
            "RDOMAIN": ["AE"] * 3,
            "USUBJID": [SUBJECTS[0], SUBJECTS[0], SUBJECTS[1]],
            "IDVAR": ["AESEQ"] * 3,
            "IDVARVAL": ["1", "1", "1"],
            "QNAM": ["AECRS", "CRSGR", "AECRS"],
            "QLABEL": ["CRS Event", "ASTCT CRS Grade", "CRS Event"],
            "QVAL": ["Y", "2", "N"],
        },
    )
    return [dm, ae, supp]


def _adam(
    name: str,
    label: str,
    class_: str,
    structure: str,
    keys: list[str],
    variables: list[VariableMeta],
    data: dict[str, list[object]],
    subclass: str | None = None,
) -> Dataset:
    meta = DatasetMeta(
        name=name,
        label=label,
        class_=class_,
        subclass=subclass,
        structure=structure,
        standard="ADaMIG 1.3",
        keys=keys,
        variables=variables,
    )
    return Dataset(meta, pd.DataFrame(data))


def adam_datasets() -> list[Dataset]:
    """ADSL (dates), ADRS (RSP responder records) and ADTTE (float AVAL with value levels by PARAMCD)."""
    ids = [
        _var("STUDYID", "Study Identifier", 1, core="Req", origin="Predecessor", source="DM.STUDYID"),
        _var("USUBJID", "Unique Subject Identifier", 2, core="Req", origin="Predecessor", source="DM.USUBJID"),
    ]
    dates = pd.to_datetime(["2024-01-10", "2024-02-01", None])
    adsl = _adam(
        "ADSL",
        "Subject-Level Analysis Dataset",
        "SUBJECT LEVEL ANALYSIS DATASET",
        "One record per subject",
        ["STUDYID", "USUBJID"],
        [
            *ids,
            _var(
                "SAFFL",
                "Safety Population Flag",
                3,
                codelist="C66742",
                origin="Derived",
                method="'Y' when the subject received a dose.",
            ),
            _var(
                "TRTSDT",
                "Date of First Exposure to Treatment",
                4,
                "Num",
                origin="Derived",
                method="Date part of the first EXSTDTC.",
                display_format="DATE9.",
            ),
        ],
        {"STUDYID": [STUDY] * 3, "USUBJID": SUBJECTS, "SAFFL": ["Y", "Y", "N"], "TRTSDT": dates},
    )
    adrs = _adam(
        "ADRS",
        "Response Analysis Dataset",
        "BASIC DATA STRUCTURE",
        "One record per subject per parameter",
        ["STUDYID", "USUBJID", "PARAMCD"],
        [
            *ids,
            _var("PARAMCD", "Parameter Code", 3, origin="Assigned", method="The parameter table."),
            _var("AVALC", "Analysis Value (C)", 4, origin="Derived", method="'Y' for a confirmed PR or better."),
        ],
        {"STUDYID": [STUDY] * 3, "USUBJID": SUBJECTS, "PARAMCD": ["RSP"] * 3, "AVALC": ["Y", "N", "N"]},
    )
    adtte = _adam(
        "ADTTE",
        "Time-to-Event Analysis Dataset",
        "BASIC DATA STRUCTURE",
        "One record per subject per parameter",
        ["STUDYID", "USUBJID", "PARAMCD"],
        [
            *ids,
            _var("PARAMCD", "Parameter Code", 3, origin="Assigned", method="The parameter table."),
            _var(
                "AVAL",
                "Analysis Value",
                4,
                "Num",
                origin="Derived",
                method="(ADT - STARTDT + 1) / 30.4375.",
                value_level=[
                    ValueLevelMeta(where=[WhereCondition(variable="PARAMCD", values=("PFS",))], label="PFS (Months)"),
                    ValueLevelMeta(
                        where=[WhereCondition(variable="PARAMCD", comparator="IN", values=("OS", "TTNT"))],
                        label="OS or TTNT (Months)",
                        method="Months from TRTSDT to death or last alive.",
                    ),
                ],
            ),
            _var("CNSR", "Censor", 5, "Num", origin="Derived", method="0 for an event, 1 for a censoring."),
        ],
        {
            "STUDYID": [STUDY] * 4,
            "USUBJID": [SUBJECTS[0], SUBJECTS[1], SUBJECTS[0], SUBJECTS[1]],
            "PARAMCD": ["PFS", "PFS", "OS", "OS"],
            "AVAL": [1.25, 12.5, 3.0, 20.125],
            "CNSR": [0, 1, 1, 0],
        },
        subclass="TIME-TO-EVENT",
    )
    return [adsl, adrs, adtte]


def write_study(folder: Path, datasets: list[Dataset], *, metadata: bool = True) -> Path:
    """Write ``datasets`` to ``folder`` as the stages do (XPT files, and metadata.json unless told not to)."""
    folder.mkdir(parents=True, exist_ok=True)
    for dataset in datasets:
        write_xpt(dataset, folder / f"{dataset.name.lower()}.xpt")
    if metadata:
        write_metadata(datasets, folder)
    return folder


def spread(datasets: list[Dataset], copies: int = 100) -> list[Dataset]:
    """``datasets`` with each one's records between ``copies`` copies of its first record: read in small blocks,
    the first and last blocks hold only that record's values, the others (longer values, other dates, values
    outside a codelist) are in the middle blocks only."""
    return [
        Dataset(d.meta, pd.concat([d.data.iloc[[0] * copies], d.data, d.data.iloc[[0] * copies]])) for d in datasets
    ]
