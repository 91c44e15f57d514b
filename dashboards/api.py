"""Dashboard API: figure JSON per chart, a summary with sentences, and the data rows.

Company dashboards need "view_company_dashboard"; department dashboards "view_department_dashboard",
and a department head only sees their own department (403 for others, 404 for another company's).
"""

import gzip

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from . import access, catalogue, narrative, readmodel, selectors, services
from .filters import Filters, unfiltered
from .serializers import (
    FILTER_PARAMETERS,
    ChartSerializer,
    DashboardSettingsSerializer,
    DataSerializer,
    SummarySerializer,
)

NOT_FOUND = OpenApiResponse(description="Unknown chart, or another company's department.")
BAD_FILTERS = OpenApiResponse(description="Field errors: unknown period, reversed range, unknown department.")
FORBIDDEN = OpenApiResponse(description="Your role may not see this dashboard.")
CHART_NAMES = sorted([*catalogue.COMPANY_CHARTS, catalogue.FACTOR_CHART.name])


class DashboardAPIView(APIView):
    required_permission = "view_company_dashboard"

    @property
    def membership(self):
        return self.request._request.membership

    def filters(self):
        """Validated filters from the query string, else a 400 with field errors."""
        if unfiltered(self.request.query_params):
            return Filters()
        form = access.filter_form(self.request, self.request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError({field: list(errors) for field, errors in form.errors.items()})
        return form.filters()

    def chart_response(self, chart, company, filters):
        if chart.pick is None:  # rows of their own (not the view's figures): rendered on each request
            return Response(chart_payload(chart, chart.load(company, filters), company))
        return self.stored_json(filters, f"chart:{chart.name}",
                                lambda figures: chart_payload(chart, chart.pick(figures[0]), company))

    def stored_json(self, filters, name, payload):
        """The response of a view of the read model: `payload(figures)` as JSON, stored once per view and sent as
        stored (readmodel.body). Another representation (the browsable API, indented JSON) is rendered as usual."""
        renderer, media_type = self.request.accepted_renderer, self.request.accepted_media_type
        company = self.request.company
        if not isinstance(renderer, JSONRenderer) or "indent" in media_type:
            return Response(payload(readmodel.figures(company=company, filters=filters)))
        gzipped = readmodel.body(company=company, filters=filters, name=f"{name}:{renderer.format}:gzip",
                                 render=lambda figures: gzip_bytes(renderer.render(payload(figures),
                                                                                   renderer.media_type)))
        return compressed_response(self.request, gzipped, content_type=renderer.media_type)


# Stored bodies are kept gzip-compressed: a hit reads a tenth of the bytes, and the many clients that accept gzip
# (browsers, httpx, requests) get them as stored, with no compressing per request; the others get them inflated.
# The body holds the company's figures and the validated filters only, no secret and nothing echoed from the
# request, so compressing it gives BREACH-style guessing nothing to find.
GZIP_LEVEL = 6


def gzip_bytes(content):
    return gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)  # mtime 0: the same bytes every time


def compressed_response(request, gzipped, *, content_type):
    if accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(gzipped, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(gzipped), content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def accepts_gzip(header):
    """True when an Accept-Encoding header admits gzip with a non-zero quality; gzip named outright counts before
    `*` (RFC 9110, 12.5.3)."""
    qualities = {}
    for item in header.split(","):
        coding, *params = (part.strip().lower() for part in item.split(";"))
        quality = next((param[2:] for param in params if param.startswith("q=")), "1")
        try:
            qualities.setdefault(coding, float(quality))
        except ValueError:
            qualities.setdefault(coding, 0.0)
    for coding in ("gzip", "x-gzip", "*"):
        if coding in qualities:
            return qualities[coding] > 0
    return False


def chart_payload(chart, rows, company):
    rendered = catalogue.render_chart(chart, rows, catalogue.Links(company.slug))
    table = rendered["table"]
    return {"chart": chart.name, "title": rendered["title"], "summary": rendered["summary"],
            "figure": rendered["figure"],
            "table": {"caption": table.caption, "columns": table.columns, "rows": table.rows,
                      "row_links": table.row_links}}


def summary_payload(figures, filters):
    overview, extra = figures
    story = overview.story
    latest = story.latest
    return {
        "period": latest.period if latest else None,
        "status": latest.status if latest else None,
        "system_index": latest.index if latest else None,
        "system_index_display": latest.index_display if latest else None,
        "index_change": story.index_change.as_dict() if story.index_change else None,
        "coverage": latest.coverage.as_dict() if latest else None,
        "completion": (latest.coverage.answered / latest.coverage.expected
                       if latest and latest.coverage.expected else None),
        "provisional": story.provisional.as_dict() if story.provisional else None,
        "sentences": [s.as_dict() for s in narrative.headline_sentences(overview, extra=extra)],
        "weak": [i.as_dict() for i in story.weak], "lowest": [i.as_dict() for i in story.lowest],
        "rules": story.as_dict()["rules"],
        "filters": filters.query(),
    }


def data_payload(figures, filters):
    overview, extra = figures
    return {**overview.as_dict(),
            "sentences": [s.as_dict() for s in narrative.headline_sentences(overview, extra=extra)],
            "filters": filters.query()}


class SummaryView(DashboardAPIView):
    """Headline numbers and the sentences an executive reads first."""

    @extend_schema(parameters=FILTER_PARAMETERS, responses={200: SummarySerializer, 400: BAD_FILTERS,
                                                            403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, company_slug):
        filters = self.filters()
        return self.stored_json(filters, "summary", lambda figures: summary_payload(figures, filters))


class DataView(DashboardAPIView):
    """Every aggregated row behind the executive dashboard (a constant number of queries)."""

    @extend_schema(parameters=FILTER_PARAMETERS, responses={200: DataSerializer, 400: BAD_FILTERS,
                                                            403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, company_slug):
        filters = self.filters()
        return self.stored_json(filters, "data", lambda figures: data_payload(figures, filters))


class ChartView(DashboardAPIView):
    """One chart of the executive dashboard as a Plotly figure, with its title, summary and table."""

    @extend_schema(
        parameters=[OpenApiParameter("chart", str, OpenApiParameter.PATH, enum=CHART_NAMES), *FILTER_PARAMETERS],
        responses={200: ChartSerializer, 400: BAD_FILTERS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, company_slug, chart):
        spec = catalogue.COMPANY_CHARTS.get(chart)
        if chart == catalogue.FACTOR_CHART.name:
            spec = catalogue.FACTOR_CHART
        if spec is None:
            raise exceptions.NotFound
        filters = self.filters()
        if spec is catalogue.FACTOR_CHART and not filters.factor_key:
            raise exceptions.ValidationError({"factor": ["Choose a factor for this chart."]})
        return self.chart_response(spec, request.company, filters)


class DepartmentSummaryView(DashboardAPIView):
    """A department's rows: its factor series, completion record and sentences."""

    required_permission = "view_department_dashboard"

    @extend_schema(parameters=FILTER_PARAMETERS[:2], responses={200: SummarySerializer, 400: BAD_FILTERS,
                                                                403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, company_slug, department_id):
        department = access.department_for(request, department_id, self.membership)
        filters = self.filters().with_department(department)
        return self.stored_json(filters, "summary", lambda figures: summary_payload(figures, filters))


class DepartmentChartView(DashboardAPIView):
    """One chart of a department dashboard."""

    required_permission = "view_department_dashboard"

    @extend_schema(
        parameters=[OpenApiParameter("chart", str, OpenApiParameter.PATH, enum=sorted(catalogue.DEPARTMENT_CHARTS)),
                    *FILTER_PARAMETERS[:2]],
        responses={200: ChartSerializer, 400: BAD_FILTERS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, company_slug, department_id, chart):
        department = access.department_for(request, department_id, self.membership)
        spec = catalogue.DEPARTMENT_CHARTS.get(chart)
        if spec is None:
            raise exceptions.NotFound
        if chart == "company-factors" and not access.may_see_company_lines(self.membership, request.company):
            raise exceptions.PermissionDenied("The company has turned off company lines on department dashboards.")
        filters = self.filters().with_department(department)
        return self.chart_response(spec, request.company, filters)


class SettingsView(DashboardAPIView):
    """The thresholds of "How we compute" and what department heads see. Read: dashboard viewers; change: admins."""

    required_permission = {"GET": "view_department_dashboard", "HEAD": "view_department_dashboard",
                           "OPTIONS": "view_department_dashboard", "*": "manage_company"}

    @extend_schema(responses={200: DashboardSettingsSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, company_slug):
        row = selectors.dashboard_settings(company=request.company)
        return Response(settings_payload(row))

    @extend_schema(request=DashboardSettingsSerializer,
                   responses={200: DashboardSettingsSerializer, 400: BAD_FILTERS, 403: FORBIDDEN, 404: NOT_FOUND})
    def patch(self, request, company_slug):
        serializer = DashboardSettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        row = services.dashboard_settings_update(company=request.company, **serializer.validated_data)
        return Response(settings_payload(row))


def settings_payload(row):
    return {name: getattr(row, name) for name in services.FIELDS}
