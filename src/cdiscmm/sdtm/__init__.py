"""SDTM: the YAML mapping engine, domain assembly, SUPP--, and the SDTMIG rules (SEQ, DY, EPOCH, RF dates)."""
