"""Package files copied unchanged are streamed: named by their source, hashed in chunks, same bytes and hashes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cdiscmm.io.digest import describe_files, file_sha256
from cdiscmm.package.assemble import PackageFile


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
