"""The mapping verbs, registered by function name; importing this package fills the registries."""

from cdiscmm.sdtm.verbs import (
    age,
    assign,
    datetime,
    epoch,
    hardcode,
    lobxfl,
    paired,
    seq,
    site,
    study_day,
    timepoint,
    visit,
)
from cdiscmm.sdtm.verbs.base import DOMAIN_VERBS, RECORD_VERBS

__all__ = [
    "DOMAIN_VERBS",
    "RECORD_VERBS",
    "age",
    "assign",
    "datetime",
    "epoch",
    "hardcode",
    "lobxfl",
    "paired",
    "seq",
    "site",
    "study_day",
    "timepoint",
    "visit",
]
