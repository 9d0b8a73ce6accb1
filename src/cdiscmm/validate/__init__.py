"""Validation of an SDTM/ADaM delivery (ours or a sponsor's): GX suites from the metadata, rules as data, QA report."""
