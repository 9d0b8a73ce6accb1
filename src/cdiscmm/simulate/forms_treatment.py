"""Core forms about the study treatment: administrations (ex), and for CAR-T leukapheresis (leuk),
lymphodepletion (ld) and the infusion (inf).

Lymphodepletion doses are per m2 of body-surface area (Mosteller: sqrt(height cm x weight kg / 3600)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.simulate import codelists, sampling
from cdiscmm.simulate.design_treatment import CellTherapy
from cdiscmm.simulate.formkit import keyed_form, study_date
from cdiscmm.simulate.forms import Field, Form
from cdiscmm.simulate.localtext import text_fields, text_values
from cdiscmm.simulate.registry import FormContext, form_generator
from cdiscmm.simulate.vocabulary import DOSE_CHANGE_REASONS, DRUGS


def _cell_therapy(context: FormContext) -> CellTherapy:
    treatment = context.design.treatment
    if not isinstance(treatment, CellTherapy):
        raise TypeError("this form needs a cell_therapy treatment in collection.yaml")
    return treatment


@form_generator("ex")
def ex_form(context: FormContext, rng: np.random.Generator) -> Form:
    """Each administration: drug, date, time, planned and actual dose, route; weight and partner when used."""
    doses = context.doses
    stamp = pd.Series(doses["EXSTDTM"].to_numpy())
    per_kg = doses["planned_unit"].eq("mg/kg").any()
    changed = doses["changed"].to_numpy()
    fields = [
        Field("EXTRT", "Study drug", "text"),
        Field("EXDAT", "Date of administration", "date"),
        Field("EXSTTIM", "Start time of administration", "time"),
        Field("EXPDOSE", "Planned dose", "float"),
        Field("EXPDOSU", "Planned dose unit", "code", "UNIT"),
        Field("EXDOSE", "Administered dose", "float"),
        Field("EXDOSU", "Administered dose unit", "code", "UNIT"),
        Field("EXROUTE", "Route", "code", "ROUTE"),
        *([Field("EXWT", "Body weight used for dosing (kg)", "float")] if per_kg else []),
        Field("EXADJ", "Dose differs from planned", "code", "NY"),
        *text_fields("EXADJR", "Reason dose differs", context.language),
        *([Field("EXCOMB", "Partner regimen", "code", "PARTNER")] if "partner" in doses else []),
    ]
    columns = {
        "EXTRT": doses["EXTRT"],
        "EXDAT": stamp.dt.floor("D"),
        "EXSTTIM": stamp,
        "EXPDOSE": doses["planned"],
        "EXPDOSU": doses["planned_unit"],
        "EXDOSE": doses["EXDOSE"],
        "EXDOSU": doses["EXDOSU"],
        "EXROUTE": doses["route"],
        "EXWT": doses["weight"],
        "EXADJ": np.where(changed, "Y", "N"),
        **text_values("EXADJR", DOSE_CHANGE_REASONS, np.where(changed, doses["change_reason"], -1), context.language),
        "EXCOMB": doses.get("partner"),
    }
    lists = codelists.select("UNIT", "ROUTE", "NY", *(["PARTNER"] if "partner" in doses else []))
    subject = doses["subject"].to_numpy()
    return keyed_form(context.course, "ex", "Study drug administration", subject, fields, columns, lists)


@form_generator("leuk")
def leuk_form(context: FormContext, rng: np.random.Generator) -> Form:
    """Leukapheresis date and start time, before lymphodepletion."""
    course = context.course
    n = len(course.subjects)
    subject = np.arange(n)
    day = 1 - sampling.integers(rng, _cell_therapy(context).leukapheresis_before_index_days, n)
    date = study_date(course, subject, day)
    fields = [Field("LKDAT", "Date of leukapheresis", "date"), Field("LKSTTIM", "Start time of leukapheresis", "time")]
    columns = {"LKDAT": date, "LKSTTIM": date + pd.to_timedelta(480 + 15 * rng.integers(0, 17, n), unit="min")}
    return keyed_form(course, "leuk", "Leukapheresis", subject, fields, columns, {})


@form_generator("ld")
def ld_form(context: FormContext, rng: np.random.Generator) -> Form:
    """Lymphodepleting chemotherapy: one row per drug per day, planned mg/m2, BSA and administered mg."""
    course = context.course
    subjects = course.subjects
    plan = _cell_therapy(context).lymphodepletion
    drug = np.concatenate([np.full(len(item.days), index) for index, item in enumerate(plan)])
    day = np.concatenate([np.array(item.days) for item in plan])
    dose = np.concatenate([np.full(len(item.days), item.dose_mg_m2) for item in plan])
    n = len(subjects)
    subject = np.repeat(np.arange(n), day.size)
    drug, day, dose = np.tile(drug, n), np.tile(day, n) + 1, np.tile(dose, n)
    order = np.lexsort((drug, day, subject))
    subject, drug, day, dose = subject[order], drug[order], day[order], dose[order]
    bsa = np.round(np.sqrt(subjects["HEIGHT"].to_numpy() * subjects["WEIGHT"].to_numpy() / 3600.0), 2)[subject]
    names = [DRUGS[item.drug].name for item in plan]
    fields = [
        *text_fields("LDTRT", "Lymphodepleting drug", context.language),
        Field("LDDAT", "Date of administration", "date"),
        Field("LDPDOSE", "Planned dose", "float"),
        Field("LDPDOSU", "Planned dose unit", "code", "UNIT"),
        Field("LDBSA", "Body surface area (m2)", "float"),
        Field("LDDOSE", "Administered dose", "float"),
        Field("LDDOSU", "Administered dose unit", "code", "UNIT"),
        Field("LDROUTE", "Route", "code", "ROUTE"),
    ]
    columns = {
        **text_values("LDTRT", names, drug, context.language),
        "LDDAT": study_date(course, subject, day),
        "LDPDOSE": dose,
        "LDPDOSU": np.full(subject.size, "mg/m2", dtype=object),
        "LDBSA": bsa,
        "LDDOSE": np.round(dose * bsa, 0),
        "LDDOSU": np.full(subject.size, "mg", dtype=object),
        "LDROUTE": np.full(subject.size, "IV", dtype=object),
    }
    lists = codelists.select("UNIT", "ROUTE")
    return keyed_form(course, "ld", "Lymphodepleting chemotherapy", subject, fields, columns, lists)


@form_generator("inf")
def inf_form(context: FormContext, rng: np.random.Generator) -> Form:
    """The CAR-T infusion: date, time, total cells, cells per kg and the weight used."""
    doses = context.doses
    stamp = pd.Series(doses["EXSTDTM"].to_numpy())
    fields = [
        Field("INFDAT", "Date of infusion", "date"),
        Field("INFSTTIM", "Start time of infusion", "time"),
        Field("INFDOSE", "Total dose infused", "float"),
        Field("INFDOSU", "Total dose unit", "code", "UNIT"),
        Field("INFDOSKG", "Dose per kg body weight", "float"),
        Field("INFDOSKU", "Dose per kg unit", "code", "UNIT"),
        Field("INFWT", "Body weight (kg)", "float"),
    ]
    columns = {
        "INFDAT": stamp.dt.floor("D"),
        "INFSTTIM": stamp,
        "INFDOSE": doses["EXDOSE"],
        "INFDOSU": doses["EXDOSU"],
        "INFDOSKG": doses["per_kg"],
        "INFDOSKU": doses["planned_unit"],
        "INFWT": doses["weight"],
    }
    subject = doses["subject"].to_numpy()
    return keyed_form(context.course, "inf", "CAR-T infusion", subject, fields, columns, codelists.select("UNIT"))
