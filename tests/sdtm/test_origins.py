"""Origins of SDTM variables: the precedence of specs/sdtm/origins.yaml over the mapping verbs, a whole small build's
origin per variable (hand-worked table), the DM reference-date rule in words, TSVAL described per parameter."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from cdiscmm.core.paths import specs_dir
from cdiscmm.metadata.origins import DeclaredOrigin, OriginsSpec, declared_origins
from cdiscmm.metadata.standards import sdtm_ct, sdtmig
from cdiscmm.metadata.study import ReferenceDate, load_study
from cdiscmm.metadata.yamlio import read_yaml
from cdiscmm.sdtm.build import build_datasets
from cdiscmm.sdtm.describe import resolve_origin
from cdiscmm.sdtm.dm import describe_reference_date
from cdiscmm.sdtm.ts import build_ts
from tests.sdtm.conftest import read_csv_form
from tests.sdtm.test_build import standards, study  # noqa: F401  (study is the fixture of the small build)
from tests.sdtm.test_ts import ts_config

SPEC = OriginsSpec(
    variables={"STUDYID": DeclaredOrigin(origin="Assigned", description="the study")},
    datasets={
        "DM": {"RFSTDTC": DeclaredOrigin(origin="Derived", method="first exposure")},
        "SUPPQUAL": {"STUDYID": DeclaredOrigin(origin="Protocol")},
    },
    overrides={"--TESTCD": DeclaredOrigin(origin="Assigned", description="sponsor test code")},
    collected_by={"QS.QSORRES": "Subject"},
    coded={"MedDRA": {"origin": {"origin": "Assigned", "description": "MedDRA"}, "variables": ["AEDECOD"]}},
    not_available=DeclaredOrigin(origin="Not Available", description="not collected"),
)
COLLECTED = {"origin": "Collected", "origin_source": "Investigator", "source": "ae form, field X", "method": None}


@pytest.mark.parametrize(
    ("dataset", "name", "mapped", "present", "expected"),
    [
        # nothing fills it: Not Available, whatever is declared or coded
        ("AE", "AEDECOD", None, False, ("Not Available", None, "not collected", None)),
        # a verb copies a coded value: the dictionary's origin, the form and field after its text
        ("AE", "AEDECOD", COLLECTED, True, ("Assigned", "Sponsor", "MedDRA; ae form, field X", None)),
        # --TESTCD is any domain's test code
        ("LB", "LBTESTCD", COLLECTED, True, ("Assigned", "Sponsor", "sponsor test code; ae form, field X", None)),
        # a questionnaire answer is given by the subject
        ("QS", "QSORRES", COLLECTED, True, ("Collected", "Subject", "ae form, field X", None)),
        # the mapping's own origin otherwise
        ("QS", "QSDTC", COLLECTED, True, ("Collected", "Investigator", "ae form, field X", None)),
        # no verb: the dataset's declaration, then the one of every dataset
        ("DM", "RFSTDTC", None, True, ("Derived", "Sponsor", None, "first exposure")),
        ("SUPPAE", "STUDYID", None, True, ("Protocol", "Sponsor", None, None)),
        ("AE", "STUDYID", None, True, ("Assigned", "Sponsor", "the study", None)),
    ],
)
def test_origin_precedence(
    dataset: str, name: str, mapped: dict[str, str | None] | None, present: bool, expected: tuple[object, ...]
) -> None:
    fields = resolve_origin(dataset, name, mapped, present=present, spec=SPEC)
    assert fields is not None
    assert (fields["origin"], fields["origin_source"], fields["source"], fields["method"]) == expected


def test_a_variable_nothing_declares_has_no_origin() -> None:
    assert resolve_origin("AE", "AETERM", None, present=True, spec=SPEC) is None


@pytest.mark.parametrize(
    "fields", [{"origin": "Derived"}, {"origin": "Assigned", "method": "x"}, {"origin": "Made up", "method": "x"}]
)
def test_a_derived_origin_and_only_it_states_a_method(fields: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        DeclaredOrigin(**fields)


def test_bundled_coded_variables_are_the_ones_define_codes_with_each_dictionary() -> None:
    """The dictionary-coded variables are listed for their origin (sdtm) and for their ExternalCodeList (define):
    the two lists must name the same variables."""
    define_spec, _ = read_yaml(specs_dir() / "define" / "define.yaml")
    in_define = {entry["dictionary"]: set(entry["variables"]) for entry in define_spec["dictionaries"]}
    coded = {name: set(entry.variables) for name, entry in declared_origins().coded.items()}
    assert coded == in_define


def test_small_build_gives_every_variable_its_origin(study: tuple[Path, Path]) -> None:  # noqa: F811
    folder, raw = study
    build = build_datasets(load_study(folder), raw, standards=standards(), reader=read_csv_form)
    origins = {
        f"{name}.{variable.name}": (variable.origin, variable.origin_source)
        for name, dataset in build.datasets.items()
        for variable in dataset.meta.variables
    }
    assert origins == {
        "DM.STUDYID": ("Assigned", "Sponsor"),
        "DM.DOMAIN": ("Assigned", "Sponsor"),
        "DM.USUBJID": ("Derived", "Sponsor"),
        "DM.SUBJID": ("Collected", "Investigator"),
        "DM.RFSTDTC": ("Derived", "Sponsor"),
        "DM.AGE": ("Collected", "Investigator"),
        "DM.AGEU": ("Assigned", "Sponsor"),
        "DM.ARMCD": ("Assigned", "Sponsor"),
        "DM.ARMNRS": ("Assigned", "Sponsor"),
        "DM.ACTARMUD": ("Not Available", None),  # no arm planned (arm_null_reason)
        "AE.STUDYID": ("Assigned", "Sponsor"),
        "AE.DOMAIN": ("Assigned", "Sponsor"),
        "AE.USUBJID": ("Derived", "Sponsor"),
        "AE.AESEQ": ("Derived", "Sponsor"),
        "AE.AETERM": ("Collected", "Investigator"),
        "AE.AEDECOD": ("Assigned", "Sponsor"),  # MedDRA-coded, though a record verb copies it
        "AE.AESEV": ("Collected", "Investigator"),
        "AE.AESTDTC": ("Collected", "Investigator"),
        "AE.AEENDTC": ("Not Available", None),  # Expected, no source maps it
        "SUPPAE.STUDYID": ("Assigned", "Sponsor"),
        "SUPPAE.RDOMAIN": ("Assigned", "Sponsor"),
        "SUPPAE.USUBJID": ("Derived", "Sponsor"),
        "SUPPAE.IDVAR": ("Assigned", "Sponsor"),
        "SUPPAE.IDVARVAL": ("Derived", "Sponsor"),
        "SUPPAE.QNAM": ("Assigned", "Sponsor"),
        "SUPPAE.QLABEL": ("Assigned", "Sponsor"),
        "SUPPAE.QVAL": (None, None),  # described per QNAM
        "SUPPAE.QORIG": ("Assigned", "Sponsor"),
        "SUPPAE.QEVAL": ("Assigned", "Sponsor"),
        "TS.STUDYID": ("Assigned", "Sponsor"),
        "TS.DOMAIN": ("Assigned", "Sponsor"),
        "TS.TSSEQ": ("Derived", "Sponsor"),
        "TS.TSPARMCD": ("Assigned", "Sponsor"),
        "TS.TSPARM": ("Assigned", "Sponsor"),
        "TS.TSVAL": ("Protocol", "Sponsor"),  # no parameter to describe it by
    }
    qval = build.datasets["SUPPAE"].meta.variable("QVAL").value_level
    assert [(level.where[0].values, level.origin, level.origin_source) for level in qval] == [
        (("AETERM1",), "Collected", "Investigator"),
        (("AETOCI",), "Collected", "Investigator"),
    ]
    dm = build.datasets["DM"].meta
    assert dm.variable("RFSTDTC").method == (
        "Per subject, the first of the dates of: ae form, field AESTDAT; partial dates kept at their collected "
        "precision (SDTMIG 3.4 DM assumptions 8 and 9)"
    )
    assert build.datasets["AE"].meta.variable("AEDECOD").source == (
        "Coded with MedDRA (version: the MedDRA ExternalCodeList); ae form, field AEDECOD"
    )
    assert build.local["ja/AE"].meta.variable("AEDECOD").origin == "Assigned"


def test_reference_date_rule_in_words_names_every_candidate_and_its_row_test() -> None:
    rule = ReferenceDate.model_validate(
        {
            "pick": "last",
            "sources": [
                {"form": "ex", "date": "EXDAT", "time": "EXTIM"},
                {"form": "ds", "date": "DSDAT", "condition_add": [{"field": "DSDECOD", "equals": "DEATH"}]},
            ],
        }
    )
    assert describe_reference_date(rule) == (
        "Per subject, the last of the dates of: ex form, field EXDAT with time EXTIM; ds form, field DSDAT where "
        "DSDECOD = 'DEATH'; partial dates kept at their collected precision (SDTMIG 3.4 DM assumptions 8 and 9)"
    )


def test_tsval_is_protocol_per_parameter_and_derived_where_the_value_comes_from_dm() -> None:
    config = ts_config(
        {"parmcd": "SEXPOP", "value": "BOTH", "codelist": "C66732"},
        {"parmcd": "TTYPE", "values": ["EFFICACY", "SAFETY"], "codelist": "C66739"},
        {"parmcd": "ACTSUB", "derive": "subject_count"},
    )
    dm = pd.DataFrame({"USUBJID": ["X-1", "X-2"], "RFICDTC": ["2024-01-02", None]})
    ts = build_ts(config, dm, sdtm_ct(), sdtmig()["TS"])
    tsval = ts.meta.variable("TSVAL")
    assert tsval.origin is None  # stated per parameter
    assert [
        (level.where[0].values[0], level.origin, level.origin_source, level.method) for level in tsval.value_level
    ] == [
        ("SEXPOP", "Protocol", "Sponsor", None),
        ("TTYPE", "Protocol", "Sponsor", None),
        ("ACTSUB", "Derived", "Sponsor", "The number of subjects in DM (distinct USUBJID)"),
    ]
    assert tsval.value_level[0].source == "The value the protocol states"
    assert ts.meta.variable("TSSEQ").origin == "Derived"
