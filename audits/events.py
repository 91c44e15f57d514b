"""Signals audits sends for its readers (audits imports no reader: they listen)."""

from django.dispatch import Signal

# Sent with `company_id` after bulk writes that send no model signal (the history import), so readers that keep
# computed figures (the dashboards' read model) know the company's figures changed.
figures_changed = Signal()
