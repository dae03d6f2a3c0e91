"""Neurons, layers and multi-layer perceptrons as frozen values.

A model is data: a tuple of layers, each a tuple of neurons, each holding its weight and bias
Values. Calling a model builds a graph; :func:`apply_gradients` returns a new model and leaves
the old one as it was. Models compare by the numbers they hold.

>>> from mgfunc.nn import MLP, parameter_count
>>> model = MLP.create(2, [16, 16, 1], seed=(1337, 1337, 1337))
>>> parameter_count(model)
337
>>> score = model([0.5, -1.0])
>>> model.evaluate([0.5, -1.0]) == (score.data,)
True
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Sequence
from itertools import pairwise

import attrs

from mgfunc._checks import describe, real_number, whole_number
from mgfunc._random import Seed, check_seed, make_rng
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.gradients import Gradients
from mgfunc.value import Value, as_value, linear_node

__all__ = ["MLP", "Layer", "Neuron", "apply_gradients", "parameter_count", "parameters"]

OFFICIAL_SEED: Seed = (1337, 1337, 1337)

# Every parameter is a Python object of about 100 bytes, and a forward pass builds several
# nodes per parameter: past this many, MLP.create would exhaust memory instead of answering.
MAX_PARAMETERS = 10_000_000


def _datas(values: tuple[Value, ...]) -> tuple[float, ...]:
    return tuple(value.data for value in values)


def _data(value: Value) -> float:
    return value.data


def _to_tuple(items: object) -> object:
    # A non-iterable (an int, None) is left as it is, for the validator to refuse with a
    # message instead of a bare TypeError from tuple().
    if isinstance(items, Iterable) and not isinstance(items, (str, bytes)):
        return tuple(items)
    return items


def _to_weights(weights: Iterable[Value]) -> tuple[Value, ...]:
    return _to_tuple(weights)  # type: ignore[return-value]  # the validator checks the type


def _to_neurons(neurons: Iterable[Neuron]) -> tuple[Neuron, ...]:
    return _to_tuple(neurons)  # type: ignore[return-value]  # the validator checks the type


def _to_layers(layers: Iterable[Layer]) -> tuple[Layer, ...]:
    return _to_tuple(layers)  # type: ignore[return-value]  # the validator checks the type


def _check_values(instance: object, attribute: attrs.Attribute[object], values: object) -> None:
    if not isinstance(values, tuple) or not all(isinstance(v, Value) for v in values):
        raise InvalidTypeError(
            f"{type(instance).__name__}({attribute.name}=...) takes a sequence of Values, got "
            f"{describe(values)}; wrap numbers as Value(0.5)"
        )
    if not values:
        raise InvalidValueError(
            f"{type(instance).__name__}({attribute.name}=...) must not be empty; a neuron needs "
            "at least one weight"
        )


def _check_value(instance: object, attribute: attrs.Attribute[Value], value: object) -> None:
    if not isinstance(value, Value):
        raise InvalidTypeError(
            f"{type(instance).__name__}({attribute.name}=...) takes a Value, got "
            f"{describe(value)}; wrap numbers as Value(0.0)"
        )


def _check_flag(instance: object, attribute: attrs.Attribute[bool], flag: object) -> None:
    if not isinstance(flag, bool):
        raise InvalidTypeError(
            f"{type(instance).__name__}({attribute.name}=...) takes True or False, got "
            f"{describe(flag)}"
        )


@attrs.frozen
class Neuron:
    """``relu(bias + sum(w_i * x_i))``, or the weighted sum alone when ``nonlinear`` is False.

    Args:
        weights: one Value per input.
        bias: a Value.
        nonlinear: apply ReLU (hidden layers) or not (the output layer).

    >>> neuron = Neuron(weights=(Value(0.5), Value(-1.0)), bias=Value(0.25), nonlinear=False)
    >>> neuron([2.0, 1.0]).data
    0.25
    """

    weights: tuple[Value, ...] = attrs.field(
        converter=_to_weights, validator=_check_values, eq=_datas
    )
    bias: Value = attrs.field(validator=_check_value, eq=_data)
    nonlinear: bool = attrs.field(default=True, validator=_check_flag)

    @property
    def nin(self) -> int:
        """The number of inputs."""
        return len(self.weights)

    def __call__(self, inputs: Sequence[Value | float]) -> Value:
        _check_width(inputs, self.nin)
        return self._forward(tuple(as_value(x, "Neuron") for x in inputs))

    def _forward(self, inputs: tuple[Value, ...]) -> Value:
        return linear_node(
            self.weights,
            _floats(self.weights),
            inputs,
            _floats(inputs),
            self.bias,
            relu=self.nonlinear,
        )

    def evaluate(self, inputs: Sequence[float]) -> float:
        """The same number as ``self(inputs).data``, computed on floats without building nodes."""
        return self._evaluate(_check_numbers(inputs, self.nin))

    def _evaluate(self, inputs: Sequence[float]) -> float:
        activation = self.bias.data
        for w, x in zip(self.weights, inputs):
            activation += w.data * x
        return activation if not self.nonlinear or activation > 0.0 else 0.0

    def parameters(self) -> tuple[Value, ...]:
        """The weights, then the bias."""
        return (*self.weights, self.bias)


@attrs.frozen
class Layer:
    """Neurons that all read the same inputs.

    Args:
        neurons: the layer's neurons, all with the same number of inputs.
    """

    neurons: tuple[Neuron, ...] = attrs.field(converter=_to_neurons)

    @neurons.validator
    def _check(self, _attribute: object, neurons: tuple[Neuron, ...]) -> None:
        if (
            not isinstance(neurons, tuple)
            or not neurons
            or not all(isinstance(n, Neuron) for n in neurons)
        ):
            raise InvalidTypeError(
                f"Layer(neurons=...) takes a non-empty sequence of Neurons, got {describe(neurons)}"
            )
        if len({n.nin for n in neurons}) != 1:
            raise InvalidValueError(
                "Layer(neurons=...): every neuron must have the same number of weights, got "
                f"{sorted({n.nin for n in neurons})}"
            )

    @property
    def nin(self) -> int:
        """The number of inputs."""
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        """The number of outputs (neurons)."""
        return len(self.neurons)

    def __call__(self, inputs: Sequence[Value | float]) -> tuple[Value, ...]:
        _check_width(inputs, self.nin)
        return self._forward(tuple(as_value(x, "Layer") for x in inputs))

    def _forward(
        self, inputs: tuple[Value, ...], weight_data: _LayerFloats | None = None
    ) -> tuple[Value, ...]:
        # The inputs' floats are read once for all the neurons, the weights' once per model
        # when the MLP passes them (see _weight_floats).
        input_data = _floats(inputs)
        if weight_data is None:
            weight_data = tuple(_floats(neuron.weights) for neuron in self.neurons)
        return tuple(
            [
                linear_node(n.weights, w, inputs, input_data, n.bias, relu=n.nonlinear)
                for n, w in zip(self.neurons, weight_data)
            ]
        )

    def evaluate(self, inputs: Sequence[float]) -> tuple[float, ...]:
        """The layer's outputs on floats, without building nodes."""
        return self._evaluate(_check_numbers(inputs, self.nin))

    def _evaluate(self, inputs: Sequence[float]) -> tuple[float, ...]:
        return tuple(neuron._evaluate(inputs) for neuron in self.neurons)

    def parameters(self) -> tuple[Value, ...]:
        """Every neuron's parameters, neuron by neuron."""
        return tuple(p for neuron in self.neurons for p in neuron.parameters())


@attrs.frozen
class MLP:
    """A multi-layer perceptron: ReLU hidden layers and a linear output layer.

    Build one with :meth:`MLP.create` (random weights, micrograd's initialisation) or from
    given layers, e.g. to start two models from identical numbers.

    Args:
        layers: the layers in order; each layer's width must match the next one's inputs.
    """

    layers: tuple[Layer, ...] = attrs.field(converter=_to_layers)

    @layers.validator
    def _check(self, _attribute: object, layers: tuple[Layer, ...]) -> None:
        if (
            not isinstance(layers, tuple)
            or not layers
            or not all(isinstance(layer, Layer) for layer in layers)
        ):
            raise InvalidTypeError(
                f"MLP(layers=...) takes a non-empty sequence of Layers, got {describe(layers)}"
            )
        for index, (before, after) in enumerate(pairwise(layers)):
            if before.nout != after.nin:
                raise InvalidValueError(
                    f"MLP(layers=...): layer {index} has {before.nout} outputs but layer "
                    f"{index + 1} takes {after.nin} inputs; make them match"
                )

    @classmethod
    def create(cls, nin: int, nouts: Sequence[int], *, seed: Seed = OFFICIAL_SEED) -> MLP:
        """A new MLP with weights uniform in [-1, 1] and biases 0, as micrograd initialises.

        Args:
            nin: the number of inputs (at least 1).
            nouts: the width of every layer, the last being the number of outputs.
            seed: an int or a tuple of ints; the same seed gives the same weights everywhere.

        Returns:
            The model; hidden layers use ReLU, the last layer is linear.

        Raises:
            InvalidTypeError: an argument has the wrong type.
            InvalidValueError: ``nin`` < 1, ``nouts`` is empty, or a width is below 1.

        >>> [layer.nout for layer in MLP.create(2, [4, 1], seed=0).layers]
        [4, 1]
        """
        nin = whole_number(nin, "nin", least=1, example="2")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence):
            raise InvalidTypeError(
                f"nouts must be a sequence of layer widths, got {type(nouts).__name__} "
                f"{nouts!r}; pass for example [16, 16, 1]"
            )
        if not nouts:
            raise InvalidValueError("nouts must not be empty; pass for example [16, 16, 1]")
        sizes = [
            nin,
            *(whole_number(w, f"nouts[{i}]", least=1, example="16") for i, w in enumerate(nouts)),
        ]
        count = sum((fan_in + 1) * fan_out for fan_in, fan_out in pairwise(sizes))
        if count > MAX_PARAMETERS:
            raise InvalidValueError(
                f"MLP.create({nin}, {list(nouts)}) would have {count:,} parameters, more than "
                f"the {MAX_PARAMETERS:,} mgfunc can hold as Python objects; use fewer or "
                "narrower layers"
            )
        rng = make_rng(check_seed(seed), "mgfunc.nn.MLP")
        last = len(nouts) - 1
        return cls(
            layers=tuple(
                Layer(
                    neurons=tuple(
                        Neuron(
                            weights=tuple(Value(rng.uniform(-1.0, 1.0)) for _ in range(fan_in)),
                            bias=Value(0.0),
                            nonlinear=index != last,
                        )
                        for _ in range(fan_out)
                    )
                )
                for index, (fan_in, fan_out) in enumerate(pairwise(sizes))
            )
        )

    @property
    def nin(self) -> int:
        """The number of inputs."""
        return self.layers[0].nin

    @property
    def nout(self) -> int:
        """The number of outputs."""
        return self.layers[-1].nout

    def __call__(self, inputs: Sequence[Value | float]) -> Value | tuple[Value, ...]:
        """The forward pass: a Value for a one-output model, else a tuple of Values."""
        outputs = self.forward(inputs)
        return outputs[0] if len(outputs) == 1 else outputs

    def forward(self, inputs: Sequence[Value | float]) -> tuple[Value, ...]:
        """The forward pass, always as a tuple of output Values (a precise type for mypy)."""
        _check_width(inputs, self.nin)
        values = tuple(as_value(x, "MLP") for x in inputs)
        for layer, weight_data in zip(self.layers, _weight_floats(self)):
            values = layer._forward(values, weight_data)
        return values

    def evaluate(self, inputs: Sequence[float]) -> tuple[float, ...]:
        """The outputs as floats, without building a graph: for plots and accuracy.

        Gives exactly the numbers of :meth:`forward` (same operations, same order), many times
        faster.
        """
        values: Sequence[float] = _check_numbers(inputs, self.nin)
        for layer in self.layers:
            values = layer._evaluate(values)
        return tuple(values)

    def evaluate_many(self, rows: Sequence[Sequence[float]]) -> tuple[tuple[float, ...], ...]:
        """:meth:`evaluate` for many points at once: the same numbers, bit for bit, faster.

        Each neuron is evaluated at every point of a block (1024 points) before the next
        neuron: its weights' floats are read once per block, and each point goes through the
        same operations in the same order as in :meth:`evaluate`. Made for decision-boundary
        grids and animation frames.

        Args:
            rows: the points, each a sequence of ``nin`` finite real numbers.

        Returns:
            One tuple of output floats per row, in the order of ``rows``.

        Raises:
            InvalidTypeError: ``rows`` is not a sequence of sequences of numbers, or a row
                holds a Value or a non-number.
            InvalidValueError: a row has the wrong width or a non-finite number.

        >>> model = MLP.create(2, [4, 1], seed=0)
        >>> rows = [(0.5, -1.0), (2.0, 0.25)]
        >>> model.evaluate_many(rows) == tuple(model.evaluate(row) for row in rows)
        True
        """
        points = _check_rows(rows, self.nin)
        outputs: list[tuple[float, ...]] = []
        # A block of points at a time, so that a big grid needs little memory beyond its result.
        for start in range(0, len(points), _BLOCK):
            block = points[start : start + _BLOCK]
            # One list per input, then one per neuron: entry k belongs to point k of the block.
            columns = [list(column) for column in zip(*block)]
            for layer in self.layers:
                columns = [
                    _evaluate_column(neuron, columns, len(block)) for neuron in layer.neurons
                ]
            outputs.extend(zip(*columns))
        return tuple(outputs)

    def parameters(self) -> tuple[Value, ...]:
        """Every parameter, layer by layer."""
        return tuple(p for layer in self.layers for p in layer.parameters())


Module = Neuron | Layer | MLP

# The floats of a layer's weights, one tuple per neuron, and of a model's, one per layer.
_LayerFloats = tuple[tuple[float, ...], ...]
_ModelFloats = tuple[_LayerFloats, ...]

# The weights' floats of the model that ran last. A model is frozen, so its floats never
# change: a loss runs the model on every point of a dataset, and reads each weight's float once
# instead of once per point. This is only a cache of a pure function. It refers to the model
# weakly (it never keeps a model alive, and forgets the floats when the model goes), finds it
# by identity, and rebinding it is atomic, so threads running different models only recompute.
_last_weights: tuple[weakref.ref[MLP], _ModelFloats] | None = None


def _weight_floats(model: MLP) -> _ModelFloats:
    """Every weight's float, per layer and per neuron, read once per model."""
    global _last_weights
    last = _last_weights
    if last is not None and last[0]() is model:
        return last[1]
    floats = tuple(
        tuple(_floats(neuron.weights) for neuron in layer.neurons) for layer in model.layers
    )
    _last_weights = (weakref.ref(model, _forget_weights), floats)
    return floats


def _forget_weights(gone: weakref.ref[MLP]) -> None:
    global _last_weights
    last = _last_weights
    if last is not None and last[0] is gone:
        _last_weights = None


def _floats(values: tuple[Value, ...]) -> tuple[float, ...]:
    return tuple([value.data for value in values])


# How many points evaluate_many takes at a time (measured: as fast as the whole grid at once).
_BLOCK = 1024


def _evaluate_column(neuron: Neuron, columns: list[list[float]], count: int) -> list[float]:
    """``neuron.evaluate`` at ``count`` points at once; ``columns[i][k]`` is input i of point k.

    Point k sees exactly the operations of :meth:`Neuron.evaluate`, in the same order: the bias,
    plus each weight times its input left to right, then ReLU (a positive sum, else 0.0).
    """
    outputs = [neuron.bias.data] * count
    for weight, inputs in zip(_floats(neuron.weights), columns):
        outputs = [total + weight * x for total, x in zip(outputs, inputs)]
    if neuron.nonlinear:
        outputs = [total if total > 0.0 else 0.0 for total in outputs]
    return outputs


def parameters(model: Module) -> tuple[Value, ...]:
    """Every parameter of a Neuron, Layer or MLP, in a fixed order (weights, then bias)."""
    return _check_module(model).parameters()


def parameter_count(model: Module) -> int:
    """How many numbers the model learns. ``MLP.create(2, [16, 16, 1])`` has 337."""
    return len(_check_module(model).parameters())


def _check_module(model: object) -> Module:
    if not isinstance(model, (Neuron, Layer, MLP)):
        raise InvalidTypeError(
            f"model must be a Neuron, Layer or MLP, got {describe(model)}; "
            "pass for example MLP.create(2, [16, 16, 1])"
        )
    return model


def apply_gradients(model: MLP, grads: Gradients, learning_rate: float) -> MLP:
    """One gradient-descent step: a new model with ``p - learning_rate * grads[p]`` for each p.

    The model passed in is left unchanged; use the return value (as with ``attrs.evolve``).

    Args:
        model: the model whose parameters to update.
        grads: the table from :func:`mgfunc.backward` of a loss built from ``model``.
        learning_rate: a finite step size.

    Returns:
        A new MLP of the same shape.

    Raises:
        InvalidTypeError: ``model`` is not an MLP, ``grads`` not a Gradients table, or
            ``learning_rate`` not a real number.
        InvalidValueError: ``learning_rate`` is not finite, or a parameter would become
            non-finite (the step diverged; lower the learning rate).

    >>> from mgfunc import backward
    >>> model = MLP.create(1, [1], seed=0)
    >>> grads = backward(model([1.0]))
    >>> new_model = apply_gradients(model, grads, 0.5)
    >>> new_model.layers[0].neurons[0].bias.data, model.layers[0].neurons[0].bias.data
    (-0.5, 0.0)
    """
    if not isinstance(model, MLP):
        raise InvalidTypeError(f"model must be an MLP, got {type(model).__name__}")
    if not isinstance(grads, Gradients):
        raise InvalidTypeError(
            f"grads must be a Gradients table, got {type(grads).__name__}; "
            "pass the result of mgfunc.backward(loss)"
        )
    rate = check_learning_rate(learning_rate)

    def step(p: Value) -> Value:
        updated = p.data - rate * grads[p]
        if not math.isfinite(updated):
            raise InvalidValueError(
                f"apply_gradients: a parameter would become {updated!r} "
                f"(data {p.data!r}, gradient {grads[p]!r}, learning_rate {rate!r}); "
                "the step diverged: lower the learning rate"
            )
        return Value(updated, label=p.label)

    return MLP(
        layers=tuple(
            Layer(
                neurons=tuple(
                    Neuron(
                        weights=tuple(step(w) for w in neuron.weights),
                        bias=step(neuron.bias),
                        nonlinear=neuron.nonlinear,
                    )
                    for neuron in layer.neurons
                )
            )
            for layer in model.layers
        )
    )


def check_learning_rate(learning_rate: object, argument: str = "learning_rate") -> float:
    """Return ``learning_rate`` as a float if it is a finite real number; raise otherwise."""
    return real_number(learning_rate, argument, example="0.1")


def _check_numbers(inputs: object, nin: int) -> tuple[float, ...]:
    """``inputs`` as floats for ``evaluate``: ``nin`` finite real numbers, Values refused."""
    _check_width(inputs, nin)
    assert isinstance(inputs, Sequence)  # checked above; narrows the type for mypy
    if any(isinstance(x, Value) for x in inputs):
        raise InvalidTypeError(
            "evaluate takes plain numbers, got a Value among the inputs; "
            "call the model itself, model(inputs), to build a graph from Values"
        )
    return tuple(real_number(x, f"inputs[{index}]") for index, x in enumerate(inputs))


def _check_rows(rows: object, nin: int) -> list[tuple[float, ...]]:
    """``rows`` as tuples of floats for ``evaluate_many``: each row checked as ``evaluate`` does."""
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence):
        raise InvalidTypeError(
            f"rows must be a sequence of points, got {describe(rows)}; "
            "pass for example [(0.5, -1.0), (2.0, 0.25)]"
        )
    points = []
    for index, row in enumerate(rows):
        # A tuple of nin finite floats is already what the checks return (a grid's points
        # are): accept it at once. The sum of floats is finite only if every one of them is.
        if (
            type(row) is tuple
            and len(row) == nin
            and all(type(x) is float for x in row)
            and math.isfinite(sum(row))
        ):
            points.append(row)
            continue
        try:
            points.append(_check_numbers(row, nin))
        except (InvalidTypeError, InvalidValueError) as error:
            raise type(error)(f"rows[{index}]: {error}") from None
    return points


def _check_width(inputs: object, nin: int) -> None:
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
        raise InvalidTypeError(
            f"inputs must be a sequence of {nin} numbers or Values, got {describe(inputs)}"
        )
    if len(inputs) != nin:
        raise InvalidValueError(
            f"inputs has {len(inputs)} entries but the model takes {nin}; pass {nin} numbers"
        )
