"""Every ADaM dataset is bound to its derivations by its spec: the YAML names each derivation (and each parameter's),
a wrong name, a missing section, a variable made but not declared or declared but not made is a SpecError naming
file, line and variable (exit 2), never an assertion."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cdiscmm.adam.binding import derivation_steps
from cdiscmm.adam.build import ADAM_DATASETS, build_dataset
from cdiscmm.adam.registry import DERIVATIONS
from cdiscmm.adam.spec import load_adam_spec
from cdiscmm.core.errors import EXIT_BAD_INPUT, SpecError
from cdiscmm.core.paths import specs_dir


def _spec_with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    bundled = (specs_dir() / "adam" / f"{name.lower()}.yaml").read_text(encoding="utf-8")
    assert old in bundled, old
    (tmp_path / f"{name.lower()}.yaml").write_text(bundled.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


@pytest.mark.parametrize("name", ADAM_DATASETS)
def test_every_step_of_a_bundled_spec_is_registered_and_makes_each_variable_and_parameter(name: str) -> None:
    spec = load_adam_spec(name)
    steps = derivation_steps(spec)
    assert steps[0].derivation.kind == "start" and all(step.derivation.kind != "start" for step in steps[1:])
    made = {variable for step in steps for variable in step.derivation.produces(spec, step.args)}
    assert made == {variable.name for variable in spec.variables}
    codes = [step.args.parameter_code() for step in steps if step.derivation.kind == "parameter"]
    assert sorted(codes) == sorted(parameter.paramcd for parameter in spec.parameters)


def test_adsl_steps_run_in_spec_order() -> None:
    names = [step.derivation.name for step in derivation_steps(load_adam_spec("ADSL"))]
    assert names[:4] == ["start_from_dm", "derive_vars_predecessor", "derive_var_lookup", "derive_vars_cat"]


#: The whole derivations section of specs/adam/adtte.yaml.
ADTTE_DERIVATIONS = (
    "derivations:\n"
    "  - start_from_adsl: {}\n"
    "  - derive_param_tte: {paramcd: PFS}\n"
    "  - derive_param_tte: {paramcd: OS}\n"
    "  - derive_param_tte: {paramcd: DOR}\n"
    "  - derive_param_tte: {paramcd: TTR}\n"
    "  - derive_param_tte: {paramcd: TTCR}\n"
    "  - derive_param_tte: {paramcd: TTNT}\n"
    "  - derive_vars_params: {variables: [PARAM, PARAMN]}\n"
    "  - derive_vars_merged_adsl: {}\n"
    "  - arrange: {by: [USUBJID, PARAMN]}\n"
)
#: (dataset, text of the bundled spec, its replacement, the message, text of the line the error names; "": line 1)
BROKEN: tuple[tuple[str, str, str, str, str], ...] = (
    # a misspelled derivation, one per dataset kind
    ("ADSL", "derive_var_trtdurd: {}", "derive_var_trtdur: {}", "unknown derivation 'derive_var_trtdur'", "trtdur:"),
    ("ADAE", "derive_var_sadrfl: {}", "derive_var_sadrf: {}", "unknown derivation 'derive_var_sadrf'", "sadrf:"),
    ("ADRS", "derive_param_bor: {", "derive_param_bro: {", "unknown derivation 'derive_param_bro'", "_bro:"),
    ("ADTTE", "derive_param_tte: {paramcd: OS}", "derive_param_ttr: {paramcd: OS}", "'derive_param_ttr'", "_ttr:"),
    ("ADQS", "derive_var_chg: {}", "derive_var_chng: {}", "unknown derivation 'derive_var_chng'", "chng:"),
    # a missing section: a variable's rule, a parameter's rule, the derivations list itself
    (
        "ADSL",
        "    extreme:\n      mode: first\n      required: true\n      sources: [{dataset: DM, dates: [RFICDTC]}]\n",
        "",
        "RFICDT: derivation derive_var_extreme_dt reads its 'extreme' section, which the variable lacks",
        "name: RFICDT",
    ),
    (
        "ADQS",
        "    score: {qscat: EQ-5D-5L, kind: item, items: [EQ5D0206]}\n",
        "",
        "EQ5D0206: derivation derive_param_item reads its 'score' section, which the parameter lacks",
        "- paramcd: EQ5D0206",
    ),
    (
        "ADRS",
        "    where: {RSTESTCD: OVRLRESP,",
        "    wher: {RSTESTCD: OVRLRESP,",
        "wher: unknown key",
        "wher:",
    ),
    ("ADTTE", ADTTE_DERIVATIONS, "", "ADTTE spec lists no derivations", ""),
    # a variable made but not declared
    (
        "ADAE",
        "  - {name: ADURU, origin: Assigned, method: \"'DAYS' when ADURN is present.\"}\n",
        "",
        "ADURU, made by derive_vars_duration, is not a variable of ADAE",
        "derive_vars_duration",
    ),
    (
        "ADRS",
        "  - {name: SRCVAR, origin: Assigned, method: \"'RSSTRESC' for OVR records; "
        'missing for derived parameters."}\n',
        "",
        "SRCVAR, made by derive_param_ovr, is not a variable of ADRS",
        "derive_param_ovr",
    ),
    # a variable or parameter declared but not made
    ("ADSL", "  - derive_var_tcrfl: {variable: TCRFL}\n", "", "TCRFL: no step of 'derivations' makes", "name: TCRFL"),
    ("ADQS", "  - derive_var_pchg: {}\n", "", "PCHG: no step of 'derivations' makes this variable", "name: PCHG"),
    (
        "ADTTE",
        "  - derive_param_tte: {paramcd: TTNT}\n",
        "",
        "TTNT: no step of 'derivations' makes this parameter",
        "paramcd: TTNT",
    ),
    # a step that names a parameter or variable the spec does not have, or comes out of order
    ("ADRS", "{paramcd: CRRSP,", "{paramcd: CRRSPX,", "makes parameter CRRSPX, not a parameter of ADRS", "CRRSPX"),
    ("ADQS", "derive_var_dy: {}", "derive_var_dy: {variable: QSDY}", "names QSDY, not a variable of ADQS", "QSDY"),
    ("ADTTE", "  - start_from_adsl: {}\n", "", "the first step makes the records, not derive_param_tte", "PFS}"),
    (
        "ADRS",
        "  - derive_param_confirmed_response: {paramcd: COVR}\n  - derive_param_bor: {paramcd: BOR}\n",
        "  - derive_param_bor: {paramcd: BOR}\n",
        "derive_param_cbor reads the records of COVR, which no earlier step makes",
        "derive_param_cbor",
    ),
)


@pytest.mark.parametrize(("name", "old", "new", "message", "line"), BROKEN, ids=lambda value: str(value)[:24])
def test_a_broken_spec_is_a_spec_error_naming_file_line_and_variable(
    tmp_path: Path, name: str, old: str, new: str, message: str, line: str
) -> None:
    folder = _spec_with(tmp_path, name, old, new)
    path = folder / f"{name.lower()}.yaml"
    with pytest.raises(SpecError) as raised:
        load_adam_spec(name, folder)
    assert message in str(raised.value)
    assert raised.value.exit_code == EXIT_BAD_INPUT
    assert raised.value.location.file == str(path)
    assert raised.value.location.line == (_line_of(path, line) if line else 1)


def test_misspelled_derivation_lists_the_registered_names(tmp_path: Path) -> None:
    folder = _spec_with(tmp_path, "ADSL", "derive_var_trtdurd: {}", "derive_var_trtdur: {}")
    with pytest.raises(SpecError) as raised:
        load_adam_spec("ADSL", folder)
    message = str(raised.value)
    assert message.startswith(f"{folder / 'adsl.yaml'}:{_line_of(folder / 'adsl.yaml', 'derive_var_trtdur:')}:")
    assert "derive_var_trtdurd" in message and "derive_param_tte" in message


def test_wrong_argument_and_unknown_variable_name_the_step_line(tmp_path: Path) -> None:
    folder = _spec_with(
        tmp_path, "ADSL", "derive_var_extreme_dt: {variable: INFDT}", "derive_var_extreme_dt: {variabel: INFDT}"
    )
    with pytest.raises(SpecError, match=re.escape("derive_var_extreme_dt.variable: required key is missing")) as raised:
        load_adam_spec("ADSL", folder)
    assert "unknown key 'variabel'; expected one of: variable" in raised.value.details[0]
    assert raised.value.location.line == _line_of(folder / "adsl.yaml", "variabel: INFDT")
    folder = _spec_with(tmp_path, "ADRS", "{paramcd: RSP, categories: [sCR,", "{paramcd: RSP, categories: [sCX,")
    with pytest.raises(SpecError, match=re.escape("derive_param_response.categories.0")) as raised:
        load_adam_spec("ADRS", folder)
    assert raised.value.location.line == _line_of(folder / "adrs.yaml", "sCX")


def test_a_spec_without_derivations_does_not_build() -> None:
    spec = load_adam_spec("ADSL").model_copy(update={"derivations": []})
    with pytest.raises(SpecError, match="ADSL spec lists no derivations"):
        build_dataset("ADSL", {}, {}, spec)


def test_registry_holds_functions_by_their_yaml_names_with_a_rule() -> None:
    assert all(name == found.function.__name__ and found.doc for name, found in DERIVATIONS.items())
