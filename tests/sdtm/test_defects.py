"""Every defect the raw generator injects (``defects.csv``) is handled by the SDTM build or rejected with a
matching reason. A registry maps each defect type to its checker; a new defect type without a checker fails.

Shared across studies and domains: the checks use only the rejects/issues tables, the produced datasets and
which raw fields the study's mappings read, so domains added later are covered without change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pytest

from cdiscmm.simulate import defects as raw_defects
from tests.sdtm.test_studies import STUDIES, Built, built  # noqa: F401  (session fixture)

#: Consequential rejects: the row is out because another defect removed its subject or it is itself a copy.
CONSEQUENTIAL = {"subject_not_in_dm", "duplicate", "duplicate_subject"}


@dataclass
class Context:
    """What a checker may look at for one study."""

    item: Built
    rejects: pd.DataFrame
    issues: pd.DataFrame
    read_fields: dict[str, set[str]]
    supp_qnams: set[str]

    def events(self, form: str, row: object) -> pd.DataFrame:
        return self.rejects[(self.rejects["FORM"] == form) & (self.rejects["ROW"] == str(row))]

    def findings(self, form: str, row: object) -> pd.DataFrame:
        return self.issues[(self.issues["FORM"] == form) & (self.issues["ROW"] == str(row))]

    def unmapped(self, form: str) -> bool:
        return form not in self.read_fields


Checker = Callable[[Context, pd.Series], str | None]


def _consequential(events: pd.DataFrame) -> bool:
    return events["RULE"].isin(CONSEQUENTIAL).any()


def check_duplicate(ctx: Context, defect: pd.Series) -> str | None:
    events = ctx.events(defect.FORM, defect.ROW)
    ok = (events["RULE"] == "duplicate").any() and events["REASON"].str.contains("exact duplicate").any()
    return None if ok else "duplicate row not rejected as exact duplicate"


def _not_rejected_for(rule: str) -> Checker:
    """Handled when the row is not rejected for ``rule`` on the defect's field (e.g. a partial date kept)."""

    def check(ctx: Context, defect: pd.Series) -> str | None:
        events = ctx.events(defect.FORM, defect.ROW)
        wrong = events[(events["RULE"] == rule) & (events["FIELD"] == defect.FIELD)]
        return None if wrong.empty else f"rejected for {rule}: {wrong['REASON'].iloc[0]}"

    return check


def check_code(ctx: Context, defect: pd.Series) -> str | None:
    if defect.FIELD not in ctx.read_fields.get(defect.FORM, set()):
        return None  # the field is not submitted: the bad code goes nowhere
    events = ctx.events(defect.FORM, defect.ROW)
    on_field = events[events["FIELD"] == defect.FIELD]
    if (on_field["RULE"] == "not_in_codelist").any() and on_field["REASON"].str.contains("codelist").any():
        return None
    # excluded by a condition on that field (e.g. EOTSTAT = 'DISC') or out for a consequential reason
    if (events["RULE"] == "condition").any() and events["REASON"].str.contains(defect.FIELD).any():
        return None
    if _consequential(events):
        return None
    findings = ctx.findings(defect.FORM, defect.ROW)
    if ((findings["FIELD"] == defect.FIELD) & (findings["RULE"] == "not_in_codelist")).any():
        return None
    return f"code {defect.INJECTED!r} in {defect.FIELD} neither rejected nor reported"


def check_long_text(ctx: Context, defect: pd.Series) -> str | None:
    if defect.FIELD not in ctx.read_fields.get(defect.FORM, set()):
        return None
    events = ctx.events(defect.FORM, defect.ROW)
    if not events.empty:
        return None  # row out for another (reported) reason
    return None if any(qnam[-1].isdigit() for qnam in ctx.supp_qnams) else "long text not split into SUPP--"


def check_visit(ctx: Context, defect: pd.Series) -> str | None:
    events = ctx.events(defect.FORM, defect.ROW)
    wrong = events[events["REASON"].str.contains("VISIT", na=False) & ~events["RULE"].isin(CONSEQUENTIAL)]
    return None if wrong.empty else f"unscheduled visit rejected: {wrong['REASON'].iloc[0]}"


def check_missing(ctx: Context, defect: pd.Series) -> str | None:
    return None  # the row was never collected: nothing to map


CHECKERS: dict[str, Checker] = {
    "DUPLICATE_ROW": check_duplicate,
    "PARTIAL_DATE": _not_rejected_for("invalid_date"),
    "END_BEFORE_START": _not_rejected_for("invalid_date"),
    "SPACES_AND_CASE": _not_rejected_for("not_in_codelist"),
    "CODE_OUTSIDE_CODELIST": check_code,
    "LONG_TEXT": check_long_text,
    "UNSCHEDULED_VISIT": check_visit,
    "MISSING_ASSESSMENT": check_missing,
}


def _read_fields(item: Built) -> dict[str, set[str]]:
    """form → the fields some mapping submits (the build's field coverage, fields.csv)."""
    mapped = item.build.fields.loc[item.build.fields["STATUS"].eq("mapped")]
    return mapped.groupby("FORM")["FIELD"].agg(set).to_dict()


def test_every_defect_type_has_a_checker() -> None:
    documented = {line.split("``")[1] for line in (raw_defects.__doc__ or "").splitlines() if line.startswith("- ``")}
    assert documented and documented <= set(CHECKERS)


@pytest.mark.parametrize("studyid", STUDIES)
def test_defects_handled_or_rejected(built: dict[str, Built], studyid: str) -> None:  # noqa: F811
    item = built[studyid]
    defects = pd.read_csv(item.raw_dir / "defects.csv", dtype=str, keep_default_na=False)
    assert set(defects["DEFECT"]) <= set(CHECKERS), "defect type without a checker"
    as_text = {
        name: table.astype("string").fillna("") for name, table in (("r", item.build.rejects), ("i", item.build.issues))
    }
    ctx = Context(
        item,
        as_text["r"],
        as_text["i"],
        _read_fields(item),
        {qnam for name, data in item.build.datasets.items() if name.startswith("SUPP") for qnam in data.data["QNAM"]},
    )
    failures = []
    for defect in defects.itertuples(index=False):
        if defect.ROW and ctx.unmapped(defect.FORM):
            continue  # form not mapped yet: rejected wholesale ("no mapping reads form"), checked by reconciliation
        problem = CHECKERS[defect.DEFECT](ctx, pd.Series(defect._asdict()))
        if problem:
            failures.append(f"{defect.DEFECT} {defect.FORM} row {defect.ROW} {defect.FIELD}: {problem}")
    assert not failures, f"{len(failures)} defects unhandled:\n" + "\n".join(failures[:30])
