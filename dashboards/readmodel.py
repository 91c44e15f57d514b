"""The dashboards' read model: a view's Overview (rows and story) computed once per change, read in one query.

A snapshot row holds one view's pickled Overview, keyed by its filters and language, under the company's
figures generation. Every committed change the dashboards read (a submit or reopen, scores, a round, an action
item, a department's name, the matrix, the thresholds, a questionnaire, an import) bumps the generation after
commit (`invalidate`), so the next read misses and recomputes: never stale. Figures also change with time — a
round stops being provisional, "not yet due" becomes "missing" — so a snapshot is valid only until the next
deadline of the company's rounds and audits.

An unfiltered company view also stores the headlines other apps put on top of it (dashboards.headlines: the
sales team's sentence costs a dozen queries of its own); the apps feeding them bump the same generation when
their rows change, and those headlines depend on the day, so such a snapshot also ends at the next midnight.

Beside a view's Overview, the endpoints that show it store their response bodies (`body`): the data, summary and
chart endpoints' JSON, the executive page's figures fragment. A body row copies the generation, validity and age
of the Overview it was rendered from, so it is served exactly as long as that Overview would be, and a hit costs
one SELECT of bytes that go out as they are. A body from older rendering code (a deploy) is served until the next
change, deadline or SNAPSHOT_MAX_AGE, like an Overview of an unchanged SCHEMA.

Why a table and not the cache: one indexed SELECT with the generation joined is all a hit costs, on every
worker, with no second service to keep consistent. Why pickle: the Overview is a tree of dataclasses that only
this code writes and reads; a snapshot from an older shape (SCHEMA) is never matched, and one that fails to
load is recomputed.
"""

import datetime
import logging
import pickle

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from . import headlines, selectors, sql

SCHEMA = 2  # 2: the payload is (Overview, headlines)
logger = logging.getLogger(__name__)


def enabled():
    return getattr(settings, "DASHBOARD_READ_MODEL", True)


def snapshot_key(filters):
    department = filters.department.pk if filters.department is not None else ""
    parts = [SCHEMA, (get_language() or "en")[:2], department, filters.period_from, filters.period_to,
             filters.round_period, filters.factor_key]
    return ":".join(str(p) for p in parts)[:200]


def overview(*, company, filters):
    """The Overview of a view (see figures)."""
    return figures(company=company, filters=filters)[0]


def figures(*, company, filters):
    """(Overview, extra headlines) of a view: from its snapshot when one of the current generation is still valid
    (1 query), else computed by selectors.overview and dashboards.headlines and stored. Headlines belong to the
    unfiltered company view only: a department's view has none."""
    return stored_figures(company, filters)[0]


def stored_figures(company, filters):
    """(figures, generation of their snapshot, or None when they are not stored: read model off, a change of this
    transaction not yet committed)."""
    if not enabled() or company.pk in dirty_companies():
        return compute(company, filters), None
    key = snapshot_key(filters)
    row = sql.snapshot_read(company, key, "s.payload, s.generation")
    if row is not None:
        try:
            return pickle.loads(bytes(row[0])), row[1]  # noqa: S301 - written only by store() below
        except (pickle.UnpicklingError, AttributeError, ImportError, EOFError, TypeError, ValueError):
            # an older shape or a damaged row: recompute it
            logger.warning("dashboard snapshot %s of company %s did not load; recomputing", key, company.pk)
    generation = sql.figures_generation(company)  # read before computing: a change meanwhile outdates the result
    result = compute(company, filters)
    valid_until = sql.next_deadline(company)
    if filters.department is None:
        valid_until = min(filter(None, [valid_until, next_midnight(company)]))
    store(company, key, lambda: sql.snapshot_store(company, key, generation, valid_until, pickle.dumps(result)))
    return result, generation


def body(*, company, filters, name, render):
    """One endpoint's response body for a view, as stored bytes: a hit is one query and returns them as read
    (nothing parsed, nothing rendered). On a miss `render(figures)` makes them from the view's figures (bytes, or
    None for "nothing to store": the view answers otherwise) and they are stored beside the figures, under the
    same generation and validity (sql.snapshot_derive), so a body is never older than the figures it shows.

    `name` must tell apart everything the bytes depend on beyond the view's filters and language (the endpoint,
    its chart, its format, server capabilities a page mentions); nothing user- or request-specific may go in."""
    if not enabled() or company.pk in dirty_companies():
        return render(compute(company, filters))
    key = body_key(name, filters)
    stored = sql.snapshot_payload(company, key)
    if stored is not None:
        return stored if isinstance(stored, bytes) else bytes(stored)
    result, generation = stored_figures(company, filters)
    content = render(result)
    if content is not None and generation is not None:
        source = snapshot_key(filters)
        store(company, key, lambda: sql.snapshot_derive(company, key, source, generation, content))
    return content


def body_key(name, filters):
    return f"{name}@{snapshot_key(filters)}"[:200]


def compute(company, filters):
    extra = headlines.extra_headlines(company=company) if filters.department is None else []
    return selectors.overview(company=company, filters=filters), extra


def next_midnight(company, now=None):
    """The company's next local midnight: the headlines read "today" (the period to judge, days measured so far)."""
    today = timezone.localdate(now or timezone.now(), company.tzinfo)
    return datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(0), tzinfo=company.tzinfo)


def store(company, key, write):
    """Write a snapshot (a concurrent reader may have written the same key first: theirs is as good)."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        pass
    except DatabaseError:  # the figures are computed and correct: a failed write only costs the next reader
        logger.warning("dashboard snapshot %s of company %s was not stored", key, company.pk, exc_info=True)


# ---------------------------------------------------------------- invalidation

def dirty_companies():
    """Companies this connection changed in a transaction whose generation bump has not run yet: their readers
    in the same transaction compute afresh (the snapshot would predate the change)."""
    if not hasattr(connection, "figures_dirty"):
        connection.figures_dirty = set()
    return connection.figures_dirty


def invalidate(company_id):
    """Bump the company's figures generation once the current transaction commits (once per transaction)."""
    if company_id is None:
        return
    if connection.in_atomic_block:
        dirty_companies().add(company_id)
        if any(getattr(entry[1], "figures_company", None) == company_id for entry in connection.run_on_commit):
            return

    def bump():
        sql.figures_generation_bump(company_id)
        dirty_companies().discard(company_id)

    bump.figures_company = company_id
    # robust: a failed bump (a connection cut after the commit) is logged, never the writer's error; the
    # snapshot's maximum age (sql.SNAPSHOT_MAX_AGE) bounds how long its figures can then lag.
    transaction.on_commit(bump, robust=True)


def changed(sender, instance, raw=False, **kwargs):
    """post_save/post_delete of a row the dashboards read."""
    if not raw:
        invalidate(getattr(instance, "company_id", None))


def figures_changed(sender, company_id, **kwargs):
    """audits.events.figures_changed: bulk writes (history import) that send no model signal, and the writes of
    apps dashboards may not import (the headline providers send it for the rows they read)."""
    invalidate(company_id)


def connect():
    """Listen to every model whose rows the dashboards read (called from DashboardsConfig.ready)."""
    from accounts.models import Department, Membership
    from audits.events import figures_changed as bulk_signal
    from audits.models import (
        ActionItem,
        DepartmentAudit,
        FactorResponsibility,
        FactorScore,
        Question,
        Questionnaire,
        Round,
        RoundFactorScore,
    )

    from .models import DashboardSettings

    # Membership: who is on the sales team that the team headline judges.
    for model in (Round, DepartmentAudit, FactorScore, RoundFactorScore, ActionItem, Department,
                  FactorResponsibility, DashboardSettings, Question, Questionnaire, Membership):
        # One bump per transaction whatever the number of rows: a submit saves ~16 of them.
        post_save.connect(changed, sender=model, dispatch_uid=f"dashboards_figures_{model.__name__}_save")
        post_delete.connect(changed, sender=model, dispatch_uid=f"dashboards_figures_{model.__name__}_delete")
    bulk_signal.connect(figures_changed, dispatch_uid="dashboards_figures_bulk")
