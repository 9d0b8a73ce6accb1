"""Atomic stage outputs: a stage writes into a fresh folder beside its target, which replaces the target only
when every file is written.

A failed or interrupted run (an error, Ctrl-C) removes its staging folder and leaves the previous outputs
exactly as they were; a successful one replaces the whole target folder, so no file of an earlier run (an XPT
the study no longer yields, an old rejects.csv) survives beside the new ones. The swap is two renames on one
file system (target -> backup, staging -> target), then the backup is removed; if the second rename fails the
backup is renamed back.
"""

from __future__ import annotations

import errno
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cdiscmm.core.errors import Location, UsageError

STAGING_PREFIX = ".staging-"
BACKUP_PREFIX = ".previous-"


def _writable_parent(target: Path, option: str) -> None:
    """Create ``target``'s parent folders; a file in the way or a folder that cannot be written is a UsageError."""
    for ancestor in [target, *target.parents]:
        if ancestor.exists() and not ancestor.is_dir():
            raise UsageError(
                "exists and is not a folder", Location(file=str(ancestor), field=option), expected="a folder"
            )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"cannot create the output folder ({exc.strerror or exc})",
            Location(file=str(target.parent), field=option),
            expected="a writable folder",
        ) from None


def _staging(target: Path, option: str) -> Path:
    try:
        return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{target.name}-", dir=target.parent))
    except OSError as exc:
        reason = "permission denied" if exc.errno in {errno.EACCES, errno.EPERM, errno.EROFS} else exc.strerror
        raise UsageError(
            f"cannot write in the output folder ({reason or exc})",
            Location(file=str(target.parent), field=option),
            expected="a writable folder",
        ) from None


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` in the place of ``target`` (which may not exist yet) and remove the old folder."""
    if not target.exists():
        staging.rename(target)
        return
    backup = Path(tempfile.mkdtemp(prefix=f"{BACKUP_PREFIX}{target.name}-", dir=target.parent))
    backup.rmdir()
    target.rename(backup)
    try:
        staging.rename(target)
    except BaseException:
        backup.rename(target)
        raise
    shutil.rmtree(backup, ignore_errors=True)


@contextmanager
def staged_folder(target: Path, *, option: str = "--out") -> Iterator[Path]:
    """Yield an empty folder beside ``target`` to write a stage's outputs in; on success it becomes ``target``.

    ``option`` names the command-line option that chose the folder, for the message when it cannot be written.
    """
    _writable_parent(target, option)
    staging = _staging(target, option)
    try:
        yield staging
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
