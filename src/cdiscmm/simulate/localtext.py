"""Free-text fields in the collection language, with the data-management English translation in ``<FIELD>_EN``.

Japanese and Chinese sites write verbatims in their language; ISA (English) has no ``_EN`` copy
(docs/data-model.md, "Local-language text").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cdiscmm.simulate.forms import Field
from cdiscmm.simulate.vocabulary import Text

ENGLISH = "en"
SUFFIX = "_EN"


def text_fields(name: str, label: str, language: str) -> list[Field]:
    """The verbatim field and, for a non-English study, its English translation field."""
    fields = [Field(name, label, "text")]
    if language != ENGLISH:
        fields.append(Field(f"{name}{SUFFIX}", f"{label} (English translation)", "text"))
    return fields


def text_values(name: str, texts: Sequence[Text], choice: np.ndarray, language: str) -> dict[str, np.ndarray]:
    """Columns for ``text_fields``: ``choice`` indexes ``texts``; -1 leaves the answer blank."""
    local = np.array(["", *(text.in_language(language) for text in texts)], dtype=object)
    columns = {name: local[choice + 1]}
    if language != ENGLISH:
        columns[f"{name}{SUFFIX}"] = np.array(["", *(text.en for text in texts)], dtype=object)[choice + 1]
    return columns
