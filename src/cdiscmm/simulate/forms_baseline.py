"""Core forms about the subject at entry: demographics (dm), consent and enrolment (ic), myeloma diagnosis (mmdx).

R-ISS follows Palumbo et al., J Clin Oncol 2015: stage I = ISS I, standard-risk FISH and normal LDH; stage III =
ISS III with high-risk FISH (del(17p), t(4;14) or t(14;16)) or high LDH; stage II otherwise. Without FISH the
cytogenetic risk is UNKNOWN and R-ISS is left blank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.simulate import codelists, sampling
from cdiscmm.simulate.formkit import keyed_form, study_date
from cdiscmm.simulate.forms import Field, Form
from cdiscmm.simulate.registry import FormContext, form_generator


@form_generator("dm")
def dm_form(context: FormContext, rng: np.random.Generator) -> Form:
    """One row per subject: country, birth year, age at consent, sex, race, ethnicity."""
    subjects = context.course.subjects
    fields = [
        Field("COUNTRY", "Country", "code", "COUNTRY"),
        Field("BRTHYY", "Year of birth", "integer"),
        Field("AGE", "Age at informed consent", "integer"),
        Field("AGEU", "Age unit", "code", "AGEU"),
        Field("SEX", "Sex", "code", "SEX"),
        Field("RACE", "Race", "code", "RACE"),
        Field("ETHNIC", "Ethnicity", "code", "ETHNIC"),
    ]
    columns = {name: subjects[name] for name in ("COUNTRY", "BRTHYY", "AGE", "SEX", "RACE", "ETHNIC")}
    columns["AGEU"] = np.full(len(subjects), "YEARS", dtype=object)
    country = {country.code: country.name for country in context.design.countries}
    lists = {"COUNTRY": country, **codelists.select("AGEU", "SEX", "RACE", "ETHNIC")}
    return keyed_form(context.course, "dm", "Demographics", np.arange(len(subjects)), fields, columns, lists)


@form_generator("ic")
def ic_form(context: FormContext, rng: np.random.Generator) -> Form:
    """Consent date (blank with a waiver for retrospective subjects who died before consent), enrolment."""
    subjects = context.course.subjects
    waiver = subjects["waiver"].to_numpy()
    consent = sampling.to_datetime(np.where(waiver, np.nan, subjects["consent_day"].to_numpy(dtype=float)))
    fields = [
        Field("ICDAT", "Date informed consent obtained", "date"),
        Field("ICWAIV", "Consent waived (deceased, retrospective)", "code", "NY"),
        Field("ENRLDAT", "Date of enrolment", "date"),
        Field("ENRLTYP", "Enrolment type", "code", "ENRLTYP"),
    ]
    columns = {
        "ICDAT": consent,
        "ICWAIV": np.where(waiver, "Y", "N"),
        "ENRLDAT": sampling.to_datetime(subjects["enrol_day"].to_numpy(dtype=float)),
        "ENRLTYP": subjects["ENRLTYP"],
    }
    lists = codelists.select("NY", "ENRLTYP")
    return keyed_form(
        context.course, "ic", "Informed consent and enrolment", np.arange(len(subjects)), fields, columns, lists
    )


def _yes_no_nd(rng: np.random.Generator, tested: np.ndarray, rate: float) -> np.ndarray:
    return np.where(tested, np.where(rng.random(tested.size) < rate, "Y", "N"), "ND")


@form_generator("mmdx")
def mmdx_form(context: FormContext, rng: np.random.Generator) -> Form:
    """Initial diagnosis date, isotype, ISS / R-ISS, FISH, ECOG and bone-marrow plasma cells at baseline."""
    course = context.course
    subjects = course.subjects
    disease = context.design.disease
    n = len(subjects)
    subject = np.arange(n)
    iss = sampling.categories(rng, disease.iss, n)
    fish = disease.cytogenetics
    tested = rng.random(n) < fish.tested
    del17p = _yes_no_nd(rng, tested, fish.del17p)
    t414 = _yes_no_nd(rng, tested, fish.t414)
    t1416 = _yes_no_nd(rng, tested, fish.t1416)
    high_risk = (del17p == "Y") | (t414 == "Y") | (t1416 == "Y")
    high_ldh = rng.random(n) < disease.high_ldh
    riss = np.where(
        (iss == "III") & (high_risk | high_ldh), "III", np.where((iss == "I") & ~high_risk & ~high_ldh, "I", "II")
    )
    fields = [
        Field("MMDXDAT", "Date of initial diagnosis of multiple myeloma", "date"),
        Field("MMTYPE", "Myeloma type (heavy / light chain)", "code", "MMTYPE"),
        Field("ISS", "ISS stage at baseline", "code", "STAGE3"),
        Field("RISS", "R-ISS stage at baseline", "code", "STAGE3"),
        Field("CYTORISK", "Cytogenetic risk", "code", "CYTORISK"),
        Field("DEL17P", "del(17p)", "code", "NYND"),
        Field("T414", "t(4;14)", "code", "NYND"),
        Field("T1416", "t(14;16)", "code", "NYND"),
        Field("GAIN1Q", "gain(1q)", "code", "NYND"),
        Field("ECOG", "ECOG performance status at baseline", "code", "ECOG"),
        Field("BMPCPCT", "Bone-marrow plasma cells at baseline (%)", "float"),
    ]
    columns = {
        "MMDXDAT": study_date(course, subject, subjects["diagnosis_day"].to_numpy()),
        "MMTYPE": subjects["isotype"],
        "ISS": iss,
        "RISS": np.where(tested, riss, ""),
        "CYTORISK": np.where(tested, np.where(high_risk, "HIGH", "STANDARD"), "UNKNOWN"),
        "DEL17P": del17p,
        "T414": t414,
        "T1416": t1416,
        "GAIN1Q": _yes_no_nd(rng, tested, fish.gain1q),
        "ECOG": sampling.categories(rng, disease.ecog, n),
        "BMPCPCT": pd.Series(subjects["bmpc0"].to_numpy()).round(0),
    }
    lists = codelists.select("MMTYPE", "STAGE3", "CYTORISK", "NYND", "ECOG")
    return keyed_form(
        course, "mmdx", "Multiple myeloma diagnosis and baseline disease", subject, fields, columns, lists
    )
