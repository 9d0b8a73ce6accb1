"""The package stage: region profiles, the eCTD m5 tree, reviewer's guides, manifest and the package check."""
