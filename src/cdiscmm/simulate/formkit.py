"""Building blocks of the core form generators: subject keys, study-day dates, the Form itself."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.simulate import sampling
from cdiscmm.simulate.course import Course
from cdiscmm.simulate.forms import KEY_FIELDS, Field, Form

KEYS: tuple[Field, ...] = (
    Field("STUDYID", "Study identifier", "text"),
    Field("SITEID", "Site identifier", "text"),
    Field("SUBJID", "Subject identifier", "text"),
)


def study_date(course: Course, subject: np.ndarray, study_day: np.ndarray | float) -> pd.Series:
    """The calendar date of ``study_day`` (day 1 = index date) for each subject row index; NaN gives NaT."""
    index_day = course.subjects["index_day"].to_numpy()[subject].astype(float)
    return sampling.to_datetime(index_day + np.asarray(study_day, dtype=float) - 1)


def keyed_form(
    course: Course,
    name: str,
    label: str,
    subject: np.ndarray,
    fields: list[Field],
    columns: dict[str, object],
    codelists: dict[str, dict[str, str]],
) -> Form:
    """A form whose rows belong to ``subject`` (row indexes into course.subjects), keys first."""
    subjects = course.subjects
    data = {key: subjects[key].to_numpy()[subject] for key in KEY_FIELDS}
    for field in fields:
        value = columns[field.name]
        data[field.name] = value.to_numpy() if isinstance(value, pd.Series) else value
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(subject)))
    return Form(name=name, label=label, fields=[*KEYS, *fields], data=frame, codelists=codelists)
