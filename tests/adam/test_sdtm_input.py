"""Reading an SDTM folder: case-insensitive names, blanks as missing, SUPP-- merged, clear missing-input errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.adam.sdtm_input import SdtmData, combine_supp, optional, read_sdtm_folder, require
from cdiscmm.core import progress
from cdiscmm.core.errors import InputError
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta


def xpt_dataset(name: str, frame: pd.DataFrame) -> Dataset:
    """A Dataset for writing ``frame`` as an XPT: every column declared, numeric or character by dtype."""
    variables = [
        VariableMeta(
            name=column,
            label=column,
            type="Num" if pd.api.types.is_numeric_dtype(frame[column]) else "Char",
            order=order,
        )
        for order, column in enumerate(frame.columns, start=1)
    ]
    meta = DatasetMeta(name=name, label=name, class_="TEST", standard="SDTMIG 3.4", variables=variables)
    return Dataset(meta, frame)


def supp(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    """SUPP-- from (USUBJID, IDVAR, IDVARVAL, QNAM, QVAL)."""
    return pd.DataFrame(rows, columns=["USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QVAL"])


AE = pd.DataFrame({"USUBJID": ["S1", "S1", "S2"], "AESEQ": [1.0, 2.0, 1.0], "AETERM": ["A", "B", "C"]})


def test_combine_supp_matches_numeric_idvar_on_its_value() -> None:
    combined = combine_supp(AE, supp([("S1", "AESEQ", "2", "AETOCI", "Y"), ("S2", "AESEQ", "1", "AETOCI", "N")]))
    assert list(combined["AETOCI"].fillna("-")) == ["-", "Y", "N"]
    assert list(combined.columns) == ["USUBJID", "AESEQ", "AETERM", "AETOCI"]


def test_combine_supp_subject_level_qualifier_without_idvar() -> None:
    dm = pd.DataFrame({"USUBJID": ["S1", "S2"]})
    combined = combine_supp(dm, supp([("S2", "", "", "ENRLTYP", "PROSPECTIVE")]).replace("", None))
    assert list(combined["ENRLTYP"].fillna("-")) == ["-", "PROSPECTIVE"]


def test_combine_supp_same_qnam_under_two_idvars_is_one_column() -> None:
    ae = AE.assign(AEGRPID=["G1", None, None])
    rows = supp([("S1", "AEGRPID", "G1", "AECORT", "Y"), ("S2", "AESEQ", "1", "AECORT", "N")])
    assert list(combine_supp(ae, rows)["AECORT"].fillna("-")) == ["Y", "-", "N"]


def test_combine_supp_refuses_a_qnam_that_is_a_parent_variable() -> None:
    with pytest.raises(InputError, match="QNAM AETERM is already a variable"):
        combine_supp(AE, supp([("S1", "AESEQ", "1", "AETERM", "X")]), "SUPPAE")


def test_combine_supp_refuses_two_values_for_one_record() -> None:
    rows = supp([("S1", "AESEQ", "1", "AETOCI", "Y"), ("S1", "AESEQ", "1", "AETOCI", "N")])
    with pytest.raises(InputError, match="SUPPAE has two values"):
        combine_supp(AE, rows, "SUPPAE")


def test_combine_supp_refuses_an_idvar_the_parent_lacks() -> None:
    with pytest.raises(InputError, match="IDVAR AEXSEQ is not a variable"):
        combine_supp(AE, supp([("S1", "AEXSEQ", "1", "AETOCI", "Y")]), "SUPPAE")


def test_read_folder_names_case_insensitive_blanks_missing_supp_merged(tmp_path: Path) -> None:
    dm = pd.DataFrame({"STUDYID": ["ST", "ST"], "USUBJID": ["S1", "S2"], "DTHFL": ["Y", ""], "AGE": [50.0, 60.0]})
    suppdm = pd.DataFrame(
        {"STUDYID": ["ST"], "RDOMAIN": ["DM"], "USUBJID": ["S2"], "IDVAR": [""], "IDVARVAL": [""]}
        | {"QNAM": ["ENRLTYP"], "QLABEL": ["Enrollment Type"], "QVAL": ["PROSPECTIVE"]}
    )
    write_xpt(xpt_dataset("DM", dm), tmp_path / "dm.xpt")
    write_xpt(xpt_dataset("SUPPDM", suppdm), tmp_path / "SUPPDM.XPT")
    write_xpt(xpt_dataset("DM", dm), tmp_path / "ja" / "dm.xpt")  # local-language copy: not read
    data = read_sdtm_folder(tmp_path)
    assert sorted(data) == ["DM"]
    assert data.folder == tmp_path
    assert list(data["DM"]["DTHFL"].isna()) == [False, True]
    assert list(data["DM"]["ENRLTYP"].fillna("-")) == ["-", "PROSPECTIVE"]


def test_read_folder_missing_or_empty_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="SDTM folder not found"):
        read_sdtm_folder(tmp_path / "nowhere")
    with pytest.raises(InputError, match=r"no \.xpt files"):
        read_sdtm_folder(tmp_path)


def test_require_names_dataset_variable_and_folder(tmp_path: Path) -> None:
    data = SdtmData({"DM": pd.DataFrame({"USUBJID": ["S1"]})}, folder=tmp_path)
    with pytest.raises(InputError) as caught:
        require(data, "DM", ["USUBJID", "RFSTDTC"])
    message = str(caught.value)
    assert "DM has no variable RFSTDTC" in message
    assert str(tmp_path / "dm.xpt") in message
    with pytest.raises(InputError, match="SDTM dataset EX is missing"):
        require(data, "EX", ["EXSTDTC"])
    assert require(data, "DM", ["USUBJID"]) is data["DM"]


def test_optional_gives_none_and_a_note(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "_quiet", False)  # a CLI test may have run with --quiet
    data = {"CM": pd.DataFrame({"USUBJID": ["S1"]})}
    assert optional(data, "RS", ["USUBJID"], "ISS left missing") is None
    assert optional(data, "CM", ["USUBJID", "CMCAT"], "PRIORLN left missing") is None
    err = capsys.readouterr().err
    assert "note: SDTM RS not in the input; ISS left missing" in err
    assert "note: SDTM CM.CMCAT not in the input; PRIORLN left missing" in err


def test_columns_reads_only_the_named_variables_the_dataset_has(tmp_path: Path) -> None:
    dm = pd.DataFrame({"STUDYID": ["ST", "ST"], "USUBJID": ["S1", "S2"], "DTHFL": ["Y", ""], "AGE": [50.0, 60.0]})
    write_xpt(xpt_dataset("DM", dm), tmp_path / "dm.xpt")
    data = read_sdtm_folder(tmp_path)
    assert data.columns("DM", ["DTHFL", "USUBJID", "NOPE"]).columns.tolist() == ["USUBJID", "DTHFL"]
    assert list(data.columns("DM", ["DTHFL"])["DTHFL"].isna()) == [False, True]
    pd.testing.assert_frame_equal(data.columns("DM", ["AGE"]), data["DM"][["AGE"]])  # read whole once kept: cut
