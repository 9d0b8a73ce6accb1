"""One folder of datasets to its define: define.xml, the stylesheet beside it and define.html.

The metadata are the folder's ``metadata.json`` (what the sdtm or adam stage built the datasets from); a folder
without one (a CRO's delivery) gets metadata made from the SDTMIG/ADaMIG specs and the XPT files
(:mod:`cdiscmm.define.fallback`), and the result says so. A package folder (datasets copied or relabelled by the
package step, no metadata.json) names the folders its datasets came from: their metadata, merged (the first
folder's dataset and codelist win; a local-language folder's own datasets, such as a continuation SUPP--, are
added), describe it, dated by those source files so a rebuild is identical. ``languages`` adds a
TranslatedText per language beside the English descriptions (:mod:`cdiscmm.define.language`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from cdiscmm.core.errors import Location, SpecError
from cdiscmm.define.build import DEFINE_FILE, asked, build_define, creation_time, write_define
from cdiscmm.define.fallback import metadata_from_specs
from cdiscmm.define.items import WrittenDataset
from cdiscmm.define.language import add_language
from cdiscmm.define.render import STYLESHEET, STYLESHEET_PATH, render_html
from cdiscmm.define.scan import scan_file
from cdiscmm.define.spec import AnalysisResults, DefineSpec, analysis_results, define_spec
from cdiscmm.define.xmlkit import PREFIXES, qname
from cdiscmm.io.metadata import METADATA_FILE, read_metadata
from cdiscmm.io.xpt.read import BLOCK_BYTES
from cdiscmm.metadata.model import SubmissionMetadata
from cdiscmm.metadata.translations import load_translations

HTML_FILE = "define.html"


@dataclass(frozen=True)
class DefineOutput:
    """The files written for one folder, and whether the metadata came from the specs (no metadata.json)."""

    define: Path
    stylesheet: Path
    html: Path
    from_specs: bool
    untranslated: tuple[str, ...] = ()


def read_written(
    folder: Path, metadata: SubmissionMetadata, results: AnalysisResults | None = None, block_bytes: int = BLOCK_BYTES
) -> Iterator[WrittenDataset]:
    """Each dataset of ``metadata`` with the scan of its file ``<name>.xpt`` (:mod:`cdiscmm.define.scan`: only
    the variables the metadata declare, about ``block_bytes`` of the file in memory at a time), answering what
    :func:`~cdiscmm.define.build.build_define` asks with ``results``; InputError when a file or a declared
    column is missing."""
    questions = asked(results)
    for meta in metadata.datasets:
        path = folder / f"{meta.name.lower()}.xpt"
        yield WrittenDataset(meta, scan_file(path, meta, questions.get(meta.name), block_bytes), path.name)


def with_versions(spec: DefineSpec, versions: Mapping[str, str], where: Path | None = None) -> DefineSpec:
    """``spec`` whose external dictionaries carry the versions a study states (study.yaml ``dictionaries``); a
    dictionary the define spec does not code with is a SpecError naming ``where``."""
    known = {dictionary.dictionary for dictionary in spec.dictionaries}
    for name in versions:
        if name not in known:
            raise SpecError(
                f"dictionary {name!r} codes no variable of define.xml",
                Location(file=str(where) if where else None, field=f"dictionaries.{name}"),
                expected=f"one of {', '.join(sorted(known))}",
            )
    return spec.model_copy(
        update={
            "dictionaries": [
                dictionary.model_copy(update={"version": versions.get(dictionary.dictionary, dictionary.version)})
                for dictionary in spec.dictionaries
            ]
        }
    )


def merged_metadata(folders: list[Path]) -> SubmissionMetadata:
    """The metadata.json of each of ``folders`` as one: datasets and codelists by name, the first folder's win."""
    first, *others = [read_metadata(folder) for folder in folders]
    datasets, codelists = list(first.datasets), list(first.codelists)
    for metadata in others:
        names, codes = {item.name for item in datasets}, {item.code for item in codelists}
        datasets += [item for item in metadata.datasets if item.name not in names]
        codelists += [item for item in metadata.codelists if item.code not in codes]
    return first.model_copy(update={"datasets": datasets, "codelists": codelists})


def relocate_documents(root: etree._Element, prefix: str) -> None:
    """Prefix the href of each document leaf (annotated CRF, reviewer's guide; not the dataset leaves) of the
    define ``root`` with ``prefix``: a local-language folder's define reaches the documents of its parent
    folder as ``../acrf.pdf``."""
    version = root.find("odm:Study/odm:MetaDataVersion", PREFIXES)
    for leaf in version.iterfind("def:leaf", PREFIXES) if version is not None else []:
        leaf.set(qname("xlink:href"), prefix + leaf.get(qname("xlink:href"), ""))


def define_folder(
    folder: Path,
    languages: tuple[str, ...] = (),
    metadata_folders: tuple[Path, ...] = (),
    documents_prefix: str = "",
    dictionary_versions: Mapping[str, str] | None = None,
    study_file: Path | None = None,
) -> DefineOutput:
    """Write ``define.xml``, ``define2-1.xsl`` and ``define.html`` into ``folder`` (module rules); the
    metadata come from ``metadata_folders`` when given, else from ``folder``; the documents' hrefs start with
    ``documents_prefix`` (``../`` for a local-language folder); ``dictionary_versions`` (from ``study_file``)
    name the version of each external dictionary."""
    sources = list(metadata_folders) or [folder]
    from_specs = not (sources[0] / METADATA_FILE).is_file()
    metadata = metadata_from_specs(folder) if from_specs else merged_metadata(sources)
    results = analysis_results() if metadata.standard.upper().startswith("ADAM") else None
    files = [f"{meta.name.lower()}.xpt" for meta in metadata.datasets]
    dated = [next((source / file for source in sources if (source / file).is_file()), folder / file) for file in files]
    dated = [path for path in dated if path.is_file()]  # a missing file is read_written's InputError
    written = read_written(folder, metadata, results)
    spec = with_versions(define_spec(), dictionary_versions or {}, study_file)
    root = build_define(metadata, written, spec, results, creation_time(dated))
    relocate_documents(root, documents_prefix)
    untranslated = sorted({text for language in languages for text in add_language(root, load_translations(language))})
    define = write_define(root, folder / DEFINE_FILE, STYLESHEET)
    stylesheet = folder / STYLESHEET
    shutil.copyfile(STYLESHEET_PATH, stylesheet)
    html = render_html(define, stylesheet, folder / HTML_FILE)
    return DefineOutput(define, stylesheet, html, from_specs, tuple(untranslated))
