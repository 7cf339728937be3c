"""20 threads add tips at once to the same case, as guests from their phones and as the
facilitator on the console, each tip sent twice (a retry, and pairs of threads racing with
the same key): no error, no tip lost, none stored twice.

On the database file the tests use (SQLite in WAL mode, `IMMEDIATE` transactions: writers
wait for each other) or on PostgreSQL with DATABASE_URL; each thread has its own connection.
"""

from __future__ import annotations

import copy
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from sessions.models import Step, Tip
from sessions.services.live import go_to_step
from tests.clients import HTMX
from tests.guests import PHONE, join_as

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20
TIPS_PER_THREAD = 5


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Transactional tests empty every table afterwards, reference data included."""
    from django.apps import apps

    from matrices.reference import load_reference_data

    load_reference_data(apps)


def same_session(client: Client) -> Client:
    """A second connection of the same phone or laptop (its cookies): a double tap racing."""
    twin = Client()
    twin.cookies = copy.deepcopy(client.cookies)
    return twin


def test_twenty_threads_add_tips_at_once(facilitator, case):
    go_to_step(case=case, step=Step.TIPS)
    goals = [goal.domain_id for goal in case.goals.all()]
    columns = list(case.meeting.network.matrix.columns.values_list("pk", flat=True))

    laptop = Client()
    laptop.force_login(facilitator)
    # 14 phones; 2 of them and the laptop on two threads each, racing with the same keys.
    phones = [join_as(case.meeting, f"Gast {n}") for n in range(14)]
    senders = (
        [("phone", phone) for phone in phones]
        + [("phone", same_session(phones[0])), ("phone", same_session(phones[1]))]
        + [("laptop", laptop), ("laptop", same_session(laptop))]
        + [("laptop", Client()), ("laptop", Client())]
    )
    for _kind, client in senders[-2:]:
        client.force_login(facilitator)
    assert len(senders) == THREADS

    # Thread i sends the keys of "slot" i; the racing twins share their original's slot.
    slot_of = list(range(14)) + [0, 1] + [14, 14] + [15, 16]
    keys = {slot: [uuid.uuid4() for _ in range(TIPS_PER_THREAD)] for slot in set(slot_of)}
    expected = {f"Tip {slot}.{n}" for slot in set(slot_of) for n in range(TIPS_PER_THREAD)}

    start = threading.Barrier(THREADS)
    problems: list[str] = []

    def send(index: int) -> None:
        kind, client = senders[index]
        slot = slot_of[index]
        try:
            start.wait()
            for n, key in enumerate(keys[slot]):
                data = {
                    "key": str(key),
                    "case": case.pk,
                    "domain": goals[n % len(goals)],
                    "column": columns[(slot + n) % len(columns)],
                    "text": f"Tip {slot}.{n}",
                }
                for _attempt in range(2):  # and a retry after a "lost" answer
                    if kind == "phone":
                        url = reverse("casework:phone_add_tip", args=[case.meeting_id])
                        response = client.post(url, data, **PHONE)
                    else:
                        url = reverse("casework:add_tip", args=[case.pk])
                        response = client.post(url, data, **HTMX)
                    if response.status_code != 200:
                        problems.append(f"{kind} {index}: {response.status_code}")
        except Exception as error:  # noqa: BLE001 - every failure is reported, not raised
            problems.append(f"{kind} {index}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert problems == []
    stored = list(Tip.objects.filter(case=case).values_list("text", flat=True))
    assert len(stored) == len(expected) == 17 * TIPS_PER_THREAD  # none doubled ...
    assert set(stored) == expected  # ... and none lost
    from_phones = Tip.objects.filter(case=case, guest__isnull=False).count()
    assert from_phones == 14 * TIPS_PER_THREAD
    assert not Tip.objects.filter(case=case, held=True).exists()
