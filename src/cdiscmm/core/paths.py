"""Where the bundled specs and mappings live: beside the package in a wheel, at the repository root otherwise."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # src/cdiscmm


def _data_root() -> Path:
    bundled = _PACKAGE / "_data"
    if (bundled / "specs").is_dir():
        return bundled
    return _PACKAGE.parent.parent  # src/cdiscmm -> repository root


def specs_dir() -> Path:
    """The standard metadata and dataset specifications (``specs/``)."""
    return _data_root() / "specs"


def mappings_dir() -> Path:
    """Study designs and mapping specs (``mappings/``)."""
    return _data_root() / "mappings"


def docs_dir() -> Path:
    """The project documentation (``docs/``), e.g. the data choices the reviewer's guides quote."""
    return _data_root() / "docs"
