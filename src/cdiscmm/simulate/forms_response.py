"""Core forms about response: the investigator's IMWG response per visit (rs) and the labs behind it (lbmm)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.simulate import codelists
from cdiscmm.simulate.codelists import RESPONSE_LEVELS
from cdiscmm.simulate.formkit import keyed_form, study_date
from cdiscmm.simulate.forms import Field, Form
from cdiscmm.simulate.labs import baseline_labs, response_labs
from cdiscmm.simulate.registry import FormContext, form_generator

BASELINE_VISIT = "BASELINE"
#: Baseline labs are drawn 1-14 days before the index date.
BASELINE_DAYS = (1, 14)


def _visit_names(context: FormContext, visit_index: np.ndarray) -> np.ndarray:
    return np.array([visit.name for visit in context.design.assessments.visits], dtype=object)[visit_index]


@form_generator("rs")
def rs_form(context: FormContext, rng: np.random.Generator) -> Form:
    """One row per response visit: visit, date, not-done flag, IMWG response (blank when not done)."""
    course = context.course
    visits = course.visits
    subject = visits["subject"].to_numpy()
    not_done = visits["not_done"].to_numpy()
    result = np.array([*RESPONSE_LEVELS, "NE"], dtype=object)[visits["level"].to_numpy()]
    fields = [
        Field("VISIT", "Visit", "text"),
        Field("RSDAT", "Date of assessment", "date"),
        Field("RSND", "Assessment not done", "code", "NY"),
        Field("RSORRES", "Overall response (IMWG)", "code", "IMWGRESP"),
    ]
    columns = {
        "VISIT": _visit_names(context, visits["visit_index"].to_numpy()),
        "RSDAT": study_date(course, subject, visits["study_day"].to_numpy()),
        "RSND": np.where(not_done, "Y", "N"),
        "RSORRES": np.where(not_done, "", result),
    }
    lists = codelists.select("NY", "IMWGRESP")
    return keyed_form(course, "rs", "Investigator response assessment (IMWG)", subject, fields, columns, lists)


@form_generator("lbmm")
def lbmm_form(context: FormContext, rng: np.random.Generator) -> Form:
    """Baseline and per-visit M-protein, free light chains, immunofixation and bone-marrow plasma cells."""
    course = context.course
    baseline = baseline_labs(course)
    baseline["VISIT"] = BASELINE_VISIT
    baseline["study_day"] = 1 - rng.integers(BASELINE_DAYS[0], BASELINE_DAYS[1] + 1, len(baseline))
    visits = response_labs(course, rng)
    visits["VISIT"] = _visit_names(context, visits["visit_index"].to_numpy())
    labs = pd.concat([baseline, visits.drop(columns="visit_index")], ignore_index=True)
    labs = labs.sort_values(["subject", "study_day"], kind="stable").reset_index(drop=True)
    subject = labs["subject"].to_numpy()
    fields = [
        Field("VISIT", "Visit", "text"),
        Field("LBDAT", "Date of sample", "date"),
        Field("SMPROT", "Serum M-protein (g/dL)", "float"),
        Field("UMPROT", "Urine M-protein (mg/24 h)", "float"),
        Field("SFLCK", "Serum free kappa light chain (mg/L)", "float"),
        Field("SFLCL", "Serum free lambda light chain (mg/L)", "float"),
        Field("SIFE", "Serum immunofixation", "code", "IFE"),
        Field("UIFE", "Urine immunofixation", "code", "IFE"),
        Field("BMPC", "Bone-marrow plasma cells (%)", "float"),
    ]
    columns = {name: labs[name] for name in ("VISIT", "SMPROT", "UMPROT", "SFLCK", "SFLCL", "SIFE", "UIFE", "BMPC")}
    columns["LBDAT"] = study_date(course, subject, labs["study_day"].to_numpy())
    return keyed_form(course, "lbmm", "Myeloma response laboratory", subject, fields, columns, codelists.select("IFE"))
