"""Onboarding through the API: the checklist of a new company and its start from the default departments."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from . import onboarding, selectors
from .api import CompanyAPIView
from .serializers import DepartmentOutputSerializer


class StepOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    hint = serializers.CharField()
    done = serializers.BooleanField()
    page = serializers.CharField(help_text="The page where the step is done.")
    api = serializers.CharField(help_text="The API path doing the same, under /api/v1/companies/<slug>/.")


class ChecklistOutputSerializer(serializers.Serializer):
    complete = serializers.BooleanField()
    steps = StepOutputSerializer(many=True)


class DefaultsOutputSerializer(serializers.Serializer):
    created = DepartmentOutputSerializer(many=True)
    checklist = ChecklistOutputSerializer()


def checklist_data(request, company):
    steps = onboarding.checklist(company=company)
    return {"complete": onboarding.is_complete(steps), "steps": [
        {"key": s.key, "title": str(s.title), "hint": str(s.hint), "done": s.done,
         "page": request.build_absolute_uri(s.url(company)), "api": s.api} for s in steps]}


class ChecklistView(CompanyAPIView):
    """What a new company still has to set up, computed from its real data (the admin's checklist)."""

    required_permission = "manage_company"
    serializer_class = ChecklistOutputSerializer

    @extend_schema(responses=ChecklistOutputSerializer, operation_id="onboarding_checklist")
    def get(self, request, company_slug):
        return Response(ChecklistOutputSerializer(checklist_data(request, self.company)).data)


class StartFromDefaultsView(CompanyAPIView):
    """Create the default departments the company lacks; the responsibility matrix is proposed for them."""

    required_permission = "manage_departments"
    serializer_class = DefaultsOutputSerializer

    @extend_schema(request=None, responses={200: DefaultsOutputSerializer}, operation_id="onboarding_defaults")
    def post(self, request, company_slug):
        created = onboarding.start_from_defaults(company=self.company)
        # Read back through the selector: the output carries its member count.
        rows = selectors.departments_of(company=self.company).filter(pk__in=[d.pk for d in created])
        body = {"created": rows, "checklist": checklist_data(request, self.company)}
        return Response(DefaultsOutputSerializer(body).data, status=status.HTTP_200_OK)
