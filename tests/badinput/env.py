"""The sandbox a bad-input case edits: copies of a tiny study's raw export, its SDTM folder and the mappings."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

STUDY = "ELRA-JP-PMS"


@dataclass
class Env:
    """Fresh copies under ``root``; a case edits them and returns the command line to run."""

    root: Path
    raw: Path
    sdtm: Path
    mappings: Path
    out: Path
    monkeypatch: pytest.MonkeyPatch

    @classmethod
    def copy(cls, built: Path, mappings: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
        env = cls(root, root / "raw", root / "sdtm", root / "mappings", root / "out", monkeypatch)
        shutil.copytree(built / STUDY / "raw", env.raw)
        shutil.copytree(built / STUDY / "sdtm", env.sdtm)
        shutil.copytree(mappings, env.mappings, ignore=shutil.ignore_patterns("schema"))
        return env

    @property
    def study(self) -> Path:
        return self.mappings / STUDY.lower()

    def sdtm_args(self, *extra: str) -> list[str]:
        where = ["--mappings", str(self.mappings), "--raw", str(self.raw), "--out", str(self.out)]
        return ["sdtm", "--study", STUDY, *where, "-q", *extra]

    def adam_args(self, *extra: str) -> list[str]:
        return ["adam", "--sdtm", str(self.sdtm), "--out", str(self.out), "-q", *extra]

    @staticmethod
    def edit(path: Path, old: str, new: str, encoding: str = "utf-8") -> None:
        """Replace the first ``old`` in ``path`` by ``new`` (the case is wrong if ``old`` is not there)."""
        text = path.read_text(encoding="utf-8")
        if old not in text:
            raise LookupError(f"{old!r} not in {path}")
        path.write_bytes(text.replace(old, new, 1).encode(encoding))

    @staticmethod
    def set_line(path: Path, number: int, content: bytes) -> None:
        """Replace 1-based line ``number`` of ``path`` by ``content`` (bytes, without the line feed)."""
        lines = path.read_bytes().split(b"\n")
        lines[number - 1] = content
        path.write_bytes(b"\n".join(lines))

    @staticmethod
    def line(path: Path, number: int) -> bytes:
        return path.read_bytes().split(b"\n")[number - 1]


@dataclass(frozen=True)
class Case:
    """One bad input: its group, what is wrong, how to make it (edit the sandbox, return the command line), and
    the regular expressions the one error line must match."""

    id: str
    group: str
    what: str
    make: Callable[[Env], list[str]]
    expect: tuple[str, ...]


def run_sdtm(edit: Callable[[Env], object]) -> Callable[[Env], list[str]]:
    """Apply ``edit``, then run the SDTM stage on the sandbox."""

    def make(env: Env) -> list[str]:
        edit(env)
        return env.sdtm_args()

    return make


def run_adam(edit: Callable[[Env], object]) -> Callable[[Env], list[str]]:
    """Apply ``edit``, then run the ADaM stage on the sandbox's SDTM folder."""

    def make(env: Env) -> list[str]:
        edit(env)
        return env.adam_args()

    return make
