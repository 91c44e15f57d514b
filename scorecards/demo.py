"""Demo data for scorecards: norms, four complete quarters of activity, knowledge and plans per sales manager.

The histories produce every verdict at least once; in the latest complete quarter the team meets its
norms and still misses the plan (the system's shortfall), so the team view tells the article's story next
to the audits demo's falling factor scores. The running quarter gets activity up to yesterday (no plan
yet). Idempotent: every row is looked up before it is created; values come from a seeded generator.
"""

import datetime
import math
import random
from decimal import Decimal

from accounts.models import Role
from audits.periods import QUARTERLY, period_containing, periods_ending

from .diagnosis import CHECK_NORMS, MANAGER, ON_TRACK, SYSTEM, WEEKS_PER_MONTH
from .models import (
    ActivityEntry,
    ActivityNorm,
    DayOff,
    Holiday,
    KnowledgeAttempt,
    KnowledgeCheck,
    KnowledgeQuestion,
    KnowledgeRating,
    PlanResult,
    ScorecardSettings,
    Source,
)
from .selectors import local_today

NORM = {"calls_per_day": 40, "meetings_per_week": 5, "proposals_per_month": 8}
# Verdict per manager (row, cycled) and quarter (oldest → latest complete). Rows 0 and 1 alone cover every verdict.
STORY = [
    [ON_TRACK, CHECK_NORMS, ON_TRACK, SYSTEM],
    [MANAGER, ON_TRACK, ON_TRACK, SYSTEM],
    [ON_TRACK, ON_TRACK, MANAGER, SYSTEM],
    [ON_TRACK, MANAGER, CHECK_NORMS, MANAGER],
    [CHECK_NORMS, ON_TRACK, SYSTEM, SYSTEM],
    [ON_TRACK, SYSTEM, ON_TRACK, SYSTEM],
]
# (activity share of norm, knowledge, plan attainment) ranges per verdict.
PROFILES = {
    ON_TRACK: ((1.02, 1.12), (76, 90), (0.97, 1.15)),
    SYSTEM: ((1.0, 1.1), (74, 88), (0.55, 0.75)),
    MANAGER: ((0.52, 0.68), (48, 60), (0.5, 0.7)),
    CHECK_NORMS: ((0.68, 0.8), (72, 82), (0.98, 1.1)),
}
VACATION = {"en": "Vacation", "ru": "Отпуск"}  # a day off's reason, in the company's language
# Public holidays (month, day) per company language: the working calendar the norms count against.
HOLIDAYS = {
    "ru": [(1, d) for d in range(1, 9)] + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)],
    "en": [(1, 1), (12, 25), (12, 26)],
}
QUESTIONS = {
    "en": ("Product and sales basics", [
        ("What warranty does our flagship product carry?", ["1 year", "3 years", "5 years"], 1),
        ("Which stage comes first in our sales process?", ["Proposal", "Needs analysis", "Contract"], 1),
        ("Our main advantage over competitors is…", ["Price", "Delivery in 48 hours", "Colour range"], 1),
        ("A customer says 'too expensive'. The first step is…", ["Give a discount", "Ask what they compare with",
                                                                "End the call"], 1),
        ("Our weakest point customers mention is…", ["Lead time on custom orders", "Product quality",
                                                     "Website"], 0),
    ]),
    "ru": ("Продукт и основы продаж", [
        ("Какая гарантия у нашего основного продукта?", ["1 год", "3 года", "5 лет"], 1),
        ("С какого этапа начинается наш процесс продажи?", ["КП", "Выявление потребностей", "Договор"], 1),
        ("Наше главное преимущество перед конкурентами…", ["Цена", "Доставка за 48 часов", "Выбор цветов"], 1),
        ("Клиент говорит «дорого». Первый шаг…", ["Дать скидку", "Спросить, с чем сравнивает", "Закончить звонок"], 1),
        ("Слабое место, о котором говорят клиенты…", ["Сроки по индивидуальным заказам", "Качество продукта",
                                                     "Сайт"], 0),
    ]),
}


def build(*, company, progress):
    """Scorecard demo for the company's sales managers; nothing when it has none."""
    managers = list(company.memberships.filter(role=Role.SALES_MANAGER, is_active=True).select_related("user")
                    .order_by("user__email"))
    if not managers:
        progress(f"scorecards for {company.slug}: no sales managers")
        return 0
    today = local_today(company)
    currency = "RUB" if company.language == "ru" else "EUR"
    ScorecardSettings.objects.get_or_create(company=company, defaults={"currency": currency})
    ActivityNorm.objects.get_or_create(company=company, manager=None, defaults=NORM)
    check, questions = _knowledge_check(company)
    quarters = periods_ending(period_containing(today, QUARTERLY).previous(), 4)
    holidays = _holidays(company, quarters[0].start, today)
    for row, manager in enumerate(managers):
        rng = random.Random(f"scorecards-demo-{company.slug}-{manager.user.email}")
        story = STORY[row % len(STORY)]
        for index, period in enumerate(quarters):
            _quarter(company, manager, period, story[index], rng, check, questions, holidays,
                     latest=index == len(quarters) - 1)
        _running_quarter(company, manager, today, rng, holidays)
        progress(f"scorecards: {manager.user.email}")
    return len(managers)


def _knowledge_check(company):
    title, items = QUESTIONS["ru" if company.language == "ru" else "en"]
    check, created = KnowledgeCheck.objects.get_or_create(company=company, title=title,
                                                          defaults={"is_published": True})
    if created:
        for position, (text, options, correct) in enumerate(items, start=1):
            KnowledgeQuestion.objects.create(company=company, knowledge_check=check, text=text, options=options,
                                             correct_option=correct, position=position)
    return check, list(check.questions.all())


def _holidays(company, start, end):
    """The company's public holidays from start to end (created once); returns their dates."""
    names = {"ru": "Государственный праздник", "en": "Public holiday"}
    language = "ru" if company.language == "ru" else "en"
    days = set()
    for year in range(start.year, end.year + 1):
        for month, day in HOLIDAYS[language]:
            date = datetime.date(year, month, day)
            if start <= date <= end:
                Holiday.objects.get_or_create(company=company, date=date, defaults={"name": names[language]})
                days.add(date)
    return days


def _between(rng, bounds):
    return rng.uniform(*bounds)


def _quarter(company, manager, period, verdict, rng, check, questions, holidays, *, latest):
    activity_share, knowledge_bounds, plan_bounds = PROFILES[verdict]
    share = _between(rng, activity_share)
    knowledge = round(_between(rng, knowledge_bounds))
    attainment = _between(rng, plan_bounds)
    days_off = _days_off(company, manager, period, rng, holidays) if latest else []
    _activity(company, manager, period.start, period.end, share, rng, skip=set(days_off) | holidays)
    _plan(company, manager, period, attainment, rng)
    _knowledge(company, manager, period, knowledge, check, questions, rng, with_attempt=latest)


def _working_days(start, end):
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)
            if (start + datetime.timedelta(days=n)).weekday() < 5]


def _days_off(company, manager, period, rng, holidays):
    """Two vacation days in the quarter: they lower the expected activity."""
    picked = rng.sample([d for d in _working_days(period.start, period.end) if d not in holidays], 2)
    for day in picked:
        DayOff.objects.get_or_create(company=company, manager=manager, date=day,
                                     defaults={"reason": VACATION.get(company.language, VACATION["en"])})
    return picked


def _count(rate, rng):
    """A whole daily count whose mean is `rate`."""
    return math.floor(rate + rng.random())


def _activity(company, manager, start, end, share, rng, skip=()):
    per_day = {
        "calls": NORM["calls_per_day"] * share,
        "meetings": NORM["meetings_per_week"] / 5 * share,
        "proposals": float(NORM["proposals_per_month"] / (5 * WEEKS_PER_MONTH)) * share,
    }
    existing = set(ActivityEntry.objects.filter(manager=manager, date__range=(start, end))
                   .values_list("date", flat=True))
    # Meetings and proposals are rare per day: independent draws let a quarter's total stray 15 % from the
    # share, which judged per metric would move a manager across the threshold. Carrying the fraction from
    # day to day keeps every metric's total within one count of its share.
    carry = {"meetings": rng.random(), "proposals": rng.random()}
    rows = []
    for day in _working_days(start, end):
        # Draw and carry on every day, stored or not, so a second run repeats the first (idempotent).
        counts = {"calls": _count(per_day["calls"] * rng.uniform(0.85, 1.15), rng)}
        if day in skip:
            continue
        for metric in carry:
            carry[metric] += per_day[metric]
            counts[metric] = math.floor(carry[metric])
            carry[metric] -= counts[metric]
        if day in existing:
            continue
        rows.append(ActivityEntry(company=company, manager=manager, date=day, source=Source.CSV, **counts))
    ActivityEntry.objects.bulk_create(rows)


def _plan(company, manager, period, attainment, rng):
    plan_deals = rng.randint(8, 14)
    average_deal = Decimal(150_000 if company.language == "ru" else 4_000)
    plan_revenue = average_deal * plan_deals
    revenue_factor = Decimal(str(round(attainment * rng.uniform(0.96, 1.04), 3)))
    PlanResult.objects.get_or_create(company=company, manager=manager, period=period.name, defaults={
        "plan_deals": plan_deals, "actual_deals": round(plan_deals * attainment),
        "plan_revenue": plan_revenue, "actual_revenue": (plan_revenue * revenue_factor).quantize(Decimal("1")),
    })


def _knowledge(company, manager, period, target, check, questions, rng, *, with_attempt):
    """The head's rating; in the latest quarter also a check attempt, keeping their mean at the target."""
    rating = target
    if with_attempt and questions:
        correct = max(0, min(len(questions), round(target / 100 * len(questions))))
        score = Decimal(100 * correct / len(questions)).quantize(Decimal("0.01"))
        rating = max(0, min(100, round(2 * target - float(score))))
        if not KnowledgeAttempt.objects.filter(manager=manager, knowledge_check=check, period=period.name).exists():
            answers = {str(q.pk): (q.correct_option if n < correct else (q.correct_option + 1) % len(q.options))
                       for n, q in enumerate(questions)}
            KnowledgeAttempt.objects.create(company=company, knowledge_check=check, manager=manager,
                                            period=period.name, answers=answers, correct=correct,
                                            total=len(questions), score=score)
    KnowledgeRating.objects.get_or_create(company=company, manager=manager, period=period.name,
                                          defaults={"score": rating})


def _running_quarter(company, manager, today, rng, holidays):
    """Activity of the current quarter up to yesterday, so the daily entry page has a history."""
    start = period_containing(today, QUARTERLY).start
    yesterday = today - datetime.timedelta(days=1)
    if yesterday >= start:
        _activity(company, manager, start, yesterday, rng.uniform(0.95, 1.1), rng, skip=holidays)
