"""MkDocs hook: publish the guides from ``guides/`` without copying them into ``docs/``.

The guides live in ``guides/`` (where the tests run their code blocks and GitHub shows them);
this hook adds each ``guides/*.md`` to the site as ``guides/<name>.md`` at build time, so a
fresh clone builds the site with no copy, symlink or generation step.

A guide links a picture as ``../docs/images/<name>.png``, the path from ``guides/`` that GitHub
follows. On the site the pictures are under ``images/`` (``docs/`` is the site's root), so the
hook rewrites those links to ``../images/<name>.png`` in the guides' pages.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

GUIDES = Path(__file__).resolve().parent.parent / "guides"
REPOSITORY_IMAGES = "](../docs/images/"
SITE_IMAGES = "](../images/"


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Add every guide to the site's files, under ``guides/``."""
    for guide in sorted(GUIDES.glob("*.md")):
        files.append(File.generated(config, f"guides/{guide.name}", abs_src_path=str(guide)))
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Point a guide's picture links at the site's ``images/`` folder."""
    if page.file.src_uri.startswith("guides/"):
        return markdown.replace(REPOSITORY_IMAGES, SITE_IMAGES)
    return markdown
