"""A folder that cannot be written, for the tests of file errors.

With real permissions where they bite (not as root, who may write anywhere); as root, by making
``os.open`` refuse to create files in the folder, as the operating system would.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def unwritable(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``folder``, created, in which no file can be created while the block runs."""
    folder.mkdir(parents=True, exist_ok=True)
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    real_open = os.open
    locked = folder.absolute()

    def refusing_open(
        path: str | os.PathLike[str], flags: int, mode: int = 0o777, **keywords: int | None
    ) -> int:
        if flags & os.O_CREAT and Path(path).absolute().parent == locked:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, mode, **keywords)

    with monkeypatch.context() as patch:
        patch.setattr(os, "open", refusing_open)
        yield folder
