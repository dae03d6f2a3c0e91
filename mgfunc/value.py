"""The scalar node: a frozen ``Value`` and every operation on it.

Each operation returns a new node that records its inputs together with the local derivative
of the result with respect to each input, computed in the forward pass beside the forward
formula. Nothing is ever mutated: there is no ``.grad`` field; :func:`mgfunc.backward` returns
the gradients as a separate table.

>>> from mgfunc import Value
>>> x = Value(3.0, label="x")
>>> y = x * x + 1
>>> y.data, y.op
(10.0, '+')
>>> [node.op for node in y.inputs], y.local_gradients
(['*', ''], (1.0, 1.0))
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NoReturn

import attrs

from mgfunc._checks import real_number, type_name
from mgfunc._frozen import GRADIENTS_ARE_NOT_ON_NODES, NEW_VALUE, immutable
from mgfunc.errors import DomainError, InvalidTypeError, InvalidValueError

if TYPE_CHECKING:  # only for the annotation: mgfunc.gradients imports this module
    from mgfunc.gradients import Gradients

__all__ = ["Value", "as_value", "linear", "logsumexp", "sigmoid_of", "sum_values"]

# A creation counter gives every node a unique id. Inputs always exist before the node built
# from them, so sorting by id is a topological order (see mgfunc.topology). ``next`` on an
# itertools.count is atomic under the GIL, so ids stay unique across threads.
_next_id = itertools.count().__next__


def _check_data(data: object) -> float:
    """Convert a user's number to the float a leaf stores, refusing what cannot be data."""
    return real_number(data, "Value(data=...)", example="2.0")


def _check_label(_instance: object, _attribute: object, label: object) -> None:
    if not isinstance(label, str):
        raise InvalidTypeError(
            f"Value(label=...) takes a str, got {type_name(label)} {label!r}; "
            'pass a short name such as label="x"'
        )


@immutable(NEW_VALUE, grad=GRADIENTS_ARE_NOT_ON_NODES)
@attrs.frozen(eq=False, repr=False)
class Value:
    """A scalar node in a computation graph: frozen, compared by identity.

    Create leaves with ``Value(data, label="...")``; every operation on Values returns a new
    node that keeps its ``inputs`` and the ``local_gradients`` (d result / d input) computed in
    the forward pass. Two nodes holding the same number are different variables.

    Args:
        data: a finite real number (bool is refused).
        label: an optional name, shown by :mod:`mgfunc.graph`.

    Raises:
        InvalidTypeError: ``data`` is not a real number or ``label`` is not a str.
        InvalidValueError: ``data`` is NaN or infinite.

    >>> a = Value(2.0, label="a")
    >>> b = a * 3 - 1
    >>> b.data, b.op, a.op
    (5.0, '-', '')
    >>> a == Value(2.0, label="a")
    False
    """

    data: float = attrs.field(converter=_check_data)
    label: str = attrs.field(default="", validator=_check_label)
    op: str = attrs.field(default="", init=False)
    # The inputs in two groups: the parameters a neuron's node reads (empty for every other
    # node), then the rest. A neuron's two groups are tuples shared with the other nodes that
    # read them (see weighted_sums), so the walk (mgfunc.topology) collects each group once.
    # ``inputs`` joins the two.
    _parameter_group: tuple[Value, ...] = attrs.field(default=(), init=False)
    _input_group: tuple[Value, ...] = attrs.field(default=(), init=False)
    local_gradients: tuple[float, ...] = attrs.field(default=(), init=False)
    id: int = attrs.field(init=False, factory=_next_id)
    # How error messages name every kind of Value (see mgfunc._checks.type_name).
    _shown_as = "Value"

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The nodes this one was computed from, in order (``local_gradients`` follows it)."""
        return self._parameter_group + self._input_group

    def __repr__(self) -> str:
        # Never print the inputs: on a deep graph that would walk the whole graph.
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self.op else ""
        return f"Value(data={self.data!r}{label}{op})"

    @property
    def grad(self) -> NoReturn:
        """Gradients are not stored on nodes; this always raises AttributeError."""
        raise AttributeError(
            "Value has no .grad: mgfunc never stores gradients on nodes. "
            "Compute them with grads = mgfunc.backward(y), then read grads[x]."
        )

    def backward(self) -> Gradients:
        """The gradients of this Value, as ``mgfunc.backward(self)`` returns them.

        For micrograd's habit ``loss.backward()``: it returns the table and writes nothing, so
        keep the result, ``grads = loss.backward()``, and read ``grads[x]``. Calling it again
        gives an equal table; there is nothing to zero.

        Returns:
            A frozen :class:`~mgfunc.gradients.Gradients`: ``grads[x]`` is d self / d x.

        >>> x = Value(3.0)
        >>> y = x * x
        >>> grads = y.backward()
        >>> grads[x]
        6.0
        """
        # Imported here: mgfunc.backward imports this module.
        from mgfunc.backward import backward

        return backward(self)

    # Arithmetic. Each method states the forward formula and, beside it, the local derivatives.

    def __add__(self, other: Value | float) -> Value:
        other = as_value(other, "+")
        return _node(self.data + other.data, "+", (self, other), (1.0, 1.0))

    def __radd__(self, other: float) -> Value:
        return as_value(other, "+") + self

    def __sub__(self, other: Value | float) -> Value:
        # Its own node rather than a + (-b): one node instead of two.
        other = as_value(other, "-")
        return _node(self.data - other.data, "-", (self, other), (1.0, -1.0))

    def __rsub__(self, other: float) -> Value:
        return as_value(other, "-") - self

    def __mul__(self, other: Value | float) -> Value:
        other = as_value(other, "*")
        return _node(self.data * other.data, "*", (self, other), (other.data, self.data))

    def __rmul__(self, other: float) -> Value:
        return as_value(other, "*") * self

    def __truediv__(self, other: Value | float) -> Value:
        other = as_value(other, "/")
        if other.data == 0.0:
            raise DomainError(
                f"division by zero: the divisor is {other.data!r}; "
                "pass a divisor that is not 0 (a / b is undefined at b = 0)"
            )
        inverse = 1.0 / other.data
        return _node(
            self.data / other.data,
            "/",
            (self, other),
            (inverse, -self.data * inverse * inverse),
        )

    def __rtruediv__(self, other: float) -> Value:
        return as_value(other, "/") / self

    def __rpow__(self, base: float) -> NoReturn:
        raise InvalidTypeError(
            "pow: the exponent must be a plain number, not a Value; "
            "for a number to a learned power write exp(y * log(base))"
        )

    def __neg__(self) -> Value:
        return _node(-self.data, "neg", (self,), (-1.0,))

    def __pow__(self, exponent: float) -> Value:
        exponent = _check_exponent(exponent)
        base = self.data
        if base == 0.0 and exponent < 1.0 and exponent != 0.0:
            raise DomainError(
                f"pow: 0.0 ** {exponent!r} is undefined or has no finite derivative; "
                "pass a non-zero base or an exponent of 0 or at least 1"
            )
        if base < 0.0 and not exponent.is_integer():
            raise DomainError(
                f"pow: a negative base ({base!r}) to a non-integer exponent ({exponent!r}) is "
                "not a real number; pass a positive base or an integer exponent"
            )
        result = _power(base, exponent)
        derivative = exponent * _power(base, exponent - 1.0) if exponent != 0.0 else 0.0
        return _node(result, f"**{_format_number(exponent)}", (self,), (derivative,))

    # Nonlinearities and elementary functions.

    def relu(self) -> Value:
        """max(0, x); the derivative at 0 is 0, as in micrograd; NaN stays NaN.

        >>> Value(-2.0).relu().data
        0.0
        >>> huge = Value(1e308) * 10.0  # overflows to inf, as floats do
        >>> (huge - huge).relu().data
        nan
        """
        x = self.data
        if x > 0.0:
            return _node(x, "relu", (self,), (1.0,))
        if x <= 0.0:
            return _node(0.0, "relu", (self,), (0.0,))
        # NaN (an overflow upstream): it must surface in the loss and the gradients, not
        # vanish behind the ReLU as max(0, NaN) = 0 would make it.
        return _node(x, "relu", (self,), (x,))

    def tanh(self) -> Value:
        """Hyperbolic tangent; d tanh(x) / dx = 1 - tanh(x)**2."""
        t, slope = _tanh_and_slope(self.data)
        return _node(t, "tanh", (self,), (slope,))

    def exp(self) -> Value:
        """e ** x; overflows to inf like float arithmetic does, rather than raising."""
        e = _exp(self.data)
        return _node(e, "exp", (self,), (e,))

    def log(self) -> Value:
        """Natural logarithm, defined for x > 0; d log(x) / dx = 1 / x."""
        if self.data <= 0.0:
            raise DomainError(
                f"log: the argument must be positive, got {self.data!r}; "
                "pass a Value whose data is > 0"
            )
        return _node(math.log(self.data), "log", (self,), (1.0 / self.data,))

    def sigmoid(self) -> Value:
        """1 / (1 + e ** -x), computed without overflow; its derivative is s * (1 - s)."""
        s, slope = _sigmoid_and_slope(self.data)
        return _node(s, "sigmoid", (self,), (slope,))


class SharedGroup(tuple[Value, ...]):
    """A tuple of Values that many nodes keep as one group of inputs, hashed by identity.

    Internal. A neuron's parameters are an input group of every node the neuron makes, and a
    layer's inputs at one point are an input group of every neuron's node there. The walk
    (:mod:`mgfunc.topology`) collects a frontier's groups in a set, where a shared group costs
    one hash of its address instead of one hash per Value in it. Two groups are equal only when
    they are the same object.
    """

    __slots__ = ()
    # object's own hash and comparisons, assigned (not wrapped in a def) so that CPython calls
    # them in C: a set of groups costs what a set of Values does.
    __hash__ = object.__hash__
    __eq__ = object.__eq__
    __ne__ = object.__ne__


# The fast constructors for nodes built by operations. They fill the slots directly instead of
# going through attrs' __init__ (whose converter and validator only matter for user input),
# which makes node creation about 30% cheaper on the hot path. The result is the same frozen
# Value: its __setattr__ still refuses every assignment.
_new = object.__new__
_set_data = Value.__dict__["data"].__set__
_set_label = Value.__dict__["label"].__set__
_set_op = Value.__dict__["op"].__set__
_set_parameter_group = Value.__dict__["_parameter_group"].__set__
_set_input_group = Value.__dict__["_input_group"].__set__
_set_local_gradients = Value.__dict__["local_gradients"].__set__
_set_id = Value.__dict__["id"].__set__


def _node(
    data: float, op: str, inputs: tuple[Value, ...], local_gradients: tuple[float, ...]
) -> Value:
    """A node built by an operation: its inputs (no parameter group) and local derivatives."""
    node: Value = _new(Value)
    _set_data(node, data)
    _set_label(node, "")
    _set_op(node, op)
    _set_parameter_group(node, ())
    _set_input_group(node, inputs)
    _set_local_gradients(node, local_gradients)
    _set_id(node, _next_id())
    return node


class NeuronNode(Value):
    """A neuron's node: its weighted sum, alone or through its activation, as one node.

    Internal: :func:`weighted_sums` builds them, one class per op. A neuron's node has no
    label, and every node of a class has the same op, so both live in the class instead of two
    slots of each node: two stores fewer per node, on the hot path of every forward pass. They
    read as any node's do (``node.label == ""``, ``node.op == "linear"``).
    """

    __slots__ = ()
    label = ""

    def __init__(self, data: float, label: str = "") -> None:
        # Only attrs.evolve(node, ...) calls the class: weighted_sums builds these nodes.
        raise InvalidTypeError(
            "a neuron's node comes from a model's forward pass and cannot be rebuilt by "
            "attrs.evolve; build a leaf with Value(data, label=...) instead"
        )

    def __reduce__(self) -> tuple[object, ...]:
        # copy, deepcopy and pickle: attrs' own state would set the label and the op, which
        # live in the class. A copy keeps the id, as copies of any Value do.
        state = (self.data, self._parameter_group, self._input_group, self.local_gradients)
        return _neuron_node, (type(self), *state, self.id)


class LinearNode(NeuronNode):
    """A neuron's weighted sum, ``bias + w0 * x0 + ...``: an output neuron's node."""

    __slots__ = ()
    op = "linear"


class ReluLinearNode(NeuronNode):
    """A ReLU neuron's node, ``relu(linear)`` (see :func:`weighted_sums`)."""

    __slots__ = ()
    op = "relu(linear)"


def _neuron_node(
    kind: type[NeuronNode],
    data: float,
    parameters: tuple[Value, ...],
    inputs: tuple[Value, ...],
    local_gradients: tuple[float, ...],
    node_id: int | None = None,
) -> NeuronNode:
    """A neuron's node: its parameters and inputs, each a tuple shared with other nodes.

    ``node_id`` is for copies, which keep the id; a new node takes the next one.
    """
    node: NeuronNode = _new(kind)
    _set_data(node, data)
    _set_parameter_group(node, parameters)
    _set_input_group(node, inputs)
    _set_local_gradients(node, local_gradients)
    _set_id(node, _next_id() if node_id is None else node_id)
    return node


class ActivatedSum(NeuronNode):
    """A neuron's node with its tanh or sigmoid inside: ``tanh(linear)`` or ``sigmoid(linear)``.

    Internal: :func:`weighted_sums` builds them. Its derivatives are the activation's slope
    ``s`` times each derivative ``u_i`` of the sum (``x_i``, 1, ``w_i``). Two nodes, the sum
    then the activation, would pass an upstream gradient ``g`` back as ``(g * s) * u_i``, which
    is not always ``g * (s * u_i)`` in floats. So the node keeps ``s`` and the ``u_i`` apart,
    :func:`mgfunc.backward` multiplies in the two nodes' order, and the gradients are theirs
    bit for bit, with one node and one edge fewer per neuron. ``local_gradients`` is worked out
    when read: backward never needs it. The op is stored in each node (one class for both).
    """

    __slots__ = ("_slope", "_sum_gradients")
    _slope: float
    _sum_gradients: tuple[float, ...]

    @property
    def local_gradients(self) -> tuple[float, ...]:
        """d node / d input for each input, in ``inputs`` order: ``slope * u_i``."""
        slope = self._slope
        return tuple([slope * local for local in self._sum_gradients])

    def __reduce__(self) -> tuple[object, ...]:
        state = (self.data, self.op, self._parameter_group, self._input_group, self._slope)
        return _activated_node, (*state, self._sum_gradients, self.id)


_set_slope = ActivatedSum.__dict__["_slope"].__set__
_set_sum_gradients = ActivatedSum.__dict__["_sum_gradients"].__set__


def _activated_node(
    data: float,
    op: str,
    parameters: tuple[Value, ...],
    inputs: tuple[Value, ...],
    slope: float,
    sum_gradients: tuple[float, ...],
    node_id: int | None = None,
) -> ActivatedSum:
    """A neuron's node with its activation: its two groups of inputs, the activation's slope
    and the sum's own local derivatives. ``node_id`` is for copies, which keep the id."""
    node: ActivatedSum = _new(ActivatedSum)
    _set_data(node, data)
    _set_op(node, op)
    _set_parameter_group(node, parameters)
    _set_input_group(node, inputs)
    _set_id(node, _next_id() if node_id is None else node_id)
    _set_slope(node, slope)
    _set_sum_gradients(node, sum_gradients)
    return node


class Leaf(Value):
    """A leaf mgfunc builds itself: a number a model, a loss or a transform turns into a node.

    Internal: :func:`leaf` and :func:`leaves` build them. A leaf has no op, no inputs and no
    local derivatives, so those live in the class instead of four slots of each leaf: a
    training step rebuilds every parameter, and a loss makes a leaf of every input. A Leaf
    reads, compares and differentiates as ``Value(data, label)`` does.
    """

    __slots__ = ()
    op = ""
    _parameter_group = ()
    _input_group = ()
    local_gradients = ()

    def __init__(self, data: float, label: str = "") -> None:
        # attrs.evolve(leaf, ...) calls the class: the data and label checked as Value's are.
        checked = Value(data, label)
        _set_data(self, checked.data)
        _set_label(self, checked.label)
        _set_id(self, checked.id)

    def __reduce__(self) -> tuple[object, ...]:
        # copy, deepcopy and pickle: attrs' own state would set the fields the class holds.
        # A copy keeps the id, as copies of any Value do.
        return _copied_leaf, (self.data, self.label, self.id)


def leaf(data: float, label: str = "") -> Value:
    """A leaf holding a float that is already known to be finite, built without the checks.

    Internal: for code that has checked its numbers itself, e.g. a model rebuilt with new
    parameters (``mgfunc.nn.with_parameters``). The result reads as the Value
    ``Value(data, label)`` would (see :class:`Leaf`).
    """
    node: Value = _new(Leaf)
    _set_data(node, data)
    _set_label(node, label)
    _set_id(node, _next_id())
    return node


def leaves(numbers: Sequence[float], labels: Iterable[str]) -> list[Value]:
    """``[leaf(x, label) for x, label in zip(numbers, labels)]``, the same leaves.

    Internal: a training step rebuilds every parameter of its model, so each leaf is built in
    the loop, without a call per leaf.
    """
    nodes: list[Value] = []
    for data, label in zip(numbers, labels):
        node = _new(Leaf)
        _set_data(node, data)
        _set_label(node, label)
        _set_id(node, _next_id())
        nodes.append(node)
    return nodes


def _copied_leaf(data: float, label: str, node_id: int) -> Value:
    """A copy of a :class:`Leaf`, with the same id."""
    node = leaf(data, label)
    _set_id(node, node_id)
    return node


def as_value(operand: Value | float, operation: str = "this operation") -> Value:
    """Return ``operand`` if it is a Value, else a new constant leaf holding it.

    Args:
        operand: a Value, or a finite real number to wrap.
        operation: the operation's name, used in the error message.

    Returns:
        A Value.

    Raises:
        InvalidTypeError: ``operand`` is neither a Value nor a real number.
        InvalidValueError: ``operand`` is a NaN or infinite number.

    >>> as_value(2).data
    2.0
    """
    if isinstance(operand, Value):
        return operand
    if type(operand) is float and _isfinite(operand):
        # The common case (a data point, a label, a constant) skips the general checks and
        # the attrs __init__: the result is the same leaf that Value(operand) builds.
        return leaf(operand)
    return Value(real_number(operand, f"{operation}: an operand (a Value or a number)"))


_isfinite = math.isfinite


def sum_values(terms: Iterable[Value | float], start: Value | float = 0.0) -> Value:
    """Add many terms as one node with many inputs, instead of a chain of ``+`` nodes.

    The data is added left to right from ``start``, exactly as Python's ``sum`` would add the
    same floats, and every local derivative is 1. A Value appearing twice gets both edges.

    Args:
        terms: Values or numbers to add.
        start: the first addend (0.0 by default), like ``sum``'s ``start``.

    Returns:
        One Value with op ``"sum"`` whose inputs are ``start`` and the terms.

    Raises:
        InvalidTypeError: ``terms`` is not iterable, or a term or ``start`` is neither a Value
            nor a real number.

    >>> from mgfunc import Value, backward
    >>> xs = [Value(float(i)) for i in range(4)]
    >>> total = sum_values(xs)
    >>> total.data, len(total.inputs)
    (6.0, 5)
    >>> backward(total)[xs[2]]
    1.0
    """
    if not isinstance(terms, Iterable):
        raise InvalidTypeError(
            f"sum_values(terms=...) takes an iterable of Values or numbers, got "
            f"{type_name(terms)}; pass for example [x, y, 1.0]"
        )
    inputs = (as_value(start, "sum"), *(as_value(term, "sum") for term in terms))
    data = 0.0
    for node in inputs:
        data += node.data
    return _node(data, "sum", inputs, (1.0,) * len(inputs))


def sum_of_squares(values: Iterable[Value]) -> Value:
    """``v0 * v0 + v1 * v1 + ...`` as one node: the L2 term of a loss, one edge per value.

    The same number as ``sum_values(v * v for v in values)`` (squares added left to right from
    0.0), with local derivatives ``2 * v``: one node instead of a product node per value. In a
    loss the L2 term is built last, so the fold reaches it first, while every parameter's
    gradient is still 0.0, and ``0.0 + (2v) * g`` equals the two products ``v * g + v * g`` of
    the separate ``v * v`` node bit for bit (doubling is exact).

    Args:
        values: the Values to square and add (a model's parameters).

    Returns:
        One Value with op ``"sum of squares"``.

    Raises:
        InvalidTypeError: ``values`` is not an iterable of Values.

    >>> from mgfunc import Value, backward
    >>> a, b = Value(3.0), Value(-2.0)
    >>> total = sum_of_squares([a, b])
    >>> total.data, backward(total)[b]
    (13.0, -4.0)
    """
    if not isinstance(values, Iterable):
        raise InvalidTypeError(f"sum_of_squares(values=...) takes Values, got {type_name(values)}")
    inputs = tuple(values)
    if not all(map(isinstance, inputs, itertools.repeat(Value))):  # the check, run in C
        raise InvalidTypeError(
            "sum_of_squares(values=...) takes Values only; wrap numbers as Value(x)"
        )
    data = 0.0
    doubled = []
    for value in inputs:  # one pass for the sum and the local derivatives
        x = value.data
        data += x * x
        doubled.append(2.0 * x)
    return _node(data, "sum of squares", inputs, tuple(doubled))


def linear(weights: Sequence[Value], inputs: Sequence[Value | float], bias: Value) -> Value:
    """A neuron's weighted sum ``bias + w0 * x0 + w1 * x1 + ...`` as one node.

    One node with an edge to every weight, the bias and every input instead of ``2n`` nodes:
    d/dw_i = x_i, d/dx_i = w_i, d/dbias = 1. The data is summed in micrograd's order (bias
    first, then each product left to right), so results match micrograd's chain bit for bit.

    Args:
        weights: the neuron's weights.
        inputs: as many Values or numbers (numbers become constant leaves).
        bias: the neuron's bias.

    Returns:
        One Value with op ``"linear"``.

    Raises:
        InvalidValueError: ``weights`` and ``inputs`` differ in length.
        InvalidTypeError: ``weights`` is not a sequence of Values, ``inputs`` not a sequence of
            Values or numbers, or ``bias`` not a Value.

    >>> from mgfunc import Value, backward
    >>> w, x, b = [Value(2.0), Value(-1.0)], [Value(3.0), Value(4.0)], Value(0.5)
    >>> z = linear(w, x, b)
    >>> z.data
    2.5
    >>> grads = backward(z)
    >>> grads[w[0]], grads[x[1]], grads[b]
    (3.0, -1.0, 1.0)
    """
    for argument, items in (("weights", weights), ("inputs", inputs)):
        if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
            raise InvalidTypeError(
                f"linear({argument}=...) takes a sequence, got {type_name(items)}; "
                "pass a list or tuple"
            )
    for index, weight in enumerate(weights):
        if not isinstance(weight, Value):
            raise InvalidTypeError(
                f"linear: weights[{index}] must be a Value, got {type_name(weight)}; "
                "wrap numbers as Value(0.5)"
            )
    if not isinstance(bias, Value):
        raise InvalidTypeError(
            f"linear(bias=...) must be a Value, got {type_name(bias)}; pass Value(0.0)"
        )
    if len(weights) != len(inputs):
        raise InvalidValueError(
            f"linear: got {len(weights)} weights but {len(inputs)} inputs; "
            "pass one input per weight"
        )
    for index, x in enumerate(inputs):
        if not isinstance(x, Value) and not (type(x) is float and _isfinite(x)):
            real_number(x, f"linear: inputs[{index}]", example="0.5 (or a Value)")
    values = tuple(as_value(x, "linear") for x in inputs)
    (node,) = weighted_sums(
        values, [((*weights, bias), tuple([w.data for w in weights]), bias.data)]
    )
    return node


WeightedSum = tuple[tuple[Value, ...], tuple[float, ...], float]
"""One sum for :func:`weighted_sums`: its parameters (the weights, then the bias), the weights'
floats in the same order, and the bias's float."""


def weighted_sums(
    inputs: tuple[Value, ...], sums: Iterable[WeightedSum], activation: str = "linear"
) -> list[Value]:
    """Weighted sums of the same inputs, ``bias + w0 * x0 + w1 * x1 + ...``, one node each.

    What a dense layer of neurons computes, and the hot path of every forward pass. All the
    sums read the same inputs, so the inputs' floats are read once for all of them, and each
    sum comes with its parameters and their floats already gathered (a model gathers them once
    for all the points it sees).

    Each node's edges go to the weights, the bias, then the inputs, kept as two groups: the
    parameters' tuple and the inputs' tuple themselves, not a copy joining them. A loss runs the
    same sums at many points, so the nodes of one neuron share one parameter group, and the
    nodes at one point one input group, which the walk then visits once. Its local derivatives
    are d/dw_i = x_i, d/dbias = 1 and d/dx_i = w_i, and the first part of that, the inputs'
    floats and 1.0, is the same for every sum. The data is added in micrograd's order (the bias
    first, then each product left to right), so it matches micrograd's chain of nodes bit for
    bit.

    The activation joins the node too, and the gradients stay those of a ``linear`` node
    followed by the activation's own node, bit for bit:

    - ``"relu"`` makes ``relu(linear)`` nodes: the sum when it is positive, else 0.0 with every
      local derivative 0. A ReLU node of its own would pass back exactly its gradient or
      exactly zero, so the one node gives the gradients of the two. That holds while the sum is
      finite: a finite sum means every input and weight is finite too (an infinite or NaN term
      would make the sum infinite or NaN, and no later term brings it back), so 0 times each of
      them is 0. A NaN or -inf sum takes the ReLU of :meth:`Value.relu` itself and multiplies
      every local derivative by its slope, so an infinite input into a flat neuron passes back
      NaN (0 * inf), as the two nodes do.
    - ``"tanh"`` and ``"sigmoid"`` make ``tanh(linear)`` and ``sigmoid(linear)`` nodes
      (:class:`ActivatedSum`), which keep the activation's slope apart so that backward
      multiplies in the two nodes' order. A sum that is not finite (an overflow upstream) gets
      the two nodes themselves, ``linear`` then :meth:`Value.tanh` or :meth:`Value.sigmoid`:
      with every factor finite, the one node skips a zero gradient exactly when the two do.

    Args:
        inputs: the Values every sum reads.
        sums: per sum, its parameters, its weights' floats (one per input) and its bias's
            float; the caller guarantees the lengths.
        activation: ``"linear"`` (none), ``"relu"``, ``"tanh"`` or ``"sigmoid"``.

    Returns:
        One node per sum, in order, with op ``"linear"`` or the activation's joined op.

    >>> from mgfunc import Value, backward
    >>> x = (Value(3.0), Value(4.0))
    >>> w, v, b = (Value(2.0), Value(-1.0)), (Value(-1.0), Value(2.0)), Value(0.5)
    >>> first, second = weighted_sums(x, [((*w, b), (2.0, -1.0), 0.5), ((*v, b), (-1.0, 2.0), 0.5)])
    >>> first.data, second.data, backward(first)[w[0]]
    (2.5, 5.5, 3.0)
    >>> (squashed,) = weighted_sums(x, [((*w, b), (2.0, -1.0), 0.5)], "tanh")
    >>> squashed.op, squashed.data == (x[0] * w[0] + x[1] * w[1] + b).tanh().data
    ('tanh(linear)', True)
    """
    inputs = SharedGroup(inputs)
    input_data = [x.data for x in inputs]
    input_locals = (*input_data, 1.0)
    nodes: list[Value] = []
    squash = _SQUASHES.get(activation)
    if squash is not None:
        op = f"{activation}(linear)"
        for parameters, weight_data, total in sums:
            for w, x in zip(weight_data, input_data):
                total += w * x
            sum_gradients = input_locals + weight_data
            if not _isfinite(total):  # inf or NaN: rare, done exactly as the two nodes
                linear = _neuron_node(LinearNode, total, parameters, inputs, sum_gradients)
                nodes.append(linear.tanh() if activation == "tanh" else linear.sigmoid())
                continue
            data, slope = squash(total)
            # _activated_node(data, op, parameters, inputs, slope, sum_gradients), written out:
            # this runs once per neuron and point, and the call would cost about 4% of the
            # forward pass.
            squashed = _new(ActivatedSum)
            _set_data(squashed, data)
            _set_op(squashed, op)
            _set_parameter_group(squashed, parameters)
            _set_input_group(squashed, inputs)
            _set_id(squashed, _next_id())
            _set_slope(squashed, slope)
            _set_sum_gradients(squashed, sum_gradients)
            nodes.append(squashed)
        return nodes
    relu = activation == "relu"
    kind = ReluLinearNode if relu else LinearNode
    # A flat ReLU's node: 0.0, and no input changes it, so every local derivative is 0.
    flat = (0.0,) * (2 * len(inputs) + 1) if relu else ()
    for parameters, weight_data, total in sums:
        for w, x in zip(weight_data, input_data):
            total += w * x
        if relu and not total > 0.0:
            if total > _NEGATIVE_INFINITY:  # finite: every factor is finite, 0 * each is 0
                total, local_gradients = 0.0, flat
            else:  # NaN or -inf: rare, done exactly as linear then Value.relu
                total, slope = _relu_of(total)
                local_gradients = tuple([local * slope for local in input_locals + weight_data])
        else:
            local_gradients = input_locals + weight_data
        # _neuron_node(kind, total, parameters, inputs, local_gradients), written out, as above.
        node = _new(kind)
        _set_data(node, total)
        _set_parameter_group(node, parameters)
        _set_input_group(node, inputs)
        _set_local_gradients(node, local_gradients)
        _set_id(node, _next_id())
        nodes.append(node)
    return nodes


_NEGATIVE_INFINITY = -math.inf


def _relu_of(total: float) -> tuple[float, float]:
    """``Value.relu``'s result and local derivative at ``total``: the one definition of ReLU."""
    activated = _node(total, "linear", (), ()).relu()
    return activated.data, activated.local_gradients[0]


def logsumexp(values: Iterable[Value | float]) -> Value:
    """``log(exp(v0) + exp(v1) + ...)`` as one node, exact for large inputs.

    The largest input ``m`` is taken out first, ``m + log(sum(exp(v - m)))``, so no
    exponential overflows: logits of 1000 give 1000 plus a small term instead of inf. The
    local derivatives are the softmax, ``exp(v_i - m) / sum(exp(v - m))``, so softmax
    cross-entropy is ``logsumexp(logits) - logits[label]``: two nodes per point.

    Args:
        values: one or more Values or numbers.

    Returns:
        One Value with op ``"logsumexp"``.

    Raises:
        InvalidTypeError: ``values`` is not iterable, or an item is neither a Value nor a
            real number.
        InvalidValueError: ``values`` is empty.

    >>> from mgfunc import Value, backward
    >>> a, b = Value(1000.0), Value(1000.0)
    >>> out = logsumexp([a, b])
    >>> round(out.data - 1000.0, 6), backward(out)[a]
    (0.693147, 0.5)
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidTypeError(
            f"logsumexp(values=...) takes an iterable of Values or numbers, got "
            f"{type_name(values)}; pass for example [x, y, 1.0]"
        )
    inputs = tuple(as_value(value, "logsumexp") for value in values)
    if not inputs:
        raise InvalidValueError("logsumexp(values=...) needs at least one value; got none")
    return _logsumexp_node(inputs)


def _logsumexp_node(inputs: tuple[Value, ...]) -> Value:
    """:func:`logsumexp` of Values already checked (one or more): a loss's tail, per point."""
    largest = max([node.data for node in inputs])
    shifted = [math.exp(node.data - largest) for node in inputs]
    total = math.fsum(shifted)
    return _node(
        largest + math.log(total),
        "logsumexp",
        inputs,
        tuple(e / total for e in shifted),
    )


def sigmoid_of(x: float) -> float:
    """The logistic function on a float, without overflow: what ``Value.sigmoid`` computes.

    Raises:
        InvalidTypeError: ``x`` is not a real number.
        InvalidValueError: ``x`` is NaN, or an int too large for a float.

    >>> sigmoid_of(0.0), sigmoid_of(-1000.0)
    (0.5, 0.0)
    """
    if type(x) is not float or x != x:  # not a float, or NaN: the full check (infinities pass)
        x = real_number(x, "sigmoid_of(x=...)", example="0.5")
    return _sigmoid(x)


def _tanh_and_slope(x: float) -> tuple[float, float]:
    """tanh(x) and its derivative ``1 - tanh(x)**2``: the one definition, for Value.tanh and
    the tanh(linear) nodes alike."""
    t = math.tanh(x)
    return t, 1.0 - t * t


def _sigmoid_and_slope(x: float) -> tuple[float, float]:
    """sigmoid(x) and its derivative ``s * (1 - s)``, for Value.sigmoid and sigmoid(linear)."""
    s = _sigmoid(x)
    return s, s * (1.0 - s)


# The activations a neuron's node can hold besides ReLU, by name.
_SQUASHES = {"tanh": _tanh_and_slope, "sigmoid": _sigmoid_and_slope}


def _sigmoid(x: float) -> float:
    """:func:`sigmoid_of` unchecked, for mgfunc's own floats: NaN gives NaN."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _check_exponent(exponent: object) -> float:
    if isinstance(exponent, Value):
        raise InvalidTypeError(
            "pow: the exponent must be a plain number, not a Value; write x ** 2.0 "
            "(for a learned exponent use exp(y * log(x)))"
        )
    return real_number(exponent, "pow: the exponent", example="2.0")


def _power(base: float, exponent: float) -> float:
    try:
        return math.pow(base, exponent)
    except OverflowError:
        # Float arithmetic overflows to inf elsewhere; pow does the same here.
        even = exponent.is_integer() and exponent % 2 == 0
        return math.inf if base > 0.0 or even else -math.inf


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _format_number(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)
