"""define.html as a browser shows it: headless Chromium renders the page, and each dataset's table and a
codelist's terms are in the DOM it built."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from cdiscmm.define.folder import DefineOutput
from tests.browser import needs_chromium, rendered_dom

pytestmark = needs_chromium


def _column(table: lxml.html.HtmlElement, index: int) -> list[str]:
    return [row.xpath("td")[index].text_content().strip() for row in table.xpath(".//tr[td]")]


@pytest.mark.parametrize(
    ("kind", "tables"),
    [
        ("sdtm", {"DM": ["STUDYID", "DOMAIN", "USUBJID", "AGE", "SEX", "RFSTDTC"], "AE": None, "SUPPAE": None}),
        ("adam", {"ADSL": ["STUDYID", "USUBJID", "SAFFL", "TRTSDT"], "ADRS": None, "ADTTE": None}),
    ],
)
def test_chromium_shows_every_dataset_table(
    defined: dict[str, DefineOutput], tmp_path: Path, kind: str, tables: dict[str, list[str] | None]
) -> None:
    dom = rendered_dom(defined[kind].html, tmp_path / "profile")
    for name, variables in tables.items():
        table = dom.get_element_by_id(f"IG.{name}")
        assert table.tag == "table"
        assert name in table.xpath("string(caption)")
        if variables is not None:
            assert _column(table, 0) == variables


def test_chromium_shows_a_codelists_terms(defined: dict[str, DefineOutput], tmp_path: Path) -> None:
    dom = rendered_dom(defined["sdtm"].html, tmp_path / "profile")
    sex = dom.get_element_by_id("CL.C66731")
    assert _column(sex, 0) == ["F", "M"]
    assert _column(sex, 1) == ["Female", "Male"]
    assert _column(sex, 2) == ["C16576", "C20197"]
    assert dom.xpath("//a[@href='#CL.C66731']")  # the SEX variable links to it
