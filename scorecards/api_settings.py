"""Scorecard settings through the API: the company's thresholds and default norm, one manager's own norm and
days off, and knowledge ratings by the head of sales. The same services and access rules as the settings,
norm and ratings pages (scorecards.views).
"""

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.api import NOT_FOUND

from . import access, selectors, services
from .api import MANAGER, PERIOD, ScorecardAPIView, period_param
from .models import DayOff, KnowledgeRating

NORM_FIELDS = ("calls_per_day", "meetings_per_week", "proposals_per_month")


def norm_field(label):
    return serializers.IntegerField(min_value=0, max_value=1000, allow_null=True, required=False, default=None,
                                    help_text=f"{label}; null when not measured.")


class NormSerializer(serializers.Serializer):
    calls_per_day = norm_field("Calls per day")
    meetings_per_week = norm_field("Meetings per week")
    proposals_per_month = norm_field("Commercial proposals per month")


class SettingsSerializer(NormSerializer):
    """The verdict thresholds, currency and working week, with the company's default norm."""

    activity_threshold = serializers.IntegerField(min_value=0, max_value=200, help_text="% of the norm.")
    knowledge_threshold = serializers.IntegerField(min_value=0, max_value=100, help_text="Score 0–100.")
    plan_threshold = serializers.IntegerField(min_value=0, max_value=200, help_text="% of the plan.")
    currency = serializers.CharField(min_length=3, max_length=3, help_text="Three-letter code: RUB, EUR, USD…")
    working_weekdays = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=6),
                                             min_length=1, max_length=7, help_text="0 = Monday … 6 = Sunday.")


def norm_data(norm):
    return {f: getattr(norm, f) if norm is not None else None for f in NORM_FIELDS}


def settings_data(company):
    current = selectors.settings_of(company=company)
    return {"activity_threshold": current.activity_threshold, "knowledge_threshold": current.knowledge_threshold,
            "plan_threshold": current.plan_threshold, "currency": current.currency,
            "working_weekdays": list(current.working_weekdays),
            **norm_data(selectors.norm_rows(company=company).get(None))}


class SettingsView(ScorecardAPIView):
    """The company's scorecard settings (admin only, like the settings page)."""

    required_permission = "manage_scorecard_settings"
    serializer_class = SettingsSerializer

    @extend_schema(responses=SettingsSerializer, operation_id="scorecards_settings_retrieve")
    def get(self, request, company_slug):
        return Response(SettingsSerializer(settings_data(self.company)).data)

    @extend_schema(request=SettingsSerializer, responses=SettingsSerializer, operation_id="scorecards_settings_update")
    def put(self, request, company_slug):
        return self.save(partial=False)

    @extend_schema(request=SettingsSerializer, responses=SettingsSerializer,
                   operation_id="scorecards_settings_partial_update")
    def patch(self, request, company_slug):
        return self.save(partial=True)

    def save(self, *, partial):
        data = self.validated(SettingsSerializer, partial=partial, instance_data=settings_data(self.company))
        norm = {f: data.pop(f) for f in NORM_FIELDS}
        with transaction.atomic():
            services.settings_update(company=self.company, **data)
            services.norm_set(company=self.company, **norm)
        return Response(SettingsSerializer(settings_data(self.company)).data)


class ManagerNormOutputSerializer(NormSerializer):
    manager = serializers.IntegerField()
    own = serializers.BooleanField(help_text="False when the company's default norm applies.")


class ManagerNormView(ScorecardAPIView):
    """One sales manager's own norm (admin, head of sales); DELETE returns them to the company norm."""

    serializer_class = ManagerNormOutputSerializer

    def manager(self):
        access.require_team_management(self.membership)
        return access.manager_for(self.membership, self.kwargs["member_pk"])

    def body(self, manager):
        rows = selectors.norm_rows(company=self.company)
        own = rows.get(manager.pk)
        return {"manager": manager.pk, "own": own is not None, **norm_data(own or rows.get(None))}

    @extend_schema(responses={200: ManagerNormOutputSerializer, 404: NOT_FOUND})
    def get(self, request, company_slug, member_pk):
        return Response(ManagerNormOutputSerializer(self.body(self.manager())).data)

    @extend_schema(request=NormSerializer, responses={200: ManagerNormOutputSerializer, 404: NOT_FOUND})
    def put(self, request, company_slug, member_pk):
        manager = self.manager()
        data = self.validated(NormSerializer)
        services.norm_set(company=self.company, manager=manager, **data)
        return Response(ManagerNormOutputSerializer(self.body(manager)).data)

    @extend_schema(responses={204: None, 404: NOT_FOUND})
    def delete(self, request, company_slug, member_pk):
        services.norm_clear(company=self.company, manager=self.manager())
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- days off

class DayOffOutputSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="manager.user.email")

    class Meta:
        model = DayOff
        fields = ["id", "manager", "email", "date", "reason"]


class DayOffInputSerializer(serializers.Serializer):
    manager = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The sales manager's membership id.")
    date = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                   help_text="Vacation, sick leave, training…")


class DayOffListView(ScorecardAPIView):
    """Days off and vacation days of the managers one manages, newest first (admin, head of sales, like the norm
    page); POST adds one. A day off lowers the activity expected of the manager in its period."""

    model = DayOff
    serializer_class = DayOffOutputSerializer

    def company_queryset(self):
        return selectors.days_off_of_team(company=self.company, managers=self.filtered_managers())

    @extend_schema(parameters=[MANAGER], responses=DayOffOutputSerializer(many=True))
    def get(self, request, company_slug):
        access.require_team_management(self.membership)
        return self.paginated(self.get_queryset(), DayOffOutputSerializer)

    @extend_schema(request=DayOffInputSerializer, responses={201: DayOffOutputSerializer})
    def post(self, request, company_slug):
        access.require_team_management(self.membership)
        data = self.validated(DayOffInputSerializer)
        manager = self.visible_managers().filter(pk=data.pop("manager")).first()
        if manager is None:
            raise serializers.ValidationError({"manager": [_("Not a sales manager of your team.")]})
        day_off = services.day_off_add(company=self.company, manager=manager, **data)
        return Response(DayOffOutputSerializer(day_off).data, status=status.HTTP_201_CREATED)


class DayOffDetailView(ScorecardAPIView):
    """Remove a day off (admin, head of sales): the expected activity grows by that day."""

    model = DayOff
    serializer_class = DayOffOutputSerializer

    @extend_schema(responses={204: None, 404: NOT_FOUND})
    def delete(self, request, company_slug, day_off_pk):
        access.require_team_management(self.membership)
        day_off = selectors.day_off_of(company=self.company, pk=day_off_pk)
        if day_off is None:
            raise Http404
        access.manager_for(self.membership, day_off.manager_id)  # another team's manager: 403
        services.day_off_delete(day_off=day_off)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- knowledge ratings

class RatingOutputSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="manager.user.email")

    class Meta:
        model = KnowledgeRating
        fields = ["id", "manager", "email", "period", "score", "note", "updated_at"]


class RatingRowSerializer(serializers.Serializer):
    manager = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The sales manager's membership id.")
    score = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RatingsInputSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=10, help_text="2026-Q4, 2026-11, 2026-H2 or 2026.")
    rows = RatingRowSerializer(many=True, allow_empty=False, max_length=1000)


class RatingListView(ScorecardAPIView):
    """Knowledge ratings per manager and period; POST saves many at once, all or none (admin, head of sales)."""

    model = KnowledgeRating
    serializer_class = RatingOutputSerializer

    def company_queryset(self):
        rows = KnowledgeRating.objects.filter(company=self.company, manager__in=self.filtered_managers())
        if self.request.query_params.get("period"):
            rows = rows.filter(period=period_param(self).name)
        return rows.select_related("manager__user").order_by("-period", "manager__user__email")

    @extend_schema(parameters=[PERIOD, MANAGER], responses=RatingOutputSerializer(many=True))
    def get(self, request, company_slug):
        return self.paginated(self.get_queryset(), RatingOutputSerializer)

    @extend_schema(request=RatingsInputSerializer, responses={200: RatingOutputSerializer(many=True)})
    def post(self, request, company_slug):
        access.require_team_management(self.membership)
        data = self.validated(RatingsInputSerializer)
        period = selectors.period_from(data["period"], company=self.company)
        managers = {m.pk: m for m in access.managers_visible_to(self.membership, include_inactive=True)}
        unknown = {str(i): {"manager": [_("Not a sales manager you may rate.")]}
                   for i, row in enumerate(data["rows"]) if row["manager"] not in managers}
        if unknown:
            raise serializers.ValidationError({"rows": unknown})
        with transaction.atomic():
            saved = [services.knowledge_rating_save(company=self.company, manager=managers[row["manager"]],
                                                    period=period, score=row["score"], note=row["note"],
                                                    by=request.user) for row in data["rows"]]
        return Response(RatingOutputSerializer(saved, many=True).data)
