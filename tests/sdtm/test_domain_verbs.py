"""The domain rules on hand-built records: --SEQ, --DY (no day 0), EPOCH, AGE. Expected values by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cdiscmm.core.errors import SpecError
from cdiscmm.sdtm.verbs.age import DeriveAgeArgs, derive_age
from cdiscmm.sdtm.verbs.base import DomainContext, EpochStart
from cdiscmm.sdtm.verbs.epoch import DeriveEpochArgs, derive_epoch
from cdiscmm.sdtm.verbs.seq import ORDER_COLUMN, DeriveSeqArgs, derive_seq
from cdiscmm.sdtm.verbs.study_day import DeriveStudyDayArgs, derive_study_day
from cdiscmm.sdtm.verbs.timepoint import DeriveTimePointArgs, derive_time_point

DM = pd.DataFrame(
    {
        "USUBJID": ["S-1", "S-2"],
        "RFICDTC": ["2024-03-01", "2024-02"],
        "RFSTDTC": ["2024-03-12T10:00", "2024-04"],
        "RFXSTDTC": ["2024-03-12T10:00", "2024-04"],
        "RFXENDTC": ["2024-03-31", None],
        "RFPENDTC": ["2024-06-30", None],
    }
)
EPOCHS = [
    EpochStart("SCREENING", "RFICDTC"),
    EpochStart("TREATMENT", "RFXSTDTC"),
    EpochStart("FOLLOW-UP", "RFXENDTC", offset_days=1),
]


def context(**changes: object) -> DomainContext:
    return DomainContext(**{"domain": "AE", "dm": DM, "epochs": EPOCHS, "epochs_end": "RFPENDTC", **changes})


def as_list(values: pd.Series) -> list[object]:
    return [None if pd.isna(value) else value for value in values]


def test_derive_seq_numbers_per_subject_in_order_with_ties_in_source_order() -> None:
    frame = pd.DataFrame(
        {
            "USUBJID": ["S-2", "S-1", "S-1", "S-1", "S-2"],
            "AESTDTC": ["2024-05-01", "2024-03-20", "2024-03-10", "2024-03-20", None],
            ORDER_COLUMN: [0, 1, 2, 3, 4],
        }
    )
    seq = derive_seq(frame, DeriveSeqArgs(by=["AESTDTC"]), context())
    # S-1: 03-10 → 1, the two 03-20 keep source order (rows 1, 3) → 2, 3; S-2: 05-01 → 1, null date last → 2
    assert list(seq) == [1, 2, 1, 3, 2]


def test_derive_seq_defaults_to_the_dataset_keys() -> None:
    frame = pd.DataFrame({"USUBJID": ["S-1", "S-1"], "AETERM": ["B", "A"], ORDER_COLUMN: [0, 1]})
    assert list(derive_seq(frame, DeriveSeqArgs(), context(keys=["STUDYID", "USUBJID", "AETERM"]))) == [2, 1]


def test_derive_study_day_has_no_day_zero_and_null_for_partial_dates() -> None:
    frame = pd.DataFrame(
        {
            "USUBJID": ["S-1", "S-1", "S-1", "S-1", "S-1", "S-2"],
            "AESTDTC": ["2024-03-12T08:00", "2024-03-11", "2024-03-13", "2024-03-01", "2024-03", "2024-04-02"],
        }
    )
    days = derive_study_day(frame, DeriveStudyDayArgs(dtc="AESTDTC"), context())
    # RFSTDTC 2024-03-12: same day → 1 (time ignored), day before → -1, day after → 2, 11 days before → -11,
    # partial record date → null; S-2's RFSTDTC is partial → null
    assert as_list(days) == [1, -1, 2, -11, None, None]


def test_derive_epoch_follows_design_order_and_reference_dates() -> None:
    frame = pd.DataFrame(
        {
            "USUBJID": ["S-1"] * 7 + ["S-2"],
            "AESTDTC": [
                "2024-02-28",  # before consent → null
                "2024-03-05",  # consent ≤ date < first dose → SCREENING
                "2024-03-12",  # first dose day → TREATMENT
                "2024-03-31",  # last dose day → TREATMENT
                "2024-04-01",  # last dose + 1 → FOLLOW-UP
                "2024-07-01",  # after end of participation → null
                "2024-04",  # partial, but every day of April is after the last dose → FOLLOW-UP
                "2024-03-05",  # S-2: consent partial, dose partial → no epoch has a known start
            ],
        }
    )
    epochs = derive_epoch(frame, DeriveEpochArgs(dtc="AESTDTC"), context())
    assert as_list(epochs) == [None, "SCREENING", "TREATMENT", "TREATMENT", "FOLLOW-UP", None, "FOLLOW-UP", None]


def test_derive_epoch_of_a_partial_date_only_when_it_is_certainly_within_one_epoch() -> None:
    frame = pd.DataFrame(
        {
            "USUBJID": ["S-1"] * 5,
            "AESTDTC": [
                "2024-03",  # 03-01 … 03-31 spans consent, first dose → null (no date imputed)
                "2024-04",  # all of April in FOLLOW-UP
                "2024",  # spans every epoch → null
                "2024-03-12T10",  # complete date with partial time → TREATMENT
                "2024-06",  # June: FOLLOW-UP up to RFPENDTC 06-30 → FOLLOW-UP
            ],
        }
    )
    epochs = derive_epoch(frame, DeriveEpochArgs(dtc="AESTDTC"), context())
    assert as_list(epochs) == [None, "FOLLOW-UP", None, "TREATMENT", "FOLLOW-UP"]


def test_derive_epoch_of_a_planned_visit_where_the_date_does_not_place_the_record() -> None:
    frame = pd.DataFrame(
        {
            "USUBJID": ["S-1"] * 6,
            "VISIT": ["BASELINE", "BASELINE", "BASELINE", "WEEK 4", "BASELINE", "BASELINE"],
            "RSDTC": [
                None,  # no date: the visit's planned epoch
                "2024-03",  # partial spanning SCREENING and TREATMENT: the visit's epoch
                "2024-03-13",  # a complete date decides → TREATMENT, whatever the visit
                None,  # a visit the mapping does not name stays null
                "2024-07",  # wholly after the end of participation: the date says no epoch
                "2024-02",  # partial: 02-01 … 02-29 before consent, so outside every epoch → null
            ],
        }
    )
    args = DeriveEpochArgs(dtc="RSDTC", visits={"BASELINE": "SCREENING"})
    assert as_list(derive_epoch(frame, args, context())) == ["SCREENING", "SCREENING", "TREATMENT", None, None, None]


def test_derive_epoch_visit_mapping_must_name_an_epoch_of_the_design() -> None:
    frame = pd.DataFrame({"USUBJID": ["S-1"], "VISIT": ["BASELINE"], "RSDTC": [None]})
    with pytest.raises(SpecError, match="BASELINE is not an epoch"):
        derive_epoch(frame, DeriveEpochArgs(dtc="RSDTC", visits={"BASELINE": "BASELINE"}), context())


def test_derive_epoch_open_first_epoch() -> None:
    frame = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "AESTDTC": ["2020-01-01", "2024-03-05"]})
    epochs = derive_epoch(
        frame, DeriveEpochArgs(dtc="AESTDTC"), context(epochs=[EpochStart("BASELINE", None), *EPOCHS[1:]])
    )
    assert as_list(epochs) == ["BASELINE", "BASELINE"]


def test_derive_age_in_completed_years() -> None:
    frame = pd.DataFrame({"USUBJID": ["S-1", "S-1", "S-2"], "BRTHDTC": ["1950-03-01", "1950-03-02", "1950-01-01"]})
    ages = derive_age(frame, DeriveAgeArgs(), context())
    # consent 2024-03-01: birthday that day → 74; birthday the next day → 73; S-2's consent is partial → null
    assert as_list(ages) == [74, 73, None]


def test_derive_test_name_pairs_cdisc_codelists_by_term_code_and_sponsor_ones_by_decode() -> None:
    """EOR0101 and its name share C161674 (CDISC pair); MY20 names carry their code as decode (sponsor pair)."""
    from cdiscmm.metadata.model import Codelist, Term
    from cdiscmm.sdtm.verbs.paired import DeriveTestNameArgs, derive_test_name

    def codelist(code: str, terms: list[Term]) -> Codelist:
        return Codelist(code=code, name=code, extensible=False, source="test", terms=terms)

    lists = {
        "C161619": codelist("C161619", [Term(submission_value="EOR0101", code="C161674")]),
        "C161618": codelist(
            "C161618", [Term(submission_value="EOR01-Trouble Doing Strenuous Activities", code="C161674")]
        ),
        "MY20TC": codelist("MY20TC", [Term(submission_value="EOR1901", decode="MY20-Bone Aches")]),
        "MY20TN": codelist("MY20TN", [Term(submission_value="MY20-Bone Aches", decode="EOR1901")]),
    }

    class Registry:
        def get(self, code: str) -> Codelist:
            return lists[code]

    frame = pd.DataFrame({"QSTESTCD": ["EOR1901", "EOR0101", None, "XYZ"]})
    args = DeriveTestNameArgs(testcd="QSTESTCD", codelists={"C161619": "C161618", "MY20TC": "MY20TN"})
    names = derive_test_name(frame, args, context(domain="QS", ct=Registry()))
    assert as_list(names) == ["MY20-Bone Aches", "EOR01-Trouble Doing Strenuous Activities", None, None]


def test_derive_site_country_fills_only_unusable_codes_from_the_sites_one_country() -> None:
    """S1 keeps its code; S2 (null) takes DEU from its site DE01; S4 at single-subject site FR9 and S6 at the
    disagreeing site XX1 stay null."""
    from cdiscmm.sdtm.verbs.site import DeriveSiteCountryArgs, derive_site_country

    frame = pd.DataFrame(
        {
            "SITEID": ["DE01", "DE01", "DE01", "FR9", "XX1", "XX1", "XX1"],
            "COUNTRY": ["DEU", None, "DEU", None, "FRA", None, "ITA"],
        }
    )
    countries = derive_site_country(frame, DeriveSiteCountryArgs(), context(domain="DM"))
    assert as_list(countries) == ["DEU", "DEU", "DEU", None, "FRA", None, "ITA"]


def test_derive_time_point_only_beside_its_relative_timing() -> None:
    # MHONGO Y → ONGOING, N → BEFORE; an unreadable answer (99, queried) or a blank leaves MHENRTPT null
    frame = pd.DataFrame({"USUBJID": ["S-1"] * 3, "MHENRTPT": pd.Series(["ONGOING", "BEFORE", None], dtype="string")})
    points = derive_time_point(frame, DeriveTimePointArgs(value="INFORMED CONSENT", relative="MHENRTPT"), context())
    assert as_list(points) == ["INFORMED CONSENT", "INFORMED CONSENT", None]
