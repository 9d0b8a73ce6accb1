"""Checks across related datasets: SUPP-- parents, ADSL against DM, ADaM lineage to SDTM, time-to-event CNSR."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.validate.catalogue import CheckRun, check
from cdiscmm.validate.checks_records import _concat, filled
from cdiscmm.validate.findings import NotRun, record_findings


def _as_text(series: pd.Series) -> pd.Series:
    """Values as SUPP-- IDVARVAL writes them: numbers without a trailing ``.0``."""
    if series.dtype.kind in "fiu":
        return series.map("{:g}".format, na_action="ignore").fillna("")
    return series.astype(str).str.strip()


@check("supp_parent", "subject")
def check_supp_parent(run: CheckRun) -> pd.DataFrame:
    """SUPP-- records whose RDOMAIN/USUBJID/IDVAR/IDVARVAL name no parent record (SDTMIG 8.4.1); a blank IDVAR
    refers to the subject's DM record. A RDOMAIN whose dataset is absent is a finding of every record."""
    parts = []
    for name in run.datasets():
        columns = run.columns(name, "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL")
        if not columns:
            continue
        supp = run.delivery.datasets[name]
        unresolved = np.zeros(len(supp), dtype=bool)
        for (domain, idvar), group in supp.groupby(["RDOMAIN", "IDVAR"], sort=False):
            parent = run.delivery.domain(domain)
            if parent is None or (idvar and idvar not in parent.columns):
                unresolved[group.index] = True
                continue
            if not idvar:
                unresolved[group.index] = ~group["USUBJID"].isin(parent["USUBJID"]).to_numpy()
                continue
            keys = pd.MultiIndex.from_arrays([parent["USUBJID"], _as_text(parent[idvar])])
            wanted = pd.MultiIndex.from_arrays([group["USUBJID"], group["IDVARVAL"].astype(str).str.strip()])
            unresolved[group.index] = ~wanted.isin(keys)
        detail = "no " + supp["RDOMAIN"] + " record with " + supp["IDVAR"] + " = " + supp["IDVARVAL"].astype(str)
        parts.append(record_findings(name, supp, unresolved, "IDVARVAL", detail))
    return _concat(parts)


@check("adsl_matches_dm", "subject")
def check_adsl_matches_dm(run: CheckRun) -> pd.DataFrame:
    """ADSL has one record per DM subject (ADaMIG 1.3 section 3.1): no DM subject missing, none extra."""
    adsl = run.need("ADSL", "USUBJID")
    dm = run.need("DM", "USUBJID")
    run.ran_on.append("ADSL")
    extra = record_findings("ADSL", adsl, ~adsl["USUBJID"].isin(dm["USUBJID"]), "USUBJID", "not in DM")
    missing = record_findings("DM", dm, ~dm["USUBJID"].isin(adsl["USUBJID"]), "USUBJID", "DM subject not in ADSL")
    return _concat([extra, missing])


@check("adam_lineage", "subject")
def check_adam_lineage(run: CheckRun) -> pd.DataFrame:
    """ADaM records whose SRCDOM/SRCSEQ name no record of the subject: --SEQ of an SDTM domain, ASEQ of an
    ADaM dataset (ADaMIG 1.3 section 3.3.9)."""
    if not any(kind == "SDTM" for kind in run.delivery.kinds.values()):
        raise NotRun("no SDTM folder given to resolve SRCDOM/SRCSEQ against")
    parts = []
    for name in run.datasets():
        columns = run.columns(name, "USUBJID", "SRCDOM", "SRCSEQ")
        if not columns:
            continue
        frame = run.delivery.datasets[name]
        unresolved = np.zeros(len(frame), dtype=bool)
        with_source = frame.loc[filled(frame["SRCDOM"]) & frame["SRCSEQ"].notna()]
        for domain, group in with_source.groupby("SRCDOM", sort=False):
            source = run.delivery.datasets.get(domain)
            seq = "ASEQ" if run.delivery.kinds.get(domain) == "ADaM" else f"{domain[:2]}SEQ"
            if source is None or seq not in source.columns:
                unresolved[group.index] = True
                continue
            keys = pd.MultiIndex.from_arrays([source["USUBJID"], source[seq].astype(float)])
            wanted = pd.MultiIndex.from_arrays([group["USUBJID"], group["SRCSEQ"].astype(float)])
            unresolved[group.index] = ~wanted.isin(keys)
        parts.append(record_findings(name, frame, unresolved, "SRCSEQ", "no " + frame["SRCDOM"] + " record"))
    return _concat(parts)


@check("cnsr_values", "subject")
def check_cnsr_values(run: CheckRun) -> pd.DataFrame:
    """CNSR of a time-to-event dataset is an integer >= 0, 0 for an event (ADaMIG TTE section 4.1; the
    project's datasets use 0 = event, 1 = censored, ``params.allowed``)."""
    allowed = [float(value) for value in run.rule.params.get("allowed", (0, 1))]
    parts = []
    for name in run.datasets():
        if run.columns(name, "CNSR"):
            frame = run.delivery.datasets[name]
            wrong = ~frame["CNSR"].isin(allowed)
            parts.append(record_findings(name, frame, wrong, "CNSR", f"not in {allowed}"))
    return _concat(parts)
