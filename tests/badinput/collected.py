"""Bad collected CSV exports (the catalogue's first group)."""

from __future__ import annotations

from collections.abc import Callable

from tests.badinput.env import Case, Env, run_sdtm


def _ae_line(env: Env, number: int, change: Callable[[bytes], bytes]) -> None:
    path = env.raw / "ae.csv"
    env.set_line(path, number, change(env.line(path, number)))


COLLECTED: tuple[Case, ...] = (
    # --- collected CSVs -------------------------------------------------------------------------------------
    Case(
        "csv-not-utf8",
        "collected CSV",
        "Japanese text in CP932 bytes while the study declares UTF-8",
        run_sdtm(lambda env: _ae_line(env, 2, lambda line: line.decode().encode("cp932"))),
        (r"<tmp>/raw/ae\.csv:2:\d+, field AETERM: byte 0x[0-9A-F]{2} does not decode as utf-8",),
    ),
    Case(
        "csv-declared-encoding-wrong",
        "collected CSV",
        "study.yaml declares gb18030, the export is UTF-8",
        run_sdtm(lambda env: env.edit(env.study / "study.yaml", "language: ja", "language: ja\nencoding: gb18030")),
        (r"<tmp>/raw/\w+\.csv:\d+:\d+, field \w+: byte 0x[0-9A-F]{2} does not decode as gb18030",),
    ),
    Case(
        "csv-empty-file",
        "collected CSV",
        "a form of 0 bytes",
        run_sdtm(lambda env: (env.raw / "ae.csv").write_bytes(b"")),
        (r"<tmp>/raw/ae\.csv: file is empty \(0 bytes\)",),
    ),
    Case(
        "csv-first-line-empty",
        "collected CSV",
        "the header line is empty",
        run_sdtm(lambda env: (env.raw / "ae.csv").write_bytes(b"\n" + (env.raw / "ae.csv").read_bytes())),
        (r"<tmp>/raw/ae\.csv:1: the first line is empty",),
    ),
    Case(
        "csv-ragged-short",
        "collected CSV",
        "a row with one field too few",
        run_sdtm(lambda env: _ae_line(env, 3, lambda line: line.rsplit(b",", 1)[0])),
        (r"<tmp>/raw/ae\.csv:3, row 2, field AESPM: row has 23 fields, the header has 24",),
    ),
    Case(
        "csv-ragged-long",
        "collected CSV",
        "a row with one field too many",
        run_sdtm(lambda env: _ae_line(env, 5, lambda line: line + b",extra")),
        (r"<tmp>/raw/ae\.csv:5, row 4: row has 25 fields, the header has 24",),
    ),
    Case(
        "csv-unclosed-quote",
        "collected CSV",
        "an unclosed quote in ae.csv row 3 (the parser would swallow the rest of the file)",
        run_sdtm(lambda env: _ae_line(env, 4, lambda line: line.replace(b",J001", b',"J001', 1))),
        (r"<tmp>/raw/ae\.csv:4:\d+, field SITEID: quote not closed on its line: .* join the next \d+ line",),
    ),
    Case(
        "csv-embedded-newline",
        "collected CSV",
        "a line break inside a quoted field",
        run_sdtm(lambda env: _ae_line(env, 2, lambda line: line.replace(b",Anaemia,", b',"Anae\nmia",', 1))),
        (r"<tmp>/raw/ae\.csv:2:\d+, field AETERM_EN: quote not closed on its line: .* join the next 1 line",),
    ),
    Case(
        "csv-blank-line",
        "collected CSV",
        "a blank line between records",
        run_sdtm(lambda env: _ae_line(env, 3, lambda line: b"\n" + line)),
        (r"<tmp>/raw/ae\.csv:3: blank line between records",),
    ),
    Case(
        "csv-lone-cr",
        "collected CSV",
        "a carriage return without line feed inside a record",
        run_sdtm(lambda env: _ae_line(env, 2, lambda line: line.replace(b",Anaemia,", b",Anae\rmia,", 1))),
        (r"<tmp>/raw/ae\.csv:2:\d+: carriage return without line feed",),
    ),
    Case(
        "csv-nul-byte",
        "collected CSV",
        "a NUL byte in a field",
        run_sdtm(lambda env: _ae_line(env, 2, lambda line: line.replace(b",Anaemia,", b",Anae\x00mia,", 1))),
        (r"<tmp>/raw/ae\.csv:2:\d+, field AETERM_EN: NUL byte",),
    ),
    Case(
        "csv-utf16",
        "collected CSV",
        "a form saved as UTF-16 (with byte-order mark)",
        run_sdtm(lambda env: (env.raw / "ae.csv").write_bytes((env.raw / "ae.csv").read_text().encode("utf-16"))),
        (r"<tmp>/raw/ae\.csv:1:1: file starts with a UTF-16 byte-order mark",),
    ),
    Case(
        "csv-bom-other-encoding",
        "collected CSV",
        "a UTF-8 byte-order mark in a study that declares cp932",
        run_sdtm(
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
        run_sdtm(
            lambda env: env.edit(env.raw / "ae.csv", "STUDYID,SITEID,SUBJID,AESPID,", "STUDYID,SITEID,SUBJID,AESPIX,")
        ),
        (r"<tmp>/raw/ae\.csv:1, field AESPID: column missing",),
    ),
    Case(
        "csv-duplicate-header",
        "collected CSV",
        "a column named twice in the header",
        run_sdtm(lambda env: env.edit(env.raw / "ae.csv", ",AESPM\n", ",AETERM\n")),
        (r"<tmp>/raw/ae\.csv:1, field AETERM: column AETERM appears twice in the header",),
    ),
    Case(
        "csv-header-no-name",
        "collected CSV",
        "a header column without a name",
        run_sdtm(lambda env: env.edit(env.raw / "ae.csv", ",AESPM\n", ",\n")),
        (r"<tmp>/raw/ae\.csv:1: header column 24 has no name",),
    ),
    Case(
        "csv-form-not-in-dictionary",
        "collected CSV",
        "a form file the data dictionary does not describe",
        run_sdtm(lambda env: (env.raw / "xx.csv").write_text("SUBJID\n1\n")),
        (r"<tmp>/raw/data_dictionary\.csv, field FORM: form xx is not in data_dictionary\.csv",),
    ),
    Case(
        "csv-dictionary-missing",
        "collected CSV",
        "no data_dictionary.csv in the export",
        run_sdtm(lambda env: (env.raw / "data_dictionary.csv").unlink()),
        (r"<tmp>/raw/data_dictionary\.csv: file not found",),
    ),
    Case(
        "csv-dictionary-column",
        "collected CSV",
        "data_dictionary.csv without its FIELD column",
        run_sdtm(lambda env: env.edit(env.raw / "data_dictionary.csv", "FORM,FIELD,", "FORM,FIELDNAME,")),
        (r"<tmp>/raw/data_dictionary\.csv:1, field FIELD: column missing",),
    ),
    Case(
        "csv-mapped-form-missing",
        "collected CSV",
        "a form the mappings read is not in the export",
        run_sdtm(lambda env: (env.raw / "ae.csv").unlink()),
        (r"<tmp>/raw/ae\.csv: file not found",),
    ),
    Case(
        "csv-raw-is-a-file",
        "collected CSV",
        "--raw names a file, not the export folder",
        lambda env: env.sdtm_args("--raw", str(env.raw / "ae.csv")),
        (r"<tmp>/raw/ae\.csv, field --raw: raw folder not found",),
    ),
)
