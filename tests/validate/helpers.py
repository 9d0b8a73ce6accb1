"""Small hand-built deliveries for the validate tests."""

from __future__ import annotations

import pandas as pd

from cdiscmm.validate.catalogue import CHECKS, CheckRun, Rule, load_catalogue
from cdiscmm.validate.delivery import Delivery, build_delivery

STUDY = "S1"


def frame(rows: list[dict], **constant: object) -> pd.DataFrame:
    """A dataset from rows (dicts), with ``constant`` columns added to every row."""
    return pd.DataFrame([{**constant, **row} for row in rows])


def dm(*subjects: str, **columns: list) -> pd.DataFrame:
    """DM with one record per subject; ``columns`` give per-subject values (RFSTDTC=[...], DTHFL=[...])."""
    data = {"STUDYID": STUDY, "DOMAIN": "DM", "USUBJID": list(subjects), **columns}
    return pd.DataFrame(data)


def rule(rule_id: str) -> Rule:
    """The catalogue's rule ``rule_id``."""
    return next(item for item in load_catalogue() if item.id == rule_id)


def findings(rule_id: str, sdtm: dict[str, pd.DataFrame], adam: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The findings of one rule's check on a delivery of these datasets."""
    delivery: Delivery = build_delivery(sdtm, adam)
    chosen = rule(rule_id)
    return CHECKS[chosen.check](CheckRun(delivery, chosen))
