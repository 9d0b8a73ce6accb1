"""ADRS from hand-built RS and ADSL: expected IMWG values worked out by hand from the rules of imwg.py.

Every subject starts treatment on 2024-01-01. Subjects:
- S1 responder with confirmed CR: PR 02-01 (RSSEQ 1), CR 03-01 (2), CR 04-01 (3), PD 06-01 (4), PD 07-01 (5);
- S2 death before PD: SD 02-01 (1), SD 03-01 (2) and NE 03-01 (3, same day); dies 2024-03-20;
- S3 non-responder with new therapy 04-01: SD 02-01 (1), PR 03-01 (2), PR 04-15 (3, after new therapy);
- S4 no evaluable assessment: one RS record not done (RSSTRESC missing).
"""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cdiscmm.adam.build import build_adam, build_dataset
from cdiscmm.adam.spec import load_adam_spec
from cdiscmm.adam.spec_model import AdamDatasetSpec
from cdiscmm.core.errors import InputError
from cdiscmm.metadata.model import Dataset

STUDY = "TEST-STUDY"
SUBJECTS = ["S1", "S2", "S3", "S4"]
SUBJECT_PARAMETERS = ["BOR", "CBOR", "RSP", "VGPRRSP", "CRRSP", "PD"]


def adsl_frame() -> pd.DataFrame:
    """ADSL of the four subjects (only the variables ADRS and ADTTE read)."""
    return pd.DataFrame(
        {
            "STUDYID": STUDY,
            "USUBJID": SUBJECTS,
            "SUBJID": ["1", "2", "3", "4"],
            "SITEID": "01",
            "TRT01A": "ELRA",
            "TRTSDT": pd.to_datetime(["2024-01-01"] * 4).astype("datetime64[us]"),
            "SAFFL": "Y",
            "EFFFL": ["Y", "Y", "Y", "N"],
            "DTHDT": pd.to_datetime([None, "2024-03-20", None, None]).astype("datetime64[us]"),
            "LSTALVDT": pd.to_datetime(["2024-08-01", "2024-03-20", "2024-06-01", "2024-01-20"]).astype(
                "datetime64[us]"
            ),
            "NACTDT": pd.to_datetime([None, None, "2024-04-01", None]).astype("datetime64[us]"),
        }
    )


def rs_frame() -> pd.DataFrame:
    rows = [
        ("S1", 1, "PR", "2024-02-01"),
        ("S1", 2, "CR", "2024-03-01"),
        ("S1", 3, "CR", "2024-04-01"),
        ("S1", 4, "PD", "2024-06-01"),
        ("S1", 5, "PD", "2024-07-01"),
        ("S2", 1, "SD", "2024-02-01"),
        ("S2", 2, "SD", "2024-03-01"),
        ("S2", 3, "NE", "2024-03-01"),
        ("S3", 1, "SD", "2024-02-01"),
        ("S3", 2, "PR", "2024-03-01"),
        ("S3", 3, "PR", "2024-04-15"),
        ("S4", 1, None, "2024-02-01"),
    ]
    frame = pd.DataFrame(rows, columns=["USUBJID", "RSSEQ", "RSSTRESC", "RSDTC"])
    return frame.assign(STUDYID=STUDY, RSTESTCD="OVRLRESP", RSCAT="KUMAR IMWG 2016", RSEVAL="INVESTIGATOR")


@pytest.fixture(scope="module")
def adrs() -> pd.DataFrame:
    dataset = build_dataset("ADRS", {"RS": rs_frame()}, {"ADSL": adsl_frame()})
    assert dataset is not None
    return dataset.data


def _expected(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(ADT=pd.to_datetime(frame["ADT"]).astype("datetime64[us]")).astype({"AVALC": "str"})


def test_subject_level_parameters(adrs: pd.DataFrame) -> None:
    columns = ["USUBJID", "PARAMCD", "AVALC", "ADT", "SRCSEQS"]
    expected = _expected(
        [
            # S1: BOR over OVR up to the first PD (06-01): best CR, first on 03-01 (RSSEQ 2)
            ("S1", "BOR", "CR", "2024-03-01", "2"),
            # COVR: PR 02-01 confirmed by CR (1,2); CR 03-01 confirmed by CR 04-01 (2,3) -> CBOR CR on 03-01
            ("S1", "CBOR", "CR", "2024-03-01", "2,3"),
            ("S1", "RSP", "Y", "2024-02-01", "1,2"),  # first confirmed PR or better: the PR of 02-01
            ("S1", "VGPRRSP", "Y", "2024-03-01", "2,3"),
            ("S1", "CRRSP", "Y", "2024-03-01", "2,3"),  # first CR date
            ("S1", "PD", "Y", "2024-06-01", "4,5"),  # PD 06-01 confirmed by PD 07-01
            # S2: worst per date keeps SD on 03-01 (NE only if all NE); SD needs no confirmation
            ("S2", "BOR", "SD", "2024-02-01", "1"),
            ("S2", "CBOR", "SD", "2024-02-01", "1"),
            ("S2", "RSP", "N", None, None),
            ("S2", "VGPRRSP", "N", None, None),
            ("S2", "CRRSP", "N", None, None),
            ("S2", "PD", "N", None, None),  # death is not a PD (event of its own in PFS)
            # S3: the PR of 04-15 is after new therapy (04-01) and excluded, so the PR of 03-01 has no
            # confirming assessment: BOR PR (unconfirmed) but CBOR SD (02-01), not a responder
            ("S3", "BOR", "PR", "2024-03-01", "2"),
            ("S3", "CBOR", "SD", "2024-02-01", "1"),
            ("S3", "RSP", "N", None, None),
            ("S3", "VGPRRSP", "N", None, None),
            ("S3", "CRRSP", "N", None, None),
            ("S3", "PD", "N", None, None),
            # S4: the not-done record is not used: no assessment -> NE without date
            ("S4", "BOR", "NE", None, None),
            ("S4", "CBOR", "NE", None, None),
            ("S4", "RSP", "N", None, None),
            ("S4", "VGPRRSP", "N", None, None),
            ("S4", "CRRSP", "N", None, None),
            ("S4", "PD", "N", None, None),
        ],
        columns,
    )
    got = adrs.loc[adrs["PARAMCD"].isin(SUBJECT_PARAMETERS), columns].reset_index(drop=True)
    assert_frame_equal(got, expected, check_dtype=False)


def test_ovr_records_before_new_therapy_with_worst_per_date_flag(adrs: pd.DataFrame) -> None:
    columns = ["USUBJID", "ASEQ", "AVALC", "AVAL", "ADT", "ADY", "ANL01FL", "SRCDOM", "SRCVAR", "SRCSEQ"]
    expected = _expected(
        [
            # ADY = ADT - TRTSDT + 1: 02-01 is day 32, 03-01 day 32 + 29 = 61 (2024 is a leap year)
            ("S2", 1, "SD", 2, "2024-02-01", 32, "Y", "RS", "RSSTRESC", 1),
            ("S2", 2, "SD", 2, "2024-03-01", 61, "Y", "RS", "RSSTRESC", 2),
            ("S2", 3, "NE", 8, "2024-03-01", 61, None, "RS", "RSSTRESC", 3),  # not the worst of the day
            ("S3", 1, "SD", 2, "2024-02-01", 32, "Y", "RS", "RSSTRESC", 1),
            ("S3", 2, "PR", 4, "2024-03-01", 61, "Y", "RS", "RSSTRESC", 2),  # 04-15 after new therapy: absent
        ],
        columns,
    )
    got = adrs.loc[adrs["PARAMCD"].eq("OVR") & adrs["USUBJID"].isin(["S2", "S3"]), columns]
    assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)


def test_covr_carries_confirmed_status_and_names_its_sources(adrs: pd.DataFrame) -> None:
    covr = adrs.loc[adrs["PARAMCD"].eq("COVR") & adrs["USUBJID"].eq("S1")]
    # CR of 04-01 is followed by PD (not confirmed) but the subject stays CR (confirmed 03-01, RSSEQ 2,3);
    # PD of 07-01 has no next assessment, PD stays (confirmed on 06-01 by RSSEQ 4,5)
    assert list(covr["AVALC"]) == ["PR", "CR", "CR", "PD", "PD"]
    assert list(covr["SRCSEQS"]) == ["1,2", "2,3", "2,3", "4,5", "4,5"]
    assert covr["DERIVTXT"].str.len().gt(0).all()
    assert covr["SRCDOM"].isna().all() and covr["ANL01FL"].eq("Y").all()


def test_one_record_per_subject_for_subject_level_parameters(adrs: pd.DataFrame) -> None:
    counts = adrs.loc[adrs["PARAMCD"].isin(SUBJECT_PARAMETERS)].groupby(["PARAMCD", "USUBJID"]).size()
    assert counts.eq(1).all() and len(counts) == len(SUBJECT_PARAMETERS) * len(SUBJECTS)
    analysed = adrs.loc[adrs["ANL01FL"].eq("Y")]
    assert not analysed.duplicated(["USUBJID", "PARAMCD", "ADT"]).any()
    assert not adrs.duplicated(["USUBJID", "ASEQ"]).any()


def assert_spec_layout(dataset: Dataset, spec: AdamDatasetSpec) -> None:
    """Exactly the spec's variables, in spec order, with the spec's labels."""
    assert list(dataset.data.columns) == [variable.name for variable in spec.variables]
    assert [variable.label for variable in dataset.meta.variables] == [variable.label for variable in spec.variables]
    assert dataset.meta.name == spec.name and dataset.meta.label == spec.label


def test_variables_in_spec_order_with_spec_labels() -> None:
    spec = load_adam_spec("ADRS")
    dataset = build_dataset("ADRS", {"RS": rs_frame()}, {"ADSL": adsl_frame()})
    assert dataset is not None
    assert_spec_layout(dataset, spec)
    params = dataset.data.drop_duplicates("PARAMCD")
    assert list(params["PARAMCD"]) == [parameter.paramcd for parameter in spec.parameters]
    assert list(params["PARAM"]) == [parameter.param for parameter in spec.parameters]


def test_without_rs_adrs_is_skipped() -> None:
    assert build_dataset("ADRS", {}, {"ADSL": adsl_frame()}) is None


def test_rs_without_a_needed_variable_names_it() -> None:
    with pytest.raises(InputError, match="RS has no variable RSDTC"):
        build_dataset("ADRS", {"RS": rs_frame().drop(columns="RSDTC")}, {"ADSL": adsl_frame()})


def test_build_adam_leaves_out_a_skipped_dataset() -> None:
    builders = {"ADRS": lambda sdtm, adam: build_dataset("ADRS", sdtm, {"ADSL": adsl_frame()})}
    assert build_adam({}, builders) == {}


def test_only_investigator_kumar_imwg_2016_overall_responses_are_read() -> None:
    """Regression: the OVR filter ignored RSCAT and RSEVAL. An independent assessor's CR and a response under
    the Palumbo 2009 criteria on S3's dates must not enter ADRS: S3 keeps its investigator SD/PR only."""
    extra = pd.DataFrame(
        {
            "USUBJID": ["S3", "S3"],
            "RSSEQ": [4, 5],
            "RSSTRESC": ["CR", "CR"],
            "RSDTC": ["2024-02-01", "2024-03-01"],
            "STUDYID": STUDY,
            "RSTESTCD": "OVRLRESP",
            "RSCAT": ["KUMAR IMWG 2016", "PALUMBO MULTIPLE MYELOMA 2009"],
            "RSEVAL": ["INDEPENDENT ASSESSOR", "INVESTIGATOR"],
        }
    )
    dataset = build_dataset("ADRS", {"RS": pd.concat([rs_frame(), extra], ignore_index=True)}, {"ADSL": adsl_frame()})
    assert dataset is not None
    ovr = dataset.data[dataset.data["PARAMCD"].eq("OVR") & dataset.data["USUBJID"].eq("S3")]
    assert ovr["AVALC"].tolist() == ["SD", "PR"] and ovr["SRCSEQ"].tolist() == [1, 2]
