"""Server-side PNG of a chart through kaleido and Debian's Chromium, when both are installed.

kaleido is driven directly rather than through plotly.io.to_image: plotly.io cannot turn MathJax off
(kaleido then loads it from a CDN), and here every script comes from disk, so nothing is downloaded.
"""

import os
import shutil
from pathlib import Path

import plotly

CHROMIUM_NAMES = ("chromium", "chromium-browser")
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def chromium_path():
    """kaleido's BROWSER_PATH when set, else Debian's chromium on PATH, else None."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


def available():
    """True when kaleido is importable and a Chromium binary exists (the page says so otherwise)."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    return chromium_path() is not None


def figure_png(figure, *, width=1000, height=560):
    """PNG bytes of a figure dict: local Chromium, local plotly.js, MathJax off."""
    import kaleido

    return kaleido.calc_fig_sync(
        figure, opts={"format": "png", "width": width, "height": height, "scale": 1},
        kopts={"path": chromium_path(), "plotlyjs": PLOTLY_JS.as_uri(), "mathjax": False},
    )
