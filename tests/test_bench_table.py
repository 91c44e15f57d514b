"""`manage.py bench` ends with one table of the targets its benches measured: figure, target, value, result."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import benchtable

ROW = re.compile(r"^(?P<figure>.+?)\s+(?P<sense>[≤≥]) (?P<target>\S+(?: \S+)?)\s+(?P<value>\S+(?: \S+)?)\s+"
                 r"(?P<result>PASS|FAIL|SKIP)\b")


def table_rows(text):
    """The rows of the printed table (after its heading), as regex matches."""
    table = text.split("== targets", 1)[1]
    return [m for m in (ROW.match(line) for line in table.splitlines()) if m]


def test_the_bench_command_ends_with_a_table_of_targets_each_passed_or_failed(db):
    out = io.StringIO()
    call_command("bench", quick=True, only=["notifications"], companies=300, stdout=out)
    text = out.getvalue()
    rows = {m["figure"].removesuffix(" ⏱").strip(): m for m in table_rows(text)}
    figures = " | ".join(rows)
    assert any(f.startswith("tick: queries") for f in rows), figures
    assert any(f.startswith("tick: time") for f in rows), figures
    assert any(f.startswith("planning: notifications/s") for f in rows), figures
    # Counts are judged (the tick costs two queries), timings only reported: never assert on the clock.
    tick_queries = next(m for f, m in rows.items() if f.startswith("tick: queries"))
    assert tick_queries["result"] == "PASS"
    assert all(m["result"] in ("PASS", "FAIL") for m in rows.values())
    assert re.search(r"\d+ PASS, \d+ FAIL, \d+ SKIP on \w+; ⏱ = timing, taken at load average", text)


def test_a_row_passes_or_fails_by_its_bound_and_an_unmeasured_one_is_skipped():
    rows = [benchtable.Row("queries", 10, "≤", 11, "queries"), benchtable.Row("rate", 2000, "≥", 2500.0, "/s"),
            benchtable.Row("first byte", 100, "≤", None, "ms", timing=True, note="no Chromium")]
    assert [r.result for r in rows] == ["FAIL", "PASS", "SKIP"]
    lines = benchtable.lines(rows)
    assert "no Chromium" in lines[4] and lines[4].split()[-3] == "SKIP"
    assert lines[-1].startswith("1 PASS, 1 FAIL, 1 SKIP")



def three_queries():
    for _ in range(3):
        get_user_model().objects.filter(pk=0).exists()


def test_a_query_count_stays_true_after_the_connection_logged_more_than_django_keeps(db):
    connection.queries_log.extend({"sql": "SELECT 1", "time": "0"} for _ in range(connection.queries_log.maxlen))
    with CaptureQueriesContext(connection) as stock:  # the stock context, to show what the bench avoids
        three_queries()
    with benchtable.CountedQueries(connection) as counted:
        three_queries()
    assert len(stock) == 0 and len(counted) == 3


def test_a_block_with_more_queries_than_django_logs_raises_instead_of_counting(db):
    with pytest.raises(RuntimeError, match="more than Django logs"), benchtable.CountedQueries(connection):
        for _ in range(connection.queries_log.maxlen):
            connection.cursor().execute("SELECT 1")
