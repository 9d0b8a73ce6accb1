"""ADSL derivations bound from the spec: the YAML names each derivation, a wrong name or section is a SpecError
naming file, line and variable (exit 2), never an assertion."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cdiscmm.adam.adsl import build_adsl
from cdiscmm.adam.registry import DERIVATIONS
from cdiscmm.adam.spec import derivation_steps, load_adam_spec
from cdiscmm.core.errors import EXIT_BAD_INPUT, SpecError
from cdiscmm.core.paths import specs_dir

BUNDLED = (specs_dir() / "adam" / "adsl.yaml").read_text(encoding="utf-8")


def _spec_with(tmp_path: Path, old: str, new: str) -> Path:
    assert old in BUNDLED, old
    (tmp_path / "adsl.yaml").write_text(BUNDLED.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def test_every_step_of_the_bundled_spec_is_registered_and_every_variable_made() -> None:
    spec = load_adam_spec("ADSL")
    steps = derivation_steps(spec)
    assert [step.derivation.name for step in steps][:3] == [
        "derive_vars_predecessor",
        "derive_var_lookup",
        "derive_vars_cat",
    ]
    made = [name for step in steps for name in step.derivation.produces(spec, step.args)]
    assert sorted(made) == sorted(variable.name for variable in spec.variables)


def test_misspelled_derivation_names_file_line_and_the_registered_names(tmp_path: Path) -> None:
    folder = _spec_with(tmp_path, "derive_var_trtdurd: {}", "derive_var_trtdur: {}")
    with pytest.raises(SpecError) as raised:
        load_adam_spec("ADSL", folder)
    message = str(raised.value)
    assert message.startswith(f"{folder / 'adsl.yaml'}:{_line_of(folder / 'adsl.yaml', 'derive_var_trtdur:')}:")
    assert "unknown derivation 'derive_var_trtdur'" in message and "derive_var_trtdurd" in message
    assert raised.value.exit_code == EXIT_BAD_INPUT


def test_missing_section_names_the_variable_and_its_line(tmp_path: Path) -> None:
    folder = _spec_with(
        tmp_path,
        "    method: Date part of DM.RFICDTC when it is a complete date.\n    extreme:\n      mode: first\n"
        "      required: true\n      sources: [{dataset: DM, dates: [RFICDTC]}]\n",
        "    method: Date part of DM.RFICDTC when it is a complete date.\n",
    )
    with pytest.raises(
        SpecError, match=r"RFICDT: derivation derive_var_extreme_dt reads its 'extreme' section"
    ) as raised:
        load_adam_spec("ADSL", folder)
    assert raised.value.location.line == _line_of(folder / "adsl.yaml", "name: RFICDT")
    assert raised.value.location.field == "RFICDT"


def test_a_variable_no_step_makes_is_named(tmp_path: Path) -> None:
    folder = _spec_with(tmp_path, "  - derive_var_tcrfl: {variable: TCRFL}\n", "")
    with pytest.raises(SpecError, match="TCRFL: no step of 'derivations' makes this variable") as raised:
        load_adam_spec("ADSL", folder)
    assert raised.value.location.line == _line_of(folder / "adsl.yaml", "name: TCRFL")


def test_wrong_argument_and_unknown_variable_name_the_step_line(tmp_path: Path) -> None:
    folder = _spec_with(
        tmp_path, "derive_var_extreme_dt: {variable: INFDT}", "derive_var_extreme_dt: {variabel: INFDT}"
    )
    with pytest.raises(SpecError, match=re.escape("derive_var_extreme_dt.variable: required key is missing")) as raised:
        load_adam_spec("ADSL", folder)
    assert "unknown key 'variabel'; expected one of: variable" in raised.value.details[0]
    assert raised.value.location.line == _line_of(folder / "adsl.yaml", "variabel: INFDT")
    folder = _spec_with(
        tmp_path, "derive_var_extreme_dt: {variable: INFDT}", "derive_var_extreme_dt: {variable: INFDX}"
    )
    with pytest.raises(SpecError, match="derive_var_extreme_dt names INFDX, not a variable of ADSL"):
        load_adam_spec("ADSL", folder)


def test_a_spec_without_derivations_does_not_build_adsl() -> None:
    spec = load_adam_spec("ADSL").model_copy(update={"derivations": []})
    with pytest.raises(SpecError, match="ADSL spec lists no derivations"):
        build_adsl({}, spec)


def test_registry_holds_functions_by_their_yaml_names() -> None:
    assert all(name == found.function.__name__ for name, found in DERIVATIONS.items())
