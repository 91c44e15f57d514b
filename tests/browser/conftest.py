"""Browser tests: Playwright drives Debian's chromium against Django's live server.

The fixtures (one chromium per session, `page`, `chromium_page`, `screenshot`) live in tests/browser_support.py,
registered for the whole suite, so every folder shares the same browser. Never `playwright install`.
"""

from pathlib import Path

import pytest

BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
