"""Core forms about the time before the index date: comorbidities (mh), prior therapy (priortx), procedures (priorproc).

Prior therapy has one row per drug per line (a line of therapy as in Rajkumar et al., Blood 2011); the drug
class follows the usual myeloma grouping (IMiD, PI, anti-CD38, alkylator, steroid, other).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.simulate import codelists
from cdiscmm.simulate.formkit import keyed_form, study_date
from cdiscmm.simulate.forms import Field, Form
from cdiscmm.simulate.localtext import text_fields, text_values
from cdiscmm.simulate.registry import FormContext, form_generator
from cdiscmm.simulate.vocabulary import COMORBIDITIES, DRUGS

#: Share of comorbidities still ongoing at baseline.
ONGOING = 0.85
#: Age at which transplant eligibility is usually lost (for orientation: ASCT rarely after 70).
TRANSPLANT_AGE = 70


@form_generator("mh")
def mh_form(context: FormContext, rng: np.random.Generator) -> Form:
    """Comorbidities present before the index date: verbatim, MedDRA PT and SOC, start, ongoing, end."""
    course = context.course
    subjects = course.subjects
    n = len(subjects)
    prevalence = np.array([term.prevalence for term in COMORBIDITIES])
    male_only = np.array([term.male_only for term in COMORBIDITIES])
    allowed = ~male_only[None, :] | (subjects["SEX"].to_numpy() == "M")[:, None]
    subject, term = np.nonzero((rng.random((n, prevalence.size)) < prevalence[None, :]) & allowed)
    m = subject.size
    start_day = 1 - rng.integers(30, 7300, m)
    ongoing = rng.random(m) < ONGOING
    end_day = np.where(ongoing, np.nan, start_day + np.floor(rng.random(m) * (-start_day - 1)) + 1)
    fields = [
        *text_fields("MHTERM", "Medical history term (verbatim)", context.language),
        Field("MHDECOD", "MedDRA preferred term", "text"),
        Field("MHBODSYS", "MedDRA system organ class", "text"),
        Field("MHSTDAT", "Start date", "date"),
        Field("MHONGO", "Ongoing at baseline", "code", "NY"),
        Field("MHENDAT", "End date", "date"),
    ]
    order = np.lexsort((term, start_day, subject))
    subject, term, start_day, end_day, ongoing = (a[order] for a in (subject, term, start_day, end_day, ongoing))
    columns = {
        **text_values("MHTERM", [item.verbatim for item in COMORBIDITIES], term, context.language),
        "MHDECOD": np.array([item.decod for item in COMORBIDITIES], dtype=object)[term],
        "MHBODSYS": np.array([item.bodsys for item in COMORBIDITIES], dtype=object)[term],
        "MHSTDAT": study_date(course, subject, start_day),
        "MHONGO": np.where(ongoing, "Y", "N"),
        "MHENDAT": study_date(course, subject, end_day),
    }
    return keyed_form(course, "mh", "Medical history (comorbidities)", subject, fields, columns, codelists.select("NY"))


def explode_regimens(regimen: np.ndarray, regimens: dict[str, list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """For every drug of every entry of ``regimen`` (names in ``regimens``): the entry's index and the drug INN."""
    names = list(regimens)
    sizes = np.array([len(regimens[name]) for name in names])
    flat = np.array([drug for name in names for drug in regimens[name]], dtype=object)
    offsets = np.cumsum(sizes) - sizes
    which = pd.Index(names).get_indexer(regimen)
    row = np.repeat(np.arange(len(regimen)), sizes[which])
    position = np.arange(row.size) - np.repeat(np.cumsum(sizes[which]) - sizes[which], sizes[which])
    return row, flat[offsets[which][row] + position]


@form_generator("priortx")
def priortx_form(context: FormContext, rng: np.random.Generator) -> Form:
    """Prior anti-myeloma therapy: one row per drug per line, with class, dates, refractoriness, best response."""
    course = context.course
    lines = course.lines
    row, drug = explode_regimens(lines["regimen"].to_numpy(), context.design.prior_therapy.regimens)
    inns = list(DRUGS)
    drug_index = pd.Index(inns).get_indexer(drug)
    subject = lines["subject"].to_numpy()[row]
    fields = [
        Field("LINE", "Line of therapy", "integer"),
        Field("PTREG", "Regimen", "text"),
        *text_fields("PTTRT", "Drug name (verbatim)", context.language),
        Field("PTCLASS", "Drug class", "code", "DRUGCLAS"),
        Field("PTSTDAT", "Start date", "date"),
        Field("PTENDAT", "End date", "date"),
        Field("PTREFR", "Refractory to this line", "code", "NY"),
        Field("PTBRESP", "Best response to this line", "code", "LINERESP"),
    ]
    columns = {
        "LINE": lines["LINE"].to_numpy()[row],
        "PTREG": lines["regimen"].to_numpy()[row],
        **text_values("PTTRT", [DRUGS[inn].name for inn in inns], drug_index, context.language),
        "PTCLASS": np.array([DRUGS[inn].drug_class for inn in inns], dtype=object)[drug_index],
        "PTSTDAT": study_date(course, subject, lines["start_day"].to_numpy()[row]),
        "PTENDAT": study_date(course, subject, lines["end_day"].to_numpy()[row]),
        "PTREFR": np.where(lines["refractory"].to_numpy()[row], "Y", "N"),
        "PTBRESP": lines["best"].to_numpy()[row],
    }
    lists = codelists.select("DRUGCLAS", "NY", "LINERESP")
    return keyed_form(course, "priortx", "Prior anti-myeloma therapy", subject, fields, columns, lists)


@form_generator("priorproc")
def priorproc_form(context: FormContext, rng: np.random.Generator) -> Form:
    """Prior autologous transplant (within the first line) and radiotherapy (between diagnosis and baseline)."""
    course = context.course
    subjects = course.subjects
    prior = context.design.prior_therapy
    lines = course.lines
    first = lines[lines["LINE"] == 1]
    n = len(subjects)
    asct_rate = np.where(subjects["AGE"].to_numpy() < TRANSPLANT_AGE, prior.asct_under_70, prior.asct_70_plus)
    asct = rng.random(n) < asct_rate
    asct_day = np.minimum(first["start_day"].to_numpy() + rng.integers(120, 241, n), first["end_day"].to_numpy())
    radiotherapy = rng.random(n) < prior.radiotherapy
    diagnosis = subjects["diagnosis_day"].to_numpy()
    rt_day = np.floor(diagnosis + rng.random(n) * (-14 - diagnosis))
    subject = np.concatenate([np.flatnonzero(asct), np.flatnonzero(radiotherapy)])
    day = np.concatenate([asct_day[asct], rt_day[radiotherapy]])
    procedure = np.concatenate([np.full(int(asct.sum()), "ASCT"), np.full(int(radiotherapy.sum()), "RT")])
    order = np.lexsort((day, subject))
    subject, day, procedure = subject[order], day[order], procedure[order]
    fields = [Field("PRTRT", "Procedure", "code", "PROC"), Field("PRSTDAT", "Date of procedure", "date")]
    columns = {"PRTRT": procedure, "PRSTDAT": study_date(course, subject, day)}
    return keyed_form(course, "priorproc", "Prior procedures", subject, fields, columns, codelists.select("PROC"))
