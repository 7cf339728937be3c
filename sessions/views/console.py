"""TODO(placeholder): being written."""
from django.http import HttpResponse


def console(request, **kwargs):
    return HttpResponse(status=501)


def change_step(request, **kwargs):
    return HttpResponse(status=501)


def save_presentation(request, **kwargs):
    return HttpResponse(status=501)


def save_domains(request, **kwargs):
    return HttpResponse(status=501)


def add_tip(request, **kwargs):
    return HttpResponse(status=501)


def set_spotlight(request, **kwargs):
    return HttpResponse(status=501)


def save_evaluation(request, **kwargs):
    return HttpResponse(status=501)


def record_follow_up(request, **kwargs):
    return HttpResponse(status=501)


def edit_tip(request, **kwargs):
    return HttpResponse(status=501)


def delete_tip(request, **kwargs):
    return HttpResponse(status=501)


def choose_tip(request, **kwargs):
    return HttpResponse(status=501)

