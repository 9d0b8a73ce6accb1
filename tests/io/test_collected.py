"""The collected-data reader: records counted from the bytes, declared encodings, one regression test per bug."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdiscmm.core.errors import InputError
from cdiscmm.io.collected import read_form, read_form_titles, read_text
from cdiscmm.io.records import read_records

DICTIONARY = "FORM,FIELD,LABEL,TYPE,CODELIST\nae,SUBJID,Subject,text,\nae,AETERM,Term,text,\nae,AESEV,Severity,text,\n"


def export(folder: Path, ae: bytes, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data_dictionary.csv").write_bytes(DICTIONARY.encode(encoding))
    (folder / "ae.csv").write_bytes(ae)
    return folder


def ae_rows(count: int) -> list[str]:
    return [f"{n:03d},Term {n},MILD" for n in range(1, count + 1)]


def test_unclosed_quote_in_row_3_is_an_error_not_323_lost_rows(tmp_path: Path) -> None:
    """Issue #9: an unclosed quote in ae.csv row 3 silently swallowed the rest of the file (exit 0)."""
    rows = ae_rows(326)
    rows[2] = '003,"Nausea,MILD'
    folder = export(tmp_path, ("SUBJID,AETERM,AESEV\n" + "\n".join(rows) + "\n").encode())
    with pytest.raises(InputError) as caught:
        read_form(folder, "ae")
    message = str(caught.value)
    assert message.startswith(f"{folder / 'ae.csv'}:4:5, field AETERM: quote not closed on its line")
    assert "join the next 323 line(s)" in message


def test_a_quote_closed_on_a_later_line_is_an_embedded_line_break(tmp_path: Path) -> None:
    folder = export(tmp_path, b'SUBJID,AETERM,AESEV\n001,"two\nlines",MILD\n002,x,MILD\n')
    with pytest.raises(InputError, match=r"ae.csv:2:5, field AETERM: .*join the next 1 line"):
        read_form(folder, "ae")


def test_quoted_commas_and_doubled_quotes_are_one_field(tmp_path: Path) -> None:
    folder = export(tmp_path, b'SUBJID,AETERM,AESEV\n001,"a, ""b""",MILD\n002,c,"MILD"\n')
    frame = read_form(folder, "ae")
    assert frame[["AETERM", "RAWROW"]].values.tolist() == [['a, "b"', 1], ["c", 2]]


def test_non_utf8_byte_names_line_column_and_field(tmp_path: Path) -> None:
    """Issue #9: non-UTF-8 bytes ended as exit 3 "internal error" without naming the file."""
    folder = export(tmp_path, "SUBJID,AETERM,AESEV\n001,悪心,MILD\n002,頭痛,MILD\n".encode("cp932"))
    with pytest.raises(InputError, match=r"ae.csv:2:5, field AETERM: byte 0x88 does not decode as utf-8"):
        read_form(folder, "ae")


@pytest.mark.parametrize("encoding", ["cp932", "shift_jis", "gb18030"])
def test_declared_encoding_reads_local_text(tmp_path: Path, encoding: str) -> None:
    text = 'SUBJID,AETERM,AESEV\n001,悪心,MILD\n002,"頭痛, 軽度",MILD\n'
    folder = export(tmp_path, text.encode(encoding), encoding)
    frame = read_form(folder, "ae", encoding=encoding)
    assert frame["AETERM"].tolist() == ["悪心", "頭痛, 軽度"]


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    """Issue #9: a 0-byte form ended as exit 3."""
    folder = export(tmp_path, b"")
    with pytest.raises(InputError, match=r"ae.csv: file is empty \(0 bytes\)"):
        read_form(folder, "ae")


def test_ragged_row_names_line_and_missing_field(tmp_path: Path) -> None:
    """Issue #9: a short row was padded silently, a long one ended as exit 3."""
    folder = export(tmp_path, b"SUBJID,AETERM,AESEV\n001,x,MILD\n002,y\n")
    with pytest.raises(InputError, match=r"ae.csv:3, row 2, field AESEV: row has 2 fields, the header has 3"):
        read_form(folder, "ae")
    export(tmp_path, b"SUBJID,AETERM,AESEV\n001,x,MILD,extra\n")
    with pytest.raises(InputError, match=r"ae.csv:2, row 1: row has 4 fields"):
        read_form(folder, "ae")


def test_header_only_form_is_an_empty_frame_with_its_columns(tmp_path: Path) -> None:
    folder = export(tmp_path, b"SUBJID,AETERM,AESEV\n")
    frame = read_form(folder, "ae")
    assert frame.empty and list(frame.columns) == ["SUBJID", "AETERM", "AESEV", "RAWROW"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"SUBJID,AETERM,AESEV\n001,x,MILD\n\n002,y,MILD\n", r"ae.csv:3: blank line between records"),
        (b"SUBJID,AETERM,AESEV\r001,x,MILD\r", r"ae.csv:1:20: carriage return without line feed"),
        (b"SUBJID,AETERM,AESEV\n001,x\x00,MILD\n", r"ae.csv:2:6, field AETERM: NUL byte"),
        (b"SUBJID,AETERM,SUBJID\n001,x,001\n", r"ae.csv:1, field SUBJID: column SUBJID appears twice"),
        (b"SUBJID,,AESEV\n001,x,MILD\n", r"ae.csv:1: header column 2 has no name"),
        (b"\xff\xfeS\x00", r"ae.csv:1:1: file starts with a UTF-16 byte-order mark"),
        (b"\nSUBJID,AETERM,AESEV\n", r"ae.csv:1: the first line is empty"),
    ],
)
def test_export_contract_breaches_name_the_line(tmp_path: Path, content: bytes, message: str) -> None:
    folder = export(tmp_path, content)
    with pytest.raises(InputError, match=message):
        read_form(folder, "ae")


def test_utf8_bom_is_dropped_with_utf8_and_refused_with_cp932(tmp_path: Path) -> None:
    folder = export(tmp_path, b"\xef\xbb\xbfSUBJID,AETERM,AESEV\n001,x,MILD\n")
    assert read_form(folder, "ae")["SUBJID"].tolist() == ["001"]
    with pytest.raises(InputError, match="UTF-8 byte-order mark but the study declares encoding cp932"):
        read_text(folder / "ae.csv", "cp932")


def test_crlf_and_missing_final_newline_count_the_same_records(tmp_path: Path) -> None:
    folder = export(tmp_path, b"SUBJID,AETERM,AESEV\r\n001,x,MILD\r\n002,y,MILD")
    assert read_form(folder, "ae")["RAWROW"].tolist() == [1, 2]


def test_form_titles_are_read_in_the_declared_encoding_and_optional(tmp_path: Path) -> None:
    folder = export(tmp_path, b"SUBJID,AETERM,AESEV\n")
    assert read_form_titles(folder, "cp932") == {}  # an export without forms.csv: the form names serve as titles
    (folder / "forms.csv").write_bytes("FORM,LABEL\nae,有害事象\n".encode("cp932"))
    assert read_form_titles(folder, "cp932") == {"ae": "有害事象"}
    (folder / "forms.csv").write_bytes(b"FORM,TITLE\nae,Adverse events\n")
    with pytest.raises(InputError, match=r"forms.csv:1, field LABEL: column missing"):
        read_form_titles(folder)


def test_form_missing_from_the_dictionary_names_the_dictionary(tmp_path: Path) -> None:
    folder = export(tmp_path, b"SUBJID\n001\n")
    with pytest.raises(InputError, match=r"data_dictionary.csv, field FORM: form cm is not in"):
        read_form(folder, "cm")


cells = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\x85"), max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(cells, cells), max_size=8),
    encoding=st.sampled_from(["utf-8", "gb18030"]),
)
def test_written_frame_round_trips_with_its_record_count(tmp_path_factory, rows, encoding) -> None:  # type: ignore[no-untyped-def]
    """Any frame pandas writes (quotes, commas, non-ASCII text) reads back equal, with records = rows."""
    frame = pd.DataFrame(rows, columns=["A", "B"], dtype=str)
    path = tmp_path_factory.mktemp("rt") / "f.csv"
    frame.to_csv(path, index=False, encoding=encoding, lineterminator="\n")
    assert read_records(path, encoding).records == len(frame)
    back = read_text(path, encoding)
    assert back.astype(object).values.tolist() == frame.astype(object).values.tolist()
