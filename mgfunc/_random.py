"""Seeded random number generators that give the same numbers on every run and machine."""

from __future__ import annotations

import hashlib
import random

from mgfunc._checks import describe
from mgfunc.errors import InvalidTypeError, InvalidValueError

Seed = int | tuple[int, ...]


def check_seed(seed: object, argument: str = "seed") -> Seed:
    """Return ``seed`` if it is an int or a non-empty tuple of ints; raise otherwise."""
    if isinstance(seed, int) and not isinstance(seed, bool):
        return seed
    if isinstance(seed, tuple):
        if not seed:
            raise InvalidValueError(
                f"{argument} must not be an empty tuple; "
                "pass an int or a tuple of ints such as (1337, 1337, 1337)"
            )
        if all(isinstance(part, int) and not isinstance(part, bool) for part in seed):
            return seed
    raise InvalidTypeError(
        f"{argument} must be an int or a tuple of ints, got {describe(seed)}; "
        "pass for example 42 or (1337, 1337, 1337)"
    )


def make_rng(seed: Seed, stream: str) -> random.Random:
    """A ``random.Random`` determined by ``seed`` and the name of what it generates.

    The seed and the stream name are hashed with SHA-256, so a tuple seed works (``random``
    itself refuses tuples) and two uses of one seed (a dataset, a model) draw unrelated numbers.
    """
    material = f"{stream}:{check_seed(seed)!r}".encode()
    return random.Random(int.from_bytes(hashlib.sha256(material).digest()[:16], "big"))
