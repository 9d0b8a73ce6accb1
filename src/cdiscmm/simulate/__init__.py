"""Collected data: the seeded EDC-export generator, its data dictionary and defect manifest, and readers."""
