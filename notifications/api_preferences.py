"""A member's email choices through the API: the same on/off per optional kind as the preferences page."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from accounts.api import CompanyAPIView

from . import selectors, services
from .models import OPTIONAL_KINDS

EmailChoicesSerializer = type("EmailChoicesSerializer", (serializers.Serializer,), {
    "__doc__": "Whether the member gets each optional email (mandatory audit reminders are not listed).",
    **{kind.value: serializers.BooleanField(help_text=str(kind.label)) for kind in OPTIONAL_KINDS},
})


class PreferencesView(CompanyAPIView):
    """The signed-in member's own email choices in this company (every role)."""

    serializer_class = EmailChoicesSerializer

    def current(self):
        return selectors.email_choices_of(membership=self.membership)

    @extend_schema(responses=EmailChoicesSerializer, operation_id="notifications_preferences_retrieve")
    def get(self, request, company_slug):
        return Response(EmailChoicesSerializer(self.current()).data)

    @extend_schema(request=EmailChoicesSerializer, responses=EmailChoicesSerializer,
                   operation_id="notifications_preferences_update")
    def put(self, request, company_slug):
        return self.save(partial=False)

    @extend_schema(request=EmailChoicesSerializer, responses=EmailChoicesSerializer,
                   operation_id="notifications_preferences_partial_update")
    def patch(self, request, company_slug):
        return self.save(partial=True)

    def save(self, *, partial):
        data = self.validated(EmailChoicesSerializer, partial=partial, instance_data=self.current())
        services.email_choices_update(membership=self.membership, choices=data)
        return Response(EmailChoicesSerializer(self.current()).data)
