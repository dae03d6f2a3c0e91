"""The playground, driven headless: set the controls, press the buttons, check what it drew."""

from __future__ import annotations

import time

import pytest

from mgfunc.datasets import moons
from mgfunc.errors import InvalidValueError
from mgfunc.losses import cross_entropy, logistic, max_margin
from mgfunc.nn import MLP, parameter_count
from mgfunc.optim import adam, sgd
from mgfunc.playground import (
    Playground,
    Settings,
    make_data,
    make_loss,
    make_model,
    optimizer_rows,
    parameter_names,
    parse_hidden,
)
from mgfunc.trainer import resume, train


def neuron_maps(playground: Playground) -> int:
    """How many neuron heatmaps the last drawing holds (one image per hidden neuron)."""
    figure = playground.neurons_figure
    assert figure is not None
    return sum(
        1
        for axes in figure.axes
        for image in axes.get_images()
        if str(image.get_gid()).startswith("neuron-")
    )


# Read through functions: mypy would otherwise keep an attribute narrowed across the clicks
# that change it.
def error_of(playground: Playground) -> str | None:
    return playground.error


def is_busy(playground: Playground) -> bool:
    return playground.busy


def disabled(playground: Playground) -> dict[str, bool]:
    return {
        "noise": playground.noise.disabled,
        "classes": playground.classes.disabled,
        "loss": playground.loss.disabled,
    }


@pytest.fixture
def playground() -> Playground:
    return Playground(Settings(points=40, hidden=(4, 3)), steps=6, chunk=2, background=False)


def test_it_starts_drawn_with_a_fresh_model(playground: Playground) -> None:
    assert playground.step == 0 and playground.run is None
    assert neuron_maps(playground) == 4 + 3
    assert playground.loss_figure is None and playground.optimizer_rows == ()
    assert "step 0" in playground.status.value
    assert len(playground.train_data.points) == 32  # a fifth of 40 held out
    assert playground.validation_data is not None and len(playground.validation_data.points) == 8
    assert bytes(playground.neurons_image.value).startswith(b"\x89PNG")


def test_train_runs_the_steps_and_draws_loss_and_optimizer_state(playground: Playground) -> None:
    playground.train_button.click()
    assert playground.step == 6
    run = playground.run
    assert run is not None and len(run.history) == 6
    assert all(row.val_loss is not None for row in run.history)
    loss_figure = playground.loss_figure
    assert loss_figure is not None and len(loss_figure.axes) == 1
    labels = [line.get_label() for line in loss_figure.axes[0].get_lines()]
    assert "total loss" in labels and "validation loss" in labels
    assert bytes(playground.loss_image.value).startswith(b"\x89PNG")
    rows = playground.optimizer_rows
    assert len(rows) == 8
    moments = [abs(float(row["first_moment"])) for row in rows]
    assert moments == sorted(moments, reverse=True)  # the largest first
    assert playground.optimizer_table.value.count("<tr>") == 1 + 8  # header and rows
    assert "step 6" in playground.status.value and "validation loss" in playground.status.value
    # pressing again continues the same run, exactly as one longer run
    playground.train_button.click()
    assert playground.step == 12
    settings = playground.settings()
    once = train(
        make_model(settings),
        playground.train_data,
        steps=12,
        loss=make_loss(settings),
        optimizer=adam(settings.learning_rate),
        alpha=0.0,
        seed=settings.seed,
        validation=playground.validation_data,
    )
    assert playground.run == once


def test_changing_a_control_starts_afresh_with_it(playground: Playground) -> None:
    playground.train_button.click()
    playground.dataset.value = "yin_yang"
    assert playground.step == 0 and playground.model.nout == 3
    assert disabled(playground) == {"noise": True, "classes": True, "loss": True}
    playground.hidden.value = "5"
    playground.activation.value = "tanh"
    assert neuron_maps(playground) == 5
    playground.train_button.click()
    run = playground.run
    assert run is not None and run.config is not None and run.config.loss is cross_entropy
    assert playground.step == 6

    playground.dataset.value = "blobs"
    assert disabled(playground) == {"noise": False, "classes": False, "loss": False}
    playground.classes.value = 4  # past two classes only cross-entropy applies
    assert disabled(playground) == {"noise": False, "classes": False, "loss": True}
    assert playground.model.nout == 4 and playground.train_data.classes == 4


def test_sgd_batches_and_no_validation(playground: Playground) -> None:
    playground.optimizer.value = "sgd"
    playground.learning_rate.value = 0.1
    playground.batch_size.value = 10
    playground.validation.value = 0.0
    playground.train_button.click()
    run = playground.run
    assert run is not None and run.config is not None and run.config.batch_size == 10
    assert all(row.val_loss is None for row in run.history)
    # plain SGD keeps no moments: the table ranks the parameters by their gradient
    rows = playground.optimizer_rows
    assert set(rows[0]) == {"parameter", "value", "gradient"}
    gradients = [abs(float(row["gradient"])) for row in rows]
    assert gradients == sorted(gradients, reverse=True)


def test_a_bad_control_says_what_to_write_and_blocks_training(playground: Playground) -> None:
    playground.hidden.value = "8, eight"
    error = error_of(playground)
    assert error is not None and 'write e.g. "8, 8"' in error
    assert "write e.g. &quot;8, 8&quot;" in playground.status.value  # shown, escaped
    playground.train_button.click()
    assert playground.step == 0
    playground.hidden.value = "2"
    assert error_of(playground) is None
    playground.train_button.click()
    assert playground.step == 6


def test_stop_ends_a_background_run_early_and_keeps_it() -> None:
    playground = Playground(
        Settings(points=40, hidden=(4,)), steps=100_000, chunk=1, redraw_seconds=0.05
    )
    playground.train_button.click()
    deadline = time.monotonic() + 30
    while playground.step < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert is_busy(playground)  # training goes on while the caller is free
    playground.stop_button.click()
    playground.wait(30)
    assert not is_busy(playground)
    stopped_at = playground.step
    assert 3 <= stopped_at < 100_000
    assert "stopped" in playground.status.value and f"step {stopped_at}" in playground.status.value
    # Train again continues the kept run
    playground.steps = 2
    playground.background = False
    playground.train_button.click()
    assert playground.step == stopped_at + 2


def test_the_settings_make_the_data_the_model_and_the_loss() -> None:
    assert parse_hidden("16 16") == (16, 16)
    with pytest.raises(InvalidValueError, match="text must give hidden layer widths"):
        parse_hidden("0")
    two = Settings(dataset="spiral", points=30, loss="logistic", hidden=())
    assert make_loss(two) is logistic and make_model(two).nout == 1
    assert [layer.nout for layer in make_model(two).layers] == [1]  # a linear model
    assert make_loss(Settings()) is max_margin
    many = Settings(dataset="spiral", classes=3, loss="logistic")
    assert make_loss(many) is cross_entropy and make_model(many).nout == 3
    train_part, validation = make_data(Settings(points=50, validation=0.0))
    assert validation is None and len(train_part.points) == 50
    with pytest.raises(ValueError, match="dataset"):
        Settings(dataset="circles")


def test_optimizer_rows_name_every_parameter_and_read_the_state() -> None:
    model = MLP.create(2, [3, 1], seed=0)
    names = parameter_names(model)
    assert len(names) == parameter_count(model) == 13
    assert names[:3] == ("L1 n1 w0", "L1 n1 w1", "L1 n1 b") and names[-1] == "L2 n1 b"
    data = moons(20, seed=0)
    momentum = train(model, data, steps=3, optimizer=sgd(0.1, momentum=0.9))
    rows = optimizer_rows(momentum, data, top=13)
    state = momentum.optimizer_state
    assert state is not None and hasattr(state, "velocity")
    by_name = {row["parameter"]: row for row in rows}
    for name, velocity in zip(names, state.velocity):
        assert by_name[name]["velocity"] == velocity
    plain = resume(train(model, data, steps=1, learning_rate=0.1), data, steps=1)
    assert set(optimizer_rows(plain, data)[0]) == {"parameter", "value", "gradient"}


def test_a_linear_model_and_an_impossible_batch_are_shown_not_raised(
    playground: Playground,
) -> None:
    playground.hidden.value = ""  # no hidden layer: no neuron maps, the boundary alone
    assert error_of(playground) is None and playground.model.layers[0].nout == 1
    figure = playground.neurons_figure
    assert figure is not None and len(figure.axes) == 1 and neuron_maps(playground) == 0
    playground.train_button.click()
    assert playground.step == 6
    playground.batch_size.value = 100  # more than the 32 training points
    playground.train_button.click()
    assert playground.step == 0
    error = error_of(playground)
    assert error is not None and "batch_size" in error
    assert "batch_size" in playground.status.value
    playground.hidden.value = "300"  # more maps than plot_neurons draws
    error = error_of(playground)
    assert error is not None and "256" in error
