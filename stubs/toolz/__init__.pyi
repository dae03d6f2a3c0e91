# Typed stubs for the part of toolz that mgfunc uses. toolz ships no type information, so
# without these, mypy --strict would see Any wherever mgfunc calls it.
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar, overload

_T = TypeVar("_T")
_S = TypeVar("_S")

@overload
def accumulate(binop: Callable[[_T, _T], _T], seq: Iterable[_T]) -> Iterator[_T]: ...
@overload
def accumulate(binop: Callable[[_S, _T], _S], seq: Iterable[_T], initial: _S) -> Iterator[_S]: ...
