"""Scorecard pages under /c/<company_slug>/scorecards/ (membership checked by the middleware).

Roles are checked twice: `require_permission` for the role table, then scorecards.access for the
person (own scorecard, the head of sales' team, or everyone for executives and admins).
"""

import csv
import datetime
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.numbers import whole
from accounts.permissions import require_permission

from . import access, selectors, services
from .diagnosis import VERDICT_LABELS
from .forms import (
    DayForm,
    DayOffForm,
    HolidayForm,
    KnowledgeCheckForm,
    KnowledgeQuestionForm,
    NormForm,
    PlanRowForm,
    RatingRowForm,
    SettingsForm,
    TakeCheckForm,
    UploadForm,
)
from .imports import (
    ACTIVITY,
    KIND_LABELS,
    LABELS,
    MAX_UPLOAD_BYTES,
    PLANS,
    RATINGS,
    VALUE_COLUMNS,
    preview,
    template_rows,
)
from .models import Holiday

PAGE_SIZE = 31
PREVIEW_ROWS = 200


def _period(request):
    """The period of `?period=` (default: the latest audit round's); a bad value → 400-like message + default."""
    try:
        return selectors.period_from(request.GET.get("period", ""), company=request.company)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return selectors.default_period(company=request.company)


def _period_context(request, period):
    return {"period": period, "period_choices": selectors.period_choices(company=request.company)}


def _render(request, template, context):
    """Render with what the scorecard navigation needs."""
    context.setdefault("may_manage", access.may_manage_team(request.membership))
    return render(request, template, context)


def _add_errors(form, exc):
    for name, msgs in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
        form.add_error(name if name in form.fields else None, msgs)


@require_permission("use_scorecards")
def home(request, company_slug):
    if request.membership.role == Role.SALES_MANAGER:
        return redirect("scorecards:manager", company_slug=company_slug, member_pk=request.membership.pk)
    access.require_team_view(request.membership)
    return redirect("scorecards:team", company_slug=company_slug)


# ---------------------------------------------------------------- daily entry (the manager's own)

def _week_of(request, today):
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", "")) if request.GET.get("week") else today
    except ValueError:
        day = today
    day = min(day, today)
    monday = day - datetime.timedelta(days=day.weekday())
    return [monday + datetime.timedelta(days=n) for n in range(7) if monday + datetime.timedelta(days=n) <= today]


@require_permission("enter_own_activity")
@require_http_methods(["GET", "POST"])
def entry(request, company_slug):
    company, manager = request.company, request.membership
    today = selectors.local_today(company)
    days = _week_of(request, today)
    existing = selectors.entries_by_date(manager=manager, start=days[0], end=days[-1])
    forms_by_day = [(day, DayForm(request.POST or None, prefix=day.isoformat(), initial=_initial(existing.get(day))))
                    for day in days]
    if request.method == "POST" and all(form.is_valid() for _day, form in forms_by_day):
        try:
            services.activity_save_days(company=company, manager=manager, today=today,
                                        rows={day: form.cleaned_data for day, form in forms_by_day})
        except ValidationError as exc:
            _spread_day_errors(forms_by_day, exc)
        else:
            messages.success(request, _("Your activity is saved."))
            return redirect(f"{request.path}?week={days[0].isoformat()}")
    weekdays = set(selectors.settings_of(company=company).working_weekdays)
    holidays = set(selectors.holidays_of(company=company, start=days[0], end=days[-1]).values_list("date", flat=True))
    return _render(request, "scorecards/entry.html", {
        "rows": [(day, form, day.weekday() in weekdays and day not in holidays) for day, form in forms_by_day],
        "today": today,
        "previous_week": days[0] - datetime.timedelta(days=7),
        "next_week": days[0] + datetime.timedelta(days=7) if days[-1] < today else None,
        "norm": selectors.norm_for(company=company, manager=manager),
    })


def _initial(entry):
    return {"calls": entry.calls, "meetings": entry.meetings, "proposals": entry.proposals} if entry else {}


def _spread_day_errors(forms_by_day, exc):
    by_prefix = {day.isoformat(): form for day, form in forms_by_day}
    for key, msgs in exc.message_dict.items():
        day, _sep, name = key.partition(":")
        form = by_prefix.get(day)
        if form is not None:
            form.add_error(name if name in form.fields else None, msgs)


# ---------------------------------------------------------------- scorecards

@require_permission("use_scorecards")
def manager_scorecard(request, company_slug, member_pk):
    manager = access.manager_for(request.membership, member_pk)
    period = _period(request)
    diag = selectors.diagnosis_of(company=request.company, manager=manager, period=period)
    end = selectors.measured_until(period, selectors.local_today(request.company))
    activity = Paginator(selectors.activity_of(company=request.company, managers=[manager], start=period.start,
                                               end=end), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "scorecards/manager.html", {
        "manager": manager, "diag": diag, "x": diag.explanation(), "page": activity,
        "may_manage": access.may_manage_team(request.membership), "is_self": manager.pk == request.membership.pk,
        **_period_context(request, period),
    })


@require_permission("use_scorecards")
def team(request, company_slug):
    access.require_team_view(request.membership)
    period = _period(request)
    managers = list(access.managers_visible_to(request.membership))
    view = selectors.team_view(company=request.company, managers=managers, period=period)
    return _render(request, "scorecards/team.html", {
        "view": view, "verdict_labels": VERDICT_LABELS, "may_manage": access.may_manage_team(request.membership),
        "counts": [(VERDICT_LABELS[v], n) for v, n in view.counts.items()],
        **_period_context(request, period),
    })


# ---------------------------------------------------------------- norms and days off of one manager

@require_permission("use_scorecards")
@require_http_methods(["GET", "POST"])
def manager_norm(request, company_slug, member_pk):
    access.require_team_management(request.membership)
    manager = access.manager_for(request.membership, member_pk)
    company = request.company
    rows = selectors.norm_rows(company=company)
    override = rows.get(manager.pk)
    norm_form = NormForm(request.POST if "save_norm" in request.POST else None, initial=_norm_initial(override))
    day_form = DayOffForm(request.POST if "add_day_off" in request.POST else None, prefix="off")
    if request.method == "POST" and "save_norm" in request.POST and norm_form.is_valid():
        return _save_norm(request, company, manager, norm_form)
    if request.method == "POST" and "clear_norm" in request.POST:
        services.norm_clear(company=company, manager=manager)
        messages.success(request, _("The company norm applies to this manager again."))
        return redirect(request.path)
    if request.method == "POST" and "add_day_off" in request.POST and day_form.is_valid():
        try:
            services.day_off_add(company=company, manager=manager, **day_form.cleaned_data)
        except ValidationError as exc:
            _add_errors(day_form, exc)
        else:
            messages.success(request, _("The day off is saved."))
            return redirect(request.path)
    days_off = Paginator(selectors.days_off_of(manager=manager), 25).get_page(request.GET.get("page"))
    return _render(request, "scorecards/manager_norm.html", {
        "manager": manager, "norm_form": norm_form, "day_form": day_form, "override": override,
        "default_norm": rows.get(None), "page": days_off,
    })


def _norm_initial(norm):
    if norm is None:
        return {}
    return {f: getattr(norm, f) for f in ("calls_per_day", "meetings_per_week", "proposals_per_month")}


def _save_norm(request, company, manager, form):
    services.norm_set(company=company, manager=manager, **form.cleaned_data)
    messages.success(request, _("The manager's own norm is saved."))
    return redirect(request.path)


@require_permission("use_scorecards")
@require_http_methods(["GET", "POST"])
def day_off_delete(request, company_slug, day_off_pk):
    access.require_team_management(request.membership)
    day_off = selectors.day_off_of(company=request.company, pk=day_off_pk)
    if day_off is None:
        raise Http404
    access.manager_for(request.membership, day_off.manager_id)
    if request.method == "POST":
        services.day_off_delete(day_off=day_off)
        messages.success(request, _("The day off is removed."))
        return redirect("scorecards:manager_norm", company_slug=company_slug, member_pk=day_off.manager_id)
    return _render(request, "scorecards/confirm.html", {
        "title": _("Remove the day off?"),
        "question": _("Remove %(day)s for %(who)s? The expected activity grows by that day.") % {
            "day": day_off.date.isoformat(), "who": day_off.manager.user.display_name},
        "button": _("Remove"),
    })


# ---------------------------------------------------------------- settings (admin)

@require_permission("manage_scorecard_settings")
@require_http_methods(["GET", "POST"])
def settings_page(request, company_slug):
    company = request.company
    current = selectors.settings_of(company=company)
    default = selectors.norm_rows(company=company).get(None)
    initial = {"activity_threshold": current.activity_threshold, "knowledge_threshold": current.knowledge_threshold,
               "plan_threshold": current.plan_threshold, "currency": current.currency,
               "working_weekdays": current.working_weekdays, **_norm_initial(default)}
    holiday_form = HolidayForm(request.POST if "add_holiday" in request.POST else None, prefix="holiday")
    if "remove_holiday" in request.POST:
        return _remove_holiday(request, company)
    if "add_holiday" in request.POST and holiday_form.is_valid():
        if _saved(holiday_form, lambda: services.holiday_add(company=company, **holiday_form.cleaned_data)):
            messages.success(request, _("The holiday is saved."))
            return redirect("scorecards:settings", company_slug=company_slug)
    saving = request.method == "POST" and "add_holiday" not in request.POST
    form = SettingsForm(request.POST if saving else None, initial=initial)
    if saving and form.is_valid():
        data = form.cleaned_data
        norm = {f: data.pop(f) for f in ("calls_per_day", "meetings_per_week", "proposals_per_month")}
        try:
            services.settings_update(company=company, **data)
            services.norm_set(company=company, **norm)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Scorecard settings are saved."))
            return redirect("scorecards:settings", company_slug=company_slug)
    holidays = Paginator(selectors.holidays_of(company=company), 50).get_page(request.GET.get("page"))
    return _render(request, "scorecards/settings.html", {"form": form, "holiday_form": holiday_form,
                                                         "page": holidays})


def _remove_holiday(request, company):
    pk = request.POST.get("remove_holiday", "")
    holiday = get_object_or_404(Holiday.objects.filter(company=company), pk=int(pk) if pk.isdigit() else 0)
    services.holiday_delete(holiday=holiday)
    messages.success(request, _("The holiday %(day)s is removed.") % {"day": holiday.date.isoformat()})
    return redirect("scorecards:settings", company_slug=company.slug)


# ---------------------------------------------------------------- plans and knowledge ratings (team)

def _row_forms(request, managers, form_class, initial_of):
    return [(m, form_class(request.POST or None, prefix=f"m{m.pk}", initial=initial_of(m))) for m in managers]


@require_permission("use_scorecards")
@require_http_methods(["GET", "POST"])
def plans(request, company_slug):
    access.require_team_management(request.membership)
    period = _period(request)
    managers = list(access.managers_visible_to(request.membership))
    existing = selectors.plans_of(company=request.company, managers=managers, period=period)
    fields = ("plan_deals", "actual_deals", "plan_revenue", "actual_revenue")
    rows = _row_forms(request, managers, PlanRowForm,
                      lambda m: {f: getattr(existing[m.pk], f) for f in fields} if m.pk in existing else {})
    if request.method == "POST" and all(form.is_valid() for _m, form in rows):
        try:
            services.plan_results_save(company=request.company, period=period, rows={
                manager: {f: form.cleaned_data[f] or 0 for f in fields} for manager, form in rows if not form.is_blank()})
        except ValidationError as exc:
            by_pk = {str(manager.pk): form for manager, form in rows}
            for key, msgs in exc.message_dict.items():
                pk, _sep, name = key.partition(":")
                by_pk[pk].add_error(name if name in by_pk[pk].fields else None, msgs)
        else:
            messages.success(request, _("Plans and results for %(period)s are saved.") % {"period": period.name})
            return redirect(f"{request.path}?period={period.name}")
    return _render(request, "scorecards/plans.html", {
        "rows": rows, "currency": selectors.settings_of(company=request.company).currency,
        **_period_context(request, period),
    })


@require_permission("use_scorecards")
@require_http_methods(["GET", "POST"])
def ratings(request, company_slug):
    access.require_team_management(request.membership)
    period = _period(request)
    managers = list(access.managers_visible_to(request.membership))
    existing = selectors.ratings_of(company=request.company, managers=managers, period=period)
    rows = _row_forms(request, managers, RatingRowForm,
                      lambda m: {"score": existing[m.pk].score, "note": existing[m.pk].note} if m.pk in existing else {})
    if request.method == "POST" and all(form.is_valid() for _m, form in rows):
        for manager, form in rows:
            if form.cleaned_data["score"] is not None:
                services.knowledge_rating_save(company=request.company, manager=manager, period=period,
                                               by=request.user, **form.cleaned_data)
        messages.success(request, _("Knowledge ratings for %(period)s are saved.") % {"period": period.name})
        return redirect(f"{request.path}?period={period.name}")
    return _render(request, "scorecards/ratings.html", {"rows": rows, **_period_context(request, period)})


# ---------------------------------------------------------------- file import: activity, plans, ratings

def _allowed_managers(membership):
    """Manager ids this person may import rows for; None for everyone (admins)."""
    if access.sees_everyone(membership):
        return None
    return set(access.managers_visible_to(membership, include_inactive=True).values_list("pk", flat=True))


@require_permission("use_scorecards")
@require_http_methods(["GET", "POST"])
def upload(request, company_slug):
    access.require_team_management(request.membership)
    form = UploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()),
                      initial={"kind": request.GET.get("kind", ACTIVITY)})
    if request.method == "POST" and form.is_valid():
        try:
            period = selectors.period_from(form.cleaned_data["period"], company=request.company) \
                if form.cleaned_data["period"] else None
            uploaded = form.cleaned_data["file"]
            if uploaded.size > MAX_UPLOAD_BYTES:
                raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {
                    "mb": MAX_UPLOAD_BYTES // 2**20}})
            batch = services.upload_create(company=request.company, by=request.user, file_name=uploaded.name,
                                           content=uploaded.read(), period=period, kind=form.cleaned_data["kind"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("scorecards:upload_preview", company_slug=company_slug, import_pk=batch.pk)
    return _render(request, "scorecards/upload.html", {
        "form": form, "kinds": [(kind, label, template_rows(kind)) for kind, label in KIND_LABELS.items()]})


def _imported_message(kind, summary):
    total = summary["created"] + summary["updated"]
    texts = {
        ACTIVITY: ngettext("Imported %(total)s day of activity (%(created)s new, %(updated)s updated).",
                           "Imported %(total)s days of activity (%(created)s new, %(updated)s updated).", total),
        PLANS: ngettext("Imported %(total)s plan and result (%(created)s new, %(updated)s updated).",
                        "Imported %(total)s plans and results (%(created)s new, %(updated)s updated).", total),
        RATINGS: ngettext("Imported %(total)s knowledge rating (%(created)s new, %(updated)s updated).",
                          "Imported %(total)s knowledge ratings (%(created)s new, %(updated)s updated).", total),
    }
    return texts[kind] % {"total": total, **summary}


@require_permission("use_scorecards")
@require_http_methods(["GET", "POST"])
def upload_preview(request, company_slug, import_pk):
    access.require_team_management(request.membership)
    batch = selectors.upload_batch(company=request.company, pk=import_pk)
    if batch is None or batch.created_by_id != request.user.pk:
        raise Http404
    if batch.applied_at:
        messages.info(request, _("This file is already imported."))
        return redirect("scorecards:team", company_slug=company_slug)
    allowed = _allowed_managers(request.membership)
    if request.method == "POST":
        result, summary = services.upload_apply(batch=batch, allowed=allowed)
        if summary is not None:
            messages.success(request, _imported_message(batch.data_kind, summary))
            return redirect("scorecards:team", company_slug=company_slug)
        if result.already is None:
            messages.error(request, _("Nothing was imported: the file has errors."))
    else:
        result = preview(company=request.company, file_name=batch.file_name, content=bytes(batch.content),
                         period=selectors.period_from(batch.period, company=request.company) if batch.period else None,
                         today=selectors.local_today(request.company), kind=batch.data_kind, allowed=allowed)
    return _render(request, "scorecards/upload_preview.html", {
        "batch": batch, "result": result, "error_rows": result.error_rows[:PREVIEW_ROWS],
        "sample": [r for r in result.rows if not r.errors][:20], "shown_limit": PREVIEW_ROWS,
        "kind_label": KIND_LABELS[batch.data_kind],
        "value_labels": [LABELS[c] for c in VALUE_COLUMNS[batch.data_kind]],
        "when_label": LABELS["date" if batch.data_kind == ACTIVITY else "period"],
    })


@require_permission("use_scorecards")
@require_GET
def upload_template(request, company_slug, fmt):
    """The template of one kind (`?kind=`): headers in English and Russian, example rows to overwrite."""
    access.require_team_management(request.membership)
    kind = request.GET.get("kind", ACTIVITY)
    if fmt not in ("csv", "xlsx") or kind not in KIND_LABELS:
        raise Http404
    rows = template_rows(kind)
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";").writerows(rows)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(_template_xlsx(kind, rows),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="scorecard-{kind}-template.{fmt}"'
    return response


def _template_xlsx(kind, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = str(KIND_LABELS[kind])[:31]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- knowledge checks

@require_permission("use_scorecards")
def knowledge_list(request, company_slug):
    membership = request.membership
    manages = access.may_manage_team(membership)
    if not manages and membership.role != Role.SALES_MANAGER:
        raise PermissionDenied
    checks = selectors.knowledge_checks_of(company=request.company, published_only=not manages)
    return _render(request, "scorecards/knowledge_list.html", {
        "page": Paginator(checks, 25).get_page(request.GET.get("page")), "manages": manages,
    })


@require_permission("use_scorecards")
@require_http_methods(["GET", "POST"])
def knowledge_new(request, company_slug):
    access.require_team_management(request.membership)
    form = KnowledgeCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        check = services.knowledge_check_create(company=request.company, by=request.user, title=data["title"],
                                                description=data["description"])
        return redirect("scorecards:knowledge_edit", company_slug=company_slug, knowledge_check_pk=check.pk)
    return _render(request, "scorecards/knowledge_form.html", {"form": form})


@require_permission("use_scorecards")
@require_http_methods(["GET", "POST"])
def knowledge_edit(request, company_slug, knowledge_check_pk):
    access.require_team_management(request.membership)
    check = _knowledge_check(request, knowledge_check_pk)
    initial = {"title": check.title, "description": check.description, "is_published": check.is_published}
    form = KnowledgeCheckForm(request.POST if "save_check" in request.POST else None, initial=initial)
    question_form = KnowledgeQuestionForm(request.POST if "add_question" in request.POST else None, prefix="q")
    if request.method == "POST" and "save_check" in request.POST and form.is_valid():
        if _saved(form, lambda: services.knowledge_check_update(check=check, **form.cleaned_data)):
            messages.success(request, _("The knowledge check is saved."))
            return redirect(request.path)
    if request.method == "POST" and "add_question" in request.POST and question_form.is_valid():
        data = question_form.cleaned_data
        if _saved(question_form, lambda: services.knowledge_question_add(
                check=check, text=data["text"], options=question_form.option_list(),
                correct_option=data["correct_option"] - 1)):
            messages.success(request, _("The question is added."))
            return redirect(request.path)
    return _render(request, "scorecards/knowledge_edit.html", {
        "check": check, "form": form, "question_form": question_form, "questions": check.questions.all(),
    })


def _knowledge_check(request, pk, *, published_only=False):
    check = selectors.knowledge_check_of(company=request.company, pk=pk, published_only=published_only)
    if check is None:
        raise Http404
    return check


def _saved(form, action):
    try:
        action()
    except ValidationError as exc:
        _add_errors(form, exc)
        return False
    return True


@require_permission("use_scorecards")
@require_http_methods(["GET", "POST"])
def knowledge_question_delete(request, company_slug, knowledge_question_pk):
    access.require_team_management(request.membership)
    question = selectors.knowledge_question_of(company=request.company, pk=knowledge_question_pk)
    if question is None:
        raise Http404
    knowledge_check_pk = question.knowledge_check_id
    if request.method == "POST":
        services.knowledge_question_delete(question=question)
        messages.success(request, _("The question is deleted."))
        return redirect("scorecards:knowledge_edit", company_slug=company_slug, knowledge_check_pk=knowledge_check_pk)
    return _render(request, "scorecards/confirm.html", {
        "title": _("Delete the question?"), "question": question.text, "button": _("Delete"),
    })


@require_permission("enter_own_activity")
@require_http_methods(["GET", "POST"])
def knowledge_take(request, company_slug, knowledge_check_pk):
    check = _knowledge_check(request, knowledge_check_pk, published_only=True)
    questions = list(check.questions.all())
    form = TakeCheckForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            attempt = services.knowledge_attempt_submit(check=check, manager=request.membership,
                                                        answers=form.answers())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, ngettext(
                "Your score: %(score)s (%(correct)s of %(total)s question correct).",
                "Your score: %(score)s (%(correct)s of %(total)s questions correct).", attempt.total) % {
                "score": whole(attempt.score), "correct": attempt.correct, "total": attempt.total})
            return redirect("scorecards:knowledge", company_slug=company_slug)
    return _render(request, "scorecards/knowledge_take.html", {"check": check, "form": form})
