"""ADQS from hand-built QS items: EORTC scores, EQ-5D-5L index (JP / CN value set by COUNTRY), VAS, baseline.

Subjects (first dose 2024-01-10): Q1 Japan, questionnaires 2024-01-05 (baseline) and 2024-02-07 (week 4);
Q2 China, baseline on the day of first dose; Q3 USA (no EQ-5D value set in the spec: no index).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cdiscmm.adam.build import build_dataset
from cdiscmm.adam.spec import load_adam_spec
from cdiscmm.core.errors import InputError
from tests.adam.test_adrs import assert_spec_layout

STUDY = "TEST-STUDY"
C30, EQ5D = "EORTC QLQ-C30 V3.0", "EQ-5D-5L"


def adsl_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "STUDYID": STUDY,
            "USUBJID": ["Q1", "Q2", "Q3"],
            "SUBJID": ["1", "2", "3"],
            "SITEID": "01",
            "COUNTRY": ["JPN", "CHN", "USA"],
            "TRT01A": "ELRA",
            "TRTSDT": pd.to_datetime(["2024-01-10"] * 3).astype("datetime64[us]"),
            "SAFFL": "Y",
        }
    )


def qs_frame() -> pd.DataFrame:
    def questionnaire(subject: str, visit: str, date: str, answers: dict[str, tuple[str, float]]) -> list[tuple]:
        return [(subject, visit, date, qscat, code, value) for code, (qscat, value) in answers.items()]

    def items(prefix: str, qscat: str, first: int, values: list[float]) -> dict[str, tuple[str, float]]:
        return {f"{prefix}{first + index:02d}": (qscat, value) for index, value in enumerate(values)}

    rows = [
        *questionnaire(
            "Q1",
            "BASELINE",
            "2024-01-05",
            items("EOR01", C30, 1, [1, 2, 1, 2, 2, 2, np.nan])
            | items("EOR01", C30, 29, [5, 6])
            | items("EQ5D02", EQ5D, 1, [1, 1, 1, 1, 2, 70]),
        ),
        *questionnaire(
            "Q1",
            "WEEK 4",
            "2024-02-07",
            items("EOR01", C30, 1, [2, 2, 2, 2, 2, np.nan, np.nan])
            | items("EOR01", C30, 29, [6, 6])
            | items("EQ5D02", EQ5D, 1, [1, 1, 1, 1, 1, 80]),
        ),
        *questionnaire("Q2", "BASELINE", "2024-01-10", items("EQ5D02", EQ5D, 1, [1, 1, 1, 1, 2, 60])),
        *questionnaire("Q3", "BASELINE", "2024-01-08", items("EQ5D02", EQ5D, 1, [1, 1, 1, 1, 1, 50])),
    ]
    frame = pd.DataFrame(rows, columns=["USUBJID", "VISIT", "QSDTC", "QSCAT", "QSTESTCD", "QSSTRESN"])
    return frame.assign(STUDYID=STUDY, QSSEQ=frame.groupby("USUBJID").cumcount() + 1)


@pytest.fixture(scope="module")
def adqs() -> pd.DataFrame:
    dataset = build_dataset("ADQS", {"QS": qs_frame()}, {"ADSL": adsl_frame()})
    assert dataset is not None
    return dataset.data


def test_scores_baseline_and_change(adqs: pd.DataFrame) -> None:
    columns = ["USUBJID", "PARAMCD", "AVISIT", "AVAL", "ABLFL", "BASE", "CHG", "PCHG", "SRCSEQS"]
    nan = np.nan
    # QSSEQ per subject in collection order: Q1 baseline 1-7 (C30 items 1-7), 8-9 (items 29-30), 10-14 EQ-5D
    # dimensions, 15 VAS; week 4 16-22, 23-24, 25-29, 30
    rows = [
        # global health status, items 29-30 (range 6): RS (5 + 6) / 2 = 5.5 -> 4.5 / 6 x 100 = 75;
        # week 4 RS 6 -> 83.33; CHG 8.33, PCHG 8.33 / 75 = 11.11 %
        ("Q1", "EOR0131", "BASELINE", 75.0, "Y", 75.0, 0.0, 0.0, "8,9"),
        ("Q1", "EOR0131", "WEEK 4", 500 / 6, None, 75.0, 25 / 3, 100 / 9, "23,24"),
        # physical functioning, items 1-5 (range 3): RS 8 / 5 = 1.6 -> (1 - 0.6 / 3) x 100 = 80;
        # week 4 RS 2 -> (1 - 1 / 3) x 100 = 66.67; CHG -13.33, PCHG -16.67 %
        ("Q1", "EOR0132", "BASELINE", 80.0, "Y", 80.0, 0.0, 0.0, "1,2,3,4,5"),
        ("Q1", "EOR0132", "WEEK 4", 200 / 3, None, 80.0, 200 / 3 - 80, -50 / 3, "16,17,18,19,20"),
        # role functioning, items 6-7: one of two answered (half) -> RS 2 -> 66.67; week 4 none -> missing
        ("Q1", "EOR0133", "BASELINE", 200 / 3, "Y", 200 / 3, 0.0, 0.0, "6"),
        ("Q1", "EOR0133", "WEEK 4", nan, None, 200 / 3, nan, nan, None),
        # EQ-5D-5L Japan: 11112 = 1 - 0.0609 - 0.0718 = 0.8673; 11111 = 1; CHG 0.1327
        ("Q1", "EQ5DIDX", "BASELINE", 0.8673, "Y", 0.8673, 0.0, 0.0, "10,11,12,13,14"),
        ("Q1", "EQ5DIDX", "WEEK 4", 1.0, None, 0.8673, 0.1327, 0.1327 / 0.8673 * 100, "25,26,27,28,29"),
        ("Q1", "EQ5D0206", "BASELINE", 70.0, "Y", 70.0, 0.0, 0.0, "15"),
        ("Q1", "EQ5D0206", "WEEK 4", 80.0, None, 70.0, 10.0, 100 / 7, "30"),
        # China: 11112 = 1 - 0.049 = 0.951; a questionnaire on the day of first dose is the baseline
        ("Q2", "EQ5DIDX", "BASELINE", 0.951, "Y", 0.951, 0.0, 0.0, "1,2,3,4,5"),
        ("Q2", "EQ5D0206", "BASELINE", 60.0, "Y", 60.0, 0.0, 0.0, "6"),
        # USA: no value set in the spec -> no index record
        ("Q3", "EQ5D0206", "BASELINE", 50.0, "Y", 50.0, 0.0, 0.0, "6"),
    ]
    expected = pd.DataFrame(rows, columns=columns).astype({"ABLFL": "str", "SRCSEQS": "str"})
    assert_frame_equal(adqs.loc[:, columns], expected, check_dtype=False, rtol=1e-9)


def test_sequence_and_keys(adqs: pd.DataFrame) -> None:
    assert list(adqs.loc[adqs["USUBJID"].eq("Q1"), "ASEQ"]) == list(range(1, 11))
    assert not adqs.duplicated(["USUBJID", "PARAMCD", "AVISIT", "ADT"]).any()
    assert adqs.groupby(["USUBJID", "PARAMCD"])["ABLFL"].apply(lambda flags: flags.eq("Y").sum()).eq(1).all()
    assert list(adqs.loc[adqs["USUBJID"].eq("Q1"), "ADY"]) == [-5, 29] * 5  # 01-05 - 01-10; 02-07 day 22 + 7


def test_partial_dates_at_two_visits_are_two_records() -> None:
    """Regression (30,000-subject cohort, 2026-12-05): two questionnaires of one subject with partial QSDTC (ADT
    missing, not imputed) at two visits are two records per parameter, not a key failure."""
    qs = qs_frame()
    qs = qs.loc[qs["USUBJID"].eq("Q1")].assign(
        QSDTC=lambda frame: frame["VISIT"].map({"BASELINE": "2024", "WEEK 4": "2024-02"})
    )
    dataset = build_dataset("ADQS", {"QS": qs}, {"ADSL": adsl_frame()})
    assert dataset is not None
    vas = dataset.data.loc[dataset.data["PARAMCD"].eq("EQ5D0206"), ["AVISIT", "ADT", "AVAL"]]
    assert list(vas["AVISIT"]) == ["BASELINE", "WEEK 4"]
    assert vas["ADT"].isna().all()
    assert list(vas["AVAL"]) == [70.0, 80.0]


def test_no_subject_with_a_value_set_keeps_the_columns_typed() -> None:
    """Regression (10,000-subject cohort, 2026-12-06): when no subject has an EQ-5D value set, the empty index
    parameter does not turn the stacked columns into object (every later step on them was slow)."""
    qs = qs_frame()
    scored = qs.loc[qs["USUBJID"].eq("Q1") & qs["QSCAT"].eq(C30)].assign(USUBJID="Q3")
    qs = pd.concat([qs.loc[qs["USUBJID"].eq("Q3")], scored], ignore_index=True)
    dataset = build_dataset(
        "ADQS", {"QS": qs.assign(QSSEQ=qs.groupby("USUBJID").cumcount() + 1)}, {"ADSL": adsl_frame()}
    )
    assert dataset is not None
    types = dataset.data.dtypes.astype("str")
    assert types[["USUBJID", "PARAMCD", "AVISIT", "AVAL", "ADT", "CHG"]].tolist() == [
        "str",
        "str",
        "str",
        "float64",
        "datetime64[us]",
        "float64",
    ]
    assert "EQ5DIDX" not in set(dataset.data["PARAMCD"])


def test_variables_in_spec_order_with_spec_labels() -> None:
    dataset = build_dataset("ADQS", {"QS": qs_frame()}, {"ADSL": adsl_frame()})
    assert dataset is not None
    assert_spec_layout(dataset, load_adam_spec("ADQS"))


def test_without_qs_adqs_is_skipped() -> None:
    assert build_dataset("ADQS", {}, {"ADSL": adsl_frame()}) is None


def test_qs_without_a_needed_variable_names_it() -> None:
    with pytest.raises(InputError, match="QS has no variable QSDTC"):
        build_dataset("ADQS", {"QS": qs_frame().drop(columns="QSDTC")}, {"ADSL": adsl_frame()})


def test_built_dataset_carries_its_define_metadata() -> None:
    """The ADaM spec resolves to the metadata model: origin source, method and AVAL described per PARAMCD."""
    dataset = build_dataset("ADQS", {"QS": qs_frame()}, {"ADSL": adsl_frame()})
    assert dataset is not None
    spec, meta = load_adam_spec("ADQS"), dataset.meta
    assert {type(variable).__name__ for variable in meta.variables} == {"VariableMeta"}
    aval = meta.variable("AVAL")
    assert (aval.origin, aval.origin_source, aval.method) == ("Derived", "Sponsor", spec.variable("AVAL").method)
    assert [level.where[0].values[0] for level in aval.value_level] == [p.paramcd for p in spec.parameters]
    first = spec.parameters[0]
    assert (aval.value_level[0].label, aval.value_level[0].method) == (first.param, first.method)
    assert aval.value_level[0].where[0].variable == "PARAMCD"
    usubjid = meta.variable("USUBJID")
    assert (usubjid.origin, usubjid.origin_source, usubjid.source) == ("Predecessor", None, "ADSL.USUBJID")
    assert meta.variable("PARAMCD").value_level == []
