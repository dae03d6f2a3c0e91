"""The documentation site builds in strict mode: the API pages and the guides, no warnings.

``mkdocs build --strict`` fails on any warning: a broken link in a guide, a page missing from
the navigation, a docstring Griffe cannot parse. The build goes to a temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_docs_build_in_strict_mode(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # a guard against a hang, far above the usual few seconds
        check=False,
    )
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stdout}{build.stderr}"
    pages = ("api/nn", "api/mgfunc", "guides/design_notes", "guides/troubleshooting")
    for page in (*pages, "api/transforms", "api/gradient_check", "api/curvature"):
        assert (site / page / "index.html").is_file(), f"the site has no {page} page"
    api_page = (site / "api" / "nn" / "index.html").read_text()
    assert "apply_gradients" in api_page
    assert 'class="language-pycon"' in api_page  # the doctest examples render as code
    # The guides link their pictures as ../docs/images/ (for GitHub); the hook points them at
    # the site's images/ folder, where the pictures are.
    notes = (site / "guides" / "design_notes" / "index.html").read_text()
    for picture in ("tanh_derivatives.png", "sharpness.png"):
        assert f'src="../../images/{picture}"' in notes, picture
        assert (site / "images" / picture).is_file(), picture
