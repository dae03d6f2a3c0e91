"""Every Altair chart shown and saved without the network: the half of :mod:`mgfunc.vega` that
works on any chart, from that module or your own.

vl-convert (the ``notebooks`` extra) carries Vega, Vega-Lite and vega-embed and renders charts
to PNG with no browser. :func:`offline_html` puts those scripts inside the output,
:func:`offline_mimebundle` adds a PNG for viewers that run no JavaScript, and
:func:`enable_offline_rendering` makes a notebook show every chart that way. Users import
these names from :mod:`mgfunc.vega`.

>>> import altair as alt
>>> chart = alt.Chart(alt.InlineData(values=[{"x": 1, "y": 2}])).mark_point().encode(x="x:Q")
>>> to_png(chart)[1:4]  # a PNG file begins with 0x89 and "PNG"
b'PNG'
"""

from __future__ import annotations

import functools
import json
import secrets

import altair as alt
import vl_convert

from mgfunc._checks import describe, real_number
from mgfunc.errors import InvalidTypeError, InvalidValueError

__all__ = [
    "OFFLINE_RENDERER",
    "enable_offline_rendering",
    "offline_html",
    "offline_mimebundle",
    "to_png",
]

OFFLINE_RENDERER = "mgfunc-offline"
"""The name :func:`enable_offline_rendering` registers with ``altair.renderers``."""

_PNG_SCALES = (0.1, 10.0)  # at 10, a 640 x 280 chart is 6400 x 2800 pixels; below 0.1,
# vl-convert fails on small charts


def to_png(chart: alt.TopLevelMixin, *, scale: float = 1.0) -> bytes:
    """The chart as PNG bytes, rendered offline by vl-convert (no browser, no network).

    Args:
        chart: any Altair chart (from this module or your own, layered or concatenated).
        scale: the pixel density: 2.0 doubles the width and the height (from 0.1 to 10).

    Returns:
        The PNG file's bytes.

    Raises:
        InvalidTypeError: ``chart`` is not an Altair chart, or ``scale`` not a number.
        InvalidValueError: ``scale`` is not from 0.1 to 10.
    """
    least, most = _PNG_SCALES
    factor = real_number(scale, "scale", example="2.0")
    if not least <= factor <= most:
        raise InvalidValueError(
            f"scale must be from {least:g} to {most:g}, got {scale!r}; pass for example 2.0 "
            "(for a larger chart, a larger width and height)"
        )
    return _png(_spec(chart), factor)


def offline_html(chart: alt.TopLevelMixin) -> str:
    """An HTML fragment that draws the chart interactively with no network access.

    The Vega, Vega-Lite and vega-embed scripts (about 900 kB, from vl-convert) travel inside
    the fragment, in a module script of their own, so several charts on one page never clash.

    Args:
        chart: an Altair chart.

    Returns:
        A ``<div>`` and the ``<script>`` that fills it.

    Raises:
        InvalidTypeError: ``chart`` is not an Altair chart.
    """
    return _html(_spec(chart))


def _html(spec: dict[str, object]) -> str:
    element = f"mgfunc-chart-{secrets.token_hex(8)}"
    options = {"actions": False, "renderer": "svg"}
    # "</" cannot end the script early inside JSON strings once written as "<\/".
    spec_text = json.dumps(spec).replace("</", "<\\/")
    return (
        f'<div id="{element}" class="mgfunc-chart"></div>\n'
        '<script type="module">\n'
        f"{_vega_bundle()}\n"
        f'window.vegaEmbed("#{element}", {spec_text}, {json.dumps(options)})'
        ".catch(console.error);\n"
        "</script>\n"
    )


def offline_mimebundle(chart: alt.TopLevelMixin) -> dict[str, str | bytes]:
    """What a notebook shows for ``chart``: :func:`offline_html`, a PNG for viewers that run
    no JavaScript, and a line of text.

    Args:
        chart: an Altair chart.

    Returns:
        A new dict from MIME type to content, the shape ``IPython.display.display(...,
        raw=True)`` and Altair's renderers take.

    Raises:
        InvalidTypeError: ``chart`` is not an Altair chart.
    """
    return _mimebundle(_spec(chart))


def enable_offline_rendering() -> None:
    """Show every Altair chart in this notebook with :func:`offline_mimebundle`.

    Registers the renderer :data:`OFFLINE_RENDERER` with ``altair.renderers`` and enables it
    (Altair's own default fetches the Vega scripts from the network);
    ``altair.renderers.enable("default")`` switches back.
    """
    alt.renderers.register(OFFLINE_RENDERER, _render_offline)
    alt.renderers.enable(OFFLINE_RENDERER)


def _render_offline(spec: dict[str, object], **_metadata: object) -> dict[str, str | bytes]:
    """Altair's renderer protocol: the chart's spec in, what to display out."""
    return _mimebundle(spec)


def _mimebundle(spec: dict[str, object]) -> dict[str, str | bytes]:
    return {
        "text/html": _html(spec),
        "image/png": _png(spec, 1.0),
        "text/plain": "<mgfunc.vega chart: shown as HTML, or as a PNG without JavaScript>",
    }


def _png(spec: dict[str, object], scale: float) -> bytes:
    return vl_convert.vegalite_to_png(spec, scale=scale)


@functools.cache
def _vega_bundle() -> str:
    """vl-convert's bundle of Vega, Vega-Lite and vega-embed (about 1 s), built once."""
    return vl_convert.javascript_bundle("window.vegaEmbed = vegaEmbed;")


def _spec(chart: object) -> dict[str, object]:
    if not isinstance(chart, alt.TopLevelMixin):
        raise InvalidTypeError(
            f"chart must be an Altair chart, got {describe(chart)}; pass for example "
            "mgfunc.vega.dataset_chart(moons(100))"
        )
    spec: dict[str, object] = chart.to_dict()
    return spec
