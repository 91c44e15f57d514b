"""Department-audit pages: rounds, the answer form (with its JSON autosave endpoint), submit, reopen, evidence,
action items.

The middleware has resolved `request.company`, checked the membership (404 otherwise) and entered the company's
scope. Objects are looked up from the company, so another company's id is a 404; the role decides 403.
Writes go through audits.services; their ValidationErrors land on the forms, never as a 500.
"""

import os
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.files import serve_attachment
from accounts.forms import add_service_errors
from accounts.models import Role
from accounts.permissions import require_permission

from . import selectors, services
from .forms import (
    ActionFilterForm,
    ActionItemForm,
    ActionStatusForm,
    AnswerForm,
    ReopenForm,
    answer_prefix,
    initial_of,
)
from .models import (
    OPEN_ACTION_STATUSES,
    OPEN_STATUSES,
    ActionItem,
    Answer,
    AnswerRevision,
    DepartmentAudit,
    Factor,
    FactorScore,
    QuestionKind,
)

PAGE_SIZE = 25
ANSWER_PREFIX = re.compile(r"q\d+")  # forms.answer_prefix
GET_POST = require_http_methods(["GET", "POST"])


# ---------------------------------------------------------------- access helpers

def require_audit_access(request):
    """Rounds and audits are for those who see all audits or answer their own (403 for the rest)."""
    membership = request.membership
    if not (membership.can("view_all_audits") or membership.can("answer_own_audits")):
        raise PermissionDenied


def visible_audit(request, audit_pk):
    """The company's audit (404 otherwise) if this member may see it (403 otherwise)."""
    audit = get_object_or_404(
        DepartmentAudit.objects.filter(company=request.company).select_related(
            "round", "round__questionnaire", "department", "submitted_by"
        ),
        pk=audit_pk,
    )
    if not selectors.can_view_audit(membership=request.membership, audit=audit):
        raise PermissionDenied
    return audit


def answerable_audit(request, audit_pk):
    """A visible audit that this member answers (their own department's, as its head); 403 otherwise."""
    audit = visible_audit(request, audit_pk)
    if not selectors.can_answer_audit(membership=request.membership, audit=audit):
        raise PermissionDenied
    return audit


def page_of(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def error_text(error):
    return " ".join(error.messages)


# ---------------------------------------------------------------- rounds

@require_GET
def round_list(request, company_slug):
    require_audit_access(request)
    membership, company = request.membership, request.company
    rounds = selectors.rounds_of(company=company)
    if not membership.can("view_all_audits"):
        rounds = rounds.filter(audits__department_id=membership.department_id).distinct()
    context = {"page": page_of(request, rows=rounds), "can_open": membership.can("manage_audits")}
    if context["can_open"]:
        schedule = selectors.schedule_for(company=company)
        period = services.current_period(company=company, schedule=schedule)
        context["current_period"] = period.name
        context["current_round"] = company.audit_rounds.filter(period=period.name).first()
    return render(request, "audits/round_list.html", context)


@require_POST
@require_permission("manage_audits")
def round_open_now(request, company_slug):
    """Open the current period's round now; an existing round is reported, not opened twice."""
    try:
        round, created = services.round_open(company=request.company, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("audits:round_list", company_slug=company_slug)
    if created:
        messages.success(request, _("The %(period)s round is open.") % {"period": round.period})
    else:
        messages.info(request, _("The %(period)s round is already open.") % {"period": round.period})
    return redirect("audits:round_detail", company_slug=company_slug, round_pk=round.pk)


@require_GET
def round_detail(request, company_slug, round_pk):
    require_audit_access(request)
    membership = request.membership
    round = get_object_or_404(selectors.rounds_of(company=request.company), pk=round_pk)
    audits = selectors.audits_of_round(round=round).prefetch_related(
        Prefetch("factor_scores", queryset=FactorScore.objects.select_related("factor"))
    )
    if not membership.can("view_all_audits"):
        audits = audits.filter(department_id=membership.department_id)
        if not audits.exists():
            raise PermissionDenied
    factors = list(Factor.objects.all())
    rows = [audit_row(audit, factors) for audit in audits]
    context = {"round": round, "rows": rows, "factors": factors, "scores": selectors.round_scores(round=round)}
    return render(request, "audits/round_detail.html", context)


def audit_row(audit, factors):
    """One department's line on the round page: status, punctuality and its stored factor scores."""
    scores = {score.factor_id: score for score in audit.factor_scores.all()}
    return {"audit": audit, "punctuality": punctuality(audit), "cells": [scores.get(factor.pk) for factor in factors]}


def punctuality(audit):
    """"on_time", "late", "overdue" (not submitted, deadline passed) or "pending"."""
    if audit.first_submitted_at is not None:
        return "on_time" if audit.first_submitted_at <= audit.deadline else "late"
    return "overdue" if audit.deadline < timezone.now() else "pending"


# ---------------------------------------------------------------- one department audit

@require_GET
@require_permission("answer_own_audits")
def my_audit(request, company_slug):
    """The department head's current open audit, or a page saying there is none."""
    membership = request.membership
    audit = (
        DepartmentAudit.objects.filter(company=request.company, department_id=membership.department_id,
                                       status__in=OPEN_STATUSES)
        .order_by("-round__period_start").first()
    )
    if audit is not None:
        return redirect("audits:audit_detail", company_slug=company_slug, audit_pk=audit.pk)
    return render(request, "audits/my_audit_none.html")


@GET_POST
def audit_detail(request, company_slug, audit_pk):
    """The answer form for the department's head while the audit is open; a read-only report otherwise."""
    audit = visible_audit(request, audit_pk)
    can_answer = selectors.can_answer_audit(membership=request.membership, audit=audit)
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied
        if not audit.is_open:
            messages.error(request, _("This audit has been submitted; ask an admin to reopen it to change answers."))
            return redirect("audits:audit_detail", company_slug=company_slug, audit_pk=audit.pk)
        forms = bound_forms(request, audit)
        try:
            failed = save_forms(request, audit, forms)
        except services.AuditNotEditable as error:
            messages.error(request, error_text(error))
            return redirect("audits:audit_detail", company_slug=company_slug, audit_pk=audit.pk)
        if not failed:
            messages.success(request, _("Draft saved."))
            return redirect("audits:audit_detail", company_slug=company_slug, audit_pk=audit.pk)
        return render_answer_form(request, audit, forms, status=400)
    if can_answer and audit.is_open:
        return render_answer_form(request, audit, forms=None)
    return render_report(request, audit)


def bound_forms(request, audit):
    """question id → AnswerForm bound to the POST (and its files) for every question the POST carries inputs of.

    A question with no input in the POST is left alone, so a bare "Submit" never blanks saved answers.
    """
    posted = {key.split("-", 1)[0] for key in (*request.POST.keys(), *request.FILES.keys())}
    if not any(ANSWER_PREFIX.fullmatch(prefix) for prefix in posted):
        return {}  # a bare "Submit" (the page autosaves): nothing to read
    answers = {answer.question_id: answer for answer in audit.answers.all()}
    return {
        question.pk: AnswerForm(request.POST, request.FILES, question=question, answer=answers.get(question.pk))
        for question in services.audit_questions(audit)
        if answer_prefix(question) in posted
    }


def save_forms(request, audit, forms):
    """Save every changed answer on its own (one bad answer never blocks the others); returns the failed forms."""
    failed = []
    for form in forms.values():
        if not form.is_valid():
            failed.append(form)
            continue
        if not form.has_changed():
            continue
        try:
            with transaction.atomic():
                services.answer_save(audit=audit, question=form.question, by=request.user, **form.service_values())
        except services.AuditNotEditable:
            raise
        except ValidationError as error:
            add_service_errors(form, error)
            failed.append(form)
    return failed


def render_answer_form(request, audit, forms, missing=None, status=200):
    """The answer page; `forms` (bound, with errors) keep what the user typed, else forms show the stored answers."""
    sheet = selectors.audit_sheet(audit=audit)
    missing = missing or {}
    for group in sheet.groups:
        for row in group.rows:
            question = row.question
            row.form = (forms or {}).get(question.pk) or AnswerForm(question=question, answer=row.answer)
            row.prefix = answer_prefix(question)
            row.state = answer_state(audit=audit, question=question, answer=row.answer)
            row.choices = choices_of(row.form)
            row.missing = missing.get(str(question.pk))
    missing_rows = [row for group in sheet.groups for row in group.rows if row.missing]
    error_rows = [row for group in sheet.groups for row in group.rows if row.form.errors and not row.missing]
    context = {
        "audit": audit, "sheet": sheet, "missing_rows": missing_rows, "error_rows": error_rows,
        "transitions": selectors.audit_transitions(audit=audit),
    }
    return render(request, "audits/audit_form.html", context, status=status)


def choices_of(form):
    """(value, label, checked) for the scale steps or yes/no of a question, from the form's current value."""
    question = form.question
    if question.kind == QuestionKind.SCALE:
        current = form["scale_value"].value()
        labels = question.labels()
        return [
            (str(step), labels[step - 1] if len(labels) >= step else "", str(current) == str(step))
            for step in range(1, 6)
        ]
    if question.kind == QuestionKind.YES_NO:
        current = form["bool_value"].value()
        return [(value, label, current == value) for value, label in form.fields["bool_value"].choices]
    return []


def render_report(request, audit):
    """Read-only audit: factor scores, answers, history; admins and executives also see answer revisions."""
    sheet = selectors.audit_sheet(audit=audit)
    show_revisions = request.membership.can("view_all_audits")
    revisions = {}
    if show_revisions:
        rows = AnswerRevision.objects.filter(company=request.company, answer__audit=audit).select_related("changed_by")
        for revision in rows:
            revisions.setdefault(revision.answer_id, []).append(revision)
    for group in sheet.groups:
        for row in group.rows:
            row.revisions = revisions.get(row.answer.pk, []) if row.answer else []
    context = {
        "audit": audit, "sheet": sheet, "transitions": selectors.audit_transitions(audit=audit),
        "show_revisions": show_revisions, "can_reopen": request.membership.can("manage_audits"),
        "can_raise_actions": request.membership.can("manage_action_items"),
    }
    return render(request, "audits/audit_report.html", context)


@require_POST
def answer_save(request, company_slug, audit_pk):
    """Autosave of one answer (JSON): 200 with the progress, 400 with field errors, 409 when submitted.

    Every answer carries `answer`, the stored state re-read from the database after the save (or, when the
    save was refused, the state that is still stored): the page renders the question from it, so what the
    page shows is what is stored, never what it sent (issue 12, rule 8).

    It runs on every pause in typing, so it reads each row once (issue 15: at most ten statements): the
    member's own audit locked with its round (the lock order's step 1, first in the request's transaction,
    which accounts.transactions runs again on a deadlock), the answer with its question, the write and its log
    entry, then the progress with the answer re-read. A refused save has written nothing.
    """
    audit = services.audit_lock_answerable(membership=request.membership, audit_pk=audit_pk)
    if audit is None:
        answerable_audit(request, audit_pk)  # another company's (404) or not this member's to answer (403)
        raise PermissionDenied
    if not audit.is_open:
        return JsonResponse({"error": not_editable_message()}, status=409)
    answer, question = services.answer_of(audit=audit, question_id=request.POST.get("question"))
    if question is None:
        return JsonResponse({"errors": {"question": [_("This question is not part of this audit.")]}}, status=400)
    form = AnswerForm(request.POST, request.FILES, question=question, answer=answer)
    if not form.is_valid():
        return refused(audit, question, status=400, errors=form_errors(form))
    try:
        services.answer_save_locked(audit=audit, question=question, answer=answer, by=request.user,
                                    **form.service_values())
    except services.AuditNotEditable as error:
        return refused(audit, question, status=409, error=error_text(error))
    except ValidationError as error:
        add_service_errors(form, error)
        return refused(audit, question, status=400, errors=form_errors(form))
    answered, total, stored = selectors.audit_progress_with_answers(audit=audit)
    state = answer_state(audit=audit, question=question, answer=stored.get(question.pk))
    return JsonResponse({
        "saved": True, "question": question.pk, "is_answered": state["is_answered"],
        "answered": answered, "total": total, "progress": progress_text(answered, total),
        "evidence_file": state["evidence_file"], "answer": state,
    })


def refused(audit, question, *, status, **body):
    """A refused autosave: the errors and the answer as it is still stored (the save changed nothing)."""
    stored = Answer.objects.filter(company=audit.company, audit=audit, question=question).first()
    return JsonResponse({**body, "saved": False, "question": question.pk,
                         "answer": answer_state(audit=audit, question=question, answer=stored)}, status=status)


def answer_state(*, audit, question, answer):
    """The stored answer as the page's inputs show it (value as the form spells it, "" for none).

    `updated_at` is the answer's revision marker: it changes with every stored change, so a client can tell
    which of two responses is newer.
    """
    initial = initial_of(answer)
    value = initial.get(AnswerForm.VALUE_FIELDS[question.kind])
    has_file = answer is not None and bool(answer.evidence_file)
    return {
        "question": question.pk, "kind": question.kind, "value": "" if value is None else str(value),
        "not_applicable": bool(initial.get("not_applicable")), "comment": initial.get("comment", ""),
        "evidence_url": initial.get("evidence_url", ""),
        "evidence_file": os.path.basename(answer.evidence_file.name) if has_file else "",
        "evidence_file_url": reverse("audits:evidence_download", kwargs={
            "company_slug": audit.company.slug, "audit_pk": audit.pk, "answer_pk": answer.pk}) if has_file else "",
        "is_answered": answer is not None and answer.is_answered,
        "updated_at": answer.updated_at.isoformat() if answer is not None else None,
    }


def not_editable_message():
    return _("This audit has been submitted; ask an admin to reopen it to change answers.")


def question_of(audit, raw_id):
    """The audit's question with this id, or None for anything else (foreign ids, junk)."""
    try:
        question_id = int(raw_id)
    except (TypeError, ValueError):
        return None
    return services.audit_questions(audit).filter(pk=question_id).first()


def form_errors(form):
    """Field name (without the question prefix) → messages; form-wide errors under "__all__"."""
    return {name: [str(message) for message in errors] for name, errors in form.errors.items()}


def progress_text(answered, total):
    return ngettext("%(answered)s of %(total)s question answered", "%(answered)s of %(total)s questions answered",
                    total) % {"answered": answered, "total": total}


@require_POST
def audit_copy_previous(request, company_slug, audit_pk):
    """"Start from last round": copy the previous round's answers into the unanswered questions."""
    audit = answerable_audit(request, audit_pk)
    try:
        copied = services.answers_copy_from_previous(audit=audit, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if copied:
            messages.success(request, ngettext("%(count)s answer copied from the last round.",
                                               "%(count)s answers copied from the last round.", copied)
                             % {"count": copied})
        else:
            messages.info(request, _("Nothing to copy: there is no earlier answer for the unanswered questions."))
    return redirect("audits:audit_detail", company_slug=company_slug, audit_pk=audit.pk)


@require_POST
def audit_submit(request, company_slug, audit_pk):
    """Save what the form carries, then submit; missing answers re-render the form pointing at each question.

    The member's own audit is locked first in the request's transaction (the lock order's step 1)."""
    audit = services.audit_lock_answerable(membership=request.membership, audit_pk=audit_pk)
    if audit is None:
        answerable_audit(request, audit_pk)  # another company's (404) or not this member's to answer (403)
        raise PermissionDenied
    if not audit.is_open:
        messages.error(request, not_editable_message())
        return redirect("audits:audit_detail", company_slug=request.company.slug, audit_pk=audit.pk)
    forms = bound_forms(request, audit)
    failed = save_forms(request, audit, forms)
    if failed:
        return render_answer_form(request, audit, forms, status=400)
    try:
        # Refuses (missing answers) before it writes anything: the answers saved above are kept.
        services.audit_submit_locked(audit=audit, by=request.user)
    except ValidationError as error:
        missing = {key: error_text(ValidationError(value)) for key, value in error.message_dict.items()} \
            if hasattr(error, "error_dict") else {}
        if not missing:
            messages.error(request, error_text(error))
        return render_answer_form(request, audit, forms, missing=missing, status=400)
    messages.success(request, _("The audit is submitted. Thank you!"))
    return redirect("audits:audit_detail", company_slug=request.company.slug, audit_pk=audit.pk)


@GET_POST
@require_permission("manage_audits")
def audit_reopen(request, company_slug, audit_pk):
    """An admin reopens a submitted audit; the reason is required and kept in the history."""
    audit = visible_audit(request, audit_pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_reopen(audit=audit, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The audit is reopened; the department head can change the answers."))
            return redirect("audits:audit_detail", company_slug=company_slug, audit_pk=audit.pk)
    status = 400 if form.errors else 200
    return render(request, "audits/audit_reopen.html", {"audit": audit, "form": form}, status=status)


@require_GET
def evidence_download(request, company_slug, audit_pk, answer_pk):
    """An uploaded evidence file, always as a download (never rendered in the browser)."""
    audit = visible_audit(request, audit_pk)
    answer = get_object_or_404(Answer.objects.filter(company=request.company, audit=audit).exclude(evidence_file=""),
                               pk=answer_pk)
    return serve_attachment(answer.evidence_file)


# ---------------------------------------------------------------- action items

def visible_action_items(membership):
    """Admins and executives see every item; department heads theirs and their department's; others their own."""
    items = ActionItem.objects.filter(company=membership.company)
    if membership.can("manage_action_items"):
        return items
    mine = Q(owner=membership)
    if membership.role == Role.DEPARTMENT_HEAD and membership.department_id:
        mine |= Q(audit__department_id=membership.department_id) | Q(owner__department_id=membership.department_id)
    return items.filter(mine)


@require_GET
@require_permission("view_action_items")
def action_list(request, company_slug):
    company = request.company
    form = ActionFilterForm(request.GET or None, company=company)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status") or None
    overdue = {"yes": True, "no": False}.get(filters.get("overdue") or "")
    items = selectors.action_items_of(
        company=company, status=list(OPEN_ACTION_STATUSES) if status == "active" else status,
        factor=filters.get("factor"), owner=filters.get("owner"), overdue=overdue,
    ).filter(pk__in=visible_action_items(request.membership).values("pk"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "page": page_of(request, items), "query": query.urlencode(),
        "can_create": request.membership.can("manage_action_items"),
        "today": services.local_date(company, timezone.now()),
    }
    return render(request, "audits/action_list.html", context)


def linked_objects(request):
    """The answer, audit, round and factor an action item is raised from (?answer=, ?audit=, ?round=, ?factor=)."""
    company, links = request.company, {}
    sources = {
        "answer": Answer.objects.filter(company=company).select_related("question__factor", "audit__round",
                                                                         "audit__department__head"),
        "audit": DepartmentAudit.objects.filter(company=company).select_related("round", "department__head"),
        "round": company.audit_rounds.all(),
    }
    for name, rows in sources.items():
        raw = request.GET.get(name)
        if raw:
            if not raw.isdigit():
                raise Http404
            links[name] = get_object_or_404(rows, pk=int(raw))
    factor_key = request.GET.get("factor")
    if factor_key:
        links["factor"] = get_object_or_404(Factor.objects.all(), key=factor_key)
    return links


def prefill(links):
    """Initial form values from what the item is raised from."""
    answer, audit = links.get("answer"), links.get("audit")
    initial = {}
    if answer is not None:
        initial["title"] = (_("Improve: %(question)s") % {"question": answer.question.text})[:200]
        initial["factor"] = answer.question.factor
        audit = audit or answer.audit
    if links.get("factor") is not None:
        initial["factor"] = links["factor"]
    if audit is not None and audit.department.head_id:
        initial["owner"] = audit.department.head
    return initial


@GET_POST
@require_permission("manage_action_items")
def action_create(request, company_slug):
    links = linked_objects(request)
    form = ActionItemForm(request.POST or None, initial=prefill(links), company=request.company)
    del form.fields["status"]
    if request.method == "POST" and form.is_valid():
        try:
            item = services.action_item_create(
                company=request.company, by=request.user, answer=links.get("answer"), audit=links.get("audit"),
                round=links.get("round"), **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Action item “%(title)s” created.") % {"title": item.title})
            return redirect("audits:action_list", company_slug=company_slug)
    status = 400 if form.errors else 200
    return render(request, "audits/action_form.html", {"form": form, "links": links}, status=status)


@GET_POST
def action_edit(request, company_slug, action_item_pk):
    """Admins and executives edit every field; the owner changes the status; department heads may look."""
    membership = request.membership
    item = get_object_or_404(request.company.action_items.select_related("factor", "owner__user", "audit", "round"),
                             pk=action_item_pk)
    if membership.can("manage_action_items"):
        form = ActionItemForm(request.POST or None, instance=item, company=request.company)
    elif item.owner_id == membership.pk and membership.is_active:
        form = ActionStatusForm(request.POST or None, initial={"status": item.status}, version=item.lock_version)
    elif visible_action_items(membership).filter(pk=item.pk).exists() and request.method == "GET":
        form = None
    else:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data if isinstance(form, ActionStatusForm) else {
            name: form.cleaned_data[name] for name in services.ACTION_FIELDS
        }
        item.refresh_from_db()
        try:
            services.action_item_update(item=item, by=request.user, expected_version=form.expected_version(), **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Action item “%(title)s” saved.") % {"title": item.title})
            return redirect("audits:action_list", company_slug=company_slug)
    status = 400 if form is not None and form.errors else 200
    return render(request, "audits/action_edit.html", {"item": item, "form": form}, status=status)

