"""Demo data for audits: eight quarters of history with believable trends, built through the services.

Most factors improve quarter by quarter; sales technology declines over the last three quarters;
IT is often late and twice never submits. The latest round is open with some audits still in draft,
and a few action items (some overdue) hang off weak answers. Idempotent: a company with rounds is skipped.
"""

import datetime
import random

from django.utils import timezone
from django_scopes import scope

from accounts.demo import department_key
from accounts.models import Role

from . import services
from .models import Factor, QuestionKind
from .periods import periods_ending

QUARTERS = 8
# Maturity (1–5) of each factor in the first quarter and its change per quarter.
BASE_LEVEL = {"product": 2.6, "customers": 2.1, "market": 3.0, "advantage": 2.3, "strategy": 1.9,
              "sales_tech": 2.7, "automation": 1.8}
SLOPE = {"product": 0.16, "customers": 0.2, "market": 0.05, "advantage": 0.14, "strategy": 0.22,
         "sales_tech": 0.15, "automation": 0.2}
DECLINING, DECLINE_FROM, DECLINE_STEP = "sales_tech", QUARTERS - 3, 0.8  # steep enough to beat the answer noise
# In the last closed quarter product dips too: the quarter where the sales team meets its norms and still misses
# the plan (scorecards' demo), so the scorecard points at Product and Sales technology.
PRODUCT_DIP_QUARTER, PRODUCT_DIP = QUARTERS - 2, 1.0
IT_LATE_QUARTERS, IT_MISSING_QUARTERS = {0, 1, 3, 4, 6}, {2, 5}

TEXTS = {
    "en": ["We rely on two key customers; we need a wider base.", "Competitors copy our offer within months.",
           "The regulation exists but nobody reads it.", "New CRM fields helped with follow-ups."],
    "ru": ["Зависим от двух ключевых клиентов, нужна более широкая база.", "Конкуренты копируют наше предложение за пару месяцев.",
           "Регламент есть, но его никто не читает.", "Новые поля в CRM помогли с повторными звонками."],
}
NA_COMMENT = {"en": "Not relevant for our department this quarter.", "ru": "В этом квартале к нашему отделу не относится."}
ACTIONS = [
    # factor, department key (accounts.demo), English title, Russian title, due in days from today, status
    ("sales_tech", "sales", "Write down the sales scripts and the objection handling guide",
     "Записать скрипты продаж и работу с возражениями", -20, "open"),
    ("advantage", "management", "Refresh the comparison with the three main competitors",
     "Обновить сравнение с тремя главными конкурентами", -5, "in_progress"),
    ("automation", "it", "Automate commercial proposal generation from the CRM",
     "Автоматизировать подготовку КП из CRM", 30, "in_progress"),
    ("customers", "marketing", "Interview ten lost customers about their buying motives",
     "Опросить десять ушедших клиентов о мотивах покупки", -40, "done"),
    ("strategy", "management", "Formalise next year's sales strategy",
     "Формализовать стратегию продаж на следующий год", 45, "open"),
]


def build(*, company, progress):
    """Eight quarters of rounds ending with the current (open) one, plus action items; skipped when rounds exist."""
    with scope(company=company):
        if company.audit_rounds.exists():
            progress(f"audits for {company.slug}: already built")
            return None
        services.company_audit_setup(company=company)
        services.matrix_propose(company=company)
        builder = HistoryBuilder(company)
        builder.run(progress)
        builder.add_action_items()
        progress(f"audits for {company.slug}: {QUARTERS} rounds")
        return company.audit_rounds.count()


class HistoryBuilder:
    def __init__(self, company):
        self.company = company
        self.random = random.Random(f"audits-demo-{company.slug}")
        self.language = company.language if company.language in TEXTS else "en"
        self.now = timezone.now()
        admin = company.memberships.filter(role=Role.ADMIN, is_active=True).select_related("user").first()
        self.admin = admin.user if admin else None
        schedule = services.schedule_of(company=company)
        self.schedule = schedule
        current = services.current_period(company=company, schedule=schedule, now=self.now)
        self.periods = periods_ending(current, QUARTERS)

    # ------------------------------------------------------------ answers

    def level(self, factor_key, quarter):
        """The factor's maturity in a quarter: a steady climb, except the declining factor's late slide."""
        level = BASE_LEVEL[factor_key] + SLOPE[factor_key] * quarter
        if factor_key == DECLINING and quarter >= DECLINE_FROM:
            level = BASE_LEVEL[factor_key] + SLOPE[factor_key] * (DECLINE_FROM - 1)
            level -= DECLINE_STEP * (quarter - DECLINE_FROM + 1)
        if factor_key == "product" and quarter == PRODUCT_DIP_QUARTER:
            level -= PRODUCT_DIP
        return level

    def values_for(self, question, quarter):
        level = self.level(question.factor.key, quarter) + self.random.gauss(0, 0.3)
        if question.kind == QuestionKind.SCALE:
            return {"scale_value": min(5, max(1, round(level)))}
        if question.kind == QuestionKind.YES_NO:
            return {"bool_value": level >= 2.75}
        if question.kind == QuestionKind.NUMBER:
            return {"number_value": self.random.randint(2, 40)}
        return {"text_value": self.random.choice(TEXTS[self.language])}

    def answer(self, audit, quarter, at, share=1.0):
        """Answer a share of the audit's questions (all required ones when share is 1)."""
        by = audit.department.head.user if audit.department.head else self.admin
        questions = list(services.audit_questions(audit))
        if share < 1:
            questions = questions[: int(len(questions) * share)]
        for position, question in enumerate(questions):
            moment = at + datetime.timedelta(minutes=3 * position)
            if not question.required and self.random.random() < 0.5:
                continue
            if question.kind == QuestionKind.SCALE and self.random.random() < 0.03:
                services.answer_save(audit=audit, question=question, by=by, not_applicable=True,
                                     comment=NA_COMMENT[self.language], now=moment)
                continue
            services.answer_save(audit=audit, question=question, by=by, now=moment, **self.values_for(question, quarter))
        return by

    # ------------------------------------------------------------ rounds

    def opening(self, period, is_current):
        opening = services.opening_moment(company=self.company, schedule=self.schedule, period=period)
        opening += datetime.timedelta(hours=9)
        if is_current:
            # The open round started a few days ago, so its drafts are still inside the answer window.
            opening = max(opening, self.now - datetime.timedelta(days=3))
            opening = min(opening, self.now)
        return opening

    def run(self, progress):
        for quarter, period in enumerate(self.periods):
            is_current = quarter == len(self.periods) - 1
            opened_at = self.opening(period, is_current)
            round, _created = services.round_open(company=self.company, period=period, by=self.admin, now=opened_at)
            if is_current:
                self.fill_current(round, quarter, opened_at)
            else:
                self.fill_past(round, quarter, opened_at)
            progress(f"{self.company.slug}: {period.name}")

    def fill_past(self, round, quarter, opened_at):
        late = []
        for audit in round.audits.select_related("department__head__user"):
            key = department_key(audit.department.name)  # the story is told by key: names follow the language
            if key == "it" and quarter in IT_MISSING_QUARTERS:
                self.answer(audit, quarter, opened_at + datetime.timedelta(days=9), share=0.4)
                continue
            if (key == "it" and quarter in IT_LATE_QUARTERS) or (quarter == 3 and key == "marketing"):
                late.append(audit)
                continue
            answered_at = opened_at + datetime.timedelta(days=self.random.randint(1, 8), hours=self.random.randint(0, 6))
            by = self.answer(audit, quarter, answered_at)
            services.audit_submit(audit=audit, by=by, now=answered_at + datetime.timedelta(hours=2))
        after_deadline = round.deadline + datetime.timedelta(minutes=5)
        services.audits_mark_overdue(company=self.company, now=after_deadline)
        for audit in late:
            answered_at = round.deadline + datetime.timedelta(days=self.random.randint(2, 12))
            by = self.answer(audit, quarter, answered_at)
            services.audit_submit(audit=audit, by=by, now=answered_at + datetime.timedelta(hours=1))

    def fill_current(self, round, quarter, opened_at):
        """Product and Marketing submitted, Sales and Management half-way, IT not started."""
        elapsed = self.now - opened_at
        for audit in round.audits.select_related("department__head__user"):
            key = department_key(audit.department.name)
            answered_at = opened_at + elapsed / 3
            if key in ("product", "marketing"):
                by = self.answer(audit, quarter, answered_at)
                services.audit_submit(audit=audit, by=by, now=opened_at + elapsed / 2)
            elif key in ("sales", "management"):
                self.answer(audit, quarter, answered_at, share=0.5)

    # ------------------------------------------------------------ action items

    def add_action_items(self):
        departments = {department_key(d.name): d for d in self.company.departments.select_related("head")}
        latest = self.company.audit_rounds.order_by("-period_start").first()
        today = services.local_date(self.company, self.now)
        factors = {factor.key: factor for factor in Factor.objects.all()}
        for factor_key, department, title_en, title_ru, due_in, status in ACTIONS:
            department = departments.get(department)
            item = services.action_item_create(
                company=self.company, by=self.admin, title=title_ru if self.language == "ru" else title_en,
                factor=factors[factor_key], owner=department.head if department else None,
                due_date=today + datetime.timedelta(days=due_in), round=latest,
                now=self.now - datetime.timedelta(days=abs(due_in) + 10),
            )
            if status != "open":
                services.action_item_update(item=item, by=self.admin, status=status, now=self.now)
