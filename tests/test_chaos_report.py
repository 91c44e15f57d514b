"""The chaos harness's arithmetic (tools/chaos/report.py) and the answers its simulated heads send."""

import random

import pytest

from audits.models import QuestionKind
from audits.serializers import AnswerInputSerializer
from tools.chaos.load import Sample, answer_for
from tools.chaos.report import email_ledger, failures, in_flight_at, percentile, request_stats

RECIPIENTS = frozenset({"a@x.example", "b@x.example", "c@x.example"})


def rows(due=1000.0):
    return [{"email": email, "due": due, "status": "sent"} for email in sorted(RECIPIENTS)]


def message(to, t, message_id=None, subject="Round opened"):
    return {"to": to, "t": t, "message_id": message_id or f"<{to}-{t}>", "subject": subject}


def test_email_ledger_counts_a_resent_copy_as_duplicate_by_message_id_and_by_recipient():
    messages = [message("a@x.example", 1001, "<k1>"), message("a@x.example", 1002, "<k1>"),
                message("b@x.example", 1001), message("c@x.example", 1001)]
    ledger = email_ledger(recipients=RECIPIENTS, rows=rows(), messages=messages)
    assert (ledger.duplicate_message_ids, ledger.duplicate_recipient_subject, ledger.extra_per_outbox_row) == (1, 1, 1)
    assert (ledger.delivered, ledger.lost) == (3, 0)


def test_email_ledger_counts_a_copy_with_a_new_message_id_as_duplicate_of_the_recipient():
    messages = [message("a@x.example", 1001), message("a@x.example", 1005), message("b@x.example", 1001),
                message("c@x.example", 1001)]
    ledger = email_ledger(recipients=RECIPIENTS, rows=rows(), messages=messages)
    assert ledger.duplicate_message_ids == 0
    assert ledger.duplicate_recipient_subject == 1


def test_email_ledger_counts_a_recipient_without_any_message_as_lost():
    messages = [message("a@x.example", 1001), message("other@y.example", 1001)]
    ledger = email_ledger(recipients=RECIPIENTS, rows=rows()[:2], messages=messages)
    assert (ledger.expected, ledger.planned, ledger.arrived, ledger.lost) == (3, 2, 1, 2)


def test_email_ledger_counts_arrivals_more_than_two_minutes_after_due_as_late():
    messages = [message("a@x.example", 1000 + 121), message("b@x.example", 1000 + 119),
                message("c@x.example", 1000 + 5)]
    ledger = email_ledger(recipients=RECIPIENTS, rows=rows(), messages=messages)
    assert ledger.late == 1
    assert ledger.max_delay == 121


def test_request_stats_counts_5xx_and_no_response_and_narrows_latency_to_the_wave():
    samples = [Sample(at=10, kind="save", status=200, ms=50), Sample(at=20, kind="save", status=200, ms=400),
               Sample(at=21, kind="save", status=500, ms=900, body="deadlock detected"),
               Sample(at=30, kind="read", status=0, ms=30000, error="ReadTimeout")]
    stats = request_stats(samples, wave=(19, 25))
    assert (stats.total, stats.saves, stats.reads) == (4, 3, 1)
    assert (stats.server_errors, stats.transport_errors, stats.deadlock_bodies) == (1, 1, 1)
    assert stats.save_ms == (400, 900, 900)
    assert stats.wave_save_ms == (400, 900, 900) and stats.wave_saves == 2


def test_percentile_is_nearest_rank():
    assert percentile(list(range(1, 101)), 0.95) == 95
    assert percentile([], 0.5) is None


def test_failures_name_every_reason_a_strict_run_fails_and_none_when_clean():
    clean = email_ledger(recipients=RECIPIENTS, rows=rows(),
                         messages=[message(r, 1001) for r in RECIPIENTS])
    ok = request_stats([Sample(at=1, kind="save", status=200, ms=10)])
    assert failures(ok, clean) == []
    broken = email_ledger(recipients=RECIPIENTS, rows=rows(),
                          messages=[message("a@x.example", 1001), message("a@x.example", 1002)])
    bad = request_stats([Sample(at=1, kind="save", status=503, ms=10)])
    assert failures(bad, broken) == ["1 × 5xx", "1 duplicate email(s)", "2 lost email(s)"]


def test_email_ledger_counts_a_row_a_killed_attempt_holds_within_the_recovery_window_as_pending_not_lost():
    held = [{"email": "a@x.example", "due": 1000.0, "status": "sending", "claimed": 1100.0},
            {"email": "b@x.example", "due": 1000.0, "status": "sending", "claimed": 1000.0},
            {"email": "c@x.example", "due": 1000.0, "status": "planned", "claimed": None}]
    ledger = email_ledger(recipients=RECIPIENTS, rows=held, messages=[], now=1150.0, sending_stale=120)
    assert (ledger.pending, ledger.lost) == (1, 2)


def test_email_ledger_counts_a_handed_over_row_that_never_arrived_as_lost():
    held = [{"email": "a@x.example", "due": 1000.0, "status": "sending", "claimed": 1100.0, "handed_over": 1100.2}]
    ledger = email_ledger(recipients=frozenset({"a@x.example"}), rows=held, messages=[], now=1150.0,
                          sending_stale=120)
    assert (ledger.pending, ledger.lost) == (0, 1)


def test_in_flight_at_counts_only_5xx_answers_to_requests_running_at_the_moment():
    samples = [Sample(at=10, kind="save", status=500, ms=3000), Sample(at=20, kind="save", status=500, ms=100),
               Sample(at=10, kind="save", status=200, ms=3000)]
    assert in_flight_at(samples, [12.0]) == 1


def test_failures_count_a_request_left_without_an_answer():
    clean = email_ledger(recipients=RECIPIENTS, rows=rows(), messages=[message(r, 1001) for r in RECIPIENTS])
    timed_out = request_stats([Sample(at=1, kind="save", status=0, ms=30000, error="ReadTimeout")])
    assert failures(timed_out, clean) == ["1 request(s) without an answer"]


@pytest.mark.parametrize("kind", QuestionKind.values)
def test_simulated_answers_are_valid_api_input_for_every_question_kind(kind):
    rng = random.Random(kind)
    for _ in range(20):
        serializer = AnswerInputSerializer(data=answer_for((7, kind), rng))
        assert serializer.is_valid(), serializer.errors
