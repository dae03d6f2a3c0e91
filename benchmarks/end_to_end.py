"""``mgfunc demo`` from start to end, part by part: where a user's wait goes.

A worker process runs the command line's own ``main(["demo", ...])`` in-process, into a fresh
temporary folder, with a timer around each of its parts:

- ``import``: importing the command line (mgfunc, matplotlib and its backend);
- ``train``: the ``train`` call (every step, with progress);
- ``animation``: ``animate_training`` (only with ``--animate``);
- one row per picture the command draws (``plot_dataset``, ``plot_loss``, ...);
- ``save_gif``: writing the animation (only with ``--animate``);
- ``write NAME.png``: saving each drawn figure as a PNG file (matplotlib renders it then);
- ``the rest``: everything else (argument checks, the warm-up expression, the DOT file, the
  summary), the total minus the parts above.

The timers wrap the names the command line calls (``train``, the ``plots`` module's functions,
``_write_png`` for the PNG files), so the command runs exactly as a user runs it. Two
variants: ``demo`` (the default command) and ``demo --animate``. Times are CPU time of the
worker process; the report gives each part's share of the total and its time over training's.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import ParamSpec, TypeVar

from runs import clock

VARIANTS = {"demo": (), "demo --animate": ("--animate",)}
WHAT = "mgfunc demo end to end (train, pictures, summary), CPU time of each part"
P = ParamSpec("P")
R = TypeVar("R")


class Timers:
    """CPU seconds per part; a call inside a timed call counts only toward the outer one."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.depth = 0

    def wrap(self, part: str, function: Callable[P, R]) -> Callable[P, R]:
        """``function``, timed under ``part``."""

        def timed(*args: P.args, **kwargs: P.kwargs) -> R:
            if self.depth:
                return function(*args, **kwargs)
            self.depth += 1
            start = clock()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[part] = self.seconds.get(part, 0.0) + clock() - start
                self.depth -= 1

        return timed


class TimedModule:
    """A module whose functions are timed, each under its own name; other attributes pass."""

    def __init__(self, module: ModuleType, timers: Timers) -> None:
        self._module = module
        self._timers = timers

    def __getattr__(self, name: str) -> object:
        found: object = getattr(self._module, name)
        if callable(found) and not isinstance(found, type):
            return self._timers.wrap(name, found)
        return found


def demo(options: Sequence[str], steps: int) -> dict[str, float]:
    """Run ``mgfunc demo`` in this process; CPU seconds of each part, and ``total``."""
    start = clock()
    cli = importlib.import_module("mgfunc.__main__")
    imported = clock() - start
    timers = Timers()
    names = vars(cli)  # the command line's globals: its calls go through these names
    names["train"] = timers.wrap("train", names["train"])
    names["plots"] = TimedModule(names["plots"], timers)
    if "_write_png" in names:
        save = names["_write_png"]

        def timed_save(drawn: object, path: Path) -> object:
            return timers.wrap(f"write {path.name}", save)(drawn, path)

        names["_write_png"] = timed_save
    with tempfile.TemporaryDirectory() as folder:
        arguments = ["demo", "--out", folder, "--quiet", "--steps", str(steps), *options]
        begun = clock()
        status = cli.main(arguments)
        ran = clock() - begun
    if status != 0:
        raise RuntimeError(f"mgfunc {' '.join(arguments)} exited with {status}")
    parts = {"import": imported, **timers.seconds}
    parts["the rest"] = ran - sum(timers.seconds.values())
    parts["total"] = imported + ran
    return parts


def spawn(variant: str, steps: int) -> dict[str, float]:
    """One variant in a fresh interpreter."""
    command = [sys.executable, __file__, "--worker", variant, "--steps", str(steps)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"end-to-end worker {variant!r} failed:\n{done.stderr}")
    parts: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return parts


def run(steps: int, repeats: int, say: Callable[[str], None]) -> dict[str, object]:
    """Every variant ``repeats`` times, alternating; print each variant's median run by part."""
    found: dict[str, list[dict[str, float]]] = {variant: [] for variant in VARIANTS}
    names = list(VARIANTS)
    for repeat in range(repeats):
        for variant in names if repeat % 2 == 0 else names[::-1]:
            found[variant].append(spawn(variant, steps))
    report: dict[str, object] = {"steps": steps}
    for variant, runs in found.items():
        median = sorted(runs, key=lambda parts: parts["total"])[(len(runs) - 1) // 2]
        report[variant] = median
        total, training = median["total"], median.get("train", 0.0)
        say(f"mgfunc {variant} --steps {steps}: {total:.2f} s of CPU in all (median run)")
        say(f"  {'part':<29}{'s':>8}{'share':>8}{'x train':>9}")
        for part, seconds in sorted(median.items(), key=lambda item: -item[1]):
            if part == "total":
                continue
            versus = f"{seconds / training:>8.2f}x" if training > 0.0 else "        -"
            say(f"  {part:<29}{seconds:>8.3f}{seconds / total:>8.0%}{versus}")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """The worker: ``--worker VARIANT --steps N`` prints the variant's parts as JSON."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    variant = arguments[arguments.index("--worker") + 1]
    steps = int(arguments[arguments.index("--steps") + 1])
    print(json.dumps(demo(VARIANTS[variant], steps)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
