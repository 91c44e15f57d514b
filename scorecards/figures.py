"""Scorecard writes tell the dashboards' read model that the team headline may have changed.

The executive dashboard's headline about the sales team (scorecards.selectors.team_headline) is stored with the
dashboard's figures (dashboards/readmodel.py). Dashboards may not import scorecards (scorecards reads the
dashboards' rules), so scorecards sends audits.events.figures_changed, which the read model listens to, for
every row the headline reads. Bulk upserts send no model signal; the ImportBatch row each of them saves does.
"""

from django.db.models.signals import post_delete, post_save

from audits.events import figures_changed


def row_changed(sender, instance, raw=False, **kwargs):
    if not raw and getattr(instance, "company_id", None) is not None:
        figures_changed.send(sender=sender, company_id=instance.company_id)


def connect():
    """Called from ScorecardsConfig.ready."""
    from .models import (
        ActivityEntry,
        ActivityNorm,
        DayOff,
        Holiday,
        ImportBatch,
        KnowledgeAttempt,
        KnowledgeRating,
        PlanResult,
        ScorecardSettings,
    )

    for model in (ActivityEntry, ActivityNorm, DayOff, Holiday, ImportBatch, KnowledgeAttempt, KnowledgeRating,
                  PlanResult, ScorecardSettings):
        post_save.connect(row_changed, sender=model, dispatch_uid=f"scorecards_figures_{model.__name__}_save")
        post_delete.connect(row_changed, sender=model, dispatch_uid=f"scorecards_figures_{model.__name__}_delete")
