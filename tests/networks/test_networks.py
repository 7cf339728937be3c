"""Every network works on its own copy of a placemat preset, made by the admin or the services."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client as WebClient
from django.urls import reverse
from django.utils import translation

from matrices.models import Column, Matrix
from networks.models import Network, User
from networks.services import create_network, switch_preset
from sessions.selectors.placemat import placemat
from tests.factories import CaseDiscussionFactory, OrganisationFactory, TipFactory, mark


@pytest.fixture
def admin_client(db) -> WebClient:
    client = WebClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(User.objects.create_superuser("beheer@test.example", password=None))
    return client


def preset(key: str) -> Matrix:
    return Matrix.objects.get(preset_key=key)


def add_network_in_admin(admin_client, name: str, preset_key: str) -> Network:
    response = admin_client.post(
        reverse("admin:networks_network_add"),
        {
            "name": name,
            "district": "",
            "preset": preset(preset_key).pk,
            "timeboxes": "{}",
            **{f"{p}-{k}": "0" for p in ("memberships", "organisations") for k in ("TOTAL_FORMS",)},
            **{f"{p}-INITIAL_FORMS": "0" for p in ("memberships", "organisations")},
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Network.objects.get(name=name)


def column_labels(network: Network) -> list[str]:
    case = CaseDiscussionFactory(meeting__network=network)
    mark(case, "financien")
    return [column.label for column in placemat(case).columns]


def test_renaming_a_column_of_one_network_leaves_the_others_alone(admin_client):
    noord = add_network_in_admin(admin_client, "Noord", "akad")
    zuid = add_network_in_admin(admin_client, "Zuid", "akad")
    assert noord.matrix_id != zuid.matrix_id
    before = column_labels(zuid)

    column = noord.matrix.columns.order_by("order").first()
    response = admin_client.post(
        reverse("admin:matrices_column_change", args=[column.pk]),
        {
            "matrix": column.matrix_id,
            "key": column.key,
            "name": "Eigen kracht en buren",
            "name_en": "",
            "order": column.order,
            "formality": column.formality,
            "hint": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    assert column_labels(noord)[0] == "Eigen kracht en buren"
    assert column_labels(zuid) == before
    assert preset("akad").columns.order_by("order").first().label == before[0]


def test_the_admin_offers_presets_only_to_copy(admin_client):
    page = admin_client.get(reverse("admin:networks_network_add")).content.decode()
    for matrix in Matrix.objects.exclude(preset_key=""):
        assert f'<option value="{matrix.pk}">{matrix.name}</option>' in page
    noord = add_network_in_admin(admin_client, "Noord", "akad")
    assert noord.matrix.preset_key == ""
    assert (
        f'<option value="{noord.matrix_id}"'
        not in admin_client.get(reverse("admin:networks_network_add")).content.decode()
    )


def test_a_new_network_needs_a_preset(admin_client):
    response = admin_client.post(
        reverse("admin:networks_network_add"),
        {
            "name": "Zonder",
            "timeboxes": "{}",
            **{f"{p}-TOTAL_FORMS": "0" for p in ("memberships", "organisations")},
            **{f"{p}-INITIAL_FORMS": "0" for p in ("memberships", "organisations")},
        },
    )
    assert response.status_code == 200
    assert "Pick the placemat this network starts from." in response.content.decode()
    assert not Network.objects.filter(name="Zonder").exists()


def test_presets_cannot_be_edited_in_the_admin(admin_client):
    akad = preset("akad")
    column = akad.columns.first()
    response = admin_client.post(
        reverse("admin:matrices_column_change", args=[column.pk]),
        {"matrix": akad.pk, "key": column.key, "name": "Anders", "order": 1, "formality": 0},
    )
    assert response.status_code == 403
    assert Column.objects.get(pk=column.pk).name == column.name


def test_two_networks_cannot_share_a_matrix(db):
    noord = create_network(name="Noord", preset=preset("akad"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Network.objects.create(name="Zuid", matrix=noord.matrix)


def test_switching_preset_makes_a_fresh_copy_and_keeps_usual_columns(db):
    noord = create_network(name="Noord", preset=preset("akad"))
    informal = noord.matrix.columns.get(key="informeel")
    organisation = OrganisationFactory(network=noord, usual_column=informal)
    old = noord.matrix_id

    switch_preset(network=noord, preset=preset("akad-split"))

    noord.refresh_from_db()
    organisation.refresh_from_db()
    assert noord.matrix_id != old and not Matrix.objects.filter(pk=old).exists()
    assert noord.matrix.columns.count() == preset("akad-split").columns.count()
    assert organisation.usual_column.matrix_id == noord.matrix_id
    assert organisation.usual_column.key == "informeel"


def test_switching_preset_is_refused_once_tips_stand_in_the_columns(db):
    noord = create_network(name="Noord", preset=preset("akad"))
    case = CaseDiscussionFactory(meeting__network=noord)
    mark(case, "financien")
    TipFactory(case=case)
    old = noord.matrix_id

    with translation.override("en"), pytest.raises(ValidationError, match="rename or reorder"):
        switch_preset(network=noord, preset=preset("akad-split"))

    noord.refresh_from_db()
    assert noord.matrix_id == old
    assert Matrix.objects.filter(preset_key="").count() == 1
