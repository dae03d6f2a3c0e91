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
from itertools import chain, pairwise
from typing import TYPE_CHECKING

import attrs

from mgfunc._checks import (
    ArrayLike,
    Numbers,
    Rows,
    as_sequence,
    check_choice,
    describe,
    real_number,
    type_name,
    whole_number,
)
from mgfunc._frozen import NEW_MODEL, NO_ZERO_GRAD, immutable
from mgfunc._model_checks import (
    check_flag,
    check_learning_rate,
    check_numbers,
    check_parts,
    check_rows,
    check_value,
    check_values,
    checked_inputs,
    input_values,
    to_tuple,
)
from mgfunc._random import Seed, check_seed, make_rng
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.gradients import Gradients
from mgfunc.value import (
    SharedGroup,
    Value,
    WeightedSum,
    _sigmoid,
    leaf,
    leaves,
    weighted_sums,
)

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "MLP",
    "Layer",
    "Neuron",
    "apply_gradients",
    "parameter_count",
    "parameters",
    "with_parameters",
]

ACTIVATIONS = ("relu", "tanh", "sigmoid")
"""The hidden layers' nonlinearities :meth:`MLP.create` and :class:`Neuron` accept."""
INITS = ("micrograd", "scaled")
"""Weight initialisations of :meth:`MLP.create`: uniform [-1, 1], or that over sqrt(fan_in)."""

OFFICIAL_SEED: Seed = (1337, 1337, 1337)

Inputs = Sequence[Value | float] | ArrayLike
"""A model's input row: Values or numbers in a list or tuple, or a 1-d array of numbers."""

# Every parameter is a Python object of about 100 bytes, and a forward pass builds several
# nodes per parameter: past this many, MLP.create would exhaust memory instead of answering.
MAX_PARAMETERS = 10_000_000


def _floats(values: tuple[Value, ...]) -> tuple[float, ...]:
    """The Values' floats: how neurons compare, and what a forward pass reads of the weights."""
    return tuple([value.data for value in values])


def _data(value: Value) -> float:
    return value.data


def _to_weights(weights: Iterable[Value]) -> tuple[Value, ...]:
    return to_tuple(weights)  # type: ignore[return-value]  # the validator checks the type


def _to_neurons(neurons: Iterable[Neuron]) -> tuple[Neuron, ...]:
    return to_tuple(neurons)  # type: ignore[return-value]  # the validator checks the type


def _to_layers(layers: Iterable[Layer]) -> tuple[Layer, ...]:
    return to_tuple(layers)  # type: ignore[return-value]  # the validator checks the type


def _check_activation(instance: object, attribute: attrs.Attribute[str], name: object) -> None:
    check_choice(name, f"{type(instance).__name__}({attribute.name}=...)", ACTIVATIONS)


@immutable(NEW_MODEL)
@attrs.frozen
class Neuron:
    """``relu(bias + sum(w_i * x_i))``, or the weighted sum alone when ``nonlinear`` is False.

    Args:
        weights: one Value per input.
        bias: a Value.
        nonlinear: apply the activation (hidden layers) or not (the output layer).
        activation: ``"relu"`` (micrograd's), ``"tanh"`` or ``"sigmoid"``.

    >>> neuron = Neuron(weights=(Value(0.5), Value(-1.0)), bias=Value(0.25), nonlinear=False)
    >>> neuron([2.0, 1.0]).data
    0.25
    """

    weights: tuple[Value, ...] = attrs.field(
        converter=_to_weights, validator=check_values, eq=_floats
    )
    bias: Value = attrs.field(validator=check_value, eq=_data)
    nonlinear: bool = attrs.field(default=True, validator=check_flag)
    activation: str = attrs.field(default="relu", validator=_check_activation)

    @property
    def nin(self) -> int:
        """The number of inputs."""
        return len(self.weights)

    def __call__(self, inputs: Inputs) -> Value:
        row = checked_inputs(inputs, self.nin)
        return self._forward(input_values(row, "Neuron"))

    @property
    def _kind(self) -> str:
        """What the neuron's node does: ``"linear"`` (no activation) or the activation."""
        return self.activation if self.nonlinear else "linear"

    def _forward(self, inputs: tuple[Value, ...]) -> Value:
        (node,) = weighted_sums(inputs, [_gathered(self)], self._kind)
        return node

    def evaluate(self, inputs: Numbers) -> float:
        """The same number as ``self(inputs).data``, computed on floats without building nodes."""
        return self._evaluate(check_numbers(inputs, self.nin))

    def _evaluate(self, inputs: Sequence[float]) -> float:
        total = self.bias.data
        for w, x in zip(self.weights, inputs):
            total += w.data * x
        if not self.nonlinear:
            return total
        kind = self.activation
        if kind == "relu":
            return total if total > 0.0 else 0.0
        # The same float functions the Value nodes use, so scores match the graph bit for bit.
        return math.tanh(total) if kind == "tanh" else _sigmoid(total)

    def parameters(self) -> tuple[Value, ...]:
        """The weights, then the bias."""
        return (*self.weights, self.bias)

    if not TYPE_CHECKING:  # so that mypy reports model.zero_grad() as a missing attribute
        zero_grad = NO_ZERO_GRAD


@immutable(NEW_MODEL)
@attrs.frozen
class Layer:
    """Neurons that all read the same inputs.

    Args:
        neurons: the layer's neurons, all with the same number of inputs.
    """

    neurons: tuple[Neuron, ...] = attrs.field(converter=_to_neurons)

    @neurons.validator
    def _check(self, _attribute: object, neurons: tuple[Neuron, ...]) -> None:
        check_parts(neurons, Neuron, "Layer(neurons=...)")
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

    def __call__(self, inputs: Inputs) -> tuple[Value, ...]:
        row = checked_inputs(inputs, self.nin)
        return self._forward(input_values(row, "Layer"))

    def _forward(
        self, inputs: tuple[Value, ...], plan: _LayerPlan | None = None
    ) -> tuple[Value, ...]:
        # The neurons' parameters and floats are gathered once per model when the MLP passes
        # its plan (see _model_plan), else here.
        sums, kind = _layer_plan(self) if plan is None else plan
        if kind is None:  # neurons of different kinds: one at a time
            return tuple([neuron._forward(inputs) for neuron in self.neurons])
        return tuple(weighted_sums(inputs, sums, kind))

    def evaluate(self, inputs: Numbers) -> tuple[float, ...]:
        """The layer's outputs on floats, without building nodes."""
        return self._evaluate(check_numbers(inputs, self.nin))

    def _evaluate(self, inputs: Sequence[float]) -> tuple[float, ...]:
        return tuple(neuron._evaluate(inputs) for neuron in self.neurons)

    def parameters(self) -> tuple[Value, ...]:
        """Every neuron's parameters, neuron by neuron."""
        return _parameters_of(self.neurons)

    if not TYPE_CHECKING:  # so that mypy reports model.zero_grad() as a missing attribute
        zero_grad = NO_ZERO_GRAD


@immutable(NEW_MODEL)
@attrs.frozen
class MLP:
    """A multi-layer perceptron: nonlinear hidden layers (ReLU by default), a linear output layer.

    Build one with :meth:`MLP.create` (random weights, micrograd's initialisation by default) or
    from given layers, e.g. to start two models from identical numbers.

    Args:
        layers: the layers in order; each layer's width must match the next one's inputs.
    """

    layers: tuple[Layer, ...] = attrs.field(converter=_to_layers)

    @layers.validator
    def _check(self, _attribute: object, layers: tuple[Layer, ...]) -> None:
        check_parts(layers, Layer, "MLP(layers=...)")
        for index, (before, after) in enumerate(pairwise(layers)):
            if before.nout != after.nin:
                raise InvalidValueError(
                    f"MLP(layers=...): layer {index} has {before.nout} outputs but layer "
                    f"{index + 1} takes {after.nin} inputs; make them match"
                )

    @classmethod
    def create(
        cls,
        nin: int,
        nouts: Sequence[int] | ArrayLike,
        *,
        activation: str = "relu",
        init: str = "micrograd",
        seed: Seed = OFFICIAL_SEED,
    ) -> MLP:
        """A new MLP with random weights and biases 0.

        Args:
            nin: the number of inputs (at least 1).
            nouts: the width of every layer, the last being the number of outputs.
            activation: the hidden layers' nonlinearity, ``"relu"`` (micrograd's), ``"tanh"``
                or ``"sigmoid"``; the last layer is always linear.
            init: ``"micrograd"`` draws every weight uniform in [-1, 1]; ``"scaled"`` divides
                the same draws by sqrt(fan_in), which keeps wide layers' outputs near 1.
            seed: an int or a tuple of ints; the same seed gives the same weights everywhere.

        Returns:
            The model.

        Raises:
            InvalidTypeError: an argument has the wrong type.
            InvalidValueError: ``nin`` < 1, ``nouts`` is empty, a width is below 1, or an
                unknown ``activation`` or ``init``.

        >>> [layer.nout for layer in MLP.create(2, [4, 1], seed=0).layers]
        [4, 1]
        >>> MLP.create(2, [8, 3], activation="tanh", init="scaled").layers[0].neurons[0].activation
        'tanh'
        """
        nin = whole_number(nin, "nin", least=1, example="2")
        widths = as_sequence(nouts, "nouts", what="layer widths")
        if not widths:
            raise InvalidValueError("nouts must not be empty; pass for example [16, 16, 1]")
        sizes = [
            nin,
            *(whole_number(w, f"nouts[{i}]", least=1, example="16") for i, w in enumerate(widths)),
        ]
        check_choice(activation, "activation", ACTIVATIONS)
        check_choice(init, "init", INITS)
        count = sum((fan_in + 1) * fan_out for fan_in, fan_out in pairwise(sizes))
        if count > MAX_PARAMETERS:
            raise InvalidValueError(
                f"MLP.create({nin}, {sizes[1:]}) would have {count:,} parameters, more than "
                f"the {MAX_PARAMETERS:,} mgfunc can hold as Python objects; use fewer or "
                "narrower layers"
            )
        rng = make_rng(check_seed(seed), "mgfunc.nn.MLP")
        last = len(sizes) - 2

        def weight(fan_in: int) -> Value:
            draw = rng.uniform(-1.0, 1.0)
            return Value(draw if init == "micrograd" else draw / math.sqrt(fan_in))

        return cls(
            layers=tuple(
                Layer(
                    neurons=tuple(
                        Neuron(
                            weights=tuple(weight(fan_in) for _ in range(fan_in)),
                            bias=Value(0.0),
                            nonlinear=index != last,
                            activation=activation,
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

    def __call__(self, inputs: Inputs) -> Value | tuple[Value, ...]:
        """The forward pass: a Value for a one-output model, else a tuple of Values."""
        outputs = self.forward(inputs)
        return outputs[0] if len(outputs) == 1 else outputs

    def forward(self, inputs: Inputs) -> tuple[Value, ...]:
        """The forward pass, always as a tuple of output Values (a precise type for mypy)."""
        row = checked_inputs(inputs, self.nin)
        values = input_values(row, "MLP")
        for layer, plan in zip(self.layers, _model_plan(self)):
            values = layer._forward(values, plan)
        return values

    def evaluate(self, inputs: Numbers) -> tuple[float, ...]:
        """The outputs as floats, without building a graph: for plots and accuracy.

        Gives exactly the numbers of :meth:`forward` (same operations, same order), many times
        faster.
        """
        values: Sequence[float] = check_numbers(inputs, self.nin)
        for layer in self.layers:
            values = layer._evaluate(values)
        return tuple(values)

    def evaluate_many(self, rows: Rows) -> tuple[tuple[float, ...], ...]:
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
        points = check_rows(rows, self.nin)
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

    def predict(self, rows: Rows) -> tuple[int, ...]:
        """The predicted class of every row: what the losses' ``accuracy`` counts as a guess.

        A one-output model predicts class 1 where its score is positive and class 0 elsewhere
        (the -1.0 / 1.0 labels' classes); a model of K outputs predicts the index of its
        largest output (the first one, on a tie). The outputs are those of
        :meth:`evaluate_many`, so they are exactly the numbers of a forward pass.

        Args:
            rows: the points, each a sequence of ``nin`` finite real numbers (a list of rows,
                a 2-d numpy array, or a pandas DataFrame of ``nin`` columns).

        Returns:
            One class index per row, in the order of ``rows``.

        Raises:
            InvalidTypeError: ``rows`` is not rows of numbers.
            InvalidValueError: a row has the wrong width or a non-finite number, or the
                model's output for a row is not finite (no class can be read from it).

        >>> model = MLP.create(2, [4, 3], seed=0)
        >>> classes = model.predict([(0.5, -1.0), (2.0, 0.25)])
        >>> len(classes), all(k in (0, 1, 2) for k in classes)
        (2, True)
        """
        to_numpy = getattr(rows, "to_numpy", None)  # a pandas DataFrame
        table = to_numpy() if callable(to_numpy) else rows
        predicted = []
        for index, outputs in enumerate(self.evaluate_many(table)):
            if not all(map(math.isfinite, outputs)):
                raise InvalidValueError(
                    f"the model's output for rows[{index}] is {outputs}, not finite, so it "
                    "predicts no class; the model's parameters are too large (a diverged run?)"
                )
            if len(outputs) == 1:
                predicted.append(int(outputs[0] > 0.0))
            else:
                predicted.append(outputs.index(max(outputs)))
        return tuple(predicted)

    def parameters(self) -> tuple[Value, ...]:
        """Every parameter, layer by layer."""
        return _parameters_of(chain.from_iterable([layer.neurons for layer in self.layers]))

    if not TYPE_CHECKING:  # so that mypy reports model.zero_grad() as a missing attribute
        zero_grad = NO_ZERO_GRAD


Module = Neuron | Layer | MLP

# What a forward pass reads from a layer: each neuron's parameters and floats (a WeightedSum),
# and the kind of node its neurons make ("relu", "linear", "tanh" or "sigmoid"), or None when
# they differ.
_LayerPlan = tuple[tuple[WeightedSum, ...], str | None]


def _gathered(neuron: Neuron) -> WeightedSum:
    """The neuron's parameters (weights, then bias) with their floats, for weighted_sums."""
    return SharedGroup((*neuron.weights, neuron.bias)), _floats(neuron.weights), neuron.bias.data


def _layer_plan(layer: Layer) -> _LayerPlan:
    kinds = {neuron._kind for neuron in layer.neurons}
    kind = kinds.pop() if len(kinds) == 1 else None
    return tuple([_gathered(neuron) for neuron in layer.neurons]), kind


# The plan of the model that ran last. A model is frozen, so its plan never changes: a loss runs
# the model on every point of a dataset, and gathers each neuron's parameters and floats once
# instead of once per point. This is only a cache of a pure function. It refers to the model
# weakly (it never keeps a model alive, and forgets the plan when the model goes), finds it by
# identity, and rebinding it is atomic, so threads running different models only recompute.
_last_plan: tuple[weakref.ref[MLP], tuple[_LayerPlan, ...]] | None = None


def _model_plan(model: MLP) -> tuple[_LayerPlan, ...]:
    """Every layer's plan, gathered once per model."""
    global _last_plan
    last = _last_plan
    if last is not None and last[0]() is model:
        return last[1]
    plan = tuple([_layer_plan(layer) for layer in model.layers])
    _last_plan = (weakref.ref(model, _forget_plan), plan)
    return plan


def _forget_plan(gone: weakref.ref[MLP]) -> None:
    global _last_plan
    last = _last_plan
    if last is not None and last[0] is gone:
        _last_plan = None


# How many points evaluate_many takes at a time (measured: as fast as the whole grid at once).
_BLOCK = 1024


def _evaluate_column(neuron: Neuron, columns: list[list[float]], count: int) -> list[float]:
    """``neuron.evaluate`` at ``count`` points at once; ``columns[i][k]`` is input i of point k.

    Point k sees exactly the operations of :meth:`Neuron.evaluate`, in the same order: the bias,
    plus each weight times its input left to right, then the activation (ReLU: a positive sum,
    else 0.0; tanh and sigmoid: the float functions the nodes use).
    """
    outputs = [neuron.bias.data] * count
    for weight, inputs in zip(_floats(neuron.weights), columns):
        outputs = [total + weight * x for total, x in zip(outputs, inputs)]
    if not neuron.nonlinear:
        return outputs
    if neuron.activation == "relu":
        return [total if total > 0.0 else 0.0 for total in outputs]
    function = math.tanh if neuron.activation == "tanh" else _sigmoid
    return [function(total) for total in outputs]


def _parameters_of(neurons: Iterable[Neuron]) -> tuple[Value, ...]:
    """The neurons' parameters, neuron by neuron, each its weights then its bias.

    A loss and an update ask for every parameter of a model once per step: extending one list
    by each neuron's weights copies them in C, without a tuple per neuron or per layer.
    """
    found: list[Value] = []
    for neuron in neurons:
        found += neuron.weights
        found.append(neuron.bias)
    return tuple(found)


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
        raise InvalidTypeError(f"model must be an MLP, got {type_name(model)}")
    if not isinstance(grads, Gradients):
        raise InvalidTypeError(
            f"grads must be a Gradients table, got {type_name(grads)}; "
            "pass the result of mgfunc.backward(loss)"
        )
    rate = check_learning_rate(learning_rate)
    params = model.parameters()
    updated = [p.data - rate * g for p, g in zip(params, grads._gradients_of(params))]
    if not all(map(math.isfinite, updated)):  # one pass in C; then find the first culprit
        p, number = next((p, x) for p, x in zip(params, updated) if not math.isfinite(x))
        raise InvalidValueError(
            f"apply_gradients: a parameter would become {number!r} "
            f"(data {p.data!r}, gradient {grads[p]!r}, learning_rate {rate!r}); "
            "the step diverged: lower the learning rate"
        )
    return _rebuilt(model, updated, params)


def with_parameters(model: MLP, numbers: Numbers | Sequence[Value | float]) -> MLP:
    """A new MLP of ``model``'s shape holding ``numbers`` as its parameters.

    ``numbers`` follows :func:`parameters`' order (layer by layer, each neuron's weights then
    its bias); labels, activations and shapes are kept. The model passed in is unchanged.
    :func:`apply_gradients` and the optimizers of :mod:`mgfunc.optim` build their result the
    same way, without checking again the numbers they have just checked themselves.

    Entries may be Values: the new model's parameters are then exactly those nodes, so a loss
    of the new model is a function of them, and every transform of :mod:`mgfunc.transforms`
    applies to it (``hvp`` of a loss with respect to the parameters, for instance). Numbers
    become fresh leaves; the two may mix.

    Args:
        model: the MLP whose shape to copy.
        numbers: one finite number or Value per parameter.

    Returns:
        A new MLP.

    Raises:
        InvalidTypeError: ``model`` is not an MLP or ``numbers`` not a sequence of numbers or
            Values.
        InvalidValueError: the wrong count of numbers, or a NaN or infinite one.

    >>> model = MLP.create(1, [1], seed=0)
    >>> [p.data for p in with_parameters(model, [0.5, -1.0]).parameters()]
    [0.5, -1.0]
    >>> weight = Value(2.0)
    >>> with_parameters(model, [weight, 0.0]).parameters()[0] is weight
    True
    """
    if not isinstance(model, MLP):
        raise InvalidTypeError(f"model must be an MLP, got {describe(model)}")
    old = model.parameters()
    data = as_sequence(numbers, "numbers", what="numbers or Values")
    if len(data) != len(old):
        raise InvalidValueError(
            f"numbers has {len(data)} entries but the model has {len(old)} parameters; "
            "pass one number per parameter, in parameters(model) order"
        )
    if any(isinstance(number, Value) for number in data):
        nodes = [
            number
            if isinstance(number, Value)
            else leaf(real_number(number, f"numbers[{index}]"), parameter.label)
            for index, (number, parameter) in enumerate(zip(data, old))
        ]
        return _assembled(model, nodes)
    # The common case, finite floats (an optimizer's result), skips the general checks.
    floats = [
        number
        if type(number) is float and math.isfinite(number)
        else real_number(number, f"numbers[{index}]")
        for index, number in enumerate(data)
    ]
    return _rebuilt(model, floats)


def _rebuilt(model: MLP, floats: list[float], old: tuple[Value, ...] | None = None) -> MLP:
    """:func:`with_parameters` for finite floats, one per parameter, that are already checked.

    ``old`` is ``model.parameters()`` when the caller has it already (an optimizer does): the
    new leaves keep their labels.
    """
    params = model.parameters() if old is None else old
    return _assembled(model, leaves(floats, [p.label for p in params]))


def _assembled(model: MLP, nodes: list[Value]) -> MLP:
    """A model of ``model``'s shape whose parameters are ``nodes``, in parameters() order.

    Every check of the new model's parts would pass (the shape, activations and labels are
    ``model``'s), so the parts are built without them: this runs once per training step. Each
    part's fields are filled through its slots (see ``_set_weights`` and its neighbours).
    """
    layers = []
    position = 0
    for layer in model.layers:
        neurons = []
        for neuron in layer.neurons:
            end = position + len(neuron.weights)
            rebuilt: Neuron = _new(Neuron)
            _set_weights(rebuilt, tuple(nodes[position:end]))
            _set_bias(rebuilt, nodes[end])
            _set_nonlinear(rebuilt, neuron.nonlinear)
            _set_activation(rebuilt, neuron.activation)
            neurons.append(rebuilt)
            position = end + 1
        rebuilt_layer: Layer = _new(Layer)
        _set_neurons(rebuilt_layer, tuple(neurons))
        layers.append(rebuilt_layer)
    rebuilt_model: MLP = _new(MLP)
    _set_layers(rebuilt_model, tuple(layers))
    return rebuilt_model


# The slot setters of a model's parts, for _assembled: filling the slots directly, as
# mgfunc.value's node constructors do, takes half the time of trusted()'s loop over keyword
# arguments. The objects are the same frozen ones (their __setattr__ still refuses changes).
_new = object.__new__
_set_weights, _set_bias, _set_nonlinear, _set_activation = (
    Neuron.__dict__[field].__set__ for field in ("weights", "bias", "nonlinear", "activation")
)
_set_neurons, _set_layers = Layer.__dict__["neurons"].__set__, MLP.__dict__["layers"].__set__


def forward_rows(model: MLP, rows: Sequence[tuple[float, ...]]) -> list[tuple[Value, ...]]:
    """``model.forward(row)`` for every row: the same nodes, with the per-row work done once.

    Internal, for the losses: ``rows`` are already checked (``nin`` finite floats each), so
    the inputs become leaves at once, and the model's plan is looked up once for all of them.
    """
    plan = tuple(zip(model.layers, _model_plan(model)))
    outputs = []
    for row in rows:
        values = tuple([leaf(x) for x in row])
        for layer, layer_plan in plan:
            values = layer._forward(values, layer_plan)
        outputs.append(values)
    return outputs
