"""IEEE 754 doubles to and from IBM System/360 hexadecimal doubles, vectorised with numpy.

An IBM double (SAS TS-140, "Numeric Data Fields") is 1 sign bit, a 7-bit exponent of 16 biased by 64 and a 56-bit
fraction ``f`` with value ``(-1)^s * f/2^56 * 16^(e-64)``, normalised so the leading hex digit is not 0.
Precision: 56-bit fraction, of which 53 to 56 bits are significant (the hex normalisation wastes up to 3), so the
relative spacing is at most 2^-52 ≈ 2.2e-16 (~1e-16 relative); every IEEE double in range converts *exactly*
(53 bits always fit). Range: 16^-65 ≈ 5.4e-79 to (1 - 2^-56) * 16^63 ≈ 7.2e75 in magnitude. Values outside it
(and infinities) have no IBM double; :func:`to_ibm` reports them instead of rounding to 0 or clipping.
"""

from __future__ import annotations

import numpy as np

from cdiscmm.io.xpt.layout import MISSING_BYTES, NUMERIC_MISSING

#: Smallest magnitude an IBM double holds (normalised), and the largest IEEE double below the IBM limit 16^63
#: (``(1 - 2^-56) * 16^63`` itself rounds up to 16^63 in IEEE, which needs hex exponent 64: out of range).
IBM_MIN = 16.0**-65
IBM_MAX = float(np.nextafter(16.0**63, 0.0))


def out_of_range(values: np.ndarray) -> np.ndarray:
    """Mask of the values that are not missing, not zero and have no IBM double (too large, too small, infinite)."""
    magnitude = np.abs(values)
    return ~np.isnan(values) & (magnitude != 0) & ((magnitude < IBM_MIN) | (magnitude > IBM_MAX))


def to_ibm(values: np.ndarray) -> np.ndarray:
    """IBM doubles of float64 ``values`` as an (n, 8) uint8 array, NaN as the SAS missing value ``.``.

    The caller rejects values :func:`out_of_range` first. With ``x = m * 2^p`` (``m`` the 53-bit IEEE
    significand), the hex exponent is ``p // 4 + 1`` and the fraction is ``m`` shifted left by ``p % 4`` bits.
    """
    values = np.asarray(values, dtype=np.float64)
    bits = values.view(np.uint64)
    sign = bits >> np.uint64(63)
    biased = ((bits >> np.uint64(52)) & np.uint64(0x7FF)).astype(np.int64)
    significand = (bits & np.uint64((1 << 52) - 1)) | np.uint64(1 << 52)
    power = biased - 1023  # exponent of the leading bit
    hex_exponent = power // 4 + 1
    shift = (power % 4).astype(np.uint64)
    fraction = significand << shift
    exponent = np.clip(hex_exponent + 64, 0, 127).astype(np.uint64)
    ibm = (sign << np.uint64(63)) | (exponent << np.uint64(56)) | fraction
    ibm = np.where(values == 0, np.uint64(0), ibm)
    ibm = np.where(np.isnan(values), np.uint64(NUMERIC_MISSING), ibm)
    return ibm.astype(">u8").view(np.uint8).reshape(-1, 8)


def from_ibm(raw: np.ndarray) -> np.ndarray:
    """float64 values of an (n, width) uint8 array of IBM doubles (width 2-8, truncated on the right as SAS
    stores short numerics); a first byte of ``.``, ``_`` or ``A``-``Z`` followed by zeros is missing (NaN)."""
    raw = np.asarray(raw, dtype=np.uint8)
    full = np.zeros((raw.shape[0], 8), dtype=np.uint8)
    full[:, : raw.shape[1]] = raw
    bits = full.view(">u8").reshape(-1).astype(np.uint64)
    sign = np.where(bits >> np.uint64(63), -1.0, 1.0)
    exponent = ((bits >> np.uint64(56)) & np.uint64(0x7F)).astype(np.int64) - 64
    fraction = (bits & np.uint64((1 << 56) - 1)).astype(np.float64)
    values = sign * np.ldexp(fraction, 4 * exponent - 56)
    first = full[:, 0]
    missing = np.isin(first, MISSING_BYTES) & ~full[:, 1:].any(axis=1)
    return np.where(missing, np.nan, values)
