"""REST API for the current user, companies, departments, members, invitations and API tokens.

One view per resource and operation group; serializers only shape data, services write.
Company views run under /api/v1/companies/<company_slug>/: the middleware resolved the company and
entered its scope, CompanyMemberPermission checked the membership (else 404) and the role (else 403).
"""

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from . import selectors, services
from .api_filters import StrictBooleanFilter
from .concurrency import ETagMixin, if_match
from .models import ApiToken, Department, Invitation, Membership, Role
from .security.two_factor import passed_second_factor
from .serializers import (
    CompanyInputSerializer,
    CompanyMembershipOutputSerializer,
    CompanyOutputSerializer,
    DepartmentInputSerializer,
    DepartmentOutputSerializer,
    InvitationInputSerializer,
    InvitationOutputSerializer,
    MemberInputSerializer,
    MemberOutputSerializer,
    MeSerializer,
    TokenCreatedOutputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
)

NOT_FOUND = OpenApiResponse(description="Unknown here, or another company's object.")


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes personal API tokens in the schema: `Authorization: Bearer <token>`."""

    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")


def paginated_response(view, rows, serializer_class):
    """One page of `rows` in the standard envelope (count, next, previous, results)."""
    page = view.paginate_queryset(rows)
    return view.get_paginated_response(serializer_class(page, many=True, context=view.get_serializer_context()).data)


class CompanyAPIView(ETagMixin, GenericAPIView):
    """Base for views under a company: `self.company` is the request's company."""

    model = None

    @property
    def company(self):
        return self.request.company

    @property
    def membership(self):
        return self.request._request.membership

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # Schema generation runs outside any company: an empty, never-evaluated queryset.
            return self.model.objects.none()
        return self.company_queryset()

    def company_queryset(self):
        raise AssertionError(f"{type(self).__name__} must define company_queryset()")

    def get_company_object(self):
        """The object named by `pk` among this company's rows only (another company's id → 404)."""
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def validated(self, serializer_class, *, partial=False, instance_data=None):
        """Validate the request body; with `partial`, missing fields keep the object's current values."""
        serializer = serializer_class(data=self.request.data, partial=partial, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return {**(instance_data or {}), **serializer.validated_data}

    def paginated(self, queryset, serializer_class):
        return paginated_response(self, queryset, serializer_class)


# ---------------------------------------------------------------- current user

class MeView(GenericAPIView):
    """The signed-in user's own profile (the email address is the login and is not changed here)."""

    serializer_class = MeSerializer

    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request):
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {**MeSerializer(request.user).data, **serializer.validated_data}
        user = services.user_update_profile(
            user=request.user, first_name=data["first_name"], last_name=data["last_name"], language=data["language"]
        )
        return Response(MeSerializer(user).data)


# ---------------------------------------------------------------- companies

class CompanyListView(GenericAPIView):
    """Companies the user is an active member of; a token sees only the company it was issued for."""

    serializer_class = CompanyMembershipOutputSerializer

    def get_queryset(self):
        # Only for schema introspection; the rows come from companies_of() below.
        return Membership.objects.none()

    @extend_schema(responses=CompanyMembershipOutputSerializer(many=True))
    def get(self, request):
        memberships = selectors.companies_of(user=request.user)
        token = request.auth
        if isinstance(token, ApiToken):
            memberships = [m for m in memberships if m.company_id == token.company_id]
        return paginated_response(self, memberships, CompanyMembershipOutputSerializer)


class CompanyDetailView(CompanyAPIView):
    """The company's settings; every member reads them, the admin changes them."""

    required_permission = {"PATCH": "manage_company", "PUT": "manage_company"}
    serializer_class = CompanyOutputSerializer

    def get(self, request, company_slug):
        return Response(CompanyOutputSerializer(self.company).data)

    @extend_schema(request=CompanyInputSerializer, responses=CompanyOutputSerializer)
    def put(self, request, company_slug):
        return self.update(partial=False)

    @extend_schema(request=CompanyInputSerializer, responses=CompanyOutputSerializer)
    def patch(self, request, company_slug):
        return self.update(partial=True)

    def update(self, *, partial):
        company = self.company
        current = {"name": company.name, "timezone": company.timezone, "language": company.language}
        data = self.validated(CompanyInputSerializer, partial=partial, instance_data=current)
        services.company_update(
            company=company, name=data["name"], timezone_name=data["timezone"], language=data["language"],
            expected_version=if_match(self.request),
        )
        return Response(CompanyOutputSerializer(company).data)


# ---------------------------------------------------------------- departments

class DepartmentFilter(filters.FilterSet):
    include_archived = StrictBooleanFilter(method="filter_archived", label="Include archived departments")

    def filter_archived(self, queryset, name, value):
        return queryset if value else queryset.filter(is_archived=False)


class DepartmentListView(CompanyAPIView):
    required_permission = {"GET": "view_departments", "POST": "manage_departments"}
    model = Department
    serializer_class = DepartmentOutputSerializer
    filterset_class = DepartmentFilter

    def company_queryset(self):
        return selectors.departments_of(company=self.company, include_archived=True)

    @extend_schema(responses=DepartmentOutputSerializer(many=True))
    def get(self, request, company_slug):
        queryset = self.filter_queryset(self.get_queryset())
        if "include_archived" not in request.query_params:
            queryset = queryset.filter(is_archived=False)
        return self.paginated(queryset, DepartmentOutputSerializer)

    @extend_schema(request=DepartmentInputSerializer, responses={201: DepartmentOutputSerializer})
    def post(self, request, company_slug):
        data = self.validated(DepartmentInputSerializer)
        department = services.department_create(company=self.company, name=data["name"], head=data.get("head"))
        department = self.get_queryset().get(pk=department.pk)
        return Response(DepartmentOutputSerializer(department).data, status=status.HTTP_201_CREATED)


class DepartmentDetailView(CompanyAPIView):
    """One department; DELETE archives it so audit history keeps its owner."""

    required_permission = {"GET": "view_departments", "*": "manage_departments"}
    model = Department
    serializer_class = DepartmentOutputSerializer

    def company_queryset(self):
        return selectors.departments_of(company=self.company, include_archived=True)

    @extend_schema(responses={200: DepartmentOutputSerializer, 404: NOT_FOUND})
    def get(self, request, company_slug, pk):
        return Response(DepartmentOutputSerializer(self.get_company_object()).data)

    @extend_schema(request=DepartmentInputSerializer, responses={200: DepartmentOutputSerializer, 404: NOT_FOUND})
    def put(self, request, company_slug, pk):
        return self.update(partial=False)

    @extend_schema(request=DepartmentInputSerializer, responses={200: DepartmentOutputSerializer, 404: NOT_FOUND})
    def patch(self, request, company_slug, pk):
        return self.update(partial=True)

    @extend_schema(responses={204: None, 404: NOT_FOUND})
    def delete(self, request, company_slug, pk):
        services.department_archive(department=self.get_company_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def update(self, *, partial):
        department = self.get_company_object()
        current = {"name": department.name, "head": department.head}
        data = self.validated(DepartmentInputSerializer, partial=partial, instance_data=current)
        services.department_update(department=department, name=data["name"], head=data.get("head"),
                                   expected_version=if_match(self.request))
        return Response(DepartmentOutputSerializer(self.get_company_object()).data)


class DepartmentRestoreView(CompanyAPIView):
    """Bring an archived department back (the department list's "Restore" button)."""

    required_permission = "manage_departments"
    model = Department
    serializer_class = DepartmentOutputSerializer
    http_method_names = ["post", "options"]

    def company_queryset(self):
        return selectors.departments_of(company=self.company, include_archived=True)

    @extend_schema(request=None, responses={200: DepartmentOutputSerializer, 404: NOT_FOUND})
    def post(self, request, company_slug, pk):
        department = self.get_company_object()
        if department.is_archived:
            services.department_restore(department=department)
        return Response(DepartmentOutputSerializer(self.get_company_object()).data)


# ---------------------------------------------------------------- members

class MemberFilter(filters.FilterSet):
    role = filters.ChoiceFilter(choices=Role.choices)
    # A plain integer rather than a model choice: no query at schema time, and another company's id matches nothing.
    department = filters.NumberFilter(field_name="department_id", min_value=1, max_value=2**63 - 1)
    is_active = StrictBooleanFilter()

    class Meta:
        model = Membership
        fields = ["role", "department", "is_active"]


class MemberListView(CompanyAPIView):
    required_permission = "view_members"
    model = Membership
    serializer_class = MemberOutputSerializer
    filterset_class = MemberFilter

    def company_queryset(self):
        return selectors.members_of(company=self.company)

    @extend_schema(responses=MemberOutputSerializer(many=True))
    def get(self, request, company_slug):
        return self.paginated(self.filter_queryset(self.get_queryset()), MemberOutputSerializer)


class MemberDetailView(CompanyAPIView):
    """One member: the admin changes role, department and whether the membership is active."""

    required_permission = {"GET": "view_members", "*": "manage_members"}
    model = Membership
    serializer_class = MemberOutputSerializer

    def company_queryset(self):
        return selectors.members_of(company=self.company)

    @extend_schema(responses={200: MemberOutputSerializer, 404: NOT_FOUND})
    def get(self, request, company_slug, pk):
        return Response(MemberOutputSerializer(self.get_company_object()).data)

    @extend_schema(request=MemberInputSerializer, responses={200: MemberOutputSerializer, 404: NOT_FOUND})
    def put(self, request, company_slug, pk):
        return self.update(partial=False)

    @extend_schema(request=MemberInputSerializer, responses={200: MemberOutputSerializer, 404: NOT_FOUND})
    def patch(self, request, company_slug, pk):
        return self.update(partial=True)

    def update(self, *, partial):
        membership = self.get_company_object()
        current = {"role": membership.role, "department": membership.department, "is_active": membership.is_active}
        data = self.validated(MemberInputSerializer, partial=partial, instance_data=current)
        if data["role"] != membership.role or data["department"] != membership.department:
            services.membership_update(membership=membership, role=data["role"], department=data["department"],
                                       expected_version=if_match(self.request))
        if data["is_active"] != membership.is_active:
            services.membership_set_active(membership=membership, active=data["is_active"])
        return Response(MemberOutputSerializer(self.get_company_object()).data)


# ---------------------------------------------------------------- invitations

class InvitationListView(CompanyAPIView):
    required_permission = "manage_invitations"
    model = Invitation
    serializer_class = InvitationOutputSerializer

    def company_queryset(self):
        return selectors.invitations_of(company=self.company)

    @extend_schema(responses=InvitationOutputSerializer(many=True))
    def get(self, request, company_slug):
        return self.paginated(self.get_queryset(), InvitationOutputSerializer)

    @extend_schema(request=InvitationInputSerializer, responses={201: InvitationOutputSerializer})
    def post(self, request, company_slug):
        data = self.validated(InvitationInputSerializer)
        invitation = services.invitation_create(
            company=self.company, email=data["email"], role=data["role"],
            department=data.get("department"), invited_by=request.user,
        )
        return Response(InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(CompanyAPIView):
    required_permission = "manage_invitations"
    model = Invitation
    serializer_class = InvitationOutputSerializer

    def company_queryset(self):
        return selectors.invitations_of(company=self.company)

    @extend_schema(responses={200: InvitationOutputSerializer, 404: NOT_FOUND})
    def get(self, request, company_slug, pk):
        return Response(InvitationOutputSerializer(self.get_company_object()).data)


class InvitationActionView(CompanyAPIView):
    """Base for POST-only actions on one invitation."""

    required_permission = "manage_invitations"
    model = Invitation
    serializer_class = InvitationOutputSerializer
    http_method_names = ["post", "options"]

    def company_queryset(self):
        return selectors.invitations_of(company=self.company)


class InvitationResendView(InvitationActionView):
    """A new link (the old one stops working) and a fresh expiry."""

    @extend_schema(request=None, responses={200: InvitationOutputSerializer, 404: NOT_FOUND})
    def post(self, request, company_slug, pk):
        invitation = services.invitation_resend(invitation=self.get_company_object())
        return Response(InvitationOutputSerializer(invitation).data)


class InvitationRevokeView(InvitationActionView):
    @extend_schema(request=None, responses={200: InvitationOutputSerializer, 404: NOT_FOUND})
    def post(self, request, company_slug, pk):
        invitation = services.invitation_revoke(invitation=self.get_company_object())
        return Response(InvitationOutputSerializer(invitation).data)




# ---------------------------------------------------------------- API tokens

class TokenListView(CompanyAPIView):
    """The member's own tokens; the raw key appears in the creation response and never again."""

    required_permission = "use_api_tokens"
    model = ApiToken
    serializer_class = TokenOutputSerializer

    def company_queryset(self):
        return selectors.tokens_of(membership=self.membership)

    @extend_schema(responses=TokenOutputSerializer(many=True))
    def get(self, request, company_slug):
        return self.paginated(self.get_queryset(), TokenOutputSerializer)

    @extend_schema(request=TokenInputSerializer, responses={201: TokenCreatedOutputSerializer})
    def post(self, request, company_slug):
        data = self.validated(TokenInputSerializer)
        token, raw = services.api_token_create(membership=self.membership, name=data["name"],
                                               second_factor_verified=passed_second_factor(request))
        token.key = raw
        return Response(TokenCreatedOutputSerializer(token).data, status=status.HTTP_201_CREATED)


class TokenDetailView(CompanyAPIView):
    required_permission = "use_api_tokens"
    model = ApiToken
    serializer_class = TokenOutputSerializer
    http_method_names = ["delete", "options"]

    def company_queryset(self):
        return selectors.tokens_of(membership=self.membership)

    @extend_schema(responses={204: None, 404: NOT_FOUND})
    def delete(self, request, company_slug, pk):
        services.api_token_revoke(token=self.get_company_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

