from datetime import timedelta

import pytest

from networks.models import Role
from tests.factories import (
    CaseDiscussionFactory,
    MembershipFactory,
    NetworkFactory,
    TipFactory,
    UserFactory,
    mark,
)


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests run without `collectstatic`: serve static files by their plain names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Primary keys repeat between tests on SQLite: start every test with empty caches (the
    renders, and the access log's looks)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def reference_data_in_transactional_tests(request):
    """Transactional tests empty every table afterwards, the migrated ZRM data included:
    each one loads it again (idempotent), so it starts like a fresh installation."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    ):
        request.getfixturevalue("transactional_db")
        from django.apps import apps

        from matrices.reference import load_reference_data

        load_reference_data(apps)


@pytest.fixture(autouse=True)
def force_login_gives_both_factors(monkeypatch):
    """`force_login` skips the login form, and with it the second factor: a coordinator or
    staff account gets a verified session, with an app device of its own, as after a real
    login. The two-factor tests go through the login form; `password_only_login` (in
    tests.clients) makes a session that never gave its second factor."""
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from networks import two_factor

        if two_factor.needed_at_login(user):
            verify_session(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)
    monkeypatch.setattr(ClientMixin, "password_only_login", original, raising=False)


def verify_session(client, user) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from networks import two_factor

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[two_factor.STATE] = two_factor.second_factor_state(user)
    session.save()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def noord(db):
    return NetworkFactory(name="Noord")


@pytest.fixture
def zuid(db):
    return NetworkFactory(name="Zuid")


@pytest.fixture
def facilitator(noord):
    return MembershipFactory(network=noord, role=Role.FACILITATOR).user


@pytest.fixture
def coordinator(noord):
    return MembershipFactory(network=noord, role=Role.COORDINATOR).user


@pytest.fixture
def case_bringer(noord):
    return MembershipFactory(network=noord, role=Role.MEMBER).user


@pytest.fixture
def outsider(zuid):
    """A coordinator of network Zuid: may see nothing of Noord."""
    return MembershipFactory(network=zuid, role=Role.COORDINATOR).user


@pytest.fixture
def case(noord, case_bringer):
    """A case discussion in Noord with two marked domains."""
    case = CaseDiscussionFactory(meeting__network=noord, case_bringer=case_bringer)
    case.client.case_bringer = case_bringer
    case.client.save()
    mark(case, "financien", "sociaal-netwerk")
    return case


@pytest.fixture
def earlier_tip(case):
    """A chosen tip of last month's meeting of the same network, awaiting its follow-up."""
    earlier = CaseDiscussionFactory(
        meeting__network=case.meeting.network,
        meeting__starts_at=case.meeting.starts_at - timedelta(days=30),
    )
    mark(earlier, "financien")
    return TipFactory(case=earlier, chosen=True)


@pytest.fixture
def user_without_network(db):
    return UserFactory()


def pytest_report_header(config):
    """Say which database this run tests (CI runs on SQLite, then on PostgreSQL)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    test_name = database.get("TEST", {}).get("NAME") or f"test_{database['NAME']}"
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} (tests on {test_name})"


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` are about the server database (a restart cutting its
    connections): they run in the PostgreSQL pass (CI's second run) and are deselected,
    not skipped, on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


NU_CHECKER = pytest.StashKey()


@pytest.fixture(scope="session")
def nu_checker(pytestconfig):
    """The W3C Nu HTML checker, started once for the run (tests/html_checker.py)."""
    from tests.html_checker import NuChecker

    checker = NuChecker()
    checker.start()
    pytestconfig.stash[NU_CHECKER] = checker
    yield checker
    checker.stop()


def pytest_terminal_summary(terminalreporter, config):
    """What the HTML checks cost: documents checked (the rest came from the cache), the
    time the tests waited for the checker, and its start (mostly while a test ran)."""
    checker = config.stash.get(NU_CHECKER, None)
    if checker is not None:
        terminalreporter.write_line(
            f"Nu HTML checker: {checker.checked} distinct documents checked, "
            f"{checker.seconds:.1f} s waited for (its start took {checker.start_seconds:.1f} s)"
        )
