"""The collected (EDC) codelists of the core forms, read from ``mappings/shared/collected-codelists.yaml``.

Codes are what the EDC exports, not CDISC submission values; the SDTM mapping translates them. The IMWG
response order below follows Kumar et al., Lancet Oncol 2016 (domain reference §1.1).
"""

from __future__ import annotations

from functools import cache

from pydantic import RootModel

from cdiscmm.core.paths import mappings_dir
from cdiscmm.metadata.yamlio import load_model

#: The file of the collected codelists, in ``mappings/shared/`` beside the study designs.
CODELISTS_FILE = "collected-codelists.yaml"


class CollectedCodelists(RootModel[dict[str, dict[str, str]]]):
    """Codelist name -> {code as collected: decode}."""


@cache
def collected_codelists() -> dict[str, dict[str, str]]:
    """The collected codelists of ``mappings/shared/collected-codelists.yaml`` (SpecError naming file and line)."""
    return load_model(mappings_dir() / "shared" / CODELISTS_FILE, CollectedCodelists).root


#: IMWG response categories from worst to best (Kumar 2016); the index is the ordinal level used internally.
RESPONSE_LEVELS: tuple[str, ...] = ("PD", "SD", "MR", "PR", "VGPR", "CR", "sCR")

#: Categories that count as response (ORR: PR or better; Kumar 2016, admiralonco ``rsp_y_imwg``).
RESPONDER_MIN_LEVEL = RESPONSE_LEVELS.index("PR")


def select(*names: str) -> dict[str, dict[str, str]]:
    """The named codelists, for a form's ``codelists`` attribute."""
    codelists = collected_codelists()
    return {name: codelists[name] for name in names}
