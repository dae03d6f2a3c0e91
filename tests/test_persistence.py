"""Saving and loading models and histories: exact round trips, clear errors, no pickle."""

from __future__ import annotations

import json
import math
import os
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgfunc import InvalidTypeError, InvalidValueError, Value
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
from mgfunc.nn import MLP, Layer, Neuron, parameters
from mgfunc.trainer import HistoryRow, TrainingRun, train

# Every finite float, subnormals and -0.0 included.
FLOATS = st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True)
EXTREMES = st.sampled_from(
    [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1e-310]
)
LABELS = st.text(max_size=5)


def bits(number: float) -> bytes:
    return struct.pack("<d", number)


def model_bits(model: MLP) -> list[tuple[bytes, str]]:
    return [(bits(p.data), p.label) for p in parameters(model)]


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
            )
            for _ in range(width)
        )
        layers.append(Layer(neurons))
        nin = width
    return MLP(layers=tuple(layers))


@pytest.fixture(scope="module")
def run() -> TrainingRun:
    return train(MLP.create(2, [8, 1], seed=3), moons(30, seed=3), steps=5, learning_rate=0.1)


@settings(max_examples=150, deadline=None)
@given(model=models())
def test_a_model_round_trips_bit_for_bit(model: MLP) -> None:
    loaded = model_from_json(model_to_json(model))
    assert model_bits(loaded) == model_bits(model)
    assert [[n.nonlinear for n in layer.neurons] for layer in loaded.layers] == [
        [n.nonlinear for n in layer.neurons] for layer in model.layers
    ]
    assert [(layer.nin, layer.nout) for layer in loaded.layers] == [
        (layer.nin, layer.nout) for layer in model.layers
    ]


@settings(max_examples=30, deadline=None)
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
    assert document["format"] == "mgfunc.model" and document["version"] == 1
    assert document["nin"] == 2 and document["nouts"] == [3, 1]
    first = model.layers[0].neurons[0]
    assert document["layers"][0]["neurons"][0]["weights"] == [w.data for w in first.weights]
    assert [n["nonlinear"] for n in document["layers"][1]["neurons"]] == [False]
    source = Path(__file__).parents[1] / "mgfunc" / "io.py"
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
    with pytest.raises(InvalidValueError, match=r"layers\[0\]\.neurons\[0\]\.weights\[0\] is inf"):
        save_model(broken, path)
    assert load_model(path) == good
    assert os.listdir(tmp_path) == ["model.json"]


def test_history_round_trips_from_a_run_and_from_rows(tmp_path: Path, run: TrainingRun) -> None:
    path = tmp_path / "history.json"
    save_history(run, path)
    assert load_history(path) == run.history
    assert history_from_json(history_to_json(list(run.history))) == run.history
    assert history_from_json(history_to_json(())) == ()


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 1000), FLOATS, FLOATS, FLOATS, FLOATS, FLOATS | EXTREMES),
        max_size=5,
        unique_by=lambda row: row[0],
    )
)
def test_history_floats_round_trip_bit_for_bit(
    rows: list[tuple[int, float, float, float, float, float]],
) -> None:
    history = tuple(HistoryRow(*row) for row in sorted(rows))
    loaded = history_from_json(history_to_json(history))
    assert [
        [bits(x) if isinstance(x, float) else x for x in r.to_dict().values()] for r in loaded
    ] == [[bits(x) if isinstance(x, float) else x for x in r.to_dict().values()] for r in history]


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
    "newer version": (_set(_top, "version", 2), r"version is 2.*upgrade mgfunc"),
    "version as text": (_set(_top, "version", "1"), r"version is '1'"),
    "version true": (_set(_top, "version", True), r"version is True"),
    "missing layers": (_delete(_top, "layers"), r"missing the key\(s\) layers"),
    "unknown key": (_set(_top, "comment", "hi"), r"unknown key\(s\) 'comment'"),
    "nin text": (_set(_top, "nin", "2"), r"nin must be an integer"),
    "nin zero": (_set(_top, "nin", 0), r"nin must be at least 1"),
    "nin mismatch": (_set(_top, "nin", 3), r"weights holds 2 numbers but the layer takes 3"),
    "nouts mismatch": (_set(_top, "nouts", [3, 2]), r"neurons holds 1 neurons but nouts says 2"),
    "nouts short": (_set(_top, "nouts", [3]), r"nouts lists 1 layer widths but layers holds 2"),
    "nouts zero": (_set(_top, "nouts", [3, 0]), r"nouts\[1\] must be a positive integer"),
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
    path = tmp_path / "cut.json"
    for end in range(0, len(text) - 1, 7):
        path.write_text(text[:end], encoding="utf-8")
        with pytest.raises(ModelFileError, match=r"cut\.json: "):
            load_model(path)


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(b"\x80\x04\x95 pickled bytes")
    with pytest.raises(ModelFileError, match=r"not UTF-8"):
        load_model(path)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(format="mgfunc.model"), r"format is 'mgfunc.model'.*load_model"),
        (lambda d: d["rows"][1].update(step=0), r"rows\[1\]\.step must be at least 0 and greater"),
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
    with pytest.raises(InvalidValueError, match=r"history row 0: loss is nan"):
        history_to_json([nan_row])
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.json")
    assert not (tmp_path / "x.json").exists()
