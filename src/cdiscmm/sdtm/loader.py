"""Find and load a study's domain mappings: shared files, the study's overrides and study-only files."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from cdiscmm.core.errors import Location, SpecError
from cdiscmm.metadata.study import StudyRef
from cdiscmm.metadata.yamlio import LinePath, read_yaml, spec_error_from_validation
from cdiscmm.sdtm.spec import DomainMapping, DomainOverride, apply_override

#: A domain mapping file is named after its domain: ``ae.yaml``.
DOMAIN_FILE = re.compile(r"^[a-z]{2}\.yaml$")
Spec = TypeVar("Spec", bound=BaseModel)


@dataclass
class LoadedMapping:
    """A validated (and merged) domain mapping and where each of its entries was written."""

    mapping: DomainMapping
    files: list[Path]
    locations: dict[tuple[str, str], Location] = field(default_factory=dict)

    def where(self, source: str, target: str | None = None) -> Location:
        """The file and line of a source's target entry (or of the source)."""
        return self.locations.get((source, target or ""), Location(file=str(self.files[-1])))


def load_mapping_file(path: Path, model: type[Spec]) -> tuple[Spec, dict[LinePath, int]]:
    """``path`` validated as ``model`` (a mapping or an override) and its key lines; the domain must match the name."""
    data, lines = read_yaml(path)
    if data is None:
        raise SpecError("file is empty", Location(file=str(path), line=1), expected="a domain mapping")
    try:
        loaded = model.model_validate(data)
    except ValidationError as exc:
        raise spec_error_from_validation(exc, model, path, lines) from None
    expected = path.stem.upper()
    domain = getattr(loaded, "domain", expected)
    if domain != expected:
        raise SpecError(
            f"domain: {domain} in a file named {path.name}",
            Location(file=str(path), line=lines.get(("domain",))),
            expected=f"domain: {expected}",
        )
    return loaded, lines


def _record_locations(
    loaded: LoadedMapping, mapping: DomainMapping | DomainOverride, path: Path, lines: dict[LinePath, int]
) -> None:
    for index, source in enumerate(mapping.sources):
        loaded.locations[(source.key, "")] = Location(file=str(path), line=lines.get(("sources", index)))
        for part in ("variables", "supp"):
            for target in getattr(source, part):
                line = lines.get(("sources", index, part, target))
                loaded.locations[(source.key, target)] = Location(file=str(path), line=line)


def load_domain_mappings(study: StudyRef) -> dict[str, LoadedMapping]:
    """Every domain mapping of ``study``: ``<shared folder>/*.yaml`` (see :attr:`StudyRef.shared_folder`) merged with
    ``<study folder>/*.yaml``.

    Restricted to ``study.yaml``'s ``domains`` when given (an unknown domain there is a spec error).
    """
    shared_dir = study.shared_folder
    shared = {path.stem.upper(): path for path in sorted(shared_dir.glob("*.yaml")) if DOMAIN_FILE.match(path.name)}
    own = {path.stem.upper(): path for path in sorted(study.folder.glob("*.yaml")) if DOMAIN_FILE.match(path.name)}
    wanted = study.config.domains or sorted(set(shared) | set(own))
    missing = [domain for domain in wanted if domain not in shared and domain not in own]
    if missing:
        study_file = study.folder / "study.yaml"
        _, lines = read_yaml(study_file)
        raise SpecError(
            f"no mapping file for {missing[0]}",
            Location(file=str(study_file), line=lines.get(("domains",)), field="domains"),
            expected=f"{missing[0].lower()}.yaml in {shared_dir} or {study.folder}",
        )
    result: dict[str, LoadedMapping] = {}
    for domain in wanted:
        if domain in shared:
            base, base_lines = load_mapping_file(shared[domain], DomainMapping)
            loaded = LoadedMapping(base, [shared[domain]])
            _record_locations(loaded, base, shared[domain], base_lines)
            if domain in own:
                override, lines = load_mapping_file(own[domain], DomainOverride)
                loaded.mapping = apply_override(base, override)
                loaded.files.append(own[domain])
                _record_locations(loaded, override, own[domain], lines)
        else:
            mapping, lines = load_mapping_file(own[domain], DomainMapping)
            loaded = LoadedMapping(mapping, [own[domain]])
            _record_locations(loaded, mapping, own[domain], lines)
        result[domain] = loaded
    return result
