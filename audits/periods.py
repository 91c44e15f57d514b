"""Audit periods: naming (`2026-Q4`, `2026-11`, `2026-H2`, `2026`), dates and arithmetic. Pure, no database."""

import calendar
import datetime
import re
from dataclasses import dataclass

MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY = "monthly", "quarterly", "half_yearly", "yearly"

# Months per period and how many periods a year holds, by cadence.
MONTHS = {MONTHLY: 1, QUARTERLY: 3, HALF_YEARLY: 6, YEARLY: 12}

PATTERNS = [
    (QUARTERLY, re.compile(r"^(\d{4})-Q([1-4])$")),
    (HALF_YEARLY, re.compile(r"^(\d{4})-H([12])$")),
    (MONTHLY, re.compile(r"^(\d{4})-(\d{2})$")),
    (YEARLY, re.compile(r"^(\d{4})$")),
]


@dataclass(frozen=True, order=True)
class Period:
    """One period of a cadence: `index` counts from 1 within the year (quarter 1–4, month 1–12, …)."""

    year: int
    index: int
    cadence: str = QUARTERLY

    def __post_init__(self):
        if self.cadence not in MONTHS:
            raise ValueError(f"Unknown cadence {self.cadence!r}; use one of {', '.join(MONTHS)}.")
        if not 1 <= self.index <= 12 // MONTHS[self.cadence]:
            raise ValueError(f"Period index {self.index} is out of range for a {self.cadence} cadence.")
        if not 1 <= self.year <= 9998:
            raise ValueError(f"Year {self.year} is out of range.")

    def __str__(self):
        return self.name

    @property
    def name(self):
        if self.cadence == QUARTERLY:
            return f"{self.year}-Q{self.index}"
        if self.cadence == HALF_YEARLY:
            return f"{self.year}-H{self.index}"
        if self.cadence == MONTHLY:
            return f"{self.year}-{self.index:02d}"
        return f"{self.year}"

    @property
    def first_month(self):
        return (self.index - 1) * MONTHS[self.cadence] + 1

    @property
    def start(self):
        return datetime.date(self.year, self.first_month, 1)

    @property
    def end(self):
        last_month = self.first_month + MONTHS[self.cadence] - 1
        return datetime.date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    def contains(self, day):
        return self.start <= day <= self.end

    def previous(self):
        if self.index > 1:
            return Period(self.year, self.index - 1, self.cadence)
        return Period(self.year - 1, 12 // MONTHS[self.cadence], self.cadence)

    def next(self):
        if self.index < 12 // MONTHS[self.cadence]:
            return Period(self.year, self.index + 1, self.cadence)
        return Period(self.year + 1, 1, self.cadence)

    def opening_date(self, opening_day):
        """The day of the period's first month on which its round opens (opening_day is 1–28)."""
        return self.start.replace(day=opening_day)


def period_containing(day, cadence=QUARTERLY):
    """The period of the cadence that contains the date."""
    if cadence not in MONTHS:
        raise ValueError(f"Unknown cadence {cadence!r}; use one of {', '.join(MONTHS)}.")
    return Period(day.year, (day.month - 1) // MONTHS[cadence] + 1, cadence)


def parse_period(text):
    """`2026-Q4` → Period; a ValueError with a message a person can act on for anything else."""
    value = (text or "").strip().upper()
    for cadence, pattern in PATTERNS:
        match = pattern.match(value)
        if match:
            year = int(match.group(1))
            index = int(match.group(2)) if cadence != YEARLY else 1
            if cadence == MONTHLY and not 1 <= index <= 12:
                raise ValueError(f"{text!r} names month {index}; months run from 01 to 12.")
            if year < 1:
                raise ValueError(f"{text!r} names year 0; use a four-digit year such as 2026.")
            return Period(year, index, cadence)
    raise ValueError(
        f"{text!r} is not a period. Write a quarter (2026-Q4), a month (2026-11), a half-year (2026-H2) or a year (2026)."
    )


def periods_ending(last, count):
    """The `count` periods up to and including `last`, oldest first."""
    periods = [last]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return list(reversed(periods))
