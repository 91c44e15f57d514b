"""Scorecard history import API under /api/v1/companies/<company_slug>/scorecards/history-imports/<kind>/
(admins only, like the import of past rounds in audits/api_imports.py).

One operation per kind (activity, plans, ratings), each with its own typed rows, so the schema says exactly
what a row holds. POST checks the rows with the file import's checks (scorecards.imports.check_records):
`dry_run` answers the preview (rows new or replacing stored ones, per-row errors) without writing; otherwise
clean rows are applied at once, all or nothing, and a retry with the same Idempotency-Key and body gets the
first answer. Rows are keyed by manager email and date or period, so the same rows under a new key create
nothing new either.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.api import CompanyAPIView

from . import selectors, services
from .api import IDEMPOTENCY_KEY
from .imports import ACTIVITY, KINDS, MAX_SHOWN_ERRORS, PLANS, RATINGS

MAX_API_ROWS = 20_000
FORBIDDEN = OpenApiResponse(description="Only the company's admins import scorecard history.")
PERIOD_HELP = "2025-Q2, 2025-05, 2025-H1 or 2025; a period that has started."


class ActivityHistoryRowSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, help_text="The sales manager's email address.")
    date = serializers.DateField(help_text="The day of the activity; not in the future.")
    calls = serializers.IntegerField(required=False, default=0, min_value=-(2**31), max_value=2**31 - 1,
                                     help_text="0–10000.")
    meetings = serializers.IntegerField(required=False, default=0, min_value=-(2**31), max_value=2**31 - 1,
                                        help_text="0–10000.")
    proposals = serializers.IntegerField(required=False, default=0, min_value=-(2**31), max_value=2**31 - 1,
                                         help_text="0–10000.")


class PlanHistoryRowSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, help_text="The sales manager's email address.")
    period = serializers.CharField(max_length=10, help_text=PERIOD_HELP)
    plan_deals = serializers.IntegerField(required=False, default=0, min_value=-(2**31), max_value=2**31 - 1)
    actual_deals = serializers.IntegerField(required=False, default=0, min_value=-(2**31), max_value=2**31 - 1)
    plan_revenue = serializers.DecimalField(max_digits=20, decimal_places=2, required=False, default="0")
    actual_revenue = serializers.DecimalField(max_digits=20, decimal_places=2, required=False, default="0")


class RatingHistoryRowSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, help_text="The sales manager's email address.")
    period = serializers.CharField(max_length=10, help_text=PERIOD_HELP)
    rating = serializers.IntegerField(min_value=-(2**31), max_value=2**31 - 1, help_text="0–100.")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="",
                                 help_text="At most 300 characters.")


def input_serializer(name, row_serializer, *, with_period=False):
    fields = {
        "dry_run": serializers.BooleanField(required=False, default=False,
                                            help_text="Only check and answer the preview; nothing is written."),
        "rows": row_serializer(many=True, allow_empty=False, max_length=MAX_API_ROWS),
    }
    if with_period:
        fields["period"] = serializers.CharField(max_length=10, required=False, allow_blank=True, default="",
                                                 help_text="When given, every date must fall inside this period.")
    return type(name, (serializers.Serializer,), fields)


ActivityHistoryInputSerializer = input_serializer("ActivityHistoryInput", ActivityHistoryRowSerializer,
                                                  with_period=True)
PlanHistoryInputSerializer = input_serializer("PlanHistoryInput", PlanHistoryRowSerializer)
RatingHistoryInputSerializer = input_serializer("RatingHistoryInput", RatingHistoryRowSerializer)


class ScorecardRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Index in `rows`.")
    column = serializers.CharField()
    message = serializers.CharField()


class ScorecardHistoryPreviewSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(KINDS))
    encoding = serializers.CharField()
    rows_read = serializers.IntegerField()
    rows_with_errors = serializers.IntegerField()
    created = serializers.IntegerField(help_text="Clean rows whose manager and date/period have no row yet.")
    updated = serializers.IntegerField(help_text="Clean rows that would replace a stored row.")
    error_count = serializers.IntegerField()
    errors = ScorecardRowErrorSerializer(many=True, help_text=f"The first {MAX_SHOWN_ERRORS} errors.")
    file_errors = serializers.ListField(child=serializers.CharField())
    dry_run = serializers.BooleanField()
    idempotency_key = serializers.CharField()


class ScorecardHistoryImportedSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(KINDS))
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    idempotency_key = serializers.CharField()


RESPONSES = {
    201: OpenApiResponse(ScorecardHistoryImportedSerializer, description="Imported: rows created or replaced."),
    200: OpenApiResponse(ScorecardHistoryPreviewSerializer, description="A dry run: what would be imported."),
    400: OpenApiResponse(description="Per-row errors in `errors` (row, column, message), or field errors of the "
                         "body or a missing Idempotency-Key; nothing was written."),
    403: FORBIDDEN,
    409: OpenApiResponse(description="The key was used before with a different body."),
}


class HistoryImportView(CompanyAPIView):
    """Base: check rows of one kind and import them (or only check them)."""

    required_permission = "manage_scorecard_settings"
    kind = ACTIVITY
    input_class = ActivityHistoryInputSerializer

    def get_serializer_class(self):
        return self.input_class

    def post(self, request, company_slug):
        key = (request.headers.get("Idempotency-Key") or "").strip()
        if not key or len(key) > 255:
            return Response({"idempotency_key": [_("Send an Idempotency-Key header of 1–255 characters.")]},
                            status=status.HTTP_400_BAD_REQUEST)
        data = self.validated(self.input_class)
        period = selectors.period_from(data["period"], company=self.company) if data.get("period") else None
        records = [{"line": index, **row} for index, row in enumerate(data["rows"])]
        try:
            code, body = services.history_rows_import(
                company=self.company, by=request.user, key=key, kind=self.kind, body=request.data, records=records,
                period=period, dry_run=data["dry_run"])
        except services.IdempotencyConflict:
            return Response({"idempotency_key": [_("This key was already used with a different request body.")]},
                            status=status.HTTP_409_CONFLICT)
        return Response(body, status=code)


class ActivityHistoryImportView(HistoryImportView):
    """Import activity per manager per day (calls, meetings, proposals); a day already stored is replaced."""

    kind, input_class = ACTIVITY, ActivityHistoryInputSerializer

    @extend_schema(parameters=[IDEMPOTENCY_KEY], request=ActivityHistoryInputSerializer, responses=RESPONSES)
    def post(self, request, company_slug):
        return super().post(request, company_slug)


class PlanHistoryImportView(HistoryImportView):
    """Import plans and results per manager and period; a period already stored is replaced."""

    kind, input_class = PLANS, PlanHistoryInputSerializer

    @extend_schema(parameters=[IDEMPOTENCY_KEY], request=PlanHistoryInputSerializer, responses=RESPONSES)
    def post(self, request, company_slug):
        return super().post(request, company_slug)


class RatingHistoryImportView(HistoryImportView):
    """Import knowledge ratings 0–100 per manager and period; a period already rated is replaced."""

    kind, input_class = RATINGS, RatingHistoryInputSerializer

    @extend_schema(parameters=[IDEMPOTENCY_KEY], request=RatingHistoryInputSerializer, responses=RESPONSES)
    def post(self, request, company_slug):
        return super().post(request, company_slug)
