"""The cross-check reads each file a block at a time: with blocks of a record or so it reports what it reports
reading whole blocks, on a define whose codelists lack values the data use (variables and value levels)."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from cdiscmm.define.crosscheck import check_define
from cdiscmm.define.folder import define_folder
from cdiscmm.define.xmlkit import PREFIXES
from cdiscmm.io.xpt.read import read_xpt_blocks
from tests.define.study import adam_datasets, sdtm_datasets, spread, write_study


def _without_first_terms(define: Path) -> Path:
    """``define`` with the first term of every enumerated codelist removed, and every Length one more."""
    tree = etree.parse(str(define))
    for codelist in tree.iterfind(".//odm:CodeList", PREFIXES):
        terms = codelist.findall("odm:CodeListItem", PREFIXES) + codelist.findall("odm:EnumeratedItem", PREFIXES)
        if terms:
            codelist.remove(terms[0])
    for item in tree.iterfind(".//odm:ItemDef[@Length]", PREFIXES):
        item.set("Length", str(int(item.get("Length")) + 1))
    tree.write(str(define))
    return define


def test_blocks_of_a_record_or_so_give_the_problems_of_whole_files(tmp_path: Path) -> None:
    found = []
    for kind, datasets in (("sdtm", sdtm_datasets()), ("adam", adam_datasets())):
        output = define_folder(write_study(tmp_path / kind, spread(datasets)))
        assert check_define(output.define, block_bytes=1) == []
        define = _without_first_terms(output.define)
        assert max(len(list(read_xpt_blocks(path, None, 1))) for path in define.parent.glob("*.xpt")) >= 5
        problems = check_define(define)
        assert any(
            f"{datasets[0].name}.{variable}: values" in problem for problem in problems for variable in ("SEX", "SAFFL")
        )
        assert any("define Length" in problem for problem in problems)
        assert check_define(define, block_bytes=1) == problems
        found += problems
    assert any("SUPPAE.QVAL (WC.SUPPAE.QVAL.1): values" in problem for problem in found)  # a value level's
