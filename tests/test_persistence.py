"""Saving and loading models and histories: exact round trips, clear errors, no pickle."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgfunc import InvalidTypeError, InvalidValueError, Value
from mgfunc._files import replacing
from mgfunc.datasets import moons
from mgfunc.errors import ModelFileError
from mgfunc.io import (
    history_from_json,
    history_to_json,
    load_history,
    load_model,
    model_from_json,
    model_to_json,
    save_history,
    save_model,
)
from mgfunc.nn import ACTIVATIONS, MLP, Layer, Neuron
from mgfunc.trainer import HistoryRow, TrainingRun, train
from tests.exact_floats import EXTREMES, FLOATS, bits, model_bits
from tests.refusals import assert_every_cut_is_refused
from tests.unwritable import unwritable

LABELS = st.text(max_size=5)


@st.composite
def models(draw: st.DrawFn) -> MLP:
    """A model of random shape whose every weight, bias and label is drawn at random."""
    nin = draw(st.integers(1, 3))
    widths = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    layers = []
    for width in widths:
        neurons = tuple(
            Neuron(
                weights=tuple(
                    Value(draw(FLOATS | EXTREMES), label=draw(LABELS)) for _ in range(nin)
                ),
                bias=Value(draw(FLOATS | EXTREMES), label=draw(LABELS)),
                nonlinear=draw(st.booleans()),
                activation=draw(st.sampled_from(ACTIVATIONS)),
            )
            for _ in range(width)
        )
        layers.append(Layer(neurons))
        nin = width
    return MLP(layers=tuple(layers))


@pytest.fixture(scope="module")
def run() -> TrainingRun:
    return train(MLP.create(2, [8, 1], seed=3), moons(30, seed=3), steps=5, learning_rate=0.1)


@settings(max_examples=150)
@given(model=models())
def test_a_model_round_trips_bit_for_bit(model: MLP) -> None:
    loaded = model_from_json(model_to_json(model))
    assert model_bits(loaded) == model_bits(model)
    assert [[(n.nonlinear, n.activation) for n in layer.neurons] for layer in loaded.layers] == [
        [(n.nonlinear, n.activation) for n in layer.neurons] for layer in model.layers
    ]
    assert [(layer.nin, layer.nout) for layer in loaded.layers] == [
        (layer.nin, layer.nout) for layer in model.layers
    ]


@settings(max_examples=30)
@given(model=models())
def test_a_saved_file_loads_back_bit_for_bit(
    tmp_path_factory: pytest.TempPathFactory, model: MLP
) -> None:
    path = tmp_path_factory.mktemp("models") / "model.json"
    save_model(model, path)
    assert model_bits(load_model(path)) == model_bits(model)
    assert model_bits(load_model(str(path))) == model_bits(model)


def test_a_loaded_model_computes_the_same_scores(tmp_path: Path, run: TrainingRun) -> None:
    path = tmp_path / "trained.json"
    save_model(run.final_model, path)
    loaded = load_model(path)
    assert loaded == run.final_model and loaded is not run.final_model
    for x in moons(10, seed=9).xs:
        assert bits(loaded.evaluate(x)[0]) == bits(run.final_model.evaluate(x)[0])


def test_a_saved_model_is_readable_json_without_pickle(tmp_path: Path) -> None:
    model = MLP.create(2, [3, 1], seed=0)
    path = tmp_path / "model.json"
    save_model(model, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "mgfunc.model" and document["version"] == 2
    assert document["nin"] == 2 and document["nouts"] == [3, 1]
    first = model.layers[0].neurons[0]
    assert document["layers"][0]["neurons"][0]["weights"] == [w.data for w in first.weights]
    assert [n["nonlinear"] for n in document["layers"][1]["neurons"]] == [False]
    assert {n["activation"] for layer in document["layers"] for n in layer["neurons"]} == {"relu"}
    for module in ("io.py", "_schema.py", "_document.py", "_files.py"):  # mgfunc's file modules
        source = Path(__file__).parents[1] / "mgfunc" / module
        assert "pickle" not in source.read_text(encoding="utf-8").replace("no pickle", "")


def test_saving_replaces_the_file_atomically_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text("old", encoding="utf-8")
    model = MLP.create(2, [2, 1], seed=1)
    save_model(model, path)
    assert load_model(path) == model
    assert os.listdir(tmp_path) == ["model.json"]


def test_a_failed_save_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    good = MLP.create(2, [1], seed=1)
    save_model(good, path)
    broken = MLP(layers=(Layer((Neuron((Value(1e308) * 10, Value(1.0)), Value(0.0)),)),))
    with pytest.raises(
        InvalidValueError,
        match=r"cannot save model: layers\[0\]\.neurons\[0\]\.weights\[0\] must be a finite number",
    ):
        save_model(broken, path)
    assert load_model(path) == good
    assert os.listdir(tmp_path) == ["model.json"]


def test_history_round_trips_from_a_run_and_from_rows(tmp_path: Path, run: TrainingRun) -> None:
    path = tmp_path / "history.json"
    save_history(run, path)
    assert load_history(path) == run.history
    assert history_from_json(history_to_json(list(run.history))) == run.history
    assert history_from_json(history_to_json(())) == ()


@settings(max_examples=150)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 1000), FLOATS, FLOATS, FLOATS, FLOATS, FLOATS | EXTREMES),
        max_size=5,
        unique_by=lambda row: row[0],
    ),
    validation=st.lists(st.tuples(FLOATS | EXTREMES, FLOATS | EXTREMES), min_size=5, max_size=5)
    | st.none(),
)
def test_history_floats_round_trip_bit_for_bit(
    rows: list[tuple[int, float, float, float, float, float]],
    validation: list[tuple[float, float]] | None,
) -> None:
    measured: list[tuple[float | None, float | None]] = [(None, None)] * 5
    if validation is not None:
        measured = list(validation)
    history = tuple(HistoryRow(*row, *pair) for row, pair in zip(sorted(rows), measured))
    loaded = history_from_json(history_to_json(history))
    assert [
        [bits(x) if isinstance(x, float) else x for x in r.to_dict().values()] for r in loaded
    ] == [[bits(x) if isinstance(x, float) else x for x in r.to_dict().values()] for r in history]
    assert [r.val_loss is None for r in loaded] == [validation is None] * len(history)


# Tampering: every way a file can be wrong gets a ModelFileError naming the file and field.

# A parsed JSON document: json.loads returns Any, and the edits reach into it freely.
Document = Any
Edit = Callable[[Document], object]


def _neuron(document: Document) -> Document:
    return document["layers"][0]["neurons"][0]


def _set(path: Callable[[Document], dict[str, object]], key: str, value: object) -> Edit:
    def edit(document: Document) -> None:
        path(document)[key] = value

    return edit


def _delete(path: Callable[[Document], dict[str, object]], key: str) -> Edit:
    def edit(document: Document) -> None:
        del path(document)[key]

    return edit


def _top(document: Document) -> Document:
    return document


TAMPERING: dict[str, tuple[Edit, str]] = {
    "wrong format": (
        _set(_top, "format", "mgfunc.history"),
        r"format is 'mgfunc.history'.*load_history",
    ),
    "foreign format": (_set(_top, "format", "keras"), r"format is 'keras'"),
    "missing format": (_delete(_top, "format"), r"format is None"),
    "newer version": (_set(_top, "version", 3), r"version is 3.*upgrade mgfunc"),
    "version zero": (
        _set(_top, "version", 0),
        r"version is 0, but this mgfunc reads model files of version 1 or 2$",
    ),
    "version float": (_set(_top, "version", 2.0), r"version is 2\.0"),
    "version as text": (_set(_top, "version", "1"), r"version is '1'"),
    "version true": (_set(_top, "version", True), r"version is True"),
    "missing layers": (_delete(_top, "layers"), r"missing the key\(s\) layers"),
    "unknown key": (_set(_top, "comment", "hi"), r"unknown key\(s\) 'comment'"),
    "nin text": (_set(_top, "nin", "2"), r"nin must be an integer"),
    "nin zero": (_set(_top, "nin", 0), r"nin must be at least 1"),
    "nin mismatch": (_set(_top, "nin", 3), r"weights holds 2 numbers but the layer takes 3"),
    "nouts mismatch": (_set(_top, "nouts", [3, 2]), r"neurons holds 1 neurons but nouts says 2"),
    "nouts short": (_set(_top, "nouts", [3]), r"nouts lists 1 layer widths but layers holds 2"),
    "nouts zero": (_set(_top, "nouts", [3, 0]), r"nouts\[1\] must be at least 1, got 0"),
    "layers empty": (_set(_top, "layers", []), r"layers must not be empty"),
    "layers object": (_set(_top, "layers", {}), r"layers must be a list"),
    "weight text": (
        lambda d: _neuron(d)["weights"].__setitem__(1, "0.5"),
        r"layers\[0\]\.neurons\[0\]\.weights\[1\] must be a number, got a string '0.5'",
    ),
    "weight huge": (
        lambda d: _neuron(d)["weights"].__setitem__(0, 10**400),
        r"not valid JSON|weights\[0\] must be a finite number",
    ),
    "weight null": (
        lambda d: _neuron(d)["weights"].__setitem__(0, None),
        r"weights\[0\] must be a number, got null",
    ),
    "weight bool": (
        lambda d: _neuron(d)["weights"].__setitem__(0, True),
        r"weights\[0\] must be a number, got a boolean",
    ),
    "too few weights": (
        lambda d: _neuron(d)["weights"].pop(),
        r"neurons\[0\]\.weights holds 1 numbers but the layer takes 2",
    ),
    "missing bias": (_delete(_neuron, "bias"), r"neurons\[0\] is missing the key\(s\) bias"),
    "bias object": (_set(_neuron, "bias", {}), r"neurons\[0\]\.bias must be a number"),
    "nonlinear text": (_set(_neuron, "nonlinear", "yes"), r"nonlinear must be true or false"),
    "nonlinear number": (_set(_neuron, "nonlinear", 1), r"nonlinear must be true or false"),
    "activation unknown": (
        _set(_neuron, "activation", "gelu"),
        r"neurons\[0\]\.activation must be one of 'relu', 'tanh', 'sigmoid', got 'gelu'",
    ),
    "activation missing": (
        _delete(_neuron, "activation"),
        r"neurons\[0\] is missing the key\(s\) activation",
    ),
    "activation number": (_set(_neuron, "activation", 1), r"activation must be a string"),
    "label number": (
        lambda d: _neuron(d)["weight_labels"].__setitem__(0, 7),
        r"weight_labels\[0\] must be a string",
    ),
    "labels short": (_set(_neuron, "weight_labels", []), r"weight_labels holds 0 labels"),
    "bias label": (_set(_neuron, "bias_label", None), r"bias_label must be a string"),
    "neuron list": (
        lambda d: d["layers"][0]["neurons"].__setitem__(0, [1.0]),
        r"layers\[0\]\.neurons\[0\] must be an object",
    ),
}


@pytest.mark.parametrize("name", sorted(TAMPERING))
def test_a_tampered_model_file_names_the_file_and_field(tmp_path: Path, name: str) -> None:
    edit, message = TAMPERING[name]
    document = json.loads(model_to_json(MLP.create(2, [3, 1], seed=0)))
    edit(document)
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ModelFileError, match=message) as caught:
        load_model(path)
    assert str(caught.value).startswith(str(path) + ": ")
    with pytest.raises(ModelFileError, match=message):
        model_from_json(json.dumps(document))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"not valid JSON"),
        ('{"format": "mgfunc.model", "version": 1, "nin": 2', r"not valid JSON \(truncated"),
        ("[1, 2]", r"must hold a JSON object, got a list"),
        ('"model"', r"must hold a JSON object, got a string"),
        ('{"format": "mgfunc.model", "format": "mgfunc.model"}', r"'format' appears twice"),
        ('{"format": NaN}', r"not valid JSON.*NaN"),
        ("[" * 100_000 + "]" * 100_000, r"nested too deeply|not valid JSON"),
    ],
)
def test_text_that_is_not_a_model_gets_a_model_file_error(text: str, message: str) -> None:
    with pytest.raises(ModelFileError, match=message):
        model_from_json(text)


def test_every_truncation_of_a_model_file_is_refused(tmp_path: Path) -> None:
    text = model_to_json(MLP.create(2, [2, 1], seed=5))
    assert_every_cut_is_refused(text, load_model, tmp_path, every=7)


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(b"\x80\x04\x95 pickled bytes")
    with pytest.raises(ModelFileError, match=r"not UTF-8"):
        load_model(path)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(format="mgfunc.model"), r"format is 'mgfunc.model'.*load_model"),
        (
            lambda d: d["rows"][1].update(step=0),
            r"rows\[1\]\.step must be greater than the previous",
        ),
        (lambda d: d["rows"][0].update(step=-1), r"rows\[0\]\.step must be at least 0, got -1"),
        (lambda d: d["rows"][0].update(val_loss=0.5), r"rows\[0\]\.val_accuracy and val_loss must"),
        (lambda d: d["rows"][2].pop("val_loss"), r"rows\[2\] is missing the key\(s\) val_loss"),
        (lambda d: d["rows"][0].update(val_loss="0.5"), r"rows\[0\]\.val_loss must be a number"),
        (lambda d: d["rows"][0].update(loss="x"), r"rows\[0\]\.loss must be a number"),
        (lambda d: d["rows"][0].update(step=1.0), r"rows\[0\]\.step must be an integer"),
        (lambda d: d["rows"][0].pop("accuracy"), r"rows\[0\] is missing the key\(s\) accuracy"),
        (lambda d: d.update(rows={}), r"rows must be a list"),
    ],
)
def test_a_tampered_history_file_names_the_field(
    tmp_path: Path, run: TrainingRun, edit: Callable[[dict[str, object]], object], message: str
) -> None:
    document = json.loads(history_to_json(run))
    edit(document)
    path = tmp_path / "history.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ModelFileError, match=message):
        load_history(path)


def test_bad_arguments_get_clear_errors(tmp_path: Path, run: TrainingRun) -> None:
    with pytest.raises(InvalidTypeError, match=r"model must be an MLP, got TrainingRun"):
        save_model(run, tmp_path / "x.json")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"path must be a non-empty str or os.PathLike"):
        save_model(run.final_model, 3)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"path must be"):
        load_model(b"model.json")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"text must be a str of JSON"):
        model_from_json(b"{}")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"run_or_history\[0\] must be a HistoryRow"):
        save_history([{"step": 0}], tmp_path / "h.json")  # type: ignore[list-item]
    nan_row = HistoryRow(0, math.nan, 0.0, 0.0, 1.0, 0.1)
    with pytest.raises(InvalidValueError, match=r"rows\[0\]\.loss must be a finite number"):
        history_to_json([nan_row])
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.json")
    assert not (tmp_path / "x.json").exists()


# Version 1 files (written before activations and validation columns) still load.

VERSION_1_MODEL = (
    '{"format": "mgfunc.model", "version": 1, "nin": 1, "nouts": [2, 1], "layers": ['
    '{"neurons": [{"nonlinear": true, "weights": [0.13370438704198917], "bias": 0.0, '
    '"weight_labels": ["w"], "bias_label": "b"}, {"nonlinear": true, "weights": '
    '[0.42122115948181005], "bias": -0.0, "weight_labels": [""], "bias_label": ""}]}, '
    '{"neurons": [{"nonlinear": false, "weights": [0.3540387451747087, -0.9519752053795878], '
    '"bias": 5e-324, "weight_labels": ["", ""], "bias_label": ""}]}]}'
)
VERSION_1_HISTORY = (
    '{"format": "mgfunc.history", "version": 1, "rows": ['
    '{"step": 0, "loss": 1.5, "data_loss": 1.25, "reg_loss": 0.25, "accuracy": 0.5, '
    '"learning_rate": 1.0}, {"step": 1, "loss": 1.0, "data_loss": 0.75, "reg_loss": 0.25, '
    '"accuracy": 1.0, "learning_rate": 0.991}]}'
)


def test_a_version_1_model_file_loads_as_relu_neurons(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(VERSION_1_MODEL, encoding="utf-8")
    model = load_model(path)
    assert [(layer.nin, layer.nout) for layer in model.layers] == [(1, 2), (2, 1)]
    neurons = [n for layer in model.layers for n in layer.neurons]
    assert [(n.nonlinear, n.activation) for n in neurons] == [
        (True, "relu"),
        (True, "relu"),
        (False, "relu"),
    ]
    assert model_bits(model) == [
        (bits(0.13370438704198917), "w"),
        (bits(0.0), "b"),
        (bits(0.42122115948181005), ""),
        (bits(-0.0), ""),
        (bits(0.3540387451747087), ""),
        (bits(-0.9519752053795878), ""),
        (bits(5e-324), ""),
    ]
    # Saving it again writes version 2, which names the activation.
    assert json.loads(model_to_json(model))["version"] == 2
    assert model_from_json(model_to_json(model)) == model


def test_a_version_1_model_file_has_no_activation_key() -> None:
    document = json.loads(VERSION_1_MODEL)
    document["layers"][0]["neurons"][0]["activation"] = "tanh"
    with pytest.raises(ModelFileError, match=r"neurons\[0\] has unknown key\(s\) 'activation'"):
        model_from_json(json.dumps(document))


def test_a_version_1_history_file_loads_without_validation_columns(tmp_path: Path) -> None:
    path = tmp_path / "old-history.json"
    path.write_text(VERSION_1_HISTORY, encoding="utf-8")
    assert load_history(path) == (
        HistoryRow(0, 1.5, 1.25, 0.25, 0.5, 1.0),
        HistoryRow(1, 1.0, 0.75, 0.25, 1.0, 0.991),
    )
    document = json.loads(VERSION_1_HISTORY)
    document["rows"][0]["val_loss"] = 0.5
    with pytest.raises(ModelFileError, match=r"rows\[0\] has unknown key\(s\) 'val_loss'"):
        history_from_json(json.dumps(document))


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_tanh_and_sigmoid_models_round_trip(tmp_path: Path, activation: str) -> None:
    model = MLP.create(2, [5, 4, 3], activation=activation, seed=4)
    path = tmp_path / "model.json"
    save_model(model, path)
    loaded = load_model(path)
    assert loaded == model and model_bits(loaded) == model_bits(model)
    assert {n.activation for layer in loaded.layers for n in layer.neurons} == {activation}
    # The same activation gives the same scores; a relu model would not.
    for x in moons(6, seed=1).xs:
        assert [bits(s) for s in loaded.evaluate(x)] == [bits(s) for s in model.evaluate(x)]
    relu = MLP.create(2, [5, 4, 3], seed=4)
    assert loaded != relu


def test_history_validation_columns_round_trip(tmp_path: Path) -> None:
    data, held_out = moons(20, seed=2), moons(10, seed=3)
    run = train(MLP.create(2, [4, 1], seed=2), data, steps=3, validation=held_out)
    assert all(row.val_loss is not None and row.val_accuracy is not None for row in run.history)
    path = tmp_path / "history.json"
    save_history(run, path)
    assert load_history(path) == run.history
    rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    assert [row["val_loss"] for row in rows] == [row.val_loss for row in run.history]
    without = json.loads(history_to_json(train(MLP.create(2, [4, 1], seed=2), data, steps=1)))
    assert without["rows"][0]["val_loss"] is None and without["rows"][0]["val_accuracy"] is None


# A file that cannot be written: the error names the path the user chose and what to do.


def test_saving_into_a_missing_folder_names_the_path_and_says_to_create_it(
    tmp_path: Path,
) -> None:
    target = tmp_path / "missing-folder" / "model.json"
    with pytest.raises(FileNotFoundError) as raised:
        save_model(MLP.create(2, [1], seed=0), target)
    message = str(raised.value)
    assert f"cannot write {str(target)!r}" in message
    assert f"the folder {str(target.parent)!r} does not exist; create it first" in message
    assert ".tmp" not in message
    assert not (tmp_path / "missing-folder").exists()


def test_saving_into_an_unwritable_folder_names_the_path_and_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with unwritable(tmp_path / "locked", monkeypatch) as folder:
        target = folder / "out.json"
        saves: list[Callable[[Path], None]] = [
            lambda path: save_model(MLP.create(2, [1], seed=0), path),
            lambda path: save_history([], path),
        ]
        for save in saves:
            with pytest.raises(PermissionError) as raised:
                save(target)
            message = str(raised.value)
            assert f"cannot write {str(target)!r}" in message, message
            assert "choose a folder you can write to" in message and ".tmp" not in message
        assert os.listdir(folder) == []


def test_saving_onto_a_folder_names_it(tmp_path: Path) -> None:
    folder = tmp_path / "model.json"
    folder.mkdir()
    with pytest.raises(IsADirectoryError) as raised:
        save_model(MLP.create(2, [1], seed=0), folder)
    assert str(raised.value).endswith(
        f"cannot write {str(folder)!r}: it is a folder; name a file instead"
    )
    assert os.listdir(folder) == [] and os.listdir(tmp_path) == ["model.json"]


def test_an_error_about_another_file_keeps_its_own_words(tmp_path: Path) -> None:
    # The atomic write names the user's path only for errors about the file it writes.
    target = tmp_path / "out.json"
    with pytest.raises(FileNotFoundError) as raised, replacing(target):
        (tmp_path / "missing" / "font.ttf").read_bytes()  # a writer's own input, missing
    assert raised.value.filename == str(tmp_path / "missing" / "font.ttf")
    assert "cannot write" not in str(raised.value)
    assert os.listdir(tmp_path) == []  # the temporary file is gone, no target was made


def test_one_atomic_write_helper_writes_every_file() -> None:
    # Every file mgfunc writes goes through mgfunc._files.replacing (io's JSON files, the
    # command line's pictures): no other module renames a temporary file into place. The one
    # module still doing its own is plots' save_gif, which the command line wraps in the helper.
    package = Path(__file__).parents[1] / "mgfunc"
    renaming = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if "os.replace(" in path.read_text(encoding="utf-8")
    }
    own_gif_writer = {
        name for name in renaming if "def save_gif(" in (package / name).read_text(encoding="utf-8")
    }
    assert renaming - own_gif_writer == {"_files.py"}
    assert len(own_gif_writer) <= 1
