"""Fixtures of the define tests: the hand-built study written and defined once, and the official XSDs."""

from __future__ import annotations

from pathlib import Path

import defineutils
import pytest
from lxml import etree

from cdiscmm.define.folder import DefineOutput, define_folder
from tests.define.study import adam_datasets, sdtm_datasets, write_study

#: The official Define-XML 2.1 and ARM 1.0 schemas as the defineutils wheel ships them (a test dependency).
SCHEMA_DIR = Path(defineutils.__file__).parent / "validate" / "schema"
DEFINE_XSD = SCHEMA_DIR / "cdisc-define-2.1" / "define2-1-0.xsd"
ARM_XSD = SCHEMA_DIR / "cdisc-arm-1.0" / "arm1-0-0.xsd"


def schema_errors(define: Path, xsd: Path) -> list[str]:
    """The schema's complaints about ``define`` (empty when valid)."""
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    schema.validate(etree.parse(str(define)))
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


@pytest.fixture(scope="session")
def defined(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DefineOutput]:
    """The hand-built study's SDTM and ADaM folders, each with its define."""
    root = tmp_path_factory.mktemp("define-study")
    return {
        "sdtm": define_folder(write_study(root / "sdtm", sdtm_datasets())),
        "adam": define_folder(write_study(root / "adam", adam_datasets())),
    }
