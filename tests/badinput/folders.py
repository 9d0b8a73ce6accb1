"""Bad SDTM folders (the ADaM stage's input) and bad command lines."""

from __future__ import annotations

import errno
from collections.abc import Callable

import pandas as pd
import pyreadstat

from tests.badinput.env import STUDY, Case, Env, run_adam


def _rewrite_xpt(env: Env, name: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    path = env.sdtm / f"{name}.xpt"
    frame, _ = pyreadstat.read_xport(str(path))
    pyreadstat.write_xport(change(frame), str(path), table_name=name.upper(), file_format_version=5)


def _not_writable(env: Env) -> list[str]:
    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError(errno.EACCES, "Permission denied")

    env.monkeypatch.setattr("cdiscmm.core.outputs.tempfile.mkdtemp", refuse)
    return env.sdtm_args()


FOLDERS: tuple[Case, ...] = (
    # --- SDTM / ADaM folders --------------------------------------------------------------------------------
    Case(
        "sdtm-missing-dm",
        "SDTM folder",
        "no dm.xpt in the SDTM folder",
        run_adam(lambda env: (env.sdtm / "dm.xpt").unlink()),
        (r"<tmp>/sdtm: SDTM dataset DM is missing; expected dm\.xpt",),
    ),
    Case(
        "sdtm-truncated-xpt",
        "SDTM folder",
        "ae.xpt cut short (size not a multiple of 80 bytes)",
        run_adam(lambda env: (env.sdtm / "ae.xpt").write_bytes((env.sdtm / "ae.xpt").read_bytes()[:-37])),
        (r"<tmp>/sdtm/ae\.xpt: not a valid SAS XPORT v5 file: XPT001 file size \d+ is not a whole number",),
    ),
    Case(
        "sdtm-truncated-headers",
        "SDTM folder",
        "dm.xpt cut inside its headers",
        run_adam(lambda env: (env.sdtm / "dm.xpt").write_bytes((env.sdtm / "dm.xpt").read_bytes()[:400])),
        (r"<tmp>/sdtm/dm\.xpt: not a valid SAS XPORT v5 file: XPT001 file ends inside its header records",),
    ),
    Case(
        "sdtm-not-xpt",
        "SDTM folder",
        "a CSV file named dm.xpt",
        run_adam(lambda env: (env.sdtm / "dm.xpt").write_text("STUDYID,USUBJID\nS,1\n")),
        (r"<tmp>/sdtm/dm\.xpt: not a valid SAS XPORT v5 file: XPT002 not a SAS XPORT file \(no library header",),
    ),
    Case(
        "sdtm-empty-xpt",
        "SDTM folder",
        "a 0-byte ae.xpt",
        run_adam(lambda env: (env.sdtm / "ae.xpt").write_bytes(b"")),
        (r"<tmp>/sdtm/ae\.xpt: .*empty",),
    ),
    Case(
        "sdtm-missing-variable",
        "SDTM folder",
        "DM without RFSTDTC (required for ADSL)",
        run_adam(lambda env: _rewrite_xpt(env, "dm", lambda frame: frame.drop(columns="RFSTDTC"))),
        (r"<tmp>/sdtm/dm\.xpt, field RFSTDTC: SDTM DM has no variable RFSTDTC",),
    ),
    Case(
        "sdtm-two-studyids",
        "SDTM folder",
        "DM holding two STUDYIDs",
        run_adam(
            lambda env: _rewrite_xpt(env, "dm", lambda frame: frame.assign(STUDYID=["A", *["B"] * (len(frame) - 1)]))
        ),
        (r"<tmp>/sdtm, field STUDYID: DM must hold exactly one STUDYID",),
    ),
    Case(
        "sdtm-no-xpt",
        "SDTM folder",
        "an SDTM folder without .xpt files",
        lambda env: ["adam", "--sdtm", str(env.raw), "--out", str(env.out), "-q"],
        (r"<tmp>/raw: no \.xpt files in the SDTM folder",),
    ),
    Case(
        "sdtm-wrong-study",
        "SDTM folder",
        "--study names another study than DM's STUDYID",
        lambda env: env.adam_args("--study", "ISA-OBS-RRMM"),
        (r"<tmp>/sdtm, field STUDYID: DM STUDYID is ELRA-JP-PMS, not ISA-OBS-RRMM",),
    ),
    # --- command line ---------------------------------------------------------------------------------------
    Case(
        "cli-out-is-file",
        "command line",
        "--out names a file",
        lambda env: (env.out.write_text("x"), env.sdtm_args())[1],
        (r"<tmp>/out, field --out: exists and is not a folder",),
    ),
    Case(
        "cli-out-not-writable",
        "command line",
        "--out in a folder the user cannot write",
        _not_writable,
        (r"<tmp>/out/ELRA-JP-PMS, field --out: cannot write in the output folder \(permission denied\)",),
    ),
    Case(
        "cli-unknown-study",
        "command line",
        "--study names no study",
        lambda env: ["sdtm", "--study", "NOPE", "--mappings", str(env.mappings), "--out", str(env.out), "-q"],
        (r"field --study: unknown study NOPE .*; expected one of .*ELRA-JP-PMS",),
    ),
    Case(
        "cli-raw-two-studies",
        "command line",
        "--raw with two --study",
        lambda env: env.sdtm_args("--study", "ISA-OBS-RRMM"),
        (r"field --raw: --raw takes exactly one --study",),
    ),
    Case(
        "cli-sdtm-two-studies",
        "command line",
        "--sdtm with two --study",
        lambda env: env.adam_args("--study", "A", "--study", "B"),
        (r"field --study: --sdtm takes at most one --study",),
    ),
    Case(
        "cli-generate-out-no-study",
        "command line",
        "raw generate --out without --study",
        lambda env: ["raw", "generate", "--out", str(env.root / "gen"), "-q"],
        (r"field --study: generate --out DIR writes one study into DIR",),
    ),
    Case(
        "cli-subjects-zero",
        "command line",
        "raw generate --subjects 0",
        lambda env: ["raw", "generate", "--study", STUDY, "--subjects", "0", "--out", str(env.root / "gen")],
        (r"argument --subjects: 0 is below the minimum 1",),
    ),
    Case(
        "cli-unknown-option",
        "command line",
        "an option the stage does not take",
        lambda env: ["sdtm", "--study", STUDY, "--frobnicate"],
        (r"unrecognized arguments: --frobnicate",),
    ),
    Case(
        "cli-missing-raw-folder",
        "command line",
        "no raw folder for the study under --out",
        lambda env: ["sdtm", "--study", STUDY, "--out", str(env.out), "-q"],
        (r"<tmp>/out/ELRA-JP-PMS/raw, field --out: raw folder not found",),
    ),
)
