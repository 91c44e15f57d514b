"""factory_boy factories. Tenant rows are created inside the company's scope by the factories."""

import factory
from django.contrib.auth.hashers import make_password
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
    # Hashed up front (MD5 in tests): no post-generation save, one INSERT per user.
    password = factory.LazyFunction(lambda: make_password("correct-horse-battery"))


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


# ---------------------------------------------------------------- audits

import datetime as _dt  # noqa: E402

from django.utils import timezone as _tz  # noqa: E402

from audits.models import (  # noqa: E402
    ActionItem,
    DepartmentAudit,
    Factor,
    FactorScore,
    Question,
    Questionnaire,
    Round,
    RoundFactorScore,
)


def factor(key):
    """One of the seven factors loaded by the data migration."""
    return Factor.objects.get(key=key)


def _next_questionnaire_version(company):
    with scopes_disabled():
        latest = Questionnaire.objects.filter(company=company).order_by("-version").first()
    return (latest.version if latest else 0) + 1


class QuestionnaireFactory(ScopeFreeFactory):
    class Meta:
        model = Questionnaire

    company = factory.SubFactory(CompanyFactory)
    # Every company already holds the default questionnaire (v1): take the next free version number.
    version = factory.LazyAttribute(lambda o: _next_questionnaire_version(o.company))
    title = "Questionnaire"
    status = "published"


class QuestionFactory(ScopeFreeFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    company = factory.SelfAttribute("questionnaire.company")
    factor = factory.LazyFunction(lambda: factor("product"))
    kind = "scale"
    text_en = factory.Sequence(lambda n: f"Question {n}?")
    text_ru = factory.Sequence(lambda n: f"Вопрос {n}?")
    scale_labels = factory.LazyFunction(lambda: {"en": ["1", "2", "3", "4", "5"], "ru": ["1", "2", "3", "4", "5"]})
    weight = 1


class RoundFactory(ScopeFreeFactory):
    class Meta:
        model = Round

    company = factory.SubFactory(CompanyFactory)
    questionnaire = factory.SubFactory(QuestionnaireFactory, company=factory.SelfAttribute("..company"))
    period = factory.Sequence(lambda n: f"{2000 + n // 4}-Q{n % 4 + 1}")
    period_start = _dt.date(2026, 10, 1)
    period_end = _dt.date(2026, 12, 31)
    deadline = factory.LazyFunction(lambda: _tz.now() + _dt.timedelta(days=14))


class DepartmentAuditFactory(ScopeFreeFactory):
    class Meta:
        model = DepartmentAudit

    round = factory.SubFactory(RoundFactory)
    company = factory.SelfAttribute("round.company")
    department = factory.SubFactory(DepartmentFactory, company=factory.SelfAttribute("..company"))
    deadline = factory.SelfAttribute("round.deadline")


class FactorScoreFactory(ScopeFreeFactory):
    class Meta:
        model = FactorScore

    audit = factory.SubFactory(DepartmentAuditFactory)
    company = factory.SelfAttribute("audit.company")
    factor = factory.LazyFunction(lambda: factor("product"))
    score = 50


class RoundFactorScoreFactory(ScopeFreeFactory):
    class Meta:
        model = RoundFactorScore

    round = factory.SubFactory(RoundFactory)
    company = factory.SelfAttribute("round.company")
    factor = factory.LazyFunction(lambda: factor("product"))
    score = 50


class ActionItemFactory(ScopeFreeFactory):
    class Meta:
        model = ActionItem

    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Action {n}")


def company_with_department_heads(*, slug, language, names=("Product", "Marketing", "Sales", "IT", "Management")):
    """A company with an admin and the seed's five departments, each with a head (what the demo builders expect)."""
    from django_scopes import scope

    from accounts.models import Role

    company = CompanyFactory(slug=slug, language=language)
    MembershipFactory(company=company, role=Role.ADMIN)
    for name in names:
        department = DepartmentFactory(company=company, name=name)
        head = MembershipFactory(company=company, role=Role.DEPARTMENT_HEAD, department=department)
        with scope(company=company):
            department.head = head
            department.save(update_fields=["head"])
    return company
