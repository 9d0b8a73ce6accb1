"""Findings-domain rules on hand-built records: --LOBXFL and unscheduled VISITNUM/VISIT. Expected values by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cdiscmm.metadata.study import bundled_studies
from cdiscmm.sdtm.loader import load_domain_mappings
from cdiscmm.sdtm.verbs.base import DomainContext
from cdiscmm.sdtm.verbs.lobxfl import DeriveLobxflArgs, compute_on_or_before, derive_lobxfl
from cdiscmm.sdtm.verbs.visit import (
    DeriveUnscheduledVisitArgs,
    DeriveUnscheduledVisitnumArgs,
    derive_unscheduled_visit,
    derive_unscheduled_visitnum,
)

DM = pd.DataFrame(
    {
        "USUBJID": ["S-1", "S-2", "S-3"],
        "RFXSTDTC": ["2024-03-12T10:00", "2024-04", None],
    }
)


def context(domain: str = "LB") -> DomainContext:
    return DomainContext(domain=domain, dm=DM)


def as_list(values: pd.Series) -> list[object]:
    return [None if pd.isna(value) else value for value in values]


def test_on_or_before_compares_at_the_precision_both_values_have() -> None:
    dtc = pd.Series(
        [
            "2024-03-12",  # date only on the exposure date: day precision, equal → before
            "2024-03-12T09:30",  # both to the minute: 09:30 ≤ 10:00 → before
            "2024-03-12T10:30",  # after the dose time → not before
            "2024-03-12T10",  # hour precision: 10 ≤ 10 → before
            "2024-03-13",  # day after → not before
            "2024-02",  # month wholly before March → before
            "2024-03",  # the month of exposure: cannot be ordered → not before
            "2024",  # the year of exposure: cannot be ordered → not before
            "2023",  # year wholly before → before
            None,  # no date → not before
        ]
    )
    reference = pd.Series(["2024-03-12T10:00"] * len(dtc))
    expected = [True, True, False, True, False, True, False, False, True, False]
    assert list(compute_on_or_before(dtc, reference)) == expected


def test_on_or_before_with_a_partial_reference() -> None:
    dtc = pd.Series(["2024-02-20", "2024-03-05", "2023-12-31", "2024-03-05"])
    reference = pd.Series(["2024-03", "2024-03", "2024", None])
    # month precision: Feb < Mar → before; a March date in March cannot be ordered; 2023 < 2024; no reference
    assert list(compute_on_or_before(dtc, reference)) == [True, False, True, False]


def test_derive_lobxfl_flags_the_last_result_before_exposure_per_subject_and_test() -> None:
    rows = [
        # USUBJID, LBTESTCD, LBSPEC, LBORRES, LBSTAT, LBDTC, LBSEQ
        ("S-1", "MCPROT", "SERUM", "2.1", None, "2024-03-01", 1),  # 0 before, earlier
        ("S-1", "MCPROT", "SERUM", "2.0", None, "2024-03-12", 3),  # 1 exposure date, last in --SEQ → Y
        ("S-1", "MCPROT", "SERUM", "1.9", None, "2024-03-12", 2),  # 2 same date, earlier --SEQ
        ("S-1", "MCPROT", "SERUM", "1.5", None, "2024-03-20", 4),  # 3 after exposure
        ("S-1", "MCPROT", "URINE", "100", None, "2024-03-05", 5),  # 4 last with a result → Y
        ("S-1", "MCPROT", "URINE", None, "NOT DONE", "2024-03-10", 6),  # 5 not done: never flagged
        ("S-1", "KLCFR", "SERUM", " ", None, "2024-03-11", 7),  # 6 blank result
        ("S-1", "KLCFR", "SERUM", "30", None, "2024-03", 8),  # 7 month of exposure: cannot be ordered
        ("S-1", "LLCFR", "SERUM", "12", None, "2024-02", 9),  # 8 before, but 2024-02 starts before 02-10
        ("S-1", "LLCFR", "SERUM", "13", None, "2024-02-10", 10),  # 9 → Y
        ("S-2", "MCPROT", "SERUM", "3.0", None, "2024-03-30", 1),  # 10 before April (RFXSTDTC 2024-04) → Y
        ("S-2", "MCPROT", "SERUM", "2.9", None, "2024-04-01", 2),  # 11 in the exposure month: cannot be ordered
        ("S-3", "MCPROT", "SERUM", "1.0", None, "2024-01-01", 1),  # 12 never exposed: no flag
        ("S-1", "PLSTCECE", "BONE MARROW", "40", None, "2024-03-12T08:00", 20),  # 13 earlier time
        ("S-1", "PLSTCECE", "BONE MARROW", "35", None, "2024-03-12T09:00", 19),  # 14 later time wins → Y
    ]
    frame = pd.DataFrame(rows, columns=["USUBJID", "LBTESTCD", "LBSPEC", "LBORRES", "LBSTAT", "LBDTC", "LBSEQ"])
    flag = derive_lobxfl(frame, DeriveLobxflArgs(dtc="LBDTC", by=["LBTESTCD", "LBSPEC"]), context())
    flagged = [index for index, value in enumerate(as_list(flag)) if value == "Y"]
    assert flagged == [1, 4, 9, 10, 14]
    assert set(as_list(flag)) == {"Y", None}


def test_derive_lobxfl_groups_by_category_and_test_and_keeps_null_groups() -> None:
    frame = pd.DataFrame(
        {
            "USUBJID": ["S-1"] * 4,
            "QSCAT": ["EQ-5D-5L", "EQ-5D-5L", "EORTC QLQ-C30 V3.0", None],
            "QSTESTCD": ["EQ5D0201", "EQ5D0201", "EQ5D0201", "EQ5D0201"],
            "QSORRES": ["1", "2", "3", "4"],
            "QSDTC": ["2024-03-01", "2024-03-05", "2024-03-01", "2024-03-01"],
        }
    )
    flag = derive_lobxfl(frame, DeriveLobxflArgs(dtc="QSDTC", by=["QSCAT", "QSTESTCD"]), context("QS"))
    # no QSSTAT/QSSEQ columns: results alone decide; the null QSCAT is a group of its own
    assert as_list(flag) == [None, "Y", "Y", "Y"]


def test_derive_unscheduled_visitnum_places_unplanned_visits_after_the_previous_planned_one() -> None:
    rows = [
        # USUBJID, VISITNUM, LBDTC → expected VISITNUM
        ("S-1", 1.0, "2024-01-01", 1.0),
        ("S-1", 1.0, "2024-01-01", 1.0),
        ("S-1", 2.0, "2024-01-29", 2.0),
        ("S-1", 3.0, "2024-02-26", 3.0),
        ("S-1", 99.0, "2024-01-10", 1.01),  # first unscheduled date after visit 1
        ("S-1", 99.0, "2024-01-10", 1.01),  # same subject and date: same number
        ("S-1", 99.0, "2024-01-20", 1.02),  # second unscheduled date after visit 1
        ("S-1", 99.0, "2024-01-29", 2.01),  # on the date of visit 2: after it
        ("S-1", 99.0, "2024-03-10", 3.01),
        ("S-1", 99.0, "2024-02", 99.0),  # partial date: cannot be placed, keeps the code
        ("S-1", 99.0, None, 99.0),  # no date: keeps the code
        ("S-2", 99.0, "2023-12-30", 0.01),  # before any planned visit
        ("S-2", 1.0, "2024-01-05", 1.0),
        ("S-2", 3.0, "2024-01-20", 3.0),  # visit 3 collected before visit 2
        ("S-2", 2.0, "2024-02-01", 2.0),
        ("S-2", 99.0, "2024-01-25", 3.01),  # highest planned number reached by then: 3
        ("S-2", 99.0, "2024-02-05", 3.02),  # still 3 (visit 2 came later but is lower)
        ("S-3", 99.0, "2024-05-02", 0.02),  # no planned visit at all: 0.01, 0.02 in date order
        ("S-3", 99.0, "2024-05-01", 0.01),
        ("S-3", None, "2024-05-03", None),  # no VISITNUM stays null
    ]
    frame = pd.DataFrame(rows, columns=["USUBJID", "VISITNUM", "LBDTC", "EXPECTED"])
    frame["VISITNUM"] = frame["VISITNUM"].astype("Float64")
    visitnum = derive_unscheduled_visitnum(frame, DeriveUnscheduledVisitnumArgs(dtc="LBDTC"), context())
    assert str(visitnum.dtype) == "Float64"
    assert as_list(visitnum) == as_list(frame["EXPECTED"])


def test_derive_unscheduled_visitnum_honours_another_code() -> None:
    frame = pd.DataFrame(
        {"USUBJID": ["S-1"] * 3, "VISITNUM": [10.0, 999.0, 99.0], "RSDTC": ["2024-01-01", "2024-01-09", "2024-01-10"]}
    )
    args = DeriveUnscheduledVisitnumArgs(dtc="RSDTC", code=999)
    # 99 is an ordinary (planned) number here: the 999 record falls after visit 10
    assert as_list(derive_unscheduled_visitnum(frame, args, context("RS"))) == [10.0, 10.01, 99.0]


def test_derive_unscheduled_visit_names_each_renumbered_visit() -> None:
    frame = pd.DataFrame(
        {
            "VISIT": ["WEEK 4", "UNSCHEDULED", "UNSCHEDULED", "UNSCHEDULED", "UNSCHEDULED", None],
            "VISITNUM": [2.0, 1.01, 0.01, 10.02, 99.0, 3.01],
        }
    )
    visit = derive_unscheduled_visit(frame, DeriveUnscheduledVisitArgs(), context())
    # planned visits and records still on the code keep their VISIT; a null VISIT is not invented
    expected = ["WEEK 4", "UNSCHEDULED 1.01", "UNSCHEDULED 0.01", "UNSCHEDULED 10.02", "UNSCHEDULED", None]
    assert as_list(visit) == expected


@pytest.mark.parametrize("study", bundled_studies(), ids=lambda study: study.studyid)
def test_mappings_renumber_unscheduled_visits_before_seq_and_flag_after_it(study: object) -> None:
    for domain, loaded in load_domain_mappings(study).items():  # type: ignore[arg-type]
        verbs = [step.verb()[0] for step in loaded.mapping.derive.values()]
        if "derive_unscheduled_visitnum" in verbs:
            assert verbs.index("derive_unscheduled_visitnum") < verbs.index("derive_unscheduled_visit"), domain
            assert verbs.index("derive_unscheduled_visit") < verbs.index("derive_seq"), domain
        if "derive_lobxfl" in verbs:
            assert verbs.index("derive_seq") < verbs.index("derive_lobxfl"), domain
