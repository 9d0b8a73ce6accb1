"""Shared core: errors and messages, progress, where the bundled specs and mappings live."""
