"""The generated docs are what the code gives (mapping language, ADaM fallbacks); every example parses."""

from __future__ import annotations

import pytest
import yaml
from tools import adam_derivations, build_docs

from cdiscmm.adam.fallbacks import render_markdown
from cdiscmm.sdtm.spec import DomainMapping, DomainOverride, DomainStep, RecordStep, apply_override
from cdiscmm.sdtm.verbs import DOMAIN_VERBS, RECORD_VERBS

EXAMPLES = build_docs.load_examples()


def test_generated_document_is_up_to_date() -> None:
    """Regenerate and compare: a verb, an argument or a docstring changed without `python -m tools.build_docs`
    fails here."""
    assert build_docs.OUTPUT.read_text(encoding="utf-8") == build_docs.render()


def test_adam_inputs_table_is_up_to_date() -> None:
    assert build_docs.ADAM_INPUTS.read_text(encoding="utf-8") == render_markdown()


def test_adam_derivations_page_is_up_to_date() -> None:
    """A spec's derivations or a registered derivation changed without `make docs` fails here."""
    assert build_docs.ADAM_DERIVATIONS.read_text(encoding="utf-8") == adam_derivations.render()


def test_every_verb_has_exactly_one_example() -> None:
    assert sorted(EXAMPLES["verbs"]) == sorted([*RECORD_VERBS, *DOMAIN_VERBS])


@pytest.mark.parametrize("name", [*RECORD_VERBS, *DOMAIN_VERBS])
def test_example_is_parsed_by_the_spec_model_and_uses_its_verb(name: str) -> None:
    step = RecordStep if name in RECORD_VERBS else DomainStep
    entries = yaml.safe_load(EXAMPLES["verbs"][name]["yaml"])
    assert entries, "an example maps at least one target"
    verbs = {target: step.model_validate(value).verb()[0] for target, value in entries.items()}
    assert name in verbs.values()


def test_complete_mapping_and_override_examples_parse_and_merge() -> None:
    mapping = DomainMapping.model_validate(yaml.safe_load(EXAMPLES["mapping"]))
    override = DomainOverride.model_validate(yaml.safe_load(EXAMPLES["override"]))
    merged = apply_override(mapping, override)
    assert "AESPID" not in merged.sources[0].variables and "EPOCH" not in merged.derive
    assert merged.sources[0].variables["AETERM"].verb()[1].local == "AETERM"


def test_type_names_read_as_words() -> None:
    from typing import Literal

    assert build_docs.type_name(list[str] | None) == "list of text or null"
    assert build_docs.type_name(Literal["a", "b"]) == "one of `a`, `b`"
    assert build_docs.type_name(dict[str, list[int]]) == "mapping text → list of integer"


def _structure(markdown: str) -> tuple[int, list[int]]:
    """(number of ``##`` sections, rows of each pipe table in order) of a Markdown text."""
    sections = sum(line.startswith("## ") for line in markdown.splitlines())
    tables, rows = [], 0
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            rows += 1
        elif rows:
            tables.append(rows)
            rows = 0
    return sections, tables


def test_chinese_data_model_translates_the_current_english_text() -> None:
    """docs/data-model.zh.md (the data choices of the NMPA reviewer's guides) records the SHA-256 of the English
    text it translates: an edit of docs/data-model.md without updating the translation fails here, as does a
    translation that lost or added a section or a table row."""
    import hashlib
    import re
    from pathlib import Path

    docs = Path(build_docs.__file__).resolve().parent.parent / "docs"
    english = (docs / "data-model.md").read_text(encoding="utf-8")
    chinese = (docs / "data-model.zh.md").read_text(encoding="utf-8")
    recorded = re.search(r"SHA-256: ([0-9a-f]{64})", chinese)
    assert recorded is not None, "data-model.zh.md must name the SHA-256 of the English source"
    assert recorded.group(1) == hashlib.sha256(english.encode("utf-8")).hexdigest(), "translation is stale"
    assert _structure(chinese) == _structure(english)
    body = re.sub(r"<!--.*?-->", "", chinese, flags=re.DOTALL)
    headings = [line for line in body.splitlines() if line.startswith("#")]
    assert all(re.search(r"[\u4e00-\u9fff]", heading) for heading in headings), headings
