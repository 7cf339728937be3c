"""Accounts: the login (password, then a second factor where needed), one's own account
page (password, two-factor sign-in, recovery codes); the coordinator's access log."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.contrib import messages
from django.contrib.auth import user_login_failed
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from akad.csv_export import csv_response, file_name
from akad.http import HtmxHttpRequest

from . import access, two_factor
from .forms import AccessLogFilter
from .selectors import access_events, client_names, people

SETUP = "registration/two_factor_setup.html"
VERIFY = "registration/two_factor_verify.html"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        error_messages={"required": gettext_lazy("Type the code.")},
    )


class Login(LoginView):
    """Step one: e-mail address and password (django-axes counts the failures).

    Someone who needs no second factor is logged in here. Otherwise nobody is logged in yet:
    the login waits for a code (`two_factor.start_pending`), or for an app to be set up by
    someone who must have one and has none.
    """

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.needed_at_login(user):
            return super().form_valid(form)
        two_factor.start_pending(self.request, user, next_url=self.get_success_url())
        if two_factor.has_app(user):
            return redirect("accounts:two_factor_verify")
        return redirect("accounts:two_factor_setup")


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
    if not two_factor.has_app(user):
        return redirect("accounts:two_factor_setup")
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


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: at the login for someone who must have one (nothing else
    can be done until it is set up), or from the account page for anyone."""
    at_login = not request.user.is_authenticated
    user = two_factor.pending_user(request) if at_login else request.user
    if user is None:
        return back_to_login(request)
    if two_factor.has_app(user):
        return redirect("accounts:two_factor_verify" if at_login else "accounts:account")
    device = two_factor.app_being_set_up(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if at_login and (lockout := locked_out(request, user)) is not None:
            return lockout
        codes = two_factor.confirm_app(device, form.cleaned_data["code"])
        if codes is not None:
            request.session[RECOVERY_CODES] = codes
            if at_login:
                request.session[AFTER_CODES] = safe_next(request, two_factor.pending_next(request))
                two_factor.finish_login(request, user, device)
            else:
                two_factor.verified_now(request, device)
                request.session[AFTER_CODES] = reverse("accounts:account")
            return redirect("accounts:recovery_codes")
        if at_login:
            if (answer := wrong_code(request, user, form)) is not None:
                return answer
        else:
            form.add_error("code", _("That code is not right. Type the code your app shows now."))
    context = {
        "form": form,
        "at_login": at_login,
        "required": access.must_use_two_factor(user),
        "qr_code": two_factor.qr_code_svg(device, _("QR code for your authenticator app")),
        "secret": two_factor.secret_in_groups(device),
        "email": user.email,
    }
    return render(request, SETUP, context, status=422 if form.errors else 200)


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
