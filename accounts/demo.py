"""Demo data for the accounts domain: two companies, their departments and one person per role.

Idempotent: every row is looked up by its natural key (slug, email, department name) before it is
created, so running the demo again changes nothing. `manage.py demo` calls `build_people` first and
then every app's own `<app>.demo.build(company=..., progress=...)`.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django_scopes import scope

from .models import Company, Department, Membership, Role, User

# Department keys other apps' demo builders can rely on, with their English names.
DEPARTMENTS = [
    ("product", "Product"),
    ("marketing", "Marketing"),
    ("sales", "Sales"),
    ("it", "IT"),
    ("management", "Management"),
]
# A company's data speaks its own language: the Russian demo company's departments have Russian names.
DEPARTMENT_NAMES = {
    "en": dict(DEPARTMENTS),
    "ru": {"product": "Продукт", "marketing": "Маркетинг", "sales": "Продажи", "it": "ИТ",
           "management": "Руководство"},
}
SALES_MANAGERS = 6
CONSULTANT_EMAIL = "consultant@demo.example"


@dataclass(frozen=True)
class CompanySpec:
    slug: str
    name: str
    language: str
    timezone: str
    domain: str
    sales_managers: int
    people: dict = field(default_factory=dict)  # email local part → (first name, last name)


DEMO = CompanySpec(
    slug="demo", name="Demo Manufacturing", language="ru", timezone="Europe/Moscow", domain="demo.example",
    sales_managers=SALES_MANAGERS,
    people={
        "admin": ("Анна", "Смирнова"),
        "exec": ("Игорь", "Волков"),
        "head.product": ("Павел", "Орлов"),
        "head.marketing": ("Мария", "Кузнецова"),
        "head.sales": ("Сергей", "Иванов"),
        "head.it": ("Дмитрий", "Соколов"),
        "head.management": ("Елена", "Морозова"),
        "sales1": ("Алексей", "Попов"),
        "sales2": ("Ольга", "Лебедева"),
        "sales3": ("Никита", "Козлов"),
        "sales4": ("Татьяна", "Новикова"),
        "sales5": ("Артём", "Фёдоров"),
        "sales6": ("Юлия", "Михайлова"),
    },
)
NORTHWIND = CompanySpec(
    slug="northwind", name="Northwind Retail", language="en", timezone="Europe/London", domain="northwind.example",
    sales_managers=2,
    people={
        "admin": ("Nancy", "Davolio"),
        "exec": ("Andrew", "Fuller"),
        "head.product": ("Janet", "Leverling"),
        "head.marketing": ("Margaret", "Peacock"),
        "head.sales": ("Steven", "Buchanan"),
        "head.it": ("Michael", "Suyama"),
        "head.management": ("Robert", "King"),
        "sales1": ("Laura", "Callahan"),
        "sales2": ("Anne", "Dodsworth"),
    },
)
COMPANIES = [DEMO, NORTHWIND]


@dataclass
class DemoPeople:
    """What the accounts builder made: companies by slug and every demo login (email, role, company)."""

    companies: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)


class _Passwords:
    """One hash for every demo user: hashing per user would cost seconds on each start."""

    def __init__(self, raw):
        self.raw = raw
        self._hash = None

    @property
    def hash(self):
        if self._hash is None:
            self._hash = make_password(self.raw)
        return self._hash

    def ensure(self, users):
        """Re-hash only when DEMO_PASSWORD changed since the last run (one check for all users)."""
        stale = [u for u in users if not u.password]
        sample = next((u for u in users if u.password), None)
        if sample is not None and not check_password(self.raw, sample.password):
            stale = users
        for user in stale:
            user.password = self.hash
            user.save(update_fields=["password"])


def _user(email, first_name, last_name, passwords):
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, first_name=first_name, last_name=last_name, password=passwords.hash)
        user.full_clean()
        user.save()
    return user


def _company(spec):
    company = Company.objects.filter(slug=spec.slug).first()
    if company is None:
        company = Company(slug=spec.slug, name=spec.name, language=spec.language, timezone=spec.timezone)
        company.full_clean()
        company.save()
    return company


def department_name(key, language):
    """A demo department's name in the company's language (English when the language has no names)."""
    return DEPARTMENT_NAMES.get(language, DEPARTMENT_NAMES["en"])[key]


def department_key(name):
    """The demo key ("sales", …) of a department named in any language, or None for other departments."""
    for names in DEPARTMENT_NAMES.values():
        for key, localized in names.items():
            if localized.lower() == name.lower():
                return key
    return None


def _department(company, key):
    """The company's department for a demo key; one made under its English name by an earlier demo is renamed."""
    name = department_name(key, company.language)
    department = Department.objects.filter(company=company, name__in={name, DEPARTMENT_NAMES["en"][key]}).first()
    if department is None:
        department = Department.objects.create(company=company, name=name)
    elif department.name != name:
        department.name = name
        department.save(update_fields=["name"])
    return department


def _membership(company, user, role, department):
    membership, _ = Membership.objects.get_or_create(
        company=company, user=user, defaults={"role": role, "department": department}
    )
    return membership


def _role_and_department(local_part, departments):
    """The role a demo address stands for, and the department it belongs to."""
    if local_part == "admin":
        return Role.ADMIN, None
    if local_part == "exec":
        return Role.EXECUTIVE, departments["management"]
    if local_part.startswith("head."):
        return Role.DEPARTMENT_HEAD, departments[local_part.removeprefix("head.")]
    return Role.SALES_MANAGER, departments["sales"]


@transaction.atomic
def build_company(spec, *, passwords, result):
    """One company with its departments, one head per department, an admin, an executive and sellers."""
    company = _company(spec)
    users = []
    with scope(company=company):
        departments = {key: _department(company, key) for key, _name in DEPARTMENTS}
        for local_part, (first_name, last_name) in spec.people.items():
            email = f"{local_part}@{spec.domain}"
            user = _user(email, first_name, last_name, passwords)
            role, department = _role_and_department(local_part, departments)
            membership = _membership(company, user, role, department)
            if role == Role.DEPARTMENT_HEAD and department.head_id is None:
                department.head = membership
                department.save(update_fields=["head"])
            users.append(user)
            result.logins.append((email, role, company.slug))
    result.companies[company.slug] = company
    return users


@transaction.atomic
def build_consultant(*, passwords, result):
    """A consultant who belongs to both companies: shows the company switcher."""
    user = _user(CONSULTANT_EMAIL, "Виктор", "Консультантов", passwords)
    for company in result.companies.values():
        with scope(company=company):
            _membership(company, user, Role.EXECUTIVE, None)
        result.logins.append((CONSULTANT_EMAIL, Role.EXECUTIVE, company.slug))
    return [user]


def build_people(*, progress=None, password=None):
    """Both demo companies and the consultant; returns a DemoPeople with the companies and logins."""
    passwords = _Passwords(password or settings.DEMO_PASSWORD)
    result = DemoPeople()
    users = []
    for spec in COMPANIES:
        users += build_company(spec, passwords=passwords, result=result)
        if progress is not None:
            progress.update(1)
    users += build_consultant(passwords=passwords, result=result)
    passwords.ensure(users)
    if progress is not None:
        progress.update(1)
    return result


BUILD_STEPS = len(COMPANIES) + 1  # progress ticks build_people makes
