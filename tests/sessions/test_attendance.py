"""The facilitator and the room: who is here, the join code on the screens, moderation."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from matrices.models import Column
from networks.models import Membership
from sessions.models import Guest, Step, Tip
from sessions.selectors.attendance import attendance
from sessions.services import guests, tips
from sessions.services.live import go_to_step
from sessions.services.versions import touch
from tests.clients import HTMX, english_client
from tests.factories import MembershipFactory, OrganisationFactory, TipFactory, UserFactory
from tests.guests import code_path, join_as, phone_tip, poll_url


@pytest.fixture
def columns(noord):
    return list(Column.objects.filter(matrix=noord.matrix).order_by("order"))


@pytest.fixture
def social_map(noord, columns):
    return {
        "kolk": OrganisationFactory(
            network=noord, name="Buurtcentrum De Kolk", usual_column=columns[1]
        ),
        "brigade": OrganisationFactory(
            network=noord, name="Formulierenbrigade", usual_column=columns[1]
        ),
        "mee": OrganisationFactory(network=noord, name="MEE", usual_column=columns[-1]),
        "wijk": OrganisationFactory(
            network=noord, name="Wijkverpleging Noord", usual_column=columns[-1]
        ),
        "mantelzorg": OrganisationFactory(network=noord, name="Steunpunt Mantelzorg"),
    }


@pytest.fixture
def present(case, social_map, noord, case_bringer):
    """Anna and Piet (De Kolk) and Wil (typed) by phone, Els (MEE) added without a phone, the
    case-bringer joined with their account (MEE), a member recorded as attendee (Wijkverpleging),
    Tim without an organisation, and Rob who was removed."""
    meeting = case.meeting
    join_as(meeting, "Anna", organisation=social_map["kolk"])
    join_as(meeting, "Piet", organisation_name="buurtcentrum de kolk")
    join_as(meeting, "Wil", organisation_name="Groen Dichtbij")
    join_as(meeting, "Tim")
    rob = join_as(meeting, "Rob", organisation=social_map["brigade"])
    guests.remove_guest(guest=Guest.objects.get(display_name="Rob"))
    guests.add_present(meeting=meeting, display_name="Els", organisation=social_map["mee"])
    Membership.objects.filter(user=case_bringer).update(organisation=social_map["mee"])
    join_as(
        meeting,
        str(case_bringer),
        client=english_client(case_bringer),
        organisation=social_map["mee"],
    )
    nurse = MembershipFactory(network=noord, organisation=social_map["wijk"]).user
    meeting.attendees.add(nurse)
    return {"meeting": meeting, "nurse": nurse, "rob": rob}


def test_attendance_by_organisation_and_usual_column(present, columns, case_bringer):
    seen = attendance(present["meeting"])
    assert seen.count == 7  # Rob was removed
    by_column = {
        group.column.pk if group.column else None: {
            p.label: [x.name for x in p.people] for p in group.present
        }
        for group in seen.groups
    }
    assert by_column[columns[1].pk] == {"Buurtcentrum De Kolk": ["Anna", "Piet"]}
    assert by_column[columns[-1].pk] == {
        "MEE": ["Els", str(case_bringer)],
        "Wijkverpleging Noord": [str(present["nurse"])],
    }
    assert by_column[None] == {"Groen Dichtbij": ["Wil"]}
    assert [p.name for p in seen.without_organisation] == ["Tim"]
    assert seen.perspectives == 4
    assert (seen.columns_present, seen.column_count) == (2, len(columns))
    missing = {o.name for group in seen.groups for o in group.missing}
    assert missing == {"Formulierenbrigade", "Steunpunt Mantelzorg"}


def test_attendance_takes_a_fixed_number_of_queries(present, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        attendance(present["meeting"])


def test_the_console_shows_who_is_here_and_who_we_miss(present, facilitator, case):
    client = english_client(facilitator)
    console = client.get(reverse("casework:console", args=[case.pk])).content.decode()
    section_url = reverse("casework:attendance", args=[case.meeting_id])
    assert f'hx-get="{section_url}"' in console  # loaded right after the page
    html = client.get(section_url, **HTMX).content.decode()
    assert "<html" not in html
    assert "7 people present" in html and "4 perspectives" in html
    assert "Buurtcentrum De Kolk" in html and "Anna" in html and "Piet" in html
    assert "Who are we missing?" in html
    missing = html.split("Who are we missing?")[1]
    assert "Formulierenbrigade" in missing and "Steunpunt Mantelzorg" in missing
    assert "Rob" not in html
    assert case.meeting.join_code in html and "<svg" in html
    # Without JavaScript, the same section is a page of its own.
    page = client.get(section_url)
    assert "<html" in page.content.decode() and "7 people present" in page.content.decode()


def test_the_attendance_poll_is_cheap_until_someone_joins(present, facilitator, case):
    client = english_client(facilitator)
    html = client.get(reverse("casework:attendance", args=[case.meeting_id]), **HTMX)
    url = poll_url(html.content.decode(), "attendance-live")
    assert client.get(url, **HTMX).status_code == 204
    join_as(case.meeting, "Nieuw")
    response = client.get(url, **HTMX)
    assert response.status_code == 200 and "Nieuw" in response.content.decode()


def test_the_facilitator_adds_someone_without_a_phone(case, facilitator, social_map):
    client = english_client(facilitator)
    url = reverse("casework:add_present", args=[case.meeting_id])
    response = client.post(
        url, {"display_name": "Joke", "organisation": social_map["kolk"].pk}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Joke" in html and 'id="present-form"' in html and 'hx-swap-oob="true"' in html
    joke = Guest.objects.get(display_name="Joke")
    assert joke.organisation == social_map["kolk"] and not joke.has_phone
    refused = client.post(url, {"display_name": ""}, **HTMX)
    assert "Give their name" in refused.content.decode()
    # Without JavaScript: back to the page.
    assert client.post(url, {"display_name": "Kees"}).status_code == 302


def test_the_facilitator_removes_a_guest(case, facilitator):
    phone = join_as(case.meeting, "Prank")
    guest = Guest.objects.get(display_name="Prank")
    response = english_client(facilitator).post(
        reverse("casework:remove_guest", args=[guest.pk]), **HTMX
    )
    assert (
        response.status_code == 200
        and "Prank" not in response.content.decode().split("is no longer on the list")[-1]
    )
    guest.refresh_from_db()
    assert guest.removed_at is not None and guest.token_hash is None
    assert phone.get(reverse("casework:phone", args=[case.meeting_id])).status_code == 404


def test_closing_joining_stops_the_code_but_not_who_joined(case, facilitator):
    go_to_step(case=case, step=Step.TIPS)
    phone = join_as(case.meeting)
    client = english_client(facilitator)
    response = client.post(
        reverse("casework:set_joining", args=[case.meeting_id]), {"open": "0"}, **HTMX
    )
    assert "Joining is closed" in response.content.decode()
    assert client.get(code_path(case.meeting)).status_code == 403
    assert phone_tip(phone, case).status_code == 200  # already in: still takes part
    client.post(reverse("casework:set_joining", args=[case.meeting_id]), {"open": "1"}, **HTMX)
    assert client.get(code_path(case.meeting)).status_code == 200


def test_closing_the_meeting_ends_the_phones_and_can_be_undone(case, facilitator):
    phone = join_as(case.meeting)
    client = english_client(facilitator)
    url = reverse("casework:close_meeting", args=[case.meeting_id])
    response = client.post(url, {"closed": "1"}, **HTMX)
    assert "The meeting is closed" in response.content.decode()
    assert phone.get(reverse("casework:phone", args=[case.meeting_id])).status_code == 404
    client.post(url, {"closed": "0"}, **HTMX)
    assert phone.get(reverse("casework:phone", args=[case.meeting_id])).status_code == 200


def test_only_leads_manage_the_room(case, case_bringer):
    guest = guests.add_present(meeting=case.meeting, display_name="Els")
    client = english_client(case_bringer)
    for name, arg, data in [
        ("casework:attendance", case.meeting_id, None),
        ("casework:attendance_poll", case.meeting_id, None),
        ("casework:add_present", case.meeting_id, {"display_name": "X"}),
        ("casework:set_joining", case.meeting_id, {"open": "0"}),
        ("casework:close_meeting", case.meeting_id, {"closed": "1"}),
        ("casework:remove_guest", guest.pk, {}),
    ]:
        url = reverse(name, args=[arg])
        response = client.get(url) if data is None else client.post(url, data)
        assert response.status_code == 403, name
    assert Guest.objects.filter(removed_at__isnull=True).count() == 1


def test_attendance_is_in_the_meeting_report(present, coordinator):
    from reports.pdf import render_pdf  # noqa: F401  (the renderer the view uses)

    response = english_client(coordinator).get(
        reverse("reports:meeting_pdf", args=[present["meeting"].pk])
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Present" in text and "7 people present, 4 organisations" in text
    assert "Buurtcentrum De Kolk (2)" in text and "MEE (2)" in text
    assert "Not present from the social map" in text and "Steunpunt Mantelzorg" in text
    assert "Anna" not in text  # organisations, not people's names


# The join code on the screens ----------------------------------------------------------------


@pytest.mark.parametrize(
    "step, size",
    [
        (Step.OPENING, "big"),
        (Step.FOLLOW_UP, "big"),
        (Step.PRESENTATION, "small"),
        (Step.DOMAINS, "small"),
        (Step.TIPS, "inline"),
        (Step.CLOSING, "small"),
        (Step.EVALUATION, "small"),
    ],
)
def test_the_beamer_shows_the_join_code(case, case_bringer, step, size):
    go_to_step(case=case, step=step)
    html = (
        english_client(case_bringer)
        .get(reverse("casework:beamer", args=[case.meeting_id]))
        .content.decode()
    )
    assert f"join-box join-{size}" in html
    assert case.meeting.join_code in html
    assert "testserver/j" in html
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "style=" not in svg  # the CSP allows no inline style; fill/stroke attributes are fine
    assert 'aria-hidden="true"' in svg


def test_the_code_in_the_header_gives_way_to_a_full_placemat(case, case_bringer):
    from sessions.steps import JOIN_INLINE_MAX_TIPS

    go_to_step(case=case, step=Step.TIPS)
    url = reverse("casework:beamer", args=[case.meeting_id])
    for _ in range(JOIN_INLINE_MAX_TIPS):
        TipFactory(case=case)
    assert "join-box join-inline" in english_client(case_bringer).get(url).content.decode()
    TipFactory(case=case)
    touch(case.meeting_id)  # as the services do (the beamer's render is shared per version)
    assert "join-box join-small" in english_client(case_bringer).get(url).content.decode()


def test_the_beamer_before_the_first_case_shows_the_code_big(case, case_bringer):
    html = english_client(case_bringer).get(reverse("casework:beamer", args=[case.meeting_id]))
    assert "join-box join-big" in html.content.decode()


def test_no_code_on_the_beamer_once_joining_is_closed(case, case_bringer):
    go_to_step(case=case, step=Step.OPENING)
    guests.set_joining(meeting=case.meeting, open=False)
    html = english_client(case_bringer).get(reverse("casework:beamer", args=[case.meeting_id]))
    assert "join-box" not in html.content.decode()


def test_the_qr_code_opens_the_join_page_with_the_code(rf, case, settings):
    settings.ALLOWED_HOSTS = ["akad.example"]
    from django.template import Context, Template

    request = rf.get("/", HTTP_HOST="akad.example")
    html = Template("{% load join %}{% join_url meeting %}").render(
        Context({"request": request, "meeting": case.meeting})
    )
    assert html == f"http://akad.example/j/{case.meeting.join_code.replace('-', '')}"


# Moderation ----------------------------------------------------------------------------------


@pytest.fixture
def tips_step(case):
    go_to_step(case=case, step=Step.TIPS)
    return case


def beamer_html(user, case) -> str:
    return (
        english_client(user)
        .get(reverse("casework:beamer", args=[case.meeting_id]))
        .content.decode()
    )


def test_a_hidden_tip_is_on_neither_the_beamer_nor_the_reports(tips_step, facilitator, coordinator):
    tip = TipFactory(case=tips_step, text="Een grap over de buurman")
    client = english_client(facilitator)
    response = client.post(reverse("casework:hide_tip", args=[tip.pk]), {"hidden": "1"}, **HTMX)
    assert response.status_code == 200
    assert "hidden from the screen" in response.content.decode()  # the console still shows it
    assert "Een grap over de buurman" not in beamer_html(facilitator, tips_step)
    for url in (
        reverse("reports:meeting_pdf", args=[tips_step.meeting_id]),
        reverse("reports:case_pdf", args=[tips_step.pk]),
    ):
        pdf = english_client(coordinator).get(url).content
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "grap over de buurman" not in text
    review = english_client(coordinator).get(reverse("casework:review", args=[tips_step.pk]))
    assert "Een grap over de buurman" not in review.content.decode()
    client.post(reverse("casework:hide_tip", args=[tip.pk]), {"hidden": "0"}, **HTMX)
    assert "Een grap over de buurman" in beamer_html(facilitator, tips_step)


def test_held_phone_tips_appear_only_after_show(tips_step, facilitator):
    client = english_client(facilitator)
    console = reverse("casework:console", args=[tips_step.pk])
    client.post(reverse("casework:hold_tips", args=[tips_step.pk]), {"hold": "1"}, **HTMX)
    phone = join_as(tips_step.meeting)
    assert (
        "when the facilitator shows the tips"
        in phone_tip(phone, tips_step, "Eerst stil").content.decode()
    )
    TipFactory(case=tips_step, text="Van de console")  # the facilitator's own are not held
    html = beamer_html(facilitator, tips_step)
    assert "Eerst stil" not in html and "Van de console" in html
    panel = client.get(console).content.decode()
    assert (
        "Eerst stil" in panel and "waiting to be shown" in panel and "Show 1 waiting tip" in panel
    )
    response = client.post(reverse("casework:show_held_tips", args=[tips_step.pk]), **HTMX)
    assert "1 tip shown on the screen" in response.content.decode()
    assert "Eerst stil" in beamer_html(facilitator, tips_step)
    # Still holding: the next one waits again.
    phone_tip(phone, tips_step, "Tweede ronde")
    assert Tip.objects.get(text="Tweede ronde").held


def test_stopping_the_hold_shows_the_held_tips(tips_step):
    tips.set_hold(case=tips_step, hold=True)
    phone = join_as(tips_step.meeting)
    phone_tip(phone, tips_step, "Wacht even")
    tips.set_hold(case=tips_step, hold=False)
    assert not Tip.objects.get(text="Wacht even").held


def test_parked_tips_wait_for_the_show_when_the_facilitator_holds(case):
    go_to_step(case=case, step=Step.DOMAINS)
    phone = join_as(case.meeting)
    phone_tip(phone, case, "Al geschreven")
    tips.set_hold(case=case, hold=True)
    tips.set_hold(case=case, hold=False)  # in the domains step: still parked
    assert Tip.objects.get(text="Al geschreven").held
    tips.set_hold(case=case, hold=True)
    go_to_step(case=case, step=Step.TIPS)
    assert Tip.objects.get(text="Al geschreven").held  # held until "show"
    tips.show_held_tips(case=case)
    assert not Tip.objects.get(text="Al geschreven").held


def test_the_hold_is_chosen_in_the_domains_step_for_the_tips_step(case, facilitator):
    """The facilitator decides before the round opens: the tips parked meanwhile then wait for
    "show" instead of all landing on the beamer when the tips step opens."""
    go_to_step(case=case, step=Step.DOMAINS)
    client = english_client(facilitator)
    console = reverse("casework:console", args=[case.pk])
    assert "once the tips step opens" in client.get(console).content.decode()
    phone = join_as(case.meeting)
    phone_tip(phone, case, "Vroeg bedacht")
    response = client.post(reverse("casework:hold_tips", args=[case.pk]), {"hold": "1"}, **HTMX)
    assert response.status_code == 200
    assert "They wait in the tips step until you show them." in response.content.decode()
    case.refresh_from_db()  # as the next request loads it
    go_to_step(case=case, step=Step.TIPS)
    assert "Vroeg bedacht" not in beamer_html(facilitator, case)
    assert "Show 1 waiting tip" in client.get(console).content.decode()


def test_the_console_follows_the_phones_tips_with_a_one_query_poll(tips_step, facilitator):
    client = english_client(facilitator)
    console = client.get(reverse("casework:console", args=[tips_step.pk])).content.decode()
    url = poll_url(console, "console-follow")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **HTMX).status_code == 204
    assert len(queries) <= 1
    tips.set_hold(case=tips_step, hold=True)
    phone_tip(join_as(tips_step.meeting), tips_step, "Vanaf de telefoon")
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="tip-form"' not in html  # what is typed stays put
    live = re.search(
        r'<div class="placemat-scroll" id="live-placemat" data-hx-swap-oob="true">', html
    )
    assert live and "Vanaf de telefoon" in html and "waiting to be shown" in html
    assert 'id="phone-tips-bar" data-hx-swap-oob="true"' in html and "Show 1 waiting tip" in html
    assert client.get(poll_url(html, "console-follow"), **HTMX).status_code == 204


def test_the_consoles_poll_stops_after_the_tips_step_and_after_logout(tips_step, facilitator):
    client = english_client(facilitator)
    console = client.get(reverse("casework:console", args=[tips_step.pk])).content.decode()
    url = poll_url(console, "console-follow")
    go_to_step(case=tips_step, step=Step.CLOSING)
    assert client.get(url, **HTMX).status_code == 286  # htmx's "stop polling"
    go_to_step(case=tips_step, step=Step.TIPS)
    url = poll_url(
        client.get(reverse("casework:console", args=[tips_step.pk])).content.decode(),
        "console-follow",
    )
    assert client.get(url, **HTMX).status_code == 204
    old_session = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("accounts:logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = old_session  # as a copied cookie would
    answer = client.get(url, **HTMX)
    assert answer.status_code == 286 and not answer.content  # the pass died with the session


def test_leaving_the_tips_step_leaves_no_tip_held(tips_step):
    tips.set_hold(case=tips_step, hold=True)
    phone = join_as(tips_step.meeting)
    phone_tip(phone, tips_step, "Vergeten te tonen")
    go_to_step(case=tips_step, step=Step.CLOSING)
    assert not Tip.objects.get(text="Vergeten te tonen").held


def test_the_domains_console_says_how_many_tips_are_parked(case, facilitator):
    go_to_step(case=case, step=Step.DOMAINS)
    phone = join_as(case.meeting)
    phone_tip(phone, case, "Een")
    phone_tip(phone, case, "Twee")
    html = english_client(facilitator).get(reverse("casework:console", args=[case.pk]))
    assert "2 tips from the phones are parked until the tips step." in html.content.decode()


def test_a_member_without_a_lead_role_cannot_moderate(tips_step, case_bringer):
    tip = TipFactory(case=tips_step)
    client = english_client(case_bringer)
    assert (
        client.post(reverse("casework:hide_tip", args=[tip.pk]), {"hidden": "1"}).status_code == 403
    )
    assert (
        client.post(reverse("casework:hold_tips", args=[tips_step.pk]), {"hold": "1"}).status_code
        == 403
    )
    assert client.post(reverse("casework:show_held_tips", args=[tips_step.pk])).status_code == 403
    tip.refresh_from_db()
    assert not tip.hidden


def test_a_user_of_no_network_joins_as_a_plain_guest(case):
    stranger = UserFactory()
    client = english_client(stranger)
    join_as(case.meeting, "Gast", client=client)
    guest = Guest.objects.get()
    assert guest.user is None
    assert not case.meeting.attendees.exists()
