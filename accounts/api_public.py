"""Public API operations outside any company: sign-up of a company and acceptance of an invitation.

They call the same services as the sign-up and invitation pages (accounts.views_auth). Both are throttled
per client address (accounts.throttling), and both answer with a personal API token for the new membership,
so a script can go on without ever touching a page.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from . import services
from .forms import InvitationSignupForm, SignupForm
from .models import Role
from .security.two_factor import passed_second_factor
from .throttling import InvitationAcceptThrottle, SignupThrottle

THROTTLED = OpenApiResponse(
    inline_serializer("Throttled", {"detail": serializers.CharField()}),
    description="Too many attempts from this address; retry after `Retry-After` seconds.")


def form_errors(form):
    """A Django form's errors as DRF field errors (the page and the API share one set of rules)."""
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


def service_errors(error, field_map=None):
    """A service ValidationError as DRF field errors, renaming model fields to the API's names."""
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        return {field_map.get(k, "non_field_errors" if k == "__all__" else k): v
                for k, v in error.message_dict.items()}
    return {"non_field_errors": error.messages}


def membership_token(membership, name, request):
    """A fresh personal token of the membership; the raw key is answered once."""
    with scope(company=membership.company):
        return services.api_token_create(membership=membership, name=name,
                                         second_factor_verified=passed_second_factor(request))[1]


class PublicAPIView(GenericAPIView):
    """No company in the URL; anyone may call (a signed-in caller is attached instead of creating an account)."""

    permission_classes = [AllowAny]
    http_method_names = ["post", "options"]


# ---------------------------------------------------------------- sign-up

class SignupInputSerializer(serializers.Serializer):
    company_name = serializers.CharField(max_length=120)
    slug = serializers.CharField(max_length=50, help_text="Latin letters, digits and hyphens; pages live under /c/<slug>/.")
    timezone = serializers.CharField(max_length=64, required=False, default="Europe/Moscow")
    language = serializers.CharField(max_length=5, required=False, default="ru")
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False,
                                  help_text="Required unless the caller is signed in (then the company is attached).")
    password = serializers.CharField(max_length=128, required=False, write_only=True)


class SignupOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    email = serializers.EmailField(help_text="The admin's sign-in email.")
    role = serializers.ChoiceField(choices=Role.choices)
    token = serializers.CharField(help_text="A personal API token of the new admin; shown once.")


class SignupView(PublicAPIView):
    """Create a company; the caller (a new account, or the signed-in user) becomes its first admin."""

    serializer_class = SignupInputSerializer
    throttle_classes = [SignupThrottle]

    @extend_schema(request=SignupInputSerializer, responses={201: SignupOutputSerializer, 429: THROTTLED},
                   auth=[], operation_id="signup_create")
    def post(self, request):
        shape = SignupInputSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        signed_in = request.user if request.user.is_authenticated else None
        # The page's form holds the rules (free slug, unused email, password strength): one set for both.
        form = SignupForm(data={k: v for k, v in shape.validated_data.items()}, user=signed_in)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        data = form.cleaned_data
        try:
            with transaction.atomic():
                company, user = services.company_signup(
                    name=data["company_name"], slug=data["slug"], timezone_name=data["timezone"],
                    language=data["language"], email=data.get("email", ""), password=data.get("password"),
                    first_name=data.get("first_name", ""), last_name=data.get("last_name", ""), user=signed_in,
                )
                with scope(company=company):
                    membership = company.memberships.get(user=user)
                token = membership_token(membership, _("Sign-up"), request)
        except ValidationError as error:
            raise exceptions.ValidationError(service_errors(error, {"name": "company_name"})) from None
        body = {"slug": company.slug, "name": company.name, "email": user.email, "role": membership.role,
                "token": token}
        return Response(SignupOutputSerializer(body).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- invitation acceptance

class InvitationAcceptInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    password = serializers.CharField(max_length=128, required=False, write_only=True,
                                     help_text="Required when no account with the invited email exists yet.")


class InvitationAcceptOutputSerializer(serializers.Serializer):
    company = serializers.CharField(help_text="The company's slug.")
    company_name = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    department = serializers.IntegerField(allow_null=True)
    token = serializers.CharField(help_text="A personal API token of the new membership; shown once.")


class InvitationAcceptView(PublicAPIView):
    """Accept an invitation by the token of its link: attach the signed-in user, or create the account."""

    serializer_class = InvitationAcceptInputSerializer
    throttle_classes = [InvitationAcceptThrottle]

    @extend_schema(request=InvitationAcceptInputSerializer,
                   responses={201: InvitationAcceptOutputSerializer, 429: THROTTLED, 403: OpenApiResponse(
                       inline_serializer("InvitationForSomeoneElse", {"detail": serializers.CharField()}),
                       description="Signed in as someone the invitation is not for.")},
                   auth=[], operation_id="invitation_accept")
    def post(self, request, token):
        try:
            invitation = services.invitation_from_token(token)
        except ValidationError as error:
            raise exceptions.ValidationError({"token": error.messages}) from None
        shape = InvitationAcceptInputSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        if user is not None and user.email.lower() != invitation.email.lower():
            raise exceptions.PermissionDenied(_("This invitation was sent to another email address."))
        try:
            with transaction.atomic():
                membership = self.accept(invitation, user, shape.validated_data)
                key = membership_token(membership, _("Invitation"), request)
        except ValidationError as error:
            raise exceptions.ValidationError(service_errors(error)) from None
        body = {"company": membership.company.slug, "company_name": membership.company.name,
                "email": membership.user.email, "role": membership.role,
                "department": membership.department_id, "token": key}
        return Response(InvitationAcceptOutputSerializer(body).data, status=status.HTTP_201_CREATED)

    def accept(self, invitation, user, data):
        if user is not None:
            return services.invitation_accept(invitation=invitation, user=user)
        # The page's form checks the password against Django's validators; the API sends it once.
        form = InvitationSignupForm(data={"first_name": data["first_name"], "last_name": data["last_name"],
                                          "password1": data.get("password", ""),
                                          "password2": data.get("password", "")}, email=invitation.email)
        if not form.is_valid():
            errors = form_errors(form)
            errors.pop("password2", None)
            if "password1" in errors:
                errors["password"] = errors.pop("password1")
            raise exceptions.ValidationError(errors)
        return services.invitation_accept(invitation=invitation, password=form.cleaned_data["password1"],
                                          first_name=form.cleaned_data["first_name"],
                                          last_name=form.cleaned_data["last_name"])
