"""CSV and XLSX files from tables.Table rows (openpyxl for spreadsheets)."""

import csv
import datetime
import io

from django.http import HttpResponse
from openpyxl import Workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plain(value):
    """Spreadsheet-safe cell: aware datetimes lose their zone (stored in UTC), None becomes empty."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).replace(tzinfo=None)
    return "" if value is None else value


def csv_safe(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    value = plain(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value.isoformat() if isinstance(value, datetime.datetime) else value


def csv_response(table, filename):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([csv_safe(value) for value in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(table, filename):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(table.caption)[:31].replace("/", "-").replace(":", " ") or "data"
    sheet.append([str(c) for c in table.columns])
    for row in table.rows:
        sheet.append([csv_safe(value) if isinstance(value, str) else plain(value) for value in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


FORMATS = {"csv": csv_response, "xlsx": xlsx_response}
