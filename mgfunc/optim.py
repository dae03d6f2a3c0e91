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
import numbers
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Generic, Literal, TypeVar

import attrs

from mgfunc._checks import describe, real_number, whole_number
from mgfunc._frozen import immutable, trusted
from mgfunc.errors import InvalidTypeError, InvalidValueError, LearningRateError
from mgfunc.gradients import Gradients
from mgfunc.nn import MLP, _rebuilt
from mgfunc.value import Value

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
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
        raise InvalidTypeError(
            f"learning_rate must be a positive number or a schedule (a function of the 0-based "
            f"step), got {describe(learning_rate)}; pass for example 0.1"
        )
    return _positive_rate(learning_rate, "learning_rate")


def _positive_rate(rate: object, argument: str) -> float:
    """``rate`` as a float if it is a positive finite number; :class:`LearningRateError` if not.

    Zero, a negative number, NaN, infinity and anything that is not a number are refused: a
    rate of 0 does nothing, and a negative one climbs the loss instead of descending it.

    >>> _positive_rate(0.5, "learning_rate")
    0.5
    >>> try:
    ...     _positive_rate(-0.009, "the learning rate at step 111")
    ... except LearningRateError as error:
    ...     print(error)
    the learning rate at step 111 must be a positive finite number, got -0.009; a negative \
rate climbs the loss instead of descending it; pass for example 0.1
    """
    if type(rate) is float and 0.0 < rate < math.inf:
        return rate  # the common case, without the general checks
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real):
        raise LearningRateError(
            f"{argument} must be a positive finite number, got {describe(rate)}; a schedule "
            "must return a float such as 0.1"
        )
    try:
        number = float(rate)
    except OverflowError:  # a huge int or Fraction
        number = math.inf
    if not 0.0 < number < math.inf:
        why = (
            "a rate of 0 leaves the model as it is; "
            if number == 0.0
            else "a negative rate climbs the loss instead of descending it; "
            if number < 0.0
            else ""
        )
        raise LearningRateError(
            f"{argument} must be a positive finite number, got {number!r}; {why}pass for "
            "example 0.1"
        )
    return number


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


def _check_adam_name(_: object, __: object, name: object) -> None:
    if name not in ("adam", "adamw") or not isinstance(name, str):
        raise InvalidValueError(
            f"name must be 'adam' or 'adamw', got {describe(name)}; build the optimizer with "
            "adam(...) or adamw(...)"
        )


# The checks of a state built by hand; the optimizers build theirs without them (trusted).
_FROM_INIT = "take a state from optimizer.init(model)"


def _check_step(_instance: object, attribute: attrs.Attribute[int], step: object) -> None:
    whole_number(step, "step", least=0, example="0")


def _check_state_shape(
    _instance: object, attribute: attrs.Attribute[tuple[int, ...]], shape: object
) -> None:
    if (
        not isinstance(shape, tuple)
        or len(shape) < 2
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in shape)
    ):
        raise InvalidTypeError(
            "shape must be a tuple of the model's inputs and layer widths such as (2, 16, 1), "
            f"got {describe(shape)}; {_FROM_INIT}"
        )


def _check_moment(
    _instance: object, attribute: attrs.Attribute[tuple[float, ...]], numbers: object
) -> None:
    name = attribute.name
    if not isinstance(numbers, tuple):
        raise InvalidTypeError(
            f"{name} must be a tuple of floats, one per parameter, got {describe(numbers)}; "
            f"{_FROM_INIT}"
        )
    for index, number in enumerate(numbers):
        value = real_number(number, f"{name}[{index}]", example="0.0")
        if name == "second_moment" and value < 0.0:
            raise InvalidValueError(
                f"second_moment[{index}] must be at least 0 (a mean of squares), got "
                f"{number!r}; {_FROM_INIT}"
            )


def _shape(model: MLP) -> tuple[int, ...]:
    return (model.nin, *(layer.nout for layer in model.layers))


@immutable()
@attrs.frozen
class SGDState:
    """SGD's state: the number of steps taken, the model's shape, the momentum buffer.

    ``velocity`` holds one number per parameter (in :func:`mgfunc.nn.parameters` order), or
    nothing when the momentum is 0.
    """

    step: int = attrs.field(validator=_check_step)
    shape: tuple[int, ...] = attrs.field(validator=_check_state_shape)
    velocity: tuple[float, ...] = attrs.field(default=(), validator=_check_moment)


@immutable()
@attrs.frozen
class AdamState:
    """Adam's state: steps taken, the model's shape, the first and second moment per parameter."""

    step: int = attrs.field(validator=_check_step)
    shape: tuple[int, ...] = attrs.field(validator=_check_state_shape)
    first_moment: tuple[float, ...] = attrs.field(validator=_check_moment)
    second_moment: tuple[float, ...] = attrs.field(validator=_check_moment)


OptimizerState = SGDState | AdamState
"""The state of any optimizer here."""


_StateT = TypeVar("_StateT", SGDState, AdamState)


class _Rule(Generic[_StateT]):
    """What every optimizer here shares: the rate of a step, and an update that checks its
    arguments and the new parameters around the optimizer's own arithmetic, ``_step``."""

    __slots__ = ()
    learning_rate: float | Schedule

    def learning_rate_at(self, step: int) -> float:
        """The learning rate of the 0-based ``step``, checked to be a positive finite number.

        Raises:
            LearningRateError: the schedule's rate at ``step`` is zero, negative, NaN,
                infinite or not a number.
        """
        return _rate_at(self.learning_rate, step)

    def update(self, model: MLP, grads: Gradients, state: OptimizerState) -> tuple[MLP, _StateT]:
        """One step: a new model and state; ``model`` and ``state`` are unchanged.

        Raises:
            InvalidTypeError: a bad argument, or a state of another optimizer.
            InvalidValueError: a state of a model of another shape, or a parameter that would
                become NaN or infinite (the message says whether the gradient or the step
                overflowed).
            LearningRateError: the schedule's rate at this step is zero, negative, NaN,
                infinite or not a number.
        """
        current = self._own(model, grads, state)
        rate = self.learning_rate_at(current.step)
        params = model.parameters()
        numbers, after = self._step(current, rate, params, grads)
        _check_finite(numbers, params, grads, rate)
        # The numbers are floats, one per parameter, and now known to be finite: what
        # with_parameters would check again. Rebuilt at once, keeping the parameters' labels.
        return _rebuilt(model, numbers, params), after

    def _own(self, model: object, grads: object, state: object) -> _StateT:
        """``state``, checked to be this optimizer's and to fit ``model``; ``grads`` a table."""
        raise NotImplementedError

    def _step(
        self, current: _StateT, rate: float, params: tuple[Value, ...], grads: Gradients
    ) -> tuple[list[float], _StateT]:
        """The new parameters' numbers and the next state."""
        raise NotImplementedError


@immutable()
@attrs.frozen
class SGD(_Rule[SGDState]):
    """Stochastic gradient descent, optionally with momentum (torch.optim.SGD's numbers).

    Each step, with ``g`` the gradient: ``b = momentum * b + g`` (``b = g`` on the first step),
    then ``p = p - lr * b``. With momentum 0 that is ``p - lr * g``, micrograd's update.
    Build one with :func:`sgd`.
    """

    learning_rate: float | Schedule = attrs.field(converter=_check_rate)
    momentum: float = attrs.field(default=0.0, converter=_momentum)
    name: Literal["sgd"] = attrs.field(default="sgd", init=False)

    def init(self, model: MLP) -> SGDState:
        """The state before the first step: step 0, an empty momentum buffer."""
        return SGDState(step=0, shape=_shape(_check_model(model)))

    def _own(self, model: object, grads: object, state: object) -> SGDState:
        return _check_state(self, model, grads, state, SGDState)

    def _step(
        self, current: SGDState, rate: float, params: tuple[Value, ...], grads: Gradients
    ) -> tuple[list[float], SGDState]:
        gradients = grads._gradients_of(params)
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
        after = trusted(SGDState, step=current.step + 1, shape=current.shape, velocity=velocity)
        return numbers, after


@immutable()
@attrs.frozen
class Adam(_Rule[AdamState]):
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
    name: Literal["adam", "adamw"] = attrs.field(default="adam", validator=_check_adam_name)

    def init(self, model: MLP) -> AdamState:
        """The state before the first step: step 0, both moments 0 for every parameter."""
        count = len(_check_model(model).parameters())
        zeros = (0.0,) * count
        return AdamState(step=0, shape=_shape(model), first_moment=zeros, second_moment=zeros)

    def _own(self, model: object, grads: object, state: object) -> AdamState:
        return _check_state(self, model, grads, state, AdamState)

    def _step(
        self, current: AdamState, rate: float, params: tuple[Value, ...], grads: Gradients
    ) -> tuple[list[float], AdamState]:
        t = current.step + 1
        beta1, beta2 = self.betas
        step_size = rate / (1.0 - beta1**t)
        correction2_sqrt = math.sqrt(1.0 - beta2**t)
        decay = 1.0 - rate * self.weight_decay
        first, second, numbers = [], [], []
        gradients = grads._gradients_of(params)
        for p, g, m, v in zip(params, gradients, current.first_moment, current.second_moment):
            m = beta1 * m + (1.0 - beta1) * g
            v = beta2 * v + (1.0 - beta2) * g * g
            data = p.data * decay if self.weight_decay != 0.0 else p.data
            numbers.append(data - step_size * (m / (math.sqrt(v) / correction2_sqrt + self.eps)))
            first.append(m)
            second.append(v)
        after = trusted(
            AdamState,
            step=t,
            shape=current.shape,
            first_moment=tuple(first),
            second_moment=tuple(second),
        )
        return numbers, after


Optimizer = SGD | Adam
"""Any optimizer here: a frozen value with ``init``, ``update`` and ``learning_rate_at``."""


def sgd(learning_rate: float | Schedule, *, momentum: float = 0.0) -> SGD:
    """Stochastic gradient descent (torch.optim.SGD with dampening 0, no Nesterov).

    Args:
        learning_rate: a positive finite number, or a schedule (a function of the 0-based
            step returning one).
        momentum: the momentum factor in [0, 1); 0 is plain SGD, micrograd's update.

    Returns:
        A frozen :class:`SGD`.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: a momentum outside [0, 1).
        LearningRateError: a constant learning rate that is zero, negative or not finite
            (a schedule's rates are checked at each update).

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
        learning_rate: a positive finite number, or a schedule (a function of the 0-based
            step returning one).
        betas: the decay rates of the first and second moments, each in [0, 1).
        eps: added to the denominator (at least 0).

    Returns:
        A frozen :class:`Adam` with no weight decay.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: betas outside [0, 1), a negative eps.
        LearningRateError: a constant learning rate that is zero, negative or not finite
            (a schedule's rates are checked at each update).

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
        learning_rate: a positive finite number, or a schedule (a function of the 0-based
            step returning one).
        betas: the decay rates of the first and second moments, each in [0, 1).
        eps: added to the denominator (at least 0).
        weight_decay: the decoupled decay factor (at least 0).

    Returns:
        A frozen :class:`Adam` named ``"adamw"``.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: betas outside [0, 1), a negative eps or weight decay.
        LearningRateError: a constant learning rate that is zero, negative or not finite
            (a schedule's rates are checked at each update).

    >>> adamw(0.1, weight_decay=1e-4).weight_decay
    0.0001
    """
    return Adam(learning_rate, betas, eps, weight_decay, "adamw")


def _rate_at(learning_rate: float | Schedule, step: int) -> float:
    if callable(learning_rate):
        rate = learning_rate(step)
        return _positive_rate(rate, f"the learning rate at step {step} (learning_rate({step}))")
    return learning_rate  # checked when the optimizer was made


def _check_model(model: object) -> MLP:
    if not isinstance(model, MLP):
        raise InvalidTypeError(
            f"model must be an MLP, got {describe(model)}; pass for example "
            "MLP.create(2, [16, 16, 1])"
        )
    return model


def _check_state(
    optimizer: Optimizer, model: object, grads: object, state: object, kind: type[_StateT]
) -> _StateT:
    checked = _check_model(model)
    if not isinstance(grads, Gradients):
        raise InvalidTypeError(
            f"grads must be a Gradients table, got {describe(grads)}; pass the result of "
            "mgfunc.backward(loss)"
        )
    if not isinstance(state, kind) or not _fits(optimizer, state):
        raise InvalidTypeError(
            f"state was made by {_made_by(state)}, but this optimizer is "
            f"{_describe(optimizer)}; each optimizer continues only its own state: start one "
            "for it with state = optimizer.init(model)"
        )
    shape = _shape(checked)
    if state.shape != shape:
        raise InvalidValueError(
            f"state belongs to a model of shape {list(state.shape)} but the model has shape "
            f"{list(shape)}; start a state for this model with optimizer.init(model)"
        )
    # The shape fixes the parameter count (each neuron: a weight per input, and a bias),
    # which saves gathering every parameter just to count them.
    count = sum((fan_in + 1) * fan_out for fan_in, fan_out in pairwise(shape))
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


def _made_by(state: object) -> str:
    """Which optimizer made ``state``, as far as the state itself tells."""
    if isinstance(state, AdamState):
        return "adam or adamw (an AdamState)"
    if isinstance(state, SGDState):
        if state.velocity:
            return "sgd with momentum (an SGDState holding a velocity)"
        if state.step > 0:
            return f"sgd without momentum (an SGDState with no velocity at step {state.step})"
        return "sgd (an SGDState)"
    return f"no optimizer of mgfunc.optim ({describe(state)})"


def _fits(optimizer: Optimizer, state: SGDState | AdamState) -> bool:
    """Whether ``optimizer`` can continue ``state``: momentum SGD needs a velocity after step 0."""
    if isinstance(optimizer, Adam) or not isinstance(state, SGDState):
        return isinstance(optimizer, Adam) == isinstance(state, AdamState)
    with_momentum = optimizer.momentum != 0.0
    return bool(state.velocity) == with_momentum or (with_momentum and state.step == 0)


def _describe(optimizer: Optimizer) -> str:
    if isinstance(optimizer, SGD):
        if optimizer.momentum == 0.0:
            return "sgd without momentum"
        return f"sgd with momentum {optimizer.momentum}"
    return optimizer.name


def _check_finite(
    numbers: list[float], params: Sequence[Value], grads: Gradients, rate: float
) -> None:
    """Refuse an update that would make a parameter NaN or infinite, saying why it would."""
    if all(map(_isfinite, numbers)):
        return  # the common case, checked in one pass in C; the loop below finds the culprit
    for index, number in enumerate(numbers):
        if not math.isfinite(number):
            gradient = grads[params[index]]
            if not math.isfinite(gradient):
                cause = (
                    f"its gradient is {gradient!r}: the backward pass met a NaN or an overflow, "
                    "which no learning rate causes; check the model's weights, the data and the "
                    "loss"
                )
            else:
                cause = (
                    f"its gradient is {gradient!r} at learning rate {rate!r}: the step "
                    "overflowed; lower the learning rate"
                )
            raise InvalidValueError(
                f"a parameter would become {number!r} (parameter {index} in parameters(model) "
                f"order): {cause}"
            )


_isfinite = math.isfinite
