"""The audits app's onboarding steps (see accounts.onboarding): matrix, schedule, first round."""

from django.utils.translation import gettext_lazy as _

from accounts.onboarding import Step

from .models import Factor, FactorResponsibility, Responsibility, Schedule


def items(company):
    accountable = (FactorResponsibility.objects.filter(company=company, responsibility=Responsibility.ACCOUNTABLE)
                   .values("factor").distinct().count())
    schedule = Schedule.objects.filter(company=company).first()
    has_round = company.audit_rounds.exists()
    return [
        Step("matrix", 20, _("Check the responsibility matrix"),
             _("Every system factor needs one accountable department."),
             accountable >= Factor.objects.count() > 0, "audits:matrix", "matrix/"),
        # A schedule row exists from the start; saving it once (its edit version moves) or running a
        # round shows the admin has chosen it.
        Step("schedule", 40, _("Set the audit schedule"),
             _("How often rounds open and how long departments have to answer."),
             has_round or (schedule is not None and schedule.lock_version > 0), "audits:schedule", "schedule/"),
        Step("first_round", 50, _("Open the first round or import your history"),
             _("A round asks every responsible department its questions; past rounds give trend lines at once."),
             has_round, "audits:round_list", "rounds/"),
    ]
