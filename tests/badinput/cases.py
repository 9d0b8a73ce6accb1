"""The bad-input catalogue (issue #9 item 3): every case must end with exit 2 and one line naming the place.

Each case edits a fresh copy of a tiny study (:class:`~tests.badinput.env.Env`) and returns the command line;
``expect`` are regular expressions the one error line must match (with the sandbox folder shown as ``<tmp>``).
``docs/bad-inputs.md`` is rendered from this table (``python -m tests.badinput.cases > docs/bad-inputs.md``) and
a test keeps it equal.
"""

from __future__ import annotations

from tests.badinput.adam_specs import ADAM_SPECS
from tests.badinput.collected import COLLECTED
from tests.badinput.env import Case
from tests.badinput.folders import FOLDERS
from tests.badinput.specs import SPECS

CASES: tuple[Case, ...] = (*COLLECTED, *SPECS, *FOLDERS, *ADAM_SPECS)


def render() -> str:
    """docs/bad-inputs.md: the catalogue as a table per group."""
    lines = [
        "# Bad inputs the tool refuses with exit 2 and one line",
        "",
        "Generated from `tests/badinput/cases.py` (`python -m tests.badinput.cases > docs/bad-inputs.md`); a test",
        "keeps this page equal to the table. Every case runs `cdiscmm.cli.main` on a copy of a tiny study with one",
        "thing broken, and must end with exit 2 (never 3, never a traceback) and exactly one error line on stderr that",
        "names the file, the line or row and the field. The message patterns show the sandbox folder as `<tmp>`.",
        f"{len(CASES)} cases.",
    ]
    for group in dict.fromkeys(case.group for case in CASES):
        lines += ["", f"## {group}", "", "| case | bad input | the message matches |", "|---|---|---|"]
        for case in (case for case in CASES if case.group == group):
            pattern = " ".join(f"`{expect}`" for expect in case.expect).replace("|", "\\|")
            lines.append(f"| {case.id} | {case.what} | {pattern} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
