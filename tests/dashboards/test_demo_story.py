"""The demo company's story, told by the dashboards: the open quarter is provisional, the slide and IT stand out."""

import datetime

import pytest
import time_machine
from django_scopes import scope

from audits import demo
from dashboards import narrative, selectors
from dashboards.filters import Filters
from tests.factories import company_with_department_heads

NOW = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def demo_company(db):
    company = company_with_department_heads(slug="demo-story", language="en")
    with time_machine.travel(NOW, tick=False):
        demo.build(company=company, progress=lambda _note: None)
    return company


def test_demo_open_quarter_reads_as_provisional_and_its_story_stands_out(demo_company):
    with time_machine.travel(NOW, tick=False), scope(company=demo_company):
        overview = selectors.overview(company=demo_company, filters=Filters())
        told = narrative.headline_sentences(overview)
        sentences = {s.kind: s for s in told}
    assert overview.story.provisional.period == "2026-Q4"
    assert sentences["provisional"].provisional
    assert "provisional — 2 of 5 departments so far" in sentences["provisional"].text
    assert sentences["index"].period == "2026-Q3" and not sentences["index"].provisional
    assert sentences["completion"].values["not_yet_due"] == 3  # not "every department answered on time"
    slide = next(c for c in overview.story.factor_changes if c.key == "sales_tech")
    assert slide.direction == "fell" and slide.steps >= 2  # the slide is told whole, not its last step
    assert "Sales technology fell" in " ".join(s.text for s in told)
    assert sentences["late_department"].department == "IT"
