"""Core forms about how follow-up ends: end of treatment (eot), end of study (eos), death (dth), subsequent
therapy (subtx, for time to next treatment) and survival contacts (surv, for OS censoring at last known alive).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.simulate import codelists, sampling
from cdiscmm.simulate.formkit import keyed_form, study_date
from cdiscmm.simulate.forms import Field, Form
from cdiscmm.simulate.forms_history import explode_regimens
from cdiscmm.simulate.localtext import text_fields, text_values
from cdiscmm.simulate.registry import FormContext, form_generator
from cdiscmm.simulate.vocabulary import (
    DEATH_AE_CAUSES,
    DEATH_OTHER_CAUSES,
    DEATH_PD_CAUSES,
    DRUGS,
    TREATMENT_OTHER_REASONS,
)

#: Survival contacts fall within +/- this many days of the planned contact.
CONTACT_JITTER = 7


@form_generator("eot")
def eot_form(context: FormContext, rng: np.random.Generator) -> Form:
    """One row per subject: discontinued (date, reason) or ongoing at the end of observation."""
    course = context.course
    subjects = course.subjects
    n = len(subjects)
    stopped = subjects["stopped"].to_numpy(dtype=bool)
    reason = subjects["stop_reason"].to_numpy()
    physician = reason == "PHYS"
    fields = [
        Field("EOTSTAT", "Study treatment status", "code", "EOTSTAT"),
        Field("EOTDAT", "Date of end of treatment", "date"),
        Field("EOTREAS", "Primary reason for end of treatment", "code", "EOTREAS"),
        *text_fields("EOTREASO", "Reason, specify", context.language),
    ]
    choice = np.where(physician, rng.integers(0, len(TREATMENT_OTHER_REASONS), n), -1)
    columns = {
        "EOTSTAT": np.where(stopped, "DISC", "ONGO"),
        "EOTDAT": study_date(course, np.arange(n), subjects["stop_day"].to_numpy()),
        "EOTREAS": reason,
        **text_values("EOTREASO", TREATMENT_OTHER_REASONS, choice, context.language),
    }
    lists = codelists.select("EOTSTAT", "EOTREAS")
    return keyed_form(course, "eot", "End of treatment", np.arange(n), fields, columns, lists)


@form_generator("eos")
def eos_form(context: FormContext, rng: np.random.Generator) -> Form:
    """One row per subject: completed or discontinued, date and reason of the end of observation."""
    course = context.course
    subjects = course.subjects
    n = len(subjects)
    reason = subjects["EOSREAS"].to_numpy()
    fields = [
        Field("EOSSTAT", "Status at end of study", "code", "EOSSTAT"),
        Field("EOSDAT", "Date of end of study", "date"),
        Field("EOSREAS", "Primary reason for end of study", "code", "EOSREAS"),
    ]
    columns = {
        "EOSSTAT": np.where(reason == "COMPLETED", "COMPLETED", "DISC"),
        "EOSDAT": subjects["EOSDT"],
        "EOSREAS": reason,
    }
    lists = codelists.select("EOSSTAT", "EOSREAS")
    return keyed_form(course, "eos", "End of study", np.arange(n), fields, columns, lists)


@form_generator("dth")
def dth_form(context: FormContext, rng: np.random.Generator) -> Form:
    """One row per death: date, primary cause (PD / AE / OTHER) and the cause as written."""
    course = context.course
    subjects = course.subjects
    death = context.design.outcome.death
    subject = np.flatnonzero(subjects["DTHDT"].notna().to_numpy())
    m = subject.size
    death_day = subjects["death_day"].to_numpy()[subject]
    progressed = subjects["pd_day"].notna().to_numpy()[subject]
    early = ~progressed & (death_day <= death.early_window_days)
    cause = np.where(
        progressed & (rng.random(m) >= death.other_cause_fraction),
        "PD",
        np.where(early | (rng.random(m) < 0.5), "AE", "OTHER"),
    )
    groups = {"PD": DEATH_PD_CAUSES, "AE": DEATH_AE_CAUSES, "OTHER": DEATH_OTHER_CAUSES}
    texts = [text for group in groups.values() for text in group]
    sizes = np.array([len(group) for group in groups.values()])
    which = pd.Index(list(groups)).get_indexer(cause)
    choice = (np.cumsum(sizes) - sizes)[which] + np.floor(rng.random(m) * sizes[which]).astype(np.int64)
    fields = [
        Field("DTHDAT", "Date of death", "date"),
        Field("DTHCAUS", "Primary cause of death", "code", "DTHCAUS"),
        *text_fields("DTHCAUSO", "Cause of death, specify", context.language),
    ]
    columns = {
        "DTHDAT": subjects["DTHDT"].to_numpy()[subject],
        "DTHCAUS": cause,
        **text_values("DTHCAUSO", texts, choice, context.language),
    }
    return keyed_form(course, "dth", "Death", subject, fields, columns, codelists.select("DTHCAUS"))


@form_generator("subtx")
def subtx_form(context: FormContext, rng: np.random.Generator) -> Form:
    """Next anti-myeloma therapy started during observation: line, regimen, drug, class, start date."""
    course = context.course
    subjects = course.subjects
    therapy = context.design.outcome.subsequent_therapy
    subject = np.flatnonzero(subjects["new_therapy_day"].notna().to_numpy())
    regimen = sampling.categories(rng, therapy.weights, subject.size)
    row, drug = explode_regimens(regimen, therapy.regimens)
    rows_subject = subject[row]
    inns = list(DRUGS)
    drug_index = pd.Index(inns).get_indexer(drug)
    fields = [
        Field("STLINE", "Line of therapy", "integer"),
        Field("STREG", "Regimen", "text"),
        *text_fields("STTRT", "Drug name (verbatim)", context.language),
        Field("STCLASS", "Drug class", "code", "DRUGCLAS"),
        Field("STSTDAT", "Start date", "date"),
    ]
    columns = {
        "STLINE": subjects["prior_lines"].to_numpy()[rows_subject] + 2,
        "STREG": regimen[row],
        **text_values("STTRT", [DRUGS[inn].name for inn in inns], drug_index, context.language),
        "STCLASS": np.array([DRUGS[inn].drug_class for inn in inns], dtype=object)[drug_index],
        "STSTDAT": study_date(course, rows_subject, subjects["new_therapy_day"].to_numpy()[rows_subject]),
    }
    lists = codelists.select("DRUGCLAS")
    return keyed_form(course, "subtx", "Subsequent anti-myeloma therapy", rows_subject, fields, columns, lists)


@form_generator("surv")
def surv_form(context: FormContext, rng: np.random.Generator) -> Form:
    """Survival contacts every N days before the end of observation, then the final status.

    Final status: DEAD on the death date; UNKNOWN on the date a subject is declared lost to follow-up;
    ALIVE at completion or withdrawal. The last ALIVE contact is the last date known alive.
    """
    course = context.course
    subjects = course.subjects
    interval = context.design.outcome.survival_contact_days
    eos_day = subjects["eos_day"].to_numpy()
    count = np.maximum(np.floor((eos_day - 1 - CONTACT_JITTER) / interval), 0).astype(np.int64)
    subject = np.repeat(np.arange(len(subjects)), count)
    number = np.arange(subject.size) - np.repeat(np.cumsum(count) - count, count) + 1
    day = 1 + number * interval + rng.integers(-CONTACT_JITTER, CONTACT_JITTER + 1, subject.size)
    reason = subjects["EOSREAS"].to_numpy()
    final_status = np.select([reason == "DEATH", reason == "LOST"], ["DEAD", "UNKNOWN"], "ALIVE")
    subject = np.concatenate([subject, np.arange(len(subjects))])
    day = np.concatenate([day, eos_day])
    status = np.concatenate([np.full(int(count.sum()), "ALIVE"), final_status])
    order = np.lexsort((day, subject))
    subject, day, status = subject[order], day[order], status[order]
    fields = [Field("SVDAT", "Date of contact", "date"), Field("SVSTAT", "Survival status", "code", "SURVSTAT")]
    columns = {"SVDAT": study_date(course, subject, day), "SVSTAT": status}
    return keyed_form(course, "surv", "Survival status", subject, fields, columns, codelists.select("SURVSTAT"))
