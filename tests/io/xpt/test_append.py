"""The two-phase XPT v5 writer: pieces appended give the bytes of the whole write, whatever the split."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdiscmm.core.errors import InputError
from cdiscmm.io.xpt.append import dataset_lengths, merge_lengths, piece_lengths, write_xpt_pieces
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta
from tests.conftest import SMALL_STUDY


def _meta() -> DatasetMeta:
    variables = [
        VariableMeta(name="USUBJID", label="Unique Subject Identifier", type="Char", order=1),
        VariableMeta(name="AESEQ", label="Sequence Number", type="Num", order=2),
        VariableMeta(name="AETERM", label="Reported Term", type="Char", order=3),
        VariableMeta(name="AESTDT", label="Start Date", type="Num", order=4, display_format="DATE9."),
        VariableMeta(name="AEBLANK", label="Never Filled", type="Char", order=5),
    ]
    return DatasetMeta.model_validate(
        {"name": "AE", "label": "Adverse Events", "class": "EVENTS", "standard": "SDTMIG 3.4", "variables": variables}
    )


def _data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "USUBJID": ["S-1", "S-1", "S-22", "S-333", None, "S-4"],
            "AESEQ": pd.array([1, 2, 1, None, 1, 2], dtype="Float64"),
            "AETERM": ["头痛", "発熱 (fever)", "", None, "NAUSEA", "écrasé"],
            "AESTDT": pd.to_datetime(["2024-01-02", None, "2023-12-31", None, "1960-01-01", "2024-02-29"]),
            "AEBLANK": pd.array([None] * 6, dtype="string"),
        }
    )


def _pieces(data: pd.DataFrame, cuts: list[int]) -> list[pd.DataFrame]:
    bounds = [0, *sorted(cuts), len(data)]
    return [data.iloc[start:end] for start, end in itertools.pairwise(bounds)]


def _appended(meta: DatasetMeta, pieces: list[pd.DataFrame], path: Path) -> bytes:
    return write_xpt_pieces(meta, iter(pieces), dataset_lengths(meta, pieces, path), path).read_bytes()


@pytest.mark.parametrize("cuts", [[], [0, 0], [2, 2, 5], [1, 2, 3, 4, 5], [6, 6]], ids=str)
def test_pieces_with_multibyte_text_missing_values_and_empty_pieces_give_the_whole_files_bytes(
    tmp_path: Path, cuts: list[int]
) -> None:
    meta, data = _meta(), _data()
    whole = write_xpt(Dataset(meta, data), tmp_path / "whole.xpt").read_bytes()
    assert _appended(meta, _pieces(data, cuts), tmp_path / "ae.xpt") == whole


def test_no_records_and_no_pieces_give_the_empty_whole_file(tmp_path: Path) -> None:
    meta, empty = _meta(), _data().iloc[0:0]
    whole = write_xpt(Dataset(meta, empty), tmp_path / "whole.xpt").read_bytes()
    assert _appended(meta, [empty, empty], tmp_path / "a.xpt") == whole
    assert write_xpt_pieces(meta, [], {}, tmp_path / "b.xpt").read_bytes() == whole


@given(
    texts=st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=0, max_size=30),
    cuts=st.lists(st.integers(min_value=0, max_value=30), max_size=4),
)
def test_any_split_of_any_text_gives_the_whole_files_bytes(texts: list[str | None], cuts: list[int]) -> None:
    meta = _meta()
    count = len(texts)
    data = pd.DataFrame(
        {
            "USUBJID": pd.array([f"S-{index}" for index in range(count)], dtype="string"),
            "AESEQ": np.arange(count, dtype=float),
            "AETERM": pd.array(texts, dtype="string"),
            "AESTDT": pd.to_datetime(pd.Series([None] * count, dtype="object")),
            "AEBLANK": pd.array(texts[::-1], dtype="string"),
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        whole = write_xpt(Dataset(meta, data), root / "whole.xpt").read_bytes()
        assert _appended(meta, _pieces(data, [min(cut, count) for cut in cuts]), root / "ae.xpt") == whole


def test_phase_one_reduces_per_piece_maxima_in_bytes(tmp_path: Path) -> None:
    meta, data = _meta(), _data()
    first, second = piece_lengths(meta, data.iloc[:2], tmp_path), piece_lengths(meta, data.iloc[2:], tmp_path)
    assert first == {"USUBJID": 3, "AETERM": 14, "AEBLANK": 0}  # 発熱 (fever): 2 x 3 + 8 bytes
    assert merge_lengths([first, second]) == {"USUBJID": 5, "AETERM": 14, "AEBLANK": 0}


def test_a_value_over_200_bytes_names_its_row_in_the_dataset_not_in_the_piece(tmp_path: Path) -> None:
    meta, data = _meta(), _data()
    data.loc[4, "AETERM"] = "あ" * 67
    with pytest.raises(InputError) as caught:
        dataset_lengths(meta, _pieces(data, [3]), tmp_path / "ae.xpt")
    assert "row 5" in str(caught.value) and "AETERM" in str(caught.value)


def test_a_failed_append_leaves_the_previous_file_and_no_temporary_file(tmp_path: Path) -> None:
    meta, data = _meta(), _data()
    path = write_xpt(Dataset(meta, data), tmp_path / "ae.xpt")
    before = path.read_bytes()
    broken = data.iloc[3:].drop(columns="AETERM")
    with pytest.raises(InputError, match="AE has no column AETERM"):
        write_xpt_pieces(meta, [data.iloc[:3], broken], dataset_lengths(meta, [data], path), path)
    assert path.read_bytes() == before and [item.name for item in tmp_path.iterdir()] == ["ae.xpt"]


def test_every_dataset_of_a_real_build_appended_in_pieces_is_byte_identical(
    small_study_out: Path, tmp_path: Path
) -> None:
    from cdiscmm.metadata.study import select_studies
    from cdiscmm.sdtm.build import build_datasets

    study = select_studies([SMALL_STUDY], None)[0]
    build = build_datasets(study, small_study_out / SMALL_STUDY / "raw")
    datasets = build.all_datasets()
    assert len(datasets) > 20
    for key, dataset in datasets.items():
        name = key.replace("/", "-").lower()
        whole = write_xpt(dataset, tmp_path / f"{name}.whole.xpt").read_bytes()
        rows = len(dataset.data)
        pieces = _pieces(dataset.data, [rows // 3, rows // 3, 2 * rows // 3])
        assert _appended(dataset.meta, pieces, tmp_path / f"{name}.xpt") == whole, key
