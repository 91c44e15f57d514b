"""Stored evidence files that no answer needs any more are deleted, once the change is committed."""

from django.core.files.storage import default_storage
from django.db import transaction


def evidence_file_discard_later(name):
    """After the commit, delete the stored file `name` unless an answer still holds it.

    A rolled-back replacement or deletion keeps the file (on_commit never runs). "Start from last round"
    shares a file between two rounds' answers rather than copying it, hence the check.
    """
    if not name:
        return

    def remove():
        from .models import Answer

        # The base manager: this runs after the request's company scope may have ended, and any holder counts.
        if not Answer._base_manager.filter(evidence_file=name).exists():
            default_storage.delete(name)

    transaction.on_commit(remove)
