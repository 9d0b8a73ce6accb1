"""Shared I/O the stages use: the collected-data export reader and SAS XPORT v5 reading and writing."""
