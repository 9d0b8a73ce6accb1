"""The define reads one dataset at a time, only the declared variables, block by block, and writes what it wrote
from a list; tiny blocks give the define of one block per file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from lxml import etree

from cdiscmm.define.build import build_define
from cdiscmm.define.folder import read_written
from cdiscmm.define.spec import analysis_results, define_spec
from cdiscmm.io.metadata import read_metadata
from cdiscmm.io.xpt.read import BLOCK_BYTES, read_xpt_blocks
from tests.define.study import adam_datasets, sdtm_datasets, spread, write_study

CREATED = datetime(2024, 1, 2, 3, 4, 5)


def _define(folder: Path, one_pass: bool, block_bytes: int = BLOCK_BYTES) -> bytes:
    metadata = read_metadata(folder)
    results = analysis_results() if metadata.standard.upper().startswith("ADAM") else None
    written = read_written(folder, metadata, results, block_bytes)
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
    assert "AGE" not in written.scan.variables and list(written.scan.variables) == trimmed.datasets[0].names()


def test_blocks_of_one_record_give_the_define_of_whole_files(tmp_path: Path) -> None:
    """Each file read a record or so at a time (many blocks per dataset) is described as when read whole."""
    for kind, datasets in (("sdtm", sdtm_datasets()), ("adam", adam_datasets())):
        folder = write_study(tmp_path / kind, spread(datasets))
        assert max(len(list(read_xpt_blocks(path, None, 1))) for path in folder.glob("*.xpt")) >= 5
        assert _define(folder, one_pass=True, block_bytes=1) == _define(folder, one_pass=True, block_bytes=1 << 40)
