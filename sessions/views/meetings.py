"""TODO(placeholder): being written."""
from django.http import HttpResponse


def meeting_list(request, **kwargs):
    return HttpResponse(status=501)


def meeting_create(request, **kwargs):
    return HttpResponse(status=501)


def meeting_detail(request, **kwargs):
    return HttpResponse(status=501)


def case_create(request, **kwargs):
    return HttpResponse(status=501)

