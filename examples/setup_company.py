"""Set up a whole company through the REST API alone: sign-up, departments and matrix, people, schedule,
scorecard norms and thresholds, knowledge ratings, email choices and two years of quarterly history.

    python examples/setup_company.py --base-url http://127.0.0.1:8000 --slug acme --email admin@acme.example

Needs only httpx (pinned in requirements.txt). Every call is printed with its status; the first unexpected
answer stops the script with the server's field errors. Safe to read top to bottom: one function per step.
tests/test_example_setup_script.py runs it against a live server (CI does the same).
"""

import argparse
import datetime
import random
import sys
import time
import uuid

import httpx

DEFAULT_PASSWORD = "example-setup-passphrase-2026"
# Whom to invite: (email local part, role, department name or None).
PEOPLE = [
    ("exec", "executive", None),
    ("head.product", "department_head", "Product"),
    ("head.marketing", "department_head", "Marketing"),
    ("head.sales", "department_head", "Sales"),
    ("head.it", "department_head", "IT"),
    ("head.management", "department_head", "Management"),
    ("sales1", "sales_manager", "Sales"),
    ("sales2", "sales_manager", "Sales"),
]


class Api:
    """A thin client: base URL, the token once known, a call counter, and strict status checks."""

    def __init__(self, base_url, *, verbose=True, transport=None):
        self.http = httpx.Client(base_url=base_url.rstrip("/"), timeout=60, transport=transport)
        self.token = None
        self.calls = 0
        self.verbose = verbose

    def call(self, method, path, *, expect=(200,), json=None, headers=None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = self.http.request(method, path, json=json, headers=headers)
        self.calls += 1
        if self.verbose:
            print(f"{method:6} {path} -> {response.status_code}")
        if response.status_code not in expect:
            raise SystemExit(f"{method} {path} answered {response.status_code}: {response.text[:2000]}")
        return response.json() if response.content else None


def sign_up(api, *, name, slug, email, password, language):
    body = api.call("POST", "/api/v1/signup/", expect=(201,), json={
        "company_name": name, "slug": slug, "email": email, "password": password, "language": language,
        "timezone": "Europe/Moscow", "first_name": "Admin", "last_name": "Example"})
    api.token = body["token"]
    return f"/api/v1/companies/{body['slug']}/"


def start_from_defaults(api, company):
    """The seed's departments in one call; the responsibility matrix is proposed for them."""
    api.call("POST", company + "onboarding/defaults/")
    departments = api.call("GET", company + "departments/")["results"]
    return {d["name"]: d["id"] for d in departments}


def set_schedule(api, company):
    api.call("PUT", company + "schedule/", json={
        "cadence": "quarterly", "opening_day": 1, "answer_window_days": ANSWER_WINDOW_DAYS, "is_active": True})


def invite_people(api, company, departments, *, domain):
    """Invitations go out by email; each person accepts with accept_invitation() (or the emailed page)."""
    for local, role, department in PEOPLE:
        api.call("POST", company + "invitations/", expect=(201,), json={
            "email": f"{local}@{domain}", "role": role,
            "department": departments.get(department) if department else None})


def accept_invitation(base_url, token, *, password=DEFAULT_PASSWORD, first_name="", transport=None):
    """What an invited person's own script does with the link's token: returns their API token."""
    person = Api(base_url, verbose=False, transport=transport)
    body = person.call("POST", f"/api/v1/invitations/{token}/accept/", expect=(201,),
                       json={"password": password, "first_name": first_name})
    return body["token"]


def set_scorecards(api, company):
    api.call("PUT", company + "scorecards/settings/", json={
        "activity_threshold": 90, "knowledge_threshold": 70, "plan_threshold": 90, "currency": "RUB",
        "working_weekdays": [0, 1, 2, 3, 4], "calls_per_day": 30, "meetings_per_week": 5,
        "proposals_per_month": 12})


def set_email_choices(api, company):
    api.call("PATCH", company + "notifications/preferences/", json={"digest": True})


def past_quarters(count, today=None):
    """The last `count` finished quarters, oldest first: ['2024-Q4', …]."""
    today = today or datetime.date.today()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    quarters = []
    for _ in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        quarters.append((year, quarter))
    return [f"{y}-Q{q}" for y, q in reversed(quarters)]


# Known problems planted in the history, so the dashboard has something true to find: IT answers after the
# deadline every quarter, and sales technology slides over the last two quarters.
LATE_DEPARTMENT = "IT"
SLIDING_FACTOR = "sales_tech"
ANSWER_WINDOW_DAYS = 14


def history_rows(api, company, quarters, *, seed=7):
    """Answers of every department to the questions of the factors it is responsible for, each quarter."""
    rng = random.Random(seed)
    questionnaire = api.call("GET", company + "questionnaires/")["results"][0]
    questions = api.call("GET", company + f"questionnaires/{questionnaire['id']}/")["questions"]
    matrix = api.call("GET", company + "matrix/")["rows"]
    asked = {}
    for row in matrix:
        for department in [row["accountable"], *row["contributing"]]:
            if department:
                asked.setdefault(department["name"], set()).add(row["factor"])
    rows = []
    for step, period in enumerate(quarters):
        year, quarter = int(period[:4]), int(period[-1])
        opened = datetime.date(year, 3 * quarter - 2, 1)
        sliding = step >= len(quarters) - 2
        for department, factors in sorted(asked.items()):
            days = rng.randint(ANSWER_WINDOW_DAYS + 3, ANSWER_WINDOW_DAYS + 10) if department == LATE_DEPARTMENT \
                else rng.randint(3, ANSWER_WINDOW_DAYS - 1)
            submitted = opened + datetime.timedelta(days=days)
            for question in questions:
                if question["factor"] in factors:
                    value = answer_value(question, step, rng)
                    if sliding and question["factor"] == SLIDING_FACTOR:
                        value = worse_answer(question, len(quarters) - step)
                    rows.append({"period": period, "department": department, "question": question["key"],
                                 "value": value, "submitted": submitted.isoformat()})
    return rows


def answer_value(question, step, rng):
    """A plausible answer that slowly improves over the quarters."""
    kind = question["kind"]
    if kind == "scale":
        return str(max(1, min(5, 2 + step // 3 + rng.choice((-1, 0, 0, 1)))))
    if kind == "yes_no":
        return "yes" if rng.random() < 0.4 + step * 0.06 else "no"
    if kind == "number":
        return str(10 + step * 2 + rng.randint(0, 5))
    return "See the quarterly notes."


def worse_answer(question, quarters_left):
    """The planted slide: 2 of 5 the quarter before last, 1 of 5 and "no" in the last one."""
    kind = question["kind"]
    if kind == "scale":
        return str(quarters_left)
    if kind == "yes_no":
        return "no"
    return answer_value(question, 0, random.Random(quarters_left))


def import_history(api, company, rows):
    """Preview first (nothing written), then the import; the Idempotency-Key makes a retry harmless."""
    key = str(uuid.uuid4())
    preview = api.call("POST", company + "history-imports/", headers={"Idempotency-Key": key + "-check"},
                       json={"rows": rows, "dry_run": True})
    if preview["error_count"]:
        raise SystemExit(f"history has errors: {preview['errors'][:5]}")
    return api.call("POST", company + "history-imports/", expect=(201, 200), headers={"Idempotency-Key": key},
                    json={"rows": rows})


def rate_knowledge(api, company, period):
    managers = [m for m in api.call("GET", company + "members/?role=sales_manager")["results"]]
    if managers:
        api.call("POST", company + "scorecards/ratings/", json={
            "period": period, "rows": [{"manager": m["id"], "score": 75} for m in managers]})
    return len(managers)


def checklist(api, company):
    return api.call("GET", company + "onboarding/")


def run(base_url, *, slug, email, password=DEFAULT_PASSWORD, name=None, language="en", quarters=8,
        transport=None, verbose=True, accept=None):
    """The whole set-up; `accept(email)` may return an invitation token to accept (a test reads the outbox)."""
    started = time.perf_counter()
    api = Api(base_url, verbose=verbose, transport=transport)
    company = sign_up(api, name=name or slug.title(), slug=slug, email=email, password=password, language=language)
    departments = start_from_defaults(api, company)
    set_schedule(api, company)
    invite_people(api, company, departments, domain=email.split("@", 1)[1])
    accepted = 0
    for local, _role, _department in PEOPLE:
        token = accept(f"{local}@{email.split('@', 1)[1]}") if accept else None
        if token:
            accept_invitation(base_url, token, transport=transport)
            accepted += 1
    set_scorecards(api, company)
    set_email_choices(api, company)
    periods = past_quarters(quarters)
    rows = history_rows(api, company, periods)
    import_started = time.perf_counter()
    imported = import_history(api, company, rows)
    import_seconds = time.perf_counter() - import_started
    rated = rate_knowledge(api, company, periods[-1])
    state = checklist(api, company)
    summary = api.call("GET", company + "dashboard/summary/")
    return {"company": company, "calls": api.calls, "departments": len(departments), "accepted": accepted,
            "periods": periods, "imported": imported, "rated": rated, "checklist": state, "summary": summary,
            "rows": len(rows), "import_seconds": import_seconds, "seconds": time.perf_counter() - started}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--slug", required=True)
    parser.add_argument("--email", required=True, help="The admin's email; people are invited at its domain.")
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument("--language", default="en", choices=["en", "ru"])
    parser.add_argument("--quarters", type=int, default=8, help="Quarters of history to import (8 = two years).")
    args = parser.parse_args(argv)
    result = run(args.base_url, slug=args.slug, email=args.email, password=args.password, language=args.language,
                 quarters=args.quarters)
    done = [s["key"] for s in result["checklist"]["steps"] if s["done"]]
    print(f"{result['company']}: {result['calls']} API calls, {len(result['periods'])} quarters imported "
          f"({result['periods'][0]} … {result['periods'][-1]}), checklist done: {', '.join(done)}")
    print(f"{result['rows']} history rows imported in {result['import_seconds']:.2f} s "
          f"(preview and import, {result['rows'] / result['import_seconds']:.0f} rows/s); "
          f"whole set-up {result['seconds']:.1f} s. The dashboard says:")
    for sentence in result["summary"]["sentences"]:
        print(f"  - {sentence['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
