"""The workloads and their variants: mgfunc's own runs, and the registry of every variant.

Each variant is a function ``(dataset, settings) -> Run`` that a worker process runs once (see
``bench_demo.py``). The references it is compared with (micrograd, the floor) live in
``references.py``; what the runs share, in ``runs.py``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

import attrs
import floor
from references import (
    floor_model,
    micrograd_graph_size,
    micrograd_model,
    micrograd_value,
    to_mgfunc,
    train_floor,
    train_micrograd,
    train_mini_batch_floor,
    train_yin_yang_floor,
)
from runs import (
    ALPHA,
    YIN_YANG_SIZES,
    Run,
    Settings,
    batch_of,
    clock,
    digest,
    learning_rate,
    mgfunc_graph_size,
    moons_data,
    peak_rss_mib,
    timed_training,
    yin_yang_data,
    yin_yang_model,
    yin_yang_optimizer,
)

import mgfunc
from mgfunc.datasets import Dataset
from mgfunc.losses import Loss, LossFunction, cross_entropy, max_margin
from mgfunc.nn import MLP, apply_gradients
from mgfunc.optim import Optimizer, OptimizerState, sgd
from mgfunc.plot_data import decision_boundary

# -- mgfunc on the training workloads -------------------------------------------------------


def train_mgfunc(dataset: Dataset, settings: Settings, pause_gc: bool) -> Run:
    """mgfunc.trainer.train's step (loss, backward, apply_gradients), timed phase by phase."""
    model = to_mgfunc(micrograd_model(settings.sizes))
    xs, ys = dataset.xs, dataset.ys
    nodes, edges = mgfunc_graph_size(max_margin(model, xs, ys, ALPHA).total_loss)

    def forward(_step: int, current: MLP) -> tuple[float, Loss]:
        loss = max_margin(current, xs, ys, ALPHA)
        return loss.total_loss.data, loss

    def update(step: int, current: MLP, grads: mgfunc.Gradients) -> MLP:
        return apply_gradients(current, grads, learning_rate(step))

    return timed_training(
        settings,
        model,
        forward=forward,
        backward=_backward,
        update=update,
        final=lambda current: _result(max_margin(current, xs, ys, ALPHA)),
        workload="demo",
        variant="mgfunc-gc-paused" if pause_gc else "mgfunc",
        samples=len(xs),
        sizes=settings.sizes,
        nodes=nodes,
        edges=edges,
        pause_gc=pause_gc,
    )


def train_mgfunc_optimizer(
    workload: str,
    dataset: Dataset,
    settings: Settings,
    pause_gc: bool,
) -> Run:
    """``train``'s step with an optimizer (loss, ``backward``, ``optimizer.update``), timed.

    The yin-yang workload: ``cross_entropy`` on every point, AdamW. The mini-batch workload:
    ``max_margin`` on the step's batch (drawn inside the timed forward), SGD on the schedule.
    """
    model: MLP
    loss_fn: LossFunction
    optimizer: Optimizer
    targets: tuple[float, ...]
    if workload == "yin-yang":
        model, loss_fn, alpha, batch_size = yin_yang_model(), cross_entropy, 0.0, 0
        optimizer = yin_yang_optimizer()
        targets = tuple(map(float, dataset.labels))
    else:
        model, loss_fn, alpha = to_mgfunc(micrograd_model(settings.sizes)), max_margin, ALPHA
        optimizer, batch_size, targets = sgd(learning_rate), settings.batch_size, dataset.ys
    xs = dataset.xs

    def measure(current: MLP, k: int) -> Loss:
        if not batch_size:
            return loss_fn(current, xs, targets, alpha)
        picked = batch_of(dataset, settings, k)
        return loss_fn(current, [xs[i] for i in picked], [targets[i] for i in picked], alpha)

    def forward(step: int, current: tuple[MLP, OptimizerState]) -> tuple[float, Loss]:
        loss = measure(current[0], step)
        return loss.total_loss.data, loss

    def update(
        _step: int, current: tuple[MLP, OptimizerState], grads: mgfunc.Gradients
    ) -> tuple[MLP, OptimizerState]:
        model, state = current
        return optimizer.update(model, grads, state)

    nodes, edges = mgfunc_graph_size(measure(model, 0).total_loss)
    return timed_training(
        settings,
        (model, optimizer.init(model)),
        forward=forward,
        backward=_backward,
        update=update,
        final=lambda current: _result(loss_fn(current[0], xs, targets, alpha)),
        workload=workload,
        variant="mgfunc-gc-paused" if pause_gc else "mgfunc",
        samples=len(xs),
        sizes=YIN_YANG_SIZES if workload == "yin-yang" else settings.sizes,
        nodes=nodes,
        edges=edges,
        pause_gc=pause_gc,
        batch_size=batch_size,
    )


def _backward(_state: object, loss: Loss) -> mgfunc.Gradients:
    return mgfunc.backward(loss.total_loss)


def _result(loss: Loss) -> tuple[float, float]:
    """A loss's (total, accuracy), as a Run reports them."""
    return loss.total_loss.data, loss.accuracy


# -- the grid: scoring every point of a decision boundary -----------------------------------


def grid_points(dataset: Dataset, h: float) -> list[tuple[float, float]]:
    """The points of ``decision_boundary(model, dataset, h)``, in its order."""
    any_model = MLP.create(2, [1], seed=0)  # the grid depends only on the data and h
    return [(row.x, row.y) for row in decision_boundary(any_model, dataset, h)]


def score_grid(dataset: Dataset, settings: Settings, variant: str) -> Run:
    """Score the decision-boundary grid once with ``variant``, timed."""
    points = grid_points(dataset, settings.grid_h)
    reference = micrograd_model(settings.sizes)
    model = to_mgfunc(reference)
    weights, biases = floor_model(settings.sizes)
    nodes = edges = 0
    gc.collect()
    baseline = peak_rss_mib()
    start = clock()
    if variant == "floor":
        scores = floor.scores(weights, biases, points)
    elif variant == "mgfunc":
        scores = [row.score for row in decision_boundary(model, dataset, settings.grid_h)]
    elif variant == "mgfunc-evaluate":
        scores = [model.evaluate(point)[0] for point in points]
    elif variant == "mgfunc-graph":
        scores = [model.forward(point)[0].data for point in points]
    else:  # micrograd, as the demo notebook draws its boundary
        inputs = [list(map(micrograd_value, point)) for point in points]
        scores = [score.data for score in map(reference, inputs)]
    elapsed = clock() - start
    peak = peak_rss_mib()
    if variant == "mgfunc-graph":
        nodes, edges = mgfunc_graph_size(model.forward(points[0])[0])
    elif variant == "micrograd":
        nodes, edges = micrograd_graph_size(reference(list(map(micrograd_value, points[0]))))
    return Run(
        workload="grid",
        variant=variant,
        samples=len(dataset.xs),
        sizes=settings.sizes,
        steps=1,
        forward_s=elapsed,
        backward_s=0.0,
        update_s=0.0,
        nodes=nodes,
        edges=edges,
        peak_rss_mib=peak,
        rss_growth_mib=peak - baseline,
        points=len(points),
        digest=digest(scores),
    )


def _grid(variant: str) -> Callable[[Dataset, Settings], Run]:
    return lambda dataset, settings: score_grid(dataset, settings, variant)


# -- the registry ---------------------------------------------------------------------------


@attrs.frozen
class Variant:
    """One way to run a workload: a name, what it is, and the worker function."""

    name: str
    what: str
    run: Callable[[Dataset, Settings], Run]
    slow: bool = False  # micrograd as shipped: skipped by --skip-micrograd-gc


@attrs.frozen
class Workload:
    """A job every variant does; the ``floor`` variant is what the others are measured against."""

    name: str
    what: str
    variants: tuple[Variant, ...]
    training: bool = True  # a training table and the loss check; otherwise the grid's
    data: Callable[[Settings], Dataset] = moons_data

    def variant(self, name: str) -> Variant:
        """The variant called ``name``."""
        return next(variant for variant in self.variants if variant.name == name)


def _training_variants(
    workload: str, floor_title: str, floor_run: Callable[[Dataset, Settings], Run]
) -> tuple[Variant, ...]:
    """A training workload's three variants: its floor, mgfunc, and mgfunc as train runs."""
    return (
        Variant("floor", floor_title, floor_run),
        Variant("mgfunc", "mgfunc, cyclic GC on", _trainer(workload, False)),
        Variant(
            "mgfunc-gc-paused", "mgfunc, cyclic GC paused (as train runs)", _trainer(workload, True)
        ),
    )


def _trainer(workload: str, pause_gc: bool) -> Callable[[Dataset, Settings], Run]:
    return lambda dataset, settings: train_mgfunc_optimizer(workload, dataset, settings, pause_gc)


WORKLOADS: dict[str, Workload] = {
    "demo": Workload(
        "demo",
        "the official training step (max-margin loss, L2, the demo's schedule)",
        (
            Variant("floor", "by hand on floats (floor.py)", train_floor),
            Variant(
                "micrograd",
                "micrograd 0.1.0 as shipped",
                lambda data, s: train_micrograd(data, s, gc_on=True),
                slow=True,
            ),
            Variant(
                "micrograd-gc-off",
                "micrograd with its cyclic GC off (leaks)",
                lambda data, s: train_micrograd(data, s, gc_on=False),
            ),
            Variant("mgfunc", "mgfunc, cyclic GC on", lambda data, s: train_mgfunc(data, s, False)),
            Variant(
                "mgfunc-gc-paused",
                "mgfunc, cyclic GC paused (as train runs)",
                lambda data, s: train_mgfunc(data, s, True),
            ),
        ),
    ),
    "grid": Workload(
        "grid",
        "scoring the decision-boundary grid (h = 0.05 by default)",
        (
            Variant("floor", "by hand on floats, point by point", _grid("floor")),
            Variant("mgfunc", "decision_boundary (evaluate_many)", _grid("mgfunc")),
            Variant("mgfunc-evaluate", "model.evaluate per point", _grid("mgfunc-evaluate")),
            Variant("mgfunc-graph", "model(point).data per point", _grid("mgfunc-graph")),
            Variant(
                "micrograd", "a micrograd graph per point (GC on)", _grid("micrograd"), slow=True
            ),
        ),
        training=False,
    ),
    "yin-yang": Workload(
        "yin-yang",
        "the 3-class yin-yang network (tanh, softmax cross-entropy, AdamW, 240 points)",
        _training_variants("yin-yang", "by hand on floats (floor.py)", train_yin_yang_floor),
        data=yin_yang_data,
    ),
    "mini-batch": Workload(
        "mini-batch",
        "the official step on a mini-batch drawn each step (--batch-size, 16 by default)",
        _training_variants(
            "mini-batch", "by hand on floats, on the same batches", train_mini_batch_floor
        ),
    ),
}
# Hooks: workloads to add to WORKLOADS once mgfunc has what they need (none today). Each
# needs its own floor in floor.py (the same job by hand on floats) and mgfunc variants; the
# report lists these as pending until then.
PLANNED_WORKLOADS: dict[str, str] = {}


def run_worker(workload: str, variant: str, settings: Settings) -> Run:
    """Run one variant of one workload in this process."""
    chosen = WORKLOADS[workload]
    return chosen.variant(variant).run(chosen.data(settings), settings)
