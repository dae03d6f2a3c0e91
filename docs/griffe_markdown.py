"""Griffe extension: render mgfunc's docstrings as clean Markdown in the API pages.

The docstrings are Google style with two habits that Markdown does not understand:

- doctest examples (``>>> ...``) written as bare lines, which Markdown would turn into nested
  block quotes; each run of them becomes a fenced ``pycon`` code block;
- Sphinx cross-reference roles such as :func:`mgfunc.backward` or :class:`~mgfunc.nn.MLP`;
  each becomes inline code showing the name (the last part only, after a ``~``).

The docstrings themselves are not changed, so the doctests keep running as they are.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:func|class|meth|mod|attr|data|exc|obj):`(~?)([^`]+)`")


def _role_to_code(match: re.Match[str]) -> str:
    shorten, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if shorten else target}`"


def _fence_doctests(text: str) -> str:
    lines = text.split("\n")
    result: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.lstrip()
        if not stripped.startswith(">>>"):
            result.append(line)
            index += 1
            continue
        indent = line[: len(line) - len(stripped)]
        result.append(f"{indent}```pycon")
        while index < len(lines) and lines[index].strip():
            result.append(lines[index])
            index += 1
        result.append(f"{indent}```")
    return "\n".join(result)


class MarkdownDocstrings(griffe.Extension):
    """Fence doctest examples and turn Sphinx roles into inline code."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite the docstring of every object as it is loaded."""
        if obj.docstring is not None:
            obj.docstring.value = _fence_doctests(_ROLE.sub(_role_to_code, obj.docstring.value))
