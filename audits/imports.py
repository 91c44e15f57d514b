"""Reading a history file of past rounds (CSV or XLSX) into checked rows; nothing here writes.

One row is one answer (a question code and its value) or, where only that was kept, one factor-level
score (a factor and a score 0–100) of one department in one period. `check` returns every row with
its errors (row number and column) and what committing the rows would create; audits/imports_apply.py
writes them, and only when no row has an error.

A CSV is read as UTF-8 (with or without a BOM) or else Windows-1251, with `;`, `,` or tab between
cells; an XLSX is read from its first sheet with formulas left as formulas (a formula is an error: a
history must hold values) and merged cells found from the sheet's XML (openpyxl's fast reader hides them).
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

MAX_FILE_BYTES = 10 * 2**20
MAX_ROWS = 100_000
MAX_STORED_ERRORS = 500
NOT_APPLICABLE = {"n/a", "na", "н/п", "нп", "н/д", "not applicable", "не применимо"}
YES = {"yes", "y", "true", "1", "да", "д"}
NO = {"no", "n", "false", "0", "нет", "н"}

# Column → (English header, Russian header, required); the template writes "English / Russian".
COLUMNS = {
    "period": ("period", "период", True),
    "department": ("department", "отдел", True),
    "question": ("question code", "код вопроса", False),
    "factor": ("factor", "фактор", False),
    "value": ("value", "значение", True),
    "comment": ("comment", "комментарий", False),
    "submitted": ("submitted", "дата сдачи", True),
    "opened": ("opened", "дата открытия", False),
    "deadline": ("deadline", "срок", False),
}
EXTRA_ALIASES = {
    "question": {"question", "вопрос", "code", "код"},
    "value": {"answer", "score", "ответ", "оценка"},
    "department": {"подразделение"},
    "submitted": {"submitted on", "сдано"},
    "opened": {"opened on", "открыт"},
}
COLUMN_LABELS = {
    "period": gettext_lazy("period"), "department": gettext_lazy("department"),
    "question": gettext_lazy("question code"), "factor": gettext_lazy("factor"), "value": gettext_lazy("value"),
    "comment": gettext_lazy("comment"), "submitted": gettext_lazy("submitted"), "opened": gettext_lazy("opened"),
    "deadline": gettext_lazy("deadline"), "row": gettext_lazy("row"),
}


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of file: headers in both languages, aliases, labels for errors, and a row limit.

    The history of past rounds is one layout; the scorecard imports (activity, plans, ratings) are others,
    read by the same functions below.
    """

    columns: dict  # column → (English header, Russian header, required)
    aliases: dict = field(default_factory=dict)  # column → other accepted headers
    labels: dict = field(default_factory=dict)  # column → translated name in error messages
    one_of: tuple = ()  # at least one of these optional columns must be present
    max_rows: int = MAX_ROWS

    def header(self):
        return [f"{english[:1].upper()}{english[1:]} / {russian[:1].upper()}{russian[1:]}"
                for english, russian, _r in self.columns.values()]

    def label(self, column):
        return str(self.labels.get(column, column))


HISTORY = Layout(columns=COLUMNS, aliases=EXTRA_ALIASES, labels=COLUMN_LABELS, one_of=("question", "factor"))
MERGE_CELL = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def template_header():
    return HISTORY.header()


# ---------------------------------------------------------------- reading the table

@dataclass
class Table:
    rows: list  # [(line number, [cell values])], header included as line 1
    encoding: str = ""
    merged_lines: dict = field(default_factory=dict)  # line → "A2:B2" of a merged range touching it


def decode(content):
    """UTF-8 (a BOM is dropped), UTF-16 with a BOM, else Windows-1251 as Excel saves CSV in Russia (the history
    import and the scorecard activity import both read their CSV files with it)."""
    if b"\x00" in content[:4096] and content[:2] not in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise ValidationError(_("This is not a text file. Save it as CSV (UTF-8) or XLSX."))
    encodings = ("utf-16",) if content[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else ()
    for encoding in (*encodings, "utf-8-sig", "cp1251"):
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is neither UTF-8 nor Windows-1251 text. Save it as CSV (UTF-8) or XLSX."))


def delimiter_of(first_line):
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def read_csv(content):
    text, encoding = decode(content)
    first_line = text.split("\n", 1)[0]
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter_of(first_line)))
    except csv.Error as exc:  # an unterminated quote swallowing the file, a cell over the size limit
        raise ValidationError(_("This is not a readable CSV file (%(problem)s). Save it again as CSV or XLSX.") % {
            "problem": exc}) from None
    return Table(rows=list(enumerate(rows, start=1)), encoding=encoding)


def _merged_lines(content, sheet_path):
    """line → range of every merged range, read from the sheet XML (the read-only reader does not keep them)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read(sheet_path.lstrip("/"))
    merged = {}
    for first_col, first_row, last_col, last_row in MERGE_CELL.findall(xml):
        label = f"{first_col.decode()}{int(first_row)}:{last_col.decode()}{int(last_row)}"
        for line in range(int(first_row), int(last_row) + 1):
            merged.setdefault(line, label)
    return merged


def read_xlsx(content):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ValidationError(_("This is not a readable XLSX workbook.")) from None
    try:
        sheet = book.worksheets[0]
        rows = [(n, list(values)) for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
        merged = _merged_lines(content, sheet._worksheet_path)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ValidationError(_("This is not a readable XLSX workbook.")) from None
    finally:
        book.close()
    return Table(rows=rows, encoding="xlsx", merged_lines=merged)


def read_table(file_name, content):
    if file_name.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        return read_xlsx(content)
    return read_csv(content)


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _header_names(value):
    text = str(value or "").strip().strip("\ufeff").casefold()
    return {text, *(part.strip() for part in text.split("/"))}


def map_headers(header, merged, layout=HISTORY):
    """Column name → index; a missing required column raises with the expected headers."""
    positions = {}
    for index, value in enumerate(header):
        names = _header_names(value)
        for column, (english, russian, _required) in layout.columns.items():
            accepted = {english, russian, *layout.aliases.get(column, ())}
            if column not in positions and names & {name.casefold() for name in accepted}:
                positions[column] = index
    missing = [column for column, (_e, _r, required) in layout.columns.items() if required and column not in positions]
    if layout.one_of and not any(column in positions for column in layout.one_of):
        missing.append(layout.one_of[0])
    if missing:
        hint = _(" Header cells %(range)s are merged: give every column its own header cell.") % {
            "range": merged[1]} if 1 in merged else ""
        raise ValidationError(
            _("Wrong headers: missing %(missing)s. The first row must name the columns: %(expected)s.") % {
                "missing": ", ".join(layout.label(c) for c in missing),
                "expected": "; ".join(layout.header())} + hint)
    if 1 in merged:
        raise ValidationError(_("Header cells %(range)s are merged: give every column its own header cell.") % {
            "range": merged[1]})
    return positions


def table_records(file_name, content, layout=HISTORY):
    """(records, encoding): one dict per non-empty row {"line": n, column: raw value}; raises for file errors."""
    table = read_table(file_name, content)
    if not table.rows or all(_blank(v) for v in table.rows[0][1]):
        raise ValidationError(_("The file has no header row. The first row must name the columns: %(expected)s.") % {
            "expected": "; ".join(layout.header())})
    positions = map_headers(table.rows[0][1], table.merged_lines, layout)
    records = []
    for line, values in table.rows[1:]:
        if all(_blank(v) for v in values):
            continue  # empty rows (spacing, a total line deleted) are skipped, not errors
        record = {column: values[i] if i < len(values) else None for column, i in positions.items()}
        record["line"] = line
        if line in table.merged_lines:
            record["merged"] = table.merged_lines[line]
        records.append(record)
    if not records:
        raise ValidationError(_("The file has a header but no rows."))
    if len(records) > layout.max_rows:
        raise ValidationError(ngettext(
            "The file has %(n)s row; import at most %(max)s at a time.",
            "The file has %(n)s rows; import at most %(max)s at a time.", len(records)) % {
            "n": len(records), "max": layout.max_rows})
    return records, table.encoding


# ---------------------------------------------------------------- cell values

def text_of(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_errors(record):
    """(column, message) for cells a history must not hold: merged cells and formulas (values only)."""
    if record.get("merged"):
        yield "row", _("Cells %(range)s are merged: unmerge them and fill every cell.") % {"range": record["merged"]}
    for column, value in record.items():
        if value.__class__ is str and value[:1] == "=" and column != "merged":  # exact type: runs per cell
            yield column, _("The cell holds a formula (%(formula)s): paste the values, not formulas.") % {
                "formula": value[:40]}


def parse_day(value):
    """A date from a cell: a spreadsheet date, 2025-06-30, 30.06.2025 or 30/06/2025."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = text_of(value)
    try:  # the two common shapes without strptime, which dominated the check of large files
        if len(text) == 10 and text[4] == "-":
            return datetime.date.fromisoformat(text)
        if len(text) == 10 and text[2] == "." and text[5] == ".":
            return datetime.date(int(text[6:]), int(text[3:5]), int(text[:2]))
    except ValueError:
        pass
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d.%m.%y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("%(value)s is not a date; write 2025-06-30 or 30.06.2025.") % {"value": repr(text[:40])})


def parse_decimal(value):
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    try:
        return Decimal(text_of(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError from None


def is_not_applicable(value):
    return text_of(value).casefold() in NOT_APPLICABLE


# ---------------------------------------------------------------- checked rows

@dataclass
class Row:
    line: int
    period: object = None  # periods.Period
    department_id: int | None = None
    question: object = None  # audits.models.Question
    factor_id: int | None = None
    value: dict = field(default_factory=dict)  # Answer field → value, or {"score": Decimal|None}
    comment: str = ""
    submitted: datetime.date | None = None
    opened: datetime.date | None = None
    deadline: datetime.date | None = None
    errors: dict = field(default_factory=dict)

    def error(self, column, message):
        self.errors.setdefault(column, message)

    @property
    def audit_key(self):
        return (self.period.name, self.department_id) if self.period and self.department_id else None


def error_list(rows, layout=HISTORY):
    """[{"row", "column", "message"}] for every error, in row order."""
    return [{"row": row.line, "column": layout.label(column), "message": message}
            for row in rows for column, message in row.errors.items()]
