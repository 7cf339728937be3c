"""PDF reports: one per meeting (all its cases) and one per case discussion.

Any member of the meeting's network may download them; the objects are fetched for the
viewer (404 outside their networks, decided in `networks.access`).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from akad.http import HtmxHttpRequest
from networks.access import viewer_for
from sessions.models import Meeting
from sessions.selectors.objects import case_for, meeting_for
from sessions.services.versions import SHARED_RENDER_SECONDS, render_key

from .builders import case_report, meeting_report
from .pdf import render_pdf

# A rendered report is kept for a while under the meeting's version: every service that
# changes what a report shows raises that version, so a changed meeting gets a new key; so
# do admin corrections of meetings, clients, cases, tips and outcomes (sessions/admin.py).
# Renamed reference data (columns, domains, organisations) shows once the entry expires.
REPORT_CACHE_SECONDS = SHARED_RENDER_SECONDS


def pdf_response(
    request: HttpRequest, key: str, build_context, template: str, filename: str
) -> HttpResponse:
    """The PDF from the cache, or rendered from `build_context()` (the queries) and kept."""
    pdf = cache.get(key)
    if pdf is None:
        html = render_to_string(template, build_context(), request=request)
        pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
        cache.set(key, pdf, REPORT_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def report_date(meeting: Meeting) -> str:
    return timezone.localtime(meeting.starts_at).date().isoformat()


def pdf_filename(prefix: str, name: str, meeting: Meeting) -> str:
    """`<prefix>-<name>-<date>.pdf` as one ASCII slug, whatever the translated prefix holds."""
    return slugify(f"{prefix}-{name}-{report_date(meeting)}") + ".pdf"


@login_required
@require_GET
@never_cache
def meeting_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(viewer_for(request), pk)
    key = render_key("report-meeting", meeting.pk, meeting.version)
    # Translators: start of the meeting report's file name; lower case, words joined by "-".
    prefix = pgettext("PDF file name", "akad-meeting-report")
    filename = pdf_filename(prefix, meeting.network.name, meeting)
    return pdf_response(
        request, key, lambda: meeting_report(meeting), "reports/meeting.html", filename
    )


@login_required
@require_GET
@never_cache
def case_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = case_for(viewer_for(request), pk)
    meeting = case.meeting
    key = render_key("report-case", meeting.pk, meeting.version, case.pk)
    # Translators: start of the case report's file name; lower case, words joined by "-".
    prefix = pgettext("PDF file name", "akad-case-report")
    filename = pdf_filename(prefix, case.client.pseudonym, meeting)
    return pdf_response(
        request,
        key,
        lambda: {"meeting": meeting, "report": case_report(case)},
        "reports/case.html",
        filename,
    )
