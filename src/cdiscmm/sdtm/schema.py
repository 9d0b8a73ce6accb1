"""JSON Schemas of the mapping language, for editors (``# yaml-language-server: $schema=...``)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from cdiscmm.metadata.study import StudyConfig
from cdiscmm.sdtm.spec import DomainMapping, DomainOverride

#: File name → model. A study's domain file may be a full mapping or an override; the schema allows either.
SCHEMAS: dict[str, tuple[type[BaseModel], ...]] = {
    "domain-mapping.schema.json": (DomainMapping, DomainOverride),
    "study.schema.json": (StudyConfig,),
}


def compute_schema(models: tuple[type[BaseModel], ...]) -> dict[str, object]:
    """One model's JSON Schema, or ``anyOf`` several sharing ``$defs``."""
    if len(models) == 1:
        schema = models[0].model_json_schema()
    else:
        defs: dict[str, object] = {}
        options = []
        for model in models:
            part = model.model_json_schema(ref_template="#/$defs/{model}")
            defs.update(part.pop("$defs", {}))
            defs[model.__name__] = part
            options.append({"$ref": f"#/$defs/{model.__name__}"})
        schema = {"anyOf": options, "$defs": dict(sorted(defs.items()))}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def render_schema(models: tuple[type[BaseModel], ...]) -> str:
    """The schema as committed: sorted keys, two-space indent, final newline."""
    return json.dumps(compute_schema(models), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema of :data:`SCHEMAS` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, models in SCHEMAS.items():
        path = folder / name
        path.write_text(render_schema(models), encoding="utf-8")
        paths.append(path)
    return paths
