"""Rewrite the dataset and variable labels of a SAS XPORT v5 file in place of the English ones, data untouched.

SAS TS-140 layout of a one-member transport file (80-byte records; offsets from :mod:`cdiscmm.io.xpt.layout` and
the strict checker): record 7 (offset 480) holds the member's
modification date, 16 blanks and the 40-byte dataset label; record 8 is the NAMESTR header with the variable
count in columns 55-58; the 140-byte NAMESTR records follow from offset 640, each with the 8-byte name at
offset 8 and the 40-byte label at offset 16. A label is written as UTF-8 bytes padded with blanks; one longer
than 40 bytes is refused (the field cannot hold it), so nothing is ever truncated. Observations are copied byte
for byte, so the relabelled file holds exactly the values of the original.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.xpt.check import MEMBER_LABEL, NAMESTR_HEAD
from cdiscmm.io.xpt.layout import NAMESTR_LENGTH, RECORD

_RECORD = RECORD
_DATASET_LABEL = MEMBER_LABEL + 32
_NAMESTR_HEADER = NAMESTR_HEAD
_NAMESTR_START = NAMESTR_HEAD + RECORD
_NAMESTR_LENGTH = NAMESTR_LENGTH
_LABEL = 40


def _field(text: str, where: str) -> bytes:
    encoded = text.encode("utf-8")
    if len(encoded) > _LABEL:
        raise InputError(
            f"label {text!r} is {len(encoded)} bytes", Location(file=where), expected=f"at most {_LABEL} bytes"
        )
    return encoded.ljust(_LABEL, b" ")


def _check_layout(content: bytes, where: str) -> int:
    """The variable count of a one-member XPT v5 file with 140-byte NAMESTRs; InputError otherwise."""
    member = content[3 * _RECORD : 4 * _RECORD]
    header = content[_NAMESTR_HEADER : _NAMESTR_HEADER + _RECORD]
    if not (member.startswith(b"HEADER RECORD*******MEMBER") and member[74:78] == b"0140"):
        raise InputError("not a SAS XPORT v5 member with 140-byte NAMESTR records", Location(file=where))
    if not header.startswith(b"HEADER RECORD*******NAMESTR"):
        raise InputError("NAMESTR header not at record 8", Location(file=where))
    return int(header[54:58])


def variable_names(content: bytes, where: str = "XPT") -> list[str]:
    """The variable names of the file, in NAMESTR order."""
    count = _check_layout(content, where)
    starts = [_NAMESTR_START + index * _NAMESTR_LENGTH for index in range(count)]
    return [content[start + 8 : start + 16].decode("ascii").strip() for start in starts]


def variable_types(content: bytes, where: str = "XPT") -> list[tuple[str, int]]:
    """(name, NAMESTR ntype: 1 numeric, 2 character) of each variable, in NAMESTR order."""
    starts = [_NAMESTR_START + index * _NAMESTR_LENGTH for index in range(_check_layout(content, where))]
    names = variable_names(content, where)
    return [
        (name, int.from_bytes(content[start : start + 2], "big")) for name, start in zip(names, starts, strict=True)
    ]


def created(content: bytes, where: str = "XPT") -> datetime:
    """The library's creation date-time (first real header, columns 65-80, ``ddMMMyy:hh:mm:ss``), read as UTC."""
    text = content[_RECORD + 64 : 2 * _RECORD].decode("ascii", errors="replace")
    try:
        return datetime.strptime(text, "%d%b%y:%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        raise InputError("no creation date in the XPT header", Location(file=where), found=text) from None


def records_in(head: bytes, size: int, last: bytes, where: str = "XPT") -> int:
    """Observations in an XPT file of ``size`` bytes whose first bytes (at least through its NAMESTRs) are
    ``head`` and whose last ``min(size, 80)`` bytes are ``last``: (bytes after the OBS header) / observation length
    (sum of the NAMESTR lengths); the observations themselves are not needed.

    TS-140 pads the last 80-byte record with blanks; with observations shorter than 80 bytes that padding could
    read as all-blank observations, so those are not counted within the last record.
    """
    count = _check_layout(head, where)
    starts = [_NAMESTR_START + index * _NAMESTR_LENGTH for index in range(count)]
    width = sum(int.from_bytes(head[start + 4 : start + 6], "big") for start in starts)
    namestr_end = _NAMESTR_START + count * _NAMESTR_LENGTH
    observations = -(-namestr_end // _RECORD) * _RECORD + _RECORD
    if width == 0:
        return 0
    records = (size - observations) // width
    offset = size - len(last)  # where ``last`` starts in the file
    while records and width < _RECORD and size - (observations + (records - 1) * width) <= _RECORD:
        start = observations + (records - 1) * width - offset
        if last[start : start + width].strip(b" "):
            break
        records -= 1
    return records


def read_labels(content: bytes, where: str = "XPT") -> tuple[str, dict[str, str]]:
    """The dataset label and each variable's label (UTF-8, trailing blanks removed), variables in NAMESTR order."""
    names = variable_names(content, where)
    starts = [_NAMESTR_START + index * _NAMESTR_LENGTH + 16 for index in range(len(names))]
    labels = [content[start : start + _LABEL].decode("utf-8", errors="replace").rstrip() for start in starts]
    dataset = content[_DATASET_LABEL : _DATASET_LABEL + _LABEL].decode("utf-8", errors="replace").rstrip()
    return dataset, dict(zip(names, labels, strict=True))


def relabel_xpt(
    content: bytes, dataset_label: str | None, variable_labels: Mapping[str, str], where: str = "XPT"
) -> bytes:
    """``content`` with the dataset label and the labels of the variables named in ``variable_labels`` replaced.

    ``dataset_label`` None keeps the dataset label; a variable not named keeps its label; a name in
    ``variable_labels`` that the file lacks is ignored (the mapping may cover several datasets).
    """
    buffer = bytearray(content)
    if dataset_label is not None:
        buffer[_DATASET_LABEL : _DATASET_LABEL + _LABEL] = _field(dataset_label, where)
    for index, name in enumerate(variable_names(content, where)):
        if name in variable_labels:
            start = _NAMESTR_START + index * _NAMESTR_LENGTH + 16
            buffer[start : start + _LABEL] = _field(variable_labels[name], f"{where}, variable {name}")
    return bytes(buffer)
