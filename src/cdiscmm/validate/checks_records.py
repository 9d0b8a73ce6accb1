"""Record-level checks within one dataset: missing values, paired variables, one-to-one codes, dates, --SEQ."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cdiscmm.validate.catalogue import CheckRun, check
from cdiscmm.validate.findings import empty_findings, record_findings


def filled(series: pd.Series) -> pd.Series:
    """True where a value is present: not null, and for text not the empty (SAS missing) string."""
    if series.dtype.kind in "fiuM":
        return series.notna()
    return series.notna() & series.astype(str).str.strip().ne("")


def is_in(values: pd.Series, allowed: pd.Series) -> pd.Series:
    """``values.isin(allowed)``; for two text columns one Arrow kernel (pandas first makes a Python list of
    ``allowed``, value by value)."""
    if values.dtype != "str" or allowed.dtype != "str":
        return values.isin(allowed)
    found = pc.is_in(pa.array(values), value_set=pa.array(allowed))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index)


def equals(series: pd.Series, value: object) -> pd.Series:
    """True where the value equals ``value`` (a number compared as a number on a numeric column)."""
    if series.dtype.kind in "fiu":
        return series.eq(float(value))
    return series.astype(str).eq(str(value))


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [part for part in parts if len(part)]
    return pd.concat(parts, ignore_index=True) if parts else empty_findings()


@check("missing_value", "subject")
def check_missing_value(run: CheckRun) -> pd.DataFrame:
    """A record where the variable (``variables[0]``, ``--`` = domain prefix) is present in the dataset but blank."""
    parts = []
    for name in run.datasets():
        columns = run.columns(name, run.rule.variables[0])
        if columns:
            frame = run.delivery.datasets[name]
            parts.append(record_findings(name, frame, ~filled(frame[columns[0]]), columns[0], "blank"))
    return _concat(parts)


@check("paired_missing", "subject")
def check_paired_missing(run: CheckRun) -> pd.DataFrame:
    """A record where ``variables[0]`` is filled (or equals ``params.when_equals``) but ``variables[1]`` is blank.

    A dataset without ``variables[1]`` at all is a finding per record too when ``params.absent_is_finding``
    (e.g. AEBDSYCD never added though AEBODSYS is filled); otherwise the rule does not run on it.
    """
    first, second = run.rule.variables[:2]
    when = run.rule.params.get("when_equals")
    parts = []
    for name in run.datasets():
        frame = run.delivery.datasets[name]
        source, target = run.var(name, first), run.var(name, second)
        if source not in frame.columns or (
            target not in frame.columns and not run.rule.params.get("absent_is_finding")
        ):
            run.columns(name, first, second)
            continue
        run.ran_on.append(name)
        condition = filled(frame[source]) if when is None else equals(frame[source], when)
        blank = ~filled(frame[target]) if target in frame.columns else pd.Series(True, index=frame.index)
        detail = f"{source} = value, {target} blank" if target in frame.columns else f"{source} filled, {target} absent"
        parts.append(record_findings(name, frame, condition & blank, source, detail))
    return _concat(parts)


@check("functional_dependency", "columns")
def check_functional_dependency(run: CheckRun) -> pd.DataFrame:
    """Records whose ``variables[0]`` value has more than one ``variables[1]`` value in the dataset."""
    first, second = run.rule.variables[:2]
    parts = []
    for name in run.datasets():
        columns = run.columns(name, first, second)
        if not columns:
            continue
        frame = run.delivery.datasets[name]
        key, dependent = columns
        present = filled(frame[key])
        counts = frame.loc[present].groupby(key, sort=False)[dependent].nunique(dropna=False)
        ambiguous = (frame[key].isin(counts.index[counts > 1]) & present).to_numpy(dtype=bool)
        detail = pd.Series("", index=frame.index, dtype=object)  # the text only for the records reported
        picked = frame.loc[ambiguous]
        detail[ambiguous] = (
            picked[key].astype(str) + " has several " + dependent + " values; this one " + picked[dependent].astype(str)
        )
        parts.append(record_findings(name, frame, ambiguous, key, detail))
    return _concat(parts)


#: Precisions compared, finest first (minute, day, month, year): the ISO 8601 prefix a value must have.
_PRECISIONS = (
    (16, r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
    (10, r"\d{4}-\d{2}-\d{2}"),
    (7, r"\d{4}-\d{2}"),
    (4, r"\d{4}"),
)


def later_than(start: pd.Series, end: pd.Series) -> pd.Series:
    """True where ``start`` is after ``end`` at the finest precision both ISO 8601 values have (partial dates
    compare on the components they share: 2024-03 is after 2024-02-15, not after 2024-03-10)."""
    start_text, end_text = start.astype(str).str.strip(), end.astype(str).str.strip()
    result = pd.Series(False, index=start.index)
    decided = ~(filled(start) & filled(end))
    for width, pattern in _PRECISIONS:
        head_start, head_end = start_text.str[:width], end_text.str[:width]
        both = head_start.str.fullmatch(pattern) & head_end.str.fullmatch(pattern) & ~decided
        result |= both & (head_start > head_end)
        decided |= both
    return result


@check("start_after_end", "subject")
def check_start_after_end(run: CheckRun) -> pd.DataFrame:
    """Records whose start (``variables[0]``) is after their end (``variables[1]``) (SDTMIG 4.4.8)."""
    first, second = run.rule.variables[:2]
    parts = []
    for name in run.datasets():
        columns = run.columns(name, first, second)
        if columns:
            frame = run.delivery.datasets[name]
            start, end = columns
            detail = start + " " + frame[start].astype(str) + " > " + end + " " + frame[end].astype(str)
            parts.append(record_findings(name, frame, later_than(frame[start], frame[end]), start, detail))
    return _concat(parts)


@check("seq_unique", "subject")
def check_seq_unique(run: CheckRun) -> pd.DataFrame:
    """Records sharing USUBJID and --SEQ (``variables``, for ADaM USUBJID and ASEQ) within a dataset (SDTMIG 3.4
    section 4.1.5: --SEQ unique per subject)."""
    parts = []
    for name in run.datasets():
        columns = run.columns(name, *(run.rule.variables or ("USUBJID", "--SEQ")))
        if columns:
            frame = run.delivery.datasets[name]
            duplicated = frame.duplicated(columns, keep=False) & filled(frame[columns[1]])
            parts.append(record_findings(name, frame, duplicated, columns[1], "--SEQ repeated for the subject"))
    return _concat(parts)
