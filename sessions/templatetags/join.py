"""The join code on screens: the short address and a QR code (inline SVG, no inline style)."""

from __future__ import annotations

from functools import lru_cache

import segno
from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def join_path(meeting) -> str:
    return reverse("casework:join_code", kwargs={"code": meeting.join_code.replace("-", "")})


@register.simple_tag(takes_context=True)
def join_url(context, meeting) -> str:
    """What the QR code opens: the join page with the code filled in."""
    return context["request"].build_absolute_uri(join_path(meeting))


@register.simple_tag(takes_context=True)
def join_address(context) -> str:
    """The short address to type, without the scheme: akad.example/j."""
    request = context["request"]
    return f"{request.get_host()}{reverse('casework:join').rstrip('/')}"


@lru_cache(maxsize=512)
def qr_svg(url: str) -> str:
    # Drawn with a stroke and a fill attribute (presentation attributes, which the CSP's
    # style-src does not govern); sized by CSS through the viewBox. White quiet zone included
    # so that it scans on any background. Hidden from screen readers: the address and code
    # next to it say the same in text.
    svg = segno.make(url, error="m").svg_inline(omitsize=True, svgclass="qr", light="#fff")
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


@register.simple_tag(takes_context=True)
def join_qr(context, meeting) -> SafeString:
    return mark_safe(qr_svg(join_url(context, meeting)))  # segno's own markup, no user text
