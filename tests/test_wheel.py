"""The release artefacts: the wheel and sdist that ``make dist`` builds, installed and used.

The wheel is built into a temporary folder and installed into a new virtual environment that
sees nothing of this repository or of the development environment (no system site packages;
the tests run from a folder outside the repository). Its dependencies come from the package
index, so these tests need it; without a network they are skipped with the reason, except
where the environment variable ``CI`` is set (``.ci/run`` sets it): there they must run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

import mgfunc

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mgfunc"


def execute(command: Sequence[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``command`` from ``cwd`` without PYTHONPATH, capturing its output."""
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=_clean_environment(),
        capture_output=True,
        text=True,
        check=False,
    )


def run(command: Sequence[str | Path], what: str, cwd: Path) -> str:
    """Run ``command``; on failure, fail the test with what was attempted and its output."""
    completed = execute(command, cwd)
    if completed.returncode != 0:
        pytest.fail(_describe_failure(what, command, completed), pytrace=False)
    return completed.stdout


def _clean_environment() -> dict[str, str]:
    # PYTHONPATH or a PYTHONHOME from the caller would let the repository leak into the
    # environment under test.
    return {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}


def _describe_failure(
    what: str, command: Sequence[str | Path], completed: subprocess.CompletedProcess[str]
) -> str:
    def tail(text: str) -> str:
        lines = text.strip().splitlines()
        return "\n".join(lines[-40:]) if lines else "(empty)"

    return (
        f"{what} failed with exit status {completed.returncode}\n"
        f"command: {' '.join(str(part) for part in command)}\n"
        f"--- stdout (last 40 lines) ---\n{tail(completed.stdout)}\n"
        f"--- stderr (last 40 lines) ---\n{tail(completed.stderr)}"
    )


def _index_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError:
        return False
    return True


@attrs.frozen
class Artefacts:
    wheel: Path
    sdist: Path


@attrs.frozen
class Installed:
    python: Path
    scripts: Path
    site_packages: Path
    outside: Path  # a folder outside the repository to run from


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Artefacts:
    """The sdist, and the wheel built from it, as ``make dist`` builds them.

    Built without an isolated environment (the development install has the build backend),
    so no download is needed and it takes about two seconds.
    """
    out = tmp_path_factory.mktemp("dist")
    run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT],
        "building the sdist and wheel (python -m build)",
        cwd=ROOT,
    )
    wheels, sdists = sorted(out.glob("*.whl")), sorted(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, f"expected one wheel and one sdist in {out}"
    return Artefacts(wheel=wheels[0], sdist=sdists[0])


@pytest.fixture(scope="module")
def installed(artefacts: Artefacts, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """A new virtual environment holding the wheel and its dependencies, nothing else."""
    base = tmp_path_factory.mktemp("installed")
    venv = base / "venv"
    # No pip inside: the development pip installs into it (--python), which saves seconds.
    run(
        [sys.executable, "-m", "venv", "--without-pip", venv],
        "creating a virtual environment",
        cwd=base,
    )
    python = venv / "bin" / "python"
    command = (sys.executable, "-m", "pip", "--python", python, "install", artefacts.wheel)
    completed = execute(command, cwd=base)
    if completed.returncode != 0:
        if not os.environ.get("CI") and not _index_reachable():
            pytest.skip(
                "pypi.org is unreachable, so the wheel's dependencies cannot be installed "
                "into a clean environment; CI (with CI set) runs these checks"
            )
        pytest.fail(
            _describe_failure("installing the wheel into a clean environment", command, completed),
            pytrace=False,
        )
    site_packages = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        "locating the clean environment's site-packages",
        cwd=base,
    ).strip()
    outside = base / "elsewhere"
    outside.mkdir()
    return Installed(
        python=python, scripts=venv / "bin", site_packages=Path(site_packages), outside=outside
    )


def source_files() -> set[str]:
    """Every file of the package in the source tree that a release must ship."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and (path.suffix == ".py" or path.name == "py.typed")
    }


def test_the_source_tree_has_the_files_a_release_needs() -> None:
    files = source_files()
    assert {"mgfunc/__init__.py", "mgfunc/py.typed", "mgfunc/value.py"} <= files


def test_the_wheel_ships_every_module_and_py_typed(artefacts: Artefacts) -> None:
    with zipfile.ZipFile(artefacts.wheel) as wheel:
        in_wheel = {name for name in wheel.namelist() if name.startswith("mgfunc/")}
        licences = [name for name in wheel.namelist() if name.endswith("licenses/LICENSE")]
    expected = source_files()
    missing, unknown = sorted(expected - in_wheel), sorted(in_wheel - expected)
    assert not missing, (
        f"{artefacts.wheel.name} lacks {missing}; "
        "list its package in pyproject.toml under [tool.setuptools] packages"
    )
    assert not unknown, f"{artefacts.wheel.name} ships files not in mgfunc/: {unknown}"
    assert licences, f"{artefacts.wheel.name} lacks the LICENSE file"


def test_the_sdist_ships_every_module_and_py_typed(artefacts: Artefacts) -> None:
    with tarfile.open(artefacts.sdist) as sdist:
        names = sdist.getnames()
    top = names[0].split("/")[0]  # mgfunc-<version>
    in_sdist = {name.removeprefix(f"{top}/") for name in names}
    missing = sorted(source_files() - in_sdist)
    assert not missing, f"{artefacts.sdist.name} lacks {missing}"
    assert {"pyproject.toml", "README.md", "LICENSE"} <= in_sdist


def test_the_artefacts_carry_the_version_of_mgfunc_init(artefacts: Artefacts) -> None:
    version = mgfunc.__version__
    assert artefacts.wheel.name.startswith(f"mgfunc-{version}-")
    assert artefacts.sdist.name == f"mgfunc-{version}.tar.gz"


def test_setuptools_reads_the_version_without_importing_mgfunc() -> None:
    # An isolated build environment lacks mgfunc's dependencies, so importing mgfunc there
    # would fail: the version must be read from the source as a literal.
    script = textwrap.dedent(
        """
        import sys
        from setuptools.config.expand import read_attr
        version = read_attr("mgfunc.__version__", root_dir=sys.argv[1])
        assert "mgfunc" not in sys.modules, "setuptools imported mgfunc to read its version"
        print(version)
        """
    )
    out = run(
        [sys.executable, "-I", "-c", script, ROOT],
        "reading the version as setuptools does",
        cwd=ROOT.parent,
    )
    assert out.strip() == mgfunc.__version__


def test_twine_check_passes_on_the_wheel_and_the_sdist(artefacts: Artefacts) -> None:
    out = run(
        [sys.executable, "-m", "twine", "check", "--strict", artefacts.wheel, artefacts.sdist],
        "twine check --strict",
        cwd=ROOT,
    )
    assert out.count("PASSED") == 2, out


def test_the_console_script_runs_from_the_clean_environment(installed: Installed) -> None:
    out = run(
        [installed.scripts / "mgfunc", "demo", "--help"],
        "mgfunc demo --help from the installed console script",
        cwd=installed.outside,
    )
    assert "--out" in out and "--steps" in out, out


def test_the_installed_package_trains(installed: Installed) -> None:
    script = textwrap.dedent(
        """
        import importlib.metadata
        import sys

        import mgfunc
        from mgfunc.datasets import moons
        from mgfunc.nn import MLP
        from mgfunc.trainer import train

        print(mgfunc.__file__)
        print(mgfunc.__version__, importlib.metadata.version("mgfunc"))
        assert "matplotlib" not in sys.modules, "import mgfunc loaded matplotlib"
        run = train(MLP.create(2, [4, 1], seed=0), moons(20, seed=0), steps=3)
        assert len(run.history) == 3, run.history
        assert run.history[-1].loss < run.history[0].loss, run.history
        print("trained", run.final_loss)
        """
    )
    out = run(
        [installed.python, "-c", script],
        "training with the installed package",
        cwd=installed.outside,
    ).splitlines()
    location, versions, result = out[0], out[1].split(), out[-1]
    assert Path(location).is_relative_to(installed.site_packages), (
        f"imported mgfunc from {location}, not from the clean environment"
    )
    assert versions == [mgfunc.__version__, mgfunc.__version__]
    assert result.startswith("trained ")
    assert (Path(location).parent / "py.typed").is_file()
