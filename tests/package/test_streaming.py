"""Package files copied unchanged are streamed: named by their source, hashed in chunks, same bytes and hashes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from cdiscmm.io.digest import copy_file_sha256, describe_files, file_sha256, hash_files
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta
from cdiscmm.package.assemble import PackageFile
from cdiscmm.package.relabel import records_in


def test_a_copied_file_reads_its_source(tmp_path: Path) -> None:
    source = tmp_path / "ae.xpt"
    source.write_bytes(b"HEADER" * 100)
    copied = PackageFile("m5/ae.xpt", None, "dataset", source)
    held = PackageFile("m5/ae.xpt", source.read_bytes(), "dataset")
    assert copied.content == held.content and copied.size == held.size == 600


def test_files_are_described_as_their_whole_bytes_would_be(tmp_path: Path) -> None:
    big = bytes(range(256)) * (5 * 4096 + 7)  # over one 4 MiB chunk, not a multiple of it
    (tmp_path / "m5").mkdir()
    (tmp_path / "m5" / "lb.xpt").write_bytes(big)
    (tmp_path / "empty.txt").write_bytes(b"")
    described = describe_files(tmp_path)
    assert list(described) == ["empty.txt", "m5/lb.xpt"]
    assert described["m5/lb.xpt"] == {"sha256": hashlib.sha256(big).hexdigest(), "bytes": len(big)}
    assert file_sha256(tmp_path / "empty.txt") == hashlib.sha256(b"").hexdigest()


def test_a_copied_dataset_is_counted_from_its_head_and_end_alone(tmp_path: Path) -> None:
    """The inventory counts records from the head, the size and the last record: the same count as from the whole
    file, the blank padding after the last observation (3 x 13 bytes + 4) not taken for records."""
    frame = pd.DataFrame({"STUDYID": ["TEST-PKG"] * 9, "AETERM": ["Rash", "", "", "", "", "", "", "", "Cough"]})
    variables = [VariableMeta(name=name, label=name, type="Char", order=order) for order, name in enumerate(frame, 1)]
    meta = DatasetMeta(name="AE", label="Adverse Events", class_="EVENTS", standard="SDTMIG 3.4", variables=variables)
    source = write_xpt(Dataset(meta, frame), tmp_path / "ae.xpt")
    content = source.read_bytes()
    head, last = PackageFile("m5/ae.xpt", None, "dataset", source).ends()
    assert len(head) == len(content) - 2 * 80 and content.startswith(head) and last == content[-80:]
    assert records_in(head, len(content), last) == 9
    assert PackageFile("m5/ae.xpt", content, "dataset").ends() == (content, content[-80:])
    assert records_in(content, len(content), content[-80:]) == 9


def test_a_copy_whose_head_cannot_be_read_is_read_whole(tmp_path: Path) -> None:
    source = tmp_path / "ae.xpt"
    source.write_bytes(b"HEADER" * 100)
    assert PackageFile("m5/ae.xpt", None, "dataset", source).ends() == (b"HEADER" * 100, (b"HEADER" * 100)[-80:])


def test_a_copy_is_hashed_as_it_is_copied_and_not_read_again(tmp_path: Path) -> None:
    big = bytes(range(256)) * (5 * 4096 + 7)  # over one 4 MiB chunk, not a multiple of it
    source, target = tmp_path / "lb.xpt", tmp_path / "package" / "lb.xpt"
    source.write_bytes(big)
    target.parent.mkdir()
    (target.parent / "define.xml").write_bytes(b"<ODM/>")
    digest = copy_file_sha256(source, target)
    assert target.read_bytes() == big and digest == hashlib.sha256(big).hexdigest()
    stand_in = "0" * 64  # a digest the files do not have: taken as given, the file not read
    described = describe_files(target.parent, {"lb.xpt": stand_in})
    assert described == {
        "define.xml": {"sha256": hashlib.sha256(b"<ODM/>").hexdigest(), "bytes": 6},
        "lb.xpt": {"sha256": stand_in, "bytes": len(big)},
    }
    assert hash_files([source], tmp_path, {source: stand_in}) == {"lb.xpt": stand_in}
    assert hash_files([source], tmp_path) == {"lb.xpt": digest}
