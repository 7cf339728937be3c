"""Moderation on the console: hide a tip, hold new phone tips, and show the held ones ("tonen").

The same conventions as the console: the answer is the redrawn step panel for HTMX, a
redirect back for a plain form post.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from akad.http import HtmxHttpRequest

from ..services import tips
from .console import lead_case, lead_tip, render_panel


@login_required
@require_POST
def hide_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Take a tip off the beamer and out of the reports (hidden=1), or put it back (hidden=0)."""
    tip = lead_tip(request, pk)
    hidden = request.POST.get("hidden") == "1"
    tips.hide_tip(tip=tip, hidden=hidden)
    announce = _("Tip hidden from the screen.") if hidden else _("Tip shown again.")
    return render_panel(request, tip.case, announce=announce)


@login_required
@require_POST
def hold_tips(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Hold new phone tips until "show" (hold=1), or stop holding: the held ones appear."""
    case = lead_case(request, pk)
    hold = request.POST.get("hold") == "1"
    tips.set_hold(case=case, hold=hold)
    if hold:
        announce = _("New tips from phones wait until you show them.")
    else:
        announce = _("Tips from phones appear at once again.")
    return render_panel(request, case, announce=announce)


@login_required
@require_POST
def show_held_tips(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """ "Tonen": every held tip appears on the beamer at once."""
    case = lead_case(request, pk)
    shown = tips.show_held_tips(case=case)
    announce = ngettext(
        "%(count)d tip shown on the screen.", "%(count)d tips shown on the screen.", shown
    ) % {"count": shown}
    return render_panel(request, case, announce=announce)
