"""Render ``docs/adam-derivations.md``: per ADaM dataset, the derivations its spec names and what each makes; then
every registered derivation with its kind, arguments and rule (the first paragraph of its docstring)."""

from __future__ import annotations

import inspect

import yaml

from cdiscmm.adam.binding import STEP_MODULES, derivation_steps
from cdiscmm.adam.build import ADAM_DATASETS
from cdiscmm.adam.registry import DERIVATIONS, Derivation, Step
from cdiscmm.adam.spec import load_adam_spec
from cdiscmm.adam.spec_model import AdamDatasetSpec


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _arguments(step: Step) -> str:
    given = step.args.model_dump(exclude_unset=True)
    return f"`{_cell(yaml.safe_dump(given, default_flow_style=True, sort_keys=False, width=10_000))}`" if given else ""


def _makes(spec: AdamDatasetSpec, step: Step) -> str:
    made = ", ".join(step.derivation.produces(spec, step.args))
    if step.derivation.kind == "parameter":
        return f"records of {step.args.parameter_code()}: {made}"
    if step.derivation.kind == "start":
        return f"the records{': ' + made if made else ''}"
    return made


def _dataset_section(name: str) -> list[str]:
    spec = load_adam_spec(name)
    lines = [
        f"## {spec.name}: {spec.label}",
        "",
        f"`specs/adam/{spec.name.lower()}.yaml`, {spec.structure.lower()}.",
        "",
        "| # | derivation | arguments | makes |",
        "|---|---|---|---|",
    ]
    for number, step in enumerate(derivation_steps(spec), start=1):
        name_cell = f"[{step.derivation.name}](#{step.derivation.name})"
        lines.append(f"| {number} | {name_cell} | {_arguments(step)} | {_cell(_makes(spec, step))} |")
    return [*lines, ""]


def _rule(derivation: Derivation) -> str:
    doc = inspect.getdoc(derivation.function) or ""
    return _cell(doc.split("\n\n")[0])


def _arguments_of(derivation: Derivation) -> str:
    fields = derivation.args.model_fields
    if not fields:
        return "none"
    return ", ".join(f"`{name}`" + ("" if field.is_required() else " (optional)") for name, field in fields.items())


def _registered_section() -> list[str]:
    lines = [
        "## Registered derivations",
        "",
        "Kind `start` makes the records the dataset starts from (the first step, and only it); `parameter` makes",
        "the records of one PARAMCD (`paramcd`), stacked by `derive_vars_params`; `variables` adds variables.",
        "",
    ]
    for module in STEP_MODULES:
        found = [item for item in DERIVATIONS.values() if item.function.__module__ == module.__name__]
        lines += [f"### `{module.__name__}`", ""]
        for derivation in found:
            reads = f"; reads the `{derivation.reads}` section" if derivation.reads else ""
            reads += f"; needs the records of {', '.join(derivation.needs)}" if derivation.needs else ""
            lines += [
                f'<a id="{derivation.name}"></a>**{derivation.name}** ({derivation.kind}; arguments: '
                f"{_arguments_of(derivation)}{reads}). {_rule(derivation)}",
                "",
            ]
    return lines


def render() -> str:
    """The whole page."""
    lines = [
        "# ADaM derivations",
        "",
        "Generated from the dataset specs (`specs/adam/*.yaml`) and the derivation registry (`cdiscmm.adam.registry`)",
        "by `make docs` (`python -m tools.build_docs`); `tests/test_docs.py` fails when this page drifts. Each",
        "dataset is built by running the steps of its spec's `derivations:` in order",
        "(`cdiscmm.adam.build.build_dataset`); the loader checks that every step is registered, that the variable or",
        "parameter it names has the section it reads, and that the steps make every declared variable and parameter",
        "and nothing undeclared (a SpecError naming file, line and variable, exit 2).",
        "",
    ]
    for name in ADAM_DATASETS:
        lines += _dataset_section(name)
    lines += _registered_section()
    return "\n".join(lines).rstrip("\n") + "\n"
