"""One table of the performance targets: each app's bench adds its rows, `manage.py bench` prints them last.

A row is a figure, its target (a bound and its sense, ≤ or ≥), the measured value and PASS/FAIL; a value that
could not be measured (no Chromium, wrong database) is SKIP with the reason. Timing rows are marked, because a
shared, loaded machine moves them and counts not: the table ends with the load average it was taken under.
"""

import os
from dataclasses import dataclass

from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Row:
    figure: str
    target: float
    sense: str  # "≤" or "≥"
    value: float | None
    unit: str = ""
    timing: bool = False
    note: str = ""

    @property
    def result(self):
        if self.value is None:
            return "SKIP"
        passed = self.value <= self.target if self.sense == "≤" else self.value >= self.target
        return "PASS" if passed else "FAIL"


ROWS = []


class CountedQueries(CaptureQueriesContext):
    """CaptureQueriesContext that cannot under-count: Django logs only a connection's last 9,000 queries, and once
    that log is full the stock context counts the queries between two equal lengths, 0. The log is emptied on
    entry, and a block that ran more queries than the log holds raises instead of reporting a wrong count."""

    def __enter__(self):
        self.connection.queries_log.clear()
        return super().__enter__()

    def __exit__(self, exc_type, exc_value, traceback):
        super().__exit__(exc_type, exc_value, traceback)
        if exc_type is None and self.final_queries >= self.connection.queries_log.maxlen:
            raise RuntimeError(f"the block ran {self.connection.queries_log.maxlen:,} queries or more, more than "
                               "Django logs: count it in smaller blocks")


def add(figure, *, value, target, sense="≤", unit="", timing=False, note=""):
    """Add one row; `value` None means not measured (say why in `note`)."""
    if sense not in ("≤", "≥"):
        raise ValueError(f"sense must be ≤ or ≥, not {sense!r}")
    ROWS.append(Row(figure=figure, target=target, sense=sense, value=value, unit=unit, timing=timing, note=note))


def reset():
    ROWS.clear()


def shown(number, unit):
    if number is None:
        return "—"
    if isinstance(number, int) or float(number).is_integer() and unit in ("", "queries"):
        text = f"{int(number)}"
    elif abs(number) >= 100:
        text = f"{number:.0f}"
    else:
        text = f"{number:.2f}"
    return f"{text}{unit and ' ' + unit}" if unit not in ("×", "") else f"{text}{unit}"


def lines(rows=None, *, vendor=""):
    """The table as text lines (figure, target, measured, result), then the load it was taken under."""
    rows = ROWS if rows is None else rows
    width = max([len(r.figure) + (2 if r.timing else 0) for r in rows] + [len("figure")])
    out = [f"{'figure':{width}}  {'target':>14}  {'measured':>14}  result",
           f"{'-' * width}  {'-' * 14}  {'-' * 14}  ------"]
    for row in rows:
        figure = row.figure + (" ⏱" if row.timing else "")
        target = f"{row.sense} {shown(row.target, row.unit)}"
        note = f"  ({row.note})" if row.note else ""
        out.append(f"{figure:{width}}  {target:>14}  {shown(row.value, row.unit):>14}  {row.result}{note}")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    passed = sum(r.result == "PASS" for r in rows)
    failed = sum(r.result == "FAIL" for r in rows)
    skipped = sum(r.result == "SKIP" for r in rows)
    out.append(f"{passed} PASS, {failed} FAIL, {skipped} SKIP{' on ' + vendor if vendor else ''}; "
               f"⏱ = timing, taken at load average {load} on {os.cpu_count()} CPUs "
               f"({'LOADED: timings pessimistic' if os.getloadavg()[0] > (os.cpu_count() or 1) * 0.7 else 'quiet'})")
    return out
