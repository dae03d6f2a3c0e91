# Typed stubs for the part of ipywidgets that mgfunc.playground uses (ipywidgets ships no type
# information). tests/test_stubs.py checks every name here against the installed ipywidgets.
from collections.abc import Callable, Sequence
from typing import Generic, TypedDict, TypeVar

_T = TypeVar("_T")

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

class _Control(DOMWidget, ValueWidget[_T]):  # stub only: what the controls below share
    description: str
    disabled: bool

class Dropdown(_Control[str]):
    options: Sequence[str]
    def __init__(
        self, *, options: Sequence[str], value: str, description: str = ..., layout: Layout = ...
    ) -> None: ...

class IntSlider(_Control[int]):
    def __init__(
        self,
        *,
        value: int,
        min: int,
        max: int,
        step: int = ...,
        description: str = ...,
        layout: Layout = ...,
    ) -> None: ...

class FloatSlider(_Control[float]):
    def __init__(
        self,
        *,
        value: float,
        min: float,
        max: float,
        step: float = ...,
        description: str = ...,
        readout_format: str = ...,
        layout: Layout = ...,
    ) -> None: ...

class FloatLogSlider(_Control[float]):
    def __init__(
        self,
        *,
        value: float,
        base: float = ...,
        min: float,
        max: float,
        step: float = ...,
        description: str = ...,
        readout_format: str = ...,
        layout: Layout = ...,
    ) -> None: ...

class IntText(_Control[int]):
    def __init__(self, *, value: int, description: str = ..., layout: Layout = ...) -> None: ...

class Text(_Control[str]):
    def __init__(
        self, *, value: str, description: str = ..., placeholder: str = ..., layout: Layout = ...
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

class Image(DOMWidget):
    value: bytes | memoryview  # set as bytes, read back as a memoryview
    format: str
    def __init__(self, *, value: bytes = ..., format: str = ..., layout: Layout = ...) -> None: ...

class HTML(DOMWidget, ValueWidget[str]):
    def __init__(self, *, value: str = ..., layout: Layout = ...) -> None: ...

class Box(DOMWidget):
    children: tuple[Widget, ...]

class VBox(Box):
    def __init__(self, children: Sequence[Widget], *, layout: Layout = ...) -> None: ...

class HBox(Box):
    def __init__(self, children: Sequence[Widget], *, layout: Layout = ...) -> None: ...
