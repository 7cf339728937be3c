"""Several app processes show the same session: all live state is in the database.

Two gunicorn processes run against this test run's own database (SQLite file or PostgreSQL);
a tip posted to one shows in the next beamer poll of the other. Loopback only.
"""

from __future__ import annotations

import re

import pytest

from networks.models import Role
from sessions.models import Step, Tip
from sessions.services.live import go_to_step
from tests.factories import MembershipFactory
from tests.servers import Browser, Servers, with_production_password

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_processes():
    with Servers(2) as servers:
        yield servers.urls


def test_a_tip_posted_to_one_process_shows_in_a_poll_of_the_other(two_processes, case):
    one, other = two_processes
    facilitator = MembershipFactory(network=case.meeting.network, role=Role.FACILITATOR).user
    with_production_password(facilitator)
    go_to_step(case=case, step=Step.TIPS)
    browser = Browser()
    browser.login(one, facilitator)

    # The beamer runs on the other process, the console posts to the first.
    _status, beamer = browser.get(f"{other}/meetings/{case.meeting_id}/beamer/")
    poll = re.search(r'hx-get="([^"]+)"', beamer).group(1).replace("&amp;", "&")
    goal = case.goals.first()
    column = case.meeting.network.matrix.columns.first()
    status, _html = browser.post(
        f"{one}/cases/{case.pk}/tips/",
        {
            "key": "4b1c6f3e-5d2a-4c1b-9e8f-0a1b2c3d4e5f",
            "text": "Koffieochtend in de Kolk",
            "domain": goal.domain_id,
            "column": column.pk,
        },
        **{"HX-Request": "true"},
    )
    assert status == 200 and Tip.objects.filter(text="Koffieochtend in de Kolk").count() == 1

    status, content = browser.get(f"{other}{poll}", **{"HX-Request": "true"})
    assert status == 200
    assert "Koffieochtend in de Kolk" in content
