"""History import API under /api/v1/companies/<company_slug>/history-imports/ (admins only).

POST takes the rows of past rounds as JSON with an Idempotency-Key: `dry_run` answers the preview
(what would be created, per-row errors) without writing; otherwise clean rows are imported at once, all or
nothing, and a retry with the same key and body gets the first answer. GET lists the imports (file uploads
from the pages too) and shows one with its progress, which the import page polls.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.api import NOT_FOUND, CompanyAPIView

from . import imports_apply, selectors
from .models import HistoryImport

MAX_API_ROWS = 20_000
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=True,
    description="Unique per logical request (max 255 characters). A retry with the same key and body returns the "
                "first response without importing twice; the same key with another body gets 409.")
FORBIDDEN = OpenApiResponse(description="Only the company's admins import history.")


class HistoryRowSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=10, help_text="2025-Q2, 2025-05, 2025-H1 or 2025 (the schedule's cadence).")
    department = serializers.CharField(max_length=100, help_text="The department's name in this company.")
    question = serializers.CharField(max_length=60, required=False, allow_blank=True, default="",
                                     help_text="A question code (key) of the version in force for the period.")
    factor = serializers.CharField(max_length=80, required=False, allow_blank=True, default="",
                                   help_text="Instead of a question: a factor key for a factor-level score 0–100.")
    value = serializers.CharField(max_length=5000, allow_blank=True,
                                  help_text="1–5 for a scale, yes/no, a number, text, 0–100 for a factor, or N/A.")
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    submitted = serializers.DateField(help_text="The day the department submitted.")
    opened = serializers.DateField(required=False, allow_null=True, default=None,
                                   help_text="The day the round opened; default: the schedule's opening day.")
    deadline = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text="Default: opened plus the schedule's answer window.")


class HistoryImportInputSerializer(serializers.Serializer):
    questionnaire_version = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=2**31 - 1,
        help_text="Bind every answer to this published version; default: the version in force for each period.")
    dry_run = serializers.BooleanField(required=False, default=False,
                                       help_text="Only check and answer the preview; nothing is written.")
    rows = HistoryRowSerializer(many=True, allow_empty=False, max_length=MAX_API_ROWS)


class HistoryRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Index in `rows` (API) or line number (file).")
    column = serializers.CharField()
    message = serializers.CharField()


class HistoryPreviousImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.CharField()


class HistoryPreviewSerializer(serializers.Serializer):
    encoding = serializers.CharField()
    rows_read = serializers.IntegerField()
    rows_with_errors = serializers.IntegerField()
    rounds = serializers.IntegerField()
    periods = serializers.ListField(child=serializers.CharField())
    audits = serializers.IntegerField()
    answers = serializers.IntegerField()
    factor_scores = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = HistoryRowErrorSerializer(many=True)
    file_errors = serializers.ListField(child=serializers.CharField())
    already_imported = HistoryPreviousImportSerializer(allow_null=True)


class HistoryCheckedSerializer(HistoryPreviewSerializer):
    dry_run = serializers.BooleanField()
    idempotency_key = serializers.CharField()


class HistoryImportedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rows = serializers.IntegerField()
    rounds = serializers.IntegerField()
    audits = serializers.IntegerField()
    answers = serializers.IntegerField()
    factor_scores = serializers.IntegerField()
    periods = serializers.ListField(child=serializers.CharField())
    idempotency_key = serializers.CharField()


class HistoryImportOutputSerializer(serializers.ModelSerializer):
    questionnaire_version = serializers.IntegerField(source="questionnaire.version", allow_null=True, default=None)
    preview = serializers.JSONField(help_text="The check of the file: the fields of HistoryPreview.")
    summary = serializers.JSONField(help_text="What the import created (HistoryImported), once done.")

    class Meta:
        model = HistoryImport
        fields = ["id", "kind", "status", "file_name", "questionnaire_version", "rows_total", "rows_done", "preview",
                  "summary", "error", "created_at", "applied_at"]


class HistoryImportAPIView(CompanyAPIView):
    required_permission = "manage_audits"
    model = HistoryImport
    serializer_class = HistoryImportOutputSerializer

    def company_queryset(self):
        return selectors.history_imports_of(company=self.company)


class HistoryImportListView(HistoryImportAPIView):
    """History imports, newest first; POST checks rows of past rounds and imports them (or only checks them)."""

    @extend_schema(responses={200: HistoryImportOutputSerializer(many=True), 403: FORBIDDEN})
    def get(self, request, company_slug):
        return self.paginated(self.get_queryset(), HistoryImportOutputSerializer)

    @extend_schema(parameters=[IDEMPOTENCY_KEY], request=HistoryImportInputSerializer, responses={
        201: OpenApiResponse(HistoryImportedSerializer, description="Imported: closed rounds with the rows' dates."),
        200: OpenApiResponse(HistoryCheckedSerializer,
                             description="A dry run, or rows already imported by an earlier request."),
        400: OpenApiResponse(description="Field errors, or per-row errors in `errors` (row, column, message); "
                                         "nothing was written."),
        403: FORBIDDEN,
        409: OpenApiResponse(description="The key was used before with a different body."),
    })
    def post(self, request, company_slug):
        key = (request.headers.get("Idempotency-Key") or "").strip()
        if not key or len(key) > 255:
            return Response({"idempotency_key": [_("Send an Idempotency-Key header of 1–255 characters.")]},
                            status=status.HTTP_400_BAD_REQUEST)
        data = self.validated(HistoryImportInputSerializer)
        questionnaire = self._named_version(data["questionnaire_version"])
        records = [{"line": index, **row} for index, row in enumerate(data["rows"])]
        try:
            code, body = imports_apply.history_import_rows(
                company=self.company, by=request.user, key=key, body=request.data, records=records,
                questionnaire=questionnaire, dry_run=data["dry_run"])
        except imports_apply.HistoryIdempotencyConflict:
            return Response({"idempotency_key": [_("This key was already used with a different request body.")]},
                            status=status.HTTP_409_CONFLICT)
        return Response(body, status=code)

    def _named_version(self, number):
        if number is None:
            return None
        version = self.company.questionnaires.filter(version=number).first()
        if version is None or not version.is_frozen:
            raise serializers.ValidationError({"questionnaire_version": [
                _("Name a published version of this company's questionnaire.")]})
        return version


class HistoryImportDetailView(HistoryImportAPIView):
    """One history import with its preview, progress (rows_done of rows_total) and outcome."""

    @extend_schema(responses={200: HistoryImportOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, company_slug, history_import_pk):
        found = get_object_or_404(self.get_queryset(), pk=history_import_pk)
        return Response(HistoryImportOutputSerializer(found).data)
