"""Time-to-event parameters: hand-built subjects for PFS, OS, DoR, TTR, TTCR and TTNT."""

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cdiscmm.adam.adtte_steps import derive_param_from_spec
from cdiscmm.adam.spec import load_adam_spec
from cdiscmm.adam.spec_model import ParameterSpec
from cdiscmm.adam.tte import TTE_COLUMNS, CensorSource, EventSource, derive_param_tte
from cdiscmm.core.errors import InputError

MONTH = 30.4375

# Every subject starts treatment on 2024-01-01 (2024 is a leap year: January 31, February 29, March 31 days).
# S1 death before PD: assessments PR 02-01, PR 03-01, dies 03-20, no new therapy.
# S2 event and censor on the same day: confirmed PD 04-01 (ASEQ 9) and its assessment 04-01 (ASEQ 3).
# S3 no assessments: alive, last known alive 05-01.
# S4 new therapy 03-15 before any PD: SD 02-01, SD 03-01, NE 03-10 (analysed OVR records end at new therapy);
#    dies 06-01, after the new therapy.
ADSL = pd.DataFrame(
    {
        "USUBJID": ["S1", "S2", "S3", "S4"],
        "TRTSDT": pd.to_datetime(["2024-01-01"] * 4),
        "DTHDT": pd.to_datetime(["2024-03-20", None, None, "2024-06-01"]),
        "LSTALVDT": pd.to_datetime(["2024-03-20", "2024-04-01", "2024-05-01", "2024-06-01"]),
        "NACTDT": pd.to_datetime([None, "2024-04-15", None, "2024-03-15"]),
        "RSPDT": pd.to_datetime([None, "2024-02-01", None, None]),
    }
)
ADRS = pd.DataFrame(
    [
        ("S1", "OVR", "PR", "2024-02-01", 1),
        ("S1", "OVR", "PR", "2024-03-01", 2),
        ("S1", "PD", "N", None, 4),
        ("S2", "OVR", "PR", "2024-02-01", 1),
        ("S2", "OVR", "CR", "2024-03-01", 2),
        ("S2", "OVR", "PD", "2024-04-01", 3),
        ("S2", "PD", "Y", "2024-04-01", 9),
        ("S2", "RSP", "Y", "2024-02-01", 10),
        ("S2", "CRRSP", "N", None, 11),
        ("S4", "OVR", "SD", "2024-02-01", 1),
        ("S4", "OVR", "SD", "2024-03-01", 2),
        ("S4", "OVR", "NE", "2024-03-10", 3),
        ("S4", "PD", "N", None, 4),
    ],
    columns=["USUBJID", "PARAMCD", "AVALC", "ADT", "ASEQ"],
).assign(ADT=lambda frame: pd.to_datetime(frame["ADT"]))
SOURCES = {"adsl": ADSL, "adrs": ADRS}
#: The parameters as specs/adam/adtte.yaml defines them (the rules under test are the spec's).
PFS, OS, DOR, TTR, TTCR, TTNT = (
    next(parameter for parameter in load_adam_spec("ADTTE").parameters if parameter.paramcd == paramcd)
    for paramcd in ("PFS", "OS", "DOR", "TTR", "TTCR", "TTNT")
)


def derive(parameter: ParameterSpec, adsl: pd.DataFrame = ADSL, sources: dict | None = None) -> pd.DataFrame:
    return derive_param_from_spec(adsl, sources or SOURCES, parameter)


def expected(rows: list[tuple], paramcd: str, param: str, unit: str = "MONTHS") -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["USUBJID", "ADT", "AVAL", "CNSR", "EVNTDESC", "CNSDTDSC", "SRCDOM", "SRCVAR", "SRCSEQ"]
    )
    frame = frame.assign(
        PARAMCD=paramcd,
        PARAM=param,
        STARTDT=pd.to_datetime(["2024-01-01"] * len(frame)).astype("datetime64[us]"),
        ADT=pd.to_datetime(frame["ADT"]).astype("datetime64[us]"),
        AVALU=unit,
    )
    frame = frame.astype({"SRCSEQ": "Int64", "CNSR": "int64", "AVAL": "float64"})
    for name in ("EVNTDESC", "CNSDTDSC", "SRCDOM", "SRCVAR", "PARAMCD", "PARAM", "USUBJID"):
        frame[name] = frame[name].astype("str")
    return frame.loc[:, TTE_COLUMNS]


def test_pfs_death_before_pd_same_day_event_no_assessment_new_therapy() -> None:
    want = expected(
        [
            # S1: death 03-20 is the event: 31 + 29 + 19 = 79 days, + 1 = 80 days.
            ("S1", "2024-03-20", 80 / MONTH, 0, "DEATH", None, "ADSL", "DTHDT", None),
            # S2: PD 04-01 and the last assessment 04-01: the event wins; 31 + 29 + 31 = 91, + 1 = 92 days.
            ("S2", "2024-04-01", 92 / MONTH, 0, "PD", None, "ADRS", "ADT", 9),
            # S3: no assessment: censored at treatment start, 0 + 1 = 1 day.
            (
                "S3",
                "2024-01-01",
                1 / MONTH,
                1,
                "CENSORED AT TREATMENT START",
                "TREATMENT START",
                "ADSL",
                "TRTSDT",
                None,
            ),
            # S4: new therapy 03-15, no PD; death 06-01 follows the new therapy and is no PFS event; censored at
            # the last adequate assessment 03-01 (the NE on 03-10 is not adequate): 31 + 29 = 60, + 1 = 61 days.
            (
                "S4",
                "2024-03-01",
                61 / MONTH,
                1,
                "CENSORED AT LAST ADEQUATE ASSESSMENT",
                "LAST ADEQUATE ASSESSMENT",
                "ADRS",
                "ADT",
                2,
            ),
        ],
        "PFS",
        "Progression-Free Survival (Months)",
    )
    assert_frame_equal(derive(PFS), want)


def test_os_death_or_last_known_alive() -> None:
    want = expected(
        [
            ("S1", "2024-03-20", 80 / MONTH, 0, "DEATH", None, "ADSL", "DTHDT", None),
            # S2 alive, last known alive 04-01: 92 days.
            (
                "S2",
                "2024-04-01",
                92 / MONTH,
                1,
                "CENSORED AT LAST KNOWN ALIVE DATE",
                "LAST KNOWN ALIVE DATE",
                "ADSL",
                "LSTALVDT",
                None,
            ),
            # S3 alive 05-01: 31 + 29 + 31 + 30 = 121, + 1 = 122 days.
            (
                "S3",
                "2024-05-01",
                122 / MONTH,
                1,
                "CENSORED AT LAST KNOWN ALIVE DATE",
                "LAST KNOWN ALIVE DATE",
                "ADSL",
                "LSTALVDT",
                None,
            ),
            # S4 death 06-01 counts for OS even after new therapy: 121 + 31 = 152, + 1 = 153 days.
            ("S4", "2024-06-01", 153 / MONTH, 0, "DEATH", None, "ADSL", "DTHDT", None),
        ],
        "OS",
        "Overall Survival (Months)",
    )
    assert_frame_equal(derive(OS), want)


def test_dor_responders_only() -> None:
    # Only S2 has a first response date (02-01); PD on 04-01: 29 + 31 = 60, + 1 = 61 days.
    got = derive(DOR)
    want = expected([("S2", "2024-04-01", 61 / MONTH, 0, "PD", None, "ADRS", "ADT", 9)], "DOR", "x")
    want = want.assign(STARTDT=pd.to_datetime(["2024-02-01"]).astype("datetime64[us]"), PARAM=got["PARAM"])
    assert_frame_equal(got, want)


def test_ttr_and_ttcr_non_responders_censored_at_last_adequate_assessment() -> None:
    ttr = derive(TTR)
    # S2 responds on 02-01: 31 + 1 = 32 days. S1 (unconfirmed PRs only, RSP not Y) is censored at 03-01:
    # 31 + 29 + 1 = 61 days. S3 at treatment start. S4 at 03-01.
    assert ttr["CNSR"].tolist() == [1, 0, 1, 1]
    assert ttr["AVAL"].mul(MONTH).round(6).tolist() == [61, 32, 1, 61]
    ttcr = derive(TTCR)
    # Nobody reaches CR: S2 is censored at its last adequate assessment, the PD on 04-01 (92 days).
    assert ttcr["CNSR"].tolist() == [1, 1, 1, 1]
    assert ttcr["AVAL"].mul(MONTH).round(6).tolist() == [61, 92, 1, 61]


def test_ttnt_next_therapy_or_death() -> None:
    ttnt = derive(TTNT)
    # S1 death 03-20 (80 days); S2 next therapy 04-15 (31 + 29 + 31 + 14 + 1 = 106); S3 alive 05-01 (122);
    # S4 next therapy 03-15 (31 + 29 + 14 + 1 = 75) comes before its death.
    assert ttnt["EVNTDESC"].tolist() == [
        "DEATH",
        "NEXT ANTI-MYELOMA THERAPY",
        "CENSORED AT LAST KNOWN ALIVE DATE",
        "NEXT ANTI-MYELOMA THERAPY",
    ]
    assert ttnt["AVAL"].mul(MONTH).round(6).tolist() == [80, 106, 122, 75]


def test_derive_param_tte_date_before_start_is_set_to_start_and_days_unit() -> None:
    # A censoring date before the start date is moved to the start date (admiral); 0 + 1 = 1 day.
    adsl = pd.DataFrame(
        {"USUBJID": ["A"], "TRTSDT": pd.to_datetime(["2024-01-10"]), "EOSDT": pd.to_datetime(["2024-01-05"])}
    )
    censor = CensorSource(dataset_name="adsl", date="EOSDT", srcdom="ADSL", srcvar="EOSDT", cnsdtdsc="END", censor=2)
    got = derive_param_tte(
        adsl,
        {"adsl": adsl},
        start_date="TRTSDT",
        event_conditions=[],
        censor_conditions=[censor],
        paramcd="X",
        param="X",
    )
    assert got.loc[0, "ADT"] == pd.Timestamp("2024-01-10")
    assert (got.loc[0, "AVAL"], got.loc[0, "AVALU"], got.loc[0, "CNSR"]) == (1.0, "DAYS", 2)


def test_derive_param_tte_missing_source_dataset_is_an_input_error() -> None:
    event = EventSource(dataset_name="ae", date="ASTDT", srcdom="ADAE", srcvar="ASTDT", evntdesc="AE")
    with pytest.raises(InputError, match="'ae'"):
        derive_param_tte(
            ADSL, SOURCES, start_date="TRTSDT", event_conditions=[event], censor_conditions=[], paramcd="X", param="X"
        )


def test_derive_param_tte_filter_on_missing_column_is_an_input_error() -> None:
    with pytest.raises(InputError, match="NACTDT"):
        derive(PFS, ADSL.drop(columns="NACTDT"), {"adsl": ADSL.drop(columns="NACTDT"), "adrs": ADRS})
