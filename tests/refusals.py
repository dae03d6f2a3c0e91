"""What mgfunc must refuse, and the checks the test files share to say so.

A table of bad calls holds cases ``(call, error, pattern)``: ``call()`` must raise ``error``
with a message in which ``re.search`` finds ``pattern``. Each test file keeps its table beside
the tests of the same code and hands it to ``refusals``, which makes one test of each case::

    @refusals(CASES)
    def test_bad_input_gets_a_clear_error(refusal: Refusal) -> None:
        refusal.check()
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import pytest

from mgfunc import InvalidValueError
from mgfunc.errors import ModelFileError

Case = tuple[Callable[[], object], type[Exception], str]


class Refusal(NamedTuple):
    """One call that must be refused, the error it must raise and a pattern of its message."""

    call: Callable[[], object]
    error: type[Exception]
    pattern: str

    def check(self) -> None:
        """Fail unless ``call()`` raises ``error`` with a message that matches ``pattern``."""
        with pytest.raises(self.error, match=self.pattern):
            self.call()


def refusals(cases: Mapping[str, Case] | Sequence[Case]) -> pytest.MarkDecorator:
    """Parametrize a test's ``refusal`` argument with one ``Refusal`` per case.

    A test is named by its case's key in a mapping, or by its error and pattern in a list.
    """
    if isinstance(cases, Mapping):
        named = list(cases.items())
    else:
        named = [(f"{case[1].__name__}-{case[2]}", case) for case in cases]
    return pytest.mark.parametrize(
        "refusal", [pytest.param(Refusal(*case), id=name) for name, case in named]
    )


def assert_refused_before_any_step(*runs: Callable[[Callable[[int], float]], object]) -> None:
    """Fail unless each run, handed a learning-rate schedule, raises ``InvalidValueError``
    before that schedule is asked for a single rate: training checks everything first."""
    asked: list[int] = []

    def schedule(step: int) -> float:
        asked.append(step)
        return 0.1

    for run in runs:
        with pytest.raises(InvalidValueError):
            run(schedule)
    assert asked == []


def assert_every_cut_is_refused(
    text: str, load: Callable[[Path], object], folder: Path, every: int
) -> None:
    """Fail unless ``load`` refuses the file ``text`` cut short, at every ``every``-th length,
    with a ``ModelFileError`` that names the file."""
    path = folder / "cut.json"
    for end in range(0, len(text) - 1, every):
        path.write_text(text[:end], encoding="utf-8")
        with pytest.raises(ModelFileError, match=r"cut\.json: "):
            load(path)
