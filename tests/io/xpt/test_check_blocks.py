"""The strict XPT checker read a block at a time finds what it finds in the whole file: second members across
block edges, non-ASCII values in later blocks, truncation, a member header's text inside a value."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cdiscmm.io.xpt.check import byte_owners, check_xpt, high_byte_rows
from cdiscmm.io.xpt.layout import HEADER_PREFIX
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta

ROWS = 50
LOOKALIKE = (HEADER_PREFIX + b"MEMBER  HEADER RECORD").decode("ascii")


def _written(tmp_path: Path, terms: dict[int, str]) -> Path:
    meta = DatasetMeta(
        name="AE",
        label="Adverse Events",
        **{"class": "EVENTS"},
        standard="SDTMIG 3.4",
        variables=[
            VariableMeta(name="USUBJID", label="Unique Subject Identifier", type="Char", order=1),
            VariableMeta(name="AESEQ", label="Sequence Number", type="Num", order=2),
            VariableMeta(name="AETERM", label="Reported Term for the Adverse Event", type="Char", order=3),
            VariableMeta(name="AEDECOD", label="Dictionary-Derived Term", type="Char", order=4),
        ],
    )
    term = [terms.get(row, f"TERM {row}") for row in range(1, ROWS + 1)]
    data = pd.DataFrame(
        {
            "USUBJID": [f"S-{row:03d}" for row in range(1, ROWS + 1)],
            "AESEQ": [float(row) for row in range(1, ROWS + 1)],
            "AETERM": term,
            "AEDECOD": ["HEADACHE" if row != 41 else "Kopfschmerz ä" for row in range(1, ROWS + 1)],
        }
    )
    return write_xpt(Dataset(meta, data), tmp_path / "ae.xpt")


def _variants(tmp_path: Path) -> dict[str, Path]:
    plain = _written(tmp_path / "plain", {})
    content = plain.read_bytes()
    folders = {name: tmp_path / name for name in ("second", "cut", "lookalike", "accents")}
    for folder in folders.values():
        folder.mkdir()
    (folders["second"] / "ae.xpt").write_bytes(content + content[240:])
    (folders["cut"] / "ae.xpt").write_bytes(content[: len(content) - 160])
    _written(folders["lookalike"], {7: LOOKALIKE, 30: "頭痛"})
    _written(folders["accents"], {45: "naïve"})
    return {"plain": plain} | {name: folder / "ae.xpt" for name, folder in folders.items()}


def _seen(path: Path, **options: object) -> list[tuple[str, str, int | None, str | None]]:
    found = check_xpt(path, ascii_only=True, **options)  # type: ignore[arg-type]
    return [(item.rule, item.message, item.location.row, item.location.field) for item in found]


@pytest.mark.parametrize("block_bytes", [1, 80, 250, 1_000])
def test_blocks_find_what_the_whole_file_shows(tmp_path: Path, block_bytes: int) -> None:
    for name, path in _variants(tmp_path).items():
        whole = _seen(path, content=path.read_bytes(), block_bytes=1 << 40)
        assert _seen(path, block_bytes=block_bytes) == whole, name
        assert _seen(path, content=path.read_bytes(), block_bytes=block_bytes) == whole, name


def test_the_variants_break_the_rules_they_are_meant_to(tmp_path: Path) -> None:
    rules = {name: [(rule, row, field) for rule, _, row, field in _seen(path)] for name, path in
             _variants(tmp_path).items()}  # fmt: skip
    assert rules["plain"] == [("XPT011", 41, "AEDECOD")]
    assert ("XPT010", None, None) in rules["second"]
    assert rules["cut"][-1][0] == "XPT001"
    # the member header's text inside a value is not on a record boundary: not a second member, and the
    # non-ASCII values after it are still found
    assert rules["lookalike"] == [("XPT011", 30, "AETERM"), ("XPT011", 41, "AEDECOD")]
    assert rules["accents"] == [("XPT011", 45, "AETERM"), ("XPT011", 41, "AEDECOD")]


def test_high_byte_rows_name_each_row_once_per_variable() -> None:
    """Observations of 6 bytes: A (bytes 0-1), a numeric (2-3, not asked), B (4-5)."""
    block = np.array(
        [
            list(b"ab\x80\x80cd"),  # high bytes only in the bytes of no asked variable
            list(b"\xc3\xa9xy\xc3\xa9"),  # two high bytes in A, two in B: the row once each
            list(b"abxycd"),
            list(b"a\xe9xycd"),
        ],
        dtype=np.uint8,
    )
    owner = byte_owners([(0, 2), (4, 2)], 6)
    assert owner.tolist() == [0, 0, -1, -1, 1, 1]
    found = high_byte_rows(block, owner)
    assert {index: rows.tolist() for index, rows in found.items()} == {0: [1, 3], 1: [1]}
    assert high_byte_rows(block[[0, 2]], owner) == {}
    assert high_byte_rows(np.zeros((0, 6), dtype=np.uint8), owner) == {}
