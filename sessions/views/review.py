"""TODO(placeholder): being written."""
from django.http import HttpResponse


def review(request, **kwargs):
    return HttpResponse(status=501)


def update_tip(request, **kwargs):
    return HttpResponse(status=501)


def add_outcome(request, **kwargs):
    return HttpResponse(status=501)

