"""Build define.xml for one folder of datasets from its metadata.json and its XPT files, with the stylesheet
and a pre-rendered define.html beside it.

ODM 1.3.2 root (FileType Snapshot, def:Context Submission) / Study / GlobalVariables / MetaDataVersion with
def:Standards, the linked documents, the dataset parts of :mod:`cdiscmm.define.items`, the codelists and, for
ADaM, the Analysis Results Metadata (Define-XML 2.1 specification §5; ARM v1.0). One define per folder, UTF-8.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from cdiscmm import __version__
from cdiscmm.define.arm import analysis_result_displays
from cdiscmm.define.codelists import codelist_element, dictionary_element, standard_oid
from cdiscmm.define.items import Context, Parts, WrittenDataset, add_dataset
from cdiscmm.define.scan import Questions, Where
from cdiscmm.define.spec import AnalysisResults, DefineSpec, Document
from cdiscmm.define.xmlkit import codelist_oid, element, sub
from cdiscmm.metadata.model import SubmissionMetadata, WhereCondition

DEFINE_FILE = "define.xml"
DEFINE_VERSION = "2.1.0"


def _ig(standard: str) -> tuple[str, str]:
    """'SDTMIG 3.4' -> ('SDTMIG', '3.4')."""
    name, _, version = standard.partition(" ")
    return name, version


def _standards(metadata: SubmissionMetadata) -> tuple[etree._Element, str]:
    """def:Standards (the IG and each CT package with its version) and the IG's OID."""
    standards = element("def:Standards")
    name, version = _ig(metadata.standard)
    ig_oid = f"STD.{name}.{version}"
    sub(standards, "def:Standard", OID=ig_oid, Name=name, Type="IG", Version=version, Status="Final")
    for package, package_version in metadata.terminology.items():
        sub(
            standards,
            "def:Standard",
            OID=standard_oid(package, package_version),
            Name="CDISC/NCI",
            Type="CT",
            PublishingSet=package.removesuffix(" CT"),
            Version=package_version,
            Status="Final",
        )
    return standards, ig_oid


def _documents(spec: DefineSpec, metadata: SubmissionMetadata) -> list[Document]:
    name, _ = _ig(metadata.standard)
    return [document for document in spec.documents if name in document.standards]


def _document_list(tag: str, documents: list[Document]) -> etree._Element | None:
    if not documents:
        return None
    node = element(tag)
    for document in documents:
        sub(node, "def:DocumentRef", leafID=document.id)
    return node


def _leaf(document: Document) -> etree._Element:
    leaf = element("def:leaf", ID=document.id, xlink_href=document.href)
    sub(leaf, "def:title").text = document.title
    return leaf


#: The study title: TSVAL of the first TS record with TSPARMCD TITLE (SDTMIG 3.4 TS parameter TITLE).
_TITLE: tuple[Where, str] = ((WhereCondition(variable="TSPARMCD", comparator="EQ", values=("TITLE",)),), "TSVAL")


def asked(results: AnalysisResults | None) -> dict[str, Questions]:
    """What :func:`build_define` asks of each dataset's records besides its measures, by dataset name: TS its
    title, each analysis dataset whether some record meets each of the results' where-clauses on it."""
    hits: dict[str, dict[Where, None]] = {"TS": {}}
    for display in results.displays if results is not None else []:
        for used in (used for result in display.results for used in result.datasets if used.where):
            hits.setdefault(used.dataset, {})[tuple(used.where)] = None
    return {
        name: Questions(hits=tuple(wheres), firsts=(_TITLE,) if name == "TS" else ()) for name, wheres in hits.items()
    }


def _study_title(metadata: SubmissionMetadata, written: list[WrittenDataset]) -> str:
    """TS TITLE when the folder has TS, else the study id."""
    for dataset in written:
        if dataset.meta.name == "TS" and _TITLE in dataset.scan.firsts:
            return str(dataset.scan.firsts[_TITLE])
    return metadata.studyid


def _odm(metadata: SubmissionMetadata, written: list[WrittenDataset], created: datetime) -> etree._Element:
    """ODM / Study / GlobalVariables / MetaDataVersion, still without content; returns the MetaDataVersion."""
    name, _ = _ig(metadata.standard)
    root = element(
        "ODM",
        FileType="Snapshot",
        FileOID=f"DEF.{metadata.studyid}.{name}",
        CreationDateTime=created.strftime("%Y-%m-%dT%H:%M:%S"),
        ODMVersion="1.3.2",
        Originator="cdiscmm",
        SourceSystem="cdiscmm",
        SourceSystemVersion=__version__,
        def_Context="Submission",
    )
    study = sub(root, "Study", OID=f"STUDY.{metadata.studyid}")
    global_variables = sub(study, "GlobalVariables")
    sub(global_variables, "StudyName").text = metadata.studyid
    sub(global_variables, "StudyDescription").text = _study_title(metadata, written)
    sub(global_variables, "ProtocolName").text = metadata.studyid
    return sub(
        study,
        "MetaDataVersion",
        OID=f"MDV.{metadata.studyid}.{name}",
        Name=f"{metadata.studyid} {metadata.standard}",
        Description=f"Data definitions of the {metadata.standard} datasets of study {metadata.studyid}",
        def_DefineVersion=DEFINE_VERSION,
    )


def _codelists(metadata: SubmissionMetadata, spec: DefineSpec, parts: Parts) -> list[etree._Element]:
    """The CodeLists the ItemDefs reference: CT and sponsor codelists, then external dictionaries."""
    codelists: list[etree._Element] = []
    for codelist in metadata.codelists:
        oid = codelist_oid(codelist.code)
        if oid in parts.codelist_types:
            package = next((name for name in metadata.terminology if codelist.source.startswith(name)), None)
            standard = standard_oid(package, metadata.terminology[package]) if package else None
            codelists.append(codelist_element(codelist, parts.codelist_types[oid], standard))
    for dictionary in spec.dictionaries:
        oid = codelist_oid(dictionary.id)
        if oid in parts.codelist_types:
            codelists.append(dictionary_element(dictionary, parts.codelist_types[oid]))
    return codelists


def build_define(
    metadata: SubmissionMetadata,
    written: Iterable[WrittenDataset],
    spec: DefineSpec,
    results: AnalysisResults | None,
    created: datetime,
) -> etree._Element:
    """The ODM root of the define of ``written`` (in metadata order, each scanned with the questions
    :func:`asked` of ``results``); ``results`` adds ARM (ADaM only). ``written`` is walked once."""
    standards, ig_oid = _standards(metadata)
    documents = _documents(spec, metadata)
    annotated = [document for document in documents if document.kind == "annotated-crf"]
    supplemental = [document for document in documents if document.kind == "supplemental"]
    context = Context(
        codelist_oids={codelist.code: codelist_oid(codelist.code) for codelist in metadata.codelists},
        dictionary_oids={
            variable: codelist_oid(dictionary.id)
            for dictionary in spec.dictionaries
            for variable in dictionary.variables
        },
        collected_document=annotated[0].id if annotated else None,
        standard_oid=ig_oid,
    )
    parts = Parts()
    written = list(written)
    for dataset in written:
        add_dataset(parts, dataset, context)
    arm = None
    if results is not None:
        by_name = {dataset.meta.name: dataset for dataset in written}
        arm = analysis_result_displays(parts, results, by_name, [document.id for document in supplemental])

    version = _odm(metadata, written, created)
    version.append(standards)
    for node in (_document_list("def:AnnotatedCRF", annotated), _document_list("def:SupplementalDoc", supplemental)):
        if node is not None:
            version.append(node)
    version.extend(parts.value_lists + parts.where_clauses + parts.item_groups + parts.items)
    version.extend(_codelists(metadata, spec, parts))
    version.extend(parts.methods + parts.comments + [_leaf(document) for document in documents])
    if arm is not None:
        version.append(arm)
    return version.getroottree().getroot()


def creation_time(files: list[Path]) -> datetime:
    """When the datasets were written: the newest file time (so rebuilding define from the same files gives the
    same CreationDateTime)."""
    newest = max((path.stat().st_mtime for path in files), default=0.0)
    return datetime.fromtimestamp(newest, tz=UTC).replace(tzinfo=None)


def write_define(root: etree._Element, path: Path, stylesheet: str) -> Path:
    """Write ``root`` to ``path`` (UTF-8, XML declaration, an xml-stylesheet instruction for ``stylesheet``);
    the file appears complete or not at all."""
    tree = etree.ElementTree(root)
    root.addprevious(etree.ProcessingInstruction("xml-stylesheet", f'type="text/xsl" href="{stylesheet}"'))
    partial = path.with_suffix(".xml.partial")
    tree.write(str(partial), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    partial.replace(path)
    return path
