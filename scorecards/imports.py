"""Reading activity files (CSV in UTF-8 with or without BOM or Windows-1251, or XLSX) into checked rows.

Nothing here writes: `preview` returns every row with its errors, and services.upload_apply applies a
file only when every row is clean.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role
from audits.imports import decode, delimiter_of

from .diagnosis import METRICS
from .services import activity_errors, manager_problem

MAX_UPLOAD_BYTES = 8 * 2**20
MAX_ROWS = 50_000
EXPECTED_HEADERS = ["email", "date", "calls", "meetings", "proposals"]
HEADER_ALIASES = {
    "email": {"email", "e-mail", "почта", "электронная почта", "email менеджера"},
    "date": {"date", "day", "дата", "день"},
    "calls": {"calls", "звонки", "звонков"},
    "meetings": {"meetings", "встречи", "встреч"},
    "proposals": {"proposals", "proposals sent", "кп", "коммерческие предложения", "предложения"},
}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y")


@dataclass
class Row:
    line: int
    email: str
    date: datetime.date | None
    counts: dict
    manager_id: int | None = None
    errors: dict = field(default_factory=dict)

    @property
    def error_text(self):
        return "; ".join(f"{name}: {message}" for name, message in self.errors.items())


@dataclass
class Preview:
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    encoding: str = ""

    @property
    def error_rows(self):
        return [r for r in self.rows if r.errors]

    @property
    def ok(self):
        return not self.file_errors and bool(self.rows) and not self.error_rows

    def valid_rows(self):
        return [(r.manager_id, r.date, r.counts) for r in self.rows if not r.errors]


def _csv_rows(content):
    text, encoding = decode(content)
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text), delimiter=delimiter_of(lines[0] if lines else ""))
    try:
        return list(reader), encoding
    except csv.Error as exc:  # an unterminated quote swallowing the file, a cell over the size limit
        raise ValidationError(_("This is not a readable CSV file (%(problem)s). Save it again as CSV or XLSX.") % {
            "problem": exc}) from None


def _xlsx_rows(content):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ValidationError(_("This is not a readable XLSX workbook.")) from None
    try:
        sheet = book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)], "xlsx"
    finally:
        book.close()


def read_table(file_name, content):
    """All rows of the file (header first) and the encoding that read it."""
    if file_name.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        return _xlsx_rows(content)
    return _csv_rows(content)


def _header_key(value):
    return str(value or "").strip().strip("\ufeff").casefold()


def map_headers(header):
    """Field → column index; a missing column raises with the list of expected headers."""
    positions = {}
    for index, value in enumerate(header):
        key = _header_key(value)
        for name, aliases in HEADER_ALIASES.items():
            if key in aliases and name not in positions:
                positions[name] = index
    missing = [name for name in EXPECTED_HEADERS if name not in positions]
    if missing:
        raise ValidationError(
            _("Wrong headers: missing %(missing)s. The first row must hold the columns: %(expected)s.") % {
                "missing": ", ".join(missing), "expected": ", ".join(EXPECTED_HEADERS)})
    return positions


def parse_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    try:  # the two common shapes without strptime, which dominated the preview of large files
        if len(text) == 10 and text[4] == "-":
            return datetime.date.fromisoformat(text)
        if len(text) == 10 and text[2] == "." and text[5] == ".":
            return datetime.date(int(text[6:]), int(text[3:5]), int(text[:2]))
    except ValueError:
        pass
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("%(value)r is not a date; write 2026-10-05 or 05.10.2026.") % {"value": text[:40]})


def parse_count(value):
    """A whole number from a cell; blank means 0."""
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


def _cell(values, index):
    return values[index] if index < len(values) else None


def _parse_row(line, values, positions):
    errors, counts = {}, {}
    email = str(_cell(values, positions["email"]) or "").strip().lower()
    if not email:
        errors["email"] = _("The email is empty.")
    try:
        day = parse_date(_cell(values, positions["date"]))
    except ValueError as exc:
        day, errors["date"] = None, str(exc)
    for metric in METRICS:
        try:
            counts[metric] = parse_count(_cell(values, positions[metric]))
        except ValueError as exc:
            counts[metric], errors[metric] = 0, str(exc)
    return Row(line=line, email=email, date=day, counts=counts, errors=errors)


def _is_blank(values):
    return all(v is None or not str(v).strip() for v in values)


def _managers_by_email(company, emails):
    members = company.memberships.filter(user__email__in=emails).select_related("user")
    return {m.user.email.lower(): m for m in members}


def check_rows(*, company, rows, period, today):
    """Add manager, date, count and duplicate errors to parsed rows (one query for all managers)."""
    managers = _managers_by_email(company, {r.email for r in rows if r.email})
    seen = {}
    for row in rows:
        manager = managers.get(row.email)
        problem = manager_problem(manager, company=company) if row.email else None
        row.manager_id = manager.pk if manager is not None and manager.role == Role.SALES_MANAGER else None
        errors = activity_errors(manager_error=problem, day=row.date, counts=row.counts, today=today, period=period)
        for name, message in errors.items():
            row.errors.setdefault(name, message)
        if row.email and row.date:
            first = seen.setdefault((row.email, row.date), row.line)
            if first != row.line:
                row.errors["row"] = _("Duplicate of row %(line)s: the same manager and date.") % {"line": first}
    return rows


def preview(*, company, file_name, content, period=None, today):
    """Every row of the file with its errors; nothing is saved."""
    result = Preview()
    try:
        table, result.encoding = read_table(file_name, content)
        if not table or _is_blank(table[0]):
            raise ValidationError(_("The file has no header row. Expected columns: %(expected)s.") % {
                "expected": ", ".join(EXPECTED_HEADERS)})
        positions = map_headers(table[0])
    except ValidationError as exc:
        result.file_errors = exc.messages
        return result
    body = [(n, values) for n, values in enumerate(table[1:], start=2) if not _is_blank(values)]
    if not body:
        result.file_errors = [_("The file has a header but no rows.")]
        return result
    if len(body) > MAX_ROWS:
        result.file_errors = [ngettext("The file has %(n)s row; import at most %(max)s at a time.",
                                       "The file has %(n)s rows; import at most %(max)s at a time.", len(body)) % {
            "n": len(body), "max": MAX_ROWS}]
        return result
    rows = [_parse_row(line, values, positions) for line, values in body]
    result.rows = check_rows(company=company, rows=rows, period=period, today=today)
    return result
