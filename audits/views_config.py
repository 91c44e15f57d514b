"""Audit configuration pages: the responsibility matrix, the schedule, questionnaire versions and their questions.

Admins change them ("manage_audits"); executives and department heads read the matrix and the questionnaires
("view_questionnaires"). The middleware has resolved the company and entered its scope, so objects are looked up
from `request.company` (another company's id is a 404). Services write; their errors land on the forms.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import add_service_errors
from accounts.permissions import require_permission

from . import selectors, services
from .forms_config import MatrixForm, QuestionForm, QuestionnaireTitleForm, ScheduleForm
from .models import Factor

PAGE_SIZE = 25
GET_POST = require_http_methods(["GET", "POST"])


def require_manage(request):
    if not request.membership.can("manage_audits"):
        raise PermissionDenied


def company_questionnaire(request, questionnaire_pk):
    return get_object_or_404(selectors.questionnaires_of(company=request.company), pk=questionnaire_pk)


def editable_questionnaire(request, questionnaire_pk):
    """The draft named in the URL, or None after queueing the "published versions are frozen" message."""
    questionnaire = company_questionnaire(request, questionnaire_pk)
    if questionnaire.is_frozen:
        messages.error(request, services.FROZEN_MESSAGE)
        return None
    return questionnaire


def to_detail(questionnaire):
    return redirect("audits:questionnaire_detail", company_slug=questionnaire.company.slug,
                    questionnaire_pk=questionnaire.pk)


# ---------------------------------------------------------------- responsibility matrix

@GET_POST
@require_permission("view_questionnaires")
def matrix(request, company_slug):
    """The factor × department grid; admins edit it or ask for a proposal from department names."""
    company = request.company
    can_manage = request.membership.can("manage_audits")
    if request.method == "POST":
        require_manage(request)
        if request.POST.get("action") == "propose":
            changed = services.matrix_propose(company=company)
            messages.success(request, _("Proposal applied: %(count)s cells changed. Factors you set by hand were kept.")
                             % {"count": changed})
            return redirect("audits:matrix", company_slug=company_slug)
    factors = list(Factor.objects.all())
    departments = list(company.departments.filter(is_archived=False).order_by("name"))
    current = selectors.matrix_of(company=company)
    form = MatrixForm(request.POST or None, initial=MatrixForm.initial_from(current),
                      factors=factors, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            services.matrix_set(company=company, cells=form.cells())
        except ValidationError as error:
            add_service_errors(form, error, field_map={f.key: f"accountable_{f.key}" for f in factors})
        else:
            messages.success(request, _("Responsibility matrix saved."))
            return redirect("audits:matrix", company_slug=company_slug)
    context = {"form": form, "departments": departments, "matrix": current.values(), "can_manage": can_manage}
    return render(request, "audits/config/matrix.html", context, status=400 if form.errors else 200)


# ---------------------------------------------------------------- schedule

@GET_POST
@require_permission("manage_audits")
def schedule(request, company_slug):
    """Cadence, opening day and answer window, with the next round's period and opening moment."""
    company = request.company
    current = selectors.schedule_for(company=company)
    form = ScheduleForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_update(company=company, expected_version=form.expected_version(), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Audit schedule saved."))
            return redirect("audits:schedule", company_slug=company_slug)
    # The preview uses the saved schedule: an invalid form must not feed the period arithmetic.
    saved = selectors.schedule_for(company=company)
    period, opening = selectors.next_round_opening(company=company, schedule=saved)
    context = {
        "form": form, "next_period": period.name, "next_opening": timezone.localtime(opening, company.tzinfo),
        "current_period": services.current_period(company=company, schedule=saved).name,
    }
    return render(request, "audits/config/schedule.html", context, status=400 if form.errors else 200)


# ---------------------------------------------------------------- questionnaires

@require_GET
@require_permission("view_questionnaires")
def questionnaire_list(request, company_slug):
    versions = selectors.questionnaires_of(company=request.company)
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_manage": request.membership.can("manage_audits")}
    return render(request, "audits/config/questionnaire_list.html", context)


@require_GET
@require_permission("view_questionnaires")
def questionnaire_detail(request, company_slug, questionnaire_pk):
    """One version's questions grouped by factor, in both languages."""
    questionnaire = company_questionnaire(request, questionnaire_pk)
    context = {
        "questionnaire": questionnaire,
        "groups": selectors.questions_by_factor(questionnaire=questionnaire),
        "can_manage": request.membership.can("manage_audits"),
        "title_form": QuestionnaireTitleForm(initial={"title": questionnaire.title}),
    }
    return render(request, "audits/config/questionnaire_detail.html", context)


@require_POST
@require_permission("manage_audits")
def questionnaire_copy(request, company_slug, questionnaire_pk):
    """A new draft version with copies of every question."""
    copy = services.questionnaire_copy(questionnaire=company_questionnaire(request, questionnaire_pk), by=request.user)
    messages.success(request, _("Draft version %(version)s created; edit it, then publish it.") % {"version": copy.version})
    return to_detail(copy)


@require_POST
@require_permission("manage_audits")
def questionnaire_rename(request, company_slug, questionnaire_pk):
    questionnaire = editable_questionnaire(request, questionnaire_pk)
    if questionnaire is None:
        return redirect("audits:questionnaire_detail", company_slug=company_slug, questionnaire_pk=questionnaire_pk)
    form = QuestionnaireTitleForm(request.POST)
    if form.is_valid():
        services.questionnaire_update(questionnaire=questionnaire, by=request.user, title=form.cleaned_data["title"])
        messages.success(request, _("Title saved."))
    else:
        messages.error(request, " ".join(form.errors["title"]))
    return to_detail(questionnaire)


@GET_POST
@require_permission("manage_audits")
def questionnaire_publish(request, company_slug, questionnaire_pk):
    """Confirmation page, then publish: new rounds use this version; audits already open keep theirs."""
    questionnaire = editable_questionnaire(request, questionnaire_pk)
    if questionnaire is None:
        return redirect("audits:questionnaire_detail", company_slug=company_slug, questionnaire_pk=questionnaire_pk)
    error = None
    if request.method == "POST":
        try:
            services.questionnaire_publish(questionnaire=questionnaire, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Version %(version)s is published.") % {"version": questionnaire.version})
            return to_detail(questionnaire)
    current = selectors.current_questionnaire(company=request.company)
    context = {"questionnaire": questionnaire, "current": current, "error": error}
    return render(request, "audits/config/questionnaire_publish.html", context, status=400 if error else 200)


# ---------------------------------------------------------------- questions of a draft

@GET_POST
@require_permission("manage_audits")
def question_add(request, company_slug, questionnaire_pk):
    questionnaire = editable_questionnaire(request, questionnaire_pk)
    if questionnaire is None:
        return redirect("audits:questionnaire_detail", company_slug=company_slug, questionnaire_pk=questionnaire_pk)
    initial = {"factor": request.GET.get("factor", ""), "weight": 1, "required": True}
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(questionnaire=questionnaire, by=request.user, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Question added."))
            return to_detail(questionnaire)
    context = {"questionnaire": questionnaire, "form": form, "question": None}
    return render(request, "audits/config/question_form.html", context, status=400 if form.errors else 200)


def draft_question(request, questionnaire_pk, question_pk):
    """(questionnaire, question) of a draft, or (None, None) after the frozen message; 404 for unknown ids."""
    questionnaire = company_questionnaire(request, questionnaire_pk)
    question = get_object_or_404(questionnaire.questions.select_related("factor"), pk=question_pk)
    if questionnaire.is_frozen:
        messages.error(request, services.FROZEN_MESSAGE)
        return None, None
    return questionnaire, question


@GET_POST
@require_permission("manage_audits")
def question_edit(request, company_slug, questionnaire_pk, question_pk):
    questionnaire, question = draft_question(request, questionnaire_pk, question_pk)
    if question is None:
        return redirect("audits:questionnaire_detail", company_slug=company_slug, questionnaire_pk=questionnaire_pk)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_from(question), version=question.lock_version)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, by=request.user, expected_version=form.expected_version(),
                                     **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Question saved."))
            return to_detail(questionnaire)
    context = {"questionnaire": questionnaire, "form": form, "question": question}
    return render(request, "audits/config/question_form.html", context, status=400 if form.errors else 200)


@GET_POST
@require_permission("manage_audits")
def question_delete(request, company_slug, questionnaire_pk, question_pk):
    """Confirmation page, then delete the question from the draft."""
    questionnaire, question = draft_question(request, questionnaire_pk, question_pk)
    if question is None:
        return redirect("audits:questionnaire_detail", company_slug=company_slug, questionnaire_pk=questionnaire_pk)
    if request.method == "POST":
        services.question_delete(question=question, by=request.user)
        messages.success(request, _("Question deleted."))
        return to_detail(questionnaire)
    return render(request, "audits/config/question_delete.html", {"questionnaire": questionnaire, "question": question})
