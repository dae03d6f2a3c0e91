"""Floats compared bit for bit, for the tests of files that must give every number back exactly."""

from __future__ import annotations

import struct

from hypothesis import strategies as st

from mgfunc.nn import MLP

FLOATS = st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True)
"""Every finite float, subnormals and -0.0 included."""

EXTREMES = st.sampled_from(
    [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1e-310]
)
"""The floats most likely to be rounded or lost on the way: zeros, subnormals, the largest."""


def bits(number: float) -> bytes:
    """The 8 bytes of ``number``, so that -0.0 and 0.0 differ."""
    return struct.pack("<d", number)


def model_bits(model: MLP) -> list[tuple[bytes, str]]:
    """Every parameter of ``model`` as its 8 bytes, with its label."""
    return [(bits(p.data), p.label) for p in model.parameters()]
