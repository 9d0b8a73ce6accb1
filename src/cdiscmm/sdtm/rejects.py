"""Nothing lost: every collected row is in a domain or in ``rejects.csv`` with a reason, and the counts add up.

An *event* is one thing that happened to one raw row on its way into one domain: ``reject`` (the row cannot go
into that domain), ``exclude`` (that domain's ``condition_add`` did not select it) or ``finding`` (mapped, with a
remark, e.g. a value outside an extensible codelist). A row in no domain must carry at least one reject or
exclude event; :func:`reconcile` raises if one does not, since that would be a bug in the engine.
"""

from __future__ import annotations

import pandas as pd

#: Columns of the event table and of ``rejects.csv`` / ``issues.csv``.
EVENT_COLUMNS: tuple[str, ...] = ("STUDYID", "FORM", "ROW", "DOMAIN", "FIELD", "VALUE", "RULE", "REASON", "KIND")
#: Reasons a row can fail to be mapped, one column each in ``reconciliation.csv``.
RULES: tuple[str, ...] = (
    "duplicate",
    "blank_subject",
    "subject_not_in_dm",
    "duplicate_subject",
    "invalid_date",
    "not_in_codelist",
    "not_a_number",
    "condition",
    "empty_items",
    "unjoined",
    "unmapped_form",
)
ROW_COLUMN = "RAWROW"


class ReconciliationError(RuntimeError):
    """Rows read ≠ rows mapped + rows rejected: an engine bug, never a data problem."""


def empty_events() -> pd.DataFrame:
    """An event table with no rows."""
    return pd.DataFrame({name: pd.Series(dtype="object") for name in EVENT_COLUMNS})


def make_events(
    studyid: str, form: str, domain: str, rows: pd.Series, problems: pd.DataFrame, kind: pd.Series | str
) -> pd.DataFrame:
    """Events from a verb's problem table (FIELD, VALUE, RULE, REASON) for the raw rows ``rows``."""
    events = problems.reindex(columns=["FIELD", "VALUE", "RULE", "REASON"]).copy()
    events.insert(0, "STUDYID", studyid)
    events.insert(1, "FORM", form)
    events.insert(2, "ROW", rows.to_numpy())
    events.insert(3, "DOMAIN", domain)
    events["KIND"] = kind
    return events.reset_index(drop=True)


def row_events(
    studyid: str, form: str, domain: str, rows: pd.Series, rule: str, reason: pd.Series | str, kind: str
) -> pd.DataFrame:
    """Events about whole raw rows (no particular field): one per row number in ``rows``."""
    problems = pd.DataFrame({"FIELD": pd.NA, "VALUE": pd.NA, "RULE": rule, "REASON": reason}, index=rows.index)
    return make_events(studyid, form, domain, rows, problems, kind)


def reject_duplicates(studyid: str, form: str, raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop exact duplicate rows (every field equal), keeping the first; each dropped row is a reject event
    "exact duplicate of row N"."""
    fields = [column for column in raw.columns if column != ROW_COLUMN]
    first_row = raw.groupby(fields, dropna=False, sort=False)[ROW_COLUMN].transform("first")
    duplicate = raw.duplicated(subset=fields, keep="first")
    reason = "exact duplicate of row " + first_row[duplicate].astype(str)
    events = row_events(studyid, form, "", raw.loc[duplicate, ROW_COLUMN], "duplicate", reason, "reject")
    return raw.loc[~duplicate], events


def reject_form(studyid: str, form: str, raw: pd.DataFrame, reason: str) -> pd.DataFrame:
    """Every row of a form that no domain mapping reads, as reject events with ``reason``."""
    return row_events(studyid, form, "", raw[ROW_COLUMN], "unmapped_form", reason, "reject")


def reconcile(
    studyid: str, rows_read: dict[str, pd.Series], mapped: pd.DataFrame, events: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``rejects``, ``issues`` and the ``reconciliation`` table, checking read = mapped + rejected per form.

    ``rows_read``: form → the raw row numbers read; ``mapped``: FORM, ROW of every record written to a domain
    (a row feeding several domains counts once); a form read with no rows (header only) keeps its line with
    zero counts. ``rejects`` holds every reject event and the exclude events
    of rows that ended in no domain; ``issues`` holds the findings.
    """
    read = (
        pd.concat(
            [pd.DataFrame({"FORM": form, "ROW": rows.to_numpy()}) for form, rows in rows_read.items()],
            ignore_index=True,
        )
        if rows_read
        else pd.DataFrame({"FORM": [], "ROW": []})
    )
    read["ROW"] = read["ROW"].astype("int64")
    in_domain = read.merge(mapped.drop_duplicates().astype({"ROW": "int64"}), how="left", indicator=True)
    read["MAPPED"] = (in_domain["_merge"] == "both").to_numpy()
    keyed = events.astype({"ROW": "int64"}).merge(read, on=["FORM", "ROW"], how="left")
    rejects = keyed[(keyed["KIND"] == "reject") | ((keyed["KIND"] == "exclude") & ~keyed["MAPPED"].astype(bool))]
    rejects = rejects.loc[:, list(EVENT_COLUMNS)].sort_values(["FORM", "ROW", "DOMAIN"], kind="stable")
    issues = keyed.loc[keyed["KIND"] == "finding", list(EVENT_COLUMNS)]
    explained = rejects[["FORM", "ROW"]].drop_duplicates().assign(EXPLAINED=True)
    status = read.merge(explained, on=["FORM", "ROW"], how="left")
    status["EXPLAINED"] = status["EXPLAINED"].eq(True)
    lost = status[~status["MAPPED"] & ~status["EXPLAINED"]]
    if not lost.empty:
        first = lost.iloc[0]
        raise ReconciliationError(
            f"{len(lost)} row(s) neither mapped nor rejected, first {first['FORM']} row {first['ROW']}"
        )
    unmapped = rejects.merge(status[~status["MAPPED"]][["FORM", "ROW"]], on=["FORM", "ROW"])
    by_rule = (
        unmapped.drop_duplicates(["FORM", "ROW", "RULE"])
        .pivot_table(index="FORM", columns="RULE", values="ROW", aggfunc="count")
        .reindex(columns=list(RULES))
    )
    totals = status.groupby("FORM").agg(ROWS_READ=("ROW", "size"), ROWS_MAPPED=("MAPPED", "sum"))
    totals = totals.reindex(sorted(set(rows_read) | set(totals.index)), fill_value=0).rename_axis("FORM")
    partly = rejects[rejects["KIND"] == "reject"].merge(status[status["MAPPED"]][["FORM", "ROW"]], on=["FORM", "ROW"])
    totals["ROWS_PARTLY_REJECTED"] = partly.drop_duplicates(["FORM", "ROW"]).groupby("FORM").size()
    totals["ROWS_REJECTED"] = totals["ROWS_READ"] - totals["ROWS_MAPPED"]
    table = totals.join(by_rule).fillna(0).astype("int64").reset_index()
    table = table.loc[:, ["FORM", "ROWS_READ", "ROWS_MAPPED", "ROWS_REJECTED", "ROWS_PARTLY_REJECTED", *RULES]]
    table.insert(0, "STUDYID", studyid)
    return rejects.reset_index(drop=True), issues.reset_index(drop=True), table
