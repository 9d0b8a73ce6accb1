"""The package manifest (``manifest.json`` at the package root) and its verification.

The manifest lists the SHA-256 and size of every file of the package, the SHA-256 of every input file (the
study's SDTM/ADaM outputs read) and of every spec it was built from (region profile, translations, ADaM
specs, the study's mappings and explanations, the rule catalogue), the CT versions, the rule catalogue
version, the code version (release and a SHA-256 over the ``cdiscmm`` source files), and the verdict. The only
time-dependent entry is ``timestamps``; ``comparison_excludes`` names it, so two builds from the same inputs
compare equal with :func:`comparable` and a rerun writes the same manifest except there.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.digest import code_version, file_sha256

MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = "cdiscmm-package-manifest/1"
EXCLUDED = ("timestamps",)


def build_manifest(
    header: dict[str, object], files: dict[str, dict[str, object]], inputs: dict[str, str], specs: dict[str, str]
) -> dict[str, object]:
    """The manifest: ``header`` (study, region, versions, verdict) plus file (:func:`describe_files`), input and
    spec hashes."""
    return {
        "format": MANIFEST_FORMAT,
        **header,
        "code": code_version(),
        "files": dict(sorted(files.items())),
        "inputs": inputs,
        "specs": specs,
        "timestamps": {"built": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")},
        "comparison_excludes": list(EXCLUDED),
    }


def dump_manifest(manifest: dict[str, object]) -> bytes:
    """The manifest as UTF-8 JSON, keys in a stable order, one trailing newline."""
    return (json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def comparable(manifest: dict[str, object]) -> dict[str, object]:
    """The manifest without the entries it declares excluded from comparison (the timestamps)."""
    excluded = set(manifest.get("comparison_excludes", EXCLUDED))  # type: ignore[arg-type]
    return {key: value for key, value in manifest.items() if key not in excluded}


def read_manifest(root: Path) -> dict[str, object]:
    """The manifest of the package at ``root``; InputError when missing or not a manifest."""
    path = root / MANIFEST_FILE
    if not path.is_file():
        raise InputError("no manifest.json", Location(file=str(path)), expected="a package built by cdiscmm package")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"manifest.json is not JSON ({exc})", Location(file=str(path))) from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise InputError("not a cdiscmm package manifest", Location(file=str(path), field="format"))
    return manifest


def verify_package(root: Path) -> list[str]:
    """Problems of the package at ``root`` against its manifest: changed, missing and extra files (sorted)."""
    manifest = read_manifest(root)
    listed: dict[str, dict[str, object]] = manifest["files"]  # type: ignore[assignment]
    present = {
        path.relative_to(root).as_posix(): path
        for path in root.rglob("*")
        if path.is_file() and path.name != MANIFEST_FILE
    }
    problems = [f"{name}: missing" for name in sorted(set(listed) - set(present))]
    problems += [f"{name}: not in the manifest" for name in sorted(set(present) - set(listed))]
    for name in sorted(set(listed) & set(present)):
        if file_sha256(present[name]) != listed[name]["sha256"]:
            problems.append(f"{name}: SHA-256 differs from the manifest (changed since the build)")
    return problems
