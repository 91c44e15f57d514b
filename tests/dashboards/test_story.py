"""The story's rules on random companies (hypothesis) and on the cases seen by users."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.numbers import whole
from dashboards import narrative, story
from dashboards.selectors import ActionCount, FactorPoint, RoundRow

KEYS = ["product", "customers", "market", "advantage", "strategy", "sales_tech", "automation"]


def round_rows(n, expected, answered, open_last):
    rows = []
    for i in range(n):
        last = i == n - 1
        submitted = answered[i]
        rows.append(RoundRow(round_id=i + 1, period=f"{2020 + i // 4}-Q{i % 4 + 1}", period_start="2020-01-01",
                             system_index=None, index_change=None, expected=expected, submitted=submitted,
                             completion=submitted / expected, on_time=submitted, late=0,
                             pending=expected - submitted if last and open_last else 0,
                             missing=0 if last and open_last else expected - submitted,
                             in_progress=last and open_last))
    return rows


@st.composite
def companies(draw):
    """1–12 departments, 1–12 rounds, per-factor trend + noise, random coverage, ties, maybe an open last round."""
    departments = draw(st.integers(1, 12))
    n = draw(st.integers(1, 12))
    open_last = draw(st.booleans())
    answered = [draw(st.integers(1 if i < n - 1 or not open_last else 0, departments)) for i in range(n)]
    rows = round_rows(n, departments, answered, open_last)
    points, cells, accountable = [], {}, {}
    for key in KEYS:
        base = draw(st.integers(0, 100))
        trend = draw(st.sampled_from([0, 0, -12, -5, 4, 10]))
        for i, row in enumerate(rows):
            round_cells = cells.setdefault(row.round_id, {})
            scores = []
            for department in range(1, row.submitted + 1):
                noise = draw(st.integers(-5, 5))
                score = float(min(100, max(0, base + trend * i + noise)))
                round_cells[(department, key)] = score
                scores.append(score)
            accountable[(row.round_id, key)] = 1
            mean = sum(scores) / len(scores) if scores else None
            points.append(FactorPoint(period=row.period, factor=key, factor_name=key.title(), score=mean,
                                      departments_answered=len(scores), completion=None,
                                      accountable_department="Dept 1", provisional=row.in_progress))
    for row in rows:
        scored = [p.score for p in points if p.period == row.period and p.score is not None]
        row.system_index = sum(scored) / len(scored) if scored else None
    rules = story.Rules(weak_threshold=draw(st.integers(1, 100)),
                        change_threshold=draw(st.one_of(st.none(), st.integers(1, 30))),
                        min_coverage=draw(st.integers(1, 100)))
    return rows, points, cells, accountable, rules


def build(company):
    rows, points, cells, accountable, rules = company
    return story.build(rounds=rows, points=points, actions=[ActionCount("product", "Product", 1)], rules=rules,
                       cells=cells, accountable=accountable, department_names={i: f"Dept {i}" for i in range(1, 13)})


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(companies())
def test_no_provisional_figure_is_compared_as_final(company):
    told = build(company)
    open_periods = {r.period for r in told.rounds if r.provisional}
    for change in [told.index_change, *told.factor_changes, *told.department_changes]:
        if change is not None:
            assert change.start_period not in open_periods and change.end_period not in open_periods
    assert told.latest is None or not told.latest.provisional


@PROPERTY
@given(companies())
def test_no_change_under_its_threshold_is_called_a_rise_or_fall(company):
    told = build(company)
    for change in [told.index_change, *told.factor_changes, *told.department_changes]:
        if change is not None and change.is_news:
            assert abs(change.delta) > change.threshold
            assert (change.delta > 0) == (change.direction == "rose")
        if change is not None and company[4].change_threshold is None:
            assert story.MIN_CHANGE <= change.threshold <= story.MAX_CHANGE


@PROPERTY
@given(companies())
def test_weak_lists_only_items_under_the_threshold_and_every_tie(company):
    told = build(company)
    threshold = told.rules.weak_threshold
    assert all(whole(item.score) < threshold for item in told.weak)
    if told.lowest:
        assert not told.weak
        lowest = whole(told.lowest[0].score)
        assert all(whole(i.score) == lowest for i in told.lowest)
        latest_scores = [whole(p.score) for p in company[1] if p.period == told.latest.period and p.score is not None
                         and not p.provisional]
        assert latest_scores.count(lowest) == len(told.lowest)


@PROPERTY
@given(companies())
def test_sentences_agree_with_the_figures(company):
    told = build(company)
    index = narrative.index_sentence(told)
    if index is not None:
        assert index.values["index"] == whole(told.latest.index)
        assert f" {whole(told.latest.index)} (" in index.text
    for change in told.factor_changes:
        if change.is_news:
            sentence = narrative.factor_change_sentence(change)
            assert sentence.values["delta"] == whole(change.end) - whole(change.start)
            assert str(abs(sentence.values["delta"])) in sentence.text
            assert ("fell" in sentence.text) == (change.direction == "fell")


def slide_company(values):
    rows = round_rows(len(values), 5, [5] * len(values), False)
    for row, value in zip(rows, values, strict=True):
        row.system_index = value
    points = [FactorPoint(period=row.period, factor="product", factor_name="Product", score=value,
                          departments_answered=5, completion=1.0, accountable_department="Product")
              for row, value in zip(rows, values, strict=True)]
    return story.build(rounds=rows, points=points, actions=[], rules=story.Rules())


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 40), st.lists(st.integers(6, 20), min_size=1, max_size=10), st.booleans())
def test_a_slide_over_n_rounds_is_reported_at_its_full_size(start, steps, falling):
    values = [float(start + 50)]
    for step in steps:
        values.append(values[-1] + (-step if falling else step) / 2)
    change = slide_company(values).factor_changes[0]
    assert change.steps == len(steps)
    assert change.start == values[0] and change.end == values[-1]


def test_wobble_around_a_steady_mean_is_not_news():
    told = slide_company([60, 55, 61, 57, 63, 55, 60, 54])
    assert told.factor_changes[0].direction == "steady"
    assert narrative.steady_sentence(told).text.startswith("Steady in")


def test_none_weak_names_the_lowest_and_all_ties():
    rows = round_rows(1, 5, [5], False)
    points = [FactorPoint(period=rows[0].period, factor=key, factor_name=key.title(), score=score,
                          departments_answered=5, completion=1.0, accountable_department=None)
              for key, score in (("product", 62.5), ("market", 63.4), ("customers", 80))]
    told = story.build(rounds=rows, points=points, actions=[], rules=story.Rules(weak_threshold=50))
    assert told.weak == []
    assert [i.key for i in told.lowest] == ["market", "product"]  # 62.5 and 63.4 both read 63
    assert narrative.weak_sentence(told).text == (
        "No factor is weak (under 50) in 2020-Q1; the lowest are Market 63 and Product 63.")


def test_a_weak_department_inside_a_fine_factor_is_named():
    rows = round_rows(1, 2, [2], False)
    points = [FactorPoint(period=rows[0].period, factor="product", factor_name="Product", score=70.0,
                          departments_answered=2, completion=1.0, accountable_department=None)]
    cells = {1: {(1, "product"): 100.0, (2, "product"): 40.0}}
    told = story.build(rounds=rows, points=points, actions=[], rules=story.Rules(), cells=cells,
                       department_names={1: "Sales", 2: "IT"})
    assert [(p.department, p.display) for p in told.weak_parts] == [("IT", 40)]
    assert "IT · Product 40" in narrative.weak_parts_sentence(told).text


def test_a_change_between_rounds_with_different_departments_uses_the_common_part():
    rows = round_rows(2, 2, [2, 1], False)  # department 2 did not answer the second round
    points = [FactorPoint(period=r.period, factor="product", factor_name="Product", score=s,
                          departments_answered=2, completion=1.0, accountable_department=None)
              for r, s in zip(rows, (55.0, 80.0), strict=True)]
    cells = {1: {(1, "product"): 80.0, (2, "product"): 30.0}, 2: {(1, "product"): 80.0}}
    told = story.build(rounds=rows, points=points, actions=[], rules=story.Rules(), cells=cells)
    change = told.factor_changes[0]
    assert change.common_departments == 1 and change.direction == "steady"  # 80 → 80 on department 1
    assert told.latest.incomplete  # 1 of 2 answered, under the 75 % default


def test_half_is_rounded_up_everywhere():
    assert [whole(v) for v in (62.5, 63.5, 0.5, -7.5)] == [63, 64, 1, -8]


@PROPERTY
@given(companies())
def test_charts_tables_and_sentences_show_the_same_rounded_numbers(company):
    from dashboards import charts, selectors, tables

    told = build(company)
    figure = charts.system_index(told)
    table = {row[0]: row for row in tables.system_index(told).rows}
    for trace in figure["data"]:
        for period, text in zip(trace["x"], trace["text"], strict=True):
            if text:
                assert int(text) == whole(told.figure(period).index) == table[period][2]
    falls, rises = selectors.split_news(told.factor_changes)
    movers = charts.movers(falls, rises)
    sentences = {s.factor: s for s in (narrative.factor_change_sentence(c) for c in told.factor_changes if c.is_news)}
    for mover, label in zip(sorted([*falls, *rises], key=lambda m: m.delta), movers["data"][0]["text"] if
                            movers["data"] else [], strict=False):
        delta = sentences[mover.key].values["delta"]
        assert label.startswith(f"{'+' if delta > 0 else chr(0x2212)}{abs(delta)} ")


def test_a_department_change_is_computed_on_the_factors_it_scored_in_both_rounds():
    rows = round_rows(2, 1, [1, 1], False)
    points = [FactorPoint(period=r.period, factor="product", factor_name="Product", score=60.0,
                          departments_answered=1, completion=1.0, accountable_department=None) for r in rows]
    # The department answered for product and market in the first round, product alone in the second.
    cells = {1: {(1, "product"): 60.0, (1, "market"): 20.0}, 2: {(1, "product"): 60.0}}
    told = story.build(rounds=rows, points=points, actions=[], rules=story.Rules(), cells=cells,
                       department_names={1: "Sales"})
    [change] = told.department_changes
    assert (change.start, change.end, change.direction) == (60.0, 60.0, "steady")  # not "rose 20 points"
