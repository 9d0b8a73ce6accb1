"""``cdiscmm bench``: time every stage on generated cohorts against the I/O floor (wall, CPU, peak RSS)."""
