"""PDF session reports: download, content, access, tagging, a fixed number of queries."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, override, pgettext
from pypdf import PdfReader

from matrices.models import Level
from matrices.services import copy_matrix
from networks.models import Role
from reports import pdf as report_pdf
from reports.views import pdf_filename
from sessions.models import Decision, DomainGoal, Result
from sessions.selectors import placemat as placemat_selectors
from sessions.services.follow_up import record_outcome
from sessions.services.live import rate_session
from sessions.services.tips import choose_tip, record_decision
from tests.factories import (
    CaseDiscussionFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    TipFactory,
    mark,
    preset_matrix,
)

# ---------------------------------------------------------------------------------------------
# Test data


@pytest.fixture
def member(noord):
    """A plain member of Noord: neither lead nor case-bringer, may still download."""
    return MembershipFactory(network=noord, role=Role.MEMBER).user


@pytest.fixture
def story(noord, case, facilitator):
    """Last month's case with a chosen tip; today's meeting reports on it and discusses `case`."""
    today = case.meeting
    today.facilitator = facilitator
    today.place = "Huis van de Wijk De Banne"
    today.save()
    case.client.pseudonym = "Blommetje"
    case.client.birth_year = 1983
    case.client.save()
    case.situation = "Woont alleen met haar kat."
    case.save()
    goal = DomainGoal.objects.get(case=case, domain__key="financien")
    goal.goal = "rondkomen van haar uitkering"
    goal.current_level = Level.objects.get(score=2)
    goal.target_level = Level.objects.get(score=3)
    goal.save()
    columns = list(noord.matrix.columns.order_by("order"))
    buurthuis = OrganisationFactory(network=noord, name="Buurthuis De Kroon")
    walk = TipFactory(
        case=case, column=columns[0], text="Dagelijks wandelen met de hond van de buren"
    )
    brigade = TipFactory(
        case=case,
        column=columns[1],
        text="Formulierenbrigade helpt met de post",
        given_by="Joost",
        organisation=buurthuis,
    )
    TipFactory(case=case, column=columns[2], text="Budgetcoaching via de gemeente")
    choose_tip(
        tip=brigade,
        chosen=True,
        action_who="Joost",
        action_what="Eerste afspraak maken",
        action_when="volgende week",
    )
    record_decision(tip=brigade, decision=Decision.ACCEPTED)
    rate_session(case=case, rating=4, remark="Goed gesprek")

    earlier = CaseDiscussionFactory(
        meeting=MeetingFactory(network=noord, starts_at=today.starts_at - timedelta(days=30))
    )
    earlier.client.pseudonym = "Koekoek"
    earlier.client.save()
    mark(earlier, "tijdsbesteding")
    coffee = TipFactory(case=earlier, text="Koffieochtend in het buurthuis op dinsdag")
    choose_tip(tip=coffee, chosen=True)
    record_outcome(
        tip=coffee,
        tried=True,
        result=Result.WORKED,
        why="Ze gaat nu elke week en kent er mensen",
        reported_in=today,
        reported_by="Fatima",
    )
    return {"today": today, "case": case, "walk": walk, "brigade": brigade, "earlier": earlier}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def page_texts(content: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


def file_name(response) -> str:
    match = re.fullmatch(r'attachment; filename="(.+)"', response["Content-Disposition"])
    assert match, response["Content-Disposition"]
    return match.group(1)


def report_html(client, url: str, monkeypatch) -> str:
    """The HTML the report view hands to WeasyPrint (rendered afresh, not from the cache)."""
    seen: list[str] = []
    cache.clear()
    with monkeypatch.context() as patch:
        patch.setattr(
            "reports.views.render_pdf",
            lambda html, **kwargs: seen.append(html) or b"%PDF-",
        )
        assert client.get(url).status_code == 200
    cache.clear()
    return seen[0]


EN_MONTHS = "January February March April May June July August September October November December"
NL_MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
)


def written_out(moment, months: str) -> str:
    """`moment`'s local date as "25 November 2026" with the given month names."""
    day = timezone.localtime(moment)
    return f"{day.day} {months.split()[day.month - 1]} {day.year}"


# ---------------------------------------------------------------------------------------------
# Downloads


def test_meeting_pdf_downloads_with_cases_tips_and_follow_ups(client, member, story):
    client.force_login(member)
    response = client.get(reverse("reports:meeting_pdf", args=[story["today"].pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment; ")
    assert "no-store" in response["Cache-Control"]

    text = flat(pdf_text(response.content))
    assert "Blommetje" in text
    assert "1983" in text
    assert "Financiën" in text  # the marked domains, in Dutch (the default language)
    assert "Sociaal netwerk" in text
    assert "rondkomen van haar uitkering" in text
    assert "Dagelijks wandelen met de hond van de buren" in text
    assert "Formulierenbrigade helpt met de post" in text
    assert "Buurthuis De Kroon" in text
    assert "Budgetcoaching via de gemeente" in text
    assert "Eerste afspraak maken" in text
    assert "Woont alleen met haar kat." in text
    # the follow-up reported in this meeting, on last month's client
    assert "Koekoek" in text
    assert "Koffieochtend in het buurthuis op dinsdag" in text
    assert "Ze gaat nu elke week en kent er mensen" in text


def test_case_pdf_downloads_for_any_member(client, member, story):
    client.force_login(member)
    response = client.get(reverse("reports:case_pdf", args=[story["case"].pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment; ")
    text = flat(pdf_text(response.content))
    assert "Blommetje" in text
    assert "Noord" in text  # the meeting's header
    assert "Huis van de Wijk De Banne" in text
    assert "Financiën" in text
    assert "Formulierenbrigade helpt met de post" in text
    assert "Koekoek" not in text  # another client's follow-up is not in this case's report


def test_chosen_tip_is_marked_with_a_word_and_pages_are_numbered(client, member, story):
    client.force_login(member)
    text = flat(pdf_text(client.get(reverse("reports:case_pdf", args=[story["case"].pk])).content))

    with override("nl"):
        chosen = gettext("chosen")
        page, of = pgettext("page X of Y", "page"), pgettext("page X of Y", "of")
        privacy = gettext("Confidential — pseudonyms only")
    assert f"✓ {chosen} Formulierenbrigade helpt met de post" in text
    assert f"✓ {chosen} Dagelijks wandelen" not in text
    assert re.search(rf"{page} 1 {of} (\d+)", text)
    pages = int(re.search(rf"{page} 1 {of} (\d+)", text).group(1))
    assert f"{page} {pages} {of} {pages}" in text
    assert privacy in text


def test_report_follows_the_active_language(client, member, story):
    client.force_login(member)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("reports:case_pdf", args=[story["case"].pk]))

    reader = PdfReader(io.BytesIO(response.content))
    assert str(reader.trailer["/Root"]["/Lang"]) == "en"
    text = flat(pdf_text(response.content))
    assert "Case presentation" in text


@pytest.mark.parametrize(
    "name, prefix, subject",
    [
        ("reports:meeting_pdf", "akad-meeting-report", "noord"),
        ("reports:case_pdf", "akad-case-report", "blommetje"),
    ],
)
def test_pdf_file_name_is_in_the_report_language(client, member, story, name, prefix, subject):
    client.force_login(member)
    url = reverse(
        name, args=[story["today"].pk if name == "reports:meeting_pdf" else story["case"].pk]
    )
    date = timezone.localtime(story["today"].starts_at).date().isoformat()

    client.cookies["django_language"] = "en"
    assert file_name(client.get(url)) == f"{prefix}-{subject}-{date}.pdf"

    # In Dutch the catalogue names the file (akad-verslag-…, akad-casus-…); the translation is
    # a file-name slug itself, so the file is called what the translator wrote.
    with override("nl"):
        dutch = pgettext("PDF file name", prefix)
    assert dutch == slugify(dutch)
    client.cookies["django_language"] = "nl"
    assert file_name(client.get(url)) == f"{dutch}-{subject}-{date}.pdf"


def test_pdf_file_name_is_a_slug_whatever_the_translation_holds(story):
    date = timezone.localtime(story["today"].starts_at).date().isoformat()
    name = pdf_filename("Verslag Bijéénkomst (PDF)", "Noord Oost", story["today"])
    assert name == f"verslag-bijeenkomst-pdf-noord-oost-{date}.pdf"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_meeting_report_is_called_the_same_in_title_header_and_heading(
    client, member, story, language, monkeypatch
):
    client.force_login(member)
    client.cookies["django_language"] = language
    url = reverse("reports:meeting_pdf", args=[story["today"].pk])
    months = EN_MONTHS if language == "en" else NL_MONTHS
    with override(language):
        heading = gettext("Meeting report")
    if language == "en":
        assert heading == "Meeting report"  # as the button in the app says, not "Session report"
    title = f"{heading} Noord, {written_out(story['today'].starts_at, months)}"

    reader = PdfReader(io.BytesIO(client.get(url).content))
    assert reader.metadata.title == title
    pages = [flat(page.extract_text()) for page in reader.pages]
    assert all(title in page for page in pages)  # the running header
    assert f"<h1>{heading}</h1>" in report_html(client, url, monkeypatch)
    assert "Session report" not in " ".join(pages)


@pytest.mark.parametrize("language, months", [("en", EN_MONTHS), ("nl", NL_MONTHS)])
def test_outcome_dates_are_written_out(client, member, story, language, months):
    """Last month's case report shows when its follow-up was reported: today, written out."""
    client.force_login(member)
    client.cookies["django_language"] = language
    text = flat(
        pdf_text(client.get(reverse("reports:case_pdf", args=[story["earlier"].pk])).content)
    )

    day = timezone.localtime(story["today"].starts_at)
    assert f"({written_out(day, months)})" in text
    assert f"{day.day}-{day.month}-{day.year}" not in text


def test_tip_text_is_an_element_of_its_own(client, member, story, monkeypatch):
    client.force_login(member)
    html = report_html(client, reverse("reports:case_pdf", args=[story["case"].pk]), monkeypatch)

    chosen = re.findall(r'<li class="tip chosen">(.*?)</li>', html, re.S)
    assert len(chosen) == 1
    with override("nl"):
        chosen_word = gettext("chosen")
    assert re.fullmatch(
        rf'\s*<span class="chosen-mark">✓ {chosen_word}</span>'
        r'\s*<span class="tip-text">Formulierenbrigade helpt met de post</span>'
        r'\s*<span class="by">Joost · Buurthuis De Kroon</span>\s*',
        chosen[0],
    )
    walk = "Dagelijks wandelen met de hond van de buren"
    assert re.search(rf'<li class="tip">\s*<span class="tip-text">{walk}</span>', html)


def test_a_chosen_tip_wraps_as_one_paragraph(client, member, noord):
    """Under its ✓ mark a chosen tip's text wraps line by line, no word left on a line alone.

    Four columns (the split preset), as in the reviewer's report: with the text loose beside
    the mark, "met" stood on a line of its own in this column.
    """
    network = NetworkFactory(
        name="Noord gesplitst", matrix=copy_matrix(preset=preset_matrix("akad-split"), name="S")
    )
    MembershipFactory(network=network, user=member, role=Role.MEMBER)
    case = CaseDiscussionFactory(meeting__network=network)
    mark(case, "financien", "sociaal-netwerk")
    columns = list(network.matrix.columns.order_by("order"))
    assert len(columns) == 4
    text = "De formulierenbrigade helpt met de brieven en de toeslagen"
    tip = TipFactory(
        case=case,
        column=columns[2],
        text=text,
        given_by="Kees Dijkstra",
        organisation=OrganisationFactory(network=network, name="Formulierenbrigade Noord"),
    )
    choose_tip(tip=tip, chosen=True)
    client.force_login(member)
    response = client.get(reverse("reports:case_pdf", args=[case.pk]))

    lines = [line.strip() for line in pdf_text(response.content).splitlines()]
    start = lines.index(next(line for line in lines if line.startswith("De formulierenbrigade")))
    tip_lines: list[str] = []
    for line in lines[start:]:
        tip_lines.append(line)
        if " ".join(tip_lines) == text:
            break
        assert text.startswith(" ".join(tip_lines)), tip_lines
    assert len(tip_lines) > 1  # it does wrap in its column
    assert all(len(line.split()) > 1 for line in tip_lines[:-1]), tip_lines


# ---------------------------------------------------------------------------------------------
# Page breaks in the placemat


def placemat_tips(case, row: int, column: int, n: int, label: str) -> list[str]:
    placemat = placemat_selectors.placemat(case)
    texts = [f"{label} {i}: samen boodschappen doen op zaterdag" for i in range(1, n + 1)]
    for text in texts:
        TipFactory(
            case=case,
            domain=placemat.rows[row].domain,
            column=placemat.columns[column],
            text=text,
        )
    return texts


def test_a_placemat_row_stays_on_one_page(client, member, story):
    """Two rows of about half a page each: the placemat runs over a page, but no row does."""
    case = story["case"]
    rows = {
        "Geldtip": placemat_tips(case, 0, 0, 7, "Geldtip"),
        "Burentip": placemat_tips(case, 1, 1, 7, "Burentip"),
    }
    client.force_login(member)
    pages = page_texts(client.get(reverse("reports:case_pdf", args=[case.pk])).content)

    placemat_pages = set()
    for label, texts in rows.items():
        on = {n for n, page in enumerate(pages) for text in texts if text in page}
        assert all(any(text in page for page in pages) for text in texts)
        assert len(on) == 1, f"{label} tips on pages {sorted(on)}"
        placemat_pages |= on
    assert len(placemat_pages) == 2  # the placemat itself does run over a page


def test_a_row_taller_than_a_page_runs_on_under_headers_that_name_it(client, member, story):
    case = story["case"]
    texts = placemat_tips(case, 1, 0, 30, "Lange rij")
    client.force_login(member)
    client.cookies["django_language"] = "en"
    pages = page_texts(client.get(reverse("reports:case_pdf", args=[case.pk])).content)

    with override("en"):
        placemat = placemat_selectors.placemat(case)
        columns = [column.label for column in placemat.columns]
        domain = placemat.rows[1].domain.label
    on = [n for n, page in enumerate(pages) if any(text in page for text in texts)]
    assert all(any(text in page for page in pages) for text in texts)  # every tip is there
    assert len(on) >= 2
    assert on == list(range(on[0], on[-1] + 1))
    for n in on:
        assert all(label in pages[n] for label in columns), f"column headers on page {n + 1}"
        assert f"Placemat of Blommetje: 2. {domain}" in pages[n], f"row named on page {n + 1}"
    # The header names the first row on a page: so the row starts at the top of a page, not
    # in the space row 1 leaves on the page before.
    assert not any(f"Placemat of Blommetje: 2. {domain}" in pages[n] for n in range(on[0]))


# ---------------------------------------------------------------------------------------------
# Access


@pytest.mark.parametrize("name", ["reports:meeting_pdf", "reports:case_pdf"])
def test_outsider_gets_404(client, outsider, story, name):
    client.force_login(outsider)
    pk = story["today"].pk if name == "reports:meeting_pdf" else story["case"].pk
    assert client.get(reverse(name, args=[pk])).status_code == 404


@pytest.mark.parametrize("name", ["reports:meeting_pdf", "reports:case_pdf"])
def test_anonymous_is_sent_to_login(client, case, name):
    pk = case.meeting.pk if name == "reports:meeting_pdf" else case.pk
    response = client.get(reverse(name, args=[pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["reports:meeting_pdf", "reports:case_pdf"])
def test_post_is_not_allowed(client, member, case, name):
    client.force_login(member)
    pk = case.meeting.pk if name == "reports:meeting_pdf" else case.pk
    assert client.post(reverse(name, args=[pk])).status_code == 405


# ---------------------------------------------------------------------------------------------
# Tagged PDF (PDF/UA-1)


def test_pdf_is_tagged_with_language_and_title(client, member, story):
    client.force_login(member)
    response = client.get(reverse("reports:meeting_pdf", args=[story["today"].pk]))
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]

    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]) == "nl"
    assert "Noord" in reader.metadata.title


# ---------------------------------------------------------------------------------------------
# Queries do not grow with the number of tips


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_tips(case, n: int) -> None:
    columns = list(case.meeting.network.matrix.columns.all())
    goals = list(case.goals.select_related("domain"))
    for i in range(n):
        tip = TipFactory(
            case=case, domain=goals[i % len(goals)].domain, column=columns[i % len(columns)]
        )
        if i % 10 == 0:
            choose_tip(tip=tip, chosen=True, action_who="Sanne", action_what="Bellen")


def test_case_pdf_queries_do_not_grow_with_tips(client, member, noord):
    few = CaseDiscussionFactory(meeting__network=noord)
    many = CaseDiscussionFactory(meeting__network=noord)
    for case, n in ((few, 5), (many, 150)):
        mark(case, "financien", "sociaal-netwerk")
        add_tips(case, n)
    client.force_login(member)

    assert count_queries(client, reverse("reports:case_pdf", args=[few.pk])) == count_queries(
        client, reverse("reports:case_pdf", args=[many.pk])
    )


def test_meeting_pdf_queries_do_not_grow_with_tips(client, member, noord):
    few = CaseDiscussionFactory(meeting__network=noord)
    many = CaseDiscussionFactory(meeting__network=noord)
    for case, n in ((few, 5), (many, 150)):
        mark(case, "financien", "sociaal-netwerk")
        add_tips(case, n)
    client.force_login(member)

    assert count_queries(
        client, reverse("reports:meeting_pdf", args=[few.meeting.pk])
    ) == count_queries(client, reverse("reports:meeting_pdf", args=[many.meeting.pk]))


# ---------------------------------------------------------------------------------------------
# The URL fetcher loads the app's own static files and nothing else


BASE = "http://testserver/"


def test_fetcher_serves_own_static_file():
    path = report_pdf.static_file_for("http://testserver/static/css/report.css?v=1", base_url=BASE)
    assert path.name == "report.css"
    assert path.is_file()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/static/css/report.css",  # another host
        "file:///etc/passwd",
        "http://testserver/static/../akad/settings.py",
        "http://testserver/static/%2e%2e/akad/settings.py",
        "http://testserver/media/secret.pdf",  # not under STATIC_URL
        "http://testserver/static/css/missing.css",
        "data:text/css,body{}",
    ],
)
def test_fetcher_refuses_everything_else(url):
    with pytest.raises(report_pdf.ForbiddenResource):
        report_pdf.static_file_for(url, base_url=BASE)


def test_render_pdf_does_not_fetch_foreign_urls(monkeypatch):
    """A foreign stylesheet or image in the HTML is skipped; the report still renders."""
    asked: list[str] = []
    real = report_pdf.static_file_for

    def spy(url, *, base_url):
        asked.append(url)
        return real(url, base_url=base_url)

    monkeypatch.setattr(report_pdf, "static_file_for", spy)
    html = (
        '<html lang="nl"><head><title>t</title>'
        '<link rel="stylesheet" href="http://example.org/evil.css">'
        '<link rel="stylesheet" href="/static/css/report.css"></head>'
        '<body><p>Hallo</p><img alt="" src="file:///etc/hostname"></body></html>'
    )
    content = report_pdf.render_pdf(html, base_url=BASE)

    assert content.startswith(b"%PDF")
    assert "http://example.org/evil.css" in asked
    assert "http://testserver/static/css/report.css" in asked
    assert "Hallo" in pdf_text(content)


def test_meeting_without_cases_still_has_a_report(client, member, noord):
    meeting = MeetingFactory(network=noord, place="Buurthuis Oost")
    client.force_login(member)
    response = client.get(reverse("reports:meeting_pdf", args=[meeting.pk]))

    assert response.status_code == 200
    text = flat(pdf_text(response.content))
    assert "Buurthuis Oost" in text
    with override("nl"):
        assert gettext("No cases were planned for this meeting.") in text
        assert gettext("No follow-ups were reported in this meeting.") in text


def test_an_unchanged_meeting_pdf_is_served_from_the_cache(client, member, story, monkeypatch):
    url = reverse("reports:meeting_pdf", args=[story["case"].meeting_id])
    client.force_login(member)
    first = client.get(url).content
    renders = []
    monkeypatch.setattr(
        "reports.views.render_pdf", lambda *a, **k: renders.append(1) or b"%PDF-new"
    )
    assert client.get(url).content == first
    assert renders == []


def test_a_change_through_the_services_shows_in_the_next_pdf(client, member, story):
    import uuid

    from sessions.services.tips import add_tip

    case = story["case"]
    url = reverse("reports:meeting_pdf", args=[case.meeting_id])
    client.force_login(member)
    assert "Boodschappen samen met de buurman" not in flat(pdf_text(client.get(url).content))
    goal = case.goals.first()
    add_tip(
        case=case,
        key=uuid.uuid4(),
        domain=goal.domain,
        column=case.meeting.network.matrix.columns.first(),
        text="Boodschappen samen met de buurman",
    )
    assert "Boodschappen samen met de buurman" in flat(pdf_text(client.get(url).content))
