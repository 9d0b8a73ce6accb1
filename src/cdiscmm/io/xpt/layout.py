"""SAS XPORT version 5 record layout (SAS TS-140), shared by the writer and the strict checker.

Source: SAS Institute, "Record Layout of a SAS Version 5 or 6 Data Set in SAS Transport (XPORT) Format",
technical note TS-140 (support.sas.com/techsup/technote/ts140.pdf, update of October 2021), sections "Record
Layout" and "Numeric Data Fields". Every record is 80 bytes, padded with ASCII blanks; integers are big-endian
("IBM-style"); numbers are IBM System/360 hexadecimal doubles.
"""

from __future__ import annotations

import numpy as np

RECORD = 80
#: Bytes of one NAMESTR record (TS-140: 140, or 136 on VAX/VMS, given in the member header).
NAMESTR_LENGTH = 140
#: The fixed text that opens each of the five header records (TS-140, items 1, 3, 4, 6, 8).
HEADER_PREFIX = b"HEADER RECORD*******"
LIBRARY_HEADER = HEADER_PREFIX + b"LIBRARY HEADER RECORD!!!!!!!" + b"0" * 30 + b"  "
#: The member header carries the descriptor size (0160) and the NAMESTR size (140) (TS-140, item 3).
MEMBER_HEADER = HEADER_PREFIX + b"MEMBER  HEADER RECORD!!!!!!!" + b"0" * 16 + b"0160" + b"0" * 7 + b"140  "
DESCRIPTOR_HEADER = HEADER_PREFIX + b"DSCRPTR HEADER RECORD!!!!!!!" + b"0" * 30 + b"  "
OBS_HEADER = HEADER_PREFIX + b"OBS     HEADER RECORD!!!!!!!" + b"0" * 30 + b"  "
#: The namestr header carries the variable count in columns 55-58 (TS-140, item 8).
NAMESTR_HEADER_HEAD = HEADER_PREFIX + b"NAMESTR HEADER RECORD!!!!!!!" + b"0" * 6
NAMESTR_HEADER_TAIL = b"0" * 20 + b"  "
#: What this project writes as SAS version and operating system (the values pyreadstat/ReadStat writes for v5).
SAS_VERSION = b"6.06"
SAS_OS = b"bsd4.2"
#: A datetime in a header: ddMMMyy:hh:mm:ss, two-digit year (TS-140, item 2).
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")

#: The NAMESTR record (TS-140, item 9, ``struct NAMESTR``): big-endian shorts, an int position, 52 bytes rest.
NAMESTR = np.dtype(
    [
        ("ntype", ">i2"),  # 1 = numeric, 2 = character
        ("nhfun", ">i2"),  # hash of name, always 0
        ("nlng", ">i2"),  # length of the value in the observation
        ("nvar0", ">i2"),  # variable number, 1-based
        ("nname", "S8"),
        ("nlabel", "S40"),
        ("nform", "S8"),  # display format name
        ("nfl", ">i2"),  # format width
        ("nfd", ">i2"),  # format decimals
        ("nfj", ">i2"),  # 0 = left, 1 = right justification
        ("nfill", "V2"),
        ("niform", "S8"),  # informat name
        ("nifl", ">i2"),
        ("nifd", ">i2"),
        ("npos", ">i4"),  # offset of the value in the observation
        ("rest", "V52"),
    ]
)
assert NAMESTR.itemsize == NAMESTR_LENGTH  # a layout fact of TS-140, not a check on user input

#: Missing numeric: first byte '.' (0x2E) and zeros (TS-140, "Missing Values"); '_' and 'A'-'Z' are special.
MISSING_BYTES = (0x2E, 0x5F, *range(0x41, 0x5B))
NUMERIC_MISSING = 0x2E << 56


def padding(length: int) -> int:
    """Blanks needed after ``length`` bytes to end on an 80-byte record boundary."""
    return -length % RECORD


def header_datetime(year: int, month: int, day: int, hour: int, minute: int, second: int) -> bytes:
    """A header datetime as TS-140 writes it, e.g. ``b'01JAN70:00:00:00'``."""
    return f"{day:02d}{MONTHS[month - 1]}{year % 100:02d}:{hour:02d}:{minute:02d}:{second:02d}".encode("ascii")


#: Bytes of observations read at a time by :func:`cdiscmm.io.xpt.read.read_xpt_blocks` and the strict checker
#: (rounded to whole records and observations): 64 MiB.
BLOCK_BYTES = 1 << 26
