"""The strict XPT v5 checker: hand-broken files give the rule that each breaks; our files give none."""

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.core.errors import InputError
from cdiscmm.io.xpt.check import check_xpt
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta

NAMESTRS = 640  # byte offset of the first NAMESTR record (after the 8 header records)


def dataset(label: str = "Adverse Events", value: str = "HEADACHE") -> Dataset:
    meta = DatasetMeta(
        name="AE",
        label=label,
        **{"class": "EVENTS"},
        standard="SDTMIG 3.4",
        variables=[
            VariableMeta(name="USUBJID", label="Unique Subject Identifier", type="Char", order=1),
            VariableMeta(name="AESEQ", label="Sequence Number", type="Num", order=2),
            VariableMeta(name="AETERM", label="Reported Term for the Adverse Event", type="Char", order=3),
        ],
    )
    data = pd.DataFrame({"USUBJID": ["S-001", "S-002", "S-003"], "AESEQ": [1, 2, None], "AETERM": [value, "", "X"]})
    return Dataset(meta, data)


def written(tmp_path: Path, **kwargs: str) -> Path:
    return write_xpt(dataset(**kwargs), tmp_path / "ae.xpt")


def rules(path: Path, ascii_only: bool = False) -> list[str]:
    return [finding.rule for finding in check_xpt(path, ascii_only=ascii_only)]


def patch(path: Path, offset: int, new: bytes) -> Path:
    content = bytearray(path.read_bytes())
    content[offset : offset + len(new)] = new
    path.write_bytes(bytes(content))
    return path


def test_our_file_passes_every_rule(tmp_path: Path) -> None:
    assert rules(written(tmp_path), ascii_only=True) == []


def test_file_cut_inside_a_record_is_truncated(tmp_path: Path) -> None:
    path = written(tmp_path)
    path.write_bytes(path.read_bytes()[:-7])
    assert "XPT001" in rules(path)


def test_file_cut_on_a_record_boundary_inside_the_data_is_truncated(tmp_path: Path) -> None:
    path = written(tmp_path)
    data = path.read_bytes()
    longer = write_xpt(Dataset(dataset().meta, pd.concat([dataset().data] * 40)), tmp_path / "ae.xpt")
    path.write_bytes(longer.read_bytes()[: len(data) + 80])  # observations of 5 + 8 + 8 bytes, cut after 160
    found = check_xpt(path)
    assert [finding.rule for finding in found] == ["XPT001"] and found[0].location.row == 160 // 21 + 1


def test_file_cut_inside_the_headers_off_a_record_boundary_is_only_truncated(tmp_path: Path) -> None:
    """Regression: a file cut at byte 500 also got a misleading 'member header is not the TS-140 text'."""
    path = written(tmp_path)
    path.write_bytes(path.read_bytes()[:500])
    assert rules(path) == ["XPT001"]


def test_file_cut_inside_the_namestrs_is_truncated(tmp_path: Path) -> None:
    path = written(tmp_path)
    path.write_bytes(path.read_bytes()[: NAMESTRS + 160])
    assert rules(path) == ["XPT001"]


def test_wrong_header_text_is_corrupt(tmp_path: Path) -> None:
    assert rules(patch(written(tmp_path), 20, b"LIBRARX")) == ["XPT002"]


def test_lower_case_variable_name_breaks_the_name_rule(tmp_path: Path) -> None:
    assert rules(patch(written(tmp_path), NAMESTRS + 8, b"usubjid")) == ["XPT005"]


def test_character_length_over_200_is_reported(tmp_path: Path) -> None:
    path = patch(written(tmp_path), NAMESTRS + 140 * 2 + 4, (201).to_bytes(2, "big"))
    assert "XPT008" in rules(path)


def test_positions_that_do_not_add_up_are_corrupt(tmp_path: Path) -> None:
    assert rules(patch(written(tmp_path), NAMESTRS + 140 + 84, (9).to_bytes(4, "big"))) == ["XPT007"]


def test_second_member_is_reported(tmp_path: Path) -> None:
    path = written(tmp_path)
    content = path.read_bytes()
    path.write_bytes(content + content[240:])
    assert "XPT010" in rules(path)


def test_file_name_must_be_the_dataset_name(tmp_path: Path) -> None:
    path = written(tmp_path)
    assert rules(path.rename(tmp_path / "adverse.xpt")) == ["XPT012"]


def test_non_ascii_value_and_label_only_where_the_region_requires_ascii(tmp_path: Path) -> None:
    path = written(tmp_path, value="頭痛", label="有害事象")
    assert rules(path) == []
    found = check_xpt(path, ascii_only=True)
    assert [(finding.rule, finding.location.row, finding.location.field) for finding in found] == [
        ("XPT011", None, None),
        ("XPT011", 1, "AETERM"),
    ]


def test_label_cut_inside_a_multibyte_character_is_reported(tmp_path: Path) -> None:
    path = patch(written(tmp_path), NAMESTRS + 16, "ああ".encode()[:4])
    assert rules(path) == ["XPT009"]


def test_reading_a_truncated_file_is_an_input_error_naming_it(tmp_path: Path) -> None:
    """Regression (#9): a truncated .xpt was read without complaint and led to a misleading message."""
    path = written(tmp_path)
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(InputError) as caught:
        read_xpt(path)
    assert str(path) in str(caught.value) and "truncated" in str(caught.value)


def test_reading_a_file_that_is_not_xpt_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "dm.xpt"
    path.write_text("USUBJID,AGE\nS-001,61\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a valid SAS XPORT v5 file"):
        read_xpt(path)
