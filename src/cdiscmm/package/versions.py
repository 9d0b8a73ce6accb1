"""The standards and controlled-terminology versions a package was built with, read from ``specs/``.

Implementation guides are named by their folders (``specs/sdtmig-3.4`` -> SDTMIG 3.4, ``specs/adamig-1.3`` ->
ADaMIG 1.3), CT packages by their files (``specs/ct/sdtm-ct-2025-03-28.csv`` -> SDTM CT 2025-03-28); the rule
catalogue's version, shared with the validate stage, is :func:`cdiscmm.io.digest.rule_catalogue_version`.
Define-XML is version 2.1 (the define stage writes def:DefineVersion 2.1.x).
"""

from __future__ import annotations

import re
from pathlib import Path

from cdiscmm.core.paths import specs_dir

_GUIDES = {"sdtmig": "SDTMIG", "adamig": "ADaMIG"}
_CT = re.compile(r"^(?P<package>[a-z]+)-ct-(?P<date>\d{4}-\d{2}-\d{2})\.csv$")


def standard_versions(root: Path | None = None) -> dict[str, str]:
    """``{'SDTMIG': '3.4', 'ADaMIG': '1.3', 'Define-XML': '2.1'}`` from the spec folders."""
    folder = root or specs_dir()
    found = {}
    for path in sorted(folder.iterdir()):
        name, _, version = path.name.partition("-")
        if path.is_dir() and name in _GUIDES and version:
            found[_GUIDES[name]] = version
    return {**found, "Define-XML": "2.1"}


def ct_versions(root: Path | None = None) -> dict[str, str]:
    """``{'SDTM CT': '2025-03-28', 'ADaM CT': '2025-09-26'}`` from ``specs/ct``."""
    folder = (root or specs_dir()) / "ct"
    found = {}
    for path in sorted(folder.glob("*-ct-*.csv")):
        match = _CT.match(path.name)
        if match:
            package = {"sdtm": "SDTM", "adam": "ADaM"}.get(match["package"], match["package"].upper())
            found[f"{package} CT"] = match["date"]
    return found
