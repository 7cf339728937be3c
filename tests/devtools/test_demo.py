"""`manage.py demo`: a believable story, safe to run twice, ready for today's meeting."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client as WebClient
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from networks.models import Membership, Network, Organisation, Role, User
from sessions.models import CaseDiscussion, Client, Meeting, Result, Step, Tip, TipOutcome
from sessions.privacy import looks_identifying
from sessions.selectors.follow_up import awaiting_follow_up

PASSWORD = "demo-wachtwoord-1"
MODELS = [User, Network, Membership, Organisation, Client, Meeting, CaseDiscussion, Tip, TipOutcome]


def run_demo(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo(db) -> str:
    return run_demo("--password", PASSWORD)


def today_meeting() -> Meeting:
    local_today = timezone.localdate()
    return next(
        m
        for m in Meeting.objects.filter(network__name="Noord")
        if timezone.localtime(m.starts_at).date() == local_today
    )


def test_demo_runs_twice_without_duplicates(demo):
    first = counts()
    assert all(first.values()), first
    output = run_demo("--password", PASSWORD)
    assert counts() == first
    assert "already present" in output


def test_demo_networks_and_placemats(demo):
    noord = Network.objects.get(name="Noord")
    zuid = Network.objects.get(name="Zuid")
    assert noord.district == "Amsterdam-Noord"
    assert [c.key for c in noord.matrix.columns.order_by("order")] == [
        "eigen-kracht",
        "netwerk",
        "informeel",
        "formeel",
    ]
    assert [c.key for c in zuid.matrix.columns.order_by("order")] == [
        "client-en-netwerk",
        "informeel",
        "formeel",
    ]
    assert not noord.matrix.preset_key and noord.matrix != zuid.matrix  # own copies
    for network in (noord, zuid):
        organisations = network.organisations.all()
        assert organisations.count() >= 6
        assert all(
            o.usual_column and o.usual_column.matrix_id == network.matrix_id for o in organisations
        )
        roles = set(network.memberships.values_list("role", flat=True))
        assert roles == {Role.COORDINATOR, Role.FACILITATOR, Role.MEMBER}


@pytest.mark.parametrize("network", ["noord", "zuid"])
@pytest.mark.parametrize("local", ["coordinator", "facilitator", "casusinbrenger"])
def test_demo_accounts_can_log_in(demo, network, local):
    client = WebClient()
    response = client.post(
        reverse("accounts:login"), {"username": f"{local}@{network}.example", "password": PASSWORD}
    )
    if local == "coordinator":  # two-factor sign-in: the app comes with a set-up link
        assert response.status_code == 403
        assert client.get(reverse("casework:home")).status_code == 302  # not logged in
        return
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:home")
    assert client.get(reverse("casework:home")).status_code == 200


def printed_links(output: str) -> dict[str, str]:
    return dict(re.findall(r"^(\S+@\S+)\s+https?://[^/\s]+(/accounts/setup/\S+)$", output, re.M))


def test_demo_prints_a_set_up_link_for_each_account_that_needs_an_app(db):
    output = run_demo("--password", PASSWORD, "--base-url", "http://127.0.0.1:8123")
    links = printed_links(output)
    assert set(links) == {
        "beheer@akad.example",
        "coordinator@noord.example",
        "coordinator@zuid.example",
    }
    assert "http://127.0.0.1:8123/accounts/setup/" in output

    client = WebClient()
    response = client.get(links["coordinator@noord.example"])
    assert response.status_code == 302
    coordinator = User.objects.get(email="coordinator@noord.example")
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    code = str(totp(device.bin_key)).zfill(6)
    response = client.post(response["Location"], {"password": PASSWORD, "code": code})
    assert response["Location"] == reverse("accounts:recovery_codes")
    assert client.get(reverse("casework:home")).status_code == 200

    # The next run makes new links only for those still without an app.
    again = printed_links(run_demo("--password", PASSWORD))
    assert set(again) == {"beheer@akad.example", "coordinator@zuid.example"}


def test_demo_without_password_generates_and_prints_one(db):
    output = run_demo()
    password = output.strip().splitlines()[-1].rsplit(" ", 1)[-1]
    assert len(password) >= 12
    assert "coordinator@noord.example" in output
    assert User.objects.get(email="coordinator@noord.example").check_password(password)
    # A second run sets a new password; the old one stops working.
    second = run_demo().strip().splitlines()[-1].rsplit(" ", 1)[-1]
    assert second != password
    assert User.objects.get(email="facilitator@zuid.example").check_password(second)


def test_todays_meeting_is_ready_to_run(demo):
    meeting = today_meeting()
    assert meeting.starts_at > timezone.now()
    assert "Huis van de Wijk" in meeting.place
    cases = list(meeting.cases.order_by("order"))
    assert len(cases) == 2
    for case in cases:
        assert case.step == Step.OPENING and case.started_at is None
        assert all(getattr(case, name) for name in CaseDiscussion.PRESENTATION_FIELDS)
        assert case.case_bringer.memberships.filter(network=meeting.network).exists()


def test_todays_terugblik_is_not_empty(demo):
    awaiting = list(awaiting_follow_up(today_meeting()))
    assert len(awaiting) >= 2
    assert all(tip.chosen and tip.action_what for tip in awaiting)


def test_last_month_tells_the_story(demo):
    noord = Network.objects.get(name="Noord")
    earlier = noord.meetings.filter(starts_at__lt=timezone.now() - timezone.timedelta(days=20))
    assert earlier.exists()
    tips = Tip.objects.filter(case__meeting__in=earlier)
    columns = set(tips.values_list("column__key", flat=True))
    assert columns == {"eigen-kracht", "netwerk", "informeel", "formeel"}
    assert tips.filter(chosen=True, decision="accepted").count() >= 4
    assert tips.filter(chosen=True, decision="declined").exists()
    results = set(TipOutcome.objects.filter(tip__in=tips).values_list("result", flat=True))
    assert {Result.WORKED, Result.PARTLY, Result.DID_NOT_WORK} <= results
    assert TipOutcome.objects.filter(result=Result.DID_NOT_WORK, why__icontains="te vroeg").exists()
    for case in CaseDiscussion.objects.filter(meeting__in=earlier):
        assert case.goals.filter(current_level__isnull=False, target_level__isnull=False).exists()
        assert case.started_at < timezone.now() - timezone.timedelta(days=20)
    assert all(o.created_at < timezone.now() for o in TipOutcome.objects.all())


def test_demo_clients_are_pseudonyms_only(demo):
    for client in Client.objects.all():
        assert looks_identifying(client.pseudonym) is None
        assert client.birth_year and 1900 < client.birth_year < timezone.localdate().year


def test_demo_coordinator_sees_the_story(demo):
    client = WebClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(User.objects.get(email="coordinator@noord.example"))
    home = client.get(reverse("casework:home")).content.decode()
    assert "today" in home
    detail = client.get(
        reverse("casework:meeting_detail", args=[today_meeting().pk])
    ).content.decode()
    assert "Kievit" in detail and "Klaproos" in detail
    assert "2 chosen tips from earlier meetings await an outcome" in detail


# The admin, on the demo data ---------------------------------------------------------------------


@pytest.fixture
def admin_client_demo(demo) -> WebClient:
    client = WebClient()
    client.force_login(User.objects.get(email="beheer@akad.example"))
    return client


def test_admin_pages_render_on_the_demo_data(admin_client_demo):
    from django.contrib import admin

    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in {"networks", "matrices", "casework"}:
            continue
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client_demo.get(changelist).status_code == 200, changelist
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert admin_client_demo.get(change).status_code == 200, change
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        # The access log and the record of set-up links are read-only: nobody adds a line.
        expected = 403 if meta.model_name in {"accessevent", "tiptally", "setuplink"} else 200
        assert admin_client_demo.get(add).status_code == expected, add


def test_admin_covers_every_model():
    from django.apps import apps
    from django.contrib import admin

    ours = [
        model
        for label in ("networks", "matrices", "casework")
        for model in apps.get_app_config(label).get_models()
    ]
    inlined = {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    missing = [m.__name__ for m in ours if m not in admin.site._registry and m not in inlined]
    assert missing == []


def test_admin_rejects_bad_timeboxes(admin_client_demo):
    noord = Network.objects.get(name="Noord")
    url = reverse("admin:networks_network_change", args=[noord.pk])
    data = {
        "name": noord.name,
        "district": noord.district,
        "matrix": noord.matrix_id,
        "timeboxes": '{"tips": 500, "koffie": 5}',
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "organisations-TOTAL_FORMS": "0",
        "organisations-INITIAL_FORMS": "0",
    }
    response = admin_client_demo.post(url, data)
    assert response.status_code == 200
    noord.refresh_from_db()
    assert noord.timeboxes.get("tips") != 500
    with pytest.raises(ValidationError):
        Network(name="X", matrix=noord.matrix, timeboxes={"tips": 500}).clean()


def test_admin_user_is_created_with_an_email(admin_client_demo):
    response = admin_client_demo.post(
        reverse("admin:networks_user_add"),
        {
            "email": "nieuw@noord.example",
            "display_name": "Nieuw Lid",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(email="nieuw@noord.example").check_password("een-lang-wachtwoord-42")


def test_admin_client_pseudonym_privacy(admin_client_demo):
    noord = Network.objects.get(name="Noord")
    response = admin_client_demo.post(
        reverse("admin:casework_client_add"), {"network": noord.pk, "pseudonym": "06-12345678"}
    )
    assert response.status_code == 200
    assert not Client.objects.filter(pseudonym="06-12345678").exists()
