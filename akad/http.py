from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (`request.htmx`)."""

    htmx: HtmxDetails


def is_whole_number(value: str) -> bool:
    """Plain ASCII digits that fit a database integer ("²" is a digit to Python, not to int())."""
    return value.isascii() and value.isdigit() and len(value) < 19


def posted_id(request: HttpRequest, name: str) -> int | None:
    """The id a form posted in `name`: None when empty, 404 when it is not an id at all."""
    value = request.POST.get(name, "")
    if not value:
        return None
    if not is_whole_number(value):
        raise Http404(f"not an id: {name}")
    return int(value)
