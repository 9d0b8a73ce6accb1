"""The endpoint report of one study (HTML with figures, CSV per table), built from its ADaM datasets."""
