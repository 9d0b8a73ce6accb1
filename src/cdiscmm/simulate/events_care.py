"""Healthcare-use forms: hospital stays (``ho``), second-primary-malignancy pages (``spm``), resource use (``mru``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.simulate.events_common import (
    assemble_form,
    care_codelists,
    days,
    draw_rate,
    key_fields,
    lognormal_days,
    pick_texts,
    yes_no,
)
from cdiscmm.simulate.events_design import HoDesign, MruDesign, SpmDesign
from cdiscmm.simulate.forms import KEY_FIELDS, Field, Form

HO_FIELDS: list[Field] = [
    *key_fields(),
    Field("AESPID", "AE line identifier of the hospitalising AE (blank for a planned stay)", "text"),
    Field("HOSTDAT", "Admission date", "date"),
    Field("HOENDAT", "Discharge date", "date"),
    Field("HOTYPE", "Type of stay", "code", "HOTYPE"),
    Field("HOREAS", "Reason for hospitalisation", "text"),
    Field("HOREAS_EN", "Reason for hospitalisation (English translation)", "text"),
    Field("HOOUT", "Outcome of the stay", "code", "HOOUT"),
]
SPM_FIELDS: list[Field] = [
    *key_fields(),
    Field("AESPID", "AE line identifier of the accompanying AE row", "text"),
    Field("SPMTERM", "Second primary malignancy (verbatim)", "text"),
    Field("SPMTERM_EN", "Second primary malignancy (English translation)", "text"),
    Field("SPMDAT", "Date of diagnosis", "date"),
    Field("SPMTYPE", "Type of malignancy", "code", "SPMTYPE"),
    Field("SPMBIOP", "Tumour biopsy taken?", "code", "NY"),
]
MRU_FIELDS: list[Field] = [
    *key_fields(),
    Field("MRUTYPE", "Type of resource use", "code", "MRUTYPE"),
    Field("MRUDAT", "Date", "date"),
    Field("MRUTRT", "Drug prescribed (new prescription)", "text"),
    Field("MRUTRT_EN", "Drug prescribed (English translation)", "text"),
]


def _ae_stays(adverse: pd.DataFrame, design: HoDesign, rng: np.random.Generator) -> pd.DataFrame:
    """One stay per AE meeting the hospitalisation criterion: admitted on the onset date, log-normal length of stay,
    ICU at the rate given for the AE's grade; a fatal AE's stay lasts until death. The reason is the AE verbatim."""
    rows = adverse.loc[adverse["AESHOSP"] == "Y"]
    length = lognormal_days(design.length_of_stay_median_days, len(rows), rng, sigma=0.6) + 1
    end = rows["_start"] + days(length)
    return pd.DataFrame(
        {
            "_subject": rows["_subject"],
            "AESPID": rows["AESPID"],
            "start": rows["_start"],
            "end": end.where(~rows["_fatal"].astype(bool), rows["_end"]),
            "icu": draw_rate(design.icu_by_grade, rows["_grade"].to_numpy(), rng),
            "HOREAS": rows["AETERM"],
            "HOREAS_EN": rows["AETERM_EN"],
        }
    )


def _planned_stays(
    window: pd.DataFrame, design: HoDesign, language: str, rng: np.random.Generator
) -> list[pd.DataFrame]:
    """Stays of the design (e.g. CAR-T lymphodepletion and infusion), each subject at the stay's rate."""
    parts = []
    for stay in design.planned_stays:
        subject = np.flatnonzero(rng.random(len(window)) < stay.rate)
        start = window["INDEXDT"].to_numpy()[subject] + days(np.full(subject.size, stay.start_day))
        reason, reason_en = pick_texts(stay.reason, language, subject.size, rng)
        length = lognormal_days(stay.length_median_days, subject.size, rng, sigma=0.3) + 1
        part = pd.DataFrame(
            {
                "_subject": subject,
                "AESPID": None,
                "start": start,
                "end": start + days(length),
                "icu": False,
                "HOREAS": reason,
                "HOREAS_EN": reason_en,
            }
        )
        parts.append(part.loc[part["start"].to_numpy() <= window["END"].to_numpy()[subject]])
    return parts


def ho_form(
    adverse: pd.DataFrame, window: pd.DataFrame, design: HoDesign, language: str, rng: np.random.Generator
) -> Form:
    """Hospital stays from hospitalising AEs and planned stays, overlapping stays of a subject merged into one.

    A merged stay keeps its first reason and link and is an ICU stay if any part was. A subject who died on or
    before the discharge date died in hospital (discharge = death date, DIED); a stay still running at the end of
    observation has no discharge date (STILL IN HOSPITAL); otherwise TRANSFERRED at ``transfer_rate``, else
    DISCHARGED HOME.
    """
    stays = pd.concat([_ae_stays(adverse, design, rng), *_planned_stays(window, design, language, rng)])
    stays = stays.astype({"start": "datetime64[ns]", "end": "datetime64[ns]", "_subject": "int64", "icu": bool})
    stays = stays.sort_values(["_subject", "start"], kind="stable").reset_index(drop=True)
    running_end = stays.groupby("_subject")["end"].cummax()
    previous_end = running_end.groupby(stays["_subject"]).shift()
    first = previous_end.isna() | (stays["start"] > previous_end)
    group = first.cumsum()
    merged = stays.loc[first].reset_index(drop=True)
    merged["end"] = stays.groupby(group)["end"].max().to_numpy()
    merged["icu"] = stays.groupby(group)["icu"].any().to_numpy()

    subject = merged["_subject"].to_numpy()
    death = window["DTHDT"].to_numpy()[subject]
    died = ~pd.isna(death) & (death <= merged["end"].to_numpy())
    still = ~died & (merged["end"].to_numpy() > window["END"].to_numpy()[subject])
    left = np.where(rng.random(len(merged)) < design.transfer_rate, "TRANSFERRED", "DISCHARGED HOME")
    merged["HOSTDAT"] = merged["start"]
    merged["HOENDAT"] = merged["end"].where(~died, pd.Series(death)).where(~still)
    merged["HOTYPE"] = np.where(merged["icu"], "ICU", "GENERAL WARD")
    merged["HOOUT"] = np.select([died, still], ["DIED", "STILL IN HOSPITAL"], default=left)
    keys = window.loc[subject, list(KEY_FIELDS)].reset_index(drop=True)
    return assemble_form(
        "ho", "Hospitalisation", HO_FIELDS, pd.concat([keys, merged], axis=1), language, care_codelists()
    )


def spm_form(adverse: pd.DataFrame, design: SpmDesign, language: str, rng: np.random.Generator) -> Form:
    """One page per AE row that is a second primary malignancy: diagnosis date = AE start, biopsy at
    ``biopsy_rate``."""
    rows = adverse.loc[adverse["_spm_type"].notna()]
    page = rows.assign(
        SPMTERM=rows["AETERM"],
        SPMTERM_EN=rows["AETERM_EN"],
        SPMDAT=rows["AESTDAT"],
        SPMTYPE=rows["_spm_type"],
        SPMBIOP=yes_no(rng.random(len(rows)) < design.biopsy_rate),
    )
    return assemble_form("spm", "Second Primary Malignancy", SPM_FIELDS, page, language, care_codelists())


def mru_form(window: pd.DataFrame, design: MruDesign, language: str, rng: np.random.Generator) -> Form:
    """Medical resource use: per type, Poisson(rate x months observed) records per subject on uniform dates within
    the observation; a new prescription names a drug drawn by ``weight``."""
    observed = ((window["END"] - window["INDEXDT"]).dt.days + 1).to_numpy()
    parts = []
    for resource, rate in design.per_month.items():
        subject = np.repeat(np.arange(len(window)), rng.poisson(rate * observed / 30.4375))
        offset = np.floor(rng.random(subject.size) * observed[subject]).astype("int64")
        dates = window["INDEXDT"].to_numpy()[subject] + days(offset)
        parts.append(pd.DataFrame({"_subject": subject, "MRUTYPE": resource, "MRUDAT": dates}))
    records = pd.concat(parts, ignore_index=True).sort_values(["_subject", "MRUDAT"], kind="stable")
    records = records.reset_index(drop=True)
    prescribed = (records["MRUTYPE"] == "NEW PRESCRIPTION").to_numpy()
    weights = np.array([prescription.weight for prescription in design.prescriptions])
    drug = rng.choice(len(weights), len(records), p=weights / weights.sum())
    name, name_en = np.full(len(records), None, dtype=object), np.full(len(records), None, dtype=object)
    for code, prescription in enumerate(design.prescriptions):
        rows = prescribed & (drug == code)
        name[rows], name_en[rows] = pick_texts(prescription.name, language, int(rows.sum()), rng)
    records["MRUTRT"], records["MRUTRT_EN"] = name, name_en
    keys = window.loc[records["_subject"].to_numpy(), list(KEY_FIELDS)].reset_index(drop=True)
    frame = pd.concat([keys, records], axis=1)
    return assemble_form("mru", "Medical Resource Use", MRU_FIELDS, frame, language, care_codelists())
