"""The Russian catalogue is complete: every translatable string of the code and templates has a translation."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ["accounts", "audits", "dashboards", "notifications", "scorecards", "templates", "config"]

pytestmark = pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (apt-get install gettext)")


def regenerated_catalogue(tmp_path):
    """Run makemessages on a copy of the sources, merging the committed catalogue, and return the new .po."""
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "makemessages", "-l", "ru", "--no-obsolete",
         "--no-location", "-i", "tests/*"],
        cwd=tmp_path, check=True, capture_output=True, env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.test",
                                                            "PYTHONPATH": str(tmp_path)},
    )
    return tmp_path / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def statistics(po_file):
    result = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(po_file)], capture_output=True, text=True, check=True)
    text = result.stderr
    numbers = {kind: int(m.group(1)) if (m := re.search(rf"(\d+) {kind}", text)) else 0
               for kind in ("translated", "fuzzy", "untranslated")}
    return numbers, text


def test_russian_catalogue_has_every_string_translated(tmp_path):
    numbers, text = statistics(regenerated_catalogue(tmp_path))
    assert numbers["translated"] > 0
    assert numbers["untranslated"] == 0 and numbers["fuzzy"] == 0, (
        f"Russian catalogue incomplete ({text.strip()}): run `make messages`, translate, `make compilemessages`"
    )


def test_compiled_catalogue_is_up_to_date(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(PO)], check=True)
    assert compiled.read_bytes() == PO.with_suffix(".mo").read_bytes(), "run `make compilemessages` and commit django.mo"
