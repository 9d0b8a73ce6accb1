"""Assemble the endpoint report of one study: every table (the CSV content) and every figure, from its ADaM files.

Inputs are the ADaM XPT folder (ADSL, ADRS, ADTTE, ADAE, ADQS; any may be absent, its sections are then
left out with a note) and, for hospitalisation only, the study's SDTM HO (+ SUPPHO) when present.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cdiscmm.adam.endpoints import summarise_endpoints
from cdiscmm.adam.report import efficacy, figures, pro, safety
from cdiscmm.adam.sdtm_input import combine_supp, read_sdtm_folder
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta

#: The variables the report reads of each ADaM dataset (the tables of :mod:`.efficacy`, :mod:`.safety`,
#: :mod:`.pro` and :func:`~cdiscmm.adam.endpoints.summarise_endpoints`; STUDYID names the study): only these are
#: read back, so the report holds a few columns of the study's records, not its datasets.
REPORT_COLUMNS: dict[str, list[str]] = {
    "ADSL": ["STUDYID", "USUBJID", "SAFFL"],
    "ADAE": [
        *("STUDYID", "USUBJID", "TRTEMFL", "CRSFL", "ICANSFL", "AETOXGRN", "ONSLDDY", "ADURN"),
        *("AETOCI", "AECORT", "AEOUT", "ADRFL", "SADRFL", "AEBODSYS", "AEDECOD"),
    ],
    "ADRS": ["STUDYID", "USUBJID", "PARAMCD", "AVALC"],
    "ADTTE": ["STUDYID", "USUBJID", "PARAMCD", "PARAM", "AVAL", "AVALU", "CNSR"],
    "ADQS": ["STUDYID", "PARCAT1", "PARAMCD", "PARAM", "PARAMN", "AVISIT", "ADY", "ABLFL", "AVAL", "BASE", "CHG"],
}


@dataclass
class Section:
    """One table of the report: a CSV file name, a title, what it counts, the data and its figures (PNG)."""

    name: str
    title: str
    note: str
    table: pd.DataFrame
    figures: list[tuple[str, bytes]] = field(default_factory=list)
    in_page: bool = True


@dataclass
class Report:
    """The study's endpoint report: sections in reading order, and what was not available."""

    studyid: str
    sections: list[Section]
    missing: list[str]


def _as_datasets(frames: Mapping[str, pd.DataFrame]) -> dict[str, Dataset]:
    """Frames wrapped as Datasets for :func:`summarise_endpoints` (it reads only ``data``)."""
    return {
        name: Dataset(
            DatasetMeta(name=name, label=name, **{"class": "ADAM OTHER"}, standard="ADaMIG 1.3", variables=[]), frame
        )
        for name, frame in frames.items()
    }


def _efficacy(adam: Mapping[str, pd.DataFrame], sections: list[Section], missing: list[str]) -> None:
    if "ADRS" in adam:
        response = efficacy.tabulate_best_response(adam["ADRS"])
        labels = [f"{value} (n={count})" for value, count in zip(response["RESPONSE"], response["N"], strict=True)]
        bars = figures.plot_bars(labels, response["PCT"].fillna(0).tolist(), "Best confirmed overall response (IMWG)")
        note = "ADRS PARAMCD = CBOR, one record per subject; % of CBOR records."
        sections.append(Section("best_response", "Best overall response", note, response, [("Distribution", bars)]))
    else:
        missing.append("ADRS (response rates, best overall response)")
    if "ADTTE" not in adam:
        missing.append("ADTTE (Kaplan-Meier curves, TTR, TTCR)")
        return
    adtte = adam["ADTTE"]
    curves = efficacy.km_curves(adtte)
    at_risk = efficacy.tabulate_at_risk(adtte)
    pictures = []
    for paramcd in efficacy.KM_PARAMETERS:
        curve = curves.loc[curves["PARAMCD"].eq(paramcd)]
        if curve.empty:
            continue
        risk = at_risk.loc[at_risk["PARAMCD"].eq(paramcd)]
        unit = str(risk["UNIT"].iloc[0])
        pictures.append((str(curve["PARAM"].iloc[0]), figures.plot_km(curve, risk, str(curve["PARAM"].iloc[0]), unit)))
    note = "Subjects with AVAL >= t at each time t (events counted up to and including t)."
    sections.append(Section("km_at_risk", "Kaplan-Meier curves and numbers at risk", note, at_risk, pictures))
    note = "Product-limit estimate at each distinct AVAL; Greenwood SE; log(-log) 95% CI (in the CSV only)."
    sections.append(Section("km_curves", "Kaplan-Meier estimates (curve data)", note, curves, in_page=False))
    note = "Among subjects who reached the event (CNSR = 0); descriptive."
    sections.append(
        Section(
            "responder_times", "Time to response and to CR or better", note, efficacy.tabulate_responder_times(adtte)
        )
    )


def _safety(
    adam: Mapping[str, pd.DataFrame], ho: pd.DataFrame | None, sections: list[Section], missing: list[str]
) -> None:
    if "ADSL" not in adam or "ADAE" not in adam:
        missing.append("ADSL/ADAE (CRS, ICANS, adverse drug reactions)")
        return
    adae = adam["ADAE"]
    n_safety = safety.safety_population(adam["ADSL"])
    grades = safety.tabulate_astct_grades(adae, n_safety)
    pictures = []
    for event in safety.ASTCT_EVENTS.values():
        part = grades.loc[grades["EVENT"].eq(event)]
        pictures.append(
            (
                event,
                figures.plot_bars(
                    part["GRADE"].tolist(), part["PCT"].fillna(0).tolist(), f"{event} by highest ASTCT grade"
                ),
            )
        )
    note = f"Treatment-emergent events; subjects by highest grade; % of the safety set (N = {n_safety})."
    sections.append(Section("astct_grades", "CRS and ICANS incidence by highest ASTCT grade", note, grades, pictures))
    note = "Over events: ONSLDDY (day of the most recent dose = day 1) and ADURN."
    sections.append(
        Section("astct_course", "CRS and ICANS time to onset and duration", note, safety.tabulate_astct_course(adae))
    )
    note = "% of the family's events."
    sections.append(
        Section("astct_management", "CRS and ICANS treatment and outcome", note, safety.tabulate_astct_management(adae))
    )
    note = f"Treatment-emergent ADRs (ADRFL = 'Y'); subjects per SOC/PT; serious = SADRFL = 'Y'; % of N = {n_safety}."
    sections.append(
        Section("adr_soc_pt", "Adverse drug reactions by SOC and PT", note, safety.tabulate_adr(adae, n_safety))
    )
    if ho is None:
        missing.append("SDTM HO (hospitalisation not collected)")
    else:
        note = f"Ward or ICU stays starting on or after day 1; % of N = {n_safety}; length = HOENDY - HOSTDY + 1."
        sections.append(
            Section("hospitalisation", "Hospitalisation", note, safety.tabulate_hospitalisation(ho, n_safety))
        )


def _pro(adam: Mapping[str, pd.DataFrame], sections: list[Section], missing: list[str]) -> None:
    if "ADQS" not in adam:
        missing.append("ADQS (QLQ-C30, QLQ-MY20, EQ-5D change from baseline)")
        return
    table = pro.tabulate_change_from_baseline(adam["ADQS"])
    pictures = [
        (
            str(category),
            figures.plot_change_from_baseline(
                table.loc[table["PARCAT1"].eq(category)], f"{category}: mean change from baseline (± SE)"
            ),
        )
        for category in dict.fromkeys(table["PARCAT1"])
    ]
    note = "Post-baseline records with CHG; n, means, SD and SE of the change, median change."
    sections.append(Section("pro_change", "Quality of life: change from baseline", note, table, pictures))


def build_report(adam: Mapping[str, pd.DataFrame], ho: pd.DataFrame | None = None) -> Report:
    """The report of the study whose ADaM frames (by upper-case name) are ``adam``; ``ho`` is SDTM HO or None."""
    sections: list[Section] = []
    missing: list[str] = []
    estimates = summarise_endpoints(_as_datasets(adam))
    studyid = str(estimates["STUDYID"].iloc[0]) if len(estimates) else ""
    note = "ORR/>=VGPR/>=CR: Clopper-Pearson 95% CI; rates and medians: Kaplan-Meier, log(-log) 95% CI."
    sections.append(Section("endpoints", "Endpoint estimates", note, estimates))
    _efficacy(adam, sections, missing)
    _safety(adam, ho, sections, missing)
    _pro(adam, sections, missing)
    return Report(studyid or _studyid(adam), sections, missing)


def _studyid(adam: Mapping[str, pd.DataFrame]) -> str:
    for frame in adam.values():
        if "STUDYID" in frame.columns and frame["STUDYID"].notna().any():
            return str(frame["STUDYID"].dropna().iloc[0])
    return ""


def read_report_inputs(
    adam_folder: Path, sdtm_folder: Path | None
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame | None]:
    """The ADaM frames of ``adam_folder``, each with only the variables of :data:`REPORT_COLUMNS` (another dataset
    with STUDYID alone), and SDTM HO (SUPPHO merged) of ``sdtm_folder`` when it has ``ho.xpt``."""
    found = read_sdtm_folder(adam_folder)
    adam = {name: found.columns(name, REPORT_COLUMNS.get(name, ["STUDYID"])) for name in found}
    if sdtm_folder is None or not (sdtm_folder / "ho.xpt").is_file():
        return adam, None
    ho = read_xpt(sdtm_folder / "ho.xpt").data.replace({"": None})
    supp = sdtm_folder / "suppho.xpt"
    if supp.is_file():
        ho = combine_supp(ho, read_xpt(supp).data.replace({"": None}), str(supp))
    return adam, ho
