"""Generate the docs that state what the code holds: ``docs/mapping-language.md`` (from the mapping language's own
pydantic models and verb registries), ``docs/adam-inputs.md`` (from :mod:`cdiscmm.adam.fallbacks`) and
``docs/adam-derivations.md`` (from the ADaM specs and derivation registry, :mod:`tools.adam_derivations`).

Run from the repository root::

    python -m tools.build_docs            # writes both files
    python -m tools.build_docs --check    # exit 1 when a file differs from what the code gives

Every verb of :data:`cdiscmm.sdtm.verbs.RECORD_VERBS` and :data:`~cdiscmm.sdtm.verbs.DOMAIN_VERBS` gets its
function's docstring, a table of its arguments (name, type, required, default, description from the verb's
argument model) and the worked example of ``tools/mapping_examples.yaml``; the file structure (domain mapping,
source, unpivot, join, supp_qual, condition_add, override) is documented the same way from its models.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from cdiscmm.adam.fallbacks import render_markdown
from cdiscmm.metadata.vocabulary import ConditionAddArgs
from cdiscmm.sdtm.spec import DomainMapping, DomainOverride, Join, Source, SourceOverride, SuppQualArgs, Unpivot
from cdiscmm.sdtm.verbs import DOMAIN_VERBS, RECORD_VERBS
from cdiscmm.sdtm.verbs.base import Verb
from tools import adam_derivations

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent / "mapping_examples.yaml"
OUTPUT = ROOT / "docs" / "mapping-language.md"
ADAM_INPUTS = ROOT / "docs" / "adam-inputs.md"
ADAM_DERIVATIONS = ROOT / "docs" / "adam-derivations.md"

#: Structural models, in the order a reader meets them, with the YAML key they appear under.
STRUCTURE: tuple[tuple[str, type[BaseModel]], ...] = (
    ("a domain mapping file", DomainMapping),
    ("sources: [...]", Source),
    ("condition_add: [...] (also `when:` of the hardcode verbs)", ConditionAddArgs),
    ("unpivot:", Unpivot),
    ("join: [...]", Join),
    ("supp: {QNAM: {supp_qual: ...}}", SuppQualArgs),
    ("a study override file", DomainOverride),
    ("sources: [...] of an override", SourceOverride),
)


def load_examples(path: Path = EXAMPLES) -> dict[str, Any]:
    """The examples file as data."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def type_name(annotation: Any) -> str:
    """A field's type in words: ``text``, ``list of text``, ``one of 'a', 'b'``, a model's name, ``... or null``."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        named = [type_name(arg) for arg in args if arg is not type(None)]
        return " or ".join(named) + (" or null" if type(None) in args else "")
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{value}`" for value in args)
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return f"mapping {type_name(args[0])} → {type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    names = {str: "text", bool: "true/false", int: "integer", float: "number"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return ""
    if info.default_factory is not None:
        return f"`{info.default_factory()!r}`"  # type: ignore[call-arg]
    if info.default is PydanticUndefined or info.default is None:
        return ""
    return f"`{str(info.default).lower() if isinstance(info.default, bool) else info.default}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def fields_table(model: type[BaseModel]) -> list[str]:
    """The argument table of ``model``: one row per field."""
    rows = ["| argument | type | required | default | description |", "|---|---|---|---|---|"]
    for name, info in model.model_fields.items():
        key = info.alias or name
        required = "yes" if info.is_required() else "no"
        rows.append(
            f"| `{key}` | {_cell(type_name(info.annotation))} | {required} | {_cell(_default(info))} "
            f"| {_cell(info.description or '')} |"
        )
    return rows


def _verb_section(verb: Verb, family: str, example: dict[str, str]) -> list[str]:
    doc = inspect.cleandoc(verb.function.__doc__ or "")
    lines = [f"### `{verb.name}`", "", f"*{family}; values are {verb.origin}.*", "", doc, ""]
    if verb.args.model_fields:
        lines += [f"Arguments (`{verb.args.__name__}`):", "", *fields_table(verb.args), ""]
    else:
        lines += ["No arguments: write `{}`.", ""]
    lines += [f"Example: {' '.join(example['text'].split())}", "", "```yaml", example["yaml"].rstrip(), "```", ""]
    return lines


def render(examples: dict[str, Any] | None = None) -> str:
    """The whole of ``docs/mapping-language.md``."""
    examples = examples or load_examples()
    verbs = examples["verbs"]
    lines = [
        "# The mapping language",
        "",
        "<!-- Generated by `python -m tools.build_docs` from the verbs' argument models and docstrings and",
        "     tools/mapping_examples.yaml; do not edit (tests/test_docs.py fails when it drifts). -->",
        "",
        "A study's SDTM is described in YAML (no Python): `study.yaml` (identity, design, trial summary) and one",
        "file per domain. A domain file names the domain, its **sources** (collected forms) and, per target",
        "variable, one **verb** with its arguments. A verb's name is the name of the Python function that runs",
        "it. **Record verbs** (under a source's `variables:`) turn collected fields of one form into one target",
        "column; **domain verbs** (under `derive:`) derive a variable from the assembled domain and DM. Files of",
        "`shared/` hold the mappings studies share; a study file of the same name overrides them (see",
        "[own-study.md](own-study.md)). Editors check the files with the JSON Schemas (`cdiscmm sdtm schema`).",
        "",
        "## A complete domain mapping",
        "",
        "```yaml",
        examples["mapping"].rstrip(),
        "```",
        "",
        "## A study override of the shared mapping",
        "",
        "```yaml",
        examples["override"].rstrip(),
        "```",
        "",
        "## Record verbs",
        "",
    ]
    for verb in sorted(RECORD_VERBS.values(), key=lambda verb: verb.name):
        lines += _verb_section(verb, "record verb", verbs[verb.name])
    lines += ["## Domain verbs", ""]
    for verb in sorted(DOMAIN_VERBS.values(), key=lambda verb: verb.name):
        lines += _verb_section(verb, "domain verb", verbs[verb.name])
    lines += ["## File structure", ""]
    for where, model in STRUCTURE:
        doc = inspect.cleandoc(model.__doc__ or "")
        lines += [f"### {where} (`{model.__name__}`)", "", doc, "", *fields_table(model), ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the generated files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a file is not what the code gives")
    args = parser.parse_args(argv)
    stale = 0
    generated = ((OUTPUT, render()), (ADAM_INPUTS, render_markdown()), (ADAM_DERIVATIONS, adam_derivations.render()))
    for path, text in generated:
        if not args.check:
            path.write_text(text, encoding="utf-8")
        elif not path.is_file() or path.read_text(encoding="utf-8") != text:
            print(f"{path} is out of date: run python -m tools.build_docs", file=sys.stderr)
            stale = 1
    return stale


if __name__ == "__main__":
    sys.exit(main())
