"""Writing files safely: a path checked, every write atomic, errors that name the user's path.

One helper writes every file mgfunc writes (the JSON files of :mod:`mgfunc.io`, and the
command line's pictures, graph and animation): :func:`replacing` hands out a temporary path
beside the target and renames it onto the target once it is complete, so a reader sees the old
file or the whole new one, never half of one, and an error or Ctrl-C leaves no temporary file
behind. An operating-system error names the path the user chose (not the temporary one) and
says what to do, and keeps its class (``FileNotFoundError``, ``PermissionError``, ...).

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> write_text(os.path.join(folder, "note.txt"), "hello\\n")
>>> os.listdir(folder)
['note.txt']
>>> write_text(os.path.join(folder, "missing", "note.txt"), "hello\\n")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
FileNotFoundError: [Errno 2] cannot write '.../missing/note.txt': the folder '.../missing' \
does not exist; create it first, or choose a folder that exists
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mgfunc._checks import describe
from mgfunc.errors import InvalidTypeError, InvalidValueError

__all__ = ["PathArgument", "check_path", "prepare_folder", "replacing", "write_text"]

PathArgument = str | os.PathLike[str]
"""A file's name: a str or a path-like such as :class:`pathlib.Path`."""


def check_path(path: object, argument: str = "path", *, example: str = "model.json") -> str:
    """``path`` as a non-empty str, if it is a str or path-like without a NUL character.

    >>> check_path(Path("runs") / "run.json")
    'runs/run.json'
    """
    if isinstance(path, (str, os.PathLike)):
        name = os.fspath(path)
        if isinstance(name, str) and "\0" in name:
            raise InvalidValueError(f"{argument} must not contain a NUL character, got {name!r}")
        if isinstance(name, str) and name:
            return name
    raise InvalidTypeError(
        f"{argument} must be a non-empty str or os.PathLike naming a file, got {describe(path)}; "
        f'pass for example "{example}" or pathlib.Path("{example}")'
    )


@contextmanager
def replacing(path: PathArgument, *, suffix: str = "") -> Iterator[Path]:
    """A temporary file beside ``path`` to write; renamed onto ``path`` when the block ends.

    The temporary file is created (empty, honouring the umask) before the block runs, so a
    folder that is missing or cannot be written fails at once. If the block raises, the
    temporary file is removed and ``path`` is left as it was. ``suffix`` ends the temporary
    name, for writers that choose the format by the name (Pillow's ``.gif``).

    Raises:
        OSError: the file cannot be written; the message names ``path`` and what to do.

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "numbers.txt")
    >>> with replacing(target) as temporary:
    ...     _ = temporary.write_text("1 2 3\\n")
    >>> Path(target).read_text()
    '1 2 3\\n'
    """
    target = Path(path)
    folder = target.absolute().parent
    temporary = folder / f".{target.name}.{secrets.token_hex(6)}.tmp{suffix}"
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        try:
            yield temporary
            _flush_to_disk(temporary)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as error:
        about = error.filename
        if isinstance(about, os.PathLike):
            about = os.fspath(about)
        if about not in (None, os.fspath(temporary), os.fspath(target)):
            raise  # about another file the writer reads or writes: its own words are right
        raise _naming(error, target) from None


def write_text(path: PathArgument, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8 with ``\\n`` line ends, atomically (:func:`replacing`).

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "a.json")
    >>> write_text(target, "{}\\n")
    >>> Path(target).read_text()
    '{}\\n'
    """
    with replacing(path) as temporary, open(temporary, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)


def prepare_folder(folder: PathArgument) -> Path:
    """Create ``folder`` (and its parents) if missing, and prove a file can be written in it.

    A file is created in it and removed again, so a folder that exists but cannot be written
    (no permission, a read-only disk) fails here rather than after hours of work.

    Returns:
        ``folder`` as a :class:`pathlib.Path`.

    Raises:
        OSError: the folder cannot be created or written; the message names it and what to do.

    >>> import os, tempfile
    >>> folder = prepare_folder(os.path.join(tempfile.mkdtemp(), "plots", "today"))
    >>> folder.is_dir(), os.listdir(folder)
    (True, [])
    """
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise NotADirectoryError(
            errno.ENOTDIR,
            f"cannot use {str(target)!r} as a folder: it is a file; choose another folder",
        ) from None
    except OSError as error:
        raise _naming(error, target, "create the folder") from None
    probe = target / f".mgfunc-write-test.{secrets.token_hex(6)}"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        probe.unlink()
    except OSError as error:
        raise _naming(error, target, "write in the folder") from None
    return target


def _flush_to_disk(path: Path) -> None:
    # What the writer wrote reaches the disk before the rename makes it the file.
    descriptor = os.open(path, os.O_RDWR)  # some systems fsync only what is open for writing
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _naming(error: OSError, target: Path, action: str = "write") -> OSError:
    """``error`` told about ``target``, the path the user chose, with what to do about it."""
    reason = error.strerror or str(error)
    advice = {
        errno.ENOENT: f"the folder {str(target.parent)!r} does not exist; create it first, or "
        "choose a folder that exists",
        errno.EACCES: f"{reason}; choose a folder you can write to",
        errno.EPERM: f"{reason}; choose a folder you can write to",
        errno.EROFS: f"{reason}; choose a folder on a disk you can write to",
        errno.EISDIR: "it is a folder; name a file instead",
        errno.ENOTDIR: "a part of the path is a file, not a folder; choose another path",
        errno.ENOSPC: f"{reason}; free some space or choose another disk",
        errno.ENAMETOOLONG: f"{reason}; choose a shorter name",
    }.get(error.errno if error.errno is not None else -1, reason)
    message = f"cannot {action} {str(target)!r}: {advice}"
    if error.errno is None:
        return type(error)(message)
    return OSError(error.errno, message)  # the subclass of the errno, as Python picks it
