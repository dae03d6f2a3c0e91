"""Optimizers as pure state: a frozen optimizer, ``init`` and ``update``.

micrograd updates in place, ``p.data -= learning_rate * p.grad``. Here an optimizer is a frozen
value with two pure functions, as in Optax: ``init(model)`` returns the optimizer's starting
state (step count, moments), and ``update(model, grads, state)`` returns a new model and a new
state, leaving both arguments as they were. The numbers follow torch.optim: SGD with momentum
(dampening 0, no Nesterov), Adam, and AdamW's decoupled weight decay.

>>> from mgfunc import backward
>>> from mgfunc.nn import MLP
>>> model = MLP.create(1, [1], seed=0)
>>> optimizer = adamw(0.1, weight_decay=0.0)
>>> state = optimizer.init(model)
>>> new_model, new_state = optimizer.update(model, backward(model([1.0])), state)
>>> new_state.step, state.step  # the state passed in is unchanged
(1, 0)
>>> round(new_model.layers[0].neurons[0].bias.data, 6)  # Adam's first step is -lr * sign(g)
-0.1
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal, TypeVar

import attrs

from mgfunc._checks import describe, real_number
from mgfunc._frozen import immutable
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.gradients import Gradients
from mgfunc.nn import MLP, with_parameters

__all__ = [
    "SGD",
    "Adam",
    "AdamState",
    "Optimizer",
    "OptimizerState",
    "SGDState",
    "Schedule",
    "adam",
    "adamw",
    "sgd",
]

Schedule = Callable[[int], float]
"""A learning rate as a function of the 0-based step."""


def _check_rate(learning_rate: object) -> float | Schedule:
    if callable(learning_rate):
        return learning_rate  # a schedule: its values are checked step by step
    return real_number(learning_rate, "learning_rate", example="0.1")


def _check_fraction(value: object, argument: str, example: str) -> float:
    number = real_number(value, argument, example=example)
    if not 0.0 <= number < 1.0:
        raise InvalidValueError(
            f"{argument} must be in [0, 1), got {value!r}; pass for example {example}"
        )
    return number


def _check_non_negative(value: object, argument: str, example: str) -> float:
    number = real_number(value, argument, example=example)
    if number < 0.0:
        raise InvalidValueError(
            f"{argument} must be at least 0, got {value!r}; pass e.g. {example}"
        )
    return number


def _check_betas(betas: object) -> tuple[float, float]:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise InvalidTypeError(
            f"betas must be a pair of numbers in [0, 1), got {describe(betas)}; pass for "
            "example (0.9, 0.999)"
        )
    return (
        _check_fraction(betas[0], "betas[0]", "0.9"),
        _check_fraction(betas[1], "betas[1]", "0.999"),
    )


def _momentum(value: float) -> float:
    return _check_fraction(value, "momentum", "0.9")


def _eps(value: float) -> float:
    return _check_non_negative(value, "eps", "1e-8")


def _weight_decay(value: float) -> float:
    return _check_non_negative(value, "weight_decay", "1e-2")


def _shape(model: MLP) -> tuple[int, ...]:
    return (model.nin, *(layer.nout for layer in model.layers))


@immutable()
@attrs.frozen
class SGDState:
    """SGD's state: the number of steps taken, the model's shape, the momentum buffer.

    ``velocity`` holds one number per parameter (in :func:`mgfunc.nn.parameters` order), or
    nothing when the momentum is 0.
    """

    step: int
    shape: tuple[int, ...]
    velocity: tuple[float, ...] = ()


@immutable()
@attrs.frozen
class AdamState:
    """Adam's state: steps taken, the model's shape, the first and second moment per parameter."""

    step: int
    shape: tuple[int, ...]
    first_moment: tuple[float, ...]
    second_moment: tuple[float, ...]


OptimizerState = SGDState | AdamState
"""The state of any optimizer here."""


@immutable()
@attrs.frozen
class SGD:
    """Stochastic gradient descent, optionally with momentum (torch.optim.SGD's numbers).

    Each step, with ``g`` the gradient: ``b = momentum * b + g`` (``b = g`` on the first step),
    then ``p = p - lr * b``. With momentum 0 that is ``p - lr * g``, micrograd's update.
    Build one with :func:`sgd`.
    """

    learning_rate: float | Schedule = attrs.field(converter=_check_rate)
    momentum: float = attrs.field(default=0.0, converter=_momentum)
    name: Literal["sgd"] = attrs.field(default="sgd", init=False)

    def learning_rate_at(self, step: int) -> float:
        """The learning rate of the 0-based ``step``, checked to be a finite number."""
        return _rate_at(self.learning_rate, step)

    def init(self, model: MLP) -> SGDState:
        """The state before the first step: step 0, an empty momentum buffer."""
        return SGDState(step=0, shape=_shape(_check_model(model)))

    def update(self, model: MLP, grads: Gradients, state: OptimizerState) -> tuple[MLP, SGDState]:
        """One step: a new model and state; ``model`` and ``state`` are unchanged.

        Raises:
            InvalidTypeError: a bad argument, or a state of another optimizer.
            InvalidValueError: a state of a model of another shape, a learning rate that is not
                finite, or a parameter that would become NaN or infinite.
        """
        current = _check_state(self, model, grads, state, SGDState)
        rate = self.learning_rate_at(current.step)
        params = model.parameters()
        gradients = [grads[p] for p in params]
        velocity: tuple[float, ...] = ()
        if self.momentum != 0.0:
            if current.step == 0:
                velocity = tuple(gradients)
            else:
                mu = self.momentum
                velocity = tuple(mu * b + g for b, g in zip(current.velocity, gradients))
            directions = list(velocity)
        else:
            directions = gradients
        numbers = [p.data - rate * d for p, d in zip(params, directions)]
        _check_finite(numbers, rate=rate)
        return with_parameters(model, numbers), SGDState(current.step + 1, current.shape, velocity)


@immutable()
@attrs.frozen
class Adam:
    """Adam, with optional decoupled weight decay (AdamW), as torch.optim computes them.

    Step ``t`` (from 1), gradient ``g``: ``p = p * (1 - lr * weight_decay)`` (AdamW only), then
    ``m = b1 * m + (1 - b1) * g``, ``v = b2 * v + (1 - b2) * g * g``, and
    ``p = p - (lr / (1 - b1 ** t)) * m / (sqrt(v) / sqrt(1 - b2 ** t) + eps)``.
    Build one with :func:`adam` or :func:`adamw`.
    """

    learning_rate: float | Schedule = attrs.field(converter=_check_rate)
    betas: tuple[float, float] = attrs.field(default=(0.9, 0.999), converter=_check_betas)
    eps: float = attrs.field(default=1e-8, converter=_eps)
    weight_decay: float = attrs.field(default=0.0, converter=_weight_decay)
    name: Literal["adam", "adamw"] = attrs.field(
        default="adam", validator=attrs.validators.in_(("adam", "adamw"))
    )

    def learning_rate_at(self, step: int) -> float:
        """The learning rate of the 0-based ``step``, checked to be a finite number."""
        return _rate_at(self.learning_rate, step)

    def init(self, model: MLP) -> AdamState:
        """The state before the first step: step 0, both moments 0 for every parameter."""
        count = len(_check_model(model).parameters())
        zeros = (0.0,) * count
        return AdamState(step=0, shape=_shape(model), first_moment=zeros, second_moment=zeros)

    def update(self, model: MLP, grads: Gradients, state: OptimizerState) -> tuple[MLP, AdamState]:
        """One step: a new model and state; ``model`` and ``state`` are unchanged.

        Raises:
            InvalidTypeError: a bad argument, or a state of another optimizer.
            InvalidValueError: a state of a model of another shape, a learning rate that is not
                finite, or a parameter that would become NaN or infinite.
        """
        current = _check_state(self, model, grads, state, AdamState)
        rate = self.learning_rate_at(current.step)
        t = current.step + 1
        beta1, beta2 = self.betas
        step_size = rate / (1.0 - beta1**t)
        correction2_sqrt = math.sqrt(1.0 - beta2**t)
        decay = 1.0 - rate * self.weight_decay
        first, second, numbers = [], [], []
        params = model.parameters()
        for p, m, v in zip(params, current.first_moment, current.second_moment):
            g = grads[p]
            m = beta1 * m + (1.0 - beta1) * g
            v = beta2 * v + (1.0 - beta2) * g * g
            data = p.data * decay if self.weight_decay != 0.0 else p.data
            numbers.append(data - step_size * (m / (math.sqrt(v) / correction2_sqrt + self.eps)))
            first.append(m)
            second.append(v)
        _check_finite(numbers, rate=rate)
        return with_parameters(model, numbers), AdamState(
            t, current.shape, tuple(first), tuple(second)
        )


Optimizer = SGD | Adam
"""Any optimizer here: a frozen value with ``init``, ``update`` and ``learning_rate_at``."""


def sgd(learning_rate: float | Schedule, *, momentum: float = 0.0) -> SGD:
    """Stochastic gradient descent (torch.optim.SGD with dampening 0, no Nesterov).

    Args:
        learning_rate: a finite number, or a schedule (a function of the 0-based step).
        momentum: the momentum factor in [0, 1); 0 is plain SGD, micrograd's update.

    Returns:
        A frozen :class:`SGD`.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: a learning rate that is not finite, a momentum outside [0, 1).

    >>> sgd(0.1, momentum=0.9).momentum
    0.9
    """
    return SGD(learning_rate, momentum)


def adam(
    learning_rate: float | Schedule = 1e-3,
    *,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> Adam:
    """Adam (torch.optim.Adam's numbers).

    Args:
        learning_rate: a finite number, or a schedule (a function of the 0-based step).
        betas: the decay rates of the first and second moments, each in [0, 1).
        eps: added to the denominator (at least 0).

    Returns:
        A frozen :class:`Adam` with no weight decay.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: betas outside [0, 1), a negative eps, a learning rate that is not
            finite.

    >>> adam(0.01).betas
    (0.9, 0.999)
    """
    return Adam(learning_rate, betas, eps, 0.0, "adam")


def adamw(
    learning_rate: float | Schedule = 1e-3,
    *,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
) -> Adam:
    """AdamW: Adam with decoupled weight decay (torch.optim.AdamW's numbers).

    Each step first shrinks every parameter by ``lr * weight_decay`` of itself, then takes
    Adam's step; the decay never passes through the moments (unlike an L2 term in the loss).

    Args:
        learning_rate: a finite number, or a schedule (a function of the 0-based step).
        betas: the decay rates of the first and second moments, each in [0, 1).
        eps: added to the denominator (at least 0).
        weight_decay: the decoupled decay factor (at least 0).

    Returns:
        A frozen :class:`Adam` named ``"adamw"``.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: betas outside [0, 1), a negative eps or weight decay, a learning
            rate that is not finite.

    >>> adamw(0.1, weight_decay=1e-4).weight_decay
    0.0001
    """
    return Adam(learning_rate, betas, eps, weight_decay, "adamw")


def _rate_at(learning_rate: float | Schedule, step: int) -> float:
    if callable(learning_rate):
        return real_number(learning_rate(step), f"learning_rate({step})", example="0.1")
    return learning_rate


def _check_model(model: object) -> MLP:
    if not isinstance(model, MLP):
        raise InvalidTypeError(
            f"model must be an MLP, got {describe(model)}; pass for example "
            "MLP.create(2, [16, 16, 1])"
        )
    return model


_StateT = TypeVar("_StateT", SGDState, AdamState)


def _check_state(
    optimizer: Optimizer, model: object, grads: object, state: object, kind: type[_StateT]
) -> _StateT:
    checked = _check_model(model)
    if not isinstance(grads, Gradients):
        raise InvalidTypeError(
            f"grads must be a Gradients table, got {describe(grads)}; pass the result of "
            "mgfunc.backward(loss)"
        )
    if not isinstance(state, kind):
        raise InvalidTypeError(
            f"state must be the {kind.__name__} that {optimizer.name}'s init or update "
            f"returned, got {describe(state)}; start with state = optimizer.init(model)"
        )
    shape = _shape(checked)
    if state.shape != shape:
        raise InvalidValueError(
            f"state belongs to a model of shape {list(state.shape)} but the model has shape "
            f"{list(shape)}; start a state for this model with optimizer.init(model)"
        )
    count = len(checked.parameters())
    moments = (
        (state.first_moment, state.second_moment)
        if isinstance(state, AdamState)
        else ((state.velocity,) if state.velocity else ())
    )
    if any(len(moment) != count for moment in moments):
        raise InvalidValueError(
            f"state holds moments of another length than the model's {count} parameters; "
            "start a state for this model with optimizer.init(model)"
        )
    return state


def _check_finite(numbers: list[float], *, rate: float) -> None:
    for index, number in enumerate(numbers):
        if not math.isfinite(number):
            raise InvalidValueError(
                f"a parameter would become {number!r} (parameter {index} in parameters(model) "
                f"order, learning rate {rate!r}); the step diverged: lower the learning rate"
            )
