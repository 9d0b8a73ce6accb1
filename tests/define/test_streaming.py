"""The define reads one dataset at a time, only the declared variables, and writes what it wrote from a list."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from lxml import etree

from cdiscmm.define.build import build_define
from cdiscmm.define.folder import read_written
from cdiscmm.define.spec import analysis_results, define_spec
from cdiscmm.io.metadata import read_metadata
from tests.define.study import adam_datasets, sdtm_datasets, write_study

CREATED = datetime(2024, 1, 2, 3, 4, 5)


def _define(folder: Path, one_pass: bool) -> bytes:
    metadata = read_metadata(folder)
    written = read_written(folder, metadata)
    results = analysis_results() if metadata.standard.upper().startswith("ADAM") else None
    root = build_define(metadata, written if one_pass else list(written), define_spec(), results, CREATED)
    return etree.tostring(root)


def test_a_one_pass_walk_gives_the_define_of_the_whole_list(tmp_path: Path) -> None:
    """build_define walks the datasets once (a second walk of a generator would find none)."""
    for kind, datasets in (("sdtm", sdtm_datasets()), ("adam", adam_datasets())):
        folder = write_study(tmp_path / kind, datasets)
        assert _define(folder, one_pass=True) == _define(folder, one_pass=False)


def test_only_the_declared_variables_are_read(tmp_path: Path) -> None:
    folder = write_study(tmp_path / "sdtm", sdtm_datasets())
    metadata = read_metadata(folder)
    dm = next(meta for meta in metadata.datasets if meta.name == "DM")
    trimmed = metadata.model_copy(
        update={"datasets": [dm.model_copy(update={"variables": [v for v in dm.variables if v.name != "AGE"]})]}
    )
    (written,) = list(read_written(folder, trimmed))
    assert "AGE" not in written.data.columns and list(written.data.columns) == trimmed.datasets[0].names()
