"""Define-XML 2.1 (with ARM 1.0 for ADaM) from the metadata a folder of datasets was built from and its files."""
