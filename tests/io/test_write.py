"""The writer step: datasets (and local-language copies) to XPT with metadata.json, report tables to CSV, stale XPT
files removed."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd

from cdiscmm.io.metadata import read_metadata
from cdiscmm.io.write import remove_stale, write_outputs, write_tables
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta

SRC = Path(__file__).resolve().parents[2] / "src" / "cdiscmm"


def _dataset(name: str, values: list[str]) -> Dataset:
    meta = DatasetMeta(
        name=name,
        label=f"{name} label",
        **{"class": "EVENTS"},
        standard="SDTMIG 3.4",
        variables=[
            VariableMeta(name="STUDYID", label="Study Identifier", type="Char", order=1),
            VariableMeta(name="USUBJID", label="Unique Subject Identifier", type="Char", order=2),
        ],
    )
    return Dataset(meta, pd.DataFrame({"STUDYID": "S1", "USUBJID": values}))


def test_datasets_and_local_copies_are_written_and_an_earlier_runs_xpt_removed(tmp_path: Path) -> None:
    (tmp_path / "qs.xpt").write_bytes(b"from an earlier run")
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "metadata.json").write_text("{}", encoding="utf-8")
    datasets = {"AE": _dataset("AE", ["A"]), "ja/AE": _dataset("AE", ["甲"]), "ja/SUPPDD": _dataset("SUPPDD", ["乙"])}
    paths = write_outputs(datasets, {}, tmp_path)
    assert paths == [
        tmp_path / "ae.xpt",
        tmp_path / "ja" / "ae.xpt",
        tmp_path / "ja" / "suppdd.xpt",
        tmp_path / "metadata.json",
        tmp_path / "ja" / "metadata.json",
    ]
    assert [dataset.name for dataset in read_metadata(tmp_path).datasets] == ["AE"]  # the copy is not described twice
    assert [dataset.name for dataset in read_metadata(tmp_path / "ja").datasets] == ["AE", "SUPPDD"]
    assert not (tmp_path / "zh" / "metadata.json").exists()  # an earlier run's language folder
    assert not (tmp_path / "qs.xpt").exists()
    assert read_xpt(tmp_path / "ja" / "ae.xpt").data["USUBJID"].tolist() == ["甲"]
    assert read_xpt(tmp_path / "ae.xpt").label == "AE label"


def test_tables_are_csv_without_index(tmp_path: Path) -> None:
    [path] = write_tables({"rejects": pd.DataFrame({"FORM": ["ae"], "ROW": [3]})}, tmp_path / "new")
    assert path.read_bytes() == b"FORM,ROW\nae,3\n"


def test_no_stage_writes_xpt_itself() -> None:
    """Stages return Datasets; only the writer step (io/write.py, called by the CLI) writes dataset files."""
    callers = []
    for path in sorted(SRC.rglob("*.py")):
        if path.parts[-2] in ("io", "xpt") or path.parent.name == "cli":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        if {"write_xpt", "write_datasets", "write_outputs"} & (names | attributes):
            callers.append(path.relative_to(SRC).as_posix())
    assert callers == []


def test_remove_stale_clears_earlier_datasets_only(tmp_path: Path) -> None:
    """Regression: a suppdd.xpt of an earlier build stayed beside the new datasets."""
    (tmp_path / "ja").mkdir()
    for name in ("suppdd.xpt", "ja/suppdd.xpt", "rejects.csv", "notes.txt", "dm.json", "metadata.json"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    removed = remove_stale(tmp_path, ["xpt"])
    assert [path.relative_to(tmp_path).as_posix() for path in removed] == ["suppdd.xpt", "ja/suppdd.xpt"]
    assert [path.name for path in remove_stale(tmp_path, ["json"])] == ["dm.json"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ja", "metadata.json", "notes.txt", "rejects.csv"]
    assert remove_stale(tmp_path / "absent", ["xpt", "json"]) == []
