"""History import pages: upload with a template, preview with per-row errors, confirm, progress (admins only).

The preview is stored when the file is uploaded, so the page never parses the file again; confirming queues a
Celery task (audits.tasks.run_history_import) and the page polls the API's progress with a static script.
"""

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import add_service_errors
from accounts.permissions import require_permission

from . import imports_apply, selectors
from .forms_imports import HistoryUploadForm
from .imports import MAX_FILE_BYTES, template_header
from .imports_apply import rows_summary_text
from .models import HistoryImportStatus, QuestionnaireStatus

RECENT_IMPORTS = 10


@require_permission("manage_audits")
@require_http_methods(["GET", "POST"])
def history_import(request, company_slug):
    company = request.company
    form = HistoryUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()), company=company)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            if uploaded.size > MAX_FILE_BYTES:  # checked before reading: a 50 MB upload is never loaded
                raise ValidationError({"file": _("The file is larger than %(mb)s MB; split it into several files.")
                                       % {"mb": MAX_FILE_BYTES // 2**20}})
            found = imports_apply.history_upload(company=company, by=request.user, file_name=uploaded.name,
                                                 content=uploaded.read(),
                                                 questionnaire=form.cleaned_data["questionnaire"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("audits:history_import_detail", company_slug=company_slug, history_import_pk=found.pk)
    imports = selectors.history_imports_of(company=company)[:RECENT_IMPORTS]
    return render(request, "audits/history_import.html", {"form": form, "imports": imports,
                                                         "max_mb": MAX_FILE_BYTES // 2**20})


@require_permission("manage_audits")
@require_GET
def history_import_detail(request, company_slug, history_import_pk):
    found = get_object_or_404(selectors.history_imports_of(company=request.company), pk=history_import_pk)
    preview = found.preview
    context = {"item": found, "preview": preview,
               "can_confirm": found.status == HistoryImportStatus.PREVIEW and imports_apply.preview_is_clean(preview),
               "summary_text": rows_summary_text(found.summary) if found.summary else ""}
    return render(request, "audits/history_import_detail.html", context)


@require_permission("manage_audits")
@require_POST
def history_import_confirm(request, company_slug, history_import_pk):
    found = get_object_or_404(selectors.history_imports_of(company=request.company), pk=history_import_pk)
    try:
        imports_apply.history_confirm(history_import=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("audits:history_import_detail", company_slug=company_slug, history_import_pk=found.pk)


@require_permission("manage_audits")
@require_GET
def history_template(request, company_slug, fmt):
    """The template with both languages' headers and example rows from this company's departments and codes."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = _example_rows(request.company)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerows([template_header(), *rows])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(_template_xlsx(request.company, rows),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="history-template.{fmt}"'
    return response


def _current_questions(company):
    version = company.questionnaires.filter(status=QuestionnaireStatus.PUBLISHED).first()
    return list(version.questions.exclude(key="").select_related("factor")) if version else []


def _example_rows(company):
    """Two example answers and one factor-level score; the values are placeholders to overwrite."""
    department = company.departments.filter(is_archived=False).first()
    name = department.name if department else _("Sales")
    questions = _current_questions(company)[:2]
    # Columns in COLUMNS order: period, department, question code, factor, value, comment, submitted, opened, deadline.
    rows = [["2025-Q4", name, q.key, "", "3" if q.kind == "scale" else "yes", "", "2025-10-12", "", ""]
            for q in questions]
    rows.append(["2025-Q3", name, "", "product", "62.5", _("factor-level score"), "2025-07-14", "", ""])
    return rows


def _template_xlsx(company, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("History")
    sheet.append(template_header())
    for row in rows:
        sheet.append(row)
    codes = book.create_sheet(_("Question codes"))
    codes.append([_("Question code"), _("Factor"), _("Type"), _("Question (English)"), _("Question (Russian)")])
    for question in _current_questions(company):
        codes.append([question.key, question.factor.key, question.get_kind_display(), question.text_en,
                      question.text_ru])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
