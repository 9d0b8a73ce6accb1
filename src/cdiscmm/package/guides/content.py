"""The content of the cSDRG and the ADRG, generated from the run, laid out after the PHUSE templates' sections.

Sources (nothing is typed in by hand): the study's TS dataset (protocol title and design), the package's own
datasets (inventory: label as submitted, class from ``metadata.json`` when the stage wrote one, records and
variables counted from the XPT header, size in bytes), the standards and CT versions (:mod:`versions`), the
mapping specs (``mappings/<study>/`` and ``mappings/shared/``: source forms per domain), the ADaM specs
(``specs/adam/``: structure, keys, derived variables), the data choices (``docs/data-model.md``), the judged
findings with their explanations, and the region profile (agency, encoding statement, language). Fixed text
comes from ``specs/guides/<language>.yaml``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml
from pydantic import BaseModel, ConfigDict

from cdiscmm.core.paths import mappings_dir, specs_dir
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.metadata.translations import Translations
from cdiscmm.metadata.yamlio import load_model
from cdiscmm.package.assemble import PackageFile
from cdiscmm.package.checks import Judged
from cdiscmm.package.profile import RegionProfile
from cdiscmm.package.relabel import read_labels, records_in, variable_names
from cdiscmm.package.versions import ct_versions, standard_versions


class GuideText(BaseModel):
    """Fixed text of the guides in one language (``specs/guides/<language>.yaml``)."""

    model_config = ConfigDict(extra="forbid")

    language: str
    text: dict[str, str]


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]


@dataclass
class Block:
    """One section: heading, paragraphs, tables (in that order)."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Guide:
    title: str
    subtitle: str
    language: str
    blocks: list[Block]


@dataclass(frozen=True)
class GuideInputs:
    """What a guide is made from (see the module docstring)."""

    studyid: str
    profile: RegionProfile
    sdtm: Path
    adam: Path
    files: list[PackageFile]
    judged: list[Judged]
    validation_summary: str
    data_choices: str
    translations: Translations | None = None

    def term(self, english: str) -> str:
        """``english`` in the guide's language (TS parameter names, dataset classes), when translated."""
        return self.translations.term(english) if self.translations else english


def load_text(language: str) -> dict[str, str]:
    """The fixed text of ``language``."""
    return load_model(specs_dir() / "guides" / f"{language}.yaml", GuideText).text


def standards_table(text: dict[str, str]) -> Table:
    """One row per implementation guide, Define-XML and CT package, with its version."""
    rows = [[name, version] for name, version in {**standard_versions(), **ct_versions()}.items()]
    return Table([text["h_standard"], text["h_version"]], rows)


def _classes(folder: Path) -> dict[str, str]:
    path = folder / "metadata.json"
    if not path.is_file():
        return {}
    datasets = json.loads(path.read_text(encoding="utf-8")).get("datasets", [])
    return {item["name"]: item.get("class", "") for item in datasets}


def inventory(files: list[PackageFile], folder: Path, text: dict[str, str], inputs: GuideInputs) -> Table:
    """One row per dataset of the package folder (local-language copies as ``ja/AE``): name, label as submitted,
    class, records, variables, bytes."""
    classes = {name: inputs.term(value) for name, value in _classes(folder).items()}
    rows = []
    for file in [file for file in files if file.kind.endswith("dataset")]:
        path = PurePosixPath(file.path)
        local = f"{path.parent.name}/" if file.kind == "local-dataset" else ""
        name = f"{local}{path.stem.upper()}"
        head, last = file.ends()  # a copy's observations are not read: its head, its size and its end suffice
        label, _ = read_labels(head, file.path)
        variables = len(variable_names(head, file.path))
        records = records_in(head, file.size, last, file.path)
        kind = classes.get(path.stem.upper(), "")
        rows.append([name, label, kind, str(records), str(variables), str(file.size)])
    columns = [text[key] for key in ("h_dataset", "h_label", "h_class", "h_records", "h_variables", "h_bytes")]
    return Table(columns, rows)


def _forms(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(source.get("form", "")) for source in data.get("sources", []) if isinstance(source, dict)]


def mapping_summary(studyid: str, domains: list[str], text: dict[str, str]) -> Table:
    """Per SDTM domain: the mapping files the study uses (its own, shared) and the collected forms they read."""
    study, shared = mappings_dir() / studyid.lower(), mappings_dir() / "shared"
    rows = []
    for domain in domains:
        specs = [
            path for path in (study / f"{domain.lower()}.yaml", shared / f"{domain.lower()}.yaml") if path.is_file()
        ]
        forms = sorted({form for path in specs for form in _forms(path) if form})
        names = [path.relative_to(mappings_dir()).as_posix() for path in specs]
        rows.append([domain, ", ".join(names) or "-", ", ".join(forms) or "-"])
    return Table([text["h_domain"], text["h_specs"], text["h_sources"]], rows)


def derivation_summary(datasets: list[str], text: dict[str, str]) -> Table:
    """Per ADaM dataset with a spec: structure, keys and the variables it derives (origin Derived or a method)."""
    rows = []
    for name in datasets:
        path = specs_dir() / "adam" / f"{name.lower()}.yaml"
        if not path.is_file():
            continue
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        variables = spec.get("variables", [])
        derived = [item["name"] for item in variables if item.get("origin") == "Derived" or item.get("method")]
        rows.append([name, str(spec.get("structure", "")), ", ".join(spec.get("keys", [])), ", ".join(derived)])
    return Table([text["h_dataset"], text["h_structure"], text["h_keys"], text["h_derived"]], rows)


def trial_summary(sdtm: Path, text: dict[str, str], inputs: GuideInputs) -> tuple[str, Table]:
    """The protocol title and the TS parameters (TSPARM, TSVAL joined per parameter) of the study's TS dataset."""
    path = sdtm / "ts.xpt"
    if not path.is_file():
        return "", Table([text["h_parameter"], text["h_value"]], [])
    ts = read_xpt(path).data
    grouped = ts.groupby(["TSPARMCD", "TSPARM"], sort=False)["TSVAL"].agg(
        lambda values: "; ".join(v for v in values if v)
    )
    title = " ".join(ts.loc[ts["TSPARMCD"].eq("TITLE"), "TSVAL"])
    rows = [[inputs.term(parm), value] for (_, parm), value in grouped.items()]
    return title, Table([text["h_parameter"], text["h_value"]], rows)


def conformance(inputs: GuideInputs, text: dict[str, str]) -> Block:
    """Section 4: the validation summary and every finding of a class the region refuses or wants explained."""
    profile = inputs.profile
    classes = [
        *profile.validation.refuse,
        *[c for c in profile.validation.explain if c not in profile.validation.refuse],
    ]
    keys = ("h_rule", "h_severity", "h_where", "h_variable", "h_count", "h_message", "h_explanation")
    rows = [
        [
            item.finding.rule,
            item.finding.severity,
            item.finding.where.split(f"/{inputs.studyid.lower()}/", 1)[-1],
            item.finding.variable,
            str(item.finding.count),
            item.finding.message,
            item.explanation or text["unexplained"],
        ]
        for item in inputs.judged
        if item.finding.severity in classes
    ]
    paragraph = text["conformance_text"].format(summary=inputs.validation_summary, classes=", ".join(classes))
    return Block(text["s_conformance"], [paragraph], [Table([text[key] for key in keys], rows)])


def _plain(text: str) -> str:
    return re.sub(r"\*\*|`", "", text).strip()


def data_choice_blocks(markdown: str, heading: str) -> list[Block]:
    """``docs/data-model.md`` as blocks: each ``##`` section a numbered sub-heading under ``heading``, its pipe
    tables as tables, its other lines as paragraphs (blank-line separated); code and emphasis marks and HTML
    comments (a translation's source note) removed."""
    blocks = [Block(heading)]
    number = 0
    paragraph: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if paragraph:
            blocks[-1].paragraphs.append(_plain(" ".join(paragraph)))
            paragraph.clear()
        if table:
            blocks[-1].tables.append(Table(table[0], table[1:]))
            table.clear()

    for line in re.sub(r"<!--.*?-->\n?", "", markdown, flags=re.DOTALL).splitlines():
        if line.startswith("## "):
            flush()
            number += 1
            blocks.append(Block(f"{heading.split(' ')[0]}.{number} {_plain(line[3:])}"))
        elif line.startswith("# "):
            continue
        elif line.startswith("|"):
            if paragraph:
                flush()
            cells = [_plain(cell) for cell in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", cell) for cell in cells):
                table.append(cells)
        elif not line.strip():
            flush()
        else:
            if table or line.lstrip().startswith("- "):
                flush()
            paragraph.append(line.strip())
    flush()
    return blocks


def _common(inputs: GuideInputs, text: dict[str, str], purpose: str) -> list[Block]:
    profile = inputs.profile
    local = {"ja": text["local_ja"], "zh": text["local_zh"]}.get(
        profile.datasets.local_language or "", text["local_none"]
    )
    title, design = trial_summary(inputs.sdtm, text, inputs)
    return [
        Block(text["s_intro"]),
        Block(text["s_purpose"], [text[purpose].format(studyid=inputs.studyid, agency=profile.agency)]),
        Block(text["s_standards"], tables=[standards_table(text)]),
        Block(text["s_encoding"], [text["encoding_text"].format(encoding=profile.encoding, local=local)]),
        Block(text["s_protocol"]),
        Block(text["s_title"], [f"{inputs.studyid}: {title}"]),
        Block(text["s_design"], tables=[design]),
    ]


def _folder_files(inputs: GuideInputs, folder: str) -> list[PackageFile]:
    """The files of one m5 folder, with its local-language sub-folder (PMDA ja/)."""
    prefix = getattr(inputs.profile.tree, folder).format(study=inputs.studyid.lower()) + "/"
    return [
        file
        for file in inputs.files
        if file.path.startswith(prefix) and ("/" not in file.path[len(prefix) :] or file.kind == "local-dataset")
    ]


def build_csdrg(inputs: GuideInputs) -> Guide:
    """The cSDRG: introduction, standards, encoding, protocol, dataset inventory, mapping, data choices, conformance."""
    text = load_text(inputs.profile.guides.language)
    files = _folder_files(inputs, "sdtm")
    domains = [
        PurePosixPath(f.path).stem.upper()
        for f in files
        if f.kind == "dataset" and not PurePosixPath(f.path).stem.startswith("supp")
    ]
    blocks = _common(inputs, text, "purpose_csdrg")
    blocks += [
        Block(text["s_datasets_sdtm"]),
        Block(text["s_inventory"], tables=[inventory(files, inputs.sdtm, text, inputs)]),
        Block(text["s_mapping"], tables=[mapping_summary(inputs.studyid, domains, text)]),
        *data_choice_blocks(inputs.data_choices, text["s_choices"]),
        conformance(inputs, text),
    ]
    return Guide(
        text["csdrg_title"], f"{inputs.studyid} ({inputs.profile.agency})", inputs.profile.guides.language, blocks
    )


def build_adrg(inputs: GuideInputs) -> Guide:
    """The ADRG: introduction, standards, encoding, protocol, analysis datasets, derivations, conformance, programs."""
    text = load_text(inputs.profile.guides.language)
    files = _folder_files(inputs, "adam")
    datasets = [PurePosixPath(file.path).stem.upper() for file in files if file.kind == "dataset"]
    programs = [PurePosixPath(file.path).name for file in _folder_files(inputs, "programs")]
    blocks = _common(inputs, text, "purpose_adrg")
    blocks += [
        Block(text["s_datasets_adam"]),
        Block(text["s_inventory"], tables=[inventory(files, inputs.adam, text, inputs)]),
        Block(text["s_derivations"], tables=[derivation_summary(datasets, text)]),
        conformance(inputs, text),
        Block(text["s_programs"], [text["programs_text"].format(programs=", ".join(programs) or text["none"])]),
    ]
    return Guide(
        text["adrg_title"], f"{inputs.studyid} ({inputs.profile.agency})", inputs.profile.guides.language, blocks
    )
