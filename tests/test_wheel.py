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
    so no download is needed and it takes about two seconds. ``make dist`` sets
    ``MGFUNC_DIST`` to its output folder, so that these checks run on the very files it built.
    """
    given = os.environ.get("MGFUNC_DIST")
    if given:
        out = Path(given).resolve()
    else:
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


def new_environment(base: Path) -> Path:
    """A new virtual environment without pip (the development pip installs into it); its python."""
    venv = base / "venv"
    run(
        [sys.executable, "-m", "venv", "--without-pip", venv],
        "creating a virtual environment",
        cwd=base,
    )
    return venv / "bin" / "python"


def install(python: Path, what: Sequence[str | Path], description: str, cwd: Path) -> None:
    """``pip install`` into ``python``'s environment; skip if the index is out of reach (not CI)."""
    command = (sys.executable, "-m", "pip", "--python", python, "install", "--quiet", *what)
    completed = execute(command, cwd=cwd)
    if completed.returncode != 0:
        if not os.environ.get("CI") and not _index_reachable():
            pytest.skip(
                f"pypi.org is unreachable, so {description} cannot get its dependencies; CI "
                "(with CI set) runs these checks"
            )
        pytest.fail(_describe_failure(description, command, completed), pytrace=False)


# What the sdist must hold beyond the package: the files its own tests, docs and commands read
# (tests/gradcheck.py, which the tests import; the guides, whose code blocks the tests run; the
# notebooks, the docs site, the benchmarks and the typing stubs).
SDIST_FOLDERS = ("tests", "guides", "notebooks", "docs", "benchmarks", "stubs")
SDIST_FILES = ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "Makefile", "mypy.ini")


def project_files() -> set[str]:
    """Every file of the folders the sdist must hold, as they are in the source tree."""
    return {
        path.relative_to(ROOT).as_posix()
        for folder in SDIST_FOLDERS
        for path in (ROOT / folder).rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and ".ipynb_checkpoints" not in path.parts
        and path.suffix != ".pyc"
    }


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


def test_the_sdist_holds_what_its_tests_and_docs_need(artefacts: Artefacts) -> None:
    with tarfile.open(artefacts.sdist) as sdist:
        names = sdist.getnames()
    top = names[0].split("/")[0]
    in_sdist = {name.removeprefix(f"{top}/") for name in names}
    expected = project_files() | set(SDIST_FILES)
    assert {"tests/gradcheck.py", "tests/__init__.py", "guides/getting_started.md"} <= expected
    missing = sorted(expected - in_sdist)
    assert not missing, f"{artefacts.sdist.name} lacks {missing}; list them in MANIFEST.in"


@pytest.fixture(scope="module")
def unpacked_sdist(artefacts: Artefacts, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The sdist unpacked, and installed from that folder into a new, clean environment.

    The environment gets mgfunc (built from the unpacked sdist) with its dependencies, and
    pytest and hypothesis to run the sdist's own tests; ``outside`` is the unpacked folder.
    """
    base = tmp_path_factory.mktemp("sdist")
    with tarfile.open(artefacts.sdist) as sdist:
        sdist.extractall(base / "unpacked", filter="data")
    (folder,) = (base / "unpacked").iterdir()
    python = new_environment(base)
    install(
        python,
        [folder, "pytest", "hypothesis"],
        "installing the unpacked sdist into a clean environment",
        cwd=base,
    )
    return Installed(python=python, scripts=python.parent, site_packages=Path(), outside=folder)


def test_the_unpacked_sdist_passes_its_own_smoke_test(unpacked_sdist: Installed) -> None:
    # The sdist's own tests, run from the unpacked folder in the clean environment: the
    # operations checked against finite differences (they import tests/gradcheck.py) and the
    # getting-started guide's code blocks (they read guides/).
    out = run(
        [
            unpacked_sdist.python,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_value.py",
            "tests/test_backward.py",
            "tests/test_guides.py::test_python_blocks_run[getting_started.md]",
        ],
        "the sdist's smoke test (pytest from the unpacked sdist)",
        cwd=unpacked_sdist.outside,
    )
    summary = out.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "error" not in summary, out


def test_mypy_finds_an_editable_install_made_as_make_demo_makes_it(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # `make demo` runs `pip install -e .` into a new environment without the development
    # tools. The development mypy checks a script in a folder outside the repository against
    # that environment (--python-executable), as a user's own mypy would.
    base = tmp_path_factory.mktemp("editable")
    python = new_environment(base)
    install(python, ["-e", ROOT], "installing mgfunc in editable mode, as make demo does", base)
    folder = base / "my_project"
    folder.mkdir()
    (folder / "my_script.py").write_text(
        textwrap.dedent(
            """
            from mgfunc import Value, backward
            from mgfunc.nn import MLP

            x = Value(3.0)
            slope: float = backward(x * x)[x]
            model: MLP = MLP.create(2, [4, 1], seed=0)
            wrong = Value(1.0).data + "x"
            """
        )
    )
    mypy = Path(sys.executable).parent / "mypy"
    completed = execute(
        [mypy, "--strict", "--no-incremental", "--python-executable", python, "my_script.py"],
        cwd=folder,
    )
    assert "Cannot find implementation" not in completed.stdout, completed.stdout
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert 'Unsupported operand types for + ("float" and "str")' in completed.stdout
    assert "Found 1 error in 1 file" in completed.stdout, completed.stdout


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
