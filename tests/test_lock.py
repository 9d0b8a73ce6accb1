"""requirements.lock pins what pyproject.toml asks for: a fresh machine installs the versions that were tested."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
#: ``name==version`` with an optional environment marker, as uv writes the lock.
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)\s*(?:;\s*(.+))?$")


def canonical(name: str) -> str:
    """A distribution name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, list[tuple[Version, Marker | None]]]:
    pins: dict[str, list[tuple[Version, Marker | None]]] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        found = PIN.match(line.strip())
        if found:
            name, version, marker = found.groups()
            pins.setdefault(canonical(name), []).append((Version(version), Marker(marker) if marker else None))
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    return [Requirement(text) for text in [*project["dependencies"], *extras["dev"], *extras["dask"]]]


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    pins = locked()
    for requirement in declared():
        name = canonical(requirement.name)
        assert name in pins, f"{requirement.name} is in pyproject.toml but not in requirements.lock: run make lock"
        for version, _marker in pins[name]:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"requirements.lock pins {requirement.name}=={version}, outside pyproject.toml's "
                f"{requirement.specifier}: run make lock"
            )


def test_lock_pins_exact_versions_only() -> None:
    lines = [line for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines() if line.strip()]
    requirements = [line for line in lines if not line.lstrip().startswith("#")]
    assert requirements, "requirements.lock is empty"
    loose = [line for line in requirements if not PIN.match(line.strip())]
    assert not loose, f"not an exact pin: {loose[0]}"
