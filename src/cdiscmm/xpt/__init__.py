"""SAS XPORT version 5 files: writing from a Dataset's metadata, reading back with labels."""
