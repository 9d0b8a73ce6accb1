"""The layout shows the pipeline (docs/architecture.md): the import rule, and no file over 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "cdiscmm"
#: What each package may import besides itself: a stage only the shared layers (never another stage, never the
#: generator ``simulate``); ``io`` the model and the core; the model only the core.
SHARED = {"metadata", "io", "core"}
STAGES = ("sdtm", "adam", "validate", "define", "package")
ALLOWED: dict[str, set[str]] = {
    **dict.fromkeys(STAGES, SHARED),
    "io": {"metadata", "core"},
    "metadata": {"core"},
    "core": set(),
}


def _imported_packages(path: Path) -> set[str]:
    """The ``cdiscmm.<package>`` names a module imports (absolute imports; the project uses no relative ones)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        found |= {name.split(".")[1] for name in names if name.startswith("cdiscmm.") and "." in name}
        if isinstance(node, ast.ImportFrom) and node.module == "cdiscmm":
            found |= {alias.name for alias in node.names if (SRC / alias.name).is_dir()}  # not __version__
    return found


@pytest.mark.parametrize("package", list(ALLOWED))
def test_import_rule(package: str) -> None:
    allowed = ALLOWED[package] | {package}
    offenders = {
        str(path.relative_to(SRC)): sorted(_imported_packages(path) - allowed)
        for path in sorted((SRC / package).rglob("*.py"))
        if _imported_packages(path) - allowed
    }
    assert offenders == {}


def test_no_source_file_over_400_lines() -> None:
    long = {
        str(path.relative_to(SRC)): n for path in SRC.rglob("*.py") if (n := len(path.read_text().splitlines())) > 400
    }
    assert long == {}
