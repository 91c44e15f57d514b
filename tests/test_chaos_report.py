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


def test_email_ledger_counts_a_handed_over_row_as_pending_only_within_the_hand_over_recovery_window():
    held = [{"email": "a@x.example", "due": 1000.0, "status": "sending", "claimed": 1100.0, "handed_over": 1100.2}]
    one = frozenset({"a@x.example"})
    within = email_ledger(recipients=one, rows=held, messages=[], now=1150.0, sending_stale=120, handover_stale=100)
    assert (within.pending, within.lost) == (1, 0)
    beyond = email_ledger(recipients=one, rows=held, messages=[], now=1250.0, sending_stale=120, handover_stale=100)
    assert (beyond.pending, beyond.lost) == (0, 1)


def sent_row(email="a@x.example", sent=1010.0, key="<row-a>"):
    return {"email": email, "due": 1000.0, "status": "sent", "sent": sent, "message_id": key}


def window_ledger(messages, *, kills, sent=1010.0):
    rows = [sent_row(sent=sent)] + [sent_row(email, sent=1001.1, key=f"<row-{email[0]}>")
                                    for email in ("b@x.example", "c@x.example")]
    others = [message("b@x.example", 1001, "<row-b>"), message("c@x.example", 1001, "<row-c>")]
    return email_ledger(recipients=RECIPIENTS, rows=rows, messages=messages + others, kills=kills)


def test_a_same_message_id_copy_accepted_before_a_kill_and_before_the_mark_is_a_window_duplicate_not_a_failure():
    # Accepted at 1001, the worker killed at 1001.002 before its mark; the row re-sent and marked at 1010.
    ledger = window_ledger([message("a@x.example", 1001, "<row-a>"), message("a@x.example", 1009, "<row-a>")],
                           kills=[1001.002])
    assert (ledger.window_duplicates, ledger.other_duplicates) == (1, 0)
    assert [round(gap, 3) for gap in ledger.kill_after_acceptance] == [0.002]
    assert failures(request_stats([Sample(at=1, kind="save", status=200, ms=10)]), ledger) == []


def test_a_same_message_id_copy_without_a_kill_to_explain_it_fails():
    copies = [message("a@x.example", 1001, "<row-a>"), message("a@x.example", 1009, "<row-a>")]
    for kills in ([], [999.0], [1011.0]):  # none; before the first acceptance; after the row was marked sent
        ledger = window_ledger(copies, kills=kills)
        assert (ledger.window_duplicates, ledger.other_duplicates) == (0, 1), kills
        assert failures(request_stats([]), ledger) == ["1 duplicate email(s)"]


def test_a_copy_with_another_message_id_fails_even_after_a_kill():
    ledger = window_ledger([message("a@x.example", 1001, "<row-a>"), message("a@x.example", 1009, "<other>")],
                           kills=[1001.002])
    assert (ledger.window_duplicates, ledger.other_duplicates) == (0, 1)


def test_one_kill_explains_one_extra_copy_only():
    copies = [message("a@x.example", t, "<row-a>") for t in (1001, 1005, 1009)]
    ledger = window_ledger(copies, kills=[1001.002])
    assert (ledger.window_duplicates, ledger.other_duplicates) == (1, 1)


def test_the_acceptance_to_mark_window_is_measured_from_the_copy_the_mark_confirms():
    ledger = window_ledger([message("a@x.example", 1001, "<row-a>"), message("a@x.example", 1009.996, "<row-a>")],
                           kills=[1001.002])
    assert sorted(round(w, 3) for w in ledger.mark_window) == [0.004, 0.1, 0.1]


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


def test_the_printed_table_names_window_duplicates_and_the_measured_window():
    from tools.chaos.config import PROFILES
    from tools.chaos.report import render

    ledger = window_ledger([message("a@x.example", 1001, "<row-a>"), message("a@x.example", 1009, "<row-a>")],
                           kills=[1001.002])
    text = render(profile=PROFILES["ci"], requests=request_stats([Sample(at=1, kind="save", status=200, ms=10)]),
                  ledger=ledger, deadlocks={"stat": 0, "log": 0, "app": 0}, faults=[(1001.002, "kill -9 worker-1")],
                  worker_errors=0, wave=None, load_started=990.0, load_average=(0.5, 1.0))
    assert "in the acceptance→mark window 1 (same Message-ID" in text
    assert "kill 2.0 ms after the acceptance" in text
    assert "any other duplicate           0" in text
    assert "rows claimed more than once     0" in text
    assert "acceptance→mark window          100.0 / 1000.0 / 1000.0 ms (p50 / p95 / max over 3 emails" in text
