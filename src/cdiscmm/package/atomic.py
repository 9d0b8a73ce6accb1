"""Build a package in a staging folder and put it in place with renames, so no run leaves a half-written package.

The staging folder is a fresh folder beside the target (same file system, so renames are atomic). Putting it
in place: the old target is renamed to a backup, the staging folder to the target, then the backup is removed;
if the second rename fails the backup is renamed back. An error or an interruption (Ctrl-C, a killed process)
before that leaves the previous package as it was; a leftover staging folder of a killed run is removed by the
next run.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGING_PREFIX = ".staging-"
BACKUP_PREFIX = ".previous-"


@contextmanager
def staging_folder(home: Path, name: str) -> Iterator[Path]:
    """Yield an empty folder in ``home`` to build package ``name`` in; it is removed unless moved into place."""
    home.mkdir(parents=True, exist_ok=True)
    for leftover in home.glob(f"{STAGING_PREFIX}{name}-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{name}-", dir=home))
    try:
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def replace_folder(staging: Path, target: Path) -> None:
    """Put ``staging`` in the place of ``target`` (which may not exist yet), removing the old folder."""
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
