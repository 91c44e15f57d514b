"""factory_boy factories. Tenant rows are created inside the company's scope by the factories."""

import factory
from django_scopes import scopes_disabled

from accounts.models import Company, Department, Membership, Role, User


class ScopeFreeFactory(factory.django.DjangoModelFactory):
    """Test data is built outside any request; creating it needs no scope."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class UserFactory(ScopeFreeFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")


class CompanyFactory(ScopeFreeFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    timezone = "Europe/Moscow"
    language = "en"


class DepartmentFactory(ScopeFreeFactory):
    class Meta:
        model = Department

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Department {n}")


class MembershipFactory(ScopeFreeFactory):
    class Meta:
        model = Membership

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.EXECUTIVE
