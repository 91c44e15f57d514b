"""Server-side PNG of a chart through kaleido and Debian's Chromium, when both are installed."""

import os
import shutil

import plotly.io as pio

CHROMIUM_NAMES = ("chromium", "chromium-browser")


def chromium_path():
    return os.environ.get("BROWSER_PATH") or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


def available():
    """True when kaleido is importable and a Chromium binary exists (the page says so otherwise)."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    return chromium_path() is not None


def figure_png(figure, *, width=1000, height=560):
    """PNG bytes of a figure dict; MathJax off and no downloads (kaleido drives the local Chromium)."""
    os.environ.setdefault("BROWSER_PATH", chromium_path())
    pio.defaults.mathjax = None
    return pio.to_image(figure, format="png", width=width, height=height)
