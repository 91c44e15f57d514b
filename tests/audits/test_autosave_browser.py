"""Issue 12, rule 8 in a real browser: after every kind of edit the page, the save response and the database say
the same thing, before and after a reload (value, N/A, a value on an N/A question, comment, evidence file)."""

import re

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from audits.models import Answer
from tests.audits.test_answer_browser import (  # noqa: F401 (fixtures)
    collect_console_errors,
    factor_catalogue,
    open_round,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SAVE_URL = re.compile(r"/audits/department-audits/\d+/answer/$")


def shown(question):
    """The question as the page shows it, in the shape of the save response's "answer"."""
    checked = question.locator("input[type=radio]:checked")
    current = question.locator("[data-current-file]")
    return {
        "value": checked.get_attribute("value") if checked.count() else "",
        "not_applicable": question.get_by_label("Not applicable to my department").is_checked(),
        "comment": question.get_by_label(re.compile("^Comment")).input_value(),
        "evidence_file": "" if current.get_attribute("hidden") is not None
        else question.locator("[data-current-file-link]").text_content(),
    }


def in_database(question_pk):
    with scopes_disabled():  # the test thread reads what the live server stored
        answer = Answer.objects.get(question_id=question_pk)
    return {
        "value": "" if answer.scale_value is None else str(answer.scale_value),
        "not_applicable": answer.not_applicable, "comment": answer.comment,
        "evidence_file": answer.evidence_file.name.rsplit("/", 1)[-1] if answer.evidence_file else "",
    }


def save(page, action):
    """Run the edit, wait for its save and for the page to render the response; returns the stored answer."""
    with page.expect_response(lambda r: SAVE_URL.search(r.url) and r.request.method == "POST") as info:
        action()
    response = info.value
    assert response.ok, response.text()
    answer = response.json()["answer"]
    page.locator(f"fieldset[data-updated-at='{answer['updated_at']}']").wait_for()
    return {key: answer[key] for key in ("value", "not_applicable", "comment", "evidence_file")}


def check_everywhere(page, question_pk, stored):
    """The page before and after a reload, the save response and the database agree."""
    question = page.locator(f"fieldset[data-question='{question_pk}']")
    assert shown(question) == stored
    assert in_database(question_pk) == stored
    page.reload()
    assert shown(page.locator(f"fieldset[data-question='{question_pk}']")) == stored


def test_every_kind_of_edit_reads_the_same_on_the_page_in_the_response_and_in_the_database(
        factor_catalogue, alpha, open_round, page, screenshot, tmp_path):  # noqa: F811 (fixtures)
    errors = collect_console_errors(page)
    sign_in(page, alpha.user(Role.DEPARTMENT_HEAD).email)
    page.goto("/c/alpha/audits/my/")
    question = page.locator("fieldset[data-question]:has(input[type=radio][value='4'])").first
    pk = question.get_attribute("data-question")
    comment = question.get_by_label(re.compile("^Comment"))

    # A value.
    stored = save(page, lambda: question.get_by_text("managed").click())
    assert stored["value"] == "4" and not stored["not_applicable"]
    check_everywhere(page, pk, stored)

    # A comment, then "not applicable": ticking it clears the value on screen before the save.
    stored = save(page, lambda: (comment.fill("We sell through one distributor"), comment.press("Tab")))
    check_everywhere(page, pk, stored)
    stored = save(page, lambda: question.get_by_label("Not applicable to my department").check())
    assert stored == {"value": "", "not_applicable": True, "comment": "We sell through one distributor",
                      "evidence_file": ""}
    check_everywhere(page, pk, stored)
    screenshot(page, "autosave-not-applicable")

    # A value on the N/A question: "not applicable" is unticked on screen, and the value is what is stored.
    stored = save(page, lambda: question.get_by_text("ad hoc").click())
    assert (stored["value"], stored["not_applicable"]) == ("2", False)
    check_everywhere(page, pk, stored)

    # The comment edited and left (Tab); the server trims it, and the page shows the trimmed text at once.
    stored = save(page, lambda: (comment.fill("  Two distributors since May  "), comment.press("Tab")))
    assert stored["comment"] == "Two distributors since May"
    check_everywhere(page, pk, stored)

    # An evidence file: the name shown is the name stored.
    evidence = tmp_path / "price list.pdf"
    evidence.write_bytes(b"%PDF-1.4 price list")
    question.locator("summary").click()
    stored = save(page, lambda: question.locator("input[type=file]").set_input_files(str(evidence)))
    assert stored["evidence_file"].startswith("price")
    assert question.locator("[data-current-file-link]").is_visible()
    check_everywhere(page, pk, stored)
    screenshot(page, "autosave-evidence")
    assert errors == []
