"""The metadata model: pydantic models for standards, codelists, datasets and every spec and config."""
