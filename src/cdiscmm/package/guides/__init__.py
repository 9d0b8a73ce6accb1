"""Reviewer's guides (cSDRG, ADRG) of a package: content from the run, HTML and PDF renderings."""
