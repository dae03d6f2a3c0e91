"""micrograd's first classic expression, which tests differentiate, draw and picture."""

from __future__ import annotations

from mgfunc import Value


def warmup() -> tuple[Value, Value]:
    """The seed notebook's section-1 expression (micrograd's first classic example): its input
    ``x`` and its output ``y``, where y = -20 and dy/dx = 46."""
    x = Value(-4.0, label="x")
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    return x, y
