"""API input and output serializers for companies and people. Validation of shape only; rules live in services."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import ApiToken, Company, Department, Invitation, Membership, Role, User


@extend_schema_field(OpenApiTypes.INT)
class CompanyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key looked up among the request company's rows only, so another company's id is a 400."""

    def __init__(self, related_name, **kwargs):
        self.related_name = related_name
        super().__init__(**kwargs)

    def get_queryset(self):
        # Built per request from the company: nothing is evaluated at import or schema-build time.
        return getattr(self.context["request"].company, self.related_name).all()


# ---------------------------------------------------------------- current user

class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "language"]
        read_only_fields = ["email"]


# ---------------------------------------------------------------- companies

class CompanyOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["slug", "name", "timezone", "language", "is_suspended", "lock_version"]


class CompanyMembershipOutputSerializer(serializers.Serializer):
    """A company as one of the user's companies, with the user's role in it."""

    slug = serializers.CharField(source="company.slug")
    name = serializers.CharField(source="company.name")
    timezone = serializers.CharField(source="company.timezone")
    language = serializers.CharField(source="company.language")
    is_suspended = serializers.BooleanField(source="company.is_suspended")
    role = serializers.ChoiceField(choices=Role.choices)


class CompanyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    timezone = serializers.CharField(max_length=64)
    language = serializers.ChoiceField(choices=settings.LANGUAGES)


# ---------------------------------------------------------------- departments

class DepartmentOutputSerializer(serializers.ModelSerializer):
    head_name = serializers.SerializerMethodField()
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "head", "head_name", "is_archived", "member_count", "created_at", "lock_version"]

    def get_head_name(self, department) -> str | None:
        return department.head.user.display_name if department.head else None


class DepartmentInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    head = CompanyRelatedField("memberships", allow_null=True, required=False)


# ---------------------------------------------------------------- members

class MemberOutputSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)

    class Meta:
        model = Membership
        fields = [
            "id", "email", "first_name", "last_name", "role", "department", "department_name",
            "is_active", "created_at", "lock_version",
        ]


class MemberInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    department = CompanyRelatedField("departments", allow_null=True)
    is_active = serializers.BooleanField()


# ---------------------------------------------------------------- invitations

class InvitationOutputSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=["pending", "accepted", "revoked", "expired"], read_only=True)
    invited_by = serializers.EmailField(source="invited_by.email", allow_null=True, default=None)

    class Meta:
        model = Invitation
        fields = [
            "id", "email", "role", "department", "status", "invited_by",
            "created_at", "sent_at", "expires_at", "accepted_at", "revoked_at",
        ]


class InvitationInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)
    department = CompanyRelatedField("departments", allow_null=True, required=False)


# ---------------------------------------------------------------- API tokens

class TokenOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]


class TokenCreatedOutputSerializer(TokenOutputSerializer):
    """The only response that ever carries the raw key."""

    key = serializers.CharField(read_only=True, help_text="Shown once; only its hash is stored.")

    class Meta(TokenOutputSerializer.Meta):
        fields = [*TokenOutputSerializer.Meta.fields, "key"]


class TokenInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
