"""Domain assembly: run a domain mapping's verbs on its raw forms, then shape the result as SDTMIG prescribes.

:func:`map_domain` turns each source's raw rows into target columns (plus hidden lineage, local-language and
SUPP-- columns) and reports every row it could not map. :func:`finish_domain` adds STUDYID/DOMAIN, runs the
domain verbs (``derive_*``; --SEQ always), moves text over 200 bytes to SUPP-- (``split_long_text``), builds
SUPP-- (``supp_qual``) and returns the :class:`Dataset` with variables in SDTMIG order: Req and Exp always
present, Perm only when mapped (SDTMIG 3.4 §4.1.2 / §2.5 core designations), records sorted by subject and
--SEQ (or the keys).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import cast

import pandas as pd

from cdiscmm.core.distinct import compute_on_distinct
from cdiscmm.core.errors import Location, SpecError, located
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta
from cdiscmm.sdtm.describe import (
    Qualifier,
    describe_variables,
    mapped_qualifiers,
    mapped_value_codelists,
    supp_value_level,
    with_declared_origins,
    with_value_level,
)
from cdiscmm.sdtm.loader import LoadedMapping
from cdiscmm.sdtm.rejects import ROW_COLUMN, empty_events, make_events
from cdiscmm.sdtm.source_rows import JOIN_PREFIX, SourceRows, select_source_rows, unjoined_events
from cdiscmm.sdtm.spec import DomainStep, Source, VerbStep
from cdiscmm.sdtm.verbs import DOMAIN_VERBS, RECORD_VERBS
from cdiscmm.sdtm.verbs.base import DomainContext, MapContext, Mapped, clean_text, problems_where
from cdiscmm.sdtm.verbs.seq import ENGLISH_PREFIX, ORDER_COLUMN, DeriveSeqArgs
from cdiscmm.sdtm.verbs.supp import compute_split_qnam, split_long_text, supp_qual

FORM_COLUMN = "__FORM"
ROW = "__ROW"
LOCAL_PREFIX = "__LOCAL_"
SUPP_PREFIX = "__SUPP_"
#: The placeholder of the SDTMIG SUPPQUAL dataset label ("Supplemental Qualifiers for [domain name]"), filled with
#: the parent domain's code (SDTMIG 3.4 §8.4: one SUPP-- dataset per parent domain).
DOMAIN_PLACEHOLDER = "[domain name]"


@dataclass
class MappedDomain:
    """A domain's mapped rows (targets plus hidden columns) and the events of the rows it could not take."""

    frame: pd.DataFrame
    events: pd.DataFrame


def _map_values(
    loaded: LoadedMapping, source: Source, rows: pd.DataFrame, meta: DatasetMeta, context: MapContext
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the source's record verbs (variables, then SUPP-- qualifiers) on ``rows``: the target columns (plus
    local-language and SUPP-- columns) and the problems found, a blank subject first."""
    domain = loaded.mapping.domain
    frame = pd.DataFrame(index=rows.index)
    subject = clean_text(rows[source.subject])
    found = [
        problems_where(
            subject.isna(), source.subject, subject, "blank_subject", f"{source.subject} is blank", reject=True
        )
    ]
    for target, step in source.variables.items():
        if not meta.has(target):
            raise SpecError(
                f"{target} is not a variable of {domain} in {meta.standard}",
                replace(loaded.where(source.key, target), field=target),
                expected=f"one of {', '.join(meta.names())}",
            )
        core = meta.variable(target).core
        with located(replace(loaded.where(source.key, target), field=target)):
            mapped = _run_record_step(step, rows, replace(context, core=core))
        values = mapped.values
        if meta.variable(target).type == "Num":
            values, number_problems = _as_number(values, step, required=core == "Req")
            found.append(number_problems)
        frame[target] = values
        if mapped.local is not None:
            frame[LOCAL_PREFIX + target] = mapped.local
        found.append(mapped.problems)
    for qnam, supp in source.supp.items():
        with located(replace(loaded.where(source.key, qnam), field=qnam)):
            mapped = _run_record_step(supp.supp_qual.value, rows, context)
        frame[SUPP_PREFIX + qnam] = mapped.values
        if mapped.local is not None:  # collected local-language text of the qualifier (e.g. AEOTHTRT)
            frame[LOCAL_PREFIX + SUPP_PREFIX + qnam] = mapped.local
        found.append(_spare_parent(mapped, frame, SUPP_PREFIX + qnam))
    problems = pd.concat([problem for problem in found if not problem.empty] or [found[0]])
    if source.unpivot is not None:  # a problem with an item's value names the raw item column, not VALUE
        on_item = problems["FIELD"] == source.unpivot.value
        problems.loc[on_item, "FIELD"] = rows.loc[problems.index[on_item], source.unpivot.name].to_numpy()
    frame.insert(0, "USUBJID", context.studyid + "-" + subject)
    return frame, problems


def _problem_events(
    problems: pd.DataFrame, taken: SourceRows, source: Source, raws: dict[str, pd.DataFrame], studyid: str, domain: str
) -> list[pd.DataFrame]:
    """The events of the problems, each on the page (source form or joined detail page) its field belongs to."""
    kinds = problems["REJECT"].map({True: "reject", False: "finding"})
    forms, raw_rows = _problem_pages(problems, taken.rows, source, raws)
    events = []
    for form in forms.unique():
        on_form = (forms == form).to_numpy()
        events.append(make_events(studyid, form, domain, raw_rows[on_form], problems[on_form], kinds[on_form]))
    return events


def _map_source(
    loaded: LoadedMapping,
    position: int,
    source: Source,
    meta: DatasetMeta,
    context: MapContext,
    raws: dict[str, pd.DataFrame],
) -> MappedDomain:
    """One source's mapped rows: select and join its rows, run its verbs, drop the rejected rows, keep lineage
    (form, raw row, joined pages' rows) and the order of the source within the domain."""
    domain = loaded.mapping.domain
    taken = select_source_rows(loaded, source, raws, context.studyid)
    rows = taken.rows
    frame, problems = _map_values(loaded, source, rows, meta, context)
    events = taken.events + _problem_events(problems, taken, source, raws, context.studyid, domain)
    frame = frame.drop(index=problems.index[problems["REJECT"].astype(bool)].unique())
    frame[FORM_COLUMN] = source.form
    frame[ROW] = rows.loc[frame.index, ROW_COLUMN].astype("int64")
    for join, _ in taken.details:
        frame[JOIN_PREFIX + join.form] = rows.loc[frame.index, JOIN_PREFIX + join.form]
    events += unjoined_events(source, taken.details, frame, context.studyid, domain)
    frame[ORDER_COLUMN] = position * 10**9 + pd.RangeIndex(len(frame)).to_numpy()
    return MappedDomain(frame.reset_index(drop=True), pd.concat(events, ignore_index=True))


def _spare_parent(mapped: Mapped, frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """A SUPP-- qualifier whose value cannot be mapped does not cost its parent record: the qualifier is left out
    (a SUPP-- record is Permissible by nature, SDTMIG 3.4 §8.4) and the value is reported as a finding."""
    problems = mapped.problems.copy()
    rejected = problems["REJECT"].astype(bool)
    frame.loc[problems.index[rejected].unique(), column] = pd.NA
    problems.loc[rejected, "REASON"] = problems.loc[rejected, "REASON"] + "; qualifier left out, parent record kept"
    problems["REJECT"] = False
    return problems


def _problem_pages(
    problems: pd.DataFrame, rows: pd.DataFrame, source: Source, raws: dict[str, pd.DataFrame]
) -> tuple[pd.Series, pd.Series]:
    """The form and raw row each problem belongs to: a finding on a field of a joined detail page (e.g. CRSCORT of
    the crs page) names that page's row, so the query reaches the right page; everything else, and every reject
    (the record that is rejected is the parent's), names the source row."""
    forms = pd.Series(source.form, index=problems.index, dtype="object")
    raw_rows = rows.loc[problems.index, ROW_COLUMN].astype("object")
    own = set(raws[source.form].columns)
    for join in source.join:
        column = JOIN_PREFIX + join.form
        on_page = (
            problems["FIELD"].isin(set(raws[join.form].columns) - own).to_numpy()
            & ~problems["REJECT"].astype(bool).to_numpy()
            & rows.loc[problems.index, column].notna().to_numpy()
        )
        forms[on_page] = join.form
        raw_rows[on_page] = rows.loc[problems.index[on_page], column].astype("int64").to_numpy()
    return forms, raw_rows


def _run_record_step(step: VerbStep, rows: pd.DataFrame, context: MapContext) -> Mapped:
    name, args = step.verb()
    return cast(Mapped, RECORD_VERBS[name].function(rows, args, context))  # record verbs return Mapped


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce")


def _as_number(values: pd.Series, step: VerbStep, *, required: bool) -> tuple[pd.Series, pd.DataFrame]:
    """Num targets take numbers (SDTMIG: Num variables are numeric). A value that is not one rejects the row when
    the variable is Required; otherwise the variable is left null, the row kept and the value reported for a
    query (a typo in a dose or an age must not lose the record). Each distinct value is read once (scores and
    doses repeat)."""
    fields = step.verb()[1].fields()
    numbers = compute_on_distinct(_numbers, values)
    bad = values.notna() & numbers.isna()
    field = fields[0] if fields else ""
    reason = field + ": " + values[bad].astype("string") + " is not a number"  # the reported rows only
    if not required:
        reason = reason + "; not submitted, query the site"
    return numbers.astype("Float64"), problems_where(bad, field, values, "not_a_number", reason, reject=required)


def map_domain(
    loaded: LoadedMapping, raws: dict[str, pd.DataFrame], meta: DatasetMeta, context: MapContext
) -> MappedDomain:
    """Run every source of a domain mapping on its raw form; concatenate the rows in source order."""
    parts = [
        _map_source(loaded, position, source, meta, context, raws)
        for position, source in enumerate(loaded.mapping.sources)
    ]
    frame = pd.concat([part.frame for part in parts], ignore_index=True)
    events = pd.concat([part.events for part in parts], ignore_index=True) if parts else empty_events()
    return MappedDomain(frame, events)


def localised(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows with collected local-language text in the text variables (English where none was given).

    The English value of each such variable is kept under :data:`ENGLISH_PREFIX`, so that ``derive_seq``
    numbers the records of both language versions identically (PMDA: the Japanese dataset matches the English
    one record for record)."""
    local = frame.copy()
    for column in [column for column in frame if column.startswith(LOCAL_PREFIX)]:
        target = column.removeprefix(LOCAL_PREFIX)
        local[ENGLISH_PREFIX + target] = frame[target]
        local[target] = frame[column].fillna(frame[target])
    return local


def has_local_text(frame: pd.DataFrame) -> bool:
    """True when any variable carries collected local-language text."""
    return any(column.startswith(LOCAL_PREFIX) for column in frame)


def _typed(values: pd.Series, variable: VariableMeta) -> pd.Series:
    if variable.type == "Num":
        return pd.to_numeric(values, errors="coerce").astype("Float64")
    return values.astype("string")


def _with_mapping_keys(loaded: LoadedMapping, meta: DatasetMeta) -> DatasetMeta:
    """``meta`` with the mapping's ``keys`` when it states them (each must be a variable of the domain)."""
    if loaded.mapping.keys is None:
        return meta
    unknown = [key for key in loaded.mapping.keys if not meta.has(key)]
    if unknown:
        raise SpecError(
            f"keys: {unknown[0]} is not a variable of {loaded.mapping.domain}",
            Location(file=str(loaded.files[-1])),
            expected=f"one of {', '.join(meta.names())}",
        )
    return meta.model_copy(update={"keys": list(loaded.mapping.keys)})


def _derive(frame: pd.DataFrame, loaded: LoadedMapping, meta: DatasetMeta, context: DomainContext) -> pd.DataFrame:
    """Run the domain verbs in mapping order, --SEQ first when the mapping does not state it; adds columns."""
    domain = loaded.mapping.domain
    steps: dict[str, DomainStep] = dict(loaded.mapping.derive)
    seq_variable = f"{domain}SEQ"
    if meta.has(seq_variable) and seq_variable not in steps:
        steps = {seq_variable: DomainStep(derive_seq=DeriveSeqArgs()), **steps}
    for target, step in steps.items():
        if not meta.has(target):
            raise SpecError(f"derive: {target} is not a variable of {domain}", Location(file=str(loaded.files[-1])))
        name, args = step.verb()
        try:
            frame[target] = DOMAIN_VERBS[name].function(frame, args, context)
        except KeyError as absent:  # a domain verb reads a variable no source maps (e.g. VISITNUM)
            raise SpecError(
                f"derive: {target} ({name}) reads {absent.args[0]}, which no source of {domain} maps",
                Location(file=str(loaded.files[-1]), field=target),
                expected=f"{absent.args[0]} under the variables of a source of {domain}",
            ) from None
    return frame


def _supp_records(
    frame: pd.DataFrame, meta: DatasetMeta, qualifiers: dict[str, Qualifier], idvar: str | None
) -> tuple[list[pd.DataFrame], list[Qualifier]]:
    """SUPP-- records of text over 200 bytes (cut from ``frame`` in place) and of the mapping's qualifiers, and the
    qualifiers they hold (a continuation such as AETERM1 is labelled by its variable, SDTMIG 3.4 §4.5.3.2)."""
    parts: list[pd.DataFrame] = []
    emitted: list[Qualifier] = []

    def add(values: pd.Series, qualifier: Qualifier) -> None:
        parts.append(
            supp_qual(
                frame,
                values,
                qnam=qualifier.qnam,
                qlabel=qualifier.label,
                qorig=qualifier.qorig,
                qeval=qualifier.qeval,
                idvar=idvar,
            )
        )
        emitted.append(qualifier)

    for variable in [variable for variable in meta.variables if variable.name in frame and variable.type == "Char"]:
        parent, continuations = split_long_text(frame[variable.name])
        frame[variable.name] = parent
        for number in continuations.columns:
            qnam = compute_split_qnam(variable.name, int(number))
            add(continuations[number], Qualifier(qnam, variable.label, "CRF", None, "Collected"))
    # a QNAM several sources fill (e.g. LINENUM from priortx and subtx) is one column: emitted once (first spec)
    for qnam, qualifier in qualifiers.items():
        values, continuations = split_long_text(frame[SUPP_PREFIX + qnam])
        add(values, qualifier)
        for number in continuations.columns:
            add(continuations[number], replace(qualifier, qnam=compute_split_qnam(qnam, int(number))))
    return parts, emitted


def _shaped(frame: pd.DataFrame, meta: DatasetMeta, order: list[str]) -> tuple[pd.DataFrame, list[VariableMeta]]:
    """The domain's variables in SDTMIG order, typed, records sorted by ``order``: Req and Exp always present,
    Perm only when mapped (SDTMIG 3.4 §4.1.2)."""
    keep = [
        variable
        for variable in sorted(meta.variables, key=lambda v: v.order)
        if variable.name in frame or variable.core in ("Req", "Exp")
    ]
    data = pd.DataFrame(
        {
            variable.name: _typed(frame[variable.name], variable)
            if variable.name in frame
            else pd.Series(pd.NA, index=frame.index, dtype="Float64" if variable.type == "Num" else "string")
            for variable in keep
        },
        index=frame.index,
    )
    order = [name for name in order if name in data] or ["USUBJID"]
    return data.sort_values(order, kind="stable").reset_index(drop=True), keep


def finish_domain(
    frame: pd.DataFrame,
    loaded: LoadedMapping,
    meta: DatasetMeta,
    supp_meta: DatasetMeta,
    context: DomainContext,
    studyid: str,
    post_derive: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> tuple[Dataset, Dataset | None]:
    """Derive, split long text, build SUPP--, and shape the domain by its SDTMIG metadata.

    ``post_derive`` runs after the domain verbs (DM uses it for AGEU, which follows a derived AGE).
    """
    domain = loaded.mapping.domain
    meta = _with_mapping_keys(loaded, meta)
    frame = frame.copy()
    frame["STUDYID"] = studyid
    frame["DOMAIN"] = domain
    frame = _derive(frame, loaded, meta, context)
    if post_derive is not None:
        frame = post_derive(frame)
    seq_variable = f"{domain}SEQ"
    idvar = seq_variable if meta.has(seq_variable) else None
    supp_parts, qualifiers = _supp_records(frame, meta, mapped_qualifiers(loaded), idvar)
    data, keep = _shaped(frame, meta, ["USUBJID", seq_variable] if idvar else list(meta.keys))
    dataset = Dataset(meta.model_copy(update={"variables": describe_variables(loaded, keep, set(frame))}), data)
    described = with_value_level(dataset, mapped_value_codelists(loaded))
    return described, _supp_dataset(supp_parts, qualifiers, supp_meta, domain)


def _supp_dataset(
    parts: list[pd.DataFrame], qualifiers: list[Qualifier], supp_meta: DatasetMeta, domain: str
) -> Dataset | None:
    """SUPP-- for ``domain``: records sorted by subject, parent record and QNAM, QVAL described per QNAM; None when
    there are none."""
    parts = [part for part in parts if not part.empty]
    if not parts:
        return None
    data = pd.concat(parts, ignore_index=True).loc[:, supp_meta.names()]
    number = pd.to_numeric(data["IDVARVAL"], errors="coerce")
    data = (
        data.assign(__N=number)
        .sort_values(["USUBJID", "__N", "QNAM"], kind="stable")
        .drop(columns="__N")
        .reset_index(drop=True)
    )
    value_level = supp_value_level(qualifiers, set(data["QNAM"].dropna().unique()))
    variables = [
        variable.model_copy(update={"value_level": value_level}) if variable.name == "QVAL" else variable
        for variable in supp_meta.variables
    ]
    label = supp_meta.label.replace(DOMAIN_PLACEHOLDER, domain)
    name = f"SUPP{domain}"
    variables = with_declared_origins(name, variables)
    meta = supp_meta.model_copy(update={"name": name, "label": label, "variables": variables})
    return Dataset(meta, data.astype("string"))
