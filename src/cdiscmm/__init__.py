"""cdiscmm: collected RRMM study data to CDISC SDTM/ADaM submission packages."""

__version__ = "0.1.0"
