"""A newcomer's first ten minutes: the commands the README and the guide give exist and work.

After `make demo` the README and getting started say to run `.venv/bin/mgfunc demo`, and, to
open the notebooks, to install the `notebooks` extra: these tests check that the command is the
console script the install makes, and that the extra (with the runtime dependencies) brings
every package the notebooks import.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", ROOT / "guides" / "getting_started.md"]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_the_docs_run_the_demo_with_the_command_the_set_up_installs(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    assert ".venv/bin/mgfunc demo" in text
    assert "python3 -m mgfunc" in text and "ModuleNotFoundError" in text  # the wrong turn, named
    (script,) = metadata.entry_points(group="console_scripts", name="mgfunc")
    assert script.value == "mgfunc.__main__:main"


def test_the_console_script_is_installed_beside_python_and_runs() -> None:
    script = Path(sys.executable).parent / "mgfunc"
    result = subprocess.run(
        [str(script), "demo", "--help"], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "--learning-rate" in result.stdout


def _imported_packages(notebook: Path) -> set[str]:
    """The top-level packages a notebook's code cells import (IPython magics left out)."""
    packages: set[str] = set()
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        lines = "".join(cell["source"]).splitlines()
        code = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import):
                packages |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                packages.add(node.module.split(".")[0])
    return packages - set(sys.stdlib_module_names) - {"mgfunc"}


def _requirements(distribution: str, extra: str = "") -> set[str]:
    """What ``distribution`` requires (with ``extra``), for this Python, by name."""
    names = set()
    for text in metadata.requires(distribution) or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({"extra": extra}):
            names.add(requirement.name.lower().replace("_", "-"))
    return names


def _with_dependencies(names: set[str]) -> set[str]:
    """``names`` and every installed distribution they require, directly or not."""
    found: set[str] = set()
    waiting = set(names)
    while waiting:
        name = waiting.pop()
        found.add(name)
        try:
            waiting |= _requirements(name) - found
        except metadata.PackageNotFoundError:
            continue
    return found


def test_the_notebooks_extra_brings_every_package_the_notebooks_import() -> None:
    # mgfunc's runtime dependencies and its notebooks extra, as its installed metadata says.
    installed = _with_dependencies(_requirements("mgfunc", extra="notebooks"))
    providers = metadata.packages_distributions()
    imported = set().union(*(_imported_packages(notebook) for notebook in NOTEBOOKS))
    assert {"pandas", "matplotlib", "ipywidgets"} <= imported  # the scan sees the imports
    for package in sorted(imported):
        distributions = {name.lower() for name in providers.get(package, [package])}
        assert distributions & installed, f"{package} is imported but not in the notebooks extra"
    for document in DOCUMENTS:
        assert "'.[notebooks]'" in document.read_text(encoding="utf-8"), document.name
