"""Bad ADaM dataset specs (``specs/adam/<name>.yaml``), one per dataset kind: the bundled specs copied into the
sandbox, one edited, and the ADaM stage run with the copies in place of the bundled ones."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path

from cdiscmm.adam import spec as adam_spec
from cdiscmm.core.paths import specs_dir
from tests.badinput.env import Case, Env


def run_adam_spec(name: str, old: str, new: str) -> Callable[[Env], list[str]]:
    """Copy the ADaM specs into the sandbox, replace ``old`` by ``new`` in ``<name>.yaml``, run the ADaM stage on
    them (the loader's cache is a fresh one for the run, so no edited spec outlives the case)."""

    def make(env: Env) -> list[str]:
        root = env.root / "specs"
        shutil.copytree(specs_dir() / "adam", root / "adam")
        env.edit(root / "adam" / f"{name}.yaml", old, new)
        env.monkeypatch.setattr(adam_spec, "specs_dir", lambda: root)
        env.monkeypatch.setattr(adam_spec, "_load_bundled", cache(lambda dataset: adam_spec._load(_path(dataset))))
        return env.adam_args()

    return make


def _path(dataset: str) -> Path:
    return adam_spec.spec_path(dataset)


SRCVAR = (
    "  - {name: SRCVAR, origin: Assigned, method: \"'RSSTRESC' for OVR records; missing for derived parameters.\"}\n"
)

ADAM_SPECS: tuple[Case, ...] = (
    Case(
        "adam-unknown-derivation",
        "ADaM spec",
        "ADAE names a derivation that is not registered (misspelled)",
        run_adam_spec("adae", "derive_var_sadrfl: {}", "derive_var_sadrf: {}"),
        (r"<tmp>/specs/adam/adae\.yaml:\d+: derivations: unknown derivation 'derive_var_sadrf'; expected one of: ",),
    ),
    Case(
        "adam-missing-section",
        "ADaM spec",
        "an ADSL variable without the rule section its derivation reads",
        run_adam_spec(
            "adsl",
            "    extreme:\n      mode: first\n      required: true\n      sources: [{dataset: DM, dates: [RFICDTC]}]\n",
            "",
        ),
        (r"<tmp>/specs/adam/adsl\.yaml:\d+, field RFICDT: .*derive_var_extreme_dt reads its 'extreme'",),
    ),
    Case(
        "adam-missing-parameter-section",
        "ADaM spec",
        "an ADQS parameter without the score section its derivation reads",
        run_adam_spec("adqs", "    score: {qscat: EQ-5D-5L, kind: item, items: [EQ5D0206]}\n", ""),
        (r"<tmp>/specs/adam/adqs\.yaml:\d+, field EQ5D0206: EQ5D0206: derivation derive_param_item reads its 'score'",),
    ),
    Case(
        "adam-undeclared-variable",
        "ADaM spec",
        "ADRS makes SRCVAR but the spec does not declare it",
        run_adam_spec("adrs", SRCVAR, ""),
        (r"<tmp>/specs/adam/adrs\.yaml:\d+: derivations: SRCVAR, made by derive_param_ovr, is not a variable of ADRS",),
    ),
    Case(
        "adam-unmade-parameter",
        "ADaM spec",
        "ADTTE declares TTNT but no step makes it",
        run_adam_spec("adtte", "  - derive_param_tte: {paramcd: TTNT}\n", ""),
        (r"<tmp>/specs/adam/adtte\.yaml:\d+, field TTNT: TTNT: no step of 'derivations' makes this parameter",),
    ),
    Case(
        "adam-unmade-variable",
        "ADaM spec",
        "ADQS declares PCHG but no step makes it",
        run_adam_spec("adqs", "  - derive_var_pchg: {}\n", ""),
        (r"<tmp>/specs/adam/adqs\.yaml:\d+, field PCHG: PCHG: no step of 'derivations' makes this variable",),
    ),
)
