"""Reading scorecard history files into checked rows: activity per manager per day, plans and results per
manager and period, knowledge ratings per manager and period. Nothing here writes.

One kind per file, chosen on the upload form (or by the API path): each kind has its own columns, template
and natural key, so the preview's table and errors speak of that kind only. The file itself is read by
the history import's reader (audits.imports.table_records with a Layout): CSV in UTF-8 with or without a
BOM, UTF-16 or Windows-1251 with `;`, `,` or tab; XLSX from its first sheet with formulas and merged cells
reported; empty rows skipped. `preview` returns every row with its errors (row number and column) and how
many rows would be new or replace stored ones; services.upload_apply applies a file only when it is clean.
"""

import datetime
import functools
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import Role
from audits.imports import Layout, cell_errors, error_list, parse_day, parse_decimal, table_records, text_of
from audits.periods import parse_period

from .diagnosis import METRICS
from .models import ActivityEntry, ImportBatch, KnowledgeRating, PlanResult
from .services import MAX_PLAN_DEALS, MAX_REVENUE, activity_errors, manager_problem, plan_error

MAX_UPLOAD_BYTES = 8 * 2**20
MAX_ROWS = 50_000
MAX_SHOWN_ERRORS = 500
MIN_YEAR = 1970  # older "history" is a typo
ACTIVITY, PLANS, RATINGS = "activity", "plans", "ratings"
KIND_LABELS = {
    ACTIVITY: gettext_lazy("Activity per manager per day"),
    PLANS: gettext_lazy("Plans and results per manager and period"),
    RATINGS: gettext_lazy("Knowledge ratings per manager and period"),
}
KINDS = tuple(KIND_LABELS)

LABELS = {
    "email": gettext_lazy("email"), "manager": gettext_lazy("email"), "date": gettext_lazy("date"),
    "period": gettext_lazy("period"), "calls": gettext_lazy("calls"), "meetings": gettext_lazy("meetings"),
    "proposals": gettext_lazy("proposals"), "plan_deals": gettext_lazy("planned deals"),
    "actual_deals": gettext_lazy("deals won"), "plan_revenue": gettext_lazy("planned revenue"),
    "actual_revenue": gettext_lazy("revenue"), "rating": gettext_lazy("rating"), "note": gettext_lazy("note"),
    "row": gettext_lazy("row"),
}
EMAIL = {"email": ("email", "почта", True)}
EMAIL_ALIASES = {"email": {"e-mail", "электронная почта", "email менеджера", "manager", "менеджер"}}
PERIOD = {"period": ("period", "период", True)}
LAYOUTS = {
    ACTIVITY: Layout(
        columns={**EMAIL, "date": ("date", "дата", True), "calls": ("calls", "звонки", True),
                 "meetings": ("meetings", "встречи", True), "proposals": ("proposals", "КП", True)},
        aliases={**EMAIL_ALIASES, "date": {"day", "день"}, "calls": {"звонков"}, "meetings": {"встреч"},
                 "proposals": {"proposals sent", "коммерческие предложения", "предложения"}},
        labels=LABELS, max_rows=MAX_ROWS),
    PLANS: Layout(
        columns={**EMAIL, **PERIOD, "plan_deals": ("planned deals", "план сделок", False),
                 "actual_deals": ("deals won", "выиграно сделок", False),
                 "plan_revenue": ("planned revenue", "план выручки", False),
                 "actual_revenue": ("revenue", "выручка", False)},
        aliases={**EMAIL_ALIASES, "plan_deals": {"plan deals", "сделок по плану"},
                 "actual_deals": {"actual deals", "deals", "сделки", "сделок"},
                 "plan_revenue": {"plan revenue", "выручка по плану"},
                 "actual_revenue": {"actual revenue", "фактическая выручка", "выручка факт"}},
        labels=LABELS, one_of=("plan_deals", "plan_revenue"), max_rows=MAX_ROWS),
    RATINGS: Layout(
        columns={**EMAIL, **PERIOD, "rating": ("rating", "оценка", True), "note": ("note", "примечание", False)},
        aliases={**EMAIL_ALIASES, "rating": {"score", "knowledge rating", "оценка знаний", "балл"},
                 "note": {"comment", "комментарий"}},
        labels=LABELS, max_rows=MAX_ROWS),
}
# The value columns of each kind in the order Row.values holds them (the preview's table headers).
VALUE_COLUMNS = {ACTIVITY: ("calls", "meetings", "proposals"),
                 PLANS: ("plan_deals", "actual_deals", "plan_revenue", "actual_revenue"), RATINGS: ("rating", "note")}
MODELS = {ACTIVITY: ActivityEntry, PLANS: PlanResult, RATINGS: KnowledgeRating}
# Kinds whose rows may name a manager deactivated since: their services keep history of people who left.
INACTIVE_ALLOWED = {PLANS, RATINGS}


def content_hash(content):
    return hashlib.sha256(content).hexdigest()


@dataclass
class Row:
    line: int
    email: str = ""
    date: datetime.date | None = None  # activity
    period: object = None  # audits.periods.Period (plans, ratings)
    values: dict = field(default_factory=dict)
    manager_id: int | None = None
    errors: dict = field(default_factory=dict)

    def error(self, column, message):
        self.errors.setdefault(column, message)

    @property
    def counts(self):
        return self.values

    @property
    def key(self):
        """The natural key in the file: (email, date) or (email, period)."""
        when = self.date if self.date is not None else (self.period.name if self.period else None)
        return (self.email, when) if self.email and when is not None else None

    @property
    def labelled_errors(self):
        return [(str(LABELS.get(name, name)), message) for name, message in self.errors.items()]

    @property
    def error_text(self):
        return "; ".join(f"{label}: {message}" for label, message in self.labelled_errors)


@dataclass
class Preview:
    kind: str = ACTIVITY
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    encoding: str = ""
    created: int = 0
    updated: int = 0
    already: object = None  # the ImportBatch that applied this very file before

    @property
    def error_rows(self):
        return [r for r in self.rows if r.errors]

    @property
    def ok(self):
        return not self.file_errors and bool(self.rows) and not self.error_rows and self.already is None

    def valid_rows(self):
        """[(manager id, date or period name, values)] of the clean rows."""
        return [(r.manager_id, r.date if r.date is not None else r.period.name, r.values)
                for r in self.rows if not r.errors]

    def errors(self):
        return error_list(self.rows, LAYOUTS[self.kind])

    def data(self):
        """The preview as JSON (API): counts, what would be created or replaced, the first errors."""
        errors = self.errors()
        return {
            "kind": self.kind, "encoding": self.encoding, "rows_read": len(self.rows),
            "rows_with_errors": len(self.error_rows), "created": self.created, "updated": self.updated,
            "error_count": len(errors), "errors": errors[:MAX_SHOWN_ERRORS], "file_errors": list(self.file_errors),
        }


# ---------------------------------------------------------------- cells

def parse_count(value):
    """A whole number from a cell; blank means 0."""
    if value.__class__ is str:
        try:
            return int(value)  # the usual CSV cell, surrounding spaces included
        except ValueError:
            pass
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        raise ValueError(_("Enter a whole number."))
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("Enter a whole number."))
        return int(value)
    if isinstance(value, int):
        return value
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    try:
        return int(text)
    except ValueError:
        raise ValueError(_("%(value)r is not a whole number.") % {"value": text[:20]}) from None


def parse_money(value):
    """An amount ≥ 0 with at most two decimals; blank means 0; `1 234,50` and `1234.50` both read."""
    if value is None or text_of(value) == "":
        return Decimal("0")
    try:
        amount = parse_decimal(value)
    except ValueError:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValueError(_("%(value)r is not an amount; write 1500000 or 1 500 000,50.") % {
            "value": text_of(value)[:20]})
    if amount < 0:
        raise ValueError(_("An amount cannot be negative."))
    if amount >= MAX_REVENUE or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("%(value)s is out of range: at most %(max)s with two decimals.") % {
            "value": text_of(value)[:20], "max": f"{MAX_REVENUE - 1:,}".replace(",", " ")})
    return amount


def _manager_column_email(record):
    return text_of(record.get("email")).lower()


def _parse_day(row, value):
    if text_of(value) == "":
        row.error("date", _("The date is empty."))
        return
    try:
        row.date = parse_day(value)
    except ValueError as exc:
        row.error("date", str(exc))
        return
    if row.date.year < MIN_YEAR:
        row.error("date", _("%(day)s is before %(year)s; check the year.") % {"day": row.date.isoformat(),
                                                                             "year": MIN_YEAR})


def _parse_period(row, value, today):
    period, message = _checked_period(text_of(value), today, get_language())
    row.period = period
    if message:
        row.error("period", message)


@functools.lru_cache(maxsize=4096)
def _checked_period(text, today, language):
    """(period or None, error or None); a file repeats a few periods thousands of times, so this is memoised
    (by language too: the message is translated)."""
    try:
        period = parse_period(text)
    except ValueError:
        return None, _("%(value)r is not a period: write 2025-Q2, 2025-05, 2025-H1 or 2025.") % {"value": text[:20]}
    if period.year < MIN_YEAR:
        return period, _("%(period)s is before %(year)s; check the year.") % {"period": period.name, "year": MIN_YEAR}
    if period.start > today:
        return period, _("%(period)s is in the future; import plans, results and ratings of periods that have "
                         "started.") % {"period": period.name}
    return period, None


def _whole(row, column, value, *, maximum):
    try:
        number = parse_count(value)
    except ValueError as exc:
        row.error(column, str(exc))
        return 0
    if not 0 <= number <= maximum:
        row.error(column, _("%(value)s is outside the range 0–%(max)s.") % {"value": number, "max": maximum})
    return number


def _parse_activity(row, record, today):
    _parse_day(row, record.get("date"))
    for metric in METRICS:
        try:
            row.values[metric] = parse_count(record.get(metric))
        except ValueError as exc:
            row.values[metric] = 0
            row.error(metric, str(exc))


def _parse_plan(row, record, today):
    _parse_period(row, record.get("period"), today)
    for column in ("plan_deals", "actual_deals"):
        row.values[column] = _whole(row, column, record.get(column), maximum=MAX_PLAN_DEALS)
    for column in ("plan_revenue", "actual_revenue"):
        try:
            row.values[column] = parse_money(record.get(column))
        except ValueError as exc:
            row.values[column] = Decimal("0")
            row.error(column, str(exc))
    if not any(name in row.errors for name in row.values):
        message = plan_error(plan_deals=row.values["plan_deals"], plan_revenue=row.values["plan_revenue"])
        if message:
            row.error("plan_deals", message)


def _parse_rating(row, record, today):
    _parse_period(row, record.get("period"), today)
    if text_of(record.get("rating")) == "":
        row.error("rating", _("The rating is empty."))
    row.values["score"] = _whole(row, "rating", record.get("rating"), maximum=100)
    note = text_of(record.get("note")).replace("\x00", "")
    if len(note) > 300:
        row.error("note", _("The note is longer than 300 characters."))
    row.values["note"] = note[:300]


PARSERS = {ACTIVITY: _parse_activity, PLANS: _parse_plan, RATINGS: _parse_rating}


def parse_record(kind, record, today):
    """One raw record {"line": n, column: value} as a Row with its cell errors (no database)."""
    row = Row(line=record["line"], email=_manager_column_email(record))
    for column, message in cell_errors(record):
        row.error(column, message)
    if not row.email:
        row.error("email", _("The email is empty."))
    elif len(row.email) > 254 or "@" not in row.email or "\x00" in row.email:
        row.error("email", _("%(value)r is not an email address.") % {"value": row.email[:60]})
    PARSERS[kind](row, record, today)
    return row


# ---------------------------------------------------------------- across rows and against the company

def _managers_by_email(company, emails):
    members = company.memberships.filter(user__email__in=emails).select_related("user")
    return {m.user.email.lower(): m for m in members}


def _check_manager(row, manager, *, company, kind, allowed):
    if manager is not None and kind in INACTIVE_ALLOWED and not manager.is_active and \
            manager.company_id == company.pk and manager.role == Role.SALES_MANAGER:
        problem = None
    else:
        problem = manager_problem(manager, company=company)
    if problem is None and allowed is not None and manager.pk not in allowed:
        problem = _("%(who)s is not in a team you manage.") % {"who": row.email}
    if problem:
        row.error("manager", problem)
    elif manager is not None:
        row.manager_id = manager.pk


def check_rows(*, company, rows, period=None, today, kind=ACTIVITY, allowed=None):
    """Add manager, date, range and duplicate errors to parsed rows (one query for all managers).

    `allowed`: the manager ids the uploader may write for (None: every sales manager of the company).
    """
    managers = _managers_by_email(company, {r.email for r in rows if r.email and "email" not in r.errors})
    seen = {}
    for row in rows:
        if row.email and "email" not in row.errors:
            _check_manager(row, managers.get(row.email), company=company, kind=kind, allowed=allowed)
        if kind == ACTIVITY:
            errors = activity_errors(day=row.date, counts=row.values, today=today, period=period)
            for name, message in errors.items():
                row.error(name, message)
        if row.key is not None:
            first = seen.setdefault(row.key, row.line)
            if first != row.line:
                row.errors["row"] = (_("Duplicate of row %(line)s: the same manager and date.") if kind == ACTIVITY
                                     else _("Duplicate of row %(line)s: the same manager and period.")) % {
                    "line": first}
    return rows


def stored_keys(*, company, kind, keys):
    """The (manager id, date or period) keys among `keys` that already have a row (one query)."""
    if not keys:
        return set()
    model, column = MODELS[kind], "date" if kind == ACTIVITY else "period"
    whens = {when for _m, when in keys}
    found = model.objects.filter(company=company, manager_id__in={m for m, _w in keys}, **{f"{column}__in": whens})
    return {key for key in found.values_list("manager_id", column) if key in keys}


def check_records(*, company, kind, records, today, period=None, allowed=None):
    """Rows of raw records (file lines or API rows), checked; with how many would be new or replace a row."""
    rows = [parse_record(kind, record, today) for record in records]
    check_rows(company=company, rows=rows, period=period, today=today, kind=kind, allowed=allowed)
    result = Preview(kind=kind, rows=rows)
    keys = {(manager_id, when) for manager_id, when, _values in result.valid_rows()}
    result.updated = len(stored_keys(company=company, kind=kind, keys=keys))
    result.created = len(keys) - result.updated
    return result


def previous_upload(*, company, kind, digest):
    """The file upload that already applied this very content as this kind, if any."""
    return ImportBatch.objects.filter(company=company, kind="file", data_kind=kind, content_hash=digest,
                                      applied_at__isnull=False).first()


def preview(*, company, file_name, content, period=None, today, kind=ACTIVITY, allowed=None):
    """Every row of the file with its errors; nothing is saved."""
    try:
        records, encoding = table_records(file_name, content, LAYOUTS[kind])
    except ValidationError as exc:
        return Preview(kind=kind, file_errors=exc.messages)
    result = check_records(company=company, kind=kind, records=records, today=today, period=period, allowed=allowed)
    result.encoding = encoding
    result.already = previous_upload(company=company, kind=kind, digest=content_hash(content))
    return result


# ---------------------------------------------------------------- templates

EXAMPLES = {
    ACTIVITY: [["anna@example.com", "2026-10-05", 42, 3, 2], ["anna@example.com", "06.10.2026", 38, 2, 1]],
    PLANS: [["anna@example.com", "2026-Q3", 12, 10, "3000000", "2650000,50"]],
    RATINGS: [["anna@example.com", "2026-Q3", 75, "Knows the product line, weak on objections"]],
}


def template_rows(kind):
    """The header in both languages and example rows to overwrite."""
    return [LAYOUTS[kind].header(), *EXAMPLES[kind]]
