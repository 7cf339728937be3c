"""The admin is the platform operator's: a staff account that is not a superuser sees, changes
and picks only the rows of the networks it administers (access.administered_networks:
those it coordinates), also in autocomplete, foreign-key choices and list filters."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client as WebClient
from django.urls import reverse

from networks import access
from networks.models import Role, User
from sessions.models import Client, Tip, TipOutcome
from tests.factories import (
    CaseDiscussionFactory,
    ClientFactory,
    MembershipFactory,
    OrganisationFactory,
    TipFactory,
    mark,
)


@pytest.fixture
def staff(noord):
    """Noord's coordinator, made staff with every model permission (support work)."""
    user = MembershipFactory(network=noord, role=Role.COORDINATOR, user__is_staff=True).user
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["casework", "networks", "matrices", "otp_totp"]
        )
    )
    return User.objects.get(pk=user.pk)  # without the permission cache


@pytest.fixture
def two_networks(noord, zuid, case):
    """The same kinds of rows in Noord (`case`) and in Zuid, each recognisable by name."""
    ClientFactory(network=noord, pseudonym="Noordster")
    ClientFactory(network=zuid, pseudonym="Zuiderling")
    zuid_case = CaseDiscussionFactory(meeting__network=zuid, client__pseudonym="Zuidwester")
    mark(zuid_case, "financien")
    zuid_tip = TipFactory(case=zuid_case, text="Zuidelijke tip")
    TipOutcome.objects.create(tip=zuid_tip, tried=True, result="worked", why="Zuidelijke uitkomst")
    TipFactory(case=case, text="Noordelijke tip")
    OrganisationFactory(network=zuid, name="Zuidelijk buurthuis")
    OrganisationFactory(network=noord, name="Noordelijk buurthuis")
    zuid_member = MembershipFactory(network=zuid, user__email="zuid-lid@example.org").user
    return {"zuid_case": zuid_case, "zuid_tip": zuid_tip, "zuid_member": zuid_member}


def admin(user) -> WebClient:
    client = WebClient()
    client.cookies["django_language"] = "en"
    client.force_login(user)  # with a verified second factor (tests/conftest.py)
    return client


CHANGELISTS = [
    ("casework_client", "Noordster", "Zuiderling"),
    ("casework_casediscussion", "Merel", "Zuidwester"),
    ("casework_tip", "Noordelijke tip", "Zuidelijke tip"),
    ("casework_tipoutcome", None, "Zuidelijke tip"),
    ("casework_meeting", "Noord", "Zuid"),
    ("networks_network", "Noord", "Zuid"),
    ("networks_membership", "Noord", "Zuid"),
    ("networks_organisation", "Noordelijk buurthuis", "Zuidelijk buurthuis"),
    ("networks_user", None, "zuid-lid@example.org"),
    ("matrices_matrix", "Noord", "Zuid"),
]


@pytest.mark.parametrize("model, own, other", CHANGELISTS)
def test_staff_sees_only_its_own_networks_rows(staff, two_networks, model, own, other):
    response = admin(staff).get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    if own:
        assert own in html
    assert other not in html  # neither in the rows nor in a list filter


@pytest.mark.parametrize("model, _own, other", CHANGELISTS)
def test_a_superuser_sees_every_network(two_networks, model, _own, other):
    root = User.objects.create_superuser("beheer@test.example", password=None)
    assert other in admin(root).get(reverse(f"admin:{model}_changelist")).content.decode()


def test_another_networks_rows_cannot_be_opened_changed_or_deleted(staff, two_networks):
    client = admin(staff)
    tip = two_networks["zuid_tip"]
    for url in (
        reverse("admin:casework_tip_change", args=[tip.pk]),
        reverse("admin:casework_tip_delete", args=[tip.pk]),
        reverse("admin:casework_tip_history", args=[tip.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("admin:index"), url
    client.post(
        reverse("admin:casework_tip_changelist"),
        {"action": "delete_selected", "_selected_action": [tip.pk], "post": "yes"},
    )
    assert Tip.objects.filter(pk=tip.pk).exists()


def autocomplete(client, app_label, model_name, field_name, term="") -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200, response.content[:300]
    return [item["text"] for item in json.loads(response.content)["results"]]


def test_autocomplete_offers_only_its_own_networks(staff, two_networks, noord):
    client = admin(staff)
    assert autocomplete(client, "casework", "client", "network") == ["Noord"]
    assert autocomplete(client, "casework", "casediscussion", "client", "Zuid") == []
    assert "Noordster" in autocomplete(client, "casework", "casediscussion", "client")
    people = autocomplete(client, "casework", "client", "case_bringer")
    assert people and not any("zuid-lid" in person for person in people)
    assert "Zuidelijk buurthuis" not in autocomplete(client, "casework", "tip", "organisation")


def test_foreign_key_choices_are_its_own_networks(staff, two_networks, noord, zuid):
    client = admin(staff)
    # A select (not autocomplete): the case of a tip outcome's tip, the tip of an outcome.
    form = client.get(reverse("admin:casework_tipoutcome_add")).content.decode()
    assert "Zuidelijke tip" not in form
    # The server refuses what the form did not offer.
    response = client.post(
        reverse("admin:casework_client_add"),
        {"network": zuid.pk, "pseudonym": "Indringer", "birth_year": ""},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Client.objects.filter(pseudonym="Indringer").exists()
    columns = client.get(reverse("admin:networks_organisation_add")).content.decode()
    zuid_column = zuid.matrix.columns.first()
    assert f'value="{zuid_column.pk}"' not in columns


def test_staff_cannot_make_networks_nor_raise_its_own_permissions(staff, two_networks, noord):
    client = admin(staff)
    assert client.get(reverse("admin:networks_network_add")).status_code == 403
    page = client.get(reverse("admin:networks_user_change", args=[staff.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page


def test_staff_cannot_take_over_an_account_of_another_network(staff, two_networks, noord, zuid):
    shared = MembershipFactory(network=noord, role=Role.MEMBER).user
    MembershipFactory(network=zuid, user=shared, role=Role.MEMBER)
    client = admin(staff)
    # Seen (a member of Noord), but not changed: that would reach into Zuid.
    response = client.get(reverse("admin:networks_user_change", args=[shared.pk]))
    assert response.status_code == 200 and 'name="email"' not in response.content.decode()
    response = client.get(reverse("admin:auth_user_password_change", args=[shared.pk]))
    assert response.status_code == 403
    own = MembershipFactory(network=noord, role=Role.MEMBER).user
    assert client.get(reverse("admin:auth_user_password_change", args=[own.pk])).status_code == 200
    # Its memberships in Zuid are not shown with the person.
    page = client.get(reverse("admin:networks_user_change", args=[shared.pk])).content.decode()
    assert "Zuid" not in page


def test_the_rule_lives_in_the_access_module(staff, noord, zuid):
    assert list(access.administered_networks(staff)) == [noord]
    assert access.administered_networks(User.objects.create_superuser("r@x.nl", None)) is None
    member_staff = MembershipFactory(network=zuid, role=Role.MEMBER, user__is_staff=True).user
    assert list(access.administered_networks(member_staff)) == []  # coordinators only
