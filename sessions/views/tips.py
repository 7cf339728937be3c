"""Tips on the console: add one (keyboard first), edit or move it, delete it, choose it.

The same conventions as the rest of the console (`console.py`): an HTMX request gets the
fragment it changed, a plain form post a redirect back or the console with the message.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from akad.http import HtmxHttpRequest, posted_id
from networks.access import viewer_for

from ..forms.tips import ChooseForm, TipEditForm, TipForm
from ..selectors.objects import case_for, case_for_tip
from ..selectors.placemat import case_tip, merge_choices, placemat
from ..services import tips
from .console import (
    TIP_EDIT,
    TIPS,
    form_errors,
    lead_case,
    lead_tip,
    redirect_back,
    refuse_plain_post,
    render_panel,
)


@login_required
@require_POST
def add_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Add a tip; a double submit or a retry with the same form key stores it once.

    The answer is small: the new tip, appended to its cell, and a fresh form key. The form
    keeps the chosen cell for the next tip; the console's JavaScript empties the text, the
    giver and the organisation.
    """
    case = lead_case(request, pk, fetch=case_for_tip)
    form = TipForm(request.POST, case=case)
    tip = created = None
    if form.is_valid():
        try:
            tip, created = tips.add_tip(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if not request.htmx:
        return (
            refuse_plain_post(request, case, tip_form=form) if form.errors else redirect_back(case)
        )
    if form.errors:
        # Show the form again as typed, with the messages.
        context = {"case": case, "placemat": placemat(case), "tip_form": form}
        response = render(request, f"{TIPS}#tip-form", context)
        return retarget(reswap(response, "outerHTML"), "#tip-form")
    # "tipAdded" tells the console which text is stored under the key, so that it empties the
    # form only if that is the tip it sent (not another one sent again with the same key).
    stored = {"text": tip.text}
    if not created:
        # A retry of a tip that is already stored: show the whole panel as it is now.
        return trigger_client_event(render_panel(request, case), "tipAdded", stored)
    context = {"case": case, "tip": tip, "next_key": uuid.uuid4(), "tip_added": True}
    return trigger_client_event(render(request, f"{TIPS}#tip-added", context), "tipAdded", stored)


@login_required
@require_http_methods(["GET", "POST"])
def edit_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the inline edit form for one tip. POST: save text or move it to another cell."""
    tip = lead_tip(request, pk)
    case = tip.case
    context = {"tip": tip, "case": case, "merge_choices": merge_choices(tip)}
    if request.method == "GET":
        return render(request, TIP_EDIT, {**context, "form": TipEditForm(instance=tip)})
    form = TipEditForm(request.POST, instance=tip)
    if form.is_valid():
        try:
            tips.update_tip(tip=tip, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return render(request, TIP_EDIT, {**context, "form": form})
    return render_panel(request, case_for(viewer_for(request), case.pk), announce=_("Tip saved."))


@login_required
@require_POST
def merge_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Moderation: this tip says what another one says; it goes into that one."""
    tip = lead_tip(request, pk)
    case = tip.case
    into = case_tip(case, posted_id(request, "into"))
    try:
        merged = tips.merge_tips(tip=tip, into=into)
    except ValidationError as error:
        return render_panel(request, case, refused=True, error=" ".join(error.messages))
    announce = _("Tips merged: %(givers)s.") % {"givers": merged.given_by or merged.text}
    return render_panel(request, case, announce=announce)


@login_required
@require_POST
def delete_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    tip = lead_tip(request, pk)
    case = tip.case
    try:
        tips.delete_tip(tip=tip)
    except ValidationError as error:
        return render_panel(request, case, refused=True, error=" ".join(error.messages))
    return render_panel(request, case, announce=_("Tip deleted."))


@login_required
@require_POST
def choose_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Afronding: the case-bringer takes the tip to the client, with who/what/when."""
    tip = lead_tip(request, pk)
    case = tip.case
    form = ChooseForm(request.POST, prefix=f"c{tip.pk}", accepted=ChooseForm.saved(tip))
    if form.is_valid():
        tips.choose_tip(tip=tip, **form.cleaned_data)
    if not request.htmx:
        if form.is_valid():
            return redirect_back(case)
        return refuse_plain_post(request, case, error=f"{tip.text}: {form_errors(form)}")
    return render(
        request,
        "sessions/steps/afronding.html#choose-row",
        {"tip": tip, "form": form, "saved": form.is_valid(), "case": case},
    )
