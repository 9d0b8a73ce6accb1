"""The writer step's dispatch: stale dataset files of the chosen formats go, everything else stays."""

from pathlib import Path

from cdiscmm.io.write import remove_stale


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
