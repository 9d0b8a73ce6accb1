"""``--TEST``: the test name paired with each test code in CT (``derive_test_name``)."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from cdiscmm.core.errors import SpecError
from cdiscmm.metadata.model import Codelist
from cdiscmm.sdtm.verbs.base import DomainContext, VerbArgs, domain_verb


class DeriveTestNameArgs(VerbArgs):
    """``derive_test_name: {testcd: QSTESTCD, codelists: {C161619: C161618, MY20TC: MY20TN}}``."""

    testcd: str = Field(description="The domain's test-code variable, e.g. QSTESTCD")
    codelists: dict[str, str] = Field(
        description="Test-code codelist → its paired test-name codelist (NCI C-codes or sponsor ids)", min_length=1
    )


def compute_test_names(testcd: Codelist, test: Codelist) -> dict[str, str]:
    """Test code → test name for a pair of codelists.

    CDISC publishes --TESTCD and --TEST codelists as pairs whose terms share one NCI C-code (e.g. EOR0101 and
    "EOR01-Trouble Doing Strenuous Activities" are both C161674 in C161619/C161618); a sponsor pair, which has no
    C-codes, names the test code as the decode of each test-name term (``specs/ct/sponsor.yaml``).
    """
    by_code = {term.code: term.submission_value for term in test.terms if term.code}
    by_decode = {term.decode: term.submission_value for term in test.terms if term.decode}
    names: dict[str, str] = {}
    for term in testcd.terms:
        name = by_code.get(term.code) if term.code else None
        name = name or by_decode.get(term.submission_value)
        if name is None:
            raise SpecError(
                f"test code {term.submission_value} of codelist {testcd.code} has no paired term in {test.code}",
                expected="test-code and test-name codelists with matching NCI C-codes or decodes",
            )
        names[term.submission_value] = name
    return names


@domain_verb(DeriveTestNameArgs)
def derive_test_name(frame: pd.DataFrame, args: DeriveTestNameArgs, context: DomainContext) -> pd.Series:
    """The test name of each record's test code, from the paired CT codelists (SDTMIG 3.4 §4.5.3: --TEST is
    the name of the test in --TESTCD, one to one); so a study map names only the test code and the name is
    never written twice. A code in none of the named codelists leaves --TEST null."""
    if context.ct is None:
        raise SpecError("derive_test_name needs the CT registry", expected="a build with standards")
    lookup: dict[str, str] = {}
    for testcd_code, test_code in args.codelists.items():
        lookup.update(compute_test_names(context.ct.get(testcd_code), context.ct.get(test_code)))
    return frame[args.testcd].map(lookup).astype("string")
