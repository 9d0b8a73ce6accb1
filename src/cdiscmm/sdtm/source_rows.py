"""A source's raw rows before its verbs run: fields checked, rows selected, detail pages joined, items unpivoted.

Every row not taken is an event (excluded by ``condition_add``, all items blank, a detail page repeated or
unjoined) so that the reconciliation accounts for every collected row.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from cdiscmm.core.errors import InputError, Location
from cdiscmm.sdtm.loader import LoadedMapping
from cdiscmm.sdtm.rejects import ROW_COLUMN, row_events
from cdiscmm.sdtm.spec import Join, Source, Unpivot
from cdiscmm.sdtm.verbs.base import clean_text
from cdiscmm.sdtm.verbs.condition import condition_add

#: Hidden column ``__JOINROW_<form>``: the raw row of a joined detail page (lineage of the joined rows).
JOIN_PREFIX = "__JOINROW_"


@dataclass
class SourceRows:
    """The rows a source's verbs run on, the detail pages joined to them and the events of the rows not taken."""

    rows: pd.DataFrame
    details: list[tuple[Join, pd.DataFrame]] = dataclasses.field(default_factory=list)
    events: list[pd.DataFrame] = dataclasses.field(default_factory=list)


def check_fields(loaded: LoadedMapping, source: Source, available: set[str]) -> None:
    """Every raw field a source names must exist: otherwise an InputError naming form, field and spec line."""
    needed: list[tuple[str, str]] = [("", source.subject)]
    needed += [("", field) for condition in source.condition_add for field in condition.fields()]
    needed += [("", column) for column in (source.unpivot.columns if source.unpivot else [])]
    for target, step in source.variables.items():
        needed += [(target, field) for field in step.verb()[1].fields()]
    for qnam, supp in source.supp.items():
        needed += [(qnam, field) for field in supp.supp_qual.value.verb()[1].fields()]
    needed += [("", field) for field in source.not_submitted]
    for target, field in needed:
        if field not in available:
            where = loaded.where(source.key, target)
            raise InputError(
                f"form {source.form} has no field {field} (named by {where.file}:{where.line})",
                Location(file=f"{source.form}.csv", field=field),
                expected=f"a field of form {source.form}",
            )


def _unpivot(rows: pd.DataFrame, spec: Unpivot) -> tuple[pd.DataFrame, pd.Series]:
    """Wide item columns to one row per non-blank item; also returns the raw rows whose items were all blank."""
    keep = [column for column in rows.columns if column not in spec.columns]
    long = rows.melt(id_vars=keep, value_vars=spec.columns, var_name=spec.name, value_name=spec.value)
    answered = clean_text(long[spec.value]).notna()
    all_blank = ~rows[ROW_COLUMN].isin(long.loc[answered, ROW_COLUMN])
    long = long[~long[ROW_COLUMN].isin(rows.loc[all_blank, ROW_COLUMN])] if spec.keep_blank else long[answered]
    long = long.sort_values(ROW_COLUMN, kind="stable")
    return long.reset_index(drop=True), all_blank


def _join(
    rows: pd.DataFrame, detail: pd.DataFrame, join: Join, subject: str, studyid: str, domain: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Left-join a detail page to ``rows`` by subject and link fields (compared without surrounding blanks).

    Returns the joined rows (detail fields the rows lack, and ``__JOINROW_<form>``), the detail rows considered
    (one per link; a repeated link is rejected here) and the reject events of repeated links.
    """
    keys = [subject, *join.by]
    key_names = [f"__KEY_{number}" for number in range(len(keys))]
    detail = detail.copy()
    for name, field in zip(key_names, keys, strict=True):
        detail[name] = clean_text(detail[field])
    repeated = detail.duplicated(subset=key_names, keep="first") | detail[key_names].isna().any(axis=1)
    reason = f"{join.form} page repeats (or lacks) the link {', '.join(keys)} of an earlier page"
    events = row_events(studyid, join.form, domain, detail.loc[repeated, ROW_COLUMN], "unjoined", reason, "reject")
    detail = detail.loc[~repeated]
    added = [column for column in detail.columns if column not in rows.columns and column not in key_names]
    right = detail[[*key_names, *added, ROW_COLUMN]].rename(columns={ROW_COLUMN: JOIN_PREFIX + join.form})
    left = rows.copy()
    for name, field in zip(key_names, keys, strict=True):
        left[name] = clean_text(left[field])
    joined = left.reset_index().merge(right, on=key_names, how="left").set_index("index")
    joined.index.name = rows.index.name
    first = ~joined.index.duplicated(keep="first")
    joined = joined.loc[first].drop(columns=key_names)
    # a detail page joins one row only: the first row with its link (a later row with the same link gets none)
    second = joined[JOIN_PREFIX + join.form].duplicated(keep="first") & joined[JOIN_PREFIX + join.form].notna()
    for column in [JOIN_PREFIX + join.form, *added]:
        joined.loc[second, column] = pd.NA
    return joined, detail.drop(columns=key_names), events


def _available_fields(source: Source, raw: pd.DataFrame, raws: dict[str, pd.DataFrame]) -> set[str]:
    """The fields a source's verbs may read: the form's, the unpivot's and each joined page's (whose link fields
    must be on both forms)."""
    available = set(raw.columns) | ({source.unpivot.name, source.unpivot.value} if source.unpivot else set())
    for join in source.join:
        missing = [name for name in [source.subject, *join.by] if name not in raws[join.form] or name not in raw]
        if missing:
            raise InputError(
                f"join of form {join.form} to {source.form}: field {missing[0]} is not on both forms",
                Location(file=f"{join.form}.csv", field=missing[0]),
                expected=f"link fields present on {source.form} and {join.form}",
            )
        available |= set(raws[join.form].columns)
    return available


def select_source_rows(
    loaded: LoadedMapping, source: Source, raws: dict[str, pd.DataFrame], studyid: str
) -> SourceRows:
    """The rows of ``source``'s form that meet its ``condition_add``, joined to its detail pages and unpivoted."""
    domain, raw = loaded.mapping.domain, raws[source.form]
    check_fields(loaded, source, _available_fields(source, raw, raws))
    selected = pd.Series(True, index=raw.index)
    for condition in source.condition_add:
        selected &= condition_add(raw, condition)
    described = " and ".join(condition.describe() for condition in source.condition_add)
    reason = f"not selected for {domain}: {described}"
    result = SourceRows(raw.loc[selected])
    result.events.append(
        row_events(studyid, source.form, domain, raw.loc[~selected, ROW_COLUMN], "condition", reason, "exclude")
    )
    for join in source.join:
        result.rows, detail, duplicates = _join(result.rows, raws[join.form], join, source.subject, studyid, domain)
        result.details.append((join, detail))
        result.events.append(duplicates)
    if source.unpivot is not None:
        result.rows, all_blank = _unpivot(result.rows, source.unpivot)
        blank_rows = raw.loc[selected, ROW_COLUMN][all_blank.to_numpy()]
        reason = f"every item of {', '.join(source.unpivot.columns[:3])}… is blank"
        result.events.append(row_events(studyid, source.form, domain, blank_rows, "empty_items", reason, "exclude"))
    return result


def unjoined_events(
    source: Source, details: list[tuple[Join, pd.DataFrame]], frame: pd.DataFrame, studyid: str, domain: str
) -> list[pd.DataFrame]:
    """Reject events of the detail pages that joined no mapped row (``frame`` holds the ``__JOINROW_`` columns)."""
    events = []
    for join, detail in details:
        column = JOIN_PREFIX + join.form
        unjoined = detail.loc[~detail[ROW_COLUMN].isin(frame[column].dropna()), ROW_COLUMN]
        links = ", ".join(f"{name}" for name in [source.subject, *join.by])
        reason = f"no mapped {source.form} row with the same {links} for this {join.form} page"
        events.append(row_events(studyid, join.form, domain, unjoined, "unjoined", reason, "reject"))
    return events
