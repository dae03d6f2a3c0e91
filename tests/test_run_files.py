"""Run files: whole training runs saved bit for bit, resumed exactly, refused when tampered."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgfunc import (
    InvalidTypeError,
    InvalidValueError,
    ModelFileError,
    TrainingDivergedError,
    TrainingInterrupted,
    Value,
)
from mgfunc.datasets import Dataset, blobs, moons
from mgfunc.io import (
    RUN_FORMAT,
    load_run,
    model_to_json,
    run_from_json,
    run_to_json,
    save_model,
    save_run,
)
from mgfunc.losses import cross_entropy, logistic, max_margin
from mgfunc.nn import MLP, Layer, Neuron
from mgfunc.optim import AdamState, SGDState, adam, adamw, sgd
from mgfunc.trainer import HistoryRow, TrainingRun, resume, train
from tests.exact_floats import EXTREMES, FLOATS, bits, model_bits
from tests.refusals import assert_every_cut_is_refused
from tests.unwritable import unwritable

DATA = moons(24, seed=7)
VALIDATION = moons(12, seed=8)
MODEL = MLP.create(2, [6, 1], seed=7)


def run_bits(run: TrainingRun) -> list[object]:
    """Every number of a run as its 8 bytes (so -0.0 and 0.0 differ), with the rest as is."""
    rows = [
        [bits(x) if isinstance(x, float) else x for x in row.to_dict().values()]
        for row in run.history
    ]
    state = run.optimizer_state
    moments: list[object] = []
    if isinstance(state, AdamState):
        moments = [state.step, state.shape, [*map(bits, state.first_moment)]]
        moments.append([*map(bits, state.second_moment)])
    elif isinstance(state, SGDState):
        moments = [state.step, state.shape, [*map(bits, state.velocity)]]
    return [
        model_bits(run.final_model),
        rows,
        bits(run.final_loss),
        bits(run.final_accuracy),
        moments,
        [(step, model_bits(model)) for step, model in run.snapshots],
        run.config,
        run.steps,
    ]


TRAININGS: dict[str, Callable[[int], TrainingRun]] = {
    "sgd, official schedule": lambda steps: train(MODEL, DATA, steps=steps, snapshot_every=3),
    "sgd with momentum, batches, validation": lambda steps: train(
        MODEL,
        DATA,
        steps=steps,
        optimizer=sgd(0.05, momentum=0.9),
        batch_size=8,
        seed=(3, 4),
        validation=VALIDATION,
        snapshot_every=2,
        log_every=2,
    ),
    "adamw, batches, validation": lambda steps: train(
        MODEL,
        DATA,
        steps=steps,
        loss=logistic,
        optimizer=adamw(0.02, weight_decay=0.1),
        alpha=0.0,
        batch_size=10,
        seed=11,
        validation=VALIDATION,
        snapshot_every=4,
    ),
}

THREE_CLASSES = blobs(18, noise=0.3, classes=3, seed=2)


def three_class_run() -> TrainingRun:
    model = MLP.create(2, [5, 3], activation="tanh", seed=2)
    return train(model, THREE_CLASSES, steps=4, loss=cross_entropy, optimizer=adam(0.05))


@pytest.mark.parametrize("name", sorted(TRAININGS))
def test_a_run_round_trips_bit_for_bit(tmp_path: Path, name: str) -> None:
    run = TRAININGS[name](6)
    assert run.snapshots and run.optimizer_state is not None
    path = tmp_path / "run.json"
    save_run(run, path)
    loaded = load_run(path)
    assert loaded == run and run_bits(loaded) == run_bits(run)
    assert run_from_json(run_to_json(run)) == run
    assert run_to_json(loaded) == path.read_text(encoding="utf-8")


def test_a_multi_class_tanh_run_round_trips(tmp_path: Path) -> None:
    run = three_class_run()
    save_run(run, tmp_path / "run.json")
    loaded = load_run(tmp_path / "run.json")
    assert run_bits(loaded) == run_bits(run) and loaded == run
    assert {n.activation for n in loaded.final_model.layers[0].neurons} == {"tanh"}
    assert resume(loaded, THREE_CLASSES, steps=2) == resume(run, THREE_CLASSES, steps=2)


@pytest.mark.parametrize("name", sorted(TRAININGS))
def test_a_loaded_run_resumes_exactly(tmp_path: Path, name: str) -> None:
    half = TRAININGS[name](50)
    path = tmp_path / "half.json"
    save_run(half, path)
    validation = VALIDATION if half.config is not None and half.config.validation else None
    resumed = resume(load_run(path), DATA, steps=50, validation=validation)
    whole = TRAININGS[name](100)
    assert resumed == whole
    assert run_bits(resumed) == run_bits(whole)


def test_an_interrupted_run_saves_and_resumes_exactly(tmp_path: Path) -> None:
    def interrupt(row: HistoryRow) -> None:
        if row.step == 3:
            raise KeyboardInterrupt

    options: dict[str, Any] = {"optimizer": sgd(0.05, momentum=0.9), "batch_size": 8}
    with pytest.raises(TrainingInterrupted) as caught:
        train(MODEL, DATA, steps=10, on_step=interrupt, snapshot_every=2, **options)
    path = tmp_path / "interrupted.json"
    save_run(caught.value.run, path)
    loaded = load_run(path)
    assert loaded == caught.value.run and loaded.steps == 3
    whole = train(MODEL, DATA, steps=10, snapshot_every=2, **options)
    assert resume(loaded, DATA, steps=7) == whole


def test_a_diverged_run_saves_and_loads(tmp_path: Path) -> None:
    with pytest.raises(TrainingDivergedError) as caught:
        train(MODEL, DATA, steps=10, learning_rate=1e200)
    partial = caught.value.run
    save_run(partial, tmp_path / "diverged.json")
    assert load_run(tmp_path / "diverged.json") == partial


def test_a_run_file_is_plain_readable_json(tmp_path: Path) -> None:
    run = TRAININGS["sgd with momentum, batches, validation"](4)
    path = tmp_path / "run.json"
    save_run(run, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == RUN_FORMAT == "mgfunc.run" and document["version"] == 2
    config = document["config"]
    assert config["loss"] == "max_margin" and config["seed"] == [3, 4]
    assert config["optimizer"] == {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9}
    assert document["optimizer_state"]["velocity"] == list(run.optimizer_state.velocity)  # type: ignore[union-attr]
    assert [s["step"] for s in document["snapshots"]] == [0, 2, 4]
    default = json.loads(run_to_json(train(MODEL, DATA, steps=1)))
    assert default["config"]["optimizer"]["learning_rate"] == "official_micrograd_learning_rate"


def test_a_run_built_by_hand_round_trips() -> None:
    row = HistoryRow(0, 1.0, 0.5, 0.5, 0.25, 0.1)
    run = TrainingRun(MODEL, (row, HistoryRow(7, 0.5, 0.25, 0.25, 0.5, 0.1)), 0.25, 1.0)
    loaded = run_from_json(run_to_json(run))
    assert loaded == run and loaded.config is None and loaded.optimizer_state is None


def row_has_validation(run: TrainingRun) -> bool:
    return run.config is not None and run.config.validation


@functools.cache
def _template(name: str) -> TrainingRun:
    return TRAININGS[name](2)


@st.composite
def hand_built_runs(draw: st.DrawFn) -> TrainingRun:
    """A resumable-looking run whose every float is drawn from all finite doubles."""
    base = _template(draw(st.sampled_from(sorted(TRAININGS))))
    count = len(base.final_model.parameters())
    numbers = st.lists(FLOATS | EXTREMES, min_size=count, max_size=count)

    def model() -> MLP:
        values = iter(draw(numbers))
        return MLP(
            layers=tuple(
                Layer(
                    tuple(
                        Neuron(
                            tuple(Value(next(values), label=w.label) for w in n.weights),
                            Value(next(values)),
                            n.nonlinear,
                            n.activation,
                        )
                        for n in layer.neurons
                    )
                )
                for layer in base.final_model.layers
            )
        )

    state = base.optimizer_state
    if isinstance(state, AdamState):
        second = tuple(abs(x) for x in draw(numbers))
        state = AdamState(state.step, state.shape, tuple(draw(numbers)), second)
    elif isinstance(state, SGDState):
        velocity = tuple(draw(numbers)) if state.velocity else ()
        state = SGDState(state.step, state.shape, velocity)
    columns = 7 if row_has_validation(base) else 5
    rows = tuple(
        HistoryRow(row.step, *(draw(FLOATS | EXTREMES) for _ in range(columns)))
        for row in base.history
    )
    return TrainingRun(
        final_model=model(),
        history=rows,
        final_loss=draw(FLOATS | EXTREMES),
        final_accuracy=draw(FLOATS | EXTREMES),
        optimizer_state=state,
        snapshots=tuple((step, model()) for step, _ in base.snapshots),
        config=base.config,
        steps=base.steps,
    )


@settings(max_examples=60)
@given(run=hand_built_runs())
def test_every_float_of_a_run_round_trips_bit_for_bit(run: TrainingRun) -> None:
    assert run_bits(run_from_json(run_to_json(run))) == run_bits(run)


# Runs that cannot be saved: refused before anything is written.


def _custom_loss(model: MLP, xs: Any, ys: Any, alpha: float) -> Any:
    return max_margin(model, xs, ys, alpha)


UNSAVEABLE: dict[str, tuple[Callable[[], TrainingRun], type[Exception], str]] = {
    "custom loss": (
        lambda: train(MODEL, DATA, steps=1, loss=_custom_loss),
        InvalidValueError,
        r"run\.config\.loss is function .*_custom_loss.*only mgfunc's have names "
        r"\(max_margin, logistic, cross_entropy, mse\)",
    ),
    "custom schedule": (
        lambda: train(MODEL, DATA, steps=1, learning_rate=lambda step: 0.1 / (1 + step)),
        InvalidValueError,
        r"run\.config\.optimizer\.learning_rate is a schedule of your own .*train with one",
    ),
    "adam with a schedule": (
        lambda: train(MODEL, DATA, steps=1, optimizer=adam(lambda step: 0.01)),
        InvalidValueError,
        r"run\.config\.optimizer\.learning_rate is a schedule",
    ),
    "nan in the history": (
        lambda: TrainingRun(MODEL, (HistoryRow(0, float("nan"), 0.0, 0.0, 1.0, 0.1),), 0.5, 1.0),
        InvalidValueError,
        r"cannot save run: history\[0\]\.loss must be a finite number, got float nan",
    ),
    "infinite final loss": (
        lambda: TrainingRun(MODEL, (), float("inf"), 1.0),
        InvalidValueError,
        r"cannot save run: final_loss must be a finite number",
    ),
    "state of another model": (
        lambda: TrainingRun(
            MODEL,
            (),
            0.5,
            1.0,
            optimizer_state=SGDState(0, (2, 3, 1)),
            config=train(MODEL, DATA, steps=0).config,
        ),
        InvalidValueError,
        r"cannot save run: optimizer_state\.shape is \[2, 3, 1\] but final_model has shape "
        r"\[2, 6, 1\]",
    ),
    "state without config": (
        lambda: TrainingRun(MODEL, (), 0.5, 1.0, optimizer_state=SGDState(0, (2, 6, 1))),
        InvalidValueError,
        r"optimizer_state must be null when config is null",
    ),
    "not a run": (
        lambda: cast(TrainingRun, MODEL),  # the wrong type on purpose
        InvalidTypeError,
        r"run must be a TrainingRun, got MLP",
    ),
    "a snapshot that is not a pair": (
        lambda: TrainingRun(MODEL, (), 0.5, 1.0, snapshots=(MODEL,)),  # type: ignore[arg-type]
        InvalidTypeError,
        r"run\.snapshots\[0\] must be a \(step, model\) pair",
    ),
    "a row that is not a HistoryRow": (
        lambda: TrainingRun(MODEL, ({"step": 0},), 0.5, 1.0),  # type: ignore[arg-type]
        InvalidTypeError,
        r"run\.history\[0\] must be a HistoryRow",
    ),
}


@pytest.mark.parametrize("name", sorted(UNSAVEABLE))
def test_an_unsaveable_run_is_refused_before_writing(tmp_path: Path, name: str) -> None:
    make, error, message = UNSAVEABLE[name]
    run = make()
    with pytest.raises(error, match=message):
        run_to_json(run)
    with pytest.raises(error, match=message):
        save_run(run, tmp_path / "new.json")
    assert os.listdir(tmp_path) == []
    existing = tmp_path / "existing.json"
    existing.write_text("old", encoding="utf-8")
    with pytest.raises(error, match=message):
        save_run(run, existing)
    assert existing.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["existing.json"]


def test_a_write_that_fails_leaves_no_temporary_file(tmp_path: Path) -> None:
    folder = tmp_path / "run.json"
    folder.mkdir()  # os.replace cannot put a file in place of a folder
    with pytest.raises(IsADirectoryError, match=r"run\.json': it is a folder; name a file"):
        save_run(train(MODEL, DATA, steps=1), folder)
    assert os.listdir(tmp_path) == ["run.json"] and os.listdir(folder) == []


def test_a_run_saved_into_a_missing_folder_names_the_path_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError) as raised:
        save_run(train(MODEL, DATA, steps=1), "missing-folder/run.json")
    assert str(raised.value) == (
        "[Errno 2] cannot write 'missing-folder/run.json': the folder 'missing-folder' does not "
        "exist; create it first, or choose a folder that exists"
    )
    assert os.listdir(tmp_path) == []


def test_a_run_saved_into_an_unwritable_folder_names_the_path_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = train(MODEL, DATA, steps=1)
    with unwritable(tmp_path / "locked", monkeypatch) as folder:
        with pytest.raises(PermissionError) as raised:
            save_run(run, folder / "run.json")
        assert os.listdir(folder) == []
    message = str(raised.value)
    assert f"cannot write {str(folder / 'run.json')!r}: " in message
    assert message.endswith("; choose a folder you can write to") and ".tmp" not in message


# Tampered and inconsistent run files: each refused with the file and the field's path.

Document = Any


def _state(document: Document) -> Document:
    return document["optimizer_state"]


def _optimizer(document: Document) -> Document:
    return document["config"]["optimizer"]


SGD_TAMPERING: dict[str, tuple[Callable[[Document], object], str]] = {
    "model file": (
        lambda d: d.update(format="mgfunc.model"),
        r"format is 'mgfunc.model'.*load_model",
    ),
    "version 1": (
        lambda d: d.update(version=1),
        r"version is 1, but this mgfunc reads run files of version 2",
    ),
    "unknown key": (lambda d: d.update(note="hi"), r"the document has unknown key\(s\) 'note'"),
    "missing steps": (lambda d: d.pop("steps"), r"the document is missing the key\(s\) steps"),
    "state of another shape": (
        lambda d: _state(d).update(shape=[2, 5, 1]),
        r"optimizer_state\.shape is \[2, 5, 1\] but final_model has shape \[2, 6, 1\]",
    ),
    "velocity too short": (
        lambda d: _state(d)["velocity"].pop(),
        r"optimizer_state\.velocity holds 24 numbers but must hold 25",
    ),
    "velocity text": (
        lambda d: _state(d)["velocity"].__setitem__(3, "0.5"),
        r"optimizer_state\.velocity\[3\] must be a number, got a string '0.5'",
    ),
    "state step": (
        lambda d: _state(d).update(step=3),
        r"optimizer_state\.step is 3 but the run has taken 6 steps",
    ),
    "adam state for sgd": (
        lambda d: d.update(
            optimizer_state={"step": 6, "shape": [2, 6, 1], "first_moment": [], "second_moment": []}
        ),
        r"optimizer_state is missing the key\(s\) velocity",
    ),
    "state null": (
        lambda d: d.update(optimizer_state=None),
        r"optimizer_state must be an object, got null",
    ),
    "history out of order": (
        lambda d: d["history"][1].update(step=0),
        r"history\[1\]\.step must be greater than the previous step 0, got 0",
    ),
    "history past the end": (
        lambda d: d["history"][-1].update(step=9),
        r"history\[3\]\.step must be at most the run's steps \(6\), got 9",
    ),
    "validation missing": (
        lambda d: d["history"][0].update(val_loss=None, val_accuracy=None),
        r"history\[0\]\.val_loss must be a number: config\.validation is True",
    ),
    "validation claimed": (
        lambda d: d["config"].update(validation=False),
        r"history\[0\]\.val_loss must be null: config\.validation is False",
    ),
    "unknown loss": (
        lambda d: d["config"].update(loss="hinge"),
        r"config\.loss must be one of 'max_margin', 'logistic', 'cross_entropy', 'mse', "
        r"got 'hinge'",
    ),
    "loss as code": (
        lambda d: d["config"].update(loss="__import__('os').system('echo hacked')"),
        r"config\.loss must be one of",
    ),
    "unknown optimizer": (
        lambda d: _optimizer(d).update(name="rmsprop"),
        r"config\.optimizer\.name must be one of 'sgd', 'adam', 'adamw', got 'rmsprop'",
    ),
    "optimizer without name": (
        lambda d: _optimizer(d).pop("name"),
        r"config\.optimizer is missing the key\(s\) name",
    ),
    "unknown schedule": (
        lambda d: _optimizer(d).update(learning_rate="cosine"),
        r"config\.optimizer\.learning_rate must be a number or "
        r"'official_micrograd_learning_rate', got 'cosine'",
    ),
    "momentum of 1": (
        lambda d: _optimizer(d).update(momentum=1.0),
        r"config\.optimizer\.momentum must be below 1\.0, got 1\.0",
    ),
    "adam keys for sgd": (
        lambda d: _optimizer(d).update(betas=[0.9, 0.999]),
        r"config\.optimizer has unknown key\(s\) 'betas'",
    ),
    "negative alpha": (
        lambda d: d["config"].update(alpha=-1.0),
        r"config\.alpha must be at least 0\.0",
    ),
    "batch size zero": (
        lambda d: d["config"].update(batch_size=0),
        r"config\.batch_size must be at least 1",
    ),
    "empty seed": (
        lambda d: d["config"].update(seed=[]),
        r"config\.seed must not be an empty list",
    ),
    "seed text": (lambda d: d["config"].update(seed="7"), r"config\.seed must be an integer"),
    "seed part": (
        lambda d: d["config"]["seed"].__setitem__(1, 4.5),
        r"config\.seed\[1\] must be an integer",
    ),
    "snapshot order": (
        lambda d: d["snapshots"][1].update(step=0),
        r"snapshots\[1\]\.step must be greater than the previous step 0, got 0",
    ),
    "snapshot of another model": (
        lambda d: d["snapshots"][0].update(model=json.loads(model_to_json(MLP.create(2, [3, 1])))),
        r"snapshots\[0\]\.model has unknown key\(s\) 'format', 'version'",
    ),
    "snapshot of another shape": (
        lambda d: d["snapshots"][0].update(model=_body(MLP.create(2, [3, 1]))),
        r"snapshots\[0\]\.model has shape \[2, 3, 1\] but final_model has shape \[2, 6, 1\]",
    ),
    "weight in the model": (
        lambda d: d["final_model"]["layers"][0]["neurons"][2]["weights"].__setitem__(1, None),
        r"final_model\.layers\[0\]\.neurons\[2\]\.weights\[1\] must be a number, got null",
    ),
    "config null": (
        lambda d: d.update(config=None),
        r"optimizer_state must be null when config is null",
    ),
    "final loss text": (lambda d: d.update(final_loss="0.1"), r"final_loss must be a number"),
    "steps negative": (lambda d: d.update(steps=-1), r"steps must be at least 0, got -1"),
}

ADAM_TAMPERING: dict[str, tuple[Callable[[Document], object], str]] = {
    "first moment short": (
        lambda d: _state(d)["first_moment"].pop(),
        r"optimizer_state\.first_moment holds 24 numbers but final_model has 25 parameters",
    ),
    "first moment text": (
        lambda d: _state(d)["first_moment"].__setitem__(3, "x"),
        r"optimizer_state\.first_moment\[3\] must be a number, got a string 'x'",
    ),
    "second moment long": (
        lambda d: _state(d)["second_moment"].append(0.5),
        r"optimizer_state\.second_moment holds 26 numbers but final_model has 25 parameters",
    ),
    "second moment negative": (
        lambda d: _state(d)["second_moment"].__setitem__(0, -1e-9),
        r"optimizer_state\.second_moment\[0\] must be at least 0\.0, got -1e-09",
    ),
    "betas of three": (
        lambda d: _optimizer(d).update(betas=[0.9, 0.99, 0.999]),
        r"config\.optimizer\.betas must hold 2 numbers, got 3",
    ),
    "beta of 1": (
        lambda d: _optimizer(d)["betas"].__setitem__(1, 1.0),
        r"config\.optimizer\.betas\[1\] must be below 1\.0",
    ),
    "negative eps": (
        lambda d: _optimizer(d).update(eps=-1.0),
        r"config\.optimizer\.eps must be at least",
    ),
    "sgd state for adam": (
        lambda d: d.update(optimizer_state={"step": 4, "shape": [2, 6, 1], "velocity": []}),
        r"optimizer_state is missing the key\(s\) first_moment, second_moment",
    ),
    "adam named sgd": (
        lambda d: _optimizer(d).update(name="sgd"),
        r"config\.optimizer is missing the key\(s\) momentum",
    ),
}


def _body(model: MLP) -> Document:
    document = json.loads(model_to_json(model))
    del document["format"], document["version"]
    return document


@pytest.fixture(scope="module")
def sgd_text() -> str:
    return run_to_json(TRAININGS["sgd with momentum, batches, validation"](6))


@pytest.fixture(scope="module")
def adam_text() -> str:
    return run_to_json(TRAININGS["adamw, batches, validation"](4))


def _refused(tmp_path: Path, text: str, edit: Callable[[Document], object], message: str) -> None:
    document = json.loads(text)
    edit(document)
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ModelFileError, match=message) as caught:
        load_run(path)
    assert str(caught.value).startswith(f"{path}: ")
    with pytest.raises(ModelFileError, match=message):
        run_from_json(json.dumps(document))


@pytest.mark.parametrize("name", sorted(SGD_TAMPERING))
def test_a_tampered_sgd_run_file_is_refused_naming_the_path(
    tmp_path: Path, sgd_text: str, name: str
) -> None:
    _refused(tmp_path, sgd_text, *SGD_TAMPERING[name])


@pytest.mark.parametrize("name", sorted(ADAM_TAMPERING))
def test_a_tampered_adam_run_file_is_refused_naming_the_path(
    tmp_path: Path, adam_text: str, name: str
) -> None:
    _refused(tmp_path, adam_text, *ADAM_TAMPERING[name])


def test_every_truncation_of_a_run_file_is_refused(tmp_path: Path, adam_text: str) -> None:
    assert_every_cut_is_refused(adam_text, load_run, tmp_path, every=97)


def test_a_model_file_is_not_a_run_and_a_run_is_not_a_model(tmp_path: Path) -> None:
    save_model(MODEL, tmp_path / "model.json")
    with pytest.raises(ModelFileError, match=r"format is 'mgfunc\.model'.*load_model"):
        load_run(tmp_path / "model.json")
    save_run(train(MODEL, DATA, steps=1), tmp_path / "run.json")
    from mgfunc.io import load_model

    with pytest.raises(ModelFileError, match=r"format is 'mgfunc\.run'.*load_run"):
        load_model(tmp_path / "run.json")


def test_bad_arguments_get_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidTypeError, match=r"path must be a non-empty str"):
        save_run(train(MODEL, DATA, steps=0), 3)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"path must be"):
        load_run(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"text must be a str of JSON"):
        run_from_json(b"{}")  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        load_run(tmp_path / "missing.json")


def test_a_loaded_run_keeps_the_dataset_it_needs(tmp_path: Path) -> None:
    # A loaded run checks its data as train does: a resume with the wrong dataset is refused.
    run = TRAININGS["sgd with momentum, batches, validation"](2)
    save_run(run, tmp_path / "run.json")
    with pytest.raises(InvalidValueError, match=r"validation"):
        resume(load_run(tmp_path / "run.json"), DATA, steps=1)
    small: Dataset = moons(4, seed=0)
    with pytest.raises(InvalidValueError, match=r"batch_size must be at most"):
        resume(load_run(tmp_path / "run.json"), small, steps=1, validation=VALIDATION)
