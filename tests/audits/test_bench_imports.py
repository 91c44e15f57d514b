"""The import bench runs end to end on a small file, prints rows, seconds and rows/s, and leaves no data behind."""

import io
import re

from django_scopes import scopes_disabled

from accounts.models import Company
from audits import bench_imports
from audits.models import Round


def test_the_import_bench_prints_its_measures_and_rolls_back(db, monkeypatch):
    monkeypatch.setattr(bench_imports, "ROWS", 300)
    monkeypatch.setattr(bench_imports, "DEPARTMENTS", 4)
    out = io.StringIO()
    bench_imports.run(out)
    text = out.getvalue()
    assert re.search(r"import preview: 300 rows in [\d.]+ s \([\d,]+ rows/s\)", text), text
    assert re.search(r"import: 300 rows, \d+ rounds, \d+ audits in [\d.]+ s \([\d,]+ rows/s", text), text
    with scopes_disabled():
        assert not Company.objects.filter(slug__startswith="bench-import-").exists()
        assert not Round.objects.exists()
