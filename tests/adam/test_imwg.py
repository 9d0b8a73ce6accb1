"""IMWG 2016 response engine: hand-worked cases, each input and expected table with its reasoning."""

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cdiscmm.adam.imwg import (
    derive_param_bor,
    derive_param_cbor,
    derive_param_confirmed_response,
    derive_param_pd,
    derive_param_response,
    filter_assessments_before_new_therapy,
    filter_assessments_up_to_first_pd,
    filter_worst_per_date,
)
from cdiscmm.core.errors import InputError

COVR_COLUMNS = ["USUBJID", "ADT", "AVALC", "AVAL", "SRCSEQS"]
SUBJECT_COLUMNS = ["USUBJID", "ADT", "AVALC", "AVAL", "SRCSEQS"]
#: The categories of the ORR parameter RSP (confirmed PR or better; specs/adam/adrs.yaml).
ORR = ("sCR", "CR", "VGPR", "PR")


def rs(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """Response assessments from (USUBJID, ADT, AVALC, RSSEQ) tuples."""
    frame = pd.DataFrame(rows, columns=["USUBJID", "ADT", "AVALC", "RSSEQ"])
    return frame.assign(ADT=pd.to_datetime(frame["ADT"]))


def adsl(rows: list[tuple[str, str | None, str | None]]) -> pd.DataFrame:
    """Subjects from (USUBJID, NACTDT, DTHDT) tuples."""
    frame = pd.DataFrame(rows, columns=["USUBJID", "NACTDT", "DTHDT"])
    return frame.assign(NACTDT=pd.to_datetime(frame["NACTDT"]), DTHDT=pd.to_datetime(frame["DTHDT"]))


def expected(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    frame["ADT"] = pd.to_datetime(frame["ADT"]).astype("datetime64[us]")
    for name in ("AVALC", "SRCSEQS", "USUBJID"):
        if name in frame:
            frame[name] = frame[name].astype("str")
    return frame


def covr(assessments: pd.DataFrame, subjects: pd.DataFrame, **options: bool) -> pd.DataFrame:
    return derive_param_confirmed_response(assessments, subjects, **options).loc[:, COVR_COLUMNS]


def test_confirmed_response_unconfirmed_response_then_pd() -> None:
    # PR is followed by PD: the PR is not confirmed and counts as SD (admiralonco table);
    # the PD is the last assessment and the subject is alive: not confirmed -> NE, but the subject keeps
    # the last confirmed status SD (running maximum NE < SD), established by RSSEQ 1.
    got = covr(rs([("A", "2024-01-10", "PR", 1), ("A", "2024-02-10", "PD", 2)]), adsl([("A", None, None)]))
    want = expected([("A", "2024-01-10", "SD", 2, "1"), ("A", "2024-02-10", "SD", 2, "1")], COVR_COLUMNS)
    assert_frame_equal(got, want)


def test_bor_and_cbor_unconfirmed_response_then_pd() -> None:
    # BOR ignores confirmation: PR (first date, RSSEQ 1). CBOR: COVR is SD, SD -> SD at the first date.
    # No confirmed PD, so the PD parameter is N.
    assessments = rs([("A", "2024-01-10", "PR", 1), ("A", "2024-02-10", "PD", 2)])
    subjects = adsl([("A", None, None)])
    confirmed = derive_param_confirmed_response(assessments, subjects)
    bor = derive_param_bor(filter_assessments_up_to_first_pd(assessments), subjects)
    cbor = derive_param_cbor(filter_assessments_up_to_first_pd(confirmed), subjects)
    assert_frame_equal(bor.loc[:, SUBJECT_COLUMNS], expected([("A", "2024-01-10", "PR", 4, "1")], SUBJECT_COLUMNS))
    assert_frame_equal(cbor.loc[:, SUBJECT_COLUMNS], expected([("A", "2024-01-10", "SD", 2, "1")], SUBJECT_COLUMNS))
    assert derive_param_pd(confirmed, subjects)["AVALC"].tolist() == ["N"]


def test_confirmed_response_ne_between_two_prs_is_skipped() -> None:
    # Default: NE is skipped, so PR(1) and PR(3) are consecutive evaluable assessments -> PR(1) confirmed,
    # sources "1,3". The NE row and the last PR (no follow-up -> SD) keep the confirmed status PR from "1,3".
    assessments = rs([("A", "2024-01-10", "PR", 1), ("A", "2024-02-10", "NE", 2), ("A", "2024-03-10", "PR", 3)])
    want = expected(
        [
            ("A", "2024-01-10", "PR", 4, "1,3"),
            ("A", "2024-02-10", "PR", 4, "1,3"),
            ("A", "2024-03-10", "PR", 4, "1,3"),
        ],
        COVR_COLUMNS,
    )
    assert_frame_equal(covr(assessments, adsl([("A", None, None)])), want)


def test_confirmed_response_ne_between_two_prs_breaks_when_asked() -> None:
    # Sensitivity option: NE is the next assessment of PR(1), so PR(1) is unconfirmed -> SD; NE -> NE but
    # keeps SD; PR(3) has no follow-up -> SD.
    assessments = rs([("A", "2024-01-10", "PR", 1), ("A", "2024-02-10", "NE", 2), ("A", "2024-03-10", "PR", 3)])
    want = expected(
        [("A", "2024-01-10", "SD", 2, "1"), ("A", "2024-02-10", "SD", 2, "1"), ("A", "2024-03-10", "SD", 2, "3")],
        COVR_COLUMNS,
    )
    assert_frame_equal(covr(assessments, adsl([("A", None, None)]), ne_breaks_confirmation=True), want)


def test_filter_before_new_therapy_excludes_response_after_subsequent_therapy() -> None:
    # New therapy on 2024-02-01: the PR on 2024-03-10 is dropped; the VGPR on the therapy day itself is kept.
    # The remaining PR(1) is then confirmed by VGPR(2) at the lower level PR; VGPR(2) has no follow-up -> SD,
    # status PR kept.
    assessments = rs([("A", "2024-01-10", "PR", 1), ("A", "2024-02-01", "VGPR", 2), ("A", "2024-03-10", "PR", 3)])
    subjects = adsl([("A", "2024-02-01", None)])
    kept = filter_assessments_before_new_therapy(assessments, subjects)
    assert kept["RSSEQ"].tolist() == [1, 2]
    want = expected([("A", "2024-01-10", "PR", 4, "1,2"), ("A", "2024-02-01", "PR", 4, "1,2")], COVR_COLUMNS)
    assert_frame_equal(covr(kept, subjects), want)


def test_confirmed_response_death_without_pd_is_not_pd() -> None:
    # SD, SD, then death: death confirms only a PD that was seen; with no PD assessment COVR stays SD and the
    # PD parameter is N (death is an event of its own in PFS/OS).
    assessments = rs([("A", "2024-01-10", "SD", 1), ("A", "2024-02-10", "SD", 2)])
    subjects = adsl([("A", None, "2024-03-01")])
    want = expected([("A", "2024-01-10", "SD", 2, "1"), ("A", "2024-02-10", "SD", 2, "2")], COVR_COLUMNS)
    assert_frame_equal(covr(assessments, subjects), want)
    assert derive_param_pd(derive_param_confirmed_response(assessments, subjects), subjects)["AVALC"].tolist() == ["N"]


def test_confirmed_response_single_assessment() -> None:
    # One VGPR and nothing after: unconfirmed -> SD. BOR (unconfirmed) is VGPR; CBOR SD; RSP N.
    assessments = rs([("A", "2024-01-10", "VGPR", 7)])
    subjects = adsl([("A", None, None)])
    confirmed = derive_param_confirmed_response(assessments, subjects)
    assert_frame_equal(confirmed.loc[:, COVR_COLUMNS], expected([("A", "2024-01-10", "SD", 2, "7")], COVR_COLUMNS))
    assert derive_param_bor(assessments, subjects)["AVALC"].tolist() == ["VGPR"]
    assert derive_param_cbor(confirmed, subjects)["AVALC"].tolist() == ["SD"]
    assert derive_param_response(confirmed, subjects, "RSP", ORR, "ORR")["AVALC"].tolist() == ["N"]


def test_filter_worst_per_date_two_records_on_the_same_date() -> None:
    # 2024-01-10 has PR(1) and SD(2): the worst (SD, AVAL 2 < PR 4) is kept. 2024-02-10 has NE(3) and PR(4):
    # NE (AVAL 8) is worst-last, so PR is kept. 2024-03-10 has PR(5) and PR(6): tie -> lowest RSSEQ 5.
    assessments = rs(
        [
            ("A", "2024-01-10", "PR", 1),
            ("A", "2024-01-10", "SD", 2),
            ("A", "2024-02-10", "NE", 3),
            ("A", "2024-02-10", "PR", 4),
            ("A", "2024-03-10", "PR", 6),
            ("A", "2024-03-10", "PR", 5),
        ]
    )
    assert filter_worst_per_date(assessments)["RSSEQ"].tolist() == [2, 4, 5]


def test_confirmed_response_rejects_two_records_on_the_same_date() -> None:
    assessments = rs([("A", "2024-01-10", "PR", 1), ("A", "2024-01-10", "SD", 2)])
    with pytest.raises(InputError, match="filter_worst_per_date"):
        derive_param_confirmed_response(assessments, adsl([("A", None, None)]))


def test_confirmed_response_cr_then_vgpr() -> None:
    # CR(1) then VGPR(2): confirmed at the lower level VGPR at CR's date, sources "1,2".
    # VGPR(2) then VGPR(3): VGPR confirmed, "2,3". VGPR(3) last -> SD, keeps VGPR from the latest record that
    # established it, "2,3". CBOR = VGPR at 2024-01-10 ("1,2"); VGPRRSP Y, CRRSP N.
    assessments = rs([("A", "2024-01-10", "CR", 1), ("A", "2024-02-10", "VGPR", 2), ("A", "2024-03-10", "VGPR", 3)])
    subjects = adsl([("A", None, None)])
    confirmed = derive_param_confirmed_response(assessments, subjects)
    want = expected(
        [
            ("A", "2024-01-10", "VGPR", 5, "1,2"),
            ("A", "2024-02-10", "VGPR", 5, "2,3"),
            ("A", "2024-03-10", "VGPR", 5, "2,3"),
        ],
        COVR_COLUMNS,
    )
    assert_frame_equal(confirmed.loc[:, COVR_COLUMNS], want)
    assert confirmed["DERIVTXT"].iloc[0] == "CR then VGPR: confirmed at the lower level VGPR"
    cbor = derive_param_cbor(confirmed, subjects)
    assert_frame_equal(cbor.loc[:, SUBJECT_COLUMNS], expected([("A", "2024-01-10", "VGPR", 5, "1,2")], SUBJECT_COLUMNS))
    vgpr = derive_param_response(confirmed, subjects, "VGPRRSP", ("sCR", "CR", "VGPR"), "VGPR or better")
    assert vgpr["AVALC"].tolist() == ["Y"]
    cr = derive_param_response(confirmed, subjects, "CRRSP", ("sCR", "CR"), "CR or better")
    assert cr["AVALC"].tolist() == ["N"]


def test_confirmed_response_pd_then_pd_is_confirmed_pd() -> None:
    # PR, PR, PD, PD: PR(1) confirmed by PR(2); PR(2) followed by PD -> SD, keeps PR; PD(3) confirmed by PD(4)
    # ("3,4"); PD(4) last, alive -> NE, keeps PD (PD outranks every status). PD date = 2024-03-10.
    # CBOR up to first confirmed PD (rows 1-3): best is PR at 2024-01-10.
    assessments = rs(
        [
            ("A", "2024-01-10", "PR", 1),
            ("A", "2024-02-10", "PR", 2),
            ("A", "2024-03-10", "PD", 3),
            ("A", "2024-04-10", "PD", 4),
        ]
    )
    subjects = adsl([("A", None, None)])
    confirmed = derive_param_confirmed_response(assessments, subjects)
    want = expected(
        [
            ("A", "2024-01-10", "PR", 4, "1,2"),
            ("A", "2024-02-10", "PR", 4, "1,2"),
            ("A", "2024-03-10", "PD", 1, "3,4"),
            ("A", "2024-04-10", "PD", 1, "3,4"),
        ],
        COVR_COLUMNS,
    )
    assert_frame_equal(confirmed.loc[:, COVR_COLUMNS], want)
    pd_param = derive_param_pd(confirmed, subjects)
    assert_frame_equal(
        pd_param.loc[:, SUBJECT_COLUMNS], expected([("A", "2024-03-10", "Y", 1, "3,4")], SUBJECT_COLUMNS)
    )
    cbor = derive_param_cbor(filter_assessments_up_to_first_pd(confirmed), subjects)
    assert_frame_equal(cbor.loc[:, SUBJECT_COLUMNS], expected([("A", "2024-01-10", "PR", 4, "1,2")], SUBJECT_COLUMNS))


def test_confirmed_response_pd_last_assessment_followed_by_death() -> None:
    # SD(1), PD(2), death 2024-03-01 with no assessment after the PD: the PD is confirmed by death, source "2".
    assessments = rs([("A", "2024-01-10", "SD", 1), ("A", "2024-02-10", "PD", 2)])
    subjects = adsl([("A", None, "2024-03-01")])
    confirmed = derive_param_confirmed_response(assessments, subjects)
    want = expected([("A", "2024-01-10", "SD", 2, "1"), ("A", "2024-02-10", "PD", 1, "2")], COVR_COLUMNS)
    assert_frame_equal(confirmed.loc[:, COVR_COLUMNS], want)
    assert confirmed["DERIVTXT"].iloc[1] == "PD confirmed by death on 2024-03-01 (no later assessment)"


def test_confirmed_response_pd_then_better_response_is_not_confirmed() -> None:
    # PD(1) followed by PR(2): the PD is not confirmed -> NE; PR(2) unconfirmed -> SD. Statuses: NE, SD.
    assessments = rs([("A", "2024-01-10", "PD", 1), ("A", "2024-02-10", "PR", 2)])
    want = expected([("A", "2024-01-10", "NE", 8, "1"), ("A", "2024-02-10", "SD", 2, "2")], COVR_COLUMNS)
    assert_frame_equal(covr(assessments, adsl([("A", None, "2024-05-01")])), want)


def test_confirmed_response_scr_confirmation() -> None:
    # Subject A: sCR, sCR -> sCR confirmed ("1,2"). Subject B: sCR then CR -> confirmed CR ("1,2"); CRRSP Y for
    # both (sCR counts as CR or better), first CR date = first assessment.
    assessments = rs(
        [
            ("A", "2024-01-10", "sCR", 1),
            ("A", "2024-02-10", "sCR", 2),
            ("B", "2024-01-12", "sCR", 1),
            ("B", "2024-02-12", "CR", 2),
        ]
    )
    subjects = adsl([("A", None, None), ("B", None, None)])
    confirmed = derive_param_confirmed_response(assessments, subjects)
    want = expected(
        [
            ("A", "2024-01-10", "sCR", 7, "1,2"),
            ("A", "2024-02-10", "sCR", 7, "1,2"),
            ("B", "2024-01-12", "CR", 6, "1,2"),
            ("B", "2024-02-12", "CR", 6, "1,2"),
        ],
        COVR_COLUMNS,
    )
    assert_frame_equal(confirmed.loc[:, COVR_COLUMNS], want)
    crrsp = derive_param_response(confirmed, subjects, "CRRSP", ("sCR", "CR"), "CR or better")
    assert_frame_equal(
        crrsp.loc[:, SUBJECT_COLUMNS],
        expected([("A", "2024-01-10", "Y", 1, "1,2"), ("B", "2024-01-12", "Y", 1, "1,2")], SUBJECT_COLUMNS),
    )


def test_bor_subject_without_assessment_or_only_ne() -> None:
    # A has no assessment: NE, no date, no source. B has only NE: NE at its first NE (RSSEQ 3).
    subjects = adsl([("A", None, None), ("B", None, None)])
    bor = derive_param_bor(rs([("B", "2024-01-10", "NE", 3), ("B", "2024-02-10", "NE", 4)]), subjects)
    want = expected([("A", None, "NE", 8, None), ("B", "2024-01-10", "NE", 8, "3")], SUBJECT_COLUMNS)
    assert_frame_equal(bor.loc[:, SUBJECT_COLUMNS], want)
    assert bor["DERIVTXT"].tolist() == ["no response assessment: NE", "no evaluable assessment (all NE): NE"]


def test_response_subject_without_assessment_is_non_responder() -> None:
    subjects = adsl([("A", None, None)])
    confirmed = derive_param_confirmed_response(rs([("B", "2024-01-10", "PR", 1)]).iloc[:0], subjects)
    got = derive_param_response(confirmed, subjects, "RSP", ORR, "ORR")
    assert_frame_equal(got.loc[:, SUBJECT_COLUMNS], expected([("A", None, "N", 0, None)], SUBJECT_COLUMNS))


def test_filter_up_to_first_pd_keeps_the_pd() -> None:
    assessments = rs([("A", "2024-01-10", "PR", 1), ("A", "2024-02-10", "PD", 2), ("A", "2024-03-10", "PR", 3)])
    assert filter_assessments_up_to_first_pd(assessments)["RSSEQ"].tolist() == [1, 2]


def test_confirmed_response_unknown_category_is_an_input_error() -> None:
    with pytest.raises(InputError, match="AVALC"):
        derive_param_confirmed_response(rs([("A", "2024-01-10", "nCR", 1)]), adsl([("A", None, None)]))


def test_confirmed_response_missing_column_is_named() -> None:
    with pytest.raises(InputError, match="RSSEQ"):
        derive_param_confirmed_response(rs([("A", "2024-01-10", "PR", 1)]).drop(columns="RSSEQ"), adsl([]))


def test_pd_confirmed_by_death_only_before_new_therapy() -> None:
    """A last PD is confirmed by the subject's death only when the death comes before any new therapy (Durie
    2006 footnote a: both assessments before new therapy). A: dies 2024-03-01, no new therapy -> PD. B: new
    therapy 2024-02-20, dies 2024-09-01 -> the PD is unconfirmed (NE; B keeps its confirmed SD of RSSEQ 1)."""
    assessments = rs(
        [
            ("A", "2024-01-10", "SD", 1),
            ("A", "2024-02-10", "PD", 2),
            ("B", "2024-01-10", "SD", 1),
            ("B", "2024-02-10", "PD", 2),
        ]
    )
    subjects = adsl([("A", None, "2024-03-01"), ("B", "2024-02-20", "2024-09-01")])
    got = covr(assessments, subjects)
    want = expected(
        [
            ("A", "2024-01-10", "SD", 2, "1"),
            ("A", "2024-02-10", "PD", 1, "2"),
            ("B", "2024-01-10", "SD", 2, "1"),
            ("B", "2024-02-10", "SD", 2, "1"),
        ],
        COVR_COLUMNS,
    )
    assert_frame_equal(got, want)
