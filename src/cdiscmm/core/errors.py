"""The one messaging layer: typed errors that carry where the problem is and what was expected.

Every user-facing problem is raised as a :class:`CdiscmmError` (or a subclass) with a :class:`Location`.
The CLI prints ``str(error)`` as one line and exits with ``error.exit_code``; no traceback unless
``--debug``. Rows that cannot be mapped are not errors: they go to a rejects file with a reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

EXIT_OK = 0
EXIT_VALIDATION = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, and within it a line (and character column) or a data row, a field."""

    file: str | None = None
    line: int | None = None
    row: int | None = None
    field: str | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if where:
            parts.append(where)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)


class CdiscmmError(Exception):
    """A problem the user can fix: it says where, what was found and what was expected."""

    exit_code = EXIT_BAD_INPUT

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        *,
        found: object | None = None,
        expected: str | None = None,
    ) -> None:
        self.message = message
        self.location = location or Location()
        self.found = found
        self.expected = expected
        #: Further problems found in the same pass, each already formatted as one line.
        self.details: list[str] = []
        super().__init__(str(self))

    def __str__(self) -> str:
        text = self.message
        if self.found is not None:
            text += f" (found {self.found!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        where = str(self.location)
        return f"{where}: {text}" if where else text


@contextmanager
def located(location: Location) -> Iterator[None]:
    """An error raised inside that names no file gets ``location`` (e.g. the mapping entry being run), keeping
    the field it named."""
    try:
        yield
    except CdiscmmError as error:
        if error.location.file is None:
            error.location = replace(location, field=error.location.field or location.field)
        raise


class SpecError(CdiscmmError):
    """A mapping spec, study design or metadata file is malformed."""


class InputError(CdiscmmError):
    """Collected data or a dataset read from disk cannot be used as it is (missing file or column, ...)."""


class UsageError(CdiscmmError):
    """The command line asks for something that does not exist (an unknown study, a missing folder)."""


class ValidationFindingsError(CdiscmmError):
    """Validation found errors: the report has the details."""

    exit_code = EXIT_VALIDATION
