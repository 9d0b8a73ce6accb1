"""A new study's mappings folder (``cdiscmm init``): study.yaml and one override file per shared domain mapping.

The skeleton is valid as written: ``study.yaml`` has every required field and reference dates read from the
forms the shared mappings read (``ic``, ``ex``, ``eos``, ``dth``, ``surv``), and each ``<domain>.yaml`` is a
:class:`~cdiscmm.sdtm.spec.DomainOverride` naming the shared sources unchanged, with the shared targets and
their verbs listed in comments as the starting point for the study's changes. The JSON Schemas are written to
``<folder>/schema/`` so that an editor checks the files (``# yaml-language-server: $schema=...``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import yaml

from cdiscmm.core.errors import Location, UsageError
from cdiscmm.metadata.study import Region, StudyConfig, load_study
from cdiscmm.sdtm.loader import DOMAIN_FILE, load_mapping_file
from cdiscmm.sdtm.schema import write_schemas
from cdiscmm.sdtm.spec import DomainMapping

#: The design every shared mapping supports: consent, first and last dose, end of study, death, last contact.
DEFAULT_DESIGN = """\
design:
  # No protocol-assigned arm (observational; DM assumption 4). An interventional study gives instead:
  # arm: {armcd: ARMA, arm: Treatment A}
  arm_null_reason: NOT ASSIGNED
  reference_dates:
    RFICDTC: {pick: first, sources: [{form: ic, date: ICDAT}]}
    RFSTDTC: {pick: first, sources: [{form: ex, date: EXDAT, time: EXSTTIM}]}
    RFXSTDTC: {pick: first, sources: [{form: ex, date: EXDAT, time: EXSTTIM}]}
    RFXENDTC: {pick: last, sources: [{form: ex, date: EXDAT, time: EXSTTIM}]}
    RFENDTC: {pick: last, sources: [{form: eos, date: EOSDAT}, {form: dth, date: DTHDAT}]}
    RFPENDTC: {pick: last, sources: [{form: eos, date: EOSDAT}, {form: dth, date: DTHDAT}, {form: surv, date: SVDAT}]}
    DTHDTC: {pick: first, sources: [{form: dth, date: DTHDAT}]}
  epochs:
    - {epoch: BASELINE}
    - {epoch: TREATMENT, start: RFXSTDTC}
    - {epoch: FOLLOW-UP, start: RFXENDTC, offset_days: 1}
  epochs_end: RFPENDTC
"""


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=1000).removesuffix("\n...\n").strip()


def render_study_yaml(studyid: str, title: str, sponsor: str, region: Region, language: str, domains: list[str]) -> str:
    """The text of a new study.yaml (validated as :class:`StudyConfig` before it is written)."""
    text = (
        "# yaml-language-server: $schema=../schema/study.schema.json\n"
        f"studyid: {_quoted(studyid)}\n"
        f"title: {_quoted(title)}\n"
        f"sponsor: {_quoted(sponsor)}\n"
        f"region: {region}\n"
        f"language: {language}\n"
        "# encoding of the collected CSV export: utf-8 (default), cp932, shift_jis or gb18030\n"
        "encoding: utf-8\n"
        "# the SDTM domains mapped: remove a domain the study does not collect\n"
        f"domains: [{', '.join(domains)}]\n"
        f"{DEFAULT_DESIGN}"
        "trial_summary:\n"
        f"  - {{parmcd: TITLE, value: {_quoted(title)}}}\n"
        f"  - {{parmcd: SPONSOR, value: {_quoted(sponsor)}}}\n"
        "  - {parmcd: SSTDTC, derive: earliest_consent}\n"
        "  - {parmcd: ACTSUB, derive: subject_count}\n"
        '  - {parmcd: SDTIGVER, value: "3.4"}\n'
    )
    StudyConfig.model_validate(yaml.safe_load(text))
    return text


def _verb_names(steps: dict) -> str:
    return ", ".join(f"{target} ({step.verb()[0]})" for target, step in steps.items())


def _comment(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=110, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}#   ")


def render_override(mapping: DomainMapping, shared_file: Path, studyid: str) -> str:
    """A domain override naming every shared source unchanged, with the shared targets in comments."""
    lines = [
        "# yaml-language-server: $schema=../schema/domain-mapping.schema.json",
        f"# {studyid} {mapping.domain}: changes to the shared mapping {shared_file.name} (docs/mapping-language.md).",
        "# Under a source: `variables: {TARGET: {verb: {...}}}` replaces a target's verb (null removes it),",
        "# `drop: true` removes a form the study does not collect; a source with a new form is added.",
        f"domain: {mapping.domain}",
        "sources:",
    ]
    for source in mapping.sources:
        lines.append(f"  - form: {source.form}")
        if source.name is not None:
            lines.append(f"    name: {source.name}")
        lines += _comment(f"shared variables: {_verb_names(source.variables)}", "    ")
        if source.supp:
            lines += _comment(f"shared supp: {', '.join(source.supp)}", "    ")
    if mapping.derive:
        lines += _comment(f"shared derive: {_verb_names(mapping.derive)}", "")
    return "\n".join(lines) + "\n"


def create_study(
    out: Path,
    studyid: str,
    shared_folder: Path,
    *,
    title: str | None = None,
    sponsor: str = "Sponsor",
    region: Region = "FDA",
    language: str = "en",
) -> Path:
    """Write ``<out>/<studyid lower-case>/`` (study.yaml and one override per shared mapping) and
    ``<out>/schema/``; return the study folder. An existing study folder is never overwritten."""
    folder = out / studyid.lower()
    if folder.exists():
        raise UsageError("study folder already exists", Location(file=str(folder), field="--out"))
    shared = sorted(path for path in shared_folder.glob("*.yaml") if DOMAIN_FILE.match(path.name))
    mappings = {path: load_mapping_file(path, DomainMapping)[0] for path in shared}
    domains = sorted(mapping.domain for mapping in mappings.values())
    study_text = render_study_yaml(studyid, title or f"Study {studyid}", sponsor, region, language, domains)
    folder.mkdir(parents=True)
    (folder / "study.yaml").write_text(study_text, encoding="utf-8")
    for path, mapping in mappings.items():
        (folder / path.name).write_text(render_override(mapping, path, studyid), encoding="utf-8")
    write_schemas(out / "schema")
    load_study(folder)
    return folder
