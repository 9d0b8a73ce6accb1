"""Replace a file atomically: the bytes go to a temporary file in the same folder, renamed over the target."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A binary stream whose bytes replace ``path`` when the block ends without an error, so that a reader sees
    the old file or the complete new one, never a part (temporary file beside ``path``, then ``os.replace``); an
    error or interruption in the block leaves ``path`` as it was and no temporary file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def replace_file(path: Path, content: bytes) -> Path:
    """Write ``content`` to ``path`` atomically (:func:`replacing`); return ``path``."""
    with replacing(path) as stream:
        stream.write(content)
    return path
