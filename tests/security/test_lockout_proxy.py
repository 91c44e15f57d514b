"""Behind a reverse proxy the lockout still belongs to one client: the proxy's header is believed only when the
request comes from a configured trusted proxy, and failures from one client lock neither the account for
others nor anyone out from elsewhere."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditLogEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
EMAIL = "seller@alpha.test"
PROXY = "10.9.0.5"


def sign_in(client, password, *, peer, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post(reverse("login"), {"username": EMAIL, "password": password}, REMOTE_ADDR=peer, **headers)


def fail_five_times(client, **kwargs):
    for _ in range(5):
        sign_in(client, "wrong-password", **kwargs)


@override_settings(TRUSTED_PROXIES=["10.9.0.0/24"])
def test_behind_the_trusted_proxy_failures_from_client_a_lock_a_but_not_b(alpha, client):
    fail_five_times(client, peer=PROXY, forwarded="203.0.113.7")
    assert sign_in(client, PASSWORD, peer=PROXY, forwarded="203.0.113.7").status_code == 429
    response = sign_in(client, PASSWORD, peer=PROXY, forwarded="198.51.100.20")
    assert response.status_code == 302  # client B, through the same proxy


@override_settings(TRUSTED_PROXIES=["10.9.0.0/24"])
def test_client_written_entries_left_of_the_proxy_chain_are_ignored(alpha, client):
    # The client sends "X-Forwarded-For: <victim's address>"; the proxy appends the address it really saw.
    fail_five_times(client, peer=PROXY, forwarded="198.51.100.20, 203.0.113.7")
    assert sign_in(client, PASSWORD, peer=PROXY, forwarded="198.51.100.20").status_code == 302


def test_spoofed_header_from_an_untrusted_peer_is_ignored(alpha, client):
    # No trusted proxy configured: the header is the attacker's own text, the peer address is what counts.
    for victim in ("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5"):
        sign_in(client, "wrong-password", peer="203.0.113.66", forwarded=victim)
    assert sign_in(client, PASSWORD, peer="203.0.113.66", forwarded="198.51.100.99").status_code == 429
    assert sign_in(client, PASSWORD, peer="198.51.100.1").status_code == 302  # the "victim" is not locked


@override_settings(TRUSTED_PROXIES=["10.9.0.0/24"])
def test_spoofed_header_from_a_peer_that_is_not_the_trusted_proxy_is_ignored(alpha, client):
    fail_five_times(client, peer="203.0.113.66", forwarded="198.51.100.20")
    assert sign_in(client, PASSWORD, peer=PROXY, forwarded="198.51.100.20").status_code == 302


@override_settings(TRUSTED_PROXIES=["10.9.0.0/24"])
def test_audit_log_records_the_client_address_not_the_proxys(alpha, client):
    assert sign_in(client, PASSWORD, peer=PROXY, forwarded="203.0.113.7").status_code == 302
    with scopes_disabled():
        assert AuditLogEntry.objects.filter(ip_address="203.0.113.7").exists()
