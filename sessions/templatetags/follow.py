"""The pass of a poll behind a login, made where the page that polls is rendered."""

from __future__ import annotations

from django import template

from ..views.polling import CONSOLE_FOLLOW_SALT, make_session_pass

register = template.Library()


@register.simple_tag(takes_context=True)
def console_follow_pass(context, case) -> str:
    """The tips step's poll on the console: bound to this login session and this case."""
    return make_session_pass(
        context["request"], salt=CONSOLE_FOLLOW_SALT, pk=case.pk, meeting_pk=case.meeting_id
    )
