"""The bad-input catalogue (issue #9 item 3): every case must end with exit 2 and one line naming the place.

Each case edits a fresh copy of a tiny study (:class:`Env`) and returns the command line; ``expect`` are regular
expressions the one error line must match (with the sandbox folder shown as ``<tmp>``). ``docs/bad-inputs.md``
is rendered from this table (``python -m tests.badinput.cases > docs/bad-inputs.md``) and a test keeps it equal.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pyreadstat

from tests.badinput.env import STUDY, Env


@dataclass(frozen=True)
class Case:
    """One bad input: its group, what is wrong, how to make it, and what the message must name."""

    id: str
    group: str
    what: str
    make: Callable[[Env], list[str]]
    expect: tuple[str, ...]


def _csv(edit: Callable[[Env], None]) -> Callable[[Env], list[str]]:
    def make(env: Env) -> list[str]:
        edit(env)
        return env.sdtm_args()

    return make


def _yaml(edit: Callable[[Env], None]) -> Callable[[Env], list[str]]:
    return _csv(edit)


def _adam(edit: Callable[[Env], None]) -> Callable[[Env], list[str]]:
    def make(env: Env) -> list[str]:
        edit(env)
        return env.adam_args()

    return make


def _ae_line(env: Env, number: int, change: Callable[[bytes], bytes]) -> None:
    path = env.raw / "ae.csv"
    env.set_line(path, number, change(env.line(path, number)))


def _rewrite_xpt(env: Env, name: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    path = env.sdtm / f"{name}.xpt"
    frame, _ = pyreadstat.read_xport(str(path))
    pyreadstat.write_xport(change(frame), str(path), table_name=name.upper(), file_format_version=5)


def _not_writable(env: Env) -> list[str]:
    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError(errno.EACCES, "Permission denied")

    env.monkeypatch.setattr("cdiscmm.core.outputs.tempfile.mkdtemp", refuse)
    return env.sdtm_args()


SHARED_AE = "shared/ae.yaml"
AE_SER = "AESER: {assign_ct: {field: AESER, codelist: C66742}}"

CASES: tuple[Case, ...] = (
    # --- collected CSVs -------------------------------------------------------------------------------------
    Case(
        "csv-not-utf8",
        "collected CSV",
        "Japanese text in CP932 bytes while the study declares UTF-8",
        _csv(lambda env: _ae_line(env, 2, lambda line: line.decode().encode("cp932"))),
        (r"<tmp>/raw/ae\.csv:2:\d+, field AETERM: byte 0x[0-9A-F]{2} does not decode as utf-8",),
    ),
    Case(
        "csv-declared-encoding-wrong",
        "collected CSV",
        "study.yaml declares gb18030, the export is UTF-8",
        _csv(lambda env: env.edit(env.study / "study.yaml", "language: ja", "language: ja\nencoding: gb18030")),
        (r"<tmp>/raw/\w+\.csv:\d+:\d+, field \w+: byte 0x[0-9A-F]{2} does not decode as gb18030",),
    ),
    Case(
        "csv-empty-file",
        "collected CSV",
        "a form of 0 bytes",
        _csv(lambda env: (env.raw / "ae.csv").write_bytes(b"")),
        (r"<tmp>/raw/ae\.csv: file is empty \(0 bytes\)",),
    ),
    Case(
        "csv-first-line-empty",
        "collected CSV",
        "the header line is empty",
        _csv(lambda env: (env.raw / "ae.csv").write_bytes(b"\n" + (env.raw / "ae.csv").read_bytes())),
        (r"<tmp>/raw/ae\.csv:1: the first line is empty",),
    ),
    Case(
        "csv-ragged-short",
        "collected CSV",
        "a row with one field too few",
        _csv(lambda env: _ae_line(env, 3, lambda line: line.rsplit(b",", 1)[0])),
        (r"<tmp>/raw/ae\.csv:3, row 2, field AESPM: row has 23 fields, the header has 24",),
    ),
    Case(
        "csv-ragged-long",
        "collected CSV",
        "a row with one field too many",
        _csv(lambda env: _ae_line(env, 5, lambda line: line + b",extra")),
        (r"<tmp>/raw/ae\.csv:5, row 4: row has 25 fields, the header has 24",),
    ),
    Case(
        "csv-unclosed-quote",
        "collected CSV",
        "an unclosed quote in ae.csv row 3 (the parser would swallow the rest of the file)",
        _csv(lambda env: _ae_line(env, 4, lambda line: line.replace(b",J001", b',"J001', 1))),
        (r"<tmp>/raw/ae\.csv:4:\d+, field SITEID: quote not closed on its line: .* join the next \d+ line",),
    ),
    Case(
        "csv-embedded-newline",
        "collected CSV",
        "a line break inside a quoted field",
        _csv(lambda env: _ae_line(env, 2, lambda line: line.replace(b",Anaemia,", b',"Anae\nmia",', 1))),
        (r"<tmp>/raw/ae\.csv:2:\d+, field AETERM_EN: quote not closed on its line: .* join the next 1 line",),
    ),
    Case(
        "csv-blank-line",
        "collected CSV",
        "a blank line between records",
        _csv(lambda env: _ae_line(env, 3, lambda line: b"\n" + line)),
        (r"<tmp>/raw/ae\.csv:3: blank line between records",),
    ),
    Case(
        "csv-lone-cr",
        "collected CSV",
        "a carriage return without line feed inside a record",
        _csv(lambda env: _ae_line(env, 2, lambda line: line.replace(b",Anaemia,", b",Anae\rmia,", 1))),
        (r"<tmp>/raw/ae\.csv:2:\d+: carriage return without line feed",),
    ),
    Case(
        "csv-nul-byte",
        "collected CSV",
        "a NUL byte in a field",
        _csv(lambda env: _ae_line(env, 2, lambda line: line.replace(b",Anaemia,", b",Anae\x00mia,", 1))),
        (r"<tmp>/raw/ae\.csv:2:\d+, field AETERM_EN: NUL byte",),
    ),
    Case(
        "csv-utf16",
        "collected CSV",
        "a form saved as UTF-16 (with byte-order mark)",
        _csv(lambda env: (env.raw / "ae.csv").write_bytes((env.raw / "ae.csv").read_text().encode("utf-16"))),
        (r"<tmp>/raw/ae\.csv:1:1: file starts with a UTF-16 byte-order mark",),
    ),
    Case(
        "csv-bom-other-encoding",
        "collected CSV",
        "a UTF-8 byte-order mark in a study that declares cp932",
        _csv(
            lambda env: (
                env.edit(env.study / "study.yaml", "language: ja", "language: ja\nencoding: cp932"),
                (env.raw / "data_dictionary.csv").write_bytes(b"\xef\xbb\xbf" + b"FORM,FIELD\n"),
            )
        ),
        (r"<tmp>/raw/data_dictionary\.csv:1:1: file starts with a UTF-8 byte-order mark",),
    ),
    Case(
        "csv-missing-column",
        "collected CSV",
        "a field of the data dictionary missing from the form",
        _csv(
            lambda env: env.edit(env.raw / "ae.csv", "STUDYID,SITEID,SUBJID,AESPID,", "STUDYID,SITEID,SUBJID,AESPIX,")
        ),
        (r"<tmp>/raw/ae\.csv:1, field AESPID: column missing",),
    ),
    Case(
        "csv-duplicate-header",
        "collected CSV",
        "a column named twice in the header",
        _csv(lambda env: env.edit(env.raw / "ae.csv", ",AESPM\n", ",AETERM\n")),
        (r"<tmp>/raw/ae\.csv:1, field AETERM: column AETERM appears twice in the header",),
    ),
    Case(
        "csv-header-no-name",
        "collected CSV",
        "a header column without a name",
        _csv(lambda env: env.edit(env.raw / "ae.csv", ",AESPM\n", ",\n")),
        (r"<tmp>/raw/ae\.csv:1: header column 24 has no name",),
    ),
    Case(
        "csv-form-not-in-dictionary",
        "collected CSV",
        "a form file the data dictionary does not describe",
        _csv(lambda env: (env.raw / "xx.csv").write_text("SUBJID\n1\n")),
        (r"<tmp>/raw/data_dictionary\.csv, field FORM: form xx is not in data_dictionary\.csv",),
    ),
    Case(
        "csv-dictionary-missing",
        "collected CSV",
        "no data_dictionary.csv in the export",
        _csv(lambda env: (env.raw / "data_dictionary.csv").unlink()),
        (r"<tmp>/raw/data_dictionary\.csv: file not found",),
    ),
    Case(
        "csv-dictionary-column",
        "collected CSV",
        "data_dictionary.csv without its FIELD column",
        _csv(lambda env: env.edit(env.raw / "data_dictionary.csv", "FORM,FIELD,", "FORM,FIELDNAME,")),
        (r"<tmp>/raw/data_dictionary\.csv:1, field FIELD: column missing",),
    ),
    Case(
        "csv-mapped-form-missing",
        "collected CSV",
        "a form the mappings read is not in the export",
        _csv(lambda env: (env.raw / "ae.csv").unlink()),
        (r"<tmp>/raw/ae\.csv: file not found",),
    ),
    Case(
        "csv-raw-is-a-file",
        "collected CSV",
        "--raw names a file, not the export folder",
        lambda env: env.sdtm_args("--raw", str(env.raw / "ae.csv")),
        (r"<tmp>/raw/ae\.csv, field --raw: raw folder not found",),
    ),
    # --- YAML mappings --------------------------------------------------------------------------------------
    Case(
        "yaml-duplicate-key",
        "YAML mapping",
        "a variable mapped twice in one mapping (duplicated key)",
        _yaml(lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, f"{AE_SER}\n      {AE_SER}")),
        (r"<tmp>/mappings/shared/ae\.yaml:33, field sources\.0\.variables\.AESER: duplicated key \(first .* 32\)",),
    ),
    Case(
        "yaml-unknown-verb",
        "YAML mapping",
        "a verb the mapping language does not have",
        _yaml(lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, AE_SER.replace("assign_ct", "asign_ct"))),
        (r"<tmp>/mappings/shared/ae\.yaml:32: .*AESER.*asign_ct",),
    ),
    Case(
        "yaml-unknown-codelist",
        "YAML mapping",
        "a codelist id that is not in SDTM CT or the sponsor codelists",
        _yaml(lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, AE_SER.replace("C66742", "C99999"))),
        (r"<tmp>/mappings/shared/ae\.yaml:32, field AESER: .*C99999",),
    ),
    Case(
        "yaml-wrong-type",
        "YAML mapping",
        "a list where the verb takes a field name",
        _yaml(lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, AE_SER.replace("field: AESER", "field: [AESER]"))),
        (r"<tmp>/mappings/shared/ae\.yaml:32: .*AESER.*field",),
    ),
    Case(
        "yaml-unknown-key",
        "YAML mapping",
        "a key the mapping schema does not allow",
        _yaml(lambda env: env.edit(env.mappings / SHARED_AE, "domain: AE\n", "domain: AE\ndomian_class: EVENTS\n")),
        (r"<tmp>/mappings/shared/ae\.yaml:9: domian_class: unknown key",),
    ),
    Case(
        "yaml-syntax",
        "YAML mapping",
        "YAML that does not parse (unbalanced brace)",
        _yaml(lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, AE_SER.rstrip("}"))),
        (r"<tmp>/mappings/shared/ae\.yaml:\d+: invalid YAML",),
    ),
    Case(
        "yaml-empty",
        "YAML mapping",
        "an empty mapping file",
        _yaml(lambda env: (env.study / "ae.yaml").write_text("")),
        (r"<tmp>/mappings/elra-jp-pms/ae\.yaml:1: file is empty",),
    ),
    Case(
        "yaml-not-utf8",
        "YAML mapping",
        "a mapping file saved in CP932",
        _yaml(lambda env: env.edit(env.study / "ae.yaml", "domain: AE", "# 有害事象\ndomain: AE", encoding="cp932")),
        (r"<tmp>/mappings/elra-jp-pms/ae\.yaml:\d+:\d+: not UTF-8 text \(byte 0x[0-9A-F]{2}\)",),
    ),
    Case(
        "yaml-domain-mismatch",
        "YAML mapping",
        "ae.yaml that says domain: CM",
        _yaml(lambda env: env.edit(env.mappings / SHARED_AE, "domain: AE\n", "domain: CM\n")),
        (r"<tmp>/mappings/shared/ae\.yaml:8: domain: CM in a file named ae\.yaml",),
    ),
    Case(
        "yaml-unknown-variable",
        "YAML mapping",
        "a target variable SDTMIG AE does not define",
        _yaml(lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, AE_SER.replace("AESER:", "AESERX:", 1))),
        (r"<tmp>/mappings/shared/ae\.yaml:32, field AESERX",),
    ),
    Case(
        "yaml-unknown-raw-field",
        "YAML mapping",
        "a verb reading a field the form does not have",
        _yaml(
            lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, AE_SER.replace("field: AESER", "field: AESERIOUS"))
        ),
        (r"ae\.csv, field AESERIOUS: form ae has no field AESERIOUS \(named by <tmp>/mappings/shared/ae\.yaml:32\)",),
    ),
    Case(
        "yaml-top-level-list",
        "YAML mapping",
        "a mapping file holding a list instead of a mapping",
        _yaml(lambda env: (env.study / "ae.yaml").write_text("- domain: AE\n")),
        (r"<tmp>/mappings/elra-jp-pms/ae\.yaml:1: .*",),
    ),
    # --- study.yaml -----------------------------------------------------------------------------------------
    Case(
        "study-bad-encoding",
        "study.yaml",
        "an encoding that is not an EDC export encoding",
        _yaml(lambda env: env.edit(env.study / "study.yaml", "language: ja", "language: ja\nencoding: latin-1")),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:9: encoding: .*'utf-8'.*'cp932'.*\(found 'latin-1'\)",),
    ),
    Case(
        "study-missing-key",
        "study.yaml",
        "no sponsor",
        _yaml(lambda env: env.edit(env.study / "study.yaml", "sponsor: Pfizer Japan Inc.\n", "")),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:\d+: sponsor: required key is missing",),
    ),
    Case(
        "study-bad-region",
        "study.yaml",
        "a region that is not PMDA, NMPA or FDA",
        _yaml(lambda env: env.edit(env.study / "study.yaml", "region: PMDA", "region: EMA")),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:7: region: .*PMDA.*(found 'EMA')",),
    ),
    Case(
        "study-duplicate-key",
        "study.yaml",
        "region given twice",
        _yaml(lambda env: env.edit(env.study / "study.yaml", "region: PMDA", "region: PMDA\nregion: FDA")),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:8, field region: duplicated key",),
    ),
    Case(
        "study-bad-studyid",
        "study.yaml",
        "a STUDYID with lower-case letters",
        _yaml(lambda env: env.edit(env.study / "study.yaml", f"studyid: {STUDY}", "studyid: elra-jp")),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:2: studyid: .*pattern",),
    ),
    Case(
        "study-arm-and-reason",
        "study.yaml",
        "both an arm and an arm null reason",
        _yaml(
            lambda env: env.edit(
                env.study / "study.yaml",
                "  arm_null_reason: NOT ASSIGNED",
                "  arm_null_reason: NOT ASSIGNED\n  arm: {armcd: A, arm: Drug A}",
            )
        ),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:\d+: design: .*exactly one of arm and arm_null_reason",),
    ),
    Case(
        "study-unknown-domain",
        "study.yaml",
        "domains lists a domain without a mapping file",
        _yaml(lambda env: env.edit(env.study / "study.yaml", "domains: [DM, AE,", "domains: [DM, AE, XX,")),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:\d+, field domains: no mapping file for XX",),
    ),
    # --- SDTM / ADaM folders --------------------------------------------------------------------------------
    Case(
        "sdtm-missing-dm",
        "SDTM folder",
        "no dm.xpt in the SDTM folder",
        _adam(lambda env: (env.sdtm / "dm.xpt").unlink()),
        (r"<tmp>/sdtm: SDTM dataset DM is missing; expected dm\.xpt",),
    ),
    Case(
        "sdtm-truncated-xpt",
        "SDTM folder",
        "ae.xpt cut short (size not a multiple of 80 bytes)",
        _adam(lambda env: (env.sdtm / "ae.xpt").write_bytes((env.sdtm / "ae.xpt").read_bytes()[:-37])),
        (r"<tmp>/sdtm/ae\.xpt: truncated SAS XPORT file",),
    ),
    Case(
        "sdtm-truncated-headers",
        "SDTM folder",
        "dm.xpt cut inside its headers",
        _adam(lambda env: (env.sdtm / "dm.xpt").write_bytes((env.sdtm / "dm.xpt").read_bytes()[:400])),
        (r"<tmp>/sdtm/dm\.xpt: truncated SAS XPORT file",),
    ),
    Case(
        "sdtm-not-xpt",
        "SDTM folder",
        "a CSV file named dm.xpt",
        _adam(lambda env: (env.sdtm / "dm.xpt").write_text("STUDYID,USUBJID\nS,1\n")),
        (r"<tmp>/sdtm/dm\.xpt: not a SAS XPORT file \(no library header record\)",),
    ),
    Case(
        "sdtm-empty-xpt",
        "SDTM folder",
        "a 0-byte ae.xpt",
        _adam(lambda env: (env.sdtm / "ae.xpt").write_bytes(b"")),
        (r"<tmp>/sdtm/ae\.xpt: .*empty",),
    ),
    Case(
        "sdtm-missing-variable",
        "SDTM folder",
        "DM without RFSTDTC (required for ADSL)",
        _adam(lambda env: _rewrite_xpt(env, "dm", lambda frame: frame.drop(columns="RFSTDTC"))),
        (r"<tmp>/sdtm/dm\.xpt, field RFSTDTC: SDTM DM has no variable RFSTDTC",),
    ),
    Case(
        "sdtm-two-studyids",
        "SDTM folder",
        "DM holding two STUDYIDs",
        _adam(
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
        lambda env: ["sdtm", "--study", "NOPE", "--out", str(env.out), "-q"],
        (r"field --study: unknown study NOPE; expected one of .*ELRA-JP-PMS",),
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


def render() -> str:
    """docs/bad-inputs.md: the catalogue as a table per group."""
    lines = [
        "# Bad inputs the tool refuses with exit 2 and one line",
        "",
        "Generated from `tests/badinput/cases.py` (`python -m tests.badinput.cases > docs/bad-inputs.md`); a test",
        "keeps this page equal to the table. Every case runs `cdiscmm.cli.main` on a copy of a tiny study with one",
        "thing broken, and must end with exit 2 (never 3, never a traceback) and exactly one line on stderr that",
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
