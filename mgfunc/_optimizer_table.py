"""The optimizer's state as a table: the parameters it moves most, what it holds for each.

The playground shows this beside the loss curve while it trains; :func:`optimizer_rows` gives
the rows (users import it from :mod:`mgfunc.playground`), :func:`html_table` draws them.

>>> from mgfunc.nn import MLP
>>> parameter_names(MLP.create(2, [1], seed=0))
('L1 n1 w0', 'L1 n1 w1', 'L1 n1 b')
"""

from __future__ import annotations

import html

from mgfunc import backward
from mgfunc._checks import describe, whole_number
from mgfunc._training_checks import points
from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.nn import MLP, parameters
from mgfunc.optim import AdamState, SGDState
from mgfunc.trainer import TrainingRun

__all__ = ["html_table", "optimizer_rows", "parameter_names"]


def parameter_names(model: MLP) -> tuple[str, ...]:
    """A name per parameter, in :func:`mgfunc.nn.parameters` order: ``L1 n3 w0`` is layer 1's
    neuron 3's first weight, ``L1 n3 b`` its bias (layers and neurons from 1, weights from 0)."""
    return tuple(
        name
        for layer_index, layer in enumerate(model.layers, start=1)
        for neuron_index, neuron in enumerate(layer.neurons, start=1)
        for name in (
            *(f"L{layer_index} n{neuron_index} w{i}" for i in range(len(neuron.weights))),
            f"L{layer_index} n{neuron_index} b",
        )
    )


def optimizer_rows(
    run: TrainingRun, dataset: Dataset, *, alpha: float = 0.0, top: int = 8
) -> tuple[dict[str, str | float], ...]:
    """The ``top`` parameters the optimizer moves most, with their value, their gradient now and
    the optimizer's state for them: Adam's moments, SGD's momentum buffer (plain SGD keeps
    none, so its table ranks by the gradient).

    Args:
        run: a run with its optimizer state (from :func:`mgfunc.trainer.train`).
        dataset: the training points, to compute the current gradient on.
        alpha: the L2 strength the run trained with.
        top: how many rows.

    Returns:
        Dicts with ``parameter``, ``value``, ``gradient`` and, for Adam, ``first_moment`` and
        ``second_moment`` (ranked by the first moment's size), or for SGD with momentum,
        ``velocity``.

    >>> from mgfunc.datasets import moons
    >>> from mgfunc.optim import adam
    >>> from mgfunc.trainer import train
    >>> data = moons(20, seed=0)
    >>> run = train(MLP.create(2, [4, 1], seed=0), data, steps=2, optimizer=adam(0.1))
    >>> rows = optimizer_rows(run, data, top=3)
    >>> len(rows), sorted(rows[0])
    (3, ['first_moment', 'gradient', 'parameter', 'second_moment', 'value'])
    """
    if not isinstance(run, TrainingRun):
        raise InvalidTypeError(
            f"run must be a TrainingRun, got {describe(run)}; pass what mgfunc.trainer.train "
            "returned"
        )
    count = whole_number(top, "top", least=1, example="8")
    if run.config is None or run.optimizer_state is None:
        raise InvalidValueError("run has no optimizer state; pass what mgfunc.trainer.train made")
    model = run.final_model
    loss = run.config.loss
    targets = points(loss, model, dataset, "dataset").targets
    grads = backward(loss(model, dataset.xs, targets, alpha).total_loss)
    params = parameters(model)
    names = parameter_names(model)
    state = run.optimizer_state
    columns: dict[str, tuple[float, ...]] = {}
    if isinstance(state, AdamState):
        columns = {"first_moment": state.first_moment, "second_moment": state.second_moment}
    elif isinstance(state, SGDState) and state.velocity:
        columns = {"velocity": state.velocity}
    gradients = tuple(grads[p] for p in params)
    ranking = next(iter(columns.values()), gradients)
    order = sorted(range(len(params)), key=lambda i: -abs(ranking[i]))[:count]
    return tuple(
        {
            "parameter": names[i],
            "value": params[i].data,
            "gradient": gradients[i],
            **{column: values[i] for column, values in columns.items()},
        }
        for i in order
    )


def html_table(rows: tuple[dict[str, str | float], ...]) -> str:
    """A small HTML table (pandas' look, without pandas)."""
    if not rows:
        return "<p>No optimizer state yet: press Train.</p>"
    header = "".join(f"<th>{html.escape(name)}</th>" for name in rows[0])
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{value:.3g}</td>"
            if isinstance(value, float)
            else f"<td>{html.escape(value)}</td>"
            for value in row.values()
        )
        + "</tr>"
        for row in rows
    )
    return (
        '<table class="dataframe mgfunc-optimizer" style="font-size: 85%"><thead><tr>'
        f"{header}</tr></thead><tbody>{body}</tbody></table>"
    )
