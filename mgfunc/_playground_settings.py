"""What the playground's controls set, as one frozen :class:`Settings`, and what it makes of them.

The playground's pure half: :func:`make_data`, :func:`make_loss`, :func:`make_model` and
:func:`make_optimizer` turn settings into the points, the loss, a fresh model and the optimizer,
with no widget involved, so a test or a script drives them directly. Users import these names
from :mod:`mgfunc.playground`.

>>> settings = Settings(dataset="spiral", classes=3, hidden=(4,))
>>> make_loss(settings).__name__, make_model(settings).nout  # three classes: cross-entropy
('cross_entropy', 3)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import attrs

from mgfunc._checks import check_choice, describe, real_number, whole_number
from mgfunc._frozen import immutable
from mgfunc._random import check_seed
from mgfunc.datasets import Dataset, blobs, moons, spiral, split, yin_yang
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.losses import LossFunction, cross_entropy, logistic, max_margin
from mgfunc.nn import MLP
from mgfunc.optim import Optimizer, adam, adamw, sgd

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "LOSSES",
    "OPTIMIZERS",
    "Settings",
    "make_data",
    "make_loss",
    "make_model",
    "make_optimizer",
    "parse_hidden",
]

DATASETS = ("moons", "spiral", "blobs", "yin_yang")
"""The datasets the playground offers."""
ACTIVATIONS = ("relu", "tanh", "sigmoid")
"""The hidden layers' nonlinearities."""
LOSSES = ("max_margin", "logistic", "cross_entropy")
"""The losses; past two classes only cross-entropy applies."""
OPTIMIZERS = ("sgd", "adam", "adamw")
"""The optimizers of :mod:`mgfunc.optim`."""

_LOSS_FUNCTIONS: dict[str, LossFunction] = {
    "max_margin": max_margin,
    "logistic": logistic,
    "cross_entropy": cross_entropy,
}


def _hidden(value: object) -> tuple[int, ...]:
    if isinstance(value, str):
        return parse_hidden(value)
    if not isinstance(value, (tuple, list)) or not all(
        isinstance(width, int) and not isinstance(width, bool) and width >= 1 for width in value
    ):
        raise InvalidTypeError(
            f"hidden must be a tuple of layer widths, got {describe(value)}; pass e.g. (8, 8)"
        )
    return tuple(value)


_Validator = Callable[[object, "attrs.Attribute[Any]", object], None]


def _one_of(choices: tuple[str, ...]) -> _Validator:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        check_choice(value, attribute.name, choices)

    return check


def _whole(*, least: int, example: str) -> _Validator:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        whole_number(value, attribute.name, least=least, example=example)

    return check


def _real(least: float, most: float, *, example: str, above: bool = False) -> _Validator:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        number = real_number(value, attribute.name, example=example)
        if number < least or number > most or (above and number == least):
            bounds = f"above {least:g}" if above else f"at least {least:g}"
            if most != math.inf:
                bounds += f" and at most {most:g}"
            raise InvalidValueError(
                f"{attribute.name} must be {bounds}, got {value!r}; pass for example {example}"
            )

    return check


def _seed(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_seed(value, attribute.name)


@immutable()
@attrs.frozen
class Settings:
    """Everything the playground's controls set, as one frozen value (defaults: a quick start).

    Args:
        dataset: one of :data:`DATASETS`.
        points: how many points, training and validation together.
        noise: the dataset's noise (yin-yang has none).
        classes: the number of classes of the spiral and the blobs (moons have 2, yin-yang 3).
        hidden: the hidden layers' widths, e.g. ``(8, 8)``; ``()`` is a linear model.
        activation: one of :data:`ACTIVATIONS`.
        loss: one of :data:`LOSSES`; with more than two classes, cross-entropy is used.
        optimizer: one of :data:`OPTIMIZERS`.
        learning_rate: the optimizer's learning rate.
        batch_size: points per step, drawn afresh each step; 0 means all of them.
        validation: the share of the points held out to measure on (0 for none).
        seed: the seed of the data, the weights and the batches.
    """

    dataset: str = attrs.field(default="moons", validator=_one_of(DATASETS))
    points: int = attrs.field(default=100, validator=_whole(least=4, example="100"))
    noise: float = attrs.field(default=0.1, validator=_real(0.0, math.inf, example="0.1"))
    classes: int = attrs.field(default=2, validator=_whole(least=2, example="3"))
    hidden: tuple[int, ...] = attrs.field(default=(8, 8), converter=_hidden)
    activation: str = attrs.field(default="relu", validator=_one_of(ACTIVATIONS))
    loss: str = attrs.field(default="max_margin", validator=_one_of(LOSSES))
    optimizer: str = attrs.field(default="adam", validator=_one_of(OPTIMIZERS))
    learning_rate: float = attrs.field(
        default=0.05, validator=_real(0.0, math.inf, example="0.05", above=True)
    )
    batch_size: int = attrs.field(default=0, validator=_whole(least=0, example="32"))
    validation: float = attrs.field(default=0.2, validator=_real(0.0, 0.5, example="0.2"))
    seed: int = attrs.field(default=0, validator=_seed)

    @property
    def class_count(self) -> int:
        """How many classes the chosen dataset has."""
        if self.dataset == "moons":
            return 2
        if self.dataset == "yin_yang":
            return 3
        return self.classes


def parse_hidden(text: str) -> tuple[int, ...]:
    """Hidden layer widths from text such as ``"8, 8"`` (empty: no hidden layer).

    Args:
        text: widths separated by commas or spaces, each at least 1.

    Returns:
        The widths as a tuple.

    Raises:
        InvalidTypeError: ``text`` is not a str.
        InvalidValueError: something that is not a positive whole number.

    >>> parse_hidden("16, 16"), parse_hidden(" 4 "), parse_hidden("")
    ((16, 16), (4,), ())
    """
    if not isinstance(text, str):
        raise InvalidTypeError(
            f"text must be a str of layer widths, got {describe(text)}; pass for example "
            '"8, 8" (or give Settings(hidden=...) a tuple such as (8, 8))'
        )
    widths = []
    for part in text.replace(",", " ").split():
        if not part.isdigit() or int(part) < 1:
            raise InvalidValueError(
                "text must give hidden layer widths of at least 1 separated by commas, got "
                f'{text!r}; write e.g. "8, 8"'
            )
        widths.append(int(part))
    return tuple(widths)


def _check_settings(settings: object) -> None:
    if not isinstance(settings, Settings):
        raise InvalidTypeError(
            f"settings must be a playground Settings, got {describe(settings)}; pass for "
            'example Settings(dataset="spiral", hidden=(16, 16))'
        )


def make_data(settings: Settings) -> tuple[Dataset, Dataset | None]:
    """The training points and, if ``settings.validation`` > 0, the validation points.

    Args:
        settings: the playground's settings.

    Returns:
        ``(train, validation)``; ``validation`` is None when the share is 0.
    """
    _check_settings(settings)
    seed = settings.seed
    if settings.dataset == "moons":
        data = moons(settings.points, noise=settings.noise, seed=seed)
    elif settings.dataset == "spiral":
        data = spiral(settings.points, noise=settings.noise, classes=settings.classes, seed=seed)
    elif settings.dataset == "blobs":
        data = blobs(settings.points, noise=settings.noise, classes=settings.classes, seed=seed)
    else:
        data = yin_yang(settings.points, seed=seed)
    if settings.validation == 0.0:
        return data, None
    kept, held_out = split(data, (1.0 - settings.validation, settings.validation), seed=seed)
    return kept, held_out


def make_loss(settings: Settings) -> LossFunction:
    """The loss function: the one chosen, or cross-entropy past two classes."""
    _check_settings(settings)
    if settings.class_count > 2:
        return cross_entropy
    return _LOSS_FUNCTIONS[settings.loss]


def make_model(settings: Settings) -> MLP:
    """A fresh model: 2 inputs, the hidden layers, and one output for the two-class losses or
    one per class for cross-entropy."""
    _check_settings(settings)
    loss = make_loss(settings)
    outputs = settings.class_count if loss is cross_entropy else 1
    return MLP.create(
        2, [*settings.hidden, outputs], activation=settings.activation, seed=settings.seed
    )


def make_optimizer(settings: Settings) -> Optimizer:
    """The optimizer with the chosen learning rate (AdamW with weight decay 1e-4)."""
    _check_settings(settings)
    if settings.optimizer == "sgd":
        return sgd(settings.learning_rate)
    if settings.optimizer == "adam":
        return adam(settings.learning_rate)
    return adamw(settings.learning_rate, weight_decay=1e-4)
