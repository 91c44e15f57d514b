"""Plain sentences for busy executives, told from the Story (dashboards/story.py) and nothing else.

Each sentence is a `Sentence`: its text in the user's language plus the structured fields an integrator reads
instead of parsing text (kind, period, factor, department, values, provisional, coverage). Numbers are
rounded by accounts.numbers (half-up), the rule every surface shares.
"""

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.numbers import localized_whole, whole

MAX_LISTED = 3  # weak parts named one by one; the rest counted


@dataclass
class Sentence:
    kind: str
    text: str
    period: str | None = None
    factor: str | None = None
    department: str | None = None
    values: dict = field(default_factory=dict)
    provisional: bool = False
    coverage: dict | None = None

    def __str__(self):
        return self.text

    def as_dict(self):
        return {"kind": self.kind, "text": self.text, "period": self.period, "factor": self.factor,
                "department": self.department, "values": self.values, "provisional": self.provisional,
                "coverage": self.coverage}


def num(value):
    """A score or change as a whole number (half-up), formatted for the active language, without its sign."""
    return localized_whole(abs(whole(value)))


def count(value):
    return number_format(value, use_l10n=True)


def names(items):
    return get_text_list([str(i) for i in items], _("and"))


# ---------------------------------------------------------------- phrases

def run_phrase(change):
    """'fell 35 points over 3 rounds, from 70 in 2025-Q1 to 35' / 'rose 6 points since 2025-Q3, from 50 to 56'."""
    delta = whole(change.end) - whole(change.start)
    size = abs(delta)
    values = {"delta": num(delta), "start": num(change.start), "end": num(change.end),
              "start_period": change.start_period, "steps": count(change.steps)}
    if change.steps > 1:
        text = (ngettext("fell %(delta)s point over %(steps)s rounds, from %(start)s in %(start_period)s to %(end)s",
                         "fell %(delta)s points over %(steps)s rounds, from %(start)s in %(start_period)s to %(end)s",
                         size) if delta < 0 else
                ngettext("rose %(delta)s point over %(steps)s rounds, from %(start)s in %(start_period)s to %(end)s",
                         "rose %(delta)s points over %(steps)s rounds, from %(start)s in %(start_period)s to %(end)s",
                         size))
    else:
        text = (ngettext("fell %(delta)s point since %(start_period)s, from %(start)s to %(end)s",
                         "fell %(delta)s points since %(start_period)s, from %(start)s to %(end)s", size)
                if delta < 0 else
                ngettext("rose %(delta)s point since %(start_period)s, from %(start)s to %(end)s",
                         "rose %(delta)s points since %(start_period)s, from %(start)s to %(end)s", size))
    phrase = text % values
    if change.common_departments:
        phrase += " " + ngettext("(on the %(count)s department that answered both rounds)",
                                 "(on the %(count)s departments that answered both rounds)",
                                 change.common_departments) % {"count": count(change.common_departments)}
    if getattr(change, "common_factors", None):
        phrase += " " + ngettext("(on the %(count)s factor it scored in both rounds)",
                                 "(on the %(count)s factors it scored in both rounds)",
                                 change.common_factors) % {"count": count(change.common_factors)}
    return phrase


def steady_phrase(change):
    """'steady (changes within ±7 points are the usual wobble)'."""
    return _("steady (moves within ±%(threshold)s points are its usual wobble)") % {
        "threshold": num(change.threshold)}


def owner_phrase(accountable, open_actions):
    """'accountable: Sales; 2 open actions' (parts left out when unknown)."""
    parts = []
    if accountable:
        parts.append(_("accountable: %(department)s") % {"department": accountable})
    parts.append(ngettext("%(count)s open action", "%(count)s open actions", open_actions)
                 % {"count": count(open_actions)})
    return "; ".join(parts)


def coverage_phrase(figure):
    """'final, 5 of 5 departments' / 'provisional — 2 of 5 departments' / 'incomplete: 2 of 5 departments'."""
    values = {"answered": count(figure.coverage.answered), "expected": count(figure.coverage.expected)}
    if figure.provisional:
        return _("provisional — %(answered)s of %(expected)s departments so far") % values
    if figure.incomplete:
        return _("incomplete — only %(answered)s of %(expected)s departments answered") % values
    return _("final, %(answered)s of %(expected)s departments") % values


def change_values(change):
    return {"start": whole(change.start), "end": whole(change.end),
            "delta": whole(change.end) - whole(change.start), "start_period": change.start_period,
            "end_period": change.end_period, "steps": change.steps, "direction": change.direction,
            "threshold": whole(change.threshold), "common_departments": change.common_departments,
            "common_factors": getattr(change, "common_factors", None)}


# ---------------------------------------------------------------- sentences

def index_sentence(story):
    """'System index 2025-Q4: 62 (final, 5 of 5 departments); fell 9 points since 2025-Q3, from 71 to 62.'"""
    latest = story.latest
    if latest is None or latest.index is None:
        return None
    change = story.index_change
    values = {"index": whole(latest.index), "status": latest.status}
    text = _("System index %(period)s: %(index)s (%(coverage)s)") % {
        "period": latest.period, "index": num(latest.index), "coverage": coverage_phrase(latest)}
    if change is not None:
        text += "; " + (run_phrase(change) if change.is_news else steady_phrase(change))
        values.update(change_values(change))
    return Sentence("index", text + ".", period=latest.period, values=values,
                    coverage=latest.coverage.as_dict())


def provisional_sentence(story):
    """'2026-Q1 is open — provisional, 2 of 5 departments so far: index 68 so far; not compared with final rounds.'"""
    figure = story.provisional
    if figure is None:
        return None
    values = {"index": whole(figure.index), "status": figure.status}
    if figure.index is None:
        text = _("%(period)s is open (%(coverage)s): no scores yet.") % {
            "period": figure.period, "coverage": coverage_phrase(figure)}
    else:
        text = _("%(period)s is open (%(coverage)s): index %(index)s so far; it is not compared with final rounds "
                 "until the round closes.") % {"period": figure.period, "coverage": coverage_phrase(figure),
                                               "index": num(figure.index)}
    return Sentence("provisional", text, period=figure.period, values=values, provisional=True,
                    coverage=figure.coverage.as_dict())


def item_phrase(item):
    return _("%(name)s %(score)s") % {"name": item.name, "score": num(item.score)}


def weak_sentence(story):
    """'Under 50 in 2025-Q4: Sales technology 41 (accountable: Sales; 2 open actions).' or the lowest one."""
    latest, threshold = story.latest, story.rules.weak_threshold
    if latest is None:
        return None
    if story.weak:
        details = [f"{item_phrase(i)} ({owner_phrase(i.accountable_department, i.open_actions)})" for i in story.weak]
        text = ngettext("Weak (under %(threshold)s) in %(period)s: %(items)s.",
                        "Weak (under %(threshold)s) in %(period)s: %(items)s.", len(story.weak)) % {
            "threshold": count(threshold), "period": latest.period, "items": "; ".join(details)}
        items = story.weak
        kind = "weak"
    elif story.lowest:
        items = story.lowest
        text = ngettext("No factor is weak (under %(threshold)s) in %(period)s; the lowest is %(items)s.",
                        "No factor is weak (under %(threshold)s) in %(period)s; the lowest are %(items)s.",
                        len(items)) % {"threshold": count(threshold), "period": latest.period,
                                       "items": names(item_phrase(i) for i in items)}
        kind = "none_weak"
    else:
        return None
    return Sentence(kind, text, period=latest.period, factor=items[0].key if len(items) == 1 else None,
                    values={"threshold": threshold, "items": [{"factor": i.key, "score": whole(i.score)}
                                                              for i in items]},
                    coverage=latest.coverage.as_dict())


def factor_change_sentence(change, coverage=None):
    """'Sales technology fell 28 points over 2 rounds, from 69 in 2025-Q2 to 41; accountable: Sales; 2 open …'"""
    text = _("%(name)s %(movement)s; %(owner)s.") % {
        "name": change.name, "movement": run_phrase(change),
        "owner": owner_phrase(change.accountable_department, change.open_actions)}
    return Sentence("factor_change", text, period=change.end_period, factor=change.key,
                    values=change_values(change), coverage=coverage)


def steady_sentence(story):
    """'Steady in 2025-Q4 (moves within the usual wobble): Product, Customers and Market.'"""
    steady = story.steady
    if not steady or story.latest is None:
        return None
    text = _("Steady in %(period)s (moves within their usual wobble): %(names)s.") % {
        "period": story.latest.period, "names": names(c.name for c in steady)}
    return Sentence("steady", text, period=story.latest.period,
                    values={"factors": [{"factor": c.key, "threshold": whole(c.threshold),
                                         "delta": whole(c.end) - whole(c.start)} for c in steady]},
                    coverage=story.latest.coverage.as_dict())


def department_change_sentence(change):
    """'Marketing (mean of its factor scores) fell 12 points since 2025-Q3, from 60 to 48.'"""
    text = _("%(name)s (mean of its factor scores) %(movement)s.") % {
        "name": change.name, "movement": run_phrase(change)}
    return Sentence("department_change", text, period=change.end_period, department=change.name,
                    values=change_values(change))


def weak_parts_sentence(story):
    """'Under 50 although their factor's company score is not: IT · Product 38; “Is there a CRM?” 25.'"""
    parts = story.weak_parts
    if not parts or story.latest is None:
        return None
    listed = []
    for part in parts[:MAX_LISTED]:
        if part.kind == "question":
            listed.append(_("question “%(text)s” (%(factor)s) %(score)s") % {
                "text": part.name, "factor": part.factor_name, "score": num(part.score)})
        else:
            listed.append(_("%(department)s · %(factor)s %(score)s") % {
                "department": part.department, "factor": part.factor_name, "score": num(part.score)})
    text = _("Under %(threshold)s in %(period)s although the factor's company score is not: %(parts)s") % {
        "threshold": count(story.rules.weak_threshold), "period": story.latest.period, "parts": "; ".join(listed)}
    if len(parts) > MAX_LISTED:
        more = len(parts) - MAX_LISTED
        text += " " + ngettext("and %(count)s more", "and %(count)s more", more) % {"count": count(more)}
    return Sentence("weak_part", text + ".", period=story.latest.period,
                    values={"threshold": story.rules.weak_threshold,
                            "parts": [{"kind": p.kind, "department": p.department, "factor": p.factor,
                                       "question": p.key if p.kind == "question" else None,
                                       "score": whole(p.score)} for p in parts]})


def completion_sentence(latest, figure=None):
    """'2025-Q4: 3 of 5 department audits on time, 1 late, 1 missing.' (each state counted exactly)."""
    if latest is None or not latest.expected:
        return None
    text = ngettext(
        "%(period)s: %(on_time)s of %(expected)s department audit on time",
        "%(period)s: %(on_time)s of %(expected)s department audits on time", latest.expected,
    ) % {"period": latest.period, "on_time": count(latest.on_time), "expected": count(latest.expected)}
    extras = [
        _("%(count)s late") % {"count": count(latest.late)} if latest.late else None,
        _("%(count)s not yet due") % {"count": count(latest.pending)} if latest.pending else None,
        _("%(count)s missing") % {"count": count(latest.missing)} if latest.missing else None,
    ]
    text = ", ".join([text, *[e for e in extras if e]]) + "."
    return Sentence("completion", text, period=latest.period, provisional=latest.in_progress,
                    values={"expected": latest.expected, "on_time": latest.on_time, "late": latest.late,
                            "not_yet_due": latest.pending, "missing": latest.missing},
                    coverage=figure.coverage.as_dict() if figure else None)


def late_department_sentence(rows):
    """'Most often late or missing: IT (4 of 4 department audits).' over the range, or None when all were on time."""
    troubled = [r for r in rows if r.expected and r.late + r.missing]
    if not troubled:
        return None
    worst = max(troubled, key=lambda r: ((r.late + r.missing) / r.expected, r.late + r.missing))
    text = ngettext("Most often late or missing: %(department)s (%(count)s of %(expected)s department audit).",
                    "Most often late or missing: %(department)s (%(count)s of %(expected)s department audits).",
                    worst.expected) % {"department": worst.department, "count": count(worst.late + worst.missing),
                                       "expected": count(worst.expected)}
    return Sentence("late_department", text, department=worst.department,
                    values={"late": worst.late, "missing": worst.missing, "expected": worst.expected})


def headline_sentences(overview, extra=()):
    """The sentences an executive reads first, most important first; `extra`: other apps' headlines (team)."""
    story = overview.story
    latest_round = overview.rounds[-1] if overview.rounds else None
    sentences = [Sentence("team", str(text)) for text in extra]
    sentences += [index_sentence(story), weak_sentence(story)]
    coverage = story.latest.coverage.as_dict() if story.latest else None
    sentences += [factor_change_sentence(m, coverage) for m in news(story, "fell")[:2]]
    sentences += [factor_change_sentence(m, coverage) for m in news(story, "rose")[:1]]
    sentences.append(steady_sentence(story))
    sentences.append(weak_parts_sentence(story))
    department_news = [c for c in story.department_changes if c.is_news]
    sentences += [department_change_sentence(c) for c in department_news[:1]]
    sentences.append(provisional_sentence(story))
    figure = story.figure(latest_round.period) if latest_round else None
    sentences.append(completion_sentence(latest_round, figure))
    sentences.append(late_department_sentence(overview.completion_by_department))
    return [s for s in sentences if s]


def news(story, direction):
    """The story's factor news in one direction, largest first."""
    return [c for c in story.news if c.direction == direction]
