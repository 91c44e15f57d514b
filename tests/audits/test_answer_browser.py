"""The issue's "done when": a department head answers and submits an audit in a real browser; scores appear."""

import re

import pytest
from django_scopes import scope

from accounts.models import Role
from audits import services
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def factor_catalogue(transactional_db):
    """The global factor rows (a data migration): reload them when an earlier transactional test flushed them."""
    from audits.factor_catalogue import FACTORS
    from audits.models import Factor

    for row in FACTORS:
        Factor.objects.update_or_create(key=row["key"], defaults={k: v for k, v in row.items() if k != "key"})


@pytest.fixture
def open_round(alpha, questionnaire, matrix):
    """Alpha's round of the current period (real time: the live server and the browser share the clock)."""
    with scope(company=alpha.company):
        round, _created = services.round_open(company=alpha.company, by=alpha.user(Role.ADMIN))
    return round


def collect_console_errors(tab):
    errors = []
    def on_console(message):
        # Chromium asks for /favicon.ico on its own; the project serves none (a 404 that is no page's fault).
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location.get('url')})")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("response", lambda response: errors.append(f"{response.status} {response.url}") if response.status >= 400 else None)
    return errors


def sign_in(tab, email):
    tab.goto("/accounts/login/")
    tab.get_by_label(re.compile("email", re.IGNORECASE)).fill(email)
    tab.get_by_label(re.compile("password", re.IGNORECASE)).fill(PASSWORD)
    tab.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    tab.wait_for_url(re.compile(r"/c/alpha/$"))


def answer_every_question(tab):
    """Scale: the "managed" step (4); yes/no: yes; number: typed; text: typed. Returns the number of questions."""
    questions = tab.locator("fieldset[data-question]")
    for index in range(questions.count()):
        question = questions.nth(index)
        if question.locator("input[type=radio][value='4']").count():
            question.get_by_text("managed").click()
        elif question.locator("input[type=radio][value='yes']").count():
            question.get_by_label("Yes", exact=True).check()
        elif question.locator("input[inputmode=decimal]").count():
            question.get_by_label("Number").press_sequentially("12")
        else:
            question.get_by_label("Your answer").press_sequentially("Fewer complaints since the new packaging.")
    return questions.count()


def test_department_head_answers_and_submits_and_the_round_shows_scores(factor_catalogue, alpha, open_round, page, screenshot):
    errors = collect_console_errors(page)
    sign_in(page, alpha.user(Role.DEPARTMENT_HEAD).email)
    page.get_by_role("link", name=re.compile(r"^Continue the \S+ audit$")).first.click()  # the home's main job
    page.wait_for_url(re.compile(r"/audits/department-audits/\d+/$"))
    screenshot(page, "audit-form-empty")

    total = answer_every_question(page)
    status = page.locator("#autosave-status")
    status.filter(has_text="Saved").wait_for()
    progress = page.locator("[data-progress-text]")
    progress.filter(has_text=f"{total} of {total} questions answered").wait_for()
    screenshot(page, "audit-form-answered")

    page.reload()  # everything typed was saved by the autosave, without pressing a button
    assert page.locator("[data-progress-text]").inner_text() == f"{total} of {total} questions answered"
    assert page.get_by_label("Your answer").input_value() == "Fewer complaints since the new packaging."

    page.get_by_role("button", name="Submit the audit").click()
    page.get_by_text("The audit is submitted.").wait_for()
    screenshot(page, "audit-submitted")

    page.get_by_role("link", name=re.compile(r"^Round ")).click()
    sales_row = page.get_by_role("row", name=re.compile(r"^Sales (Submitted|Draft)"))
    assert "on time" in sales_row.inner_text()
    assert re.search(r"\b83\b", sales_row.inner_text())  # 4 → 75 (weight 2), yes → 100: (150 + 100) / 3
    screenshot(page, "round-with-scores")
    assert errors == []


def test_not_applicable_without_a_comment_shows_the_error_live(factor_catalogue, alpha, open_round, page, screenshot):
    """The not-applicable box without a comment shows the service's error next to the question, live."""
    errors = collect_console_errors(page)
    sign_in(page, alpha.user(Role.DEPARTMENT_HEAD).email)
    page.goto("/c/alpha/audits/my/")
    first = page.locator("fieldset[data-question]").first
    first.get_by_label("Not applicable to my department").check()
    page.locator("#autosave-status").filter(has_text="Error").wait_for()
    first.get_by_text("Say why the question does not apply.").wait_for()
    first.get_by_label(re.compile("^Comment")).press_sequentially("We do not sell this product line.")
    page.locator("#autosave-status").filter(has_text="Saved").wait_for()
    first.locator("[data-errors] li").first.wait_for(state="detached")
    screenshot(page, "audit-form-not-applicable")
    assert [error for error in errors if "400" not in error] == []
