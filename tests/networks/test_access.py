"""Nothing of network Noord is visible or changeable for a user of network Zuid, and a guest
of a Noord meeting reaches nothing but their own phone pages.

Every named URL of the whole project (every app's patterns, walked from the root URLconf;
only Django's admin, which has its own staff login, is left out) must be in ACCESS_TABLE
below: a new URL fails `test_every_url_name_is_covered` until it is added, so new views are
checked automatically.

For each URL with a Noord object in it, the outsider (a Zuid *coordinator*, so roles are
no excuse) must get 404 for the methods listed, with and without HTMX, and never anything
but 404 or 405 for the other method. The same URLs give the Noord coordinator (for the
guests' own pages: the Noord guest) something other than 404
(`test_insiders_reach_the_same_urls`), so the table's objects are right and the 404 comes from
the network scope.

A guest (joined a Noord meeting with its code, no account) gets 403 or 404 on every URL
marked REFUSED, whatever the method, with and without HTMX, and changes nothing; on the
guests' own URLs (OWN) a guest of *another* meeting gets 404. PUBLIC URLs hold no care data
(logging in, the language, the join pages, where the code is the key).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client as WebClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from networks.models import Network, SetupLink
from sessions.models import (
    CaseDiscussion,
    Client,
    DomainGoal,
    Guest,
    Meeting,
    Step,
    Tip,
    TipOutcome,
)
from sessions.services.live import go_to_step
from tests.factories import CaseDiscussionFactory, MeetingFactory, TipFactory, mark
from tests.guests import join_as, phone_tip

GET, POST = "GET", "POST"
REFUSED, PUBLIC, OWN = "refused", "public", "own"  # what a guest of the Noord meeting gets


@dataclass(frozen=True)
class Entry:
    # Which Noord object fills the URL: "network", "meeting", "case", "tip" (its <pk>), "guest"
    # (someone present), "own_tip" (a tip the Noord guest sent), "code" (the join code); "" = none.
    kind: str
    methods: tuple[str, ...]  # the methods the view serves
    follow_up_tip: bool = False  # the URL also takes <tip_pk>: a tip awaiting follow-up
    reported_follow_up: bool = False  # the URL also takes <outcome_pk>: a follow-up reported
    guest: str = REFUSED


ACCESS_TABLE: dict[str, Entry] = {
    # Accounts and language (no care data; the account pages need a login)
    "accounts:account": Entry("", (GET,)),
    "accounts:login": Entry("", (GET, POST), guest=PUBLIC),
    "accounts:two_factor_verify": Entry("", (GET, POST)),
    "accounts:two_factor_setup": Entry("", (GET, POST)),
    # Setting up sign-in with a set-up link (the token is the key, as a password would be)
    "accounts:setup_link": Entry("token", (GET,), guest=PUBLIC),
    "accounts:setup_with_link": Entry("", (GET, POST), guest=PUBLIC),
    "accounts:recovery_codes": Entry("", (GET,)),
    "accounts:new_recovery_codes": Entry("", (POST,)),
    "accounts:two_factor_remove": Entry("", (POST,)),
    "accounts:logout": Entry("", (POST,), guest=PUBLIC),
    "accounts:password_change": Entry("", (GET, POST)),
    "accounts:access_log": Entry("network", (GET,)),
    "accounts:access_log_csv": Entry("network", (GET,)),
    "accounts:sign_in_of_members": Entry("network", (GET,)),
    "accounts:make_setup_link": Entry("network", (POST,)),
    "set_language": Entry("", (POST,), guest=PUBLIC),
    "casework:home": Entry("", (GET,)),
    "casework:client_erase": Entry("client", (GET, POST)),
    "casework:client_export": Entry("client", (GET,)),
    # Coordinator
    "casework:meeting_list": Entry("", (GET,)),
    "casework:meeting_create": Entry("", (GET, POST)),
    "casework:meeting_detail": Entry("meeting", (GET,)),
    "casework:case_create": Entry("meeting", (GET, POST)),
    # Facilitator console
    "casework:console": Entry("case", (GET,)),
    "casework:change_step": Entry("case", (POST,)),
    "casework:save_presentation": Entry("case", (POST,)),
    "casework:save_domains": Entry("case", (POST,)),
    "casework:add_tip": Entry("case", (POST,)),
    "casework:set_spotlight": Entry("case", (POST,)),
    "casework:save_evaluation": Entry("case", (POST,)),
    "casework:record_follow_up": Entry("case", (POST,), follow_up_tip=True),
    "casework:correct_follow_up": Entry("case", (GET, POST), reported_follow_up=True),
    "casework:edit_tip": Entry("tip", (GET, POST)),
    "casework:delete_tip": Entry("tip", (POST,)),
    "casework:merge_tip": Entry("tip", (POST,)),
    "casework:choose_tip": Entry("tip", (POST,)),
    # Beamer
    "casework:beamer": Entry("meeting", (GET,)),
    "casework:beamer_poll": Entry("meeting", (GET,)),
    # Case review
    "casework:review": Entry("case", (GET,)),
    "casework:review_tip": Entry("tip", (POST,)),
    "casework:review_outcome": Entry("tip", (POST,)),
    # Moderation (console)
    "casework:hide_tip": Entry("tip", (POST,)),
    "casework:hold_tips": Entry("case", (POST,)),
    "casework:follow_tips": Entry("case", (GET,)),
    "casework:show_held_tips": Entry("case", (POST,)),
    # Who is in the room (console)
    "casework:attendance": Entry("meeting", (GET,)),
    "casework:attendance_poll": Entry("meeting", (GET,)),
    "casework:add_present": Entry("meeting", (POST,)),
    "casework:set_joining": Entry("meeting", (POST,)),
    "casework:close_meeting": Entry("meeting", (POST,)),
    "casework:remove_guest": Entry("guest", (POST,)),
    # People in the room: joining (the code is the key) and their phone pages
    "casework:join": Entry("", (GET,), guest=PUBLIC),
    "casework:join_code": Entry("code", (GET, POST), guest=PUBLIC),
    "casework:phone": Entry("meeting", (GET,), guest=OWN),
    "casework:phone_poll": Entry("meeting", (GET,), guest=OWN),
    "casework:phone_add_tip": Entry("meeting", (POST,), guest=OWN),
    "casework:phone_tip": Entry("own_tip", (GET, POST), guest=OWN),
    "casework:phone_withdraw_tip": Entry("own_tip", (POST,), guest=OWN),
    # Reports
    "reports:meeting_pdf": Entry("meeting", (GET,)),
    "reports:case_pdf": Entry("case", (GET,)),
}


def url_names(patterns, namespace: str = "") -> set[str]:
    """Every named URL under `patterns`, with its namespace, Django's admin left out."""
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


URL_NAMES = url_names(get_resolver().url_patterns)
WITH_PK = sorted(
    name for name, entry in ACCESS_TABLE.items() if entry.kind and entry.guest != PUBLIC
)
REFUSED_TO_GUESTS = sorted(name for name, entry in ACCESS_TABLE.items() if entry.guest == REFUSED)
OWN_TO_GUESTS = sorted(name for name, entry in ACCESS_TABLE.items() if entry.guest == OWN)


def test_every_url_name_is_covered():
    assert URL_NAMES == set(ACCESS_TABLE), (
        "Add every URL name of the project to ACCESS_TABLE (and remove old ones): "
        f"missing {sorted(URL_NAMES - set(ACCESS_TABLE))}, "
        f"unknown {sorted(set(ACCESS_TABLE) - URL_NAMES)}"
    )


@dataclass
class NoordObjects:
    network: Network
    client: Client
    meeting: Meeting
    case: CaseDiscussion
    tip: Tip
    follow_up_tip: Tip
    reported: TipOutcome
    guest: Guest  # someone present, added by the facilitator
    own_tip: Tip  # sent from the phone of `phone`, a guest of the meeting
    phone: WebClient

    def url(self, name: str) -> str:
        entry = ACCESS_TABLE[name]
        if not entry.kind:
            return reverse(name)
        if entry.kind == "code":
            return reverse(name, kwargs={"code": self.meeting.join_code.replace("-", "")})
        kwargs = {"pk": getattr(self, entry.kind).pk}
        if entry.follow_up_tip:
            kwargs["tip_pk"] = self.follow_up_tip.pk
        if entry.reported_follow_up:
            kwargs["outcome_pk"] = self.reported.pk
        return reverse(name, kwargs=kwargs)

    def post_data(self) -> dict[str, str]:
        """Plausible, valid input for any of the POST views, so no view can 404 on bad input."""
        goal = self.case.goals.first()
        column = self.case.meeting.network.matrix.columns.first()
        data = {
            "step": Step.TIPS.value,
            "key": str(uuid.uuid4()),
            "text": "Een tip van buiten",
            "domain": str(goal.domain_id),
            "column": str(column.pk),
            "given_by": "Buitenstaander",
            "question": "Overschreven?",
            "situation": "Overschreven?",
            "chosen": "on",
            "action_who": "iemand",
            "action_what": "iets",
            "action_when": "morgen",
            "decision": "accepted",
            "tried": "yes",
            "result": "worked",
            "why": "zomaar",
            "reported_by": "Buitenstaander",
            "rating": "5",
            "remark": "top",
            "client": str(self.case.client_id),
            "pseudonym": "Indringer",
            "case_bringer": "",
            "case": str(self.case.pk),
            "display_name": "Buitenstaander",
            "organisation_name": "Elders",
            "hidden": "1",
            "hold": "1",
            "open": "0",
            "closed": "1",
            "member": str(self.case.case_bringer_id),  # a set-up link for a member
        }
        # The prefixed names that the review and domain forms use.
        for tip in (self.tip, self.follow_up_tip):
            for field in ("chosen", "action_who", "action_what", "action_when", "decision"):
                data[f"tip{tip.pk}-{field}"] = data[field]
            for field in ("tried", "result", "why", "reported_by"):
                data[f"outcome{self.reported.pk}-{field}"] = data[field]
                data[f"tip{tip.pk}-{field}"] = data[field]
                data[f"tip{tip.pk}-outcome-{field}"] = data[field]
        data[f"{goal.domain.key}-marked"] = "on"
        data[f"{goal.domain.key}-goal"] = "Ander doel"
        data["into"] = str(self.own_tip.pk)  # the tip another one is merged into
        return data


@pytest.fixture
def noord_objects(noord, case, case_bringer) -> NoordObjects:
    """A Noord meeting with a case, a tip, and a chosen tip of last month awaiting follow-up."""
    go_to_step(case=case, step=Step.TIPS)
    tip = TipFactory(case=case, text="Wandelen met de hond van de buren")
    earlier = CaseDiscussionFactory(
        meeting=MeetingFactory(network=noord, starts_at=timezone.now() - timedelta(days=28)),
        case_bringer=case_bringer,
    )
    mark(earlier, "financien")
    follow_up_tip = TipFactory(case=earlier, chosen=True, text="Formulierenbrigade")
    reported_tip = TipFactory(case=earlier, chosen=True, text="Koffieochtend")
    reported = TipOutcome.objects.create(
        tip=reported_tip, tried=False, reported_in=case.meeting, why="Geen tijd"
    )
    from sessions.services.guests import add_present

    guest = add_present(meeting=case.meeting, display_name="Els zonder telefoon")
    phone = join_as(case.meeting, "Anna")
    assert phone_tip(phone, case, "Vanaf de telefoon").status_code == 200
    return NoordObjects(
        network=noord,
        client=case.client,
        meeting=case.meeting,
        case=case,
        tip=tip,
        follow_up_tip=follow_up_tip,
        reported=reported,
        guest=guest,
        own_tip=Tip.objects.get(text="Vanaf de telefoon"),
        phone=phone,
    )


def web(user) -> WebClient:
    client = WebClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def snapshot(objects: NoordObjects) -> dict:
    """Everything in Noord that an outsider's POST could try to change."""
    return {
        "meetings": list(
            Meeting.objects.filter(network=objects.meeting.network).values().order_by("pk")
        ),
        "cases": list(CaseDiscussion.objects.values().order_by("pk")),
        "goals": list(DomainGoal.objects.values().order_by("pk")),
        "tips": list(Tip.objects.values().order_by("pk")),
        "outcomes": list(TipOutcome.objects.values().order_by("pk")),
        "guests": list(Guest.objects.values().order_by("pk")),
        "attendees": list(objects.meeting.attendees.values_list("pk", flat=True)),
        "setup_links": list(SetupLink.objects.values().order_by("pk")),
        "devices": list(TOTPDevice.objects.values_list("pk", "user_id", "confirmed")),
    }


def send(client: WebClient, method: str, url: str, data: dict, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    if method == GET:
        return client.get(url, headers=headers)
    return client.post(url, data, headers=headers)


@pytest.mark.parametrize("name", WITH_PK)
def test_outsider_gets_404_on_every_noord_url(name, noord_objects, outsider):
    entry = ACCESS_TABLE[name]
    client = web(outsider)
    url = noord_objects.url(name)
    data = noord_objects.post_data()
    before = snapshot(noord_objects)
    seen = {}
    for method in (GET, POST):
        for htmx in (False, True):
            status = send(client, method, url, data, htmx).status_code
            seen[(method, htmx)] = status
            expected = {404} if method in entry.methods else {404, 405}
            assert status in expected, f"{method} {url} (htmx={htmx}) gave {status}: {seen}"
    assert snapshot(noord_objects) == before, f"{name}: the outsider changed Noord data"


def test_outsider_does_not_see_noord_in_the_meeting_list(noord_objects, outsider, zuid):
    own = MeetingFactory(network=zuid, place="Huis van de Wijk De Boeg")
    noord_objects.meeting.place = "Huis van de Wijk Het Baken"
    noord_objects.meeting.save()
    client = web(outsider)
    for htmx in (False, True):
        html = send(client, GET, reverse("casework:meeting_list"), {}, htmx).content.decode()
        assert reverse("casework:meeting_detail", args=[own.pk]) in html
        assert reverse("casework:meeting_detail", args=[noord_objects.meeting.pk]) not in html
        assert "Het Baken" not in html


def test_outsider_cannot_plan_a_meeting_in_noord(noord_objects, outsider, noord):
    client = web(outsider)
    html = client.get(reverse("casework:meeting_create")).content.decode()
    assert ">Noord</option>" not in html
    htmx = client.get(
        reverse("casework:meeting_create"), {"network": noord.pk}, headers={"HX-Request": "true"}
    )
    assert noord_objects.case.case_bringer.email not in htmx.content.decode()
    before = Meeting.objects.filter(network=noord).count()
    response = client.post(
        reverse("casework:meeting_create"),
        {"network": noord.pk, "starts_at": "2031-01-01T10:00", "place": "Indringer"},
    )
    assert response.status_code == 200
    assert Meeting.objects.filter(network=noord).count() == before


def test_outsider_home_shows_nothing_of_noord(noord_objects, outsider, noord, zuid):
    html = web(outsider).get(reverse("casework:home")).content.decode()
    assert f'id="network-{zuid.pk}"' in html
    assert f'id="network-{noord.pk}"' not in html
    assert reverse("casework:meeting_detail", args=[noord_objects.meeting.pk]) not in html


@pytest.mark.parametrize("name", WITH_PK)
def test_insiders_reach_the_same_urls(name, noord_objects, coordinator):
    """Control: the table's objects exist and the views find them for Noord's own coordinator
    (the guests' own pages: for the guest)."""
    entry = ACCESS_TABLE[name]
    client = noord_objects.phone if entry.guest == OWN else web(coordinator)
    response = send(
        client, entry.methods[0], noord_objects.url(name), noord_objects.post_data(), False
    )
    assert response.status_code != 404, f"{name}: the URL in the table does not point at the object"


# Guests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REFUSED_TO_GUESTS)
def test_a_guest_is_refused_on_every_url_but_their_own(name, noord_objects):
    """403 (a page that needs an account) or 404 (nothing of the network is theirs), never the
    page, nor a login page that could be mistaken for it; and nothing changes."""
    entry = ACCESS_TABLE[name]
    url = noord_objects.url(name)
    data = noord_objects.post_data()
    before = snapshot(noord_objects)
    seen = {}
    for method in (GET, POST):
        for htmx in (False, True):
            status = send(noord_objects.phone, method, url, data, htmx).status_code
            seen[(method, htmx)] = status
            expected = {403, 404} if method in entry.methods else {403, 404, 405}
            assert status in expected, f"{method} {url} (htmx={htmx}) gave {status}: {seen}"
    assert snapshot(noord_objects) == before, f"{name}: the guest changed Noord data"


def test_a_guest_is_told_the_page_needs_an_account(noord_objects):
    response = noord_objects.phone.get(reverse("casework:review", args=[noord_objects.case.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "needs an account" in html
    assert reverse("casework:phone", args=[noord_objects.meeting.pk]) in html
    assert noord_objects.case.client.pseudonym not in html


@pytest.mark.parametrize("name", OWN_TO_GUESTS)
def test_a_guest_of_another_meeting_gets_404_on_the_guest_urls(name, noord_objects, noord):
    other = CaseDiscussionFactory(meeting__network=noord, client__pseudonym="Andere")
    mark(other, "financien")
    go_to_step(case=other, step=Step.TIPS)
    stranger = join_as(other.meeting, "Van elders")
    url = noord_objects.url(name)
    data = noord_objects.post_data()
    before = snapshot(noord_objects)
    for method in ACCESS_TABLE[name].methods:
        for htmx in (False, True):
            status = send(stranger, method, url, data, htmx).status_code
            assert status == 404, f"{method} {url} (htmx={htmx}) gave {status}"
    assert snapshot(noord_objects) == before


def test_a_guest_does_not_see_the_case_outside_the_phone_page(noord_objects):
    """The phone page holds the pseudonym and the question, and nothing of the placemat."""
    html = noord_objects.phone.get(noord_objects.url("casework:phone")).content.decode()
    assert noord_objects.case.client.pseudonym in html
    assert noord_objects.tip.text not in html  # the facilitator's tip
    assert "Vanaf de telefoon" in html  # their own


# The compiled fetch of the hottest requests decides as `fetch` does -------------------------


def test_a_compiled_fetch_decides_and_logs_as_fetch(rf, facilitator, outsider, case):
    """`Fetch` (a changed beamer poll, a tip) runs the access check's SQL compiled once: the
    same objects for a member, the same 404 for an outsider, a visitor, a missing object and
    a number no key can have, and the same access-log line."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    from networks.access import Fetch, Viewer, fetch
    from networks.models import AccessEvent

    queryset = CaseDiscussion.objects.select_related("meeting__network")
    compiled = Fetch(queryset)

    def decided(how, user, pk):
        request = rf.get(f"/cases/{pk}/")
        request.user, request.session = user, None
        try:
            obj = how(Viewer(user, request), pk)
        except Http404:
            return "404", None
        event = AccessEvent.objects.order_by("-pk").first()
        logged = (event.network_id, event.user_id, event.client_number, event.meeting_number)
        return (obj.pk, obj.viewer_role, obj.meeting.network.name), logged

    for user, pk in [
        (facilitator, case.pk),
        (outsider, case.pk),
        (AnonymousUser(), case.pk),
        (facilitator, case.pk + 1000),
        (facilitator, 2**63),
    ]:
        assert decided(compiled, user, pk) == decided(
            lambda viewer, pk: fetch(viewer, queryset, pk), user, pk
        )
    # Views pass a URL's whole number; anything else is no key (never sent to the database).
    assert decided(compiled, facilitator, str(case.pk)) == ("404", None)
    member_sees, logged = decided(compiled, facilitator, case.pk)
    assert member_sees == (case.pk, "facilitator", case.meeting.network.name)
    assert logged == (case.meeting.network_id, facilitator.pk, case.client_id, case.meeting_id)
