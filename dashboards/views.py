"""Dashboard pages. Rows come from selectors; charts are drawn in the browser from the API's figure JSON."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.transaction import non_atomic_requests
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe
from rest_framework.renderers import JSONRenderer

from accounts.permissions import require_permission
from accounts.url_templates import url_template
from audits.models import Factor, FactorKey
from audits.scoring import ACCOUNTABLE_WEIGHT

from . import (
    access,
    api,
    catalogue,
    exports,
    headlines,
    narrative,
    pdf,
    png,
    readmodel,
    selectors,
    services,
    story,
    tables,
)
from .filters import Filters, parse_filters, unfiltered
from .models import DashboardSettings


def read_only(view):
    """GET/HEAD only (405 otherwise), outside a request transaction: these pages only read, and on SQLite
    a request transaction would take the write lock."""
    return non_atomic_requests(require_safe(view))


# What a JSON data block must escape to stay one (as django.utils.html.json_script): no "</script>", no "<!--".
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

EXECUTIVE_ORDER = ["system-index", "factors", "latest-vs-previous", "heatmap", "completion-rounds",
                   "completion-departments", "movers", "open-actions"]


def api_url(name, company, query, **kwargs):
    url = reverse(name, kwargs={"company_slug": company.slug, **kwargs})
    return f"{url}?{urlencode(query)}" if query else url


def chart_url(name, slot, company, query, **kwargs):
    """A function of a chart's name giving its link, `slot` being the route argument that takes the name
    (accounts.url_templates: one reverse() per kind of link instead of one per chart)."""
    link = url_template(name, slot, company_slug=company.slug, **kwargs)
    suffix = f"?{urlencode(query)}" if query else ""
    return lambda chart_name: link(chart_name) + suffix


def chart_cards(charts_with_rows, *, company, query, api_name, export_name, extra=None, tables=True):
    """Template context per chart: title, summary, table, the figure URL and the export links.

    With tables=False the page leaves each "show as table" to be filled in the browser from the same
    figure JSON that draws the chart (the executive page's full-range tables are the bulk of its HTML).
    """
    extra = extra or {}
    figure_url = chart_url(api_name, "chart", company, query, **extra)
    csv_url = chart_url(export_name, "dataset", company, query, fmt="csv", **extra)
    xlsx_url = chart_url(export_name, "dataset", company, query, fmt="xlsx", **extra)
    png_url = chart_url("dashboards:png", "chart", company, query) if not extra else (lambda _name: "")
    links = catalogue.Links(company.slug)
    return [{
        "name": chart.name, "title": chart.title, "summary": chart.summary(rows),
        "table": catalogue.chart_table(chart, rows, links) if tables else None,
        "figure_url": figure_url(chart.name), "csv_url": csv_url(chart.name), "xlsx_url": xlsx_url(chart.name),
        "png_url": png_url(chart.name),
    } for chart, rows in charts_with_rows]


def next_steps(company):
    """Links for an empty company: set the matrix, open the first round (only routes that exist)."""
    candidates = [
        (gettext_lazy("Set the responsibility matrix: who is accountable for each factor."),
         ["audits:matrix", "audits:responsibility_matrix", "audits:matrix_edit"]),
        (gettext_lazy("Check the questionnaire the departments will answer."),
         ["audits:questionnaire_list", "audits:questionnaires"]),
        (gettext_lazy("Open the first audit round (or let the schedule open it)."),
         ["audits:round_open", "audits:round_create", "audits:round_list", "audits:schedule"]),
    ]
    steps = []
    for text, names in candidates:
        url = next(filter(None, (catalogue.optional_url(n, company_slug=company.slug) for n in names)), "")
        steps.append({"text": text, "url": url})
    return steps


def render_filter_errors(request, template, context, form):
    return render(request, template, {**context, "form": form, "invalid": True}, status=400)


def validated_filters(request):
    form = access.filter_form(request, request.GET)
    return form, (form.filters() if form.is_valid() else None)


@read_only
@require_permission("view_company_dashboard")
def executive(request, company_slug):
    """The executive dashboard: every chart of the company, filtered by period range and department."""
    company = request.company
    png_available = png.available()
    form, filters = (None, Filters()) if unfiltered(request.GET) else validated_filters(request)
    if filters is None:
        return render_filter_errors(request, "dashboards/executive.html", {"png_available": png_available}, form)
    figures_html = readmodel.body(
        # v2: the fragment carries each chart's figure JSON (a fragment stored by older code would not).
        company=company, filters=filters, name=f"page:executive:v2:png{int(png_available)}",
        render=lambda figures: executive_figures(company, filters, figures, png_available=png_available))
    if figures_html is None:
        return render(request, "dashboards/executive.html", {"empty": True, "steps": next_steps(company)})
    # Rendered by executive_figures from the filters and figures alone (every value escaped there), stored as UTF-8.
    return render(request, "dashboards/executive.html", {"figures_html": mark_safe(figures_html.decode())})  # noqa: S308


def executive_figures(company, filters, figures, *, png_available):
    """The executive page below its title as UTF-8 HTML: the filters as applied (a form over their canonical
    values, so the same for every request of the view) and the figures. None for a company without any round
    (the page then shows the next steps instead)."""
    overview, extra = figures
    if not overview.rounds and not company.audit_rounds.exists():  # none in range, and none at all
        return None
    query = filters.query()
    cards = chart_cards([(catalogue.COMPANY_CHARTS[n], catalogue.COMPANY_CHARTS[n].pick(overview))
                         for n in EXECUTIVE_ORDER], company=company, query=query,
                        api_name="api-dashboard-chart", export_name="dashboards:export", tables=False)
    for card in cards:  # the chart API's JSON in the page: charts.js draws without a request per chart
        chart = catalogue.COMPANY_CHARTS[card["name"]]
        card["figure_json"] = figure_json(api.chart_payload(chart, chart.pick(overview), company),
                                          f"figure-json-{chart.name}")
    sentences = narrative.headline_sentences(overview, extra=extra)
    form = parse_filters(query, company=company)
    form.is_valid()  # bound to valid filters: the fields show their cleaned values
    return render_to_string("dashboards/_executive_figures.html", {
        "company": company, "png_available": png_available, "form": form,
        "clear_url": reverse("dashboards:executive", kwargs={"company_slug": company.slug}),
        "story": overview.story, "latest": overview.story.latest,
        "latest_round": overview.rounds[-1] if overview.rounds else None, "cards": cards,
        "sentences": [s for s in sentences if s.kind != "team"],
        "headlines": [s for s in sentences if s.kind == "team"],
        "factors": overview.heatmap.factors,
        "scores_csv": api_url("dashboards:export", company, query, dataset="scores", fmt="csv"),
        "scores_xlsx": api_url("dashboards:export", company, query, dataset="scores", fmt="xlsx"),
        "report_url": api_url("dashboards:report", company, query),
    }).encode()


def figure_json(payload, element_id):
    """A chart's payload as a JSON data block (never executed, so the CSP needs no inline script), rendered by the
    API's own JSON renderer: the same bytes the chart endpoint sends, but for the escapes that keep the block one."""
    text = JSONRenderer().render(payload).decode().translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text))  # noqa: S308


@read_only
@require_permission("view_department_dashboard")
def my_department(request, company_slug):
    """A department head's way in: their own department's dashboard."""
    department = access.own_department(request, request.membership)
    if department is None:
        return render(request, "dashboards/no_department.html", status=404)
    return redirect("dashboards:department", company_slug=company_slug, department_id=department.pk)


@read_only
@require_permission("view_department_dashboard")
def department(request, company_slug, department_id):
    """One department over time: its factors, completion record, open actions, company lines for context."""
    company = request.company
    dept = access.department_for(request, department_id, request.membership)
    form, filters = validated_filters(request)
    context = {"form": form, "department": dept, "png_available": False}
    if filters is None:
        return render_filter_errors(request, "dashboards/department.html", context, form)
    filters = filters.with_department(dept)
    names = ["department-factors", "department-completion"]
    if access.may_see_company_lines(request.membership, company):
        names.append("company-factors")
    story_overview = readmodel.overview(company=company, filters=filters)
    charts = [catalogue.DEPARTMENT_CHARTS[n] for n in names]
    # The department's own charts pick from its overview (read once); company lines load the company's.
    charts_with_rows = [(c, c.pick(story_overview) if c.pick else c.load(company, filters)) for c in charts]
    query = {k: v for k, v in filters.query().items() if k in ("from", "to")}
    cards = chart_cards(charts_with_rows, company=company, query=query, api_name="api-department-dashboard-chart",
                        export_name="dashboards:department_export", extra={"department_id": dept.pk})
    return render(request, "dashboards/department.html", {
        **context, "cards": cards, "query": query, "story": story_overview.story,
        "sentences": narrative.headline_sentences(story_overview),
        "actions": selectors.department_actions(company=company, department=dept),
        "scores_csv": api_url("dashboards:department_export", company, query, department_id=dept.pk,
                              dataset="scores", fmt="csv"),
        "is_company_viewer": request.membership.can("view_company_dashboard"),
    })


@read_only
@require_permission("view_company_dashboard")
def factor(request, company_slug, factor_key):
    """One factor across departments over time."""
    if factor_key not in FactorKey.values:
        raise Http404
    company = request.company
    factor_obj = Factor.objects.get(key=factor_key)
    form, filters = validated_filters(request)
    context = {"form": form, "factor": factor_obj, "png_available": png.available()}
    if filters is None:
        return render_filter_errors(request, "dashboards/factor.html", context, form)
    filters = Filters(filters.period_from, filters.period_to, filters.department, filters.round_period, factor_key)
    chart = catalogue.FACTOR_CHART
    query = filters.query()
    cards = chart_cards([(chart, chart.load(company, filters))], company=company, query=query,
                        api_name="api-dashboard-chart", export_name="dashboards:export")
    return render(request, "dashboards/factor.html", {**context, "cards": cards})


@read_only
@require_permission("view_department_dashboard")
def audit(request, company_slug, audit_id):
    """One department audit's stored factor scores, with a link to the audit itself when that page exists."""
    audit_obj, scores = selectors.audit_scores(company=request.company, audit_id=audit_id)
    if audit_obj is None:
        raise Http404
    if not access.can_see_department(request.membership, audit_obj.department):
        raise PermissionDenied
    audit_page = (catalogue.optional_url("audits:audit_detail", company_slug=company_slug, pk=audit_id)
                  or catalogue.optional_url("audits:audit_detail", company_slug=company_slug, audit_id=audit_id))
    return render(request, "dashboards/audit.html", {"audit": audit_obj, "scores": scores, "audit_page": audit_page})


def report_period(request, form, filters):
    """(period, None) of the report's round, or (None, response) for no rounds or an unknown round."""
    company = request.company
    period = filters.round_period or (company.audit_rounds.order_by("-period_start")
                                      .values_list("period", flat=True).first())
    if period is None:
        return None, render(request, "dashboards/report.html", {"form": form, "empty": True,
                                                                "steps": next_steps(company)})
    if not company.audit_rounds.filter(period=period).exists():
        form.add_error("round", forms.ValidationError(_("There is no audit round for %(period)s.")
                                                      % {"period": period}))
        return None, render_filter_errors(request, "dashboards/report.html", {}, form)
    return period, None


def report_context(company, period, department):
    """Everything the quarterly report shows (page and PDF), told from the story of the range ending at `period`."""
    filters = Filters("", period, department, period)
    overview, extra = readmodel.figures(company=company, filters=filters)
    if department is not None:  # a department's figures carry no company headlines; the report shows them
        extra = headlines.extra_headlines(company=company)
    completion = selectors.completion_by_department(company=company, filters=Filters(period, period, department))
    return {
        "period": period, "overview": overview, "story": overview.story, "figure": overview.story.figure(period),
        "sentences": narrative.headline_sentences(overview, extra=extra),
        "factor_table": tables.comparison(overview.comparison),
        "heatmap_table": tables.heatmap(overview.heatmap),
        "movers_table": tables.movers(catalogue.overview_movers(overview)),
        "completion_table": tables.completion_by_department([a for a in completion if a.late or a.missing]),
        "completion_text": catalogue.summary_completion_departments(completion),
        "actions_table": tables.open_actions(overview.actions),
    }


@read_only
@require_permission("view_company_dashboard")
def report(request, company_slug):
    """A printable quarterly report of one round: index, factors, heatmap, movers, overdue, actions."""
    form, filters = validated_filters(request)
    if filters is None:
        return render_filter_errors(request, "dashboards/report.html", {}, form)
    period, response = report_period(request, form, filters)
    if response is not None:
        return response
    return render(request, "dashboards/report.html", {
        "form": form, "pdf_available": pdf.available(), "pdf_url": api_url("dashboards:report_pdf", request.company,
                                                                            filters.query() | {"round": period}),
        **report_context(request.company, period, filters.department)})


@read_only
@require_permission("view_company_dashboard")
def report_pdf(request, company_slug):
    """The quarterly report as a PDF file (vector charts, embedded fonts), for a board pack."""
    form, filters = validated_filters(request)
    if filters is None:
        return bad_filters_response(form)
    if not pdf.available():
        return HttpResponse(_("The PDF report needs Chromium on the server, which is not installed here."),
                            status=501, content_type="text/plain; charset=utf-8")
    period, response = report_period(request, form, filters)
    if response is not None:
        return bad_filters_response(form) if form.errors else response
    context = report_context(request.company, period, filters.department)
    figures = report_figures(context["overview"], catalogue.Links(company_slug))
    body = pdf.report_pdf({**context, "company": request.company, "figures": figures}, request=request)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{request.company.slug}-report-{period}.pdf"'
    return response


def report_figures(overview, links):
    """[(element id, figure)] of the charts the PDF draws; the heatmap gets its colour scale (no CSP in print)."""
    names = ["system-index", "factors", "latest-vs-previous", "heatmap", "movers"]
    figures = []
    for name in names:
        chart = catalogue.COMPANY_CHARTS[name]
        figure = chart.figure(chart.pick(overview), links)
        for trace in figure["data"]:
            if trace.get("type") == "heatmap":
                trace["showscale"] = True
                trace["colorbar"] = {"title": {"text": _("Score")}, "thickness": 12}
        figures.append({"id": f"pdf-{name}", "title": str(chart.title), "figure": figure})
    return figures


def export_rows(request, dataset, filters, charts):
    """(table, filename) for a chart's data or for every score in range."""
    if dataset == "scores":
        return tables.scores(selectors.score_rows(company=request.company, filters=filters)), "scores"
    chart = charts.get(dataset)
    if chart is None:
        raise Http404
    return chart.table(chart.load(request.company, filters)), dataset


def export_response(request, filters, dataset, fmt, charts):
    if fmt not in exports.FORMATS:
        raise Http404
    table, name = export_rows(request, dataset, filters, charts)
    return exports.FORMATS[fmt](table, f"{request.company.slug}-{name}")


def bad_filters_response(form):
    lines = [f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()]
    return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")


@read_only
@require_permission("view_company_dashboard")
def export(request, company_slug, dataset, fmt):
    """CSV or XLSX of one chart's data, or of all scores in the range."""
    form, filters = validated_filters(request)
    if filters is None:
        return bad_filters_response(form)
    charts = {**catalogue.COMPANY_CHARTS, catalogue.FACTOR_CHART.name: catalogue.FACTOR_CHART}
    if dataset == catalogue.FACTOR_CHART.name and not filters.factor_key:
        form.add_error("factor", _("Choose a factor for this export."))
        return bad_filters_response(form)
    return export_response(request, filters, dataset, fmt, charts)


@read_only
@require_permission("view_department_dashboard")
def department_export(request, company_slug, department_id, dataset, fmt):
    """CSV or XLSX of a department dashboard chart's data, or of the department's scores."""
    dept = access.department_for(request, department_id, request.membership)
    form, filters = validated_filters(request)
    if filters is None:
        return bad_filters_response(form)
    charts = dict(catalogue.DEPARTMENT_CHARTS)
    if not access.may_see_company_lines(request.membership, request.company):
        charts.pop("company-factors")
    return export_response(request, filters.with_department(dept), dataset, fmt, charts)


@read_only
@require_permission("view_company_dashboard")
def chart_png(request, company_slug, chart):
    """A chart as a PNG rendered on the server (kaleido + Chromium), when they are installed."""
    spec = catalogue.COMPANY_CHARTS.get(chart)
    if spec is None:
        raise Http404
    if not png.available():
        return HttpResponse(_("Server-side PNG export needs Chromium/kaleido, not available here."), status=501,
                            content_type="text/plain; charset=utf-8")
    form, filters = validated_filters(request)
    if filters is None:
        return bad_filters_response(form)
    figure = spec.figure(spec.load(request.company, filters), catalogue.Links(company_slug))
    response = HttpResponse(png.figure_png(figure), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{request.company.slug}-{chart}.png"'
    return response


@read_only
@require_permission("view_department_dashboard")
def how(request, company_slug):
    """'How we compute': the rules of dashboards/story.py in plain words, with this company's thresholds."""
    rules = selectors.dashboard_rules(company=request.company)
    return render(request, "dashboards/how.html", {
        "rules": rules, "min_change": story.MIN_CHANGE, "max_change": story.MAX_CHANGE, "wobble_multiple": story.WOBBLE_MULTIPLE,
        "accountable_weight": ACCOUNTABLE_WEIGHT, "own_steps": story.MIN_STEPS_FOR_OWN_WOBBLE,
        "can_change": request.membership.can("manage_company"),
    })


class SettingsForm(forms.ModelForm):
    class Meta:
        model = DashboardSettings
        fields = ["show_company_lines_to_heads", "weak_threshold", "change_threshold", "min_coverage"]
        labels = {"show_company_lines_to_heads": gettext_lazy("Show the company's factor lines to department heads")}


@require_permission("manage_company")
@require_http_methods(["GET", "POST"])
def dashboard_settings(request, company_slug):
    """Company admins choose what department heads see and the thresholds of "How we compute"."""
    company = request.company
    instance = selectors.dashboard_settings(company=company)
    form = SettingsForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.dashboard_settings_update(company=company, **form.cleaned_data)
        messages.success(request, _("Dashboard settings saved."))
        return redirect("dashboards:settings", company_slug=company_slug)
    return render(request, "dashboards/settings.html", {"form": form}, status=400 if form.errors else 200)
