"""The demo's options checked by the library's own checks, and told in the options' words.

The command line repeats none of the library's rules: each option goes to the library
function that takes it (``--samples`` to :func:`mgfunc.datasets.moons`, ``--momentum`` to
:func:`mgfunc.optim.sgd`, ``--alpha`` and ``--batch-size`` to a run of no steps of
:func:`mgfunc.trainer.train`, ``--h`` to :func:`mgfunc.plot_data.decision_boundary`...), all
before any training, and an error comes back with the library's argument names replaced by
the options (``batch_size`` by ``--batch-size``) and its Python-only advice (``None``,
``error.run``) left out. What only the command line decides (which options go together, the
last layer's width for the chosen loss, at least one step) is checked here too.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import attrs

from mgfunc._checks import whole_number
from mgfunc._frozen import immutable
from mgfunc._random import Seed
from mgfunc.datasets import Dataset, blobs, moons, spiral, split, yin_yang
from mgfunc.errors import MgfuncError, TrainingDivergedError
from mgfunc.losses import LossFunction, cross_entropy, max_margin
from mgfunc.nn import MLP
from mgfunc.optim import Optimizer, adam, adamw, sgd
from mgfunc.plot_data import decision_boundary
from mgfunc.trainer import HistoryRow, TrainingRun, official_micrograd_learning_rate

ANIMATION_FRAMES = 60
"""``--animate`` keeps a snapshot every ``ceil(steps / 60)`` steps: at most 61 frames."""

ADAM_LEARNING_RATE = 0.05
"""The demo's learning rate for ``--optimizer adam`` and ``adamw`` without ``--learning-rate``."""


def one_line(text: str) -> str:
    """``text`` with every run of white space (newlines too) as one space."""
    return " ".join(text.split())


class OptionError(Exception):
    """An option value the library refused, its message in the command line's words."""


DATASETS = ("moons", "spiral", "blobs", "yin_yang")
_NOISE = {"moons": 0.1, "spiral": 0.05, "blobs": 0.25}
_FIXED_CLASSES = {"moons": 2, "yin_yang": 3}

# The library's argument names and the options that pass them.
_DATA_OPTIONS = {"n_samples": "--samples", "noise": "--noise", "classes": "--classes"}
_OPTIMIZER_OPTIONS = {
    "learning_rate": "--learning-rate",
    "momentum": "--momentum",
    "weight_decay": "--weight-decay",
}
_TRAINING_OPTIONS = {"alpha": "--alpha", "batch_size": "--batch-size", "steps": "--steps"}
ALL_OPTIONS = {
    **_DATA_OPTIONS,
    **_OPTIMIZER_OPTIONS,
    **_TRAINING_OPTIONS,
    "seed": "--seed",
    "h": "--h",
    "the learning rate": "--learning-rate",
}
# Parts of a library message that only make sense in Python: a clause holding one is dropped.
_PYTHON_ONLY = ("error.run", "final_model", "mgfunc.", "resume", "None")


def in_option_words(message: str, options: Mapping[str, str]) -> str:
    """A library message with its argument names replaced by the options that set them.

    ``nouts[i]`` (an MLP's layer widths) becomes the i-th width of ``--layers``, and a part
    that only makes sense in Python (``error.run``, ``None``...) is left out.

    >>> in_option_words(
    ...     "batch_size must be at most 10; pass a smaller batch_size, or None to train on "
    ...     "every point", {"batch_size": "--batch-size"})
    '--batch-size must be at most 10; pass a smaller --batch-size'
    >>> in_option_words("nouts[1] must be at least 1, got 0; pass for example 16", {})
    'width 2 of --layers must be at least 1, got 0; pass for example 16'
    """
    sentences = (
        _without_python(part, ("; ", ", or "))
        for part in re.split(r"(?<!e\.g)(?<!i\.e)\. ", one_line(message))
    )
    text = "; ".join(sentence.rstrip(".") for sentence in sentences if sentence)
    text = re.sub(r"\bnouts\[(\d+)\]", lambda m: f"width {int(m[1]) + 1} of --layers", text)
    for name, option in options.items():
        text = re.sub(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", option, text)
    return text


def _without_python(text: str, separators: Sequence[str]) -> str:
    """``text`` less its sentences, clauses and alternatives that name Python-only things."""
    if not separators:
        return "" if any(word in text for word in _PYTHON_ONLY) else text
    parts = (_without_python(part, separators[1:]) for part in text.split(separators[0]))
    return separators[0].join(part for part in parts if part)


@contextmanager
def _options(names: Mapping[str, str]) -> Iterator[None]:
    """Turn an MgfuncError raised in the block into an OptionError in the options' words."""
    try:
        yield
    except MgfuncError as error:
        raise OptionError(in_option_words(str(error), names)) from None


@immutable()
@attrs.frozen
class Plan:
    """Everything the demo needs, built (and so checked) from the options before training."""

    dataset: Dataset
    validation: Dataset | None
    described: str
    layers: tuple[int, ...]
    model: MLP
    loss: LossFunction
    optimizer: Optimizer
    optimizer_text: str
    steps: int
    alpha: float
    batch_size: int | None
    seed: Seed
    snapshot_every: int | None
    h: float


def checked_plan(options: argparse.Namespace, train: Callable[..., TrainingRun]) -> Plan:
    """The demo's dataset, model, optimizer and settings, each checked by the library.

    ``train`` is :func:`mgfunc.trainer.train` (a stand-in in tests): a run of no steps checks
    every training setting as the real run will, and trains nothing.

    Raises:
        OptionError: an option value the library refused, in the options' words.
    """
    mismatch = _mismatched_options(options)
    if mismatch is not None:
        raise OptionError(mismatch)
    seed: Seed = options.seed
    with _options({**_DATA_OPTIONS, "seed": "--seed"}):
        dataset = _dataset(options)
    described = _describe(dataset, options)
    dataset, validation = _held_out(dataset, options.validation, seed)
    if validation is not None:
        described += f", {len(validation)} of them held out for validation"
    classes = dataset.classes
    layers: tuple[int, ...] = options.layers or (16, 16, 1 if classes == 2 else classes)
    with _options({"seed": "--seed"}):
        model = MLP.create(2, list(layers), seed=seed)
    with _options(_OPTIMIZER_OPTIONS):
        optimizer, optimizer_text = _optimizer(options)
    with _options({"steps": "--steps"}):
        # The demo draws the loss curve, so it takes at least one step (train takes 0 too).
        steps = whole_number(options.steps, "steps", least=1, example="100")
    plan = Plan(
        dataset=dataset,
        validation=validation,
        described=described,
        layers=layers,
        model=model,
        loss=max_margin if classes == 2 else cross_entropy,
        optimizer=optimizer,
        optimizer_text=optimizer_text,
        steps=steps,
        alpha=options.alpha,
        batch_size=options.batch_size,
        seed=seed,
        snapshot_every=math.ceil(steps / ANIMATION_FRAMES) if options.animate else None,
        h=options.h,
    )
    with _options(_TRAINING_OPTIONS):
        run_plan(plan, train, steps=0)  # train's own checks of every setting, no step
    with _options({"h": "--h"}):
        # The grid depends only on the points' range, so a one-neuron stand-in lets the
        # library check --h (a grid too fine to draw, a step that is not positive) at once.
        decision_boundary(_GRID_PROBE, dataset, h=plan.h)
    return plan


_GRID_PROBE = MLP.create(2, [1], seed=0)


def _class_count(options: argparse.Namespace) -> int:
    """How many classes the chosen dataset has: moons 2, yin_yang 3, the others --classes."""
    if options.dataset in _FIXED_CLASSES:
        return _FIXED_CLASSES[options.dataset]
    return 2 if options.classes is None else int(options.classes)


def _mismatched_options(options: argparse.Namespace) -> str | None:
    """What is wrong with a combination of option values, or None."""
    if options.classes is not None and options.dataset in _FIXED_CLASSES:
        return (
            f"argument --classes: applies to --dataset spiral or blobs, not {options.dataset} "
            f"(which has {_class_count(options)} classes)"
        )
    if options.noise is not None and options.dataset == "yin_yang":
        return "argument --noise: --dataset yin_yang has no noise; leave --noise out"
    if options.momentum is not None and options.optimizer != "sgd":
        return f"argument --momentum: applies to --optimizer sgd, not {options.optimizer}"
    if options.weight_decay is not None and options.optimizer != "adamw":
        return f"argument --weight-decay: applies to --optimizer adamw, not {options.optimizer}"
    classes = _class_count(options)
    width = 1 if classes == 2 else classes
    if options.layers is not None and options.layers[-1] != width:
        given = ",".join(map(str, options.layers))
        shape = "one score" if classes == 2 else "one output per class"
        return (
            f"argument --layers: the last layer must have width {width} ({shape}, {classes} "
            f"classes), got {given}; try {','.join(map(str, (*options.layers[:-1], width)))}"
        )
    return None


def _dataset(options: argparse.Namespace) -> Dataset:
    name: str = options.dataset
    noise = _NOISE.get(name, 0.0) if options.noise is None else options.noise
    if name == "moons":
        return moons(options.samples, noise=noise, seed=options.seed)
    if name == "spiral":
        return spiral(
            options.samples, noise=noise, classes=_class_count(options), seed=options.seed
        )
    if name == "blobs":
        return blobs(options.samples, noise=noise, classes=_class_count(options), seed=options.seed)
    return yin_yang(options.samples, seed=options.seed)


def _held_out(
    dataset: Dataset, fraction: float | None, seed: Seed
) -> tuple[Dataset, Dataset | None]:
    """The points to train on and, with --validation, the points held out."""
    if fraction is None:
        return dataset, None
    try:
        training, validation = split(dataset, (1.0 - fraction, fraction), seed=seed)
    except MgfuncError:
        # split speaks of its fractions (1 - f, f); the option is f alone.
        if not 0.0 < fraction < 1.0:  # NaN too
            raise OptionError(
                f"argument --validation: must be a fraction above 0 and below 1, got {fraction!r}"
            ) from None
        empty, advice = ("training", "smaller") if fraction > 0.5 else ("validation", "larger")
        raise OptionError(
            f"argument --validation: {fraction!r} of {len(dataset)} points leaves the {empty} "
            f"set empty; pass a {advice} --validation or more --samples"
        ) from None
    return training, validation


def _optimizer(options: argparse.Namespace) -> tuple[Optimizer, str]:
    """The optimizer the options ask for, and how the header describes it."""
    rate: float | None = options.learning_rate
    if options.optimizer == "sgd":
        momentum = 0.0 if options.momentum is None else options.momentum
        schedule = "the official schedule" if rate is None else f"learning rate {rate}"
        extra = f", momentum {momentum}" if momentum else ""
        chosen = official_micrograd_learning_rate if rate is None else rate
        return sgd(chosen, momentum=momentum), f"sgd ({schedule}{extra})"
    rate = ADAM_LEARNING_RATE if rate is None else rate
    if options.optimizer == "adam":
        return adam(rate), f"adam (learning rate {rate})"
    decay = 1e-2 if options.weight_decay is None else options.weight_decay
    return adamw(rate, weight_decay=decay), f"adamw (learning rate {rate}, weight decay {decay})"


def _describe(dataset: Dataset, options: argparse.Namespace) -> str:
    name = "two-moons" if options.dataset == "moons" else options.dataset.replace("_", "-")
    noise = "" if options.dataset == "yin_yang" else f"noise {dataset.metadata['noise']}"
    classes = "" if options.dataset == "moons" else f"{dataset.classes} classes"
    details = ", ".join(part for part in (classes, noise) if part)
    return f"{len(dataset)} {name} points ({details})"


def run_plan(
    plan: Plan,
    train: Callable[..., TrainingRun],
    *,
    steps: int,
    on_step: Callable[[HistoryRow], None] | None = None,
) -> TrainingRun:
    """``train`` (:func:`mgfunc.trainer.train`, or a stand-in in tests) called as the plan says."""
    return train(
        plan.model,
        plan.dataset,
        steps=steps,
        loss=plan.loss,
        optimizer=plan.optimizer,
        alpha=plan.alpha,
        batch_size=plan.batch_size,
        seed=plan.seed,
        validation=plan.validation,
        on_step=on_step,
        snapshot_every=plan.snapshot_every,
    )


def diverged(error: TrainingDivergedError) -> str:
    """A diverged run in the command line's words: what happened, that nothing was written."""
    said = in_option_words(str(error), ALL_OPTIONS)
    return f"{said}; no files written"
