"""Scorecard API under /api/v1/companies/<company_slug>/scorecards/.

Same rules as the pages (scorecards.access): a sales manager reads and writes only their own rows,
the head of sales their team, executives and admins everyone; other roles get 403.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.api import CompanyAPIView
from accounts.models import Role

from . import access, charts, selectors, services
from .diagnosis import METRICS, VERDICTS
from .imports import Row, check_rows
from .models import ActivityEntry, PlanResult

PERIOD = OpenApiParameter("period", str, description="A period such as 2026-Q4, 2026-11, 2026-H2 or 2026; "
                                                     "default: the latest audit round's period.")
MANAGER = OpenApiParameter("manager", int, description="Only this sales manager (membership id).")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=True,
    description="Unique per logical request (max 255 characters). A retry with the same key and body returns the "
                "first response without applying anything twice; the same key with another body gets 409.")
MAX_BULK_ROWS = 5000


def period_param(view):
    return selectors.period_from(view.request.query_params.get("period", ""), company=view.company)


class ScorecardAPIView(CompanyAPIView):
    required_permission = "use_scorecards"

    def visible_managers(self):
        access.require_scorecard_user(self.membership)
        return access.managers_visible_to(self.membership, include_inactive=True)

    def filtered_managers(self):
        managers = self.visible_managers()
        manager = self.request.query_params.get("manager", "")
        if manager:
            if not manager.isdigit():
                raise serializers.ValidationError({"manager": _("Give a membership id.")})
            managers = managers.filter(pk=int(manager))
        return managers


# ---------------------------------------------------------------- activity

class ActivityOutputSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="manager.user.email")

    class Meta:
        model = ActivityEntry
        fields = ["id", "manager", "email", "date", "calls", "meetings", "proposals", "source", "updated_at"]


class ActivityListView(ScorecardAPIView):
    """Activity rows the caller may see, newest first; `?period=` and `?manager=` narrow them."""

    model = ActivityEntry
    serializer_class = ActivityOutputSerializer

    def company_queryset(self):
        rows = selectors.activity_of(company=self.company, managers=self.filtered_managers())
        if self.request.query_params.get("period"):
            period = period_param(self)
            rows = rows.filter(date__range=(period.start, period.end))
        return rows

    @extend_schema(parameters=[PERIOD, MANAGER], responses=ActivityOutputSerializer(many=True))
    def get(self, request, company_slug):
        return self.paginated(self.get_queryset(), ActivityOutputSerializer)


class ActivityRowInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    date = serializers.DateField()
    calls = serializers.IntegerField(required=False, default=0)
    meetings = serializers.IntegerField(required=False, default=0)
    proposals = serializers.IntegerField(required=False, default=0)


class ActivityBulkInputSerializer(serializers.Serializer):
    period = serializers.CharField(required=False, allow_blank=True,
                                   help_text="When given, every date must fall inside this period.")
    rows = ActivityRowInputSerializer(many=True, allow_empty=False, max_length=MAX_BULK_ROWS)


ActivityBulkOutputSerializer = inline_serializer("ActivityBulkOutput", {
    "created": serializers.IntegerField(), "updated": serializers.IntegerField(),
    "rows": serializers.IntegerField(), "idempotency_key": serializers.CharField(),
})


class ActivityBulkUpsertView(ScorecardAPIView):
    """Create or replace many days of activity at once (for a CRM), all rows or none.

    Rows are keyed by manager email and date; a repeated row replaces the day's counts, never adds to them.
    """

    serializer_class = ActivityBulkInputSerializer

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY], request=ActivityBulkInputSerializer,
        responses={200: ActivityBulkOutputSerializer,
                   400: OpenApiResponse(description="Missing key, or per-row errors: {\"rows\": {\"<index>\": {...}}}"),
                   409: OpenApiResponse(description="The key was used before with a different body.")},
    )
    def post(self, request, company_slug):
        key = (request.headers.get("Idempotency-Key") or "").strip()
        if not key or len(key) > 255:
            return Response({"idempotency_key": [_("Send an Idempotency-Key header of 1–255 characters.")]},
                            status=status.HTTP_400_BAD_REQUEST)
        if self.membership.role != Role.SALES_MANAGER:
            access.require_team_management(self.membership)  # executives read; they do not write activity
        try:
            # A retry answers what the first request got, even if a row would no longer pass (a manager since
            # deactivated, a period since ended): the key names one logical request, applied once.
            previous = services.stored_response(company=self.company, key=key,
                                                request_hash=services.body_hash(request.data))
        except services.IdempotencyConflict:
            return self._conflict()
        if previous is not None:
            return Response(previous[1], status=previous[0])
        data = self.validated(ActivityBulkInputSerializer)
        period = selectors.period_from(data["period"], company=self.company) if data.get("period") else None
        rows = self._checked_rows(data["rows"], period)
        errors = {str(i): r.errors for i, r in enumerate(rows) if r.errors}
        if errors:
            return Response({"rows": errors}, status=status.HTTP_400_BAD_REQUEST)
        try:
            code, body = services.activity_bulk_upsert(
                company=self.company, by=request.user, key=key, body=request.data,
                rows=[(r.manager_id, r.date, r.counts) for r in rows],
            )
        except services.IdempotencyConflict:
            return self._conflict()
        return Response(body, status=code)

    def _conflict(self):
        return Response({"idempotency_key": [_("This key was already used with a different request body.")]},
                        status=status.HTTP_409_CONFLICT)

    def _checked_rows(self, raw_rows, period):
        rows = [Row(line=i, email=r["email"].strip().lower(), date=r["date"],
                    values={m: r[m] for m in METRICS}) for i, r in enumerate(raw_rows)]
        check_rows(company=self.company, rows=rows, period=period, today=selectors.local_today(self.company))
        editable = set(self._editable_manager_ids())
        for row in rows:
            if row.manager_id is not None and row.manager_id not in editable:
                row.errors.setdefault("manager", _("You may not enter activity for %(who)s.") % {"who": row.email})
        return rows

    def _editable_manager_ids(self):
        membership = self.membership
        if membership.role == Role.SALES_MANAGER:
            return [membership.pk]
        return access.managers_visible_to(membership).values_list("pk", flat=True)


# ---------------------------------------------------------------- plans and results

class PlanOutputSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="manager.user.email")

    class Meta:
        model = PlanResult
        fields = ["id", "manager", "email", "period", "plan_deals", "actual_deals", "plan_revenue", "actual_revenue",
                  "updated_at"]


class PlanInputSerializer(serializers.Serializer):
    manager = serializers.IntegerField(help_text="The sales manager's membership id.")
    period = serializers.CharField()
    plan_deals = serializers.IntegerField(min_value=0)
    actual_deals = serializers.IntegerField(min_value=0)
    plan_revenue = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    actual_revenue = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class PlanListView(ScorecardAPIView):
    """Plans and results per manager and period; POST creates or replaces one (admin, head of sales)."""

    model = PlanResult
    serializer_class = PlanOutputSerializer

    def company_queryset(self):
        period = period_param(self) if self.request.query_params.get("period") else None
        return selectors.plan_results_of(company=self.company, managers=self.filtered_managers(), period=period)

    @extend_schema(parameters=[PERIOD, MANAGER], responses=PlanOutputSerializer(many=True))
    def get(self, request, company_slug):
        return self.paginated(self.get_queryset(), PlanOutputSerializer)

    @extend_schema(request=PlanInputSerializer, responses={200: PlanOutputSerializer})
    def post(self, request, company_slug):
        if not access.may_manage_team(self.membership):
            raise PermissionDenied
        data = self.validated(PlanInputSerializer)
        manager = access.manager_for(self.membership, data.pop("manager"))
        row = services.plan_result_save(company=self.company, manager=manager, **data)
        return Response(PlanOutputSerializer(row).data)


# ---------------------------------------------------------------- diagnosis and team

class DiagnosisOutputSerializer(serializers.Serializer):
    manager = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    period = serializers.CharField()
    verdict = serializers.ChoiceField(choices=VERDICTS)
    verdict_label = serializers.CharField()
    sentence = serializers.CharField()
    explanation = serializers.JSONField(help_text="Every number and threshold behind the verdict.")


def diagnosis_data(diag):
    explanation = diag.explanation()
    return {
        "manager": diag.manager.pk, "name": diag.name, "email": diag.manager.user.email,
        "period": diag.period.name, "verdict": diag.verdict, "verdict_label": explanation["verdict_label"],
        "sentence": explanation["sentence"], "explanation": explanation,
    }


class DiagnosisView(ScorecardAPIView):
    """The diagnosis of one manager for a period, with the numbers and thresholds that produced it."""

    serializer_class = DiagnosisOutputSerializer

    @extend_schema(parameters=[PERIOD], responses=DiagnosisOutputSerializer)
    def get(self, request, company_slug, member_pk):
        manager = access.manager_for(self.membership, member_pk)
        diag = selectors.diagnosis_of(company=self.company, manager=manager, period=period_param(self))
        return Response(diagnosis_data(diag))


class TeamOutputSerializer(serializers.Serializer):
    period = serializers.CharField()
    sentence = serializers.CharField(allow_null=True)
    counts = serializers.DictField(child=serializers.IntegerField())
    system_factors = serializers.JSONField()
    managers = DiagnosisOutputSerializer(many=True)
    history = serializers.JSONField(help_text="Managers per verdict over recent periods, oldest first.")
    figures = serializers.JSONField(help_text="Plotly figures: `quadrant` and `verdicts`.")


def team_data(*, company, managers, period):
    view = selectors.team_view(company=company, managers=managers, period=period)
    history = selectors.verdict_history(company=company, managers=managers,
                                        periods=selectors.recent_periods(last=period))
    points = [{"name": d.name, "activity": d.result.activity, "plan": d.result.plan, "weakest": d.result.weakest,
               "knowledge": d.result.knowledge, "verdict_label": str(d.result.verdict_label)} for d in view.rows]
    thresholds = selectors.thresholds_of(selectors.settings_of(company=company))
    return {
        "period": period.name, "sentence": view.sentence, "counts": view.counts, "system_factors": view.factors,
        "managers": [diagnosis_data(d) for d in view.rows], "history": history,
        "figures": {"quadrant": charts.quadrant_figure(points, thresholds),
                    "verdicts": charts.verdict_history_figure(history)},
    }


class TeamView(ScorecardAPIView):
    """The team view: the sentence, verdict counts, each manager's diagnosis and the Plotly figures."""

    serializer_class = TeamOutputSerializer

    @extend_schema(parameters=[PERIOD], responses=TeamOutputSerializer)
    def get(self, request, company_slug):
        access.require_team_view(self.membership)
        managers = list(access.managers_visible_to(self.membership))
        return Response(team_data(company=self.company, managers=managers, period=period_param(self)))

