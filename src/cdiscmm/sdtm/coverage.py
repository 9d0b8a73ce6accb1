"""Field coverage: where every collected field goes, so that no field is dropped without anyone noticing.

Rows (``fields.csv`` beside the datasets): one per field of each collected form, with the SDTM variables that
read it (``AE.AETERM``, ``SUPPAE.AETOCI``, ``DM.RFSTDTC`` for a reference-date source, ``selection`` for a
``condition_add`` field) and STATUS ``mapped``, ``not submitted`` (declared in the mapping's ``not_submitted``
with the reason) or ``not mapped``. A field nobody reads is a finding of the mapping, not of the data: the
per-study tests require the bundled studies to have none.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from cdiscmm.io.lineage import FIELD_COLUMNS
from cdiscmm.metadata.study import Design
from cdiscmm.sdtm.loader import LoadedMapping
from cdiscmm.sdtm.spec import Source

#: Raw columns every form carries that no mapping needs to name: STUDYID comes from study.yaml, RAWROW is the
#: reader's row number (kept in rejects/issues as ROW), SITEID is the subject's site (DM.SITEID).
IMPLIED_FIELDS: dict[str, str] = {
    "STUDYID": "STUDYID (from study.yaml)",
    "RAWROW": "row number (ROW)",
    "SITEID": "DM.SITEID (one site per subject)",
}


def _reads(loaded: LoadedMapping) -> dict[str, dict[str, set[str]]]:
    """form → field → the targets that read it, for one domain mapping (joined forms included)."""
    domain = loaded.mapping.domain
    reads: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for source in loaded.mapping.sources:
        forms = [source.form, *(join.form for join in source.join)]
        targets: dict[str, set[str]] = defaultdict(set)
        targets[source.subject].add("USUBJID")
        for condition in source.condition_add:
            targets[condition.field].add("selection")
        for join in source.join:
            for field in join.by:
                targets[field].add("join key")
        for target, step in source.variables.items():
            for field in step.verb()[1].fields():
                targets[field].add(f"{domain}.{target}")
        for qnam, supp in source.supp.items():
            for field in supp.supp_qual.value.verb()[1].fields():
                targets[field].add(f"SUPP{domain}.{qnam}")
        for field, why in source.not_submitted.items():
            targets[field].add(f"not submitted: {why}")
        if source.unpivot is not None:
            unpivoted = targets.pop(source.unpivot.value, set()) | targets.pop(source.unpivot.name, set())
            for column in source.unpivot.columns:
                targets[column] |= unpivoted
        for form in forms:
            for field, names in targets.items():
                reads[form][field] |= names
    return reads


#: Findings variables whose value, set per source or per item column, qualifies the result (value-level keys).
QUALIFIERS: tuple[str, ...] = ("TESTCD", "SPEC", "METHOD")


def _source_conditions(domain: str, source: Source) -> dict[str, str]:
    """field → ``--TESTCD = X and --SPEC = Y`` for the fields one source reads into ``<domain>ORRES``."""
    result = source.variables.get(f"{domain}ORRES")
    if result is None:
        return {}
    fields = list(result.verb()[1].fields())
    unpivot = source.unpivot
    if unpivot is not None and unpivot.value in fields:
        fields = [field for field in fields if field != unpivot.value] + list(unpivot.columns)
    fixed: list[str] = []
    by_item: dict[str, list[str]] = {field: [] for field in fields}
    for suffix in QUALIFIERS:
        step = source.variables.get(f"{domain}{suffix}")
        if step is None:
            continue
        name, args = step.verb()
        value = getattr(args, "value", None)
        if name.startswith("hardcode") and isinstance(value, str):
            fixed.append(f"{domain}{suffix} = {value}")
        elif unpivot is not None and getattr(args, "field", None) == unpivot.name:
            mapped = getattr(args, "map", {})  # an item column without a map entry is its own value
            for field in [field for field in fields if field in unpivot.columns]:
                by_item[field].append(f"{domain}{suffix} = {mapped.get(field, field)}")
    return {field: " and ".join(by_item[field] + fixed) for field in fields if by_item[field] or fixed}


def _conditions(loaded: LoadedMapping) -> dict[str, dict[str, set[str]]]:
    """form → field → its value-level conditions, for one domain mapping (joined forms included)."""
    conditions: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for source in loaded.mapping.sources:
        for field, condition in _source_conditions(loaded.mapping.domain, source).items():
            for form in [source.form, *(join.form for join in source.join)]:
                conditions[form][field].add(condition)
    return conditions


def compute_field_coverage(
    mappings: dict[str, LoadedMapping], design: Design, raws: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """FORM, FIELD, TARGETS, STATUS and WHERE for every column of every collected form in ``raws``."""
    reads: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    wheres: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for loaded in mappings.values():
        for form, fields in _reads(loaded).items():
            for field, names in fields.items():
                reads[form][field] |= names
        for form, fields in _conditions(loaded).items():
            for field, conditions in fields.items():
                wheres[form][field] |= conditions
    for variable, rule in design.reference_dates.items():
        for source in rule.sources:
            for field in [source.subject, source.date, *([source.time] if source.time else [])]:
                reads[source.form][field].add(f"DM.{variable}")
            for condition in source.condition_add:
                reads[source.form][condition.field].add("selection")
    rows = []
    for form, raw in sorted(raws.items()):
        for field in raw.columns:
            names = sorted(reads[form].get(field, set())) or (
                [IMPLIED_FIELDS[field]] if field in IMPLIED_FIELDS else []
            )
            submitted = [name for name in names if not name.startswith("not submitted")]
            status = "mapped" if submitted else "not submitted" if names else "not mapped"
            where = "; ".join(sorted(wheres[form].get(field, set())))
            rows.append((form, field, "; ".join(names), status, where))
    return pd.DataFrame(rows, columns=list(FIELD_COLUMNS))
