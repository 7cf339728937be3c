"""TODO(placeholder): being written."""
from django.http import HttpResponse


def meeting_pdf(request, **kwargs):
    return HttpResponse(status=501)


def case_pdf(request, **kwargs):
    return HttpResponse(status=501)

