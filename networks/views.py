"""Accounts: the login (password, then a second factor where needed), setting up sign-in
with a set-up link, one's own account page (password, two-factor sign-in, recovery codes);
the coordinator's access log and their members' sign-in (set-up links, resetting an app)."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import user_login_failed
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from akad.csv_export import csv_response, file_name
from akad.http import HtmxHttpRequest, posted_id
from akad.throttle import Throttle

from . import access, setup_links, two_factor
from .forms import AccessLogFilter, SetupForm
from .selectors import access_events, client_names, members_sign_in, people

SETUP = "registration/two_factor_setup.html"
VERIFY = "registration/two_factor_verify.html"
NEEDS_LINK = "registration/needs_setup_link.html"
SETUP_WITH_LINK = "registration/setup_with_link.html"
LINK_REFUSED = "registration/setup_link_refused.html"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        error_messages={"required": gettext_lazy("Type the code.")},
    )


class Login(LoginView):
    """Step one: e-mail address and password (django-axes counts the failures).

    Someone who needs no second factor is logged in here. Otherwise nobody is logged in yet:
    the login waits for a code (`two_factor.start_pending`). Someone who must use an app and
    has none is not let in at all, and sets none up here: the page says to ask for a set-up
    link (networks.setup_links). The password alone must not be enough to set up an app.
    """

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.needed_at_login(user):
            return super().form_valid(form)
        if not two_factor.has_app(user):
            return needs_setup_link(self.request, user)
        two_factor.start_pending(self.request, user, next_url=self.get_success_url())
        return redirect("accounts:two_factor_verify")


def needs_setup_link(request: HttpRequest, user) -> HttpResponse:
    """The password was right, but the account must use an app and has none: nobody is
    logged in, nothing waits; the person asks for a set-up link."""
    two_factor.drop_pending(request)
    access.log_sign_in_event("login_refused_without_app", user=user, request=request, warning=True)
    return render(request, NEEDS_LINK, {"email": user.email}, status=403)


def back_to_login(request: HttpRequest) -> HttpResponse:
    """No waiting login (any more): the password again."""
    if request.session.get(two_factor.PENDING):
        two_factor.drop_pending(request)
        messages.info(request, _("The login waited too long for its second step. Log in again."))
    return redirect("accounts:login")


def safe_next(request: HttpRequest, url: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else reverse("casework:home")


def wrong_code(request: HttpRequest, user, form: CodeForm) -> HttpResponse | None:
    """Count a wrong code: as a failed login (django-axes) and for the waiting login. None,
    or the answer when that was one wrong code too many."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    if getattr(request, "axes_locked_out", False):
        two_factor.drop_pending(request)
        return get_lockout_response(request, credentials={"username": user.get_username()})
    if not two_factor.count_wrong_code(request):
        messages.error(request, _("Too many wrong codes. Log in again."))
        return redirect("accounts:login")
    form.add_error(
        "code",
        _(
            "That code is not right. Type the code your app shows now (check the time on "
            "your phone), or one of your recovery codes."
        ),
    )
    return None


def locked_out(request: HttpRequest, user) -> HttpResponse | None:
    """The lockout page, if the account (or address) is locked for too many failures."""
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    two_factor.drop_pending(request)
    return get_lockout_response(request, credentials=credentials)


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Step two, for someone with an app: its code, or one of the recovery codes."""
    user = two_factor.pending_user(request)
    if user is None:
        return back_to_login(request)
    if not two_factor.has_app(user):  # reset meanwhile: a set-up link now
        return needs_setup_link(request, user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if (lockout := locked_out(request, user)) is not None:
            return lockout
        wait = two_factor.wait_seconds(user)
        device = two_factor.verify(user, form.cleaned_data["code"]) if not wait else None
        if device is not None:
            next_url = safe_next(request, two_factor.pending_next(request))
            two_factor.finish_login(request, user, device)
            if two_factor.is_recovery_code(device):
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(left)d is left. Make new ones on your "
                        "account page.",
                        "You used a recovery code; %(left)d are left. Make new ones on your "
                        "account page.",
                        left,
                    )
                    % {"left": left},
                )
            return HttpResponseRedirect(next_url)
        if wait:
            form.add_error(
                "code",
                ngettext(
                    "Too many wrong codes in a row: wait %(seconds)d second and try again.",
                    "Too many wrong codes in a row: wait %(seconds)d seconds and try again.",
                    wait,
                )
                % {"seconds": wait},
            )
        elif (answer := wrong_code(request, user, form)) is not None:
            return answer
    status = 422 if form.errors else 200
    return render(request, VERIFY, {"form": form, "email": user.email}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app from the account page, logged in: for someone the rule
    does not ask it of (they have only a password to protect anyway). Someone who must use
    it sets up an app with a set-up link, never here."""
    user = request.user
    if two_factor.has_app(user):
        return redirect("accounts:account")
    if access.must_use_two_factor(user):  # the rule began to apply within this session
        return needs_setup_link(request, user)
    device = two_factor.app_being_set_up(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_app(device, form.cleaned_data["code"])
        if codes is not None:
            two_factor.verified_now(request, device)
            request.session[RECOVERY_CODES] = codes
            request.session[AFTER_CODES] = reverse("accounts:account")
            return redirect("accounts:recovery_codes")
        form.add_error("code", _("That code is not right. Type the code your app shows now."))
    context = {"form": form, **app_context(device)}
    return render(request, SETUP, context, status=422 if form.errors else 200)


def app_context(device) -> dict:
    """What a page needs to show the app's QR code and key."""
    return {
        "qr_code": two_factor.qr_code_svg(device, _("QR code for your authenticator app")),
        "secret": two_factor.secret_in_groups(device),
    }


# Setting up sign-in with a set-up link ------------------------------------------------------

# A token has 256 bits: guessing one is hopeless. This keeps anyone from trying at length.
WRONG_LINKS = Throttle("setup-link", allowed=10, window=60 * 60, wait=10 * 60)
OTHER_ACCOUNT, WAITED = "other account", "waited"


def link_refused(request: HttpRequest, reason: str, user=None) -> HttpResponse:
    """Why this link (or set-up) does not work, in words, and what to do."""
    hours = settings.SETUP_LINK_HOURS
    messages_by_reason = {
        setup_links.UNKNOWN: _(
            "This set-up link does not work. Check that you opened the whole link, or ask "
            "your coordinator for a new one."
        ),
        setup_links.INACTIVE: _(
            "This set-up link does not work. Check that you opened the whole link, or ask "
            "your coordinator for a new one."
        ),
        setup_links.USED: _(
            "This set-up link has been used already: a link works once. If it was not you "
            "who used it, tell your coordinator straight away."
        ),
        setup_links.EXPIRED: ngettext(
            "This set-up link has expired: a link works for %(hours)d hour. Ask your "
            "coordinator for a new one.",
            "This set-up link has expired: a link works for %(hours)d hours. Ask your "
            "coordinator for a new one.",
            hours,
        )
        % {"hours": hours},
        setup_links.REPLACED: _(
            "This set-up link was replaced by a newer one. Open the newest link you were "
            "given, or ask your coordinator for a new one."
        ),
        OTHER_ACCOUNT: _(
            "This set-up link is for another account than the one you are logged in with. "
            "Log out first, then open the link again."
        ),
        WAITED: _(
            "The set-up waited too long, or was started in another browser. Open your set-up "
            "link again (it still works if you did not finish the set-up)."
        ),
    }
    status = {setup_links.UNKNOWN: 404, setup_links.INACTIVE: 404, OTHER_ACCOUNT: 403}
    access.log_sign_in_event(
        "setup_link_refused", user=user, request=request, warning=True, reason=reason
    )
    context = {"message": messages_by_reason[reason]}
    return render(request, LINK_REFUSED, context, status=status.get(reason, 410))


def wrong_link_wait(request: HttpRequest, wait: int) -> HttpResponse:
    access.log_sign_in_event("setup_link_throttled", request=request, warning=True)
    minutes = -(-wait // 60)
    message = ngettext(
        "Too many set-up links that did not work from this network. Wait %(minutes)d minute "
        "and try again.",
        "Too many set-up links that did not work from this network. Wait %(minutes)d minutes "
        "and try again.",
        minutes,
    ) % {"minutes": minutes}
    return render(request, LINK_REFUSED, {"message": message}, status=429)


@require_GET
def setup_link(request: HttpRequest, token: str) -> HttpResponse:
    """A set-up link was opened: start the set-up in this browser, then go on at an address
    without the token (it leaves the address bar and the browser's history)."""
    if wait := WRONG_LINKS.wait_left(request):
        return wrong_link_wait(request, wait)  # right or wrong: no token is tried meanwhile
    link = setup_links.find(token)
    reason = setup_links.refusal(link)
    if reason == setup_links.UNKNOWN:
        if wait := WRONG_LINKS.failed(request):
            return wrong_link_wait(request, wait)
    if reason is not None:
        return link_refused(request, reason, user=link.user if link else None)
    if request.user.is_authenticated and request.user.pk != link.user_id:
        return link_refused(request, OTHER_ACCOUNT, user=link.user)
    setup_links.start(request, link)
    return redirect("accounts:setup_with_link")


@require_http_methods(["GET", "POST"])
def setup_with_link(request: HttpRequest) -> HttpResponse:
    """The set-up a link started: the password (the account's, or a new one if it has none),
    then the code of the app just scanned; then logged in, and the recovery codes, once."""
    found = setup_links.current(request)
    if found is None:
        return link_refused(request, WAITED)
    link, device = found
    user = link.user
    if (reason := setup_links.refusal(link)) is not None:
        setup_links.end(request)
        return link_refused(request, reason, user=user)
    if device is None:
        return link_refused(request, WAITED, user=user)
    if request.user.is_authenticated and request.user.pk != user.pk:
        return link_refused(request, OTHER_ACCOUNT, user=user)
    form = SetupForm(
        request.POST or None,
        user=user,
        request=request,
        asks_password=not setup_links.password_done(request),
    )
    if request.method == "POST" and form.is_valid():
        if form.asks_password:
            setup_links.password_given(request, user=user, new_password=form.new_password)
            form.asks_password = False  # a wrong code: only the code again
        try:
            codes = setup_links.complete(link=link, device=device, code=form.cleaned_data["code"])
        except setup_links.LinkRefused as refused:
            setup_links.end(request)
            return link_refused(request, refused.reason, user=user)
        if codes is not None:
            setup_links.end(request)
            access.log_sign_in_event("setup_link_used", user=user, request=request, link=link.pk)
            user.backend = "django.contrib.auth.backends.ModelBackend"
            two_factor.finish_login(request, user, device)
            request.session[RECOVERY_CODES] = codes
            request.session[AFTER_CODES] = reverse("casework:home")
            return redirect("accounts:recovery_codes")
        form.add_error("code", code_not_right(device))
    context = {"form": form, "email": user.email, **app_context(device)}
    return render(request, SETUP_WITH_LINK, context, status=422 if form.errors else 200)


def code_not_right(device) -> str:
    wait = two_factor.device_wait_seconds(device)
    if wait:
        return ngettext(
            "That code is not right. Wait %(seconds)d second, then type the code your app shows.",
            "That code is not right. Wait %(seconds)d seconds, then type the code your app shows.",
            wait,
        ) % {"seconds": wait}
    return _(
        "That code is not right. Type the code your app shows now (check the time on your phone)."
    )


RECOVERY_CODES = "akad.recovery_codes"  # shown once, then gone from the session
AFTER_CODES = "akad.after_recovery_codes"


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The ten new recovery codes, shown once (a reload shows them no more)."""
    codes = request.session.pop(RECOVERY_CODES, None)
    after = safe_next(request, request.session.pop(AFTER_CODES, ""))
    if not codes:
        return redirect("accounts:account")
    context = {"codes": [two_factor.format_code(code) for code in codes], "after": after}
    return render(request, "registration/recovery_codes.html", context)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """One's own account: password, two-factor sign-in, recovery codes."""
    user = request.user
    context = {
        "has_app": two_factor.has_app(user),
        "required": access.must_use_two_factor(user),
        "app_since": two_factor.app_since(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "form": CodeForm(),
    }
    return render(request, "registration/account.html", context)


def code_from_app(request: HttpRequest) -> bool:
    """A current code from the user's app (not a recovery code, which would be used up),
    asked before changing the second factor."""
    form = CodeForm(request.POST)
    if not form.is_valid():
        return False
    return two_factor.verify_app(request.user, form.cleaned_data["code"])


@login_required
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    if not two_factor.has_app(request.user):
        return redirect("accounts:account")
    if not code_from_app(request):
        messages.error(request, _("That code is not right: no new recovery codes were made."))
        return redirect("accounts:account")
    request.session[RECOVERY_CODES] = two_factor.new_recovery_codes(request.user)
    request.session[AFTER_CODES] = reverse("accounts:account")
    return redirect("accounts:recovery_codes")


@login_required
@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off: only for someone the rule does not ask it of."""
    if access.must_use_two_factor(request.user):
        messages.error(request, _("Your role asks for two-factor sign-in: it stays on."))
        return redirect("accounts:account")
    if not code_from_app(request):
        messages.error(request, _("That code is not right: two-factor sign-in stays on."))
        return redirect("accounts:account")
    two_factor.remove(request.user)
    request.session[two_factor.STATE] = two_factor.second_factor_state(request.user)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:account")


class PasswordChange(SuccessMessageMixin, PasswordChangeView):
    """Change your own password (the first one came from a coordinator or the admin).

    Django logs out every other session of the account and keeps this one.
    """

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("casework:home")
    success_message = gettext_lazy("Your password has been changed. Other devices are logged out.")


EVENTS_PER_PAGE = 50


def filtered_log(request: HtmxHttpRequest, network):
    """The access-log filter of the request (client, person, period), the client names by
    number, and the lines it selects (all of them while the filter has errors)."""
    names = client_names(network)
    form = AccessLogFilter(request.GET or None, clients=list(names.items()), people=people(network))
    filters = form.cleaned_data if form.is_valid() else {}
    events = access_events(network, **{k: v for k, v in filters.items() if v is not None})
    return form, names, events.select_related("user")


@login_required
@require_GET
def access_log(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Who viewed or changed which client's data, when, where: for the network's coordinator."""
    viewer = access.viewer_for(request)
    network = access.network_for(viewer, pk)
    access.require(viewer.can_read_access_log(network.pk))
    form, names, events = filtered_log(request, network)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    for event in page:
        event.client_name = names.get(event.client_number)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "network": network,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_export": viewer.can_export(network.pk),
    }
    return render(request, "networks/access_log.html", context)


ACCESS_LOG_COLUMNS = (
    gettext_lazy("When"),
    gettext_lazy("Who"),
    gettext_lazy("Logged as"),
    gettext_lazy("What"),
    gettext_lazy("Client"),
    gettext_lazy("Client number"),
    gettext_lazy("Meeting number"),
    gettext_lazy("Page"),
    gettext_lazy("Address"),
)
# A coordinator's page: the members' sign-in, set-up links, resetting an app ----------------

NEW_LINK = "akad.new_setup_link"  # the link just made, shown once on the page


@login_required
@require_GET
@never_cache
def access_log_csv(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The access log of the page's filter as a CSV file, every line of it (no pages): for an
    auditor, or a client asking who looked at their file. The download is logged itself."""
    viewer = access.viewer_for(request)
    network = access.network_for_export(viewer, pk)
    form, names, events = filtered_log(request, network)
    filters = form.cleaned_data if form.is_bound else {}
    if form.errors:
        # Not a file of everything for a filter with a mistake: the page says what is wrong.
        page = reverse("accounts:access_log", args=[network.pk])
        return redirect(f"{page}?{request.GET.urlencode()}")
    access.log_export(viewer, network_id=network.pk, client=filters.get("client"))
    rows = (
        [
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            event.user or event.actor,  # as the page shows it
            event.actor,
            event.get_kind_display(),
            names.get(event.client_number, ""),
            event.client_number or "",
            event.meeting_number or "",
            event.page,
            event.path,
        ]
        for event in events.iterator(chunk_size=2000)
    )
    # Translators: start of the access log file's name; lower case, words joined by "-".
    prefix = pgettext("CSV file name", "akad-access-log")
    filename = file_name(prefix, network.name, timezone.localdate().isoformat())
    return csv_response(filename=filename, header=ACCESS_LOG_COLUMNS, rows=rows)


def sign_in_of_members(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Who of the network signs in with an app, who still needs a set-up link; the link just
    made, once (the database keeps only its hash)."""
    viewer = access.viewer_for(request)
    network = access.network_for(viewer, pk)
    access.require(viewer.can_manage_sign_in(network.pk))
    members = members_sign_in(network, request.user)
    for membership in members:
        membership.may_link = access.may_issue_setup_link(
            request.user, membership.user, other_networks=membership.other_networks
        )
    new_link = request.session.pop(NEW_LINK, None)
    if new_link:
        new_link["until"] = parse_datetime(new_link["until"])
    context = {
        "network": network,
        "members": members,
        "new_link": new_link,
        "setup_link_hours": settings.SETUP_LINK_HOURS,
    }
    return render(request, "networks/sign_in.html", context)


@login_required
@require_POST
def make_setup_link(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A set-up link for a member (`reset`: their app and recovery codes go first, for a lost
    or stolen phone)."""
    viewer = access.viewer_for(request)
    network = access.network_for(viewer, pk)
    access.require(viewer.can_manage_sign_in(network.pk))
    membership = get_object_or_404(
        network.memberships.select_related("user"), user_id=posted_id(request, "member")
    )
    user = membership.user
    access.require(access.may_issue_setup_link(request.user, user))
    reset = request.POST.get("reset") == "1"
    new = setup_links.create_link(user=user, by=request.user, reset=reset, request=request)
    request.session[NEW_LINK] = {
        "person": str(user),
        "email": user.email,
        "url": request.build_absolute_uri(new.path),
        "until": new.link.expires_at.isoformat(),
        "reset": reset,
    }
    return redirect("accounts:sign_in_of_members", pk=network.pk)
