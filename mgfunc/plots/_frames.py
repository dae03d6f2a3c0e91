"""Fast frames for a GIF: draw the still parts of a figure once, then only what moves.

:func:`matplotlib.animation.Animation.save` draws the whole figure for every frame: the ticks,
labels and legends of every Axes again, which costs most of the time. A :class:`FrameAnimation`
is a ``FuncAnimation`` that also knows which artists move; :meth:`FrameAnimation.frames`
draws everything else once into a background, and for each frame pastes that background and
draws the moving artists over it (with everything that lies above them in their Axes, so that
the stacking order is the one a full draw gives). :func:`write_gif` then maps every frame to one
shared palette, instead of Pillow choosing a palette per frame.

Pillow is matplotlib's own dependency (its animation writer and image reading use it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.spines import Spine
from matplotlib.text import Text
from matplotlib.transforms import Bbox, BboxBase
from PIL import Image

__all__ = ["FrameAnimation", "write_gif"]

_PALETTE_SAMPLES = 4  # frames, evenly spaced, that the shared palette is chosen from
_SPINE_ROOM = 3.0  # pixels around an Axes' box that its spines may reach


class _Blitting(Protocol):
    """What :meth:`FrameAnimation.frames` uses of an Agg canvas (its module has no types)."""

    def draw(self) -> None: ...
    def copy_from_bbox(self, bbox: BboxBase) -> object: ...
    def restore_region(self, region: object) -> None: ...
    def get_renderer(self) -> RendererBase: ...
    def buffer_rgba(self) -> memoryview: ...


class FrameAnimation(FuncAnimation):
    """A ``FuncAnimation`` that can render its frames by redrawing only what moves.

    Args:
        figure: the figure, laid out already.
        draw: sets the artists to frame ``index``; returns the artists it changed.
        count: how many frames.
        interval: milliseconds between frames.
        moving: the artists that change between frames, as they are now (a frame may replace
            one, e.g. a filled contour); everything else stays as the first frame drew it.
    """

    def __init__(
        self,
        figure: Figure,
        draw: Callable[[int], list[Artist]],
        count: int,
        interval: int,
        moving: Callable[[], Sequence[Artist]],
    ) -> None:
        super().__init__(figure, draw, frames=count, interval=interval, repeat=True)
        self.canvas_figure = figure
        self.frame_count = count
        self.interval_ms = interval
        self.show_frame = draw
        self._moving = moving

    def frames(self) -> Iterator[np.ndarray]:
        """Every frame as an RGBA array (height x width x 4), as ``savefig`` would draw it.

        The still artists are drawn once, into a background. Each frame pastes it, then draws
        each Axes' moving artists and those above them; an Axes whose moving artists inside it
        did not change since the last frame (a boundary that stayed put) pastes what it drew
        then instead. Titles and other text outside an Axes are drawn every frame.

        The figure is drawn on its own Agg canvas meanwhile, and left as it was found (its
        canvas, and no artist marked animated), showing the last frame.
        """
        figure = self.canvas_figure
        original = figure.canvas
        canvas: _Blitting = FigureCanvasAgg(figure)
        marked: list[Artist] = []
        try:
            self.show_frame(0)
            for _, artists in _redrawn(self._moving()):
                for artist in artists:  # animated artists are left out of a full draw
                    artist.set_animated(True)
                marked.extend(artists)
            canvas.draw()
            background = canvas.copy_from_bbox(figure.bbox)
            renderer = canvas.get_renderer()
            inside = _Inside(renderer)
            drawn: dict[Axes, object] = {}  # each Axes' inside as the last frame drew it
            still = _Still(canvas, renderer)
            for index in range(self.frame_count):
                changed = set(self.show_frame(index))
                moving = self._moving()
                canvas.restore_region(background)
                for axes, artists in _redrawn(moving):
                    within = [artist for artist in artists if inside(artist, axes)]
                    if axes in drawn and changed.isdisjoint(within):
                        canvas.restore_region(drawn[axes])
                    else:
                        still.draw_over(within, set(moving))
                        drawn[axes] = canvas.copy_from_bbox(_padded(axes))
                    for artist in artists:
                        if artist not in within:
                            artist.draw(renderer)
                yield np.array(canvas.buffer_rgba())  # a copy: the canvas draws on
        finally:
            for artist in marked:
                artist.set_animated(False)
            figure.set_canvas(original)


class _Inside:
    """Whether an artist draws only inside its Axes' box (padded by the width of a spine).

    A spine does, and so does a clipped artist (in these figures everything clipped is clipped
    to its Axes); any other (a legend, a title) does when its extent lies within the box,
    measured once.
    """

    def __init__(self, renderer: RendererBase) -> None:
        self._renderer = renderer
        self._known: dict[Artist, bool] = {}

    def __call__(self, artist: Artist, axes: Axes) -> bool:
        if isinstance(artist, Spine):  # on the box's edge (its extent counts the ticks too)
            return True
        if artist.get_clip_on() and (
            artist.get_clip_box() is not None or artist.get_clip_path() is not None
        ):
            return True
        if artist not in self._known:
            extent = artist.get_window_extent(self._renderer)
            box = _padded(axes)
            self._known[artist] = bool(
                box.x0 <= extent.x0
                and extent.x1 <= box.x1
                and box.y0 <= extent.y0
                and extent.y1 <= box.y1
            )
        return self._known[artist]


class _Still:
    """Draws a list of artists in order, pasting a still one (a legend) where no moving artist
    drawn before it reached its box: its pixels are then those it had when last drawn alone."""

    def __init__(self, canvas: _Blitting, renderer: RendererBase) -> None:
        self._canvas = canvas
        self._renderer = renderer
        self._boxes: dict[Artist, Bbox] = {}
        self._pixels: dict[Artist, object] = {}

    def draw_over(self, artists: Sequence[Artist], moving: set[Artist]) -> None:
        """Draw ``artists``, in order; ``moving`` are those that change between frames."""
        reached: list[Bbox] = []
        for artist in artists:
            if artist in moving:
                artist.draw(self._renderer)
                # An extent leaves out the line's width: the padding covers lines up to 4 points.
                reached.append(artist.get_window_extent(self._renderer).padded(_SPINE_ROOM))
                continue
            if artist not in self._boxes:
                self._boxes[artist] = artist.get_window_extent(self._renderer).padded(_SPINE_ROOM)
            box = self._boxes[artist]
            if any(box.overlaps(extent) for extent in reached):
                artist.draw(self._renderer)
            elif artist in self._pixels:
                self._canvas.restore_region(self._pixels[artist])
            else:
                artist.draw(self._renderer)
                self._pixels[artist] = self._canvas.copy_from_bbox(box)


def _padded(axes: Axes) -> Bbox:
    """The Axes' box in pixels, a few pixels wider on each side for the spines' width."""
    return axes.bbox.padded(_SPINE_ROOM)


def _redrawn(moving: Sequence[Artist]) -> list[tuple[Axes, list[Artist]]]:
    """Per Axes, the moving artists and all that a full drawing draws after them, in order.

    An Axes draws its children sorted by zorder (stably, in the order they were added); a
    still child drawn after a moving one (points over a boundary, a legend over a curve, a
    faint curve added after a moving one) may overlap it, so it is drawn again after it. The
    Axes' own background patch is drawn first whatever its zorder, and the x and y Axis are left
    in the background too: their ticks and labels lie outside the Axes, and grid lines sit
    below the curves. Empty texts (an Axes' unused side titles) draw nothing.
    """
    by_axes: dict[Axes, set[Artist]] = {}
    for artist in moving:
        if isinstance(artist.axes, Axes):
            by_axes.setdefault(artist.axes, set()).add(artist)
    redrawn: list[tuple[Axes, list[Artist]]] = []
    for axes, mine in by_axes.items():
        order = sorted(axes.get_children(), key=lambda child: child.get_zorder())
        first = min(index for index, child in enumerate(order) if child in mine)
        redrawn.append(
            (
                axes,
                [
                    child
                    for child in order[first:]
                    if child in mine
                    or not (
                        child is axes.patch
                        or isinstance(child, Axis)
                        or (isinstance(child, Text) and not child.get_text())
                    )
                ],
            )
        )
    return redrawn


def write_gif(frames: Sequence[np.ndarray], path: Path, duration: int) -> None:
    """Write RGBA ``frames`` (opaque) to ``path`` as a looping GIF, ``duration`` ms a frame.

    One palette serves every frame: the 256 colours seen most often in a few frames spread
    over the animation, exactly (the white background, the class colours, the text). The
    frames of a training animation share their colours; only the rarer shades at the edges
    of lines and letters go to the nearest colour of the palette. Choosing the palette once,
    instead of once per frame as Pillow does by default, is most of the encoding time saved.
    """
    step = max(1, len(frames) // _PALETTE_SAMPLES)
    samples = [*frames[::step][:_PALETTE_SAMPLES], frames[-1]]
    seen, counts = np.unique(
        np.concatenate([_keys(sample[::2, ::2]).ravel() for sample in samples]),
        return_counts=True,
    )
    lookup = _Lookup(seen[np.argsort(counts, kind="stable")[::-1][:256]])
    indexed = []
    for frame in frames:
        image = Image.fromarray(lookup(frame))
        image.putpalette(lookup.palette)
        indexed.append(image)
    indexed[0].save(
        path, format="GIF", save_all=True, append_images=indexed[1:], duration=duration, loop=0
    )


class _Lookup:
    """Maps each pixel of an RGBA frame to its palette index through a table of every colour:
    a colour of the palette to itself, any other to the nearest one (found once per colour,
    when first seen). The table is allocated lazily by the system: only the pages of colours
    that occur are ever touched."""

    def __init__(self, palette: np.ndarray) -> None:
        self._colours = np.stack([palette & 255, (palette >> 8) & 255, palette >> 16], axis=-1)
        self.palette = self._colours.astype(np.uint8).tobytes()
        self._table = np.zeros(1 << 24, dtype=np.uint16)  # palette index + 1; 0: not seen
        self._table[palette] = np.arange(1, len(palette) + 1)

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        keys = _keys(frame)
        indices = self._table[keys]
        unseen = indices == 0
        if unseen.any():
            colours = np.unique(keys[unseen])
            rgb = np.stack([colours & 255, (colours >> 8) & 255, colours >> 16], axis=-1)
            distances = ((rgb[:, None, :].astype(np.int64) - self._colours[None]) ** 2).sum(-1)
            self._table[colours] = distances.argmin(axis=1) + 1
            indices = self._table[keys]
        index: np.ndarray = (indices - 1).astype(np.uint8)
        return index


def _keys(rgba: np.ndarray) -> np.ndarray:
    """Each pixel of an RGBA array as one number, red + green * 256 + blue * 65536."""
    pixels = np.ascontiguousarray(rgba).view("<u4")[..., 0]
    keys: np.ndarray = pixels & 0xFFFFFF
    return keys
