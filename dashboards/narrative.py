"""Plain sentences for busy executives, translatable with plural forms and numbers in the user's language."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def num(value):
    """A score or change as a whole number, formatted for the active language."""
    return number_format(round(abs(value)), decimal_pos=0, use_l10n=True)


def points_phrase(delta, score):
    """'fell 14 points to 41' / 'rose 1 point to 60' / 'held at 55'."""
    if delta is None:
        return _("stands at %(score)s") % {"score": num(score)}
    whole = round(abs(delta))
    if whole == 0:
        return _("held at %(score)s") % {"score": num(score)}
    if delta < 0:
        text = ngettext("fell %(delta)s point to %(score)s", "fell %(delta)s points to %(score)s", whole)
    else:
        text = ngettext("rose %(delta)s point to %(score)s", "rose %(delta)s points to %(score)s", whole)
    return text % {"delta": num(delta), "score": num(score)}


def owner_phrase(accountable, open_actions):
    """'; accountable: Sales; 2 open actions' (parts left out when unknown)."""
    parts = []
    if accountable:
        parts.append(_("accountable: %(department)s") % {"department": accountable})
    parts.append(ngettext("%(count)s open action", "%(count)s open actions", open_actions)
                 % {"count": number_format(open_actions, use_l10n=True)})
    return "; ".join(parts)


def factor_move_sentence(move):
    """'Sales technology fell 14 points to 41; accountable: Sales; 2 open actions.'"""
    return _("%(name)s %(movement)s; %(owner)s.") % {
        "name": move.name, "movement": points_phrase(move.delta, move.latest),
        "owner": owner_phrase(move.accountable_department, move.open_actions),
    }


def department_move_sentence(move):
    """'Department Sales's mean score rose 6 points to 70.'"""
    return _("%(name)s (mean of its factor scores) %(movement)s.") % {
        "name": move.name, "movement": points_phrase(move.delta, move.latest)}


def index_sentence(latest):
    """'System index 2025-Q4: rose 3 points to 62.'"""
    if latest is None or latest.system_index is None:
        return None
    return _("System index %(period)s: %(movement)s.") % {
        "period": latest.period, "movement": points_phrase(latest.index_change, latest.system_index)}


def weakest_sentence(weakest):
    """'Weakest factor: Sales technology, fell 14 points to 41; accountable: Sales; 2 open actions.'"""
    if weakest is None:
        return None
    return _("Weakest factor in %(period)s: %(name)s, %(movement)s; %(owner)s.") % {
        "period": weakest.period, "name": weakest.factor_name,
        "movement": points_phrase(weakest.delta, weakest.score),
        "owner": owner_phrase(weakest.accountable_department, weakest.open_actions),
    }


def completion_sentence(latest):
    """'2025-Q4: 3 of 5 department audits on time, 1 late, 1 missing.'"""
    if latest is None or not latest.expected:
        return None
    text = ngettext(
        "%(period)s: %(on_time)s of %(expected)s department audit on time",
        "%(period)s: %(on_time)s of %(expected)s department audits on time", latest.expected,
    ) % {"period": latest.period, "on_time": number_format(latest.on_time, use_l10n=True),
         "expected": number_format(latest.expected, use_l10n=True)}
    extras = [
        _("%(count)s late") % {"count": number_format(latest.late, use_l10n=True)} if latest.late else None,
        _("%(count)s not yet due") % {"count": number_format(latest.pending, use_l10n=True)} if latest.pending else None,
        _("%(count)s missing") % {"count": number_format(latest.missing, use_l10n=True)} if latest.missing else None,
    ]
    return ", ".join([text, *[e for e in extras if e]]) + "."


def late_department_sentence(rows):
    """'Most often late or missing: IT (4 of 4 department audits).' over the range, or None when all were on time."""
    troubled = [r for r in rows if r.expected and r.late + r.missing]
    if not troubled:
        return None
    worst = max(troubled, key=lambda r: ((r.late + r.missing) / r.expected, r.late + r.missing))
    return ngettext("Most often late or missing: %(department)s (%(count)s of %(expected)s department audit).",
                    "Most often late or missing: %(department)s (%(count)s of %(expected)s department audits).",
                    worst.expected) % {"department": worst.department,
                                       "count": number_format(worst.late + worst.missing, use_l10n=True),
                                       "expected": number_format(worst.expected, use_l10n=True)}


def headline_sentences(overview):
    """The sentences an executive reads first, most important first."""
    latest = overview.rounds[-1] if overview.rounds else None
    final = [r for r in overview.rounds if not r.in_progress]
    sentences = [index_sentence(final[-1] if final else None), weakest_sentence(overview.weakest)]
    sentences += [factor_move_sentence(m) for m in overview.factor_falls[:2]]
    sentences += [factor_move_sentence(m) for m in overview.factor_rises[:1]]
    sentences += [department_move_sentence(m) for m in overview.department_falls[:1]]
    sentences.append(completion_sentence(latest))
    if latest is not None and latest.in_progress:
        sentences.append(_("%(period)s is still open: its scores count once the deadline passes or every "
                           "department has answered.") % {"period": latest.period})
    sentences.append(late_department_sentence(overview.completion_by_department))
    return [s for s in sentences if s]
