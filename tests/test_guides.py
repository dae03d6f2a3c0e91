"""Every Python code block in the guides and the README runs, so the docs cannot drift.

The convention, for anyone writing in ``guides/*.md`` or ``README.md``:

- A fenced block whose info string is exactly ``python`` is executed.
- The blocks of one file run in order in one fresh namespace, like the cells of a notebook:
  a later block may use names an earlier one defined.
- Anything that must not run (micrograd's own code shown for comparison, shell commands,
  output) goes in a block with another language: ``text`` for Python that is only shown,
  ``sh`` for commands. Variants such as ``py``, ``python3`` or ``pycon`` are refused, so
  Python never goes unchecked by accident.
- Code meant to show an error catches it (``try: ... except DomainError as error: ...``), so
  the example is tested too.

Each file runs with the working directory in a temporary folder and matplotlib's headless
``Agg`` backend. A failure names the file and the line of the block that raised.
"""

from __future__ import annotations

import importlib
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.pyplot as pyplot
import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDES = ROOT / "guides"
GUIDE_NAMES = (
    "getting_started.md",
    "micrograd_demo_walkthrough.md",
    "beyond_the_demo.md",
    "design_notes.md",
    "api_reference.md",
    "troubleshooting.md",
)
DOCUMENTS = (*(GUIDES / name for name in GUIDE_NAMES), ROOT / "README.md")
PUBLIC_MODULES = (
    "mgfunc",
    "mgfunc.transforms",
    "mgfunc.gradient_check",
    "mgfunc.curvature",
    "mgfunc.graph",
    "mgfunc.datasets",
    "mgfunc.nn",
    "mgfunc.losses",
    "mgfunc.optim",
    "mgfunc.trainer",
    "mgfunc.plot_data",
    "mgfunc.plots",
    "mgfunc.vega",
    "mgfunc.playground",
    "mgfunc.io",
    "mgfunc.errors",
)

_OPENING = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*?)\s*$")
_PYTHON_LOOKALIKES = {"py", "python3", "py3", "pycon", "ipython", "python-repl"}


@dataclass(frozen=True)
class CodeBlock:
    """One fenced block: its language, the line its code starts on (1-based), its code."""

    language: str
    line: int
    code: str


def code_blocks(text: str) -> list[CodeBlock]:
    """Every fenced code block of a markdown text, in order."""
    blocks = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = _OPENING.match(lines[index])
        index += 1
        if opening is None:
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        first_line = index + 1
        body = []
        while index < len(lines) and not closing.match(lines[index]):
            line = lines[index]
            body.append(line[indent:] if line[:indent].strip() == "" else line)
            index += 1
        index += 1  # the closing fence
        language = opening["info"].split()[0] if opening["info"] else ""
        blocks.append(CodeBlock(language, first_line, "\n".join(body) + "\n"))
    return blocks


def python_blocks(path: Path) -> list[CodeBlock]:
    """The blocks of ``path`` that the tests execute."""
    return [block for block in code_blocks(path.read_text()) if block.language == "python"]


def test_the_runner_finds_blocks_and_their_lines() -> None:
    text = "intro\n\n```python\nx = 1\n```\n\n- item\n\n   ```text\n   shown\n   ```\n"
    assert code_blocks(text) == [
        CodeBlock("python", 4, "x = 1\n"),
        CodeBlock("text", 10, "shown\n"),
    ]


@pytest.mark.parametrize("name", GUIDE_NAMES)
def test_every_guide_has_python_to_run(name: str) -> None:
    path = GUIDES / name
    assert path.is_file(), f"{path} is missing"
    assert python_blocks(path), f"{name} has no ```python block, so the tests check nothing in it"


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_the_api_reference_names_every_public_name(module_name: str) -> None:
    reference = (GUIDES / "api_reference.md").read_text()
    public: list[str] = importlib.import_module(module_name).__all__
    missing = [name for name in public if f"`{name}" not in reference]
    assert not missing, f"guides/api_reference.md does not mention {module_name}: {missing}"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_no_python_hides_behind_another_fence(path: Path) -> None:
    lookalikes = [
        f"line {block.line}: ```{block.language}"
        for block in code_blocks(path.read_text())
        if block.language in _PYTHON_LOOKALIKES
    ]
    assert not lookalikes, (
        f"{path.name}: use ```python (executed) or ```text (shown only), not {lookalikes}"
    )


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_python_blocks_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLBACKEND", "Agg")  # for subprocesses a block may start
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"guide_{path.stem}"}
    try:
        for block in python_blocks(path):
            failure = _run(block, path, namespace)
            if failure is not None:
                pytest.fail(failure, pytrace=False)
    finally:
        pyplot.close("all")


def _run(block: CodeBlock, path: Path, namespace: dict[str, object]) -> str | None:
    """Execute one block in ``namespace``; return a failure message, or None if it ran."""
    # Leading newlines make tracebacks report the line numbers of the markdown file.
    source = "\n" * (block.line - 1) + block.code
    try:
        exec(compile(source, str(path), "exec"), namespace)
    except Exception as error:
        return (
            f"{path.name}: the block starting at line {block.line} raised "
            f"{type(error).__name__}: {error}\n\n{traceback.format_exc()}"
        )
    return None
