"""TODO(placeholder): being written."""
from django.http import HttpResponse


def beamer(request, **kwargs):
    return HttpResponse(status=501)


def poll(request, **kwargs):
    return HttpResponse(status=501)

