"""CSRF on every write: each POST of the project, without the token, is refused and changes
nothing, for a member allowed to make it (the URL list is the access test's: every URL)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.networks.test_access import ACCESS_TABLE, POST, noord_objects, snapshot  # noqa: F401

POSTS = sorted(name for name, entry in ACCESS_TABLE.items() if POST in entry.methods)


def test_every_write_of_the_project_is_in_the_list():
    assert "casework:add_tip" in POSTS and "accounts:login" in POSTS and len(POSTS) > 20


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_post_without_the_csrf_token_is_refused(name, htmx, noord_objects, coordinator):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    before = snapshot(noord_objects)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(noord_objects.url(name), noord_objects.post_data(), headers=headers)
    assert response.status_code == 403, name
    assert snapshot(noord_objects) == before
