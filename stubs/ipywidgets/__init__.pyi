# Typed stubs for the part of ipywidgets that mgfunc.playground uses (ipywidgets ships no type
# information). tests/test_stubs.py checks every name here against the installed ipywidgets.
#
# The classes follow ipywidgets' own hierarchy, so that each member is declared once, on the
# base that has it: every control is a ValueWidget with a description; the sliders are bounded
# numbers. The private bases stand for classes that ipywidgets keeps in its submodules
# (widget_description.DescriptionWidget, widget_int._Int and widget_float._Float,
# _BoundedInt/_BoundedFloat/_BoundedLogFloat, widget_string._String); ipywidgets writes its int
# and float classes twice, the stub once, generic in the number type.
from collections.abc import Callable, Sequence
from typing import Generic, TypedDict, TypeVar

_T = TypeVar("_T")
_Number = TypeVar("_Number", int, float)

class Change(TypedDict):
    name: str
    old: object
    new: object
    owner: object
    type: str

class Layout:
    def __init__(self, **styles: str) -> None: ...

class Widget:
    def observe(self, handler: Callable[[Change], None], names: str | Sequence[str]) -> None: ...
    def close(self) -> None: ...

class DOMWidget(Widget):
    layout: Layout

class ValueWidget(Widget, Generic[_T]):
    value: _T

class _Described(DOMWidget, ValueWidget[_T]):  # a control: DescriptionWidget and ValueWidget
    description: str

class _Numeric(_Described[_Number]):  # _Int, _Float
    disabled: bool
    def __init__(self, *, value: _Number, description: str = ..., layout: Layout = ...) -> None: ...

class _Slider(_Numeric[_Number]):  # _BoundedInt, _BoundedFloat, _BoundedLogFloat, with a step
    min: _Number
    max: _Number
    step: _Number
    readout_format: str
    def __init__(
        self,
        *,
        value: _Number,
        min: _Number,
        max: _Number,
        step: _Number = ...,
        description: str = ...,
        readout_format: str = ...,
        layout: Layout = ...,
    ) -> None: ...

class IntSlider(_Slider[int]): ...
class FloatSlider(_Slider[float]): ...

class FloatLogSlider(_Slider[float]):  # min, max and step are powers of base (10 unless set)
    base: float

class IntText(_Numeric[int]): ...

class _String(_Described[str]):  # _String: the text widgets
    placeholder: str
    def __init__(
        self,
        *,
        value: str = ...,
        description: str = ...,
        placeholder: str = ...,
        layout: Layout = ...,
    ) -> None: ...

class Text(_String):
    disabled: bool

class HTML(_String): ...

class Dropdown(_Described[str]):  # _Selection
    options: Sequence[str]
    disabled: bool
    def __init__(
        self, *, options: Sequence[str], value: str, description: str = ..., layout: Layout = ...
    ) -> None: ...

class Button(DOMWidget):
    description: str
    disabled: bool
    button_style: str
    def __init__(
        self, *, description: str, button_style: str = ..., tooltip: str = ..., layout: Layout = ...
    ) -> None: ...
    def on_click(self, callback: Callable[[Button], None]) -> None: ...
    def click(self) -> None: ...

class Image(DOMWidget, ValueWidget[bytes | memoryview]):  # set as bytes, read as a memoryview
    format: str
    def __init__(self, *, value: bytes = ..., format: str = ..., layout: Layout = ...) -> None: ...

class Box(DOMWidget):
    children: tuple[Widget, ...]
    def __init__(self, children: Sequence[Widget], *, layout: Layout = ...) -> None: ...

class VBox(Box): ...
class HBox(Box): ...
