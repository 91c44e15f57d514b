"""Hooks on account events: a new company gets its audit setup, a new department a matrix proposal.

Handlers only call services (accounts never imports audits; audits listens instead).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Company, Department

from . import services
from .evidence import evidence_file_discard_later
from .models import Answer


@receiver(post_save, sender=Company, dispatch_uid="audits_company_setup")
def company_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.company_audit_setup(company=instance)


@receiver(post_save, sender=Department, dispatch_uid="audits_department_matrix")
def department_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    # A new department may take over proposed cells; an archived one hands its accountable factors on.
    archived = instance.is_archived and update_fields is not None and "is_archived" in update_fields
    if not raw and (created or archived):
        services.matrix_propose(company=instance.company)


@receiver(post_delete, sender=Answer, dispatch_uid="audits_answer_evidence_file")
def answer_deleted(sender, instance, **kwargs):
    # Also reached through cascades: an audit, a round or the company deleted with its answers.
    evidence_file_discard_later(instance.evidence_file.name)
