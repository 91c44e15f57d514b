"""Email subjects are plain text: a company name with & and quotes arrives as typed, not as HTML entities."""

import pytest
from django.core import mail

from accounts.models import Role
from tests.accounts.page_helpers import invite

NAME = 'Smith & Sons "R"'


@pytest.mark.parametrize(("language", "expected"), [
    ("en", f"You are invited to {NAME}"),
    ("ru", f"Приглашение в компанию {NAME}"),
])
def test_invitation_subject_shows_the_company_name_as_typed(alpha, language, expected,
                                                            django_capture_on_commit_callbacks):
    alpha.company.name, alpha.company.language = NAME, language
    alpha.company.save(update_fields=["name", "language"])
    with django_capture_on_commit_callbacks(execute=True):
        invite(alpha, role=Role.EXECUTIVE)
    (message,) = mail.outbox
    assert message.subject == expected
    assert "&amp;" not in message.subject and "&quot;" not in message.subject
