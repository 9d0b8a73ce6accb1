"""SHA-256 of files, read in blocks (a 3 GB dataset is never held whole), and of the code and rule catalogue.

Shared by the validate stage (the report names every file it validated and the versions that checked them) and
the package stage (the manifest lists every file and input), so both describe a file the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import cdiscmm
from cdiscmm.core.paths import specs_dir

#: Bytes read at a time when hashing a file.
_CHUNK = 1 << 22


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of the file at ``path``, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_file_sha256(source: Path, target: Path) -> str:
    """Copy ``source`` to ``target`` a chunk at a time; the hex SHA-256 of the bytes copied (the digest of both
    files, taken as they are copied, so neither is read again to be hashed)."""
    digest = hashlib.sha256()
    buffer = memoryview(bytearray(_CHUNK))
    with source.open("rb") as reader, target.open("wb") as writer:
        while read := reader.readinto(buffer):
            digest.update(buffer[:read])
            writer.write(buffer[:read])
    return digest.hexdigest()


def describe_file(path: Path, sha256: str | None = None) -> dict[str, object]:
    """``{"sha256", "bytes"}`` of the file at ``path``; ``sha256`` its digest when already known (the file is
    then not read)."""
    return {"sha256": sha256 or file_sha256(path), "bytes": path.stat().st_size}


def hash_files(paths: Iterable[Path], root: Path, known: Mapping[Path, str] | None = None) -> dict[str, str]:
    """``{path relative to root (POSIX): sha256}`` of each existing file, sorted by path; ``known``: digests
    already taken, by path (those files are not read)."""
    known = known or {}
    found = sorted((path.relative_to(root).as_posix(), path) for path in paths if path.is_file())
    return {name: known.get(path) or file_sha256(path) for name, path in found}


def describe_files(root: Path, known: Mapping[str, str] | None = None) -> dict[str, dict[str, object]]:
    """``{path relative to root (POSIX): {"sha256", "bytes"}}`` of every file under ``root``, one file at a time;
    ``known``: digests already taken, by relative path (those files are not read)."""
    known = known or {}
    found = sorted((path.relative_to(root).as_posix(), path) for path in root.rglob("*") if path.is_file())
    return {name: describe_file(path, known.get(name)) for name, path in found}


def _tree_sha256(paths: list[Path], root: Path) -> str:
    """One SHA-256 over the files ``paths`` (sorted): each one's path relative to ``root``, its bytes."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_version() -> dict[str, str]:
    """The release (``cdiscmm.__version__``) and a SHA-256 over every ``.py`` file of the installed package."""
    source = Path(cdiscmm.__file__).parent
    return {"release": cdiscmm.__version__, "source_sha256": _tree_sha256(list(source.rglob("*.py")), source)}


def rule_catalogue_version(root: Path | None = None) -> str:
    """``sha256:<hex>`` over the rule catalogue files (``specs/rules/*.yaml``, the validate stage's; it carries no
    release number), or ``absent`` when the project has none."""
    folder = (root or specs_dir()) / "rules"
    files = list(folder.glob("*.yaml"))
    return f"sha256:{_tree_sha256(files, folder)}" if files else "absent"


def specs_version(root: Path | None = None) -> str:
    """``sha256:<hex>`` over every file of ``specs/`` (standards, CT, sponsor codelists, rules, regions): the
    metadata the validation checks datasets against when they carry none of their own."""
    folder = root or specs_dir()
    return f"sha256:{_tree_sha256([path for path in folder.rglob('*') if path.is_file()], folder)}"
