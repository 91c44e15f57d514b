"""Scorecard pages: each page's success case, outsider 404, wrong role 403 and bad input (never 500)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role, User
from scorecards.models import (
    ActivityEntry,
    ActivityNorm,
    DayOff,
    ImportBatch,
    KnowledgeAttempt,
    KnowledgeCheck,
    KnowledgeQuestion,
    KnowledgeRating,
    PlanResult,
    ScorecardSettings,
)

pytestmark = pytest.mark.django_db


def url(name, tenant="alpha", **kwargs):
    return reverse(f"scorecards:{name}", kwargs={"company_slug": tenant, **kwargs})


def text(response):
    return response.content.decode()


# ---------------------------------------------------------------- home and navigation

def test_home_sends_a_manager_to_their_scorecard_and_the_head_to_the_team(alpha, client_for, team):
    assert client_for(team["seller"]).get(url("home"))["Location"] == url("manager", member_pk=team["seller"].pk)
    assert client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(url("home"))["Location"] == url("team")


def test_home_is_403_for_other_department_heads_and_404_for_outsiders(alpha, beta, other_head, client_for):
    assert client_for(other_head).get(url("home")).status_code == 403
    assert client_for(beta.member(Role.ADMIN)).get(url("home")).status_code == 404


def test_navigation_shows_scorecards_to_the_head_of_sales_only_among_heads(alpha, other_head, client_for):
    link = url("home")
    assert link in text(client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(reverse("company_home", args=["alpha"])))
    assert link not in text(client_for(other_head).get(reverse("company_home", args=["alpha"])))


# ---------------------------------------------------------------- daily entry

def test_manager_enters_the_week(alpha, client_for, frozen_after_quarter):
    seller = alpha.member(Role.SALES_MANAGER)
    client = client_for(seller)
    page = client.get(url("entry"))
    assert page.status_code == 200 and 'name="2026-04-15-calls"' in text(page)
    assert 'name="2026-04-16-calls"' not in text(page)  # no future days
    response = client.post(url("entry"), {"2026-04-13-calls": "40", "2026-04-13-meetings": "2",
                                          "2026-04-15-calls": "12", "2026-04-15-proposals": "1"})
    assert response.status_code == 302
    with scopes_disabled():
        rows = {e.date.day: (e.calls, e.meetings, e.proposals) for e in ActivityEntry.objects.filter(manager=seller)}
    assert rows == {13: (40, 2, 0), 15: (12, 0, 1)}


def test_clearing_a_day_removes_it(alpha, client_for, frozen_after_quarter):
    client = client_for(alpha.member(Role.SALES_MANAGER))
    client.post(url("entry"), {"2026-04-15-calls": "12"})
    client.post(url("entry"), {"2026-04-15-calls": ""})
    with scopes_disabled():
        assert not ActivityEntry.objects.filter(company=alpha.company).exists()


def test_negative_or_text_counts_are_form_errors_and_nothing_is_saved(alpha, client_for, frozen_after_quarter):
    client = client_for(alpha.member(Role.SALES_MANAGER))
    response = client.post(url("entry"), {"2026-04-13-calls": "40", "2026-04-14-calls": "-5",
                                          "2026-04-15-meetings": "lots"})
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in text(response)
    with scopes_disabled():
        assert not ActivityEntry.objects.filter(company=alpha.company).exists()


def test_earlier_weeks_are_reachable_and_future_weeks_are_not(alpha, client_for, frozen_after_quarter):
    client = client_for(alpha.member(Role.SALES_MANAGER))
    assert 'name="2026-04-06-calls"' in text(client.get(url("entry") + "?week=2026-04-08"))
    assert 'name="2026-04-20-calls"' not in text(client.get(url("entry") + "?week=2026-04-22"))
    assert client.get(url("entry") + "?week=garbage").status_code == 200


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EXECUTIVE, Role.DEPARTMENT_HEAD])
def test_only_sales_managers_have_a_daily_entry(alpha, client_for, role):
    assert client_for(alpha.member(role)).get(url("entry")).status_code == 403


def test_daily_entry_is_404_for_outsiders(beta, alpha, client_for):
    assert client_for(beta.member(Role.SALES_MANAGER)).get(url("entry")).status_code == 404


# ---------------------------------------------------------------- scorecards and team

def test_manager_sees_their_scorecard_with_the_explanation(alpha, client_for, team):
    response = client_for(team["seller"]).get(url("manager", member_pk=team["seller"].pk) + "?period=2026-Q1")
    body = text(response)
    assert response.status_code == 200
    assert "The system&#x27;s shortfall" in body and "Numbers and thresholds behind the verdict" in body


def test_manager_cannot_open_a_colleagues_scorecard(alpha, client_for, team):
    assert client_for(team["seller"]).get(url("manager", member_pk=team["weak"].pk)).status_code == 404


def test_scorecard_of_another_companys_manager_is_404(alpha, beta, client_for, team):
    response = client_for(alpha.member(Role.ADMIN)).get(url("manager", member_pk=beta.member(Role.SALES_MANAGER).pk))
    assert response.status_code == 404


def test_other_department_head_gets_403_on_scorecards(alpha, other_head, client_for, team):
    client = client_for(other_head)
    assert client.get(url("manager", member_pk=team["seller"].pk)).status_code == 403
    assert client.get(url("team")).status_code == 403


def test_bad_period_shows_a_message_not_an_error(alpha, client_for, team):
    response = client_for(alpha.member(Role.ADMIN)).get(url("team") + "?period=2026-Q7")
    assert response.status_code == 200 and "is not a period" in text(response)


def test_head_of_sales_sees_the_team_with_sentence_and_chart_hooks(alpha, client_for, team):
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(url("team") + "?period=2026-Q1")
    body = text(response)
    assert response.status_code == 200
    assert "Weak Seller" in body and 'id="quadrant-chart"' in body and "vendor/plotly/plotly.min.js" in body
    assert "<script>" not in body  # no inline script under the CSP


def test_team_empty_state(beta, client_for):
    with scopes_disabled():
        beta.member(Role.SALES_MANAGER).delete()
    response = client_for(beta.member(Role.EXECUTIVE)).get(url("team", tenant="beta"))
    assert response.status_code == 200 and "No sales managers on this team yet" in text(response)


def test_team_is_403_for_managers_and_404_for_outsiders(alpha, beta, client_for):
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(url("team")).status_code == 403
    assert client_for(beta.member(Role.EXECUTIVE)).get(url("team")).status_code == 404


# ---------------------------------------------------------------- norms, days off, settings

def test_head_sets_a_managers_norm_and_days_off(alpha, client_for, team):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    page_url = url("manager_norm", member_pk=team["weak"].pk)
    assert client.get(page_url).status_code == 200
    assert client.post(page_url, {"save_norm": "1", "calls_per_day": "25", "meetings_per_week": ""}).status_code == 302
    assert client.post(page_url, {"add_day_off": "1", "off-date": "2026-03-02", "off-reason": "Vacation"}).status_code == 302
    duplicate = client.post(page_url, {"add_day_off": "1", "off-date": "2026-03-02"})
    assert "already marked" in text(duplicate)
    assert client.post(page_url, {"save_norm": "1", "calls_per_day": "-1"}).status_code == 200
    with scopes_disabled():
        norm = ActivityNorm.objects.get(manager=team["weak"])
        assert (norm.calls_per_day, norm.meetings_per_week) == (25, None)
        assert DayOff.objects.filter(manager=team["weak"]).count() == 1
    assert client.post(page_url, {"clear_norm": "1"}).status_code == 302
    with scopes_disabled():
        assert not ActivityNorm.objects.filter(manager=team["weak"]).exists()


def test_norm_page_permissions(alpha, beta, other_head, client_for, team):
    page_url = url("manager_norm", member_pk=team["weak"].pk)
    assert client_for(alpha.member(Role.EXECUTIVE)).get(page_url).status_code == 403
    assert client_for(team["seller"]).get(page_url).status_code == 403
    assert client_for(other_head).get(page_url).status_code == 403
    assert client_for(beta.member(Role.ADMIN)).get(page_url).status_code == 404


def test_day_off_removal_asks_first(alpha, beta, client_for, team):
    with scopes_disabled():
        day = DayOff.objects.create(company=alpha.company, manager=team["weak"], date=datetime.date(2026, 3, 2))
    client = client_for(alpha.member(Role.ADMIN))
    confirm = client.get(url("day_off_delete", day_off_pk=day.pk))
    assert confirm.status_code == 200 and "Remove the day off?" in text(confirm)
    assert client.post(url("day_off_delete", day_off_pk=day.pk)).status_code == 302
    with scopes_disabled():
        assert not DayOff.objects.filter(pk=day.pk).exists()
    assert client_for(beta.member(Role.ADMIN)).get(url("day_off_delete", day_off_pk=1)).status_code == 404
    assert client_for(team["seller"]).get(url("day_off_delete", day_off_pk=1)).status_code == 403


def test_admin_edits_thresholds_and_company_norm(alpha, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    assert client.get(url("settings")).status_code == 200
    response = client.post(url("settings"), {
        "activity_threshold": "85", "knowledge_threshold": "60", "plan_threshold": "95", "currency": "eur",
        "working_weekdays": ["0", "1", "2", "3", "4", "5"], "calls_per_day": "30", "meetings_per_week": "4",
        "proposals_per_month": "",
    })
    assert response.status_code == 302
    with scopes_disabled():
        settings = ScorecardSettings.objects.get(company=alpha.company)
        norm = ActivityNorm.objects.get(company=alpha.company, manager=None)
    assert (settings.activity_threshold, settings.currency, settings.working_weekdays) == (85, "EUR", [0, 1, 2, 3, 4, 5])
    assert (norm.calls_per_day, norm.proposals_per_month) == (30, None)


def test_settings_bad_input_and_permissions(alpha, beta, client_for):
    bad = client_for(alpha.member(Role.ADMIN)).post(url("settings"), {"activity_threshold": "500", "currency": "E"})
    assert bad.status_code == 200 and "errorlist" in text(bad)
    assert client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(url("settings")).status_code == 403
    assert client_for(beta.member(Role.ADMIN)).get(url("settings")).status_code == 404


# ---------------------------------------------------------------- plans and ratings

def test_admin_adds_and_removes_holidays_and_they_lower_the_expected_activity(alpha, beta, client_for, team):
    from scorecards.models import Holiday

    client = client_for(alpha.member(Role.ADMIN))
    seller = team["seller"].pk
    before = client.get(url("manager", member_pk=seller) + "?period=2026-Q1")
    assert "64 working days" in text(before)
    response = client.post(url("settings"), {"add_holiday": "1", "holiday-date": "2026-01-02",
                                             "holiday-name": "New Year holidays"})
    assert response.status_code == 302
    client.post(url("settings"), {"add_holiday": "1", "holiday-date": "2026-01-03"})  # a Saturday: no change
    again = client.post(url("settings"), {"add_holiday": "1", "holiday-date": "2026-01-02"})
    assert again.status_code == 200 and "already a holiday" in text(again)
    page = text(client.get(url("settings")))
    assert "New Year holidays" in page
    after = text(client.get(url("manager", member_pk=seller) + "?period=2026-Q1"))
    assert "63 working days" in after and "1 holiday" in after
    with scopes_disabled():
        holiday = Holiday.objects.get(company=alpha.company, date="2026-01-02")
        beta_holiday = Holiday.objects.create(company=beta.company, date="2026-01-02")
    assert client.post(url("settings"), {"remove_holiday": str(beta_holiday.pk)}).status_code == 404
    assert client.post(url("settings"), {"remove_holiday": "x"}).status_code == 404
    assert client.post(url("settings"), {"remove_holiday": str(holiday.pk)}).status_code == 302
    with scopes_disabled():
        assert not Holiday.objects.filter(pk=holiday.pk).exists() and Holiday.objects.filter(pk=beta_holiday.pk).exists()
    assert client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(
        url("settings"), {"add_holiday": "1", "holiday-date": "2026-01-05"}).status_code == 403


def test_head_enters_plans_and_results(alpha, client_for, team):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    seller = team["seller"].pk
    assert client.get(url("plans") + "?period=2026-Q2").status_code == 200
    response = client.post(url("plans") + "?period=2026-Q2", {
        f"m{seller}-plan_deals": "10", f"m{seller}-actual_deals": "7", f"m{seller}-plan_revenue": "100000",
        f"m{seller}-actual_revenue": "65000.50"})
    assert response.status_code == 302
    with scopes_disabled():
        row = PlanResult.objects.get(manager_id=seller, period="2026-Q2")
        assert (row.plan_deals, str(row.actual_revenue)) == (10, "65000.50")
        assert not PlanResult.objects.filter(manager=team["weak"], period="2026-Q2").exists()


def test_plans_bad_input_and_permissions(alpha, beta, client_for, team):
    seller = team["seller"].pk
    bad = client_for(alpha.member(Role.ADMIN)).post(url("plans"), {f"m{seller}-plan_deals": "-2"})
    assert bad.status_code == 200 and "errorlist" in text(bad)
    assert client_for(alpha.member(Role.EXECUTIVE)).get(url("plans")).status_code == 403
    assert client_for(team["seller"]).get(url("plans")).status_code == 403
    assert client_for(beta.member(Role.ADMIN)).get(url("plans")).status_code == 404


def test_plan_of_zero_is_a_row_error_and_no_row_is_saved(alpha, client_for, team):
    seller, weak = team["seller"].pk, team["weak"].pk
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(url("plans") + "?period=2026-Q2", {
        f"m{seller}-plan_deals": "10", f"m{seller}-actual_deals": "7", f"m{seller}-plan_revenue": "100000",
        f"m{seller}-actual_revenue": "65000",
        f"m{weak}-plan_deals": "0", f"m{weak}-actual_deals": "3", f"m{weak}-plan_revenue": "0"})
    assert response.status_code == 200
    assert "A plan of zero deals and zero revenue cannot be measured against" in text(response)
    with scopes_disabled():
        assert not PlanResult.objects.filter(period="2026-Q2").exists()  # the valid row is not half-saved


def test_head_rates_knowledge(alpha, beta, client_for, team):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    weak = team["weak"].pk
    assert client.get(url("ratings") + "?period=2026-Q2").status_code == 200
    assert client.post(url("ratings") + "?period=2026-Q2", {f"m{weak}-score": "64", f"m{weak}-note": "Better"}).status_code == 302
    with scopes_disabled():
        assert KnowledgeRating.objects.get(manager_id=weak, period="2026-Q2").score == 64
    bad = client.post(url("ratings"), {f"m{weak}-score": "101"})
    assert bad.status_code == 200 and "errorlist" in text(bad)
    assert client_for(team["seller"]).get(url("ratings")).status_code == 403
    assert client_for(beta.member(Role.ADMIN)).get(url("ratings")).status_code == 404


# ---------------------------------------------------------------- import pages

CSV = "email;date;calls;meetings;proposals\nseller@alpha.test;2026-04-01;40;2;1\n"


def upload(client, content, name="activity.csv", period=""):
    return client.post(url("upload"), {"file": SimpleUploadedFile(name, content), "period": period})


def test_upload_preview_then_confirm_imports(alpha, client_for, frozen_after_quarter):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    assert client.get(url("upload")).status_code == 200
    response = upload(client, CSV.encode("cp1251"))
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert "Every row is correct." in text(preview)
    with scopes_disabled():
        assert not ActivityEntry.objects.exists()
    done = client.post(response["Location"])
    assert done.status_code == 302
    with scopes_disabled():
        assert ActivityEntry.objects.get().calls == 40
    assert client.get(response["Location"]).status_code == 302  # already imported


def test_upload_with_errors_shows_rows_and_imports_nothing(alpha, client_for, frozen_after_quarter):
    client = client_for(alpha.member(Role.ADMIN))
    response = upload(client, (CSV + "seller@alpha.test;2026-04-01;1;1;1\n").encode())
    preview = client.get(response["Location"])
    assert "Duplicate of row 2" in text(preview)
    assert client.post(response["Location"]).status_code == 200
    with scopes_disabled():
        assert not ActivityEntry.objects.exists()


def test_upload_with_wrong_headers_names_the_expected_ones(alpha, client_for, frozen_after_quarter):
    client = client_for(alpha.member(Role.ADMIN))
    response = upload(client, b"who,when\nx,y\n")
    assert "The first row must name the columns: Email / Почта; Date / Дата; Calls / Звонки" in text(
        client.get(response["Location"]))


def test_upload_bad_input(alpha, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    assert "errorlist" in text(client.post(url("upload"), {}))
    assert "is not a period" in text(upload(client, CSV.encode(), period="Q3"))
    assert "The submitted file is empty." in text(upload(client, b""))


def test_upload_permissions_and_other_peoples_batches(alpha, beta, other_head, client_for, frozen_after_quarter):
    assert client_for(alpha.member(Role.EXECUTIVE)).get(url("upload")).status_code == 403
    assert client_for(other_head).get(url("upload")).status_code == 403
    assert client_for(beta.member(Role.ADMIN)).get(url("upload")).status_code == 404
    location = upload(client_for(alpha.member(Role.ADMIN)), CSV.encode())["Location"]
    with scopes_disabled():
        batch = ImportBatch.objects.get()
    # Another person's pending upload is not theirs to confirm; another company's id does not exist.
    assert client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(location).status_code == 404
    assert client_for(beta.member(Role.ADMIN)).get(url("upload_preview", tenant="beta", import_pk=batch.pk)).status_code == 404


# ---------------------------------------------------------------- knowledge checks

def test_head_authors_a_knowledge_check_and_a_manager_takes_it(alpha, client_for, frozen_after_quarter):
    head = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    created = head.post(url("knowledge_new"), {"title": "Product line"})
    check_url = created["Location"]
    with scopes_disabled():
        check = KnowledgeCheck.objects.get()
    assert head.post(check_url, {"save_check": "1", "title": "Product line", "is_published": "on"}).status_code == 200
    for text_, options, correct in [("Warranty?", "1 year\n3 years", "2"), ("Lead time?", "2 days\n2 weeks\n2 months", "1")]:
        assert head.post(check_url, {"add_question": "1", "q-text": text_, "q-options": options,
                                     "q-correct_option": correct}).status_code == 302
    bad = head.post(check_url, {"add_question": "1", "q-text": "Odd", "q-options": "only one", "q-correct_option": "1"})
    assert "Give at least two options." in text(bad)
    assert head.post(check_url, {"save_check": "1", "title": "Product line", "is_published": "on"}).status_code == 302
    assert head.get(url("knowledge")).status_code == 200

    seller = alpha.member(Role.SALES_MANAGER)
    manager = client_for(seller)
    assert "Product line" in text(manager.get(url("knowledge")))
    take_url = url("knowledge_take", knowledge_check_pk=check.pk)
    page = manager.get(take_url)
    assert page.status_code == 200 and "correct" not in text(page).lower().split("submit")[0][-200:]
    with scopes_disabled():
        first, second = KnowledgeQuestion.objects.order_by("position")
    assert manager.post(take_url, {f"q{first.pk}": "1", f"q{second.pk}": "2"}).status_code == 302
    with scopes_disabled():
        attempt = KnowledgeAttempt.objects.get()
    assert (attempt.correct, attempt.total, float(attempt.score), attempt.period) == (1, 2, 50.0, "2026-Q2")


def test_knowledge_question_delete_asks_first(alpha, beta, client_for):
    with scopes_disabled():
        check = KnowledgeCheck.objects.create(company=alpha.company, title="T")
        question = KnowledgeQuestion.objects.create(company=alpha.company, knowledge_check=check, text="Q?",
                                                    options=["a", "b"], correct_option=0)
    client = client_for(alpha.member(Role.ADMIN))
    assert client.get(url("knowledge_question_delete", knowledge_question_pk=question.pk)).status_code == 200
    assert client.post(url("knowledge_question_delete", knowledge_question_pk=question.pk)).status_code == 302
    with scopes_disabled():
        assert not KnowledgeQuestion.objects.exists()
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(
        url("knowledge_question_delete", knowledge_question_pk=1)).status_code == 403
    assert client_for(beta.member(Role.ADMIN)).get(url("knowledge_question_delete", knowledge_question_pk=1)).status_code == 404


def test_knowledge_permissions(alpha, beta, other_head, client_for):
    with scopes_disabled():
        draft = KnowledgeCheck.objects.create(company=alpha.company, title="Draft")
    assert client_for(other_head).get(url("knowledge")).status_code == 403
    assert client_for(alpha.member(Role.EXECUTIVE)).get(url("knowledge")).status_code == 403
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(url("knowledge_new")).status_code == 403
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(url("knowledge_edit", knowledge_check_pk=draft.pk)).status_code == 403
    # A draft cannot be taken; another company's check does not exist.
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(url("knowledge_take", knowledge_check_pk=draft.pk)).status_code == 404
    assert client_for(alpha.member(Role.ADMIN)).get(url("knowledge_take", knowledge_check_pk=draft.pk)).status_code == 403
    assert client_for(beta.member(Role.ADMIN)).get(url("knowledge_edit", knowledge_check_pk=draft.pk)).status_code == 404
    assert client_for(alpha.member(Role.ADMIN)).post(url("knowledge_new"), {"title": ""}).status_code == 200


@pytest.mark.parametrize(("language", "planned", "actual"), [("en", "100,000", "65,000.50"),
                                                              ("ru", "100\xa0000", "65\xa0000,50")])
def test_manager_page_groups_revenue_digits_for_the_readers_language(alpha, client_for, team, language, planned,
                                                                      actual):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    client = client_for(head)
    seller = team["seller"].pk
    client.post(url("plans") + "?period=2026-Q2", {
        f"m{seller}-plan_deals": "10", f"m{seller}-actual_deals": "7", f"m{seller}-plan_revenue": "100000",
        f"m{seller}-actual_revenue": "65000.50"})
    User.objects.filter(pk=head.user_id).update(language=language)
    page = text(client.get(url("manager", member_pk=seller) + "?period=2026-Q2"))
    assert planned in page and actual in page
