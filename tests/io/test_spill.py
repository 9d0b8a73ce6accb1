"""Spilled pieces (``--chunk-subjects``): Parquet keeps the dtypes, the store keeps only small summaries, and the
writer step makes the same files from spilled pieces as from the dataset in memory."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandas.testing as pdt

from cdiscmm.io.spill import PieceStore
from cdiscmm.io.write import write_outputs
from cdiscmm.metadata.model import Dataset, DatasetMeta, ValueLevelMeta, VariableMeta, WhereCondition


def _meta() -> DatasetMeta:
    level = ValueLevelMeta(where=[WhereCondition(variable="QSTESTCD", values=("Q1",))], codelist="C66742")
    variables = [
        VariableMeta(name="STUDYID", label="Study Identifier", type="Char", order=1),
        VariableMeta(name="USUBJID", label="Unique Subject Identifier", type="Char", order=2),
        VariableMeta(name="QSTESTCD", label="Question Short Name", type="Char", order=3),
        VariableMeta(name="QSORRES", label="Finding in Original Units", type="Char", order=4, value_level=[level]),
        VariableMeta(name="QSSTRESN", label="Numeric Finding", type="Num", order=5),
        VariableMeta(name="QSSEV", label="Severity", type="Char", order=6, codelist="C66769"),
    ]
    return DatasetMeta.model_validate(
        {"name": "QS", "label": "Questionnaires", "class": "FINDINGS", "standard": "SDTMIG 3.4", "variables": variables}
    )


def _data() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "STUDYID": "S1",
            "USUBJID": ["S1-01", "S1-01", "S1-02", "S1-03", "S1-03"],
            "QSTESTCD": ["Q1", "Q2", "Q1", "Q2", "Q1"],
            "QSORRES": ["Y", "很好", None, "", "N"],
            "QSSTRESN": pd.array([1.5, None, 3.0, None, 0.0], dtype="Float64"),
            "QSSEV": ["MILD", None, "SEVERE", "MILD", "轻度"],
        }
    )
    return frame.astype({name: "string" for name in frame if name != "QSSTRESN"})


def test_pieces_read_back_with_their_dtypes_and_the_store_keeps_maxima_and_distinct_rows(tmp_path: Path) -> None:
    meta, data = _meta(), _data()
    with PieceStore(tmp_path) as store:
        store.put("QS", Dataset(meta, data.iloc[:2]), ["QSTESTCD", "NOTHERE"])
        store.put("QS", Dataset(meta, data.iloc[2:]), ["QSTESTCD", "NOTHERE"])
        spilled = store.take("QS", meta)
        pdt.assert_frame_equal(spilled.joined().data, data)
        assert spilled.rows == 5 and len(spilled.files) == 2
        assert spilled.lengths == {"STUDYID": 2, "USUBJID": 5, "QSTESTCD": 2, "QSORRES": 6, "QSSEV": 6}
        assert store.distinct("QS")["QSTESTCD"].tolist() == ["Q1", "Q2", "Q1", "Q2"]
        assert [frame.columns.tolist() for frame in spilled.frames(["QSSEV"])] == [["QSSEV"], ["QSSEV"]]
        folder = store.folder
        assert folder.parent == tmp_path and folder.is_dir()
    assert not folder.exists()


def test_spilled_datasets_give_the_same_files_as_in_memory_ones(tmp_path: Path) -> None:
    meta, data = _meta(), _data()
    formats = ["xpt", "json"]
    whole = write_outputs({"QS": Dataset(meta, data), "zh/QS": Dataset(meta, data)}, {}, tmp_path / "whole", formats)
    with PieceStore(tmp_path) as store:
        for key in ("QS", "zh/QS"):
            for piece in (data.iloc[:0], data.iloc[:3], data.iloc[3:]):
                store.put(key, Dataset(meta, piece))
        spilled = {key: store.take(key, meta) for key in store}
        written = write_outputs(spilled, {}, tmp_path / "spilled", formats)
    assert len(written) == len(whole) == 2 * 2 + 2
    for path in whole:
        relative = path.relative_to(tmp_path / "whole")
        assert path.read_bytes() == (tmp_path / "spilled" / relative).read_bytes(), relative
    assert '"C66742"' in (tmp_path / "spilled" / "metadata.json").read_text(encoding="utf-8")
