import pytest
from audits.models import Factor

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_probe_plain(alpha):
    print("\nFACTORS plain:", Factor.objects.count())

@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_probe_browser(chromium_page, live_server):
    print("\nFACTORS chromium:", Factor.objects.count())
