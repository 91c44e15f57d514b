"""The company home of each role through HTTP: what every role sees first, its main job in one click, empty
states, a member holding two roles, tenant and role isolation, and a query count that does not grow with the
company."""

import datetime
import html
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts import onboarding
from accounts.models import Invitation, Role
from audits import services
from audits.models import AuditStatus
from dashboards import narrative, readmodel
from dashboards.filters import Filters
from notifications.models import Notification
from scorecards.models import ActivityEntry
from tests.audits.conftest import build_questionnaire, standard_cells
from tests.dashboards.conftest import build_history, history_with_actions
from tests.factories import (
    ActionItemFactory,
    DepartmentAuditFactory,
    DepartmentFactory,
    MembershipFactory,
    RoundFactory,
    UserFactory,
    factor,
)
from tests.scorecards.conftest import AFTER_QUARTER, add_manager, judged_team

# Friday 2 October 2026, 10:00 in Moscow (the test companies' timezone is the factory's default; see below).
OCT_2 = datetime.datetime(2026, 10, 2, 7, 0, tzinfo=datetime.UTC)


def home(tenant):
    return reverse("company_home", kwargs={"company_slug": tenant.company.slug})


def text_of(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def main_job(text, role):
    """The href of the role's main-job button."""
    found = re.search(rf'<a class="button home-main" data-main-job="{role}" href="([^"]+)"', text)
    assert found, f"no main-job link for {role}"
    return html.unescape(found.group(1))


def section_titles(text):
    return re.findall(r'<h2 id="home-[a-z-]+-title">([^<]+)</h2>', text)


# ---------------------------------------------------------------- executive

@pytest.fixture
def history(alpha):
    return history_with_actions(alpha)


def test_executive_home_shows_headlines_index_with_basis_factor_lines_and_open_actions(alpha, history, client_for):
    text = text_of(client_for(alpha.member(Role.EXECUTIVE)).get(home(alpha)))
    with scope(company=alpha.company):
        overview, extra = readmodel.figures(company=alpha.company, filters=Filters())
    sentences = narrative.headline_sentences(overview, extra=extra)
    assert sentences and sentences[0].text in text  # the narrative's first sentence, as the dashboard tells it
    assert "System index · 2025-Q4" in text
    assert "departments" in text and ("final, " in text or "incomplete — " in text)  # the index's basis
    assert re.search(r"Sales technology</a></th>\s*<td class=\"num\">\d+</td>\s*<td class=\"num change-down\">−14<",
                     text), "sales technology fell 14 points and shows a signed change"
    assert "2 open action items" in text and "Write the sales script" in text and "Done already" not in text
    assert main_job(text, "executive") == reverse("dashboards:executive", kwargs={"company_slug": "alpha"})


def test_executive_home_before_any_round_says_so(alpha, client_for):
    text = text_of(client_for(alpha.member(Role.EXECUTIVE)).get(home(alpha)))
    assert "No audit results yet" in text
    assert main_job(text, "executive") == reverse("dashboards:executive", kwargs={"company_slug": "alpha"})


def test_executive_home_without_open_actions_says_none(alpha, client_for):
    build_history(alpha, ["2025-Q3", "2025-Q4"])
    text = text_of(client_for(alpha.member(Role.EXECUTIVE)).get(home(alpha)))
    assert "No open action items." in text


# ---------------------------------------------------------------- department head

@pytest.fixture
def open_round(alpha):
    """Alpha's 2026-Q4 round with the test questionnaire, opened on 2 October (deadline: the schedule's window)."""
    factors = {f.key: f for f in [factor(k) for k in standard_cells(alpha)]}
    build_questionnaire(alpha.company, factors)
    with time_machine.travel(OCT_2, tick=False), scope(company=alpha.company):
        services.matrix_set(company=alpha.company, cells=standard_cells(alpha))
        round_, _created = services.round_open(company=alpha.company, by=alpha.user(Role.ADMIN))
    return round_


def sales_audit_of(alpha, round_):
    with scope(company=alpha.company):
        return round_.audits.select_related("round").get(department=alpha.departments["sales"])


def test_department_head_home_shows_progress_deadline_and_continue(alpha, open_round, client_for):
    audit = sales_audit_of(alpha, open_round)
    with scope(company=alpha.company):
        question = services.audit_questions(audit).filter(kind="scale").first()
        services.answer_save(audit=audit, question=question, by=alpha.user(Role.DEPARTMENT_HEAD), scale_value=3)
        total = services.audit_questions(audit).count()
        days = (services.local_date(alpha.company, audit.deadline) - services.local_date(alpha.company, OCT_2)).days
    with time_machine.travel(OCT_2, tick=False):
        text = text_of(client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(home(alpha)))
    detail = reverse("audits:audit_detail", kwargs={"company_slug": "alpha", "audit_pk": audit.pk})
    assert "2026-Q4 audit" in text and f"1 of {total} answered" in text
    assert f'<progress max="{total}" value="1"' in text
    local_deadline = timezone.localtime(audit.deadline, alpha.company.tzinfo).isoformat()[:19]
    assert f"{days} days left" in text and f'<time datetime="{local_deadline}' in text
    assert main_job(text, "department_head") == detail  # one click to the questionnaire
    assert reverse("dashboards:my_department", kwargs={"company_slug": "alpha"}) in text


def test_department_head_home_counts_overdue_days_in_the_company_timezone(alpha, open_round, client_for):
    audit = sales_audit_of(alpha, open_round)
    later = audit.deadline + datetime.timedelta(days=3)
    with scope(company=alpha.company):
        overdue = (services.local_date(alpha.company, later) - services.local_date(alpha.company, audit.deadline)).days
    with time_machine.travel(later, tick=False):
        text = text_of(client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(home(alpha)))
    assert f"overdue by {overdue} days" in text


def test_department_head_without_open_audit_gets_an_empty_state_and_the_dashboard(alpha, client_for):
    text = text_of(client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(home(alpha)))
    assert "Your department has no open audit right now." in text
    assert main_job(text, "department_head") == reverse("dashboards:my_department", kwargs={"company_slug": "alpha"})


def test_department_head_sees_only_their_own_departments_audits(alpha, beta, open_round, client_for):
    sales = sales_audit_of(alpha, open_round)
    with scope(company=alpha.company):
        marketing = open_round.audits.get(department=alpha.departments["marketing"])
    marketing_head = MembershipFactory(company=alpha.company, role=Role.DEPARTMENT_HEAD,
                                       department=alpha.departments["marketing"],
                                       user=UserFactory(email="marketing-head@alpha.test"))
    link = lambda audit: reverse("audits:audit_detail", kwargs={"company_slug": "alpha", "audit_pk": audit.pk})  # noqa: E731
    mine = text_of(client_for(marketing_head).get(home(alpha)))
    assert link(marketing) in mine and link(sales) not in mine
    other_company = text_of(client_for(beta.member(Role.DEPARTMENT_HEAD)).get(home(beta)))
    assert "/c/alpha/" not in other_company and "Your department has no open audit right now." in other_company
    assert client_for(beta.member(Role.DEPARTMENT_HEAD)).get(home(alpha)).status_code == 404


def test_department_head_without_department_is_told_to_ask_the_admin(alpha, client_for):
    head = MembershipFactory(company=alpha.company, role=Role.DEPARTMENT_HEAD, user=UserFactory(email="lost@alpha.test"))
    text = text_of(client_for(head).get(home(alpha)))
    assert "You are not assigned to a department yet" in text
    assert 'data-main-job="department_head"' not in text


# ---------------------------------------------------------------- sales manager

def test_sales_manager_home_offers_todays_entry_and_shows_todays_values(alpha, client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    entry = reverse("scorecards:entry", kwargs={"company_slug": "alpha"})
    with time_machine.travel(OCT_2, tick=False):
        before = text_of(client_for(seller).get(home(alpha)))
        with scopes_disabled():
            ActivityEntry.objects.create(company=alpha.company, manager=seller, date=datetime.date(2026, 10, 2),
                                         calls=37, meetings=4, proposals=2)
        after = text_of(client_for(seller).get(home(alpha)))
    assert main_job(before, "sales_manager") == entry and "Enter today's activity" in before
    assert "Nothing entered for today yet." in before
    assert main_job(after, "sales_manager") == entry and "Update today's activity" in after
    assert re.search(r"<dt>Calls</dt><dd>37</dd>.*<dt>Meetings</dt><dd>4</dd>.*<dt>Proposals</dt><dd>2</dd>",
                     after, re.S)


@pytest.fixture
def judged_quarter(alpha, time_machine):
    """2026-Q1 audited and over: alpha's seller met the norms and missed the plan; a second manager did not."""
    time_machine.move_to(AFTER_QUARTER, tick=False)
    RoundFactory(company=alpha.company, period="2026-Q1", period_start=datetime.date(2026, 1, 1),
                 period_end=datetime.date(2026, 3, 31),
                 deadline=datetime.datetime(2026, 1, 20, tzinfo=datetime.UTC))
    return judged_team(alpha)


def test_sales_manager_home_shows_the_latest_verdict_with_its_reasons(alpha, judged_quarter, client_for):
    seller = text_of(client_for(judged_quarter["seller"]).get(home(alpha)))
    assert "My verdict · 2026-Q1" in seller and "The system's shortfall" in seller
    assert "The manager did their part" in seller
    weak = text_of(client_for(judged_quarter["weak"]).get(home(alpha)))
    assert "The manager's shortfall" in weak and "Below the norm: calls at 58 % of norm" in weak
    assert reverse("scorecards:manager", kwargs={"company_slug": "alpha", "member_pk": judged_quarter["weak"].pk}) in weak
    assert reverse("scorecards:manager", kwargs={"company_slug": "alpha",
                                                 "member_pk": judged_quarter["seller"].pk}) not in weak


def test_head_of_sales_also_sees_the_teams_verdicts_and_other_heads_do_not(alpha, judged_quarter, client_for):
    text = text_of(client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(home(alpha)))
    assert section_titles(text) == ["My audits", "My sales team"]  # the head's own audits first
    assert "Verdicts · 2026-Q1" in text
    assert '<span class="home-count">1</span> <span class="badge warn">The system\'s shortfall' in text
    assert re.search(r'<span class="home-count">1</span> <span class="badge danger">The manager', text)
    assert reverse("scorecards:team", kwargs={"company_slug": "alpha"}) in text
    marketing_head = MembershipFactory(company=alpha.company, role=Role.DEPARTMENT_HEAD,
                                       department=alpha.departments["marketing"],
                                       user=UserFactory(email="marketing-head@alpha.test"))
    with scopes_disabled():
        alpha.departments["marketing"].head = marketing_head
        alpha.departments["marketing"].save()
    assert section_titles(text_of(client_for(marketing_head).get(home(alpha)))) == ["My audits"]


# ---------------------------------------------------------------- admin

def test_admin_home_of_a_new_company_shows_the_checklist_and_its_next_step(alpha, client_for):
    text = text_of(client_for(alpha.member(Role.ADMIN)).get(home(alpha)))
    with scope(company=alpha.company):
        steps = onboarding.checklist(company=alpha.company)
    first_to_do = next(step for step in steps if not step.done)
    assert "Getting started" in text and all(str(step.title) in text for step in steps)
    assert main_job(text, "admin") == first_to_do.url(alpha.company)
    assert "No audit is past its deadline." in text and "Every email went out." in text
    assert "No invitation is waiting for an answer." in text


def test_admin_home_counts_overdue_audits_pending_invitations_and_failed_emails(alpha, beta, client_for):
    now = timezone.now()
    with scopes_disabled():
        for tenant in (alpha, beta):  # beta's problems must not show in alpha's counts
            round_ = RoundFactory(company=tenant.company, deadline=now - datetime.timedelta(days=2))
            for key in ("sales", "it"):
                DepartmentAuditFactory(round=round_, department=tenant.departments[key], status=AuditStatus.DRAFT)
            Invitation.objects.create(company=tenant.company, email=f"new@{tenant.company.slug}.test",
                                      role=Role.EXECUTIVE, expires_at=now + datetime.timedelta(days=3))
            for n in range(3):
                Notification.objects.create(company=tenant.company, recipient=tenant.member(Role.EXECUTIVE),
                                            kind="digest", dedupe_key=f"digest:{tenant.company.slug}:{n}",
                                            status="failed")
        Invitation.objects.create(company=alpha.company, email="gone@alpha.test", role=Role.EXECUTIVE,
                                  expires_at=now + datetime.timedelta(days=3), revoked_at=now)
    text = text_of(client_for(alpha.member(Role.ADMIN)).get(home(alpha)))
    slug = {"company_slug": "alpha"}
    assert re.search(rf'<a href="{reverse("audits:round_list", kwargs=slug)}"><span class="home-count">2</span> '
                     r"Overdue audits</a>", text)
    assert re.search(rf'<a href="{reverse("invitation_list", kwargs=slug)}"><span class="home-count">1</span> '
                     r"Pending invitations</a>", text)
    assert re.search(rf'<a href="{reverse("notifications:failed", kwargs=slug)}"><span class="home-count">3</span> '
                     r"Failed emails</a>", text)


def test_admin_home_holds_the_admin_and_the_executive_sections_admin_first(alpha, history, client_for):
    text = text_of(client_for(alpha.member(Role.ADMIN)).get(home(alpha)))
    assert section_titles(text)[:2] == ["Running the company", "The company at a glance"]
    assert 'data-main-job="admin"' in text and 'data-main-job="executive"' in text


def test_each_role_sees_only_its_own_sections(alpha, history, client_for):
    titles = {role: section_titles(text_of(client_for(alpha.member(role)).get(home(alpha))))
              for role in (Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER)}
    assert titles == {Role.EXECUTIVE: ["The company at a glance"], Role.DEPARTMENT_HEAD: ["My audits", "My sales team"],
                      Role.SALES_MANAGER: ["My day"]}


def test_inactive_member_and_outsider_get_no_home(alpha, beta, client_for):
    assert client_for(beta.member(Role.ADMIN)).get(home(alpha)).status_code == 404
    executive = alpha.member(Role.EXECUTIVE)
    with scopes_disabled():
        executive.is_active = False
        executive.save(update_fields=["is_active"])
    assert client_for(executive).get(home(alpha)).status_code == 404


# ---------------------------------------------------------------- queries do not grow with the company

def grow(tenant, extra):
    """`extra` more departments (with heads), sales managers, action items, invitations and failed emails, then
    two scored quarters and an open audit of the sales department."""
    company, now = tenant.company, timezone.now()
    with scopes_disabled():
        for n in range(extra):
            department = DepartmentFactory(company=company, name=f"Extra {n}")
            tenant.departments[f"extra{n}"] = department
            department.head = MembershipFactory(company=company, role=Role.DEPARTMENT_HEAD, department=department)
            department.save()
            manager = add_manager(tenant, f"seller{n}@{company.slug}.test")
            ActivityEntry.objects.create(company=company, manager=manager, date=timezone.localdate(), calls=n)
            ActionItemFactory(company=company, status="open", factor=factor("market"),
                              owner=tenant.member(Role.DEPARTMENT_HEAD))
            Invitation.objects.create(company=company, email=f"x{n}@{company.slug}.test", role=Role.EXECUTIVE,
                                      expires_at=now + datetime.timedelta(days=3))
            Notification.objects.create(company=company, recipient=manager, kind="digest",
                                        dedupe_key=f"digest:{company.slug}:{n}", status="failed")
    build_history(tenant, ["2025-Q3", "2025-Q4"], missing_last=("sales",))


def home_queries(client, tenant):
    """Queries of one home view after a first one (which may fill the dashboards' read model)."""
    client.get(home(tenant))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(home(tenant)).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_home_query_count_does_not_grow_with_the_company(alpha, beta, client_for, role,
                                                         django_assert_max_num_queries):
    grow(alpha, 1)
    grow(beta, 12)
    small = home_queries(client_for(alpha.member(role)), alpha)
    client = client_for(beta.member(role))
    client.get(home(beta))
    with django_assert_max_num_queries(small):
        assert client.get(home(beta)).status_code == 200
