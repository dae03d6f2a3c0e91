"""MkDocs hook: publish the guides from ``guides/`` without copying them into ``docs/``.

The guides live in ``guides/`` (where the tests run their code blocks and GitHub shows them);
this hook adds each ``guides/*.md`` to the site as ``guides/<name>.md`` at build time, so a
fresh clone builds the site with no copy, symlink or generation step.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

GUIDES = Path(__file__).resolve().parent.parent / "guides"


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Add every guide to the site's files, under ``guides/``."""
    for guide in sorted(GUIDES.glob("*.md")):
        files.append(File.generated(config, f"guides/{guide.name}", abs_src_path=str(guide)))
    return files
