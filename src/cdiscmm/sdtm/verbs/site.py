"""``COUNTRY``: the investigational site's country for a subject whose collected country is unusable
(``derive_site_country``)."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from cdiscmm.sdtm.verbs.base import DomainContext, VerbArgs, domain_verb


class DeriveSiteCountryArgs(VerbArgs):
    """``derive_site_country: {site: SITEID}``: fills COUNTRY where it is null."""

    site: str = Field("SITEID", description="DM variable identifying the investigational site")
    country: str = Field("COUNTRY", description="DM variable holding the collected country")


@domain_verb(DeriveSiteCountryArgs)
def derive_site_country(frame: pd.DataFrame, args: DeriveSiteCountryArgs, context: DomainContext) -> pd.Series:
    """COUNTRY where collected; else the country of the subject's site.

    Rule: SDTMIG 3.4 DM defines COUNTRY as "the country of the investigational site in which the subject
    participated", an attribute of the site, so a subject whose collected code was unreadable (reported in
    issues.csv) takes the one country the site's other subjects were collected with. A site with no other subject,
    or whose subjects name several countries, gives no value (the Req variable stays null and is reported by the
    conformance checks).
    """
    collected = frame[args.country].astype("string")
    countries = collected.dropna().groupby(frame.loc[collected.notna(), args.site]).unique()
    site_country = countries[countries.map(len) == 1].map(lambda values: values[0])
    return collected.fillna(frame[args.site].map(site_country).astype("string"))
