"""Numbers in, numbers out: request latencies and the email ledger (planned, sent, duplicated, lost, late)."""

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

LATE_SECONDS = 120


def percentile(values, share):
    """Nearest-rank percentile (share 0–1) of a list of numbers; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def read_sink(path):
    """Every recorded message: dicts with t, message_id, to, subject (a missing file means none arrived)."""
    try:
        with open(path, encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.strip()]
    except FileNotFoundError:
        return []


@dataclass(frozen=True)
class Ledger:
    expected: int
    planned: int
    statuses: dict
    arrived: int  # messages recorded by the sink for the run's recipients
    delivered: int  # expected recipients that got at least one message
    duplicate_message_ids: int  # extra copies sharing one Message-ID
    duplicate_recipient_subject: int  # extra copies sharing recipient and subject
    extra_per_outbox_row: int  # messages beyond one per outbox row of that recipient
    lost: int  # expected recipients that got nothing by the end of the drain (pending ones excepted)
    pending: int  # of those, rows a killed attempt still holds within the system's own recovery window
    late: int  # first copy arrived more than LATE_SECONDS after the row's due time
    max_delay: float | None
    delays: list
    window_duplicates: int = 0  # extra copies with the row's own Message-ID, explained by a kill before the mark
    kill_after_acceptance: list = ()  # for each of those: seconds from the first copy's acceptance to the kill
    mark_window: list = ()  # seconds from the sink's acceptance to the row's sent mark, one per sent row
    reclaimed: int = 0  # rows claimed more than once (a killed or failed attempt's row sent by a later one)

    @property
    def other_duplicates(self):
        """Extra copies no kill inside the acceptance → mark window explains (a new Message-ID, or no kill)."""
        most = max(self.duplicate_message_ids, self.duplicate_recipient_subject, self.extra_per_outbox_row)
        return max(most - self.window_duplicates, 0)


def email_ledger(*, recipients, rows, messages, now=None, sending_stale=None, handover_stale=None, kills=()):
    """Match messages to outbox rows by recipient. `rows`: dicts with email, due, claimed, handed_over, sent (epoch
    seconds or None), status and message_id. A row still "sending" may yet be sent by a drain the sweep wakes, so it is
    pending, not lost, while it is within the app's recovery window before `now`: claimed less than `sending_stale`
    seconds ago without a hand-over, or handed over less than `handover_stale` seconds ago (the app sends a stale
    hand-over again). `kills`: epoch seconds of the worker kills, which explain a second copy with the row's own
    Message-ID when the first was accepted before the kill and the row was not marked sent by then."""
    mine = [m for m in messages if m["to"] in recipients]
    by_recipient = defaultdict(list)
    for message in mine:
        by_recipient[message["to"]].append(message)
    rows_by_recipient = defaultdict(list)
    for row in rows:
        rows_by_recipient[row["email"]].append(row)
    delays = first_arrival_delays(rows_by_recipient, by_recipient)
    explained = window_duplicates(rows, mine, kills)
    missing = [r for r in recipients if not by_recipient.get(r)]
    pending = [r for r in missing if any(recoverable(row, now=now, sending_stale=sending_stale,
                                                      handover_stale=handover_stale)
                                          for row in rows_by_recipient.get(r, []))]
    return Ledger(
        expected=len(recipients),
        planned=len(rows),
        statuses=dict(Counter(row["status"] for row in rows)),
        arrived=len(mine),
        delivered=sum(1 for r in recipients if by_recipient.get(r)),
        duplicate_message_ids=extra_copies(Counter(m["message_id"] for m in mine if m["message_id"])),
        duplicate_recipient_subject=extra_copies(Counter((m["to"], m["subject"]) for m in mine)),
        extra_per_outbox_row=sum(max(len(got) - max(len(rows_by_recipient.get(r, [])), 1), 0)
                                 for r, got in by_recipient.items()),
        lost=len(missing) - len(pending),
        pending=len(pending),
        late=sum(1 for d in delays if d > LATE_SECONDS),
        max_delay=max(delays) if delays else None,
        delays=delays,
        window_duplicates=len(explained),
        kill_after_acceptance=explained,
        mark_window=acceptance_to_mark(rows, mine),
        reclaimed=sum(1 for row in rows if (row.get("attempts") or 0) > 1),
    )


def recoverable(row, *, now, sending_stale, handover_stale):
    """A row a killed attempt holds that a drain will still send, judged by the app's own stale ages."""
    if row["status"] != "sending":
        return False
    if row.get("handed_over"):
        return handover_stale is not None and row["handed_over"] > now - handover_stale
    return sending_stale is not None and bool(row.get("claimed")) and row["claimed"] > now - sending_stale


def copies_by_message_id(messages):
    by_id = defaultdict(list)
    for message in messages:
        if message["message_id"]:
            by_id[message["message_id"]].append(message["t"])
    return {key: sorted(times) for key, times in by_id.items()}


def window_duplicates(rows, messages, kills):
    """Extra copies of one row (same recipient, the row's own Message-ID) that a kill explains: each one needs a
    kill after an earlier copy was accepted and before the row was marked sent (the acceptance → mark window).
    One entry per explained copy: seconds from the first copy's acceptance to the kill."""
    copies = copies_by_message_id(messages)
    explained = []
    for row in rows:
        times = copies.get(row.get("message_id"), [])
        if len(times) < 2:
            continue
        marked = row.get("sent") or math.inf
        explaining = [k for k in kills if times[0] <= k < marked]
        explained += [k - times[0] for k in explaining[:len(times) - 1]]
    return explained


def acceptance_to_mark(rows, messages):
    """Seconds from the sink's acceptance of a row's message (the last copy accepted before the mark) to the row's
    sent mark: how long a kill can fall between the two."""
    copies = copies_by_message_id(messages)
    window = []
    for row in rows:
        times = copies.get(row.get("message_id"), [])
        if row.get("sent") is None or not times:
            continue
        before = [t for t in times if t <= row["sent"]]
        window.append(row["sent"] - (before[-1] if before else times[0]))
    return window


def extra_copies(counter):
    return sum(count - 1 for count in counter.values() if count > 1)


def first_arrival_delays(rows_by_recipient, messages_by_recipient):
    """Seconds from each row's due time to the arrival paired with it (rows and arrivals in time order)."""
    delays = []
    for email, rows in rows_by_recipient.items():
        arrivals = sorted(m["t"] for m in messages_by_recipient.get(email, []))
        for row, arrived in zip(sorted(rows, key=lambda r: r["due"]), arrivals, strict=False):
            delays.append(arrived - row["due"])
    return delays


@dataclass(frozen=True)
class Requests:
    total: int
    saves: int
    reads: int
    server_errors: int
    client_errors: int
    transport_errors: int
    deadlock_bodies: int
    save_ms: tuple  # p50, p95, max
    wave_save_ms: tuple
    wave_saves: int
    codes: dict
    alone_ms: tuple = (None, None, None)  # one head saving alone before the load


def request_stats(samples, *, wave=None):
    """Counts and save latencies; `wave` (start, end) in epoch seconds narrows the second latency triple."""
    alone = [s.ms for s in samples if s.kind == "baseline" and s.status]
    samples = [s for s in samples if s.kind != "baseline"]
    saves = [s for s in samples if s.kind == "save"]
    in_wave = [s for s in saves if wave and wave[0] <= s.at <= wave[1]]
    return Requests(
        total=len(samples),
        saves=len(saves),
        reads=len(samples) - len(saves),
        server_errors=sum(1 for s in samples if s.status >= 500),
        client_errors=sum(1 for s in samples if 400 <= s.status < 500),
        transport_errors=sum(1 for s in samples if s.status == 0),
        deadlock_bodies=sum(1 for s in samples if "deadlock" in s.body.lower()),
        save_ms=triple([s.ms for s in saves if s.status]),
        wave_save_ms=triple([s.ms for s in in_wave if s.status]),
        wave_saves=len(in_wave),
        codes=dict(sorted(Counter(s.status for s in samples).items())),
        alone_ms=triple(alone),
    )


def in_flight_at(samples, moments):
    """5xx answers to requests that were running at one of the given moments (epoch seconds)."""
    return sum(1 for s in samples if s.status >= 500 and any(s.at <= m <= s.at + s.ms / 1000 for m in moments))


def triple(values):
    return (percentile(values, 0.50), percentile(values, 0.95), max(values) if values else None)


def wave_window(recipients, messages):
    """(first, last) arrival of the run's emails, or None when none arrived."""
    times = [m["t"] for m in messages if m["to"] in recipients]
    return (min(times), max(times)) if times else None


def failures(requests, ledger):
    """Why a strict (CI) run fails: any 5xx or request left without an answer, any duplicate, any lost email."""
    reasons = []
    if requests.server_errors:
        reasons.append(f"{requests.server_errors} × 5xx")
    if requests.transport_errors:
        reasons.append(f"{requests.transport_errors} request(s) without an answer")
    if ledger.other_duplicates:
        reasons.append(f"{ledger.other_duplicates} duplicate email(s)")
    if ledger.lost:
        reasons.append(f"{ledger.lost} lost email(s)")
    return reasons


def ms(value):
    return "n/a" if value is None else f"{value:.0f}"


def seconds_ms(value):
    return "n/a" if value is None else f"{value * 1000:.1f}"


def render(*, profile, requests, ledger, deadlocks, faults, worker_errors, wave, load_started, load_average,
           in_flight_5xx=0):
    """The printed table (plain text, one figure per line)."""
    wave_text = "no email arrived" if wave is None else (
        f"{wave[0] - load_started:.0f} s → {wave[1] - load_started:.0f} s into the load")
    lines = [
        f"== chaos run: profile {profile.name}, {profile.heads} heads, {ledger.expected} recipients, "
        f"{profile.duration:g} s of load, drain ≤ {profile.drain:g} s ==",
        f"machine load average (1 min)    {load_average[0]:.1f} before, {load_average[1]:.1f} after the load",
        f"requests                        {requests.total}  (saves {requests.saves}, reads {requests.reads}; "
        f"{requests.total / profile.duration:.1f}/s)",
        f"status codes                    {requests.codes}",
        f"5xx                             {requests.server_errors}  ({in_flight_5xx} of them running when their "
        f"connection was terminated)",
        f"no response (refused/timeout)   {requests.transport_errors}",
        f"answer save, one head alone     {' / '.join(ms(v) for v in requests.alone_ms)} ms (p50 / p95 / max, "
        f"before the load)",
        f"answer save p50 / p95 / max     {' / '.join(ms(v) for v in requests.save_ms)} ms",
        f"  during the wave               {' / '.join(ms(v) for v in requests.wave_save_ms)} ms "
        f"over {requests.wave_saves} saves (wave: {wave_text})",
        f"deadlocks                       {deadlocks['stat']} (pg_stat_database), {deadlocks['log']} (PostgreSQL log),"
        f" {deadlocks['app']} (app logs), {requests.deadlock_bodies} (responses)",
        f"failed Celery tasks             {worker_errors}",
        f"faults injected                 {sum(1 for _, what in faults if 'beat started (first' not in what)}"
        f"  (seconds into the load)",
        *[f"  {at - load_started:6.1f} s  {what}" for at, what in faults],
        f"emails expected                 {ledger.expected}",
        f"emails planned (outbox rows)    {ledger.planned}  {ledger.statuses}",
        f"emails sent (arrived)           {ledger.arrived} messages, {ledger.delivered} recipients",
        f"duplicated                      {ledger.duplicate_message_ids} same Message-ID, "
        f"{ledger.duplicate_recipient_subject} same recipient+subject, {ledger.extra_per_outbox_row} beyond one per row",
        f"  in the acceptance→mark window {ledger.window_duplicates} (same Message-ID; first copy accepted before a "
        f"worker kill, row not marked sent by then: not a failure; kill "
        f"{', '.join(seconds_ms(gap) for gap in ledger.kill_after_acceptance) or '–'} ms after the acceptance)",
        f"  any other duplicate           {ledger.other_duplicates}",
        f"acceptance→mark window          {' / '.join(seconds_ms(v) for v in triple(ledger.mark_window))} ms "
        f"(p50 / p95 / max over {len(ledger.mark_window)} emails: sink accepted → outbox row marked sent)",
        f"rows claimed more than once     {ledger.reclaimed}  (a dead or failed attempt's row sent by a later one)",
        f"lost (none by the drain's end)  {ledger.lost}",
        f"  pending recovery              {ledger.pending}  (not counted as lost: a killed attempt's row the app will "
        f"still send, younger than its SENDING_STALE or hand-over stale age + one sweep)",
        f"later than {LATE_SECONDS} s after due      {ledger.late}  (max delay "
        f"{'n/a' if ledger.max_delay is None else f'{ledger.max_delay:.0f} s'}, "
        f"p95 {'n/a' if not ledger.delays else f'{percentile(ledger.delays, 0.95):.0f} s'})",
    ]
    return "\n".join(lines)
