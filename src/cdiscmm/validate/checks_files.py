"""File-level rules: the strict SAS XPORT v5 checker's problems (SAS TS-140, FDA/PMDA TCGs) and region label rules.

The checker (:func:`cdiscmm.io.xpt.check.check_xpt`) runs once on every ``.xpt`` of the delivery while it is read
(:mod:`cdiscmm.validate.delivery`); each catalogue rule ``xpt_conformance`` reports the problems of its
``params.xpt_rule`` id. A file whose structure is broken cannot be read at all and stops the run (InputError).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.validate.catalogue import CheckRun, check
from cdiscmm.validate.findings import FINDING_COLUMNS, NotRun, empty_findings

#: Dataset and variable labels: at most 40 bytes (SAS XPORT v5 NAMESTR nlabel, SAS TS-140), counted in UTF-8.
LABEL_BYTES = 40


def _rows(rows: list[dict[str, object]]) -> pd.DataFrame:
    if not rows:
        return empty_findings()
    return pd.DataFrame(rows).reindex(columns=list(FINDING_COLUMNS))


@check("xpt_conformance", "dataset")
def check_xpt_conformance(run: CheckRun) -> pd.DataFrame:
    """The XPT checker's problems with rule id ``params.xpt_rule`` on every XPT file of the delivery."""
    checked = run.delivery.xpt_findings
    if not checked:
        raise NotRun("no .xpt file in the delivery (a Dataset-JSON delivery has no XPT to check)")
    run.ran_on.extend(sorted(checked))
    wanted = run.rule.params["xpt_rule"]
    return _rows(
        [
            {
                "DATASET": dataset,
                "VARIABLE": finding.location.field or "",
                "ROW": finding.location.row if finding.location.row is not None else np.nan,
                "USUBJID": "",
                "SEQ": np.nan,
                "VALUE": "",
                "DETAIL": f"{run.delivery.files[dataset].name}: {finding.message}",
            }
            for dataset, findings in sorted(checked.items())
            for finding in findings
            if finding.rule == wanted
        ]
    )


@check("label_bytes", "dataset")
def check_label_bytes(run: CheckRun) -> pd.DataFrame:
    """Dataset and variable labels of the metadata fit ``params.max_bytes`` (default 40) bytes of UTF-8: a Chinese
    or Japanese character takes 3 (SAS TS-140 label field; NMPA and PMDA local-language datasets)."""
    limit = int(run.rule.params.get("max_bytes", LABEL_BYTES))
    rows = []
    for dataset in run.datasets():
        meta = run.delivery.meta.get(dataset)
        if meta is None:
            run.skipped.append(f"{dataset}: no metadata")
            continue
        run.ran_on.append(dataset)
        labels = [("", meta.label), *((variable.name, variable.label) for variable in meta.variables)]
        for name, label in labels:
            size = len((label or "").encode("utf-8"))
            if size > limit:
                rows.append(
                    {
                        "DATASET": dataset,
                        "VARIABLE": name,
                        "ROW": np.nan,
                        "USUBJID": "",
                        "SEQ": np.nan,
                        "VALUE": label,
                        "DETAIL": f"label of {size} bytes > {limit}",
                    }
                )
    return _rows(rows)
