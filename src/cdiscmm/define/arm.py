"""Analysis Results Metadata (CDISC ARM v1.0 for Define-XML 2.1) of the ADaM define, from the analysis-results spec.

A result is kept when its datasets, its variables (analysis and where-clause) and the records its where-clause
selects are all present in the folder; a display without a kept result is left out (the study does not have
that analysis). Each analysis dataset's record selection is a def:WhereClauseDef like any value level's.
"""

from __future__ import annotations

from lxml import etree

from cdiscmm.define.items import Parts, WrittenDataset, where_clause
from cdiscmm.define.spec import AnalysisResult, AnalysisResults
from cdiscmm.define.xmlkit import describe, element, item_group_oid, item_oid, sub


def _available(result: AnalysisResult, datasets: dict[str, WrittenDataset]) -> bool:
    for used in result.datasets:
        written = datasets.get(used.dataset)
        if written is None:
            return False
        names = set(written.meta.names())
        if not {*used.variables, *(condition.variable for condition in used.where)} <= names:
            return False
        if used.where and not written.scan.hits[tuple(used.where)]:
            return False
    return True


def _result(parts: Parts, result: AnalysisResult, documents: list[str]) -> etree._Element:
    first = result.datasets[0].dataset
    node = element(
        "arm:AnalysisResult",
        OID=f"AR.{result.id.removeprefix('AR.')}",
        ParameterOID=item_oid(first, "PARAMCD") if result.parameter else None,
        AnalysisReason=result.reason,
        AnalysisPurpose=result.purpose,
    )
    describe(node, result.description)
    datasets = sub(node, "arm:AnalysisDatasets")
    for number, used in enumerate(result.datasets, start=1):
        dataset = sub(datasets, "arm:AnalysisDataset", ItemGroupOID=item_group_oid(used.dataset))
        if used.where:
            oid = where_clause(parts, f"WC.{node.get('OID')}.{number}", used.dataset, used.where)
            sub(dataset, "def:WhereClauseRef", WhereClauseOID=oid)
        for variable in used.variables:
            sub(dataset, "arm:AnalysisVariable", ItemOID=item_oid(used.dataset, variable))
    documentation = sub(node, "arm:Documentation")
    describe(documentation, result.documentation)
    for leaf in documents:
        sub(documentation, "def:DocumentRef", leafID=leaf)
    code = sub(node, "arm:ProgrammingCode", Context=result.code_context)
    sub(code, "arm:Code").text = result.code
    return node


def analysis_result_displays(
    parts: Parts, spec: AnalysisResults, datasets: dict[str, WrittenDataset], documents: list[str]
) -> etree._Element | None:
    """``arm:AnalysisResultDisplays`` for the results the folder's datasets support; None when there is none.
    ``documents`` are the leaf ids each result's documentation refers to (the analysis reviewer's guide)."""
    displays = element("arm:AnalysisResultDisplays")
    for display in spec.displays:
        kept = [result for result in display.results if _available(result, datasets)]
        if not kept:
            continue
        node = sub(displays, "arm:ResultDisplay", OID=f"RD.{display.id.removeprefix('RD.')}", Name=display.name)
        describe(node, display.description)
        for result in kept:
            node.append(_result(parts, result, documents))
    return displays if len(displays) else None
