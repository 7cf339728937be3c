"""A compiled statement gives what its queryset gives, with each call's own values."""

from datetime import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from akad.statements import Statement
from sessions.models import CaseDiscussion, Tip
from tests.factories import CaseDiscussionFactory, TipFactory, mark

pytestmark = pytest.mark.django_db


def cases_with_meeting(pk):
    return (
        CaseDiscussion.objects.select_related("meeting__network")
        .defer("situation")
        .annotate(meeting_starts=F("meeting__starts_at"))
        .filter(pk=pk)
    )


def concrete(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_a_statement_gives_the_objects_the_orm_gives():
    case = CaseDiscussionFactory(situation="Woont alleen")
    statement = Statement(cases_with_meeting, pk=int)

    (found,) = statement(pk=case.pk)
    expected = cases_with_meeting(case.pk).get()

    assert found.pk == case.pk
    assert concrete(found.meeting) == concrete(expected.meeting)
    assert found.meeting.network.name == expected.meeting.network.name
    # The annotation went through the database's converters: an aware datetime on SQLite too.
    assert isinstance(found.meeting_starts, datetime)
    assert found.meeting_starts == expected.meeting_starts == case.meeting.starts_at
    assert found.meeting_starts.tzinfo is not None
    # What select_related loaded costs no query; a deferred field is loaded on use, as the
    # ORM's own object would.
    with CaptureQueriesContext(connection) as queries:
        assert found.meeting.network_id == case.meeting.network_id
    assert len(queries) == 0
    assert found.get_deferred_fields() == {"situation"}
    assert found.situation == "Woont alleen"


def test_each_call_sends_its_own_values_and_the_orm_builds_the_sql_once():
    first, second = CaseDiscussionFactory(), CaseDiscussionFactory()
    builds = []

    def build(pk):
        builds.append(pk)
        return cases_with_meeting(pk)

    statement = Statement(build, pk=int)

    assert [case.pk for case in statement(pk=first.pk)] == [first.pk]
    assert [case.pk for case in statement(pk=second.pk)] == [second.pk]
    assert statement(pk=second.pk + 1000) == []
    assert len(builds) == 1


def test_text_values_and_several_rows():
    case = CaseDiscussionFactory()
    mark(case, "financien")
    tips = [TipFactory(case=case, text="Buurtbus"), TipFactory(case=case, text="Buurtbus")]
    TipFactory(case=case, text="Maatje")
    statement = Statement(
        lambda case, text: Tip.objects.filter(case_id=case, text=text).order_by("pk"),
        case=int,
        text=str,
    )

    assert statement(case=case.pk, text="Buurtbus") == tips
    assert statement(case=case.pk, text="buurtbus") == []


def test_a_value_that_the_statement_does_not_hold_is_refused():
    """A stand-in that is not in the SQL (or is in it twice) would leave a value unsent."""
    ignores_its_value = Statement(lambda pk: CaseDiscussion.objects.all(), pk=int)
    with pytest.raises(ValueError, match="'pk' appears 0 times"):
        ignores_its_value(pk=1)

    twice = Statement(lambda pk: CaseDiscussion.objects.filter(pk=pk, meeting_id=pk), pk=int)
    with pytest.raises(ValueError, match="'pk' appears 2 times"):
        twice(pk=1)


def test_every_value_must_be_given():
    """A value left out would send its stand-in to the database."""
    statement = Statement(cases_with_meeting, pk=int)
    with pytest.raises(TypeError, match="values for"):
        statement()
    with pytest.raises(TypeError, match="values for"):
        statement(pk=1, other=2)


def test_only_model_objects_are_made():
    """What else a queryset does (values, prefetching) a statement would silently drop."""
    for build in [
        lambda pk: CaseDiscussion.objects.filter(pk=pk).values("pk"),
        lambda pk: CaseDiscussion.objects.filter(pk=pk).prefetch_related("tips"),
    ]:
        with pytest.raises(ValueError, match="model objects"):
            Statement(build, pk=int)(pk=1)


@pytest.mark.django_db(transaction=True)  # the other thread's connection sees the rows
def test_each_thread_compiles_for_its_own_connection():
    """A compiled statement holds its connection: another thread (another connection) builds
    its own, and gets the same rows."""
    import threading

    from django.db import connections

    case = CaseDiscussionFactory()
    builds, found = [], []

    def build(pk):
        builds.append(threading.get_ident())
        return cases_with_meeting(pk)

    statement = Statement(build, pk=int)
    found.append(statement(pk=case.pk))

    def other_thread():
        try:
            found.append(statement(pk=case.pk))
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()

    assert [[obj.pk for obj in objects] for objects in found] == [[case.pk], [case.pk]]
    assert len(set(builds)) == 2
