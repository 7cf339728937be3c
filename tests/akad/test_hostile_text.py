"""Whatever is typed stays text: escaped in every page and fragment, inert in the PDFs.

Tips hold script, an image with an error handler, htmx attributes that would fetch a page,
template syntax, direction overrides, zero-width characters, emoji; a follow-up holds
10 000 characters. Nothing of it runs, fetches, or turns the page around.
"""

from __future__ import annotations

import io
import uuid

import pytest
from django.urls import reverse
from pypdf import PdfReader

from sessions.models import Step, Tip
from sessions.services.follow_up import record_outcome
from sessions.services.live import go_to_step
from sessions.services.tips import choose_tip
from tests.clients import HTMX, english_client

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
    goal, column = case.goals.first(), case.meeting.network.matrix.columns.first()
    for text in HOSTILE:
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
