"""The dashboard bench runs end to end on a small company, compares with its raw SQL, and leaves no data behind."""

import io

from django_scopes import scopes_disabled

from accounts.models import Company
from dashboards import bench


def run_bench(monkeypatch, departments, rounds):
    monkeypatch.setattr(bench, "DEPARTMENTS", departments)
    monkeypatch.setattr(bench, "ROUNDS", rounds)
    out = io.StringIO()
    rows = bench.run(out, {"runs": 2, "no_browser": True, "no_demo": True})
    return out.getvalue(), {name: queries for name, _ms, queries, *_rest in rows}


def test_the_dashboard_bench_prints_every_measure_and_removes_its_company(db, monkeypatch):
    text, queries = run_bench(monkeypatch, 8, 4)
    for measure in ("data endpoint", "heatmap endpoint", "full HTML page", "raw SQL (heatmap)", "page floor"):
        assert measure in text
    assert queries["raw SQL (all dashboard aggregates)"] == len(bench.ALL_RAW)
    with scopes_disabled():
        assert not Company.objects.filter(slug=bench.SLUG).exists()


def test_the_dashboard_query_counts_do_not_grow_with_the_company(db, monkeypatch):
    _text, small = run_bench(monkeypatch, 8, 3)
    _text, large = run_bench(monkeypatch, 12, 9)
    assert small == large


def test_the_raw_heatmap_sql_keeps_departments_without_scores_as_blank_rows(db, monkeypatch):
    monkeypatch.setattr(bench, "DEPARTMENTS", 8)
    monkeypatch.setattr(bench, "ROUNDS", 3)
    company, _user, score_count = bench.build_company()
    try:
        rows = bench.raw_sql(company, ["heatmap"])
        # The latest round (index 2) misses the first two departments: one blank row each, 7 scores for the rest.
        assert rows == 6 * 7 + 2
        assert score_count > 0
    finally:
        with scopes_disabled():
            bench.company_delete_by_slug(slug=bench.SLUG)


def test_the_demo_query_counts_reach_the_bench_table_and_the_demo_company_is_removed(db):
    from accounts import benchtable

    benchtable.reset()
    out = io.StringIO()
    bench.demo_query_counts(out)
    figures = {row.figure: row for row in benchtable.ROWS}
    assert set(figures) == {"demo: data endpoint, queries", "demo: summary endpoint, queries",
                            "demo: executive page, queries"}
    assert figures["demo: executive page, queries"].target == 8
    assert all(row.value > 0 and row.result in ("PASS", "FAIL") for row in figures.values())
    with scopes_disabled():
        assert not Company.objects.filter(slug__startswith="bench-audits-dash").exists()
    benchtable.reset()
